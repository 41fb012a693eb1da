"""The minimum situations the knowledge base must capture (issue 2), each checked on the data:
the option exists, covers the right cancer, gives the right things, and tests the right facts."""

from __future__ import annotations

import pytest

from onconav.kb.model import Option, fact_tests
from onconav.logic import Truth, truth


def facts_used(cond) -> set[str]:  # type: ignore[no-untyped-def]
    return {t.fact for t in fact_tests(cond)}


def when(kb, ident: str, facts: dict) -> Truth:  # type: ignore[no-untyped-def,type-arg]
    """The truth of an option's condition (its rules, as the engine reads them)."""
    return truth(kb.rules[ident].when, facts)


def any_caveat(kb, ident: str, facts: dict) -> bool:  # type: ignore[no-untyped-def,type-arg]
    return any(truth(c, facts) is Truth.TRUE for _, c in kb.rules[ident].caveats)


# option id: (cancer, must give (uses, given_with or may_involve), facts its condition must test)
SITUATIONS: dict[str, tuple[str, set[str], set[str]]] = {
    # stomach, stage 4 or recurrent
    "stomach-chemotherapy": ("stomach", {"fluorouracil", "capecitabine"}, set()),
    "stomach-trastuzumab": ("stomach", {"trastuzumab", "chemotherapy"}, {"her2"}),
    "stomach-ramucirumab-paclitaxel": ("stomach", {"ramucirumab", "paclitaxel"}, {"progressed_on"}),
    "stomach-ramucirumab-alone": ("stomach", {"ramucirumab"}, {"progressed_on"}),
    "stomach-nivolumab-chemotherapy": ("stomach", {"nivolumab", "chemotherapy"}, set()),
    "stomach-pembrolizumab-chemotherapy-trastuzumab": (
        "stomach",
        {"pembrolizumab", "chemotherapy", "trastuzumab"},
        {"her2"},
    ),
    "stomach-subtotal-gastrectomy": ("stomach", {"subtotal-gastrectomy"}, {"symptoms"}),
    "stomach-stent-placement": ("stomach", {"stomach-stent"}, {"symptoms"}),
    "stomach-feeding-tube": ("stomach", {"feeding-tube"}, {"symptoms"}),
    "stomach-bowel-obstruction-surgery": ("stomach", {"bowel-obstruction-surgery"}, {"symptoms"}),
    "stomach-external-radiation": ("stomach", {"external-beam-radiation"}, {"symptoms"}),
    "stomach-chemoradiation": ("stomach", {"chemoradiation"}, {"symptoms"}),
    "stomach-palliative-care": ("stomach", {"comfort-care"}, set()),
    "stomach-clinical-trials": ("stomach", {"clinical-trial"}, set()),
    # gastric, recurrent or refractory
    "stomach-chemotherapy-after-surgery": ("stomach", {"chemotherapy"}, {"prior_treatments"}),
    "stomach-nutrition-before-surgery": (
        "stomach",
        {"intravenous-feeding", "nasogastric-tube"},
        {"symptoms", "planned"},
    ),
    "stomach-supportive-care": ("stomach", {"supportive-care"}, set()),
    "stomach-phase-1-trials": ("stomach", {"phase-1-trial"}, set()),
    "stomach-phase-2-trials": ("stomach", {"phase-2-trial"}, set()),
    "stomach-multidisciplinary-centre": ("stomach", {"multidisciplinary-centre"}, set()),
    # rectal, stage 4 or recurrent
    "rectum-chemo-main-unresectable": ("rectum", {"chemotherapy"}, {"resectable"}),
    "rectum-chemo-before-surgery": ("rectum", {"chemotherapy"}, set()),
    "rectum-chemo-after-surgery": ("rectum", {"chemotherapy"}, {"resectable"}),
    "rectum-hepatic-arterial-infusion": (
        "rectum",
        {"hepatic-arterial-infusion", "floxuridine"},
        {"metastases", "resectable"},
    ),
    "rectum-bevacizumab-folfiri": ("rectum", {"bevacizumab", "folfiri"}, set()),
    "rectum-bevacizumab-folfox": ("rectum", {"bevacizumab", "folfox"}, set()),
    "rectum-cetuximab-irinotecan": ("rectum", {"cetuximab", "irinotecan"}, {"kras"}),
    "rectum-panitumumab": ("rectum", {"panitumumab"}, {"kras"}),
    "rectum-regorafenib": ("rectum", {"regorafenib"}, {"most_treatments_tried"}),
    "rectum-chemoradiation": (
        "rectum",
        {"external-beam-radiation", "fluorouracil", "capecitabine"},
        set(),
    ),
    "rectum-local-excision": ("rectum", {"local-excision"}, {"recurrence"}),
    "rectum-bowel-resection": (
        "rectum",
        {"bowel-resection", "right-hemicolectomy"},
        {"prior_treatments"},
    ),
    "rectum-metastasectomy": ("rectum", {"metastasectomy"}, {"metastases", "metastasis_extent"}),
    "rectum-pelvic-exenteration": (
        "rectum",
        {"pelvic-exenteration", "urinary-diversion"},
        {"metastases", "metastasis_extent"},
    ),
    "rectum-colostomy-ileostomy": ("rectum", {"colostomy", "ileostomy"}, set()),
    "rectum-diverting-colostomy": ("rectum", {"diverting-colostomy"}, {"symptoms"}),
    "rectum-bowel-stent": ("rectum", {"bowel-stent"}, set()),
    "rectum-radiofrequency-ablation": (
        "rectum",
        {"radiofrequency-ablation", "cryoablation", "alcohol-ablation", "laser-thermotherapy"},
        {"metastases", "resectable"},
    ),
    "rectum-palliative-radiation": ("rectum", {"palliative-radiation"}, {"symptoms"}),
    "rectum-pelvic-radiation": ("rectum", {"external-beam-radiation"}, {"resectable"}),
    "rectum-radiation-bone-brain": ("rectum", {"external-beam-radiation"}, {"metastases"}),
    "rectum-clinical-trial": ("rectum", {"clinical-trial"}, set()),
    # cervical, stage 4
    "cervix-chemoradiation-weekly-cisplatin": ("cervix", {"cisplatin-weekly-radiation"}, {"stage"}),
    "cervix-chemoradiation-cisplatin-fluorouracil": (
        "cervix",
        {"cisplatin-fluorouracil-radiation"},
        {"stage"},
    ),
    "cervix-brachytherapy": ("cervix", {"brachytherapy", "external-beam-radiation"}, {"stage"}),
    "cervix-radiation-alone": ("cervix", {"external-beam-radiation"}, {"stage"}),
    "cervix-palliative-radiation": ("cervix", {"palliative-radiation"}, {"stage"}),
    "cervix-bevacizumab": ("cervix", {"bevacizumab", "chemotherapy"}, {"stage"}),
    "cervix-cemiplimab": ("cervix", {"cemiplimab"}, {"stage", "progressed_on"}),
    "cervix-pembrolizumab-chemo": ("cervix", {"pembrolizumab", "chemotherapy"}, {"stage"}),
    "cervix-pembrolizumab-chemo-bevacizumab": (
        "cervix",
        {"pembrolizumab", "chemotherapy", "bevacizumab"},
        {"stage"},
    ),
    "cervix-palliative-care": ("cervix", {"comfort-care"}, set()),
    "cervix-clinical-trial": ("cervix", {"clinical-trial"}, set()),
    # any advanced cancer
    "general-bowel-bypass": ("any", {"bowel-bypass"}, {"symptoms"}),
    "general-bowel-stent": ("any", {"bowel-stent"}, {"symptoms"}),
    "general-colostomy": ("any", {"colostomy"}, {"symptoms"}),
    "general-feeding-tube": ("any", {"feeding-tube"}, set()),
    "general-pain-medicine-line": ("any", {"pain-medicine-line"}, {"symptoms"}),
    "general-endoscopic-bleeding-control": ("any", {"endoscopic-bleeding-control"}, {"symptoms"}),
    "general-angiographic-embolisation": ("any", {"angiographic-embolisation"}, {"symptoms"}),
    "general-bleeding-surgery": ("any", {"bleeding-surgery"}, {"symptoms"}),
    "general-nerve-block": ("any", {"nerve-block"}, {"symptoms"}),
    "general-nerve-tumour-removal": ("any", {"nerve-tumour-removal"}, {"symptoms"}),
    "general-bone-rod": ("any", {"bone-rod"}, {"weak_bone"}),
    "general-fracture-surgery": ("any", {"fracture-surgery"}, {"symptoms"}),
    "general-spinal-cord-surgery": ("any", {"spinal-cord-surgery"}, {"symptoms"}),
    "general-ablation": (
        "any",
        {"radiofrequency-ablation", "cryoablation", "alcohol-ablation", "laser-thermotherapy"},
        {"metastases"},
    ),
    "general-palliative-radiation": ("any", {"palliative-radiation"}, set()),
    "general-bone-radiopharmaceutical": (
        "any",
        {"radium-223", "strontium-89"},
        {"metastases"},
    ),
    "general-radioactive-iodine": ("any", {"radioactive-iodine"}, {"cancer"}),
    "general-chemotherapy": ("any", {"chemotherapy"}, set()),
    "general-targeted-therapy": ("any", {"targeted-therapy"}, set()),
    "general-hormone-therapy": ("any", {"hormone-therapy"}, {"hormone_sensitive"}),
    "general-immunotherapy": ("any", {"immunotherapy"}, set()),
    "general-bone-metastasis-drugs": ("any", {"bone-metastasis-drugs"}, {"metastases"}),
    "general-symptom-relief": ("any", {"symptom-relief"}, set()),
    "general-clinical-trial": ("any", {"clinical-trial"}, set()),
}


