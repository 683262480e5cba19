"""The ``coop`` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, uuid5

import asyncpg

from coop.config import Settings, SettingsError

if TYPE_CHECKING:
    from coop.web.services import Services


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse the command line and run one command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
    except SettingsError as e:
        print(f"coop: {e}", file=sys.stderr)
        return 2
    from coop.infra.key_files import use_key_dir

    use_key_dir(settings.keys)
    try:
        code: int = args.run(settings, args)
    except SettingsError as e:
        print(f"coop: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except (OSError, asyncpg.PostgresError, ValueError, KeyError) as e:
        print(f"coop: {e}", file=sys.stderr)
        return 1
    return code


@contextlib.contextmanager
def _database(settings: Settings) -> Iterator[str]:
    from coop.infra.db import database

    with database(settings.database_url, settings.data_dir) as url:
        yield url


def _serve(settings: Settings, url: str, banner: Callable[[], None] | None = None) -> None:
    import uvicorn

    from coop.web.app import create_app

    # uvloop and httptools: the event loop and HTTP parser in C, not Python.
    # No access log: a line per request cost as much as routing it (the TLS
    # proxy in front logs requests).
    fast = {"loop": "uvloop", "http": "httptools", "access_log": False, "proxy_headers": True}
    # uvicorn re-raises SIGTERM after its graceful shutdown; make that an exit
    # that unwinds, so the embedded PostgreSQL is stopped on the way out.
    signal.signal(signal.SIGTERM, _exit_quietly)
    if settings.web_processes > 1:
        # Each process builds its own app from the environment (uvicorn starts
        # them afresh), so hand on what this one worked out: the database
        # (perhaps the embedded one) and the secret (perhaps generated).
        os.environ["DATABASE_URL"] = url
        os.environ["COOP_SECRET_KEY"] = settings.secret_key
        os.environ["COOP_KEY_DIR"] = str(settings.keys.resolve())
        if banner:
            banner()
        uvicorn.run(
            "coop.web.app:app_from_env",
            factory=True,
            workers=settings.web_processes,
            host=settings.host,
            port=settings.port,
            log_level="info",
            **fast,  # type: ignore[arg-type]
        )
        return
    app = create_app(settings, url)
    if banner:
        app.on_startup.append(lambda: banner())
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", **fast)  # type: ignore[arg-type]


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    settings = settings.with_secret()
    with _database(settings) as url:
        _serve(settings, url)
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from coop.application import Coop
    from coop.demo.story import TRUSTEE_EMAIL, build_demo
    from coop.infra.db import eventsourcing_env
    from coop.infra.migrate import migrate

    settings = settings.with_secret()
    with _database(settings) as url:
        asyncio.run(migrate(url))
        coop = Coop(eventsourcing_env(url, pool_size=2), secret_key=settings.secret_key)
        try:
            password = build_demo(coop)
        finally:
            coop.close()
        signing_key = _demo_signing_key(settings)

        url_shown = f"http://{settings.host}:{settings.port}/"

        def banner(state: str = f"is running at {url_shown}") -> None:
            print(
                "\n"
                f"  The coop demo co-op {state}\n"
                f"  Sign in as the demo trustee: {TRUSTEE_EMAIL}\n"
                f"  Password (new each time you run the demo): {password}\n"
                f"  Checkpoints and the AGM pack are signed with the demo's key: {signing_key}\n",
                flush=True,
            )

        if args.no_serve:
            banner(f"is ready: `coop serve` shows it at {url_shown}")
            return 0
        _serve(settings, url, banner)
    return 0


def _demo_signing_key(settings: Settings) -> Path:
    """The demo's own key for signing checkpoints, made the first time: so that its
    trustees can build the AGM pack and its record shows signed checkpoints. (A real
    co-op makes its key with `coop audit keygen` and keeps it off the database server.)"""
    from coop.infra.audit_checkpoints import generate_key

    path = settings.audit_key_path
    if not path.exists():
        generate_key(path, _log_name(settings))
    return path


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.audit_seals import SEALS_MIGRATION, start_sealing
    from coop.infra.migrate import MigrationError, migrate

    with _database(settings) as url:
        try:
            applied = asyncio.run(migrate(url))
        except MigrationError as e:
            print(f"coop migrate: {e}", file=sys.stderr)
            return 1
        if SEALS_MIGRATION in applied:
            if settings.secret_key:
                asyncio.run(start_sealing(url, settings.secret_key, applied))
            else:
                print(
                    "Seals need COOP_SECRET_KEY: run `coop audit seal-history` with it set, "
                    "before coop writes anything, to seal the log as it stands.",
                    file=sys.stderr,
                )
    print(
        "Applied: " + ", ".join(applied)
        if applied
        else "Nothing to apply: the database is up to date."
    )
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.audit_seals import start_sealing
    from coop.infra.mail.sender import run_sender
    from coop.infra.migrate import migrate
    from coop.infra.sealing import master_key
    from coop.projections.runner import Worker
    from coop.web.renders.runner import run_renders

    settings = settings.with_secret()  # personal data is sealed with keys it unlocks

    async def work(url: str) -> None:
        applied = await migrate(url)
        await start_sealing(url, settings.secret_key, applied)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        print("coop worker: keeping projections up to date (Ctrl-C to stop)", flush=True)
        async with _scheduling(settings, url, stop) as (scheduler, s):
            print("coop worker: opening and closing ballots on time", flush=True)
            print("coop worker: making long documents in the background", flush=True)
            tasks = [
                Worker(url, master_key(settings.secret_key)).run(stop),
                scheduler,
                run_renders(settings, url, s.pool, s.clock, stop),
            ]
            if settings.smtp_configured:
                print(f"coop worker: sending mail through {settings.smtp_host}", flush=True)
                tasks.append(run_sender(url, s.pool, settings, s.clock, stop))
            await asyncio.gather(*tasks)

    with _database(settings) as url:
        asyncio.run(work(url))
    return 0


@contextlib.asynccontextmanager
async def _scheduling(
    settings: Settings, url: str, stop: asyncio.Event
) -> AsyncIterator[tuple[Coroutine[Any, Any, None], Services]]:
    """The ballot scheduler with what it needs: commands, a read pool and a waiter.

    The worker runs it too, so ballots open and close on time even when every web
    process runs with COOP_RUN_WORKER=false (two schedulers at once are safe).
    """
    import anyio
    import anyio.to_thread

    from coop.application import Coop
    from coop.clock import SystemClock
    from coop.infra.db import create_pool, eventsourcing_env
    from coop.projections.waiting import ProjectionWaiter
    from coop.scheduler import run_scheduler
    from coop.web.services import Services

    clock = SystemClock()
    pool = await create_pool(url, min_size=1, max_size=4)
    coop = await anyio.to_thread.run_sync(
        lambda: Coop(
            eventsourcing_env(url, pool_size=4), secret_key=settings.secret_key, clock=clock
        )
    )
    waiter = ProjectionWaiter(url, pool)
    await waiter.start()
    s = Services(settings, url, coop, pool, waiter, clock, anyio.CapacityLimiter(4))
    try:
        yield run_scheduler(s, stop), s
    finally:
        await waiter.stop()
        await pool.close()
        await anyio.to_thread.run_sync(coop.close)


def cmd_audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.audit_chain import Verdict, events_from_export, verify, verify_database
    from coop.infra.audit_checkpoints import CheckpointError
    from coop.infra.audit_seals import seal_key

    # The seals need the app's secret; an auditor without it checks the chain
    # (and the checkpoints) only, and is told so.
    key = seal_key(settings.secret_key) if settings.secret_key else None
    if args.checkpoint:
        try:
            return _verify_against_checkpoint(settings, args, key)
        except CheckpointError as e:
            print(f"coop audit verify: {e}", file=sys.stderr)
            return 2

    async def live(url: str) -> Verdict:
        conn = await asyncpg.connect(url)
        try:
            return await verify_database(conn, key)
        finally:
            await conn.close()

    try:
        if args.file:
            verdict = verify(events_from_export(Path(args.file)), key)
        else:
            with _database(settings) as url:
                verdict = asyncio.run(live(url))
    except (OSError, ValueError, KeyError, TypeError, asyncpg.PostgresError) as e:
        # Could not check at all: not the same as a broken chain.
        print(f"coop audit verify: could not check the chain: {e!r}", file=sys.stderr)
        return 2
    return _report(verdict)


def _report(verdict: Any) -> int:
    if verdict.ok:
        print(f"Audit chain intact: {verdict.count} events, head {verdict.head.hex()}")
        print(_seals_checked(verdict))
        return 0
    print(
        f"Audit chain BROKEN at notification id {verdict.broken_at}: {verdict.reason}. "
        f"The {verdict.count} events before it verify (head {verdict.head.hex()}).",
        file=sys.stderr,
    )
    return 1


def _verify_against_checkpoint(
    settings: Settings, args: argparse.Namespace, key: bytes | None
) -> int:
    """The log (live, or an export) checked, then compared with a signed checkpoint."""
    from coop.infra.audit_chain import events_from_export
    from coop.infra.audit_checkpoints import (
        CheckpointError,
        Survey,
        divergence,
        verify_against,
    )

    checkpoint = _signed_checkpoint(settings, args)

    async def live(url: str) -> tuple[Survey, list[str]]:
        conn = await asyncpg.connect(url)
        try:
            return await verify_against(conn, key, checkpoint)
        finally:
            await conn.close()

    try:
        altered: list[str] = []
        if args.file:
            survey = Survey(key, checkpoint.size)
            for event in events_from_export(Path(args.file)):
                if not survey.add(event):
                    break
        else:
            with _database(settings) as url:
                survey, altered = asyncio.run(live(url))
    except (OSError, ValueError, KeyError, TypeError, asyncpg.PostgresError) as e:
        raise CheckpointError(f"could not check the chain: {e!r}") from None
    code = _report(survey.finish())
    where = divergence(checkpoint, survey)
    what = (
        f"the checkpoint of {checkpoint.size} events made {checkpoint.time:%Y-%m-%d %H:%M} UTC "
        f"({checkpoint.reason}), signed by {checkpoint.origin}"
    )
    for subtree in altered:
        # Not the log: coop's own stored hashes, which it never trusts unchecked.
        print(
            f"Warning: {subtree} was altered in the database (coop recomputes it; "
            "it is never trusted without a signed root)",
            file=sys.stderr,
        )
    if where is None:
        print(f"The log extends {what}.")
        return code
    print(f"The log DIVERGES from {what}: {where}.", file=sys.stderr)
    return 1


def _signed_checkpoint(settings: Settings, args: argparse.Namespace) -> Any:
    """The checkpoint file named, checked against the co-op's key and any cosigners'."""
    from coop.infra.audit_checkpoints import CheckpointError, Verifier, read_checkpoint

    checkpoint = read_checkpoint(Path(args.checkpoint), _verifier(settings, args.public_key))
    for text in args.cosigner or ():
        cosigner = Verifier.parse(_key_text(text))
        if not checkpoint.is_signed_by(cosigner):
            raise CheckpointError(f"the checkpoint is not cosigned by {cosigner.name}")
    return checkpoint


def _key_text(text: str) -> str:
    """A public key given on the command line, or the file holding it."""
    path = Path(text)
    return path.read_text(encoding="utf-8") if path.is_file() else text


def _verifier(settings: Settings, public_key: str | None) -> Any:
    """The co-op's public key: as given, else from its signing key's files."""
    from coop.infra.audit_checkpoints import CheckpointError, Verifier, load_signer

    if public_key:
        return Verifier.parse(_key_text(public_key))
    published = settings.audit_key_path.with_name(settings.audit_key_path.name + ".pub")
    if published.is_file():
        return Verifier.parse(published.read_text(encoding="utf-8"))
    if settings.audit_key_path.is_file():
        return load_signer(settings.audit_key_path).verifier
    raise CheckpointError(
        "no public key to check the checkpoint with: give --public-key (the co-op publishes it "
        "on its checkpoints page)"
    )


def cmd_audit_seal_history(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.audit_seals import seal_history_now

    settings = settings.with_secret()
    with _database(settings) as url:
        sealed = asyncio.run(seal_history_now(url, settings.secret_key))
    if sealed is None:
        print("coop audit seal-history: the log is sealed already (or empty)", file=sys.stderr)
        return 1
    print(f"Sealed the log as it stands: events up to {sealed}, through a history seal.")
    return 0


def cmd_audit_keygen(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.audit_checkpoints import generate_key

    path = Path(args.key) if args.key else settings.audit_key_path
    name = args.name or _log_name(settings)
    signer = generate_key(path, name)
    print(f"Signing key for {name} written to {path}. Keep it safe and off the database server.")
    print(f"Public key (also in {path}.pub): {signer.verifier}")
    return 0


def _log_name(settings: Settings) -> str:
    from urllib.parse import urlsplit

    return f"{urlsplit(settings.link('/')).netloc}/coop"


def cmd_audit_checkpoint(settings: Settings, args: argparse.Namespace) -> int:
    from coop.clock import SystemClock
    from coop.infra.audit_checkpoints import load_signer, make_checkpoint
    from coop.infra.audit_seals import seal_key

    settings = settings.with_secret()
    signer = load_signer(settings.audit_key_path)

    async def make(url: str) -> Any:
        conn = await asyncpg.connect(url)
        try:
            return await make_checkpoint(
                conn,
                signer,
                seal_key(settings.secret_key),
                args.reason,
                SystemClock().now(),
                settings.checkpoints_dir,
                full=args.full,
            )
        finally:
            await conn.close()

    with _database(settings) as url:
        checkpoint = asyncio.run(make(url))
    print(checkpoint.note, end="")
    return 0


def cmd_audit_rotate_key(settings: Settings, args: argparse.Namespace) -> int:
    """A new signing key, the change on record, and checkpoints that join old and new.

    The last checkpoint signed with the old key covers the event that names the
    new key; the first signed with the new key covers the same log.
    """
    from coop.application import Coop
    from coop.clock import SystemClock
    from coop.infra.audit_checkpoints import generate_key, load_signer, make_checkpoint
    from coop.infra.audit_seals import seal_key
    from coop.infra.db import eventsourcing_env
    from coop.infra.migrate import migrate

    settings = settings.with_secret()
    path = settings.audit_key_path
    old = load_signer(path)
    now = SystemClock().now()
    fresh = path.with_name(f"{path.name}.new")
    new = generate_key(fresh, old.name)
    retired = path.with_name(f"{path.name}.retired-{now:%Y%m%dT%H%M%SZ}")

    async def checkpoint(url: str, signer: Any, reason: str) -> Any:
        conn = await asyncpg.connect(url)
        try:
            return await make_checkpoint(
                conn, signer, seal_key(settings.secret_key), reason, now, settings.checkpoints_dir
            )
        finally:
            await conn.close()

    with _database(settings) as url:
        asyncio.run(migrate(url))
        coop = Coop(eventsourcing_env(url, pool_size=2), secret_key=settings.secret_key)
        try:
            coop.record_key_rotation(str(old.verifier), str(new.verifier), reason=args.reason)
        finally:
            coop.close()
        last_old = asyncio.run(checkpoint(url, old, f"signing key changed: {args.reason}"))
        path.rename(retired)
        path.with_name(path.name + ".pub").rename(retired.with_name(retired.name + ".pub"))
        fresh.rename(path)
        fresh.with_name(fresh.name + ".pub").rename(path.with_name(path.name + ".pub"))
        asyncio.run(checkpoint(url, new, "first with the new signing key"))
    print(f"The old key is kept at {retired} (its public key in {retired}.pub).")
    print(f"New public key (in {path}.pub): {new.verifier}")
    print(
        f"The change is on record; the last checkpoint with the old key covers {last_old.size} events."
    )
    return 0


def cmd_audit_prove(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.audit_checkpoints import CheckpointError, prove_inclusion

    try:
        checkpoint = _signed_checkpoint(settings, args)
    except CheckpointError as e:
        print(f"coop audit prove: {e}", file=sys.stderr)
        return 2

    async def prove(url: str) -> str:
        conn = await asyncpg.connect(url)
        try:
            return await prove_inclusion(conn, args.event, checkpoint)
        finally:
            await conn.close()

    with _database(settings) as url:
        try:
            proof = asyncio.run(prove(url))
        except CheckpointError as e:
            print(f"coop audit prove: {e}", file=sys.stderr)
            return 1
    print(proof)
    return 0


def cmd_audit_check_inclusion(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.audit_checkpoints import CheckpointError, check_inclusion

    try:
        checkpoint = _signed_checkpoint(settings, args)
        event = check_inclusion(Path(args.proof).read_text(encoding="utf-8"), checkpoint)
    except CheckpointError as e:
        print(f"coop audit check-inclusion: {e}", file=sys.stderr)
        return 1
    print(
        f"Event {event.notification_id} ({event.topic}) is in the log of {checkpoint.size} "
        f"events checkpointed {checkpoint.time:%Y-%m-%d %H:%M} UTC, signed by {checkpoint.origin}."
    )
    return 0


def cmd_audit_cosign(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.audit_checkpoints import load_signer, parse_note

    path = Path(args.checkpoint)
    checkpoint = parse_note(path.read_text(encoding="utf-8"))
    cosigner = load_signer(Path(args.key))
    cosigned = checkpoint.signed_by(cosigner)
    path.write_text(cosigned.note, encoding="utf-8")
    print(f"Cosigned by {cosigner.name}: {path}")
    return 0


def _seals_checked(verdict: Any) -> str:
    if not verdict.sealed:
        return "Seals not checked (COOP_SECRET_KEY not set): the chain is consistent, not proved coop's."
    if verdict.history_at is not None:
        return (
            f"Every event sealed by coop (events up to {verdict.history_at}, from before "
            "sealing began, through its history seal)."
        )
    return "Every event sealed by coop."


def cmd_audit_export(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.audit_chain import events_in, to_json_line

    async def export(url: str) -> int:
        conn = await asyncpg.connect(url)
        count = 0
        try:
            with Path(args.file).open("w", encoding="utf-8") as out:
                async for event in events_in(conn):
                    out.write(to_json_line(event) + "\n")
                    count += 1
        finally:
            await conn.close()
        return count

    with _database(settings) as url:
        count = asyncio.run(export(url))
    print(f"Exported {count} events with their links to {args.file}")
    return 0


def cmd_add_trustee(settings: Settings, args: argparse.Namespace) -> int:
    import secrets

    from coop.application import Coop
    from coop.domain.accounts import Role
    from coop.domain.errors import CoopError
    from coop.infra.db import eventsourcing_env
    from coop.infra.migrate import migrate
    from coop.web.accounts.passwords import hash_password
    from coop.web.forms import check_new_account

    checked = check_new_account({"name": args.name, "email": args.email})
    if not checked.ok:
        print("coop: " + "; ".join(checked.errors.values()), file=sys.stderr)
        return 2
    settings = settings.with_secret()
    password = secrets.token_urlsafe(12)
    with _database(settings) as url:
        asyncio.run(migrate(url))
        coop = Coop(eventsourcing_env(url, pool_size=2), secret_key=settings.secret_key)
        try:
            coop.open_account(
                name=checked.values["name"],
                email=checked.values["email"],
                password_hash=hash_password(password),
                roles=(Role.MEMBER, Role.TRUSTEE),
            )
        except CoopError as e:
            print(f"coop: {e}", file=sys.stderr)
            return 1
        finally:
            coop.close()
    print(
        f"Trustee account opened for {checked.values['name']} <{checked.values['email']}>.\nPassword (give it to them privately): {password}"
    )
    return 0


# Who imports at the command line: not a person with an account, so a fixed id
# that the governance record can name ("the command line").
COMMAND_LINE = uuid5(NAMESPACE_URL, "coop:command-line")


def cmd_import_members(settings: Settings, args: argparse.Namespace) -> int:
    from coop.application import Coop
    from coop.clock import SystemClock, today
    from coop.domain.errors import CoopError
    from coop.domain.membership.csv_register import (
        MAX_BYTES,
        described,
        read_members_csv,
        source,
        too_big,
    )
    from coop.infra.db import eventsourcing_env
    from coop.infra.migrate import migrate

    path = Path(args.file)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)  # no more: a huge file is refused, not read
        size = path.stat().st_size
    except OSError as e:
        print(f"coop import-members: cannot read {path}: {e.strerror or e}", file=sys.stderr)
        return 2
    records, problems = read_members_csv(data, today=today(SystemClock()))
    if size > MAX_BYTES:
        problems = [too_big(size)]
    if problems:
        for problem in problems:
            print(described(problem), file=sys.stderr)
        if all(p.line == 0 for p in problems):
            return 2  # the file could not be read as a CSV file at all
        print(
            f"Nothing was imported: fix the {_plural(len(problems), 'problem')} above"
            " in the spreadsheet and run this again.",
            file=sys.stderr,
        )
        return 1
    settings = settings.with_secret()
    with _database(settings) as url:
        asyncio.run(migrate(url))
        coop = Coop(eventsourcing_env(url, pool_size=2), secret_key=settings.secret_key)
        try:
            if args.dry_run:
                report = coop.check_import(records)
            else:
                report = coop.import_members(
                    records, source=source(path.name, data), by=COMMAND_LINE
                )
        except CoopError as e:
            print(f"coop import-members: {e}", file=sys.stderr)
            return 1
        finally:
            coop.close()
    if report.problems:
        for problem in report.problems:
            print(described(problem), file=sys.stderr)
        print(
            f"Nothing was imported: fix the {_plural(len(report.problems), 'problem')} above.",
            file=sys.stderr,
        )
        return 1
    verb = "Would import" if args.dry_run else "Imported"
    print(f"{verb} {_plural(report.imported, 'member')}; {report.already_there} already in coop")
    return 0


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def cmd_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    from coop.infra.migrate import migrate
    from coop.infra.sealing import master_key
    from coop.projections.runner import by_name, rebuild

    settings = settings.with_secret()
    projection = by_name(args.name)

    async def run(url: str) -> int:
        await migrate(url)
        conn = await asyncpg.connect(url)
        try:
            return await rebuild(conn, projection, master_key(settings.secret_key))
        finally:
            await conn.close()

    with _database(settings) as url:
        count = asyncio.run(run(url))
    print(f"Rebuilt {projection.name} from {count} events and swapped it in.")
    return 0


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    from bench import run_benchmark

    with _database(settings) as url:
        return run_benchmark(args.which, url, settings, args)


def cmd_count(settings: Settings, args: argparse.Namespace) -> int:
    from coop.domain.counting.recount import (
        MalformedFile,
        RecountError,
        recount_mes,
        recount_stv,
    )

    path = Path(args.file)
    try:
        data = path.read_bytes()
        if args.method == "stv":
            reserved = dict(_reservation(r) for r in args.reserved)
            print(
                recount_stv(data, path.name, as_json=args.json, seed=args.seed, reserved=reserved)
            )
        else:
            print(recount_mes(data, path.name, as_json=args.json))
    except OSError as e:
        print(f"coop count: cannot read {args.file}: {e.strerror or e}", file=sys.stderr)
        return 1
    except (MalformedFile, RecountError) as e:
        print(f"coop count: {args.file}: {e}", file=sys.stderr)
        return 1
    return 0


def _reservation(text: str) -> tuple[str, int]:
    member_class, _, seats = text.partition("=")
    if not member_class or not seats.isdigit():
        raise ValueError(f"--reserved takes CLASS=SEATS, e.g. pa=1, not {text!r}")
    return member_class, int(seats)


def cmd_report_agm(settings: Settings, args: argparse.Namespace) -> int:
    """The AGM pack for a year, signed by a checkpoint made now, written to a file."""
    from coop.clock import SystemClock, today
    from coop.infra.audit_checkpoints import CheckpointError
    from coop.infra.db import create_pool
    from coop.projections.reports.agm import NoDataForYear
    from coop.web.reports.agm import year_problem
    from coop.web.reports.agm_pack import build_agm_pack, file_name, sign_pack

    settings = settings.with_secret()
    clock = SystemClock()
    problem = year_problem(args.year.strip(), today(clock).year)
    if problem:
        print(f"coop report agm: {problem} (not {args.year!r})", file=sys.stderr)
        return 2
    year = int(args.year)
    out = args.out or file_name(year, args.format)

    async def build(url: str) -> bytes:
        pool = await create_pool(url, min_size=1, max_size=2)
        try:
            return await build_agm_pack(
                pool,
                year,
                args.format,
                signature=lambda: sign_pack(
                    pool,
                    year,
                    key_path=settings.audit_key_path,
                    secret_key=settings.secret_key,
                    directory=settings.checkpoints_dir,
                    now=clock.now(),
                ),
                coop_name=settings.coop_name,
                generated_at=clock.now(),
                progress=_progress_bar,
            )
        finally:
            await pool.close()

    try:
        with _database(settings) as url:
            body = asyncio.run(build(url))
    except (NoDataForYear, CheckpointError) as e:
        print(f"\ncoop report agm: {e}", file=sys.stderr)  # under the progress bar
        return 1
    if out == "-":
        sys.stdout.buffer.write(body)
    else:
        Path(out).write_bytes(body)
        print(f"Wrote the AGM pack for {year} ({args.format}, {len(body):,} bytes) to {out}.")
    return 0


def _progress_bar(done: int, steps: int, what: str) -> None:
    """A bar on stderr, drawn over itself, ending its line when the work is done."""
    width = 30
    filled = width * done // steps
    end = "\n" if done == steps else ""
    bar = "#" * filled + "." * (width - filled)
    print(f"\r[{bar}] {done}/{steps} {what:<40}", end=end, file=sys.stderr, flush=True)


def _checkpoint_arguments(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument("--checkpoint", required=required, help="a signed checkpoint file")
    parser.add_argument(
        "--public-key", help="the co-op's public key, or its file (default: the signing key's)"
    )
    parser.add_argument(
        "--cosigner",
        action="append",
        help="a cosigner's public key (or file) that must have signed",
    )


def _parser() -> argparse.ArgumentParser:
    from bench import BENCHMARKS  # a table only: each benchmark's module loads when run

    p = argparse.ArgumentParser(
        prog="coop", description="Membership and governance for user-led care co-ops."
    )
    sub = p.add_subparsers(title="commands")
    sub.add_parser("serve", help="run the web app").set_defaults(run=cmd_serve)
    demo = sub.add_parser("demo", help="build the demo co-op (once) and run the web app")
    demo.add_argument(
        "--no-serve", action="store_true", help="build the demo and print the sign-in, then exit"
    )
    demo.set_defaults(run=cmd_demo)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
    sub.add_parser("worker", help="keep projections up to date").set_defaults(run=cmd_worker)
    audit = sub.add_parser("audit", help="the tamper-evident audit chain").add_subparsers(
        title="audit commands"
    )
    verify = audit.add_parser(
        "verify", help="recompute the chain; exit 1 naming the first broken event"
    )
    verify.add_argument("--file", help="verify an export file instead of the live database")
    _checkpoint_arguments(verify, required=False)
    verify.set_defaults(run=cmd_audit_verify)
    keygen = audit.add_parser("keygen", help="make the key that signs checkpoints")
    keygen.add_argument("--key", help="where to write it (default: COOP_AUDIT_KEY)")
    keygen.add_argument("--name", help="the signer's name (default: the site's, then /coop)")
    keygen.set_defaults(run=cmd_audit_keygen)
    checkpoint = audit.add_parser("checkpoint", help="sign a checkpoint of the log now")
    checkpoint.add_argument("--reason", default="on request", help="why it is made")
    checkpoint.add_argument(
        "--full",
        action="store_true",
        help="verify the whole log first, not only the events since the last checkpoint",
    )
    checkpoint.set_defaults(run=cmd_audit_checkpoint)
    prove = audit.add_parser("prove", help="an event's audit path in a checkpoint (JSON)")
    prove.add_argument("event", type=int, help="the event's notification id")
    _checkpoint_arguments(prove)
    prove.set_defaults(run=cmd_audit_prove)
    inclusion = audit.add_parser(
        "check-inclusion", help="check an audit path against a checkpoint, offline"
    )
    inclusion.add_argument("proof", help="the file `coop audit prove` wrote")
    _checkpoint_arguments(inclusion)
    inclusion.set_defaults(run=cmd_audit_check_inclusion)
    history = audit.add_parser(
        "seal-history", help="seal a log from before seals, once (see docs/audit-chain.md)"
    )
    history.set_defaults(run=cmd_audit_seal_history)
    rotate = audit.add_parser(
        "rotate-key", help="change the signing key, on record (the old one is kept, retired)"
    )
    rotate.add_argument("--reason", required=True, help="why, for the record")
    rotate.set_defaults(run=cmd_audit_rotate_key)
    cosign = audit.add_parser("cosign", help="add a second signer's signature to a checkpoint")
    cosign.add_argument("checkpoint")
    cosign.add_argument("--key", required=True, help="the cosigner's key (from keygen --key)")
    cosign.set_defaults(run=cmd_audit_cosign)
    export = audit.add_parser("export", help="write every event and its link to a file")
    export.add_argument("file")
    export.set_defaults(run=cmd_audit_export)
    report = sub.add_parser("report", help="reports for the trustees").add_subparsers(
        title="reports"
    )
    agm = report.add_parser("agm", help="the AGM pack for a year, signed by a new checkpoint")
    agm.add_argument("--year", required=True, help="the year, e.g. 2026 (its financial year)")
    agm.add_argument(
        "--format",
        default="pdf",
        # agm_pack.FORMATS, written out: importing it here would load WeasyPrint for every
        # command.
        choices=["html", "pdf", "csv", "easy-read"],
        help="pdf by default",
    )
    agm.add_argument("--out", help="the file to write (default: agm-pack-YEAR.pdf …; - for stdout)")
    agm.set_defaults(run=cmd_report_agm)
    accounts = sub.add_parser("accounts", help="sign-in accounts").add_subparsers(
        title="account commands"
    )
    trustee = accounts.add_parser(
        "add-trustee", help="open a trustee's account; prints a generated password"
    )
    trustee.add_argument("name")
    trustee.add_argument("email")
    trustee.set_defaults(run=cmd_add_trustee)
    imp = sub.add_parser(
        "import-members",
        help="import members from the old register (a CSV file); exit 1 listing every problem",
    )
    imp.add_argument("file", help="a CSV UTF-8 file; see docs/importing.md for its columns")
    imp.add_argument(
        "--dry-run", action="store_true", help="check the file against coop; import nothing"
    )
    imp.set_defaults(run=cmd_import_members)
    proj = sub.add_parser("projections", help="read models").add_subparsers(
        title="projection commands"
    )
    rb = proj.add_parser("rebuild", help="replay a projection into fresh tables and swap them in")
    rb.add_argument("name")
    rb.set_defaults(run=cmd_rebuild)
    count = sub.add_parser(
        "count", help="recount a ballot file: STV from BLT, Equal Shares from pabulib"
    )
    count.add_argument("method", choices=["stv", "mes"], help="stv (a .blt file) or mes (.pb)")
    count.add_argument("file")
    count.add_argument("--json", action="store_true", help="print the result as JSON")
    count.add_argument("--seed", default="", help="stv: the lot's seed (coop uses the ballot id)")
    count.add_argument(
        "--reserved",
        action="append",
        default=[],
        metavar="CLASS=SEATS",
        help="stv: seats reserved for a class, named in brackets after each candidate",
    )
    count.set_defaults(run=cmd_count)
    bench = sub.add_parser("bench", help="benchmarks (not tests): print medians and ratios")
    bench.add_argument("which", choices=list(BENCHMARKS))
    bench.add_argument(
        "--voters", type=int, default=300, help="members voting in `faults` and `mes`"
    )
    bench.add_argument("--repeats", type=int, default=3)
    bench.add_argument(
        "--events", type=int, help="events for `project` (100,000) and `audit` (2,000,000)"
    )
    bench.add_argument("--visits", type=int, default=200_000, help="visits for `money`")
    bench.add_argument(
        "--rows",
        type=int,
        default=10_000,
        help="members for `import` and `record`; electors for `vote`",
    )
    bench.add_argument(
        "--processes",
        type=int,
        default=2,  # as docker-compose.yml runs them
        help="web replicas for `vote`, each a `coop serve` on a port of its own (2, as deployed)",
    )
    bench.add_argument(
        "--seconds",
        type=float,
        default=3.0,
        help="seconds per `append` measurement and per `vote` baseline",
    )
    bench.add_argument(
        "--load-seconds", type=float, default=30.0, help="seconds of booking per `care` run"
    )
    bench.add_argument(
        "--pabulib", type=Path, default=None, help="pabulib's pb_files folder, for `mes`"
    )
    bench.add_argument(
        "--oracle-seconds",
        type=int,
        default=600,
        help="longest wait for a unit-by-unit count in `mes`",
    )
    bench.set_defaults(run=cmd_bench)
    return p


if __name__ == "__main__":
    sys.exit(main())
