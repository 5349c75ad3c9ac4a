"""write: rendered bytes -> the output folder, safely.

The only module that touches the output folder. It runs once everything is
rendered, in two phases: first every changed file is written beside its
target as a temporary file (an interruption here removes them and leaves the
site exactly as it was); then the temporaries are renamed over their targets
and stale files deleted, with Ctrl-C held back until the renames are done.
Files whose bytes did not change are not touched (their modification time
neither), and only files that a previous build listed in its manifest are
ever deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .model import Problem


class UnsafeOutput(Exception):
    """The output folder or an output path would put files where they must not go."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int
    deleted: int
    written_paths: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the manifest remembers of a file it wrote: what it came from, and enough to notice a hand edit."""

    digest: str
    size: int
    mtime_ns: int
    fingerprint: str = ""
    """The inputs the file was rendered from (see `fingerprint`); empty for copied assets."""


Manifest = dict[str, FileRecord]


@dataclass(frozen=True, slots=True)
class BuiltFrom:
    """What the build that wrote a manifest was made from (a digest of its inputs, see `uptodate`),
    and what it reported of them: a rebuild from the same inputs reports the same."""

    inputs: str
    articles: int
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()


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


def up_to_date(output: Path, manifest: Manifest, path: str, fingerprint: str) -> bool:
    """Whether the file at `path` was rendered from `fingerprint` and is still there as it was written."""
    record = manifest.get(path)
    if record is None or record.fingerprint != fingerprint:
        return False
    try:
        # Manifest paths were checked when written; os.stat on the joined string is ten times pathlib's cost.
        stat = os.stat(os.path.join(output, path))
    except OSError:
        return False
    return stat.st_size == record.size and stat.st_mtime_ns == record.mtime_ns


def write_site(
    files: Mapping[str, bytes],
    keep: Mapping[str, FileRecord],
    output: Path,
    manifest: Path,
    fingerprints: Mapping[str, str],
    previous: Manifest | None = None,
    built_from: BuiltFrom | None = None,
) -> WriteReport:
    """Make `output` hold exactly `files` plus the `keep` files already there from a previous build.

    `fingerprints` are recorded in the manifest beside each file, and `built_from` with them;
    `previous` is the manifest as the caller already read it (read here when not given). Files a
    user put there by hand and no manifest lists are left alone.
    """
    root = output.resolve()
    targets = {path: _target(root, path) for path in files}
    previous = read_manifest(manifest)[0] if previous is None else previous
    changed = {path: data for path, data in files.items() if not _same_bytes(targets[path], data)}
    stale = sorted(set(previous) - set(files) - set(keep))

    root.mkdir(parents=True, exist_ok=True)
    staged: dict[str, Path] = {}
    try:
        for path in sorted(changed):
            staged[path] = _stage(targets[path], changed[path])
    except BaseException:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        raise

    records = {path: keep[path] for path in keep}
    with _interrupts_deferred():
        for path, temporary in staged.items():
            os.replace(temporary, targets[path])
        deleted = sum(_delete(root, path) for path in stale)
        for path, data in files.items():
            stat = targets[path].stat()
            records[path] = FileRecord(
                hashlib.sha256(data).hexdigest(), stat.st_size, stat.st_mtime_ns, fingerprints.get(path, "")
            )
        _write_manifest(manifest, records, built_from)
    return WriteReport(
        written=len(changed), unchanged=len(files) - len(changed) + len(keep), deleted=deleted,
        written_paths=tuple(sorted(changed)),
    )


def _target(root: Path, path: str) -> Path:
    target = root.joinpath(*check_relative(path).parts)
    parent = target.parent
    while not parent.exists() and parent != root:
        parent = parent.parent
    if not parent.resolve().is_relative_to(root):
        raise UnsafeOutput(f"refusing to write through a link that leaves the output folder: {path}")
    return target


def _same_bytes(target: Path, data: bytes) -> bool:
    try:
        return not target.is_symlink() and target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _stage(target: Path, data: bytes) -> Path:
    """Write `data` to a temporary file beside `target`, ready to be renamed over it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".chronique-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def replace_file(path: Path, data: bytes) -> None:
    """Write a whole file so that readers see either its old or its new bytes, never a part."""
    os.replace(_stage(path, data), path)


def _delete(root: Path, path: str) -> bool:
    stale = root.joinpath(*check_relative(path).parts)
    if not stale.parent.resolve().is_relative_to(root) or not (stale.is_file() or stale.is_symlink()):
        return False
    stale.unlink()
    folder = stale.parent
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
    return True


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back during the renames: a half-renamed site is the one state never to leave."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def read_manifest(manifest: Path) -> tuple[Manifest, BuiltFrom | None]:
    """The files a previous build wrote, and what it was built from; nothing when missing or damaged."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        files = {str(path): FileRecord(*record) for path, record in data["files"].items()}
        built = data.get("built_from")
        if built is None:
            return files, None
        problems, warnings = (
            tuple(Problem(Path(path), line, message) for path, line, message in built.get(key, ()))
            for key in ("problems", "warnings")
        )
        return files, BuiltFrom(str(built["inputs"]), int(built["articles"]), problems, warnings)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, None


def _write_manifest(manifest: Path, records: Mapping[str, FileRecord], built_from: BuiltFrom | None) -> None:
    data: dict[str, object] = {
        "files": {path: [r.digest, r.size, r.mtime_ns, r.fingerprint] for path, r in sorted(records.items())}
    }
    if built_from is not None:
        data["built_from"] = {
            "inputs": built_from.inputs,
            "articles": built_from.articles,
            "problems": [[str(problem.path), problem.line, problem.message] for problem in built_from.problems],
            "warnings": [[str(problem.path), problem.line, problem.message] for problem in built_from.warnings],
        }
    # No indent: json then runs its C encoder, ten times faster on a large site's manifest.
    replace_file(manifest, json.dumps(data, separators=(",", ":")).encode("utf-8"))