def option(kb, ident: str) -> Option:  # type: ignore[no-untyped-def]
    record = kb.by_id.get(ident)
    assert isinstance(record, Option), f"no option {ident}"
    return record


@pytest.mark.parametrize("ident", list(SITUATIONS))
def test_situation_is_captured(kb, ident: str) -> None:  # type: ignore[no-untyped-def]
    cancer, gives, facts = SITUATIONS[ident]
    found = option(kb, ident)
    assert cancer in found.cancers
    assert gives <= {*found.uses, *found.given_with, *found.may_involve}
    assert facts <= facts_used(found.when)
    assert not found.in_trials


def test_rectal_chemotherapy_choices_are_nine_with_folfiri_first(kb) -> None:  # type: ignore[no-untyped-def]
    regimens = [
        "folfiri",
        "folfox",
        "capox",
        "capiri",
        "capecitabine",
        "irinotecan",
        "fluorouracil-leucovorin",
        "raltitrexed",
        "trifluridine-tipiracil",
    ]
    ranked = [option(kb, f"rectum-{r}") for r in regimens]
    assert [o.rank for o in ranked] == list(range(1, 10))
    assert ranked[0].prominence is not None and ranked[0].prominence.value in {
        "most_used",
        "standard_first_line",
    }
    # FOLFIRI, FOLFOX and CAPOX are first choices for spread to distant organs (the team picks by
    # health and side effects, ccs-rectal-stage4 1717-1861); the other six are for when FOLFIRI
    # cannot be used, is not tolerated, or a first choice stopped working (2654-2820).
    distant = {"stage": "4", "progressed_on": frozenset(), "cannot_have": frozenset()}
    for first in ranked[:3]:
        assert when(kb, first.id, distant) is Truth.TRUE, first.id
    for other in ranked[3:]:
        assert {"cannot_have", "progressed_on"} <= facts_used(other.when), other.id
        assert when(kb, other.id, distant) is Truth.FALSE, other.id
        for stopped in ("folfiri", "folfox", "capox"):
            after = {**distant, "progressed_on": frozenset({stopped})}
            assert when(kb, other.id, after) is Truth.TRUE, (other.id, stopped)


