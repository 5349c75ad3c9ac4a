"""enrich.words: the words every other part of enrich compares."""

from __future__ import annotations

from chronique.enrich.words import STOP_WORDS, normalise_quotes, stem, stems, terms, words
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
