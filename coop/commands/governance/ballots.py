"""Governance commands: the rules, meetings, ballots and votes."""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, StoredEvent

from coop.clock import today
from coop.commands.base import Busy, Commands, Done
from coop.domain.errors import CoopError, NotFound
from coop.domain.governance.ballots import (
    Ballot,
    BallotError,
    BallotKind,
    BallotNotOpen,
    Elector,
    Mark,
    Option,
    paper_key_id,
    vote_id,
)
from coop.domain.governance.meetings import Meeting, MeetingKind
from coop.domain.governance.rules import RULES_ID, RuleBook, Rules, RulesNotAdopted
from coop.domain.governance.seats import Trustee
from coop.domain.governance.tally import count_ballot
from coop.domain.governance.votes import (
    Advocacy,
    NoAdvocate,
    Paper,
    PaperContent,
    Participation,
    Vote,
    new_receipt,
    padded,
    paper_id,
)

VOTE_RETRIES = 20
# A ballot's events newer than the version a process holds, and one member's vote.
VOTING_READ = (
    "SELECT originator_id, originator_version, topic, state FROM coop_events"
    " WHERE (originator_id = {0} AND originator_version > {1}) OR originator_id = {2}"
    " ORDER BY originator_version"
)


def ballot_moved_to(ballot_id: UUID, rows: Sequence[Any]) -> int:
    """The ballot's newest version among ``rows`` (from VOTING_READ), or 0 if none is newer."""
    return max(
        (r["originator_version"] for r in rows if r["originator_id"] == ballot_id), default=0
    )


class BallotNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no ballot with that reference.")


class MeetingNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no meeting with that reference.")


class Cast(NamedTuple):
    """A vote accepted: its position in the log, and a secret ballot's receipt code."""

    position: int
    receipt: str | None


