"""write: rendered bytes -> the output folder, safely.

The only module that touches the output folder, in two phases (`Staging`):
first, as render and the search index make them, every changed file is written
beside its target as a temporary file (an error or interruption here removes
them and leaves the site exactly as it was); then the temporaries are renamed
over their targets and stale files deleted, with Ctrl-C held back until the
renames are done.
Files whose bytes did not change are not touched (their modification time
neither), and only files that a previous build listed in its manifest are
ever deleted.

A build killed while staging (kill -9, a power cut) cannot remove its
temporary files: the folders it stages into are listed beforehand in a marker
file at the top of the output, locked while the build runs, and the next build
removes the temporaries of every marker whose lock no live build holds.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import posixpath
import re
import secrets
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar

from .model import Problem
from .regularfile import read_regular_file

V = TypeVar("V")


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


def file_digest(data: bytes) -> str:
    """What `FileRecord.digest` holds of a file's bytes: `chronique check` compares it to tell a hand edit."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class BuiltFrom:
    """What the build that wrote a manifest was made from (a digest of its inputs, see `uptodate`),
    and what it reported of them: a rebuild from the same inputs reports the same."""

    inputs: str
    articles: int
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    held_back: int = 0
    """Articles dated after the build's time, left out."""
    release: str = ""
    """The instant (ISO 8601) the first of them falls due: from then on, the same inputs make another site."""
    drafts: int = 0
    """Drafts left out."""


def check_output_dir(
    output: Path,
    content: Path,
    cwd: Path,
    theme_dirs: Sequence[Path],
    cache: Path,
    manifest: Path,
    force: bool = False,
) -> None:
    """Refuse output folders whose cleaning or filling could destroy the user's files: the content,
    theme (`theme_dirs`) or cache folder, one inside or around them, and, unless `force`, a folder
    that holds files but no Chronique site (recognised by `manifest`, its record in the cache, or
    by the generator tag of its index.html, which outlives a deleted cache)."""
    out, src = output.resolve(), content.resolve()
    forbidden = {Path("/"), Path.home().resolve(), cwd.resolve(), Path(cwd.resolve().anchor)}
    if out in forbidden:
        raise UnsafeOutput(f"refusing to write the site into {output}: choose a dedicated folder")
    kept = [(src, "the content folder"), (cache.resolve(), "the cache folder")]
    kept += [(folder.resolve(), "the theme folder") for folder in theme_dirs]
    for folder, what in kept:
        if out == folder or out in folder.parents or folder in out.parents:
            raise UnsafeOutput(f"the output folder {output} must not be, contain or be inside {what} {folder}")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"the output {output} exists and is not a folder")
    if not force and out.is_dir() and not _holds_a_site(out, manifest):
        raise UnsafeOutput(
            f"the output folder {output} holds files but no Chronique site: "
            "name a new or empty folder, or pass --force to write into it"
        )


# What the index.html of a Chronique site says of its maker (templates/base.html).
_GENERATOR = re.compile(rb"""<meta\s+name=["']?generator["']?\s+content=["']?Chronique\b""", re.IGNORECASE)


def _holds_a_site(folder: Path, manifest: Path) -> bool:
    """Whether `folder` is empty (but for an interrupted build's files) or holds a Chronique site."""
    try:
        with os.scandir(folder) as entries:
            if all(_STAGED.fullmatch(entry.name) or entry.name.startswith(_MARKER) for entry in entries):
                return True
    except OSError:
        return False
    return manifest.is_file() or bool(_GENERATOR.search(_head(folder / "index.html", 65536)))


def _head(path: Path, size: int) -> bytes:
    """The first `size` bytes of a regular file; nothing from anything else."""
    try:
        return read_regular_file(path, size)
    except OSError:
        return b""


def check_relative(path: str) -> PurePosixPath:
    """Output paths are relative POSIX paths without '..' segments."""
    pure = PurePosixPath(path)
    if (
        pure.is_absolute()
        or not pure.parts
        or any(part in ("..", ".", "") for part in pure.parts)
        or "\\" in path
        or "\0" in path
    ):
        raise UnsafeOutput(f"refusing to write outside the output folder: {path!r}")
    return pure


# An output path as builds make them ("2024/10/slug.html"): segments neither empty nor "." nor "..",
# without backslash or NUL; what `check_relative` accepts of it, told by one match.
_PLAIN_PATH = re.compile(r"(?!\.\.?(?:/|$))[^/\\\0]+(?:/(?!\.\.?(?:/|$))[^/\\\0]+)*")


def _relative_parts(path: str) -> list[str]:
    """The segments of an output path that `check_relative` accepts (UnsafeOutput for any other)."""
    # Speed: a regex match, not pathlib's parsing: read_manifest of 23,000 files in 0.054 s CPU, not 0.109 s.
    if _PLAIN_PATH.fullmatch(path):
        return path.split("/")
    return list(check_relative(path).parts)


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


