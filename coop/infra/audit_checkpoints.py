"""Signed checkpoints of the log: size, root, head and time, in a signed note.

A checkpoint is a few lines of plain text (the C2SP tlog-checkpoint shape):

    <origin>
    <size: how many events>
    <base64 of the Merkle root over their links (coop/infra/merkle.py)>
    head <hex of the last event's link>
    last <the last event's notification id>
    time <when, UTC, RFC 3339>
    reason <why it was made: daily, ballot counted, …>

followed by a blank line and one signature line per signer (the signed-note
format): ``— <name> <base64(key id ‖ Ed25519 signature of the text)>``, where
the key id is the first 4 bytes of SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key).
The co-op signs with a key kept outside the database (``coop audit keygen``);
an auditor can add a line of their own (``coop audit cosign``).

Whoever holds a checkpoint can later prove that the log still extends it: the
first ``size`` links still have that root and that head.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import asyncpg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from coop.infra.audit_chain import (
    GENESIS,
    ChainCheck,
    ChainedEvent,
    Verdict,
    events_in,
    link,
    stream,
    to_json_line,
)
from coop.infra.audit_tree import KEPT_FROM, differing_subtrees, frontier_at, keep, stored_path
from coop.infra.merkle import TreeBuilder, audit_path, root_from_path

ED25519 = b"\x01"  # the signed-note algorithm byte for Ed25519
DASH = "\u2014"


class CheckpointError(ValueError):
    """A checkpoint that cannot be read, or whose signature does not hold."""


# Keys ------------------------------------------------------------------------


@dataclass(frozen=True)
class Verifier:
    """A signer's public key and name, as written ``name+keyid+base64(0x01 ‖ key)``."""

    name: str
    key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n" + ED25519 + self.raw).digest()[:4]

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(ED25519 + self.raw).decode()}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        try:
            name, key_id, encoded = text.strip().split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as e:
            raise CheckpointError(
                f"not a public key: expected NAME+KEYID+KEY, as `coop audit keygen` prints ({e})"
            ) from None
        if raw[:1] != ED25519 or len(raw) != 33:
            raise CheckpointError("not an Ed25519 public key")
        verifier = cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
        if verifier.key_id.hex() != key_id:
            raise CheckpointError("the public key's id does not match its name and key")
        return verifier


@dataclass(frozen=True)
class Signer:
    name: str
    key: Ed25519PrivateKey

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key.public_key())

    def sign(self, text: str) -> str:
        """The signature line for ``text``."""
        signature = self.key.sign(text.encode())
        blob = base64.b64encode(self.verifier.key_id + signature).decode()
        return f"{DASH} {self.name} {blob}\n"


def generate_key(path: Path, name: str) -> Signer:
    """A new signing key, written to ``path`` (readable by its owner only); never overwrites."""
    if path.exists():
        raise CheckpointError(f"{path} exists already: move it away first (it may be in use)")
    if not name or "+" in name or any(c.isspace() for c in name):
        raise CheckpointError(f"a signer's name has no spaces or '+' in it, unlike {name!r}")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(pem + f"# name: {name}\n".encode())
    signer = Signer(name, key)
    path.with_name(path.name + ".pub").write_text(f"{signer.verifier}\n")
    return signer


def load_signer(path: Path) -> Signer:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(
            f"no signing key at {path}: make one with `coop audit keygen`"
        ) from None
    pem, _, comment = data.partition(b"# name: ")
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 key")
    return Signer(comment.decode().strip() or "coop", key)


# Notes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    head: bytes
    last: int
    time: datetime
    reason: str
    signatures: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """The signed text (everything above the blank line)."""
        return (
            f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"
            f"head {self.head.hex()}\nlast {self.last}\n"
            f"time {self.time.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
            f"reason {self.reason}\n"
        )

    @property
    def note(self) -> str:
        return self.text + "\n" + "".join(self.signatures)

    def signed_by(self, signer: Signer) -> Checkpoint:
        line = signer.sign(self.text)
        return Checkpoint(**{**self.__dict__, "signatures": (*self.signatures, line)})

    def is_signed_by(self, verifier: Verifier) -> bool:
        for line in self.signatures:
            name, _, blob = line.removeprefix(f"{DASH} ").strip().rpartition(" ")
            try:
                raw = base64.b64decode(blob, validate=True)
            except ValueError:
                continue
            if name != verifier.name or raw[:4] != verifier.key_id:
                continue
            try:
                verifier.key.verify(raw[4:], self.text.encode())
            except InvalidSignature:
                return False
            return True
        return False


