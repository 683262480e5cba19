"""Importing the old register on the real event store: all or nothing, and idempotent."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from uuid import uuid4

import asyncpg

from coop.application import Coop
from coop.domain.membership.csv_register import read_members_csv
from coop.domain.membership.member_details import Cessation, ShareSettlement
from coop.domain.membership.members import Member, imported_member_id
from coop.domain.membership.old_records import OldRecord, Problem
from coop.infra.db import eventsourcing_env
from tests.app.test_cli import coop_cli
from tests.conftest import SECRET
from tests.domain.membership.csv_helpers import ROWS, csv_bytes, with_row
from tests.people import details

TODAY = date(2026, 11, 23)  # the test clock's date
TRUSTEE = uuid4()


def records(data: bytes | None = None) -> list[OldRecord]:
    found, problems = read_members_csv(csv_bytes() if data is None else data, today=TODAY)
    assert problems == []
    return found


async def event_count(db_url: str) -> int:
    conn = await asyncpg.connect(db_url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM coop_events"))
    finally:
        await conn.close()


async def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    coop: Coop, db_url: str
) -> None:
    first = coop.import_members(records(), source="members.csv", by=TRUSTEE)
    assert (first.imported, first.already_there, first.problems) == (4, 0, [])
    after_first = await event_count(db_url)
    again = coop.import_members(records(), source="members.csv", by=TRUSTEE)
    assert (again.imported, again.already_there, again.problems) == (0, 4, [])
    assert again.position is None
    assert await event_count(db_url) == after_first


def test_imported_members_keep_their_numbers_dates_payments_and_endings(coop: Coop) -> None:
    coop.import_members(records(), source="members.csv", by=TRUSTEE)
    grace = coop.repository.get(imported_member_id(1))
    assert isinstance(grace, Member)
    assert (grace.status, grace.number, grace.decided_on) == ("admitted", 1, date(2019, 3, 5))
    lukasz = coop.repository.get(imported_member_id(3))
    assert lukasz.amount_paid_pence == 50 and lukasz.contact.name == "Łukasz Wójcik"
    siobhan = coop.repository.get(imported_member_id(5))
    assert siobhan.status == "ceased" and siobhan.ceased_on == date(2024, 4, 30)
    assert siobhan.share_settled is ShareSettlement.REPAID
    events = [type(e).__name__ for e in coop.repository.event_store.get(siobhan.id)]
    assert events == ["Applied", "Imported", "Admitted", "Ceased", "ShareSettled"]
    ceased = next(
        e for e in coop.repository.event_store.get(siobhan.id) if isinstance(e, Member.Ceased)
    )
    assert ceased.how is Cessation.WITHDRAWAL


def test_a_new_admission_after_an_import_gets_the_next_number_after_the_highest(
    coop: Coop,
) -> None:
    coop.import_members(records(), source="members.csv", by=TRUSTEE)
    applicant = coop.apply_for_membership(details("Amira Hassan")).subject
    coop.admit(applicant, by=TRUSTEE, minute_reference="B2026-11 item 4")
    assert coop.repository.get(applicant).number == 6  # the file's highest number is 5


async def test_a_number_already_used_by_an_admitted_member_is_a_problem_and_nothing_is_imported(
    coop: Coop, db_url: str
) -> None:
    for name in ("Amira Hassan", "Tom Whitfield"):
        member = coop.apply_for_membership(details(name)).subject
        coop.admit(member, by=TRUSTEE, minute_reference="B2026-10 item 2")  # numbers 1 and 2
    before = await event_count(db_url)
    report = coop.import_members(records(), source="members.csv", by=TRUSTEE)
    assert report.problems == [
        Problem(2, "membership_number", "Membership number 1 is already used in coop."),
        Problem(3, "membership_number", "Membership number 2 is already used in coop."),
    ]
    assert report.position is None and await event_count(db_url) == before
    assert coop.check_import(records()).problems == report.problems  # the dry run agrees


async def test_an_email_already_used_by_an_applicant_is_a_problem_and_nothing_is_imported(
    coop: Coop, db_url: str
) -> None:
    coop.apply_for_membership(details("Priya Raman", email="Priya.Raman@example.org"))
    before = await event_count(db_url)
    report = coop.import_members(records(), source="members.csv", by=TRUSTEE)
    assert [(p.line, p.column) for p in report.problems] == [(3, "email")]
    assert "priya.raman@example.org already belongs to someone in coop" in (
        report.problems[0].message
    )
    assert await event_count(db_url) == before


def test_a_dry_run_counts_new_and_known_members_and_saves_nothing(coop: Coop) -> None:
    coop.import_members(records(csv_bytes(ROWS[:2])), source="first half.csv", by=TRUSTEE)
    report = coop.check_import(records())
    assert (report.imported, report.already_there, report.problems) == (2, 2, [])
    assert imported_member_id(3) not in coop.repository


def test_rows_added_to_a_file_already_imported_are_imported_alone(coop: Coop) -> None:
    coop.import_members(records(), source="members.csv", by=TRUSTEE)
    bigger = with_row(
        membership_number="7",
        name="Ewan McAllister",
        address="40 Roundhay Road\nLeeds",
        member_class="pa",
        date_entered="2021-01-11",
    )
    report = coop.import_members(records(csv_bytes(bigger)), source="members v2.csv", by=TRUSTEE)
    assert (report.imported, report.already_there) == (1, 4)
    assert coop.repository.get(imported_member_id(7)).number == 7


def test_two_imports_of_the_same_file_at_once_import_each_member_once(coop: Coop) -> None:
    start = threading.Barrier(4)

    def run() -> int:
        start.wait()
        return coop.import_members(records(), source="members.csv", by=TRUSTEE).imported

    with ThreadPoolExecutor(4) as pool:
        imported = list(pool.map(lambda _: run(), range(4)))
    assert sorted(imported) == [0, 0, 0, 4]


def test_admitting_while_importing_never_gives_one_number_twice(coop: Coop) -> None:
    applicants = [
        coop.apply_for_membership(details(f"Racing Applicant{i}")).subject for i in range(8)
    ]
    start = threading.Barrier(2)

    def admit_all() -> None:
        start.wait()
        for member in applicants:
            coop.admit(member, by=TRUSTEE, minute_reference="B1")

    def import_file() -> list[Problem]:
        start.wait()
        return coop.import_members(records(), source="members.csv", by=TRUSTEE).problems

    with ThreadPoolExecutor(2) as pool:
        admitting = pool.submit(admit_all)
        problems = pool.submit(import_file).result()
        admitting.result()
    numbers = [coop.repository.get(m).number for m in applicants]
    if not problems:  # the import went first: admissions follow on after its highest number
        numbers += [1, 2, 3, 5]
    assert len(numbers) == len(set(numbers))


# The command line -------------------------------------------------------------------------


def test_the_command_line_checks_then_imports_then_finds_nothing_more_to_do(
    db_url: str, tmp_path
) -> None:
    members = tmp_path / "members.csv"
    members.write_bytes(csv_bytes())
    dry = coop_cli(db_url, "import-members", str(members), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip() == "Would import 4 members; 0 already in coop"
    done = coop_cli(db_url, "import-members", str(members))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Imported 4 members; 0 already in coop"
    again = coop_cli(db_url, "import-members", str(members))
    assert again.stdout.strip() == "Imported 0 members; 4 already in coop"


async def test_the_command_line_lists_every_problem_and_imports_nothing(
    db_url: str, tmp_path
) -> None:
    members = tmp_path / "members.csv"
    members.write_bytes(
        csv_bytes(
            with_row(
                membership_number="2",
                name="Hannah Lewis",
                email="hannah@",
                address="1 Leeds Road",
                member_class="carer",
                date_entered="31/02/2024",
            )
        )
    )
    result = coop_cli(db_url, "import-members", str(members))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "line 6, membership_number: Membership number 2 is also on line 3:"
        " each member needs their own number",
        "line 6, email: 'hannah@' is not an email address: it should look like name@example.com",
        "line 6, date_entered: 31/02/2024 is not a real date",
        "Nothing was imported: fix the 3 problems above in the spreadsheet and run this again.",
    ]
    assert await event_count(db_url) == 0


async def test_the_command_line_reports_clashes_with_coop_and_imports_nothing(
    coop: Coop, db_url: str, tmp_path
) -> None:
    coop.apply_for_membership(details("Grace Okafor"))
    before = await event_count(db_url)
    members = tmp_path / "members.csv"
    members.write_bytes(csv_bytes())
    result = coop_cli(db_url, "import-members", str(members))
    assert result.returncode == 1
    assert result.stderr.startswith("line 2, email: grace.okafor@example.org already belongs")
    assert await event_count(db_url) == before


def test_the_command_line_exits_2_when_the_file_cannot_be_read(db_url: str, tmp_path) -> None:
    missing = coop_cli(db_url, "import-members", str(tmp_path / "nowhere.csv"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    workbook = tmp_path / "members.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    result = coop_cli(db_url, "import-members", str(workbook))
    assert result.returncode == 2 and "spreadsheet workbook" in result.stderr


async def test_an_email_claimed_by_another_process_during_the_import_is_a_problem_not_an_error(
    coop: Coop, db_url: str, clock, monkeypatch
) -> None:
    other = Coop(eventsourcing_env(db_url, pool_size=2), secret_key=SECRET, clock=clock)
    real_save = coop.save

    def save_after_someone_applies(*aggregates: Any, **kwargs: Any) -> Any:
        other.apply_for_membership(details("Grace Okafor"))  # between the check and the save
        return real_save(*aggregates, **kwargs)

    monkeypatch.setattr(coop, "save", save_after_someone_applies)
    try:
        report = coop.import_members(records(), source="members.csv", by=TRUSTEE)
    finally:
        other.close()
    assert [(p.line, p.column) for p in report.problems] == [(2, "email")]
    assert report.position is None
    assert await event_count(db_url) == 2  # Grace's application and her claim, nothing imported