@dataclass(frozen=True, slots=True)
class Put:
    """A file handed to `Staging`: its digest and size, and where it waits for the rename (None when
    the output already holds these bytes, whose `status` is then known)."""

    digest: str
    size: int
    temporary: Path | None
    status: os.stat_result | None = None


class Staging:
    """The output folder's next state, made one file at a time and put in place at once.

    Each file handed to `put` is compared with the one in the output folder and, when it differs,
    written beside it as a temporary file at once: a build never holds its whole site in memory
    (at 10,000 articles the rendered pages are 135 MB, held twice while a forked renderer sent its
    half back: the tree's peak memory fell from 1,090 to 726 MiB). `commit` renames the temporaries
    over their targets, deletes stale files and writes the manifest; leaving the `with` block
    without a commit (an error, Ctrl-C) removes every temporary and leaves the site as it was.

    The folders staged into are listed beforehand in a marker file (see `clear_interrupted_staging`):
    `expect` lists the folders of paths to come. A forked process stages into a `part`, which may
    only put files into folders its parent expected, and hands back what it staged (`absorb`).
    """

    def __init__(
        self, output: Path, previous: Manifest, steps: WriteSteps | None = None, *, _parent: Staging | None = None
    ) -> None:
        self.steps = WRITE_STEPS if steps is None else steps
        self.previous = previous
        """The last build's manifest: what may be deleted, and files trusted to be as it wrote them."""
        self.root = output.resolve() if _parent is None else _parent.root
        self.places = _OutputFolders(self.root) if _parent is None else _parent.places
        self.build = secrets.token_hex(8) if _parent is None else _parent.build
        self.prefix = f".chronique-{self.build}-"
        self.folders: set[str] = set() if _parent is None else _parent.folders
        self.files: dict[str, Put] = {}
        self._made: list[Path] = []
        """Folders that did not exist when first expected: a build that fails removes them, emptied."""
        self._owns_marker = _parent is None
        self._marker: int | None = None

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, failure: type[BaseException] | None, *details: object) -> None:
        if failure is not None:
            self._discard()
        self._remove_marker()

    def _remove_marker(self) -> None:
        if self._marker is not None:
            (self.root / f"{_MARKER}{self.build}").unlink(missing_ok=True)
            os.close(self._marker)
            self._marker = None

    def expect(self, paths: Iterable[str]) -> None:
        """List the folders of `paths` in the marker before anything is staged into them."""
        new = {posixpath.dirname(path) for path in paths} - self.folders
        if not new:
            return
        if not self._owns_marker:
            raise ValueError(f"a part of a staging can only put files in folders expected before: {sorted(new)}")
        for folder in sorted(new):
            self._made += [place for place in (self.root / folder, *(self.root / folder).parents)
                           if place.is_relative_to(self.root) and not place.exists()]
        self.root.mkdir(parents=True, exist_ok=True)
        self.folders.update(new)
        listed = json.dumps(sorted(self.folders)).encode("utf-8")
        marker = self.root / f"{_MARKER}{self.build}"
        try:
            if self._marker is None:
                handle, temporary = tempfile.mkstemp(dir=self.root, prefix=self.prefix, suffix=".tmp")
                self._marker = handle
                fcntl.flock(handle, fcntl.LOCK_EX)  # before the marker shows: a marker seen unlocked is a dead build's
                os.write(handle, listed)
                os.rename(temporary, marker)
            else:  # locked all along: no other build reads it meanwhile
                os.ftruncate(self._marker, 0)
                os.pwrite(self._marker, listed, 0)
        except OSError as error:  # a full disk: name the file
            raise OSError(error.errno, error.strerror, str(marker)) from error

    def put(self, path: str, data: bytes) -> None:
        """Stage `data` as the file `path` of the output; nothing when the output holds it already (a
        file the last manifest lists with these bytes and still as it was written is not read back)."""
        if path in self.files:
            raise ValueError(f"{path} was put twice")  # outputs are checked unique before (plan.check_unique)
        target = self.places.target(path)
        self.expect((path,))
        digest = file_digest(data)
        status = _in_place(target, data, digest, self.previous.get(path))
        temporary = None if status else self.steps.stage(target, data, self.prefix)
        self.files[path] = Put(digest, len(data), temporary, status)

    def put_all(self, files: Iterable[tuple[str, bytes]]) -> None:
        for path, data in files:
            self.put(path, data)

    def part(self) -> Staging:
        """A staging for a forked process: it stages like this one, into the folders expected so far."""
        return Staging(self.root, self.previous, self.steps, _parent=self)

    def absorb(self, files: Mapping[str, Put]) -> None:
        """Take over the files a part staged."""
        self.files.update(files)

    def commit(
        self,
        keep: Mapping[str, FileRecord],
        manifest: Path,
        fingerprints: Mapping[str, str],
        built_from: BuiltFrom | None = None,
    ) -> WriteReport:
        """Make the output hold exactly the files put plus the `keep` files already there from a
        previous build; stale files are deleted when the last manifest lists them. Files a user
        put there by hand and no manifest lists are left alone. `fingerprints` are recorded in the
        manifest beside each file, and `built_from` with them."""
        stale = sorted(set(self.previous) - set(self.files) - set(keep))
        changed = sorted(path for path, put in self.files.items() if put.temporary is not None)
        records = dict(keep)
        with _interrupts_deferred():
            for path in changed:
                self.steps.replace(self.files[path].temporary, self.root / path)  # type: ignore[arg-type]
            deleted = sum(_delete(self.root, path) for path in stale)
            for path, put in self.files.items():
                status = put.status or os.stat(os.path.join(self.root, path))
                records[path] = FileRecord(put.digest, status.st_size, status.st_mtime_ns, fingerprints.get(path, ""))
            _write_manifest(manifest, records, built_from)
        return WriteReport(
            written=len(changed), unchanged=len(self.files) - len(changed) + len(keep), deleted=deleted,
            written_paths=tuple(changed),
        )

    def _discard(self) -> None:
        """Remove what was staged, including what a part killed on its way left (by this build's prefix)."""
        for put in self.files.values():
            if put.temporary is not None:
                put.temporary.unlink(missing_ok=True)
        if self._owns_marker:
            for folder in sorted(self.folders):
                _remove_staged(self.root, folder, lambda owner: owner == self.build)
            self._remove_marker()  # before the folders it lies in are removed
            for made in sorted(set(self._made), key=lambda place: len(place.parts), reverse=True):
                with contextlib.suppress(OSError):  # not empty: something else was put there meanwhile
                    made.rmdir()


