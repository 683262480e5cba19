"""A destroyed key is gone from disk: the database's own files, its WAL, and the key
directory, read as an attacker holding them and COOP_SECRET_KEY would read them.

An UPDATE leaves the old row in the table's file and in the WAL, so each attack is
first run while the key is live, where it must succeed (else it proves nothing),
and then after the count or the erasure, where it must find nothing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import StoredEvent

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import Mark, paper_key_id
from coop.domain.governance.votes import paper_id
from coop.domain.membership.member_details import Cessation, ShareSettlement
from coop.infra.eventstore.codec import EventMapper, MsgspecTranscoder
from coop.infra.housekeeping import remove_what_has_expired
from coop.infra.key_files import KeyFileMissing, KeyFiles, key_files
from coop.infra.sealing import NONCE, SHARED, combined_key, is_erased, master_key, preloaded, unwrap
from tests.app.governance.test_ballots import co_op, resolution
from tests.app.test_cli import coop_cli
from tests.conftest import SECRET, TODAY
from tests.people import details

MASTER = master_key(SECRET)
TRUSTEE = uuid4()
# A wrapped value in ``subject_keys``: nonce, the key or its database share, tag.
WRAPPED_LENGTHS = (NONCE + 32 + 16, NONCE + len(SHARED) + 32 + 16)


async def table_files(pool: asyncpg.Pool) -> bytes:
    """Every table's and index's data file of this database, as on the server's disk.

    Read with pg_read_binary_file (the tests' role is a superuser), so this works
    whoever owns the files; CHECKPOINT first, so what is in memory is on disk.
    """
    await pool.execute("CHECKPOINT")
    files = await pool.fetchval(
        "SELECT string_agg(pg_read_binary_file(path), ''::bytea) FROM ("
        " SELECT pg_relation_filepath(oid) AS path FROM pg_class) AS f"
        " WHERE (pg_stat_file(path, true)).size IS NOT NULL"
    )
    assert isinstance(files, bytes)
    return files


async def subject_keys_file(pool: asyncpg.Pool) -> bytes:
    await pool.execute("CHECKPOINT")
    data = await pool.fetchval("SELECT pg_read_binary_file(pg_relation_filepath('subject_keys'))")
    assert isinstance(data, bytes)
    return data


async def wal_since(pool: asyncpg.Pool, segment: str) -> Iterable[bytes]:
    """The WAL segments written since ``segment`` began (and any recycled since)."""
    names = await pool.fetch(
        "SELECT name FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' AND name >= $1"
        " ORDER BY name",
        segment,
    )
    for row in names:
        data = await pool.fetchval(
            "SELECT pg_read_binary_file(f) FROM (SELECT 'pg_wal/' || $1::text AS f) AS w"
            " WHERE (pg_stat_file(f, true)).size IS NOT NULL",
            row["name"],
        )
        if data is not None:
            yield data


async def wal_position(pool: asyncpg.Pool) -> str:
    name = await pool.fetchval("SELECT pg_walfile_name(pg_current_wal_lsn())")
    assert isinstance(name, str)
    return name


def wrapped_values_in(raw: bytes, subject: UUID) -> set[bytes]:
    """What unwraps with the app's secret for ``subject``, anywhere in ``raw``: dead
    rows and live ones alike, as pageinspect or a file copy would give them."""
    found = set()
    for length in WRAPPED_LENGTHS:
        for start in range(len(raw) - length + 1):
            candidate = raw[start : start + length]
            try:
                unwrap(MASTER, subject, candidate)
            except InvalidTag:
                continue
            found.add(candidate)
    return found


def keys_an_attacker_gets(wrapped: Iterable[bytes], subject: UUID, keys: Path) -> list[bytes]:
    """Each wrapped value opened as the app would open it, with what is left of the key
    directory (copied, as an attacker would copy it): None once destroyed."""
    opened = []
    for w in wrapped:
        try:
            if preloaded(MASTER, {subject: w}, KeyFiles(keys))._key(subject, create=False):
                opened.append(w)
        except KeyFileMissing:  # the database's share of a key whose file is gone
            continue
    return opened


def decoded(
    wrapped: bytes, subject: UUID, keys: Path, rows: Iterable[asyncpg.Record]
) -> list[object]:
    mapper = EventMapper(MsgspecTranscoder())
    mapper.keyring = preloaded(MASTER, {subject: wrapped}, KeyFiles(keys))
    return [
        mapper.to_domain_event(
            StoredEvent(r["originator_id"], r["originator_version"], r["topic"], r["state"])
        )
        for r in rows
    ]


_EVENTS = (
    "SELECT originator_id, originator_version, topic, state FROM coop_events"
    " WHERE originator_id = ANY($1::uuid[]) ORDER BY notification_id"
)


async def papers_linked(
    pool: asyncpg.Pool, ballot: UUID, voters: Iterable[UUID], keys: Path
) -> dict[UUID, str]:
    """The linking attack on a secret ballot: from the database's files, the key
    directory and the secret, each voter's paper and the mark on it."""
    subject = paper_key_id(ballot)
    linked: dict[UUID, str] = {}
    for wrapped in keys_an_attacker_gets(
        wrapped_values_in(await subject_keys_file(pool), subject), subject, keys
    ):
        ring = preloaded(MASTER, {subject: wrapped}, KeyFiles(keys))
        derived = ring.derive(subject, b"paper ids")
        assert derived is not None
        for voter in voters:
            rows = await pool.fetch(_EVENTS, [paper_id(derived, voter)])
            for event in decoded(wrapped, subject, keys, rows):
                content = getattr(event, "content", None)
                if content is not None and not is_erased(content):
                    linked[voter] = content.mark.answer
    return linked


def secrets_of(subject: UUID, pool_row: bytes, keys: Path) -> list[bytes]:
    """The key and everything it is made from that must never reach the database."""
    stored = (keys / f"{subject}.key").read_bytes()
    file_share = unwrap(MASTER, subject, stored, "subject key file")
    database_share = unwrap(MASTER, subject, pool_row)[len(SHARED) :]
    return [stored, file_share, combined_key(subject, database_share, file_share)]


def copy_of_keys(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copytree(key_files().directory, tmp_path / name))


async def test_after_the_count_nothing_on_disk_links_a_voter_to_their_paper(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    start = await wal_position(pool)
    electors = co_op(coop)
    ballot = resolution(coop, clock, secret=True)
    coop.open_ballot(ballot, electors)
    answers = ["for", "against", "abstain", "for", "for", "against"]
    voters = {e.member_id: answer for e, answer in zip(electors, answers, strict=True)}
    for voter, answer in voters.items():
        coop.cast_vote(ballot, voter, Mark(answer="against"), cast_by=voter)
        coop.cast_vote(ballot, voter, Mark(answer=answer), cast_by=voter)  # changed her mind
    subject = paper_key_id(ballot)
    row = await pool.fetchval("SELECT wrapped_key FROM subject_keys WHERE subject_id = $1", subject)
    secrets = secrets_of(subject, row, key_files().directory)

    # A copy of everything taken while the ballot is open links every voter: the
    # attack works, and the docs say so.
    during = copy_of_keys(tmp_path, "during")
    assert await papers_linked(pool, ballot, voters, during) == voters
    assert row in await table_files(pool)  # and the scan reads the table's real file

    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)

    assert not (key_files().directory / f"{subject}.key").exists()
    after = copy_of_keys(tmp_path, "after")
    assert await papers_linked(pool, ballot, voters, after) == {}
    # The old row is still in the table's file or the WAL: its database share, with
    # the secret, opens nothing without the file.
    files = await table_files(pool)
    assert [s for s in secrets if s in files] == []
    async for segment in wal_since(pool, start):
        assert [s for s in secrets if s in segment] == []


async def test_after_an_erasure_nothing_on_disk_opens_her_details(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    start = await wal_position(pool)
    amira = coop.apply_for_membership(details("Amira Hassan")).subject
    coop.admit(amira, by=TRUSTEE, minute_reference="BM-1")
    coop.cease(amira, Cessation.WITHDRAWAL, on=TODAY, by=TRUSTEE, reference="Letter")
    coop.settle_share(amira, ShareSettlement.REPAID, by=TRUSTEE)
    row = await pool.fetchval("SELECT wrapped_key FROM subject_keys WHERE subject_id = $1", amira)
    secrets = secrets_of(amira, row, key_files().directory)
    events = await pool.fetch(_EVENTS, [amira])

    def names_found(keys: Path, wrapped: Iterable[bytes]) -> set[str]:
        return {
            e.details.name
            for w in keys_an_attacker_gets(wrapped, amira, keys)
            for e in decoded(w, amira, keys, events)
            if hasattr(e, "details") and not is_erased(e.details)
        }

    during = copy_of_keys(tmp_path, "during")
    assert names_found(during, wrapped_values_in(await subject_keys_file(pool), amira)) == {
        "Amira Hassan"
    }

    clock.advance(timedelta(days=3653))
    coop.erase(amira, by=TRUSTEE, retention_years=10)

    after = copy_of_keys(tmp_path, "after")
    on_disk = wrapped_values_in(await subject_keys_file(pool), amira)
    assert names_found(after, on_disk) == set()
    files = await table_files(pool)
    assert [s for s in secrets if s in files] == []
    async for segment in wal_since(pool, start):
        assert [s for s in secrets if s in segment] == []


def test_a_destroyed_key_file_is_overwritten_where_it_lay_before_it_is_unlinked(
    tmp_path: Path,
) -> None:
    files = KeyFiles(tmp_path)
    grace = uuid4()
    share = os.urandom(60)
    assert files.create(grace, share) == share
    assert files.create(grace, os.urandom(60)) == share  # the first share made is kept
    with (tmp_path / f"{grace}.key").open("rb") as held:  # the same blocks, still open
        files.destroy(grace)
        assert files.read(grace) is None
        assert held.read() != share
    files.destroy(grace)  # twice changes nothing


async def test_every_process_shares_the_key_directory_and_a_wrong_one_is_refused_loudly(
    coop: Coop, db_url: str, tmp_path: Path
) -> None:
    coop.apply_for_membership(details("Priya Raman"))
    rebuilt = await asyncio.to_thread(coop_cli, db_url, "projections", "rebuild", "members")
    assert rebuilt.returncode == 0, rebuilt.stderr  # another process opened her key

    os.environ["COOP_KEY_DIR"], kept = str(tmp_path / "empty"), os.environ["COOP_KEY_DIR"]
    try:
        wrong = await asyncio.to_thread(coop_cli, db_url, "projections", "rebuild", "members")
    finally:
        os.environ["COOP_KEY_DIR"] = kept
    assert wrong.returncode != 0
    assert "Check that COOP_KEY_DIR points at this co-op's key directory" in wrong.stderr


async def test_a_key_file_left_behind_by_a_stopped_process_is_destroyed_by_housekeeping(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    ewan = coop.apply_for_membership(details("Ewan McAllister")).subject
    tom = coop.apply_for_membership(details("Tom Whitfield")).subject
    # The process stopped after marking Ewan's key destroyed, before its file went.
    await pool.execute(
        "UPDATE subject_keys SET wrapped_key = NULL, destroyed_at = now() WHERE subject_id = $1",
        ewan,
    )
    assert key_files().read(ewan) is not None
    await remove_what_has_expired(pool, datetime.now(UTC))
    assert key_files().read(ewan) is None
    assert key_files().read(tom) is not None  # a live key is never touched