def test_hepatic_arterial_infusion_is_rarely_used(kb) -> None:  # type: ignore[no-untyped-def]
    assert option(kb, "rectum-hepatic-arterial-infusion").prominence.value == "rarely_used"  # type: ignore[union-attr]


def test_bevacizumab_with_folfiri_comes_first(kb) -> None:  # type: ignore[no-untyped-def]
    assert option(kb, "rectum-bevacizumab-folfiri").rank == 1
    assert option(kb, "rectum-bevacizumab-folfox").rank == 2


def test_targeted_therapy_before_curative_surgery_caveat(kb) -> None:  # type: ignore[no-untyped-def]
    facts = {"resectable": True, "planned": frozenset({"surgery"})}
    for ident in (
        "rectum-bevacizumab-folfiri",
        "rectum-cetuximab-irinotecan",
        "rectum-panitumumab",
    ):
        assert any_caveat(kb, ident, facts), ident


def test_earlier_pelvic_radiation_caveat(kb) -> None:  # type: ignore[no-untyped-def]
    facts = {"prior_treatments": frozenset({"pelvic-radiation"})}
    assert any_caveat(kb, "rectum-chemoradiation", facts)


def test_cervical_timing(kb) -> None:  # type: ignore[no-untyped-def]
    weekly = option(kb, "cervix-chemoradiation-weekly-cisplatin")
    monthly = option(kb, "cervix-chemoradiation-cisplatin-fluorouracil")
    assert {t.value for t in weekly.timing} == {"during_radiation", "weekly"}
    assert {t.value for t in monthly.timing} == {"during_radiation", "every_four_weeks"}
    assert [t.value for t in option(kb, "cervix-brachytherapy").timing] == [
        "during_and_after_external_radiation"
    ]


