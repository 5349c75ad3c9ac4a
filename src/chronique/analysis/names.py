"""Name keys and the word lists that tell a name from a capitalised common word (lists are folded)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import fold


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`: long lists read better as prose blocks."""
    return frozenset(text.split())


@lru_cache(maxsize=200_000)
def entity_key(surface: str) -> str:
    """The identity of a name: folded, punctuation as spaces, leading article and plural "s"/"x" dropped."""
    parts = _KEY_PARTS.findall(fold(surface.replace("’", "'")))
    while len(parts) > 1 and parts[0] in _LEADING_ARTICLES:
        parts = parts[1:]
    return " ".join(_singular(part) for part in parts)


_KEY_PARTS = re.compile(r"[^\W_]+")
_LEADING_ARTICLES = frozenset({"le", "la", "les", "l", "the"})


def _singular(word: str) -> str:
    # Keys only, never shown: "Comores" and "Comore" meet; "Frontex" keeps its x, "Jeux" loses it.
    if len(word) > 3 and (word.endswith("s") or word.endswith("ux")):
        return word[:-1]
    return word


MONTHS_AND_DAYS = word_set(
    """
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    lundi mardi mercredi jeudi vendredi samedi dimanche
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """
)

# Titles and functions written before a name ("M. Hassad", "le Roi Mohammed VI", "Directeur Général
# de la DGSN"): stripped from the front of a name, never a name alone. Before a lone surname they
# also prove it is a person's ("le ministre Hassad").
TITLE_WORDS = word_set(
    """
    m mm mme mmes mlle mr mrs ms dr pr me sm sar monsieur madame mademoiselle messieurs
    ministre ministres president presidente presidents roi reine prince princesse emir sultan cheikh
    pape general generale directeur directrice secretaire chef maire depute deputee
    senateur senatrice colonel commandant capitaine lieutenant marechal gouverneur wali ambassadeur
    ambassadrice professeur docteur maitre majeste excellence altesse son sa
    pdg ceo chancelier chanceliere vice-president vice-presidente porte-parole procureur procureure
    juge imam pasteur cardinal eveque archeveque abbe rabbin ayatollah sheikh cheik mgr
    minister king queen sir mister prof senator governor judge
    """
)

# Capitalised by French convention but common nouns all the same: "l'État", "la République",
# "le PIB", "une ONG". Alone they name no one thing; inside a longer name they are fine.
COMMON_CAPITALISED = word_set(
    """
    etat etats gouvernement republique ministere nation region departement province union
    internet web pib ong adn arn pcr sms gmt utc tva pme ttc hors-serie
    """
)

# Frequent first names in French-language African, European and English-speaking news. A first
# name alone is too ambiguous for a tag ("Mohamed", "Sara"); within a full name it is fine.
FIRST_NAMES = word_set(
    """
    abdallah abdelaziz abdelkader abdellah abdellatif abdelilah abdelmalek abdou abdoulaye abdul
    ahmed ahmad aicha ali amadou amina aminata anne antoine bernard bruno catherine charles
    christian christine claude daniel david emmanuel eric fatima fatou fatoumata francois francoise
    frederic georges gerard hamid hassan hicham houcine hussein ibrahim ibrahima idriss isabelle
    jacques jean jeanne joseph karim khadija khalid laurent louis mahamadou mamadou marc marie
    martin mehdi michel mohamed mohammed mohamad moussa mustapha mostafa nabil nadia nicolas omar
    oumar ousmane paul philippe pierre rachid robert said salah samir sophie stephane thomas yassine
    youssef yves amine hans john james william george michael peter mary elizabeth
    abdel abderrahmane adama aissatou alassane alpha amadou aliou awa bakary binta boubacar
    cheikh coumba djibril fanta habib hawa issa kadiatou lamine malick mariama modou moustapha
    ndeye ngozi oumou penda saliou seydou souleymane yacouba youssouf chinedu emeka kwame kofi
    ama akua yaw amara tunde femi bola ngugi wanjiru juma baraka neema zainab halima amir
    alain andre annie arnaud aurelie benoit bertrand camille caroline cecile celine chantal
    christophe claire corinne delphine denis didier dominique edouard elise emilie emma eve
    fabien fabrice florian franck gabriel gael guillaume helene henri herve hugo jerome joel
    julie julien justine laetitia laura lea leon lucas lucie luc manon marcel marine mathieu
    maxime michele monique nathalie noel olivier pascal patrick patrice quentin raphael regis
    remi roger romain sandrine sebastien serge simon sylvie thierry valerie vincent virginie xavier
    adam alex alice amy andrew angela angelina ann anna barbara ben betty brian camilla carol
    charlotte chris daniela debbie edward emily felicity frank grace harry helen henry jack jane
    jennifer jessica jim joe jonathan julia kate katherine kevin laura linda lisa margaret mark
    matthew megan melissa michelle mike nancy natalie nick patricia rachel rebecca richard rita
    ronke sam sara sarah stacey steve steven susan tom tony
    ana antonio carlos carmen diego fernando francisco javier jorge jose juan luis manuel maria
    miguel pablo pedro rafael ricardo sergio joao paulo alejandro andres cristina eduardo enrique
    gabriela guillermo ignacio jaime julio lucia marcos mauricio pilar ramon raul roberto rodrigo
    sofia alessandro andrea francesco giovanni giuseppe luca marco matteo paolo stefano
    anke dieter frank hans heinz jurgen klaus stefan ulrich wolfgang
    aleksandr alexander alexei andrei boris dmitri dmitry igor ivan mikhail natalia natalya nikolai
    olga sergei sergey svetlana vladimir yuri
    """
)

# Words that open the name of an organisation: "Banque mondiale", "Parti socialiste", "Fonds
# monétaire international". Evidence of a kind, never of a name.
ORGANISATION_WORDS = word_set(
    """
    organisation organization banque bank parti party fonds fund union association federation
    confederation conseil council comite committee ministere ministry agence agency societe
    compagnie company groupe group universite university institut institute fondation foundation
    front mouvement movement commission assemblee assembly cour court tribunal office ong
    alliance ligue league club coalition syndicat reseau network corporation entreprise
    """
)


# Territory codes of organisations and placeholders: "Nations Unies", "Union européenne", "zone euro"...
_NOT_PLACES = frozenset({"UN", "EU", "EZ", "QO", "XA", "XB", "ZZ"})


# One of these, then "de"/"d'" and a name, is one name: "Banque d'Angleterre", "Université d'Oxford",
# "Coupe d'Afrique", never "Angleterre" and a word alone.
NAME_HEADS = ORGANISATION_WORDS | word_set(
    """
    coupe championnat jeux tournoi festival prix ballon trophee musee palais stade aeroport port
    hopital ecole academie eglise cathedrale mosquee gare pont lac mont golfe detroit canal ile
    """
)


@lru_cache(maxsize=1)
def known_places() -> frozenset[str]:
    """Keys of the world's countries and regions in French and English, as Babel's CLDR data names
    them ("Guinée-Bissau", "Royaume-Uni", "Côte d’Ivoire"): a place, whatever the archive shows."""
    from babel import Locale  # a dependency already (dates); imported here, used once per process

    names = [
        name
        for language in ("fr", "en")
        for code, name in Locale.parse(language).territories.items()
        if code not in _NOT_PLACES
    ]
    return frozenset(entity_key(name) for name in names)
