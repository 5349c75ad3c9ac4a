"""Named entities: what is a name, which short forms are one name, and the junk that never is."""

from __future__ import annotations

import random

import pytest

from chronique.analysis import analyse
from chronique.analysis.capitals import clean, is_title_case, lower_uses, run_of
from chronique.enrich.entities import entity_key
from conftest import extract_entities


def entities(*texts: str | tuple[str, str]) -> list[list[str]]:
    """Kept entity keys per article, most mentioned first; a text alone has an empty title."""
    pairs = [item if isinstance(item, tuple) else ("", item) for item in texts]
    return [[key for key, _ in kept] for kept in extract_entities(pairs).per_article]


# -- what is a name -------------------------------------------------------------------------------------------

JUNK_TEXT = """Ce matin, le ministre a parlé. Il a rappelé les faits. Cette réunion était attendue.
Les participants sont venus de loin. Mardi, les discussions ont repris. Mardi encore, rien.
Janvier a été calme, Janvier aussi. Concernant les délais, rien n'est fixé. Concernant les accords, non plus.
Bruno a souri. Bruno a conclu. Selon lui, la coopération est bonne. Selon elle, aussi.
M. Laftit a reçu M. Laftit."""


def test_sentence_openers_months_verbs_and_first_names_are_never_entities() -> None:
    (found,) = entities(JUNK_TEXT)
    assert found == ["laftit"]


@pytest.mark.parametrize(
    ("text", "junk"),
    [
        # verbs and other words capitalised only where a sentence opens
        ("Concernant les délais, rien. Concernant la suite, rien.", "concernant"),
        ("Arrivé tôt, il attend. Arrivé à midi, il repart.", "arrive"),
        # months and weekdays, even mid-sentence
        ("Il viendra en Janvier, comme en Janvier dernier. Janvier est froid.", "janvier"),
        ("Rendez-vous le Mardi à Rabat, puis Mardi encore à Rabat.", "mardi"),
        # lone first names
        ("Mohamed a parlé, puis Mohamed est parti. Mohamed reviendra.", "mohamed"),
        ("Selon Sara, tout va bien ; Sara confirme.", "sara"),
        # titles alone
        ("Le Président a parlé. Selon le Président, tout va bien.", "president"),
        ("Le Ministre est arrivé, puis le Ministre est reparti.", "ministre"),
        # single letters, numbers, Roman numerals
        ("Le plan B est prêt, le plan B attendra. Le groupe A aussi, le groupe A joue.", "b"),
        ("Au XVIe siècle, puis au XVIe encore.", "xvie"),
        ("Le roi Mohammed VI, puis VI seul, puis VI encore.", "vi"),
        ("En 2024, puis en 2025, et 2030.", "2024"),
        # common nouns capitalised by convention
        ("L'État paiera, car l'État le doit. Pour l'État, c'est clair.", "etat"),
        # pronouns glued to a name when a heading lost its full stop
        ("Former les jeunes de l'océan Indien Il s'agit de la deuxième académie. Indien Il reste.", "indien il"),
    ],
)
def test_junk_is_never_an_entity(text: str, junk: str) -> None:
    (found,) = entities(text)
    assert junk not in found


def test_a_word_capitalised_only_where_sentences_open_is_no_name() -> None:
    # "Frontex" here could as well be a verb: nothing shows it is a name. Once mid-sentence, it is.
    assert entities("Frontex publie ses chiffres. Frontex précise les flux.") == [[]]
    assert entities("Frontex publie ses chiffres. Frontex précise les flux, dit Frontex.") == [["frontex"]]


def test_an_entity_needs_two_mentions_or_the_title() -> None:
    text = "Le ministre a rencontré Abdellatif Hammouchi à Rabat. La délégation est restée à Rabat."
    assert entities(text) == [["rabat"]]
    assert entities(("Hammouchi reçu à Rabat", text)) == [["rabat", "abdellatif hammouchi"]]


def test_titles_articles_and_plurals_are_not_part_of_a_name() -> None:
    text = (
        "Le Maroc et la France. Le ministre de l'Intérieur, M. Mohamed Hassad, a reçu Mme Rachida Dati. "
        "Au Maroc, Mohamed Hassad et Rachida Dati ont parlé des Comores et de la Comore voisine. "
        "Les Comores aussi."
    )
    (found,) = entities(text)
    assert set(found) == {"comore", "maroc", "mohamed hassad", "rachida dati"}
    assert entity_key("Comores") == entity_key("la Comore")


