"""The command line: exit codes, one-line errors, nothing written on failure, the summary."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chronique.cli import main
from conftest import REPO, SEEDS, write_article


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_python_build_py_builds_seeds_into_site(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = run(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("3 articles read, ") and "0 warnings" in summary and summary.endswith(" s")
    assert "Traceback" not in result.stderr


@pytest.fixture
def content_with_bad_file(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    (content / "bad.md").write_text("---\ntitle: Mauvais\ndate: 31/02/2024\n---\nTexte\n", "utf-8")
    return content


def test_lenient_build_skips_bad_article_with_a_warning(content_with_bad_file: Path, capsys) -> None:
    out = content_with_bad_file.parent / "site"
    assert main(["build", "--content", str(content_with_bad_file), "--output", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{content_with_bad_file / 'bad.md'}:3: {err[0].split(':3: ', 1)[1]}"]
    assert "(skipped)" in err[0]
    assert (out / "2024" / "10" / "bon-article.html").is_file()


def test_strict_build_fails_and_writes_nothing(content_with_bad_file: Path, capsys) -> None:
    out = content_with_bad_file.parent / "site"
    code = main(["build", "--strict", "--content", str(content_with_bad_file), "--output", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert f"{content_with_bad_file / 'bad.md'}:3: " in err
    assert not out.exists()


def test_strict_failure_leaves_previous_site_untouched(content_with_bad_file: Path) -> None:
    out = content_with_bad_file.parent / "site"
    (content_with_bad_file / "bad.md").rename(content_with_bad_file / "bad.md.off")
    assert main(["build", "--quiet", "--content", str(content_with_bad_file), "--output", str(out)]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (content_with_bad_file / "bad.md.off").rename(content_with_bad_file / "bad.md")
    write_article(content_with_bad_file, "new.md", "Nouveau", "2024-11-01")
    assert main(["build", "--strict", "--content", str(content_with_bad_file), "--output", str(out)]) == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_template_error_names_template_and_line_and_writes_nothing(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text("line one\n{{ nope.missing }}\n")
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "404.html:2:" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_bad_config_is_one_line_naming_the_key(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    (tmp_path / "site.yaml").write_text("title: x\nper_pag: 3\n")
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 1
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'site.yaml'}:2: unknown key 'per_pag'"


def test_refuses_output_inside_content(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    assert main(["build", "--content", str(content), "--output", str(content / "site")]) == 1
    assert "content folder" in capsys.readouterr().err


def test_missing_content_folder(tmp_path: Path, capsys) -> None:
    assert main(["build", "--content", str(tmp_path / "nope"), "--output", str(tmp_path / "site")]) == 1
    assert "no such content folder" in capsys.readouterr().err


BAD_INPUTS = {
    "empty": (b"", 1),
    "whitespace only": (b"  \n\n \n", 1),
    "no title": (b"---\ndate: 2024-10-30\n---\nTexte sans titre.\n", 1),
    "bad date": (b"---\ntitle: T\ndate: 2024-02-31\n---\nTexte\n", 3),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", 1),
    "neither UTF-8 nor text": (b"Titre\n\nUn paragraphe \xe9t\xe9 cass\xe9\x01.\nLe 30/10/2024\n", 3),
    "unclosed front matter": (b"---\ntitle: T\ndate: 2024-10-30\n\nTexte\n", 1),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_each_bad_input_is_one_located_line(tmp_path: Path, kind: str, capsys) -> None:
    data, line = BAD_INPUTS[kind]
    content = tmp_path / "content"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    (content / "bad.txt").write_bytes(data)
    out = tmp_path / "site"

    assert main(["build", "--strict", "--content", str(content), "--output", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{content / 'bad.txt'}:{line}: "), err
    assert "Traceback" not in "\n".join(err)
    assert not out.exists()

    assert main(["build", "--quiet", "--content", str(content), "--output", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"{content / 'bad.txt'}:{line}: ") and err[0].endswith("(skipped)")
    assert (out / "2024" / "10" / "bon-article.html").is_file()


def test_output_does_not_depend_on_hash_seed(tmp_path: Path) -> None:
    """Set and dict iteration must never leak into the output."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, str(REPO / "build.py"), "--quiet", "--output", f"site{seed}"],
                       cwd=tmp_path, env=env, check=True, timeout=120)
        site = tmp_path / f"site{seed}"
        outputs.append({p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_related_explains_each_component(capsys) -> None:
    slug = "maroc-france-vers-une-cooperation-renforcee-en-securite-migration-et-grands-evenements"
    assert main(["related", slug, "--content", str(SEEDS)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Maroc-France : vers une coopération")
    ranks = [line for line in out if re.match(r"\s*\d+\. ", line)]
    assert len(ranks) == 2
    sums = [line for line in out if line.strip().startswith("= text ")]
    for rank, parts in zip(ranks, sums, strict=True):
        score = float(rank.split()[1])
        words = parts.replace("=", "").replace("+", "").split()
        assert words[0::2][:4] == ["text", "tags", "entities", "date"]
        components = [float(word) for word in words[1::2]]
        assert abs(sum(components) - score) < 1e-3


def test_related_unknown_slug_suggests(capsys) -> None:
    assert main(["related", "maroc-france", "--content", str(SEEDS)]) == 1
    err = capsys.readouterr().err
    assert "no article with slug 'maroc-france'; did you mean maroc-france-vers-une" in err


def test_a_reader_that_stops_reading_is_no_error(tmp_path: Path) -> None:
    # `chronique tags | head -1`: the pipe closes before the table is written.
    shutil.copytree(SEEDS, tmp_path / "seeds")
    command = [sys.executable, str(REPO / "build.py"), "tags", "--all", "--content", str(tmp_path / "seeds")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait() == 141 and "Traceback" not in errors, errors
