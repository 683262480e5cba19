"""A Merkle tree over the chain's links, as RFC 6962 (2.1) defines one.

The leaves are the links in log order. A checkpoint signs the tree's root; a
member holding one event's entry checks it is in the tree from an audit path of
about log2(size) hashes, without the rest of the log.

    leaf hash  = SHA-256(0x00 ‖ link)
    node hash  = SHA-256(0x01 ‖ left ‖ right)
    MTH(D[n])  = the node hash of MTH(D[0:k]) and MTH(D[k:n]), k the largest
                 power of two below n
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(link: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + link).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class TreeBuilder:
    """The root of the leaves added so far, one leaf at a time in O(log n) memory.

    A stack of the perfect subtrees' roots (largest first): two of the same
    height merge as soon as they meet; the root folds what is left from the
    right, which is exactly RFC 6962's split at the largest power of two.

    ``keep_from``: every perfect subtree of that height or more, once complete,
    is kept in ``completed`` as (height, index, hash, label of its last leaf), so
    that a later root or audit path can start from them instead of the leaves
    (coop/infra/audit_tree.py).
    ``frontier``: the stack of a tree of ``size`` leaves, to go on from there.
    """

    def __init__(
        self,
        keep_from: int | None = None,
        size: int = 0,
        frontier: Sequence[bytes] = (),
    ) -> None:
        heights = [h for h, _ in pieces(0, size)]
        if len(frontier) != len(heights):
            raise ValueError(f"a tree of {size} leaves has {len(heights)} perfect subtrees")
        self.size = size
        self._stack: list[tuple[int, bytes]] = list(zip(heights, frontier, strict=True))
        self.keep_from = keep_from
        self.completed: list[tuple[int, int, bytes, int]] = []

    def add(self, link: bytes, label: int = 0) -> None:
        height, node = 0, leaf_hash(link)
        self.size += 1
        while self._stack and self._stack[-1][0] == height:
            _, left = self._stack.pop()
            height, node = height + 1, node_hash(left, node)
            if self.keep_from is not None and height >= self.keep_from:
                self.completed.append((height, (self.size >> height) - 1, node, label))
        self._stack.append((height, node))

    def frontier(self) -> list[bytes]:
        """The roots of the perfect subtrees that make up the tree, largest first."""
        return [node for _, node in self._stack]

    def root(self) -> bytes:
        return fold(self.frontier())


def fold(frontier: Sequence[bytes]) -> bytes:
    """The root of a tree from its perfect subtrees' roots (largest first)."""
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


def pieces(lo: int, hi: int) -> list[tuple[int, int]]:
    """The perfect subtrees, as (height, index), whose fold is MTH(D[lo:hi]).

    For the ranges RFC 6962 splits a tree into, where ``lo`` is a multiple of a
    power of two at least ``hi - lo``: one per bit of ``hi - lo``, largest first.
    """
    found, start = [], lo
    for height in range((hi - lo).bit_length() - 1, -1, -1):
        if (hi - lo) >> height & 1:
            found.append((height, start >> height))
            start += 1 << height
    return found


def root_of(links: Iterable[bytes]) -> bytes:
    tree = TreeBuilder()
    for link in links:
        tree.add(link)
    return tree.root()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def sibling_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose roots make RFC 6962 PATH(index, D[0:size]), leaf to root."""
    if not 0 <= index < size:
        raise ValueError(f"no leaf {index} in a tree of {size}")
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    # Walk down from the root, keeping the sibling subtree's range at each split.
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo = lo + k
    ranges.reverse()  # leaf to root
    return ranges


def audit_path(index: int, links: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 PATH(index, links): the hashes that take the leaf up to the root."""
    return [root_of(links[lo:hi]) for lo, hi in sibling_ranges(index, len(links))]


def root_from_path(index: int, size: int, link: bytes, path: Sequence[bytes]) -> bytes:
    """The root that ``path`` proves ``link`` (leaf ``index`` of ``size``) to be under.

    RFC 9162 2.1.3.2; a path of the wrong length cannot prove anything.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    fn, sn = index, size - 1
    node = leaf_hash(link)
    for sibling in path:
        if sn == 0:
            raise ValueError("the audit path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            node = node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ValueError("the audit path is shorter than the tree is deep")
    return node
