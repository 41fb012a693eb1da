"""Issue 10: the words people really type, read as they mean them, or refused with a suggestion;
never silently misread."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import assume, example, given, reject, settings
from hypothesis import strategies as st

from onconav import evaluate, load_kb, parse_profile, words
from onconav.engine import Status
from onconav.kb.load import record_labels
from onconav.kb.rules import CAN_STOP, DRUG_TREATMENTS
from onconav.kb.vocabulary import LITTLE_WORDS, normalise_name, without_little_words
from onconav.profile import (
    NARROWED_BY_A_NOTE,
    OPPOSITE_PREFIXES,
    SET_FIELDS,
    UNKNOWN_SITE,
    ProfileError,
    _slips_only,
    close_name,
    closest_name,
    facts_of,
)

KB = load_kb()


def read(data: dict[str, Any]) -> Any:
    return facts_of(parse_profile(data, KB), KB)


def status(data: dict[str, Any], option: str) -> Status:
    return next(o.status for o in evaluate(parse_profile(data, KB), KB).options if o.id == option)


# --------------------------------------------------------------------------------------------
# Cancer site
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "site"),
    [
        ("gastric adenocarcinoma", "stomach"),
        ("Adenocarcinoma of the stomach", "stomach"),
        ("rectal adenocarcinoma", "rectum"),
        ("cervical squamous cell carcinoma", "cervix"),
        ("squamous cell carcinoma of the cervix", "cervix"),
        ("metastatic gastric cancer", "stomach"),
        ("cancer of the rectum", "rectum"),
    ],
)
def test_histology_words_and_word_order_are_left_out(typed: str, site: str) -> None:
    facts = read({"cancer": typed})
    assert facts.site == site
    assert not any(w.startswith("cancer:") for w in facts.warnings), facts.warnings


@pytest.mark.parametrize(
    "typed", ["gastroesophageal junction adenocarcinoma", "GEJ", "GOJ", "OGJ", "cardia",
              "gastro-oesophageal junction cancer", "Siewert II adenocarcinoma"]
)  # fmt: skip
def test_junction_cancer_is_stomach_cancer_saying_so_with_its_trial(typed: str) -> None:
    data = {"cancer": typed, "stage": "4", "biomarkers": {"her2": "3+"}}
    facts = read(data)
    assert facts.site == "stomach"
    assert any("junction" in w and "trastuzumab" in w for w in facts.warnings), facts.warnings
    assert status(data, "stomach-trastuzumab") is Status.offered  # HER2-positive keeps it
    record = KB.by_id["gastroesophageal-junction"]
    assert any(s.source == "gastric-recurrent" for s in record.evidence)  # type: ignore[union-attr]


@pytest.mark.parametrize("typed", [
    "colorectal", "bowel cancer", "mCRC", "CRC", "large bowel",
    # both named (a review: "colon and rectum" was colon cancer and "rectum and colon" rectal
    # cancer, each with "not read" for the other; "colon-rectum" a cancer of no known place)
    "colon and rectum", "rectum and colon", "cancer of the colon and rectum", "colon/rectum",
    "colon-rectum", "rectosigmoid", "rectosigmoid junction cancer",
])  # fmt: skip
def test_colorectal_is_answered_as_colon_and_asks_which(typed: str) -> None:
    facts = read({"cancer": typed})
    assert facts.site == "colon"
    assert any("colon or in the rectum" in w for w in facts.warnings), facts.warnings


@given(data=st.data())
def test_a_name_that_may_be_one_of_several_beside_the_one_it_is_is_that_one(data) -> None:  # type: ignore[no-untyped-def]
    """A name that may be one of several cancers (colorectal: the colon or the rectum) beside a
    name of one of them is that one ("bowel cancer in the rectum" is rectal cancer; it had been
    answered as colon cancer, "rectum" not read, and FOLFIRI, FOLFOX and the targeted drugs
    left out)."""
    broad = data.draw(st.sampled_from([c for c in KB.data.cancers if c.may_be]))
    one = data.draw(st.sampled_from(broad.may_be))
    written = data.draw(st.sampled_from([n for n in broad.names()  # not "colon and rectum"
                                         if not {r.id for p in words.cancer_phrases(n)
                                                 for r in KB.find(p)} & set(broad.may_be)]))
    named = data.draw(st.sampled_from([n for n in KB.by_id[one].names()  # found by its words
                                       if KB.find(" ".join(words.place_words(n)))]))
    form = data.draw(st.sampled_from(["{b} cancer in the {n}", "{b} cancer of the {n}",
                                      "{b} cancer ({n})", "{b} cancer, {n}", "{b} - {n}"]))
    facts = read({"cancer": form.format(b=written, n=named)})
    assert facts.site == one, (form, written, named)
    assert not any("; not read:" in w for w in facts.warnings), facts.warnings


@pytest.mark.parametrize("typed", [
    "bowel cancer not in the rectum", "bowel cancer, not rectal",
    "bowel cancer with rectal bleeding", "bowel cancer spread to the rectum",
    "bowel cancer near the rectum",
    "colorectal cancer after removal of the rectum", "bowel cancer in colon or rectum",
])  # fmt: skip
def test_a_name_that_may_be_one_of_several_is_not_narrowed_by_other_words(typed: str) -> None:
    """Only the two names alone narrow it: a word beside them ("not", "with ... bleeding",
    "spread to", "or") leaves the cancer as the broad name reads it, with its note asking which
    (a review of the change found each read as rectal cancer)."""
    facts = read({"cancer": typed})
    assert facts.site == "colon"
    assert any("colon or in the rectum" in w for w in facts.warnings), facts.warnings


@pytest.mark.parametrize("typed", ["stomach (gastric) cancer", "gastric stomach cancer"])
def test_two_names_of_one_cancer_are_both_read(typed: str) -> None:
    """A review of the page: "stomach (gastric) cancer" warned "not read: gastric"."""
    facts = read({"cancer": typed})
    assert facts.site == "stomach" and not facts.warnings, facts.warnings


def _names_a_place(name: str) -> bool:
    """Whether the words name a cancer or a place in the body, or hold words that do ("rectal
    bleeding", "bleeding from the stomach": read as the cancer named, as before)."""
    primary = words.primary_part(name)
    phrases = [name, *words.cancer_phrases(primary)]
    return bool(primary != name or normalise_name(name) in KB.value_names["metastases"]
                or {KB.kind_of.get(r.id) for p in phrases for r in KB.find(p)}
                & {"cancers", "sites"})  # fmt: skip


NOT_PLACES = [n for kind in ("drugs", "regimens", "symptoms", "tests")
              for c in getattr(KB.data, kind) for n in c.names()
              if not _names_a_place(n)]  # fmt: skip


@given(name=st.sampled_from(NOT_PLACES), cancer=st.sampled_from(["", " cancer"]))
def test_a_drug_a_treatment_a_symptom_or_a_test_is_not_where_a_cancer_started(
    name: str, cancer: str
) -> None:
    """A drug, a mix of drugs, a symptom or a test given as where the cancer started is refused,
    saying what it is ("Xeloda" had been answered as "Xeloda cancer", its options "not for Xeloda
    cancer"); unless the same words name a cancer or a place in the body too."""
    if cancer and " " in name:  # "Xeloda cancer"; not "blood in vomit cancer"
        cancer = ""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": name + cancer}, KB)
    (problem,) = caught.value.problems
    assert problem.field == "cancer"
    # or refused for other words first ("not eating": says what it is not)
    assert "not where the cancer started" in problem.message or "not sure" in problem.message


@given(st.sampled_from([*words.NOT_KNOWN, "#N/A", "\\N", "NaN", "N.A."]),
       st.sampled_from([str.lower, str.upper, str.title]), st.sampled_from(["", " ", "  "]))
@settings(max_examples=120, deadline=None)
def test_the_words_of_an_empty_cell_are_no_cancer(word: str, case: Any, space: str) -> None:
    """"NULL", "nan", "#N/A" or a database's \\N given as where the cancer started were answered
    as a cancer of that name, with the general options ("Options for NULL"; a cohort's rows so
    written were answered, a review): each word that says a value is not known is refused
    naming the field, but those that say where it started is not known ("unknown", "not sure":
    the general options, as before); and a test result so written is not known."""
    typed = space + case(word) + space
    try:
        site = read({"cancer": typed}).site
    except ProfileError as error:
        (problem,) = error.problems
        assert problem.field == "cancer", problem
    else:  # where it started not known: the general options
        assert site == "any" and (words.dont_know(typed) or normalise_name(typed) in UNKNOWN_SITE
                                  or words.UNKNOWN_PRIMARY.search(typed.lower())), typed
    if words.not_known(typed):
        assert read({"cancer": "stomach", "her2": typed}).row["her2"] is None


@pytest.mark.parametrize("typed", ["yes", "True", "OK", "okay"])
def test_a_yes_is_not_where_a_cancer_started(typed: str) -> None:
    with pytest.raises(ProfileError, match="not where the cancer started"):
        parse_profile({"cancer": typed}, KB)


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [("stomache", "stomach"), ("prostrate", "prostate"), ("cervic", "cervical"),
     ("rectun cancer", "rectal")],
)  # fmt: skip
def test_a_near_miss_is_an_error_with_a_suggestion(typed: str, suggestion: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": typed}, KB)
    (problem,) = caught.value.problems
    assert problem.field == "cancer" and f"did you mean {suggestion}" in problem.message


@pytest.mark.parametrize("typed", ["kidney", "pancreatic cancer", "bladder carcinoma", "ovary"])
def test_an_unknown_site_gets_the_general_options_with_a_warning(typed: str) -> None:
    """Said once, in the scope sentence, with the cancers that have sources of their own (a
    warning had said it again: a review of the page)."""
    result = evaluate(parse_profile({"cancer": typed, "stage": "4"}, KB), KB)
    assert not result.has_own_source
    assert f"No source here is about {result.cancer_name} itself" in result.scope
    assert typed.split()[0] in result.cancer_name
    for site in ("stomach", "rectal", "cervical"):
        assert f"{site} cancer" in result.scope
    assert not [w for w in result.warnings if w.startswith("cancer:")]


# --------------------------------------------------------------------------------------------
# Stage
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cancer", "stage", "note"),
    [
        ("Stage IV", "stomach", "4", None),
        ("stage four", "rectum", "4", None),
        ("IVb", "cervix", "4B", None),
        ("IV-B", "cervix", "4B", None),
        ("FIGO IVB", "cervix", "4B", None),
        ("metastatic", "rectum", "4", None),
        ("metastatic", "cervix", "4B", "4B"),
        ("M1", "stomach", "4", None),
        ("T4N1M1", "rectum", "4", "M1"),
        ("pT3 N2 M1a", "stomach", "4", "M1"),
        ("T4N1M1", "cervix", "4B", "4B"),
        ("cT4 N0 M0", "cervix", "4A", "4A"),
        # N left out, as docs/profile.md writes it (they were refused: "not accepted")
        ("T4 M0", "cervix", "4A", "4A"),
        ("T4M0", "cervix", "4A", "4A"),
        ("T3 M1", "cervix", "4B", "4B"),
        ("T3 M1", "rectum", "4", "M1"),
        ("T2 M0", "rectum", "earlier", "M0"),
        ("T3N1M0", "rectum", "earlier", "M0"),
        ("IVC", "rectum", "4", "IVC"),
        # a note in brackets that says spread far is read with the stage
        ("Stage IV (M1)", "cervix", "4B", "4B"),
        ("Stage IV (metastatic)", "cervix", "4B", "4B"),
        # one that says it has not (a review of the command line: "(M0)" was left out, and a
        # cervical IVB (M0) read as 4B without a word)
        ("Stage IV (M0)", "cervix", "4A", "stage 4 that has not spread to distant parts"),
        ("Stage IV (no distant spread)", "cervix", "4A", "(M0) is 4A"),
        ("Stage IVA (cM0)", "cervix", "4A", None),
        ("Stage IVB (M0)", "cervix", None, "but the words also say it has not (M0)"),
        ("stage IV (M0)", "rectum", "4", "says it has not spread to distant parts"),
        ("Stage IV (T4N0M0)", "stomach", "4", "says it has not spread to distant parts"),
        ("Stage IV (M1)", "rectum", "4", None),
        # FIGO IVA has not spread far: beside M1, which is right is not known (it read as 4A)
        ("Stage IVA (M1)", "cervix", None, "stage 4A has not spread to distant parts"),
        ("Stage IVA (M1)", "rectum", "4A", None),  # AJCC IVA of colorectal cancer is M1a
        # a note that names the sub-stage (it was dropped: "Stage IV (FIGO IVB)" read as 4)
        ("Stage IV (FIGO IVB)", "cervix", "4B", None),
        ("Stage IV (IVA)", "cervix", "4A", None),
        # the sub-stage's letter alone in brackets (a review of the command line: dropped)
        ("IV(b)", "cervix", "4B", None), ("4 (a)", "cervix", "4A", None),
        ("IVA (b)", "cervix", "4", "two sub-stages of stage 4"),
        # not after M1 (a review of the change: M1(a) of a cervical cancer had become 4A and M1)
        ("M1(a)", "cervix", "4B", "4B"), ("T4N1M1(a)", "cervix", "4B", "4B"),
        ("Stage IVA (IVB)", "cervix", "4", "two sub-stages of stage 4"),
        ("IV (IVA) (M1)", "cervix", None, "stage 4A has not spread to distant parts"),
        ("Stage IIIB", "cervix", "earlier", None),
        ("advanced", "stomach", None, "does not say the stage"),
        ("T3N1Mx", "rectum", None, "Mx: whether it has spread far is not known"),
        ("cT4 N2 cMx", "stomach", None, "Mx: whether it has spread far is not known"),
    ],
)
def test_stage_words(typed: str, cancer: str, stage: str | None, note: str | None) -> None:
    data = {"cancer": cancer, "stage": typed, "recurrence": "yes"}
    profile = parse_profile(data, KB)
    facts = facts_of(profile, KB)
    assert facts.given["stage"] == stage
    assert profile.as_typed["stage"] == typed  # the words as typed, kept beside
    notes = [w for w in facts.warnings if w.startswith("stage:")]
    if note:
        assert any(note in w for w in notes), notes


@given(stage=st.sampled_from(["IV", "Stage IV", "4", "stage four", "IVA", "Stage IVB", "4B"]),
       note=st.sampled_from(["M0", "cM0", "no distant spread", "non-metastatic", "T4 N0 M0"]),
       cancer=st.sampled_from(["cervix", "rectum", "stomach", "breast"]))  # fmt: skip
def test_a_note_that_says_no_distant_spread_is_read_with_the_stage(
    stage: str, note: str, cancer: str
) -> None:
    """The rule for every stage 4 with a note that says it has not spread far: for the cervix
    (FIGO) stage 4 or 4A is 4A, and 4B cannot be both (not known, with a warning); for any other
    cancer the stage is read as without the note, with a warning that the two disagree."""
    facts = facts_of(parse_profile({"cancer": cancer, "stage": f"{stage} ({note})"}, KB), KB)
    plain = facts_of(parse_profile({"cancer": cancer, "stage": stage}, KB), KB).given["stage"]
    notes = [w for w in facts.warnings if w.startswith("stage:")]
    if cancer == "cervix":
        assert facts.given["stage"] == (None if plain == "4B" else "4A"), notes
        assert bool(notes) is (plain != "4A"), notes
    else:
        assert facts.given["stage"] == plain
        assert any("says it has not spread to distant parts of the body" in w for w in notes)


@pytest.mark.parametrize("cancer", ["cervix", "rectum"])
def test_a_note_of_a_sub_stage_is_read_with_the_stage(cancer: str) -> None:
    """The rule for every stage 4 written with a stage 4 in brackets after it ("Stage IV
    (FIGO IVB)"): the note's sub-stage when the stage names none, the stage when both name the
    same or the note names none, and stage 4, its sub-stage not known, when they name two."""
    words = {"IV": "4", "4": "4", "IVA": "4A", "4A": "4A", "IVB": "4B", "4B": "4B",
             "Stage IV": "4", "stage IVB": "4B"}  # fmt: skip
    for outer, first in words.items():
        for inner, second in words.items():
            typed = f"{outer} (FIGO {inner})"
            subs = {first, second} - {"4"}
            expected = "4" if len(subs) > 1 else (subs.pop() if subs else "4")
            facts = facts_of(parse_profile({"cancer": cancer, "stage": typed}, KB), KB)
            assert facts.given["stage"] == expected, typed


def test_a_stage_that_is_no_stage_is_refused() -> None:
    with pytest.raises(ProfileError, match=r"stage: 'purple' is not accepted"):
        parse_profile({"cancer": "rectum", "stage": "purple"}, KB)


@pytest.mark.parametrize("typed", ["04", "14", "40", "44", "Stage 04", "stage 41", "IV1"])
def test_a_stage_of_two_digits_is_refused(typed: str) -> None:
    """A sub-stage's number stands only after its letter (IVA1, IIIC2r): "04" had read as stage
    1 to 3 by its "0", and "40" as stage 4 (a front-end review)."""
    with pytest.raises(ProfileError, match=r"stage: .* is not accepted"):
        parse_profile({"cancer": "rectum", "stage": typed}, KB)


@pytest.mark.parametrize("typed", ["-4", "\u22124", "- 4", "-IV", "-IVB", "-4B", "\u20133",
                                   "stage -4", "(-4)", "\u20144", "\u20104", "\uff0d4", "\ufe634",
                                   "-stage 4"])  # fmt: skip
def test_a_stage_with_a_minus_in_front_is_refused(typed: str) -> None:
    """A minus sign in front of a stage is no stage, as the number -4 is none: "-4" was read as
    stage 4 (the sign dropped with the other marks)."""
    with pytest.raises(ProfileError, match=r"stage: .* is not accepted"):
        parse_profile({"cancer": "rectum", "stage": typed}, KB)


@pytest.mark.parametrize(("typed", "stage"), [("IV-B", "4B"), ("4-", "4"), ("IVB", "4B")])
def test_a_dash_inside_or_after_a_stage_is_no_minus(typed: str, stage: str) -> None:
    assert words.stage(typed).value == stage


# --------------------------------------------------------------------------------------------
# Biomarkers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("3+", "positive"), ("HER2 3+", "positive"), ("IHC 3+", "positive"),
     ("HER2-positive", "positive"), ("HER2+", "positive"), ("amplified", "positive"),
     ("ISH positive", "positive"), ("0", "negative"), ("1+", "negative"),
     ("negative", "negative"), ("not amplified", "negative"), ("2+", "equivocal"),
     ("equivocal", "equivocal")],
)  # fmt: skip
def test_her2_words(typed: str, value: str) -> None:
    assert read({"cancer": "stomach", "biomarkers": {"her2": typed}}).given["her2"] == value


def test_an_equivocal_her2_asks_for_the_ish_test() -> None:
    result = evaluate(parse_profile({"cancer": "stomach", "her2": "2+"}, KB), KB)
    trastuzumab = next(o for o in result.options if o.id == "stomach-trastuzumab")
    assert trastuzumab.status is Status.needs_information
    [missing] = trastuzumab.missing
    assert missing.fact == "her2" and "ISH" in missing.question
    assert [t.name for t in missing.tests] == ["HER2 ISH test"]  # (the test of a borderline result)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("mutated", "mutated"), ("mutant", "mutated"), ("KRAS G12C", "mutated"), ("G12D", "mutated"),
     ("Q61H", "mutated"), ("p.G13D", "mutated"), ("wild-type", "wild-type"), ("WT", "wild-type"),
     ("not mutated", "wild-type"), ("no mutation", "wild-type")],
)  # fmt: skip
def test_kras_words(typed: str, value: str) -> None:
    assert read({"cancer": "rectum", "biomarkers": {"kras": typed}}).given["kras"] == value


@pytest.mark.parametrize(
    "data",
    [{"cancer": "rectum", "biomarkers": {"KRAS": "G12D"}},
     {"cancer": "rectum", "biomarkers": {"Kras": "mutant"}},
     {"cancer": "rectum", "kras": "mutated"}, {"cancer": "rectum", "KRAS": "G12V"}],
)  # fmt: skip
def test_biomarker_keys_in_any_case_and_at_the_top_level(data: dict[str, Any]) -> None:
    assert read(data).given["kras"] == "mutated"


# --------------------------------------------------------------------------------------------
# Treatments, symptoms and spread
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ids"),
    [("mFOLFOX6", {"folfox"}), ("FOLFOX4", {"folfox"}), ("CapeOx", {"capox"}),
     ("XELOX", {"capox"}), ("FOLFIRI-bev", {"folfiri", "bevacizumab"}),
     ("TAS-102", {"trifluridine-tipiracil"}), ("carbo/taxol", {"carboplatin", "paclitaxel"}),
     ("carboplatin + paclitaxel", {"carboplatin", "paclitaxel"}),
     ("cisplatin and paclitaxel", {"cisplatin-paclitaxel"}), ("Herceptin", {"trastuzumab"}),
     ("Ogivri", {"trastuzumab"}), ("Mvasi", {"bevacizumab"}), ("platinum", {"platinum"}),
     ("taxane", {"taxane"}), ("fluoropyrimidine", {"fluoropyrimidine"}),
     ("anti-EGFR", {"anti-egfr"}), ("checkpoint inhibitor", {"checkpoint-inhibitor"})],
)  # fmt: skip
@pytest.mark.parametrize("field", ["progressed_on", "cannot_have", "prior_treatments"])
def test_treatment_spellings_resolve_in_every_treatment_field(
    typed: str, ids: set[str], field: str
) -> None:
    data: dict[str, Any] = {"cancer": "rectum", field: [typed]}
    if field == "progressed_on":
        data["prior_treatments"] = ["chemotherapy"]
    assert read(data).given[field] == frozenset(ids)


def test_a_drug_class_that_cannot_be_had_rules_out_its_drugs() -> None:
    data = {"cancer": "cervix", "stage": "4B", "cannot_have": ["platinum"]}
    assert status(data, "cervix-chemo-cisplatin-paclitaxel") is Status.not_suitable
    assert status(data, "cervix-chemo-paclitaxel-topotecan") is Status.offered


