"""Golden output: the seeds' site, file for file and byte for byte.

Any change to what a build writes shows here as a diff to review. When the change is meant,
regenerate the golden copy with `python tests/test_golden.py` and commit it with the change.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden" / "seeds-site"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from chronique.build import BuildRequest, build_site  # noqa: E402


def build_seeds(work: Path) -> Path:
    """The seeds built as `python build.py` builds them, in a folder of their own."""
    shutil.copytree(REPO / "seeds", work / "seeds")
    build_site(BuildRequest(content=work / "seeds", output=work / "site", cwd=work, clean=True, key_file=None))
    return work / "site"


def files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_the_seeds_site_is_the_golden_one(tmp_path: Path) -> None:
    built, golden = files(build_seeds(tmp_path)), files(GOLDEN)
    assert sorted(built) == sorted(golden), "files added or removed: python tests/test_golden.py regenerates"
    differing = [path for path in built if built[path] != golden[path]]
    assert not differing, f"{differing[:10]} differ from tests/golden: python tests/test_golden.py regenerates"


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as work:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(build_seeds(Path(work)), GOLDEN)
    print(f"regenerated {GOLDEN.relative_to(REPO)}: {len(files(GOLDEN))} files")
