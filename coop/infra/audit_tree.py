"""Stored subtree hashes: a checkpoint or an audit path without rehashing the log.

The Merkle tree over the links (coop/infra/merkle.py) is made of perfect
subtrees that never change once complete, since the log only grows. Each time
coop verifies events for a checkpoint it keeps the roots of the subtrees of
``KEPT_FROM`` levels (256 leaves) and up that they complete, in ``audit_tree``,
with the notification id of each one's last leaf. Then

* the next checkpoint starts from the previous one: the subtrees that make up
  its tree, folded, must give its signed root; only the events since are read;
* an audit path takes its siblings from the table, and hashes at most the 255
  links of its own block and of the tree's ragged end.

The table is in the database, so it is never trusted: a stored subtree counts
only once it folds, with the rest, to a root coop signed; anything else, and
coop goes back to the links (a proof) or to the whole log (a checkpoint).
`coop audit verify` never reads it; with ``--checkpoint`` it recomputes every
subtree and names any stored one that differs.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from coop.infra.merkle import (
    TreeBuilder,
    fold,
    leaf_hash,
    node_hash,
    pieces,
    root_from_path,
    sibling_ranges,
)

KEPT_FROM = 8  # subtrees of 2**8 = 256 leaves and up: 1 row per 128 events
BLOCK = 1 << KEPT_FROM

Completed = tuple[int, int, bytes, int]  # (height, index, hash, the last leaf's notification id)


async def keep(conn: asyncpg.Connection, completed: Sequence[Completed]) -> None:
    """Store subtrees just computed from verified links (over any stored before)."""
    if not completed:
        return
    heights, indexes, hashes, lasts = zip(*completed, strict=True)
    await conn.execute(
        "INSERT INTO audit_tree (height, index, hash, last_id)"
        " SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[], $4::bigint[])"
        " ON CONFLICT (height, index) DO UPDATE"
        " SET hash = EXCLUDED.hash, last_id = EXCLUDED.last_id",
        list(heights),
        list(indexes),
        list(hashes),
        list(lasts),
    )


async def _stored(
    conn: asyncpg.Connection, wanted: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], bytes]:
    rows = await conn.fetch(
        "SELECT t.height, t.index, t.hash FROM audit_tree t"
        " JOIN unnest($1::smallint[], $2::bigint[]) AS w(height, index) USING (height, index)",
        [h for h, _ in wanted],
        [i for _, i in wanted],
    )
    return {(r["height"], r["index"]): bytes(r["hash"]) for r in rows}


async def _links(conn: asyncpg.Connection, after: int, upto: int) -> list[bytes]:
    rows = await conn.fetch(
        "SELECT link FROM audit_chain WHERE notification_id > $1 AND notification_id <= $2"
        " ORDER BY notification_id",
        after,
        upto,
    )
    return [bytes(r["link"]) for r in rows]


async def _block_start(conn: asyncpg.Connection, block: int) -> int:
    """The notification id after which leaf ``block * BLOCK`` comes (as stored)."""
    if block == 0:
        return 0
    found = await conn.fetchval(
        "SELECT last_id FROM audit_tree WHERE height = $1 AND index = $2", KEPT_FROM, block - 1
    )
    if found is None:
        raise LookupError(f"no stored block {block - 1}")
    return int(found)


async def frontier_at(
    conn: asyncpg.Connection, size: int, last: int, root: bytes
) -> list[bytes] | None:
    """The subtrees that make up the tree of the first ``size`` links (the last being
    event ``last``), if the stored ones fold, with the log's end, to ``root``; else None."""
    wanted = pieces(0, size)
    stored = await _stored(conn, [(h, i) for h, i in wanted if h >= KEPT_FROM])
    # The ragged end below a block, from its links: the last ``size % BLOCK`` of them.
    rows = await conn.fetch(
        "SELECT link FROM audit_chain WHERE notification_id <= $1"
        " ORDER BY notification_id DESC LIMIT $2",
        last,
        size % BLOCK,
    )
    end = TreeBuilder()
    for row in reversed(rows):
        end.add(bytes(row["link"]))
    try:
        frontier = [stored[piece] for piece in wanted if piece[0] >= KEPT_FROM]
    except KeyError:
        return None
    frontier += end.frontier()
    if len(frontier) != len(wanted) or fold(frontier) != root:
        return None
    return frontier


async def stored_path(
    conn: asyncpg.Connection, notification_id: int, size: int, last: int, root: bytes
) -> tuple[int, list[bytes]] | None:
    """Event ``notification_id``'s index and audit path in the tree of the first ``size``
    links (the last being event ``last``), from the stored subtrees; None unless the path
    leads from its link to ``root``."""
    block = await conn.fetchval(
        "SELECT count(*) FROM audit_tree WHERE height = $1 AND last_id < $2",
        KEPT_FROM,
        notification_id,
    )
    blocks = size // BLOCK
    if block > blocks:
        return None
    try:
        start = await _block_start(conn, block)
        own = await conn.fetch(
            "SELECT notification_id, link FROM audit_chain WHERE notification_id > $1"
            " ORDER BY notification_id LIMIT $2",
            start,
            min(BLOCK, size - block * BLOCK),
        )
        offset = [r["notification_id"] for r in own].index(notification_id)
        ragged = await _links(conn, await _block_start(conn, blocks), last)
    except (LookupError, ValueError):
        return None
    index = block * BLOCK + offset
    leaves = dict(enumerate((bytes(r["link"]) for r in own), start=block * BLOCK))
    leaves.update(enumerate(ragged, start=blocks * BLOCK))
    ranges = sibling_ranges(index, size)
    wanted = [p for lo, hi in ranges for p in pieces(lo, hi) if p[0] >= KEPT_FROM]
    stored = await _stored(conn, wanted)

    def subtree(height: int, at: int) -> bytes:
        if height >= KEPT_FROM:
            return stored[(height, at)]
        if height == 0:
            return leaf_hash(leaves[at])
        return node_hash(subtree(height - 1, 2 * at), subtree(height - 1, 2 * at + 1))

    try:
        path = [fold([subtree(h, i) for h, i in pieces(lo, hi)]) for lo, hi in ranges]
    except KeyError:
        return None
    if index not in leaves or root_from_path(index, size, leaves[index], path) != root:
        return None
    return index, path


async def differing_subtrees(conn: asyncpg.Connection, computed: Sequence[Completed]) -> list[str]:
    """The stored subtrees that differ from those just ``computed`` from the log, named."""
    if not computed:
        return []
    heights, indexes, hashes, _ = zip(*computed, strict=True)
    rows = await conn.fetch(
        "SELECT t.height, t.index FROM audit_tree t"
        " JOIN unnest($1::smallint[], $2::bigint[], $3::bytea[]) AS w(height, index, computed)"
        " USING (height, index) WHERE t.hash <> w.computed ORDER BY t.height, t.index",
        list(heights),
        list(indexes),
        list(hashes),
    )
    return [
        f"the stored subtree over leaves {r['index'] << r['height']} to "
        f"{((r['index'] + 1) << r['height']) - 1} (height {r['height']})"
        for r in rows
    ]
