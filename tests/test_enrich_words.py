"""analysis.words: the words every other part of enrich compares."""

from __future__ import annotations

from array import array
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from chronique.analysis import TITLE_WEIGHT, analyse, term_id
from chronique.analysis.capitals import run_of
from chronique.analysis.words import STOP_WORDS, normalise_quotes, stem, stems, terms, words
from chronique.text import fold


def texts(text: str) -> list[str]:
    return [token.text for token in words(text)]


def test_elided_articles_are_split_off_names_are_not() -> None:
    assert texts("de l’Intérieur") == ["de", "l'", "Intérieur"]
    assert texts("d'Afrique qu'il") == ["d'", "Afrique", "qu'", "il"]
    # "n'" only comes before verbs: before a capital it is part of a name.
    assert texts("Affi N'Guessan n'a pas") == ["Affi", "N'Guessan", "n'", "a", "pas"]
    assert texts("aujourd'hui") == ["aujourd'hui"]


def test_token_positions_point_into_the_text() -> None:
    text = "Le ministre de l’Intérieur, Bruno Retailleau"
    for token in words(text):
        assert normalise_quotes(text)[token.start : token.end] == token.text


def test_terms_drop_function_words_numbers_and_single_letters() -> None:
    assert terms("Il a été décidé en 2024 que le plan a b c serait le sien") == terms("décidé plan")
    assert terms("The ministers have said that it is over") == [stem("ministers")]
    assert len(terms("décidé plan")) == 2


def test_accents_and_case_do_not_change_a_stem() -> None:
    assert terms("Sécurité") == terms("securite") == terms("SÉCURITÉ")
    assert terms("frontières") == terms("Frontiere")
    assert terms("migrants") == terms("migrant")


def test_hyphenated_and_elided_words_count_as_their_parts() -> None:
    assert terms("franco-marocaine")[-1] == terms("marocaines")[0]
    assert terms("l'immigration") == terms("immigration")


def test_stems_keep_function_words_marked() -> None:
    assert stems("Coupe du Monde") == [(stem("coupe"), True), (stem("du"), False), (stem("monde"), True)]


def test_stop_words_are_folded() -> None:
    assert all(word == fold(word) for word in STOP_WORDS)


def test_unknown_language_leaves_words_unstemmed() -> None:
    assert terms("Migrations", "sw") == ["migrations"]


# -- the per-article analysis counts exactly the stems `terms` finds ---------------------------------------

SAMPLES = [
    "Le ministre de l’Intérieur, Bruno Retailleau, a reçu son homologue marocain à Rabat.",
    "«Sécurité» : la coopération franco-marocaine — renforcée… aujourd'hui ; 2024 visas_accordés!",
    "Œuvre d'art, naïveté, ÉLÈVES et élèves ; x_y, a-b-c, l'État N'Djamena qu’il",
    "The ministers said it's over: migrants, migrant, Migrations.\u00a0Fin\u202f!",
    "",
]


def counted(text: str, language: str = "fr", title: str = "") -> dict[int, float]:
    """An analysis's stem counts, by `term_id`."""
    analysis = analyse(title, text, language)
    ids, weights = array("q", analysis.terms), array("d", analysis.weights)
    assert len(ids) == len(set(ids)) == len(weights)
    return dict(zip(ids, weights, strict=True))


def by_id(found: list[str]) -> Counter[int]:
    return Counter(map(term_id, found))


def test_analysis_counts_exactly_what_terms_finds() -> None:
    for text in SAMPLES:
        assert counted(text) == by_id(terms(text))


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeiouyéèàçœÉA Bz'’-_.,;«»…0123 \n\u00a0")), max_size=80))
def test_analysis_agrees_with_terms_on_any_text(text: str) -> None:
    assert counted(text) == by_id(terms(text))


def test_analysis_weighs_title_words_and_reads_the_language() -> None:
    assert counted("visa", title="visas") == {term_id(stem("visa")): 1.0 + TITLE_WEIGHT}
    assert counted("ministers minister", "en") == {term_id(stem("minister", "en")): 2.0}
    analysis = analyse("Le Maroc et la France", "Rabat. M. Hassad est au Maroc.", "fr")
    assert [run_of(run, True).text for run in analysis.title_runs] == ["Le Maroc", "France"]
    assert [run_of(run, False).text for run in analysis.text_runs] == ["Rabat", "M", "Hassad", "Maroc"]
