"""Personal data, encrypted per person, erasable by destroying one key.

Any event field whose type is a ``Personal`` struct is sealed by the event
mapper with the data subject's own key (AES-GCM, the event's id, version and
field name as associated data). Destroying a subject's key erases their personal
data from every event at once: the events, and so the audit chain, stay exactly
as they were.

A subject key is made from two random shares, each wrapped by a master key
derived from COOP_SECRET_KEY: one in ``subject_keys``, one in a file of the key
directory (``coop.infra.key_files``). Destroying the key overwrites and unlinks
the file, so the share left in the database's files and WAL opens nothing. Keys
made before this (the key itself in ``subject_keys``) still open, as before.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from uuid import UUID

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from coop.infra.key_files import KeyFileMissing, KeyFiles, key_files

NONCE = 12
# What the database's wrapped value holds: the key itself (made before key files), or
# this marker and the database's share of a key made from two shares.
SHARED = b"\x02"


class Personal(msgspec.Struct, frozen=True, kw_only=True):
    """Base of personal data carried by events: sealed at rest, erasable."""


class Erased(msgspec.Struct, frozen=True):
    """What personal data reads as once its subject's key has been destroyed."""


ERASED = Erased()


def is_erased(value: object) -> bool:
    """True for personal data whose subject's key has been destroyed."""
    return isinstance(value, Erased)


class Sealed(msgspec.Struct, frozen=True, tag="sealed"):
    """Personal data as stored: nonce and ciphertext (base64 in JSON)."""

    data: bytes


def master_key(secret_key: str) -> bytes:
    """The key that wraps subject keys, derived from the app's secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"coop subject keys").derive(
        secret_key.encode()
    )


def _aad(subject: UUID, label: str) -> bytes:
    """Associated data: binds a ciphertext to its subject and its place."""
    return subject.bytes + label.encode()


def wrap(master: bytes, subject: UUID, key: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(master).encrypt(nonce, key, _aad(subject, "subject key"))


def unwrap(
    master: bytes | AESGCM, subject: UUID, wrapped: bytes, label: str = "subject key"
) -> bytes:
    cipher = master if isinstance(master, AESGCM) else AESGCM(master)
    return cipher.decrypt(wrapped[:NONCE], wrapped[NONCE:], _aad(subject, label))


def _file_share(master: bytes, subject: UUID, share: bytes) -> bytes:
    """A file share as stored: wrapped, so the key directory alone opens nothing."""
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(master).encrypt(nonce, share, _aad(subject, "subject key file"))


def combined_key(subject: UUID, database_share: bytes, file_share: bytes) -> bytes:
    """The subject's key: needs both shares, so destroying either destroys it."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"coop key|" + subject.bytes
    ).derive(database_share + file_share)


# A new subject's key, wrapped, to be stored with their first events.
NewKey = tuple[UUID, bytes]

# Looks up a subject's wrapped key: bytes, None once destroyed, or raises KeyError if none yet.
WrappedKeyLookup = Callable[[UUID], bytes | None]


