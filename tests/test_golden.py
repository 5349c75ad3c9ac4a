"""Golden output: the seeds' site, file for file and byte for byte.

Any change to what a build writes shows here as a diff to review. The golden copy is one text file,
`tests/golden/seeds-site.txt`, each file of the site under a `==> path (N bytes) <==` line, so
that a change reads as an ordinary diff. When the change is meant, regenerate it with
`python tests/test_golden.py` and commit it with the change.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden" / "seeds-site.txt"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from chronique.build import BuildRequest, build_site  # noqa: E402

_HEADER = re.compile(rb"==> (?P<path>.+) \((?P<size>\d+) bytes\) <==\n")


def build_seeds(work: Path) -> dict[str, bytes]:
    """The seeds' site as `python build.py` builds it, by path."""
    shutil.copytree(REPO / "seeds", work / "seeds")
    build_site(BuildRequest(content=work / "seeds", output=work / "site", cwd=work, clean=True, key_file=None))
    site = work / "site"
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def pack(files: dict[str, bytes]) -> bytes:
    return b"".join(b"==> %s (%d bytes) <==\n%s\n" % (path.encode(), len(data), data) for path, data in files.items())


def unpack(packed: bytes) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    at = 0
    while at < len(packed):
        header = _HEADER.match(packed, at)
        assert header, f"tests/golden is damaged at byte {at}: python tests/test_golden.py regenerates it"
        start = header.end()
        files[header["path"].decode()] = packed[start : start + int(header["size"])]
        at = start + int(header["size"]) + 1
    return files


def test_the_seeds_site_is_the_golden_one(tmp_path: Path) -> None:
    built, golden = build_seeds(tmp_path), unpack(GOLDEN.read_bytes())
    assert sorted(built) == sorted(golden), "files added or removed: python tests/test_golden.py regenerates"
    differing = [path for path in built if built[path] != golden[path]]
    assert not differing, f"{differing[:10]} differ from tests/golden: python tests/test_golden.py regenerates"


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as work:
        site = build_seeds(Path(work))
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_bytes(pack(site))
    print(f"regenerated {GOLDEN.relative_to(REPO)}: {len(site)} files")