@pytest.mark.parametrize(
    ("typed", "counts_as"),
    [("FOLFOX", "chemotherapy"), ("Herceptin", "targeted-therapy"), ("gastrectomy", "surgery"),
     ("colectomy", "bowel-resection"), ("low anterior resection", "bowel-resection"),
     ("chemoradiation", "radiation"), ("chemoradiation", "chemotherapy"),
     ("brachytherapy", "radiation"), ("radiotherapy", "radiation"), ("EBRT", "radiation")],
)  # fmt: skip
def test_prior_treatments_take_any_known_treatment_as_its_kind(typed: str, counts_as: str) -> None:
    facts = read({"cancer": "rectum", "prior_treatments": [typed]})
    values = facts.given["prior_treatments"]
    assert any(counts_as in KB.vocabulary.up("prior_treatments", v) for v in values), values


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_radiotherapy_reads_as_radiation_in_any_name(data: st.DataObject) -> None:
    """A name the knowledge base knows with the word "radiation" reads the same with
    "radiotherapy" in its place, in every list of treatments ("radiotherapy to the pelvis",
    "pelvic radiotherapy"): a review found them refused with a hint about drugs, while
    "radiotherapy" alone and "radiation to the pelvis" were known."""
    field = data.draw(st.sampled_from(["prior_treatments", "progressed_on", "cannot_have",
                                       "planned"]))  # fmt: skip
    values = KB.vocabulary.known(field)
    written = [KB.label(field, v) for v in values] + [
        n for v in values if v in KB.by_id for n in record_labels(KB.by_id[v])]
    names = sorted({n for n in written if re.search(r"(?i)\bradiation\b", n)})
    assume(names)
    name = data.draw(st.sampled_from(names))
    typed = re.sub(r"(?i)\bradiation\b", "radiotherapy", name)
    base = {"cancer": "rectum", "stage": "4"}
    assert read({**base, field: [typed]}).given[field] == read({**base, field: [name]}).given[field]


@pytest.mark.parametrize("typed", ["radiotherapy to the pelvis", "pelvic radiotherapy",
                                   "Radiotherapy to the pelvis"])  # fmt: skip
def test_pelvic_radiotherapy_is_radiation_to_the_pelvis(typed: str) -> None:
    facts = read({"cancer": "rectum", "prior_treatments": [typed]})
    assert facts.given["prior_treatments"] == frozenset({"pelvic-radiation"})


def test_radiation_named_by_how_it_was_given_leaves_the_pelvis_undecided() -> None:
    data = {"cancer": "rectum", "stage": "4", "prior_treatments": ["EBRT"]}
    result = evaluate(parse_profile(data, KB), KB)
    chemoradiation = next(o for o in result.options if o.id == "rectum-chemoradiation")
    caveat = next(c for c in chemoradiation.caveats if c.id == "prior-pelvic-radiation")
    assert not caveat.applies and caveat.undecided == ["prior_treatments"]


@pytest.mark.parametrize(
    ("field", "typed", "value"),
    [("symptoms", "can't swallow", "trouble-swallowing"), ("symptoms", "rectal bleeding",
      "gut-bleeding"), ("symptoms", "vaginal bleeding", "vaginal-bleeding"),
     ("symptoms", "pathologic fracture", "broken-bone"), ("symptoms", "impending fracture",
      "weak-bone"), ("symptoms", "fracture risk", "weak-bone"), ("symptoms", "weak femur",
      "weak-bone"), ("symptoms", "MSCC", "spinal-cord-compression"),
     ("symptoms", "gastric outlet obstruction", "stomach-outlet-blockage"),
     ("symptoms", "large bowel obstruction", "bowel-obstruction"), ("symptoms", "SBO",
      "bowel-obstruction"), ("symptoms", "cachexia", "malnutrition"),
     ("symptoms", "weight loss", "malnutrition"), ("metastases", "liver mets", "liver"),
     ("metastases", "osseous", "bone"), ("metastases", "omental", "peritoneum")],
)  # fmt: skip
def test_symptom_and_spread_words(field: str, typed: str, value: str) -> None:
    assert read({"cancer": "rectum", field: [typed]}).given[field] == frozenset({value})


@pytest.mark.parametrize(("typed", "value"), [("a few", "few"), ("oligometastatic", "few"),
                                              ("widespread", "many")])  # fmt: skip
def test_extent_words(typed: str, value: str) -> None:
    facts = read({"cancer": "rectum", "metastasis_extent": typed})
    assert facts.given["metastasis_extent"] == value


def test_vaginal_bleeding_feeds_the_bleeding_rule() -> None:
    data = {"cancer": "cervix", "stage": "4B", "symptoms": ["vaginal bleeding"]}
    assert status(data, "general-endoscopic-bleeding-control") is Status.not_suitable
    assert status(data, "cervix-palliative-radiation") is Status.offered


def test_every_word_given_is_shown_back_as_read_with_the_words_as_typed() -> None:
    data = {"cancer": "GEJ adenocarcinoma", "stage": "Stage IVB", "her2": "IHC 3+",
            "progressed_on": ["mFOLFOX6"], "symptoms": ["can't swallow"]}  # fmt: skip
    result = evaluate(parse_profile(data, KB), KB)
    echoed = result.model_dump(mode="json")["profile"]
    assert echoed["cancer"] == "gastroesophageal-junction" and echoed["stage"] == "4B"
    assert echoed["biomarkers"] == {"her2": "positive"}
    assert echoed["progressed_on"] == ["folfox"] and echoed["symptoms"] == ["trouble-swallowing"]
    assert echoed["as_typed"] == {
        "cancer": "GEJ adenocarcinoma", "stage": "Stage IVB", "biomarkers.her2": "IHC 3+",
        "progressed_on": ["mFOLFOX6"], "symptoms": ["can't swallow"],
    }  # fmt: skip
    shown = {u.fact: (u.value, u.as_typed) for u in result.understood}
    assert shown["progressed_on"] == ("FOLFOX", ["mFOLFOX6"])
    again = parse_profile(echoed, KB).model_dump(exclude={"as_typed"})
    assert again == parse_profile(data, KB).model_dump(exclude={"as_typed"})


LIST_VALUES = [(field, value) for field in SET_FIELDS
               for value in sorted(set(KB.value_names[field].values()))]  # fmt: skip


@pytest.mark.parametrize(("field", "value"), LIST_VALUES)
def test_a_lists_value_given_as_itself_is_not_kept_as_typed(field: str, value: str) -> None:
    """A list's value given by its id or its label, in any case (a ticked box sends the id), is
    no words of the person's to show back: "surgery to remove part of the bowel, FOLFOX (you
    wrote: bowel-resection, FOLFOX)" showed a tick's id as if typed. Only a name read as other
    words is kept, beside such values."""
    for name in (value, KB.label(field, value), value.upper()):
        profile = parse_profile({"cancer": "rectum", field: [name]}, KB)
        if value in getattr(profile, field):  # read as itself (brachytherapy is radiation had)
            assert field not in profile.as_typed, (field, name, profile.as_typed)
    other = {"metastases": "liver mets", "symptoms": "dysphagia",
             "used_for_my_cancer": "immunotherapy drugs",
             "kin_may_work": "anti-PD-1"}.get(field, "chemo")  # fmt: skip
    profile = parse_profile({"cancer": "rectum", field: [value, other]}, KB)
    if value in getattr(profile, field):
        assert profile.as_typed.get(field) == [other], (field, value, profile.as_typed)


def test_ticked_and_typed_treatments_show_only_the_words_typed() -> None:
    ticked = parse_profile({"cancer": "rectal cancer",
                            "prior_treatments": ["bowel-resection", "FOLFOX"]}, KB)  # fmt: skip
    assert ticked.prior_treatments == ["bowel-resection", "folfox"]
    assert "prior_treatments" not in ticked.as_typed
    [understood] = [u for u in evaluate(ticked, KB).understood if u.fact == "prior_treatments"]
    assert understood.as_typed is None
    typed = parse_profile({"cancer": "rectum", "prior_treatments": ["colectomy", "FOLFOX"]}, KB)
    assert typed.as_typed["prior_treatments"] == ["colectomy"]
    # a result's profile of before, its ids among its words, keeps only the words typed
    posted = {"cancer": "rectum", "prior_treatments": ["bowel-resection", "folfox"],
              "as_typed": {"prior_treatments": ["colectomy", "FOLFOX"]}}  # fmt: skip
    assert parse_profile(posted, KB).as_typed == {"prior_treatments": ["colectomy"]}


YES_NO_FIELDS = ["resectable", "most_treatments_tried", "wants_cancer_treatment",
                 "chemo_for_spread", "hormone_sensitive", "weak_bone",
                 "tumour_on_nerve", "tumour_may_block"]  # fmt: skip


@given(
    field=st.sampled_from(YES_NO_FIELDS),
    answer=st.booleans(),
    spelling=st.sampled_from(["plain", "yes/no", "true/false"]),
    case=st.sampled_from([str.lower, str.upper, str.capitalize]),
)
def test_yes_and_no_are_not_echoed_as_other_words(field: str, answer: bool, spelling: str,
                                                  case: Any) -> None:  # fmt: skip
    """The plain words of a yes/no answer (the page sends yes and no) are the answer itself:
    only other words (y, 1, on) are shown back as typed."""
    words = {"plain": answer, "yes/no": case("yes" if answer else "no"),
             "true/false": case("true" if answer else "false")}[spelling]  # fmt: skip
    profile = parse_profile({"cancer": "rectum", field: words}, KB)
    assert getattr(profile, field) is answer
    assert field not in profile.as_typed
    other = "y" if answer else "n"
    assert parse_profile({"cancer": "rectum", "resectable": other}, KB).as_typed == {
        "resectable": other
    }


def test_id_label_and_schema_are_kept_not_evaluated() -> None:
    data = {"$schema": "../schemas/profile.schema.json", "id": "p-17", "label": "Ana, clinic 3",
            "cancer": "rectum"}  # fmt: skip
    profile = parse_profile(data, KB)
    dumped = profile.model_dump(by_alias=True, exclude_none=True)
    assert dumped["id"] == "p-17" and dumped["$schema"] == data["$schema"]
    assert evaluate(profile, KB).options == evaluate(parse_profile({"cancer": "rectum"}, KB),
                                                     KB).options  # fmt: skip


# --------------------------------------------------------------------------------------------
# Every alias of every vocabulary entry, in any case and spacing
# --------------------------------------------------------------------------------------------

ALIASES = sorted(
    (fact.id, name, record.id)
    for fact in KB.facts.values()
    if fact.values_from
    for kind in fact.values_from
    for record in getattr(KB.data, {"therapies": "drugs"}.get(kind, kind))
    for name in record.names()
)
ALIASES += sorted(
    (fact, name, record.id)
    for fact in ("progressed_on", "cannot_have", "prior_treatments")
    for kind in ("regimens", "drug_classes", "procedures")
    for record in getattr(KB.data, kind)
    if record.id in KB.vocabulary.known(fact)  # no operation or stent stops working
    for name in record.names()
)


def _variants(draw: st.DrawFn, name: str) -> str:
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in name)
    return draw(st.sampled_from(["", " ", "  "])) + cased + draw(st.sampled_from(["", " "]))


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_alias_resolves_in_any_case_and_spacing(data: st.DataObject) -> None:
    fact, name, ident = data.draw(st.sampled_from(ALIASES))
    typed = _variants(data.draw, name)
    if fact == "cancer":
        facts = read({"cancer": typed})
        target = getattr(KB.by_id[ident], "read_as", None) or ident
        assert facts.site == ("any" if ident == "any" else target), (typed, ident)
        return
    profile: dict[str, Any] = {"cancer": "rectum", fact: [typed]}
    if fact == "progressed_on":
        profile["prior_treatments"] = ["chemotherapy"]
    values = read(profile).given[fact]
    same = {r for _, n, r in ALIASES if n.lower() == name.lower()}  # a name two records share
    # a radiation named by how it is given is read as radiation (and as itself if it is more)
    assert values and values <= same | {"radiation"}, (typed, values, ident)


CHEMORADIATIONS = [r for r in KB.data.regimens if "chemoradiation" in r.counts_as]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_chemoradiation_regimen_written_as_its_drugs_with_radiation_is_that_regimen(
    data: st.DataObject,
) -> None:
    """A regimen that is a chemoradiation, written as its drugs (by any of their names, with any
    separator) with radiation, or as radiation or chemoradiation with its drugs in brackets, is
    read as the regimen's own name is: "cisplatin with radiotherapy" had been cisplatin itself
    stopping (ruling out the cisplatin pairs), where "cisplatin with radiation" was not. What
    cannot be had is each part as written."""
    regimen = data.draw(st.sampled_from(CHEMORADIATIONS))
    drugs = [data.draw(st.sampled_from(KB.by_id[d].names())) for d in regimen.components]
    joined = data.draw(st.sampled_from([" and ", " + ", "/", " plus ", " & "])).join(drugs)
    rays = data.draw(st.sampled_from(["radiation", "radiotherapy", "radiation therapy"]))
    typed = data.draw(st.sampled_from([f"{joined} with {rays}", f"{rays} ({joined})",
                                       f"chemoradiation ({joined})"]))  # fmt: skip
    field = data.draw(st.sampled_from(["prior_treatments", "progressed_on", "planned",
                                       "cannot_have"]))  # fmt: skip
    if field == "cannot_have" and ("(" in typed or words.in_our_words(typed).lower() in {
            n.lower() for n in regimen.names()}):  # fmt: skip
        return  # a note in brackets narrows no list of what cannot be had; a name is the regimen
        # ("cisplatin with radiotherapy" is "cisplatin with radiation": ``words.OUR_WORDS``)
    written = read({"cancer": "cervix", field: [typed]}).given[field]
    if field == "cannot_have":  # each part, as written: neither the drugs nor radiation
        # (read as the regimen, a review of the change found the cisplatin pairs offered to
        # one who said they cannot have cisplatin and radiation)
        assert set(regimen.components) | {"chemoradiation"} <= written, (typed, written)
        return
    named = read({"cancer": "cervix", field: [regimen.name]}).given[field]
    assert written == named, (typed, written, named)


@settings(max_examples=200, deadline=None)
@given(
    had=st.sampled_from(sorted({(n, r) for f, n, r in ALIASES if f == "prior_treatments"})),
    cancer=st.sampled_from(["stomach", "rectum", "cervix", "lung"]),
    stage=st.sampled_from(["4", "4B", None]),
)
def test_a_drug_treatment_had_however_named_never_says_nothing_stopped_working(
    had: tuple[str, str], cancer: str, stage: str | None
) -> None:
    """A treatment had that gives a drug (chemoradiation gives chemotherapy; hormone therapy and
    radioactive drugs are drug treatments too), by any of its names: whether something stopped
    working stays unknown, never read as nothing (the answer a
    profile with only treatments that give no drug implies); and it is read as a drug treatment
    (no warning that none was had)."""
    name, ident = had
    data: dict[str, Any] = {"cancer": cancer, "prior_treatments": [name]}
    if stage:
        data["stage"] = stage
    facts = read(data)
    if "clinical-trial" in KB.vocabulary.up("prior_treatments", ident):  # which drug, if any,
        assert facts.row["progressed_on"] is None, name  # a trial gave is not said
    elif KB.vocabulary.up("prior_treatments", ident) & DRUG_TREATMENTS:
        assert facts.row["progressed_on"] is None, (name, facts.given["prior_treatments"])
        gives = set().union(*(KB.vocabulary.up("prior_treatments", v)
                              for v in facts.given["prior_treatments"]))  # fmt: skip
        assert gives & DRUG_TREATMENTS, (name, facts.given["prior_treatments"])
    elif KB.vocabulary.up("prior_treatments", ident) & CAN_STOP:  # radiation or ablation had:
        assert facts.row["progressed_on"] is None, name  # it may have stopped (clinical13)
    else:
        assert facts.row["progressed_on"] == frozenset(), name


# --------------------------------------------------------------------------------------------
# What a fresh-eyes test found misread (issue 10 review): each now read right, or refused
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["KRAS WT, NRAS mutated", "wild type KRAS, mutant NRAS", "KRAS wt / NRAS mt", "no KRAS G12C",
     "negative for KRAS G12C", "KRAS G12D not detected", "KRAS mutated? pending",
     "KRAS variant of unknown significance", "HRAS mutation", "BRAF V600E", "NRAS Q61K",
     "KRAS mutation not excluded", "a KRAS mutation cannot be ruled out",
     "NRAS and HRAS wild-type", "KRAS exon 2 and NRAS wild-type", "KRAS/NRAS/BRAF wild type",
     "KRAS WT NRAS mt", "WT/MT", "wt mut", "No actionable mutations",
     "no targetable KRAS alteration"],
)  # fmt: skip
def test_kras_words_that_do_not_give_the_kras_result_are_refused(typed: str) -> None:
    with pytest.raises(ProfileError, match=r"biomarkers\.kras"):
        parse_profile({"cancer": "rectum", "biomarkers": {"kras": typed}}, KB)


@settings(max_examples=200, deadline=None)
@given(gene=st.sampled_from(["NRAS", "N-RAS", "nras", "HRAS", "H-Ras", "RAS", "Ras", "ras"]),
       result=st.sampled_from(["mutant", "mutated", "positive", "mutation", "G12D", "Q61K",
                               "mutation detected", "p.Gly12Asp"]),
       before=st.sampled_from(["", "extended ", "the "]), after=st.sampled_from(["", " found"]))
def test_a_mutation_of_another_ras_gene_or_of_ras_unnamed_is_never_kras(
    gene: str, result: str, before: str, after: str
) -> None:
    """A mutation said of NRAS or HRAS, in any spelling ("N-RAS mutant" was KRAS mutated), or of
    RAS without saying which gene ("RAS mutant" may be NRAS's alone), never reads as KRAS
    mutated: it is refused, naming the KRAS result as what to give. ("RAS wild-type" says every
    RAS gene is, KRAS too.)"""
    for typed in (f"{before}{gene} {result}{after}", f"{before}{gene}-{result}{after}"):
        with pytest.raises(words.NotUnderstood, match="KRAS result"):
            words.kras(typed)


@settings(max_examples=150, deadline=None)
@given(others=st.lists(st.sampled_from(["NRAS", "N-RAS", "HRAS", "nras"]), min_size=1,
                       max_size=2),
       kras=st.sampled_from(["KRAS", "K-RAS", "kras"]), at=st.integers(0, 2),
       join=st.sampled_from(["/", ", ", " and ", " & "]),
       wild=st.sampled_from(["wild type", "wild-type", "WT", "not mutated",
                             ": no mutation detected", " negative"]),
       mutated=st.sampled_from(["", " mutated", " G12D", " mt", " mutant"]))  # fmt: skip
def test_ras_genes_named_together_with_one_result_of_none_is_kras_wild_type(
    others: list[str], kras: str, at: int, join: str, wild: str, mutated: str
) -> None:
    """"KRAS and NRAS wild-type" says KRAS has no mutation: wild-type (it was refused as naming
    another gene). Any gene of them said otherwise ("KRAS WT, NRAS mt") is never wild-type."""
    genes = [*others]
    genes.insert(min(at, len(genes)), kras)
    if mutated:  # one gene said to be mutated: never read as KRAS wild-type
        genes[-1] += mutated
    typed = join.join(genes) + ("" if wild.startswith((":", " ")) else " ") + wild
    if not mutated:
        assert words.kras(typed) == "wild-type", typed
    else:
        with pytest.raises(words.NotUnderstood):
            words.kras(typed)


@pytest.mark.parametrize("name", ["RAS mutant rectal cancer", "rectal cancer, N-RAS mutant",
                                  "NRAS wild-type rectal cancer", "rectal cancer, HRAS WT"])
def test_a_ras_result_in_a_name_that_does_not_say_kras_is_not_read(name: str) -> None:
    """"RAS wild-type" in a cancer's name says KRAS is (every RAS gene is); "RAS mutant" may be
    NRAS's alone, and NRAS or HRAS says nothing of KRAS: not read, and named."""
    facts = read({"cancer": name, "stage": "4"})
    assert facts.given["kras"] is None
    assert any("not read" in w for w in facts.warnings), facts.warnings


@pytest.mark.parametrize(("typed", "value"), [("RAS wild-type", "wild-type"), ("MT", "mutated"),
                                              ("extended RAS wild-type", "wild-type"),
                                              ("KRAS/NRAS wild type", "wild-type"),
                                              ("KRAS and NRAS: no mutation detected",
                                               "wild-type"),
                                              ("K-RAS mutant", "mutated"),
                                              ("KRAS mut", "mutated"),
                                              ("p.Gly12Asp", "mutated"),
                                              # a report's words for no change: they had read
                                              # as mutated, by "variant" and "detected"
                                              ("No pathogenic variant detected", "wild-type"),
                                              ("no variant detected", "wild-type"),
                                              ("no KRAS alterations found", "wild-type"),
                                              ("mutation detected: none", "wild-type"),
                                              ("variants identified: none", "wild-type"),
                                              ("KRAS exon 2 mutation detected", "mutated"),
                                              ("variant detected", "mutated"),
                                              ("No pathogenic mutation detected", "wild-type"),
                                              ("no clinically relevant variants", "wild-type"),
                                              ("no detectable mutation", "wild-type"),
                                              ("variant: none", "wild-type")])  # fmt: skip
def test_more_kras_words(typed: str, value: str) -> None:
    assert read({"cancer": "rectum", "biomarkers": {"kras": typed}}).given["kras"] == value


