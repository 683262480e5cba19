"""The Merkle tree over the links: RFC 6962's tree hash, audit paths, and their check."""

from __future__ import annotations

import hashlib

import pytest

from coop.infra.merkle import (
    EMPTY_ROOT,
    TreeBuilder,
    audit_path,
    fold,
    leaf_hash,
    node_hash,
    pieces,
    root_from_path,
    root_of,
    sibling_ranges,
)


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 2.1, word for word: the reference the fast builder must agree with."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


LINKS = [hashlib.sha256(str(n).encode()).digest() for n in range(40)]


def test_the_root_is_rfc_6962s_tree_hash_for_every_size() -> None:
    assert root_of([]) == EMPTY_ROOT
    for size in range(len(LINKS) + 1):
        assert root_of(LINKS[:size]) == mth(LINKS[:size]), size


def test_every_leaf_is_proved_by_its_audit_path_and_nothing_else_is() -> None:
    for size in (1, 2, 3, 5, 8, 13, 40):
        root = mth(LINKS[:size])
        for index in range(size):
            path = audit_path(index, LINKS[:size])
            assert len(path) <= size.bit_length()
            assert root_from_path(index, size, LINKS[index], path) == root
            assert (
                root_from_path(index, size, LINKS[index - 1] if index else LINKS[1], path) != root
            )
            if path:
                wrong = [bytes(32), *path[1:]]
                assert root_from_path(index, size, LINKS[index], wrong) != root


def test_a_path_of_the_wrong_length_or_a_leaf_outside_the_tree_proves_nothing() -> None:
    path = audit_path(3, LINKS[:8])
    with pytest.raises(ValueError, match="longer"):
        root_from_path(3, 8, LINKS[3], [*path, bytes(32)])
    with pytest.raises(ValueError, match="shorter"):
        root_from_path(3, 8, LINKS[3], path[:-1])
    with pytest.raises(ValueError, match="not in a tree of 8"):
        root_from_path(8, 8, LINKS[3], path)
    with pytest.raises(ValueError, match="no leaf 9"):
        audit_path(9, LINKS[:8])


def test_a_tree_goes_on_from_its_subtrees_and_keeps_those_it_completes() -> None:
    for size in range(len(LINKS)):
        start = TreeBuilder(keep_from=2)
        for link in LINKS[:size]:
            start.add(link)
        assert fold(start.frontier()) == mth(LINKS[:size])
        assert [root_of(LINKS[i << h : (i + 1) << h]) for h, i in pieces(0, size)] == (
            start.frontier()
        )
        resumed = TreeBuilder(keep_from=2, size=size, frontier=start.frontier())
        for n, link in enumerate(LINKS[size:], start=size):
            resumed.add(link, label=n)
        assert resumed.root() == mth(LINKS)
        # Every perfect subtree of 4 leaves and up completed after ``size``, with its last leaf.
        for height, index, node, last in resumed.completed:
            assert height >= 2 and node == mth(LINKS[index << height : (index + 1) << height])
            assert last == ((index + 1) << height) - 1 >= size
    with pytest.raises(ValueError, match="a tree of 5 leaves has 2 perfect subtrees"):
        TreeBuilder(size=5, frontier=[LINKS[0]])


def test_an_audit_path_is_the_roots_of_its_sibling_ranges() -> None:
    for size in range(1, 20):
        for index in range(size):
            ranges = sibling_ranges(index, size)
            assert [mth(LINKS[lo:hi]) for lo, hi in ranges] == audit_path(index, LINKS[:size])
            for lo, hi in ranges:  # each folds from its perfect subtrees
                parts = [mth(LINKS[i << h : (i + 1) << h]) for h, i in pieces(lo, hi)]
                assert fold(parts) == mth(LINKS[lo:hi])