def test_stage_4a_and_4b_split_cervical_options(kb) -> None:  # type: ignore[no-untyped-def]
    a = {"stage": "4A", "recurrence": "none"}  # the first treatment of stage 4A
    b = {"stage": "4B"}
    only_4 = {"stage": "4"}
    chemoradiation = "cervix-chemoradiation-weekly-cisplatin"
    palliative = "cervix-palliative-radiation"
    assert when(kb, chemoradiation, a) is Truth.TRUE
    assert when(kb, chemoradiation, b) is Truth.FALSE
    assert when(kb, chemoradiation, only_4) is Truth.UNKNOWN
    assert when(kb, chemoradiation, {"stage": "4A"}) is Truth.UNKNOWN  # whether it came back
    assert when(kb, chemoradiation, {"stage": "4A", "recurrence": "local"}) is Truth.FALSE
    # radiation to ease symptoms: for a symptom the cancer causes, at 4B (the cervical source)
    # and at 4A too (the general source, where the cervical one is silent: a clinical review)
    for stage in (a, b):
        assert when(kb, palliative, {**stage, "symptoms": frozenset({"pain"})}) is Truth.TRUE
        assert when(kb, palliative, stage) is Truth.UNKNOWN
        assert when(kb, palliative, {**stage, "symptoms": frozenset()}) is Truth.FALSE


def test_thirteen_palliative_drugs_and_five_combinations(kb) -> None:  # type: ignore[no-untyped-def]
    assert len(option(kb, "cervix-chemo-single-drug").uses) == 13
    others = ("cervix-chemo-single-drug", "cervix-chemo-other-combinations")
    combos = [o for o in kb.options if o.id.startswith("cervix-chemo-") and o.id not in others]
    assert len(combos) == 5
    # besides the five pairs used most, the thirteen drugs may be mixed otherwise (issue 9)
    other = option(kb, "cervix-chemo-other-combinations")
    assert other.uses == option(kb, "cervix-chemo-single-drug").uses == other.choices


def test_care_without_cancer_treatment_does_not_treat_cancer(kb) -> None:  # type: ignore[no-untyped-def]
    for ident in ("stomach-palliative-care", "cervix-palliative-care", "general-symptom-relief"):
        found = option(kb, ident)
        assert not found.treats_cancer
        assert found.when is None, "anyone may choose care without cancer treatment"


def test_notes_explain_the_distinctions(kb) -> None:  # type: ignore[no-untyped-def]
    notes = {n.id for n in kb.data.notes}
    for ident in (
        "stomach-recurrent-vs-refractory",
        "rectum-local-vs-distant",
        "rectum-resectable-or-not",
        "general-treatment-goals",
        "general-you-decide",
        "general-whole-body-or-one-part",
    ):
        assert ident in notes


# The kinds of treatment a person may say they cannot have, for each kind of option: an option
# of that kind must be ruled out by it (radiation with chemotherapy by either). A review found
# radiation with chemotherapy for stomach cancer, and the general palliative radiation, offered.
CANNOT_HAVE_KIND = {
    "chemotherapy": ("chemotherapy",),
    "chemoradiation": ("chemotherapy", "radiation", "chemoradiation"),
    "targeted_therapy": ("targeted therapy",),
    "immunotherapy": ("immunotherapy",),
    "hormone_therapy": ("hormone therapy",),
    "radiation": ("radiation",),
}


@pytest.mark.parametrize("word", sorted({w for ws in CANNOT_HAVE_KIND.values() for w in ws}))
def test_cannot_have_a_kind_rules_out_every_option_of_that_kind(kb, word: str) -> None:  # type: ignore[no-untyped-def]
    from onconav.logic import ruled_out
    from onconav.profile import facts_of, parse_profile

    missed = []
    for found in kb.options:
        if word not in CANNOT_HAVE_KIND.get(found.modality.value, ()):
            continue
        cancer = next((c for c in found.cancers if c != "any"), "lung")
        row = facts_of(parse_profile({"cancer": cancer, "cannot_have": [word]}, kb), kb).row
        if ruled_out(kb.rules[found.id], row) is not Truth.TRUE:
            missed.append(found.id)
    assert not missed, f"cannot have {word}, yet not ruled out: {missed}"