@pytest.mark.parametrize(
    ("typed", "value"),
    [("+", None), ("++", None), ("+++", "positive"), ("HER2 IHC 2+, ISH not amplified", "negative"),
     # a dash alone is a table's blank cell as often as a negative result: not read as negative
     ("-", None), ("--", None), (" - ", None), ("HER2-", "negative"), ("HER2 -ve", "negative"),
     ("HER2: -", None), ("her2 status: -", None), ("HER2 = -", None), ("HER2 --", None),
     ("HER2 -", "negative"), ("\u2212", None),
     ("-ve", "negative"),
     ("HER2 2+, FISH amplified", "positive"), ("Her2neu negative (score 1+)", "negative"),
     ("HER2 3+?", None), ("HER2 pending", None), ("HER2 positivity not excluded", None),
     ("HER2 inconclusive", None),
     # two IHC scores say no one result (2+ was dropped as if an ISH had settled it)
     ("1+/2+", None), ("1-2+", None), ("1+, 2+", None), ("2+/3+", None),
     ("IHC 2+, ISH amplified", "positive"), ("2+ not amplified", "negative"),
     ("IHC 2+, non-amplified", "negative"), ("IHC 2+ no amplification", "negative"),
     # a score with its sign in front: "+3" was positive but "+1" and "+2" were refused, and
     # "-1", "1-" were read as negative (the dash), though no IHC score is written so
     ("+3", "positive"), ("+1", "negative"), ("+ 2", "equivocal"), ("HER2 +2", "equivocal"),
     ("-1", None), ("1-", None), ("-1+", None), ("\u22121", None), ("HER2-1+", "negative"),
     ("HER2 1+ - negative", "negative"),
     # a range of two scores, as reports write a negative: both ("1-2+" says no one result)
     ("IHC 0-1+", "negative"), ("HER2: 0\u20131+", "negative"), ("0 - 1+", "negative"),
     ("HER2 neg. (0-1+)", "negative"), ("2-3+", None),
     # HER2+ then a score says both ("HER2+ 0" had been read as IHC 0, negative, the + taken
     # for the sign of the score); HER2+ with a positive score is positive
     ("HER2+ 0", None), ("HER2+ 1+", None), ("HER2+ 3+", "positive"), ("HER2+ (3+)", "positive"),
     ("HER2+3", "positive"),
     # an ISH test's sign, as "FISH-" was read: "FISH+" had been refused
     ("FISH+", "positive"), ("HER2 FISH +", "positive"), ("IHC 2+, SISH+", "positive"),
     ("FISH+ 0", None)],
)  # fmt: skip
def test_her2_words_from_reports(typed: str, value: str | None) -> None:
    data = {"cancer": "stomach", "biomarkers": {"her2": typed}}
    if value is None:
        with pytest.raises(ProfileError, match=r"biomarkers\.her2"):
            parse_profile(data, KB)
    else:
        assert read(data).given["her2"] == value


@pytest.mark.parametrize(
    ("typed", "value"),
    [("KRAS mutation absent", "wild-type"), ("KRAS mutation not identified", "wild-type"),
     ("KRAS not mutant", "wild-type"), ("mutant not detected", "wild-type"),
     ("KRAS: no mutation found", "wild-type"), ("HER2 +ve", "positive"),
     ("HER2 -ve", "negative"), ("G12D wild-type", None), ("KRAS WT mutated", None),
     ("RAS wild-type mutated", None), ("RAS WT", "wild-type"),
     ("KRAS positive, wild type", None), ("HER2 ++", None), ("HER2 2++", None)],
)  # fmt: skip
def test_result_words_a_negation_after_or_a_contradiction_are_read_right(
    typed: str, value: str | None
) -> None:
    """A mutation written as absent, not identified or not found is wild-type (it was read as
    mutated from "mutation"); a result saying both mutated and wild-type ("G12D wild-type") is for
    the care team, not wild-type; HER2 "++" is refused as "++" alone is (it is 2+ in some
    reports, and was read as positive twice); +ve and -ve are positive and negative."""
    marker, site = ("her2", "stomach") if "HER2" in typed else ("kras", "rectum")
    data = {"cancer": site, "biomarkers": {marker: typed}}
    if value is None:
        with pytest.raises(ProfileError, match=rf"biomarkers\.{marker}"):
            parse_profile(data, KB)
    else:
        assert read(data).given[marker] == value


@pytest.mark.parametrize(
    ("typed", "site"),
    [("cervical spine metastases from breast cancer", "breast"),
     ("cervical lymph node metastasis of unknown primary", "any"),
     ("gastric metastasis from lung cancer", "lung cancer"), ("CUP", "any")],
)  # fmt: skip
def test_a_place_of_spread_is_not_where_it_started(typed: str, site: str) -> None:
    assert read({"cancer": typed}).site == site


@pytest.mark.parametrize(
    "typed", ["gastric MALT lymphoma", "GIST of the stomach", "carcinoid of the stomach",
              "neuroendocrine tumour of the rectum", "melanoma of the rectum", "cervical sarcoma",
              "small cell carcinoma of the cervix", "thyroid lymphoma",
              "small bowel adenocarcinoma",
              "cervical oesophagus squamous cell carcinoma"],
)  # fmt: skip
def test_another_kind_of_cancer_is_not_the_organs_carcinoma(typed: str) -> None:
    facts = read({"cancer": typed})
    assert facts.site not in ("stomach", "rectum", "cervix", "thyroid", "colon"), facts.site
    # said: in a warning, or, for a cancer no source is about, in the scope sentence, which
    # names it as typed
    result = evaluate(parse_profile({"cancer": typed}, KB), KB)
    assert any(w.startswith("cancer:") for w in facts.warnings) or (
        f"No source here is about {result.cancer_name} itself" in result.scope), result.scope


@pytest.mark.parametrize("typed", ["not cervical", "cervical? (biopsy pending)", "stomach?",
                                   "cervical cancer not excluded"])  # fmt: skip
def test_a_cancer_that_is_not_sure_is_refused(typed: str) -> None:
    with pytest.raises(ProfileError, match=r"^cancer: "):
        parse_profile({"cancer": typed}, KB)


@pytest.mark.parametrize(
    ("typed", "name"),
    [("non-small cell lung cancer", "non-small cell lung cancer"),
     ("non small cell lung carcinoma", "non small cell lung carcinoma"),
     ("non-Hodgkin lymphoma", "non-Hodgkin lymphoma"),
     ("non-melanoma skin cancer", "non-melanoma skin cancer"),
     ("lung", "lung cancer"), ("pancreas  ", "pancreas cancer"), ("kidney tumour", "kidney tumour"),
     ("NSCLC", "NSCLC"), ("HCC", "HCC"),
     ("gastric metastasis from lung", "lung cancer")],
)  # fmt: skip
def test_a_cancer_with_no_source_is_named_as_written(typed: str, name: str) -> None:
    """A name that starts with "non-" names a cancer (non-small cell lung cancer was refused as
    "not sure or says what it is not"); a place alone is named as a cancer ("Options for lung"),
    and the site is the name as written (it was squeezed to "nonsmalllung" in the reasons)."""
    facts = read({"cancer": typed, "stage": "4"})
    assert facts.cancer_name == name
    assert facts.site == name
    result = evaluate(parse_profile({"cancer": typed, "stage": "4"}, KB), KB)
    assert result.cancer_name == name
    assert next(u for u in result.understood if u.fact == "cancer").value == name
    assert not any("kind of cancer (small" in w for w in facts.warnings)  # non-small is not


@given(st.text(alphabet=st.characters(categories=("L", "Zs", "Pd")), min_size=1, max_size=40))
@settings(max_examples=300, deadline=None)
def test_a_cancers_name_always_names_a_disease(typed: str) -> None:
    """The rule for every name: cancer_name says the words of a disease, keeps a name that does
    (in its own words), and gives the same name again when read again."""
    named = words.cancer_name(typed)
    assert words.KIND_OF_DISEASE.search(named) or words.ACRONYM.fullmatch(named)
    assert words.cancer_name(named) == named
    if words.KIND_OF_DISEASE.search(typed) or words.ACRONYM.fullmatch(typed):
        assert named == " ".join(typed.split())


@pytest.mark.parametrize("typed", ["non-small cell lung cancer", "non-Hodgkin lymphoma",
                                   "nonseminoma", "non-muscle-invasive bladder cancer",
                                   "nonsmall cell lung cancer", "triple-negative breast cancer"])
def test_a_name_that_starts_with_non_is_not_a_negation(typed: str) -> None:
    assert not words.NEGATED.match(typed.lower())
    assert "negative" in typed or read({"cancer": typed}).cancer_name == typed


def test_a_dash_is_a_hyphen_in_a_cancers_name() -> None:
    """"non–small" (an en dash, as NCI writes it) was read as a small cell cancer."""
    facts = read({"cancer": "non\u2013small cell lung cancer", "stage": "4"})
    assert facts.cancer_name == "non-small cell lung cancer"
    assert not any("small cell)" in w for w in facts.warnings)


@pytest.mark.parametrize("typed", ["not cancer", "no cancer", "non-cancerous", "non-malignant",
                                   "non malignant", "never had cancer", "noncancerous",
                                   "non-rectal", "non-gastric cancer", "N/A",
                                   "none", "benign", "benign tumour", "negative", "NED",
                                   "cancer-free", "ruled out"])
def test_a_negation_is_still_refused(typed: str) -> None:
    with pytest.raises(ProfileError, match=r"^cancer: "):
        parse_profile({"cancer": typed}, KB)


def test_words_not_read_in_a_cancer_name_are_said() -> None:
    facts = read({"cancer": "stomach and colon"})
    assert any("not read: colon" in w for w in facts.warnings), facts.warnings


@pytest.mark.parametrize("typed", ["prostate (castrate-resistant)", "mCRPC", "CRPC",
                                   "hormone-refractory prostate cancer",
                                   "castration resistant prostate adenocarcinoma"])  # fmt: skip
def test_castration_resistant_prostate_cancer_is_not_said_to_be_beyond_hormones(typed: str) -> None:
    """A cancer that grows although hormones are lowered was read as one hormones do not make
    grow, so hormone therapy was not suitable; the source has drugs that block the hormones'
    effect help prostate cancer (acs-advanced 8870-9051), and says nothing of resistance. The
    name gives no answer: prostate cancer's own (taken as yes, with its warning) stands, with a
    warning to ask the care team."""
    data = {"cancer": typed, "stage": "4"}
    facts = read(data)
    assert facts.given["hormone_sensitive"] is None
    assert any("grows although hormones are lowered" in w for w in facts.warnings), facts.warnings
    assert not any("; not read:" in w for w in facts.warnings), facts.warnings
    assert status(data, "general-hormone-therapy") is not Status.not_suitable
    said = {"cancer": typed, "stage": "4", "hormone_sensitive": False}  # the answer wins
    assert status(said, "general-hormone-therapy") is Status.not_suitable


HORMONES_YES = ["ER-positive", "ER positive", "ER+", "PR-positive", "PR+", "HR+", "HR-positive",
                "ER-negative, PR-positive", "PR-negative ER-positive",
                "hormone receptor-positive", "hormone receptor positive", "ER-/PR+",
                "ER+/PR-", "hormone-sensitive", "hormone sensitive", "castration-sensitive",
                "mHSPC"]  # fmt: skip
HORMONES_NO = ["triple-negative", "triple negative", "TNBC", "hormone receptor-negative",
               "ER-PR-", "PR-/ER-", "ER- and PR-",
               "HR-negative", "HR negative", "ER-/PR-", "ER-negative, PR-negative",
               "ER negative and PR negative", "hormone-insensitive"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(phrase=st.sampled_from([(w, True) for w in [*HORMONES_YES, "positive", "Pos"]]
                              + [(w, False) for w in [*HORMONES_NO, "negative", "NEG"]]),
       cancer=st.sampled_from(["breast", "prostate", "rectum"]), upper=st.booleans(),
       spaces=st.booleans())  # fmt: skip
def test_a_receptor_result_given_as_the_answer_is_read_as_the_name_reads_it(
    phrase: tuple[str, bool], cancer: str, upper: bool, spaces: bool
) -> None:
    """A hormone-receptor result given as the answer to whether hormones make the cancer grow
    ("positive", "ER+", "ER-/PR-", "triple negative"), as a pathology report or a table's "ER
    status" column writes it, is read as yes or no as the same words in a cancer's name are,
    and kept as typed; it had been refused as no yes or no (a breast cohort's column of them
    had every row quarantined, a review)."""
    result, value = phrase
    typed = result.upper() if upper else result
    typed = f" {typed} " if spaces else typed
    profile = parse_profile({"cancer": cancer, "stage": "4", "hormone_sensitive": typed}, KB)
    assert profile.hormone_sensitive is value, typed
    assert profile.as_typed.get("hormone_sensitive") == typed
    assert read({"cancer": cancer, "stage": "4", "hormone_sensitive": typed}
                ).given["hormone_sensitive"] is value  # fmt: skip


@pytest.mark.parametrize(("typed", "said"), [
    ("ER-negative", "needs the other one too (ER and PR)"),
    ("PR neg", "needs the other one too (ER and PR)"),
    ("maybe", "accepted: yes, no (or true, false), or a hormone receptor result: positive"),
    ("ER positive or negative", "accepted: yes, no (or true, false), or a hormone receptor"),
])  # fmt: skip
def test_a_receptor_result_that_does_not_answer_is_refused_saying_what_would(
    typed: str, said: str
) -> None:
    """One receptor written negative alone leaves the other to decide (it may be positive), and
    words that say both or neither answer nothing: refused, naming the field, saying what is
    accepted, never read as a guess."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "breast", "stage": "4", "hormone_sensitive": typed}, KB)
    message = str(caught.value)
    assert "hormone_sensitive" in message and said in message, message


@settings(max_examples=80, deadline=None)
@given(phrase=st.sampled_from([(w, True) for w in HORMONES_YES]
                              + [(w, False) for w in HORMONES_NO]),
       site=st.sampled_from(["breast cancer", "prostate cancer", "carcinoma of the breast"]),
       before=st.booleans(), upper=st.booleans(),
       said=st.sampled_from([None, True, False, "unknown"]))  # fmt: skip
def test_a_cancer_name_that_says_whether_hormones_make_it_grow_is_read(
    phrase: tuple[str, bool], site: str, before: bool, upper: bool, said: object
) -> None:
    """Receptor status and hormone sensitivity in a cancer's name (ER-positive, triple-negative,
    castration-sensitive) give whether hormones make it grow, without a warning of words not
    read; an answer given to the question itself always wins."""
    words_, value = phrase
    name = f"{words_} {site}" if before else f"{site}, {words_}"
    name = name.upper() if upper else name
    data: dict[str, Any] = {"cancer": name, "stage": "4"}
    if said is not None:
        data["hormone_sensitive"] = said
    facts = read(data)
    expected = said if isinstance(said, bool) else value
    assert facts.given["hormone_sensitive"] is expected, (name, said)
    assert not any("; not read:" in w for w in facts.warnings), facts.warnings
    disagree = [w for w in facts.warnings if w.startswith("hormone_sensitive:")]
    assert bool(disagree) is (said is (not value)), (name, said, facts.warnings)
    hormone = status(data, "general-hormone-therapy")
    assert hormone is (Status.offered if expected else Status.not_suitable), (name, hormone)


@pytest.mark.parametrize("name", ["ER-positive triple-negative breast cancer",
                                  "hormone-sensitive hormone-insensitive prostate cancer",
                                  # a positive receptor, then negative as a choice or a change
                                  # (the first had been read: hormone therapy offered)
                                  "ER positive or negative breast cancer",
                                  "breast cancer ER positive, now negative",
                                  "breast cancer ER+ then negative",
                                  "metastatic breast cancer, ER positive/negative"])  # fmt: skip
def test_a_name_that_says_both_leaves_hormones_unknown_and_says_so(name: str) -> None:
    facts = read({"cancer": name, "stage": "4"})
    assert facts.given["hormone_sensitive"] is None
    assert any("says both" in w for w in facts.warnings), facts.warnings


@pytest.mark.parametrize("name", [
    "ER-negative, PR-weakly positive breast cancer", "ER-neg PR-low breast cancer",
    "ER- PR-10% breast cancer", "PR-, ER-low breast cancer", "ER+/- breast cancer",
    "HR+/- breast cancer"])  # fmt: skip
def test_receptor_words_that_say_more_than_negative_or_positive_leave_it_unknown(
    name: str,
) -> None:
    """The hyphen of "PR-weakly positive" or "PR-10%" is not a minus sign, and "+/-" is not
    positive: hormone therapy was not suitable for a PR-positive cancer, and offered for an
    equivocal one (review); such a name leaves it unknown, and says which words it did not
    read."""
    facts = read({"cancer": name, "stage": "4"})
    assert facts.given["hormone_sensitive"] is None, name
    assert status({"cancer": name, "stage": "4"}, "general-hormone-therapy") is (
        Status.needs_information)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(one=st.sampled_from(["ER", "PR", "er", "Pr"]),
       negative=st.sampled_from(["-negative", " negative", "-", " neg", "-neg", " NEGATIVE"]),
       form=st.sampled_from(["{} breast cancer", "breast cancer, {}", "HER2-positive, {} breast",
                             "metastatic {} breast carcinoma"]))  # fmt: skip
def test_one_receptor_negative_alone_says_the_other_decides(
    one: str, negative: str, form: str
) -> None:
    """"ER-negative" with PR not said does not say whether hormones make the cancer grow (PR may
    be positive): not known, and the warning says which result decides, not "not read: er"."""
    other = "PR" if one.upper() == "ER" else "ER"
    facts = read({"cancer": form.format(one + negative), "stage": "4"})
    assert facts.given["hormone_sensitive"] is None
    assert any(f"until the {other} result is" in w for w in facts.warnings), facts.warnings
    assert not any("; not read:" in w for w in facts.warnings), facts.warnings


@pytest.mark.parametrize("name", ["HER2-low breast cancer", "ER-negative, PR-weakly positive "
                                  "breast cancer"])  # fmt: skip
def test_receptor_words_that_do_not_say_it_are_named_as_not_read(name: str) -> None:
    facts = read({"cancer": name, "stage": "4"})
    assert facts.given["hormone_sensitive"] is None
    assert any("not read" in w for w in facts.warnings), facts.warnings


def test_pain_in_the_pelvis_or_stomach_is_pain_whose_kind_is_asked() -> None:
    facts = read({"cancer": "stomach", "symptoms": ["pelvic pain"]})
    assert facts.given["symptoms"] == frozenset({"pain"})


@pytest.mark.parametrize(
    ("typed", "ids"),
    [("cis/5FU", {"cisplatin", "fluorouracil"}),
     ("cisplatin + 5-FU", {"cisplatin", "fluorouracil"}),
     ("capecitabine (Xeloda)", {"capecitabine"}), ("XELOX-bev", {"capox", "bevacizumab"}),
     ("5-FU/LV", {"fluorouracil-leucovorin"})],
)  # fmt: skip
def test_a_pair_of_drugs_is_two_drugs_never_chemoradiation(typed: str, ids: set[str]) -> None:
    facts = read({"cancer": "cervix", "cannot_have": [typed]})
    assert facts.given["cannot_have"] == frozenset(ids)


@pytest.mark.parametrize(
    ("field", "typed"), [("symptoms", "no bleeding"), ("metastases", "lung?"),
                         ("progressed_on", "FOLFIRINOX"), ("metastases", "liver (possible)"),
                         ("prior_treatments", "FOLFOXIRI"), ("cannot_have", "FOLFOXIRI")],
)  # fmt: skip
def test_no_misleading_suggestion_and_no_guess_read_as_fact(field: str, typed: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "rectum", field: [typed]}, KB)
    assert "did you mean" not in str(caught.value)
    # how to give it instead, where the drugs say the same as the regimen: treatments had, and
    # what stopped working (a regimen that stopped: each of its drugs did; a clinical review
    # found FLOT refused with no word of how to give it); not what cannot be had (a drug that
    # cannot be had rules out every regimen that holds it)
    hinted = "a mix of drugs they do not name (such as FOLFOXIRI), give each of its drugs" in str(
        caught.value)
    assert hinted is (field in ("prior_treatments", "progressed_on")), caught.value


@pytest.mark.parametrize("field", ["prior_treatments", "progressed_on", "planned"])
@pytest.mark.parametrize(("cancer", "typed", "kind"), [
    ("breast", "letrozole", "hormone therapy"), ("breast", "tamoxifen", "hormone therapy"),
    ("prostate", "enzalutamide", "hormone therapy"), ("lung", "osimertinib", "targeted therapy"),
    ("melanoma", "ipilimumab", "immunotherapy")])  # fmt: skip
def test_a_drug_the_sources_do_not_name_is_told_to_be_given_as_its_kind(
    field: str, cancer: str, typed: str, kind: str
) -> None:
    """Letrozole, the drug a breast cancer stopped responding to, was refused with a hint about
    regimens only (FOLFOX as its drugs): the hint names the kinds the general options read, and
    the kind given instead is taken."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": cancer, field: [typed]}, KB)
    message = str(caught.value)
    assert "if it is a drug the sources do not name, give its kind instead (" in message, message
    assert kind in message.split("its kind instead (", 1)[1].split(")", 1)[0], message
    facts = read({"cancer": cancer, field: [kind]})
    assert facts.given[field] == frozenset({kind.replace(" ", "-")})


@pytest.mark.parametrize("field", ["prior_treatments", "planned", "progressed_on", "cannot_have"])
@pytest.mark.parametrize(("cancer", "typed"), [
    ("cervix", "hysterectomy"), ("cervix", "radical hysterectomy"), ("cervix", "cone biopsy"),
    ("breast", "mastectomy"), ("breast", "lumpectomy"), ("prostate", "prostatectomy"),
    ("lung", "lobectomy"), ("pancreas", "Whipple operation"), ("kidney", "nephrectomy"),
    ("rectum", "laparotomy"), ("rectum", "exploratory laparotomy"), ("lung", "thoracotomy"),
    ("colon", "colostomy reversal"),
])  # fmt: skip
def test_an_operation_the_sources_do_not_name_is_told_how_to_give_it(
    field: str, cancer: str, typed: str
) -> None:
    """A family writing the operation a cervical cancer was treated with ("hysterectomy") was told
    only of drugs and regimens (a clinical review): an operation the sources do not name is told
    what each list may say of it. Had or planned: give it as surgery, which is then read; what
    cannot be had: surgery only when no operation at all can be (it rules out every operation);
    what stopped working: an operation cannot, list it as had."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": cancer, field: [typed]}, KB)
    message = str(caught.value)
    assert "did you mean" not in message and "FOLFOX" not in message, message
    surgery = KB.label(field, "surgery")
    if field == "cannot_have":
        assert f"give {surgery!r} only when no operation at all can be had" in message, message
    elif field == "progressed_on":
        assert "an operation is not a treatment that can stop working" in message, message
        assert "among the treatments had (prior_treatments)" in message, message
    else:
        assert f"an operation the sources do not name can be given as {surgery!r}" in message
        assert read({"cancer": cancer, field: [surgery]}).given[field] == frozenset({"surgery"})


@pytest.mark.parametrize("field", ["prior_treatments", "planned", "progressed_on", "cannot_have"])
@pytest.mark.parametrize("typed", ["FOLFOX after surgery", "chemo after the operation",
                                   "capecitabine after resection", "radiation after surgery",
                                   "phlebotomy"])
def test_a_treatment_beside_an_operation_word_is_not_told_it_is_an_operation(
    field: str, typed: str
) -> None:
    """"FOLFOX after surgery" that stopped working had been told to list it as surgery (a review
    of the change), and the FOLFOX dropped; words of a drug or a treatment other than an
    operation, or a procedure that is no operation, get the other hints."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "rectum", field: [typed]}, KB)
    assert "an operation" not in str(caught.value), caught.value