def test_a_capitalised_article_mid_sentence_belongs_to_the_name() -> None:
    (found,) = entities("Le vol pour Tel Aviv part de La Haye ; Tel Aviv attend, La Haye aussi.")
    assert set(found) == {"tel aviv", "haye"}


def test_a_word_after_an_article_before_a_known_full_name_is_not_part_of_it() -> None:
    texts = [
        "L'attaque comprend l'Algérien Riyad Mahrez. Blessé, Riyad Mahrez reviendra.",
        "Riyad Mahrez a marqué.",
    ]
    assert entities(*texts)[0] == ["riyad mahrez"]


def test_a_common_word_capitalised_before_a_place_is_dropped() -> None:
    texts = [
        "Les ministres de l'Intérieur du Maroc et de la France. L'intérieur du pays est calme.",
        "Au Maroc, la Coupe du Monde se prépare. La Coupe du Monde aura lieu au Maroc.",
    ]
    first, second = entities(*texts)
    assert "interieur du maroc" not in first and "maroc" in second
    assert "coupe du monde" in second


def test_names_joined_by_a_hyphen_are_split_when_both_are_known() -> None:
    texts = [
        "Maroc-France : le sommet. Le Maroc accueille. La France aussi. Au Maroc, en France.",
        "Jean-Marc Ayrault a parlé. Jean-Marc Ayrault a conclu.",
    ]
    first, second = entities(*texts)
    assert first[:2] == ["maroc", "france"]
    assert second == ["jean marc ayrault"]


def test_a_heading_glued_to_a_name_is_split_off() -> None:
    texts = [
        "Selon la BBC, tout va bien. La BBC le confirme.",
        "Andrew Horne a parlé à Londres.",
        "Il a été interrogé par la BBC Andrew Horne, à Londres, et Andrew Horne a répondu.",
    ]
    assert entities(*texts)[2] == ["andrew horne"]  # and no "BBC Andrew Horne"


def test_urls_do_not_make_a_name_common() -> None:
    text = "L'agence Frontex publie sur frontex.europa.eu ses chiffres, que Frontex détaille sur www.frontex.eu."
    assert entities(text) == [["frontex"]]


# -- one name, many forms ----------------------------------------------------------------------------------------


def test_a_lone_surname_is_the_full_name_seen_in_the_archive() -> None:
    first = "Le ministre Bruno Retailleau est arrivé. Retailleau a parlé. Ensuite, Retailleau est reparti."
    second = "Retailleau a signé un accord. Le texte, Retailleau le défend."
    assert entities(first, second) == [["bruno retailleau"], ["bruno retailleau"]]


def test_titled_short_forms_are_the_full_name() -> None:
    first = "M. Mohamed Hassad a reçu Mme Rachida Dati à Rabat."
    second = "M. Hassad a reçu Mme Dati. Le ministre Hassad a ensuite parlé, et Mme Dati a répondu."
    found = extract_entities([("", first), ("", second)]).per_article[1]
    assert dict(found) == {"mohamed hassad": 2, "rachida dati": 2}


def test_an_initial_picks_the_full_name_it_starts() -> None:
    texts = [
        "Bruno Retailleau est ministre.",
        "Marion Retailleau est avocate.",
        "B. Retailleau a parlé, puis B. Retailleau a conclu.",
        "Retailleau a parlé, puis Retailleau a conclu.",
    ]
    found = entities(*texts)
    assert found[2] == ["bruno retailleau"]
    assert found[3] == ["retailleau"]  # Bruno or Marion: the archive cannot tell


def test_a_surname_shared_by_two_full_names_stays_alone() -> None:
    texts = [
        "Emmanuel Macron parle. Emmanuel Macron répond.",
        "Brigitte Macron visite. Brigitte Macron rit.",
        "Selon M. Macron, tout va bien. Macron insiste.",
    ]
    assert entities(*texts)[2] == ["macron"]


def test_the_full_name_in_the_same_article_wins_over_the_archive() -> None:
    texts = [
        "Ali Hassad est député. Ali Hassad vote.",
        "Le ministre Mohamed Hassad a tenu une réunion. M. Hassad a conclu.",
    ]
    assert entities(*texts)[1] == ["mohamed hassad"]


