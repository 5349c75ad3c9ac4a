"""Whether the site is already what a build would make of its inputs: a rebuild with nothing
changed stops after a survey of them, instead of reading the cache and planning every page.

A build that did the work records the digest of its survey (`inputs.BuildInputs.survey`, which
says what a build reads) in the output folder's manifest: one file, replaced atomically with the
list of outputs, so the two never disagree. The next build stops when its survey is the same and
every output file is as that build wrote it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .write import Manifest


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
