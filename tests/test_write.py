"""write: only changed bytes are written, stale outputs removed, nothing escapes the output folder."""

import os
from pathlib import Path

import pytest

from chronique.write import Staging, UnsafeOutput, WriteReport, check_output_dir, read_manifest


def write_site(files: dict[str, bytes], out: Path, manifest: Path) -> WriteReport:
    """What a build does with its files: staged, then committed over the last build's manifest."""
    with Staging(out, read_manifest(manifest)[0]) as staging:
        staging.put_all(files.items())
        return staging.commit({}, manifest, {})


def test_writes_then_leaves_unchanged_files_alone(tmp_path: Path) -> None:
    out, manifest = tmp_path / "site", tmp_path / "cache" / "manifest.json"
    first = write_site({"index.html": b"home", "a/b.html": b"b"}, out, manifest)
    assert (first.written, first.unchanged, first.deleted) == (2, 0, 0)
    os.utime(out / "a" / "b.html", (1_000_000, 1_000_000))
    second = write_site({"index.html": b"home v2", "a/b.html": b"b"}, out, manifest)
    assert (second.written, second.unchanged) == (1, 1)
    assert (out / "a" / "b.html").stat().st_mtime == 1_000_000
    assert (out / "index.html").read_bytes() == b"home v2"


def test_deletes_only_what_a_previous_build_wrote(tmp_path: Path) -> None:
    out, manifest = tmp_path / "site", tmp_path / "manifest.json"
    write_site({"index.html": b"x", "2024/10/old.html": b"old"}, out, manifest)
    (out / "CNAME").write_text("example.org")  # put there by hand: never ours to delete
    report = write_site({"index.html": b"x"}, out, manifest)
    assert report.deleted == 1
    assert not (out / "2024").exists()
    assert (out / "CNAME").exists()


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a.html": b"a"}, out, tmp_path / "m.json")
    assert sorted(p.name for p in out.iterdir()) == ["a.html"]


def test_a_build_failing_after_staging_files_leaves_the_site_as_it_was(tmp_path: Path) -> None:
    """Files are staged as they are made (render, search): a failure before the commit removes them
    all, those of a forked part that died without handing them back included."""
    out, manifest = tmp_path / "site", tmp_path / "m.json"
    write_site({"index.html": b"old", "2024/a.html": b"a"}, out, manifest)
    before = sorted((path.relative_to(out), path.read_bytes()) for path in out.rglob("*") if path.is_file())
    with pytest.raises(RuntimeError), Staging(out, {}) as staging:
        staging.put_all({"index.html": b"new", "2024/b.html": b"b"}.items())
        staging.expect(["2025/c.html"])
        with staging.part() as part:  # as a forked renderer does; it "dies": its files never reach the parent
            part.put("2025/c.html", b"c")
        raise RuntimeError("the search index failed")
    after = sorted((path.relative_to(out), path.read_bytes()) for path in out.rglob("*") if path.is_file())
    assert after == before


def test_a_part_stages_only_into_folders_expected_before_it(tmp_path: Path) -> None:
    with Staging(tmp_path / "site", {}) as staging, staging.part() as part, pytest.raises(ValueError, match="expected"):
        part.put("2030/new.html", b"x")


def test_files_a_part_staged_are_put_in_place_by_the_commit(tmp_path: Path) -> None:
    out, manifest = tmp_path / "site", tmp_path / "m.json"
    with Staging(out, {}) as staging:
        staging.put("index.html", b"home")
        staging.expect(["2024/a.html"])
        with staging.part() as part:
            part.put("2024/a.html", b"a")
            handed_back = part.files
        staging.absorb(handed_back)
        report = staging.commit({}, manifest, {})
    assert report.written_paths == ("2024/a.html", "index.html")
    assert (out / "2024" / "a.html").read_bytes() == b"a"
    assert sorted(path.name for path in out.rglob("*")) == ["2024", "a.html", "index.html"]


@pytest.mark.parametrize("path", ["../evil.html", "/etc/passwd", "a/../../b", "a\\..\\b", ""])
def test_refuses_paths_outside_the_output(tmp_path: Path, path: str) -> None:
    with pytest.raises(UnsafeOutput):
        write_site({path: b"x"}, tmp_path / "site", tmp_path / "m.json")
    assert not (tmp_path / "evil.html").exists()


def test_refuses_to_write_through_a_link_leaving_the_output(tmp_path: Path) -> None:
    out, outside = tmp_path / "site", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "tags").symlink_to(outside)
    with pytest.raises(UnsafeOutput):
        write_site({"tags/x.html": b"x"}, out, tmp_path / "m.json")
    assert list(outside.iterdir()) == []


def test_output_folder_checks(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for bad in (content, tmp_path, content / "site", Path("/"), Path.home()):
        with pytest.raises(UnsafeOutput):
            check_output_dir(bad, content, tmp_path, (), tmp_path / ".chronique-cache", tmp_path / "m.json")
    check_output_dir(tmp_path / "site", content, tmp_path, (), tmp_path / ".chronique-cache", tmp_path / "m.json")
