"""The help page gives the office's contact details from the settings, and reads well
without them (it never sends people to "ask a trustee" they may not know)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from coop.config import Settings
from tests.conftest import SECRET


def text(response: httpx.Response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


async def test_without_contact_settings_the_help_page_says_where_to_find_them(client) -> None:
    page = text(await client.get("/help"))
    assert "are on the letters and emails the co-op sends you" in page
    assert "Ask a trustee" not in page and "Phone the co-op office" not in page


class TestWithTheOfficesContactDetails:
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return Settings(
            data_dir=tmp_path,
            secret_key=SECRET,
            db_pool_size=8,
            office_phone="0113 496 0000",
            office_email="office@mutualsupport.example",
            office_hours="Monday to Friday, 9am to 5pm",
        )

    async def test_the_help_page_gives_the_offices_phone_email_and_hours(self, client) -> None:
        response = await client.get("/help")
        assert 'href="tel:01134960000"' in response.text
        assert 'href="mailto:office@mutualsupport.example"' in response.text
        assert "Monday to Friday, 9am to 5pm" in text(response)
        assert "are on the letters and emails" not in text(response)
