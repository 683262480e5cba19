"""Migrations: in order, once each, and a failing file changes nothing."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import asyncpg
import pytest

from coop.infra.migrate import MIGRATIONS_DIR, MigrationError, migrate


def applied(db_url: str) -> list[str]:
    async def read() -> list[str]:
        conn = await asyncpg.connect(db_url)
        try:
            return [
                r["name"]
                for r in await conn.fetch("SELECT name FROM schema_migrations ORDER BY version")
            ]
        finally:
            await conn.close()

    return asyncio.run(read())


def test_rerunning_migrations_is_a_no_op(db_url: str) -> None:
    before = applied(db_url)
    assert before == sorted(p.name for p in MIGRATIONS_DIR.glob("*.sql"))
    assert asyncio.run(migrate(db_url)) == []
    assert applied(db_url) == before


def test_a_failing_migration_rolls_back_and_names_its_file(db_url: str, tmp_path: Path) -> None:
    for path in MIGRATIONS_DIR.glob("*.sql"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "9998_add_notes.sql").write_text("CREATE TABLE visit_notes_draft (id int);")
    (tmp_path / "9999_broken.sql").write_text(
        "CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;"
    )
    with pytest.raises(MigrationError, match="9999_broken.sql failed"):
        asyncio.run(migrate(db_url, tmp_path))

    async def tables() -> set[str]:
        conn = await asyncpg.connect(db_url)
        try:
            return {
                r[0]
                for r in await conn.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            }
        finally:
            await conn.close()

    found = asyncio.run(tables())
    assert "visit_notes_draft" in found  # the good file before it stays applied
    assert "half_done" not in found  # nothing of the broken file remains
    assert "9999_broken.sql" not in applied(db_url)


def test_a_misnamed_migration_file_is_refused(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "add-stuff.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="named NNNN_name.sql"):
        asyncio.run(migrate(db_url, tmp_path))