class KeyRing:
    """Seals and opens personal data with subject keys.

    ``load`` finds a subject's wrapped key (KeyError: none yet; None: destroyed);
    ``create`` makes and stores one (only the write side creates keys). Keys are
    cached briefly, so a destroyed key stops working everywhere within ``ttl``.
    ``files`` holds the keys' file shares (the process's key directory by default).
    """

    def __init__(
        self,
        master: bytes,
        load: WrappedKeyLookup,
        create: Callable[[UUID, bytes], bytes | None] | None = None,
        ttl: float = 60.0,
        files: KeyFiles | None = None,
    ) -> None:
        self.master = master
        self._unwrapper = AESGCM(master)
        self._load = load
        self._create = create
        self._ttl = ttl
        self._files = files or key_files()
        self._cache: dict[UUID, tuple[float, AESGCM | None]] = {}
        # New subjects' keys, per thread, until the save that stores them takes them.
        self._new = threading.local()

    def _key(self, subject: UUID, *, create: bool) -> AESGCM | None:
        now = time.monotonic()
        cached = self._cache.get(subject)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        wrapped: bytes | None
        try:
            wrapped = self._load(subject)
        except KeyError:
            if not create or self._create is None:
                return None
            # Stores ours, or returns the key a racing writer stored first.
            wrapped = self._create(subject, self._made(subject)[1])
        key = self._opened(subject, wrapped)
        self._cache[subject] = (now, key)
        return key

    def _made(self, subject: UUID, *, durable: bool = True) -> tuple[bytes, bytes]:
        """A new key for ``subject`` and its database share, wrapped; its file share is
        on disk already (or the share another process put there first is used), or
        with ``durable=False`` will be once ``take_new_keys`` has flushed it."""
        database_share = os.urandom(32)
        stored = self._files.create(
            subject, _file_share(self.master, subject, os.urandom(32)), durable=durable
        )
        file_share = unwrap(self._unwrapper, subject, stored, "subject key file")
        return (
            combined_key(subject, database_share, file_share),
            wrap(self.master, subject, SHARED + database_share),
        )

    def _opened(self, subject: UUID, wrapped: bytes | None) -> AESGCM | None:
        """The key that ``wrapped`` (from ``subject_keys``) and its file make, if not destroyed."""
        if wrapped is None:
            return None
        inner = unwrap(self._unwrapper, subject, wrapped)
        if len(inner) == 32:
            return AESGCM(inner)  # a key made before key files: all of it is in the database
        stored = self._files.read(subject)
        if stored is None:
            # Destroyed since ``wrapped`` was read (the database goes first), or lost.
            if self._load(subject) is None:
                return None
            raise KeyFileMissing(self._files.directory, subject)
        file_share = unwrap(self._unwrapper, subject, stored, "subject key file")
        return AESGCM(combined_key(subject, inner[len(SHARED) :], file_share))

    def seal(self, subject: UUID, label: str, plaintext: bytes, *, new: bool = False) -> Sealed:
        """Seal ``plaintext`` for ``subject``.

        ``new``: this is the subject's first event, so make their key now; it is
        stored by the same statement as the event (see ``take_new_keys``).
        """
        key = AESGCM(self._new_key(subject)) if new else self._key(subject, create=True)
        if key is None:
            raise ErasedSubject(subject)
        nonce = os.urandom(NONCE)
        return Sealed(nonce + key.encrypt(nonce, plaintext, _aad(subject, label)))

    def _new_key(self, subject: UUID) -> bytes:
        pending: dict[UUID, tuple[bytes, bytes]] = self._new.__dict__.setdefault("keys", {})
        if subject not in pending:
            pending[subject] = self._made(subject, durable=False)
        return pending[subject][0]

    def take_new_keys(self) -> list[NewKey]:
        """The new subjects' wrapped keys sealed with in this thread since the last call."""
        pending: dict[UUID, tuple[bytes, bytes]] = self._new.__dict__.pop("keys", {})
        if pending:
            self._files.sync()  # their files on disk before the save that needs them
        return [(subject, wrapped) for subject, (_, wrapped) in pending.items()]

    def derive(self, subject: UUID, label: bytes) -> bytes | None:
        """A secret derived from ``subject``'s key (None once it is destroyed).

        One fixed encryption under the key: the same key and label always give
        the same 32 bytes, and without the key nobody can compute them.
        """
        key = self._key(subject, create=True)
        if key is None:
            return None
        return key.encrypt(b"\0" * NONCE, b"\0" * 32, b"derive|" + label)[:32]

    def forget(self, subject: UUID) -> None:
        """Stop using a cached key at once (it has just been destroyed)."""
        self._cache.pop(subject, None)

    def open(self, subject: UUID, label: str, sealed: Sealed) -> bytes | None:
        """The plaintext, or None if the subject's personal data has been erased."""
        key = self._key(subject, create=False)
        if key is None:
            return None
        data = sealed.data
        return key.decrypt(data[:NONCE], data[NONCE:], _aad(subject, label))


class ErasedSubject(Exception):
    """Personal data cannot be recorded for someone who has been erased."""

    def __init__(self, subject: UUID) -> None:
        super().__init__(
            f"The personal data of {subject} has been erased; nothing more can be recorded."
        )


def preloaded(
    master: bytes, wrapped: Mapping[UUID, bytes | None], files: KeyFiles | None = None
) -> KeyRing:
    """A read-only key ring over keys fetched in advance (a projection batch's)."""

    def load(subject: UUID) -> bytes | None:
        return wrapped[subject]

    return KeyRing(master, load, ttl=float("inf"), files=files)
