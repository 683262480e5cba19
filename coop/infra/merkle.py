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
    """

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (height, hash)

    def add(self, link: bytes) -> None:
        height, node = 0, leaf_hash(link)
        while self._stack and self._stack[-1][0] == height:
            _, left = self._stack.pop()
            height, node = height + 1, node_hash(left, node)
        self._stack.append((height, node))
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        root = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            root = node_hash(left, root)
        return root


def root_of(links: Iterable[bytes]) -> bytes:
    tree = TreeBuilder()
    for link in links:
        tree.add(link)
    return tree.root()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _subtree(leaves: Sequence[bytes]) -> bytes:
    return root_of(leaves)


def audit_path(index: int, links: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 PATH(index, links): the hashes that take the leaf up to the root."""
    if not 0 <= index < len(links):
        raise ValueError(f"no leaf {index} in a tree of {len(links)}")
    path: list[bytes] = []
    lo, hi = 0, len(links)
    # Walk down from the root, keeping the sibling subtree's root at each split.
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(_subtree(links[lo + k : hi]))
            hi = lo + k
        else:
            path.append(_subtree(links[lo : lo + k]))
            lo = lo + k
    path.reverse()  # leaf to root
    return path


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
