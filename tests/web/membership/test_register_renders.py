"""The registers' PDFs, made in the background: asked for, followed, downloaded."""

from __future__ import annotations

import asyncio
import io
import re
from uuid import UUID

import httpx
from pypdf import PdfReader

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.accounts import Role
from coop.infra import render_jobs
from coop.web.accounts.passwords import hash_password
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD, post_form, sign_in
from tests.web.membership.test_applications import signed_in_trustee
from tests.web.membership.test_registers import TRUSTEE, history

JOB = re.compile(r"^/renders/([0-9a-f-]{36})$")


async def ask(client: httpx.AsyncClient, path: str, **params: str) -> str:
    """Ask for a PDF as the register page's button does; the progress page's path."""
    response = await post_form(client, path, {}, params=params)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert JOB.match(location), location
    return str(location)


async def finished(client: httpx.AsyncClient, progress: str) -> httpx.Response:
    """The progress page once the worker has finished the job (as htmx polls it)."""
    for _ in range(600):
        fragment = await client.get(progress, headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        if "hx-trigger" not in fragment.text:  # polling stops once it is finished
            return fragment
        await asyncio.sleep(0.1)
    raise AssertionError(f"{progress} did not finish: {fragment.text}")


def pdf_text(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


async def test_the_register_pdf_is_made_in_the_background_and_downloaded(
    client, coop: Coop, clock: FixedClock
) -> None:
    await history(client, coop, clock)
    await signed_in_trustee(client, coop)
    progress = await ask(client, "/register.pdf", as_at="2026-11-30")

    page = await client.get(progress)
    assert page.status_code == 200
    assert (
        '<h1 class="govuk-heading-l">Register of members as at 30 November 2026</h1>' in page.text
    )
    assert 'role="status"' in page.text  # the live region, there from the first render
    done = await finished(client, progress)
    assert "The PDF is ready." in done.text
    assert "The PDF is ready to download." in done.text  # told to the live region
    link = re.search(r'href="(/renders/[0-9a-f-]+/file)" download>([^<]+)</a>', done.text)
    assert link is not None
    assert re.fullmatch(
        r"Download Register of members as at 30 November 2026 \(PDF, \d+ KB\)", link.group(2)
    )

    response = await client.get(link.group(1))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "register-of-members-2026-11-30.pdf" in response.headers["content-disposition"]
    text = pdf_text(response.content)
    assert "Register of members" in text and "As at 30 November 2026" in text
    assert "Amira Hassan" in text and "HYPERLINK(1)" in text  # text, never a formula
    assert "Page 1 of 1" in text


async def test_the_trustees_register_is_made_the_same_way(
    client, coop: Coop, clock: FixedClock
) -> None:
    await signed_in_trustee(client, coop)
    progress = await ask(client, "/trustees-register.pdf")
    await finished(client, progress)

    response = await client.get(f"{progress}/file")
    assert response.status_code == 200
    assert "Register of trustees" in pdf_text(response.content)


async def test_asking_twice_while_it_is_being_made_makes_it_once(
    client, coop: Coop, clock: FixedClock
) -> None:
    """Two trustees (or a double click) asking at once share one job; asked again once
    it is made, it is made afresh (the register may have changed)."""
    await history(client, coop, clock)
    await signed_in_trustee(client, coop)
    first, second = await asyncio.gather(
        ask(client, "/register.pdf", as_at="2026-11-30"),
        ask(client, "/register.pdf", as_at="2026-11-30"),
    )
    other_date = await ask(client, "/register.pdf", as_at="2026-11-29")

    assert first == second
    assert other_date != first
    await finished(client, first)
    assert await ask(client, "/register.pdf", as_at="2026-11-30") != first


async def test_a_date_that_is_wrong_is_explained_and_nothing_is_asked_for(
    client, coop: Coop, clock: FixedClock
) -> None:
    await signed_in_trustee(client, coop)
    for path in ("/register.pdf", "/trustees-register.pdf"):
        response = await post_form(client, path, {}, params={"as_at": "2099-01-01"})
        assert response.status_code == 422
        assert "There is a problem" in response.text
        assert "The date must be today or in the past" in response.text
    pool = client.app.state["services"].pool
    assert await pool.fetchval("SELECT count(*) FROM render_jobs") == 0


async def test_a_document_that_cannot_be_made_says_why(
    client, coop: Coop, clock: FixedClock
) -> None:
    """Here the data directory has no room for the file: a file is where its folder goes."""
    await signed_in_trustee(client, coop)
    client.app.state["services"].settings.renders_dir.write_text("in the way")
    progress = await ask(client, "/trustees-register.pdf")

    done = await finished(client, progress)
    assert "The PDF could not be made" in done.text
    assert "coop could not keep the file (File exists)" in done.text
    assert "The PDF could not be made." in done.text  # told to the live region
    assert (await client.get(f"{progress}/file")).status_code == 404


async def test_a_member_cannot_follow_or_download_the_register(
    client, coop: Coop, clock: FixedClock
) -> None:
    await history(client, coop, clock)
    await signed_in_trustee(client, coop)
    progress = await ask(client, "/register.pdf", as_at="2026-11-30")
    await finished(client, progress)
    await sign_in_member(client, coop)

    for path in (progress, f"{progress}/file"):
        refused = await client.get(path)
        assert refused.status_code == 403, path
        assert "Only those who keep or read this document can have it." in refused.text
    asked = await post_form(client, "/register.pdf", {})
    assert asked.status_code == 403


async def sign_in_member(client: httpx.AsyncClient, coop: Coop) -> None:
    """Sign the trustee out and Priya, a member with no office, in."""
    member = coop.apply_for_membership(details("Priya Sharma", email="priya@example.org"))
    coop.admit(member.subject, by=TRUSTEE, minute_reference="BM-9")
    done = coop.open_account(
        name="Priya Sharma",
        email="priya@example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(Role.MEMBER,),
        member_id=member.subject,
    )
    await client.app.state["services"].seen(done.position, "accounts", "members")
    await post_form(client, "/sign-out", {})
    assert (await sign_in(client, "priya@example.org")).status_code == 303


async def test_a_file_is_kept_a_day_then_removed_with_its_job(
    client, coop: Coop, clock: FixedClock
) -> None:
    await signed_in_trustee(client, coop)
    progress = await ask(client, "/trustees-register.pdf")
    await finished(client, progress)
    s = client.app.state["services"]
    job_id = progress.rsplit("/", 1)[1]
    kept = s.settings.renders_dir / job_id
    assert kept.is_file()

    job = await render_jobs.job(s.pool, UUID(job_id))
    assert job is not None and job.finished_at is not None
    finished_at = job.finished_at
    assert await render_jobs.remove_old(s.pool, s.settings.renders_dir, finished_at) == 0
    removed = await render_jobs.remove_old(
        s.pool, s.settings.renders_dir, finished_at + render_jobs.KEEP_FOR + render_jobs.KEEP_FOR
    )
    assert removed == 1 and not kept.exists()
    assert (await client.get(progress)).status_code == 404