@pytest.mark.parametrize("typed", ["blood in urine", "haematuria", "Hematuria",
                                   "bleeding from the bladder", "blood in my pee"])
def test_blood_in_the_urine_is_bleeding_from_the_bladder(typed: str) -> None:
    """Blood in the urine (a cervical cancer grown into the bladder) was refused, "another
    symptom" the only way to say it: it is bleeding, from the bladder, not the gut or airways."""
    facts = read({"cancer": "cervix", "symptoms": [typed]})
    assert facts.given["symptoms"] == frozenset({"urinary-bleeding"})
    assert "bleeding" in KB.vocabulary.up("symptoms", "urinary-bleeding")


@pytest.mark.parametrize("typed", ["cough", "fever", "anaemia", "anemia", "confusion",
                                   "weakness in legs", "weakness"])
def test_a_symptom_the_sources_do_not_name_is_told_how_to_give_it(typed: str) -> None:
    """A nurse typing a real symptom the sources name no treatment for was told only to check the
    spelling; the message says it can be given as another symptom the cancer causes. (Anaemia and
    confusion may come from a treatment, not the cancer, and weak legs may be a tumour pressing on
    the spinal cord: they are not read as another symptom the cancer causes, the person says.)"""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "stomach", "symptoms": [typed]}, KB)
    assert "give it as 'another symptom the cancer causes'" in str(caught.value)
    again = read({"cancer": "stomach", "symptoms": ["another symptom the cancer causes"]})
    assert again.given["symptoms"] == frozenset({"other-symptom"})


DRUG_NAMES = sorted(n for n in KB.value_names["prior_treatments"] if len(n) >= 5)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(DRUG_NAMES), st.integers(min_value=1, max_value=40),
       st.text("aeioxnrt", min_size=2, max_size=3))  # fmt: skip
@example("folfiri", 4, "ox")  # FOLFOXIRI: another regimen, not a misspelt FOLFIRI
def test_a_name_with_letters_added_in_a_run_is_not_suggested_as_a_slip(
        name: str, where: int, added: str) -> None:  # fmt: skip
    """The rule of suggestions: a name the reader does not know is shown a known name only when
    they differ by slips of single letters; a run of two or more letters added (FOLFOXIRI beside
    FOLFIRI) makes another word, and the person is not told they meant what they did not write."""
    names = KB.value_names["prior_treatments"]
    typed = name[: where % (len(name) + 1)] + added + name[where % (len(name) + 1):]
    suggested = close_name(typed, names)
    if suggested is not None:  # only through a name of it that differs by single letters
        assert any(_slips_only(typed, n) for n, i in names.items() if i == suggested), typed


@pytest.mark.parametrize(("typed", "known", "slip"), [
    ("brainmetastases", "bonemetastases", False), ("bowelobstructionsurgery",
    "bowelresectionsurgery", False), ("folfoxiri", "folfiri", False), ("cervics", "cervix", True),
    ("lonsruf", "lonsurf", True), ("stomache", "stomach", True), ("rectun", "rectum", True),
])  # fmt: skip
def test_a_slip_is_of_single_letters_or_two_for_one(typed: str, known: str, slip: bool) -> None:
    """Three letters written for one ("rai" for "o": brain and bone metastases) is another word,
    as a run of letters added is; a transposed pair or a sound-alike ending is a slip."""
    assert _slips_only(typed, known) is slip


STAGES_IN_LETTERS = [("Stage IVB (FIGO 2018)", "4B"), ("stage 4 (metastatic)", "4"),
                     ("metastatic disease", "4"), ("cM1", "4"), ("Dukes D", "4"),
                     ("FIGO IIIC1r", "earlier")]  # fmt: skip


@pytest.mark.parametrize(("typed", "stage"), STAGES_IN_LETTERS)
def test_stage_words_from_letters(typed: str, stage: str) -> None:
    facts = read({"cancer": "rectum", "stage": typed, "recurrence": "yes"})
    assert facts.given["stage"] == stage


@pytest.mark.parametrize(("typed", "value"), [("unresectable", False), ("inoperable", False),
                                              ("resectable", True)])  # fmt: skip
def test_resectable_words(typed: str, value: bool) -> None:
    assert read({"cancer": "rectum", "resectable": typed}).given["resectable"] is value


def test_no_symptoms_is_none_and_more_symptom_words() -> None:
    assert read({"cancer": "rectum", "symptoms": ["no symptoms"]}).given["symptoms"] == frozenset()
    words = {"haematemesis": "gut-bleeding", "melaena": "gut-bleeding",
             "PR bleeding": "gut-bleeding", "PV bleeding": "vaginal-bleeding",
             "neuropathic pain": "pain"}  # fmt: skip (often nerves harmed by chemotherapy,
    # not a tumour pressing on one: the kind of pain is asked)
    for typed, value in words.items():
        assert read({"cancer": "rectum", "symptoms": [typed]}).given["symptoms"] == {value}


def test_field_names_in_any_case() -> None:
    facts = read({"Cancer": "rectum", "Stage": "IV", "HER2": "3+"})
    assert facts.given["cancer"] == "rectum" and facts.given["stage"] == "4"
    with pytest.raises(ProfileError, match="Cancer: is given twice, by names that differ in case"):
        parse_profile({"cancer": "rectum", "Cancer": "stomach"}, KB)  # never one silently


def test_field_names_with_spaces_around_them() -> None:
    """{"stage ": "4"} was an unknown field named "stage" (its spaces dropped where it was
    shown), so a client marked its own stage as refused (a review of the API): a name with
    spaces around it is read as the field, as one in another case is; beside the field itself
    it is given twice, named with its spaces."""
    facts = read({"cancer": "rectum", " Stage ": "4", "kras ": "wild-type"})
    assert facts.given["stage"] == "4" and facts.given["kras"] == "wild-type"
    with pytest.raises(ProfileError) as raised:
        parse_profile({"cancer": "rectum", " cancer": "stomach"}, KB)
    [problem] = raised.value.problems
    assert problem.field == " cancer" and "differ in spaces or case only" in problem.message
    # two spellings, neither the field's own: both refused, never the last one read (it was)
    with pytest.raises(ProfileError) as raised:
        parse_profile({"cancer": "rectum", "Stage": "4", " stage": "2"}, KB)
    assert {p.field for p in raised.value.problems} == {"Stage", " stage"}


@given(
    cancer=st.sampled_from(["rectum", "cervix", "stomach", "breast"]),
    stage=st.integers(min_value=1, max_value=4),
    score=st.integers(min_value=0, max_value=3),
)
def test_a_whole_number_written_with_a_point_is_that_number(cancer: str, stage: int,
                                                            score: int) -> None:  # fmt: skip
    """JSON's 4.0 is 4 (JSON Schema counts it an integer): a stage or an IHC score read the same
    either way."""
    as_int = parse_profile({"cancer": cancer, "stage": stage, "her2": score}, KB)
    as_float = parse_profile({"cancer": cancer, "stage": float(stage), "her2": float(score)}, KB)
    assert as_float.model_dump(exclude={"as_typed"}) == as_int.model_dump(exclude={"as_typed"})
    # as a table's column of numbers with blanks writes it: "4.0" (it had been refused)
    as_text = parse_profile({"cancer": cancer, "stage": f"{stage}.0", "her2": f" {score}.00"}, KB)
    assert as_text.model_dump(exclude={"as_typed"}) == as_int.model_dump(exclude={"as_typed"})
    with pytest.raises(ProfileError, match="stage"):
        parse_profile({"cancer": cancer, "stage": stage + 0.5}, KB)


@given(field=st.sampled_from(["resectable", "wants_cancer_treatment", "most_treatments_tried",
                               "chemo_for_spread", "hormone_sensitive", "weak_bone",
                               "tumour_on_nerve", "tumour_may_block"]),
       answer=st.sampled_from([0, 1]), written=st.sampled_from(["{}.0", " {}.00", "{}.0 "]),
       as_number=st.booleans())  # fmt: skip
def test_a_yes_or_no_written_as_a_whole_number_with_a_point_is_that_number(
    field: str, answer: int, written: str, as_number: bool
) -> None:
    """A yes/no column with a blank in it, written out by pandas or a spreadsheet, is "1.0" or
    "0.0": read as 1 or 0, as a stage "4.0" is 4 (it had been refused, and a cohort's every row
    with such a column quarantined); "2.0" is refused, quoted as written."""
    given = float(answer) if as_number else written.format(answer)
    with_point = parse_profile({"cancer": "rectum", field: given}, KB)
    plain = parse_profile({"cancer": "rectum", field: answer}, KB)
    assert getattr(with_point, field) is getattr(plain, field) is bool(answer)
    with pytest.raises(ProfileError, match=f"{field}: '2.0' is not accepted"):
        parse_profile({"cancer": "rectum", field: "2.0"}, KB)


@given(
    marker=st.sampled_from(["her2", "kras", "HER2", "KRAS"]),
    value=st.one_of(st.sampled_from(["positive", "negative", "3+", "wild-type", "G12D", "WT"]),
                    st.lists(st.sampled_from(["positive", "0", "mutated", "WT"]), min_size=1,
                             max_size=3)),
    null_inside=st.booleans(),
)  # fmt: skip
def test_a_null_marker_beside_the_same_marker_given_elsewhere_is_unknown_not_a_value(
    marker: str, value: object, null_inside: bool
) -> None:
    """null is "not known": beside the same marker written in the other place (top level or
    under biomarkers), the given one is the answer; null never becomes a value of a list."""
    inside, outside = ({marker: None}, {marker: value}) if null_inside else ({marker: value}, {marker: None})  # noqa: E501
    data = {"cancer": "rectum", "biomarkers": inside, **outside}
    alone = {"cancer": "rectum", "biomarkers": {marker.lower(): value}}
    try:
        expected = parse_profile(alone, KB).biomarkers
    except ProfileError as error:  # a value the reader refuses is refused the same way
        with pytest.raises(ProfileError) as again:
            parse_profile(data, KB)
        assert [p.field for p in again.value.problems] == [p.field for p in error.problems]
        return
    assert parse_profile(data, KB).biomarkers == expected


# --------------------------------------------------------------------------------------------
# A word for not known: the field is unknown, as if left out (an export's "Unknown", "N/A")
# --------------------------------------------------------------------------------------------

ONE_VALUE = {"stage": "4", "recurrence": "yes", "metastasis_extent": "few", "resectable": True,
             "most_treatments_tried": True, "wants_cancer_treatment": True,
             "chemo_for_spread": True, "hormone_sensitive": True, "weak_bone": True,
             "tumour_on_nerve": True, "tumour_may_block": True}  # fmt: skip
LISTS = {"metastases": "liver", "symptoms": "pain", "progressed_on": "FOLFOX",
         "cannot_have": "oxaliplatin", "prior_treatments": "surgery", "planned": "radiation",
         "used_for_my_cancer": "immunotherapy"}  # fmt: skip


@pytest.mark.parametrize("word", [*words.NOT_KNOWN, "UNKNOWN", " Not  tested ", "N/A", "", " "])
@pytest.mark.parametrize("field", [*ONE_VALUE, *LISTS, "her2", "kras"])
def test_a_word_for_not_known_leaves_the_field_unknown(field: str, word: str) -> None:
    if field in ("her2", "kras"):
        data: dict[str, Any] = {"cancer": "stomach", "biomarkers": {field: word}}
    else:
        data = {"cancer": "stomach", field: [word] if field in LISTS else word}
    facts = read(data)
    assert facts.given[field] is None, (field, word)
    typed = f"biomarkers.{field}" if field in ("her2", "kras") else field
    assert facts.profile.as_typed[typed] == data.get(field, data.get("biomarkers", {}).get(field))
    assert facts.row == read({"cancer": "stomach"}).row


@pytest.mark.parametrize("field", [*LISTS])
def test_a_word_for_not_known_beside_names_is_refused(field: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "stomach", field: [LISTS[field], "unknown"]}, KB)
    assert [p.field for p in caught.value.problems] == [f"{field}[1]"]


@pytest.mark.parametrize(("data", "field"), [
    ({"cancer": "rectum", "biomarkers": {"kras": "KRAS pending"}}, "biomarkers.kras"),
    ({"cancer": "rectum", "stage": "stage IV?"}, "stage"),
    ({"cancer": "rectum", "stage": "?"}, "stage"),
    ({"cancer": "rectum", "recurrence": "possibly"}, "recurrence"),
])  # fmt: skip
def test_words_that_say_more_than_not_known_are_still_refused(data: dict[str, Any],
                                                              field: str) -> None:  # fmt: skip
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, KB)
    assert [p.field for p in caught.value.problems] == [field]


def test_unknown_as_the_cancer_is_a_cancer_whose_start_is_not_known() -> None:
    assert read({"cancer": "unknown"}).site == "any"
    with pytest.raises(ProfileError):
        parse_profile({"cancer": "n/a"}, KB)


# --------------------------------------------------------------------------------------------
# Treatments written together: a chemotherapy with radiation is chemoradiation
# --------------------------------------------------------------------------------------------

CHEMO_DRUGS = sorted(d.id for d in KB.data.drugs
                     if "chemotherapy" in KB.vocabulary.up("prior_treatments", d.id))  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(drugs=st.lists(st.sampled_from(CHEMO_DRUGS), min_size=1, max_size=2, unique=True),
       joiner=st.sampled_from([" with ", " and ", " + ", " plus ", "/"]),
       radiation=st.sampled_from(["radiation", "radiotherapy", "EBRT", "external beam radiation"]),
       field=st.sampled_from(["prior_treatments", "planned", "progressed_on"]))  # fmt: skip
@example(drugs=["cisplatin"], joiner=" with ", radiation="radiation", field="prior_treatments")
def test_chemotherapy_written_with_radiation_is_chemoradiation(
    drugs: list[str], joiner: str, radiation: str, field: str
) -> None:
    """"cisplatin and 5-FU with radiation" is chemoradiation as well as its parts (it was read
    as the drugs and radiation alone, so chemotherapy had at stage 4B was taken as given for
    spread, and cemiplimab did not ask)."""
    names = [KB.name_of(d) for d in drugs]
    typed = joiner.join([*names, radiation])
    data = {"cancer": "cervix", "stage": "4B", field: [typed]}
    facts = read(data)
    # chemoradiation, or a regimen of it ("cisplatin with radiation" is the cervical source's
    # weekly cisplatin during radiation, a kind of chemoradiation)
    kinds = {k for i in facts.given[field] for k in (i, *KB.vocabulary.up(field, i))}
    assert "chemoradiation" in kinds, (typed, facts.given[field])
    if field == "prior_treatments":  # each drug, alone or in a regimen named with it
        parts = {d for i in facts.given[field] if i in KB.by_id
                 for d in getattr(KB.by_id[i], "components", [])}  # fmt: skip
        assert set(drugs) <= (set(facts.given[field]) | parts), (typed, facts.given[field])
        assert "chemotherapy" in kinds, typed
    if field == "prior_treatments":  # chemotherapy had with radiation: for spread or not?
        assert facts.row["chemo_for_spread"] is None, typed
        assert status(data, "cervix-cemiplimab") is Status.needs_information


def test_treatments_together_without_both_kinds_are_only_their_parts() -> None:
    for typed in ("surgery and radiation", "FOLFOX and bevacizumab", "capecitabine + oxaliplatin"):
        assert "chemoradiation" not in read({"cancer": "rectum", "prior_treatments": [typed]}
                                            ).given["prior_treatments"], typed  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="ab ,()", max_size=40))
def test_a_list_is_split_at_each_comma_outside_brackets(text: str) -> None:
    """``split_list`` cuts at a comma whose next bracket is not a closing one, as the regular
    expression it replaced did (that one took time growing with the square of the length)."""
    import re

    from onconav.profile import split_list

    expected = [p.strip() for p in re.split(r",(?![^()]*\))", text) if p.strip()]
    assert split_list(text) == expected


def test_a_long_list_is_split() -> None:
    from onconav.profile import split_list

    assert split_list(", ".join(["pain"] * 130_000)) == ["pain"] * 130_000
    assert split_list("capecitabine (Xeloda, oral), FOLFOX") == ["capecitabine (Xeloda, oral)",
                                                                   "FOLFOX"]  # fmt: skip



@pytest.mark.parametrize("data", [
    {"cancer": "breast", "stagee": "unknown"}, {"cancer": "breast", "foo": "pending"},
    {"cancer": "breast", "biomarkers": {"foo": "unknown"}},
    {"cancer": "breast", "stage": "4", "Stage": "unknown"},
    {"cancer": "breast", "stage": ["unknown"]}])  # "biomarkers": "unknown" is as left out, as
# for any field (test_engine: test_biomarkers_not_known_is_as_left_out)
def test_a_word_for_not_known_never_hides_a_field_that_is_refused(data: dict[str, Any]) -> None:
    """A field that is not the profile's is refused whatever its value (one whose value was a
    word for not known was dropped in silence), and a list of one such word is taken only where
    a list is (review)."""
    with pytest.raises(ProfileError):
        parse_profile(data, KB)


def test_a_word_for_not_known_in_one_spelling_of_a_marker_leaves_the_other() -> None:
    data = {"cancer": "breast", "her2": "positive", "biomarkers": {"her2": "unknown"}}
    assert read(data).given["her2"] == "positive"
    data = {"cancer": "breast", "her2": "not tested", "biomarkers": {"her2": "negative"}}
    assert read(data).given["her2"] == "negative"


def test_a_value_read_from_the_cancers_words_is_shown_as_those_words() -> None:
    profile = parse_profile({"cancer": "ER-positive breast", "hormone_sensitive": "unknown"}, KB)
    assert profile.as_typed["hormone_sensitive"] == "ER-positive breast"


@pytest.mark.parametrize(("typed", "ids"), [
    ("FOLFIRI-bev + radiation", {"folfiri", "bevacizumab", "radiation", "chemoradiation"}),
    ("FOLFOX + cetuximab-irinotecan", {"folfox", "cetuximab", "irinotecan"}),
    ("5-FU/LV + oxaliplatin", {"fluorouracil-leucovorin", "oxaliplatin"})])  # fmt: skip
def test_a_pair_written_with_a_hyphen_beside_other_joining_words(typed: str, ids: set[str]) -> None:
    assert set(read({"cancer": "rectum", "prior_treatments": [typed]}
                    ).given["prior_treatments"]) == ids  # fmt: skip


@pytest.mark.parametrize("names", [["none", "pain"], ["pain", "None"], ["nothing", "bleeding"]])
def test_none_beside_names_says_so(names: list[str]) -> None:
    """ "none" beside names is refused as what it is, not as a name not known."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "rectum", "symptoms": names}, KB)
    (problem,) = caught.value.problems
    assert "cannot go with other names" in str(problem) and "not known" not in str(problem)


@pytest.mark.parametrize("named", ["stomach cancer, KRAS G12D?", "rectal cancer, KRAS not mutated?",
                                   "stomach cancer, RAS wild-type?",
                                   "rectal cancer, all RAS wild-type pending",
                                   "rectal cancer (KRAS p.G12C pending)",
                                   "rectal cancer, KRAS mutation not detected?"])  # fmt: skip
def test_a_kras_result_written_as_not_sure_leaves_the_cancer_sure(named: str) -> None:
    """A KRAS result in any of the words the KRAS field reads ("G12D", "not mutated"), then a
    question mark or a word for not known, makes the result not known, not the cancer unsure (a
    variant or a denial before the "?" had refused the whole name)."""
    profile = parse_profile({"cancer": named}, KB)
    assert profile.cancer in {"stomach", "rectum"} and profile.biomarkers.kras is None


@pytest.mark.parametrize("word", ["1", "neg", "1.5", "wt"])
def test_a_long_run_of_result_words_is_read_at_once(word: str) -> None:
    """A name of 300 characters of result words after a test's name is read (refused or not) at
    once: the words of a not-sure result were matched every way they could be, twice the work for
    each word more (2^140 tries for this name), a request that never ended. An alarm fails the
    test, rather than hang the run, if that comes back."""
    import contextlib
    import signal

    def stop(*_: object) -> None:
        raise TimeoutError(f"reading a run of {word!r} did not end")

    named = ("stomach cancer, kras " + f"{word} " * 150)[:290] + "x"
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    try:
        with contextlib.suppress(ProfileError):
            parse_profile({"cancer": named}, KB)
    finally:
        signal.alarm(0)


@pytest.mark.parametrize("names", [[","], ["pain", ","], [" , "], [",,"]])
def test_a_list_item_of_commas_alone_is_refused_by_name(names: list[str]) -> None:
    """An item that holds no name but commas is refused, naming it: it had been split to nothing
    and left the empty list, "none", so that every symptom-relief option was not suitable
    (the page read it as not known). A comma at an item's end is only a separator."""
    with pytest.raises(ProfileError, match=r"symptoms\[\d\]: ' ?,+ ?' is not known"):
        parse_profile({"cancer": "rectum", "symptoms": names}, KB)
    assert parse_profile({"cancer": "rectum", "symptoms": ["pain,"]}, KB).symptoms == ["pain"]


