"""500 members vote at once over HTTP while their ballots close mid-way.

The app runs as ``coop serve`` in a process of its own on loopback, as in
production; each voter is a browser of their own (cookies, CSRF token). On an
open and a secret ballot at once they vote, send the same vote twice at once,
change their vote (one after another, or two different votes at once), and
halfway through the race both ballots are closed, as the scheduler of another
web process would close them. Then the count must hold exactly one ballot per
elector whose vote was accepted, their last accepted mark, and nothing refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
from eventsourcing.persistence import StoredEvent

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import BallotKind, Elector, vote_id
from coop.domain.governance.rules import model_rules
from coop.domain.governance.votes import Vote
from coop.domain.membership.member_details import ContactDetails, ContactMethod, MemberClass
from coop.domain.membership.members import imported_member_id
from coop.domain.membership.old_records import OldRecord
from coop.infra.sessions import start_session
from coop.projections.runner import ALL
from coop.projections.waiting import ProjectionWaiter
from coop.web.accounts.session_cookie import COOKIE
from tests.conftest import SECRET

VOTERS = 500
ANSWERS = ("for", "against", "abstain")
TRUSTEE = uuid4()
# Nobody signs in with it: sessions are started directly, as signing in would.
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$" + "x" * 60
ROOT = Path(__file__).resolve().parents[3]
RECEIPT = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
CLASSES = (MemberClass.USER, MemberClass.CARER, MemberClass.PA)
FIRST = ("Amira", "Tom", "Priya", "Ewan", "Grace", "Marcus", "Siobhan", "Hannah", "Kwame")
LAST = ("Hassan", "Whitfield", "Raman", "McAllister", "Okafor", "Boateng", "Kelly", "Lewis")


# The server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def coop_serve(db_url: str, data_dir: Path) -> Iterator[str]:
    """``python -m coop.cli serve`` on ``db_url`` at a free loopback port; its address."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "COOP_HOST": "127.0.0.1",
        "COOP_PORT": str(port),
        "COOP_DATA_DIR": str(data_dir),
        "COOP_SECRET_KEY": SECRET,
        "PYTHONUNBUFFERED": "1",
    }
    url, log = f"http://127.0.0.1:{port}", data_dir / "server.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "coop.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            with httpx.Client(timeout=2) as client:
                for _ in range(600):  # 30 s
                    with contextlib.suppress(httpx.TransportError):
                        if client.get(url + "/").status_code == 200:
                            break
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=0.05)  # the pause between attempts
                        raise RuntimeError(f"coop serve stopped:\n{log.read_text()}")
                else:
                    raise RuntimeError(f"coop serve did not start:\n{log.read_text()}")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


async def caught_up(db_url: str, pool: asyncpg.Pool, position: int) -> None:
    """Wait on the tracking positions until the server's projections have applied ``position``."""
    waiter = ProjectionWaiter(db_url, pool)
    await waiter.start()
    try:
        assert await waiter.wait_for(position, [p.name for p in ALL], timeout=30)
    finally:
        await waiter.stop()


# The co-op -------------------------------------------------------------------------


def register(voters: int) -> list[OldRecord]:
    """The old register: ``voters`` members of the three voting classes."""
    rng = random.Random(2026)
    records = []
    for n in range(1, voters + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        details = ContactDetails(
            name=f"{first} {last}",
            preferred_name=first,
            email=f"{first}.{last}.{n}@example.org".lower(),
            phone="",
            address=f"{rng.randint(1, 250)} Roundhay Road\nLeeds",
            postcode="LS8 2AB",
            contact_methods=(ContactMethod.EMAIL,),
            access_needs="",
        )
        records.append(
            OldRecord(
                line=n + 1,
                number=n,
                member_class=CLASSES[n % 3],
                details=details,
                entered_on=date(2019, 3, 5) + timedelta(days=n),
            )
        )
    return records


def co_op(coop: Coop, voters: int) -> tuple[list[Elector], dict[UUID, UUID]]:
    """Rules adopted, members imported, an account each: the electors and their accounts."""
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    records = register(voters)
    coop.import_members(records, source="register.csv", by=TRUSTEE)

    def account(r: OldRecord) -> tuple[UUID, UUID]:
        member = imported_member_id(r.number)
        done = coop.open_account(
            name=r.details.name,
            email=r.details.email,
            password_hash=PASSWORD_HASH,
            roles=(),
            member_id=member,
        )
        return member, done.subject

    with ThreadPoolExecutor(8) as pool:
        accounts = dict(pool.map(account, records))
    electors = [Elector(imported_member_id(r.number), str(r.member_class)) for r in records]
    return electors, accounts


def ballot(coop: Coop, clock: FixedClock, electors: list[Elector], *, secret: bool) -> UUID:
    """A resolution open now, closing in an hour (we close it sooner, mid-race)."""
    ballot_id = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Buy a minibus" if secret else "Raise PA pay by 50p an hour",
        question="Should the co-op buy a minibus?" if secret else "Should PA pay rise by 50p?",
        secret=secret,
        opens_at=clock.now(),
        closes_at=clock.now() + timedelta(hours=1),
        by=TRUSTEE,
    ).subject
    coop.open_ballot(ballot_id, electors)  # before the server (and its scheduler) starts
    return ballot_id


