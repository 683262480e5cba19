"""The AGM pack on the trustees' pages: a year chosen, the pack built and signed, each
format downloaded; a bad year, a year with nothing in it and a pack not yet built each
get a specific answer and change nothing."""

from __future__ import annotations

import io
import re
import zipfile

import httpx

from coop.application import Coop
from coop.clock import FixedClock
from coop.config import Settings
from coop.domain.accounts import Role
from coop.infra.audit_checkpoints import generate_key
from coop.web.accounts.passwords import hash_password
from coop.web.reports.agm_pack import sign_pack
from tests.projections.reports.agm_world import a_year_at_the_coop
from tests.web.helpers import TRUSTEE_PASSWORD, csrf, post_form, sign_in
from tests.web.membership.test_applications import signed_in_trustee
from tests.web.membership.test_register_renders import ask, finished
from tests.web.reports.test_care_reports import rows_of


async def in_the_app(client: httpx.AsyncClient, coop: Coop, clock: FixedClock) -> None:
    """The year at the co-op, the app's read models caught up with it."""
    s = client.app.state["services"]  # type: ignore[attr-defined]
    await a_year_at_the_coop(coop, clock, s.pool, share_out=False, waiting=s)


async def checkpoints(client: httpx.AsyncClient) -> int:
    """The checkpoints made for a pack (the scheduler may make its daily one meanwhile)."""
    pool = client.app.state["services"].pool  # type: ignore[attr-defined]
    return int(
        await pool.fetchval("SELECT count(*) FROM audit_checkpoints WHERE reason LIKE 'AGM pack%'")
    )


async def made_in_the_background(client: httpx.AsyncClient, fmt: str) -> httpx.Response:
    """The 2026 pack's PDF in ``fmt``, asked for with the page's button, once the worker
    has made it."""
    done = await finished(client, await ask(client, f"/reports/agm/2026/{fmt}"))
    link = re.search(r'href="(/renders/[0-9a-f-]+/file)" download>', done.text)
    assert link is not None, done.text
    return await client.get(link.group(1))


async def test_a_trustee_builds_the_years_pack_signed_and_downloads_each_format(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock, settings: Settings
) -> None:
    await a_year_at_the_coop(
        coop,
        clock,
        client.app.state["services"].pool,
        share_out=False,  # type: ignore[attr-defined]
    )
    generate_key(settings.audit_key_path, "testserver.local/coop")
    await signed_in_trustee(client, coop)
    assert 'href="/reports/agm">The AGM pack</a>' in (await client.get("/trustees")).text

    page = await client.get("/reports/agm", params={"year": "2026"})
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">AGM pack 2026</h1>' in page.text
    assert "Build and sign the pack for 2026" in page.text
    assert "/reports/agm/2026/pdf" not in page.text  # nothing to download until it is built
    assert (await client.get("/reports/agm/2026/pdf")).status_code == 404
    not_built = await post_form(client, "/reports/agm/2026/pdf", {})
    assert not_built.status_code == 404 and "has not been built yet" in not_built.text

    before = await checkpoints(client)
    built = await client.post("/reports/agm/2026/sign", data={"_csrf_token": await csrf(client)})
    assert built.status_code == 303 and built.headers["location"] == "/reports/agm?year=2026"
    assert await checkpoints(client) == before + 1
    page = await client.get("/reports/agm", params={"year": "2026"})
    text = page.text
    assert "This pack covers the financial year 2025 to 2026" in text
    assert rows_of(text, "Members by class") == [
        ["Users", "2", "3"],
        ["Carers", "1", "0"],
        ["PAs", "1", "3"],
    ]
    assert [r[0] for r in rows_of(text, "Members who joined")] == [
        "Dev Patel",
        "Siobhan Kelly",
        "Joseph Byrne",
    ]
    assert rows_of(text, "Money")[0][:5] == [
        "2025 to 2026",
        "£5,130.00",
        "£68.60",
        "£650.00",
        "£4,411.40",
    ]
    # Every chart has its title and description, and its data in the table beside it.
    charts = re.findall(r"<svg.*?</svg>", text, re.S)
    assert len(charts) == 4
    for chart in charts:
        assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    assert "Hours of care by PA, the year to 31 March 2026" in charts[2]
    assert re.search(r"coop signed checkpoint \d+ of the co-op", text), text[
        text.index("How to check") :
    ][:600]

    easy = text[text.index("The pack in Easy Read") :]
    assert 'alt="A person"' in easy and "3 people joined us." in easy
    for fmt, kind, name in [
        ("pdf", "application/pdf", "agm-pack-2026.pdf"),
        ("html", "text/html", "agm-pack-2026.html"),
        ("csv", "application/zip", "agm-pack-2026-tables.zip"),
        ("easy-read", "application/pdf", "agm-pack-2026-easy-read.pdf"),
    ]:
        if fmt in ("pdf", "easy-read"):  # the PDFs are made in the background
            assert (await client.get(f"/reports/agm/2026/{fmt}")).status_code == 404
            got = await made_in_the_background(client, fmt)
        else:
            got = await client.get(f"/reports/agm/2026/{fmt}")
        assert got.status_code == 200, (fmt, got.text[:200])
        assert got.headers["content-type"].startswith(kind), fmt
        assert f'filename="{name}"' in got.headers["content-disposition"]
    tables = await client.get("/reports/agm/2026/csv")
    assert "agm-2026/money.csv" in zipfile.ZipFile(io.BytesIO(tables.content)).namelist()
    assert (await client.get("/reports/agm/2026/docx")).status_code == 404