@pytest.mark.parametrize(("data", "message"), [
    ({"cancer": "rectum", "recurrence": True}, "recurrence: true is not accepted; accepted: none"),
    ({"cancer": {"name": "rectum"}}, 'cancer: {"name": "rectum"} is not accepted; say where the '
     "cancer started, as text"),
    ({"cancer": "rectum", "id": 12345}, "id: 12345 is not accepted; give it as text"),
    ({"cancer": "x" * 400}, "cancer: is 400 characters long; at most 300 are accepted"),
    ({"cancer": "rectum", "stage": "4", "Stage": "1"},
     "Stage: is given twice, by names that differ in case only (stage and Stage); give it once"),
    ({"cancer": "stomach", "her2": [True, "x"]},
     "biomarkers.her2: true and 'x' are not accepted"),
])  # fmt: skip
def test_a_refusal_shows_the_value_as_it_was_written(data: dict[str, Any], message: str) -> None:
    """A value is shown in a refusal as JSON writes it (true, {"name": ...}), never as Python
    does (True, {'name': ...}); a name too long says how long, not pydantic's words; a field
    given twice in two cases says so (it said "unknown field" of one of them)."""
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, KB)
    assert any(str(p).startswith(message) for p in caught.value.problems), caught.value.problems


def accepted_of(data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """What each problem of a profile that is refused says is accepted, by field."""
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, KB)
    return {p.field: p.accepted for p in caught.value.problems}


NOT_TEXT = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(),
                     st.dictionaries(st.text("abcxyz ", max_size=5), st.integers(), min_size=1,
                                     max_size=2))  # fmt: skip


@given(field=st.sampled_from(SET_FIELDS), value=NOT_TEXT, item=st.booleans())
def test_a_value_of_the_wrong_type_is_told_what_the_field_accepts(
    field: str, value: object, item: bool
) -> None:
    """A list field given a number, true or a mapping, or holding one, was told ``accepted: []``
    ("give a name", "give a list of names"), while a name not known was told the names the
    field accepts: each is told the same names."""
    known = accepted_of({"cancer": "rectum", field: ["xq"]})[f"{field}[0]"]
    assert known, field
    given = [value] if item else value
    where = f"{field}[0]" if item else field
    assert accepted_of({"cancer": "rectum", field: given}) == {where: known}


@pytest.mark.parametrize("value", [5, 4.5, True, [1], {"name": "rectum"}])
def test_a_cancer_of_the_wrong_type_is_told_what_a_cancer_is(value: object) -> None:
    """``{"cancer": 5}`` said "give a name" and accepted nothing, while a null cancer said where
    the cancer started: both say it, with the same accepted."""
    null = accepted_of({"cancer": None})["cancer"]
    assert null and accepted_of({"cancer": value}) == {"cancer": null}
    with pytest.raises(ProfileError, match=r"cancer: .* is not accepted; say where the cancer "
                       r"started, as text: a place such as stomach, rectum or cervix, or unknown"):
        parse_profile({"cancer": value}, KB)


@pytest.mark.parametrize("value", [5, True, ["x"], {"a": 1}])
def test_schema_of_the_wrong_type_is_told_as_id_and_label_are(value: object) -> None:
    """``$schema``, like ``id`` and ``label``, is text kept: it was told "give a name"."""
    said = []
    for field in ("id", "label", "$schema"):
        with pytest.raises(ProfileError) as caught:
            parse_profile({"cancer": "rectum", field: value}, KB)
        [problem] = caught.value.problems
        said.append(str(problem).removeprefix(field))
    assert said[0] == said[1] == said[2] and said[0].endswith("is not accepted; give it as "
                                                              "text"), said


def test_brackets_with_nothing_inside_are_the_empty_list() -> None:
    """ "[]" in a list field is the empty list, as pandas writes one in a CSV (its "[liver]" was
    read already; "[]" was refused as a name not known)."""
    assert parse_profile({"cancer": "rectum", "metastases": "[]"}, KB).metastases == []
    assert parse_profile({"cancer": "rectum", "metastases": " [] "}, KB).metastases == []
    assert parse_profile({"cancer": "rectum", "metastases": ["[]"]}, KB).metastases == []


# --------------------------------------------------------------------------------------------
# From a review of the command line (2026-12-01): words that deny or doubt are never read as the
# words without them.
# --------------------------------------------------------------------------------------------

WILD_TYPE_WORDS = ["wild-type", "wild type", "WT", "wildtype", "Wild-Type"]


@given(wild=st.sampled_from(WILD_TYPE_WORDS),
       denied=st.sampled_from(["not {}", "non-{}", "non {}", "{}: no", "{} - no", "{} = no",
                               "KRAS mutation: not {}", "KRAS not {}", "isn't {}"]),
       where=st.sampled_from(["field", "name"]))  # fmt: skip
def test_wild_type_denied_is_never_wild_type(wild: str, denied: str, where: str) -> None:
    """"not wild-type", "non-WT", "wild-type: no" say a mutation: never KRAS wild-type (which
    offers cetuximab and panitumumab)."""
    typed = denied.format(wild)
    data: dict[str, Any] = ({"cancer": "rectum", "stage": "4", "biomarkers": {"kras": typed}}
                            if where == "field" else
                            {"cancer": f"rectal cancer, {typed}", "stage": "4"})  # fmt: skip
    try:
        facts = read(data)
    except ProfileError:
        return  # refused: never misread
    assert facts.given["kras"] != "wild-type", typed
    if where == "field":
        assert facts.given["kras"] == "mutated", typed


ONE_CLAIM = [w for w in HORMONES_YES + HORMONES_NO  # not "PR-negative ER-positive": one denied
             if not re.search(r"[,/]|\band\b|\b(er|pr|hr)\b.*\b(er|pr|hr)\b", w.lower())]


@pytest.mark.parametrize("typed", [
    "wild type - no mutation detected", "KRAS WT no mutation detected",
    "KRAS wild type not mutated", "WT not mutated", "wild type = not mutated",
    "wild-type: no mutations found", "wt no variants",
    "KRAS: WT - not detected", "wild-type (not mutated)", "wild-type (negative)",
])  # fmt: skip
def test_wild_type_with_words_that_say_no_mutation_is_wild_type(typed: str) -> None:
    """The "no" of "no mutation" after wild-type says the same, not a denial of wild-type (a
    review found these read as mutated once denied wild-type was read)."""
    facts = read({"cancer": "rectum", "stage": "4", "biomarkers": {"kras": typed}})
    assert facts.given["kras"] == "wild-type", typed
    named = read({"cancer": f"rectal cancer, KRAS {typed.removeprefix('KRAS ')}", "stage": "4"})
    assert named.given["kras"] in ("wild-type", None), typed  # in a name: read, or not read


@settings(max_examples=80, deadline=None)
@given(phrase=st.sampled_from(ONE_CLAIM),
       site=st.sampled_from(["breast cancer", "prostate cancer"]),
       how=st.sampled_from(["{site}, not {w}", "{site} {w}?", "{site}, {w}?",
                            "{site} without {w}"]))  # fmt: skip
def test_hormone_words_denied_or_doubted_are_not_read(phrase: str, site: str, how: str) -> None:
    """"not ER positive", "ER+?", "not triple negative": whether hormones make the cancer grow
    stays unknown (hormone therapy needs information), and the words are named as not read."""
    name = how.format(site=site, w=phrase)
    try:
        facts = read({"cancer": name, "stage": "4"})  # read, with these words not read
    except ProfileError:  # or the whole name unsure, for a question mark after other words
        assert "?" in name, name
        return
    assert facts.given["hormone_sensitive"] is None, (name, facts.given["hormone_sensitive"])
    assert any("not read" in w for w in facts.warnings), (name, facts.warnings)
    if site == "breast cancer":  # (prostate cancer's hormone therapy does not ask)
        assert status({"cancer": name, "stage": "4"}, "general-hormone-therapy") is (
            Status.needs_information), name


@pytest.mark.parametrize("name", ["not ER-positive breast cancer",
                                  "breast cancer, ER-positive (not confirmed)"])
def test_hormone_words_denied_first_or_not_confirmed_are_refused(name: str) -> None:
    with pytest.raises(ProfileError):
        read({"cancer": name, "stage": "4"})


LIST_NAMES = {"progressed_on": "FOLFOX", "prior_treatments": "gastrectomy",
              "metastases": "liver", "symptoms": "bleeding", "cannot_have": "radiation"}
NOTES = ["not given", "never", "no", "ruled out", "not confirmed", "resolved", "excluded",
         "none", "no longer"]
NOT_HAD = ["planned", "declined", "refused", "not started", "scheduled"]  # of treatments had
# of a symptom or a place of spread: gone or not sure (a review of the command line: each had
# been read as there now); of a treatment, "(stopped)" says nothing against it
GONE = ["stopped", "gone", "no more", "denies", "removed", "resected", "NED", "complete response",
        "cleared", "equivocal"]


@given(field=st.sampled_from(sorted(LIST_NAMES)), note=st.sampled_from(NOTES + NOT_HAD + GONE),
       brackets=st.sampled_from(["({})", "( {} )"]))  # fmt: skip
def test_a_note_in_brackets_that_denies_is_never_dropped(field: str, note: str,
                                                         brackets: str) -> None:  # fmt: skip
    """"FOLFOX (not given)", "liver (ruled out)", "bleeding (resolved)", a treatment had
    "(planned)": refused with a message naming the item; a note that says nothing against it
    ("FOLFOX (2023)"), or that agrees with its field ("planned: FOLFOX (planned)", "cannot have:
    FOLFIRI (declined)"), is left out."""
    name = f"{LIST_NAMES[field]} {brackets.format(note)}"
    data: dict[str, Any] = {"cancer": "stomach", "stage": "4", field: [name]}
    if (note in NOT_HAD and field not in words.HAD_FIELDS) or (
            note in GONE and field not in words.PRESENT_FIELDS):  # fmt: skip
        assert read(data).given[field], name
        return
    with pytest.raises(ProfileError) as raised:
        read(data)
    assert f"{field}[0]" in str(raised.value) and "leave out what is not" in str(raised.value)
    kept = read({"cancer": "stomach", "stage": "4", field: [f"{LIST_NAMES[field]} (2023)"]})
    assert kept.given[field]


@pytest.mark.parametrize(("field", "typed", "written"), [
    ("progressed_on", "FOLFOX (with Avastin)", "FOLFOX + Avastin"),
    ("progressed_on", "Avastin (with FOLFOX)", "Avastin with FOLFOX"),
    ("cannot_have", "oxaliplatin (and Avastin)", "oxaliplatin and Avastin"),
    ("prior_treatments", "FOLFOX (plus bevacizumab)", "FOLFOX plus bevacizumab"),
    # a review of the change: other ways to join, and a drug named alone in the note
    ("progressed_on", "FOLFOX (w/ Avastin)", "FOLFOX + Avastin"),
    ("progressed_on", "FOLFOX (+Avastin)", "FOLFOX + Avastin"),
    ("progressed_on", "FOLFOX (bev)", "FOLFOX + Avastin"),
    ("progressed_on", "FOLFOX (in combination with bevacizumab)", "FOLFOX + Avastin"),
    # the same, a kind of it or a part of it: read as before
    ("prior_treatments", "chemo (FOLFOX)", "FOLFOX"),
    ("prior_treatments", "FOLFOX (oxaliplatin)", "FOLFOX"),
    ("cannot_have", "Avastin (bevacizumab)", "bevacizumab"),
])  # fmt: skip
def test_a_treatment_joined_in_brackets_is_read_as_written_together(
    field: str, typed: str, written: str
) -> None:
    """"FOLFOX (with Avastin)" stopped working left bevacizumab with FOLFIRI offered, where
    "FOLFOX + Avastin" ruled it out: the note was left out (a review of the command line). A note
    that joins a treatment, or names another alone ("(bev)"), is read as the two written
    together; one that names no treatment ("(with dose reduction)") is left out, as before."""
    data: dict[str, Any] = {"cancer": "rectum", "stage": "4"}
    assert read({**data, field: [typed]}).given[field] == read({**data, field: [written]}).given[
        field]


@pytest.mark.parametrize("typed", ["FOLFOX (did not work)", "FOLFOX (progressed)",
                                   "FOLFOX (disease progression on FOLFOX)",
                                   "FOLFOX (cancer grew during it)",
                                   "oxaliplatin (severe allergic reaction)",
                                   "cisplatin (not tolerated)",
                                   "FOLFOX (stopped due to neuropathy)",
                                   "oxaliplatin (grade 3 neuropathy)",
                                   "capecitabine (d/c'd for hand-foot syndrome)"])  # fmt: skip
def test_a_treatment_had_whose_note_says_how_it_went_is_refused_naming_where_it_goes(
    typed: str,
) -> None:
    """"FOLFOX (did not work)" among the treatments had left FOLFOX offered, and "chemotherapy
    (recommended)" counted as had (a review of the command line): the first names the answers
    it belongs to, the second is not had."""
    data: dict[str, Any] = {"cancer": "rectum", "stage": "4"}
    with pytest.raises(ProfileError, match=r"progressed_on.*cannot_have"):
        read({**data, "prior_treatments": [typed]})
    for note in ("recommended", "offered", "discussed"):
        with pytest.raises(ProfileError, match="not yet or not sure"):
            read({**data, "prior_treatments": [f"chemotherapy ({note})"]})
    for note in ("dose reduced for toxicity", "stopped, no toxicity", "stopped for surgery",
                 "continued despite nausea", "neuropathy improving, stopped per protocol"):
        assert read({**data, "prior_treatments": [f"FOLFOX ({note})"]}).given[
            "prior_treatments"] == {"folfox"}, note


HARMS = ["neuropathy", "peripheral neuropathy", "febrile neutropenia", "diarrhoea", "diarrhea",
         "hand-foot syndrome", "rash", "toxicity", "neurotoxicity", "side effects",
         "an allergic reaction", "hypersensitivity", "mucositis", "nausea and vomiting", "CIPN",
         "paraesthesia", "cold dysaesthesia"]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(HARMS), st.sampled_from(["", "severe ", "grade 3 "]),
       st.sampled_from(["stopped due to ", "stopped because of ", "discontinued for ",
                        "d/c'd for ", "held for ", "switched after ", ""]),
       st.sampled_from(["", "no ", "not due to ", "without "]),
       st.sampled_from(["FOLFOX", "oxaliplatin", "capecitabine", "cetuximab"]))  # fmt: skip
def test_a_treatment_had_stopped_for_a_harm_is_refused_unless_the_harm_is_denied(
    harm: str, grade: str, stop: str, denial: str, treatment: str
) -> None:
    """A note that a treatment had was stopped for a harm or a side effect, or that names only
    such a harm ("FOLFOX (stopped due to neuropathy)"), says how it went, an answer of its own
    (what cannot be had): it is refused naming where it goes, as "(severe allergic reaction)"
    is; "FOLFOX (stopped due to neuropathy)" had been read as FOLFOX had, the note left out
    with no word. Words that deny the harm leave the treatment had as written."""
    data: dict[str, Any] = {"cancer": "rectum", "stage": "4"}
    typed = f"{treatment} ({stop}{denial}{grade}{harm})"
    if denial:
        assert read({**data, "prior_treatments": [typed]}).given["prior_treatments"], typed
    else:
        with pytest.raises(ProfileError, match=r"progressed_on.*cannot_have"):
            read({**data, "prior_treatments": [typed]})


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["neuropathy", "febrile neutropenia", "grade 3 diarrhoea", "mucositis",
                        "hand-foot syndrome", "AKI", "DPD deficiency", "an AE"]),
       st.sampled_from(["no rash", "nausea resolved", "no neutropenia", "allergy ruled out",
                        "no progression"]),
       st.sampled_from(["stopped due to {h}; {d}", "stopped for {h}, {d}", "{h}; {d}"]),
       st.sampled_from(["FOLFOX", "oxaliplatin", "capecitabine"]))  # fmt: skip
def test_a_note_with_a_harm_denied_beside_the_harm_stopped_for_is_still_refused(
    harm: str, denial: str, form: str, treatment: str
) -> None:
    """"FOLFOX (stopped for neuropathy; no rash)" was read as FOLFOX had, the note left out with
    no word: the denial of one harm denied the whole note. A harm denied in a part of its own
    leaves the harm of another part read (``words.harm_denied``, the FHIR reader's too): the
    note is refused naming where it goes; "AKI", "DPD deficiency", "an AE" are harms too."""
    typed = f"{treatment} ({form.format(h=harm, d=denial)})"
    with pytest.raises(ProfileError, match=r"progressed_on.*cannot_have"):
        read({"cancer": "rectum", "stage": "4", "prior_treatments": [typed]})


@pytest.mark.parametrize(("field", "typed"), [
    # a review of the change: notes that only mention a word of the rules above, or join
    # something that is no treatment, say nothing against what they follow
    ("symptoms", "bowel blockage (stopped passing wind)"), ("symptoms", "pain (with movement)"),
    ("metastases", "liver (2 removed, 3 remain)"),
    ("metastases", "bone (PET negative, MRI positive)"),
    ("metastases", "bone (confirmed, not equivocal)"), ("metastases", "bone (with fracture)"),
    ("prior_treatments", "FOLFOX (no progression)"),
    ("prior_treatments", "capecitabine (dose reduced for toxicity)"),
    ("prior_treatments", "surgery (recommended, done 2022)"),
    ("prior_treatments", "FOLFOX (with dose reduction)"),
    ("cannot_have", "oxaliplatin (with neuropathy)"),
    ("planned", "FOLFOX (planned)"), ("cannot_have", "FOLFIRI (declined)"),
    ("cannot_have", "oxaliplatin (neuropathy, not tolerated)"),
    ("progressed_on", "FOLFOX (no response)"), ("symptoms", "pain (not controlled)"),
    ("symptoms", "bleeding (non-stop)"),
])  # fmt: skip
def test_a_note_in_brackets_that_says_how_is_left_out(field: str, typed: str) -> None:
    assert read({"cancer": "rectum", "stage": "4", field: [typed]}).given[field], typed


@pytest.mark.parametrize(("field", "typed", "value"), [
    ("her2", "HER2 1+ (negative)", "negative"), ("her2", "IHC 2+ (ISH not amplified)", "negative"),
    ("kras", "wild-type (not mutated)", "wild-type"), ("stage", "IV (M1, not resectable)", "4"),
])  # fmt: skip
def test_a_result_with_a_note_of_its_own_words_is_read(field: str, typed: str,
                                                       value: str) -> None:  # fmt: skip
    data: dict[str, Any] = {"cancer": "stomach", "stage": "4"}
    if field == "stage":
        data["stage"] = typed
    else:
        data["biomarkers"] = {field: typed}
    assert read(data).given[field] == value, typed


@pytest.mark.parametrize(("field", "typed"), [("stage", "IV (ruled out)"),
                                              ("stage", "4 (not confirmed)"),
                                              ("kras", "WT (not confirmed)"),
                                              ("kras", "mutated (excluded)"),
                                              ("her2", "positive (not confirmed)")])
def test_a_result_with_a_note_that_denies_it_is_refused(field: str, typed: str) -> None:
    data: dict[str, Any] = {"cancer": "stomach", "stage": "4"}
    if field == "stage":
        data["stage"] = typed
    else:
        data["biomarkers"] = {field: typed}
    with pytest.raises(ProfileError):
        read(data)


@pytest.mark.parametrize("typed", ["stomach or rectum", "either stomach or rectum",
                                   "rectal or colon cancer"])
def test_a_cancer_given_as_a_choice_is_refused(typed: str) -> None:
    with pytest.raises(ProfileError, match="not sure"):
        read({"cancer": typed})


@pytest.mark.parametrize(("typed", "site"), [
    ("gastric or GEJ cancer", "stomach"),
    ("gastric or gastro-oesophageal junction adenocarcinoma", "stomach"),
    ("ER and/or PR positive breast cancer", "breast"),
    ("rectal cancer with spread to liver or lungs", "rectum"),
    ("rectal adenocarcinoma, KRAS G12D or G12V", "rectum"),
])  # fmt: skip
def test_or_that_is_no_choice_of_places_is_read(typed: str, site: str) -> None:
    """"or" between two names of one place, or in words about results or spread, is no guess
    of where the cancer started (a review found these refused by a rule on "or" alone)."""
    assert read({"cancer": typed}).given["cancer"] == site


@pytest.mark.parametrize("typed", [["pain; bleeding"], "pain; bleeding", ["pain;bleeding"]])
def test_a_list_written_with_semicolons_is_a_list(typed: object) -> None:
    """As a cohort's CSV writes a list; "pain; bleeding" had been one name, "did you mean
    bleeding from the vagina?"."""
    facts = read({"cancer": "stomach", "symptoms": typed})
    assert facts.given["symptoms"] == frozenset({"pain", "bleeding"})


SPREAD_PLACES = sorted(n for n, v in KB.value_names["metastases"].items()
                       if v != "other-site" and n.isalpha())  # fmt: skip


@given(place=st.sampled_from(SPREAD_PLACES),
       how=st.sampled_from(["{} metastases", "{} mets", "{} metastasis", "metastatic to {}",
                            "metastatic to the {}", "spread to {}", "{} secondaries",
                            "{} and liver metastases", "multiple {} metastases",
                            "metastatic disease to the {}", "metastatic to {} and bone",
                            "{} mets, bone mets", "widespread {} mets",
                            # a review of the change: "secondary liver cancer" was liver cancer
                            "secondary {} cancer", "secondaries in the {}", "secondary {}",
                            "secondary {} tumour"]))
def test_a_cancer_named_only_by_where_it_spread_is_not_a_cancer_of_that_place(
        place: str, how: str) -> None:  # fmt: skip
    """"bone metastases", "lung mets", "metastatic to the liver": where the cancer has spread,
    not where it started (it had been "bone metastases cancer"; "lung metastases" lung cancer's
    options): the general options, saying so."""
    facts = read({"cancer": how.format(place), "stage": "4"})
    assert facts.given["cancer"] is None  # where it started: not given
    assert any("says where the cancer has spread" in w for w in facts.warnings), facts.warnings