# Speed: the search index puts 10,000 files in one folder: placing 10,749 files takes 0.05 s CPU, not 0.28 s.
class _OutputFolders:
    """The place of each output file, refused when it lies through a link that leaves the output
    folder; each folder is checked once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._inside: dict[str, bool] = {}

    def target(self, path: str) -> Path:
        parts = _relative_parts(path)
        target = self.root.joinpath(*parts)
        folder = "/".join(parts[:-1])
        inside = self._inside.get(folder)
        if inside is None:
            inside = self._inside[folder] = self._within_root(target.parent)
        if not inside:
            raise UnsafeOutput(f"refusing to write through a link that leaves the output folder: {path}")
        return target

    def _within_root(self, folder: Path) -> bool:
        while not folder.exists() and folder != self.root:
            folder = folder.parent
        return folder.resolve().is_relative_to(self.root)


def _in_place(target: Path, data: bytes, digest: str, record: FileRecord | None) -> os.stat_result | None:
    """The status of `target` when it is a regular file holding `data` (whose digest is `digest`),
    else None. A file the manifest lists (`record`) with this digest, and that is still as it was
    written, is not read again."""
    # Speed: adding an article to 10,000, the search index's unchanged files are not read back: 0.044 s CPU, not 0.114.
    try:
        status = os.lstat(target)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
        return None
    if record is not None and (record.digest, record.size, record.mtime_ns) == (digest, len(data), status.st_mtime_ns):
        return status
    try:
        return status if read_regular_file(target) == data else None
    except OSError:
        return None


def _stage(target: Path, data: bytes, prefix: str) -> Path:
    """Write `data` to a temporary file beside `target`, ready to be renamed over it. An error
    names `target` (a full disk says nothing of the file it stopped)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:
            raise OSError(error.errno, error.strerror, str(target)) from error
        raise
    return Path(temporary)


@dataclass(frozen=True, slots=True)
class WriteSteps:
    """The two steps that put a file in place: written beside its target, then renamed over it.
    A build uses `WRITE_STEPS`; tests pass steps that are interrupted."""

    stage: Callable[[Path, bytes, str], Path] = _stage
    replace: Callable[[Path, Path], None] = os.replace


WRITE_STEPS = WriteSteps()


# A staged file: mkstemp's eight random characters after the build's id (none before markers were).
_STAGED = re.compile(r"\.chronique-(?:([0-9a-f]{16})-)?[a-z0-9_]{8}\.tmp")
_MARKER = ".chronique-staging-"
_MARKER_ID = re.compile(r"[0-9a-f]{16}")