def parse_note(note: str) -> Checkpoint:
    """A checkpoint from its note; CheckpointError saying what is wrong."""
    text, sep, signatures = note.partition("\n\n")
    lines = text.split("\n")
    if not sep or len(lines) != 7:
        raise CheckpointError(
            "not a coop checkpoint: expected 7 lines of text, a blank line, then signatures"
        )
    try:
        extra = dict(line.split(" ", 1) for line in lines[3:])
        checkpoint = Checkpoint(
            origin=lines[0],
            size=int(lines[1]),
            root=base64.b64decode(lines[2], validate=True),
            head=bytes.fromhex(extra["head"]),
            last=int(extra["last"]),
            time=datetime.strptime(extra["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
            reason=extra["reason"],
            signatures=tuple(
                line + "\n" for line in signatures.split("\n") if line.startswith(DASH)
            ),
        )
    except (ValueError, KeyError) as e:
        raise CheckpointError(f"not a coop checkpoint: a line cannot be read ({e})") from None
    if checkpoint.text != text + "\n" or len(checkpoint.root) != 32 or len(checkpoint.head) != 32:
        raise CheckpointError("not a coop checkpoint: its lines are not in coop's exact form")
    if not checkpoint.signatures:
        raise CheckpointError("the checkpoint has no signature")
    return checkpoint


def read_checkpoint(path: Path, verifier: Verifier) -> Checkpoint:
    """The checkpoint in ``path``, which must carry ``verifier``'s valid signature."""
    checkpoint = parse_note(path.read_text(encoding="utf-8"))
    if checkpoint.origin != verifier.name:
        raise CheckpointError(
            f"the checkpoint is of another log ({checkpoint.origin}), not {verifier.name}"
        )
    if not checkpoint.is_signed_by(verifier):
        raise CheckpointError(
            f"the checkpoint is not signed by {verifier.name} with key {verifier.key_id.hex()}: "
            "signed by another key, or altered since"
        )
    return checkpoint


# The log against a checkpoint ---------------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where a log stands: its size, the root of its links, the last link and event."""

    size: int
    root: bytes
    head: bytes
    last: int


class Survey:
    """One pass over the log: the chain and seals checked, and the tree over the links.

    ``upto``: the position after that many events is kept too (to compare
    with a checkpoint of that size), and the tree goes no further.
    ``since``: a checkpoint coop signed and the subtrees of its tree
    (audit_tree.frontier_at), to go on from there rather than from the start.
    The subtrees of 256 leaves and up that the pass completes are kept in
    ``tree.completed``.
    """

    def __init__(
        self,
        seal_key: bytes | None,
        upto: int | None = None,
        since: tuple[Checkpoint, Sequence[bytes]] | None = None,
    ) -> None:
        if since is None:
            self.check = ChainCheck(seal_key)
            self.tree = TreeBuilder(KEPT_FROM)
            self._head, self._last = bytes(32), 0
        else:
            start, frontier = since
            self.check = ChainCheck(seal_key, start.head, start.last, start.size)
            self.tree = TreeBuilder(KEPT_FROM, start.size, frontier)
            self._head, self._last = start.head, start.last
        self.upto = upto
        self.at_upto: Position | None = None
        self.broken: Verdict | None = None

    def add(self, event: ChainedEvent) -> bool:
        """Take the next event; False once the chain breaks (stop there)."""
        return self.add_all((event,))

    def add_all(self, events: Sequence[ChainedEvent]) -> bool:
        """Take the next events; False once the chain breaks (stop there)."""
        before = self.check.count
        self.broken = self.check.add_all(events)
        # The tree takes the events the chain took, up to the checkpoint's size.
        for event in events[: self.check.count - before]:
            if self.at_upto is not None:
                break
            assert event.link is not None
            self.tree.add(event.link, event.notification_id)
            self._head, self._last = event.link, event.notification_id
            if self.tree.size == self.upto:
                self.at_upto = self.position()
        return self.broken is None

    @property
    def after(self) -> int:
        """The notification id the pass goes on from."""
        return self._last

    def finish(self) -> Verdict:
        return self.broken or self.check.verdict()

    def position(self) -> Position:
        return Position(self.tree.size, self.tree.root(), self._head, self._last)


def checkpoint_at(position: Position, origin: str, reason: str, now: datetime) -> Checkpoint:
    return Checkpoint(
        origin, position.size, position.root, position.head, position.last, now, reason
    )


def divergence(checkpoint: Checkpoint, survey: Survey) -> str | None:
    """None if the log (its first checkpoint.size events) is the one checkpointed; else where not."""
    present = survey.at_upto or survey.position()
    if checkpoint.size == 0:
        return None
    if survey.at_upto is None and survey.broken is not None:
        return (
            f"the log breaks at notification id {survey.broken.broken_at}, before it reaches "
            f"the checkpoint's {checkpoint.size} events"
        )
    if present.size < checkpoint.size:
        return (
            f"the log has {present.size} events but the checkpoint covers {checkpoint.size}: "
            f"events after {present.last} have been removed"
        )
    if present.last != checkpoint.last:
        return (
            f"the checkpoint's last event was {checkpoint.last}, but event {checkpoint.size} "
            f"of the log is now {present.last}: events up to it were added or removed"
        )
    if present.head != checkpoint.head:
        return (
            f"event {checkpoint.last} has a different link from the one checkpointed: "
            f"it or an event before it was changed"
        )
    if present.root != checkpoint.root:
        return "the links of the first events are not those checkpointed: the chain was rewritten"
    return None


# Inclusion --------------------------------------------------------------------


async def prove_inclusion(
    conn: asyncpg.Connection, notification_id: int, checkpoint: Checkpoint
) -> str:
    """Event ``notification_id``'s entry with its audit path in ``checkpoint``'s tree (JSON).

    From the stored subtrees when they lead to the checkpoint's signed root (a few
    hundred links read), else from every link the checkpoint covers.
    """
    event = await anext(events_in(conn, batch=1, after=notification_id - 1), None)
    if (
        event is None
        or event.notification_id != notification_id
        or notification_id > checkpoint.last
    ):
        raise CheckpointError(
            f"event {notification_id} is not among the first {checkpoint.size} events"
        )
    found = await stored_path(
        conn, notification_id, checkpoint.size, checkpoint.last, checkpoint.root
    )
    if found is None:
        rows = await conn.fetch(
            "SELECT notification_id, link FROM audit_chain ORDER BY notification_id LIMIT $1",
            checkpoint.size,
        )
        ids = [r["notification_id"] for r in rows]
        if notification_id not in ids:
            raise CheckpointError(
                f"event {notification_id} is not among the first {checkpoint.size} events"
            )
        index = ids.index(notification_id)
        found = index, audit_path(index, [bytes(r["link"]) for r in rows])
    previous = await conn.fetchval(
        "SELECT link FROM audit_chain WHERE notification_id = $1", event.previous_id
    )
    return proof_json(
        event, GENESIS if previous is None else bytes(previous), *found, checkpoint.size
    )


def proof_from_links(event: ChainedEvent, index: int, links: Sequence[bytes], size: int) -> str:
    """``event``, the ``index``-th of the log, with its audit path among ``links`` (the first
    ``size`` links), for a caller holding only the links."""
    previous = links[index - 1] if index else GENESIS
    return proof_json(event, previous, index, audit_path(index, links), size)


def proof_json(
    event: ChainedEvent, previous: bytes, index: int, path: Sequence[bytes], size: int
) -> str:
    """What `coop audit prove` writes: the entry, the link before it, and its audit path."""
    return json.dumps(
        {
            "entry": json.loads(to_json_line(event)),
            "previous_link": previous.hex(),
            "index": index,
            "size": size,
            "path": [h.hex() for h in path],
        },
        indent=1,
    )


def check_inclusion(proof_text: str, checkpoint: Checkpoint) -> ChainedEvent:
    """The event a proof shows to be in the checkpointed log; CheckpointError if it does not."""
    try:
        proof = json.loads(proof_text)
        entry = proof["entry"]
        event = ChainedEvent(
            notification_id=int(entry["notification_id"]),
            originator_id=UUID(entry["originator_id"]),
            originator_version=int(entry["originator_version"]),
            topic=str(entry["topic"]),
            state=base64.b64decode(entry["state"]),
            link=bytes.fromhex(entry["link"]),
            previous_id=entry["previous_id"],
        )
        previous = bytes.fromhex(proof["previous_link"])
        path = [bytes.fromhex(h) for h in proof["path"]]
        index, size = int(proof["index"]), int(proof["size"])
    except (ValueError, KeyError, TypeError) as e:
        raise CheckpointError(f"not an inclusion proof made by `coop audit prove` ({e})") from None
    if link(previous, event) != event.link:
        raise CheckpointError("the entry's link does not match its contents")
    if size != checkpoint.size:
        raise CheckpointError(
            f"the proof is for a log of {size} events, the checkpoint is of {checkpoint.size}"
        )
    assert event.link is not None
    if root_from_path(index, size, event.link, path) != checkpoint.root:
        raise CheckpointError(
            f"event {event.notification_id} is not in the checkpointed log: the path does not "
            "lead to its root"
        )
    return event


async def record_checkpoint(conn: asyncpg.Connection, checkpoint: Checkpoint) -> int:
    """Keep the checkpoint (for the public page); its number there."""
    return await conn.fetchval(  # type: ignore[no-any-return]
        "INSERT INTO audit_checkpoints (size, made_at, reason, note) VALUES ($1, $2, $3, $4)"
        " RETURNING id",
        checkpoint.size,
        checkpoint.time,
        checkpoint.reason,
        checkpoint.note,
    )


async def survey_database(
    conn: asyncpg.Connection,
    seal_key: bytes | None,
    upto: int | None = None,
    since: tuple[Checkpoint, Sequence[bytes]] | None = None,
) -> Survey:
    """The live log surveyed: its chain and seals checked, its tree built (from ``since``)."""
    survey = Survey(seal_key, upto, since)
    async with aclosing(stream(conn, after=survey.after)) as batches:
        async for events in batches:
            if not survey.add_all(events):
                break
    return survey


async def last_signed(conn: asyncpg.Connection, verifier: Verifier) -> Checkpoint | None:
    """The newest recorded checkpoint that carries ``verifier``'s valid signature."""
    for (note,) in await conn.fetch("SELECT note FROM audit_checkpoints ORDER BY id DESC LIMIT 20"):
        try:
            checkpoint = parse_note(note)
        except CheckpointError:
            continue
        if checkpoint.origin == verifier.name and checkpoint.is_signed_by(verifier):
            return checkpoint
    return None


async def survey_since_last(
    conn: asyncpg.Connection, verifier: Verifier, seal_key: bytes
) -> Survey:
    """The log surveyed from coop's last checkpoint on, or from the start if there is
    none, or if the stored subtrees do not give its signed root."""
    last = await last_signed(conn, verifier)
    if last is not None:
        await still_there(conn, last)
        frontier = await frontier_at(conn, last.size, last.last, last.root)
        if frontier is not None:
            return await survey_database(conn, seal_key, since=(last, frontier))
    return await survey_database(conn, seal_key)


async def still_there(conn: asyncpg.Connection, checkpoint: Checkpoint) -> None:
    """CheckpointError unless the checkpoint's last event is in the log with its link.

    The log after it may only grow: cut back, it would otherwise look like a log
    with nothing new since.
    """
    event = await anext(events_in(conn, batch=1, after=checkpoint.last - 1), None)
    previous = await conn.fetchval(
        "SELECT link FROM audit_chain WHERE notification_id = $1",
        None if event is None else event.previous_id,
    )
    if (
        event is None
        or event.notification_id != checkpoint.last
        or event.link != checkpoint.head
        or link(GENESIS if previous is None else bytes(previous), event) != checkpoint.head
    ):
        raise CheckpointError(
            f"no checkpoint made: event {checkpoint.last}, the last of the checkpoint of "
            f"{checkpoint.size} events made {checkpoint.time:%Y-%m-%d %H:%M} UTC, is no longer "
            "in the log as it was (removed or changed): check with `coop audit verify "
            "--checkpoint`"
        )


async def make_checkpoint(
    conn: asyncpg.Connection,
    signer: Signer,
    seal_key: bytes,
    reason: str,
    now: datetime,
    directory: Path | None = None,
    *,
    full: bool = False,
) -> Checkpoint:
    """Sign a checkpoint of the log as it stands, if it verifies; record and publish it.

    Never of a broken log: a checkpoint would then vouch for the tampering. The
    events since coop's last checkpoint are verified; those before it are
    covered by it (its signed root, which the stored subtrees must give), unless
    ``full``: then the whole log is, as `coop audit verify` does.
    """
    if full:
        survey = await survey_database(conn, seal_key)
    else:
        survey = await survey_since_last(conn, signer.verifier, seal_key)
    verdict = survey.finish()
    if not verdict.ok:
        raise CheckpointError(
            f"no checkpoint made: the log is broken at notification id {verdict.broken_at} "
            f"({verdict.reason})"
        )
    await keep(conn, survey.tree.completed)
    checkpoint = checkpoint_at(survey.position(), signer.name, reason, now).signed_by(signer)
    number = await record_checkpoint(conn, checkpoint)
    if directory is not None:
        await asyncio.to_thread(publish, checkpoint, number, directory)
    return checkpoint


async def verify_against(
    conn: asyncpg.Connection, seal_key: bytes | None, checkpoint: Checkpoint
) -> tuple[Survey, list[str]]:
    """The whole live log verified from scratch and compared with ``checkpoint``
    (``divergence``), and the stored subtrees it covers that differ from it, named."""
    survey = await survey_database(conn, seal_key, checkpoint.size)
    return survey, await differing_subtrees(conn, survey.tree.completed)


def publish(checkpoint: Checkpoint, number: int, directory: Path) -> Path:
    """The checkpoint as a file of its own (named by its number on the page), and as ``latest``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"checkpoint-{number}.txt"
    path.write_text(checkpoint.note, encoding="utf-8")
    (directory / "latest.txt").write_text(checkpoint.note, encoding="utf-8")
    return path