def test_a_cancer_is_looked_up_by_runs_of_words_no_longer_than_a_name() -> None:
    """A cancer's name is looked up by runs of at most ``PHRASE_WORDS`` words: every name of the
    knowledge base's cancers is that short once the describing words are left out (so the
    limit hides none), and a name of a thousand words gives thousands of runs, not the half
    million that made a page read it for minutes."""
    longest = max(len(words.place_words(n)) for c in KB.data.cancers for n in c.names())
    assert longest <= words.PHRASE_WORDS
    assert len(words.cancer_phrases(" ".join(["x"] * 1000))) <= 1000 * words.PHRASE_WORDS
    assert words.cancer_phrases("cancer of the uterine cervix")[0] == "uterine cervix"


NAMELESS_WORDS = sorted(words.NOTHING_NAMED | {
    "carcinoma", "adenocarcinoma", "cancer", "tumour", "tumor", "neoplasm", "malignant",
    "malignancy", "squamous", "cell", "poorly", "differentiated", "invasive", "metastatic",
    "advanced", "primary", "of", "the",
    # how far it has gone (a review of the command line: "stage 4 cancer", "terminal cancer",
    # "mets" were cancers of their own, and radioactive iodine not suitable)
    "stage", "4", "iv", "terminal", "end", "end-stage", "late", "secondary", "secondaries",
    "mets", "metastases", "widespread"})  # fmt: skip


@given(said=st.lists(st.sampled_from(NAMELESS_WORDS), min_size=1, max_size=5),
       stage=st.sampled_from(["4", None]))  # fmt: skip
@settings(max_examples=200, deadline=None)
def test_a_cancer_whose_words_name_no_place_is_not_known_where_it_started(
        said: list[str], stage: str | None) -> None:  # fmt: skip
    """"Carcinoma", "Squamous cell carcinoma", "Malignant neoplasm of unspecified site": a
    cancer, but not where it started. Read as unknown, as the FHIR mapping reads those words (it
    had been a cancer named "Carcinoma", and radioactive iodine was not suitable: "thyroid
    cancer (yours: Carcinoma)"), never ruling out an option by where the cancer started."""
    name = " ".join(said)
    data: dict[str, Any] = {"cancer": name} | ({"stage": stage} if stage else {})
    try:
        facts = read(data)
    except ProfileError as error:  # "uncertain", "unknown" and such: refused or unknown
        assert str(error).startswith("cancer: ")
        return
    assert facts.given["cancer"] is None, (name, facts.site)
    result = evaluate(parse_profile(data, KB), KB)
    for option in result.options:
        assert not (option.status.value == "not_suitable" and "started" in
                    (option.reason or "")), (name, option.id, option.reason)  # fmt: skip


@given(field=st.sampled_from(["cancer", "label", "id", "stage", "symptoms", "metastases",
                              "biomarkers.kras"]),
       half=st.integers(0xD800, 0xDFFF), before=st.text(max_size=5))  # fmt: skip
def test_half_a_surrogate_pair_is_refused_as_not_text(field: str, half: int, before: str) -> None:
    """JSON's "\\udfff", or a byte the command line could not decode: refused, naming the field
    (it was read, then no view could print it: a traceback)."""
    value = before + chr(half)
    data: dict[str, Any] = {"cancer": "rectum"}
    if field == "biomarkers.kras":
        data["biomarkers"] = {"kras": value}
    else:
        data[field] = [value] if field in ("symptoms", "metastases") else value
    with pytest.raises(ProfileError) as raised:
        read(data)
    assert "not valid Unicode" in str(raised.value) and field in str(raised.value)
    # and says what is accepted (it accepted nothing)
    assert all(p.accepted for p in raised.value.problems if "Unicode" in p.message), raised.value


@pytest.mark.parametrize(("typed", "read_as"), [
    ("04", "04"), ("0x4", "0x4"), ("0b100", "0b100"), ("+4", "+4"), ("4:00", "4:00"),
    ("0o4", "0o4"), ("1_0", "1_0"), (".inf", ".inf"), ("4", 4), ("-1", -1), ("4.0", 4.0),
    ("1e1", 10.0), ("true", True), ("yes", "yes"),
])  # fmt: skip
def test_yaml_numbers_are_those_json_writes(typed: str, read_as: object) -> None:
    """YAML 1.1's other numbers stay as typed (``stage: 04`` had become 4 with no "you wrote",
    while JSON's "04" is refused; ``4:00`` became 240)."""
    from onconav.reading import profile_from_text

    data = profile_from_text(f"cancer: rectum\nstage: {typed}\n", "the profile")
    assert data["stage"] == read_as and type(data["stage"]) is type(read_as)


TYPED_CANCERS = ["Rectal adenocarcinoma", "gastric cancer", "HER2-positive stomach cancer",
                 "squamous cell carcinoma of the cervix", "KRAS G12D rectal cancer", "kidney",
                 "colorectal", "GOJ"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(cancer=st.sampled_from(TYPED_CANCERS),
       stage=st.sampled_from(["IV", "Stage IVB", "4", "stage 4 (metastatic)", "III", "not tested"]),
       her2=st.sampled_from([None, "3+", "IHC 1+", "HER2 negative", "equivocal"]),
       prior=st.lists(st.sampled_from(["5-FU/LV", "XELOX", "EBRT", "carbo/taxol", "Xeloda",
                                       "FOLFOX"]), max_size=3, unique=True),
       symptoms=st.lists(st.sampled_from(["bleeding", "bone pain", "trouble swallowing"]),
                         max_size=2, unique=True))  # fmt: skip
def test_a_results_profile_posted_back_reads_the_same_and_keeps_its_words(
        cancer: str, stage: str, her2: str | None, prior: list[str], symptoms: list[str]
) -> None:  # fmt: skip
    """A result's profile (the values as read, and as_typed) given again gives the same profile,
    the words as typed included (they had been replaced, and "you wrote" lost), and the same
    answer; as_typed whose words read as something else is refused, naming the field."""
    import json

    typed: dict[str, Any] = {"cancer": cancer, "stage": stage, "prior_treatments": prior,
                             "symptoms": symptoms}  # fmt: skip
    if her2 is not None:
        typed["biomarkers"] = {"her2": her2}
    first = evaluate(parse_profile(typed, KB), KB)
    posted = json.loads(first.model_dump_json())["profile"]
    again = evaluate(parse_profile(posted, KB), KB)
    assert again.profile == first.profile
    assert [(o.id, o.status) for o in again.options] == [(o.id, o.status) for o in first.options]
    contrary = "IV" if posted.get("stage") == "earlier" else "Stage II"
    other = {**posted, "as_typed": {**posted.get("as_typed", {}), "stage": contrary}}
    with pytest.raises(ProfileError, match=r"as_typed\.stage: does not read as the stage given"):
        parse_profile(other, KB)


@pytest.mark.parametrize(("field", "words_"), [("metastases", ["brain and bone, not liver"]),
                                               ("symptoms", ["xyzzy"])])  # fmt: skip
def test_posted_words_that_read_as_nothing_are_refused_beside_an_empty_list(
        field: str, words_: list[str]) -> None:  # fmt: skip
    """as_typed words that read as no value were taken as agreeing with an empty list (the
    "none" shown with "you wrote: brain and bone, not liver")."""
    data = {"cancer": "rectum", "stage": "4", field: [], "as_typed": {field: words_}}
    with pytest.raises(ProfileError, match=rf"as_typed\.{field}: does not read as"):
        parse_profile(data, KB)


PROSE = st.lists(st.from_regex(r"[A-Za-z]+('[a-z]+)?[,;:.()]?", fullmatch=True), min_size=1,
                 max_size=6).map(" ".join)  # words, some with an apostrophe (cancer's, don't)


@given(st.lists(st.tuples(PROSE, st.text(max_size=80)), min_size=1, max_size=4), PROSE)
@settings(max_examples=100, deadline=None)
def test_a_message_keeps_every_word_outside_the_values_it_quotes(
    parts: list[tuple[str, str]], last: str
) -> None:
    """Only a value quoted over 40 characters is cut (as words.cut cuts it): the words between two
    values quoted, and a word's apostrophe, were taken for one long value and cut away ("'possibly
    stomach'is not sure ... give…'unknown'")."""
    message = " ".join(f"{prose} {words.shown(value)}" for prose, value in parts) + " " + last
    short = words.short_quotes(message)
    expected = " ".join(f"{prose} {words.shown(words.cut(value) if len(value) > 40 else value)}"
                        for prose, value in parts) + " " + last  # fmt: skip
    assert short == expected


def test_a_refusal_cuts_the_values_its_messages_quote_for_every_front_end() -> None:
    """The API's and CDS Hooks' field errors (``problems.field_errors``) cut a value a message
    quotes as the page does: only the API's own refusals had cut them."""
    from onconav.profile import Problem
    from onconav.web.problems import field_errors

    long = "x" * 300
    (error,) = field_errors([Problem(field="cancer", value=long, accepted=(),
                                     message=f"{words.shown(long)} is not known")])  # fmt: skip
    assert error.message == f"{words.shown(words.cut(long))} is not known"
    assert error.value == long  # the value given is sent back whole, once


@pytest.mark.parametrize("doubt", ["(I think)", "(we think)", "(presumed)", "(I believe)",
                                   "(tbc)", "(provisional)", "(doctor thinks)", "(suspicious)",
                                   "thought to be", "(to be determined)"])  # fmt: skip
@pytest.mark.parametrize(("field", "value"), [
    ("stage", "4"), ("metastases", ["liver"]), ("kras", "wild-type"), ("her2", "3+"),
    ("cancer", "rectum"),
])  # fmt: skip
def test_a_value_said_as_a_belief_is_refused_as_one_in_doubt(
    doubt: str, field: str, value: Any
) -> None:
    """A value written with words of belief beside it ("4 (I think)", "liver (suspicious)",
    "wild-type (I think)") was read as certain, with no warning, where "(probably)" was refused:
    a belief is no result, and the answer would rest on it."""
    kb = load_kb()
    doubted: Any = ([f"{value[0]} {doubt}"] if isinstance(value, list)
                    else f"{value} {doubt}")  # fmt: skip
    data: dict[str, Any] = {"cancer": "rectum" if field != "cancer" else doubted}
    if field in ("kras", "her2"):
        data["biomarkers"] = {field: doubted}
    elif field != "cancer":
        data[field] = doubted
    with pytest.raises(ProfileError):
        parse_profile(data, kb)
    plain = {**data, **({"biomarkers": {field: value}} if field in ("kras", "her2")
                        else {field: value})}  # fmt: skip
    parse_profile(plain, kb)  # the value itself is read


def _plain_names(field: str) -> dict[str, str]:
    """A name of each value of a fact that reads as that value alone, with no bracket in it."""
    names: dict[str, str] = {}
    for name, ident in sorted(KB.value_names[field].items()):
        if "(" not in name and ident not in names and ident not in OPEN_VALUES:
            names[ident] = name
    return names


OPEN_VALUES = {"others-not-known", "drugs-not-known", "drugs-not-said"}
KINDS_OF = sorted(
    (field, names[broad], names[narrow])
    for field in NARROWED_BY_A_NOTE
    for names in [_plain_names(field)]
    for narrow in names
    for broad in KB.vocabulary.up("prior_treatments", narrow) - {narrow}
    if broad in names
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS_OF))
@example(("prior_treatments", "immunotherapy", "keytruda"))
@example(("progressed_on", "chemotherapy", "folfox"))
def test_a_note_in_brackets_that_names_a_kind_is_read_as_that_kind(
    kind: tuple[str, str, str],
) -> None:
    """"immunotherapy (Keytruda)" was read as immunotherapy, Keytruda left out, and "chemotherapy
    (FOLFOX)" that stopped working as chemotherapy, asking again which: a note that names a kind
    of what it follows says which, and is read as it would be alone. A note that names something
    broader ("pembrolizumab (immunotherapy)") adds nothing. In what cannot be had, a note is an
    example: "cannot have immunotherapy (Keytruda)" is none of them, nivolumab too."""
    field, broad, narrow = kind
    alone = parse_profile({"cancer": "rectum", field: [narrow]}, KB)
    for typed in (f"{broad} ({narrow})", f"{narrow} ({broad})"):
        read = parse_profile({"cancer": "rectum", field: [typed]}, KB)
        assert getattr(read, field) == getattr(alone, field), typed
    # what cannot be had stays as broad as written: the note is an example, not which
    if not {broad, narrow} <= set(KB.value_names["cannot_have"]):
        return  # surgery is no answer of what cannot be had
    for typed, name in ((f"{broad} ({narrow})", broad), (f"{narrow} ({broad})", narrow)):
        cannot = parse_profile({"cancer": "rectum", "cannot_have": [typed]}, KB).cannot_have
        assert cannot == parse_profile({"cancer": "rectum", "cannot_have": [name]}, KB).cannot_have


KINDS_LISTED = sorted(
    (field, broad, tuple(narrow for (f, b, narrow) in KINDS_OF if (f, b) == (field, broad)))
    for field, broad in {(f, b) for f, b, _ in KINDS_OF}
)
KINDS_LISTED = [k for k in KINDS_LISTED if len(k[2]) >= 2]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(KINDS_LISTED).flatmap(
    lambda k: st.tuples(st.just(k[0]), st.just(k[1]),
                        st.lists(st.sampled_from(k[2]), min_size=2, max_size=3, unique=True))),
       st.sampled_from([", ", "; ", ",", " , "]))  # fmt: skip
@example(("prior_treatments", "chemotherapy", ["folfox", "folfiri"]), ", ")
def test_a_note_that_names_several_kinds_is_read_as_each(
    kinds: tuple[str, str, list[str]], comma: str
) -> None:
    """"chemotherapy (FOLFOX, FOLFIRI)" was read as chemotherapy, asking again which: a note
    that lists kinds of what it follows says which, each read as it would be alone. A list with
    one name that is not known ("FOLFOX, stopped") says nothing more than the broad name."""
    field, broad, narrow = kinds
    alone = parse_profile({"cancer": "rectum", field: narrow}, KB)
    read = parse_profile({"cancer": "rectum", field: [f"{broad} ({comma.join(narrow)})"]}, KB)
    assert getattr(read, field) == getattr(alone, field)
    # (not "in 2023": a date beside a name says when it was had, and the name is read)
    vague = parse_profile({"cancer": "rectum", field: [f"{broad} ({narrow[0]}, stopped)"]}, KB)
    assert getattr(vague, field) == getattr(parse_profile({"cancer": "rectum", field: [broad]},
                                                          KB), field)  # fmt: skip


@pytest.mark.parametrize(("typed", "read_as"), [
    # read whole first: the parts alone lost the radiation, and with it chemoradiation
    ("chemotherapy (cisplatin, with radiation)", "cisplatin with radiation"),
    # a part that is no kind of the name: not read into it
    ("immunotherapy (pembrolizumab, FOLFOX)", "immunotherapy"),
    ("chemotherapy (FOLFOX, FOLFIRI)", "FOLFOX, FOLFIRI"),
])  # fmt: skip
def test_a_note_is_read_whole_before_its_parts(typed: str, read_as: str) -> None:
    for field in ("prior_treatments", "progressed_on"):
        read = parse_profile({"cancer": "cervix", field: [typed]}, KB)
        alone = parse_profile({"cancer": "cervix", field: read_as.split(", ")}, KB)
        assert getattr(read, field) == getattr(alone, field), (field, typed)


HAD_NAMES = sorted(n for n in _plain_names("prior_treatments").values())
PLACE_NAMES = sorted(n for n in _plain_names("metastases").values())


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(HAD_NAMES), st.sampled_from(["had", "She had", "received", "previous",
                                                    "have had a", "underwent"]))  # fmt: skip
@example("chemo", "had")
def test_a_treatment_had_in_a_familys_words_is_the_treatment(name: str, said: str) -> None:
    """"had chemo" (a family's words in the page's box) was refused as not known, with a hint
    about regimens: the words of having had it say nothing more, and the rest is read as alone."""
    alone = parse_profile({"cancer": "rectum", "prior_treatments": [name]}, KB)
    read = parse_profile({"cancer": "rectum", "prior_treatments": [f"{said} {name}"]}, KB)
    assert read.prior_treatments == alone.prior_treatments
    with pytest.raises(ProfileError):  # a denial is no treatment had
        parse_profile({"cancer": "rectum", "prior_treatments": [f"had no {name}"]}, KB)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PLACE_NAMES), min_size=1, max_size=3, unique=True),
       st.sampled_from(["spread to {}", "it has spread to the {}", "metastatic to {}",
                        "{} metastases", "multiple {} metastases", "mets to {}",
                        "metastases in the {}"]))  # fmt: skip
@example(["liver", "bones"], "spread to {}")
@example(["liver"], "mets to {}")  # the noun before the place had been refused
def test_places_of_spread_in_a_familys_words_are_the_places(places: list[str], said: str) -> None:
    """"spread to liver and bones" was refused as not known: the words of spreading say nothing
    more, and the places are read as they would be alone. How many tumours there are
    ("multiple") is the extent, which these words do not give: still refused."""
    alone = parse_profile({"cancer": "rectum", "metastases": places}, KB)
    typed = said.format(" and ".join(places))
    if "multiple" in said:
        with pytest.raises(ProfileError):
            parse_profile({"cancer": "rectum", "metastases": [typed]}, KB)
        return
    read = parse_profile({"cancer": "rectum", "metastases": [typed]}, KB)
    assert read.metastases is not None and alone.metastases is not None
    assert set(read.metastases) == set(alone.metastases), typed


@pytest.mark.parametrize("note", ["not yet", "next week", "booked", "upcoming", "due in May",
                                  "in 2 weeks", "due to start in June", "soon"])  # fmt: skip
@pytest.mark.parametrize("name", ["total gastrectomy", "had chemo", "FOLFOX"])
def test_a_treatment_with_a_note_that_it_is_yet_to_come_is_not_had(note: str, name: str) -> None:
    """"total gastrectomy (not yet)" was read as had, and surgery to remove part of the stomach
    was not suitable "after a total gastrectomy, which you have had": a note that says a
    treatment is yet to come denies it was had (or stopped working), as "(planned)" did."""
    for field in ("prior_treatments", "progressed_on"):
        if field == "progressed_on" and name != "FOLFOX":
            continue
        with pytest.raises(ProfileError, match="its note in brackets says it is not so"):
            parse_profile({"cancer": "stomach", field: [f"{name} ({note})"]}, KB)


@pytest.mark.parametrize("note", ["stopped for surgery", "waiting for results", "2023"])
def test_a_note_of_why_or_when_a_treatment_was_had_is_left_out(note: str) -> None:
    """(A note that it was stopped for a harm is refused: ``test_a_treatment_had_stopped_for_a_
    harm_is_refused_unless_the_harm_is_denied``.)"""
    read = parse_profile({"cancer": "stomach", "prior_treatments": [f"FOLFOX ({note})"]}, KB)
    assert read.prior_treatments == ["folfox"]


@pytest.mark.parametrize("field", ["prior_treatments", "planned", "cannot_have"])
def test_a_total_gastrectomy_is_a_treatment_of_every_list_that_takes_surgery(field: str) -> None:
    """"total gastrectomy" had been an alias of gastrectomy: when it became a treatment had of its
    own, planned and cannot_have refused it as not known."""
    read = parse_profile({"cancer": "stomach", field: ["total gastrectomy"]}, KB)
    assert getattr(read, field) == ["total-gastrectomy"]


@pytest.mark.parametrize(
    ("given", "read_as"),
    [({"kras": []}, None), ({"kras": ["WT", "wild-type"]}, "wild-type"),
     ({"her2": ["positive", "3+"]}, "positive"), ({"her2": []}, None),
     ({"kras": ["WT", "mutated"]}, ["wild-type", "mutated"])],
)  # fmt: skip
def test_results_of_a_test_that_say_the_same_are_one(given: dict[str, Any], read_as: Any) -> None:
    """An empty list of KRAS results was kept as an answer ([]), and two results that say the
    same ("WT", "wild-type") as two, as if they disagreed: the same results are one, and no
    result is none (not known). Results that disagree stay a list."""
    markers = parse_profile({"cancer": "rectum", "biomarkers": given}, KB).biomarkers
    [(field, _)] = given.items()
    assert getattr(markers, field) == read_as


@settings(max_examples=80, deadline=None)
@given(field=st.sampled_from(sorted(YES_NO_FIELDS)),
       word=st.sampled_from([0, 1, "0", "1", "y", "n", "on", "off", "t", "f", " Yes ", "NO",
                             "true", "False", True, False]))  # fmt: skip
def test_every_yes_or_no_given_otherwise_keeps_its_words(field: str, word: object) -> None:
    """A yes or no written other than yes, no, true or false (0, "n", "off") is kept as typed,
    for every yes-or-no field, as the stage's words are: wants_cancer_treatment=0 was read as no,
    making every cancer treatment "not chosen", with no "(you wrote: 0)" to show how (only
    resectable kept its words). Plain words (and JSON's true and false) are not repeated."""
    profile = parse_profile({"cancer": "stomach", field: word}, KB)
    plain = word is True or word is False or str(word).strip().lower() in (
        "yes", "no", "true", "false")  # fmt: skip
    assert (field in profile.as_typed) is not plain, (field, word, profile.as_typed)
    if not plain:
        assert profile.as_typed[field] == word


@pytest.mark.parametrize("typed", ["chemoradiation (capecitabine)", "radiation (capecitabine)",
                                   "chemoradiation (5-FU)"])  # fmt: skip
def test_a_drug_in_brackets_after_radiation_is_read_with_it(typed: str) -> None:
    """"chemoradiation (capecitabine)" stopped working was read as chemoradiation alone, the drug
    dropped without a word, while "radiation (capecitabine)" kept it (a review of the change):
    a drug noted after radiation is read with it, as written together ("capecitabine with
    radiation")."""
    drug = "fluorouracil" if "5-FU" in typed else "capecitabine"
    for field in ("prior_treatments", "progressed_on"):
        given = read({"cancer": "rectum", field: [typed]}).given[field]
        assert {drug, "chemoradiation"} <= given, (field, given)