class GovernanceCommands(Commands):
    """Commands on the rules, meetings, ballots and votes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Ballots as votes last found them, shared read-only between votes (_for_voting).
        self.voting_ballots: dict[UUID, Ballot] = {}
        self._voting_loads = threading.Lock()

    # Rules -----------------------------------------------------------------------------

    def adopt_rules(self, rules: RuleBook, *, by: UUID, reference: str) -> Done:
        """Adopt the co-op's rules in coop (once; later changes are amendments)."""
        rules.check()
        adopted = Rules(rules=rules, on=today(self.clock), by=by, reference=reference)
        try:
            recordings = self.save(adopted)
        except IntegrityError:
            raise CoopError(
                "The rules have already been adopted; change them by special resolution."
            ) from None
        return Done(recordings[-1].notification.id, adopted.id)

    def rules_in_force(self) -> Rules:
        rules = self._get_or_none(Rules, RULES_ID)
        if rules is None:
            raise RulesNotAdopted()
        return rules

    def amend_rules(self, ballot_id: UUID, *, reference: str) -> Done:
        """Apply the rules a special resolution carried (its ballot proposed them)."""
        ballot = self._ballot(ballot_id)
        if ballot.state != "counted" or ballot.proposed_rules is None or not ballot.special:
            raise BallotError(
                "Only a counted special resolution proposing new rules can amend them."
            )
        if not (ballot.result or {}).get("carried"):
            raise BallotError(
                "The special resolution was not carried, so the rules stay as they are."
            )
        rules = self.rules_in_force()
        rules.amend(
            ballot.proposed_rules, on=today(self.clock), ballot_id=ballot_id, reference=reference
        )
        return self._retrying(RULES_ID, lambda: (rules,))

    # Meetings ------------------------------------------------------------------------

    def convene_meeting(
        self,
        kind: MeetingKind,
        *,
        title: str,
        starts_at: datetime,
        held_on: date,
        place: str,
        agenda: tuple[str, ...],
        by: UUID,
    ) -> Done:
        """Convene a meeting with the notice the rules require."""
        rules = self.rules_in_force().rules
        days = (
            rules.general_meeting_notice_days
            if kind.is_general
            else rules.board_meeting_notice_days
        )
        meeting = Meeting.convene(
            kind,
            title=title,
            starts_at=starts_at,
            held_on=held_on,
            place=place,
            agenda=agenda,
            today=today(self.clock),
            notice_days=days,
            by=by,
        )
        recordings = self.save(meeting)
        return Done(recordings[-1].notification.id, meeting.id)

    def record_attendance(self, meeting_id: UUID, present: tuple[UUID, ...], *, by: UUID) -> Done:
        """Record who was at the meeting (a later record replaces an earlier one)."""

        def attempt() -> tuple[Aggregate, ...]:
            meeting = self._meeting(meeting_id)
            meeting.record_attendance(present=present, by=by)
            return (meeting,)

        return self._retrying(meeting_id, attempt)

    def minute_meeting(self, meeting_id: UUID, minutes: str, *, by: UUID) -> Done:
        """Record the meeting's minutes."""

        def attempt() -> tuple[Aggregate, ...]:
            meeting = self._meeting(meeting_id)
            meeting.minute(minutes, by=by)
            return (meeting,)

        return self._retrying(meeting_id, attempt)

    def link_resolution(self, meeting_id: UUID, item: int, ballot_id: UUID) -> Done:
        """Link agenda item ``item`` to the ballot that decides it."""
        self._ballot(ballot_id)  # refuse a ballot that does not exist

        def attempt() -> tuple[Aggregate, ...]:
            meeting = self._meeting(meeting_id)
            meeting.link_resolution(item, ballot_id)
            return (meeting,)

        return self._retrying(meeting_id, attempt)

    # Ballots -------------------------------------------------------------------------

    def draft_ballot(
        self, *, kind: BallotKind, opens_at: datetime, closes_at: datetime, by: UUID, **fields: Any
    ) -> Done:
        """Draft a ballot: a resolution, an election or a reinvestment ballot."""
        fields.setdefault("options", ())
        defaults = {
            "easy_read": "",
            "topic": "general",
            "special": False,
            "secret": False,
            "seats": 0,
            "budget_pence": 0,
            "meeting_id": None,
            "proposed_rules": None,
        }
        ballot = Ballot.draft(
            kind=kind,
            opens_at=opens_at,
            closes_at=closes_at,
            now=self.clock.now(),
            by=by,
            **{**defaults, **fields},
        )
        recordings = self.save(ballot)
        return Done(recordings[-1].notification.id, ballot.id)

    def list_options(self, ballot_id: UUID, options: tuple[Option, ...], *, by: UUID) -> Done:
        def attempt() -> tuple[Aggregate, ...]:
            ballot = self._ballot(ballot_id)
            ballot.list_options(options, by=by)
            return (ballot,)

        return self._retrying(ballot_id, attempt)

    def declare_interest(self, ballot_id: UUID, member_id: UUID, interest: str) -> Done:
        """A member declares an interest in what the ballot decides."""

        def attempt() -> tuple[Aggregate, ...]:
            ballot = self._ballot(ballot_id)
            policy = self.rules_in_force().rules.policy_for(ballot.topic)
            ballot.declare_interest(member_id, interest, policy)
            return (ballot,)

        return self._retrying(ballot_id, attempt)

    def open_ballot(
        self, ballot_id: UUID, electorate: Sequence[Elector], trustees: Sequence[Trustee] = ()
    ) -> Done:
        """Open the ballot with its electorate fixed: the members in good standing now.

        An election also fixes its reserved seats from ``trustees``, those in office now.
        """
        rules = self.rules_in_force()

        def attempt() -> tuple[Aggregate, ...]:
            ballot = self._ballot(ballot_id)
            ballot.open(
                tuple(electorate),
                rules=rules.rules,
                rules_version=rules.version,
                at=self.clock.now(),
                trustees=tuple(trustees),
            )
            return (ballot,)

        return self._retrying(ballot_id, attempt)

    def cast_vote(
        self,
        ballot_id: UUID,
        member_id: UUID,
        mark: Mark,
        *,
        cast_by: UUID,
        supported: bool = False,
    ) -> Cast:
        """Cast (or change) a member's vote; only their last vote before the close counts."""
        if supported:
            advocacy = self._get_or_none(Advocacy, Advocacy.create_id(member_id))
            if advocacy is None or advocacy.advocate != cast_by:
                raise NoAdvocate()
        for _ in range(VOTE_RETRIES):
            ballot, earlier = self._for_voting(ballot_id, vote_id(ballot_id, member_id))
            receipt: str | None = None
            if ballot.secret:
                receipt = new_receipt()
                aggregates = self._secret_vote(
                    ballot, member_id, mark, receipt, cast_by, supported, self.clock.now()
                )
            else:
                aggregates = (self.open_vote(ballot, earlier, member_id, mark, cast_by, supported),)
            try:
                recordings = self.save(*aggregates, unchanged=[(ballot_id, ballot.version)])
            except IntegrityError:
                # The same member voting twice at once, or the ballot moved on
                # since it was read (closed, say): re-read and decide again.
                continue
            return Cast(recordings[-1].notification.id, receipt)
        raise Busy()

    def _for_voting(self, ballot_id: UUID, vote: UUID) -> tuple[Ballot, Vote | None]:
        """The ballot as it is now, and the member's vote so far, in one query.

        Each process keeps the ballot as votes last found it and shares it
        between votes, read-only: what a vote needs (open, the electorate, the
        declarations) changes rarely. One query asks for any newer events of
        the ballot together with the voter's own; only when the ballot has moved
        on is it loaded afresh. (The library's cache instead fast-forwards under
        a lock per aggregate, so every vote queued behind one lock on the ballot.)
        The vote is saved only if the ballot is still at the version read.
        """
        ballot = self.voting_ballot(ballot_id)
        with self.recorder.datastore.transaction(commit=False) as curs:  # type: ignore[attr-defined]
            curs.execute(
                VOTING_READ.format("%s", "%s", "%s"),
                (ballot_id, ballot.version, vote),
                prepare=True,
            )
            rows = curs.fetchall()
        newer = ballot_moved_to(ballot_id, rows)
        if newer:  # opened, closed, an interest declared
            ballot = self.fresh_for_voting(ballot_id, newer)
        return ballot, self.vote_so_far(vote, rows)

    def voting_ballot(self, ballot_id: UUID) -> Ballot:
        """The ballot as votes last found it in this process (shared: never change it)."""
        return self.voting_ballots.get(ballot_id) or self.fresh_for_voting(ballot_id, 0)

    def vote_so_far(self, vote: UUID, rows: Sequence[Any]) -> Vote | None:
        """The member's vote as its events among ``rows`` (from VOTING_READ) make it."""
        found: Any = project_aggregate(
            None, [self._event(r) for r in rows if r["originator_id"] == vote]
        )
        return found if isinstance(found, Vote) else None

    def fresh_for_voting(self, ballot_id: UUID, version: int) -> Ballot:
        """The ballot at ``version`` or later, loaded by one thread while the others wait.

        (When a ballot opens, every thread's first vote finds it missing at once;
        each loading its own copy of a large electorate held the GIL for seconds.)
        """
        with self._voting_loads:
            ballot = self.voting_ballots.get(ballot_id)
            if ballot is not None and ballot.version >= version:
                return ballot  # another thread has just loaded it
            ballot = self._ballot(ballot_id)  # a copy of its own: never changed after this
            if len(self.voting_ballots) >= 64:
                self.voting_ballots.clear()  # ballots are few; a long-lived process forgets
            self.voting_ballots[ballot_id] = ballot
            return ballot

    def _event(self, row: Any) -> Any:
        return self.mapper.to_domain_event(
            StoredEvent(
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
            )
        )

    def open_vote(
        self,
        ballot: Ballot,
        vote: Vote | None,
        member_id: UUID,
        mark: Mark,
        cast_by: UUID,
        supported: bool,
    ) -> Vote:
        """The member's vote on an open (not secret) ballot, cast or changed, not yet saved."""
        now = self.clock.now()
        member_class = ballot.check_vote(member_id, mark, now)
        conflicted = ballot.conflicted(member_id)
        if vote is None:
            return Vote._create(
                Vote.Cast,
                id=vote_id(ballot.id, member_id),
                ballot_id=ballot.id,
                member_id=member_id,
                member_class=member_class,
                mark=mark,
                conflicted=conflicted,
                cast_by=cast_by,
                supported=supported,
                at=now,
            )
        vote.change(mark=mark, conflicted=conflicted, cast_by=cast_by, supported=supported, at=now)
        return vote

    def _secret_vote(
        self,
        ballot: Ballot,
        member_id: UUID,
        mark: Mark,
        receipt: str,
        cast_by: UUID,
        supported: bool,
        now: datetime,
    ) -> tuple[Aggregate, ...]:
        member_class = ballot.check_vote(member_id, mark, now)
        conflicted = ballot.conflicted(member_id)
        ballot_id = ballot.id
        key_id = paper_key_id(ballot_id)
        derived = self._keyring.derive(key_id, b"paper ids")
        if derived is None:
            raise BallotNotOpen("closed")  # the key goes when the ballot is counted
        content = padded(
            PaperContent(
                mark=mark, member_class=member_class, conflicted=conflicted, receipt=receipt
            )
        )
        pid = paper_id(derived, member_id)
        paper = self._get_or_none(Paper, pid)
        if paper is None:
            paper = Paper._create(Paper.Marked, id=pid, key_id=key_id, content=content)
        else:
            paper.remark(key_id=key_id, content=content)
        took_part = self._get_or_none(Participation, vote_id(ballot_id, member_id))
        if took_part is None:
            took_part = Participation._create(
                Participation.Voted,
                id=vote_id(ballot_id, member_id),
                ballot_id=ballot_id,
                member_id=member_id,
                cast_by=cast_by,
                supported=supported,
                at=now,
            )
        else:
            took_part.vote_again(cast_by=cast_by, supported=supported, at=now)
        return (took_part, paper)

    def _closed_position(self, ballot_id: UUID) -> int | None:
        with self.recorder.datastore.transaction(commit=False) as curs:  # type: ignore[attr-defined]
            curs.execute(
                "SELECT notification_id FROM coop_events WHERE originator_id = %s AND topic = %s",
                (ballot_id, _CLOSED_TOPIC),
            )
            row = curs.fetchone()
        return None if row is None else int(row["notification_id"])

    def close_ballot(self, ballot_id: UUID) -> Done:
        """Close the ballot, count every vote recorded before the close, publish the result.

        For a secret ballot the papers are published in random order by receipt
        code, and then the paper key is destroyed.
        """
        ballot = self._ballot(ballot_id)
        if ballot.state == "open":
            self._retrying(ballot_id, lambda: self._closing(ballot_id))
        ballot = self._ballot(ballot_id)
        if ballot.state != "closed":
            raise BallotNotOpen(ballot.state)
        up_to = self._closed_position(ballot_id)
        assert up_to is not None
        marks, papers = self._marks(ballot, ballot_id, up_to)
        result = count_ballot(ballot, marks)
        if ballot.secret:
            random.SystemRandom().shuffle(papers)
            result["papers"] = papers
        done = self._retrying(ballot_id, lambda: self._recording(ballot_id, up_to, result))
        if ballot.secret:
            self.destroy_keys([paper_key_id(ballot_id)])  # type: ignore[attr-defined]
        return done

    def _closing(self, ballot_id: UUID) -> tuple[Aggregate, ...]:
        ballot = self._ballot(ballot_id)
        ballot.close(self.clock.now())
        return (ballot,)

    def _recording(
        self, ballot_id: UUID, up_to: int, result: dict[str, Any]
    ) -> tuple[Aggregate, ...]:
        ballot = self._ballot(ballot_id)
        ballot.record_count(up_to, result)
        return (ballot,)

    def _marks(
        self, ballot: Ballot, ballot_id: UUID, up_to: int
    ) -> tuple[list[tuple[str, Mark, bool, bool]], list[dict[str, Any]]]:
        """Each elector's last mark before ``up_to``: (class, mark, conflicted, supported)."""
        class_of: dict[UUID, str] = {}
        if ballot.secret:
            derived = self._keyring.derive(paper_key_id(ballot_id), b"paper ids")
            if derived is None:  # another process has just counted it and destroyed the key
                raise BallotError("This ballot has already been counted.")
            ids = [paper_id(derived, m) for m in ballot.electors]
        else:
            # Each vote's id and its voter's class, looked up once: a change doesn't repeat it.
            class_of = {vote_id(ballot_id, m): c for m, c in ballot.electors.items()}
            ids = list(class_of)
        latest: dict[UUID, Any] = {}
        for e in self._events_of(ids, up_to):
            latest[e.originator_id] = e
        marks: list[tuple[str, Mark, bool, bool]] = []
        papers: list[dict[str, Any]] = []
        for e in latest.values():
            if ballot.secret:
                c: PaperContent = e.content
                marks.append((c.member_class, c.mark, c.conflicted, False))
                papers.append(
                    {
                        "receipt": c.receipt,
                        "member_class": c.member_class,
                        "mark": {
                            "answer": c.mark.answer,
                            "ranking": list(c.mark.ranking),
                            "approvals": list(c.mark.approvals),
                        },
                        "conflicted": c.conflicted,
                    }
                )
            else:
                cls = e.member_class if isinstance(e, Vote.Cast) else class_of[e.originator_id]
                marks.append((cls, e.mark, e.conflicted, e.supported))
        return marks, papers

    def _events_of(self, ids: list[UUID], up_to: int) -> list[Any]:
        """The events of these aggregates recorded before ``up_to``, in log order."""
        with self.recorder.datastore.transaction(commit=False) as curs:  # type: ignore[attr-defined]
            curs.execute(
                "SELECT originator_id, originator_version, topic, state FROM coop_events"
                " WHERE originator_id = ANY(%s) AND notification_id < %s ORDER BY notification_id",
                (ids, up_to),
            )
            rows = curs.fetchall()
        return [self._event(r) for r in rows]

    # Supported voting --------------------------------------------------------------------

    def name_advocate(self, member_id: UUID, advocate_account: UUID) -> Done:
        """A member consents to an advocate voting with or for them."""

        def attempt() -> tuple[Aggregate, ...]:
            advocacy = self._get_or_none(Advocacy, Advocacy.create_id(member_id))
            if advocacy is None:
                return (
                    Advocacy._create(
                        Advocacy.Named,
                        id=Advocacy.create_id(member_id),
                        member_id=member_id,
                        advocate_account=advocate_account,
                        on=today(self.clock),
                    ),
                )
            advocacy.rename(advocate_account=advocate_account, on=today(self.clock))
            return (advocacy,)

        return self._retrying(Advocacy.create_id(member_id), attempt)

    def end_advocacy(self, member_id: UUID) -> Done:
        def attempt() -> tuple[Aggregate, ...]:
            advocacy = self._get_or_none(Advocacy, Advocacy.create_id(member_id))
            if advocacy is None or advocacy.advocate is None:
                raise CoopError("You have not named an advocate.")
            advocacy.end(on=today(self.clock))
            return (advocacy,)

        return self._retrying(Advocacy.create_id(member_id), attempt)

    # Loading ---------------------------------------------------------------------------

    def _meeting(self, meeting_id: UUID) -> Meeting:
        meeting = self._get_or_none(Meeting, meeting_id)
        if meeting is None:
            raise MeetingNotFound()
        return meeting

    def _ballot(self, ballot_id: UUID) -> Ballot:
        try:
            ballot: Any = self.repository.get(ballot_id)
        except Exception:
            raise BallotNotFound() from None
        if not isinstance(ballot, Ballot):
            raise BallotNotFound()
        return ballot


_CLOSED_TOPIC = "coop.domain.ballots:Ballot.Closed"
