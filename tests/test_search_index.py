"""The search index (issue 12): words folded, split and stemmed at build time, articles numbered oldest
first, term shards by adaptive prefix with BM25F postings, one fragment per article, deterministic
bytes that are safe JavaScript, and a rebuild that rewrites only the shards whose words changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chronique.config import SiteConfig
from chronique.model import Article, Source
from chronique.search_index import SHARD_TARGET, build_search_index, encode_postings, shard_file, split_word
from conftest import REPO, SEEDS, build, write_article


def registered(data: bytes) -> tuple[str, object]:
    """(key, data) of a script `CHRONIQUE_SEARCH.add(key, data);`."""
    text = data.decode("utf-8")
    assert text.startswith("CHRONIQUE_SEARCH.add(") and text.endswith(");\n")
    key, value = json.loads("[" + text[len("CHRONIQUE_SEARCH.add(") : -3] + "]")
    return key, value


DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def decode(postings: str) -> dict[int, int]:
    """Doc id -> score of a postings string: per document its id's delta in base-32 digits, most
    significant first, each but the last + 32, then its q in one digit (digits of base64url)."""
    assert isinstance(postings, str) and set(postings) <= set(DIGITS), postings
    out: dict[int, int] = {}
    doc = delta = 0
    reading_delta = True
    for char in postings:
        digit = DIGITS.index(char)
        if reading_delta:
            delta = delta * 32 + digit % 32
            reading_delta = digit >= 32
        else:
            doc += delta
            out[doc] = digit
            delta = 0
            reading_delta = True
    assert reading_delta and delta == 0, f"a posting cut short: {postings}"
    return out


class Index:
    """The files of `search/` read back as data."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.meta = registered(files["search/meta.js"])[1]
        self.shards = {prefix: registered(files[f"search/t/{shard_file(prefix)}.js"])[1]
                       for prefix in self.meta["shards"]}

    def shard_of(self, word: str) -> str:
        return max((prefix for prefix in self.shards if word.startswith(prefix)), key=len)

    def stem(self, word: str) -> str:
        return self.shards[self.shard_of(word)]["words"][word]

    def postings(self, word: str) -> dict[int, int]:
        return decode(self.shards[self.shard_of(word)]["stems"][self.stem(word)])

    def fragment(self, number: int) -> dict:
        return registered(self.files[f"search/d/{number // self.meta['docs_per_chunk']}/{number}.js"])[1]


def article(n: int, title: str, text: str, day: date, tags: tuple[str, ...] = (), source: str = "") -> Article:
    return Article(slug=f"a{n:03d}", title=title, date=day, origin=Path(f"a{n}.md"), body_html="",
                   text=text, tags=tags, source=Source(name=source))


def test_words_are_folded_and_split_at_apostrophes_and_hyphens_and_joined() -> None:
    assert split_word("McDonald's") == ["mcdonald", "s", "mcdonalds"]
    assert split_word("McDonald’s") == ["mcdonald", "s", "mcdonalds"]
    assert split_word("l'Élysée") == ["l", "elysee"]  # an elided article is not joined
    assert split_word("d'une") == ["d", "une"]  # not « dune »
    assert split_word("N'Guessan") == ["n", "guessan", "nguessan"]  # a name, not the elided « n' »
    assert split_word("n'est") == ["n", "est"]
    assert split_word("Royaume-Uni") == ["royaume", "uni", "royaumeuni"]
    assert split_word("SÉCURITÉ") == ["securite"]
    assert split_word("Œuvre") == ["oeuvre"]
    assert split_word("x" * 60) == []


def test_the_index_maps_surface_words_to_stems_shared_by_their_forms() -> None:
    articles = [
        article(0, "La migration au Maroc", "Les flux migratoires et la migration de travail.", date(2024, 1, 2)),
        article(1, "Chez McDonald's", "Le président à l'Élysée parle du Royaume-Uni et des ministres.",
                date(2024, 1, 3)),
    ]
    index = Index(build_search_index(articles, SiteConfig()).files)
    assert index.stem("migration") == "migrat"
    words = {word for shard in index.shards.values() for word in shard["words"]}
    assert {"mcdonald", "mcdonalds", "elysee", "royaume", "uni", "royaumeuni", "ministres", "president"} <= words
    assert "lelysee" not in words
    assert index.stem("president") and index.stem("de") == ""  # a stop word: no postings
    assert index.stem("mcdonalds") in index.shards[index.shard_of("mcdonalds")]["stems"]
    assert set(index.postings("elysee")) == {1}
    assert set(index.postings("migration")) == {0}


def test_plural_and_singular_meet_on_one_stem(tmp_path: Path) -> None:
    articles = [
        article(0, "Migrations", "Des migrations.", date(2024, 1, 2)),
        article(1, "Une migration", "La migration.", date(2024, 1, 3)),
    ]
    index = Index(build_search_index(articles, SiteConfig()).files)
    assert index.stem("migrations") == index.stem("migration")
    assert set(index.postings("migrations")) == {0, 1}


