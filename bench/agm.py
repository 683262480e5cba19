"""`coop bench agm`: the AGM pack of a co-op with a year of ``--visits`` visits.

The year of visits is the care-reports benchmark's (200,000 by default, written
straight into the care read model of a scratch database). Times, the median of
``--repeats``: gathering the pack's figures from the read models, then the pack made
as each format from them (HTML, the CSV zip, PDF/UA, Easy Read), against counting the
year's visits (the least any report of them could do), measured in the same run. The
checkpoint a build signs is timed once: it reads the whole log (here nearly empty; see
`coop bench record` for a checkpoint of a large log).

Figures on a shared machine move with the neighbours' load: read the ratios.
Run: ``coop bench agm``.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.care_reports import YEAR, _a_year_of_visits, _median
from bench.common import print_header, scratch_database
from coop.infra.audit_checkpoints import Signer, make_checkpoint
from coop.infra.audit_seals import seal_key
from coop.projections.reports.agm import agm_figures, pack_signature, signing_reason
from coop.web.reports.agm_pack import FORMATS, pack, pack_bytes

THE_YEAR = YEAR.last.year


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header(f"agm (a year of {args.visits:,} visits)", url)
    with scratch_database(url, "agm") as db_url:
        return asyncio.run(_measure(db_url, args.visits, max(args.repeats, 1)))


async def _measure(db_url: str, visits: int, repeats: int) -> int:
    pool = await asyncpg.create_pool(db_url, min_size=1, max_size=2)
    try:
        started = time.perf_counter()
        await _a_year_of_visits(pool, visits)
        print(f"  {visits:,} visits written in {time.perf_counter() - started:,.1f} s", flush=True)
        first, end = YEAR.bounds()
        baseline = await _median(
            repeats,
            lambda: pool.fetchval(
                "SELECT count(*) FROM care_visits WHERE starts_at >= $1 AND starts_at < $2",
                first,
                end,
            ),
        )
        print(f"  {'counting the visits (baseline)':<30} {baseline * 1000:9,.1f} ms")
        started = time.perf_counter()
        async with pool.acquire() as conn:
            signer = Signer("bench.example/coop", Ed25519PrivateKey.generate())
            await make_checkpoint(
                conn, signer, seal_key("bench"), signing_reason(THE_YEAR), datetime.now(UTC)
            )
        print(f"  {'the signing checkpoint':<30} {(time.perf_counter() - started) * 1000:9,.1f} ms")
        signed = await pack_signature(pool, THE_YEAR)
        assert signed is not None
        gathering = await _median(repeats, lambda: agm_figures(pool, THE_YEAR))
        print(_line("the figures", gathering, baseline))
        figures = await agm_figures(pool, THE_YEAR)
        the_pack = pack(figures, signed, datetime.now(UTC))
        total = gathering
        for fmt in FORMATS:
            took = await _median(
                repeats, lambda fmt=fmt: asyncio.to_thread(pack_bytes, the_pack, fmt, "Bench Co-op")
            )
            total += took
            print(_line(f"the {fmt} file", took, baseline))
        print(_line("figures and every file", total, baseline))
        return 0
    finally:
        await pool.close()


def _line(what: str, took: float, baseline: float) -> str:
    return f"  {what:<30} {took * 1000:9,.1f} ms  ×{took / baseline:6.1f} the baseline"
