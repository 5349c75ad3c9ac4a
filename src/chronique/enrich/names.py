"""Word lists that tell a name from a capitalised common word (all folded: lower case, no accents)."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`: long lists read better as prose blocks."""
    return frozenset(text.split())


MONTHS_AND_DAYS = word_set(
    """
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    lundi mardi mercredi jeudi vendredi samedi dimanche
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """
)

# Titles and functions written before a name ("M. Hassad", "le Roi Mohammed VI", "Directeur Général
# de la DGSN"): stripped from the front of a name, never a name alone.
TITLE_WORDS = word_set(
    """
    m mm mme mmes mlle mr mrs ms dr pr me sm sar monsieur madame mademoiselle messieurs
    ministre ministres president presidente presidents roi reine prince princesse emir sultan cheikh
    pape general generale directeur directrice secretaire chef maire depute deputee
    senateur senatrice colonel commandant capitaine lieutenant marechal gouverneur wali ambassadeur
    ambassadrice professeur docteur maitre majeste excellence altesse son sa
    minister president king queen sir mister
    """
)

# Frequent first names in French-language African and European news. A first name alone is too
# ambiguous for a tag ("Mohamed", "Bruno"); within a full name it is fine.
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
    """
)
