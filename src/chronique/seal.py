"""Sealed cache files: a build only ever loads cache files it wrote itself.

The cache holds pickles and Jinja's compiled templates, which run code when loaded; a file planted
in `.chronique-cache/` (shipped inside an archive, or written by another user) must not. Each file
is sealed with an HMAC-SHA256 of its name and bytes under a secret key of the user's, kept outside
every content, output and cache folder; a file whose seal does not verify is treated as absent.
A data-only format would not do: compiled templates are code whatever the format, and the articles
(tens of thousands of nested records) would need a serialiser of their own for each type.

When no key can be kept (no home folder, a read-only one, a key file that is not the user's own),
the cache is simply not kept across runs: nothing is read and nothing is written.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from .regularfile import opened_regular, read_regular_file
from .write import replace_file

KEY_BYTES = 32
_TAG_BYTES = hashlib.sha256().digest_size


def default_key_file() -> Path | None:
    """`$XDG_CACHE_HOME/chronique/key`, else `~/.cache/chronique/key`; None without a home folder."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):  # the XDG spec: a relative value is ignored
        return Path(base) / "chronique" / "key"
    try:
        return Path.home() / ".cache" / "chronique" / "key"
    except RuntimeError:
        return None


class Seal:
    """Reads and writes cache files sealed under one key (None: the cache is off)."""

    def __init__(self, key: bytes | None) -> None:
        self._key = key

    @classmethod
    def from_key_file(cls, key_file: Path | None) -> Seal:
        """The seal of the key kept in `key_file`, which is made (mode 0600) when missing."""
        return cls(_kept_key(key_file) if key_file is not None else None)

    @property
    def active(self) -> bool:
        return self._key is not None

    def write(self, path: Path, data: bytes) -> None:
        """Replace `path` with `data` and its seal; nothing when the cache is off."""
        if self._key is not None:
            replace_file(path, self._tag(path, data) + data)

    def read(self, path: Path) -> bytes | None:
        """The bytes `write` stored at `path`; None when missing, unreadable or not sealed by this key."""
        if self._key is None:
            return None
        try:
            sealed = read_regular_file(path)
        except (OSError, ValueError):
            return None
        tag, data = sealed[:_TAG_BYTES], sealed[_TAG_BYTES:]
        return data if hmac.compare_digest(tag, self._tag(path, data)) else None

    def _tag(self, path: Path, data: bytes) -> bytes:
        """Covers the file's name too, so that one sealed file cannot stand in for another."""
        assert self._key is not None
        mac = hmac.new(self._key, path.name.encode("utf-8", "surrogateescape") + b"\0", hashlib.sha256)
        mac.update(data)
        return mac.digest()


def _kept_key(key_file: Path) -> bytes | None:
    try:
        return _read_key(key_file)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=key_file.parent, prefix=".key-")  # mode 0600
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(secrets.token_bytes(KEY_BYTES))
            os.link(temporary, key_file)  # atomic, and never replaces a key another build made meanwhile
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
        return _read_key(key_file)
    except OSError:
        return None


def _read_key(key_file: Path) -> bytes | None:
    """The key, only from a regular file of the user's own that no one else may read or write."""
    with opened_regular(key_file) as (stream, status):
        if status.st_mode & 0o077 or status.st_uid != os.getuid():
            return None
        key = stream.read(KEY_BYTES + 1)
    return key if len(key) == KEY_BYTES else None