def test_a_first_name_beside_its_full_name_is_that_person_and_never_alone_a_tag() -> None:
    texts = [
        "Tening Sène a parlé. Ensuite, Tening a souri.",
        "Bruno Retailleau est arrivé. Bruno a parlé.",
        "Tening a écrit. Tening a lu. Bruno a répondu. Bruno aussi.",
    ]
    first, second, third = extract_entities([("", text) for text in texts]).per_article
    assert dict(first) == {"tening sene": 2}
    assert dict(second) == {"bruno retailleau": 2}
    assert third == ()


def test_a_surname_first_name_beside_its_full_name_is_that_person() -> None:
    (found,) = entities("Le président Xi Jinping a reçu ses hôtes. Xi a ensuite parlé.")
    assert found == ["xi jinping"]


def test_the_end_of_a_longer_name_is_that_name() -> None:
    (found,) = entities("Aung San Suu Kyi a été condamnée. Suu Kyi conteste.")
    assert found == ["aung san suu kyi"]


def test_a_place_is_the_longer_place_it_starts_but_not_another_kind_of_name() -> None:
    texts = [
        "Au Burkina Faso, la saison commence. Le Burkina Faso attend. Au Burkina, on espère.",
        "Au Maroc, Maroc Telecom investit. Maroc Telecom recrute au Maroc.",
    ]
    first, second = entities(*texts)
    assert first == ["burkina faso"]
    assert set(second) == {"maroc", "maroc telecom"}


def test_a_place_or_a_thing_is_never_a_surname() -> None:
    texts = ["La Russie et la BBC Russie. En Russie, la BBC Russie émet.", "La Russie a parlé à la Russie."]
    assert "russie" in entities(*texts)[1]


def test_entities_do_not_depend_on_the_order_of_the_articles() -> None:
    texts = [
        ("Retailleau à Rabat", "Bruno Retailleau est arrivé à Rabat. Retailleau a parlé."),
        ("", "M. Retailleau a signé à Rabat. Retailleau le défend."),
        ("", "Emmanuel Macron et Brigitte Macron. Macron parle, Macron rit."),
        ("Le Maroc", "Au Maroc, le Maroc avance. Tening Sène et Tening."),
        ("", "Chez Sea-Intelligence, Lars Jensen parle. Selon Sea Intelligence, tout va bien."),
    ] * 3
    expected = extract_entities(texts).per_article
    order = list(range(len(texts)))
    random.Random(7).shuffle(order)
    shuffled = extract_entities([texts[n] for n in order]).per_article
    assert [shuffled[order.index(n)] for n in range(len(texts))] == list(expected)


# -- reading the text -------------------------------------------------------------------------------------------


def runs_of(title: str, text: str) -> list:
    """The runs of capitalised words of an article, title first, with their context, as enrich reads
    them from the article's analysis."""
    analysis = analyse(title, text, "fr")
    return [run_of(raw, True) for raw in analysis.title_runs] + [run_of(raw, False) for raw in analysis.text_runs]


def test_scan_tells_sentence_openings_places_articles_and_abbreviations() -> None:
    runs = runs_of("", "Il vit en Russie. Paris attend M. Hassad et B. Retailleau, à Rabat, près de l'OTAN.")
    context = {run.text: (run.opens, run.before) for run in runs}
    assert context == {
        "Il": (True, ""),
        "Russie": (False, "en"),
        "Paris": (True, ""),
        "M": (False, ""),
        "Hassad": (False, "m."),
        "B": (False, ""),
        "Retailleau": (False, "b."),
        "Rabat": (False, "à"),
        "OTAN": (False, "l'"),
    }


def test_a_title_case_headline_is_not_read_for_names() -> None:
    assert is_title_case("Frontex Unveils Next Steps For Closer Cooperation With Morocco")
    assert not is_title_case("Réunion de travail à Paris des ministres de l'Intérieur marocain et français")
    assert [run.text for run in runs_of("Frontex Unveils Next Steps For Cooperation", "")] == []


def test_urls_are_cleaned_and_lower_case_words_counted() -> None:
    assert "frontex" not in clean("Voir https://Frontex.europa.eu/News et frontex.eu, ou info@frontex.eu.").lower()
    asked = ["Intérieur", "Marocaine", "Franco-Marocaine", "Pays", "Rabat"]
    lower = lower_uses(["L'intérieur du pays et l'Intérieur : franco-marocaine, Rabat."], asked)
    assert lower == {"interieur": 1, "pays": 1, "franco-marocaine": 1, "marocaine": 1}