@settings(max_examples=300, deadline=None)
@given(amino=st.sampled_from("ACDEFGHIKLMNPQRSTVWY"), to=st.sampled_from("ACDEFGHIKLMNPQRSTVWY"),
       at=st.integers(1, 9999), how=st.sampled_from(["{a}{n}{b}", "p.{a}{n}{b}", "KRAS {a}{n}{b}",
                                                     "KRAS p.{a}{n}{b} mutated"]))  # fmt: skip
def test_a_change_is_kras_only_at_a_kras_codon_with_krass_own_amino_acid(
    amino: str, to: str, at: int, how: str
) -> None:
    """Any change written as letter, number, letter was read as KRAS mutated ("V600E", BRAF's;
    "L858R", EGFR's; "G999D", past KRAS's end), which ruled out cetuximab and panitumumab (a
    review of the command line). A change named alone is KRAS's when it is at a codon a RAS test
    reads, with the amino acid KRAS has there (G12, G13, A59, Q61, K117, A146); with KRAS named,
    at any of KRAS's 189 codons; any other is refused, naming it, never read as a KRAS result."""
    typed = how.format(a=amino, n=at, b=to)
    named = "KRAS" in how  # the lab names the gene: any of KRAS's codons (a review of the change:
    # FHIR's variant of the gene KRAS at p.Gly60Arg was read, "KRAS G60R" typed was refused)
    if (named and at <= words.KRAS_LENGTH) or words.KRAS_CODONS.get(at) == amino.lower():
        assert words.kras(typed) == "mutated"
    else:
        with pytest.raises(words.NotUnderstood, match=f"{amino}{at}{to} is no KRAS change"):
            words.kras(typed)


@pytest.mark.parametrize(("typed", "value"), [
    ("p.Gly12Asp", "mutated"), ("c.35G>A", "mutated"), ("codon 61", "mutated"),
    ("p.Val600Glu", None), ("c.1799T>A", None), ("codon 600", None), ("L858R", None),
])  # fmt: skip
def test_a_kras_change_by_three_letters_dna_or_codon_is_read_by_its_codon(
    typed: str, value: str | None
) -> None:
    if value is not None:
        assert words.kras(typed) == value
    else:
        with pytest.raises(words.NotUnderstood, match="is no KRAS change read here"):
            words.kras(typed)


# every name of a value of a list fact written with a little word ("bleeding from the vagina"),
# with its fact
NAMES_WITH_LITTLE_WORDS = sorted(
    (field, written, ident)
    for field in ("symptoms", "metastases", "prior_treatments")
    for ident in KB.vocabulary.known(field) if ident in KB.by_id
    for written in KB.by_id[ident].names()  # type: ignore[union-attr]
    if set(written.lower().split()) & LITTLE_WORDS
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(NAMES_WITH_LITTLE_WORDS), st.sampled_from(["", "my", "the"]))
@example(("symptoms", "bleeding from the vagina", "vaginal-bleeding"), "")
def test_a_name_written_without_its_little_words_is_the_name(
    named: tuple[str, str, str], little: str
) -> None:
    """"bleeding from vagina" was refused as not known, told to check the spelling with no name
    to try (a review of the page): a known name written without its little words ("the", "my"),
    or with others, is read as the name is, unless another name is so written."""
    field, written, ident = named
    bare = without_little_words(written)
    typed = f"{little} {bare}".strip()
    claimed = KB.value_names[field].get(normalise_name(bare))
    facts = parse_profile({"cancer": "rectum", field: [typed]}, KB)
    assert getattr(facts, field) == [claimed], (typed, claimed)
    assert claimed == ident or normalise_name(bare) in {
        normalise_name(n) for i in KB.vocabulary.known(field) if i in KB.by_id
        for n in KB.by_id[i].names()}  # type: ignore[union-attr]  # fmt: skip


@pytest.mark.parametrize(("typed", "suggested"), [
    ("vaginal bleed", "vaginal bleeding"), ("rectal bleed", "rectal bleeding")])  # fmt: skip
def test_most_of_a_name_from_its_start_is_suggested(typed: str, suggested: str) -> None:
    with pytest.raises(ProfileError, match=f"did you mean {suggested}"):
        parse_profile({"cancer": "cervix", "symptoms": [typed]}, KB)


@pytest.mark.parametrize(("name", "value"), [
    ("metastatic breast cancer, ER positive or not", None),
    ("metastatic breast cancer, ER positive or no", None),
    ("metastatic breast cancer, ER positive but negative for HER2", True),
    ("breast cancer ER positive, now negative margins", True),
])  # fmt: skip
def test_a_receptor_then_a_doubt_or_another_things_negative(name: str, value: bool | None) -> None:
    """"ER positive or not" doubts the result (it had been read as yes: hormone therapy
    offered); "negative for HER2", "negative margins" are another thing's, not the receptor's."""
    facts = read({"cancer": name, "stage": "4"})
    assert facts.given["hormone_sensitive"] is value, (name, facts.warnings)


@settings(max_examples=60, deadline=None)
@given(word=st.sampled_from(["refractory", "resistant", "progressed", "progressing",
                             "progression", "progressive", "not responding", "stopped working"]),
       before=st.sampled_from(["", "platinum-", "chemo-", "Disease ", "cancer has "]),
       after=st.sampled_from(["", " disease", " on FOLFOX", " after chemo"]),
       upper=st.booleans())  # fmt: skip
@example(word="refractory", before="", after="", upper=False)  # a clinical review's
def test_a_recurrence_that_says_a_treatment_stopped_working_says_where_it_belongs(
    word: str, before: str, after: str, upper: bool
) -> None:
    """"recurrence: refractory" had been refused listing the values accepted only: words that
    say a treatment stopped working (refractory, resistant, progressed, not responding) are
    refused saying so, and that the treatments that stopped working are their own answer
    (progressed_on). The words that are a recurrence's value are still read."""
    said = before + word + after
    said = said.upper() if upper else said
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "stomach", "recurrence": said}, KB)
    [problem] = caught.value.problems
    assert problem.field == "recurrence" and "(progressed_on)" in str(problem), problem
    assert "accepted: none, yes, local, distant" in str(problem)
    for value in words.RECURRENCE:
        assert parse_profile({"cancer": "stomach", "recurrence": value}, KB).recurrence


@pytest.mark.parametrize("said", ["sometimes", "no progression", "not refractory",
                                  "non-progressive"])
def test_a_recurrence_of_other_words_is_refused_as_before(said: str) -> None:
    """Words that say nothing of a treatment stopping, or deny it ("no progression": a review
    of the change), get the values accepted, no more."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "stomach", "recurrence": said}, KB)
    assert "progressed_on" not in str(caught.value)


# --------------------------------------------------------------------------------------------
# A clinical review: an oncology navigator's words
# --------------------------------------------------------------------------------------------

HAD_WORDS = ["s/p {}", "S/P {}", "s.p. {}", "status post {}", "Status-post {}", "post {}",
             "h/o {}", "H/O {}", "hx of {}", "history of {}", "a history of {}", "{} done",
             "{} completed", "{} performed", "{} given", "{} done already"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(field=st.just("prior_treatments"), data=st.data(), said=st.sampled_from(HAD_WORDS))
@example(field="prior_treatments", data=None, said="s/p {}")
def test_a_clinics_words_of_having_had_a_treatment_are_the_treatment(
    field: str, data: Any, said: str
) -> None:
    """"s/p total gastrectomy" was answered "did you mean Subtotal gastrectomy?" (the opposite
    operation), and "status post", "h/o", "... done" were refused though the name was known (a
    clinical review): the words that say only that it was had are read past, for every name of
    every treatment, in the list of treatments had, as "had" is."""
    name = ("total gastrectomy" if data is None
            else data.draw(st.sampled_from(sorted(_plain_names(field).values()))))
    try:
        alone: Any = getattr(parse_profile({"cancer": "stomach", field: [name]}, KB), field)
    except ProfileError:
        alone = ProfileError
    typed = said.format(name)
    try:
        read_: Any = getattr(parse_profile({"cancer": "stomach", field: [typed]}, KB), field)
    except ProfileError:
        read_ = ProfileError
    assert read_ == alone, (typed, name)


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(["progressed_on", "cannot_have", "planned"]), data=st.data(),
       said=st.sampled_from(HAD_WORDS))  # fmt: skip
@example(field="progressed_on", data=None, said="had {}")
def test_a_clinics_words_of_having_had_it_are_refused_where_the_list_is_not_of_treatments_had(
    field: str, data: Any, said: str
) -> None:
    """Among the treatments that stopped working, cannot be had or are planned, the words that
    say a treatment was had are refused, saying to list it among the treatments had: "had
    FOLFOX" had been read as FOLFOX stopped working, without a word (a review of the change),
    which rules out every option that gives it."""
    name = ("FOLFOX" if data is None
            else data.draw(st.sampled_from(sorted(_plain_names(field).values()))))
    typed = said.format(name)
    assume(words.had_said(typed) is not None)
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "stomach", field: [typed]}, KB)
    assert "its words say it was had" in str(caught.value), (typed, str(caught.value))


@pytest.mark.parametrize(("typed", "ids"), [
    ("s/p total gastrectomy", ["total-gastrectomy"]),
    ("S/P total gastrectomy", ["total-gastrectomy"]),
    ("post total gastrectomy", ["total-gastrectomy"]),
    ("post-gastrectomy", ["gastrectomy"]),
    ("h/o total gastrectomy", ["total-gastrectomy"]),
    ("status post total gastrectomy", ["total-gastrectomy"]),
    ("total gastrectomy done", ["total-gastrectomy"]),
    ("distal gastrectomy", ["subtotal-gastrectomy"]),
    ("proximal gastrectomy", ["subtotal-gastrectomy"]),
    ("D2 gastrectomy", ["gastrectomy"]),
    ("D1+ gastrectomy", ["gastrectomy"]),
    ("D2 total gastrectomy", ["total-gastrectomy"]),
    ("subtotal gastrectomy with D2 lymphadenectomy", ["subtotal-gastrectomy"]),
    ("gastrectomy + D2 lymph node dissection", ["gastrectomy"]),
    ("s/p D2 distal gastrectomy", ["subtotal-gastrectomy"]),
])  # fmt: skip
def test_a_navigators_words_of_an_operation_had(typed: str, ids: list[str]) -> None:
    """A clinical review: each was refused, or offered the opposite operation. A distal
    gastrectomy takes out part of the stomach; a D2 gastrectomy says how many lymph nodes were
    taken with it, not whether all of the stomach was: the broad gastrectomy."""
    assert parse_profile({"cancer": "stomach", "prior_treatments": [typed]}, KB
                         ).prior_treatments == ids  # fmt: skip


@pytest.mark.parametrize(("field", "typed", "hint"), [
    ("cannot_have", "s/p total gastrectomy", "its words say it was had: list it among the "
     "treatments had (prior_treatments)"),
    ("planned", "h/o FOLFOX", "its words say it was had"),
    ("cannot_have", "D2 gastrectomy", "how many lymph nodes an operation takes out is not "
     "asked here"),
    ("progressed_on", "s/p total gastrectomy", "list it among the treatments had"),
])  # fmt: skip
def test_words_of_having_had_it_where_a_list_is_not_of_treatments_had(
    field: str, typed: str, hint: str
) -> None:
    """What cannot be had and what is planned are not treatments had: "s/p ..." there is
    refused, saying where it goes (and never offered the opposite operation), and an operation
    with how many lymph nodes it takes out is not made broader in what cannot be had."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "stomach", field: [typed]}, KB)
    assert hint in str(caught.value) and "did you mean" not in str(caught.value), caught.value


# every pair of known names of a fact where one is the other with a prefix that makes it another
# thing ("subtotal gastrectomy", "total gastrectomy"), as folded
OPPOSITES = sorted(
    (field, longer, shorter)
    for field in ("prior_treatments", "cannot_have", "planned", "progressed_on", "symptoms",
                  "metastases")
    for longer in KB.value_names[field] for shorter in KB.value_names[field]
    if len(shorter) >= 4 and any(p + shorter in longer for p in OPPOSITE_PREFIXES)
)  # fmt: skip


def test_there_are_names_one_of_which_is_the_other_with_a_prefix() -> None:
    assert ("prior_treatments", "subtotalgastrectomy", "totalgastrectomy") in OPPOSITES


@settings(max_examples=300, deadline=None)
@given(pair=st.sampled_from(OPPOSITES), junk=st.text("abcdeoprstux", min_size=0, max_size=4))
@example(pair=("cannot_have", "subtotalgastrectomy", "totalgastrectomy"), junk="sp")
def test_a_suggestion_is_never_the_typed_name_with_a_prefix_that_makes_it_another_thing(
    pair: tuple[str, str, str], junk: str
) -> None:
    """"s/p total gastrectomy" was answered "did you mean Subtotal gastrectomy?": close in
    letters, the opposite operation (a person with no stomach offered surgery on it). A known
    name the typed words hold is never suggested with a prefix before it that they lack."""
    field, longer, shorter = pair
    typed = longer[:1] + junk + shorter
    if any(p + shorter in typed for p in OPPOSITE_PREFIXES):
        return  # the prefix typed
    assert closest_name(typed, KB.value_names[field]) != longer, typed


@pytest.mark.parametrize(("typed", "site"), [
    ("linitis plastica", "stomach"), ("Linitis plastica", "stomach"),
    ("linitis plastica of the stomach", "stomach"), ("linitis plastica of the rectum", "rectum"),
    ("TNBC", "breast"), ("metastatic TNBC", "breast"), ("TNBC prostate cancer", "prostate"),
])  # fmt: skip
def test_a_cancer_named_by_its_kind_is_the_cancer_it_is_of(typed: str, site: str) -> None:
    """"linitis plastica" (a stomach cancer) and "TNBC" (triple-negative breast cancer) were
    each a cancer of their own name, with the general options (a clinical review); another
    place named with them is where it started."""
    facts = read({"cancer": typed, "stage": "4"})
    assert facts.site == site
    assert not any("not read" in w for w in facts.warnings), facts.warnings


def test_every_cancer_named_by_its_kind_is_a_cancer_of_the_knowledge_base() -> None:
    for kind, site in words.CANCER_OF_ITS_KIND.items():
        assert KB.kind_of.get(site) == "cancers", site
        assert read({"cancer": kind}).site == site, kind


@pytest.mark.parametrize("typed", ["Krukenberg tumour", "Krukenberg tumor",
                                   "peritoneal carcinomatosis", "omental cake",
                                   "malignant ascites", "Virchow's node"])  # fmt: skip
def test_a_name_that_says_spread_itself_is_not_where_a_cancer_started(typed: str) -> None:
    """"Krukenberg tumour" and "peritoneal carcinomatosis" given as the cancer were each a cancer
    of its own name (a clinical review): they name where a cancer has spread, so where it
    started is not known, said as for "liver metastases"; and each is a place of spread."""
    facts = read({"cancer": typed, "stage": "4"})
    assert facts.given["cancer"] is None
    assert any("says where the cancer has spread" in w for w in facts.warnings), facts.warnings
    assert read({"cancer": "stomach", "metastases": [typed]}).given["metastases"]


def test_every_name_of_a_place_that_says_spread_itself_is_a_place_of_spread() -> None:
    said = [n for ident in KB.vocabulary.known("metastases") if ident in KB.by_id
            for n in KB.by_id[ident].names()  # type: ignore[union-attr]
            if words.SPREAD_ITSELF.search(n.lower())]  # fmt: skip
    assert len(said) >= 5, said
    for name in said:
        facts = read({"cancer": name, "stage": "4"})
        assert facts.given["cancer"] is None, name


@pytest.mark.parametrize(("typed", "value"), [
    ("Krukenberg", "other-site"), ("Krukenberg tumour", "other-site"),
    ("omental cake", "peritoneum"), ("malignant ascites", "peritoneum"),
    ("Virchow node", "lymph-nodes"), ("Virchow's node", "lymph-nodes"),
    ("supraclavicular lymph node", "lymph-nodes"), ("mediastinal nodes", "lymph-nodes"),
    ("para-aortic nodes", "lymph-nodes"),
])  # fmt: skip
def test_a_navigators_words_of_where_it_spread(typed: str, value: str) -> None:
    """A clinical review found each refused while "para-aortic nodes" was read: a Krukenberg
    tumour is spread to an ovary (another organ), an omental cake and malignant ascites to the
    peritoneum, Virchow's, supraclavicular and mediastinal nodes to lymph nodes."""
    assert read({"cancer": "stomach", "metastases": [typed]}).given["metastases"] == {value}


@pytest.mark.parametrize(("typed", "value"), [
    ("can't eat", "malnutrition"), ("cannot eat", "malnutrition"),
    ("unable to eat", "malnutrition"), ("can\u2019t eat", "malnutrition"),
    ("difficulty eating", "malnutrition"), ("early satiety", "malnutrition"),
    ("food gets stuck", "trouble-swallowing"), ("not able to swallow", "trouble-swallowing"),
    ("dyspnoea", "other-symptom"), ("dyspnea", "other-symptom"), ("SOB", "other-symptom"),
    ("short of breath", "other-symptom"), ("coffee ground vomit", "gut-bleeding"),
    ("tarry stools", "gut-bleeding"), ("melaena", "gut-bleeding"), ("melena", "gut-bleeding"),
    ("haematemesis", "gut-bleeding"), ("ascites", "other-symptom"),
    ("fluid build-up", "other-symptom"), ("pleural effusion", "other-symptom"),
    ("fluid around the lungs", "other-symptom"), ("epigastric pain", "pain"),
    ("upper abdominal pain", "pain"), ("lower back pain", "pain"),
    ("left-sided abdominal pain", "pain"),
])  # fmt: skip
def test_a_navigators_words_of_symptoms(typed: str, value: str) -> None:
    """A clinical review: each was refused, or "difficulty eating" read as trouble swallowing
    (which asks about a stent and a feeding tube): not eating is malnutrition's, as "not eating"
    was; fluid the sources do not say how to drain, and breathlessness, another symptom the
    cancer causes; pain in a part of the belly is pain, which asks what kind."""
    assert read({"cancer": "stomach", "symptoms": [typed]}).given["symptoms"] == {value}


def test_trouble_swallowing_is_never_read_unless_swallowing_is_said() -> None:
    """"difficulty eating" was a name of trouble swallowing: eating may be hard for many reasons,
    and trouble swallowing asks about a stent and a feeding tube."""
    swallowing = {i for i in KB.vocabulary.known("symptoms")
                  if "trouble-swallowing" in KB.vocabulary.up("symptoms", i)}
    for name, ident in KB.value_names["symptoms"].items():
        if ident in swallowing:
            assert re.search(r"swallow|dysphagia|odynophagia|stuck|sticking", name), name


CANNOT_NAMES = sorted(n for n in KB.value_names["symptoms"] if n.startswith("cannot"))


@given(name=st.sampled_from(CANNOT_NAMES),
       said=st.sampled_from(["can't", "can\u2019t", "cant", "can not", "unable to",
                             "not able to", "Unable to"]))  # fmt: skip
def test_what_a_person_cannot_do_reads_the_same_however_it_is_said(name: str, said: str) -> None:
    ident = KB.value_names["symptoms"][name]
    typed = said + " " + name.removeprefix("cannot")
    assert read({"cancer": "stomach", "symptoms": [typed]}).given["symptoms"] == {ident}, typed


PAIN_NAMES = sorted(n for n in _plain_names("symptoms").values()
                    if "pain" in KB.vocabulary.up("symptoms", KB.value_names["symptoms"][
                        normalise_name(n)]))  # fmt: skip


@given(name=st.sampled_from(PAIN_NAMES),
       side=st.sampled_from(["upper", "lower", "left", "right", "left-sided", "central"]))
def test_pain_with_its_side_is_the_pain(name: str, side: str) -> None:
    typed = f"{side} {name}"
    if normalise_name(typed) in KB.value_names["symptoms"]:
        return  # a name of its own
    alone = read({"cancer": "stomach", "symptoms": [name]}).given["symptoms"]
    assert read({"cancer": "stomach", "symptoms": [typed]}).given["symptoms"] == alone, typed


@pytest.mark.parametrize("said", ["both", "Both", "local and distant", "distant and local",
                                  "local & distant recurrence", "locoregional and distant",
                                  "local + metastatic"])  # fmt: skip
