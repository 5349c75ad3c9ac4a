"""enrich.words: the words every other part of enrich compares."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from chronique.enrich.words import STOP_WORDS, TermCounter, normalise_quotes, stem, stems, terms, words
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


# -- counting content stems fast ---------------------------------------------------------------------------

SAMPLES = [
    "Le ministre de l’Intérieur, Bruno Retailleau, a reçu son homologue marocain à Rabat.",
    "«Sécurité» : la coopération franco-marocaine — renforcée… aujourd'hui ; 2024 visas_accordés!",
    "Œuvre d'art, naïveté, ÉLÈVES et élèves ; x_y, a-b-c, l'État N'Djamena qu’il",
    "The ministers said it's over: migrants, migrant, Migrations.\u00a0Fin\u202f!",
    "",
]


def counted(texts: list[str], languages: list[str] | None = None, weight: float = 1.0, limit: int | None = None):
    counter = TermCounter()
    counter.count(texts, languages or ["fr"] * len(texts), weight, limit)
    (matrix,), stems_ = counter.finish()
    return [{stems_[column]: value for column, value in zip(row.indices, row.data, strict=True)} for row in matrix]


def test_term_counter_counts_exactly_what_terms_finds() -> None:
    for text, found in zip(SAMPLES, counted(SAMPLES), strict=True):
        assert found == Counter(terms(text))


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeiouyéèàçœÉA Bz'’-_.,;«»…0123 \n\u00a0")), max_size=80))
def test_term_counter_agrees_with_terms_on_any_text(text: str) -> None:
    assert counted([text]) == [Counter(terms(text))]


def test_term_counter_weights_limits_and_languages() -> None:
    assert counted(["visa visas"], weight=2.0) == [{stem("visa"): 4.0}]
    # The limit counts words, function words included: "le" is the first, "port" the second.
    assert counted(["le port de Tanger accueille"], limit=2) == [{stem("port"): 1.0}]
    english = counted(["ministers minister"], ["en"])[0]
    assert english == {stem("minister", "en"): 2.0}


def test_term_counter_columns_are_the_sorted_stems_whatever_the_order() -> None:
    counter = TermCounter()
    counter.count(["zèbre et abricot"], ["fr"])
    counter.count(["migration"], ["fr"])
    (first, second), stems_ = counter.finish()
    assert stems_ == sorted(stems_) and first.shape[1] == second.shape[1] == len(stems_)
    other = TermCounter()
    other.count(["migration", "zèbre et abricot"], ["fr", "fr"])
    (both,), again = other.finish()
    assert again == stems_ and (both[1] != first).nnz == 0
