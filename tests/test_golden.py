"""Golden output: sites built file for file and byte for byte as committed.

Two sites: the seeds (`seeds/`), and a sample of every input shape Chronique reads (`tests/sample/`:
press-review text exports, Markdown converted from web pages, saved HTML pages, Markdown with YAML
front matter, Hugo's TOML front matter, Pelican's `Key: value` headers, Jekyll's dated file names,
with a taxonomy, a draft, an alias and base_url, so that sitemap.xml and robots.txt are written).
Any change to what a build writes shows here as a diff to review. Each golden copy is one text file,
`tests/golden/NAME-site.txt`, each file of the site under a `==> path (N bytes) <==` line, so that a
change reads as an ordinary diff. When the change is meant, regenerate them with
`python tests/test_golden.py` (or `python tests/test_golden.py sample` for one) and commit them with
the change. Both sites also pass `chronique check`.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(REPO / "src"))

from chronique.build import BuildRequest, build_site  # noqa: E402
from chronique.check import check_site  # noqa: E402

_HEADER = re.compile(rb"==> (?P<path>.+) \((?P<size>\d+) bytes\) <==\n")


@dataclass(frozen=True)
class GoldenSite:
    name: str
    project: Path
    """The folder copied to build from: site.yaml and the articles."""
    content: str
    """The content folder, relative to `project`."""

    @property
    def golden(self) -> Path:
        return TESTS / "golden" / f"{self.name}-site.txt"

    def build(self, work: Path) -> tuple[BuildRequest, dict[str, bytes]]:
        """The site as `chronique build` builds it, by path, and the build's request."""
        project = work / self.name
        shutil.copytree(self.project, project)
        output = work / f"{self.name}-site"
        request = BuildRequest(content=project / self.content, output=output, cwd=work, clean=True, key_file=None)
        build_site(request)
        files = sorted(path for path in output.rglob("*") if path.is_file())
        return request, {path.relative_to(output).as_posix(): path.read_bytes() for path in files}


SITES = (GoldenSite("seeds", REPO / "seeds", "."), GoldenSite("sample", TESTS / "sample", "content"))


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


@pytest.fixture(scope="module", params=SITES, ids=[site.name for site in SITES])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    site: GoldenSite = request.param
    build_request, files = site.build(tmp_path_factory.mktemp(site.name))
    return site, build_request, files


def test_the_site_is_the_golden_one(built) -> None:
    site, _, files = built
    golden = unpack(site.golden.read_bytes())
    assert sorted(files) == sorted(golden), "files added or removed: python tests/test_golden.py regenerates"
    differing = [path for path in files if files[path] != golden[path]]
    assert not differing, f"{differing[:10]} differ from {site.golden.name}: python tests/test_golden.py regenerates"


def test_the_site_passes_chronique_check(built) -> None:
    _, request, files = built
    report = check_site(request)
    assert [problem.located(request.output) for problem in report.problems] == []
    assert report.files == len(files)


if __name__ == "__main__":
    chosen = [site for site in SITES if site.name in sys.argv[1:]] or SITES
    for site in chosen:
        with tempfile.TemporaryDirectory() as work:
            _, files = site.build(Path(work))
        site.golden.parent.mkdir(exist_ok=True)
        site.golden.write_bytes(pack(files))
        print(f"regenerated {site.golden.relative_to(REPO)}: {len(files)} files")
