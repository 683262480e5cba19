"""The changes trustees record on a member: class, property, leaving, share, offices, erasure.

Each change is a question page (GET) and its answer (POST): a good answer runs one
command and redirects to the record with a notification; a bad one re-renders the
question with its errors and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.application import Coop, Done
from coop.clock import today
from coop.domain.errors import CoopError, NotFound
from coop.domain.membership.member_details import Office
from coop.infra.personal_traces import clear_traces
from coop.projections.membership.queries import MemberRecord, addresses_and_account_of
from coop.web.forms import Checked
from coop.web.membership.forms import (
    check_class,
    check_ending,
    check_erasure,
    check_office,
    check_property,
    check_settlement,
)
from coop.web.membership.member_records import erasable_from, record_or_404, why_not
from coop.web.pages import page, see_other
from coop.web.services import services

# A refusal's field, as named by the domain, to the field on the page.
_FIELDS = {"on": "day"}
# A command: given the write side and who asks, it does one thing.
Command = Callable[[Coop, UUID], Done]


def _pence(pounds: Any) -> int:
    return int(pounds * 100)  # pounds has two decimal places


# Questions and answers ------------------------------------------------------------


def _question(
    request: Request[Any, Any, Any],
    m: MemberRecord,
    action: str,
    checked: Checked,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    return page(
        request,
        f"membership/members/{action.replace('-', '_')}.html",
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        m=m,
        unavailable=why_not(action, m),
        erasable_from=erasable_from(m, s.settings.retention_years),
        today=today(s.clock),
    )


async def _ask(
    request: Request[Any, Any, Any], member_id: UUID, action: str, **values: Any
) -> Template:
    return _question(
        request, await record_or_404(request, member_id), action, Checked(values=values)
    )


async def _answer(
    request: Request[Any, Any, Any],
    m: MemberRecord,
    action: str,
    checked: Checked,
    command: Command | None,
    done: str,
) -> Template | Redirect:
    """Run ``command`` if the answers were good; else show the question again."""
    s = services(request.app)
    status = 422
    if command is not None and checked.ok:
        try:
            ran = await s.run(command, s.coop, request.state.user.account_id)
        except NotFound:
            raise
        except CoopError as e:
            field = getattr(e, "field", None)
            checked.problem(_FIELDS.get(field, field) if field else "", str(e))
            status = e.status
        else:
            await s.seen(ran.position, "members", "accounts")
            return see_other(f"/trustees/members/{m.member_id}?done={done}")
    return _question(request, m, action, checked, status=status)


async def _form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return (await request.form()).dict()


@get("/trustees/members/{member_id:uuid}/class")
async def class_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    return await _ask(request, member_id, "class")


@post("/trustees/members/{member_id:uuid}/class", status_code=303)
async def change_class(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await record_or_404(request, member_id)
    answer, checked = check_class(await _form(request), m.member_class)
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.change_class(
                member_id, answer.member_class, by=by, reference=answer.reference
            )

    return await _answer(request, m, "class", checked, command, "class")


@get("/trustees/members/{member_id:uuid}/property")
async def property_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    m = await record_or_404(request, member_id)
    values = {"loans": f"{m.loans:.2f}", "deposits": f"{m.deposits:.2f}"}
    return _question(request, m, "property", Checked(values=values))


@post("/trustees/members/{member_id:uuid}/property", status_code=303)
async def record_property(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await record_or_404(request, member_id)
    answer, checked = check_property(await _form(request), _pence(m.loans), _pence(m.deposits))
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.record_property(
                member_id,
                loans_pence=answer.loans_pence,
                deposits_pence=answer.deposits_pence,
                by=by,
            )

    return await _answer(request, m, "property", checked, command, "property")


@get("/trustees/members/{member_id:uuid}/end")
async def end_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    now = today(services(request.app).clock)
    return await _ask(
        request, member_id, "end", day=str(now.day), month=str(now.month), year=str(now.year)
    )


@post("/trustees/members/{member_id:uuid}/end", status_code=303)
async def end_membership(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await record_or_404(request, member_id)
    answer, checked = check_ending(await _form(request), today(services(request.app).clock))
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.cease(
                member_id, answer.how, on=answer.on, by=by, reference=answer.reference
            )

    return await _answer(request, m, "end", checked, command, "ended")


@get("/trustees/members/{member_id:uuid}/share")
async def share_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    return await _ask(request, member_id, "share")


@post("/trustees/members/{member_id:uuid}/share", status_code=303)
async def settle_share(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await record_or_404(request, member_id)
    answer, checked = check_settlement(await _form(request))
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.settle_share(member_id, answer.how, by=by)

    return await _answer(request, m, "share", checked, command, "share")


def _appointable(m: MemberRecord) -> tuple[Office, ...]:
    if "trustee" not in m.offices:
        return (Office.TRUSTEE,)
    return () if "secretary" in m.offices else (Office.SECRETARY,)


@get("/trustees/members/{member_id:uuid}/office")
async def office_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    m = await record_or_404(request, member_id)
    offices = [str(o) for o in _appointable(m)]
    asked = request.query_params.get("office", "")
    chosen = asked if asked in offices else offices[0] if len(offices) == 1 else ""
    return _question(request, m, "office", Checked(values={"office": chosen}))


@post("/trustees/members/{member_id:uuid}/office", status_code=303)
async def take_office(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await record_or_404(request, member_id)
    answer, checked = check_office(
        await _form(request), _appointable(m), missing="Select the office to appoint them to"
    )
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.take_office(member_id, answer.office, by=by, reference=answer.reference)

    office = answer.office if answer else ""
    return await _answer(request, m, "office", checked, command, f"appointed-{office}")


@get("/trustees/members/{member_id:uuid}/stand-down")
async def stand_down_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    m = await record_or_404(request, member_id)
    chosen = m.offices[0] if len(m.offices) == 1 else ""
    return _question(request, m, "stand-down", Checked(values={"office": chosen}))


@post("/trustees/members/{member_id:uuid}/stand-down", status_code=303)
async def stand_down(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await record_or_404(request, member_id)
    held = tuple(Office(o) for o in m.offices)
    answer, checked = check_office(
        await _form(request), held, missing="Select the office they are standing down from"
    )
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.leave_office(member_id, answer.office, by=by, reference=answer.reference)

    office = answer.office if answer else ""
    return await _answer(request, m, "stand-down", checked, command, f"left-{office}")


@get("/trustees/members/{member_id:uuid}/erase")
async def erase_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    return await _ask(request, member_id, "erase")


@post("/trustees/members/{member_id:uuid}/erase", status_code=303)
async def erase(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template | Redirect:
    m = await record_or_404(request, member_id)
    checked = check_erasure(await _form(request))
    years = services(request.app).settings.retention_years

    def command(coop: Coop, by: UUID) -> Done:
        return coop.erase(member_id, by=by, retention_years=years)

    pool = services(request.app).pool
    addresses, account_id = await addresses_and_account_of(pool, member_id)  # before masking
    answer = await _answer(request, m, "erase", checked, command, "erased")
    if isinstance(answer, Redirect):
        await clear_traces(pool, member_id, addresses, account_id)
    return answer
