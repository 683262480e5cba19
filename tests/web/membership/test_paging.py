"""The long lists a page at a time: the trustees' members list and the register of members.

A co-op of 250 members (imported, the fast way): every other one an Okafor, every
fiftieth gone; member n entered on 1 January 2020 plus n days.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta
from uuid import uuid4

from coop.application import Coop
from coop.domain.membership.member_details import (
    Cessation,
    ContactDetails,
    ContactMethod,
    MemberClass,
)
from coop.domain.membership.old_records import OldRecord
from tests.web.membership.test_applications import signed_in_trustee

MEMBERS = 250
CLASSES = (MemberClass.USER, MemberClass.CARER, MemberClass.PA)


def lettered(n: int) -> str:
    """A first name from the number's digits (42 is Aec): a number search finds no name."""
    return "".join("abcdefghij"[int(d)] for d in f"{n:03d}").capitalize()


def old_register() -> list[OldRecord]:
    return [
        OldRecord(
            line=n + 1,
            number=n,
            member_class=CLASSES[n % 3],
            details=ContactDetails(
                name=f"{lettered(n)} {'Okafor' if n % 2 else 'Raman'}",
                preferred_name="",
                email=f"member{n}@example.org",
                phone="",
                address=f"{n} Roundhay Road\nLeeds",
                postcode="LS8 2AB",
                contact_methods=(ContactMethod.EMAIL,),
                access_needs="",
            ),
            entered_on=date(2020, 1, 1) + timedelta(days=n),
            ceased_on=date(2025, 6, 1) if n % 50 == 0 else None,
            how_ceased=Cessation.WITHDRAWAL if n % 50 == 0 else None,
        )
        for n in range(1, MEMBERS + 1)
    ]


async def big_co_op(client, coop: Coop) -> None:
    done = coop.import_members(old_register(), source="old.csv", by=uuid4())
    assert done.position is not None
    await client.app.state["services"].seen(done.position, "members")
    await signed_in_trustee(client, coop)


def text(response) -> str:
    return html.unescape(response.text)


def numbers(response) -> list[int]:
    """The membership numbers listed, in order."""
    return [int(n) for n in re.findall(r'numeric">(\d+)</td>\s*<th scope="row"', response.text)]


def page_links(response) -> list[str]:
    """Where the pagination's links go: previous, the page numbers, next."""
    nav = response.text.split('<nav class="govuk-pagination"', 1)[1].split("</nav>", 1)[0]
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', nav)]


async def test_the_members_list_comes_a_hundred_to_a_page(client, coop: Coop) -> None:
    await big_co_op(client, coop)

    first = await client.get("/trustees/members")
    assert first.status_code == 200
    assert numbers(first) == list(range(1, 101))
    assert "Showing 1 to 100 of 250 members" in text(first)
    assert "250 members" in text(first)  # the caption counts the whole list
    assert page_links(first) == [
        "/trustees/members",
        "/trustees/members?page=2",
        "/trustees/members?page=3",
        "/trustees/members?page=2",  # next
    ]
    assert 'aria-current="page">1<' in first.text and 'rel="prev"' not in first.text

    middle = await client.get("/trustees/members?page=2")
    assert numbers(middle) == list(range(101, 201))
    assert "Showing 101 to 200 of 250 members" in text(middle)
    assert 'rel="prev"' in middle.text and 'rel="next"' in middle.text

    last = await client.get("/trustees/members", params={"page": "3"})
    assert numbers(last) == list(range(201, 251))
    assert "Showing 201 to 250 of 250 members" in text(last)
    assert 'rel="next"' not in last.text

    for bad in ("0", "-1", "two", "1.5", "", "99999999999999"):
        again = await client.get("/trustees/members", params={"page": bad})
        assert again.status_code == 200, bad
        assert numbers(again) == list(range(1, 101)), bad

    past = await client.get("/trustees/members?page=4")
    assert past.status_code == 404
    assert "There is no page 4: this list has 3 pages." in text(past)


