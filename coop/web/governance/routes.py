"""Every governance route, grouped by who may use it: each group says so once.

Litestar merges a route's ``opt`` from the app down through each router to the
handler (the nearest layer wins), so every handler in a group carries the group's
``allow``, which the one global guard (``coop.web.auth.access_guard``) reads.
"""

from __future__ import annotations

from litestar import Router

from coop.web.auth import ANYONE, SIGNED_IN, allow
from coop.web.governance import (
    ballot_files,
    ballots,
    ballots_admin,
    for_members,
    meetings_admin,
    notices_office,
    proposals,
    proposals_admin,
    results,
    rules,
    taking_part,
)

# The trustees (and the secretary): ballots, meetings, proposals and the rules.
_trustees = Router(
    path="/",
    opt=allow("trustee", "secretary"),
    route_handlers=[
        rules.rules_page,
        rules.propose_form,
        rules.propose,
        ballots_admin.amend_rules,
        meetings_admin.meetings,
        meetings_admin.convene_form,
        meetings_admin.convene,
        meetings_admin.meeting,
        meetings_admin.record_attendance,
        meetings_admin.record_minutes,
        meetings_admin.link_resolution,
        ballots_admin.ballots,
        ballots_admin.new_ballot_form,
        ballots_admin.draft_ballot,
        ballots_admin.ballot_admin,
        ballots_admin.list_candidates,
        ballots_admin.add_option,
        ballots_admin.remove_option,
        ballots_admin.open_now,
        ballots_admin.close_now,
        ballots_admin.remind,
        proposals_admin.invite_proposals,
        proposals_admin.list_proposal,
        proposals_admin.decline_proposal,
    ],
)

# The office (coordinators) and the trustees: the notices given, letters to post.
_office = Router(
    path="/",
    opt=allow("coordinator", "trustee", "secretary"),
    route_handlers=[
        notices_office.notices,
        notices_office.notices_of,
        notices_office.batch_progress,
        notices_office.batch_letters,
        notices_office.letters_posted,
    ],
)

# Current members: voting, proposing, declaring an interest, advocates.
_members = Router(
    path="/",
    opt=allow("member"),
    route_handlers=[
        ballots.vote,
        ballots.voted,
        proposals.propose_form,
        proposals.propose,
        proposals.withdraw,
        proposals.propose_json,
        taking_part.declare_form,
        taking_part.declare,
        taking_part.advocate_form,
        taking_part.name_advocate,
        taking_part.end_advocacy,
        taking_part.vote_for_form,
        taking_part.vote_for,
    ],
)

# Every member (and the trustees): general meetings and the rules, in plain English and
# Easy Read. Board meetings stay with the trustees.
_members_read = Router(
    path="/",
    opt=allow("member", "trustee", "secretary"),
    route_handlers=[
        for_members.general_meetings,
        for_members.general_meeting,
        for_members.rules,
        for_members.rules_easy_read,
    ],
)

# Anyone signed in, former members too: the ballots, their results and papers, the rules.
_signed_in = Router(
    path="/",
    opt=allow(SIGNED_IN),
    route_handlers=[
        ballots.ballots,
        ballots.ballot_page,
        ballots.easy_read,
        ballots.turnout_now,
        results.results,
        results.results_json,
        ballot_files.election_file,
        ballot_files.reinvestment_file,
        rules.rules_json,
        proposals.proposals_page,
        proposals.proposals_json,
    ],
)

# Anyone at all: a receipt holder checks their paper is in the published count.
_anyone = Router(path="/", opt=allow(ANYONE), route_handlers=[results.receipts])

# The governance context's routes, for ``create_app``.
router = Router(
    path="/", route_handlers=[_trustees, _office, _members, _members_read, _signed_in, _anyone]
)