def clear_interrupted_staging(output: Path, everywhere: bool = False) -> int:
    """Remove the staged files of builds killed while staging into `output`, from the folders
    their markers list (one look at the top folder when there are none); `everywhere` also walks
    the whole folder for staged files without a marker (a build killed before markers existed).
    Only files named as Chronique stages them are removed, and never a live build's."""
    root = output.resolve()
    try:
        with os.scandir(root) as entries:
            markers = [entry.name for entry in entries if entry.name.startswith(_MARKER)]
    except OSError:
        return 0
    removed, builds = 0, _Builds(root)
    for name in markers:
        build = name.removeprefix(_MARKER)
        if not _MARKER_ID.fullmatch(build) or builds.alive(build):
            continue
        for folder in builds.folders(build):
            removed += _remove_staged(root, folder, lambda owner, build=build: owner == build)
        (root / name).unlink(missing_ok=True)
    if everywhere:
        for folder, _, _ in os.walk(root):
            removed += _remove_staged(root, os.path.relpath(folder, root), lambda owner: not builds.alive(owner))
    return removed


class _Builds:
    """The builds staging into one output folder, as their markers tell: a live build holds the
    lock of its marker; a dead one's marker lists the folders it staged into."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seen: dict[str, tuple[bool, list[str]]] = {}

    def alive(self, build: str | None) -> bool:
        return build is not None and self._look(build)[0]

    def folders(self, build: str) -> list[str]:
        return self._look(build)[1]

    def _look(self, build: str) -> tuple[bool, list[str]]:
        if build not in self.seen:
            self.seen[build] = self._read_marker(build)
        return self.seen[build]

    def _read_marker(self, build: str) -> tuple[bool, list[str]]:
        try:
            handle = os.open(self.root / f"{_MARKER}{build}", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:  # no marker: the build is over
            return False, []
        with os.fdopen(handle, "rb") as stream:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True, []
            try:
                folders = json.loads(stream.read(1 << 24))
            except ValueError:
                return False, []
        return False, [folder for folder in folders if isinstance(folder, str)] if isinstance(folders, list) else []


def _remove_staged(root: Path, folder: str, owned: Callable[[str | None], bool]) -> int:
    """Remove from `folder` (relative to `root`, never leaving it) the staged files of owners `owned` accepts."""
    try:
        place = root if folder in ("", ".") else root.joinpath(*check_relative(folder).parts)
    except UnsafeOutput:
        return 0
    if not place.resolve().is_relative_to(root):
        return 0
    removed = 0
    try:
        with os.scandir(place) as entries:
            for entry in entries:
                staged = _STAGED.fullmatch(entry.name)
                if staged and entry.is_file(follow_symlinks=False) and owned(staged.group(1)):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed += 1
    except OSError:
        pass
    return removed


def replace_file(path: Path, data: bytes) -> None:
    """Write a whole file so that readers see either its old or its new bytes, never a part."""
    os.replace(_stage(path, data, ".chronique-"), path)


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
    """The files a previous build wrote, and what it was built from; nothing when missing or
    damaged, or when anything in it is not what a build writes (a path leaving the output folder,
    a field of another type): the manifest decides what may be deleted."""
    try:
        data = json.loads(read_regular_file(manifest).decode("utf-8"))
        files = {_listed_path(path): _record(record) for path, record in data["files"].items()}
        built = data.get("built_from")
        if built is None:
            return files, None
        problems, warnings = (
            tuple(
                Problem(Path(_typed(path, str)), _typed(line, int), _typed(message, str))
                for path, line, message in built.get(key, ())
            )
            for key in ("problems", "warnings")
        )
        built_from = BuiltFrom(
            _typed(built["inputs"], str),
            _typed(built["articles"], int),
            problems,
            warnings,
            _typed(built.get("held_back", 0), int),
            _typed(built.get("release", ""), str),
            _typed(built.get("drafts", 0), int),
        )
        return files, built_from
    except (OSError, ValueError, KeyError, TypeError, AttributeError, UnsafeOutput):
        return {}, None


def _listed_path(path: str) -> str:
    _relative_parts(path)
    return path


def _record(record: list[object]) -> FileRecord:
    digest, size, mtime_ns, fingerprint = record
    return FileRecord(_typed(digest, str), _typed(size, int), _typed(mtime_ns, int), _typed(fingerprint, str))


def _typed(value: object, kind: type[V]) -> V:
    if type(value) is not kind:  # exactly: True is no article count
        raise TypeError(f"{value!r} is not a {kind.__name__}")
    return value  # type: ignore[return-value]


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
            "held_back": built_from.held_back,
            "release": built_from.release,
            "drafts": built_from.drafts,
        }
    # No indent: json then runs its C encoder, ten times faster on a large site's manifest.
    replace_file(manifest, json.dumps(data, separators=(",", ":")).encode("utf-8"))