def test_documents_are_numbered_oldest_first_and_years_are_ranges() -> None:
    days = [date(2024, 3, 1), date(2016, 5, 2), date(2023, 1, 1), date(2024, 1, 9), date(2016, 1, 1)]
    articles = [article(n, f"Titre {n}", f"Texte numéro {n}.", day) for n, day in enumerate(days)]
    index = Index(build_search_index(articles, SiteConfig()).files)
    shown = [index.fragment(number)["y"] for number in range(len(days))]
    assert shown == sorted(day.isoformat() for day in days)
    assert index.meta["count"] == 5
    assert index.meta["years"] == [[2016, 0, 1], [2023, 2, 2], [2024, 3, 4]]


def test_shards_cover_the_vocabulary_once_and_stay_under_the_target() -> None:
    words = [f"mot{n}x{n * 7 % 13}" for n in range(400)] + ["maison", "ma", "m", "été", "2024"]
    articles = [
        article(n, f"Titre {words[n % len(words)]}", " ".join(words[n % 37 :: 3]), date(2020 + n % 5, 1, 1 + n % 28))
        for n in range(120)
    ]
    target = 6000
    files = build_search_index(articles, SiteConfig(), shard_target=target).files
    index = Index(files)
    seen: dict[str, str] = {}
    for prefix, shard in index.shards.items():
        for word in shard["words"]:
            assert word not in seen, (word, prefix, seen.get(word))
            seen[word] = prefix
            assert index.shard_of(word) == prefix  # the longest listed prefix that starts it
        size = len(files[f"search/t/{shard_file(prefix)}.js"])
        biggest_stem = max((len(json.dumps(postings)) for postings in shard["stems"].values()), default=0)
        assert size <= target * 1.2 or biggest_stem > target / 2 or len(shard["words"]) == 1, prefix
    assert len(index.shards) > 3  # split
    assert {"maison", "ma", "m", "ete", "2024", "mot17x2", "titre"} <= set(seen)
    assert all(shard_file(prefix).isascii() and "/" not in shard_file(prefix) for prefix in index.shards)
    assert shard_file("é#a") == "_c3_a9_23a"


def test_postings_score_a_title_above_a_body_mention_and_tags_have_pseudo_words() -> None:
    articles = [
        article(0, "Rien", "La frontière est fermée. Autre chose.", date(2024, 1, 1), tags=("Royaume-Uni",)),
        article(1, "La frontière", "Autre chose. Encore.", date(2024, 1, 2)),
        article(2, "Sans rapport", "Un texte sans le mot.", date(2024, 1, 3), tags=("Royaume-Uni", "Maroc")),
    ]
    index = Index(build_search_index(articles, SiteConfig()).files)
    scores = index.postings("frontiere")
    assert set(scores) == {0, 1} and scores[1] > scores[0]
    assert all(1 <= score <= 63 for score in scores.values())
    assert set(index.postings("#royaume-uni")) == {0, 2}
    assert set(index.postings("#maroc")) == {2}
    assert set(index.postings("royaume")) == {0, 2}  # tag words are searchable words too


def test_postings_are_two_characters_for_a_word_of_every_article_and_deltas_of_any_size() -> None:
    days = [date(2000, 1, 1) + timedelta(days=n) for n in range(1200)]
    articles = [article(n, f"Titre {n}", f"La frontière, encore. {'Rare.' if n in (0, 33, 1100) else ''}", day)
                for n, day in enumerate(days)]
    index = Index(build_search_index(articles, SiteConfig()).files)
    common = index.shards[index.shard_of("frontiere")]["stems"][index.stem("frontiere")]
    assert len(common) == 2 * len(articles)
    assert list(decode(common)) == list(range(len(articles)))
    assert set(index.postings("rare")) == {0, 33, 1100}  # deltas of one, two and three digits


@given(st.lists(st.tuples(st.integers(0, 2**31), st.integers(1, 63)), max_size=40))
def test_postings_text_decodes_to_its_numbers(pairs: list[tuple[int, int]]) -> None:
    deltas, scores = np.array([d for d, _ in pairs], np.int64), np.array([q for _, q in pairs], np.int64)
    cut = len(pairs) // 2
    texts = [json.loads(text) for text in encode_postings(deltas, scores, [0, cut, len(pairs)])]
    for text, part in zip(texts, (pairs[:cut], pairs[cut:]), strict=True):
        ids = np.cumsum([d for d, _ in part]).tolist()
        expected = dict(zip(ids, (q for _, q in part), strict=True))  # a later posting of an id wins
        assert decode(text) == expected
        assert json.dumps(text) == f'"{text}"'  # no escape in JSON nor in a JavaScript string


