"""Giving notice: when a general meeting is convened or a ballot opens, every member it
concerns is told their way, by e-mail through the outbox or by a letter the office
posts (standard, large print or Easy Read), and the record says how and when.

Every web process runs ``run_notices``. Giving a meeting's or ballot's notices is
claimed in the same transaction that writes them (``start_run``), so two processes
never give the same notice twice; a letter batch is claimed before it is made.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

import jinja2

from coop.clock import today
from coop.domain.governance.notices import NoticeMethod, notice_method
from coop.infra.documents.pdf import STATIC, pdf_in_parts
from coop.infra.mail import outbox
from coop.projections.governance.notices import (
    Addressee,
    BatchToMake,
    ballot_for_notice,
    ballots_needing_notice,
    batch_addressees,
    claim_batch,
    current_members,
    electors_of,
    meeting_for_notice,
    meetings_needing_notice,
    record_emailed,
    record_letters,
    set_progress,
    start_run,
    store_pdf,
)
from coop.web.governance.notice_content import (
    NoticeContent,
    ballot_notice,
    email_body,
    meeting_notice,
)
from coop.web.services import Services

log = logging.getLogger(__name__)

EVERY_SECONDS = 2.0
LETTERS_PER_PART = 20  # progress is reported after each part is laid out

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parents[1] / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)

Who = Callable[[Any], Awaitable[list[Addressee]]]


async def give_notices_due(s: Services) -> list[UUID]:
    """Give notice of every general meeting convened and ballot opened since last time."""
    now = s.clock.now()
    given = []
    for m in await meetings_needing_notice(s.pool, now):
        notice = meeting_notice(m, s.settings.link(f"/meetings/{m.meeting_id}"))
        if await _give(s, m.meeting_id, "meeting", notice, current_members):
            given.append(m.meeting_id)
    for b in await ballots_needing_notice(s.pool, now):
        notice = ballot_notice(b, s.settings.link(f"/ballots/{b.ballot_id}"))
        if await _give(
            s, b.ballot_id, "ballot", notice, partial(electors_of, ballot_id=b.ballot_id)
        ):
            given.append(b.ballot_id)
    return given


async def _give(s: Services, subject_id: UUID, kind: str, notice: NoticeContent, who: Who) -> bool:
    """Each member's notice and its record, in one transaction; False if given already."""
    now = s.clock.now()
    async with s.pool.acquire() as conn, conn.transaction():
        if not await start_run(conn, subject_id, kind, notice.title, now):
            return False
        letters: dict[NoticeMethod, list[UUID]] = {}
        for person in await who(conn):
            method = notice_method(person.contact_methods, person.email)
            if method.posted:
                letters.setdefault(method, []).append(person.member_id)
                continue
            subject, body = email_body(
                s.settings.coop_name, person.preferred_name or person.name, notice
            )
            mail_id = await outbox.enqueue(conn, person.email, subject, body, now=now)
            await record_emailed(conn, subject_id, person.member_id, mail_id, now)
        for method, member_ids in letters.items():
            await record_letters(conn, subject_id, method, member_ids, now)
    log.info("Notice of %s %s given", kind, subject_id)
    return True


async def make_letters_due(s: Services) -> list[int]:
    """Make the PDF of every letter batch waiting for one; the batches made."""
    made = []
    while (batch := await claim_batch(s.pool, s.clock.now())) is not None:
        await make_letters(s, batch)
        made.append(batch.batch_id)
    return made


async def make_letters(s: Services, batch: BatchToMake) -> None:
    """Lay the batch's letters out in a thread, telling the record how far it has got."""
    notice = await _notice_of(s, batch)
    people = await batch_addressees(s.pool, batch.batch_id)
    dated = f"{today(s.clock):%-d %B %Y}"
    parts = [
        _templates.get_template("governance/notices/letters_pdf.html").render(
            coop_name=s.settings.coop_name,
            notice=notice,
            format=batch.format,
            dated=dated,
            people=people[i : i + LETTERS_PER_PART],
        )
        for i in range(0, len(people), LETTERS_PER_PART)
    ]
    loop = asyncio.get_running_loop()

    def done(n: int) -> None:  # in the thread: the progress is written on the loop
        made = min(n * LETTERS_PER_PART, len(people))
        asyncio.run_coroutine_threadsafe(set_progress(s.pool, batch.batch_id, made), loop)

    pdf = await asyncio.to_thread(pdf_in_parts, parts, done, STATIC)
    if not await store_pdf(s.pool, batch, pdf):
        log.info(
            "Letter batch %d changed while it was laid out: it will be made again", batch.batch_id
        )


async def _notice_of(s: Services, batch: BatchToMake) -> NoticeContent:
    if batch.subject_kind == "meeting":
        m = await meeting_for_notice(s.pool, batch.subject_id)
        assert m is not None  # a run is only ever started for a meeting in the read model
        return meeting_notice(m, s.settings.link(f"/meetings/{m.meeting_id}"))
    b = await ballot_for_notice(s.pool, batch.subject_id)
    assert b is not None
    return ballot_notice(b, s.settings.link(f"/ballots/{b.ballot_id}"))


async def run_notices(s: Services, stop: asyncio.Event) -> None:
    """Give notices and make letters every few seconds until ``stop`` is set."""
    while not stop.is_set():
        try:
            await give_notices_due(s)
            await make_letters_due(s)
        except Exception:  # keep going: one bad batch must not stop every notice
            log.exception("Giving notice failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=EVERY_SECONDS)
