"""Migrations: ``migrations/NNNN_name.sql`` applied in order, each once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    """A migration file failed; nothing of it was applied."""


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path


def pending_files(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration file, in order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), path))
    return found


async def migrate(url: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply the migrations not yet applied; return the names applied."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            # One migrator at a time, from the very first statement: several
            # processes may start together on a brand-new database.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('coop:migrate'))")
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
        applied: list[str] = []
        for migration in pending_files(directory):
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext('coop:migrate'))")
                done = await conn.fetchval(
                    "SELECT 1 FROM schema_migrations WHERE version = $1", migration.version
                )
                if done:
                    continue
                try:
                    await conn.execute(migration.path.read_text())
                except asyncpg.PostgresError as e:
                    raise MigrationError(f"{migration.path.name} failed: {e}") from e
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.path.name,
                )
                applied.append(migration.path.name)
        return applied
    finally:
        await conn.close()