def test_fragments_hold_what_a_result_shows_and_are_safe_javascript() -> None:
    text = "Avant </script><script>alert(1)</script> et \u2028 puis <!-- & fin. " + "mot " * 6000
    articles = [article(0, "Titre <b>gras</b>", text, date(2024, 2, 29), tags=("Maroc",), source="Atlas Info")]
    files = build_search_index(articles, SiteConfig()).files
    for data in files.values():
        assert b"</script" not in data and b"<!--" not in data and "\u2028".encode() not in data
    fragment = Index(files).fragment(0)
    assert fragment["t"] == "Titre <b>gras</b>"
    assert fragment["u"] == "2024/02/a000.html"
    assert fragment["d"] == "29 février 2024" and fragment["y"] == "2024-02-29"
    assert fragment["s"] == "Atlas Info" and fragment["g"] == ["Maroc"]
    assert fragment["x"].startswith("Avant </script>") and len(fragment["x"]) <= 20_000


def test_the_index_is_the_same_across_builds_and_hash_seeds(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    script = (
        "import sys, hashlib; from pathlib import Path; from chronique.build import BuildRequest, build_site\n"
        "out = Path(sys.argv[1]); build_site(BuildRequest(content=Path(sys.argv[2]), output=out, clean=True,"
        " key_file=None, cwd=out.parent))\n"
        "print(hashlib.sha256(b''.join(p.relative_to(out).as_posix().encode() + p.read_bytes()"
        " for p in sorted((out / 'search').rglob('*.js')))).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2", "3"):
        environment = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO / "src")}
        result = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / f"site{seed}"), str(tmp_path / "seeds")],
            env=environment, capture_output=True, text=True, check=True, timeout=300,
        )
        digests.add(result.stdout.strip())
    assert len(digests) == 1


def test_the_seeds_site_has_the_search_folder(seed_site: Path) -> None:
    search = seed_site / "search"
    files = {path.relative_to(seed_site).as_posix(): path.read_bytes() for path in search.rglob("*") if path.is_file()}
    index = Index(files)
    assert index.meta["version"] == 2 and index.meta["language"] == "fr" and index.meta["count"] == 3
    assert {f"search/d/0/{n}.js" for n in range(3)} <= set(files)
    assert set(files) == {"search/meta.js", *(f"search/d/0/{n}.js" for n in range(3)),
                          *(f"search/t/{shard_file(prefix)}.js" for prefix in index.meta["shards"])}
    assert not list(seed_site.glob("search/20*.js"))  # the per-year scripts are gone
    assert index.stem("migrations") == index.stem("migration")
    assert set(index.postings("migrations"))
    assert max(map(len, files.values())) < SHARD_TARGET * 2


def test_adding_an_article_rewrites_only_the_shards_of_its_words(tmp_path: Path) -> None:
    content = tmp_path / "content"
    topics = ["migration", "sécurité", "tourisme", "frontière", "coopération", "pêche", "énergie", "football"]
    for n in range(60):
        words = " ".join(f"{topics[(n + k) % 8]} mot{n}z{k} vocable{(n * k) % 41}" for k in range(30))
        write_article(content, f"a{n:02d}.md", f"Article {n} sur {topics[n % 8]}", f"2024-{1 + n % 12:02d}-10", words)
    build(content, tmp_path / "site")
    before = {path.relative_to(tmp_path / "site").as_posix() for path in (tmp_path / "site" / "search").rglob("*")}
    write_article(content, "new.md", "Un nouveau sur la pêche", "2024-12-30", "La pêche au thon.")
    report = build(content, tmp_path / "site")
    written = [path for path in report.files.written_paths if path.startswith("search/")]
    shards = [path for path in written if path.startswith("search/t/")]
    assert "search/meta.js" in written and "search/d/0/60.js" in written
    assert not [path for path in written if path.startswith("search/d/") and path != "search/d/0/60.js"]
    assert 0 < len(shards) <= 6, shards  # un, nouveau, sur, la (stop words), peche, thon
    assert len([path for path in before if path.startswith("search/t/")]) > 20


def test_a_word_stemmed_differently_by_two_languages_lists_both_stems() -> None:
    english = Article(slug="en", title="Universities", date=date(2024, 1, 1), origin=Path("en.md"), body_html="",
                      text="The universities open.", language="en")
    french = article(1, "Les universities", "Un mot anglais.", date(2024, 1, 2))
    index = Index(build_search_index([english, french], SiteConfig()).files)
    assert index.stem("universities") == ["universit", "universiti"]
    assert set(decode(index.shards[index.shard_of("universities")]["stems"]["universiti"])) == {0}


def test_an_empty_archive_has_an_empty_index() -> None:
    index = Index(build_search_index([], SiteConfig()).files)
    assert index.meta["count"] == 0 and index.meta["shards"] == [] and index.meta["years"] == []
    assert list(index.files) == ["search/meta.js"]