async def test_a_bad_year_or_a_year_with_nothing_in_it_is_refused_saying_why(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock, settings: Settings
) -> None:
    await a_year_at_the_coop(
        coop,
        clock,
        client.app.state["services"].pool,
        share_out=False,  # type: ignore[attr-defined]
    )
    generate_key(settings.audit_key_path, "testserver.local/coop")
    await signed_in_trustee(client, coop)
    for year, message in [
        ("26", "Enter the year as 4 figures, like 2026"),
        ("1999", "Enter a year from 2000 to 2026"),
        ("2031", "Enter a year from 2000 to 2026"),
        ("2019", "coop has nothing for 2019: choose a year the co-op was running"),
    ]:
        page = await client.get("/reports/agm", params={"year": year})
        assert page.status_code == 422, year
        assert "There is a problem" in page.text and message in page.text, year
        assert 'href="#year"' in page.text
    before = await checkpoints(client)
    refused = await client.post("/reports/agm/2019/sign", data={"_csrf_token": await csrf(client)})
    assert refused.status_code == 422 and "coop has nothing for 2019" in refused.text
    assert await checkpoints(client) == before  # nothing signed


async def test_without_the_signing_key_the_pack_is_not_built_and_the_page_says_why(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    await a_year_at_the_coop(
        coop,
        clock,
        client.app.state["services"].pool,
        share_out=False,  # type: ignore[attr-defined]
    )
    await signed_in_trustee(client, coop)
    refused = await client.post("/reports/agm/2026/sign", data={"_csrf_token": await csrf(client)})
    assert refused.status_code == 422
    assert "The pack could not be signed: no signing key" in refused.text
    assert 'href="#sign"' in refused.text
    assert await checkpoints(client) == 0


async def test_the_auditor_reads_and_downloads_the_pack_but_cannot_build_it(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock, settings: Settings
) -> None:
    await in_the_app(client, coop, clock)
    generate_key(settings.audit_key_path, "testserver.local/coop")
    s = client.app.state["services"]  # type: ignore[attr-defined]
    await sign_pack(
        s.pool,
        2026,
        key_path=settings.audit_key_path,
        secret_key=settings.secret_key,
        directory=settings.checkpoints_dir,
        now=clock.now(),
    )
    done = coop.open_account(
        name="Kofi Mensah",
        email="kofi@auditors.example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(Role.AUDITOR,),
    )
    await s.seen(done.position, "accounts")
    await sign_in(client, "kofi@auditors.example.org")
    page = await client.get("/reports/agm", params={"year": "2026"})
    assert page.status_code == 200 and "Only the trustees can build it." in page.text
    assert 'href="/reports/agm"' in page.text.split("<main")[0]  # in the auditor's menu
    assert "Build and sign" not in page.text.replace("Build and sign the pack</h2>", "")
    pdf = await made_in_the_background(client, "pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    refused = await client.post("/reports/agm/2026/sign", data={"_csrf_token": await csrf(client)})
    assert refused.status_code == 403
