"""write: rendered bytes -> the output folder, safely.

The only module that touches the output folder. Everything is rendered
before it runs, each file is replaced atomically (temporary file, then
os.replace), files whose bytes did not change are left alone (their
modification time too), and only files a previous build listed in its
manifest are ever deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class UnsafeOutput(Exception):
    """The output folder or an output path would put files where they must not go."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int
    deleted: int


def check_output_dir(output: Path, content: Path, cwd: Path) -> None:
    """Refuse output folders whose cleaning or filling could destroy the user's files."""
    out, src = output.resolve(), content.resolve()
    forbidden = {Path("/"), Path.home().resolve(), cwd.resolve(), Path(cwd.resolve().anchor)}
    if out in forbidden:
        raise UnsafeOutput(f"refusing to write the site into {output}: choose a dedicated folder")
    if out == src or out in src.parents or src in out.parents:
        raise UnsafeOutput(f"the output folder {output} must not be, contain or be inside the content folder")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"the output {output} exists and is not a folder")


def check_relative(path: str) -> PurePosixPath:
    """Output paths are relative POSIX paths without '..' segments."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(part in ("..", ".", "") for part in pure.parts) or "\\" in path:
        raise UnsafeOutput(f"refusing to write outside the output folder: {path!r}")
    return pure


def write_site(files: Mapping[str, bytes], output: Path, manifest: Path) -> WriteReport:
    """Make `output` hold exactly `files` (plus files a user put there by hand and no manifest lists)."""
    root = output.resolve()
    targets = {path: root.joinpath(*check_relative(path).parts) for path in files}
    previous = _read_manifest(manifest)
    root.mkdir(parents=True, exist_ok=True)

    written = unchanged = 0
    for path in sorted(files):
        target = targets[path]
        if not target.parent.resolve().is_relative_to(root):
            raise UnsafeOutput(f"refusing to write through a link that leaves the output folder: {path}")
        data = files[path]
        if _same_bytes(target, data):
            unchanged += 1
            continue
        _replace_atomically(target, data)
        written += 1

    deleted = 0
    for path in sorted(set(previous) - set(files)):
        stale = root.joinpath(*check_relative(path).parts)
        if stale.parent.resolve().is_relative_to(root) and (stale.is_file() or stale.is_symlink()):
            stale.unlink()
            deleted += 1
            _remove_empty_parents(stale.parent, root)

    _write_manifest(manifest, files)
    return WriteReport(written=written, unchanged=unchanged, deleted=deleted)


def _same_bytes(target: Path, data: bytes) -> bool:
    try:
        return not target.is_symlink() and target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _replace_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".chronique-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _read_manifest(manifest: Path) -> dict[str, str]:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(path): str(digest) for path, digest in files.items()} if isinstance(files, dict) else {}


def _write_manifest(manifest: Path, files: Mapping[str, bytes]) -> None:
    digests = {path: hashlib.sha256(files[path]).hexdigest() for path in sorted(files)}
    manifest.parent.mkdir(parents=True, exist_ok=True)
    _replace_atomically(manifest, json.dumps({"files": digests}, indent=1).encode("utf-8"))