# The voters ------------------------------------------------------------------------


@dataclass
class Post:
    """One vote sent: its answer, and what the server said."""

    answer: str
    status: int = 0
    receipt: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status in (200, 303)


@dataclass
class Voter:
    """A member in their own browser, and the votes they will send."""

    member_id: UUID
    member_class: str
    client: httpx.AsyncClient
    # Per ballot, rounds one after another; the votes of a round are sent at once.
    rounds: dict[UUID, list[list[Post]]] = field(default_factory=dict)
    late: bool = False

    def posts(self, ballot_id: UUID) -> list[Post]:
        return [p for r in self.rounds[ballot_id] for p in r]

    def last_accepted(self, ballot_id: UUID) -> list[Post] | None:
        """The accepted votes of the last round that had any: one of them must count."""
        for r in reversed(self.rounds[ballot_id]):
            if accepted := [p for p in r if p.accepted]:
                return accepted
        return None


def plan(rng: random.Random) -> list[list[Post]]:
    """1-3 votes: one after another, or two at once (the same vote twice, or a change).

    Each round's answers differ from the round before, so a refused change that was
    counted by mistake would show.
    """
    rounds: list[list[Post]] = []
    previous: set[str] = set()
    left = rng.randint(1, 3)
    while left:
        free = [a for a in ANSWERS if a not in previous]
        if left >= 2 and rng.random() < 0.5:
            same = rng.random() < 0.5 or len(free) < 2
            answers = [rng.choice(free)] * 2 if same else rng.sample(free, 2)
        else:
            answers = [rng.choice(free)]
        rounds.append([Post(a) for a in answers])
        previous, left = set(answers), left - len(answers)
    return rounds


class Race:
    """Voters vote; once half of all votes are answered, the ballots close."""

    def __init__(self, voters: list[Voter], close: Callable[[], Awaitable[None]]) -> None:
        self.voters = voters
        self.total = sum(len(v.posts(b)) for v in voters for b in v.rounds)
        self.answered = 0
        self.halfway = asyncio.Event()
        self.close = close
        self.closed_after = 0

    async def send(self, voter: Voter, ballot_id: UUID, post: Post) -> None:
        csrf = voter.client.cookies["csrftoken"]
        answer = await voter.client.post(
            f"/ballots/{ballot_id}/vote", data={"answer": post.answer, "_csrf_token": csrf}
        )
        post.status = answer.status_code
        if answer.status_code == 200:
            found = RECEIPT.search(unescape(answer.text.split("<main")[1]))
            post.receipt = found.group() if found else None
        elif answer.status_code != 303:
            assert answer.status_code == 409 and "This ballot has closed." in answer.text, (
                answer.status_code,
                answer.text[:2000],
            )
        self.answered += 1
        if self.answered * 2 >= self.total:
            self.halfway.set()

    async def vote(self, voter: Voter) -> None:
        """The voter opens a ballot's page (as people do), then votes on both ballots."""
        if voter.late:
            await self.halfway.wait()  # they come as the ballots are closing
        page = await voter.client.get(f"/ballots/{next(iter(voter.rounds))}")
        assert page.status_code == 200 and "csrftoken" in voter.client.cookies

        async def rounds(ballot_id: UUID) -> None:
            for r in voter.rounds[ballot_id]:
                await asyncio.gather(*(self.send(voter, ballot_id, p) for p in r))

        await asyncio.gather(*(rounds(b) for b in voter.rounds))

    async def closing(self) -> None:
        await self.halfway.wait()
        await self.close()
        self.closed_after = self.answered

    async def run(self) -> None:
        await asyncio.gather(
            self.closing(),
            *(self.vote(v) for v in self.voters),
        )


# What was counted ------------------------------------------------------------------


async def closed_position(pool: asyncpg.Pool, ballot_id: UUID) -> int:
    position = await pool.fetchval(
        "SELECT notification_id FROM coop_events WHERE originator_id = $1 AND topic = $2",
        ballot_id,
        "coop.domain.ballots:Ballot.Closed",
    )
    assert position is not None
    return int(position)


async def recorded(
    pool: asyncpg.Pool, coop: Coop, ballot_id: UUID, voters: list[Voter]
) -> tuple[dict[UUID, Any], int]:
    """From the log: each elector's last vote (or, if secret, record of voting) before the
    close, and how many were recorded after it (each refused with "This ballot has closed")."""
    up_to = await closed_position(pool, ballot_id)
    member_of = {vote_id(ballot_id, v.member_id): v.member_id for v in voters}
    rows = await pool.fetch(
        "SELECT notification_id, originator_id, originator_version, topic, state"
        " FROM coop_events WHERE originator_id = ANY($1) ORDER BY notification_id",
        list(member_of),
    )
    last: dict[UUID, Any] = {}
    for r in rows:
        if r["notification_id"] < up_to:
            stored = StoredEvent(
                r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"])
            )
            last[member_of[r["originator_id"]]] = coop.mapper.to_domain_event(stored)
    return last, sum(1 for r in rows if r["notification_id"] > up_to)