def test_a_recurrence_both_local_and_distant_says_how_to_give_it(said: str) -> None:
    """"both" and "local and distant" were refused with the values alone (a clinical review):
    the refusal says to give local and the places of spread, which is read as both."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "stomach", "recurrence": said}, KB)
    [problem] = caught.value.problems
    assert problem.field == "recurrence"
    assert "give local here, and list the places it has spread to" in str(problem), problem
    assert "(metastases)" in str(problem)
    facts = read({"cancer": "rectum", "recurrence": "local", "metastases": ["liver"]})
    assert facts.given["recurrence"] == "local" and facts.given["metastases"] == {"liver"}


# --------------------------------------------------------------------------------------------
# A clinic's shorthand of when a treatment was had, or how much of it
# --------------------------------------------------------------------------------------------

WHEN_WORDS = ["{} 2021", "{} done 2021", "{} x6", "{} x 6", "{} \u00d76", "{} 6 cycles",
              "{} 2019-2020", "{} 2019 - 2020", "{} in 2019", "{}, 2019", "{} (2019)",
              "{} March 2020", "{} 03/2020", "{} since Jan 2021", "{} C1-6", "2019: {}",
              "2019 - {}", "{} x6 2019", "{} 2019-present", "{} 30 Gy in 10 fractions"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(field=st.sampled_from(["prior_treatments", "progressed_on", "planned", "cannot_have"]),
       data=st.data(), said=st.sampled_from(WHEN_WORDS))  # fmt: skip
@example(field="prior_treatments", data=None, said="{} done 2021")
def test_when_a_treatment_was_had_or_how_much_is_read_past_and_shown(
    field: str, data: Any, said: str
) -> None:
    """"total gastrectomy done 2021", "s/p FOLFOX x6", "FOLFOX 2019-2020" were refused (a
    clinic's shorthand): a date, a span of years or a count of cycles beside a treatment, in
    any list of treatments, is read as the treatment alone, for every name of every treatment,
    and never dropped without a word: the words typed are kept to show ("you wrote")."""
    name = ("total gastrectomy" if data is None
            else data.draw(st.sampled_from(sorted(_plain_names(field).values()))))
    typed = said.format(name)
    if data is None:
        typed = "total gastrectomy done 2021"
    try:
        alone: Any = getattr(parse_profile({"cancer": "stomach", field: [name]}, KB), field)
    except ProfileError:
        alone = ProfileError
    if "done" in said and field != "prior_treatments":
        alone = ProfileError  # "done" says it was had: refused where the list is not of that
    if ", " in said:  # a comma makes two items: the date alone is refused, saying why
        with pytest.raises(ProfileError) as caught:
            parse_profile({"cancer": "stomach", field: [typed]}, KB)
        assert "it says when or how much, not which treatment" in str(caught.value), typed
        return
    try:
        profile = parse_profile({"cancer": "stomach", field: [typed]}, KB)
        read_: Any = getattr(profile, field)
    except ProfileError:
        read_ = ProfileError
    assert read_ == alone, (typed, name)
    if read_ is not ProfileError:
        assert profile.as_typed.get(field) == [typed], profile.as_typed


@pytest.mark.parametrize(("typed", "ids"), [
    ("total gastrectomy done 2021", ["total-gastrectomy"]),
    ("s/p FOLFOX x6", ["folfox"]),
    ("FOLFOX 2019-2020", ["folfox"]),
    ("FOLFOX 6 cycles", ["folfox"]),
    ("2019 - FOLFOX x6", ["folfox"]),
])  # fmt: skip
def test_a_clinics_dated_treatments_had(typed: str, ids: list[str]) -> None:
    """Each was refused (a review of the command line's words)."""
    assert parse_profile({"cancer": "stomach", "prior_treatments": [typed]}, KB
                         ).prior_treatments == ids  # fmt: skip


@pytest.mark.parametrize("typed", ["FOLFOX in 3 weeks", "FOLFOX next month", "FOLFOX6",
                                   "2019", "x6"])
def test_words_that_are_no_date_or_count_of_a_treatment_are_not_read_past(typed: str) -> None:
    """A relative time may say the treatment is still to come; a number that is part of a name
    (FOLFOX6) is the name; a date alone names nothing."""
    assert words.without_when(typed) is None


# --------------------------------------------------------------------------------------------
# Where the cancer has spread, said after the cancer's name
# --------------------------------------------------------------------------------------------

SPREAD_FORMS = ["{} metastases", "{} mets", "spread to the {}", "metastatic to {}",
                "metastases in the {}"]  # fmt: skip
JOINS = [" with ", ", ", "; ", " and ", " + ", " - ", " w/ ", " "]
CANCER_NAMES = sorted({n for c in KB.data.cancers if c.id != "any" for n in c.names()})
PLACE_NAMES = sorted({n for s in KB.data.sites for n in s.names()})


@settings(max_examples=300, deadline=None)
@given(data=st.data(), form=st.sampled_from(SPREAD_FORMS), join=st.sampled_from(JOINS))
@example(data=None, form="{}", join=" with ")
def test_a_cancer_named_with_where_it_has_spread_gives_the_places_of_spread(
    data: Any, form: str, join: str
) -> None:
    """"gastric cancer with peritoneal carcinomatosis" as the cancer was read as stomach cancer,
    "with, peritoneal, carcinomatosis" named as words not read, and the spread lost. Every
    cancer's name, with every place of spread after it in the words of spreading, is read as the
    cancer alone is, and the places as the places of spread alone are (shown as written)."""
    if data is None:
        cancer, place = "gastric cancer", "peritoneal carcinomatosis"
    else:
        cancer = data.draw(st.sampled_from(CANCER_NAMES))
        place = data.draw(st.sampled_from(PLACE_NAMES))
    tail = form.format(place)
    if join == " " and not form.startswith(("spread", "metastatic")):
        # a space alone joins only before the words of spreading ("metastatic to"), as
        # words._SPREAD_JOIN reads them; of the form, not the tail: a place named "metastatic
        # disease" had made "CRPC metastatic disease metastases" one (hypothesis found it)
        join = " with "
    places = words.spread_places(tail)
    assume(places is not None and words.spread_places(cancer) is None)
    try:
        spread = sorted({i for p in places
                         for i in parse_profile({"cancer": "stomach", "metastases": [p]},
                                                KB).metastases or ()})  # fmt: skip
        alone = parse_profile({"cancer": cancer}, KB)
    except ProfileError:
        reject()
    typed = f"{cancer}{join}{tail}"
    profile = parse_profile({"cancer": typed}, KB)
    assert profile.cancer == alone.cancer, typed
    assert sorted(profile.metastases or ()) == spread, typed
    assert profile.as_typed.get("metastases") == typed
    warned = " ".join(evaluate(profile, KB).warnings)
    assert "not read:" not in warned or place not in warned.split("not read:")[1], warned


# the names of a place of spread that say spread by themselves, each a name the places of
# spread read ("peritoneal carcinomatosis", "metastatic disease")
SPREAD_ITSELF_NAMES = sorted(n for n in PLACE_NAMES if words.SPREAD_ITSELF.search(n.lower()))


@settings(max_examples=200, deadline=None)
@given(cancer=st.sampled_from(CANCER_NAMES), place=st.sampled_from(SPREAD_ITSELF_NAMES),
       join=st.sampled_from([" with ", ", ", "; ", " and ", " + ", " w/ "]))
@example(cancer="rectal cancer", place="metastatic disease", join=" with ")
@example(cancer="stomach cancer", place="widespread disease", join=", ")
def test_a_cancer_named_with_a_name_that_says_spread_itself_gives_that_spread(
    cancer: str, place: str, join: str
) -> None:
    """A name of a place of spread that says spread by itself (``words.SPREAD_ITSELF``), after a
    cancer's name, is read as the places of spread it names, the cancer as alone: "rectal cancer
    with metastatic disease" had read no spread (``spread_places("metastatic disease")`` was
    None), where "... with distant metastases" read a distant part of the body (a review)."""
    assert words.spread_places(place) == [place.lower()], place
    try:
        alone = parse_profile({"cancer": cancer}, KB)
        spread = parse_profile({"cancer": "stomach", "metastases": [place]}, KB).metastases
    except ProfileError:
        reject()
    assume(words.spread_places(cancer) is None)
    profile = parse_profile({"cancer": f"{cancer}{join}{place}"}, KB)
    assert profile.cancer == alone.cancer, (cancer, place)
    assert profile.metastases == spread, (cancer, place)


def test_places_of_spread_given_win_over_the_cancers_words_with_a_warning() -> None:
    """An answer given wins over the cancer's words, as for HER2; what it leaves out is said."""
    profile = parse_profile({"cancer": "rectal cancer, liver metastases",
                             "metastases": ["lung"]}, KB)  # fmt: skip
    assert profile.metastases == ["lung"]
    assert any("says the cancer has spread to liver" in w
               for w in evaluate(profile, KB).warnings)  # fmt: skip


@pytest.mark.parametrize("typed", ["rectal cancer with ?liver mets", "rectal cancer with liver "
                                   "metastases?", "rectal cancer, possible liver metastases"])
def test_a_cancer_named_with_spread_that_is_not_sure_is_refused_whole(typed: str) -> None:
    """The spread read after the cancer never leaves a doubt of the whole name unread: it is
    refused as before (a review of the change found "?liver mets" read as spread to the liver)."""
    with pytest.raises(ProfileError, match="is not sure"):
        parse_profile({"cancer": typed}, KB)


@pytest.mark.parametrize("typed", ["rectal cancer w/o liver mets", "rectal cancer without liver "
                                   "metastases", "rectal cancer, no liver metastases"])
def test_a_cancer_named_with_spread_denied_gives_no_place(typed: str) -> None:
    assert parse_profile({"cancer": typed}, KB).metastases is None


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(HARMS),
       st.sampled_from(["not due to progression", "no progression", "no disease progression",
                        "progression ruled out", "not related to the cancer"]),
       st.sampled_from(["stopped due to {h}, {d}", "stopped for {h}; {d}", "{h}, {d}"]),
       st.sampled_from(["FOLFOX", "oxaliplatin", "capecitabine"]))  # fmt: skip
def test_a_note_that_denies_something_else_than_the_harm_is_still_refused(
    harm: str, denial: str, form: str, treatment: str
) -> None:
    """"FOLFOX (stopped due to neuropathy, not due to progression)" was read as FOLFOX had, the
    note left out with no word: its "not", which denies the progression, was taken as denying
    the neuropathy. A denial of something else, in a part of its own, leaves the harm read
    (``words.harm_denied``, the FHIR reader's too): the note is refused naming where it goes."""
    typed = f"{treatment} ({form.format(h=harm, d=denial)})"
    with pytest.raises(ProfileError, match=r"progressed_on.*cannot_have"):
        read({"cancer": "rectum", "stage": "4", "prior_treatments": [typed]})


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["nausea", "rash", "neutropenia", "diarrhoea", "mucositis"]),
       st.sampled_from(["neuropathy", "peripheral neuropathy", "colitis", "hand-foot syndrome",
                        "pneumonitis", "febrile neutropenia"]),
       st.sampled_from(["no {a} and {s}{b}", "{s}{b} and no {a}", "without {a} and {s}{b}",
                        "{s}{b} and {a} resolved, stopped"]),
       st.sampled_from(["grade 3 ", "G3 ", "severe ", "stopped for ", "persistent ",
                        ""]))  # fmt: skip
def test_a_harm_that_and_joins_to_a_denied_one_stands_unless_the_denial_reaches_it(
    other: str, harm: str, form: str, said: str
) -> None:
    """"No nausea and grade 3 neuropathy" was read as denying the neuropathy ("and" made one
    part of them, and the part was denied): a harm "and" joins to a denied one stands when its
    words say it is there (a grade, a severity, a stop for it) or when the denial cannot reach
    it (it comes before a denial that comes first: "neuropathy and no nausea"; after one that
    comes last). The denial still reaches a bare harm beside it ("no nausea and vomiting",
    "neuropathy and nausea resolved": the words do not say which, the cautious reading)."""
    text = form.format(a=other, b=harm, s=said)
    reached = not said and form != "{s}{b} and no {a}"  # "neuropathy and nausea resolved" too
    assert words.harm_denied(text) is reached, text


@pytest.mark.parametrize(("text", "denied"), [
    ("no nausea and vomiting", True), ("nausea and vomiting resolved", True),
    ("No nausea and grade 3 neuropathy", False), ("Neuropathy and no nausea", False),
    ("Hand-foot syndrome and no other toxicity", False),
    # a denial of every harm beside a harm not said as why it stopped: the cautious reading
    ("No toxicity and grade 3 neuropathy", True), ("Not due to toxicity; neuropathy stable", True),
])  # fmt: skip
def test_what_a_denial_joined_by_and_reaches(text: str, denied: bool) -> None:
    assert words.harm_denied(text) is denied, text


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["neuropathy", "grade 3 diarrhoea", "colitis", "CIPN", "mucositis",
                        "febrile neutropenia", "pneumonitis"]),
       st.sampled_from(["stopped for {h}", "Stopped due to {h}", "discontinued because of {h}",
                        "d/c'd for {h}"]),
       st.sampled_from([", now improving", "; improving", ". Since resolved", ", resolved",
                        " - improved", ", which is now improving", " now resolving",
                        "; not resolved", ", has not improved"]))  # fmt: skip
def test_a_harm_stopped_for_and_then_on_the_mend_is_still_why_it_stopped(
    harm: str, stop: str, mend: str
) -> None:
    """"Stopped for neuropathy, now improving" was read as denying the neuropathy: words of its
    mend after the drug was stopped for it say how it went since, not that it was not why. A
    mend denied ("not resolved") says the harm is there. "Neuropathy, now resolved" (no stop
    for it said) is still denied, and a planned stop ("per protocol") denies it."""
    assert not words.harm_denied(stop.format(h=harm) + mend), stop.format(h=harm) + mend
    assert words.harm_denied(f"{harm}, now resolved")
    assert words.harm_denied(f"{harm}, improving, stopped per protocol")
    assert not words.harm_denied(f"{harm}, not resolved")


# A denial denied, as a stop reason or a note writes it (the old harm pattern's) and as a
# Condition's verificationStatus writes it (the FHIR reader's old STATUS_NOT_DENIED)
DENIALS_DENIED = ["not ruled out", "cannot be ruled out", "can't be excluded",
                  "could not be ruled out", "couldn't be excluded", "cannot exclude",
                  "can't rule out", "not excluded", "cannot rule out", "can not be excluded",
                  "never ruled out", "not yet ruled out", "not been excluded",
                  "has not yet been excluded", "not be ruled out"]


@pytest.mark.parametrize("said", DENIALS_DENIED)
def test_a_denial_denied_is_one_pattern_for_harms_and_conditions(said: str) -> None:
    """``words.DENIAL_DENIED`` is the one pattern of a denial denied, which the harm's reading
    (``harm_denied``) and the FHIR reader's Condition statuses both use (each had its own, the
    two spelling different words): a harm so said is no denial, read as the harm."""
    assert words.DENIAL_DENIED.search(said), said
    assert not words.harm_denied(f"toxicity {said}"), said
    assert not words.harm_denied(f"neuropathy; {said}"), said


@pytest.mark.parametrize("typed", ["bowel resection (perforation)", "colostomy (perforation)",
                                   "colostomy (bowel perforation)"])
def test_an_operation_whose_note_says_why_it_was_done_is_had(typed: str) -> None:
    """A perforation is why an operation was done, not how a drug went: an operation so noted
    is a treatment had (reading "perforation" as a drug's harm had refused it)."""
    read({"cancer": "rectum", "stage": "4", "prior_treatments": [typed]})


@pytest.mark.parametrize("typed", ["FOLFOX (stopped for neuropathy, now improving)",
                                   "oxaliplatin (discontinued due to neuropathy; since resolved)"])
def test_a_note_of_a_stop_for_a_harm_now_on_the_mend_is_still_refused(typed: str) -> None:
    """A harm on the mend after the drug was stopped for it is still why it stopped (as of a
    FHIR stop reason, ``words.harm_denied``): the note is an answer of its own, refused naming
    where it goes; it had been read as the treatment had, the note left out."""
    with pytest.raises(ProfileError, match=r"progressed_on.*cannot_have"):
        read({"cancer": "rectum", "stage": "4", "prior_treatments": [typed]})


# --------------------------------------------------------------------------------------------
# Tests and words the sources never use to decide an option
# --------------------------------------------------------------------------------------------

# as people and records write them (the field's name or the word), with the name said for it
NOT_DECIDING_TYPED = [
    ("pd-l1", "PD-L1"), ("PD_L1", "PD-L1"), ("pdl1", "PD-L1"), ("PD-L1 CPS", "PD-L1"),
    ("msi", "MSI"), ("MSI-high", "MSI"), ("MSI-H", "MSI"), ("msi_status", "MSI"),
    ("dMMR", "MSI"), ("mismatch repair deficient", "MSI"), ("Microsatellite instability", "MSI"),
    ("claudin 18.2", "Claudin 18.2"), ("CLDN18.2", "Claudin 18.2"),
    ("claudin_18_2", "Claudin 18.2"),
    ("kidney failure", "kidney failure"), ("renal failure", "kidney failure"),
    ("fistula", "a fistula"), ("recto-vaginal fistula", "a fistula"),
]


def _refused(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, KB)
    return [str(p) for p in caught.value.problems]


@settings(max_examples=60, deadline=None)
@given(typed=st.sampled_from(NOT_DECIDING_TYPED),
       where=st.sampled_from(["top", "biomarkers", *SET_FIELDS]))  # fmt: skip
def test_a_test_or_word_the_sources_never_use_is_said_so_naming_the_field(typed, where) -> None:  # type: ignore[no-untyped-def]
    """PD-L1, MSI, Claudin 18.2, kidney failure or a fistula, given as a field of its own, a
    result beside HER2 and KRAS, or a name in any list, is refused saying plainly that the
    sources this tool is built on do not use it to decide an option, with the field named and
    what is accepted (it had been "unknown field" or "is not known; check the spelling")."""
    given, name = typed
    key = given.lower().replace(" ", "_")
    data: dict[str, Any] = {"cancer": "stomach", "stage": "4"}
    if where == "top":
        data[key] = "positive"
        field = key
    elif where == "biomarkers":
        data["biomarkers"] = {key: "positive"}
        field = f"biomarkers.{key}"
    else:
        data[where] = [given]
        field = f"{where}[0]"
    (problem,) = _refused(data)
    assert problem.startswith(f"{field}: "), problem
    assert f"the sources this tool is built on do not use {name}" in problem, problem
    if where in ("top", "biomarkers"):
        assert "accepted fields: " in problem, problem
    else:
        assert "leave it out" in problem, problem


def test_no_name_the_knowledge_base_takes_is_called_one_the_sources_never_use() -> None:
    """The tests and words the sources never use name nothing the knowledge base reads: every
    name and alias of every fact's values, and every field, is free of them."""
    names = [n for field in KB.value_names for n in KB.value_names[field]]
    assert names
    assert not [n for n in names if words.not_deciding(n)]
    from onconav.profile import Biomarkers, Profile

    assert not [f for f in (*Profile.model_fields, *Biomarkers.model_fields)
                if words.not_deciding(f)]  # fmt: skip


# clinical21: chemoradiation said with its drugs, among what cannot be had, is the regimen its
# name is ("cisplatin chemoradiation" had ruled out the four cisplatin pairs for cervix 4B, while
# "cisplatin with radiation", a name of the regimen, kept them)
_CHEMORADIATION_REGIMENS = [r for r in KB.data.regimens if "chemoradiation" in r.counts_as]


def _crt_spellings(regimen: Any) -> list[str]:
    drugs = " and ".join(regimen.components)
    return [regimen.name, *regimen.aliases, f"{drugs} chemoradiation",
            f"chemoradiation with {drugs}", f"{drugs} chemoradiotherapy",
            f"{drugs}-based chemoradiation", f"chemoradiation ({drugs})"]


@settings(max_examples=80, deadline=None)
@given(regimen=st.sampled_from(_CHEMORADIATION_REGIMENS), data=st.data(),
       stage=st.sampled_from(["4A", "4B"]), also=st.sampled_from([[], ["paclitaxel"]]))
def test_a_chemoradiation_cannot_be_had_is_read_alike_however_spelled(  # type: ignore[no-untyped-def]
        regimen, data, stage, also) -> None:
    spelled = data.draw(st.sampled_from(_crt_spellings(regimen)))

    def answer(name: str) -> dict[str, Status]:
        profile = {"cancer": "cervix", "stage": stage, "cannot_have": [name, *also]}
        return {o.id: o.status for o in evaluate(parse_profile(profile, KB), KB).options}

    assert answer(spelled) == answer(regimen.id), spelled


def test_cisplatin_chemoradiation_cannot_be_had_keeps_the_cisplatin_pairs_for_4b() -> None:
    for said in ("cisplatin chemoradiation", "cisplatin with radiation"):
        data = {"cancer": "cervix", "stage": "4B", "cannot_have": [said]}
        assert status(data, "cervix-chemo-cisplatin-paclitaxel") == Status.offered, said


# clinical21 (review 18, #2): the symptoms families type (tired, fatigue, jaundice, a swollen
# belly) had been refused, failing the whole answer. Each is read; radiation, which the sources
# name for problems a tumour causes (pain, bleeding, trouble swallowing, a blockage:
# ccs-stomach-stage4 2337-2647; acs-advanced 6254-6488), is never offered for tiredness or a
# yellow skin alone, which no source ties to it.
_NOT_FOR_RADIATION = ["tiredness", "jaundice"]
_RADIATION = [o.id for o in KB.data.options if "palliative-radiation" in o.uses
              or o.id == "stomach-chemoradiation"]


@settings(max_examples=120, deadline=None)
@given(typed=st.sampled_from([n for s in KB.data.symptoms if s.id in _NOT_FOR_RADIATION
                              for n in (s.name, *s.aliases)]),
       cancer=st.sampled_from([("stomach", "4"), ("rectum", "4"), ("cervix", "4B"),
                               ("lung", "4")]),
       more=st.lists(st.sampled_from(_NOT_FOR_RADIATION), max_size=2))
def test_tiredness_or_jaundice_alone_is_read_and_offers_no_radiation(typed, cancer, more) -> None:  # type: ignore[no-untyped-def]
    data = {"cancer": cancer[0], "stage": cancer[1], "symptoms": [typed, *more]}
    result = evaluate(parse_profile(data, KB), KB)
    assert set(read(data).given["symptoms"] or ()) <= set(_NOT_FOR_RADIATION)
    radiation = [o for o in result.options if o.id in _RADIATION]
    assert radiation, cancer
    for option in radiation:
        assert option.status == Status.not_suitable, (option.id, option.status, option.reason)


@settings(max_examples=80, deadline=None)
@given(typed=st.sampled_from(["tired", "fatigue", "jaundice", "swollen belly", "exhausted",
                              "yellow eyes", "swollen abdomen", "lethargic"]),
       also=st.sampled_from([[], ["pain"], ["bleeding"], ["short of breath"]]))
def test_the_symptoms_families_type_are_read_and_radiation_follows_the_others(typed, also) -> None:  # type: ignore[no-untyped-def]
    data = {"cancer": "stomach", "stage": "4", "symptoms": [typed, *also]}
    read(data)  # no ProfileError
    eased_by_radiation = typed in ("swollen belly", "swollen abdomen") or bool(also)
    assert (status(data, "stomach-external-radiation") == Status.offered) == eased_by_radiation


@pytest.mark.parametrize("typed", ["hiccups", "cough", "itching"])
def test_a_symptom_spelled_right_that_no_source_names_is_told_so_not_to_check_its_spelling(
        typed: str) -> None:
    with pytest.raises(ProfileError) as caught:
        read({"cancer": "stomach", "symptoms": [typed]})
    said = str(caught.value)
    assert f"{typed!r} is not known; no source names it as a symptom" in said, said
    assert "another symptom the cancer causes" in said and "care team" in said, said
    assert "check the spelling" not in said, said  # (it had been its first advice)
