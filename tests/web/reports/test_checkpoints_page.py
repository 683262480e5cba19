"""The public checkpoints page: anyone can take a signed checkpoint and the key to check it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from coop.application import Coop
from coop.clock import FixedClock
from coop.config import Settings
from coop.infra.audit_checkpoints import Verifier, generate_key, parse_note
from tests.infra.test_audit_chain import some_history
from tests.web.membership.test_applications import signed_in_trustee


async def test_before_the_key_is_made_the_page_says_so_and_offers_nothing(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/audit/checkpoints")
    assert page.status_code == 200
    assert "The co-op has not made its signing key yet" in page.text
    assert "There are no checkpoints yet." in page.text
    assert (await client.get("/audit/public-key.txt")).status_code == 404
    assert (await client.get("/audit/checkpoints/1")).status_code == 404


async def test_the_scheduler_publishes_a_signed_checkpoint_anyone_can_check(
    settings: Settings, coop: Coop, client: httpx.AsyncClient
) -> None:
    generate_key(settings.audit_key_path, "testserver.local/coop")
    some_history(coop)
    for _ in range(100):  # the scheduler ticks each second
        page = await client.get("/audit/checkpoints")
        if "Checkpoint 1" in page.text:
            break
        await asyncio.sleep(0.1)
    assert "Checkpoint 1" in page.text and "daily" in page.text
    assert "It covers the first 10 entries in the record." in page.text
    key = await client.get("/audit/public-key.txt")
    assert key.status_code == 200 and key.text.strip() in page.text
    note = await client.get("/audit/checkpoints/1")
    assert note.headers["content-type"].startswith("text/plain")
    assert 'filename="checkpoint-10.txt"' in note.headers["content-disposition"]
    checkpoint = parse_note(note.text)
    assert checkpoint.size == 10 and checkpoint.is_signed_by(Verifier.parse(key.text))
    assert (settings.checkpoints_dir / "latest.txt").read_text() == note.text


async def test_downloading_the_members_register_is_vouched_for_by_a_checkpoint(
    settings: Settings, coop: Coop, client: httpx.AsyncClient, clock: FixedClock
) -> None:
    generate_key(settings.audit_key_path, "testserver.local/coop")
    await signed_in_trustee(client, coop)
    for _ in range(100):  # the daily one first, for the log so far
        if "Checkpoint 1" in (await client.get("/audit/checkpoints")).text:
            break
        await asyncio.sleep(0.1)
    clock.advance(timedelta(minutes=1))
    download = await client.get("/register.csv")
    assert download.status_code == 200
    for _ in range(100):
        page = await client.get("/audit/checkpoints")
        if "Checkpoint 2" in page.text:
            break
        await asyncio.sleep(0.1)
    assert "because: members&#39; register exported." in page.text
