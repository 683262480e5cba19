"""The half of each destroyable key that never touches the database's files.

A key that must one day be destroyed for real (a person's, a secret ballot's
paper key) is made from two shares: one wrapped in ``subject_keys``, one in a
file of its own here. PostgreSQL cannot forget a value: an UPDATE leaves the old
row in the table's file until vacuum, and in the write-ahead log and its
archives. A file can be overwritten in place and unlinked, and then the share in
the database is useless. See docs/security.md ("Keys that can be destroyed").

Every process of a co-op must see the same directory (``COOP_KEY_DIR``), and it
must survive restarts: a share that is lost makes its subject read as erased.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast
from uuid import UUID


def _find_syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2): flushes one file system, not every one (os.sync)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return cast(Callable[[int], int], libc.syncfs)
    except (OSError, AttributeError):
        return None


_syncfs = _find_syncfs()


class KeyFileMissing(OSError):
    """A live key's file is not in the key directory (is COOP_KEY_DIR the right one?)."""

    def __init__(self, directory: Path, subject: UUID) -> None:
        super().__init__(
            f"The key file of {subject} is missing from {directory}, but its key was never"
            " destroyed. Check that COOP_KEY_DIR points at this co-op's key directory,"
            " the same one in every process, and restore it from its backup."
        )


class KeyFiles:
    """A directory of small files, one per key share, named by the key's subject."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, subject: UUID) -> Path:
        return self.directory / f"{subject}.key"

    def read(self, subject: UUID) -> bytes | None:
        """The stored share, or None if there is none (never made, or destroyed)."""
        try:
            return self._path(subject).read_bytes()
        except FileNotFoundError:
            return None

    def create(self, subject: UUID, data: bytes, *, durable: bool = True) -> bytes:
        """Store ``data`` as the subject's share, on disk before this returns (or, with
        ``durable=False``, at the next ``sync``: many new keys, one flush).

        If a share is already there (another process made it first), that one is
        kept and returned: every key made for the subject then uses it.
        """
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        final = self._path(subject)
        temporary = self.directory / f".{subject}.{os.getpid()}.{os.urandom(4).hex()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        try:
            # link, not rename: an existing share is never replaced.
            os.link(temporary, final)
        except FileExistsError:
            existing = self.read(subject)
            if existing is not None:
                return existing
            raise
        finally:
            temporary.unlink()
            if durable:
                self._sync_directory()
        return data

    def sync(self) -> None:
        """Make every share created so far durable: one flush of the key directory's
        file system (an fsync per file cost 4.5 ms here: 45 s for 10,000 new members)."""
        if not self.directory.is_dir():
            return
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            if _syncfs is None or _syncfs(fd) != 0:
                os.sync()
            os.fsync(fd)
        finally:
            os.close(fd)

    def destroy(self, subject: UUID) -> None:
        """Overwrite the share in place, then unlink it (nothing to do if it is gone)."""
        path = self._path(subject)
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return
        try:
            size = os.fstat(fd).st_size
            os.pwrite(fd, os.urandom(size), 0)
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        self._sync_directory()

    def subjects(self) -> Iterator[UUID]:
        """Every subject with a share here (for finishing interrupted destructions)."""
        if not self.directory.is_dir():
            return
        for entry in self.directory.iterdir():
            if entry.suffix == ".key" and not entry.name.startswith("."):
                with contextlib.suppress(ValueError):
                    yield UUID(entry.stem)

    def _sync_directory(self) -> None:
        """Make the directory's own change (a name added or removed) durable."""
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# The process's key directory, set once from the settings by each entry point
# (``coop`` commands, the web app); ``.coop/keys`` like the data directory's default.
_current = KeyFiles(Path(".coop") / "keys")


def use_key_dir(directory: Path) -> None:
    """Keep this process's key shares in ``directory`` (COOP_KEY_DIR)."""
    global _current
    _current = KeyFiles(directory)


def key_files() -> KeyFiles:
    """The process's key directory."""
    return _current
