"""Whether the site is already what a build would make of its inputs: a rebuild with nothing
changed stops after a survey of them, instead of reading the cache and planning every page.

A build that did the work records the digest of its survey in the output folder's manifest (one
file, replaced atomically with the list of outputs, so the two never disagree). The survey digests
what a build reads: the code version, site.yaml, templates and static files (their bytes: few and
small), and each article file's path and stat, whose inode change time moves with any write or
rename. As for the loader's reading (`load.settled`), a file changed less than two seconds before
the survey makes it untrusted: the fast path is not taken, and nothing is recorded for it.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from .fingerprint import digest_folder
from .load import settled
from .load.discover import discover
from .load.files import ContentFiles, NotReadable
from .render import Theme
from .write import Manifest


def survey_inputs(
    content: Path,
    environment: str,
    theme: Theme,
    strict: bool,
    follow_symlinks: bool = False,
    future: bool = False,
    drafts: bool = False,
) -> str | None:
    """A digest of every input of a build of `content` (`environment`: the digest of code, site.yaml
    and templates, see `fingerprint.environment_digest`; the others: the build's options); None when
    a file changed too recently for its stat to vouch for its bytes, or cannot be looked at. Opens no
    article file (a named pipe would block). The build's time is not in it: the build records when
    an article it held back falls due."""
    # The folder as given too: problems are reported with paths under it.
    options = f"{strict}\0{follow_symlinks}\0{future}\0{drafts}"
    digest = hashlib.sha256(f"{environment}\0{content}\0{content.resolve()}\0{options}".encode())
    for folder in theme.static_dirs:
        digest_folder(digest.update, folder)
    for warning in theme.warnings:  # a templates/ folder put in the content folder is reported
        digest.update(f"\0{warning}".encode())
    try:
        found = discover(content)
        files = ContentFiles(content, follow_symlinks)
        now = time.time_ns()
        for posix in found.articles:
            try:
                path, status = files.look(posix)
            except NotReadable as refusal:  # the same refusal, the same warning
                digest.update(f"\0{posix}\0refused\0{refusal}".encode())
                continue
            if not settled(status.st_mtime_ns, status.st_ctime_ns, now):
                return None
            # The path read: a symbolic link may be pointed at another file of the same stat.
            digest.update(
                f"\0{posix}\0{path}\0{status.st_mtime_ns}\0{status.st_ctime_ns}\0{status.st_size}"
                f"\0{status.st_ino}".encode()
            )
    except OSError:
        return None
    for path in (*found.skipped, *(folder for folder, _ in found.unreadable)):
        digest.update(b"\0skipped\0" + path.as_posix().encode())
    return digest.hexdigest()


def outputs_intact(output: Path, manifest: Manifest) -> bool:
    """Whether every file the manifest lists is in the output folder as it was written."""
    root = os.fspath(output)
    try:
        for path, record in manifest.items():
            status = os.stat(os.path.join(root, path))
            if (status.st_size, status.st_mtime_ns) != (record.size, record.mtime_ns):
                return False
    except OSError:
        return False
    return True