def check_open_ballot(
    result: dict[str, Any], voters: list[Voter], ballot_id: UUID, counted: dict[UUID, Any]
) -> None:
    accepted = {v.member_id: v for v in voters if v.last_accepted(ballot_id)}
    # Exactly one counted ballot per elector whose vote was accepted, and nobody else's.
    assert set(counted) == set(accepted)
    assert result["turnout"] == dict(Counter(v.member_class for v in accepted.values()))
    tally: Counter[tuple[str, str]] = Counter()
    for member, event in counted.items():
        assert isinstance(event, Vote.Cast | Vote.Changed)
        last = accepted[member].last_accepted(ballot_id)
        assert last is not None and event.mark.answer in {p.answer for p in last}, member
        tally[accepted[member].member_class, event.mark.answer] += 1
    for c in result["classes"]:
        cls = c["member_class"]
        assert (c["votes_for"], c["votes_against"], c["abstentions"]) == (
            tally[cls, "for"],
            tally[cls, "against"],
            tally[cls, "abstain"],
        ), cls


def check_secret_ballot(
    result: dict[str, Any], voters: list[Voter], ballot_id: UUID, took_part: dict[UUID, Any]
) -> None:
    papers = {p["receipt"]: p for p in result["papers"]}
    assert len(papers) == len(result["papers"])  # receipts are unique
    accepted = [v for v in voters if v.last_accepted(ballot_id)]
    assert set(took_part) == {v.member_id for v in accepted}
    assert len(papers) == len(accepted) == sum(result["turnout"].values())
    counted: set[str] = set()
    for v in accepted:
        last = v.last_accepted(ballot_id)
        assert last is not None and all(p.receipt for p in last)
        found = [p for p in last if p.receipt in papers]
        assert len(found) == 1, v.member_id  # exactly one of the last accepted votes counts
        paper = papers[found[0].receipt or ""]
        assert paper["mark"]["answer"] == found[0].answer
        assert paper["member_class"] == v.member_class
        counted.add(paper["receipt"])
    assert counted == set(papers)  # and no other paper: nothing earlier, nothing refused


# The test ---------------------------------------------------------------------------


async def test_500_members_voting_at_once_as_the_ballots_close_each_have_one_ballot_counted(
    coop: Coop, clock: FixedClock, db_url: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    clock.set(datetime.now(UTC))  # the server tells the time by the system clock
    electors, accounts = await asyncio.to_thread(co_op, coop, VOTERS)
    open_id = ballot(coop, clock, electors, secret=False)
    secret_id = ballot(coop, clock, electors, secret=True)
    tokens = [
        await start_session(pool, accounts[e.member_id], clock.now(), hours=20) for e in electors
    ]
    rng = random.Random(23)
    with coop_serve(db_url, tmp_path / "server") as url:
        await caught_up(db_url, pool, coop.recorder.max_notification_id() or 0)
        # A fresh connection per request: a busy client may reuse a kept-alive one just as
        # the server times it out, and a POST lost that way cannot be retried.
        limits = httpx.Limits(max_connections=4, max_keepalive_connections=0)
        voters = [
            Voter(
                e.member_id,
                e.member_class,
                httpx.AsyncClient(base_url=url, cookies={COOKIE: t}, timeout=60, limits=limits),
                {open_id: plan(rng), secret_id: plan(rng)},
                late=n % 5 == 0,
            )
            for n, (e, t) in enumerate(zip(electors, tokens, strict=True))
        ]
        try:

            async def close() -> None:
                await asyncio.gather(
                    asyncio.to_thread(coop.close_ballot, open_id),
                    asyncio.to_thread(coop.close_ballot, secret_id),
                )

            race = Race(voters, close)
            await race.run()
        finally:
            await asyncio.gather(*(v.client.aclose() for v in voters))

    for ballot_id in (open_id, secret_id):
        posts = [p for v in voters for p in v.posts(ballot_id)]
        statuses = Counter(p.status for p in posts)
        # The race straddled the close: votes were taken before it and refused after it.
        assert statuses[409] > 0 and statuses[303 if ballot_id == open_id else 200] > 0, statuses
        assert any(not v.last_accepted(ballot_id) for v in voters)
    counted, open_after = await recorded(pool, coop, open_id, voters)
    check_open_ballot(coop.repository.get(open_id).result, voters, open_id, counted)
    took_part, secret_after = await recorded(pool, coop, secret_id, voters)
    check_secret_ballot(coop.repository.get(secret_id).result, voters, secret_id, took_part)
    print(
        f"{race.total} votes; the ballots closed after {race.closed_after} answers;"
        f" recorded after the close (and refused): open {open_after}, secret {secret_after}"
    )