async def test_searching_the_members_list_pages_the_matches_and_keeps_the_search(
    client, coop: Coop
) -> None:
    await big_co_op(client, coop)

    okafors = await client.get("/trustees/members", params={"q": "okafor"})
    assert numbers(okafors) == list(range(1, 200, 2))  # the first 100 of 125
    assert "Showing 1 to 100 of 125 members" in text(okafors)
    assert "/trustees/members?q=okafor&page=2" in page_links(okafors)
    rest = await client.get("/trustees/members", params={"q": "okafor", "page": "2"})
    assert numbers(rest) == list(range(201, 251, 2))
    assert "/trustees/members?q=okafor" in page_links(rest)  # back to the first page

    found = await client.get("/trustees/members", params={"q": "okafor", "class": "pa"})
    assert numbers(found) == [n for n in range(1, 251) if n % 2 and n % 3 == 2]
    assert "members, PAs only, matching “okafor”" in text(found)
    assert "govuk-pagination" not in found.text  # one page: no paging

    former = await client.get("/trustees/members", params={"status": "ceased", "class": "user"})
    assert numbers(former) == [150]  # 50, 100, …, 250; the users among them
    assert "1 member, former only, users only" in text(former)

    by_number = await client.get("/trustees/members", params={"q": "137"})
    assert numbers(by_number) == [137]

    forged = await client.get("/trustees/members", params={"class": "robot"})
    assert "Showing 1 to 100 of 250 members" in text(forged)  # an unknown class shows all

    none = await client.get("/trustees/members", params={"q": "okafor", "page": "3"})
    assert none.status_code == 404 and "this list has 2 pages" in text(none)


async def test_htmx_search_sends_the_results_with_their_pages(client, coop: Coop) -> None:
    await big_co_op(client, coop)
    fragment = await client.get(
        "/trustees/members", params={"q": "raman", "page": "2"}, headers={"hx-request": "true"}
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'id="members-results"' in fragment.text
    assert numbers(fragment) == list(range(202, 251, 2))
    assert "Showing 101 to 125 of 125 members" in text(fragment)
    assert page_links(fragment)[0] == "/trustees/members?q=raman"  # previous
    assert "125 members, matching “raman”" in text(fragment)  # announced


async def test_the_register_comes_a_page_at_a_time_as_at_its_date(client, coop: Coop) -> None:
    await big_co_op(client, coop)

    now = await client.get("/register")
    assert now.status_code == 200
    assert numbers(now) == list(range(1, 101))
    assert "Showing 1 to 100 of 250 entries" in text(now)
    assert "As at 23 November 2026: 245 members, 5 former" in text(now)  # the whole register
    assert "/register?as_at=2026-11-23&page=2" in page_links(now)
    assert len(now.content) < 100_000

    then = await client.get("/register", params={"day": "1", "month": "6", "year": "2020"})
    assert "As at 1 June 2020: 152 members, 0 former" in text(then)
    assert page_links(then) == [
        "/register?as_at=2020-06-01",
        "/register?as_at=2020-06-01&page=2",
        "/register?as_at=2020-06-01&page=2",
    ]
    second = await client.get("/register", params={"as_at": "2020-06-01", "page": "2"})
    assert numbers(second) == list(range(101, 153))
    assert "Showing 101 to 152 of 152 entries" in text(second)
    assert page_links(second)[0] == "/register?as_at=2020-06-01"  # previous keeps the date
    assert 'name="as_at" value="2020-06-01"' in second.text  # and so does the search

    past = await client.get("/register", params={"as_at": "2020-06-01", "page": "3"})
    assert past.status_code == 404 and "this list has 2 pages" in text(past)
    bad = await client.get("/register", params={"as_at": "2020-06-01", "page": "x"})
    assert numbers(bad) == list(range(1, 101)) and "As at 1 June 2020" in text(bad)

    # The downloads are still the whole register.
    whole = await client.get("/register.csv", params={"as_at": "2020-06-01"})
    rows = list(csv.DictReader(io.StringIO(whole.content.decode("utf-8-sig"))))
    assert [int(r["membership_number"]) for r in rows] == list(range(1, 153))


async def test_trustees_find_an_entry_in_the_register_by_name_or_number(client, coop: Coop) -> None:
    await big_co_op(client, coop)

    okafors = await client.get("/register", params={"as_at": "2026-01-01", "q": "OKAFOR"})
    assert "As at 1 January 2026: 125 members, 0 former, matching “OKAFOR”" in text(okafors)
    assert "Showing 1 to 100 of 125 entries" in text(okafors)
    assert "/register?as_at=2026-01-01&q=OKAFOR&page=2" in page_links(okafors)
    assert 'value="OKAFOR"' in okafors.text

    one = await client.get("/register", params={"q": "42"})
    assert numbers(one) == [42] and "Aec Raman" in text(one)
    assert "govuk-pagination" not in one.text

    nobody = await client.get("/register", params={"q": "Nobody", "as_at": "2024-01-01"})
    assert nobody.status_code == 200
    assert "No entry as at 1 January 2024 matches “Nobody”" in text(nobody)
    assert 'href="/register?as_at=2024-01-01">Show the whole register' in nobody.text
