"""What a notice of a general meeting or a ballot says: the same words by e-mail and
on paper, and in Easy Read for those who asked."""

from __future__ import annotations

import msgspec

from coop.projections.governance.notices import BallotDue, MeetingDue
from coop.web.words import when

MEETING_KINDS = {"agm": "annual general meeting", "special": "special general meeting"}


class NoticeContent(msgspec.Struct, frozen=True, kw_only=True):
    """A notice's words: ``lines`` for the standard letter and e-mail, ``easy`` (picture,
    its description, a short sentence) for Easy Read."""

    heading: str
    easy_heading: str
    title: str
    lines: tuple[str, ...]
    agenda: tuple[str, ...] = ()
    easy: tuple[tuple[str, str, str], ...]
    online: str
    link: str


def meeting_notice(m: MeetingDue, link: str) -> NoticeContent:
    """Notice of a general meeting, with its agenda."""
    kind = MEETING_KINDS.get(m.kind, "general meeting")
    at = when(m.starts_at)
    return NoticeContent(
        heading=f"Notice of {'the' if m.kind == 'agm' else 'a'} {kind}",
        easy_heading="Come to our members' meeting",
        title=m.title,
        lines=(
            f"You are invited to the co-op's {kind}, {m.title}, at {at}, at {m.place}.",
            "Every member may come, speak and vote. If you need support to take part,"
            " such as a BSL interpreter, a carer with you or papers in another format,"
            " tell the co-op office before the meeting.",
        ),
        agenda=tuple(m.agenda),
        easy=(
            ("person", "A person", "All members are invited to a meeting."),
            ("calendar", "A calendar", f"The meeting is at {at}."),
            ("question", "A question mark", f"The meeting is at {m.place}."),
            ("ballot-box", "A ballot box", "At the meeting, members decide things together."),
            ("person", "A person", "You can bring someone to help you."),
        ),
        online="You can read this notice and the agenda on the co-op's website:",
        link=link,
    )


def ballot_notice(b: BallotDue, link: str) -> NoticeContent:
    """Notice that a ballot is open, and how to vote."""
    closes = when(b.closes_at)
    return NoticeContent(
        heading="A ballot is open",
        easy_heading="You can vote now",
        title=b.title,
        lines=(
            f"The co-op is holding a ballot: {b.title}. The question is: {b.question}",
            f"Voting opened at {when(b.opens_at)} and closes at {closes}.",
            "You can vote online, and change your vote until voting closes. If you would"
            " like help to vote, or someone to vote for you as your advocate, contact the"
            " co-op office.",
        ),
        easy=(
            ("ballot-box", "A ballot box", f"The co-op is voting on: {b.title}."),
            ("question", "A question mark", b.question),
            ("calendar", "A calendar", f"You can vote until {closes}."),
            ("person", "A person", "You can ask the office for help to vote."),
        ),
        online="You can read about the ballot and vote on the co-op's website:",
        link=link,
    )


def email_body(coop_name: str, name: str, notice: NoticeContent) -> tuple[str, str]:
    """The e-mail's subject and plain-text body (the link on a line of its own)."""
    agenda = (
        "\n\nAgenda:\n" + "\n".join(f"{i}. {item}" for i, item in enumerate(notice.agenda, 1))
        if notice.agenda
        else ""
    )
    return (
        f"{notice.heading}: {notice.title}",
        f"Dear {name},\n\n"
        + "\n\n".join(notice.lines)
        + agenda
        + f"\n\n{notice.online}\n\n{notice.link}\n\n"
        "If you would like this notice by post, in large print or in Easy Read, tell the"
        " co-op office.\n\n"
        f"The Secretary, for the trustees of {coop_name}\n",
    )
