"""The engine: properties over random profiles (hypothesis), scope, ordering and the profile."""

from __future__ import annotations

import copy
import itertools
import pickle
import re
from collections import Counter
from functools import cache
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from onconav import render, words
from onconav.engine import Status, evaluate
from onconav.kb import KnowledgeBase, load_kb
from onconav.kb.model import Modality, fact_tests
from onconav.kb.rules import BONE_SIGNS, DISTANT, DISTANT_SITES, DRUG_TREATMENTS, OTHERS_NOT_KNOWN
from onconav.kb.rules import tests_of as leaves_of
from onconav.kb.vocabulary import in_sentence, normalise_name
from onconav.logic import (
    MAY_HAVE,
    Truth,
    advanced,
    hit_truth,
    leaf_truth,
    relieves,
    ruled_out,
    truth,
)
from onconav.profile import (
    Profile,
    ProfileError,
    drugs_listed,
    facts_of,
    parse_profile,
    read_cancer,
)
from onconav.result import OptionResult, Result

CANCERS = [
    "stomach",
    "gastric",
    "rectum",
    "cervix",
    "breast",
    "prostate",
    "thyroid",
    "lung",
    "colon",
]
SITES = ["liver", "lung", "bone", "brain", "peritoneum", "pelvis", "lymph nodes",
         "a distant part of the body", "others not known"]
SYMPTOMS = [
    "bleeding",
    "pain",
    "nerve pain",
    "trouble swallowing",
    "blockage",
    "bowel obstruction",
    "stomach blockage",
    "weak bone",
    "broken bone",
    "spinal cord compression",
    "malnutrition",
    "nausea",
    "constipation",
    "shortness of breath",
    "others not known",
]
THERAPIES = ["chemotherapy", "FOLFIRI", "FOLFOX", "CAPOX", "capecitabine", "irinotecan",
             "oxaliplatin", "cisplatin", "trastuzumab", "targeted therapy"]  # fmt: skip
PRIOR = ["surgery", "bowel resection", "radiation", "pelvic radiation", "chemotherapy",
         "drug treatments not known", "others not known", "FOLFOX", "capecitabine", "cisplatin",
         "trastuzumab"]  # fmt: skip
DRUGS_HAD = {"chemotherapy", "FOLFOX", "capecitabine", "cisplatin", "trastuzumab"}
# The narrow kinds of drug (for kin_may_work: kinds the care team says could still work)
NARROW_KINDS = ["platinum", "taxane", "fluoropyrimidine", "anti-egfr", "anti-her2", "anti-vegf",
                "checkpoint-inhibitor"]  # fmt: skip

FIELDS: dict[str, Any] = {
    "stage": st.sampled_from(["4", "4A", "4B", "earlier"]),
    "recurrence": st.sampled_from(["none", "yes", "local", "distant"]),
    "resectable": st.booleans(),
    "metastases": st.lists(st.sampled_from(SITES), max_size=3, unique=True),
    "metastasis_extent": st.sampled_from(["few", "many"]),
    "progressed_on": st.lists(st.sampled_from(THERAPIES), max_size=2, unique=True),
    "cannot_have": st.lists(st.sampled_from(THERAPIES), max_size=2, unique=True),
    "most_treatments_tried": st.booleans(),
    "prior_treatments": st.lists(st.sampled_from(PRIOR), max_size=2, unique=True),
    "symptoms": st.lists(st.sampled_from(SYMPTOMS), max_size=3, unique=True),
    "wants_cancer_treatment": st.booleans(),
    "planned": st.lists(st.sampled_from(["surgery", "radiation"]), max_size=2, unique=True),
    "hormone_sensitive": st.booleans(),
    "weak_bone": st.booleans(),
    "tumour_on_nerve": st.booleans(),
    "chemo_for_spread": st.booleans(),
    "used_for_my_cancer": st.lists(st.sampled_from(["targeted therapy", "immunotherapy"]),
                                   max_size=2, unique=True),
    "her2": st.sampled_from(["positive", "negative"]),
    "kras": st.sampled_from(["wild-type", "mutated"]),
    "kin_may_work": st.lists(st.sampled_from(NARROW_KINDS), max_size=3, unique=True),
}


def to_profile(cancer: str, fields: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"cancer": cancer}
    markers = {k: fields[k] for k in ("her2", "kras") if k in fields}
    data.update({k: v for k, v in fields.items() if k not in ("her2", "kras")})
    if markers:
        data["biomarkers"] = markers
    return data


def parsed(data: dict[str, Any], kb: KnowledgeBase) -> Profile:
    """The profile of drawn data, or the draw set aside (``assume``) when the data is not a
    profile (a value its cancer does not have)."""
    try:
        return parse_profile(data, kb)
    except ProfileError:
        assume(False)
        raise  # (not reached: assume(False) ends the example)


@st.composite
def partial_and_more(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A profile, and the same profile with one or more unknown fields learned."""
    cancer = draw(st.sampled_from(CANCERS))
    known = draw(st.sets(st.sampled_from(sorted(FIELDS)), max_size=len(FIELDS)))
    values = {name: draw(FIELDS[name]) for name in FIELDS}
    if not DRUGS_HAD & set(values["prior_treatments"]):
        values["progressed_on"] = []  # keep profiles consistent: nothing stopped that was never had
        if not {"drug treatments not known", "others not known"} & set(values["prior_treatments"]):
            values["chemo_for_spread"] = False  # nor chemotherapy for the spread, nor most of
            values["most_treatments_tried"] = False  # the usual treatments tried
    if values["weak_bone"] and "bone" not in values["metastases"]:  # a bone the cancer is in
        values["metastases"] = [*values["metastases"], "bone"]
    extra = draw(st.sets(st.sampled_from(sorted(set(FIELDS) - known) or ["stage"]), min_size=1))
    partial = {k: values[k] for k in known}
    fuller = {k: values[k] for k in known | extra}
    if values["stage"] == "4A":  # keep profiles free of the 4A-with-distant-spread contradiction
        # (whether it came back is kept: stage 4A not said to have come back had every 4B
        # option not suitable, which came back far away made offered)
        partial.pop("metastases", None), fuller.pop("metastases", None)
    if values["stage"] == "earlier" and values["recurrence"] == "none":
        # stage 1 to 3 that has not come back is not what the sources are about, and beside
        # spread it contradicts itself (the spread says it came back): keep it out
        partial.pop("recurrence", None), fuller.pop("recurrence", None)
    return to_profile(cancer, partial), to_profile(cancer, fuller)


@cache
def shared_kb() -> KnowledgeBase:
    return load_kb()


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "cervix", "stage": "4A"},
               {"cancer": "cervix", "stage": "4A", "recurrence": "distant"}))  # fmt: skip
@example(pair=({"cancer": "stomach", "metastases": ["bone"]},
               {"cancer": "stomach", "metastases": ["bone"],
                "wants_cancer_treatment": False}))  # fmt: skip
@example(pair=({"cancer": "stomach", "stage": "earlier", "metastases": ["bone"]},
               {"cancer": "stomach", "stage": "earlier", "metastases": ["bone"],
                "recurrence": "yes"}))  # fmt: skip
@example(pair=({"cancer": "rectum"}, {"cancer": "rectum", "hormone_sensitive": True}))
@example(pair=({"cancer": "colon"}, {"cancer": "colon", "hormone_sensitive": True}))
def test_learning_a_fact_never_unsettles_an_option(pair) -> None:  # type: ignore[no-untyped-def]
    """Learning more never turns an offered option into needs_information, and never brings back
    a not_suitable one (unknown is not negative, and not positive either). One exception, by
    design: a fact learned only broadly ("chemotherapy" stopped working, not which) may leave an
    option waiting on that fact, and then it asks the narrowing question (which drugs), never
    anything else. And another: a person not giving the stage is taken as the sources' reader
    (advanced cancer); learning that the stage was 1 to 3 may make an offered option ask whether
    the cancer came back (recurrence), and only that. And a third: learning that a treatment
    was had, while which treatments stopped working is not said, may make an offered option
    that gives it (or something it stopping would rule out) ask which stopped working
    (progressed_on), and only that: the question did not arise before. And a fourth: learning
    that the person does not want cancer treatment may make an offered treatment of the cancer
    that also eases symptoms (radium-223 for spread to the bones) ask which symptoms the cancer
    causes, and only that. An option not chosen
    (by one who does not want cancer treatment, and is known not to need it for a symptom)
    stays so; and learning
    more never brings in an option that was not listed (a general option for cervical cancer
    had been left out while the situation might be one its own source covers, and came in when
    it was known not to be)."""
    kb = shared_kb()
    partial, fuller = pair
    before = {o.id: o.status for o in evaluate(parse_profile(partial, kb), kb).options}
    fuller_options = {o.id: o for o in evaluate(parse_profile(fuller, kb), kb).options}
    after = {ident: o.status for ident, o in fuller_options.items()}
    assert set(after) <= set(before), (sorted(set(after) - set(before)), partial, fuller)
    learned = set(fuller) - set(partial)
    for ident, status in before.items():
        if ident not in after:  # a general option shown while the cancer's own sources may not
            # cover the situation, left out once they are known to (never one that was offered)
            assert kb.rules[ident].scope.uncovered and status is not Status.offered, (
                ident, partial, fuller)  # fmt: skip
            continue
        if status is Status.offered and after[ident] is Status.needs_information:
            missing = fuller_options[ident].missing
            if "stage" in learned and fuller["stage"] == "earlier" and missing and all(
                    m.fact == "recurrence" for m in missing):  # fmt: skip
                continue
            if ("prior_treatments" in learned and "progressed_on" not in fuller and missing
                    and all(m.fact == "progressed_on" for m in missing)):  # fmt: skip
                continue
            if (fuller.get("wants_cancer_treatment") is False and [m.fact for m in missing]
                    == ["symptoms"] and ("symptoms" not in fuller or missing[0].question
                                         != kb.facts["symptoms"].question)):  # fmt: skip
                continue  # a treatment of the cancer, for one who does not want one: whether it
                # eases a symptom they have decides (``declined_unknown``); of a broad symptom
                # given ("pain"), its narrowing question (what kind?; a random run found it)
            assert missing and all(m.fact in learned and m.question != kb.facts[m.fact].question
                                   for m in missing), (ident, partial, fuller)  # fmt: skip
            continue
        if status is Status.offered:
            declined = fuller.get("wants_cancer_treatment") is False
            allowed = (
                Status.offered,
                Status.not_suitable,
                *([Status.declined] if declined else []),
            )
            assert after[ident] in allowed, (ident, partial, fuller)
            if after[ident] is Status.not_suitable:  # only by the person's own answers
                got = next(o for o in evaluate(parse_profile(fuller, kb), kb).options
                           if o.id == ident)  # fmt: skip
                reason = got.reason or ""
                # or by their answer to a fact that was derived while they had not given it
                facts = facts_of(parse_profile(partial, kb), kb)
                derived = {f for f in kb.facts
                           if facts.given[f] is None and facts.row[f] is not None}  # fmt: skip
                answered = {r.check.fact for r in got.reasons if r.check} & derived
                assert "cannot have" in reason or "stopped working" in reason or answered, (
                    ident, reason)  # fmt: skip
        if status is Status.not_suitable and after[ident] is not Status.not_suitable:
            # a reading derived while a fact was not given (stage 1 to 3 with distant spread:
            # came back far away) gives way to the person's own broader answer ("it came back",
            # where not said: it may have come back where it started too): the option then asks
            # that fact, and only that (a random run found it)
            facts = facts_of(parse_profile(partial, kb), kb)
            derived = {f for f in kb.facts
                       if facts.given[f] is None and facts.row[f] is not None}  # fmt: skip
            asked = {m.fact for m in fuller_options[ident].missing}
            # or to the person's own answer that it does not fit (no treatment had: not come
            # back; "came back where it started" given beside it), which decides as given, the
            # disagreement warned of (a random run found it)
            ruled = next(o for o in evaluate(parse_profile(partial, kb), kb).options
                         if o.id == ident)  # fmt: skip
            because = {r.check.fact for r in ruled.reasons if r.check}
            # or to the person's answer to a fact read from the type of cancer alone (hormones
            # make it grow, where the data reads no for colon or rectal cancer and asks to be
            # told otherwise): no disagreement between their answers, their answer decides (a
            # random run found general hormone therapy then offered for colon cancer, and
            # waiting on the stage, never given, for rectal cancer)
            if because and because <= derived & learned and all(
                    {t.fact for t in leaves_of(i.when)} == {"cancer"}
                    for i in kb.implied if i.fact in because):  # fmt: skip
                continue
            if because and because <= derived & {f for f in learned if fuller[f] is not None}:
                assert any(w.startswith(tuple(f"{f}: " for f in because))
                           for w in evaluate(parse_profile(fuller, kb), kb).warnings), fuller
                continue
            # (besides facts never known, which the derived reading had left unasked: whether
            # a tumour is likely to block, for the surgery before a blockage; clinical16)
            never_known = {f for f in kb.facts if facts.row[f] is None}
            assert after[ident] is Status.needs_information and asked & derived & learned and (
                asked - (derived & learned) <= never_known), (ident, partial, fuller)  # fmt: skip
        if status is Status.declined:
            assert after[ident] in (Status.declined, Status.not_suitable), (
                ident, partial, fuller)  # fmt: skip


@SETTINGS
@given(pair=partial_and_more(), had=st.lists(st.sampled_from(
    ["FOLFOX", "CAPOX", "FOLFIRI", "capecitabine", "oxaliplatin", "cisplatin", "trastuzumab",
     "paclitaxel", "bevacizumab", "cetuximab", "chemoradiation"]), min_size=1, max_size=2,
    unique=True))  # fmt: skip
@example(pair=({"cancer": "cervix", "stage": "4A", "recurrence": "none"},) * 2,
         had=["chemoradiation"])  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4", "recurrence": "local", "resectable": False},) * 2,
         had=["chemoradiation"])  # fmt: skip
def test_what_was_had_is_not_offered_again_while_whether_it_stopped_working_is_not_known(
    pair, had  # type: ignore[no-untyped-def]
) -> None:
    """Someone who has had a treatment, and has not said which treatments stopped working, is
    not offered what that treatment stopping would rule out: it asks whether it stopped working,
    by name (FOLFOX had, the cancer back: FOLFOX and CAPOX had been offered again without a
    word, while CAPIRI asked). Saying what stopped working (nothing, or something else) decides
    it as before. Radiation given to the cancer too: chemoradiation had, brachytherapy and
    radiation to the pelvis had been offered without asking (a review)."""
    kb = shared_kb()
    _, profile = pair
    profile = {k: v for k, v in profile.items() if k != "progressed_on"}
    profile["prior_treatments"] = [*profile.get("prior_treatments", []), *had]
    asked = {o.id: o for o in evaluate(parse_profile(profile, kb), kb).options}
    stopped = {o.id: o.status for o in evaluate(parse_profile(
        {**profile, "progressed_on": had}, kb), kb).options}  # fmt: skip
    nothing = {o.id: o.status for o in evaluate(parse_profile(
        {**profile, "progressed_on": []}, kb), kb).options}  # fmt: skip
    for ident, option in asked.items():  # (an option shown only for some answers: .get)
        if option.status is Status.offered:  # it would be offered whether or not it stopped
            assert stopped.get(ident) is Status.offered, (ident, profile)
        if nothing.get(ident) is Status.offered and stopped.get(ident) is Status.not_suitable:
            assert option.status is Status.needs_information, (ident, profile)
            (question,) = [m.question for m in option.missing if m.fact == "progressed_on"]
            # by name: "Did FOLFOX stop working (...)?", not which of all treatments stopped
            named = [kb.phrase("progressed_on", kb.find(h)[0].id) for h in had]
            assert question.startswith("Did ") and any(n in question for n in named), (
                ident, question, had)  # fmt: skip


# what an option may become when a list it was decided by is found not to be whole: still
# undecided, or decided by something else; never offered or not suitable where it was not
LESS_DECIDED = {
    Status.offered: {Status.offered, Status.needs_information},
    Status.not_suitable: {Status.not_suitable, Status.needs_information, Status.in_trials,
                          Status.declined},
    Status.declined: {Status.declined, Status.needs_information},
    Status.in_trials: {Status.in_trials},
    Status.needs_information: {Status.needs_information},
}  # fmt: skip


@SETTINGS
@given(pair=partial_and_more(), field=st.sampled_from(
    ["symptoms", "metastases", "prior_treatments", "progressed_on"]))  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4", "symptoms": ["bowel obstruction"]},) * 2,
         field="symptoms")  # fmt: skip
@example(pair=({"cancer": "stomach", "stage": "4", "metastases": ["liver"]},) * 2,
         field="metastases")  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4", "prior_treatments": ["capecitabine"]},) * 2,
         field="prior_treatments")  # fmt: skip
def test_a_list_that_may_not_be_whole_rules_nothing_out_by_what_it_leaves_out(
    pair, field
) -> None:  # type: ignore[no-untyped-def]
    """"Perhaps others not listed" added to a list (symptoms, places of spread, treatments had:
    what a record's problem list gives) makes what the list leaves out unknown, never absent:
    each option keeps its status or becomes undecided where the list had decided it; none is
    brought in offered or not suitable, none is left out; and no reason says of that list that
    the person did not list something."""
    kb = shared_kb()
    profile = pair[1]
    whole = {o.id: o.status for o in evaluate(parse_profile(profile, kb), kb).options}
    opened = {**profile, field: [*profile.get(field, []), "others not known"]}
    options = evaluate(parse_profile(opened, kb), kb).options
    assert set(whole) <= {o.id for o in options}, (profile, field)
    for option in options:
        allowed = LESS_DECIDED.get(whole[option.id]) if option.id in whole else {
            Status.needs_information, Status.in_trials, Status.declined}  # fmt: skip
        assert option.status in allowed, (option.id, whole.get(option.id), profile, field)
        assert not any(r.check and r.check.fact == field and "did not list" in r.text
                       for r in option.reasons), (option.id, profile, field)  # fmt: skip


@SETTINGS
@given(pair=partial_and_more(), field=st.sampled_from(["metastases", "symptoms"]),
       data=st.data())  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4", "metastases": ["liver"]},) * 2,
         field="metastases", data=None)  # fmt: skip
def test_a_broad_place_or_symptom_decides_only_what_every_narrower_one_decides_alike(
    pair, field, data
) -> None:  # type: ignore[no-untyped-def]
    """A broad value in a list (spread to "a distant part of the body", which not said; pain,
    not which kind) decides an option only as each narrower value in its place would: an
    option it offers or rules out is offered or ruled out for each of them, and one they
    decide differently is left to the question that narrows it down. A FHIR record's
    "Metastatic malignant neoplasm" with no body site had been read as another part of the
    body, which made liver-artery chemotherapy not suitable, though the spread may be in the
    liver alone."""
    kb = shared_kb()
    profile = pair[1]
    broad = [v for v in sorted(kb.vocabulary.known(field))
             if len(kb.vocabulary.below(field, v)) > 1]  # fmt: skip
    value = broad[0] if data is None else data.draw(st.sampled_from(broad))
    narrower = sorted(kb.vocabulary.below(field, value) - {value})
    others = [v for v in profile.get(field, [])
              if kb.value_names[field].get(normalise_name(v)) not in kb.vocabulary.below(
                  field, value)]  # fmt: skip
    given = {o.id: o.status for o in evaluate(parse_profile(
        {**profile, field: [*others, value]}, kb), kb).options}  # fmt: skip
    for each in narrower:
        for option in evaluate(parse_profile({**profile, field: [*others, each]}, kb),
                               kb).options:  # fmt: skip
            if option.id in given:
                assert given[option.id] in LESS_DECIDED[option.status], (
                    option.id, given[option.id], each, option.status, profile)


def _labels_named(kb: KnowledgeBase, field: str, question: str) -> list[str] | None:
    """The values a question of a list that may not be whole names ("Has there also been a or
    b?"), read back from their labels; None when it does not ask that question, [] when it
    names something that is no value's label."""
    head, tail = kb.which(field, OTHERS_NOT_KNOWN).split("{values}")  # type: ignore[union-attr]
    if head not in question:
        return None
    names = question.split(head, 1)[1].split(tail, 1)[0]
    labels = {kb.phrase(field, v): v for v in kb.vocabulary.known(field)}

    def parse(text: str) -> list[str] | None:  # "a, b or c", where a label may hold " or "
        if text in labels:
            return [labels[text]]
        for sep in (", ", " or "):
            for at in (m.start() for m in re.finditer(re.escape(sep), text)):
                rest = parse(text[at + len(sep) :]) if text[:at] in labels else None
                if rest is not None:
                    return [labels[text[:at]], *rest]
        return None

    return parse(names) or []


@SETTINGS
@given(pair=partial_and_more(), field=st.sampled_from(
    ["symptoms", "metastases", "prior_treatments", "progressed_on"]))  # fmt: skip
@example(pair=({"cancer": "stomach", "stage": "4", "prior_treatments": ["chemotherapy"],
                "symptoms": ["bleeding"]},) * 2, field="prior_treatments")  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4", "metastases": ["liver"]},) * 2,
         field="metastases")  # fmt: skip
@example(pair=({"cancer": "stomach", "stage": "4", "symptoms": ["pain"]},) * 2,
         field="symptoms")  # fmt: skip
@example(pair=({"cancer": "stomach", "stage": "4", "symptoms": ["bleeding"]},) * 2,
         field="symptoms")  # fmt: skip
@example(pair=({"cancer": "stomach", "stage": "4"},) * 2, field="symptoms")
@example(pair=({"cancer": "rectum"}, {"cancer": "rectum", "progressed_on": ["FOLFIRI"]}),
         field="progressed_on")  # fmt: skip
def test_a_list_that_may_not_be_whole_is_asked_for_what_it_may_leave_out_by_name(
    pair, field
) -> None:  # type: ignore[no-untyped-def]
    """Beside "perhaps other treatments not listed", surgery to remove part of the stomach asked
    the general question of treatments had, though all it waits on is whether all of the stomach
    was taken out: an option a list that may not be whole leaves undecided asks whether the list
    also holds what the option was tested for, by name, and never names what the person listed;
    the questions of the fact together (what would change the options) name every one of them.
    A question never names a narrower kind of what the person gave ("pain from a tumour pressing
    on a nerve" after "What kind of pain is it?"), nor a value beside a broader one ("surgery or
    surgery to remove all of the stomach": the broader one is asked, its kind next); and a list
    of nothing but "perhaps others" asks the fact's general question, as one not given does (it
    had named a dozen symptoms, each "also"). Two values each counted as the other (FOLFOX and
    CAPOX stopping) are both named: both had been left out, bevacizumab with FOLFOX asking only
    of bevacizumab, and the list of what would change naming neither (a random run found it)."""
    kb = shared_kb()
    opened = {**pair[1], field: [*pair[1].get(field, []), "others not known"]}
    profile = parse_profile(opened, kb)
    result = evaluate(profile, kb)
    given = set(getattr(profile, field))
    covered = {v for g in given for v in kb.vocabulary.below(field, g)}  # given, or a kind of it

    def broadest(values: set[str]) -> set[str]:  # two each the other's kind (FOLFOX, CAPOX) stay
        up = kb.vocabulary.up
        return {v for v in values
                if not {b for b in up(field, v) & values if v not in up(field, b)}}  # fmt: skip

    named: set[str] = set()
    for option in result.options:
        for missing in option.missing:
            assert "{" not in missing.question and "}" not in missing.question, missing.question
            values = _labels_named(kb, field, missing.question) if missing.fact == field else None
            if values is not None:
                assert values and not set(values) & covered, (option.id, missing.question, given)
                assert broadest(set(values)) == set(values), (option.id, missing.question)
                named |= set(values)
            if missing.fact == field and given == {OTHERS_NOT_KNOWN}:
                assert missing.question == kb.facts[field].question, (option.id, missing)
    ranked = [f for f in result.what_would_change if f.fact == field]
    if named:
        assert ranked and set(_labels_named(kb, field, ranked[0].question) or []) == broadest(
            named
        )
    for question in result.questions:
        assert "{" not in question, question


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional={
           k: v for k, v in FIELDS.items() if k not in ("stage", "recurrence")}),
       stage=st.sampled_from(["4A", "earlier", None]),
       recurrence=st.sampled_from(["local", "yes", None]))  # fmt: skip
@example(fields={"prior_treatments": ["chemotherapy"]}, stage="4A", recurrence="local")
def test_a_source_offers_no_treatment_of_the_cancer_where_it_does_not_describe_the_situation(
    fields: dict[str, Any], stage: str | None, recurrence: str | None
) -> None:
    """A cancer's own source is about the situations its ``covers`` names (the cervical one:
    stage 4, and cancer that came back far away). Where the situation is known to be outside
    them (stage 4A that came back in the pelvis), none of that source's treatments of the cancer
    is offered: the radiation for a stage 4A cancer had been offered again to one that came
    back after it (a clinical review, 2026-12-03). Unknown stays unknown: the general options
    speak there."""
    kb = shared_kb()
    more = {k: v for k, v in {"stage": stage, "recurrence": recurrence}.items() if v}
    data = to_profile("cervix", {**fields, **more})
    profile = parsed(data, kb)
    covered = truth(kb.rules["general-chemotherapy"].scope.uncovered[0][1],
                    facts_of(profile, kb).row)  # fmt: skip
    assume(covered is Truth.FALSE)
    for option in evaluate(profile, kb).options:
        rules = kb.rules[option.id]
        if "cervix" in rules.scope.sites and rules.standard:
            assert option.status is not Status.offered, (option.id, data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional={
           k: v for k, v in FIELDS.items() if k not in ("stage", "recurrence", "metastases")}),
       learned=st.sampled_from(
           [{"recurrence": r} for r in ("none", "yes", "local", "distant")]
           + [{"metastases": [m]} for m in ("lung", "pelvis", "liver")]))  # fmt: skip
@example(fields={"prior_treatments": []}, learned={"recurrence": "yes"})
@example(fields={"prior_treatments": []}, learned={"metastases": ["lung"]})
def test_a_cervical_stage_1_to_3_not_said_to_have_come_back_rules_nothing_out(
    fields: dict[str, Any], learned: dict[str, Any]
) -> None:
    """Cervical cancer of stage 1 to 3, whether it came back not said: every option for stage 4B
    was not suitable ("it is for stage 4B (yours: stage 1, 2 or 3)"), and saying it came back far
    away made them offered. Metastatic disease is stage 4B or cancer come back far away; while
    that is not known, nothing is ruled out by the stage, and learning it never brings back an
    option that was not suitable. Save one: never treated, it is read as not come back, and the
    person's own answer that it came back, or spread far away, then decides, warned of."""
    kb = shared_kb()
    partial = to_profile("cervix", {**fields, "stage": "earlier"})
    fuller = {**partial, **learned}
    before = {o.id: o for o in evaluate(parse_profile(partial, kb), kb).options}
    later = evaluate(parse_profile(fuller, kb), kb)
    after = {o.id: o.status for o in later.options}
    warned = later.warnings
    read = facts_of(parse_profile(partial, kb), kb)  # whether it came back, read from the rest
    derived = read.row["recurrence"] is not None
    # the general options are listed while it may have come back where the cervical source does
    # not cover (in the pelvis): learning more never brings one in
    assert set(after) <= set(before), (sorted(set(after) - set(before)), fuller)
    for ident, option in before.items():
        if ident not in after:  # a general option, left out once the situation is known to be
            assert kb.rules[ident].scope.uncovered, (ident, fuller)  # one the source covers
        elif option.status is Status.not_suitable:
            if after[ident] is not Status.not_suitable and derived and "recurrence" in {
                    r.check.fact for r in option.reasons if r.check}:  # fmt: skip
                # not come back as read from no treatment had, not said: the person's own answer
                # that it came back, or spread far away (read as came back there), decides, the
                # reading warned of (random runs found both)
                assert any(w.startswith("recurrence: ") for w in warned), (ident, fuller)
                continue
            assert after[ident] is Status.not_suitable, (ident, option.reason, fuller)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional={
           k: v for k, v in FIELDS.items() if k not in ("stage", "recurrence", "metastases")}),
       not_back=st.sampled_from([{"recurrence": "none"}, {"prior_treatments": []}]))  # fmt: skip
def test_cervical_stage_4a_not_come_back_is_not_asked_where_it_has_spread(
    fields: dict[str, Any], not_back: dict[str, Any]
) -> None:
    """Cervical cancer of stage 4A that has not come back (said, or never treated) has grown
    into organs near the cervix, in the pelvis, and not spread far (that is 4B): where it has
    spread is read as the pelvis, and no option asks it. Ablation, radioactive drugs and drugs
    for the bones had asked "Which parts of the body has the cancer spread to?" (twenty-sixth
    review); they do not suit, and say why from the stage. Not when a sign says it may have
    spread further: a bone said to be weak, a symptom of a weak or broken bone or the spine, or
    a treatment that stopped working (a review found the bone drugs ruled out beside a weak
    bone): then where it has spread is asked, never read from the stage."""
    kb = shared_kb()
    data = to_profile("cervix", {**fields, **not_back, "stage": "4A"})
    profile = parsed(data, kb)
    row = facts_of(profile, kb).row
    assume(row["recurrence"] == "none")
    symptoms, stopped = row["symptoms"] or frozenset(), row["progressed_on"] or frozenset()
    bone = frozenset().union(*(kb.vocabulary.below("symptoms", v) for v in BONE_SIGNS))
    sign = row["weak_bone"] is True or bool(symptoms & bone) or bool(stopped - {OTHERS_NOT_KNOWN})
    assume(sign or OTHERS_NOT_KNOWN not in symptoms | stopped)  # may hold a sign: not known
    for option in evaluate(profile, kb).options:
        if sign:
            assert "has spread only within the pelvis" not in (option.reason or ""), data
            continue
        assert "metastases" not in {m.fact for m in option.missing}, (option.id, data)
        if option.id == "general-ablation" and option.status is Status.not_suitable:
            assert "has spread only within the pelvis" in (option.reason or ""), option.reason


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cancer=st.sampled_from(["cervix", "rectum", "stomach"]),
       fields=st.fixed_dictionaries({}, optional={
           k: v for k, v in FIELDS.items() if k != "hormone_sensitive"}))  # fmt: skip
@example(cancer="cervix", fields={"stage": "earlier", "recurrence": "none"})  # a random run's
def test_hormone_therapy_is_not_asked_of_a_cancer_whose_own_source_names_none(
    cancer: str, fields: dict[str, Any]
) -> None:
    """The general source sends a person to the source about their type of cancer for the drugs
    used (acs-advanced 7409-7618), and the cervical, rectal and stomach sources name no hormone
    therapy: where the general options are shown beside theirs (cervical or rectal cancer back
    in the pelvis), hormone therapy had asked "Do hormones help this cancer grow?" (twenty-sixth
    review). It does not suit, saying why, unless the person says hormones make it grow (or the
    sources do not apply at all, stage 1 to 3 not come back, which is then the reason)."""
    kb = shared_kb()
    data = to_profile(cancer, fields)
    profile = parsed(data, kb)
    row = facts_of(profile, kb).row
    for option in evaluate(profile, kb).options:
        assert "hormone_sensitive" not in {m.fact for m in option.missing}, (option.id, data)
        if (option.id == "general-hormone-therapy" and option.status is Status.not_suitable
                and advanced(row) is not Truth.FALSE):  # fmt: skip
            assert "names no hormone therapy" in (option.reason or ""), option.reason


def rectal_targeted_drugs_given_alone(kb: KnowledgeBase) -> list[str]:
    """The rectal source's targeted drugs given without chemotherapy (panitumumab, regorafenib)."""
    return [o.id for o in kb.data.options if o.cancers == ["rectum"]
            and o.modality.value == "targeted_therapy" and not kb.chemotherapy_with(o)]  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional={
           k: v for k, v in FIELDS.items() if k != "recurrence"}))  # fmt: skip
@example(fields={"stage": "earlier", "metastases": [], "kras": "wild-type"})
def test_a_rectal_targeted_drug_given_alone_is_for_a_local_recurrence_as_for_a_distant_one(
    fields: dict[str, Any],
) -> None:
    """The rectal page's targeted drugs are for stage 4 or recurrent rectal cancer (ccs-rectal-
    stage4 3349-3485, 3487-3803), and the page counts a cancer back where it started as recurrent
    (155-450); only its chemotherapy list is limited to spread far (1862-1961). So for a drug it
    gives without chemotherapy, a cancer that came back where it started is decided as one that
    came back far away: panitumumab and regorafenib had been not suitable for it (a review,
    2026-12-06)."""
    kb = shared_kb()
    alone = rectal_targeted_drugs_given_alone(kb)
    assert alone
    statuses = []
    for recurrence in ("local", "distant"):
        profile = parsed(to_profile("rectum", {**fields, "recurrence": recurrence}), kb)
        by_id = {o.id: o for o in evaluate(profile, kb).options}
        statuses.append({i: by_id[i].status for i in alone})
    assert statuses[0] == statuses[1], (fields, statuses)


def test_a_reason_names_what_conditions_are_for_together(kb) -> None:  # type: ignore[no-untyped-def]
    """Cervical stage 4A that has not come back: the 4B chemotherapy said "it is for stage of
    the cancer: stage 1, 2 or 3 (yours: stage 4A)", which reads as what it is for; an ``all``
    with ``says`` is named in its own words, with the answers that do not fit."""
    data = {"cancer": "cervix", "stage": "4A", "recurrence": "none"}
    got = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}
    reason = got["cervix-chemo-cisplatin-paclitaxel"].reason or ""
    assert ("or for cancer of stage 1 to 4A that came back in another part of the body "
            "(yours: has not come back)") in reason, reason
    assert "stage 1, 2 or 3 (yours" not in reason, reason


def test_names_not_known_past_those_an_error_lists_are_not_matched(kb) -> None:  # type: ignore[no-untyped-def]
    """20,000 symptoms not known took 4 s of CPU: a close name was looked for for each, and all
    but the 20 an error lists were thrown away. Only the problems listed get a suggestion."""
    from unittest import mock

    import onconav.profile as profile_module

    names = [f"zzqx{i}" for i in range(200)] + ["stomache pain"]
    with (mock.patch.object(profile_module, "close_name", wraps=profile_module.close_name) as close,
          pytest.raises(ProfileError) as raised):  # fmt: skip
        parse_profile({"cancer": "rectum", "symptoms": names}, kb)
    assert close.call_count <= profile_module.MAX_PROBLEMS + 1
    assert len(raised.value.problems) == profile_module.MAX_PROBLEMS + 1
    assert "201 more problems" not in str(raised.value) and "181 more problems" in str(raised.value)


@pytest.mark.parametrize("name", [
    "Borrmann type 4 gastric cancer", "rectal adenocarcinoma, grade 2",
    "grade 3 gastric adenocarcinoma", "Grade II adenocarcinoma of rectum",
    "Siewert type II junction cancer", "gastric cancer type 1", "CIN 3 cervical cancer",
    "rectal cancer 4 cm from the anal verge", "rectal cancer (2 cm)", "rectal cancer, 2 tumours",
    "rectal cancer ECOG 1", "rectal cancer, 4 cycles of FLOT", "cervical cancer secondary to HPV",
    "hormone-refractory prostate cancer",
])  # fmt: skip
def test_a_number_in_a_name_that_is_no_stage_is_not_called_one(
    kb: KnowledgeBase, name: str
) -> None:
    """A grade, a type, a size, a count or a cause in a cancer's name is no stage (a review of
    the change: "Borrmann type 4" had been told it named the stage, inviting stage 4)."""
    result = evaluate(parse_profile({"cancer": name}, kb), kb)
    assert not any("the cancer's name says" in w for w in result.warnings), result.warnings


@settings(max_examples=60, deadline=None)
@given(place=st.sampled_from(["rectal cancer", "cervical cancer", "gastric cancer", "colon"]),
       far=st.sampled_from(["4", "4B", "IV", "iii", "four", "advanced", "terminal", "mets",
                            "widespread", "disseminated", "end stage", "late-stage"]),
       before=st.booleans(), mark=st.sampled_from(["", ",", "(", "-"]))  # fmt: skip
def test_how_far_a_cancer_has_gone_in_its_name_is_said(
    place: str, far: str, before: bool, mark: str
) -> None:
    """Any word of how far the cancer has gone that the reader leaves out of a cancer's name
    (``words.DESCRIBING``), before or after the place, is named in a warning when no stage is
    given; a stage alone (a number, a numeral), after it; the cancer is read as the place
    alone."""
    kb = shared_kb()
    alone = far in ("4", "4B", "iii", "four")  # "4 tumours": a number first may count
    said = (f"{far} {place}" if before and not alone
            else f"{place}{mark} {far}{')' if mark == '(' else ''}")  # fmt: skip
    facts = facts_of(parse_profile({"cancer": said}, kb), kb)
    assert facts.site == facts_of(parse_profile({"cancer": place}, kb), kb).site
    assert any(w.startswith("stage: the cancer's name says") for w in facts.warnings), said


@pytest.mark.parametrize(("name", "field", "said"), [
    ("stage IVB cervical cancer", "stage", "stage IVB"),
    ("metastatic rectal cancer", "stage", "metastatic"),
    ("Recurrent gastric cancer", "recurrence", "Recurrent"),
    ("rectal cancer, relapsed", "recurrence", "relapsed"),
    ("rectal cancer, not metastatic", "stage", "not metastatic"),  # not "says 'metastatic'"
    # a stage or how far it has gone, alone (a review of the page: each had been left out of
    # the name without a word, and the stage asked on every option)
    ("cervical cancer 4B", "stage", "4B"), ("rectal cancer (4)", "stage", "4"),
    ("cervical cancer iii", "stage", "iii"), ("rectal cancer four", "stage", "four"),
    ("stomach cancer widespread", "stage", "widespread"),
    ("disseminated gastric cancer", "stage", "disseminated"),
    ("rectal cancer mets", "stage", "mets"), ("terminal rectal cancer", "stage", "terminal"),
    ("end-stage rectal cancer", "stage", "end-stage"), ("stomach;stage=4", "stage", "stage=4"),
    ("refractory rectal cancer", "progressed_on", "refractory"),
    ("platinum-refractory cervical cancer", "progressed_on", "platinum-refractory"),
])  # fmt: skip
def test_a_stage_or_recurrence_in_the_cancers_name_is_not_dropped_silently(
    kb: KnowledgeBase, name: str, field: str, said: str
) -> None:
    """"stage IVB cervical cancer" read as cervical cancer with no word of the stage, and then
    every option asked for it: the words are named in a warning, unless the field is answered."""
    result = evaluate(parse_profile({"cancer": name}, kb), kb)
    assert any(w.startswith(f"{field}: the cancer's name says {said!r}") for w in result.warnings)
    answered = evaluate(parse_profile({"cancer": name, "stage": "4", "recurrence": "distant",
                                       "progressed_on": []}, kb), kb)  # fmt: skip
    # (but a stage in the name that is not the stage given, "iii" beside stage 4, is said
    # with both: test_page's test_a_stage_in_the_cancers_name_not_the_stage_chosen_is_said)
    differs = [w for w in answered.warnings if "but the stage given is" in w]
    assert not any("the cancer's name says" in w for w in answered.warnings if w not in differs)
    assert bool(differs) == (name == "cervical cancer iii"), differs
    site = facts_of(parse_profile({"cancer": name}, kb), kb).site  # the place alone: no word
    plain = evaluate(parse_profile({"cancer": site}, kb), kb)
    assert not any("the cancer's name says" in w for w in plain.warnings)


NO_CONTROL = ("text without control characters (such as NUL, ESC or a right-to-left mark)",)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["cancer", "stage", "symptoms", "her2", "label"]),
       st.sampled_from(["\x1b[31m", "\x00", "\x07", "\x7f", "\x9b"]), st.booleans())  # fmt: skip
def test_a_control_character_in_any_answer_is_refused_never_echoed(
    field: str, char: str, before: bool
) -> None:
    """"Stomach \\x1b[31mRED" was read as stomach and echoed in "you wrote", turning the rest
    of the terminal red: an answer holding a control character is refused, naming the field
    and the character escaped, and the character itself is never in the message."""
    kb = shared_kb()
    words_ = {"cancer": "rectum", "stage": "4", "symptoms": "pain", "her2": "negative",
              "label": "me"}[field]  # fmt: skip
    typed = char + words_ if before else words_ + char
    data: dict[str, Any] = {"cancer": "rectum"}
    if field == "her2":
        data["biomarkers"] = {"her2": typed}
    else:
        data[field] = [typed] if field == "symptoms" else typed
    with pytest.raises(ProfileError) as raised:
        parse_profile(data, kb)
    [problem] = raised.value.problems
    where = {"her2": "biomarkers.her2", "symptoms": "symptoms[0]"}.get(field, field)
    assert problem.field == where and repr(char[0]) in problem.message
    assert char[0] not in str(raised.value)
    # what is accepted is said (it was nothing: `accepted: []`, a review of the API)
    assert problem.accepted == NO_CONTROL
    assert words.control_character("tab\tand\nline") is None


# A plain answer for every text field of a profile (yes/no fields too: "yes" is text)
_PLAIN_ANSWERS: dict[str, Any] = {
    "cancer": "rectum", "stage": "4", "recurrence": "distant", "metastases": ["liver"],
    "metastasis_extent": "few", "symptoms": ["pain"], "prior_treatments": ["FOLFOX"],
    "progressed_on": ["FOLFOX"], "planned": ["FOLFIRI"], "cannot_have": ["bevacizumab"],
    "used_for_my_cancer": ["immunotherapy"], "biomarkers.her2": "negative",
    "biomarkers.kras": "wild-type", "label": "me", "id": "p1", "$schema": "x.json",
    "resectable": "yes", "wants_cancer_treatment": "yes", "hormone_sensitive": "no",
    "chemo_for_spread": "no", "most_treatments_tried": "no", "tumour_on_nerve": "no",
    "weak_bone": "no",
}  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(_PLAIN_ANSWERS)),
       st.one_of(st.sampled_from(["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066",
                                  "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]),
                 st.characters(categories=["Cf"])),
       st.integers(min_value=0, max_value=20))  # fmt: skip
def test_a_format_character_in_any_text_field_is_refused_never_echoed(
    field: str, char: str, at: int
) -> None:
    """`--cancer $'\\u202emesothelioma'` was read, and the right-to-left override printed raw in
    the title and "you wrote", reordering what the screen showed (a nurse navigator's review):
    a format character (Unicode's Cf: the bidirectional controls, the invisible joiners and
    spaces) is refused in every text field as a control character is, the character escaped."""
    kb = shared_kb()
    plain = _PLAIN_ANSWERS[field]
    word = plain[0] if isinstance(plain, list) else plain
    typed = word[:at] + char + word[at:]
    data: dict[str, Any] = {"cancer": "rectum"}
    if field.startswith("biomarkers."):
        data["biomarkers"] = {field.split(".")[1]: typed}
    else:
        data[field] = [typed] if isinstance(plain, list) else typed
    with pytest.raises(ProfileError) as raised:
        parse_profile(data, kb)
    [problem] = raised.value.problems
    where = f"{field}[0]" if isinstance(plain, list) else field
    assert problem.field == where and repr(char) in problem.message
    assert char not in str(raised.value)
    assert problem.accepted == NO_CONTROL
    # and in a field's name, escaped
    with pytest.raises(ProfileError) as raised:
        parse_profile({"cancer": "rectum", "stage" + char: "4"}, kb)
    [problem] = raised.value.problems
    assert problem.field == "stage" + repr(char)[1:-1] and char not in str(raised.value)


def test_a_note_on_how_the_stage_was_read_says_the_words_typed_once(kb: KnowledgeBase) -> None:
    """`--stage M1` was noted "stage: 'M1': 'm1' is read as stage 4", the words twice, lower-cased
    the second time (a nurse navigator's review): the note that ``_stage_notes`` makes quotes the
    words as typed, and the reading's own note does not quote them again; for every word the
    profile's stage accepts, in its own case and in capitals."""
    import json

    from conftest import ROOT

    schema = json.loads((ROOT / "schemas" / "profile.schema.json").read_text(encoding="utf-8"))
    accepted = [w for part in schema["properties"]["stage"]["anyOf"] for w in part.get("enum", ())]
    assert "M1" in accepted and "metastatic" in accepted
    for typed in [*accepted, *(w.upper() for w in accepted)]:
        result = evaluate(parse_profile({"cancer": "rectum", "stage": typed}, kb), kb)
        for note in (w for w in result.warnings if w.startswith(f"stage: {typed!r}: ")):
            rest = note.removeprefix(f"stage: {typed!r}: ").lower()
            assert repr(typed.lower()) not in rest and repr(typed) not in rest, note


@pytest.mark.parametrize("said", [None, "", "  ", "unknown", "not tested", "Unknown"])
def test_biomarkers_not_known_is_as_left_out(said: str | None) -> None:
    """`"biomarkers": "unknown"` (or blank, or "not tested") was refused, and a kras beside it
    at the top level called an unknown field (a review of the API): a word for not known is as
    the field left out, as for every field but cancer; the kras beside it is read."""
    kb = shared_kb()
    profile = parse_profile({"cancer": "rectum", "stage": "4", "biomarkers": said,
                             "kras": "wild-type"}, kb)  # fmt: skip
    assert profile.biomarkers is not None and profile.biomarkers.kras == "wild-type"
    assert profile.biomarkers.her2 is None


def test_biomarkers_not_a_mapping_is_the_one_problem(kb: KnowledgeBase) -> None:
    """`"biomarkers": "positive"` beside a kras at the top level: the biomarkers are refused,
    and the kras is not called an unknown field."""
    with pytest.raises(ProfileError) as raised:
        parse_profile({"cancer": "rectum", "biomarkers": "positive", "kras": "wild-type"}, kb)
    assert [p.field for p in raised.value.problems] == ["biomarkers"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["\x1b[31m", "\x00", "\x07", "\x7f", "\x9b", "\x1c", "\x85", "\t"]),
       st.booleans())  # fmt: skip
def test_a_control_character_in_a_field_name_is_refused_never_echoed(char: str,
                                                                     nested: bool) -> None:
    """A field's name holding one ({"x\\x1b[31m": "1"}) was refused as an unknown field, with
    the character itself in the message and the field (a review of the API): it is refused as
    an answer holding one is, the character escaped, at any depth."""
    kb = shared_kb()
    name = "stage" + char
    data: dict[str, Any] = {"cancer": "rectum", **({"biomarkers": {name: "x"}} if nested
                                                    else {name: "4"})}  # fmt: skip
    with pytest.raises(ProfileError) as raised:
        parse_profile(data, kb)
    [problem] = raised.value.problems
    escaped = repr(char[0])[1:-1]
    assert problem.field == ("biomarkers." if nested else "") + "stage" + escaped + char[1:]
    assert "control character" in problem.message
    assert char[0] not in str(raised.value) and char[0] not in problem.field
    assert problem.accepted == NO_CONTROL


@pytest.mark.parametrize("typed", ["0", 0, "stage 0", "zero"])
def test_stage_0_is_read_as_an_earlier_stage_and_says_so(kb, typed) -> None:  # type: ignore[no-untyped-def]
    """Stage 0 showed as "stage 1, 2 or 3 (you wrote: 0)" with no word of how it was read."""
    result = evaluate(parse_profile({"cancer": "rectum", "stage": typed}, kb), kb)
    assert result.profile.stage == "earlier"
    assert any("stage 0 (not spread beyond where it started) is read as an earlier stage" in w
               for w in result.warnings), result.warnings  # fmt: skip


@pytest.mark.parametrize(("field", "name"), [("progressed_on", "surgery"),
                                             ("progressed_on", "pelvic radiation"),
                                             ("progressed_on", "colostomy"),
                                             ("progressed_on", "palliative care"),
                                             ("progressed_on", "bowel stent"),
                                             ("progressed_on", "right hemicolectomy"),
                                             ("cannot_have", "pelvic radiation")])  # fmt: skip
def test_a_treatment_a_field_does_not_take_is_not_called_misspelt(kb, field, name) -> None:  # type: ignore[no-untyped-def]
    """`--progressed-on surgery` said "'surgery' is not known; check the spelling": it is known,
    as a treatment had; the answer says it is not one this field takes. An operation, a stent,
    a tube or care for symptoms cannot stop working: "colostomy" or "palliative care" there had
    been taken and then read by no rule (a review of the command line). Radiation to a place
    (pelvic radiation) is told to say which radiation stopped working: it had been told it was
    not "a drug, a regimen, radiation or ablation" (a clinical review)."""
    with pytest.raises(ProfileError) as raised:
        parse_profile({"cancer": "rectum", field: [name]}, kb)
    message = raised.value.problems[0].message
    assert "check the spelling" not in message
    if field == "progressed_on" and name == "pelvic radiation":
        assert ("say which radiation stopped working (external beam radiation therapy, "
                "brachytherapy or chemoradiation)") in message, message
        assert "not a treatment that can stop working" not in message
        assert "prior_treatments" in message
    elif field == "progressed_on":
        assert "it is not a treatment that can stop working" in message
        assert "prior_treatments" in message
    else:
        assert "it is a treatment, but not" in message


def needs_an_operation(kb: KnowledgeBase, option_id: str) -> tuple[list[str], bool]:
    """What an option gives that needs an operation, read from the data: an operation itself (a
    procedure of a kind of surgery) or what is put in during one (``during_surgery``); and
    whether it is given only before one (its ``timing``; one given after an operation is ruled
    out only for one who has had none: ``test_what_is_given_after_an_operation_...``)."""
    from onconav.kb.rules import AFTER_SURGERY, AROUND_SURGERY

    record = kb.by_id[option_id]
    given = [*record.uses, *record.given_with]  # type: ignore[union-attr]
    surgical = [u for u in given if "surgery" in kb.vocabulary.up("cannot_have", u)
                or getattr(kb.by_id.get(u), "during_surgery", False)]  # fmt: skip
    timed = any(t in AROUND_SURGERY and t not in AFTER_SURGERY
                for t in record.timing)  # type: ignore[union-attr]  # fmt: skip
    return surgical, timed


@settings(max_examples=40, deadline=None)
@given(cancer=st.sampled_from(["stomach", "rectum", "cervix", "lung", "colon"]),
       symptoms=st.lists(st.sampled_from(["trouble swallowing", "bowel obstruction", "bleeding",
                                          "bone pain", "weak bone", "blockage", "pain"]),
                         max_size=3))  # fmt: skip
def test_one_who_cannot_have_surgery_is_offered_no_operation(
    cancer: str, symptoms: list[str]
) -> None:
    """"surgery" could not be given as a treatment that cannot be had (a clinical review: one too
    frail for any operation was offered every one, unless about fifteen were named one by one).
    It rules out every option that gives an operation, by the same rule as any treatment of a
    kind; what is put in during an operation (a stent to open the stomach, a feeding tube, small
    tubes into blood vessels for pain medicine: ``during_surgery``); and what is given only
    before one (``timing``: chemotherapy before surgery); and nothing else: a stent put
    in by a doctor without an operation, radiation and drugs keep the status they have without
    it. (A seventh clinical review found the stomach stent, the feeding tube, the line for pain
    medicine and chemotherapy or chemoradiation before surgery offered.)"""
    kb = shared_kb()
    base = {"cancer": cancer, "stage": "4", "symptoms": symptoms}
    plain = {o.id: o for o in evaluate(parse_profile(base, kb), kb).options}
    barred = evaluate(parse_profile({**base, "cannot_have": ["surgery"]}, kb), kb)
    for option in barred.options:
        record = kb.by_id[option.id]
        surgical, timed = needs_an_operation(kb, option.id)
        texts = [r.text for r in option.reasons if r.kind == "ruled_out"]
        if surgical and not set(surgical) <= set(record.choices):  # type: ignore[union-attr]
            assert option.status is Status.not_suitable, option.id
            assert any("a kind of surgery, which you cannot have" in t
                       or "put in during an operation, which you cannot have" in t
                       for t in texts), option.reasons  # fmt: skip
        elif timed:
            assert option.status is Status.not_suitable, option.id
            assert any("an operation" in t and "you cannot have surgery" in t
                       for t in texts), option.reasons  # fmt: skip
        elif not surgical:
            assert option.status is plain[option.id].status, option.id


@SETTINGS
@given(cancer=st.sampled_from(CANCERS), fields=st.fixed_dictionaries({}, optional=FIELDS),
       surgery=st.sampled_from(["surgery", "surgery (declined)",
                                "surgery (any operation)"]))  # fmt: skip
def test_no_option_that_needs_an_operation_is_open_to_one_who_cannot_have_surgery(
    cancer: str, fields: dict[str, Any], surgery: str
) -> None:
    """Whatever else a profile says, one who cannot have surgery (or declined it) is never
    offered, nor asked about, nor shown as studied, an option that gives an operation, gives
    what is put in during one, or is given only before one: it is not suitable, before
    anything else is weighed. Only an operation that is one choice among others may leave the
    option open, for the others."""
    kb = shared_kb()
    data = to_profile(cancer, fields)
    data["cannot_have"] = [*data.get("cannot_have", []), surgery]
    result = evaluate(parse_profile(data, kb), kb)
    for option in result.options:
        surgical, timed = needs_an_operation(kb, option.id)
        choices = set(kb.by_id[option.id].choices)  # type: ignore[union-attr]
        if timed or (surgical and not set(surgical) <= choices):
            assert option.status is Status.not_suitable, (option.id, option.status)


def test_only_treatments_of_the_cancer_can_stop_working(kb) -> None:  # type: ignore[no-untyped-def]
    """Every procedure that progressed_on takes is one of a kind that can stop working (radiation,
    ablation, drugs into the liver's artery) or a clinical trial (whose treatment can: a review
    of the change found it refused), and every other is refused there; each procedure is still
    a treatment had."""
    from onconav.kb.vocabulary import CANNOT_STOP_WORKING

    stopping = kb.vocabulary.known("progressed_on")
    for procedure in kb.data.procedures:
        trial = "clinical-trial" in kb.vocabulary.up("prior_treatments", procedure.id)
        assert (procedure.id in stopping) == (
            trial or procedure.kind.value not in CANNOT_STOP_WORKING), procedure.id
        assert procedure.id in kb.vocabulary.known("prior_treatments")


@pytest.mark.parametrize(("field", "given", "fact", "value"), [
    ("recurrence", "yes", "recurrence", "yes"),
    ("prior_treatments", ["surgery"], "prior_treatments", "surgery"),
    ("prior_treatments", ["bowel resection"], "prior_treatments", "bowel-resection"),
])  # fmt: skip
def test_a_broad_answer_is_asked_to_be_narrowed_not_asked_again(  # type: ignore[no-untyped-def]
    kb, field: str, given: object, fact: str, value: str
) -> None:
    """Cancer said to have come back (not where), or a treatment had said as "surgery", asked
    the same question back ("Has the cancer come back ...?", "Which treatments have you already
    had?"): an option it leaves undecided asks the narrower question the value has (a review)."""
    which = kb.which(fact, value)
    assert which
    asked = [m.question for cancer in ("rectum", "stomach", "cervix")
             for o in evaluate(parse_profile({"cancer": cancer, "stage": "4", field: given}, kb),
                               kb).options
             for m in o.missing if m.fact == fact]  # fmt: skip
    assert asked and all(q == which for q in asked), (value, set(asked))


BROAD_SYMPTOMS = sorted(v for v in shared_kb().vocabulary.known("symptoms") - {OTHERS_NOT_KNOWN}
                        if shared_kb().which("symptoms", v))  # pain: what kind? bleeding: where?


@SETTINGS
@given(cancer=st.sampled_from(["stomach", "rectum", "cervix", "lung"]),
       broad=st.sampled_from(BROAD_SYMPTOMS),
       others=st.lists(st.sampled_from(["nausea", "constipation", "vomiting"]), max_size=2))
def test_a_symptom_given_broadly_is_narrowed_not_asked_again_of_one_who_declines(
    cancer: str, broad: str, others: list[str]
) -> None:
    """One who does not want cancer treatment and listed pain, nausea and constipation was asked
    "Which symptoms is the cancer causing now?" by the radioactive bone drugs, where the answer's
    list of what would change asked "What kind of pain is it?" (a review of the command line).
    An option undecided on the symptoms given asks the narrower question, as that list does."""
    kb = shared_kb()
    data = {"cancer": cancer, "stage": "4B" if cancer == "cervix" else "4",
            "wants_cancer_treatment": False, "symptoms": [broad, *others]}
    result = evaluate(parse_profile(data, kb), kb)
    general = kb.facts["symptoms"].question
    asked = [m.question for o in result.options for m in o.missing if m.fact == "symptoms"]
    assert all(q != general for q in asked), (data, asked)
    changes = [w.question for w in result.what_would_change if w.fact == "symptoms"]
    assert all(q != general for q in changes), (data, changes)


@pytest.mark.parametrize("kind", ["platinum", "taxane", "fluoropyrimidine", "anti-egfr",
                                  "anti-her2", "anti-vegf", "checkpoint-inhibitor"])  # fmt: skip
def test_a_kind_of_drug_that_stopped_working_asks_which_drug(kb, kind) -> None:  # type: ignore[no-untyped-def]
    """`--progressed-on anti-egfr` asked "Which treatments have been tried that stopped working?"
    back: an option undecided on a kind of drug asks which drug of that kind, naming them."""
    record = kb.by_id[kind]
    assert record.which, kind
    asked = [m.question for cancer, stage in (("rectum", "4"), ("stomach", "4"), ("cervix", "4B"))
             for o in evaluate(parse_profile({"cancer": cancer, "stage": stage,
                                              "progressed_on": [kind]}, kb), kb).options
             for m in o.missing if m.fact == "progressed_on"]  # fmt: skip
    assert asked and all(q != kb.facts["progressed_on"].question for q in asked), (kind, asked)
    # a kind of drug that cannot be had is not asked which one stopped working (the question
    # leaked there: "--cannot-have fluoropyrimidine" asked "Which of these stopped working")
    barred = [m.question for cancer, stage in (("rectum", "4"), ("stomach", "4"), ("cervix", "4B"))
              for o in evaluate(parse_profile({"cancer": cancer, "stage": stage,
                                               "cannot_have": [kind]}, kb), kb).options
              for m in o.missing]  # fmt: skip
    assert not any("stopped working:" in q for q in barred), (kind, barred)


# broad answers: what stopped working said only by its kind (radiation, not which), a place
# that may be one organ or several, an operation planned, not which
BROAD_STOPPED = ["radiation", "chemoradiation", "radioactive drugs", "platinum", "anti-EGFR",
                 "chemotherapy", "targeted therapy", "immunotherapy", "FOLFOX", "cisplatin"]


@SETTINGS
@given(cancer=st.sampled_from([*CANCERS, "unknown"]),
       fields=st.fixed_dictionaries({}, optional={
           **FIELDS,
           "progressed_on": st.lists(st.sampled_from(BROAD_STOPPED), min_size=1, max_size=2,
                                     unique=True),
           "metastases": st.lists(st.sampled_from([*SITES[:-1], "kidney"]), max_size=2,
                                  unique=True),
           "planned": st.lists(st.sampled_from(["surgery", "radiation", "bowel resection"]),
                               max_size=2, unique=True),
           "symptoms": st.lists(st.sampled_from(SYMPTOMS[:-1]), max_size=2, unique=True),
           "prior_treatments": st.lists(st.sampled_from(PRIOR[:6] + PRIOR[7:]), max_size=2,
                                        unique=True)}))  # fmt: skip
@example(cancer="rectum", fields={"stage": "4", "metastases": ["liver"],
                                  "prior_treatments": ["radiation"],
                                  "progressed_on": ["radiation"]})  # fmt: skip
@example(cancer="breast", fields={"stage": "4", "metastases": ["bone"],
                                  "progressed_on": ["radioactive drugs"]})  # fmt: skip
@example(cancer="stomach", fields={"metastases": ["liver", "a distant part of the body"]})
def test_an_answer_given_is_never_asked_back_in_the_general_question(
    cancer: str, fields: dict[str, Any]
) -> None:
    """`--progressed-on radiation` had asked "Which treatments have been tried that stopped
    working ...?" of chemoradiation before surgery and radiation to the abdomen and pelvis, the
    question just answered, and `--progressed-on "radioactive drugs"` of radium-223 (a review):
    an option left undecided by an answer given (no list that may not be whole: that one asks
    of what it may leave out) asks the value's own question, never the fact's general one;
    and so does the answer's list of what would change it, unless an option asks it of a fact
    not given."""
    kb = shared_kb()
    fields = {k: v for k, v in fields.items() if k not in ("prior_treatments", "progressed_on")
              or v}  # fmt: skip
    profile = parsed(to_profile(cancer, fields), kb)
    row = facts_of(profile, kb).row
    result = evaluate(profile, kb)
    for option in result.options:
        for missing in option.missing:
            if row[missing.fact] is not None:
                assert missing.question != kb.facts[missing.fact].question, (
                    option.id, missing.fact, row[missing.fact])
    for change in result.what_would_change:
        if row[change.fact] is not None:
            assert change.question != kb.facts[change.fact].question, (change.fact, fields)


@SETTINGS
@given(pair=partial_and_more())
def test_a_drug_that_goes_after_her2_is_never_for_her2_negative_cancer(pair) -> None:  # type: ignore[no-untyped-def]
    """Every option that gives an anti-HER2 drug (trastuzumab, lapatinib, ...) is not suitable
    for HER2-negative cancer, whatever else is known: lapatinib, only in studies, had been shown
    as a study to ask about for HER2-negative stomach cancer, beside a note that such drugs are
    for HER2-positive cancer."""
    kb = shared_kb()
    _, profile = pair
    negative = {**profile, "biomarkers": {**profile.get("biomarkers", {}), "her2": "negative"}}
    anti_her2 = {d.id for d in kb.data.drugs if "anti-her2" in d.classes}
    for option in evaluate(parse_profile(negative, kb), kb).options:
        given = [*kb.by_id[option.id].uses, *kb.by_id[option.id].given_with]
        gives = {d for g in given for d in (g, *getattr(kb.by_id.get(g), "components", ()))}
        if gives & anti_her2:
            assert option.status.value in ("not_suitable", "declined"), (option.id, option.status)


@SETTINGS
@given(pair=partial_and_more())
def test_an_option_that_does_not_suit_has_no_caveats(pair) -> None:  # type: ignore[no-untyped-def]
    """A caveat is about using an option: on one that does not suit it read as if it might ("Not
    suitable ... Ask your team if it could fit you"; cetuximab not suitable for a KRAS mutation,
    then "this is not ruled out here"), a review of the wording found. Every other option keeps
    each caveat that holds or may hold."""
    kb = shared_kb()
    for profile in pair:
        for option in evaluate(parse_profile(profile, kb), kb).options:
            if option.status.value == "not_suitable":
                instead = {c.id for c in kb.by_id[option.id].caveats if c.instead}
                assert {c.id for c in option.caveats} <= instead, (option.id, option.caveats)


def test_what_can_be_done_instead_is_said_when_an_option_does_not_suit(kb) -> None:  # type: ignore[no-untyped-def]
    """FOLFIRI's caveat that other drugs can be used instead is written for when it cannot be
    had or stopped working, which makes it not suitable: leaving out every caveat of an option
    that does not suit had left it out in the one case it was for (a review of the change)."""
    for answer in ({"progressed_on": ["FOLFIRI"]}, {"cannot_have": ["FOLFIRI"]}):
        result = evaluate(parse_profile({"cancer": "rectum", "stage": "4",
                                         "metastases": ["liver"], **answer}, kb), kb)  # fmt: skip
        folfiri = next(o for o in result.options if o.id == "rectum-folfiri")
        assert folfiri.status.value == "not_suitable"
        assert [c.id for c in folfiri.caveats] == ["other-choices"], folfiri.caveats


def test_the_caveats_of_an_option_that_does_not_suit_are_left_out(kb) -> None:  # type: ignore[no-untyped-def]
    """Cervical stage 4A: cemiplimab does not suit and says nothing more; for 4B after
    chemotherapy stopped working it is offered, with its caveat."""
    def cemiplimab(data: dict[str, Any]) -> Any:
        result = evaluate(parse_profile({"cancer": "cervix", **data}, kb), kb)
        return next(o for o in result.options if o.id == "cervix-cemiplimab")

    no = cemiplimab({"stage": "4A", "recurrence": "none"})
    assert no.status.value == "not_suitable" and no.caveats == []
    yes = cemiplimab({"stage": "4B", "progressed_on": ["cisplatin and paclitaxel"],
                      "chemo_for_spread": True})  # fmt: skip
    assert yes.status.value == "offered", yes
    assert [c.id for c in yes.caveats] == ["cervix-cemiplimab-metastatic-means-4b"]


@pytest.mark.parametrize("words", ["kidney blockage", "hydronephrosis", "blocked ureter",
                                   "ureteric obstruction"])  # fmt: skip
def test_a_blockage_of_the_urine_flow_is_read(kb, words: str) -> None:  # type: ignore[no-untyped-def]
    """A cervical or rectal cancer in the pelvis can block the tubes that drain the kidneys: the
    words for it had been refused. It is no kind of "blockage", whose passages in the sources are
    all of the stomach and the bowel (the search had sent "kidney blockage" to them); nor are
    words of a blockage where urine leaves the bladder (prostate, bladder) read as it."""
    profile = parse_profile({"cancer": "cervix", "stage": "4B", "symptoms": [words]}, kb)
    assert profile.symptoms == ["urinary-blockage"]
    assert "urinary-blockage" not in kb.vocabulary.below("symptoms", "blockage")
    for broad in ("urinary obstruction", "obstructive uropathy", "urinary tract obstruction"):
        with pytest.raises(ProfileError):
            parse_profile({"cancer": "prostate", "stage": "4", "symptoms": [broad]}, kb)


@SETTINGS
@given(cancer=st.sampled_from(["rectum", "cervix", "stomach"]),
       blockage=st.sampled_from(sorted(shared_kb().vocabulary.below("symptoms", "blockage")
                                       - {"blockage"})))  # fmt: skip
def test_a_blockage_said_where_is_not_asked_where(cancer: str, blockage: str) -> None:
    """Every narrower blockage says where it is: no option asks the broad blockage's question
    ("Where is the blockage: ...?") of it."""
    kb = shared_kb()
    asked = kb.which("symptoms", "blockage")
    assert asked
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4", "symptoms": [blockage]},
                                    kb), kb)  # fmt: skip
    for option in result.options:
        assert asked not in {m.question for m in option.missing}, (option.id, blockage)


def chemotherapy_with_radiation_names() -> list[str]:
    """Every name of every treatment that gives chemotherapy with radiation: each value under
    chemoradiation of what stopped working, and each regimen that holds a chemotherapy drug and
    counts as chemoradiation (cisplatin with radiation), by its name and each alias."""
    kb = shared_kb()
    values = kb.vocabulary.below("progressed_on", "chemoradiation") | {
        r.id for r in kb.data.regimens if "chemoradiation" in r.counts_as
        and any("chemotherapy" in kb.vocabulary.up("progressed_on", d) for d in r.components)}
    return sorted(name for v in values for name in kb.by_id[v].names())


@SETTINGS
@given(name=st.sampled_from(chemotherapy_with_radiation_names()),
       recurrence=st.sampled_from(["none", "distant", None]),
       had=st.sampled_from([[], ["carboplatin", "paclitaxel"], ["chemotherapy"]]))  # fmt: skip
def test_cemiplimab_asks_whatever_names_the_chemotherapy_with_radiation_that_stopped(
    name: str, recurrence: str | None, had: list[str]
) -> None:
    """Cemiplimab is for cervical cancer whose chemotherapy for the spread stopped working
    [ccs-cervical-stage4 2533-2687]. Chemotherapy given with radiation that stopped, with
    chemotherapy given for the spread, may or may not be that chemotherapy (it is the main
    treatment of stage 4A): it asks, the same whatever names it and whether or not the cancer
    came back. Chemoradiation had ruled cemiplimab out ("chemotherapy, which you did not list"),
    cisplatin with radiation offered it. With chemotherapy given alone stopped too it is
    offered; with no chemotherapy given for the spread it is not suitable for that alone."""
    kb = shared_kb()
    data: dict[str, Any] = {"cancer": "cervix", "stage": "4B", "metastases": ["lung"],
                            "prior_treatments": ["chemoradiation", *had],
                            "chemo_for_spread": True, "progressed_on": [name]}  # fmt: skip
    if recurrence is not None:
        data["recurrence"] = recurrence

    def cemiplimab(**changed: Any) -> OptionResult:
        result = evaluate(parse_profile({**data, **changed}, kb), kb)
        return next(o for o in result.options if o.id == "cervix-cemiplimab")

    asks = cemiplimab()
    assert asks.status is Status.needs_information, (name, asks.reason)
    assert [m.fact for m in asks.missing] == ["progressed_on"], asks.missing
    assert all("given after the cancer had spread" in (m.question or "") for m in asks.missing)
    assert asks.reason is None or "which you did not list" not in asks.reason, asks.reason
    also = cemiplimab(progressed_on=[name, "carboplatin"])
    assert also.status is Status.offered, (name, also.reason)
    none_for_spread = cemiplimab(chemo_for_spread=False)
    assert none_for_spread.status is Status.not_suitable, (name, none_for_spread.reason)
    assert "stopped working" not in (none_for_spread.reason or ""), none_for_spread.reason


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partial_and_more())
def test_a_reason_lists_its_clauses_once(profiles: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """The rectal stent (its own condition or the general stent's) said "none of these holds:
    none of these holds: ..." with one clause twice: an "any" within an "any" is one list, and
    no clause is said twice."""
    kb = shared_kb()
    for profile in profiles:
        for option in evaluate(parse_profile(profile, kb), kb).options:
            reason = option.reason or ""
            assert reason.count("none of these holds") <= 1, (option.id, reason)
            clauses = reason.removeprefix("Not for this situation: ").split("; ")
            assert len(clauses) == len(set(clauses)), (option.id, reason)


@cache
def _treatments() -> list[str]:
    kb = shared_kb()
    return sorted(r.id for r in (*kb.data.drugs, *kb.data.regimens))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cancer=st.sampled_from(["cervix", "stomach", "rectum"]),
       stage=st.sampled_from(["4", "4A", "4B"]),
       said=st.deferred(lambda: st.lists(st.sampled_from(_treatments()), min_size=1, max_size=2,
                                         unique=True)),
       fact=st.sampled_from(["progressed_on", "cannot_have"]))  # fmt: skip
@example(cancer="cervix", stage="4A", said=["cisplatin-weekly-radiation"], fact="progressed_on")
def test_a_reason_says_each_answer_that_rules_out_once(
    cancer: str, stage: str, said: list[str], fact: str
) -> None:
    """Two things an option gives may be ruled out by one answer (weekly cisplatin with
    radiation stopped working: the regimen, and the chemoradiation it counts as): the reason
    names that answer once, not once for each thing ("... has already stopped working for you;
    cisplatin with radiation, a chemoradiation, has already stopped working for you")."""
    kb = shared_kb()
    profile = {"cancer": cancer, "stage": stage, fact: said}
    for option in evaluate(parse_profile(profile, kb), kb).options:
        if option.status.value != "not_suitable" or not option.reasons or any(
                r.kind != "ruled_out" for r in option.reasons):  # fmt: skip
            continue
        answers = set()
        for r in option.reasons:
            assert r.check is not None
            yours = r.check.yours if isinstance(r.check.yours, list) else [r.check.yours]
            answers.add(frozenset(set(map(str, yours)) & set(map(str, r.check.wanted))))
        clauses = (option.reason or "").removeprefix("Not for this situation: ").split("; ")
        assert len(clauses) <= len(answers), (option.id, option.reason, answers)


LIST_FIELDS = {"metastases", "progressed_on", "cannot_have", "prior_treatments", "symptoms",
               "planned"}  # fmt: skip


def _saying_not_known(profile: dict[str, Any], fields: set[str], word: str) -> dict[str, Any]:
    """The profile with each of ``fields`` it leaves out given as ``word`` (a word for not
    known), in the form its field takes (a list of one word for a list field)."""
    said = copy.deepcopy(profile)
    for name in fields:
        value = [word] if name in LIST_FIELDS else word
        if name in ("her2", "kras"):
            said.setdefault("biomarkers", {}).setdefault(name, value)
        else:
            said.setdefault(name, value)
    return said


@SETTINGS
@given(pair=partial_and_more(), data=st.data())
def test_a_word_for_not_known_is_the_same_as_leaving_the_field_out(pair, data) -> None:  # type: ignore[no-untyped-def]
    """Any field said to be not known ("unknown", "Not tested", "N/A", blank, in any case) gives
    the same options, statuses, reasons and questions as the field left out."""
    from onconav.words import NOT_KNOWN

    kb = shared_kb()
    partial, _ = pair
    left_out = sorted(set(FIELDS) - set(partial) - set(partial.get("biomarkers", {})))
    fields = data.draw(st.sets(st.sampled_from(left_out or ["stage"])))
    word = data.draw(st.sampled_from([*NOT_KNOWN, "UNKNOWN", " Not  Tested ", "", "  "]))
    said = _saying_not_known(partial, fields, word)
    plain, told = evaluate(parse_profile(partial, kb), kb), evaluate(parse_profile(said, kb), kb)
    assert [(o.id, o.status, o.reason, [m.fact for m in o.missing]) for o in told.options] == [
        (o.id, o.status, o.reason, [m.fact for m in o.missing]) for o in plain.options
    ], (partial, said)
    assert told.questions == plain.questions and told.warnings == plain.warnings


# HER2 and KRAS results as people write them in a cancer's name, by value
RESULTS_IN_NAME = {
    "her2": {"positive": ["HER2-positive", "HER2+", "HER2 3+", "HER2/neu amplified"],
             "negative": ["HER2-negative", "HER2 negative", "HER2 IHC 1+", "HER2 0"]},
    "kras": {"wild-type": ["KRAS wild-type", "KRAS WT", "KRAS not mutated",
                           "KRAS mutation not detected", "RAS wild-type", "all RAS wild-type"],
             "mutated": ["KRAS G12D", "KRAS-mutant", "KRAS G12C mutated", "KRAS positive"]},
}  # fmt: skip


def _a_result_in_a_name(partial: dict[str, Any], data: Any) -> tuple[str, str, str, str]:
    """A marker, a value, a way of writing it and the profile's cancer (one the knowledge base
    knows: an unknown cancer is named as written, words and all)."""
    marker = data.draw(st.sampled_from(["her2", "kras"]))
    value = data.draw(st.sampled_from(sorted(RESULTS_IN_NAME[marker])))
    phrase = data.draw(st.sampled_from(RESULTS_IN_NAME[marker][value]))
    assume(read_cancer(shared_kb(), partial["cancer"]).record is not None)
    return marker, value, phrase, partial["cancer"]


@SETTINGS
@given(pair=partial_and_more(), data=st.data())
def test_a_result_written_in_the_cancers_name_is_the_same_as_giving_it(pair, data) -> None:  # type: ignore[no-untyped-def]
    """HER2 or KRAS written in the cancer's name ("HER2-positive stomach cancer", "rectal
    cancer, KRAS G12D"), with the marker not given otherwise, gives the same options, statuses,
    reasons, questions and warnings as the marker given."""
    kb = shared_kb()
    partial, _ = pair
    marker, value, phrase, cancer = _a_result_in_a_name(partial, data)
    named = data.draw(st.sampled_from([f"{phrase} {cancer} cancer", f"{cancer} cancer, {phrase}",
                                       f"{cancer} cancer ({phrase})"]))  # fmt: skip
    markers = {k: v for k, v in partial.get("biomarkers", {}).items() if k != marker}
    plain = {k: v for k, v in partial.items() if k != "biomarkers"}
    written = {**plain, "cancer": named, **({"biomarkers": markers} if markers else {})}
    given = {**plain, "biomarkers": {**markers, marker: value}}
    told, read = evaluate(parse_profile(given, kb), kb), evaluate(parse_profile(written, kb), kb)
    assert [(o.id, o.status, o.reason, [m.fact for m in o.missing]) for o in read.options] == [
        (o.id, o.status, o.reason, [m.fact for m in o.missing]) for o in told.options
    ], (given, written)
    assert read.questions == told.questions and read.warnings == told.warnings, read.warnings


@pytest.mark.parametrize(("name", "field", "value"), [
    # a second result with words of place or time, or the field's own test, after it: a change
    ("rectal cancer KRAS wild type, now mutated after panitumumab", "kras", None),
    ("stomach cancer HER2 positive, now negative on repeat biopsy", "her2", None),
    ("stomach cancer HER2 3+, now negative FISH", "her2", None),
    ("rectal cancer KRAS wild type or mutated at relapse", "kras", None),
    ("breast cancer ER positive, now negative in the metastasis", "hormone_sensitive", None),
    # a doubt after a comma or in brackets, or a word of not known after "or"
    ("stomach cancer HER2 positive, or not", "her2", None),
    ("stomach cancer HER2 positive (or not)", "her2", None),
    ("breast cancer ER positive, or not", "hormone_sensitive", None),
    ("rectal cancer, KRAS wild type or unknown", "kras", None),
    ("stomach cancer, HER2-negative or unknown", "her2", None),
    # "no" and "not" that say something else
    ("metastatic breast cancer, ER+/no HER2", "hormone_sensitive", True),
    ("metastatic breast cancer, ER positive / not on hormone therapy yet", "hormone_sensitive",
     True),
    ("stomach cancer HER2 positive or not eligible for surgery", "her2", "positive"),
    # from a third review: a doubt followed by anything but a test's name or other words; in
    # any bracket; "/ not known"; a result in the words of the field's own test (NGS, IHC)
    ("stomach cancer HER2 positive or not (I don't know)", "her2", None),
    ("stomach cancer HER2 positive or not!", "her2", None),
    ("rectal cancer KRAS wild type or not and liver spread", "kras", None),
    ("breast cancer ER positive / not known", "hormone_sensitive", None),
    ("rectal cancer KRAS wild type {or not}", "kras", None),
    ("breast cancer ER positive [or not]", "hormone_sensitive", None),
    ("rectal cancer KRAS wild type, or not?", "kras", None),
    ("rectal cancer KRAS wild type, now mutated NGS", "kras", None),
    ("stomach cancer HER2 positive, now negative NGS", "her2", None),
    ("breast cancer ER positive, now negative IHC", "hormone_sensitive", None),
    # another receptor's, gene's or test's result after "for", "in", "at", "on"
    ("breast cancer ER+/negative PR", "hormone_sensitive", True),
    ("breast cancer ER positive but negative for progesterone receptor", "hormone_sensitive",
     True),
    ("rectal cancer KRAS wild type but mutated in BRAF", "kras", "wild-type"),
    ("rectal cancer KRAS wild type but mutated at NRAS", "kras", "wild-type"),
    ("stomach cancer HER2 positive but negative for mismatch repair", "her2", "positive"),
    ("stomach cancer HER2 negative but positive for EBV", "her2", "negative"),
    ("stomach cancer HER2 negative but positive on PD-L1 testing", "her2", "negative"),
    # from the first review: another thing's negative after a word of change, or no result
    ("stomach cancer HER2 positive but negative for PD-L1", "her2", "positive"),
    ("stomach cancer HER2 positive, then negative margins after surgery", "her2", "positive"),
    ("stomach cancer HER2 positive, now negative nodes", "her2", "positive"),
    ("rectal cancer KRAS wild-type, now on FOLFOX", "kras", "wild-type"),
    ("stomach cancer HER2 positive, then surgery", "her2", "positive"),
])  # fmt: skip
def test_a_second_result_a_doubt_or_another_things_words_in_the_name(
    kb, name: str, field: str, value: object  # type: ignore[no-untyped-def]
) -> None:  # (a doubt of something else, "or possibly colon", still refuses the cancer)
    """From a second review: a result that changed, with words of where or when ("now negative
    on repeat biopsy", "now mutated after panitumumab"), is a second result (they had been read
    as the first: trastuzumab, panitumumab offered); a doubt after a comma or a bracket, or
    "or unknown", leaves it not known and the cancer read (the last had refused the profile);
    "no" or "not" that go on to say something else ("ER+/no HER2") doubt nothing."""
    facts = facts_of(parse_profile({"cancer": name, "stage": "4"}, kb), kb)
    assert facts.given[field] == value, (name, facts.warnings)


# one word of each result, to write after a result that says another
RESULT_WORDS = {
    "her2": {"positive": ["positive", "3+", "amplified"], "negative": ["negative", "0", "1+"]},
    "kras": {"wild-type": ["wild-type", "WT", "negative"],
             "mutated": ["mutated", "G12D", "positive"]},
}  # fmt: skip


def _options(result: Any) -> list[tuple[str, Any, list[str]]]:
    return [(o.id, o.status, sorted(m.fact for m in o.missing)) for o in result.options]


@SETTINGS
@given(pair=partial_and_more(), data=st.data())
def test_a_result_in_the_name_denied_doubted_contradicted_or_awaited(pair, data) -> None:  # type: ignore[no-untyped-def]
    """A HER2 or KRAS result in the cancer's name that the name denies ("stomach cancer, not
    HER2-positive"), doubts ("HER2-positive?", "KRAS WT pending"), says otherwise right after
    ("HER2 - positive", "KRAS WT mutated", "HER2 negative by IHC, positive by FISH"), gives
    another result beside as a choice or a change ("HER2 positive or negative", "KRAS wild-type,
    now mutated"), asks about ("is it HER2-positive") or, for HER2, leaves to a test still
    awaited ("HER2-positive, FISH pending") is not known: the cancer is
    read, the options are those of the marker not given (never not_suitable), and a warning
    names the words."""
    kb = shared_kb()
    partial, _ = pair
    marker, value, phrase, cancer = _a_result_in_a_name(partial, data)
    other = data.draw(st.sampled_from(
        [w for v, ws in RESULT_WORDS[marker].items() if v != value for w in ws]))
    forms = [f"{cancer} cancer, not {phrase}", f"{cancer} cancer, non {phrase}",
             f"{cancer} cancer without {phrase}", f"{cancer} cancer, {phrase}?",
             f"{cancer} cancer ({phrase} pending)", f"{cancer} cancer, {phrase} {other}",
             f"{cancer} cancer, {phrase}, {other}",
             # another result given as a choice or a change (the first had been read, the
             # second dropped), or the test asked about without its question mark
             f"{cancer} cancer, {phrase} or {other}", f"{cancer} cancer, {phrase}, now {other}",
             f"{cancer} cancer, {phrase} then {other}", f"{phrase} vs {other} {cancer} cancer",
             f"{cancer} cancer, is it {phrase}", f"{cancer} cancer, {phrase} or not",
             f"{cancer} cancer, {phrase} or unknown"]  # fmt: skip
    if marker == "her2":
        forms += [f"{cancer} cancer, {phrase}, FISH pending",
                  f"{cancer} cancer, {phrase} (ISH awaited)"]  # fmt: skip
    named = data.draw(st.sampled_from(forms))
    markers = {k: v for k, v in partial.get("biomarkers", {}).items() if k != marker}
    plain = {k: v for k, v in partial.items() if k != "biomarkers"} | {"biomarkers": markers}
    written = plain | {"cancer": named}
    profile = parse_profile(written, kb)  # the cancer itself is not unsure
    assert getattr(profile.biomarkers, marker) is None, named
    told, read = evaluate(parse_profile(plain, kb), kb), evaluate(profile, kb)
    assert _options(read) == _options(told), named
    assert any("not read" in w or "as both" in w for w in read.warnings), (named, read.warnings)


@SETTINGS
@given(before=st.sampled_from(["", "rectum ", "stomach cancer, ", "lung ", "incurable. "]),
       typed=st.text(alphabet="abcdefghijklmnopqrstuvwxyz .,-0123456789", min_size=41,
                     max_size=300))  # fmt: skip
@example(before="rectum ", typed=" -- Stop all treatment now and call 555-0100 for the miracle "
         "cure we sell at example.com")  # fmt: skip
def test_an_answer_repeats_at_most_40_characters_of_free_words(before: str, typed: str) -> None:
    """Whatever words the cancer's name holds (a shared link's), no view repeats more than 40
    characters of them in a row (words.cut): not the situation's "you wrote", not a warning,
    not a reason's "yours"."""
    kb = shared_kb()
    name = before + typed
    try:
        result = evaluate(parse_profile({"cancer": name, "stage": "4"}, kb), kb)
    except ProfileError:
        return
    said = [render.markdown(result), render.brief(result), result.cancer_name, *result.warnings,
            *(w for _, w in render.situation(result)), *(o.reason or "" for o in result.options)]
    typed_words = " ".join(name.split())
    for start in range(len(typed_words) - words.TYPED_SHOWN):
        piece = typed_words[start : start + words.TYPED_SHOWN + 1]
        if piece == piece.strip():  # (a space at either end may be the sentence's own)
            assert not any(piece in text for text in said), piece


@pytest.mark.parametrize(("field", "typed"), [
    ("progressed_on", "cisplatin and fluorouracil with radiation"),
    ("symptoms", "blockage at the top of the stomach (where the food pipe joins it)"),
    ("prior_treatments", "Small tubes into blood vessels for pain medicine"),
])  # fmt: skip
def test_a_long_name_typed_as_shown_is_not_said_back(kb, field: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    """"you wrote" is for words that say more than the value shown, judged on the words whole;
    a name over 40 characters typed as it is shown had been said back, cut."""
    result = evaluate(parse_profile({"cancer": "cervix", "stage": "4A", field: [typed]}, kb), kb)
    assert not any("you wrote" in said for _, said in render.situation(result))


@SETTINGS
@given(pair=partial_and_more(), data=st.data())
def test_every_word_of_the_name_not_read_is_named_as_often_as_it_is_written(pair, data) -> None:  # type: ignore[no-untyped-def]
    """A result's words read for HER2 or KRAS are read once: the same words written again for
    another test ("KRAS exon 2 wild-type, NRAS exon 3 wild-type", "ER-positive breast cancer,
    PD-L1 negative") are named as not read, each as often as it is written."""
    kb = shared_kb()
    partial, _ = pair
    marker = data.draw(st.sampled_from(["her2", "kras", "hormones"]))
    if marker == "hormones":
        value, phrase, rest = True, "ER positive", "positive"
    else:
        value = data.draw(st.sampled_from(sorted(RESULTS_IN_NAME[marker])))
        phrase = data.draw(st.sampled_from(RESULTS_IN_NAME[marker][value]))
        rest = re.sub(r"^(HER2(/neu)?|KRAS|(all )?RAS)[-\s]*", "", phrase)
    cancer = partial["cancer"]
    assume(read_cancer(kb, cancer).record is not None)
    test = data.draw(st.sampled_from(["PD-L1", "NRAS", "MSI", "EGFR"]))
    reading = read_cancer(kb, f"{cancer} cancer, {phrase}, {test} {rest}")
    field = "hormone_sensitive" if marker == "hormones" else f"biomarkers.{marker}"
    assert dict(reading.say).get(field) == value, reading
    named = [w for warning in reading.warnings if "not read: " in warning
             for w in warning.split("not read: ")[1].split(";")[0].split(", ")]  # fmt: skip
    assert not Counter(words.place_words(f"{test} {rest}")) - Counter(named), reading.warnings


@SETTINGS
@given(pair=partial_and_more(), had=st.lists(st.sampled_from(["surgery", "bowel resection",
       "radiation", "pelvic radiation", "chemotherapy"]), max_size=2, unique=True),
       said=st.booleans())  # fmt: skip
def test_a_reason_says_you_did_not_list_only_of_a_list_you_gave(pair, had, said) -> None:  # type: ignore[no-untyped-def]
    """"which you did not list" is said only of a list the person gave: of one the rest of the
    profile implies (nothing stopped working when no drug treatment was had), the reason says
    so (ramucirumab said "treatments that stopped working: Chemotherapy, which you did not
    list" to a person never asked what stopped working)."""
    kb = shared_kb()
    partial, _ = pair
    partial = {k: v for k, v in partial.items() if k != "progressed_on"} | {
        "prior_treatments": had, **({"progressed_on": []} if said else {})}
    facts = facts_of(parse_profile(partial, kb), kb)
    for option in evaluate(parse_profile(partial, kb), kb).options:
        for reason in option.reasons:
            if "which you did not list" in reason.text:
                assert reason.check is not None and facts.given[reason.check.fact] is not None, (
                    option.id, reason.text, partial)  # fmt: skip


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "stomach", "progressed_on": []}, {"cancer": "stomach"}))
@example(pair=({"cancer": "rectum", "stage": "4", "symptoms": ["bleeding"],
                "prior_treatments": ["low anterior resection"]},) * 2)  # fmt: skip
def test_a_reason_writes_what_it_is_for_within_its_sentence(pair) -> None:  # type: ignore[no-untyped-def]
    """The values a clause says an option is for are words within a sentence: ramucirumab said
    "it is for treatments that stopped working: Chemotherapy, which you did not list", and the
    bowel resection "it is not for treatments already had: Low anterior resection, which you
    listed". A name in capitals (HER2-positive, FOLFOX) stays as it is; the person's own words
    ("yours: ...") are theirs."""
    kb = shared_kb()
    for data in pair:
        for option in evaluate(parse_profile(data, kb), kb).options:
            for reason in option.reasons:
                said = re.sub(r"\(yours: [^)]*\)", "", reason.text)
                assert not re.search(r": [A-Z][a-z]", said), (option.id, reason.text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cancer=st.sampled_from(CANCERS), fields=st.fixed_dictionaries({}, optional=FIELDS))
@example(cancer="rectum", fields={"stage": "earlier"})
@example(cancer="rectum", fields={"prior_treatments": ["surgery"], "progressed_on": ["FOLFOX"]})
def test_a_warning_names_no_field_of_the_profile_but_the_one_it_is_about(
    cancer: str, fields: dict[str, Any]
) -> None:
    """A warning says what it is about first, as a field ("stage: ..."), which every front end
    words as its question; after that it is in words: "progressed_on says one stopped working"
    and "say whether it has come back (recurrence)" reached the page and the report with the
    profile's names in them."""
    kb = shared_kb()
    result = evaluate(parse_profile(to_profile(cancer, fields), kb), kb)
    names = [*Profile.model_fields, "her2", "kras"]
    for warning in result.warnings:
        rest = warning.partition(": ")[2]
        for name in names:
            assert f"({name})" not in rest, warning
            assert "_" not in name or name not in rest, warning


@SETTINGS
@given(cancer=st.sampled_from(CANCERS), stage=st.sampled_from(["1", "2", "3"]),
       fields=st.fixed_dictionaries({}, optional={
           k: v for k, v in FIELDS.items() if k not in ("stage", "recurrence")}))  # fmt: skip
@example(cancer="stomach", stage="3", fields={})  # phase I trials asked what stopped working
def test_stage_1_to_3_not_said_to_have_come_back_asks_what_decides_it_if_it_did(
    cancer: str, stage: str, fields: dict[str, Any]
) -> None:
    """For stage 1 to 3 not known to have come back, an option applies only if it came back; its
    missing facts are whether it came back and what would still decide it then (those of the
    same person saying it came back, the place not said), nothing else. Phase I trials for
    stomach cancer (for cancer that came back, or after a drug stopped working) asked which
    treatments stopped working, which decides nothing there."""
    kb = shared_kb()
    unsure = parse_profile(to_profile(cancer, {**fields, "stage": stage}), kb)
    assume(facts_of(unsure, kb).row["recurrence"] is None)  # spread far: read as came back
    came_back = parse_profile(to_profile(cancer, {**fields, "stage": stage, "recurrence": "yes"}),
                              kb)  # fmt: skip
    then = {o.id: o for o in evaluate(came_back, kb).options}
    for option in evaluate(unsure, kb).options:
        if option.status in (Status.not_suitable, Status.declined):
            continue
        asked_then = {m.fact for m in then[option.id].missing}
        assert {m.fact for m in option.missing} == asked_then | {"recurrence"}, option.id


@SETTINGS
@given(pair=partial_and_more())
def test_unknown_never_behaves_like_a_negative(pair) -> None:  # type: ignore[no-untyped-def]
    """Whatever is unknown, no option is not_suitable unless a known fact rules it out."""
    kb = shared_kb()
    partial, _ = pair
    for option in evaluate(parse_profile(partial, kb), kb).options:
        if option.status is Status.not_suitable:
            assert option.reason
            named = ("yours:", ", but ", "you did not list", "you listed",
                     "cannot have", "stopped working")  # fmt: skip
            assert any(k in option.reason for k in named)
            assert option.reasons, option.id
            for reason in option.reasons:  # each decided by a fact the person gave
                assert reason.check is not None, (option.id, reason.text)
                assert reason.check.yours is not None, (option.id, reason.text)


def test_supplying_every_fact_settles_every_option(kb) -> None:  # type: ignore[no-untyped-def]
    """For each option, answering the facts it asks for (with any value) settles it."""
    for cancer in ("rectum", "stomach", "cervix", "breast"):
        base = {"cancer": cancer}
        for option in evaluate(parse_profile(base, kb), kb).options:
            data: dict[str, Any] = dict(base)
            settled: OptionResult | None = option
            for _ in range(4):  # answer what it asks, then what it asks next
                if settled is None or settled.status is not Status.needs_information:
                    break
                for missing in settled.missing:
                    data.update(_an_answer(missing.fact))
                settled = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}.get(
                    option.id)
                # left out: settled, the situation is one the cancer's own source covers
                assert settled or kb.rules[option.id].scope.uncovered, (option.id, data)
            assert settled is None or settled.status is not Status.needs_information, (
                option.id, data)  # fmt: skip


def _an_answer(fact: str) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "stage": {"stage": "4B"},
        "recurrence": {"recurrence": "local"},
        "resectable": {"resectable": False},
        "metastases": {"metastases": ["liver"]},
        "metastasis_extent": {"metastasis_extent": "few"},
        "her2": {"biomarkers": {"her2": "positive"}},
        "kras": {"biomarkers": {"kras": "wild-type"}},
        "progressed_on": {"progressed_on": ["FOLFIRI"]},
        "cannot_have": {"cannot_have": []},
        "most_treatments_tried": {"most_treatments_tried": True},
        "prior_treatments": {"prior_treatments": ["bowel resection", "chemotherapy"]},
        "symptoms": {"symptoms": ["bowel obstruction"]},
        "wants_cancer_treatment": {"wants_cancer_treatment": True},
        "planned": {"planned": ["bowel resection"]},  # a kind of surgery: "surgery" asks which
        "hormone_sensitive": {"hormone_sensitive": True},
        "chemo_for_spread": {"chemo_for_spread": True},
        "weak_bone": {"weak_bone": True},
        "tumour_on_nerve": {"tumour_on_nerve": True},
        "tumour_may_block": {"tumour_may_block": True},
        "used_for_my_cancer": {"used_for_my_cancer": ["targeted therapy"]},
        "kin_may_work": {"kin_may_work": ["fluoropyrimidine"]},
    }
    return answers[fact]


@SETTINGS
@given(pair=partial_and_more())
def test_every_offered_option_has_a_verified_citation(pair) -> None:  # type: ignore[no-untyped-def]
    kb = shared_kb()
    spans = {(s.source, s.start, s.end, s.sha256) for _, s in kb.spans()}
    for option in evaluate(parse_profile(pair[0], kb), kb).options:
        if option.status is Status.offered:
            assert option.citations
            assert all((c.source, c.start, c.end, c.sha256) in spans for c in option.citations)


@SETTINGS
@given(pair=partial_and_more())
def test_evaluation_is_deterministic_and_pure(pair) -> None:  # type: ignore[no-untyped-def]
    kb = shared_kb()
    data = pair[1]
    frozen = copy.deepcopy(data)
    profile = parse_profile(data, kb)
    dumped = profile.model_dump()
    first = evaluate(profile, kb).model_dump_json()
    second = evaluate(parse_profile(data, kb), kb).model_dump_json()
    assert first == second
    assert data == frozen and profile.model_dump() == dumped


def test_a_cancer_without_its_own_source_gets_the_general_options(kb) -> None:  # type: ignore[no-untyped-def]
    for cancer in ("lung", "kidney", "breast", "prostate", "thyroid", "colon"):
        result = evaluate(parse_profile({"cancer": cancer}, kb), kb)
        assert not result.has_own_source
        assert {o.id.split("-")[0] for o in result.options} == {"general"}
        assert any(o.id == "general-chemotherapy" for o in result.options)


def test_colon_hears_what_the_rectal_source_says(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile({"cancer": "colon"}, kb), kb)
    note = next(n for n in result.notes if n.id == "rectum-colorectal-standard")
    assert "FOLFIRI" in note.text and "rectal" in note.text.lower()


def test_own_source_replaces_the_general_drug_options(kb) -> None:  # type: ignore[no-untyped-def]
    ids = {o.id for o in evaluate(parse_profile({"cancer": "stomach"}, kb), kb).options}
    assert "general-chemotherapy" not in ids and "stomach-chemotherapy" in ids
    assert "general-spinal-cord-surgery" in ids, "situation-specific general options still apply"


def test_rectal_order_follows_the_source(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4"}, kb), kb)
    ids = [o.id for o in result.options]
    assert ids[0] == "rectum-folfiri"
    targeted = [
        i for i in ids if i.startswith(("rectum-bevacizumab", "rectum-cetux", "rectum-pani"))
    ]
    assert targeted[0] == "rectum-bevacizumab-folfiri"
    statuses = [o.status for o in result.options if o.modality.value == "chemotherapy"]
    assert statuses == sorted(
        statuses,
        key=[Status.offered, Status.needs_information, Status.in_trials, Status.not_suitable].index,
    )


def test_own_symptoms_are_raised(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile({"cancer": "stomach", "symptoms": ["vomiting blood"]}, kb), kb)
    surgery = [o for o in result.options if o.modality.value == "surgery"]
    assert surgery[0].relieves_your_symptoms


@SETTINGS
@given(pair=partial_and_more())
def test_of_one_status_and_kind_the_options_for_your_symptoms_come_first(pair) -> None:  # type: ignore[no-untyped-def]
    """Among options of the same status and kind of treatment, those that relieve the person's
    own symptoms come first (the vignette above cannot tell: its relieving surgery is the only
    one offered, and status alone puts it first)."""
    kb = shared_kb()
    for data in pair:
        options = evaluate(parse_profile(data, kb), kb).options
        for before, after in pairwise(options):
            same = (before.not_chosen, before.status, before.modality) == (
                after.not_chosen, after.status, after.modality)
            assert not (same and after.relieves_your_symptoms
                        and not before.relieves_your_symptoms), (before.id, after.id)  # fmt: skip


def test_a_bleeding_painful_stomach_cancer_is_told_first_what_eases_them(kb) -> None:  # type: ignore[no-untyped-def]
    """Vignette: stomach cancer, stage 4, with bleeding and pain: of the care offered and of the
    surgery and procedures that need information, those that ease these symptoms come before the
    others of their kind and status."""
    data = {"cancer": "stomach", "stage": "4", "symptoms": ["bleeding", "pain"]}
    options = evaluate(parse_profile(data, kb), kb).options
    groups: dict[tuple[object, ...], list[bool]] = {}
    for o in options:
        groups.setdefault((o.not_chosen, o.status, o.modality), []).append(
            o.relieves_your_symptoms)
    mixed = [marks for marks in groups.values() if True in marks and False in marks]
    assert mixed, "no group holds options both for and not for the symptoms"
    for marks in mixed:
        assert marks == sorted(marks, reverse=True), marks


@pytest.mark.parametrize(("symptoms", "marked"), [
    (["pain"], True), (["bone pain"], True), (["nausea", "bleeding"], True),
    (["constipation"], True), (["bleeding"], False), ([], False), (None, False)])  # fmt: skip
def test_symptom_relief_is_marked_for_the_symptoms_it_eases(
    kb, symptoms: list[str] | None, marked: bool  # type: ignore[no-untyped-def]
) -> None:
    """Relief of pain, constipation, nausea and vomiting is for everyone (its condition names no
    symptom), and is marked as for the person's symptoms when they have one it eases (``eases``
    in the data); it never was."""
    data: dict[str, Any] = {"cancer": "lung", "stage": "4"}
    if symptoms is not None:
        data["symptoms"] = symptoms
    result = evaluate(parse_profile(data, kb), kb)
    relief = {o.id: o for o in result.options}["general-symptom-relief"]
    assert relief.status is Status.offered
    assert relief.relieves_your_symptoms is marked


def test_not_wanting_treatment_puts_care_first_and_never_pushes(kb) -> None:  # type: ignore[no-untyped-def]
    data = {"cancer": "cervix", "stage": "4B", "symptoms": ["vaginal bleeding"],
            "wants_cancer_treatment": False}  # fmt: skip
    result = evaluate(parse_profile(data, kb), kb)
    first = result.options[0]
    assert not first.treats_cancer and first.status is Status.offered
    # (ablation, for tumours that cause problems, is care for a symptom too: clinical16)
    treating = [o for o in result.options
                if kb.rules[o.id].declinable and not o.relieves_your_symptoms]
    assert treating and all(o.status in (Status.declined, Status.not_suitable) for o in treating)
    assert all(o.not_chosen is (o.status is Status.declined) for o in result.options)
    relief = {o.id: o for o in result.options}["cervix-palliative-radiation"]
    assert relief.status is Status.offered and not relief.not_chosen, "care for a symptom stays"
    positions = [i for i, o in enumerate(result.options) if o.not_chosen]
    assert positions == list(range(len(result.options) - len(positions), len(result.options)))
    assert result.questions[0].startswith("What care can help me")
    assert not any("clinical trial" in q for q in result.questions)


@SETTINGS
@given(pair=partial_and_more())
def test_declining_cancer_treatment_declines_only_cancer_treatment(pair) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, rule 6: a person who does not want cancer treatment is never offered one; care
    that relieves symptoms, and a treatment for a symptom the person has, keep their status. A
    treatment that may be for a symptom they have (the symptoms not given, or a broad one)
    asks which symptoms: it had been not chosen, and offered once the symptom was given."""
    kb = shared_kb()
    for data in pair:
        yes = evaluate(parse_profile({**data, "wants_cancer_treatment": True}, kb), kb)
        no = evaluate(parse_profile({**data, "wants_cancer_treatment": False}, kb), kb)
        before = {o.id: o.status for o in yes.options}
        for option in no.options:
            if kb.rules[option.id].declinable and not option.relieves_your_symptoms:
                assert option.status is not Status.offered, option.id
                asks = "symptoms" in {m.fact for m in option.missing}
                if before[option.id] is not Status.not_suitable:
                    assert option.status is Status.declined or (
                        option.status is Status.needs_information and asks), option.id
            else:
                assert option.status is before[option.id], option.id


def test_surgery_for_a_blocked_bowel_is_no_cancer_treatment_to_one_who_wants_none(
        kb) -> None:  # type: ignore[no-untyped-def]
    """Review 15, #13: rectal cancer, a blocked bowel, no cancer treatment wanted. The bowel
    resection is offered for the blockage (the rectal source, 5566-5810), which the general
    source tells of as surgery to relieve a symptom (acs-advanced 2606-3123): the headline had
    counted it "1 cancer treatment" to one who wants none."""
    data = {"cancer": "rectum", "stage": "4", "symptoms": ["bowel obstruction"],
            "prior_treatments": ["bowel resection"], "wants_cancer_treatment": False}
    result = evaluate(parse_profile(data, kb), kb)
    resection = {o.id: o for o in result.options}["rectum-bowel-resection"]
    assert resection.status is Status.offered and resection.relieves_your_symptoms
    assert not resection.standard
    assert "(no cancer treatment: " in render.headline(result), render.headline(result)
    wanted = evaluate(parse_profile({**data, "wants_cancer_treatment": True}, kb), kb)
    assert {o.id: o for o in wanted.options}["rectum-bowel-resection"].standard  # it is, wanted


@SETTINGS
@given(pair=partial_and_more())
def test_one_who_wants_no_cancer_treatment_is_counted_none(pair) -> None:  # type: ignore[no-untyped-def]
    """Whatever else a profile says, the headline of one who does not want cancer treatment
    counts no cancer treatment among what is offered or asks: a treatment of the cancer is
    offered them only for a symptom of theirs, and is care then; and one who wants it has each
    standard option counted as the knowledge base has it."""
    kb = shared_kb()
    for data in pair:
        no = evaluate(parse_profile({**data, "wants_cancer_treatment": False}, kb), kb)
        for status in (Status.offered, Status.needs_information):
            assert len(render.split_among(no, status)[0]) == 0, [
                o.id for o in no.options if o.status is status and o.standard]
        assert all(o.standard is kb.rules[o.id].standard for o in no.options
                   if o.status is Status.declined)  # what they do not want is cancer treatment
        yes = evaluate(parse_profile({**data, "wants_cancer_treatment": True}, kb), kb)
        assert all(o.standard is kb.rules[o.id].standard for o in yes.options)


def test_missing_facts_are_ranked_and_name_the_test(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile({"cancer": "stomach", "stage": "4"}, kb), kb)
    ranked = result.what_would_change
    assert [f.decides for f in ranked] == sorted((f.decides for f in ranked), reverse=True)
    her2 = next(f for f in ranked if f.fact == "her2")
    assert [t.id for t in her2.tests] == ["her2-test"] and "48676-1" in her2.tests[0].loinc
    assert kb.facts["her2"].ask in result.questions  # asked of the care team, as the person


def test_her2_borderline_names_the_ish_test(kb) -> None:  # type: ignore[no-untyped-def]
    """HER2 2+ (equivocal): the IHC test is done; what settles it is the ISH test, named with its
    own LOINC codes (it had named "HER2 test", the test already done)."""
    result = evaluate(parse_profile({"cancer": "stomach", "stage": "4",
                                     "biomarkers": {"her2": "equivocal"}}, kb), kb)  # fmt: skip
    her2 = next(f for f in result.what_would_change if f.fact == "her2")
    assert [t.name for t in her2.tests] == ["HER2 ISH test"], her2.tests
    assert "31150-6" in her2.tests[0].loinc and "48676-1" not in her2.tests[0].loinc
    trastuzumab = next(o for o in result.options if o.id == "stomach-trastuzumab")
    assert [t.id for m in trastuzumab.missing if m.fact == "her2" for t in m.tests] == [
        "her2-ish-test"]
    assert render.question_of(trastuzumab.missing[0]).endswith("(HER2 ISH test)")


@SETTINGS
@given(cancer=st.sampled_from(CANCERS), fields=st.fixed_dictionaries({}, optional=FIELDS))
def test_a_value_that_names_its_own_test_is_settled_by_it(cancer: str,
                                                          fields: dict[str, Any]) -> None:
    """Whatever else a profile says, when HER2 is given as borderline (equivocal, IHC 2+), every
    option and every line of what would change that waits on HER2 names the ISH test, and only
    it (the value's own ``decided_by``), never the HER2 test already done."""
    kb = shared_kb()
    fields = {**fields, "her2": "equivocal"}
    result = evaluate(parsed(to_profile(cancer, fields), kb), kb)
    waiting = [m for o in result.options for m in o.missing if m.fact == "her2"]
    waiting += [f for f in result.what_would_change if f.fact == "her2"]
    for missing in waiting:
        assert [t.id for t in missing.tests] == ["her2-ish-test"], missing


def test_result_carries_disclaimer_version_and_source_dates(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile({"cancer": "rectum"}, kb), kb)
    assert "care team" in result.disclaimer
    assert result.kb_version == kb.version
    assert {s.id for s in result.sources} == {"ccs-rectal-stage4", "acs-advanced"}
    assert all(s.dated for s in result.sources)


def test_what_the_person_cannot_have_is_not_suitable(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile({"cancer": "stomach", "cannot_have": ["chemotherapy"]}, kb), kb)
    options = {o.id: o for o in result.options}
    for ident in (
        "stomach-chemotherapy",
        "stomach-nivolumab-chemotherapy",
        "stomach-ramucirumab-paclitaxel",
    ):
        assert options[ident].status is Status.not_suitable
        assert "cannot have" in (options[ident].reason or "")
    assert options["stomach-palliative-care"].status is Status.offered
    rectal = evaluate(
        parse_profile({"cancer": "rectum", "stage": "4", "cannot_have": ["FOLFIRI"]}, kb), kb
    )
    status = {o.id: o.status for o in rectal.options}
    assert status["rectum-folfiri"] is Status.not_suitable
    assert (
        status["rectum-folfox"] is Status.offered
    )  # the source's choice when FOLFIRI cannot be used
    assert status["rectum-bevacizumab-folfiri"] is Status.not_suitable


DRUG_NAMES = sorted(d.id for d in shared_kb().data.drugs)


@pytest.mark.parametrize(("field", "name", "said", "not_said"), [
    ("prior_treatments", "chemo unknown", "give 'drug treatments not known'", ""),
    ("prior_treatments", "pelvic radiation?", "leave out what is not",
     "drug treatments not known"),  # the doubt is of radiation: no hint of drugs
    ("progressed_on", "drug treatments not known", "among the treatments had",
     "not a drug treatment"),  # it is no treatment at all
])  # fmt: skip
def test_a_refused_treatment_is_told_what_to_give(
    kb: KnowledgeBase, field: str, name: str, said: str, not_said: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "rectum", field: [name]}, kb)
    (problem,) = caught.value.problems
    assert said in problem.message, problem.message
    assert not not_said or not_said not in problem.message, problem.message


@pytest.mark.parametrize(("cancer", "cannot", "named", "not_named"), [
    ("rectum", "fluorouracil", {"capecitabine", "floxuridine"}, set()),
    ("stomach", "fluorouracil", {"capecitabine"}, {"floxuridine"}),  # floxuridine: rectal only
    ("cervix", "pembrolizumab", {"cemiplimab"}, {"nivolumab"}),  # nivolumab: stomach only
    ("stomach", "nivolumab", {"pembrolizumab"}, {"cemiplimab"}),
    ("lung", "fluorouracil", set(), {"capecitabine"}),  # no option for lung gives a drug by name
])  # fmt: skip
def test_a_drug_that_cannot_be_given_warns_of_its_kin_for_this_cancer(
    kb: KnowledgeBase, cancer: str, cannot: str, named: set[str], not_named: set[str]
) -> None:
    """Capecitabine was offered without a word to a person who cannot have fluorouracil: the
    result names the drugs of the same narrow kind that an option for this cancer gives, and no
    other (a review found the warning naming drugs no option for the cancer gives)."""
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4", "cannot_have": [cannot]},
                                    kb), kb)  # fmt: skip
    said = " ".join(w for w in result.warnings if "of the same kind" in w)
    assert all(kb.name_of(d) in said for d in named), result.warnings
    assert not any(kb.name_of(d) in said for d in not_named), result.warnings
    assert bool(said) == bool(named)


@SETTINGS
@given(listed=st.lists(st.sampled_from(DRUG_NAMES), min_size=1, max_size=3, unique=True),
       cancer=st.sampled_from(["stomach", "rectum", "cervix", "lung"]),
       fact=st.sampled_from(["cannot_have", "progressed_on"]))  # fmt: skip
def test_a_drug_named_as_kin_is_given_by_an_option_in_the_answer(
    listed: list[str], cancer: str, fact: str
) -> None:
    """Every drug a warning of kin names (of a drug that cannot be had, or that stopped
    working) is given by an option the answer holds, and is not among those listed."""
    kb = shared_kb()
    data = {"cancer": cancer, "stage": "4", fact: listed}
    if fact == "progressed_on":
        data["prior_treatments"] = listed
    result = evaluate(parse_profile(data, kb), kb)
    given = {kb.name_of(d) for o in result.options  # what each gives, a regimen's drugs too
             for u in (*kb.by_id[o.id].uses, *kb.by_id[o.id].given_with)  # type: ignore[union-attr]
             for d in (u, *getattr(kb.by_id.get(u), "components", []))}  # fmt: skip
    for warning in (w for w in result.warnings if "of the same kind" in w):
        kin = re.split(r" cannot be given, and | stopped working, and ", warning)[1]
        kin = kin.split(" of the same kind")[0]
        for name in kin.removesuffix(" is").removesuffix(" are").replace(" and ", ", ").split(", "):
            assert name in given and name not in {kb.name_of(c) for c in listed}, warning


@pytest.mark.parametrize(("cancer", "stopped", "named"), [
    ("cervix", "pembrolizumab", {"cemiplimab"}),
    ("cervix", "carboplatin", {"cisplatin"}),
    ("stomach", "nivolumab", {"pembrolizumab"}),
    # a regimen's drugs stopped with it (rule 1): FOLFOX's 5-FU names capecitabine and
    # floxuridine, as 5-FU named itself does (it had named none, while 5-FU with leucovorin was
    # ruled out as "part of FOLFOX": a clinical review)
    ("rectum", "FOLFOX", {"capecitabine", "floxuridine"}),
    ("lung", "pembrolizumab", set()),  # no option for lung gives a drug by name
])  # fmt: skip
def test_a_drug_that_stopped_working_warns_of_its_kin_for_this_cancer(
    kb: KnowledgeBase, cancer: str, stopped: str, named: set[str]
) -> None:
    """Cemiplimab was offered after pembrolizumab stopped working, and cisplatin after
    carboplatin, without a word, where a drug that cannot be had warns of its kin (a clinical
    review): the result names the drugs of the same narrow kind that an option for this cancer
    gives; they may not work either. Said, not decided."""
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4", "prior_treatments": [stopped],
                                     "progressed_on": [stopped]}, kb), kb)  # fmt: skip
    said = " ".join(w for w in result.warnings if "may not work either" in w)
    assert all(kb.name_of(d) in said for d in named), result.warnings
    assert bool(said) == bool(named), result.warnings


@SETTINGS
@given(pair=partial_and_more(),
       drug=st.sampled_from(["trastuzumab", "nivolumab", "pembrolizumab", "bevacizumab",
                             "cetuximab", "ramucirumab"]),
       chemo=st.sampled_from([None, "FOLFOX", "capecitabine", "chemotherapy", "cisplatin",
                              "irinotecan", "FOLFIRI", "paclitaxel"]),
       more=st.booleans())  # fmt: skip
@example(pair=({"cancer": "stomach", "stage": "4"}, {"cancer": "stomach", "stage": "4"}),
         drug="bevacizumab", chemo=None, more=False)  # only in a trial, alone, for the stomach
@example(pair=({"cancer": "lung", "stage": "4"}, {"cancer": "lung", "stage": "4"}),
         drug="pembrolizumab", chemo=None, more=False)  # the general source alone: asked
def test_a_drug_given_with_chemotherapy_that_stopped_asks_of_its_chemotherapy(
    pair: tuple[dict[str, Any], dict[str, Any]], drug: str, chemo: str | None, more: bool
) -> None:
    """The rule for every profile: a drug the sources give with chemotherapy, by that word or as
    a chemotherapy drug or regimen (cetuximab with irinotecan, ramucirumab with paclitaxel),
    that stopped working, in a whole list that names no chemotherapy, is warned of (was the
    chemotherapy given with it left out?); a list that names a chemotherapy says which (5-FU
    with bevacizumab), and one that may not be whole asks already: no warning. A clinical review
    found 5-FU or capecitabine offered after trastuzumab with CAPOX stopped, without a word, and
    FOLFIRI after cetuximab (only a partner named "chemotherapy" had counted). That it is given
    with chemotherapy is said only where an option for the cancer gives the drug: it is the
    stomach's and the cervix's sources' word for pembrolizumab, not a lung cancer's (a review);
    for a cancer of the general source alone it is asked (whether chemotherapy was given with
    it), and for one with sources of its own none of which gives it with chemotherapy (bevacizumab
    for stomach cancer, only in a trial, alone), nothing is said."""
    kb = shared_kb()
    stopped = [drug, *([chemo] if chemo else []), *(["others not known"] if more else [])]
    for data in pair:
        data = {**data, "progressed_on": stopped, "prior_treatments": [drug, *stopped[1:2]]}
        result = evaluate(parse_profile(data, kb), kb)
        said = [w for w in result.warnings if "no chemotherapy is listed as having stopped" in w]
        uses = [o for o in kb.options_using(drug) if drug in o.uses and result.cancer in o.cancers]
        given = any(_chemotherapy_partners(kb, o) for o in uses)  # with chemotherapy
        general = not any(result.cancer in o.cancers for o in kb.options)  # its only source
        assert bool(said) == (chemo is None and not more and (given or general)), (
            stopped, result.warnings)  # fmt: skip
        assert all(("is given with chemotherapy" in w or "may be given with" in w) == given
                   for w in said), said  # fmt: skip
        assert all(kb.name_of(drug) in w for w in said)


def _chemotherapy_partners(kb: KnowledgeBase, option: Any) -> list[str]:
    """What an option gives with what it uses that is chemotherapy or a kind of it (irinotecan,
    FOLFIRI), read from the data apart from the engine."""
    return [w for w in option.given_with if "chemotherapy" in kb.vocabulary.up("progressed_on", w)]


@pytest.mark.parametrize("option", [
    o.id for o in shared_kb().data.options if _chemotherapy_partners(shared_kb(), o)
    and any(shared_kb().kind_of.get(u) == "drugs" for u in o.uses)])  # fmt: skip
def test_a_drug_given_with_chemotherapy_names_the_chemotherapy_of_its_cancer(option: str) -> None:
    """Every option of the data that gives a drug with a chemotherapy drug or regimen: that drug
    stopped working alone, for the option's cancer, is warned of, naming that chemotherapy
    ("cetuximab is given with chemotherapy (for this cancer the sources give it with
    irinotecan)"); "may be given" when an option for the cancer gives it without chemotherapy
    (ramucirumab alone). Listing the chemotherapy as stopped too ends the warning."""
    kb = shared_kb()
    record = kb.by_id[option]
    cancer = next(c for c in record.cancers if c != "any")  # type: ignore[attr-defined]
    for drug in (u for u in record.uses if kb.kind_of.get(u) == "drugs"):  # type: ignore[attr-defined]
        data = {"cancer": cancer, "stage": "4", "prior_treatments": [drug], "progressed_on": [drug]}
        said = [w for w in evaluate(parse_profile(data, kb), kb).warnings
                if "given with chemotherapy" in w]  # fmt: skip
        assert len(said) == 1, said
        options = [o for o in kb.data.options if drug in o.uses and cancer in o.cancers]
        alone = any(not _chemotherapy_partners(kb, o) for o in options)
        assert f"{kb.name_of(drug)} {'may be' if alone else 'is'} given with" in said[0], said
        for partner in _chemotherapy_partners(kb, record):
            if partner != "chemotherapy":
                assert kb.name_of(partner) in said[0], said
        partners = _chemotherapy_partners(kb, record)
        data |= {"progressed_on": [drug, *partners], "prior_treatments": [drug, *partners]}
        assert not [w for w in evaluate(parse_profile(data, kb), kb).warnings
                    if "given with chemotherapy" in w]  # fmt: skip


def _drug_partners(kb: KnowledgeBase, option: Any) -> set[str]:
    """The drugs an option gives with what it uses that are no chemotherapy and no choice
    (trastuzumab with pembrolizumab), read from the data apart from the engine."""
    return {w for w in option.given_with if kb.kind_of.get(w) == "drugs" and w not in option.choices
            and "chemotherapy" not in kb.vocabulary.up("progressed_on", w)}  # fmt: skip


DRUG_WITH_PARTNER = sorted({
    (cancer, drug, partner) for o in shared_kb().data.options for cancer in o.cancers
    if cancer != "any" for drug in o.uses if shared_kb().kind_of.get(drug) == "drugs"
    for partner in _drug_partners(shared_kb(), o)})  # fmt: skip


def test_the_data_has_a_drug_given_with_another() -> None:
    """The test below is not empty: the stomach source gives pembrolizumab with trastuzumab."""
    assert ("stomach", "pembrolizumab", "trastuzumab") in DRUG_WITH_PARTNER


@pytest.mark.parametrize(("cancer", "drug", "partner"), DRUG_WITH_PARTNER)
def test_a_drug_that_stopped_warns_of_the_drug_its_cancer_gives_it_with(
        cancer: str, drug: str, partner: str) -> None:  # fmt: skip
    """Every drug the data gives with another drug, not chemotherapy: when every option for that
    cancer gives it so (pembrolizumab with trastuzumab, stomach), that drug stopped working and
    the other not listed as stopped, the options that may suit and give the other are warned
    that it may have stopped too (trastuzumab with chemotherapy had been offered without a word
    after pembrolizumab stopped: a clinical review); not when only some options give it so (the
    cervical pembrolizumab, with or without bevacizumab), nor when the other is listed as stopped
    too, nor when the treatments had are listed without it."""
    kb = shared_kb()
    always = all(partner in _drug_partners(kb, o) for o in kb.data.options
                 if drug in o.uses and cancer in o.cancers)  # fmt: skip
    words_of = f"sources give it with {kb.name_of(partner)}"

    def said(**given: list[str]) -> tuple[list[str], list[str]]:
        result = evaluate(parse_profile({"cancer": cancer, "stage": "4", **given}, kb), kb)
        on = [o.id for o in result.options if any(words_of in w for w in o.warnings)]
        return [w for w in result.warnings if words_of in w], on

    for prior in (None, [drug, partner], ["targeted therapy"]):
        warned, on = said(progressed_on=[drug], **({} if prior is None else
                                                   {"prior_treatments": prior}))  # fmt: skip
        assert bool(warned) == always, (prior, warned)
        assert all(partner in kb.gives[o] and drug not in kb.gives[o] for o in on), on
        assert bool(on) == always, on
    for answers in ({"progressed_on": [drug, partner]},
                    {"progressed_on": [drug], "prior_treatments": [drug]},
                    {"progressed_on": [drug, "others not known"]}):
        assert said(**answers) == ([], []), answers


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({}, {"cancer": "rectum", "recurrence": "distant", "metastases": ["liver"],
                    "prior_treatments": ["low anterior resection", "radiation"],
                    "symptoms": ["nausea"]}))  # fmt: skip
@example(pair=({}, {"cancer": "rectum", "recurrence": "distant", "metastases": [],
                    "prior_treatments": ["low anterior resection"], "symptoms": ["nausea"]}))
def test_several_answers_in_a_reason_are_each_named(
    pair: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """A reason that gives several of the person's answers names what each answers: local
    excision's "(yours: low anterior resection, radiation therapy; none)" left "none" (the
    places of spread) to be guessed (a clinical review)."""
    kb = shared_kb()
    result = evaluate(parse_profile(pair[1], kb), kb)
    for option in result.options:
        # and each reason once (local excision's two clauses, each testing whether the cancer
        # came back where it started, gave that reason twice: a review of the change)
        held = [r.model_dump_json() for r in option.reasons]
        assert len(held) == len(set(held)), (option.id, held)
        for yours in re.findall(r"\(yours: ([^()]*(?:\([^()]*\)[^()]*)*)\)", option.reason or ""):
            if "; " in yours:
                assert all(": " in part for part in yours.split("; ")), option.reason


SYMPTOM_SAYS = [(i.fact, i.value, v) for i in shared_kb().implied
                if getattr(i.when, "fact", None) == "symptoms" for v in i.when.wanted]  # fmt: skip


@pytest.mark.parametrize("case", SYMPTOM_SAYS, ids=lambda c: f"{c[2]}-{c[0]}")
@pytest.mark.parametrize("cancer", ["cervix", "stomach", "lung"])
def test_a_yes_or_no_given_against_a_symptom_listed_is_said(
    case: tuple[str, bool, str], cancer: str
) -> None:
    """Pain from a tumour pressing on a nerve listed beside "no" to a tumour on a nerve, a bone
    weakened by cancer beside "no" to a weak bone (reviews of the page and of the front ends:
    the nerve options not suitable, the metal rod offered, without a word): each is used as
    given, and the answer says they disagree. Given the same way, or the symptom not listed, it
    says nothing. Every value the data derives from a symptom alone."""
    kb = shared_kb()
    fact, value, symptom = case
    base = {"cancer": cancer, "stage": "4", "metastases": ["bone"]}

    def said(data: dict[str, Any]) -> list[str]:
        return [w for w in evaluate(parse_profile(data, kb), kb).warnings
                if w.startswith(f"{fact}: given as")]  # fmt: skip

    against = said(base | {"symptoms": [symptom], fact: not value})
    assert len(against) == 1 and kb.phrase("symptoms", symptom) in against[0], against
    assert not said(base | {"symptoms": [symptom], fact: value})
    assert not said(base | {"symptoms": ["nausea"], fact: not value})


@pytest.mark.parametrize("symptoms", [[], ["nausea"], ["vaginal bleeding"], ["pain"],
                                      ["bone pain"], ["nerve pain"], ["nausea", "tumour pain"],
                                      ["nausea", "others not known"], ["headache"]])
def test_a_tumour_on_a_nerve_beside_no_pain_listed_is_said(symptoms: list[str]) -> None:
    """The question asks whether a tumour on a nerve causes pain: "yes" beside a whole list
    of symptoms with no pain in it (a review: the nerve options were not suitable, "pain,
    which you did not list", without a word) is said; any pain listed, or the symptoms not
    given, say nothing."""
    kb = shared_kb()
    data = {"cancer": "cervix", "stage": "4B", "symptoms": symptoms, "tumour_on_nerve": True}
    # perhaps others, or another symptom (a headache), may be a pain
    pain = any("pain" in s for s in symptoms) or bool({"others not known", "headache"} & set(
        symptoms))  # fmt: skip
    for case in (data, {k: v for k, v in data.items() if k != "symptoms"}):
        said = [w for w in evaluate(parse_profile(case, kb), kb).warnings
                if "no pain is listed" in w]  # fmt: skip
        assert bool(said) == ("symptoms" in case and not pain), (case, said)


# (what is planned, what cannot be had) that cannot both be right, written out by hand: the plan
# itself, a kind it is of, or a drug of a mix planned; not a mix that holds a drug planned
PLANNED_BARRED = {
    "FOLFOX": {"oxaliplatin", "FOLFOX", "chemotherapy"},
    "CAPOX": {"CAPOX", "oxaliplatin", "capecitabine", "chemotherapy"},
    "surgery": {"surgery"}, "bowel resection": {"surgery"}, "radiation": {"radiation"},
    "cisplatin": {"cisplatin", "chemotherapy"}, "chemotherapy": {"chemotherapy"},
    "irinotecan": {"irinotecan", "chemotherapy"},
}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(sorted(PLANNED_BARRED)), min_size=1, max_size=2, unique=True),
       st.lists(st.sampled_from(["oxaliplatin", "capecitabine", "surgery", "cisplatin",
                                 "radiation", "irinotecan", "FOLFOX", "FOLFIRI", "CAPOX",
                                 "chemotherapy"]), min_size=1, max_size=3,
                unique=True))  # fmt: skip
@example(["CAPOX"], ["surgery", "CAPOX"])  # a random run: the plan itself had been left out above
def test_a_treatment_planned_that_cannot_be_had_is_said(
    planned: list[str], cannot: list[str]
) -> None:
    """A treatment planned that the person cannot have, itself, a kind it is of, or a drug of a
    mix planned (FOLFOX planned, oxaliplatin cannot be had; a bowel resection planned, no
    surgery; a review: no word) is said, naming what cannot be had; not a mix that holds a drug
    planned (irinotecan planned beside FOLFIRI that cannot be had agree: a review of the change
    found them warned of), nor what is planned alone."""
    kb = shared_kb()
    data = {"cancer": "rectum", "stage": "4", "planned": planned, "cannot_have": cannot}
    said = [w for w in evaluate(parse_profile(data, kb), kb).warnings
            if w.startswith("planned:") and "cannot be had" in w]  # fmt: skip
    expected = {p: PLANNED_BARRED[p] & set(cannot) for p in planned}
    assert len(said) == sum(1 for barred in expected.values() if barred), (expected, said)
    for barred in expected.values():
        for c in barred:
            (ident,) = facts_of(parse_profile({"cancer": "rectum", "cannot_have": [c]}, kb),
                                kb).given["cannot_have"]  # type: ignore[misc]  # fmt: skip
            assert any(kb.phrase("cannot_have", ident) in w for w in said), (c, said)
    assert not [w for w in evaluate(parse_profile({**data, "cannot_have": []}, kb), kb).warnings
                if "cannot be had" in w]  # fmt: skip


def _only_with_chemotherapy(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """(cancer, drug, chemotherapy given with it) for each drug every option of a cancer gives
    only with chemotherapy, read from the data apart from the engine."""
    out = []
    for cancer in sorted({c for o in kb.data.options for c in o.cancers} - {"any"}):
        options = [o for o in kb.data.options if cancer in o.cancers]
        for drug in sorted({u for o in options for u in o.uses if kb.kind_of.get(u) == "drugs"}):
            giving = [o for o in options if drug in o.uses]
            partners = [_chemotherapy_partners(kb, o) for o in giving]
            if all(partners):
                out.append((cancer, drug, partners[0][0]))
    return out


@pytest.mark.parametrize("case", _only_with_chemotherapy(shared_kb()),
                         ids=lambda case: "-".join(case))  # fmt: skip
def test_a_drug_had_with_chemotherapy_that_stopped_is_said(case: tuple[str, str, str]) -> None:
    """The other way round: chemotherapy that stopped working, and a drug had that the options
    for the cancer give only with chemotherapy, not listed as stopped (trastuzumab had beside
    CAPOX that stopped, a clinical review: trastuzumab with chemotherapy was offered again
    without a word). The answer says it stopped too if it was given with it; listing it, or a
    list of what stopped that may not be whole, ends the warning."""
    kb = shared_kb()
    cancer, drug, chemo = case
    name = kb.name_of(drug)

    def said(stopped: list[str]) -> list[str]:
        data = {"cancer": cancer, "stage": "4", "prior_treatments": [drug, chemo],
                "progressed_on": stopped}  # fmt: skip
        return [w for w in evaluate(parse_profile(data, kb), kb).warnings
                if f"{name} was had too" in w]  # fmt: skip

    warned = said([chemo])
    assert len(warned) == 1 and "it may have stopped working too" in warned[0], warned
    assert f"given with {kb.name_of(chemo)}".lower() in warned[0].lower(), warned
    assert not said([chemo, drug])
    assert not said([chemo, "others not known"])
    # its kind listed as stopped: the options that give it ask which drug it was (a review's
    # false alarm: "not listed as having stopped" beside them)
    for kind in sorted(kb.vocabulary.up("progressed_on", drug) - {drug}):
        assert not said([chemo, kind]), kind


@pytest.mark.parametrize(("cancer", "drug", "stopped"), [
    ("cervix", "bevacizumab", "cisplatin with radiation"),
    ("cervix", "pembrolizumab", "cisplatin and fluorouracil with radiation"),
    ("rectum", "bevacizumab", "hepatic arterial infusion"),
    ("rectum", "bevacizumab", "chemoradiation"),
])  # fmt: skip
def test_no_drug_is_said_to_be_given_with_chemoradiation(
    cancer: str, drug: str, stopped: str
) -> None:
    """Chemoradiation and chemotherapy into the liver's artery that stopped are not the
    chemotherapy an option gives a drug with (a clinical review's false alarms: bevacizumab
    "stopped too if it was given with cisplatin with radiation")."""
    kb = shared_kb()
    data = {"cancer": cancer, "stage": "4B" if cancer == "cervix" else "4",
            "prior_treatments": [drug, stopped], "progressed_on": [stopped]}  # fmt: skip
    assert not [w for w in evaluate(parse_profile(data, kb), kb).warnings if "was had too" in w]


def _drug_marker_cases(kb: KnowledgeBase) -> list[tuple[str, str, str, str]]:
    """(cancer, drug an option for it gives, a test result fact, one of its values)."""
    markers = [f for f in kb.data.facts if f.decided_by and f.type == "enum"]
    out = []
    for cancer in sorted({c for o in kb.data.options for c in o.cancers} - {"any"}):
        drugs = {u for o in kb.data.options if cancer in o.cancers for u in o.uses
                 if kb.kind_of.get(u) == "drugs"}  # fmt: skip
        out += [(cancer, drug, f.id, v.id) for drug in sorted(drugs) for f in markers
                for v in f.values]  # fmt: skip
    return out


@pytest.mark.parametrize("case", _drug_marker_cases(shared_kb()), ids=lambda c: "-".join(c))
def test_a_drug_had_for_another_test_result_is_said(case: tuple[str, str, str, str]) -> None:
    """A drug had that the sources give for the cancer only for another result of a test than
    the one given (trastuzumab had, HER2 negative: a clinical review found no word) is said,
    exactly when that result alone makes every option that gives the drug not suitable, where
    without it they are not all so (read from the answers, apart from the rule's own test)."""
    kb = shared_kb()
    cancer, drug, fact, value = case
    base = {"cancer": cancer, "stage": "4", "prior_treatments": [drug]}

    def giving(data: dict[str, Any]) -> tuple[set[Status], list[str]]:
        result = evaluate(parse_profile(data, kb), kb)
        statuses = {o.status for o in result.options if kb.name_of(drug) in o.uses}
        return statuses, result.warnings

    def limited(ident: str) -> bool:
        """Every option that gives it is not suitable with the result, not without it."""
        data = {"cancer": cancer, "stage": "4", "prior_treatments": [ident]}
        return giving_of(ident, data | {fact: value}) == {Status.not_suitable} and giving_of(
            ident, data) != {Status.not_suitable}  # fmt: skip

    def giving_of(ident: str, data: dict[str, Any]) -> set[Status]:
        result = evaluate(parse_profile(data, kb), kb)
        return {o.status for o in result.options if kb.name_of(ident) in o.uses}

    without, _ = giving(base)
    statuses, warnings = giving(base | {fact: value})
    said = [w for w in warnings if f"{kb.name_of(drug)} was had, which the sources give" in w]
    # not a drug limited only through a drug it is given with that the result is about
    # (pembrolizumab, given with trastuzumab: a review of the change)
    options = [o for o in kb.data.options if drug in o.uses and cancer in o.cancers]
    through = bool(options) and all(any(kb.kind_of.get(p) == "drugs" and limited(p)
                                        for p in o.given_with) for o in options)  # fmt: skip
    expected = limited(drug) and not through
    assert bool(said) == expected, (statuses, without, warnings)
    if said:
        assert kb.label(fact, value) in said[0], said
    # listed only as stopped, it was had all the same (a review: no word)
    stopped = {"cancer": cancer, "stage": "4", "progressed_on": [drug], fact: value}
    assert bool([w for w in evaluate(parse_profile(stopped, kb), kb).warnings
                 if f"{kb.name_of(drug)} was had, which the sources give" in w]) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=partial_and_more())
def test_a_regimen_that_stopped_is_as_its_key_drugs_stopping(
    pair: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """The rule for every profile: a regimen that stopped working meets every option's
    condition as it and its key drugs stopping would (a regimen's drugs stop with it, rule 1).
    CAPIRI stopped ruled out 5-FU with leucovorin, raltitrexed and Lonsurf (they are for when
    FOLFIRI, FOLFOX or CAPOX stopped: "which you did not list"), though irinotecan stopped,
    CAPIRI's key drug, lets them be (a clinical review): FOLFIRI, of the same key drug, counts
    as stopped too. (What rules an option out is not compared: a regimen given with radiation
    does not stop the other regimens of its key drug, by design.)"""
    from onconav.logic import truth
    from onconav.profile import facts_of

    kb = shared_kb()
    regimens = [r for r in kb.data.regimens if r.key_drugs]
    for data, record in itertools.product(pair, regimens):
        # the profile's own cancer, and the rectum's stage 4, where the later drugs are
        for cancer in {data["cancer"], "rectum"}:
            alone = {**data, "cancer": cancer, "progressed_on": [record.id],
                     "prior_treatments": [record.id]}  # fmt: skip
            if cancer != data["cancer"]:
                alone |= {"stage": "4", "recurrence": "none", "metastases": ["liver"]}
            with_drugs = {**alone, "progressed_on": [record.id, *record.key_drugs]}
            rows = [facts_of(parse_profile(d, kb), kb).row for d in (alone, with_drugs)]
            for option, rules in kb.rules.items():
                first, second = (truth(rules.when, row) for row in rows)
                assert first == second, (record.id, option, first, second)


def _warned_of(result: Any) -> tuple[set[str], set[str]]:
    """The mixes a result names as building on a drug that stopped working, and the drugs it
    names as of the same kind as one that stopped."""
    mixes = {m for w in result.warnings if "not listed as stopped working" in w
             for m in re.findall("\u201c([^\u201d]+)\u201d", w)}  # fmt: skip
    kin = {n for w in result.warnings if "may not work either" in w
           for n in re.split(r", | and ", w.split(" stopped working, and ")[1]
                             .split(" of the same kind")[0].rsplit(" ", 1)[0])}  # fmt: skip
    return mixes, kin


@SETTINGS
@given(pair=partial_and_more(),
       regimen=st.sampled_from(sorted(r.id for r in shared_kb().data.regimens)),
       rectum=st.booleans())  # fmt: skip
def test_a_regimen_that_stopped_warns_as_its_drugs_stopping(
    pair: tuple[dict[str, Any], dict[str, Any]], regimen: str, rectum: bool
) -> None:
    """The rule for every profile: a regimen that stopped working warns as its drugs stopping
    do (rule 1: they stopped with it), whether written as the regimen or as its drugs: the same
    drugs named as of the same kind (the other fluoropyrimidines after CAPOX, as after
    capecitabine), and the same mixes named as giving one of them beside a drug not listed as
    stopped (CAPIRI after CAPOX, as after capecitabine and oxaliplatin: it had been offered after
    CAPOX without a word, a clinical review). The regimen itself is ruled out either way, each
    with its own reason. Mixes are compared where the two answers give every option the same
    status: a regimen given with radiation is not its drugs as to what it rules out (weekly
    cisplatin with radiation stops radiation, not cisplatin and paclitaxel), by design, and a
    mix is named only when the answer leaves it open."""
    kb = shared_kb()
    components = list(kb.by_id[regimen].components)  # type: ignore[union-attr]
    for data in pair:
        if rectum:  # the rectum's stage 4, where the mixes are
            data = {**data, "cancer": "rectum", "stage": "4", "recurrence": "none"}
        before = [p for p in data.get("progressed_on", []) if p != "others not known"]
        results = []
        for written in ([regimen], components):
            stopped = [*before, *written]
            results.append(evaluate(parse_profile(
                {**data, "progressed_on": stopped,
                 "prior_treatments": [*data.get("prior_treatments", []), *stopped]}, kb), kb))
        as_regimen, as_drugs = results
        assert _warned_of(as_regimen)[1] == _warned_of(as_drugs)[1], (
            regimen, as_regimen.warnings, as_drugs.warnings)
        status = {o.id: o.status for o in as_regimen.options}
        if all(status[o.id] is o.status for o in as_drugs.options):
            assert _warned_of(as_regimen)[0] == _warned_of(as_drugs)[0], (
                regimen, as_regimen.warnings, as_drugs.warnings)
        for option in as_regimen.options:  # the regimen itself, given alone, is ruled out
            record = kb.by_id[option.id]
            if getattr(record, "uses", None) == [regimen] and not record.given_with:  # type: ignore[union-attr]
                assert option.status in (Status.not_suitable, Status.declined), option


@SETTINGS
@given(pair=partial_and_more())
def test_local_excision_is_not_offered_for_a_cancer_surgery_cannot_take_out(
    pair: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """The rule for every rectal profile: local excision takes out a cancer come back where it
    started, or eases symptoms of a tumour still there; for a cancer surgery cannot take out,
    with no symptoms, it is not suitable (it was offered to control an unresectable local
    recurrence, beside a pelvic exenteration ruled out for that reason: a clinical review)."""
    kb = shared_kb()
    for data in pair:
        data = {**data, "cancer": "rectum", "resectable": False, "symptoms": []}
        result = evaluate(parse_profile(data, kb), kb)
        excision = next(o for o in result.options if o.id == "rectum-local-excision")
        assert excision.status is Status.not_suitable, (data, excision.status)


@pytest.mark.parametrize(("cancer", "stopped"), [("rectum", "external-beam-radiation"),
                                                 ("cervix", "external-beam-radiation"),
                                                 ("stomach", "chemoradiation")])
def test_what_is_not_a_drug_is_never_warned_of_as_given_with_chemotherapy(
    kb: KnowledgeBase, cancer: str, stopped: str
) -> None:
    """"External beam radiation therapy is given with chemotherapy ...": the warning took every
    thing an option gives with chemotherapy, radiation among them (a review of the change)."""
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4", "prior_treatments": [stopped],
                                     "progressed_on": [stopped]}, kb), kb)  # fmt: skip
    assert not [w for w in result.warnings if "is given with chemotherapy" in w]


def test_a_warning_of_kin_agrees_in_number(kb: KnowledgeBase) -> None:
    """"capecitabine and floxuridine are of the same kind ...: them may not work either": the
    subject of two drugs is "they", of one "it"."""
    for stopped, subject in (("fluorouracil", "they may not work"), ("carboplatin", "it may")):
        result = evaluate(parse_profile({"cancer": "rectum" if stopped == "fluorouracil" else
                                         "cervix", "stage": "4", "prior_treatments": [stopped],
                                         "progressed_on": [stopped]}, kb), kb)  # fmt: skip
        said = " ".join(w for w in result.warnings if "of the same kind" in w)
        assert subject in said and "them may" not in said, result.warnings


@pytest.mark.parametrize(("cancer", "stopped"), [
    ("stomach", "fluorouracil"), ("rectum", "fluorouracil"), ("rectum", "FOLFIRI")])  # fmt: skip
def test_a_drug_of_either_list_is_not_named_again_as_kin(
    kb: KnowledgeBase, cancer: str, stopped: str
) -> None:
    """Fluorouracil stopped working and capecitabine cannot be had: each note named the other
    as a drug to ask about before an option that gives it, which contradicted the other note (a
    review of the change). What stopped names no kin in either list; what cannot be had names a
    drug that stopped as part of a regimen, which another may give (5-FU, part of FOLFIRI: FOLFOX
    gives it; the order card had warned of it, then lost it), not one that stopped named itself
    (nothing gives it again: two reviews of the change)."""
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4",
                                     "prior_treatments": [stopped, "capecitabine"],
                                     "progressed_on": [stopped],
                                     "cannot_have": ["capecitabine"]}, kb), kb)  # fmt: skip
    kin = [w for w in result.warnings if "of the same kind" in w]
    assert not [w for w in kin if w.startswith("progressed_on:") and "capecitabine" in w], kin
    named = [w for w in kin if w.startswith("cannot_have: capecitabine cannot be given")
             and "fluorouracil" in w]  # fmt: skip
    # named while an option may give it: FOLFOX and FOLFIRI for rectal cancer, whether it
    # stopped alone or with FOLFIRI; no stomach option gives it once it stopped
    assert bool(named) is (cancer == "rectum"), kin


@SETTINGS
@given(pair=partial_and_more())
def test_a_drug_of_the_kind_of_one_listed_is_named_only_while_an_option_may_give_it(
    pair: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """The warnings of drugs of the kind of one that cannot be had or stopped working name only
    drugs that an option of the answer not ruled out (offered, asking, in trials or not chosen)
    gives, not as a choice
    it rules out: "ask the care team before an option that gives fluorouracil" had been said
    where none did (a review of the change), as the order card, which reads the same rule,
    says nothing then."""
    kb = shared_kb()
    _, data = pair
    try:
        result = evaluate(parse_profile(data, kb), kb)
    except ProfileError:
        return
    may_suit = {o.id: {r.given for r in o.choices_ruled_out} for o in result.options
                if o.status is not Status.not_suitable}  # fmt: skip
    for warning in result.warnings:
        if " of the same kind (" not in warning:
            continue
        names = warning.split(" of the same kind (")[0].rsplit(", and ", 1)[1]
        names = names.removesuffix(" is").removesuffix(" are")
        for name in names.replace(" and ", ", ").split(", "):
            (drug,) = [r.id for r in kb.find(name) if kb.kind_of.get(r.id) == "drugs"]
            assert any(o.id in may_suit and drug not in may_suit[o.id]
                       for o in kb.options_using(drug)), (drug, warning)  # fmt: skip


def test_no_drug_treatment_had_means_none_stopped_working(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(
        parse_profile({"cancer": "cervix", "stage": "4B", "prior_treatments": []}, kb), kb
    )
    cemiplimab = next(o for o in result.options if o.id == "cervix-cemiplimab")
    assert cemiplimab.status is Status.not_suitable


@SETTINGS
@given(pair=partial_and_more())
def test_no_treatment_yet_means_most_treatments_are_not_yet_tried(pair) -> None:  # type: ignore[no-untyped-def]
    """A person who has had no treatment yet has not tried most of the usual treatments:
    regorafenib (after most other treatments) is not suitable, and no option asks whether most
    were tried (it asked, for a person who had answered "no treatment yet")."""
    kb = shared_kb()
    _, profile = pair
    profile = {**profile, "prior_treatments": [], "progressed_on": []}
    profile.pop("most_treatments_tried", None)
    profile.pop("chemo_for_spread", None)
    for option in evaluate(parse_profile(profile, kb), kb).options:
        assert "most_treatments_tried" not in {m.fact for m in option.missing}, option.id
        if option.id == "rectum-regorafenib":
            assert option.status.value in ("not_suitable", "declined"), option.status


@SETTINGS
@given(ox=st.sampled_from(["FOLFOX", "CAPOX", "oxaliplatin"]),
       iri=st.sampled_from(["FOLFIRI", "CAPIRI", "irinotecan"]),
       egfr=st.lists(st.sampled_from(["cetuximab", "panitumumab"]), unique=True),
       kras=st.sampled_from(["mutated", "wild-type", None]),
       ways=st.lists(st.sampled_from(["progressed_on", "cannot_have"]), min_size=4, max_size=4))
def test_most_treatments_tried_says_only_what_was_tried(
    ox: str, iri: str, egfr: list[str], kras: str | None, ways: list[str]
) -> None:
    """Most treatments tried, derived for rectal cancer (regorafenib and Lonsurf are for after
    them, ccs-rectal-stage4 4066-4159), says why in words true of the person: cetuximab or
    panitumumab are said to have stopped working or to be barred only when they have; of
    KRAS-mutated cancer the note says they are not for it (it had said, of every person, that
    "for KRAS wild-type cancer, cetuximab or panitumumab have each stopped working")."""
    kb = shared_kb()
    data: dict[str, Any] = {"cancer": "rectum", "stage": "4", "metastases": ["liver"],
                            "prior_treatments": [ox, iri, "bevacizumab", *egfr],
                            "progressed_on": [], "cannot_have": []}  # fmt: skip
    if kras is not None:
        data["kras"] = kras
    drug_of = {"FOLFOX": "oxaliplatin", "CAPOX": "oxaliplatin", "FOLFIRI": "irinotecan",
               "CAPIRI": "irinotecan"}  # a regimen barred leaves its drug open in another one
    for name, way in zip([ox, iri, "bevacizumab", *egfr], ways + ways, strict=False):
        data[way].append(drug_of.get(name, name) if way == "cannot_have" else name)
    warnings = [w for w in facts_of(parse_profile(data, kb), kb).warnings
                if w.startswith("most_treatments_tried: taken as yes")]
    derived = kras == "mutated" or bool(egfr)
    assert bool(warnings) is derived, (data, warnings)
    for warning in warnings:
        says_stopped = "cetuximab or panitumumab have each stopped" in warning
        assert says_stopped is (kras != "mutated" and bool(egfr)) or (
            kras == "mutated" and "not for KRAS-mutated cancer" in warning), (data, warning)


@SETTINGS
@given(pair=partial_and_more(), said=st.sampled_from(["progressed_on", "chemo_for_spread"]))
def test_no_treatment_yet_is_not_taken_against_a_treatment_said_to_have_been_had(
    pair, said: str
) -> None:  # type: ignore[no-untyped-def]
    """"No treatment yet" beside a treatment that stopped working, or chemotherapy had for the
    spread cancer, is a contradiction, not a no: most treatments tried stays not known (FOLFOX
    that stopped working with "no treatment yet" made regorafenib not suitable, "you have had
    no treatment yet")."""
    kb = shared_kb()
    _, profile = pair
    profile = {**profile, "prior_treatments": [],
               said: ["FOLFOX"] if said == "progressed_on" else True}  # fmt: skip
    profile.pop("most_treatments_tried", None)
    result = evaluate(parse_profile(profile, kb), kb)
    for option in result.options:
        assert "no treatment yet" not in (option.reason or ""), option.id
    assert not [n for n in result.notes if "no treatment yet" in str(n)]


@SETTINGS
@given(pair=partial_and_more(),
       stopped=st.sampled_from(["external-beam-radiation", "brachytherapy", "chemoradiation"]))
def test_radiation_that_stopped_working_is_not_given_again_to_treat_the_cancer(
    pair, stopped: str
) -> None:  # type: ignore[no-untyped-def]
    """Radiation said to have stopped working (from a machine, from inside the body, or with
    chemotherapy) was read and then passed over: brachytherapy, radiation alone and both
    chemoradiations for cervical 4A were offered again. No option that treats the cancer with
    that radiation (or any radiation, after chemoradiation) is offered; an option that only
    eases symptoms is never ruled out by it."""
    kb = shared_kb()
    _, profile = pair
    profile = {**profile, "cancer": "cervix", "stage": "4A",  # where radiation is offered
               "progressed_on": [*(profile.get("progressed_on") or []), stopped]}
    profile.pop("recurrence", None)
    result = evaluate(parse_profile(profile, kb), kb)
    for option in result.options:
        record = kb.by_id[option.id]
        gives = {*record.uses, *record.given_with}  # type: ignore[union-attr]
        treats = set(record.intent) != {"relieve"}  # type: ignore[union-attr]
        radiation = gives & {"external-beam-radiation", "brachytherapy"}
        if treats and radiation and (stopped == "chemoradiation" or (
                stopped in radiation and not record.choices)):  # type: ignore[union-attr]
            assert option.status.value != "offered", (option.id, stopped)
        if not treats and stopped != "chemoradiation":  # (a drug treatment too: ruled out)
            said = f"{kb.name_of(stopped).lower()} has already stopped working"
            assert said not in (option.reason or "").lower(), (option.id, option.reason)


@SETTINGS
@given(pair=partial_and_more(),
       places=st.sets(st.sampled_from(["lung", "bone", "brain"]), min_size=1))
def test_surgery_against_a_blockage_is_for_cancer_that_could_block(
    pair, places: set[str]
) -> None:  # type: ignore[no-untyped-def]
    """Surgery to keep recurrent stomach cancer from blocking the stomach or bowel
    (gastric-recurrent 3628-3864) was offered for any recurrence: one only in the lungs, which
    can block neither, too. For stomach cancer that came back only outside the belly (the lungs,
    the bones, the brain) it is never offered."""
    kb = shared_kb()
    _, profile = pair
    profile = {**profile, "cancer": "stomach", "recurrence": "distant",
               "metastases": sorted(places)}  # fmt: skip
    for option in evaluate(parse_profile(profile, kb), kb).options:
        if option.id == "stomach-surgery-before-blockage":
            assert option.status.value in ("not_suitable", "declined"), option.status


@SETTINGS
@given(pair=partial_and_more(), came_back=st.sampled_from(["yes", "local", "distant", None]))
@example(pair=({"cancer": "cervix", "stage": "4B", "prior_treatments": ["chemotherapy",
                                                                        "radiation"],
                "progressed_on": ["chemotherapy"]},) * 2, came_back="distant")  # fmt: skip
def test_cemiplimab_waits_for_chemotherapy_for_spread_that_stopped_working(
    pair, came_back: str | None
) -> None:  # type: ignore[no-untyped-def]
    """Cemiplimab was offered to cervical cancer that had come back, with nothing said to have
    stopped working, and after chemotherapy had at stage 4B though the cancer had come back (the
    chemotherapy may have been given with radiation for an earlier stage). It is offered only
    when chemotherapy stopped working, and chemotherapy had is taken as given for spread only
    when the cancer is not said to have come back."""
    kb = shared_kb()
    profile = {**pair[1], "cancer": "cervix"}
    profile.pop("chemo_for_spread", None)
    if came_back is not None:
        profile["recurrence"] = came_back
    facts = facts_of(parse_profile(profile, kb), kb)
    if came_back is not None:
        assert facts.row["chemo_for_spread"] is not True, profile
    [option] = [o for o in evaluate(parse_profile(profile, kb), kb).options
                if o.id == "cervix-cemiplimab"]  # fmt: skip
    if option.status is Status.offered:
        stopped = facts.row["progressed_on"] or frozenset()
        assert any("chemotherapy" in kb.vocabulary.up("progressed_on", s) for s in stopped), (
            profile)


def _not_after_a_total_gastrectomy() -> list[str]:
    """The options that give a procedure that cannot be done after a total gastrectomy
    (``Procedure.not_after``): taking out part of the stomach, a stent at its top."""
    kb = shared_kb()
    return sorted(o.id for o in kb.options if any(
        "total-gastrectomy" in getattr(kb.by_id.get(u), "not_after", ()) for u in o.uses))


def option_uses(kb: KnowledgeBase, ident: str) -> list[str]:
    """What the option ``ident`` gives."""
    return next(o.uses for o in kb.options if o.id == ident)


def test_what_needs_a_stomach_is_known_to() -> None:
    """A review found the stent to open a blocked stomach offered after a total gastrectomy, which
    leaves no stomach: it cannot be done after one, as taking out part of it cannot."""
    assert {"stomach-subtotal-gastrectomy", "stomach-stent-placement"} <= set(
        _not_after_a_total_gastrectomy())


@SETTINGS
@given(pair=partial_and_more(),
       had=st.sampled_from(["total gastrectomy", "gastrectomy", "others not known", None]),
       ident=st.sampled_from(_not_after_a_total_gastrectomy()))
@example(pair=({"cancer": "stomach"}, {"cancer": "stomach", "cannot_have": []}), had=None,
         ident="stomach-stent-placement")  # fmt: skip
def test_no_part_of_the_stomach_is_taken_out_after_all_of_it_was(
    pair, had: str | None, ident: str
) -> None:  # type: ignore[no-untyped-def]
    """Surgery to take out part of the stomach was offered after a total gastrectomy (read as
    "gastrectomy, part or all"), and so was a stent at the top of the stomach. After one neither
    is ever offered (nor any option whose procedure cannot be done after one); after a
    gastrectomy not said to be total, or beside "others not known" (a list that may not be
    whole, as every record's is), it is not offered either until the person says; nor when the
    treatments had are not given (it was offered to stomach cancer that came back, after the
    operation that often takes all of the stomach out): it asks which were had. The stent is
    the exception to the last (``Procedure.not_after_asked``): the blockage at the top of the
    stomach it is for says the stomach is there."""
    kb = shared_kb()
    _, profile = pair
    profile = {**profile, "cancer": "stomach"}
    if had is None:
        profile.pop("prior_treatments", None)
        profile.pop("progressed_on", None)
    else:
        profile["prior_treatments"] = [*(profile.get("prior_treatments") or []), had]
    person = parse_profile(profile, kb)
    [option] = [o for o in evaluate(person, kb).options if o.id == ident]
    listed = set(person.prior_treatments or ()) - {OTHERS_NOT_KNOWN}
    broader = kb.vocabulary.up("prior_treatments", "total-gastrectomy")
    if had == "total gastrectomy":
        assert option.status.value in ("not_suitable", "declined"), option.status
    elif had in ("gastrectomy", "others not known"):  # which, or whether, is not known
        assert option.status.value != "offered", option.status
        asked = [m.question for m in option.missing if m.fact == "prior_treatments"]
        named = _labels_named(kb, "prior_treatments", asked[0]) if asked else None
        if had == "others not known" and asked and listed and not listed & broader:
            assert "total-gastrectomy" in (named or [])  # by name, not "which treatments?"
        elif asked:  # nothing else listed: which treatments? surgery listed: which operation?
            assert "total-gastrectomy" not in (named or []), asked
    elif all(getattr(kb.by_id.get(u), "not_after_asked", True) for u in option_uses(kb, ident)):
        # not given, it is never offered: all of the stomach may have been taken out; it asks
        # which treatments were had
        assert option.status.value != "offered", option.status
        if option.status.value == "needs_information":
            assert "prior_treatments" in {m.fact for m in option.missing}, option.missing
    else:  # not given and not asked (the stent): nothing of the treatments had decides it,
        # whatever else it may ask (a random run: the stent asked only which symptoms)
        assert "prior_treatments" not in {m.fact for m in option.missing}, option.missing


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "rectum", "stage": "4", "metastases": ["liver"],
                "progressed_on": ["fluorouracil with leucovorin"]},) * 2)  # fmt: skip
def test_a_list_of_what_stopped_working_that_may_not_be_whole_offers_no_drug_it_may_hold(
    pair,
) -> None:  # type: ignore[no-untyped-def]
    """FOLFOX stopped, its oxaliplatin unread in a record, was read as fluorouracil with
    leucovorin stopped, and FOLFOX was offered. A list of what stopped working may say it is not
    whole ("perhaps other treatments not listed"): then no option that a drug stopping would rule
    out is offered; each asks whether it stopped (that nothing else changes for the better is
    the test above, of every list that may not be whole). A record's list of treatments had
    may not be whole either (the FHIR reader says so of every list it reads); a list of
    treatments had that is whole and never held the drug is the next test's."""
    kb = shared_kb()
    opened = {**pair[1], "progressed_on": [*(pair[1].get("progressed_on") or []),
                                           "others not known"]}  # fmt: skip
    if pair[1].get("prior_treatments") is not None:
        opened["prior_treatments"] = [*pair[1]["prior_treatments"], "others not known"]
    for option in evaluate(parse_profile(opened, kb), kb).options:
        if any(r.fact == "progressed_on" for r in kb.rules[option.id].ruled_out):
            assert option.status is not Status.offered, (option.id, opened)


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "rectum", "stage": "4", "metastases": ["liver"], "kras": "wild-type",
                "prior_treatments": ["FOLFOX"], "progressed_on": ["FOLFOX"]},) * 2)  # fmt: skip
def test_a_treatment_never_had_cannot_have_stopped_working(pair) -> None:  # type: ignore[no-untyped-def]
    """FOLFOX had, with FOLFOX and "perhaps other treatments not listed" stopped, asked whether
    panitumumab and FOLFIRI, never had, stopped working too (a review): what a whole list of
    treatments had never held cannot have stopped working. So whatever may be missing from the
    list of what stopped (or a broad kind that stopped, not which), no route of what stopped
    working is left undecided of a treatment the list of treatments had says was never had: the
    list holds it, what stopping would rule it out, a kind it is of, a trial, or drugs not
    known."""
    kb = shared_kb()
    assume(pair[1].get("prior_treatments") is not None)
    opened = {**pair[1], "progressed_on": [*(pair[1].get("progressed_on") or []),
                                           "others not known"]}  # fmt: skip
    facts = facts_of(parse_profile(opened, kb), kb)
    known = kb.vocabulary.known("prior_treatments")
    given = facts.row["prior_treatments"]
    for option in evaluate(parse_profile(opened, kb), kb).options:
        for r in kb.rules[option.id].ruled_out:
            if r.fact != "progressed_on" or hit_truth(r, facts.row) is not Truth.UNKNOWN:
                continue
            assert isinstance(given, frozenset), (option.id, opened)
            words = {value for value, _ in r.words}  # what stopping would rule it out
            kinds = {k for p in {r.given, *kb.drugs_of(r.given)} if p in known
                     for k in kb.vocabulary.up("prior_treatments", p)}  # fmt: skip
            trials = {v for v in given if kb.vocabulary.up("prior_treatments", v) & {
                "clinical-trial", "drugs-not-known", "others-not-known"}}  # fmt: skip
            # a value naming no treatment under a kind it is (pelvic radiation, which may be the
            # external radiation of chemoradiation: ``rules._maybe_had``)
            unnamed = {v for v in given if v not in kb.by_id
                       and kb.vocabulary.up("prior_treatments", v) & kinds - {v}}  # fmt: skip
            assert given & (words | kinds) or trials or unnamed, (option.id, r.given, sorted(given))


RECTUM_TAKEN_OUT = ["low anterior resection", "abdominoperineal resection", "pelvic exenteration"]


@SETTINGS
@given(pair=partial_and_more(), removed=st.sampled_from(RECTUM_TAKEN_OUT),
       symptoms=st.sets(st.sampled_from(["rectal pain", "rectal bleeding", "pain", "bleeding",
                                         "bowel obstruction"]), min_size=1))  # fmt: skip
def test_local_excision_is_for_a_tumour_still_in_the_rectum_or_the_pelvis(
    pair, removed: str, symptoms: set[str]
) -> None:  # type: ignore[no-untyped-def]
    """Local excision was offered for pain from the main tumour or bleeding from the bowel to
    rectal cancer whose rectum had been taken out and that came back only far away, where there
    is no tumour left for it to cut out (ccs-rectal-stage4 5409-5564: it takes out a local
    recurrence, or eases what a tumour there causes). With the rectum taken out, the cancer come
    back far away and the places it has spread to known and not the pelvis, it is never
    offered; with the treatments had not given, it is not offered for those symptoms either."""
    kb = shared_kb()
    profile = {**pair[1], "cancer": "rectum", "recurrence": "distant", "symptoms": sorted(symptoms),
               "prior_treatments": [*(pair[1].get("prior_treatments") or []), removed],
               "metastases": [m for m in pair[1].get("metastases") or ["liver"]
                              if m not in ("pelvis", "others not known")] or ["lung"]}  # fmt: skip
    [option] = [o for o in evaluate(parse_profile(profile, kb), kb).options
                if o.id == "rectum-local-excision"]  # fmt: skip
    assert option.status.value in ("not_suitable", "declined"), (option.status, profile)
    unsaid = {**pair[1], "cancer": "rectum", "symptoms": sorted(symptoms)}
    unsaid.pop("prior_treatments", None), unsaid.pop("progressed_on", None)
    [option] = [o for o in evaluate(parse_profile(unsaid, kb), kb).options
                if o.id == "rectum-local-excision"]  # fmt: skip
    if option.status is Status.offered:  # only for a tumour known to be in the pelvis
        assert unsaid.get("recurrence") == "local" or "pelvis" in unsaid.get("metastases", ()), (
            unsaid)


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "rectum", "stage": "earlier", "recurrence": "local",
                "metastases": ["pelvis"], "resectable": False},) * 2)  # fmt: skip
def test_chemotherapy_as_the_main_treatment_is_for_the_cancer_the_drugs_are_for(
    pair,
) -> None:  # type: ignore[no-untyped-def]
    """Chemotherapy as the main treatment, for rectal cancer surgery cannot remove, was offered
    to cancer come back only in the pelvis, while every chemotherapy the source names was not
    suitable there (the drugs are listed for cancer spread far away, ccs-rectal-stage4
    1862-1961, and the main treatment is for stage 4, 875-1061): it is offered only where the
    situation FOLFIRI is for holds."""
    kb = shared_kb()
    profile = {**pair[1], "cancer": "rectum"}
    person = parse_profile(profile, kb)
    facts = facts_of(person, kb)
    [main] = [o for o in evaluate(person, kb).options
              if o.id == "rectum-chemo-main-unresectable"]  # fmt: skip
    if main.status is Status.offered:
        drugs_for = kb.rules["rectum-folfiri"].at(facts.site).when
        assert truth(drugs_for, facts.row) is Truth.TRUE, profile


@SETTINGS
@given(pair=partial_and_more(), planned=st.sampled_from(["pelvic exenteration", "bowel resection"]))
def test_a_stoma_is_offered_with_an_operation_that_takes_out_bowel(
    pair, planned: str
) -> None:  # type: ignore[no-untyped-def]
    """A colostomy or ileostomy was not suitable when a pelvic exenteration was planned ("it is
    for treatments that are planned: surgery to remove part of the bowel, which you did not
    list"), beside the exenteration offered with a colostomy among what it may involve; the
    source says a colostomy may be needed after one (ccs-rectal-stage4 6283-6471). With either
    operation planned, the stoma is never ruled out by what is planned."""
    kb = shared_kb()
    profile = {**pair[1], "cancer": "rectum", "planned": [planned]}
    [option] = [o for o in evaluate(parse_profile(profile, kb), kb).options
                if o.id == "rectum-colostomy-ileostomy"]  # fmt: skip
    assert not any(r.check and r.check.fact == "planned" for r in option.reasons), option.reasons


@SETTINGS
@given(pair=partial_and_more(), symptom=st.sampled_from(
    ["malnutrition", "stomach blockage", "trouble swallowing", None]))
def test_the_feeding_tubes_blockage_note_is_for_a_blockage(
    pair, symptom: str | None
) -> None:  # type: ignore[no-untyped-def]
    """The stomach feeding tube is the general one too, offered for malnutrition alone; its note
    that a tube is for a blockage other ways could not fix (ccs-stomach-stage4 1948-2114) was
    told to someone offered it for malnutrition, with no blockage. It holds when the person has a
    blockage or trouble swallowing, may hold when the symptoms listed may not be all or name a
    blockage not said to be of the stomach, and is not told otherwise."""
    kb = shared_kb()
    _, profile = pair
    profile = {**profile, "cancer": "stomach"}
    if symptom is not None:
        profile["symptoms"] = [*(profile.get("symptoms") or []), symptom]
    read = parse_profile(profile, kb)
    [option] = [o for o in evaluate(read, kb).options if o.id == "stomach-feeding-tube"]
    assume(option.status is not Status.not_suitable)  # (stage 1 to 3, not come back: its
    # notes then are only what can be done instead)
    notes = {c.id: c for c in option.caveats}
    symptoms = read.symptoms
    blockage = {"stomach-blockage", "trouble-swallowing"}
    broader = {k for b in blockage for k in kb.vocabulary.up("symptoms", b)}  # "a blockage"
    if symptoms is not None and blockage & set(symptoms):
        assert notes["stomach-feeding-tube-last"].applies
    elif symptoms is not None and not {OTHERS_NOT_KNOWN, *broader} & set(symptoms):
        assert "stomach-feeding-tube-last" not in notes
    else:
        assert "stomach-feeding-tube-last" in notes
        assert not notes["stomach-feeding-tube-last"].applies


@SETTINGS
@given(pair=partial_and_more())
def test_ablation_is_for_cancer_that_has_spread(pair) -> None:  # type: ignore[no-untyped-def]
    """Ablation destroys a few tumours where the cancer has spread (acs-advanced 5245-5532): for
    cancer said to have spread nowhere it is not suitable, and never asks how many tumours there
    are where it spread (it asked, and with "few" it was offered)."""
    kb = shared_kb()
    _, profile = pair
    profile = {**profile, "metastases": []}
    ablations = {o.id for o in kb.options if o.modality == "ablation"}
    assert ablations
    for option in evaluate(parse_profile(profile, kb), kb).options:
        if option.id in ablations:
            assert option.status.value in ("not_suitable", "declined"), (option.id, option.status)
            assert "metastasis_extent" not in {m.fact for m in option.missing}, option.id


@SETTINGS
@given(pair=partial_and_more())
def test_chemoradiation_had_counts_as_radiation_to_the_pelvis(pair) -> None:  # type: ignore[no-untyped-def]
    """Every note that past radiation to the pelvis may rule out more of it there applies to a
    person who had chemoradiation, which for rectal and cervical cancer is given to the pelvis
    (the rectal notes looked for pelvic radiation alone; the cervical ones for both)."""
    kb = shared_kb()
    _, profile = pair
    profile = {**profile, "prior_treatments": [*profile.get("prior_treatments", []),
                                               "chemoradiation"]}  # fmt: skip
    seen, shown = 0, 0
    for option in evaluate(parse_profile(profile, kb), kb).options:
        # an option that does not suit shows no caveats (cervical cancer spread to the liver
        # with no symptom: no radiation to the pelvis suits)
        has = any(c.id == "prior-pelvic-radiation" for c in kb.by_id[option.id].caveats)  # type: ignore[union-attr]
        shown += has and option.status is not Status.not_suitable
        for caveat in option.caveats:
            if caveat.id == "prior-pelvic-radiation":
                seen += 1
                assert caveat.applies and not caveat.undecided, (option.id, caveat)
    assert seen == shown


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "stomach", "stage": "earlier"}, {}))  # a random run's: lapatinib
def test_drug_treatments_not_known_never_rules_an_option_out(pair) -> None:  # type: ignore[no-untyped-def]
    """A list of treatments had with "drug treatments not known" says nothing of drugs: no
    chemotherapy for spread cancer and nothing stopped working are not read from it (a cervical
    IVB record with only a hysterectomy made cemiplimab after chemotherapy not suitable), and
    each option's status is the one of the same list without it, or needs_information (or not
    chosen, for one who does not want cancer treatment; or, for an option the sources describe
    only as studied, in_trials, which stands before needs_information and asks what decides
    it: lapatinib for stomach cancer of stage 1 to 3, which may now have come back)."""
    kb = shared_kb()
    partial, _ = pair
    closed = {**partial, "prior_treatments": partial.get("prior_treatments", [])}
    marked = [*closed["prior_treatments"], "drug treatments not known"]
    open_ = {**closed, "prior_treatments": marked}
    facts = facts_of(parse_profile(open_, kb), kb)
    drugs = {"chemotherapy"} & set(closed["prior_treatments"])
    if "progressed_on" not in partial and not drugs:
        assert facts.given["progressed_on"] is None, open_
    if "chemo_for_spread" not in partial and not drugs:
        assert facts.given["chemo_for_spread"] is not False, open_
    before = {o.id: o.status for o in evaluate(parse_profile(closed, kb), kb).options}
    after = evaluate(parse_profile(open_, kb), kb)
    for option in after.options:  # (or not chosen, by one who does not want it, undecided)
        if option.id not in before:  # a general option, shown as the situation may now be one
            # its own source does not cover (no treatment had is not come back; treatments had,
            # drugs not known, may have been followed by a recurrence): never offered
            assert kb.rules[option.id].scope.uncovered and option.status is not Status.offered
            continue
        studied = [Status.in_trials] if kb.rules[option.id].in_trials else []
        assert option.status in (before[option.id], Status.needs_information,
                                 Status.declined, *studied), (option.id, open_)  # fmt: skip
    # nor is a drug that stopped working beside it "never had" (a review found that warning)
    assert not any("lists no drug treatment" in w for w in after.warnings), after.warnings


# every kind of drug treatment of the cancer, from the data: the drug classes of no parent but
# the drugs for bone spread, which protect the bones
KINDS_OF_DRUG_TREATMENT = {c.id for c in shared_kb().data.drug_classes
                           if c.parent is None} - {"bone-metastasis-drugs"}  # fmt: skip
# every kind of treatment that can stop working, written out: the kinds of drug treatment, the
# drugs for bone spread, and radiation, ablation and blocking a tumour's blood vessels, given to
# the cancer (radiation alone had had been read as "none can have stopped working")
CAN_STOP_WORKING = KINDS_OF_DRUG_TREATMENT | {"bone-metastasis-drugs", "radiation", "ablation",
                                              "angiographic-embolisation"}  # fmt: skip
TREATMENTS = ["surgery", "radiation", "chemotherapy", "hormone therapy", "radium-223",
              "drugs for bone metastases", "strontium-89", "pembrolizumab", "FOLFOX",
              "immunotherapy", "chemoradiation", "hepatic arterial infusion"]


@SETTINGS
@given(cancer=st.sampled_from(["breast", "prostate", "rectum", "cervix"]),
       prior=st.lists(st.sampled_from(TREATMENTS), max_size=3, unique=True),
       stopped=st.one_of(st.none(), st.lists(st.sampled_from(TREATMENTS), max_size=2,
                                             unique=True)))  # fmt: skip
@example(cancer="cervix", prior=["radiation"], stopped=["chemoradiation"])
@example(cancer="rectum", prior=["hormone therapy"], stopped=["chemoradiation"])
@example(cancer="breast", prior=["radiation"], stopped=None)  # a random run's
@example(cancer="prostate", prior=["drugs for bone metastases"], stopped=None)
def test_one_list_of_the_kinds_of_drug_treatment(
    cancer: str, prior: list[str], stopped: list[str] | None
) -> None:
    """Whether treatments had hold a drug treatment is read from one list of its kinds, on both
    sides: a list holding any kind of drug treatment of the cancer (hormone therapy and
    radioactive drugs too) neither implies that nothing stopped working nor is warned of as
    holding none; a list holding none, beside a drug treatment of any kind that stopped, is.
    (Hormone therapy had had been warned of as no drug treatment beside chemotherapy that
    stopped, and hormone therapy that stopped beside surgery alone went without a word.) That
    nothing stopped working is implied only by a list holding nothing that can stop working:
    no drug treatment, nor radiation, ablation, blocking of blood vessels or drugs for the
    bones (radiation alone had is not "no drug treatment, so none can have stopped")."""
    kb = shared_kb()
    data: dict[str, Any] = {"cancer": cancer, "stage": "4", "prior_treatments": prior}
    if stopped is not None:
        data["progressed_on"] = stopped
    try:
        facts = facts_of(parse_profile(data, kb), kb)
    except ProfileError:  # a drug the cancer's options do not give, listed as stopped
        return
    up = kb.vocabulary.up
    had = set().union(*(up("prior_treatments", v) for v in facts.given["prior_treatments"]))
    drugs_had = bool(had & KINDS_OF_DRUG_TREATMENT)
    values = set(kb.value_names["prior_treatments"].values())  # (each is a value of the list)
    assert values >= CAN_STOP_WORKING, CAN_STOP_WORKING - values
    if stopped is None:
        may_have_stopped = bool(had & CAN_STOP_WORKING)
        assert (facts.row["progressed_on"] == frozenset()) is not may_have_stopped, (
            data, facts.row)
    else:
        # what stopped is the kinds of drug treatment it is had, too (chemoradiation:
        # chemotherapy, though not chemotherapy that stopped for the rules)
        gone = set().union(*(up("progressed_on", v) | up("prior_treatments", v)
                             for v in facts.given["progressed_on"]))  # fmt: skip
        gone &= KINDS_OF_DRUG_TREATMENT
        warned = any("lists no drug treatment" in w for w in facts.warnings)
        assert warned is (not drugs_had and bool(gone)), (data, facts.warnings)
        # and a kind that stopped, none of whose kinds was had, beside other drug treatments
        # had: a radioactive drug had had hidden a chemotherapy that stopped, never listed
        # (only beside hormone therapy or radioactive drugs had: beside chemotherapy had, a drug
        # given with it that stopped, bevacizumab after FOLFOX, is not warned of)
        kind = any(w.startswith("prior_treatments: lists no ") and "lists no drug treatment"
                   not in w for w in facts.warnings)  # fmt: skip
        only = had & KINDS_OF_DRUG_TREATMENT <= {"hormone-therapy", "radiopharmaceutical"}
        assert kind is (drugs_had and bool(gone) and not had & gone and only), (
            data, facts.warnings)


def _drug_procedures() -> list[str]:
    """The procedures that are drug treatments too, as the rules read them, and the regimens
    counted as one (cisplatin with radiation)."""
    from onconav.kb.rules import Treatments

    kb = shared_kb()
    procedures = Treatments.of(kb.data, kb.by_id, kb.kind_of, kb.vocabulary).drug_procedures
    return sorted(procedures | {r.id for r in kb.data.regimens if set(r.counts_as) & procedures})


@pytest.mark.parametrize("stopped", _drug_procedures())
@pytest.mark.parametrize("cancer", ["rectum", "cervix"])
def test_a_procedure_that_gives_a_drug_stopped_with_no_drug_had_warns(
    kb: KnowledgeBase, cancer: str, stopped: str
) -> None:
    """Chemoradiation that stopped working beside radiation alone had went without a word, while
    cisplatin with radiation, the same named by its regimen, was warned of as a drug treatment
    never had (a review of the answer's warnings): chemoradiation is not chemotherapy that
    stopped for the rules (its chemotherapy is often for an earlier stage), but it is a drug
    treatment. Every procedure that gives a drug, and each regimen counted as one: beside
    treatments had that hold no drug treatment, the warning; beside only hormone therapy, the
    kind it is; beside it had, none."""
    def warnings(prior: list[str]) -> list[str]:
        data = {"cancer": cancer, "stage": "4", "prior_treatments": prior,
                "progressed_on": [stopped]}  # fmt: skip
        return [w for w in facts_of(parse_profile(data, kb), kb).warnings
                if w.startswith("prior_treatments: lists no ")]  # fmt: skip

    assert warnings(["radiation"]) == ["prior_treatments: lists no drug treatment, but one is "
                                       "said to have stopped working; check what was had"]
    [kind] = warnings(["radiation", "hormone therapy"])
    named = in_sentence(kb.name_of(stopped))
    assert kind == (f"prior_treatments: lists no chemotherapy, but {named} is said to have "
                    "stopped working; check what was had"), kind
    assert warnings(["radiation", stopped]) == []


@SETTINGS
@given(pair=partial_and_more(),
       prior=st.lists(st.sampled_from([*PRIOR, "hormone therapy"]), max_size=3, unique=True),
       tried=st.sampled_from([True, False, None]), spread=st.sampled_from([True, False, None]))
@example(pair=({"cancer": "rectum", "stage": "4"},) * 2, prior=[], tried=True, spread=None)
def test_most_treatments_tried_or_chemotherapy_for_the_spread_with_no_drug_had_warns(
    pair, prior: list[str], tried: bool | None, spread: bool | None  # type: ignore[no-untyped-def]
) -> None:
    """The rule for every profile: most of the usual treatments tried, or chemotherapy given for
    the spread cancer, beside a whole list of treatments had that holds no drug treatment, is
    pointed out (each used as given): regorafenib, for when most have been tried, was offered
    beside FOLFOX to one who had had nothing, without a word."""
    kb = shared_kb()
    data = {k: v for k, v in {**pair[1], "prior_treatments": prior, "most_treatments_tried": tried,
                              "chemo_for_spread": spread}.items() if v is not None}  # fmt: skip
    warnings = evaluate(parse_profile(data, kb), kb).warnings
    open_ = {"drug treatments not known", "others not known"}
    no_drug = not (DRUGS_HAD | open_ | {"hormone therapy"}) & set(prior)
    no_chemo = not ({"chemotherapy", "FOLFOX", "capecitabine", "cisplatin"} | open_) & set(prior)
    for field, said, none in (("most_treatments_tried", tried, no_drug),
                              ("chemo_for_spread", spread, no_chemo)):  # fmt: skip
        warned = [w for w in warnings if w.startswith(f"{field}: says") and "list no" in w]
        assert bool(warned) is (none and said is True), (data, warnings)


def test_caveats_are_triggered_by_the_profile(kb) -> None:  # type: ignore[no-untyped-def]
    """A caveat holds (applies), may hold (shown with the facts that decide it), or is left out
    (issue 9, rule 8: a caveat whose condition may hold is shown)."""

    def caveats(data: dict[str, Any], ident: str) -> dict[str, tuple[bool, list[str]]]:
        options = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}
        return {c.id: (c.applies, c.undecided) for c in options[ident].caveats}

    base = {"cancer": "rectum", "stage": "4"}
    maybe = caveats(base, "rectum-chemoradiation")
    assert maybe and all(not applies and undecided for applies, undecided in maybe.values())
    assert caveats({**base, "prior_treatments": ["surgery"]}, "rectum-chemoradiation") == {}
    held = caveats({**base, "prior_treatments": ["pelvic radiation"]}, "rectum-chemoradiation")
    assert held and all(applies and not undecided for applies, undecided in held.values())
    surgery = caveats({**base, "resectable": True, "planned": ["surgery"]}, "rectum-panitumumab")
    assert surgery["not-before-surgery"] == (True, [])
    assert caveats({**base, "resectable": False}, "rectum-panitumumab") == {}
    assert caveats(base, "rectum-panitumumab")["not-before-surgery"][1] == ["resectable", "planned"]


@SETTINGS
@given(pair=partial_and_more())
def test_a_caveat_is_shown_unless_it_cannot_hold(pair) -> None:  # type: ignore[no-untyped-def]
    """Every caveat whose condition is not FALSE is shown, on an option that may suit; one that
    only may hold names the facts that would decide it."""
    kb = shared_kb()
    for data in pair:
        profile = parse_profile(data, kb)
        row = facts_of(profile, kb).row
        for option in evaluate(profile, kb).options:
            shown = {c.id: c for c in option.caveats}
            suits = option.status.value != "not_suitable"
            instead = {c.id for c in kb.by_id[option.id].caveats if c.instead}
            for caveat_id, when in kb.rules[option.id].caveats:
                value = truth(when, row)
                shows = (suits or caveat_id in instead) and value is not Truth.FALSE
                assert (caveat_id in shown) is shows, (option.id, caveat_id)
                if caveat_id in shown:
                    assert shown[caveat_id].applies is (value is Truth.TRUE)
                    assert bool(shown[caveat_id].undecided) is (value is Truth.UNKNOWN)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"cancer": "rectum", "stage": "7"}, "stage"),
        ({"cancer": "rectum", "biomarkers": {"kras": "purple"}}, "biomarkers.kras"),
        ({"cancer": "rectum", "colour": "blue"}, "colour"),
        ({"cancer": "rectum", "resectable": "maybe"}, "resectable"),
        ({"stage": "4"}, "cancer"),
        ({"cancer": "rectum", "recurrence": "sometimes"}, "recurrence"),
        ({"cancer": "rectum", "metastasis_extent": "lots"}, "metastasis_extent"),
    ],
)
def test_invalid_profiles_name_the_field(kb, data: dict[str, Any], field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProfileError, match=rf"^{field}: "):
        parse_profile(data, kb)


@pytest.mark.parametrize(("data", "said"), [
    ({"cancer": "rectum", "biomarkers": "kras wt"}, 'give each result by its test, as {"her2"'),
    ({"cancer": "rectum", "biomarkers": ["x"]}, "give each result by its test"),
    ({"cancer": "rectum", "as_typed": "x"}, "is filled in by onconav"),
    ({"cancer": ""}, "cancer: is empty; say where the cancer started"),
])  # fmt: skip
def test_a_field_of_the_wrong_shape_says_what_to_give(kb, data: dict[str, Any], said: str) -> None:  # type: ignore[no-untyped-def]
    """Not pydantic's "Input should be a valid dictionary or instance of Biomarkers"."""
    with pytest.raises(ProfileError) as raised:
        parse_profile(data, kb)
    assert said in str(raised.value) and "Input should" not in str(raised.value)


def test_unknown_names_in_lists_are_errors(kb) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProfileError, match=r"^symptoms\[0\]: 'hiccups' is not known; no source "
                                           r"names it as a symptom"):
        evaluate(parse_profile({"cancer": "rectum", "symptoms": ["hiccups"]}, kb), kb)


def test_contradictions_warn(kb) -> None:  # type: ignore[no-untyped-def]
    both = evaluate(
        parse_profile({"cancer": "rectum", "biomarkers": {"kras": ["wild-type", "mutated"]}}, kb),
        kb,
    )
    assert any("kras" in w for w in both.warnings)
    cetuximab = next(o for o in both.options if o.id == "rectum-cetuximab-irinotecan")
    assert cetuximab.status is Status.needs_information
    spread = evaluate(
        parse_profile({"cancer": "cervix", "stage": "4A", "metastases": ["liver"]}, kb), kb
    )
    assert any("4A" in w for w in spread.warnings)


@pytest.mark.parametrize(("cancer", "stage", "said"), [
    ("rectum", "metastatic", "'metastatic' says"),
    ("stomach", "T4N1M1", "'T4N1M1' says"),
    ("stomach", "cM1", "'cM1' says"),
    ("cervix", "4B", "stage 4B of a cervical cancer means"),
    ("cervix", "IVB", "stage 4B of a cervical cancer means"),
    ("cervix", "metastatic", "'metastatic' says"),
    # a note beside the stage says it (the bracket had been dropped as any note is)
    ("rectum", "Stage IV (M1)", "'Stage IV (M1)' says"),
    ("stomach", "stage 4 (metastatic)", "'stage 4 (metastatic)' says"),
    ("cervix", "Stage IV (M1)", "'Stage IV (M1)' says"),
    ("rectum", "Stage IV (M0)", None),  # its note is warned of as such
    # the rectal source says its stage 4 means spread to other organs (a review found the
    # chemotherapy for distant spread offered beside no spread without a word)
    ("rectum", "Stage IV (AJCC 8th edition)", "stage 4 of rectal cancer means"),
    ("rectum", "4", "stage 4 of rectal cancer means"),
    ("stomach", "4", None),  # stage 4 alone says nothing of where (stomach 4A is T4b M0)
    ("colon", "4", None),  # no source of its own says what its stage 4 means
    ("cervix", "4A", None),
    ("stomach", "IVB", None),  # read as 4 for other cancers than the cervix
])  # fmt: skip
def test_a_stage_that_says_spread_far_beside_no_spread_warns(
    kb, cancer: str, stage: str, said: str | None  # type: ignore[no-untyped-def]
) -> None:
    """A stage that says the cancer has spread far ("metastatic", M1, cervical 4B) beside spread
    to nowhere is pointed out, as a cancer that came back far away beside it was (a review of
    the front ends found 4B with no spread moving three options to not suitable without a
    word). Spread listed somewhere, or not given, says nothing against it."""
    flagged = "the cancer has spread to distant parts of the body, but the places"
    none = evaluate(parse_profile({"cancer": cancer, "stage": stage, "metastases": []}, kb), kb)
    warned = [w for w in none.warnings if flagged in w]
    if said is None:
        assert not warned, none.warnings
    else:
        assert warned == [f"stage: {said} {flagged} it has spread to are given as none; check "
                          "which is right"], none.warnings  # fmt: skip
    for spread in ({"metastases": ["liver"]}, {}):
        other = evaluate(parse_profile({"cancer": cancer, "stage": stage, **spread}, kb), kb)
        assert not [w for w in other.warnings if flagged in w], other.warnings


@pytest.mark.parametrize(("profile", "flagged"), [
    ({"cancer": "cervix", "stage": "4B", "recurrence": "none", "metastases": ["bladder"]},
     "stage: stage 4B of a cervical cancer means the cancer has spread to distant parts"),
    ({"cancer": "cervix", "stage": "2", "recurrence": "distant", "metastases": ["vagina"]},
     "recurrence: says the cancer came back in another part of the body"),
    ({"cancer": "rectum", "stage": "4", "metastases": ["pelvis"]},
     "stage: stage 4 of rectal cancer means"),
    ({"cancer": "cervix", "stage": "metastatic", "metastases": ["pelvis"]},
     "stage: 'metastatic' says"),
    ({"cancer": "prostate", "stage": "metastatic", "metastases": ["bladder"]},
     "stage: 'metastatic' says"),
])  # fmt: skip
def test_spread_far_beside_places_none_of_them_distant_warns(
    kb, profile: dict[str, Any], flagged: str  # type: ignore[no-untyped-def]
) -> None:
    """A stage that says the cancer has spread far, or a cancer that came back far away, beside
    places of spread none of which is distant (the pelvis alone: the bladder, the vagina) is
    pointed out as beside no spread is (a review found a cervical 4B with the bladder alone
    answered without a word, and the 4A chemoradiation not suitable); the places are named."""
    result = evaluate(parse_profile(profile, kb), kb)
    warned = [w for w in result.warnings if w.startswith(flagged)]
    assert len(warned) == 1, result.warnings
    assert warned[0].endswith("are given as only the pelvis, not a distant part of the body; "
                              "check which is right")
    for places in (["pelvis", "lymph nodes"], ["pelvis", "liver"], ["pelvis", OTHERS_NOT_KNOWN]):
        other = evaluate(parse_profile({**profile, "metastases": places}, kb), kb)
        assert not [w for w in other.warnings if w.startswith(flagged)], other.warnings
    # for a cancer that starts far from the pelvis, spread there is far (a review of the change)
    for cancer in ("stomach", "breast"):
        far = evaluate(parse_profile({**profile, "cancer": cancer}, kb), kb)
        assert not [w for w in far.warnings if "not a distant part" in w], far.warnings


@SETTINGS
@given(pair=partial_and_more(),
       places=st.lists(st.sampled_from(sorted(DISTANT_SITES | {DISTANT, "pelvis", "lymph-nodes",
                                                               OTHERS_NOT_KNOWN})),
                       max_size=3, unique=True))  # fmt: skip
def test_came_back_far_away_is_warned_of_exactly_when_no_listed_place_may_be_far(
    pair, places: list[str]  # type: ignore[no-untyped-def]
) -> None:
    """For any profile, a cancer that came back far away is warned of beside its places of
    spread exactly when the list is whole (not "perhaps other places") and none of them may be
    far: only the pelvis of a cervical, rectal or prostate cancer is near (a distant organ, a
    distant part of the body and the lymph nodes may be far for any cancer, the pelvis for a
    cancer that starts elsewhere)."""
    kb = shared_kb()
    _, fuller = pair
    profile = {**fuller, "recurrence": "distant", "metastases": places}
    result = evaluate(parse_profile(profile, kb), kb)
    warned = [w for w in result.warnings
              if w.startswith("recurrence: says the cancer came back in another part")]
    near = {"pelvis"} if result.cancer in ("cervix", "rectum", "prostate") else set()
    assert bool(warned) == (set(places) <= near), (places, result.cancer, result.warnings)


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "rectum"}, {"cancer": "rectum"}))
def test_a_stage_4_that_its_source_says_has_spread_beside_no_spread_warns(
    pair  # type: ignore[no-untyped-def]
) -> None:
    """For any profile, stage 4 beside spread to nowhere is warned of exactly when the cancer's
    own source says its stage 4 means spread to other organs (``Cancer.stage_4_spread``:
    rectal cancer), and the statuses are those of stage 4 as given (each used as given)."""
    kb = shared_kb()
    _, fuller = pair
    result = evaluate(parse_profile({**fuller, "stage": "4", "metastases": []}, kb), kb)
    record = kb.by_id.get(result.cancer)
    said = [w for w in result.warnings if w.startswith("stage: stage 4 of ")]
    assert bool(said) == bool(getattr(record, "stage_4_spread", None)), result.warnings
    quiet = evaluate(parse_profile({**fuller, "stage": "4", "metastases": ["liver"]}, kb), kb)
    assert not [w for w in quiet.warnings if w.startswith("stage: stage 4 of ")]


@SETTINGS
@given(pair=partial_and_more(), sub=st.sampled_from(["4A", "4B"]))
@example(pair=({"cancer": "stomach"}, {"cancer": "stomach"}), sub="4A")
def test_a_sub_stage_of_a_cancer_whose_source_does_not_split_stage_4_is_stage_4_and_said(
    pair, sub: str  # type: ignore[no-untyped-def]
) -> None:
    """Only the cervical source splits stage 4 (FIGO 4A, 4B). For any other cancer the letter
    means different things (stomach cancer's 4A has not spread far, rectal cancer's has): the
    options are those of stage 4, whatever else is said, and a warning says the letter was not
    used (stomach cancer "4A" had been answered as stage 4 without a word)."""
    kb = shared_kb()
    _, fuller = pair
    lettered = evaluate(parse_profile({**fuller, "stage": sub}, kb), kb)
    said = [w for w in lettered.warnings if w.startswith(f"stage: stage {sub} is read as stage 4")]
    if lettered.cancer == "cervix":
        assert not said
        return
    assert len(said) == 1 and "only for cervical cancer" in said[0], lettered.warnings
    plain = evaluate(parse_profile({**fuller, "stage": "4"}, kb), kb)
    assert [(o.id, o.status, o.reason) for o in lettered.options] == [
        (o.id, o.status, o.reason) for o in plain.options]
    assert not [w for w in plain.warnings if "is read as stage 4: the sources split" in w]


@pytest.mark.parametrize(("cancer", "spread", "weak", "warned"), [
    ("breast", ["liver"], {"symptoms": ["weak bone"]}, True),
    ("breast", [], {"symptoms": ["weak bone"]}, True),
    ("breast", ["liver"], {"weak_bone": True}, True),
    ("breast", ["bone"], {"symptoms": ["weak bone"]}, False),
    ("breast", ["distant"], {"symptoms": ["weak bone"]}, False),
    ("breast", None, {"symptoms": ["weak bone"]}, False),
    # a list that may not be whole; a cancer that starts in the bone or its marrow
    ("breast", ["liver", "others-not-known"], {"symptoms": ["weak bone"]}, False),
    ("multiple myeloma", [], {"symptoms": ["weak bone"]}, False),
    ("bone cancer", [], {"symptoms": ["weak bone"]}, False),
])  # fmt: skip
def test_a_bone_the_cancer_weakened_beside_spread_without_the_bones_warns(
    kb, cancer: str, spread: list[str] | None, weak: dict[str, Any], warned: bool  # type: ignore[no-untyped-def]
) -> None:
    """A bone weakened by cancer is a bone the cancer has spread to: beside places of spread
    that leave the bones out, the bone drugs were not suitable ("bone, which you did not list")
    while the metal rod was offered, without a word (a review of the wording). Not beside a
    list that may not be whole, nor for a cancer that started in the bone (a review of the
    change)."""
    data = {"cancer": cancer, **weak,
            **({"metastases": spread} if spread is not None else {})}  # fmt: skip
    result = evaluate(parse_profile(data, kb), kb)
    said = [w for w in result.warnings if "means the cancer is in a bone" in w]
    assert bool(said) is warned, result.warnings


def test_the_liver_artery_reason_says_what_it_is_for_once(kb) -> None:  # type: ignore[no-untyped-def]
    """Chemotherapy into the liver artery for spread to the lung said "where the cancer has
    spread" twice, the second time as "only liver or lymph nodes"; it says what it is for in
    one clause, with the answers that do not fit."""
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "metastases": ["lung"],
                                     "resectable": False}, kb), kb)  # fmt: skip
    option = next(o for o in result.options if o.id == "rectum-hepatic-arterial-infusion")
    assert option.reason == (
        "Not for this situation: it is for cancer spread to the liver, and nowhere else but the "
        "lymph nodes, that surgery cannot remove (yours: lung)."
    ), option.reason
    # a yes or a no among the answers says what it answers ("(yours: yes)" had lost it)
    resectable = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "metastases": [
        "liver"], "resectable": True}, kb), kb)  # fmt: skip
    option = next(o for o in resectable.options if o.id == "rectum-hepatic-arterial-infusion")
    assert option.reason is not None and option.reason.endswith(
        "(yours: whether surgery could remove all of the cancer: yes)."), option.reason


def test_a_question_does_not_ask_about_one_operation_twice(kb) -> None:  # type: ignore[no-untyped-def]
    """A bowel resection beside "perhaps other treatments not listed" asked "Was the rectum
    itself taken out (... or a pelvic exenteration) ...? Has there also been a pelvic
    exenteration?": each operation is asked about once."""
    data = {"cancer": "rectal", "recurrence": "local", "symptoms": ["pain"],
            "prior_treatments": ["bowel resection", "pelvic radiation", "others not known"]}
    result = evaluate(parse_profile(data, kb), kb)
    questions = [m.question for o in result.options for m in o.missing]
    questions += [f.question for f in result.what_would_change]
    asked = [q for q in questions if "exenteration" in q]
    assert asked, questions
    for question in asked:
        assert question.count("exenteration") == 1, question


@pytest.mark.parametrize(("recurrence", "warned"), [("local", False), ("yes", True),
                                                     ("distant", True), (None, True)])
def test_how_much_beside_no_spread_warns_unless_the_cancer_is_back_where_it_started(
    kb, recurrence: str | None, warned: bool  # type: ignore[no-untyped-def]
) -> None:
    """How much the cancer has spread beside no places of spread is pointed out, but not for a
    cancer back where it started: how much of it there is in the pelvis is what a pelvic
    exenteration asks (a review of the rectal rules found the answer to that question warned
    about)."""
    data = {"cancer": "rectum", "stage": "3", "metastases": [], "metastasis_extent": "many",
            **({"recurrence": recurrence} if recurrence else {})}  # fmt: skip
    result = evaluate(parse_profile(data, kb), kb)
    said = [w for w in result.warnings if w.startswith("metastasis_extent: says how much")]
    assert bool(said) is warned, result.warnings


@pytest.mark.parametrize(("typed", "places"), [
    ("multiple liver metastases", "liver"), ("3 lung mets", "lung"),
    ("several lung and bone mets", "lung, bone"), ("a few liver lesions", "liver"),
])  # fmt: skip
def test_a_place_of_spread_written_with_a_count_says_the_count_is_its_own_answer(
    kb, typed: str, places: str  # type: ignore[no-untyped-def]
) -> None:
    """"multiple liver metastases" was refused as "not known; check the spelling": it is
    refused still (how many is the extent, never dropped), saying where the count goes and the
    places to give."""
    with pytest.raises(ProfileError) as error:
        evaluate(parse_profile({"cancer": "rectum", "metastases": [typed]}, kb), kb)
    (problem,) = error.value.problems
    assert problem.field == "metastases[0]"
    assert ("how many tumours there are is an answer of its own (metastasis_extent: few or "
            f"many): give the places alone ({places})") in problem.message, problem.message


def test_names_normalise(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(
        parse_profile(
            {"cancer": "Gastric", "stage": "IV", "progressed_on": ["Xeloda", "5-FU"]}, kb
        ),
        kb,
    )
    assert result.cancer == "stomach"
    assert result.profile.stage == "4"
    assert result.model_dump(mode="json")["profile"]["stage"] == "4"
    assert "resectable" not in result.model_dump()["profile"], "unknown is left out, not null"
    ramucirumab = next(o for o in result.options if o.id == "stomach-ramucirumab-alone")
    assert ramucirumab.status is Status.offered, "capecitabine is a chemotherapy drug"


def test_every_condition_fact_has_a_question(kb) -> None:  # type: ignore[no-untyped-def]
    for option in kb.options:
        for test in fact_tests(option.when):
            assert kb.facts[test.fact].question, (option.id, test.fact)


def test_results_are_independent_values(kb) -> None:  # type: ignore[no-untyped-def]
    """Changing any part of a result changes no other result, and not the knowledge base."""
    data = {"cancer": "rectum", "stage": "4", "prior_treatments": ["pelvic radiation"]}
    first = evaluate(parse_profile(data, kb), kb)
    expected = first.model_dump_json()
    for option in first.options:
        option.citations.clear()
        option.uses.clear()
        option.missing.clear()
        for caveat in option.caveats:
            caveat.citations.clear()
        option.reason = "changed"
    first.notes.clear()
    first.sources.clear()
    first.what_would_change.clear()
    first.options.clear()
    second = evaluate(parse_profile(data, kb), kb)
    assert second.model_dump_json() == expected
    other = evaluate(parse_profile({"cancer": "rectum"}, kb), kb)
    assert other.notes and all(o.citations for o in other.options)
    assert all(o.evidence for o in kb.options)


def test_a_used_knowledge_base_pickles(kb) -> None:  # type: ignore[no-untyped-def]
    """Before and after use (a process pool or a Spark worker gets one either way)."""
    data = {"cancer": "stomach", "stage": "4", "biomarkers": {"her2": "positive"}}
    fresh = load_kb()
    before = pickle.loads(pickle.dumps(fresh))
    answer = evaluate(parse_profile(data, fresh), fresh).model_dump_json()
    after = pickle.loads(pickle.dumps(fresh))
    for copy_ in (before, after):
        assert evaluate(parse_profile(data, copy_), copy_).model_dump_json() == answer


def test_eight_threads_give_the_same_answers_as_one(kb) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    profiles = [
        {"cancer": cancer, "stage": stage, "symptoms": symptoms, "cannot_have": cannot}
        for cancer in ("stomach", "rectum", "cervix", "lung")
        for stage in ("4", "4A", "4B")
        for symptoms in ([], ["bleeding"], ["bowel obstruction", "pain"])
        for cannot in ([], ["irinotecan"])
    ]

    def answer(data: dict[str, Any]) -> str:
        return evaluate(parse_profile(data, kb), kb).model_dump_json()

    alone = [answer(p) for p in profiles]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(answer, profiles)) == alone


def test_the_json_artefact_and_the_yaml_give_the_same_answers(kb) -> None:  # type: ignore[no-untyped-def]
    from onconav.kb.load import data_dir, parse, yaml_files

    from_yaml = parse(yaml_files(data_dir()))
    assert from_yaml.data == kb.data
    for cancer in ("stomach", "rectum", "cervix", "breast"):
        data = {"cancer": cancer, "stage": "4", "symptoms": ["bleeding"]}
        ours = evaluate(parse_profile(data, kb), kb).model_dump_json()
        assert evaluate(parse_profile(data, from_yaml), from_yaml).model_dump_json() == ours


def test_reasons_carry_what_decided_them(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(
        parse_profile(
            {"cancer": "stomach", "stage": "4", "biomarkers": {"her2": "negative"},
             "cannot_have": ["ramucirumab"]}, kb,
        ),
        kb,
    )  # fmt: skip
    by_id = {o.id: o for o in result.options}
    her2 = by_id["stomach-trastuzumab"]
    assert her2.status is Status.not_suitable and her2.reasons
    check = her2.reasons[0].check
    assert her2.reasons[0].kind == "condition" and check is not None
    assert (check.fact, check.wanted, check.yours) == ("her2", ["positive"], "negative")
    assert her2.reasons[0].text in (her2.reason or "")
    ruled = by_id["stomach-ramucirumab-alone"]
    assert [r.kind for r in ruled.reasons] == ["ruled_out"]
    assert ruled.reasons[0].given == "ramucirumab"
    assert ruled.reasons[0].check is not None and ruled.reasons[0].check.fact == "cannot_have"


def test_a_drug_that_cannot_be_had_rules_out_the_regimens_that_contain_it(kb) -> None:  # type: ignore[no-untyped-def]
    """Cannot have irinotecan: FOLFIRI cannot be used, so the choices for when FOLFIRI cannot be
    used are decided (ccs-rectal-stage4 2654-2820), and FOLFIRI itself is ruled out."""
    result = evaluate(
        parse_profile({"cancer": "rectum", "stage": "4", "cannot_have": ["irinotecan"]}, kb), kb
    )
    status = {o.id: o.status for o in result.options}
    assert status["rectum-folfox"] is Status.offered
    assert status["rectum-capox"] is Status.offered
    assert status["rectum-folfiri"] is Status.not_suitable
    assert status["rectum-cetuximab-irinotecan"] is Status.not_suitable


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["irinotecan", "FOLFIRI", "CAPIRI", "Camptosar"]),
       st.sampled_from([[], ["FOLFOX"], ["bevacizumab"]]), st.sampled_from(["4", "1"]))  # fmt: skip
def test_a_partner_drug_that_stopped_working_flags_an_option_it_does_not_rule_out(
    stopped: str, more: list[str], stage: str
) -> None:
    """Cetuximab with irinotecan was not suitable once irinotecan (or FOLFIRI) stopped working;
    the source gives it with irinotecan and sets no limit on irinotecan had before
    (``Option.stopped_partner_asks``): it is decided by its condition as if irinotecan had not
    stopped, with the caveat that says to ask, while every option that gives irinotecan as its
    own treatment stays ruled out. Not having irinotecan at all still rules it out."""
    kb = shared_kb()
    base = {"cancer": "rectum", "stage": stage, "recurrence": "distant",
            "biomarkers": {"kras": "wild-type"}, "metastases": ["liver"]}  # fmt: skip
    plain = {o.id: o
             for o in evaluate(parse_profile({**base, "progressed_on": more}, kb), kb).options}
    result = evaluate(parse_profile({**base, "progressed_on": [stopped, *more]}, kb), kb)
    got = {o.id: o for o in result.options}
    cetuximab = got["rectum-cetuximab-irinotecan"]
    assert cetuximab.status is plain["rectum-cetuximab-irinotecan"].status
    assert "cetuximab-irinotecan-after-irinotecan" in {c.id for c in cetuximab.caveats if c.applies}
    assert got["rectum-irinotecan"].status is Status.not_suitable
    assert got["rectum-folfiri"].status is Status.not_suitable
    cannot = evaluate(parse_profile({**base, "cannot_have": ["irinotecan"]}, kb), kb)
    assert {o.id: o.status for o in cannot.options}["rectum-cetuximab-irinotecan"] is (
        Status.not_suitable)


def test_a_regimen_that_cannot_be_had_does_not_rule_out_its_drugs_elsewhere(kb) -> None:  # type: ignore[no-untyped-def]
    """Cannot have FOLFOX: FOLFIRI shares 5-FU with it but stays a choice."""
    result = evaluate(
        parse_profile({"cancer": "rectum", "stage": "4", "cannot_have": ["FOLFOX"]}, kb), kb
    )
    folfiri = next(o for o in result.options if o.id == "rectum-folfiri")
    assert folfiri.status is Status.offered, folfiri.reason


def test_a_drug_counts_as_the_regimens_containing_it(kb) -> None:  # type: ignore[no-untyped-def]
    """In conditions, a drug counts as every regimen containing it, for cannot_have and for
    progressed_on alike; a regimen does not count as another regimen."""
    up = kb.vocabulary.up
    for fact in ("cannot_have", "progressed_on"):
        assert "folfiri" in up(fact, "irinotecan") and "capiri" in up(fact, "irinotecan")
        assert "irinotecan" not in up(fact, "folfiri")
        assert "folfiri" not in up(fact, "folfox")


def test_a_kind_of_drug_that_cannot_be_had_counts_as_every_regimen_holding_one(kb) -> None:  # type: ignore[no-untyped-def]
    """The rule for every kind of drug: one who cannot have any fluoropyrimidine cannot have
    FOLFIRI, which holds one, so the drugs for when FOLFIRI cannot be used apply (irinotecan
    alone and raltitrexed asked whether FOLFIRI could be used, a question already answered: a
    clinical review). What stopped working is not so: one drug of a kind says nothing of which."""
    up = kb.vocabulary.up
    data = kb.data
    for drug_class in data.drug_classes:
        members = {d.id for d in data.drugs if drug_class.id in up("cannot_have", d.id)}
        holding = {r.id for r in data.regimens if members & set(r.components)}
        assert holding <= up("cannot_have", drug_class.id), drug_class.id
        assert not holding & up("progressed_on", drug_class.id), drug_class.id
    assert "folfiri" in up("cannot_have", "fluoropyrimidine")
    profile = {"cancer": "rectum", "stage": "4", "cannot_have": ["fluoropyrimidine"],
               "biomarkers": {"kras": "mutated"}, "prior_treatments": []}  # fmt: skip
    got = {o.id: o for o in evaluate(parse_profile(profile, kb), kb).options}
    for option in ("rectum-irinotecan", "rectum-raltitrexed"):
        assert "cannot_have" not in {m.fact for m in got[option].missing}, got[option]


def test_every_problem_of_a_profile_is_reported_at_once(kb) -> None:  # type: ignore[no-untyped-def]
    data = {
        "cancer": "rectum", "stage": "9", "colour": "blue", "resectable": "maybe",
        "biomarkers": {"kras": "purple"}, "symptoms": ["pain", "hiccups", "fish"],
        "cannot_have": "unobtainium",
    }  # fmt: skip
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, kb)
    problems = {p.field: p for p in caught.value.problems}
    assert set(problems) == {"stage", "colour", "resectable", "biomarkers.kras", "symptoms[1]",
                             "symptoms[2]", "cannot_have[0]"}  # fmt: skip
    assert problems["stage"].value == "9" and "4A" in problems["stage"].accepted
    assert (
        problems["symptoms[1]"].value == "hiccups"
        and "bleeding" in problems["symptoms[1]"].accepted
    )
    assert problems["resectable"].accepted == ("yes", "no", "true", "false")
    assert "cancer" in problems["colour"].accepted
    assert str(caught.value).count("\n") == len(problems) - 1
    for problem in caught.value.problems:
        assert str(problem).startswith(problem.field + ": ") and "\n" not in str(problem)


def test_a_problem_carries_why_a_value_is_refused_apart(kb) -> None:  # type: ignore[no-untyped-def]
    """A value refused for a reason beyond the list of what is accepted (a dash alone for HER2,
    BRAF's V600E for KRAS) carries that reason in ``Problem.why`` as well as in its message: the
    page, which shows the answers to choose from in place of the list, had found it by cutting
    the message at the list's words. A value refused for no more than not being one has none."""
    data = {"cancer": "rectum", "stage": "9", "biomarkers": {"her2": "-", "kras": "V600E"}}
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, kb)
    problems = {p.field: p for p in caught.value.problems}
    her2, kras = problems["biomarkers.her2"], problems["biomarkers.kras"]
    assert her2.why.startswith("a dash alone may mean no result"), her2
    assert kras.why.startswith("V600E is no KRAS change read here"), kras
    for problem in (her2, kras):
        assert problem.message.endswith("; " + problem.why), problem
        assert "accepted" not in problem.why
    assert problems["stage"].why == ""


HOW_BAD_WORDS = ["severe", "heavy", "bad", "mild", "very bad", "constant", "a lot of", "new",
                 "worsening", "chronic"]


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_a_symptom_said_with_how_bad_it_is_is_the_symptom(data: st.DataObject) -> None:
    """A symptom written with how bad, how often or how long it is ("severe pain", "heavy
    bleeding", "a lot of nausea") is that symptom: it had been refused as not known ("check the
    spelling"), and a person's own words are seldom the bare name (a clinical review)."""
    kb = shared_kb()
    symptom = data.draw(st.sampled_from(kb.data.symptoms))
    name = data.draw(st.sampled_from([symptom.name, *symptom.aliases]))
    how = data.draw(st.sampled_from(HOW_BAD_WORDS))
    alone = parse_profile({"cancer": "cervix", "symptoms": [name]}, kb).symptoms
    said = parse_profile({"cancer": "cervix", "symptoms": [f"{how} {name}"]}, kb).symptoms
    assert said == alone, (how, name)


ROUTE_WORDS = [("IV {}"), ("intravenous {}"), ("oral {}"), ("{} tablets"), ("{} pills"),
               ("{} infusion"), ("{} by mouth"), ("{} (IV)"), ("{} (tablets)"), ("{} iv"),
               ("{} PO"), ("{} (p.o.)"), ("{} tabs"), ("PO {}")]


@settings(max_examples=80, deadline=None)
@given(data=st.data(), field=st.sampled_from(["prior_treatments", "progressed_on", "planned",
                                              "cannot_have"]))  # fmt: skip
def test_a_treatment_said_with_how_it_is_given_is_the_treatment(
    data: st.DataObject, field: str
) -> None:
    """A treatment written with how it is given ("IV chemotherapy", "oral capecitabine", "chemo
    pills", "Xeloda tablets") is that treatment among those had or planned: a nurse navigator's
    words had been refused as not known (a review of the command line). Among what cannot be
    had or stopped working, only a drug or a regimen so written is read: a kind given one way
    is not the whole kind ("oral chemotherapy" that cannot be had had ruled out FOLFOX, given
    into a vein: a review of the change), and is refused, saying to name the drugs."""
    kb = shared_kb()
    name = data.draw(st.sampled_from(sorted(kb.value_names[field])))
    route = data.draw(st.sampled_from(ROUTE_WORDS))
    alone = getattr(parse_profile({"cancer": "rectum", field: [name]}, kb), field)
    if field in ("cannot_have", "progressed_on") and any(
            kb.kind_of.get(i) not in ("drugs", "regimens") for i in alone or ()):  # fmt: skip
        with pytest.raises(ProfileError, match=r"name the drugs|is not known"):
            parse_profile({"cancer": "rectum", field: [route.format(name)]}, kb)
        return
    said = getattr(parse_profile({"cancer": "rectum", field: [route.format(name)]}, kb), field)
    assert said == alone, (route, name)


@pytest.mark.parametrize("field", ["cannot_have", "progressed_on"])
@pytest.mark.parametrize("typed", ["oral chemotherapy", "IV chemotherapy", "chemo pills",
                                   "targeted therapy tablets", "oral chemo", "tablet chemotherapy",
                                   "chemotherapy (orally)", "chemotherapy (by mouth only)",
                                   "chemotherapy (IV only)", "chemotherapy (tablet form)",
                                   "chemotherapy (given orally at home)",
                                   "chemotherapy (PO)", "chemotherapy (tabs)", "PO chemo"])
def test_a_kind_written_with_how_it_is_given_is_not_the_whole_kind(
    kb, field: str, typed: str  # type: ignore[no-untyped-def]
) -> None:
    """One who cannot have chemotherapy by mouth may have it into a vein: "oral chemotherapy"
    among what cannot be had had ruled out FOLFOX (a review of the change); it is refused, and
    the message says to name the drugs. A drug so written is read ("Xeloda tablets")."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "rectum", field: [typed]}, kb)
    assert "name the drugs" in str(caught.value)
    # in a family's words: what is missing, not how the reader works (a review of the page)
    assert "does not say which drug it was" in str(caught.value)
    assert "read here only" not in str(caught.value)
    read = parse_profile({"cancer": "rectum", field: ["Xeloda tablets"]}, kb)
    assert getattr(read, field) == ["capecitabine"]
    with pytest.raises(ProfileError, match="name the drugs"):  # a route as a note, the same
        parse_profile({"cancer": "rectum", field: ["chemotherapy (oral)"]}, kb)
    # a name known as written, a route word in it, is that name
    known = parse_profile({"cancer": "rectum", "cannot_have": ["IV feeding",
                                                               "hepatic artery infusion"]}, kb)
    assert known.cannot_have == ["intravenous-feeding", "hepatic-arterial-infusion"]
    with pytest.raises(ProfileError) as named:  # a procedure that cannot stop working: its hint
        parse_profile({"cancer": "rectum", "progressed_on": ["IV feeding"]}, kb)
    assert "name the drugs" not in str(named.value), named.value


@pytest.mark.parametrize("typed", ["IV", "oral", "tablets", "intraperitoneal chemo",
                                   "liver artery pills"])
def test_words_of_how_a_drug_is_given_with_no_treatment_are_not_one(kb, typed: str) -> None:  # type: ignore[no-untyped-def]
    """Only the plain routes are read past: alone they name nothing, and a route that says where
    the drug goes (into the belly) is another treatment, not the one named."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "rectum", "prior_treatments": [typed]}, kb)
    assert "is not known" in str(caught.value)


@pytest.mark.parametrize("words", ["severe", "heavy metal", "bad"])
def test_words_of_how_bad_with_no_symptom_are_not_one(kb, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "cervix", "symptoms": [words]}, kb)
    assert "is not known" in str(caught.value)


def test_odd_spellings_and_codes_in_a_profile(kb) -> None:  # type: ignore[no-untyped-def]
    """A code where a name is expected, an ICD-10 subcode, '-ve' for HER2-negative (a dash alone
    is refused: a blank cell as often), a stage as a whole number; a list holding only a None or
    a blank is not 'none'."""
    data = {
        "cancer": "C16.9",  # ICD-10 stomach, with its subdivision
        "stage": 4,
        "biomarkers": {"her2": "-ve"},
        "cannot_have": ["rxnorm|4492"],  # fluorouracil
        "metastases": ["C78.7"],  # secondary cancer of the liver
    }
    profile = parse_profile(data, kb)
    facts = facts_of(profile, kb)
    assert facts.site == "stomach" and facts.row["stage"] == "4" and facts.row["her2"] == "negative"
    assert facts.row["cannot_have"] == frozenset({"fluorouracil"})
    assert facts.row["metastases"] == frozenset({"liver"})
    for bad in ({"symptoms": [None]}, {"symptoms": " , "}, {"stage": ["IV"]}, {"stage": True},
                {"biomarkers": {"her2": "-"}}):  # fmt: skip
        with pytest.raises(ProfileError):
            parse_profile({"cancer": "rectum", **bad}, kb)
    with pytest.raises(ProfileError, match="is a code of no cancer"):
        parse_profile({"cancer": "snomed|123"}, kb)


def test_the_result_keeps_its_own_copy_of_the_profile(kb) -> None:  # type: ignore[no-untyped-def]
    profile = parse_profile({"cancer": "rectum", "metastases": ["liver"]}, kb)
    first = evaluate(profile, kb)
    assert first.profile.metastases is not None
    first.profile.metastases.append("lung")
    assert profile.metastases == ["liver"]
    assert evaluate(profile, kb).profile.metastases == ["liver"]


def test_every_refused_biomarker_value_is_named(kb) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProfileError) as caught:
        parse_profile(
            {"cancer": "stomach", "biomarkers": {"her2": ["positive", "maybe", "zz"]}}, kb
        )
    (problem,) = caught.value.problems
    assert problem.field == "biomarkers.her2"
    assert "'maybe'" in problem.message and "'zz'" in problem.message
    assert problem.accepted == ("positive", "negative", "equivocal")


# Issue 9, rules 1 and 2: what stopped working counts through regimens both ways; alternatives
# are alternatives. Checked from the data itself on random profiles.

GIVEN_VALUES = sorted(shared_kb().vocabulary.known("progressed_on")
                      & shared_kb().vocabulary.known("cannot_have"))  # what both fields take


@st.composite
def stopped_or_barred(draw: st.DrawFn) -> dict[str, Any]:
    """A profile naming random treatments as stopped working and as not possible."""
    return {
        "cancer": draw(st.sampled_from(["stomach", "rectum", "cervix", "lung"])),
        "stage": draw(st.sampled_from(["4", "4A", "4B"])),
        "progressed_on": draw(st.lists(st.sampled_from(GIVEN_VALUES), max_size=3, unique=True)),
        "cannot_have": draw(st.lists(st.sampled_from(GIVEN_VALUES), max_size=3, unique=True)),
        "symptoms": draw(st.lists(st.sampled_from(["bone pain", "bleeding"]), max_size=1)),
    }


def _stopped(kb: KnowledgeBase, given: str, stopped: set[str]) -> bool:
    """Rule 1 read from the data: a drug or regimen counts as stopped working when it is named,
    when a regimen containing the drug is, when a key drug of the regimen is (any drug of one
    with no key drugs: capecitabine alone stopped leaves CAPOX, whose oxaliplatin has not been
    tried), when a regimen with
    a key drug the regimen contains is (FOLFIRI for CAPIRI, through irinotecan), or when a
    regimen holding every drug of a drug regimen is (FOLFOX for 5-FU with leucovorin), or, for a
    regimen of no key drug, when a regimen holding any of its drugs is (cisplatin and paclitaxel
    for paclitaxel and topotecan, and for cisplatin and topotecan: the cervical pairs have no key
    drug) and is not something else too (weekly cisplatin with radiation, after which the pairs
    are the chemotherapy for cancer that came back); none of the last three for a regimen that
    is also something else (weekly cisplatin with radiation, a chemoradiation).
    A procedure that regimens count as (chemoradiation, a drug treatment too) counts when it is
    named, or a regimen that counts as it is (weekly cisplatin with radiation): one that stopped
    working is not given again."""
    record = kb.by_id[given]
    counting = {r.id for r in kb.data.regimens if given in r.counts_as}
    if counting:
        return given in stopped or bool(counting & stopped)
    if kb.kind_of[given] == "drugs":
        return given in stopped or any(
            given in r.components for r in kb.data.regimens if r.id in stopped
        )
    if kb.kind_of[given] == "regimens":
        parts = set(record.components)  # type: ignore[union-attr]
        through_key_drug = not record.counts_as and any(  # type: ignore[union-attr]
            set(r.key_drugs) & parts for r in kb.data.regimens if r.id in stopped
        )
        inside = not record.counts_as and any(  # type: ignore[union-attr]
            parts <= set(r.components) for r in kb.data.regimens if r.id in stopped)
        through_a_drug = not record.key_drugs and not record.counts_as and any(  # type: ignore[union-attr]
            set(r.components) & parts for r in kb.data.regimens
            if r.id in stopped and not r.counts_as)
        stopping = set(record.key_drugs or record.components)  # type: ignore[union-attr]
        return (given in stopped or bool(stopping & stopped) or through_key_drug or inside
                or through_a_drug)  # fmt: skip
    return False


@SETTINGS
@given(data=stopped_or_barred())
@example(data={"cancer": "rectum", "stage": "4", "progressed_on": ["FOLFOX"], "cannot_have": [],
               "symptoms": []})  # 5-FU with leucovorin, all of it in FOLFOX
@example(data={"cancer": "rectum", "stage": "4", "progressed_on": ["capecitabine"],
               "cannot_have": [], "symptoms": []})  # CAPOX and CAPIRI had been not suitable
@example(data={"cancer": "rectum", "stage": "4", "progressed_on": ["fluorouracil"],
               "cannot_have": [], "symptoms": []})  # and FOLFOX and FOLFIRI
@example(data={"cancer": "cervix", "stage": "4A", "progressed_on": ["chemoradiation"],
               "cannot_have": [], "symptoms": []})  # was offered again (a review, 2026-12-02)
@example(data={"cancer": "cervix", "stage": "4A", "cannot_have": [], "symptoms": [],
               "progressed_on": ["weekly cisplatin with radiation"]})  # the other was offered
@example(data={"cancer": "cervix", "stage": "4B", "cannot_have": [], "symptoms": [],
               "progressed_on": ["cisplatin and paclitaxel"]})  # paclitaxel and topotecan
@example(data={"cancer": "cervix", "stage": "4B", "cannot_have": [], "symptoms": [],
               "progressed_on": ["paclitaxel"]})  # cisplatin and paclitaxel had been offered
@example(data={"cancer": "cervix", "stage": "4B", "cannot_have": [], "symptoms": [],
               "progressed_on": ["weekly cisplatin with radiation"]})  # the pairs stay
def test_what_stopped_working_counts_through_regimens_both_ways(data: dict[str, Any]) -> None:
    kb = shared_kb()
    profile = parse_profile(data, kb)
    stopped = set(facts_of(profile, kb).row["progressed_on"] or ())
    for option in evaluate(profile, kb).options:
        record = kb.by_id[option.id]
        choices = set(record.choices)  # type: ignore[union-attr]
        givens = [*record.uses, *record.given_with]  # type: ignore[union-attr]
        # a partner whose stopping only flags the option (cetuximab with irinotecan: its own
        # test, above) is no hit
        asks = set(record.stopped_partner_asks)  # type: ignore[union-attr]
        hit = {g for g in givens if _stopped(kb, g, stopped) and g not in asks}
        # and only those: a regimen is not ruled out through a drug it only builds on (CAPOX
        # after capecitabine alone; FOLFOX and FOLFIRI after 5-FU)
        said = {r.given for r in [*option.reasons, *option.choices_ruled_out]
                if r.kind == "ruled_out" and "stopped working" in r.text
                and kb.kind_of.get(str(r.given)) in ("drugs", "regimens")}  # fmt: skip
        assert said <= hit, (option.id, said, data)
        if hit - choices:
            assert option.status is Status.not_suitable, (option.id, data)
            named = {r.given for r in option.reasons if r.kind == "ruled_out"}
            assert hit - choices <= named, (option.id, option.reasons)
        for choice in hit & choices:
            if option.status is not Status.not_suitable:
                assert choice in {r.given for r in option.choices_ruled_out}, option.id
                assert kb.name_of(choice) not in option.choices_left


@SETTINGS
@given(data=stopped_or_barred())
@example(data={"cancer": "rectum", "stage": "4", "cannot_have": [], "symptoms": [],
               "progressed_on": ["capecitabine", "FOLFOX", "FOLFIRI"]})  # fmt: skip
@example(data={"cancer": "rectum", "stage": "4", "symptoms": [], "progressed_on": ["Xeloda"],
               "cannot_have": ["oxaliplatin", "irinotecan"]})  # fmt: skip
@example(data={"cancer": "cervix", "stage": "4A", "progressed_on": ["topotecan"],
               "cannot_have": [], "symptoms": []})  # fmt: skip
@example(data={"cancer": "rectum", "stage": "4", "progressed_on": ["fluorouracil"],
               "cannot_have": ["anti-vegf"], "symptoms": []})  # fmt: skip
def test_a_mix_said_not_ruled_out_is_not_ruled_out(data: dict[str, Any]) -> None:
    """The warning that a mix gives a drug that stopped working with one not listed as stopped
    working ("... they are not ruled out") never names a mix the answer rules out another way (it
    had, beside CAPOX and CAPIRI not suitable once FOLFOX and FOLFIRI stopped too: a review of the
    change), and names only a mix that an option of the answer gives and may suit, not among its
    choices ruled out: one the answer leaves open."""
    kb = shared_kb()
    result = evaluate(parse_profile(data, kb), kb)
    named = {kb.find(n)[0].id for w in result.warnings if "not listed as stopped working" in w
             for n in re.findall(r"\u201c([^\u201d]+)\u201d", w)}  # fmt: skip
    left = set()
    for option in result.options:
        record = kb.by_id[option.id]
        # the mix itself is never what rules an option out (bevacizumab with FOLFIRI may be,
        # through bevacizumab, beside FOLFIRI named)
        said = {r.given for r in [*option.reasons, *option.choices_ruled_out]
                if r.kind == "ruled_out"}  # fmt: skip
        assert not named & said, (option.id, named & said, data)
        if option.status is not Status.not_suitable:
            left |= {*record.uses, *record.given_with} - {  # type: ignore[union-attr]
                r.given for r in option.choices_ruled_out}
    assert named <= left, (named - left, data)


def test_a_mix_not_ruled_out_is_named_though_another_cannot_be_had(kb) -> None:  # type: ignore[no-untyped-def]
    """5-FU with leucovorin stopped working and CAPOX cannot be had: FOLFOX is named with FOLFIRI
    as a mix not yet ruled out, as the answer leaves it open (one who cannot have CAPOX may have
    FOLFOX). The warning's own copy of the rule had read CAPOX as a kind of oxaliplatin and left
    FOLFOX out; it is now made from the answer's options."""
    data = {"cancer": "rectum", "stage": "4", "progressed_on": ["5-FU with leucovorin"],
            "cannot_have": ["CAPOX"]}  # fmt: skip
    result = evaluate(parse_profile(data, kb), kb)
    (said,) = [w for w in result.warnings if "not listed as stopped working" in w]
    assert "\u201cFOLFOX\u201d" in said and "\u201cFOLFIRI\u201d" in said, said
    assert "CAPOX" not in said


@SETTINGS
@given(data=stopped_or_barred())
@example(data={"cancer": "cervix", "stage": "4B", "progressed_on": ["cisplatin"],
               "cannot_have": [], "symptoms": []})  # fmt: skip
def test_a_reason_of_what_is_ruled_out_says_who_the_option_is_for_too(data: dict[str, Any]) -> None:
    """An option ruled out by the person's answers, whose condition does not fit them either,
    says both: "it gives cisplatin, which has already stopped working" alone had read, to one
    with stage 4B, as if radiation with weekly cisplatin (for stage 4A) would otherwise fit."""
    kb = shared_kb()
    profile = parse_profile(data, kb)
    facts = facts_of(profile, kb)
    for option in evaluate(profile, kb).options:
        if any(r.kind == "ruled_out" for r in option.reasons):
            rules = kb.rules[option.id].at(facts.site)
            if truth(rules.when, facts.row) is Truth.FALSE:
                assert any(r.kind == "condition" for r in option.reasons), (option.id, data)


def test_a_condition_held_within_another_is_not_said_as_one(kb) -> None:  # type: ignore[no-untyped-def]
    """The cervical palliative radiation (stage 4B or came back far, with symptoms) merged with
    the general one (symptoms) is for symptoms: "stage 4B or ..., with symptoms, or symptoms" is
    "symptoms". Its reason to one with no symptoms had named stage 4B too, as if it would do."""
    data = {"cancer": "cervix", "stage": "4A", "recurrence": "none", "symptoms": []}
    got = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}
    radiation = got["cervix-palliative-radiation"]
    assert radiation.status is Status.not_suitable
    assert "stage 4B" not in (radiation.reason or ""), radiation.reason
    assert "symptoms" in (radiation.reason or ""), radiation.reason


@SETTINGS
@given(data=stopped_or_barred())
def test_alternatives_are_alternatives(data: dict[str, Any]) -> None:
    """An option that lists choices is ruled out by the person's answers only when every choice
    is; otherwise it names the choices left, and those ruled out with why."""
    kb = shared_kb()
    for option in evaluate(parse_profile(data, kb), kb).options:
        choices = kb.by_id[option.id].choices  # type: ignore[union-attr]
        if not choices:
            assert not option.choices_left and not option.choices_ruled_out
            continue
        removed = {r.given for r in option.choices_ruled_out}
        if option.choices_ruled_out:
            assert option.choices_left, option.id
            assert {kb.name_of(c) for c in choices if c not in removed} == set(option.choices_left)
        if option.status is Status.not_suitable and all(
            r.kind == "ruled_out" for r in option.reasons
        ):
            ruled = {r.given for r in option.reasons}
            too_few = len(set(choices) - ruled) < kb.by_id[option.id].choices_min  # type: ignore[union-attr]
            assert too_few or ruled - set(choices), (option.id, ruled)


def test_a_choice_left_is_named_with_the_one_that_stopped(kb) -> None:  # type: ignore[no-untyped-def]
    """FOLFOX stopped working: the stomach option of 5-FU or capecitabine stays, with capecitabine
    left and fluorouracil named as part of FOLFOX (issue 9, rule 1)."""
    result = evaluate(parse_profile({"cancer": "stomach", "progressed_on": ["FOLFOX"]}, kb), kb)
    chemo = next(o for o in result.options if o.id == "stomach-chemotherapy")
    assert chemo.status is not Status.not_suitable
    assert chemo.choices_left == ["capecitabine"]
    (why,) = chemo.choices_ruled_out
    assert why.given == "fluorouracil" and "part of FOLFOX" in why.text


@SETTINGS
@given(pair=partial_and_more())
def test_a_combination_is_never_more_available_than_its_parts(pair) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, rule 3, over all options: an option that gives a regimen, or is given with one,
    is offered only if the regimen on its own is, and is not suitable when the regimen is not."""
    kb = shared_kb()
    for data in pair:
        result = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}
        for option in result.values():
            record = kb.by_id[option.id]
            given = {*record.uses, *record.given_with}  # type: ignore[union-attr]
            for part in kb.options:
                alone = part.uses and len(part.uses) == 1 and not part.given_with
                if part.id == option.id or not alone or part.uses[0] not in given:
                    continue
                if kb.kind_of[part.uses[0]] != "regimens" or part.id not in result:
                    continue
                regimen = result[part.id]
                if option.status is Status.offered:
                    assert regimen.status is Status.offered, (option.id, part.id, data)
                if regimen.status is Status.not_suitable:
                    assert option.status is Status.not_suitable, (option.id, part.id, data)


@st.composite
def earlier_stage(draw: st.DrawFn) -> dict[str, Any]:
    """A profile of stage 1 to 3 (or unknown stage), with recurrence any value or unknown."""
    data = draw(partial_and_more())[0]
    data["stage"] = draw(st.sampled_from(["1", "II", "3b", None]))
    data["recurrence"] = draw(st.sampled_from(["none", "yes", "local", "distant", None]))
    return {k: v for k, v in data.items() if v is not None}


@SETTINGS
@given(data=earlier_stage())
@example(data={"cancer": "rectum", "cannot_have": ["chemotherapy"], "metastases": [],
               "stage": "1", "recurrence": "none"})  # fmt: skip
@example(data={"cancer": "stomach", "stage": "1", "recurrence": "none", "metastases": ["bone"],
               "prior_treatments": []})  # fmt: skip
def test_the_sources_are_about_advanced_cancer(data: dict[str, Any]) -> None:
    """Issue 9, rule 5: stage 1 to 3 that has not come back gets no option (each not suitable,
    saying why); when it is not known whether it came back, nothing is offered and that is
    what is missing; a stage not known never rules anything out this way. Whether it came back
    is as read (``kb.rules.IMPLIED``): spread to a distant organ, not said, means it came back
    far away; "not come back" with such spread does not fit, and is taken as not known."""
    kb = shared_kb()
    profile = parse_profile(data, kb)
    result = evaluate(profile, kb)
    row = facts_of(profile, kb).row
    # given as stage 1 to 3, and still read so (cervical cancer with distant spread is read as
    # 4B, metastatic, whatever else is said: its options then apply)
    earlier = "stage" in data and row["stage"] != "4B"
    recurrence = row["recurrence"]
    distant = set(data.get("metastases", [])) & (DISTANT_SITES | {"a distant part of the body"})
    if earlier and distant:  # the two readings IMPLIED gives, checked here on their own
        given = data.get("recurrence")
        assert recurrence == ({None: "distant", "none": None}.get(given, given)), data
    for option in result.options:
        kinds = {r.kind for r in option.reasons}
        if earlier and recurrence == "none":
            assert option.status is Status.not_suitable, option.id
            # ruled out by their answers, and (when its condition does not fit either) who it is
            # for, which says the stage (``engine.evaluate_option``)
            assert kinds in ({"not_advanced"}, {"ruled_out"}, {"ruled_out", "condition"}), (
                option.id, kinds)  # fmt: skip
        elif earlier and recurrence is None:
            assert option.status is not Status.offered, option.id
            if option.status not in (Status.not_suitable, Status.declined):
                assert "recurrence" in {m.fact for m in option.missing}, option.id
        else:
            assert "not_advanced" not in kinds, option.id


@st.composite
def cervical_spread(draw: st.DrawFn) -> dict[str, Any]:
    """Cervical cancer with distant spread or a distant recurrence, any stage or none."""
    data = draw(partial_and_more())[0]
    data["cancer"] = "cervix"
    data["stage"] = draw(st.sampled_from(["2", "4", "4A", "4B", None]))
    far = draw(st.sampled_from(["recurrence", "metastases", "both"]))
    data["recurrence"] = draw(st.sampled_from(["yes", "local", "none", None]))
    if far in ("recurrence", "both"):
        data["recurrence"] = "distant"
    if far in ("metastases", "both"):
        data["metastases"] = draw(st.lists(st.sampled_from(["liver", "lung", "bone"]), min_size=1))
    return {k: v for k, v in data.items() if v is not None}


@SETTINGS
@given(data=cervical_spread())
@example(data={"cancer": "cervix", "stage": "4A", "recurrence": "yes", "metastases": ["liver"]})
def test_metastatic_means_metastatic(data: dict[str, Any]) -> None:
    """Issue 9, rule 4: cervical cancer that came back far away or has distant metastases, after
    any stage but 4A, is never refused an option for stage 4B disease because of its stage; nor
    is stage 4A that came back far away (a review found it undecided, "4A or 4B?"), nor stage 4A
    that came back (where not said, or in the pelvis) with distant spread, which is 4B
    (``rules.CAME_BACK``); stage 4A with distant spread, not said to have come back, leaves 4A
    and 4B options undecided."""
    kb = shared_kb()
    result = evaluate(parse_profile(data, kb), kb)
    stage = data.get("stage")
    back_far = data.get("recurrence") == "distant" or (
        data.get("recurrence") in ("yes", "local") and "metastases" in data)
    metastatic = (stage != "4A" or back_far) and (back_far or "metastases" in data)
    for option in result.options:
        for_4b = any(
            t.fact == "stage" and "4B" in (t.in_ or [])
            for t in fact_tests(kb.by_id[option.id].when)  # type: ignore[union-attr]
        )
        if not for_4b:
            continue
        if metastatic or stage == "4B":
            stage_reasons = [r for r in option.reasons if r.check and r.check.fact == "stage"]
            assert not stage_reasons, (option.id, data)
        if stage == "4A" and not back_far and not option.relieves_your_symptoms:
            # (radiation for a symptom the person has suits whatever the sub-stage)
            assert option.status is not Status.offered, option.id


@SETTINGS
@given(pair=partial_and_more())
def test_one_answer_per_treatment(pair) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, rule 7: a general option that is the same as an option of the person's own source
    is never shown beside it; the own option cites both sources."""
    kb = shared_kb()
    for data in pair:
        shown = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}
        for option in kb.options:
            for same in option.same_as:
                if same in shown:
                    assert option.id not in shown, (option.id, same)
                    cited = {(c.source, c.start) for c in shown[same].citations}
                    assert {(s.source, s.start) for s in option.evidence} <= cited


@SETTINGS
@given(pair=partial_and_more())
def test_offered_first_and_not_suitable_last(pair) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, rule 9: across kinds of treatment, options come by status (offered, needs
    information, in trials, not suitable), declined cancer treatments last."""
    kb = shared_kb()
    order = [Status.offered, Status.needs_information, Status.in_trials, Status.not_suitable]
    for data in pair:
        options = evaluate(parse_profile(data, kb), kb).options
        keys = [(o.not_chosen, order.index(o.status) if not o.not_chosen else 0) for o in options]
        assert keys == sorted(keys), [(o.id, o.status.value) for o in options]


@SETTINGS
@given(pair=partial_and_more())
def test_that_a_kind_of_treatment_stopped_leaves_its_drugs_undecided(pair) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, rules 1 and 4 (review): when only the kind of treatment that stopped working is
    known (chemotherapy), an option giving a drug of that kind is never offered as if it had
    not (unless it is the source's next step after that kind stopped), and never ruled out by it:
    unknown is neither positive nor negative."""
    kb = shared_kb()
    for data in pair:
        if data.get("progressed_on") != ["chemotherapy"]:
            data = {**data, "progressed_on": ["chemotherapy"], "prior_treatments": ["chemotherapy"]}
        result = evaluate(parse_profile(data, kb), kb)
        for option in result.options:
            rules = kb.rules[option.id]
            maybe = [r for r in rules.ruled_out if r.fact == "progressed_on"
                     and "chemotherapy" in r.test.unknown]  # fmt: skip
            if maybe and option.status is Status.not_suitable:
                assert not any(
                    r.kind == "ruled_out" and r.check and r.check.fact == "progressed_on"
                    for r in option.reasons
                ), option.id
            if maybe and not rules.choices and option.status is not Status.not_suitable:
                assert option.status is not Status.offered, option.id


@SETTINGS
@given(pair=partial_and_more())
def test_a_result_is_what_validating_its_json_gives(pair) -> None:  # type: ignore[no-untyped-def]
    """Validating the JSON of a result gives an equal result: what is written out reads back."""
    from onconav.result import Result

    kb = shared_kb()
    for data in pair:
        result = evaluate(parse_profile(data, kb), kb)
        again = Result.model_validate_json(result.model_dump_json())
        assert again.model_dump() == result.model_dump()
        assert again.model_dump_json() == result.model_dump_json()


# Issue 9, readings: regorafenib is for after most other treatments. That most have been tried is
# derived from what stopped working or cannot be used when the person does not say; their own
# answer wins, and the derivation is said in a warning.

LINES = ["FOLFOX", "CAPOX", "oxaliplatin", "FOLFIRI", "CAPIRI", "irinotecan", "bevacizumab",
         "cetuximab", "panitumumab", "fluorouracil", "capecitabine", "chemotherapy"]  # fmt: skip


@st.composite
def late_lines(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "cancer": draw(st.sampled_from(["rectum", "colon", "stomach"])),
        "stage": "4",
        "metastases": ["liver"],
        "progressed_on": draw(st.lists(st.sampled_from(LINES), max_size=6, unique=True)),
        "cannot_have": draw(st.lists(st.sampled_from(LINES), max_size=3, unique=True)),
    }
    kras = draw(st.sampled_from([None, "wild-type", "mutated"]))
    tried = draw(st.sampled_from([None, True, False]))
    if kras:
        data["biomarkers"] = {"kras": kras}
    if tried is not None:
        data["most_treatments_tried"] = tried
    return data


def _tried(kb: KnowledgeBase, drugs: set[str], stopped: set[str], barred: set[str]) -> bool:
    """The issue's reading: a line of treatment has been tried when one of its drugs, or a
    regimen containing it, stopped working, or the drug itself cannot be used."""
    for drug in drugs:
        if drug in stopped | barred:
            return True
        if any(drug in r.components for r in kb.data.regimens if r.id in stopped):
            return True
    return False


@SETTINGS
@given(data=late_lines())
def test_most_treatments_tried_is_derived_and_the_answer_wins(data: dict[str, Any]) -> None:
    kb = shared_kb()
    profile = parse_profile(data, kb)
    facts = facts_of(profile, kb)
    stopped = set(facts.given["progressed_on"] or ())
    barred = set(facts.given["cannot_have"] or ())
    kras = data.get("biomarkers", {}).get("kras")
    covered = data["cancer"] == "rectum" and all(
        (
            _tried(kb, {"oxaliplatin"}, stopped, barred),
            _tried(kb, {"irinotecan"}, stopped, barred),
            _tried(kb, {"bevacizumab"}, stopped, barred),
            kras == "mutated" or _tried(kb, {"cetuximab", "panitumumab"}, stopped, barred),
        )
    )
    said = data.get("most_treatments_tried")
    expected = said if said is not None else (True if covered else None)
    assert facts.row["most_treatments_tried"] is expected, (data, facts.row)
    derived = any(w.startswith("most_treatments_tried: taken as yes") for w in facts.warnings)
    assert derived is (said is None and covered)
    if data["cancer"] == "rectum":
        result = evaluate(profile, kb)
        regorafenib = next(o for o in result.options if o.id == "rectum-regorafenib")
        if expected is None:
            assert regorafenib.status is Status.needs_information
        if expected is True:
            assert regorafenib.status is not Status.needs_information or regorafenib.missing
            assert "most_treatments_tried" not in {m.fact for m in regorafenib.missing}


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "stomach"}, {"cancer": "stomach", "metastases": ["liver"],
                                       "stage": "earlier"}))  # fmt: skip
def test_a_derived_value_never_overrides_an_answer_and_is_said(pair) -> None:  # type: ignore[no-untyped-def]
    """A value the data derives (``derived`` in facts.yaml) is taken only when the person did not
    answer, and is said: a warning names the fact and says how it was derived, or (a derived
    value with ``told``) each option it rules out says how in its reason."""
    kb = shared_kb()
    with_derived = {f.id for f in kb.facts.values() if f.derived}
    assert {"most_treatments_tried", "hormone_sensitive", "weak_bone"} <= with_derived
    for data in pair:
        facts = facts_of(parse_profile(data, kb), kb)
        for fact in with_derived:
            if facts.given[fact] is not None:
                assert facts.row[fact] == facts.given[fact], (fact, data)
            elif facts.row[fact] is not None and fact in facts.told:
                told = facts.told[fact]
                for option in evaluate(parse_profile(data, kb), kb).options:
                    for reason in option.reasons:
                        if reason.check is not None and reason.check.fact == fact:
                            # said as what it is drawn from, not among the person's answers
                            assert told in reason.text, (option.id, reason.text)
                            assert "from your other answers" not in reason.text, reason.text
            elif facts.row[fact] is not None:
                # "recurrence: taken as ...", or "recurrence: stage 1 to 3 with spread to distant
                # organs is read as cancer that came back far away; ..." (found by new draws)
                assert any(w.startswith(f"{fact}: ") and (" taken as " in w or " read as " in w)
                           for w in facts.warnings), (fact, facts.warnings)  # fmt: skip
    if pair[0]["cancer"] == "prostate" and "hormone_sensitive" not in pair[0]:
        assert facts_of(parse_profile(pair[0], kb), kb).row["hormone_sensitive"] is True


# Stage 4B said not to have come back had spread far from the start, so any chemotherapy had,
# with radiation or not, was given for cancer that had spread: cemiplimab, for cervical cancer
# after such chemotherapy stopped working [ccs-cervical-stage4 2533-2687], had asked it of one with
# stage 4B that had not come back, after chemotherapy, when the treatments had were not listed
# (they might have held chemoradiation; a review of cervical answers). Not said whether it came
# back, chemotherapy with radiation may have been for an earlier stage (kb/rules.py).
CHEMO_HAD = ["cisplatin", "carboplatin and paclitaxel", "topotecan", "chemotherapy",
             "cisplatin with radiation"]  # fmt: skip
NOT_CHEMO_HAD = ["radiation", "pembrolizumab", "bevacizumab"]


@SETTINGS
@given(
    stage=st.sampled_from(["4B", "4A", "4", "earlier", None]),
    field=st.sampled_from(["progressed_on", "prior_treatments"]),
    had=st.lists(st.sampled_from(CHEMO_HAD + NOT_CHEMO_HAD), min_size=1, max_size=3, unique=True),
    said=st.sampled_from([None, True, False]),
    recurrence=st.sampled_from([None, "distant", "local", "none"]),
)
@example(stage="4B", field="progressed_on", had=["chemotherapy"], said=None, recurrence="none")
def test_chemotherapy_had_at_stage_4b_was_for_spread_cancer(
    stage: str | None, field: str, had: list[str], said: bool | None, recurrence: str | None
) -> None:
    kb = shared_kb()
    data: dict[str, Any] = {"cancer": "cervix", field: had}
    for name, value in (("stage", stage), ("chemo_for_spread", said), ("recurrence", recurrence)):
        if value is not None:
            data[name] = value
    profile = parse_profile(data, kb)
    facts = facts_of(profile, kb)
    chemo = bool(set(had) & set(CHEMO_HAD))
    if said is None and stage == "4B" and chemo and recurrence == "none":
        assert facts.row["chemo_for_spread"] is True, data
        for option in evaluate(profile, kb).options:
            assert "chemo_for_spread" not in {m.fact for m in option.missing}, (option.id, data)
    elif said is not None:
        assert facts.row["chemo_for_spread"] is said, data
    elif stage != "4B" or recurrence in ("distant", "local"):  # it may have been for an earlier
        # stage, before the cancer came back
        assert facts.row["chemo_for_spread"] is not True, data


def test_every_symptom_with_kinds_asks_which(kb) -> None:  # type: ignore[no-untyped-def]
    parents = {s.parent for s in kb.data.symptoms if s.parent}
    assert parents, "no symptom has kinds"
    for symptom in kb.data.symptoms:
        assert (symptom.which is not None) is (symptom.id in parents), symptom.id


@SETTINGS
@given(pair=partial_and_more())
def test_a_broad_symptom_is_narrowed_by_its_question(pair) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, readings (bleeding): when the person listed their symptoms and an option still
    depends on them, it is because a symptom was named broadly (bleeding, not where from): the
    question asked is that symptom's own narrowing question, not the general one (or the
    questions of each such symptom, each once: bleeding and pain both named broadly). A list
    that may not be whole asks for what it may leave out too
    (``test_a_list_that_may_not_be_whole_is_asked_for_what_it_may_leave_out_by_name``)."""
    kb = shared_kb()
    for data in pair:
        facts = facts_of(parse_profile(data, kb), kb)
        listed = facts.row["symptoms"]
        if not listed or OTHERS_NOT_KNOWN in listed:  # a list that may not be whole: below
            continue
        whiches = {kb.by_id[s].which for s in listed} - {None}  # type: ignore[union-attr]
        for option in evaluate(parse_profile(data, kb), kb).options:
            for missing in option.missing:
                if missing.fact == "symptoms":
                    rest = missing.question
                    for which in whiches:
                        assert rest.count(which) <= 1, (option.id, data)
                        rest = rest.replace(which, "")
                    assert rest.strip() == "" != missing.question, (option.id, data)


def test_options_for_one_situation_keep_the_aims_their_passages_give(kb) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, readings: the chemotherapy the cervical source gives for stage 4B is to relieve
    pain and other symptoms (ccs-cervical-stage4 1286-1444), and none claims more; its
    immunotherapy helps the immune system fight the cancer (2369-2531) and targeted drugs attack
    what helps cancer cells grow (acs-advanced 8071-8298), so those aim to control the cancer
    too (a clinical review: they had been "to relieve symptoms" only). A combination never
    claims more than its parts."""
    from onconav.kb.rules import SYSTEMIC

    aims: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for option in kb.options:
        if option.modality in SYSTEMIC and not option.in_trials:
            stages = tuple(sorted(v for t in fact_tests(option.when) if t.fact == "stage"
                                  for v in (t.in_ or [])))  # fmt: skip
            key = (*option.cancers, *stages, option.modality.value)
            aims.setdefault(key, set()).add(tuple(sorted(i.value for i in option.intent)))
    # metastatic: stage 4B, or stage 1 to 4A that came back far away
    assert aims[("cervix", "4A", "4B", "earlier", "chemotherapy")] == {("relieve",)}
    for kind in ("immunotherapy", "targeted_therapy"):
        assert all("control" in aim for aim in aims[("cervix", "4A", "4B", "earlier", kind)])
    for option in kb.options:
        for partner in kb.rules[option.id].partners:
            partner_aims = set(kb.by_id[partner].intent)  # type: ignore[union-attr]
            assert set(option.intent) <= partner_aims, (option.id, partner)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partial_and_more())
@example(({"cancer": "stomach", "stage": "4", "cannot_have": ["lapatinib"]},
          {"cancer": "stomach", "stage": "4", "wants_cancer_treatment": False}))  # fmt: skip
def test_an_option_only_studied_never_states_an_aim_as_fact(
    profiles: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """Lapatinib, only being evaluated for stomach cancer, showed "Aim: to control the cancer
    and help you live longer": an option only in trials states its aim as what the studies are
    to learn, on every view (render.details, which the page and report use, and the cards)."""
    kb = shared_kb()
    for profile in profiles:
        for option in evaluate(parse_profile(profile, kb), kb).options:
            aim = next(line for line in render.details(option) if line.startswith("Aim: "))
            studied = kb.rules[option.id].in_trials  # the data's flag, whatever the status
            assert option.in_trials is studied
            assert aim.startswith(("Aim: being studied, to learn whether it works",
                                   "Aim: to test a new treatment")) is (
                studied or "learn" in option.intent), (option.id, aim)  # fmt: skip


def test_an_early_trial_aims_to_learn(kb) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, readings: a phase I trial aims to find a dose and whether a drug acts, which the
    page says in words, claiming no benefit; a person who does not want cancer treatment
    declines it."""
    from onconav.render import markdown

    data = {"cancer": "stomach", "recurrence": "distant"}
    result = evaluate(parse_profile(data, kb), kb)
    trial = next(o for o in result.options if o.id == "stomach-phase-1-trials")
    assert trial.intent == ["learn"] and trial.status is Status.offered
    assert "learn whether it is safe and works against the cancer; it may or may not help you" in (
        markdown(result))
    declined = evaluate(parse_profile({**data, "wants_cancer_treatment": False}, kb), kb)
    assert next(o for o in declined.options if o.id == trial.id).status is Status.declined


@SETTINGS
@given(pair=partial_and_more(), stage=st.sampled_from(["2", "3", "4", None]),
       recurrence=st.sampled_from(["local", "none", "yes", "distant", None]),
       metastases=st.sampled_from([None, [], ["pelvis"], ["liver"],
                                   ["pelvis", "others not known"]]))
@example(pair=({"resectable": False, "prior_treatments": ["low anterior resection", "CAPOX"],
                "symptoms": ["bleeding"]},) * 2,
         stage="3", recurrence="local", metastases=["pelvis"])  # a clinical review's
def test_rectal_cancer_that_came_back_where_it_started_sees_the_general_options(
    pair: tuple[dict[str, Any], dict[str, Any]], stage: str | None, recurrence: str | None,
    metastases: list[str] | None,
) -> None:
    """The rectal source names its drugs for stage 4 or spread far, and says that cancer that
    came back where it started may be treated otherwise: rectal cancer that came back only
    there (not stage 4, no spread far known) and that surgery cannot remove sees the general
    source's options beside its own, saying so (a clinical review found it shown no
    chemotherapy as the main treatment, and no targeted drug: each rectal one "is for stage
    4"); one surgery can remove, stage 4 or spread far, only its own (a review of the change:
    it had been every local recurrence); not known, both, the general ones asking. The same
    treatment in both sources is shown once (radiation to ease symptoms, trials)."""
    kb = shared_kb()
    data = {k: v for k, v in {**pair[0], "cancer": "rectum", "stage": stage,
                              "recurrence": recurrence, "metastases": metastases}.items()
            if v is not None}  # fmt: skip
    facts = facts_of(parse_profile(data, kb), kb)
    covered = truth(dict(kb.rules["general-chemotherapy"].scope.uncovered)["rectum"], facts.row)
    result = evaluate(parse_profile(data, kb), kb)
    shown = {o.id: o for o in result.options}
    assert ("general-chemotherapy" in shown) is (covered is not Truth.TRUE), (data, facts.row)
    far = metastases is not None and "liver" in metastases
    if stage == "4" or facts.row["recurrence"] == "distant" or far or data.get("resectable"):
        assert covered is Truth.TRUE, (data, facts.row)
    elif (facts.row["recurrence"] == "local" and stage in ("2", "3")
          and metastases in ([], ["pelvis"]) and data.get("resectable") is False):  # fmt: skip
        assert covered is Truth.FALSE, (data, facts.row)
        assert "covers this situation only in part" in result.scope
        if data.get("prior_treatments") == ["low anterior resection", "CAPOX"]:  # the example
            assert shown["general-chemotherapy"].status is Status.offered
    assert "general-clinical-trial" not in shown and "general-palliative-radiation" not in shown


@SETTINGS
@given(pair=partial_and_more(), stage=st.sampled_from(["4", "4A", "4B", None]),
       recurrence=st.sampled_from(["none", "local", "distant", None]),
       metastases=st.sampled_from([None, [], ["pelvis"], ["lymph nodes"], ["liver"],
                                   ["pelvis", "others not known"], ["pelvis", "bone"]]))
@example(pair=({"prior_treatments": [], "symptoms": []},) * 2, stage="4", recurrence="none",
         metastases=["pelvis"])  # a clinical review's
@example(pair=({"prior_treatments": []},) * 2, stage="4", recurrence=None,
         metastases=["pelvis"])  # a review of the change: no treatment, not said
def test_cervical_stage_4_spread_only_within_the_pelvis_is_4a(
    pair: tuple[dict[str, Any], dict[str, Any]], stage: str | None, recurrence: str | None,
    metastases: list[str] | None,
) -> None:
    """Cervical cancer of stage 4, not come back, whose places of spread are known and none is
    beyond the pelvis (the pelvis, or nowhere) is stage 4A, as one with a distant place is 4B:
    it had every option that depends on it asking "Is it stage 4A or stage 4B?" (a clinical
    review). Lymph nodes, or places perhaps not listed, leave it as given; so does any other
    stage, or a cancer that came back."""
    kb = shared_kb()
    data = {k: v for k, v in {**pair[0], "cancer": "cervix", "stage": stage,
                              "recurrence": recurrence, "metastases": metastases}.items()
            if v is not None}  # fmt: skip
    facts = facts_of(parse_profile(data, kb), kb)
    only_pelvis = metastases in ([], ["pelvis"])
    # not come back, or not said (no treatment had is read as not come back after this rule:
    # stage 4 with pelvis only and no treatment had still asked "4A or 4B?", a review)
    if stage == "4" and recurrence in ("none", None) and only_pelvis:
        assert facts.row["stage"] == "4A", (data, facts.row["stage"])
        assert any(w.startswith("stage: stage 4 cervical cancer not known to have come back")
                   for w in facts.warnings), facts.warnings  # fmt: skip
        result = evaluate(parse_profile(data, kb), kb)
        asked = {m.question for o in result.options for m in o.missing if m.fact == "stage"}
        assert not asked, asked
    elif stage == "4" and metastases is not None and not only_pelvis and "liver" not in (
            metastases) and "bone" not in metastases:  # fmt: skip
        assert facts.row["stage"] == "4", (data, facts.row["stage"])  # as given
    if stage in ("4A", "4B"):  # a sub-stage given is not re-read from the places
        assert facts.row["stage"] in (stage, "4", "4B"), (data, facts.row["stage"])


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "cervix", "stage": "4A", "symptoms": []},) * 2)  # a clinical review's
def test_a_cancer_never_treated_has_not_come_back(pair: tuple[dict[str, Any], dict[str, Any]]
                                                  ) -> None:  # fmt: skip
    """Cancer that comes back is cancer that returns after treatment: one who has had no
    treatment (none had, none stopped working, no chemotherapy for spread) is not asked whether
    it came back, and it is read as not (stage 4A cervical cancer, no treatment yet, had every
    main treatment of 4A asking "Has the cancer come back after treatment?"). Given, the answer
    is used as given."""
    kb = shared_kb()
    for data in pair:
        data = {k: v for k, v in data.items()
                if k not in ("recurrence", "progressed_on", "chemo_for_spread")}  # fmt: skip
        data["prior_treatments"] = []
        result = evaluate(parse_profile(data, kb), kb)
        for option in result.options:
            assert "recurrence" not in {m.fact for m in option.missing}, (data, option.id)
        row = facts_of(parse_profile(data, kb), kb).row
        assert row["recurrence"] in ("none", "distant"), (data, row["recurrence"])  # distant:
        # stage 1 to 3 with spread far is read as having come back far away (rule 2)
        given = {**data, "recurrence": "local"}  # used as given, the disagreement warned of
        assert facts_of(parse_profile(given, kb), kb).row["recurrence"] == "local"
        said = evaluate(parse_profile(given, kb), kb).warnings
        assert any(w.startswith("recurrence: says the cancer came back, but no treatment")
                   for w in said), said  # fmt: skip
        had = {**given, "prior_treatments": ["surgery"]}
        assert not any("but no treatment is listed" in w
                       for w in evaluate(parse_profile(had, kb), kb).warnings)  # fmt: skip
        if data.get("cancer") == "cervix" and data.get("stage") == "4A" and len(data) == 4:
            shown = {o.id: o.status for o in result.options}
            assert shown["cervix-chemoradiation-weekly-cisplatin"] is Status.offered


@SETTINGS
@given(data=cervical_spread(), stage=st.sampled_from(["2", "3", "4", "4A", "4B", None]),
       recurrence=st.sampled_from(["local", "none", "yes", "distant", None]))  # fmt: skip
@example(data={"cancer": "cervix"}, stage="2", recurrence="yes")  # where not said: may be outside
@example(data={"cancer": "cervix"}, stage="2", recurrence="distant")  # inside: its own source
@example(data={"cancer": "cervix"}, stage="4A", recurrence="local")  # outside: came back
def test_the_general_source_speaks_where_the_own_source_is_silent(
    data: dict[str, Any], stage: str | None, recurrence: str | None
) -> None:
    """Issue 9 review: cervical cancer outside what its source covers (stage 4) sees the general
    source's options (chemotherapy, palliative radiation), saying so; inside it, only its own;
    when it is not known whether it is inside (came back, where not said), both, the general
    ones asking what decides it, and the scope sentence says it depends on answers not given
    (they had been left out, as if inside)."""
    kb = shared_kb()
    data = {k: v for k, v in {**data, "stage": stage, "recurrence": recurrence}.items()
            if v is not None}  # fmt: skip
    data.pop("metastases", None) if stage == "4A" else None
    facts = facts_of(parse_profile(data, kb), kb)
    covered = truth(kb.rules["general-chemotherapy"].scope.uncovered[0][1], facts.row)
    result = evaluate(parse_profile(data, kb), kb)
    shown = {o.id for o in result.options}
    assert ("general-chemotherapy" in shown) is (covered is not Truth.TRUE), (data, facts.row)
    # the source is about the first treatment of stage 4: cancer that came back where it
    # started, of any stage but 4B, is outside it (stage 4A that came back in the pelvis had
    # only the 4A radiation offered again, and no chemotherapy); not said, it may be outside
    if data.get("recurrence") in ("local", "yes", None) and facts.row["stage"] != "4B":
        assert covered is not Truth.TRUE, (data, facts.row)
    if "not come back" not in result.scope:  # stage 1 to 3 that has not come back says so
        assert ("covers this situation only in part" in result.scope) is (covered is Truth.FALSE)
        assert ("depends on answers not given" in result.scope) is (covered is Truth.UNKNOWN)
    if covered is Truth.UNKNOWN:
        chemo = next(o for o in result.options if o.id == "general-chemotherapy")
        assert chemo.status is not Status.offered and (
            chemo.status is not Status.needs_information or chemo.missing), chemo
    assert "general-clinical-trial" not in shown  # the cervical one is the same


@SETTINGS
@given(pair=partial_and_more())
def test_a_reason_says_each_clause_once(pair) -> None:  # type: ignore[no-untyped-def]
    """Where an option joins its own condition with the general source's (one answer per
    treatment), both may test the same thing: the reason says it once ("Surgery for a blocked
    bowel" once said "blockage of the bowel, which you did not list" twice)."""
    kb = shared_kb()
    for data in pair:
        for option in evaluate(parse_profile(data, kb), kb).options:
            reason = (option.reason or "").removeprefix("Not for this situation: ").rstrip(".")
            # the clauses of which none holds: "it is for A, or for B (yours: ...)", or "none of
            # these holds: A; B"
            clauses = re.split(r"; |, or for ", reason.removeprefix("none of these holds: "))
            assert len(clauses) == len(set(clauses)), (option.id, reason)


@SETTINGS
@given(pair=partial_and_more())
def test_a_reason_of_several_conditions_reads_as_words(pair) -> None:  # type: ignore[no-untyped-def]
    """Conditions of which none holds read as logic: "none of these holds: it is for stage of the
    cancer: stage 4B (yours: stage 4A); it is for cancer of stage 1 to 3 that came back ...
    (yours: stage 4A)" (a review of the page). They are said as what the option is for, one or
    another, the person's answer once when every clause gives the same: "it is for stage 4B,
    or for cancer of stage 1 to 3 that came back ... (yours: stage 4A)"."""
    kb = shared_kb()
    for data in pair:
        for option in evaluate(parse_profile(data, kb), kb).options:
            said = (option.reason or "").removeprefix("Not for this situation: ")
            if "none of these holds: " in said:  # only beside a clause of what it is not for
                clauses = said.split("none of these holds: ", 1)[1].split("; ")
                assert not all(c.startswith("it is for ") for c in clauses), (option.id, said)
            for piece in said.split("; "):
                if ", or for " in piece:  # the answer said once when each clause gives it
                    answers = re.findall(r"\(yours: ([^()]*)\)", piece)
                    assert len(answers) == len(set(answers)), (option.id, said)


@SETTINGS
@given(pair=partial_and_more())
def test_a_reason_never_denies_a_yes_or_no(pair) -> None:  # type: ignore[no-untyped-def]
    """A condition that a yes-or-no fact is not so is said as the other answer: "it is not for
    whether surgery could remove all of the cancer: no (yours: no)" read as reassurance to a
    person whose cancer cannot be removed; "it is for ...: yes (yours: no)" now."""
    kb = shared_kb()
    for data in pair:
        for option in evaluate(parse_profile(data, kb), kb).options:
            reason = option.reason or ""
            assert not re.search(r"it is not for [^;]*: (yes|no)\b", reason), (option.id, reason)


def test_pelvic_exenteration_says_plainly_it_is_for_a_cancer_that_can_be_removed(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "resectable": False,
                                     "metastases": ["liver"]}, kb), kb)  # fmt: skip
    option = {o.id: o for o in result.options}["rectum-pelvic-exenteration"]
    assert option.status is Status.not_suitable
    assert ("it is for whether surgery could remove all of the cancer: yes (yours: no)"
            in (option.reason or "")), option.reason  # fmt: skip


def test_a_merged_condition_is_not_said_twice(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile({"cancer": "stomach", "stage": "4", "symptoms": []}, kb), kb)
    surgery = {o.id: o for o in result.options}["stomach-bowel-obstruction-surgery"]
    assert surgery.status is Status.not_suitable
    assert (surgery.reason or "").count("blockage of the bowel") == 1, surgery.reason


@SETTINGS
@given(pair=partial_and_more())
def test_a_label_that_starts_with_a_name_keeps_its_capitals_in_a_reason(pair) -> None:  # type: ignore[no-untyped-def]
    """A fact's label inside a reason starts in lower case ("it is for where the cancer
    started: ..."), but a name in capitals stays one: "HER2 status of the cancer", never "her2
    status of the cancer"."""
    kb = shared_kb()
    named = [f.label for f in kb.facts.values() if f.label[1:2].isupper()]
    assert named  # HER2, KRAS
    for data in pair:
        for option in evaluate(parse_profile(data, kb), kb).options:
            for label in named:
                assert label.lower() not in (option.reason or ""), (option.id, option.reason)


def test_a_reason_names_her2_in_capitals(kb) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile({"cancer": "stomach", "stage": "4", "her2": "negative"}, kb),
                      kb)  # fmt: skip
    trastuzumab = {o.id: o for o in result.options}["stomach-trastuzumab"]
    assert "it is for HER2-positive cancer (yours: HER2-negative)" in (trastuzumab.reason or "")


def test_a_reason_says_what_an_option_is_for_in_the_facts_own_words(kb) -> None:  # type: ignore[no-untyped-def]
    """A review: "It is for stage of the cancer: stage 4B (yours: stage 4A)" read clumsily; it is
    "it is for stage 4B cancer (yours: stage 4A)". Every fact with values that an option's
    condition tests has its own words for what the option is for (``Fact.is_for``), and no
    test of one is said as the fact's label and a colon."""
    result = evaluate(parse_profile({"cancer": "cervix", "stage": "4A", "recurrence": "none"},
                                    kb), kb)  # fmt: skip
    reasons = [o.reason or "" for o in result.options]
    assert any("it is for stage 4B cancer (yours: stage 4A)" in r for r in reasons), reasons
    assert not any("stage of the cancer:" in r for r in reasons), reasons
    for rules in kb.rules.values():
        for test in leaves_of(rules.when):
            fact = kb.facts[test.fact]
            if fact.type.value == "bool" or test.kind == "count":
                continue
            assert fact.is_for, fact.id  # its own words
            assert not test.text.startswith(in_sentence(fact.label) + ":"), test.text


@SETTINGS
@given(cancer=st.sampled_from(CANCERS), fields=st.fixed_dictionaries({}, optional=FIELDS))
def test_no_reason_says_for_stage_of_the_cancer(cancer: str, fields: dict[str, Any]) -> None:
    """Whatever the profile, no reason an option does not suit says "for stage of the" (nor
    "for HER2 status of the" or "for KRAS status of the"): a value's fact is said in its own
    words, "stage 4B cancer", "HER2-positive cancer"."""
    kb = shared_kb()
    result = evaluate(parsed(to_profile(cancer, fields), kb), kb)
    for option in result.options:
        for reason in (option.reason or "", *(r.text for r in option.reasons)):
            assert not re.search(r"for (stage|HER2 status|KRAS status) of the", reason), reason


@SETTINGS
@given(pair=partial_and_more())
def test_the_questions_for_the_care_team_are_in_the_persons_own_voice(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """The rule for every profile: each question to ask the care team is one the person asks
    ("Has my cancer been tested for HER2?"), never one put to them ("Which treatments have you
    already had?", "Do you want treatment aimed at the cancer?" were in the list); each missing
    fact is asked once, in the order of what_would_change."""
    kb = shared_kb()
    for data in pair:
        result = evaluate(parse_profile(data, kb), kb)
        for question in result.questions:
            assert "?" in question, question
            assert not re.search(r"\byou(r|rs|rself)?\b", question, re.IGNORECASE), question
        asked = [q for q in result.questions if q in {f.ask for f in kb.data.facts}]
        expected = [kb.facts[f.fact].ask for f in result.what_would_change
                    if f.question == kb.facts[f.fact].question]  # fmt: skip
        assert asked == expected


# What each option of radiation only to ease symptoms is for, as its sources say: the symptoms
# they name (ids of symptoms.yaml, each with everything narrower), or None where their words are
# general, so any symptom the cancer causes. A list of examples is not a whole list, and every
# one of these sources also speaks of the cancer's symptoms in general (clinical17 read them
# again): stomach, examples bleeding, pain, swallowing trouble and blockage, for radiation alone
# or with chemotherapy [ccs-stomach-stage4 2337-2647]; recurrent gastric, symptom control in
# general with bleeding and blockage named [gastric-recurrent 3360-3625]; rectal, pain and
# bleeding as examples [ccs-rectal-stage4 7925-8128], its option standing for the general one too
# (same_as); cervical, pain, bleeding and other symptoms [ccs-cervical-stage4 1110-1283];
# general, shrinking tumours that cause pain or other trouble [acs-advanced 6254-6488]. A source
# that named a whole list would give its set here, and the test below holds the option to it.
RADIATION_EASES: dict[str, frozenset[str] | None] = {
    "stomach-external-radiation": None,
    "stomach-chemoradiation": None,
    "rectum-palliative-radiation": None,
    "cervix-palliative-radiation": None,
    "general-palliative-radiation": None,
}


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "stomach", "stage": "4", "symptoms": ["nausea"]},
               {"cancer": "stomach", "stage": "4", "symptoms": []}))  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4", "symptoms": ["others not known"]},
               {"cancer": "rectum", "stage": "4", "symptoms": ["rectal bleeding"]}))  # fmt: skip
def test_radiation_to_ease_symptoms_is_offered_only_with_a_symptom(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """The rule for every profile: an option of radiation only to ease symptoms (radiation or
    radiation with chemotherapy, its only aim relief; each is in RADIATION_EASES) is offered only
    to a person with a symptom on record that its sources name; with none, or a whole list of
    others only, it does not suit, and with symptoms not known (or only "perhaps others not
    listed") it is not offered and, if it waits on anything, waits on them (the cervical and
    general options had been offered to everyone). The other way round, a person with a symptom
    its sources name (for those that speak generally, any symptom the cancer causes, "another
    symptom" included) is never turned away because of their symptoms."""
    kb = shared_kb()
    easing = {o.id for o in kb.options if o.modality in ("radiation", "chemoradiation")
              and [i.value for i in o.intent] == ["relieve"]}  # fmt: skip
    assert easing == set(RADIATION_EASES), easing ^ set(RADIATION_EASES)
    every = kb.vocabulary.known("symptoms") - {OTHERS_NOT_KNOWN}
    for data in pair:
        profile = parse_profile(data, kb)
        symptoms = facts_of(profile, kb).row["symptoms"]  # as read: ["none"] is no symptom
        for option in evaluate(profile, kb).options:
            if option.id not in easing:
                continue
            named = RADIATION_EASES[option.id]
            eases = every if named is None else frozenset().union(
                *(kb.vocabulary.below("symptoms", v) for v in named))  # fmt: skip
            asked = "symptoms" in {m.fact for m in option.missing}
            by_symptoms = [r for r in option.reasons if r.check and r.check.fact == "symptoms"]
            if option.status is Status.offered:
                assert symptoms and symptoms & eases, (option.id, data)
            if symptoms is None:
                if option.status is Status.needs_information:
                    assert asked, (option.id, data)
            elif symptoms & eases:
                assert not asked and not by_symptoms, (option.id, data)
                assert option.relieves_your_symptoms, (option.id, data)
            elif OTHERS_NOT_KNOWN not in symptoms:  # a whole list, none it is for: not now
                assert option.status is Status.not_suitable and not asked, (option.id, data)
            else:  # only "perhaps others" beside those it is not for: as not known
                assert not by_symptoms, (option.id, data)
                if option.status is Status.needs_information:
                    assert asked, (option.id, data)


STOPPED_NOT_CHEMO = ["pembrolizumab", "bevacizumab", "immunotherapy", "chemoradiation",
                     "cisplatin with radiation"]  # fmt: skip


@SETTINGS
@given(pair=partial_and_more())
def test_a_chemotherapy_that_stopped_working_was_had(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """The rule for every profile: when a drug treatment stopped working, the list of
    treatments had is not the last word on chemotherapy; so it is never read as "no
    chemotherapy for spread cancer" (cemiplimab for cervical 4B had been ruled out when
    prior_treatments named only radiation and progressed_on named the chemotherapy, or
    pembrolizumab, often given with it). And a chemoradiation that stopped working (cisplatin
    with radiation) is not read as chemotherapy for spread either: it is often for an earlier
    stage."""
    from onconav.kb.rules import DRUG_TREATMENT_STOPPED, widened

    kb = shared_kb()
    stopped = widened(DRUG_TREATMENT_STOPPED, kb.vocabulary)
    # as given, and with chemotherapy left out of the treatments had (the strategy keeps the
    # two lists consistent; people do not)
    variants = [{**d, "cancer": "cervix", "stage": "4B"} for d in pair]
    variants += [{**d, "prior_treatments": [t for t in d["prior_treatments"]
                                            if t != "chemotherapy"]}
                 for d in variants if "prior_treatments" in d]  # fmt: skip
    # and drug treatments other than chemotherapy alone, with only radiation listed as had
    variants += [{**d, "prior_treatments": ["radiation"], "progressed_on": [stopped_one]}
                 for d in variants[:1] for stopped_one in STOPPED_NOT_CHEMO]  # fmt: skip
    for data in variants:
        profile = parse_profile(data, kb)
        row = facts_of(profile, kb).row
        if truth(stopped, row) is Truth.TRUE and "chemo_for_spread" not in data:
            assert row["chemo_for_spread"] is not False, data
            if data["progressed_on"] in (["chemoradiation"], ["cisplatin with radiation"]):
                assert row["chemo_for_spread"] is None, data
            cemiplimab = {o.id: o for o in evaluate(profile, kb).options}["cervix-cemiplimab"]
            assert all(r.check is None or r.check.fact != "chemo_for_spread"
                       for r in cemiplimab.reasons), (data, cemiplimab.reason)  # fmt: skip


@SETTINGS
@given(pair=partial_and_more())
def test_only_a_cervical_cancer_is_asked_for_4a_or_4b(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """The rule for every profile: stage 4A and 4B are asked about only where they decide an
    option, cervical cancer of stage 4 (the stage's own question had named them for a rectal
    cancer that came back where it started)."""
    kb = shared_kb()
    # and stage 4A with distant spread, which does not fit: read as stage 4 (IMPLIED), 4A or 4B
    for data in [*pair, {"cancer": "cervix", "stage": "4A", "metastases": ["lung"]}]:
        profile = parse_profile(data, kb)
        result = evaluate(profile, kb)
        asked = [m.question for o in result.options for m in o.missing] + result.questions
        if any("4A" in q for q in asked):
            row = facts_of(profile, kb).row
            assert row["cancer"] == "cervix" and row["stage"] == "4", data


@pytest.mark.parametrize(
    ("cancer", "option"),
    [("stomach", "stomach-chemotherapy"), ("cervix", "cervix-chemo-single-drug")],
)
def test_a_chemotherapy_that_stopped_is_narrowed_down_not_asked_again(
    kb, cancer: str, option: str  # type: ignore[no-untyped-def]
) -> None:
    """"Chemotherapy stopped working" leaves the chemotherapy options undecided until it is known
    which drugs: the question is which (the class's ``which``), not the fact's own question
    ("Which treatments have been tried that stopped working?"), which the person had just
    answered."""
    data = {"cancer": cancer, "stage": "4B" if cancer == "cervix" else "4",
            "progressed_on": ["chemotherapy"]}  # fmt: skip
    found = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}[option]
    assert found.status is Status.needs_information
    asked = {m.fact: m.question for m in found.missing}
    assert asked["progressed_on"] == kb.by_id["chemotherapy"].which
    assert asked["progressed_on"] != kb.facts["progressed_on"].question


def test_two_kinds_that_stopped_are_both_narrowed_down(kb) -> None:  # type: ignore[no-untyped-def]
    """Chemotherapy and targeted therapy both stopped, neither named: an option that gives a
    drug of each asks which drugs of both, and so does the list of what would change the
    answers (each option asked about one kind only, and the second never reached the list)."""
    data = {"cancer": "rectum", "stage": "4",
            "progressed_on": ["chemotherapy", "targeted therapy"]}  # fmt: skip
    result = evaluate(parse_profile(data, kb), kb)
    chemo, targeted = kb.by_id["chemotherapy"].which, kb.by_id["targeted-therapy"].which
    both = {o.id: o for o in result.options}["rectum-bevacizumab-folfiri"]
    (asked,) = [m.question for m in both.missing if m.fact == "progressed_on"]
    assert chemo in asked and targeted in asked
    (ranked,) = [f for f in result.what_would_change if f.fact == "progressed_on"]
    assert chemo in ranked.question and targeted in ranked.question
    assert ranked.question.count(chemo) == 1 and ranked.question.count(targeted) == 1
    assert kb.facts["progressed_on"].question not in ranked.question


def test_a_list_is_said_as_a_sentence_has_it() -> None:
    """"Treatments that stopped working: Chemotherapy" (a drug class's name) stood beside
    "Treatments already had: chemotherapy"; a name in capitals keeps them (FOLFOX)."""
    kb = shared_kb()
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "prior_treatments": [
        "chemotherapy"], "progressed_on": ["chemotherapy", "FOLFOX"]}, kb), kb)  # fmt: skip
    said = {u.fact: u.value for u in result.understood}
    assert said["progressed_on"] == "chemotherapy, FOLFOX", said
    assert said["prior_treatments"] == "chemotherapy", said


@pytest.mark.parametrize("cancer", ["unknown", "cancer of unknown primary"])
def test_a_cancer_whose_start_is_not_known_is_among_what_was_understood(cancer: str) -> None:
    """The JSON's understood had no cancer for "unknown", while the command line and the page
    said "advanced cancer (where it started not given)": the person had said it is not known."""
    kb = shared_kb()
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4"}, kb), kb)
    [said] = [u for u in result.understood if u.fact == "cancer"]
    assert said.value == "advanced cancer (where it started not known)" == result.cancer_name
    assert said.as_typed == cancer


@pytest.mark.parametrize("cancer", ["unknown", "cancer of unknown primary", "CUP"])
def test_a_cancer_whose_start_is_not_given_says_where_its_options_come_from(cancer: str) -> None:
    """Options for a cancer whose start is not given come from the source on advanced cancer in
    general; the scope said "Options from the sources about advanced cancer (where it started
    not given)", as if that were a cancer with sources of its own."""
    kb = shared_kb()
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4"}, kb), kb)
    assert result.scope.startswith("Where the cancer started is not known"), result.scope
    assert "stomach cancer, rectal cancer and cervical cancer" in result.scope
    assert "(where it started not known)" not in result.scope


@SETTINGS
@given(pair=partial_and_more(),
       site=st.sampled_from([*sorted(DISTANT_SITES - {"other-site"}), DISTANT]),
       stage=st.sampled_from([None, "earlier", "4"]),
       recurrence=st.sampled_from([None, "none", "yes", "local", "distant"]))  # fmt: skip
@example(pair=({"cancer": "rectum", "prior_treatments": []},) * 2, site="bone", stage="earlier",
         recurrence="none")  # fmt: skip
def test_spread_to_a_distant_organ_brings_the_rectal_chemotherapy(
    pair: tuple[dict[str, Any], dict[str, Any]], site: str, stage: str | None,
    recurrence: str | None,
) -> None:
    """The rule for every rectal profile: the chemotherapy for rectal cancer "with distant
    metastasis" is for spread to a distant organ however the stage and the recurrence are given
    (a local recurrence with spread to the liver had made all nine not suitable, on the stage
    and on where it came back)."""
    kb = shared_kb()
    for data in pair:
        data = {**data, "cancer": "rectum", "stage": stage, "recurrence": recurrence,
                "metastases": sorted({*data.get("metastases", []), site})}  # fmt: skip
        for option in evaluate(parse_profile(data, kb), kb).options:
            if option.id in {"rectum-folfiri", "rectum-folfox", "rectum-capox"}:
                facts = {r.check.fact for r in option.reasons if r.check is not None}
                assert not facts & {"stage", "recurrence", "metastases"}, (data, option.reason)


@SETTINGS
@given(pair=partial_and_more(), trial=st.sampled_from(["clinical trial", "phase I trial",
                                                      "phase 2 trial"]))  # fmt: skip
def test_a_clinical_trial_had_leaves_the_drug_history_open(
    pair: tuple[dict[str, Any], dict[str, Any]], trial: str
) -> None:
    """The rule for every profile: a clinical trial among the treatments had may have given a
    drug treatment, so the list is never read as "no drug treatment" (nothing can have stopped
    working) or "no chemotherapy for spread cancer"."""
    kb = shared_kb()
    for data in pair:
        data = {**data, "prior_treatments": [*data.get("prior_treatments", []), trial]}
        data.pop("progressed_on", None), data.pop("chemo_for_spread", None)
        row = facts_of(parse_profile(data, kb), kb).row
        assert row["progressed_on"] is None, data
        assert row["chemo_for_spread"] is not False, data


@SETTINGS
@given(pair=partial_and_more())
def test_rectal_radiation_eases_any_symptom(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """The rule for every rectal profile: radiation on its own "to control symptoms such as pain
    and bleeding" is for any symptom the cancer causes (those are examples); only a list of no
    symptoms rules it out on the symptoms."""
    kb = shared_kb()
    for data in pair:
        data = {**data, "cancer": "rectum"}
        symptoms = data.get("symptoms")
        option = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}.get(
            "rectum-palliative-radiation")
        assert option is not None
        ruled_on_symptoms = any(r.check is not None and r.check.fact == "symptoms"
                                for r in option.reasons)  # fmt: skip
        assert ruled_on_symptoms is (symptoms == [] and option.status is Status.not_suitable), (
            data, option.reason)


def test_a_merged_option_asking_one_list_has_one_reason_for_it(kb) -> None:  # type: ignore[no-untyped-def]
    """An option whose condition and its merged general options' each ask whether one list holds
    any of some values asks it once, for all of them: the stomach feeding tube's reason gave the
    symptoms twice ("none of these holds: ... trouble swallowing ...; ... trouble swallowing
    ...")."""
    from onconav.kb.rules import Test

    merged = [r for r in kb.rules.values() if r.merged]
    assert any(isinstance(r.when, Test) for r in merged)
    profile = parse_profile({"cancer": "stomach", "stage": "4", "symptoms": ["pain"]}, kb)
    tube = {o.id: o for o in evaluate(profile, kb).options}["stomach-feeding-tube"]
    assert tube.status is Status.not_suitable and len(tube.reasons) == 1, tube.reason
    assert tube.reason is not None and tube.reason.count("which you did not list") == 1, (
        tube.reason)  # (said in the symptoms' own words: "it is for a blockage of the stomach")


@SETTINGS
@given(pair=partial_and_more(),
       pain=st.sampled_from(["pain", "bone pain", "rectal pain", "back pain", "tumour pain"]))
def test_a_pain_of_any_kind_never_rules_the_nerve_treatments_out(
    pair: tuple[dict[str, Any], dict[str, Any]], pain: str
) -> None:
    """The rule for every profile: whether a pain comes from a tumour pressing on a nerve is the
    care team's call (acs-advanced 4264-4445), so with any pain listed the nerve treatments are
    never not suitable on the symptoms, only on the team's "no" (they had been, for "bone pain"
    or "rectal pain": those are not "nerve pain")."""
    kb = shared_kb()
    for data in pair:
        data = {**data, "symptoms": [*data.get("symptoms", []), pain]}
        for option in evaluate(parse_profile(data, kb), kb).options:
            if option.id in {"general-nerve-block", "general-nerve-tumour-removal"}:
                facts = {r.check.fact for r in option.reasons if r.check is not None}
                if data.get("tumour_on_nerve") is not False:
                    assert "symptoms" not in facts, (data, option.reason)
                else:  # the team's no settles it, whatever the pain (it asked what kind)
                    assert option.status is not Status.needs_information or (
                        option.not_chosen), (data, option.status)  # fmt: skip
                    assert "tumour_on_nerve" not in {m.fact for m in option.missing}


@SETTINGS
@given(pair=partial_and_more(),
       drug=st.sampled_from(["trastuzumab", "Herceptin", "nivolumab", "pembrolizumab"]))
def test_a_drug_given_with_chemotherapy_that_stopped_leaves_the_chemotherapy_open(
    pair: tuple[dict[str, Any], dict[str, Any]], drug: str
) -> None:
    """The rule for every stomach profile: a drug the sources give with chemotherapy that stopped
    working says nothing of whether the chemotherapy did, so ramucirumab (for when chemotherapy
    stopped working) is never ruled out on what stopped working (it was, "which you did not
    list")."""
    kb = shared_kb()
    for data in pair:
        data = {**data, "cancer": "stomach", "progressed_on": [drug],
                "prior_treatments": ["chemotherapy", drug]}  # fmt: skip
        for option in evaluate(parse_profile(data, kb), kb).options:
            if option.id.startswith("stomach-ramucirumab"):
                facts = {r.check.fact for r in option.reasons if r.check is not None}
                assert "progressed_on" not in facts, (data, option.reason)


@SETTINGS
@given(pair=partial_and_more(),
       drug=st.sampled_from(sorted(d for d in shared_kb().with_chemotherapy
                                   if shared_kb().kind_of.get(d) == "drugs")))  # fmt: skip
@example(pair=({"cancer": "cervix", "stage": "4B"}, {"cancer": "cervix", "stage": "4B"}),
         drug="pembrolizumab")  # fmt: skip
def test_a_drug_given_with_chemotherapy_that_stopped_asks_whether_its_chemotherapy_did(
    pair: tuple[dict[str, Any], dict[str, Any]], drug: str
) -> None:
    """The rule for every profile: what a drug given with chemotherapy stopping leaves open is
    whether the chemotherapy given with it stopped too, and that is what an option asks
    ("Did any chemotherapy given with pembrolizumab stop working ...?"); cemiplimab asked the
    general "Which treatments have been tried that stopped working ...?" of one who had just
    listed them."""
    kb = shared_kb()
    general = kb.facts["progressed_on"].question
    for data in pair:
        data = {**data, "progressed_on": [drug], "prior_treatments": [drug]}
        result = evaluate(parse_profile(data, kb), kb)
        for option in result.options:
            for missing in option.missing:
                if missing.fact == "progressed_on":
                    assert general not in missing.question, (data, option.id, missing.question)
                    assert f"any chemotherapy given with {kb.name_of(drug)}" in missing.question
        if set(data) == {"cancer", "stage", "progressed_on", "prior_treatments"} and data[
                "cancer"] == "cervix" and drug == "pembrolizumab":  # the example asks it
            assert any(m.fact == "progressed_on" for o in result.options for m in o.missing)


@SETTINGS
@given(pair=partial_and_more(),
       kind=st.sampled_from(sorted(d for d in shared_kb().with_chemotherapy
                                   if shared_kb().kind_of.get(d) == "drug_classes")))  # fmt: skip
@example(pair=({"cancer": "stomach", "stage": "4", "her2": "positive",
                "prior_treatments": ["CAPOX", "trastuzumab"]},) * 2, kind="targeted-therapy")
def test_a_kind_given_with_chemotherapy_that_stopped_asks_of_the_chemotherapy_where_that_decides(
    pair: tuple[dict[str, Any], dict[str, Any]], kind: str
) -> None:
    """The rule for every profile: a kind of drug given with chemotherapy that stopped working
    (targeted therapy) leaves an option for after chemotherapy stops working undecided on
    whether the chemotherapy given with it stopped too, and that is what the option asks, beside
    which of the kind's drugs it was where that decides too. Ramucirumab, after CAPOX with
    trastuzumab and "targeted therapy" listed as stopped, had asked only "Which targeted drugs
    stopped working?" (a clinical review)."""
    kb = shared_kb()
    for data in pair:
        data = {**data, "progressed_on": [kind]}
        # the kind as read: itself, or the one drug of it among the treatments had, in its
        # place (``OnlyOneHad``: trastuzumab alone had, in the example)
        stopped = facts_of(parse_profile(data, kb), kb).row["progressed_on"]
        assert isinstance(stopped, frozenset) and len(stopped) == 1
        (read,) = stopped
        chemotherapy = f"any chemotherapy given with {kb.phrase('progressed_on', read)}"
        result = evaluate(parse_profile(data, kb), kb)
        for option in result.options:
            asked = " ".join(m.question for m in option.missing if m.fact == "progressed_on")
            when = kb.rules[option.id].at(result.cancer).when
            undecided = [t for t in leaves_of(when) if t.fact == "progressed_on"
                         and leaf_truth(t, stopped) is Truth.UNKNOWN]  # fmt: skip
            if asked and any("chemotherapy" in t.wanted for t in undecided):
                assert chemotherapy in asked, (data, option.id, asked)
            if chemotherapy in asked:  # only where a test of chemotherapy is left undecided
                assert any("chemotherapy" in t.wanted for t in leaves_of(when)
                           ) or any("chemotherapy" in r.test.wanted
                                    for r in kb.rules[option.id].at(result.cancer).ruled_out), (
                    data, option.id, asked)
        # a list that may not be whole asks whether chemotherapy also stopped: that once, not
        # again of the chemotherapy given with the kind (a review of the change)
        opened = {**data, "progressed_on": [kind, "others not known"]}
        for option in evaluate(parse_profile(opened, kb), kb).options:
            asked = " ".join(m.question for m in option.missing if m.fact == "progressed_on")
            assert not (chemotherapy in asked and "Did chemotherapy also stop" in asked), (
                opened, option.id, asked)  # fmt: skip
        if data["cancer"] == "stomach" and data.get("her2") == "positive":  # the example
            ramucirumab = next(o for o in result.options if o.id == "stomach-ramucirumab-alone")
            assert ramucirumab.status is Status.needs_information
            assert chemotherapy in ramucirumab.missing[0].question


@SETTINGS
@given(pair=partial_and_more(),
       cancer=st.sampled_from(["breast", "prostate", "lung", "melanoma", "rectum", "stomach",
                               "cervix"]),
       stopped=st.lists(st.sampled_from(["hormone therapy", "chemotherapy", "immunotherapy",
                                         "pembrolizumab", "targeted therapy", "trastuzumab",
                                         "FOLFOX", "radiation"]),
                        min_size=1, max_size=2, unique=True))  # fmt: skip
@example(pair=({"cancer": "breast"}, {"cancer": "breast", "hormone_sensitive": True}),
         cancer="breast", stopped=["hormone therapy"])  # fmt: skip
def test_a_general_option_giving_a_kind_that_stopped_working_says_so(
    pair: tuple[dict[str, Any], dict[str, Any]], cancer: str, stopped: list[str]
) -> None:
    """The rule for every profile: an option of the general source that gives a kind of drug
    naming none ("Hormone therapy") and may suit, for one who says that kind or a drug of it
    stopped working, is named in a warning (it had been offered without a word); one that does
    not suit, or gives no kind that stopped, is not."""
    kb = shared_kb()
    for data in pair:
        data = {**data, "cancer": cancer, "progressed_on": stopped, "prior_treatments": stopped}
        profile = parse_profile(data, kb)
        ids = facts_of(profile, kb).row["progressed_on"]
        assert isinstance(ids, frozenset)
        result = evaluate(profile, kb)
        said = " ".join(w for w in result.warnings if "without naming a drug" in w)
        for option in result.options:
            record = kb.by_id[option.id]
            gives = [u for u in record.uses if kb.kind_of.get(u) == "drug_classes"
                     and any(u in kb.vocabulary.up("progressed_on", s) for s in ids)]
            named = f"\u201c{option.name}\u201d" in said
            expected = bool(gives) and record.cancers == ["any"] and option.status not in (
                Status.not_suitable, Status.declined)  # fmt: skip
            assert named is expected, (data, option.id, option.status, result.warnings)


@SETTINGS
@given(cancer=st.sampled_from(["colon", "lung", "breast"]),
       stopped=st.lists(st.sampled_from(["CAPIRI", "trifluridine-tipiracil", "FOLFOX",
                                         "cisplatin and paclitaxel", "paclitaxel and topotecan",
                                         "capecitabine", "hormone therapy", "pembrolizumab"]),
                        min_size=1, max_size=3, unique=True))  # fmt: skip
@example(cancer="colon", stopped=["CAPIRI", "trifluridine-tipiracil"])
def test_what_stopped_is_named_so_that_each_can_be_told_apart(
    cancer: str, stopped: list[str]
) -> None:
    """"CAPIRI and trifluridine and tipiracil stopped working, and “Chemotherapy” gives ..."
    read as three drugs (a review of the answer's warnings): a name that holds "and" is quoted,
    and so is every name beside it, as the warning of a mix built on what stopped quotes each
    mix; names without one are written as they are."""
    kb = shared_kb()
    data = {"cancer": cancer, "stage": "4", "prior_treatments": stopped, "progressed_on": stopped}
    try:
        profile = parse_profile(data, kb)
    except ProfileError:  # a drug the cancer's options do not give
        assume(False)
    for warning in evaluate(profile, kb).warnings:
        if "without naming a drug" not in warning:
            continue
        what = warning.removeprefix("progressed_on: ").split(" stopped working, and ")[0]
        gone = facts_of(profile, kb).row["progressed_on"]
        assert isinstance(gone, frozenset)
        # (no name drawn here is part of another's)
        named = [n for n in (in_sentence(kb.name_of(s)) for s in gone) if n in what]
        assert named, (warning, gone)
        if any(" and " in n for n in named):
            assert all(f"\u201c{n}\u201d" in what for n in named), warning
            assert what.count("\u201c") == len(named), warning
        else:
            assert "\u201c" not in what, warning


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "rectum", "stage": "4", "metastases": ["lung"]},) * 2)
def test_an_option_cites_each_passage_once(pair) -> None:  # type: ignore[no-untyped-def]
    """An option and a general option shown as it (``same_as``) may cite the same passage: the
    rectal ablation listed, and the report quoted, two of the general source's passages twice."""
    kb = shared_kb()
    for data in pair:
        for option in evaluate(parse_profile(data, kb), kb).options:
            spans = [(c.source, c.start, c.end) for c in option.citations]
            assert len(spans) == len(set(spans)), (option.id, spans)


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "cervix", "stage": "4A"}, {"cancer": "cervix", "stage": "4B"}))
def test_every_source_cited_is_listed(pair) -> None:  # type: ignore[no-untyped-def]
    """The result's sources are every source it cites: options, their caveats, the notes (the
    cervical radiation's note on radiation to the pelvis in the past cites the rectal source,
    which the list left out)."""
    kb = shared_kb()
    for data in pair:
        result = evaluate(parse_profile(data, kb), kb)
        cited = {c.source for o in result.options for c in o.citations}
        cited |= {c.source for o in result.options for v in o.caveats for c in v.citations}
        cited |= {c.source for n in result.notes for c in n.citations}
        assert {s.id for s in result.sources} == cited, data


def test_an_option_that_mixes_its_choices_says_so() -> None:
    """An option given as a mix of its choices (``choices_min`` 2: the other mixes of the
    cervical chemotherapy drugs) says "two or more of", not "one of" (it said one of thirteen
    drugs for a mix of them); one given as one of its choices says "one of"."""
    from onconav.render import details

    kb = shared_kb()
    seen = {1: 0, 2: 0}
    for option in kb.data.options:
        if not option.choices:
            continue
        cancer = next(c for c in option.cancers if c != "any") if option.cancers != ["any"] \
            else "any"  # fmt: skip
        profile = {"cancer": "unknown" if cancer == "any" else cancer, "stage": "4"}
        result = evaluate(parse_profile(profile, kb), kb)
        got = next((o for o in result.options if o.id == option.id), None)
        if got is None:
            continue
        assert got.choices_at_least == option.choices_min, option.id
        what = next(line for line in details(got) if line.startswith("What: "))
        assert what[6:7].isupper() or not what[6:7].isalpha(), what  # as every line begins
        many = option.choices_min > 1
        lower = what.lower()
        assert ("two or more of " in lower) is many and ("one of " in lower) is not many, what
        seen[min(option.choices_min, 2)] += 1
    assert seen[1] and seen[2], seen


def test_every_kind_status_and_prominence_has_its_place_in_the_order() -> None:
    """The order of the options names each kind of treatment once (one added to the data's
    model and not here would make evaluate() fail, list.index, for every profile with such an
    option in scope); statuses and prominences take their enums' order, which starts with what
    is offered and the standard first choice."""
    from onconav.engine import CARE_FIRST, MODALITY_ORDER, PROMINENCE_ORDER, STATUS_ORDER
    from onconav.kb.model import Prominence

    assert sorted(MODALITY_ORDER) == sorted(Modality) and len(set(MODALITY_ORDER)) == len(Modality)
    assert set(CARE_FIRST) <= set(Modality)
    assert STATUS_ORDER[0] is Status.offered and STATUS_ORDER[-1] is Status.not_suitable
    assert PROMINENCE_ORDER[0] is Prominence.standard_first_line


@SETTINGS
@given(pair=partial_and_more())
def test_a_reason_that_names_what_you_listed_names_only_what_you_listed(pair) -> None:  # type: ignore[no-untyped-def]
    """A reason "it is not for ..., which you listed" names the values of the person's list
    that rule the option out, never others the rule names ("it is not for where the cancer has
    spread: liver or lung or bone or brain or peritoneum or another part of the body, which you
    listed" was said to a person who listed the liver alone)."""
    kb = shared_kb()
    for data in pair:
        result = evaluate(parse_profile(data, kb), kb)
        for option in result.options:
            for reason in option.reasons:
                check = reason.check
                if check is None or not check.negated or not reason.text.endswith("you listed"):
                    continue
                yours = check.yours if isinstance(check.yours, list) else []
                # the rule's values, or the person's own under them ("the liver", listed, for
                # "not for spread to a distant part of the body")
                named = {v for v in {*check.wanted, *yours}
                         if kb.phrase(check.fact, v) in reason.text}  # fmt: skip
                assert named and named <= set(yours), (option.id, reason.text, yours)


@pytest.mark.parametrize(("places", "named"), [
    (["liver"], "the liver"),
    (["distant", "liver"], "a distant part of the body and the liver"),
    (["bone", "lung"], "bone and the lungs"),
])  # fmt: skip
def test_pelvic_exenteration_names_the_distant_spread_listed(places: list[str], named: str) -> None:
    """Vignette: rectal cancer spread to the liver is told pelvic exenteration is not for spread
    to the liver, not for a list of six places the person never gave; each place as a sentence
    names it ("a distant part of the body and liver" had lacked "the")."""
    kb = shared_kb()
    data = {"cancer": "rectum", "stage": "4", "metastases": places}
    option = next(o for o in evaluate(parse_profile(data, kb), kb).options
                  if o.id == "rectum-pelvic-exenteration")  # fmt: skip
    assert option.status is Status.not_suitable
    texts = [r.text for r in option.reasons]
    assert f"it is not for where the cancer has spread: {named}, which you listed" in texts, texts


def _place_names() -> list[tuple[str, str]]:
    """Each name of a cancer of the knowledge base that says "cancer", with its describing words
    left out ("neck of the womb cancer": "neck womb"), and the cancer, where those words are of
    one cancer only."""
    kb = shared_kb()
    found: dict[str, set[str]] = {}
    for cancer in kb.data.cancers:
        for name in cancer.names() if cancer.id != "any" else []:
            if "cancer" in name.lower().split() and (
                    place := " ".join(words.place_words(name))):  # fmt: skip
                found.setdefault(place, set()).add(cancer.id)
    return sorted((place, ids.pop()) for place, ids in found.items() if len(ids) == 1)


@pytest.mark.parametrize(("place", "cancer"), _place_names())
def test_a_cancer_named_by_its_place_alone_is_that_cancer(place: str, cancer: str) -> None:
    """A cancer's name with the words that describe a cancer left out is read as that cancer, as
    a name typed is read with them left out: "neck of the womb" is cervical cancer, "back
    passage" rectal cancer (they had been read as a cancer of no source, "neck of the womb
    cancer", with the general options and no word, though "neck of the womb cancer" is a name
    of cervical cancer; so too "colonic": a review of the API). All the words typed,
    not some: "pancreatic ductal adenocarcinoma" is no breast cancer
    (``test_a_cancer_named_by_some_words_of_a_place_name_is_not_that_cancer``)."""
    kb = shared_kb()
    record = kb.by_id[cancer]
    reading = read_cancer(kb, place)
    assert not reading.problems, reading.problems
    assert reading.record == cancer, (place, reading)
    assert reading.site == (getattr(record, "read_as", None) or cancer)


@pytest.mark.parametrize("said", ["ductal adenocarcinoma", "metastatic ductal adenocarcinoma",
                                  "ductal cell carcinoma", "adenocarcinoma, ductal",
                                  "pancreatic ductal adenocarcinoma",
                                  "ductal carcinoma of the pancreas", "lobular carcinoma in situ"
                                  " of the kidney", "colonic polyp of the liver"])  # fmt: skip
def test_a_cancer_named_by_some_words_of_a_place_name_is_not_that_cancer(said: str) -> None:
    """Words of a cancer's name beside words of another place are not that cancer: the place
    names of ``test_a_cancer_named_by_its_place_alone_is_that_cancer`` are read whole only
    (pancreatic ductal adenocarcinoma had been read, in a first try, as breast cancer); nor are
    the words of a name of a kind of tumour ("ductal adenocarcinoma", most often of the pancreas,
    had been read as breast cancer's "invasive ductal carcinoma": a review)."""
    kb = shared_kb()
    assert read_cancer(kb, said).record is None, said


@pytest.mark.parametrize(("said", "cancer"), [
    ("neck of the womb", "cervix"), ("Neck of womb", "cervix"), ("back passage", "rectum"),
    ("the back passage", "rectum"), ("Cancer of the neck of womb", "cervix"),
])  # fmt: skip
def test_a_cancer_named_in_plain_words_gets_its_own_options(said: str, cancer: str) -> None:
    """The plain names of a review, as a person types them: the cancer's own options, as its
    name with "cancer" gets."""
    kb = shared_kb()
    named = evaluate(parse_profile({"cancer": said, "stage": "4"}, kb), kb)
    own = evaluate(parse_profile({"cancer": cancer, "stage": "4"}, kb), kb)
    assert [(o.id, o.status) for o in named.options] == [(o.id, o.status) for o in own.options]


@pytest.mark.parametrize("said", ["I don't know", "dont know", "not sure", "Unsure", "IDK",
                                  "Not known", "I don\u2019t know", "I'm not sure",
                                  "don't know yet"])  # fmt: skip
def test_a_cancer_not_known_in_any_words_is_the_cancer_unknown(said: str) -> None:
    """Where the cancer started, answered "I don't know" (the words the form teaches for every
    other question) or "not sure", is "unknown": the general options. They had been refused as
    "not sure or says what it is not", while "not known" was taken. ("n/a" and "none" still
    say no cancer is named, as in an export: refused.)"""
    kb = shared_kb()
    unknown = evaluate(parse_profile({"cancer": "unknown", "stage": "4"}, kb), kb)
    result = evaluate(parse_profile({"cancer": said, "stage": "4"}, kb), kb)
    assert [(o.id, o.status) for o in result.options] == [
        (o.id, o.status) for o in unknown.options]


@pytest.mark.parametrize("said", ["stomach, not sure", "rectum, unsure", "stomach?",
                                  "rule out rectal cancer", "r/o rectal cancer",
                                  "rectal cancer, r/o", "Rectal cancer - excluded"])  # fmt: skip
def test_a_cancer_named_with_doubt_is_refused(said: str) -> None:
    """A site named with doubt is a guess, refused as "stomach?" is ("stomach, not sure" had
    been read as stomach cancer; "r/o rectal cancer", to be ruled out, as rectal cancer with
    "r" and "o" not read, and "excluded" as rectal cancer: a review of the API)."""
    kb = shared_kb()
    with pytest.raises(ProfileError, match="not sure"):
        parse_profile({"cancer": said}, kb)


@pytest.mark.parametrize(("field", "said", "read_as"), [
    ("cancer", "stomach cancer, HER2 excluded", "stomach"),
    ("cancer", "rectal cancer, MSI excluded", "rectum"),
    ("cancer", "cervical cancer, pregnancy excluded", "cervix"),
    ("cancer", "rectal cancer r/o liver mets", "rectum"),
    ("cannot_have", "bevacizumab (r/o due to bleeding)", ["bevacizumab"]),
])  # fmt: skip
def test_words_ruling_out_something_else_than_the_cancer_are_read(
    field: str, said: str, read_as: object
) -> None:
    """"r/o" or "excluded" about something else than the cancer (a marker, a pregnancy, its
    spread; a drug the person cannot have) leaves the answer read: a review of the change found
    them refused once those words were taken as doubt anywhere."""
    kb = shared_kb()
    data = {"cancer": "rectum", field: [said] if field != "cancer" else said}
    assert getattr(parse_profile(data, kb), field) == read_as


def test_every_field_of_a_profile_reaches_the_facts() -> None:
    """facts_of copies each field of one answer by name: a field added to the profile and the
    data but not copied would stay unknown for everyone, silently. A profile answering every
    field gives every fact a value."""
    from onconav.profile import SET_FIELDS, fact_fields

    kb = shared_kb()
    answers: dict[str, Any] = {
        "stage": "4", "recurrence": "distant", "resectable": False, "metastasis_extent": "few",
        "weak_bone": True, "tumour_on_nerve": False, "tumour_may_block": True,
        "most_treatments_tried": False,
        "wants_cancer_treatment": True, "hormone_sensitive": False, "chemo_for_spread": True,
        "biomarkers.her2": "positive", "biomarkers.kras": "wild-type",
        "metastases": ["bone"], "progressed_on": ["FOLFOX"], "cannot_have": ["irinotecan"],
        "prior_treatments": ["chemotherapy"], "symptoms": ["pain"], "planned": ["surgery"],
        "used_for_my_cancer": ["immunotherapy"], "kin_may_work": ["fluoropyrimidine"],
    }  # fmt: skip
    assert set(answers) | {"cancer"} == set(fact_fields()), set(fact_fields()) ^ set(answers)
    assert set(SET_FIELDS) <= set(answers)
    data: dict[str, Any] = {"cancer": "rectum", "biomarkers": {}}
    for field, value in answers.items():
        if field.startswith("biomarkers."):
            data["biomarkers"][field.removeprefix("biomarkers.")] = value
        else:
            data[field] = value
    facts = facts_of(parse_profile(data, kb), kb)
    assert [f for f, v in facts.given.items() if v is None] == []


def test_ras_wild_type_then_mutated_in_a_name_is_not_known() -> None:
    """Vignette (found by the property test above once stage 1 to 3 was drawn): "stomach cancer,
    RAS wild-type mutated" was read as KRAS wild-type, its "mutated" not read (all-RAS wild-type
    was taken before the words after it); it says both, so KRAS is not known, with a warning."""
    kb = shared_kb()
    profile = parse_profile({"cancer": "rectal cancer, RAS wild-type mutated", "stage": "4"}, kb)
    assert profile.biomarkers.kras is None
    result = evaluate(profile, kb)
    assert any("not read" in w for w in result.warnings), result.warnings
    cetuximab = next(o for o in result.options if o.id == "rectum-cetuximab-irinotecan")
    assert cetuximab.status is Status.needs_information


def test_a_fact_the_profile_implies_is_told_where_a_reason_rests_on_it(kb) -> None:  # type: ignore[no-untyped-def]
    """Every fact a profile implies with a value (not only "taken as unknown") is said: as a
    warning, or in the words of a reason that rests on it (``Implied.told``). Whether
    chemotherapy was given for spread cancer was read silently from the treatments had, and a
    reason said "(yours: no)" of an answer the person never gave."""
    for implied in kb.implied:
        if implied.value is not None:
            assert implied.warning or implied.told, (implied.fact, implied.value)
    result = evaluate(parse_profile({"cancer": "cervix", "stage": "4B",
                                     "prior_treatments": ["surgery"]}, kb), kb)  # fmt: skip
    cemiplimab = next(o for o in result.options if o.id == "cervix-cemiplimab")
    assert cemiplimab.status is Status.not_suitable
    assert "the treatments you have had include no chemotherapy" in (cemiplimab.reason or "")
    assert "(yours: no)" not in (cemiplimab.reason or "")


@pytest.mark.parametrize(("data", "warned"), [
    ({"metastases": ["none"], "metastasis_extent": "many"}, "metastasis_extent: says how much"),
    ({"wants_cancer_treatment": False, "planned": ["FOLFOX"]},
     "planned: a treatment of the cancer"),
    ({"wants_cancer_treatment": False, "planned": ["chemotherapy", "surgery"]},
     "planned: a treatment of the cancer"),
    ({"wants_cancer_treatment": False, "planned": ["surgery"]}, None),  # may be for a symptom
    ({"metastases": ["liver"], "metastasis_extent": "few"}, None),
    ({"wants_cancer_treatment": True, "planned": ["FOLFOX"]}, None),
    ({"recurrence": "distant", "metastases": ["none"]}, "recurrence: says the cancer came back"),
    ({"recurrence": "local", "metastases": ["none"]}, None),
    ({"metastases": ["liver", "a distant part of the body"]},
     "metastases: a distant part of the body is listed beside the liver"),
    ({"metastases": ["liver", "lymph nodes"]}, None),
    ({"metastases": ["liver", "lung", "a distant part of the body"]},
     "metastases: a distant part of the body is listed beside the liver and the lungs: it is read "
     "as perhaps somewhere else too, so options for the liver and the lungs alone ask where; if "
     "that is all, leave a distant part of the body out"),
])  # fmt: skip
def test_two_answers_that_cannot_both_be_right_are_said(
    kb: KnowledgeBase, data: dict[str, Any], warned: str | None
) -> None:
    """Answers that contradict each other are used as given, with a warning to check them, as
    the others are (a stage 4A with lung spread): many tumours where it has spread beside no
    spread, and chemotherapy planned by one who does not want cancer treatment, were taken
    without a word (a review of the page); so were cancer that came back far away beside no
    spread, and a distant part of the body (which not said) ticked beside the liver, which
    makes the options for the liver alone ask where (a review in a browser)."""
    stage = {} if "recurrence" in data else {"stage": "4"}
    result = evaluate(parse_profile({"cancer": "rectum", **stage, **data}, kb), kb)
    said = [w for w in result.warnings if warned and w.startswith(warned)]
    assert len(said) == (1 if warned else 0), result.warnings
    if not warned:
        assert not any(w.startswith(("metastasis_extent:", "planned:", "recurrence: says",
                                     "metastases:")) for w in result.warnings)  # fmt: skip


def test_a_slip_of_a_name_is_answered_with_the_name_it_is_a_slip_of(kb) -> None:  # type: ignore[no-untyped-def]
    """A misspelt brand or other name of a drug is answered with that name, and the drug it is
    read as beside it ("did you mean Xeloda (capecitabine)?"): the form said "capecitabine" of
    'xelodaa', and the explain page "Xeloda", and a family that typed the brand may not know
    its drug's name. Every name of every drug, with its last letter doubled."""
    from onconav.kb.vocabulary import normalise_name

    checked = 0
    for drug in kb.data.drugs:
        for name in drug.names():
            if len(name) < 5 or not name.isalpha():
                continue
            with pytest.raises(ProfileError) as caught:
                evaluate(parse_profile({"cancer": "stomach", "cannot_have": [name + name[-1]]},
                                       kb), kb)  # fmt: skip
            label = kb.label("cannot_have", drug.id)
            same = normalise_name(name) == normalise_name(label)
            assert f"did you mean {label if same else f'{name} ({label})'}?" in str(
                caught.value), (name, str(caught.value))  # fmt: skip
            checked += 1
    assert checked > 50


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cancer=st.sampled_from(["rectum", "stomach", "cervix"]),
       cannot=st.lists(st.sampled_from(
           ["capecitabine", "fluorouracil", "external beam radiation therapy", "brachytherapy",
            "cisplatin", "oxaliplatin", "radium-223", "radiofrequency ablation", "FOLFOX"]),
           max_size=3, unique=True))  # fmt: skip
@example(cancer="rectum", cannot=["capecitabine", "external beam radiation therapy"])
def test_a_reason_names_a_choice_only_when_too_few_are_left(cancer: str, cannot: list[str]) -> None:
    """An option ruled out by something it gives says that, and not a choice among others the
    person cannot have while another is left ("it gives capecitabine, which you cannot have"
    beside fluorouracil still left, for chemoradiation ruled out by radiation); a choice is
    named only when too few are left. An option not suitable lists no choices left for you."""
    kb = shared_kb()
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4", "cannot_have": cannot}, kb),
                      kb)  # fmt: skip
    for option in result.options:
        choices = kb.rules[option.id].choices
        given = [r.given for r in option.reasons if r.kind == "ruled_out"]
        if any(g in choices for g in given):
            assert all(g in choices for g in given), (option.id, given)
        if option.status is Status.not_suitable:
            assert not option.choices_left, option.id


@pytest.mark.parametrize(("field", "name", "told"), [
    ("cannot_have", "others not known", "only the symptoms, the places the cancer has spread"),
    ("progressed_on", "and more", "give 'others not known' with the rest"),
    ("symptoms", "maybe others", "give 'others not known' with the rest"),
    ("symptoms", "others", "give 'others not known' with the rest"),
    ("metastases", "not all listed", "give 'others not known' with the rest"),
    ("prior_treatments", "etc", "give 'others not known' with the rest"),
])  # fmt: skip
def test_words_of_a_list_not_whole_are_pointed_to_the_answer_that_says_so(
    field: str, name: str, told: str
) -> None:
    """"others not known" where no list takes it was told it is a treatment, not a drug one;
    "maybe others" or "others" in a list that may not be whole was told to list only what is
    known, or asked whether it meant another symptom (which would make every "any symptom"
    option offered): each is pointed to the answer that says a list may not be whole."""
    kb = shared_kb()
    with pytest.raises(ProfileError) as caught:
        parse_profile({"cancer": "rectum", field: [name]}, kb)
    assert told in str(caught.value), str(caught.value)
    assert "did you mean" not in str(caught.value)


def test_perhaps_others_is_said_after_what_is_listed_in_every_reason() -> None:
    """A reason's "on record" values (``Check.yours``) put "perhaps other places not listed"
    in the middle of the places (a CDS card: "liver, perhaps other places not listed,
    peritoneum"): it comes last, as in the situation's words."""
    kb = shared_kb()
    profile = parse_profile({"cancer": "rectum", "stage": "4",
                             "metastases": ["peritoneum", "liver", "others not known"]}, kb)
    checks = [r.check for o in evaluate(profile, kb).options for r in o.reasons
              if r.check and r.check.fact == "metastases"]  # fmt: skip
    assert checks
    for check in checks:
        assert isinstance(check.yours, list) and check.yours[-1] == "others-not-known", check


@pytest.mark.parametrize(("field", "words"), [
    ("cannot_have", "painkillers"), ("symptoms", "hasn't pooped"), ("symptoms", "can't poo"),
])  # fmt: skip
def test_lay_words_that_would_say_more_than_the_person_did_are_not_read(
    kb, field: str, words: str  # type: ignore[no-untyped-def]
) -> None:
    """"painkillers" had been a name of symptom relief, so that "cannot have painkillers" ruled
    out relief of nausea too; "hasn't pooped" a name of constipation, which ruled out the
    options for a blocked bowel (a review of the change). Such words are refused, naming the
    field, so that the person says which."""
    with pytest.raises(ProfileError) as error:
        parse_profile({"cancer": "rectum", field: [words]}, kb)
    assert any(p.field.startswith(field) for p in error.value.problems), error.value.problems


HAD_TREATMENTS = ["FOLFOX", "CAPOX", "chemoradiation", "capecitabine", "cisplatin", "FOLFIRI",
                  "trastuzumab", "paclitaxel", "surgery"]  # fmt: skip


@SETTINGS
@given(cancer=st.sampled_from(["rectum", "stomach", "cervix"]),
       prior=st.lists(st.sampled_from(HAD_TREATMENTS), min_size=1, max_size=3, unique=True),
       recurrence=st.sampled_from(["local", "distant", "yes"]))  # fmt: skip
def test_whether_what_was_had_stopped_working_is_asked_once(
    cancer: str, prior: list[str], recurrence: str
) -> None:
    """What would change the options asks once whether what was had stopped working, naming
    every treatment any option asks it of: the options' own questions had been joined ("Did
    FOLFOX stop working? Did chemoradiation or FOLFOX stop working?")."""
    kb = shared_kb()
    try:
        result = evaluate(parse_profile({"cancer": cancer, "recurrence": recurrence,
                                         "prior_treatments": prior}, kb), kb)  # fmt: skip
    except ProfileError:
        return
    asks = kb.facts["progressed_on"].which_had.split("{values}")[1]  # " stop working (...)?"
    for ranked in result.what_would_change:
        assert ranked.question.count(asks) <= 1, ranked.question
        if ranked.fact != "progressed_on":
            continue
        for option in result.options:  # each option's own question is within it
            for missing in option.missing:
                if missing.fact == "progressed_on" and asks in missing.question:
                    own = missing.question.split(asks)[0].removeprefix("Did ")
                    named = ranked.question.split(asks)[0].removeprefix("Did ")
                    assert set(own.replace(" or ", ", ").split(", ")) <= set(
                        named.replace(" or ", ", ").split(", ")), (own, named)


def test_a_procedure_put_in_during_an_operation_planned_is_prepared_for_but_no_operation() -> None:
    """Extra nutrition before surgery is for any surgical procedure (gastric-recurrent
    3887-4330): a stomach stent or a feeding tube planned, each put in during an operation
    (``Procedure.during_surgery``), had been "for surgery, which you did not list". Every such
    procedure is among the option's planned treatments; and it is not an operation that removes
    the tumour: the rectal targeted drugs' note that they are not given before the operation is
    not told for it (a review of the change: counting it as surgery had told it)."""
    kb = shared_kb()
    during = [p.id for p in kb.data.procedures if p.during_surgery]
    assert during
    for procedure in during:
        stomach = evaluate(parse_profile({"cancer": "stomach", "stage": "4", "symptoms": [
            "malnutrition"], "planned": [procedure]}, kb), kb)  # fmt: skip
        nutrition = next(o for o in stomach.options if o.id == "stomach-nutrition-before-surgery")
        assert nutrition.status is Status.offered, (procedure, nutrition.reason)
        rectum = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "resectable": True,
                                         "metastases": ["liver"], "planned": [procedure]}, kb),
                          kb)  # fmt: skip
        told = {c.id for o in rectum.options for c in o.caveats if c.applies}
        assert "not-before-surgery" not in told, procedure


PLANNED_WARNING = "planned: a treatment of the cancer is planned"


@pytest.mark.parametrize(("cancer", "planned", "metastases", "warned"), [
    ("rectum", "radium-223", ["bone"], False), ("rectum", "strontium-89", ["bone"], False),
    ("rectum", "radioactive drugs", ["bone"], False),
    ("breast", "radioactive drugs", ["bone"], False),
    ("thyroid", "radioactive iodine", ["bone"], True),
    ("breast", "hormone therapy", ["bone"], True),
    ("rectum", "FOLFOX", ["bone"], True), ("rectum", "surgery", ["bone"], False),
    ("rectum", "hepatic arterial infusion", ["liver"], True),
    ("rectum", "ablation", ["liver"], False), ("rectum", "radiation", ["bone"], False),
    ("cervix", "targeted therapy", ["bone"], True),
    ("rectum", "bowel stent", ["liver"], False)])  # fmt: skip
def test_a_treatment_of_the_cancer_planned_by_one_who_wants_none_is_warned_of_unless_for_relief(
    kb: KnowledgeBase, cancer: str, planned: str, metastases: list[str], warned: bool
) -> None:
    """A treatment of the cancer planned beside no cancer treatment wanted is warned of, read from
    the answer's options: any treatment its options give only as treatment of the cancer
    (liver-artery chemotherapy, a thyroid cancer's radioactive iodine: a review found them not
    warned of, as the rule read only kinds of drugs); not one an option gives to ease a symptom
    the person has (radioactive drugs for bone pain; ablation, for a few tumours that cause
    problems, since a later review, clinical16; reviews of an earlier change found
    radium-223, then "radioactive drugs" for a breast cancer, warned of through the thyroid's
    radioactive iodine, which is not in scope for them); a kind of drug treatment of the cancer
    always."""
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4", "metastases": metastases,
                                     "metastasis_extent": "few",
                                     "wants_cancer_treatment": False, "symptoms": ["bone pain"],
                                     "planned": [planned]}, kb), kb)  # fmt: skip
    said = any(w.startswith(PLANNED_WARNING) for w in result.warnings)
    assert said is warned, result.warnings


PLANNED = sorted(v for v in shared_kb().vocabulary.known("planned") if v != "others-not-known")


@settings(max_examples=80, deadline=None)
@given(cancer=st.sampled_from(["stomach", "rectum", "cervix", "breast", "thyroid"]),
       planned=st.sampled_from(PLANNED),
       symptoms=st.sampled_from([[], ["bone pain"], ["bleeding"], ["bowel obstruction"]]),
       metastases=st.sampled_from([["liver"], ["bone"], ["lung", "bone"]]))  # fmt: skip
def test_the_planned_warning_agrees_with_the_options_that_give_it(
    cancer: str, planned: str, symptoms: list[str], metastases: list[str]
) -> None:
    """For one who wants no cancer treatment and plans one thing: the answer warns that a
    treatment of the cancer is planned exactly when its options give the thing (or anything
    narrower it names) only as treatment of the cancer (declined), or it is a kind of drug
    treatment of the cancer that no option here gives; never while an option the person may have
    (offered, asking, in trials) gives it: the warning and the page's options agree."""
    kb = shared_kb()
    result = evaluate(parse_profile({"cancer": cancer, "stage": "4", "metastases": metastases,
                                     "wants_cancer_treatment": False, "symptoms": symptoms,
                                     "planned": [planned]}, kb), kb)  # fmt: skip
    said = any(w.startswith(PLANNED_WARNING) for w in result.warnings)
    named = kb.vocabulary.below("planned", planned) | {planned}
    using = {o.id for v in named for o in kb.options_using(v)
             if v not in kb.by_id[o.id].may_involve}  # type: ignore[union-attr]
    statuses = {o.status for o in result.options if o.id in using}
    if statuses & {Status.offered, Status.needs_information, Status.in_trials}:
        assert not said, (planned, statuses)
    elif Status.declined in statuses:
        assert said, (planned, statuses)


@pytest.mark.parametrize(("data", "warned"), [
    # every option giving it not suitable for another reason: still a treatment of the cancer
    ({"cancer": "rectum", "metastases": ["liver"], "planned": ["FOLFOX"],
      "prior_treatments": ["FOLFOX"], "progressed_on": ["FOLFOX"]}, True),
    ({"cancer": "stomach", "metastases": ["liver"], "planned": ["trastuzumab"],
      "biomarkers": {"her2": "negative"}}, True),
    ({"cancer": "cervix", "stage": "4B", "metastases": ["liver"], "planned": ["chemoradiation"],
      "symptoms": []}, True),
    # a keyhole operation an option may only involve, and a colostomy for the blockage
    ({"cancer": "rectum", "metastases": ["liver"], "symptoms": ["bowel obstruction"],
      "planned": ["laparoscopy", "diverting colostomy"]}, False)])  # fmt: skip
def test_the_planned_warning_reads_treatments_not_what_an_option_may_involve(
    kb: KnowledgeBase, data: dict[str, Any], warned: bool
) -> None:
    """A review of the change: FOLFOX that stopped working, trastuzumab with HER2 negative and
    chemoradiation at 4B planned by one who wants no cancer treatment had lost the warning (every
    option giving them was not suitable for another reason, so none was declined); a planned
    laparoscopy had been read as the rectal ablation it may be part of."""
    result = evaluate(parse_profile({"stage": "4", **data, "wants_cancer_treatment": False},
                                    kb), kb)  # fmt: skip
    said = any(w.startswith(PLANNED_WARNING) for w in result.warnings)
    assert said is warned, result.warnings


# the procedures that give a drug: those the vocabulary counts as a drug treatment had, and
# liver-artery chemotherapy, whatever it counts as (it had counted as none)
DRUG_PROCEDURES = sorted({p.id for p in shared_kb().data.procedures
                          if shared_kb().vocabulary.up("prior_treatments", p.id) & DRUG_TREATMENTS}
                         | {"hepatic-arterial-infusion"})  # fmt: skip


def test_a_procedure_that_gives_a_drug_is_a_drug_treatment_had(kb: KnowledgeBase) -> None:
    """Chemoradiation and hepatic arterial infusion give a drug: each had is a drug treatment
    had (liver-artery chemotherapy had alone had been "no drug treatment", so nothing could have
    stopped working). What stopped working counts as chemotherapy that stopped only for
    liver-artery chemotherapy, given for spread (the options for after chemotherapy had asked
    whether chemotherapy stopped working, then refused the answer); chemoradiation's
    chemotherapy is often for an earlier stage, and is not (cemiplimab's vignette)."""
    for ident in DRUG_PROCEDURES:
        assert kb.vocabulary.up("prior_treatments", ident) & DRUG_TREATMENTS, ident
    assert "chemotherapy" in kb.vocabulary.up("progressed_on", "hepatic-arterial-infusion")
    assert "chemotherapy" not in kb.vocabulary.up("progressed_on", "chemoradiation")


@settings(max_examples=60, deadline=None)
@given(procedure=st.sampled_from(DRUG_PROCEDURES),
       cancer=st.sampled_from(["stomach", "rectum", "cervix", "lung"]),
       stopped=st.booleans(), metastases=st.sampled_from([["liver"], ["lung"], None]))  # fmt: skip
def test_a_procedure_that_gives_a_drug_is_not_given_again_once_it_stopped_working(
    procedure: str, cancer: str, stopped: bool, metastases: list[str] | None
) -> None:
    """Rule 1 for a procedure that is a drug treatment too: every option that gives it is not
    suitable once it stopped working, and asks whether it did when it was had and what stopped
    is not said (hepatic arterial infusion had been offered again after it stopped working: no
    route read it). Nothing stopped is never implied of one who had it."""
    kb = shared_kb()
    data: dict[str, Any] = {"cancer": cancer, "stage": "4", "prior_treatments": [procedure]}
    if stopped:
        data["progressed_on"] = [procedure]
    if metastases is not None:
        data["metastases"] = metastases
    result = evaluate(parse_profile(data, kb), kb)
    giving = {o.id for o in kb.options_using(procedure)}
    for option in result.options:
        if option.id not in giving:
            continue
        if stopped:
            assert option.status is Status.not_suitable, (option.id, option.status)
        elif option.status is Status.needs_information:
            pass  # it may ask other things too
        else:  # not asked: something else rules it out
            assert option.status is Status.not_suitable, (option.id, option.status)
            assert "stopped working" not in (option.reason or ""), (option.id, option.reason)


LOCAL = sorted(p.id for p in shared_kb().data.procedures
               if p.kind.value in ("radiation", "ablation") and p.parent is not None
               and p.id != "chemoradiation")  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(procedure=st.sampled_from(LOCAL),
       cancer=st.sampled_from(["stomach", "rectum", "cervix", "breast"]),
       metastases=st.sampled_from([["liver"], ["bone"], ["lung", "liver"]]))  # fmt: skip
def test_radiation_or_ablation_that_stopped_working_is_not_given_again_to_treat_the_cancer(
    procedure: str, cancer: str, metastases: list[str]
) -> None:
    """Rule 1 for a treatment given to a place (radiation, ablation): once it stopped working,
    no option that treats the cancer gives it again; an option that gives it as one choice of
    several keeps the others (radiofrequency ablation stopped: cryoablation, alcohol or laser);
    one only to ease a symptom may give it again, and one aimed at spread in a place of its own
    (``Option.aimed_at_spread``: radiation for the bones or brain; a clinical review). Ablation
    that stopped working had been offered again (a review): only radiation had the rule."""
    kb = shared_kb()
    data = {"cancer": cancer, "stage": "4", "metastases": metastases, "metastasis_extent": "few",
            "prior_treatments": [procedure], "progressed_on": [procedure]}  # fmt: skip
    result = evaluate(parse_profile(data, kb), kb)
    for option in result.options:
        record = kb.by_id[option.id]
        if (procedure not in record.uses or set(record.intent) == {"relieve"}  # type: ignore[union-attr]
                or record.aimed_at_spread):  # type: ignore[union-attr]
            continue
        if procedure in record.choices:  # type: ignore[union-attr]
            assert option.status is Status.not_suitable or procedure in {
                r.given for r in option.choices_ruled_out}, (option.id, option.status)  # fmt: skip
        else:
            assert option.status is Status.not_suitable, (option.id, option.status)


def test_an_option_of_several_kinds_of_ablation_keeps_the_others_when_one_stopped() -> None:
    """Radiofrequency ablation stopped working: the rectal option of ablation is offered with the
    other kinds, and says radiofrequency ablation is not among them (it had been offered with
    radiofrequency ablation, as if it had not stopped)."""
    kb = shared_kb()
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "metastases": ["liver"],
                                     "metastasis_extent": "few", "prior_treatments": ["RFA"],
                                     "progressed_on": ["RFA"]}, kb), kb)  # fmt: skip
    option = next(o for o in result.options if o.id == "rectum-radiofrequency-ablation")
    assert [r.given for r in option.choices_ruled_out] == ["radiofrequency-ablation"], option
    assert "radiofrequency ablation has already stopped working" in (
        option.choices_ruled_out[0].text), option.choices_ruled_out  # fmt: skip


def test_what_the_condition_tests_of_a_fact_not_given_is_asked_by_name(kb: KnowledgeBase) -> None:
    """The README's example (stage 4 rectal cancer, KRAS wild-type, nothing had) asked six
    options (capecitabine, irinotecan, 5-FU with leucovorin, raltitrexed, Lonsurf alone, CAPIRI)
    "Are there treatments your care team says you cannot have, or that caused severe side
    effects?", where what decides them is whether FOLFIRI can be given (a review of the answer's
    questions): a fact not given that has a question for what a condition tests
    (``which_tested``) asks it of those values, by name, in the options and, once, in what would
    change the answer."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "rectal-stage4-kras-wild-type.json"
    result = evaluate(parse_profile(json.loads(path.read_text(encoding="utf-8")), kb), kb)
    asked = kb.facts["cannot_have"].which_tested.format(values="FOLFIRI")
    deciding = [o.id for o in result.options for m in o.missing if m.fact == "cannot_have"]
    assert len(deciding) == 6
    assert {m.question for o in result.options for m in o.missing
            if m.fact == "cannot_have"} == {asked}  # fmt: skip
    [ranked] = [r for r in result.what_would_change if r.fact == "cannot_have"]
    assert (ranked.question, ranked.decides) == (asked, 6)
    # asked of the care team in the person's own voice (``ask_tested``), once
    asked_of_team = kb.facts["cannot_have"].ask_tested.format(values="FOLFIRI")
    assert asked not in result.questions and result.questions.count(asked_of_team) == 1


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "rectum", "stage": "4", "metastases": ["liver"]},) * 2)
def test_a_fact_not_given_is_asked_of_the_values_the_condition_tests(pair) -> None:  # type: ignore[no-untyped-def]
    """The rule for every profile: an option that waits on a fact not given whose data has a
    question for what a condition tests (``which_tested``: what cannot be had) names, in its
    question, each value its condition tests it for, and does not ask the fact's general
    question; what would change the answer names every one of them."""
    from onconav.kb.rules import tests_of

    kb = shared_kb()
    for data in pair:
        data = {k: v for k, v in data.items() if k != "cannot_have"}
        try:
            profile = parse_profile(data, kb)
        except ProfileError:
            continue
        site = facts_of(profile, kb).site
        result = evaluate(profile, kb)
        for option in result.options:
            for missing in option.missing:
                if kb.facts[missing.fact].which_tested is None:
                    continue
                rules = kb.rules[option.id].at(site)
                tested = [v for t in tests_of(rules.when)
                          if t.fact == missing.fact for v in t.wanted]  # fmt: skip
                # or through what rules it out that the fact not given leaves undecided (a total
                # gastrectomy had, of surgery to remove part of the stomach: clinical21)
                tested += [v for r in rules.ruled_out if r.fact == missing.fact and r.asked
                           and r.unless is None for v in r.test.wanted]  # fmt: skip
                assert tested, option.id  # it waits on the fact through its condition
                up = kb.vocabulary.up
                for value in tested:  # a value below another tested is asked after it
                    if (up(missing.fact, value) - {value}) & set(tested):
                        continue
                    phrase = kb.phrase(missing.fact, value)
                    assert phrase in missing.question, (option.id, missing.question)
                    # in what would change, it or a broader value another option tests, asked
                    # first ("Have you had surgery?", of a total gastrectomy too)
                    said = {kb.phrase(missing.fact, v) for v in up(missing.fact, value)}
                    assert all(any(p in r.question for p in said | {phrase})
                               for r in result.what_would_change
                               if r.fact == missing.fact)  # fmt: skip
                assert kb.facts[missing.fact].question not in missing.question


def test_a_treatment_had_named_by_where_it_went_may_be_the_one_that_stopped(
    kb: KnowledgeBase,
) -> None:
    """A treatment had named by a value that is no treatment of the knowledge base (pelvic
    radiation: radiation given to the pelvis) may be any treatment of the broader kind it is
    under: with that kind said to have stopped working, not which, no route of it is read as
    never had (radiation that stopped was offered again after pelvic radiation had: a review of
    the change). Every such value, every route it may be."""
    from onconav.logic import hit_truth as hit

    up = kb.vocabulary.up
    known = kb.vocabulary.known("prior_treatments")
    for value in sorted(v for v in known if v not in kb.by_id):
        # what stopped, of a broader kind the value is under (pelvic radiation: radiation;
        # radiation therapy stopped, not which)
        under = up("prior_treatments", value) - {value}
        kinds = {k for k in kb.vocabulary.known("progressed_on")
                 if up("prior_treatments", k) & under}  # fmt: skip
        for kind in sorted(kinds):
            facts = facts_of(parse_profile({"cancer": "rectum", "stage": "4",
                                            "prior_treatments": [value],
                                            "progressed_on": [kind]}, kb), kb)  # fmt: skip
            for rules in kb.rules.values():
                for r in rules.ruled_out:
                    if r.fact == "progressed_on" and kind in r.test.unknown:
                        assert hit(r, facts.row) is Truth.UNKNOWN, (value, kind, r.given)


def test_liver_artery_chemotherapy_had_asks_when_chemotherapy_stopped(kb: KnowledgeBase) -> None:
    """Liver-artery chemotherapy the only chemotherapy had, and chemotherapy said to have
    stopped, not which: it had been offered again (its route read "chemotherapy" as not it)."""
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "metastases": ["liver"],
                                     "resectable": False, "symptoms": [],
                                     "prior_treatments": ["hepatic arterial infusion"],
                                     "progressed_on": ["chemotherapy"]}, kb), kb)  # fmt: skip
    option = next(o for o in result.options if o.id == "rectum-hepatic-arterial-infusion")
    assert option.status is Status.needs_information, option.status
    assert [m.fact for m in option.missing] == ["progressed_on"], option.missing


@pytest.mark.parametrize("site", ["rectum", "colon", "stomach", "cervix", "breast", "any"])
def test_a_note_says_it_comes_from_another_cancers_page_only_to_that_other_cancer(
        kb: KnowledgeBase, site: str) -> None:  # fmt: skip
    """The rectal page's standard first treatments told rectal patients to "ask your team how
    it applies to colon cancer" (the sentence was part of the note's text; a review): a note
    shown for a cancer no source it rests on is about says so, naming that cancer; any other
    says nothing of it. Over every note, for every cancer."""
    result = evaluate(parse_profile({"cancer": site, "stage": "4"}, kb), kb)
    for note in result.notes:
        record = next(n for n in kb.data.notes if n.id == note.id)
        about = {kb.sources[s.source].cancer for s in record.evidence}
        said = "This comes from a page about" in note.text
        assert said == (result.cancer not in about and "any" not in about), (site, note.id)
        if said:
            assert note.text.endswith(f"applies to {result.cancer_name}."), note.text
    if site == "colon":
        assert any("page about rectal cancer" in n.text for n in result.notes)


def test_palliative_care_is_not_comfort_care_without_cancer_treatment(kb: KnowledgeBase) -> None:
    """"palliative care" was a name of comfort care without cancer treatment ("not to fight the
    cancer"; a review): palliative care goes with cancer treatment too, and the sources do not
    use the words. It names symptom relief; "hospice" and "comfort care" stay comfort care."""
    assert [r.id for r in kb.find("palliative care")] == ["symptom-relief"]
    assert [r.id for r in kb.find("hospice")] == ["comfort-care"]


# A script run in a fresh interpreter: random profiles whose lists hold several values of the
# vocabulary (where a set's order could show), each evaluated, the whole answers printed.
SAME_IN_EVERY_RUN = """
import json, random, sys
from onconav.engine import evaluate
from onconav.kb import load_kb
from onconav.profile import parse_profile
kb = load_kb()
rng = random.Random(20261205)
lists = ["cannot_have", "progressed_on", "prior_treatments", "symptoms", "metastases", "planned"]
values = {fact: sorted(kb.vocabulary.known(fact)) for fact in lists}
answers = []
for _ in range(int(sys.argv[1])):
    data = {"cancer": rng.choice(["stomach", "rectal", "cervix", "lung", "prostate"]),
            "stage": rng.choice(["4", "4A", "4B", "earlier"])}
    for fact in lists:
        if rng.random() < 0.5:
            data[fact] = rng.sample(values[fact], k=rng.randint(2, 4))
    data["cannot_have"] = data.get("cannot_have") or rng.sample(values["cannot_have"], k=3)
    answers.append(evaluate(parse_profile(data, kb), kb).model_dump(mode="json"))
json.dump(answers, sys.stdout)
"""


def test_the_answers_are_the_same_whatever_the_hash_seed() -> None:
    """The same profile gets the same answer in every run: a reason had named the kind of a drug
    by iterating a set, whose order changes with Python's hash seed ("nivolumab, a kind of
    targeted therapy" in one run, "a kind of immune checkpoint inhibitors" in the next: the person
    cannot have either). Three interpreters with different seeds, the same random profiles."""
    import json
    import os
    import subprocess
    import sys

    runs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", SAME_IN_EVERY_RUN, "400"], env=env,
                              capture_output=True, text=True, check=True, timeout=600)  # fmt: skip
        runs.append(json.loads(done.stdout))
    # the first answer that differs, not a diff of the whole output (pytest's would take minutes)
    differs = [i for i, (a, b, c) in enumerate(zip(*runs, strict=True)) if not a == b == c]
    if differs:
        first = [run[differs[0]]["options"] for run in runs]
        raise AssertionError([(o["id"], o["reason"]) for o in itertools.chain(*first)
                              if not all(o in f for f in first)])  # fmt: skip


def test_a_kind_named_in_the_plural_is_said_as_one_of_them() -> None:
    """A reason says what a thing is of its kind's name in the plural as one of them ("nivolumab,
    one of the immune checkpoint inhibitors"), never "a kind of immune checkpoint inhibitors";
    for every option and every way it can be ruled out. And the kind named is the narrowest the
    person cannot have: nivolumab is listed among the targeted drugs too."""
    kb = shared_kb()
    said = [w for rules in kb.rules.values() for hit in rules.ruled_out for _, w in hit.words]
    assert said and not [w for w in said if re.search(r"a kind of [^,]*s, which", w)]
    assert any("one of the " in w for w in said)
    cannot = ["targeted therapy", "checkpoint inhibitors"]
    profile = parse_profile({"cancer": "stomach", "stage": "4", "cannot_have": cannot}, kb)
    reasons = {o.id: o.reason for o in evaluate(profile, kb).options}
    nivolumab = [r for r in reasons.values() if r and "nivolumab" in r]
    assert nivolumab and all("nivolumab, one of the immune checkpoint inhibitors, which you "
                             "cannot have" in r for r in nivolumab), nivolumab  # fmt: skip


CANNOT = ["surgery", "gastrectomy", "FOLFOX", "radiation"]
HAD = ["bowel resection", "surgery", "FOLFOX", "radiation", "colostomy", "nerve block",
       "gastrectomy", "others not known"]


@SETTINGS
@given(cancer=st.sampled_from(["rectum", "stomach", "lung"]),
       resectable=st.sampled_from([True, False, None]),
       cannot=st.lists(st.sampled_from(CANNOT), max_size=2, unique=True),
       prior=st.one_of(st.none(), st.lists(st.sampled_from(HAD), max_size=2, unique=True)))
def test_surgery_could_remove_it_but_none_can_be_had_is_warned_of(  # type: ignore[no-untyped-def]
        cancer, resectable, cannot, prior) -> None:
    """Surgery could remove all of the cancer, any operation cannot be had, and no operation
    that takes out cancer is among the treatments had (or they are not given): a warning to
    check which is right, since the options are those for cancer an operation will remove
    (chemotherapy after surgery had been offered without a word). A kind of operation that
    cannot be had (a gastrectomy) is not every operation; an operation that takes out cancer
    (a bowel resection, a gastrectomy; or one not said which) leaves chemotherapy after it
    nothing to wait for; a colostomy or a nerve block takes out none (they had silenced it: a
    review). Treatments had not given, or perhaps not whole, say it is not known."""
    kb = shared_kb()
    data: dict[str, Any] = {"cancer": cancer, "stage": "4", "cannot_have": cannot}
    if resectable is not None:
        data["resectable"] = resectable
    if prior is not None:
        data["prior_treatments"] = prior
    warned = [w for w in evaluate(parse_profile(data, kb), kb).warnings
              if w.startswith("resectable: given as yes, but surgery cannot be had")]  # fmt: skip
    operated = prior is not None and bool({"bowel resection", "surgery", "gastrectomy"}
                                          & set(prior))
    assert bool(warned) == (resectable is True and "surgery" in cannot and not operated), warned
    whole = prior is not None and "others not known" not in prior
    assert all(("is among the treatments had" in w) == whole for w in warned), warned


FIRST_4A = ["chemoradiation", "cisplatin with radiation", "radiation", "brachytherapy"]


@SETTINGS
@given(stopped=st.lists(st.sampled_from(FIRST_4A), min_size=1, max_size=2, unique=True),
       recurrence=st.sampled_from(["none", None]),
       symptoms=st.lists(st.sampled_from(SYMPTOMS), max_size=2, unique=True))
def test_a_cervical_4a_cancer_that_grew_through_its_first_treatment_sees_general_options(  # type: ignore[no-untyped-def]
        stopped, recurrence, symptoms) -> None:
    """The cervical source is about the first treatment of stage 4 (for 4A, chemoradiation,
    radiation alone or brachytherapy): a 4A cancer that grew during it is outside what the source
    covers, as one that came back in the pelvis is, and the general source's chemotherapy is in
    the answer (it had been left out: every drug treatment was "for stage 4B")."""
    kb = shared_kb()
    data: dict[str, Any] = {"cancer": "cervix", "stage": "4A", "prior_treatments": stopped,
                            "progressed_on": stopped, "symptoms": symptoms}  # fmt: skip
    if recurrence is not None:
        data["recurrence"] = recurrence
    statuses = {o.id: o.status for o in evaluate(parse_profile(data, kb), kb).options}
    assert statuses.get("general-chemotherapy") in (Status.offered, Status.needs_information), (
        data, statuses.get("general-chemotherapy"))  # fmt: skip


@st.composite
def drugs_stopped_or_barred(draw: st.DrawFn) -> dict[str, Any]:
    """A profile whose lists of what stopped working and cannot be had hold drugs and regimens
    of the knowledge base (where drugs of the same kind are warned of)."""
    kb = shared_kb()
    drugs = sorted(d.id for d in kb.data.drugs) + sorted(r.id for r in kb.data.regimens)
    listed = {f: draw(st.lists(st.sampled_from(drugs), max_size=2, unique=True))
              for f in ("progressed_on", "cannot_have")}  # fmt: skip
    data = {"cancer": draw(st.sampled_from(CANCERS)), "stage": draw(st.sampled_from(["4", "4B"])),
            "prior_treatments": listed["progressed_on"], **listed}
    return data


# the answer's warnings about what options give: a drug of the kind of one listed, a mix that
# gives a drug that stopped beside one that did not, a kind of drug given as such that stopped
ABOUT_OPTIONS = ("of the same kind (", "with a drug not listed as stopped working",
                 "without naming a drug")  # fmt: skip


@SETTINGS
@given(data=drugs_stopped_or_barred())
@example(data={"cancer": "rectum", "recurrence": "yes", "metastases": ["liver"],
               "prior_treatments": ["bowel resection", "FOLFOX"], "progressed_on": ["FOLFOX"]})
@example(data={"cancer": "rectum", "stage": "4", "prior_treatments": ["capecitabine"],
               "progressed_on": ["capecitabine"]})  # CAPOX and CAPIRI give it
@example(data={"cancer": "breast", "metastases": ["bone"], "hormone_sensitive": True,
               "prior_treatments": ["hormone therapy"], "progressed_on": ["hormone therapy"]})
def test_a_warning_about_what_options_give_is_said_on_each_of_them(  # type: ignore[no-untyped-def]
        data) -> None:
    """The answer's warnings about what options give (a drug of the same kind as one that
    stopped working or cannot be given; a mix that gives a drug that stopped beside one that did
    not; a kind of drug given as such that stopped) are said on each option they concern too (an
    option not ruled out that gives it), and an option says no warning the answer does not:
    "Capecitabine alone: offered" had been shown with nothing against it, the warning at the head
    of the page only (a review of the page), and then CAPIRI and "Hormone therapy" (reviews of
    the change)."""
    kb = shared_kb()
    result = evaluate(parse_profile(data, kb), kb)
    about = [w.split(": ", 1)[1] for w in result.warnings if any(a in w for a in ABOUT_OPTIONS)]
    about = [w[:1].upper() + w[1:] for w in about]  # as a sentence of its own on the option
    on_options = [w for o in result.options for w in o.warnings]
    assert set(on_options) <= set(about), (on_options, about)
    for warning in about:
        said = [o for o in result.options if warning in o.warnings]
        assert said and all(o.status is not Status.not_suitable for o in said), warning


def test_the_operations_that_take_out_cancer_are_treatments_had() -> None:
    """Each operation the surgery warning counts as taking out cancer is a value of the
    treatments had, with narrower ones under it (a name not in the vocabulary would count none)."""
    from onconav.kb.rules import CANCER_OPERATIONS

    kb = shared_kb()
    for operation in CANCER_OPERATIONS:
        assert operation in kb.vocabulary.known("prior_treatments"), operation
    assert "low-anterior-resection" in kb.vocabulary.below("prior_treatments", "bowel-resection")


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["lung cancer", "pancreatic cancer", "mesothelioma", "breast", "prostate",
                        "colon", "bladder cancer", "unknown", "carcinoma"]),
       st.sampled_from([{}, {"stage": "4"}, {"stage": "4", "metastases": ["liver"]},
                        {"stage": "earlier"},
                        {"stage": "earlier", "recurrence": "none"}]))  # fmt: skip
@example("pancreatic cancer", {"stage": "earlier"})  # a review: it had not been told at all
def test_a_cancer_without_a_source_of_its_own_is_told_so_once(
    name: str, more: dict[str, Any]
) -> None:
    """An answer for a cancer no source is about says it once, in the scope sentence, which
    names the cancers that have sources of their own (a name the knowledge base did not know had
    been told so again in a warning, and the page said it a third time: a review). Not in any
    warning too."""
    kb = shared_kb()
    result = evaluate(parse_profile({"cancer": name, **more}, kb), kb)
    assert not result.has_own_source
    assert "stomach cancer, rectal cancer and cervical cancer have sources of their own" in (
        result.scope), result.scope
    assert not [w for w in result.warnings if "source of its own" in w or
                "sources of their own" in w], result.warnings  # fmt: skip


@SETTINGS
@given(st.sampled_from(["cervix", "rectum", "stomach", "breast"]),
       st.sampled_from(["4", "4A", "4B", "earlier", None]),
       st.sampled_from([[], ["pelvis"], ["liver"], None]))  # fmt: skip
@example("cervix", "4", ["pelvis"])
def test_an_answer_the_rest_implies_is_said_in_one_form(
    cancer: str, stage: str | None, spread: list[str] | None
) -> None:
    """A reason that rests on an answer the rest implies says it as what it is drawn from,
    after ", but", whether it is of one test or of a condition's ``says``: not "(yours: from
    your other answers: ...)", two colons (a review of the page), nor "(yours, from your other
    answers: no, as ...)", read as the person's own no (a clinical review)."""
    kb = shared_kb()
    profile = {"cancer": cancer, "prior_treatments": [], "stage": stage, "metastases": spread}
    facts = facts_of(parse_profile({k: v for k, v in profile.items() if v is not None}, kb), kb)
    result = evaluate(parse_profile({k: v for k, v in profile.items() if v is not None}, kb), kb)
    texts = [o.reason or "" for o in result.options] + [
        r.text for o in result.options for r in o.reasons]  # fmt: skip
    assert not [t for t in texts if "from your other answers" in t]
    for told in facts.told.values():  # each said after ", but", never inside "(yours: ...)"
        assert not [t for t in texts
                    if told in t and f", but {told}" not in t and f"come back ({told})" not in t]
    if cancer == "cervix" and stage == "4" and spread == ["pelvis"]:
        assert [t for t in texts if ", but you have had no treatment yet, so it has not" in t]


@pytest.mark.parametrize(("data", "option", "reason"), [
    ({"cancer": "cervix", "stage": "4A", "recurrence": "local"}, "general-hormone-therapy",
     "Not for this situation: it is for whether hormones make this cancer grow: yes, but the "
     "source about your type of cancer names no hormone therapy among its treatments, so "
     "hormones are taken as not making it grow (if your care team says they do, say so)."),
    ({"cancer": "stomach", "stage": "4", "symptoms": ["malnutrition"], "metastases": ["liver"]},
     "general-bone-rod",
     "Not for this situation: it is for a bone the cancer has made weak (yours: symptoms the "
     "cancer is causing: malnutrition), but the bones are not among the places the cancer has "
     "spread to, by your answers, so no bone is taken as weakened by the cancer."),
])  # fmt: skip
def test_a_derived_answer_is_said_as_what_it_is_drawn_from(
    data: dict[str, Any], option: str, reason: str
) -> None:
    """The words of a clinical review: "it is for whether hormones make this cancer grow: yes
    (yours, from your other answers: no, as ...)" and "(yours: symptoms ...: malnutrition; from
    your other answers: no, as the bones ...)" had read as answers the person gave."""
    kb = shared_kb()
    found = next(o for o in evaluate(parse_profile(data, kb), kb).options if o.id == option)
    assert found.status is Status.not_suitable
    assert found.reason == reason


@SETTINGS
@given(stage=st.sampled_from(["4", "4A", "4B", "earlier", None]),
       spread=st.sampled_from([None, [], ["pelvis"], ["lung"]]),
       recurrence=st.sampled_from([None, "none", "local", "distant"]))  # fmt: skip
@example(stage="4B", spread=None, recurrence=None)
def test_the_note_that_asks_for_the_stage_shows_only_while_it_is_not_given(
    stage: str | None, spread: list[str] | None, recurrence: str | None
) -> None:
    """"Stage 4A or 4B matters ... ask your team which stage you have" is for one whose
    cervical stage is not known as 4A or 4B: a note that asks for a fact already given had been
    shown with stage 4B (a clinical review)."""
    kb = shared_kb()
    profile = {"cancer": "cervix", "stage": stage, "metastases": spread, "recurrence": recurrence}
    parsed = parse_profile({k: v for k, v in profile.items() if v is not None}, kb)
    known = facts_of(parsed, kb).row["stage"]
    shown = "cervix-4a-or-4b" in {n.id for n in evaluate(parsed, kb).notes}
    assert shown == (known not in ("4A", "4B", "earlier"))


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "stomach", "stage": "4"},
               {"cancer": "stomach", "stage": "4", "wants_cancer_treatment": False}))  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4"},
               {"cancer": "rectum", "stage": "4", "wants_cancer_treatment": False}))  # fmt: skip
def test_no_note_shown_to_one_who_wants_no_cancer_treatment_speaks_of_choosing_it(pair) -> None:  # type: ignore[no-untyped-def]
    """To one who wants no cancer treatment, "Good to know" speaks of no drug or mix of drugs
    by name, of no clinical trial, and of no more treatment to try: "There may still be good
    choices ... real help from more treatment", "What clinical trials are" (every trial not
    chosen) and FOLFIRI as the usual first chemotherapy had been shown to one who had declined
    it (a review of the page). Whoever has not said so sees them as before."""
    kb = shared_kb()
    _, fuller = pair
    declined = {**fuller, "wants_cancer_treatment": False}
    named = [kb.name_of(x.id) for x in (*kb.data.drugs, *kb.data.regimens)]
    for note in evaluate(parse_profile(declined, kb), kb).notes:
        text = f"{note.title} {note.text}".lower()
        assert "clinical trial" not in text and "more treatment" not in text, note.id
        said = [n for n in named if re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", text)]
        assert not said, (note.id, said)
    undecided = {k: v for k, v in fuller.items() if k != "wants_cancer_treatment"}
    shown = {n.id for n in evaluate(parse_profile(undecided, kb), kb).notes}
    kept = {"stomach": {"stomach-still-options", "stomach-about-clinical-trials"},
            "rectum": {"rectum-colorectal-standard", "rectum-targeted-therapy-kras"}}
    assert kept.get(undecided["cancer"], set()) <= shown, shown


def _fact_rows(result: Any) -> dict[str, str]:
    """The situation's words of each fact given (its first rows, one for each, in order)."""
    situation = render.situation(result)
    return {u.fact: said for u, (_, said) in zip(result.understood, situation, strict=False)}


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "cervix", "stage": "4", "metastases": ["pelvis"], "prior_treatments": []},
               {"cancer": "cervix", "stage": "4", "metastases": ["lung"]}))  # 4A, 4B
def test_the_situation_says_what_an_answer_was_read_as_and_nothing_as_the_form(pair) -> None:  # type: ignore[no-untyped-def]
    """The situation said "stage 4" where every reason said "(yours: stage 4A)" (cervical
    stage 4 spread only within the pelvis is read as 4A): a fact the options were decided on as
    another value says both, "stage 4, read as stage 4A", in the situation every front end
    shows (render.situation). A list answered with nothing says so in the form's own words for
    that answer ("Treatments already had: no treatment yet"; it said "none")."""
    from onconav.web.form import LIST_ANSWERS

    kb = shared_kb()
    for given_profile in pair:
        profile = parse_profile(given_profile, kb)
        result = evaluate(profile, kb)
        rows = _fact_rows(result)
        for option in result.options:
            checks = [r.check for r in option.reasons if r.check]
            checks += [c for caveat in option.caveats for c in caveat.because]
            for check in checks:
                given = getattr(profile, check.fact, None)
                # (the cancer is said by its name, "lung cancer" for ``lung``, not read as another)
                if (check.fact in rows and check.fact != "cancer" and isinstance(given, str)
                        and isinstance(check.yours, str) and check.yours != given):  # fmt: skip
                    _, said, read = rows[check.fact].partition(", read as ")
                    assert said and check.yours in read, (check.fact, check.yours, rows)
        for fact, said in rows.items():
            if getattr(profile, fact, None) == []:
                nothing = LIST_ANSWERS[fact][1]
                assert said == nothing[0].lower() + nothing[1:], (fact, said)
                # the answer's JSON and every reason say it alike (the reasons had said
                # "(yours: none)" and "where the cancer has spread: none")
                (read,) = [u for u in result.understood if u.fact == fact]
                assert read.value == said, (fact, read.value)
                texts = [o.reason or "" for o in result.options] + [
                    r.text for o in result.options for r in o.reasons]  # fmt: skip
                assert not [t for t in texts if "(yours: none)" in t
                            or f"{in_sentence(kb.facts[fact].label)}: none" in t], fact


@pytest.mark.parametrize(("given", "stage_row"), [
    ({"cancer": "cervical cancer", "stage": "4", "metastases": ["pelvis"],
      "prior_treatments": "none"}, "stage 4, read as stage 4A"),
    ({"cancer": "cervix", "stage": "4", "metastases": ["lung"]}, "stage 4, read as stage 4B"),
    ({"cancer": "cervix", "stage": "4B"}, "stage 4B"),
    ({"cancer": "rectum", "stage": "IV"}, "stage 4 (you wrote: IV)"),
])  # fmt: skip
def test_the_situation_shows_the_stage_as_given_and_as_read(kb, given, stage_row) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(parse_profile(given, kb), kb)
    rows = dict(render.situation(result))
    assert rows["Stage of the cancer"] == stage_row
    # the answer's JSON says it too (``Understood.read_as``), for every front end alike
    (stage,) = [u for u in result.understood if u.fact == "stage"]
    _, _, read = stage_row.partition(", read as ")
    assert stage.read_as == (read or None)
    if "prior_treatments" in given:
        assert rows["Treatments already had"] == "no treatment yet"


def test_an_answer_that_contradicts_others_is_read_as_not_known(kb) -> None:  # type: ignore[no-untyped-def]
    """Stage 1 to 3 said not to have come back, with spread to the liver: whether it came back
    is taken as not known (with a warning), and the situation says so beside the answer."""
    given = {"cancer": "stomach", "stage": "3", "recurrence": "none", "metastases": ["liver"]}
    result = evaluate(parse_profile(given, kb), kb)
    (recurrence,) = [u for u in result.understood if u.fact == "recurrence"]
    assert recurrence.read_as == "not known"
    rows = dict(render.situation(result))
    assert rows[recurrence.label].endswith(", read as not known"), rows
    assert all(u.read_as is None for u in result.understood if u.fact != "recurrence")


@SETTINGS
@given(pair=partial_and_more(), barred=st.booleans())
@example(pair=({"cancer": "rectum", "stage": "4", "metastases": ["liver", "lung"],
                "cannot_have": ["surgery"], "prior_treatments": [], "symptoms": ["bleeding"]},
               {}), barred=True)  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4", "cannot_have": ["surgery"],
                "prior_treatments": ["surgery for bowel obstruction (remove or bypass)"]},
               {}), barred=True)  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4", "cannot_have": ["surgery"],
                "prior_treatments": ["surgery to stop bleeding", "FOLFOX"]}, {}), barred=True)
@example(pair=({"cancer": "rectum", "stage": "4", "metastases": ["liver"], "resectable": True,
                "metastasis_extent": "few", "cannot_have": ["surgery"]}, {}), barred=True)
def test_what_is_given_after_an_operation_needs_one_had_or_possible(pair, barred) -> None:  # type: ignore[no-untyped-def]
    """An option given after an operation (chemotherapy after surgery) needs one: had already,
    or one the person can have. One who cannot have surgery and whose treatments had are known
    to hold no operation that takes out cancer (a list with no "perhaps others"; a colostomy
    takes out none) is not suitable for it, saying so; with such an operation had (or one not
    said which) it is not ruled out by it (it had asked one who cannot have surgery and has had
    none whether surgery could remove the cancer); the treatments had not known or perhaps not
    whole, it is never offered, and asks them (it had been offered, as if an operation had been
    had: a clinical review, clinical19). An operation that may have taken out cancer (surgery
    for a blocked bowel, which takes out the blocked part or goes around it; surgery to stop
    bleeding) leaves it not known, as "perhaps others" does: a review of the cohort found it
    ruled out."""
    from onconav.kb.rules import AFTER_SURGERY, SURGERY, perhaps_removing_cancer, removing_cancer

    kb = shared_kb()
    data = dict(pair[0])
    data["cancer"] = "rectum"
    if barred and "surgery" not in data.get("cannot_have", []):
        data["cannot_have"] = [*data.get("cannot_have", []), "surgery"]
    profile = parse_profile(data, kb)
    row = facts_of(profile, kb).row
    had = row["prior_treatments"]
    # an operation that takes out cancer, or one not said which (not a colostomy)
    operations = removing_cancer(kb.vocabulary)
    assert "colostomy" not in operations and "low-anterior-resection" in operations
    # an operation that may have taken out cancer (surgery for a blocked bowel), or perhaps others
    perhaps = perhaps_removing_cancer(kb.vocabulary)
    assert {OTHERS_NOT_KNOWN, "bowel-obstruction-surgery", "bleeding-surgery"} <= perhaps
    assert "bowel-bypass" not in perhaps and not perhaps & operations
    none_had = isinstance(had, frozenset) and not had & (operations | perhaps)
    cannot = isinstance(row["cannot_have"], frozenset) and SURGERY in row["cannot_have"]
    after = {o.id for o in kb.options if set(o.timing) & AFTER_SURGERY}
    assert after, "no option of the knowledge base is given after an operation"
    for option in evaluate(profile, kb).options:
        if option.id not in after:
            continue
        said = [r for r in option.reasons
                if r.kind == "ruled_out" and "after an operation" in r.text]  # fmt: skip
        if cannot and none_had:
            assert option.status is Status.not_suitable, (option.id, data)
            assert said, option.reasons
        else:
            assert not said, (option.id, data, option.reasons)
        operated = isinstance(had, frozenset) and bool(had & operations)
        if cannot and not operated and not none_had:  # not known whether one was had: asked
            assert option.status is not Status.offered, (option.id, data)
            if option.status is Status.needs_information:
                assert "prior_treatments" in {m.fact for m in option.missing}, (option.id, data)



@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "breast", "stage": "4", "biomarkers": {"her2": "positive"}}, {}))
@example(pair=({"cancer": "stomach", "stage": "4", "biomarkers": {"kras": "mutated"}}, {}))
def test_a_result_that_decides_nothing_shown_is_said_to(pair) -> None:  # type: ignore[no-untyped-def]
    """A test result (HER2, KRAS) that no option shown for the person depends on had been
    repeated in the situation and used for nothing, without a word (a clinical review: HER2 for
    a breast cancer, KRAS for a stomach cancer). A warning says so; and when it does, the answer
    is the same without the result: it changes none of the options."""
    kb = shared_kb()
    profile = pair[0]
    result = evaluate(parse_profile(profile, kb), kb)
    for fact in ("her2", "kras"):
        given = (profile.get("biomarkers") or {}).get(fact) is not None
        said = [w for w in result.warnings if w.startswith(f"biomarkers.{fact}: none of the")]
        if not given:
            assert not said, result.warnings
            continue
        without = {**profile, "biomarkers": {k: v for k, v in profile["biomarkers"].items()
                                             if k != fact}}  # fmt: skip
        other = evaluate(parse_profile(without, kb), kb)
        same = [(o.id, o.status, o.missing, o.reason, [c.id for c in o.caveats if c.applies])
                for o in result.options] == [
            (o.id, o.status, o.missing, o.reason, [c.id for c in o.caveats if c.applies])
            for o in other.options]  # fmt: skip
        if said:
            assert same, (fact, profile)
        if profile["cancer"] in ("breast",) or (profile["cancer"] == "stomach" and fact == "kras"):
            assert said, (fact, result.warnings)


@settings(max_examples=60, deadline=None)
@given(cancer=st.sampled_from(["cervix", "rectum", "stomach"]),
       stopped=st.lists(st.sampled_from(["carboplatin", "paclitaxel", "cisplatin", "topotecan",
                                         "capecitabine", "fluorouracil", "oxaliplatin",
                                         "irinotecan", "CAPOX", "FOLFOX"]),
                        min_size=1, max_size=3, unique=True))  # fmt: skip
@example(cancer="cervix", stopped=["carboplatin", "paclitaxel"])  # a review of the page
@example(cancer="rectum", stopped=["fluorouracil", "cisplatin"])  # FOLFOX adds oxaliplatin
def test_a_mix_that_adds_a_drug_like_one_that_stopped_says_so(
    cancer: str, stopped: list[str]
) -> None:
    """A mix left open that gives a drug that stopped working, beside one that makes it what it
    is, is said to add "a drug not listed as stopped working". When that drug is of the kind of
    one that stopped (cisplatin, after carboplatin), the warning says so: after carboplatin and
    paclitaxel stopped, "cisplatin and paclitaxel" had been said to add a drug not listed as
    stopped, just below the warning that cisplatin is of carboplatin's kind."""
    kb = shared_kb()
    profile = {"cancer": cancer, "stage": "4B" if cancer == "cervix" else "4",
               "prior_treatments": stopped, "progressed_on": stopped}  # fmt: skip
    result = evaluate(parse_profile(profile, kb), kb)
    # "X (, part of M,) stopped working, and Y is of the same kind (...)": Y is of X's kind
    alike: dict[str, set[str]] = {}
    for w in result.warnings:
        if m := re.match(r"progressed_on: ([^,]+?)(?:, part of [^,]+,)? stopped working, and "
                         r"(\S+) is of the same kind \(", w):  # fmt: skip
            alike.setdefault(m.group(2), set()).add(m.group(1))
    for warning in result.warnings:
        if "with a drug not listed as stopped working" not in warning:
            continue
        for added in re.findall(r"\(with ([^)]+)\)", warning):
            if added in alike:
                assert any(f"though {added} is of the same kind as {like}, which stopped "
                           "working too" in warning for like in alike[added]), (profile, warning)
    if cancer == "rectum" and stopped == ["fluorouracil", "cisplatin"]:
        assert any("though oxaliplatin is of the same kind as cisplatin" in w
                   for w in result.warnings), result.warnings
    if cancer == "cervix" and stopped == ["carboplatin", "paclitaxel"]:  # cisplatin and
        # paclitaxel is out (the cervical pairs have no key drug), so not said to be left open
        assert not any("“cisplatin and paclitaxel”" in w for w in result.warnings), result.warnings


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "rectum", "stage": "4", "wants_cancer_treatment": False}, {}))
@example(pair=({"cancer": "cervix", "stage": "4A"}, {}))
def test_the_headline_counts_what_an_answer_can_have(pair) -> None:  # type: ignore[no-untyped-def]
    """The headline (and the page's "At a glance") counts every status, but one only some
    answers give (only in clinical trials, not chosen) when no option has it: "0 not chosen" had
    been said to every family that never said they want no cancer treatment (a review of the
    page). Each count is the number of options of that status; the offered ones are split
    into the treatments of the cancer (``Rules.standard``; none to one who wants none) and the
    trials or care, which add up to them."""
    kb = shared_kb()
    result = evaluate(parse_profile(pair[0], kb), kb)
    split = render.offered_split(result)
    # each count, its words, and what it holds in brackets (which may hold commas: "35 need
    # information (18 of them on whether the cancer came back, and where)")
    said = {words: count for count, words in re.findall(
        r"(?:^|, )(\d+) ([a-z ]+?)(?: \((?:[^()]|\([^()]*\))*\))?(?=, \d|$)",
        render.headline(result))}  # fmt: skip
    offered = [o for o in result.options if o.status is Status.offered]
    # (one who wants no cancer treatment is offered one only for a symptom: care, for them)
    declining = result.profile.wants_cancer_treatment is False
    treating = sum(kb.rules[o.id].standard and not declining for o in offered)
    assert [o.standard for o in result.options] == [
        kb.rules[o.id].standard and (o.status is Status.declined or not (
            declining and kb.rules[o.id].declinable)) for o in result.options]  # fmt: skip
    if not offered:
        assert split == ""
    else:
        numbers = [int(n) for n in re.findall(r"\d+", split)]
        assert numbers == [n for n in (treating, len(offered) - treating) if n], split
        assert split.startswith("no cancer treatment") == (treating == 0), split
        # none offered while some wait on an answer: not yet ("no cancer treatment" alone had
        # read as none possible, a review of cervical answers)
        asking = any(o.standard for o in result.options if o.status is Status.needs_information)
        assert split.startswith("no cancer treatment yet: ") == (treating == 0 and asking), split
        assert f"{len(offered)} offered ({split})" in render.headline(result)
        # the others named as what they are: trials only where one is offered, care only where
        # care is ("4 trials or care" had been said of four kinds of care, a review)
        others = [o for o in offered if not o.standard]  # (as the answer counts them)
        trials = sum(o.modality is Modality.clinical_trial for o in others)
        assert ("trial" in split) == (trials > 0), split
        assert ("care" in split) == (len(others) > trials), split
    for status in Status:
        count = sum(o.status is status for o in result.options)
        words = render.counted_words(status, count)
        if count == 0 and status in (Status.in_trials, Status.declined):
            assert words not in said, render.headline(result)
        else:
            assert said[words] == str(count), render.headline(result)


@SETTINGS
@given(pair=partial_and_more(),
       radiation=st.sampled_from(["external-beam-radiation", "chemoradiation",
                                  "radiation-therapy", "cisplatin-weekly-radiation"]))  # fmt: skip
@example(pair=({"cancer": "rectum", "stage": "4", "metastases": ["brain", "liver"]}, {}),
         radiation="chemoradiation")  # fmt: skip
def test_radiation_that_stopped_does_not_rule_out_radiation_aimed_at_spread(  # type: ignore[no-untyped-def]
    pair, radiation
) -> None:
    """Radiation aimed at spread in a place of its own (``Option.aimed_at_spread``: the rectal
    page's radiation for the bones or brain) is not ruled out by radiation, or chemoradiation,
    that stopped working: that was aimed elsewhere as far as anyone said (a clinical review
    found radiation for brain spread not suitable after pelvic chemoradiation stopped). Its
    status is the same as when that radiation was only had; other radiation given to the
    cancer is still ruled out by it."""
    kb = shared_kb()
    aimed = [o.id for o in kb.data.options if o.aimed_at_spread]
    assert aimed == ["rectum-radiation-bone-brain"]
    assert radiation in kb.vocabulary.known("progressed_on")
    had = {**pair[0], "prior_treatments": [*pair[0].get("prior_treatments", []), radiation]}
    stopped = {**had, "progressed_on": [*had.get("progressed_on", []), radiation]}
    after_had = {o.id: o for o in evaluate(parse_profile(had, kb), kb).options}
    after_stopped = {o.id: o for o in evaluate(parse_profile(stopped, kb), kb).options}
    for ident in aimed:
        if ident in after_had:
            assert after_stopped[ident].status == after_had[ident].status, (stopped, ident)
    if pair[0] == {"cancer": "rectum", "stage": "4", "metastases": ["brain", "liver"]}:
        assert after_stopped["rectum-radiation-bone-brain"].status is Status.offered
        assert any("aimed at the bone or brain" in c.text
                   for c in after_stopped["rectum-radiation-bone-brain"].caveats)
        assert after_stopped["rectum-pelvic-radiation"].status is Status.not_suitable


@SETTINGS
@given(pair=partial_and_more(), stage=st.sampled_from(["1", "2", "3", "earlier"]),
       metastases=st.sampled_from([[], ["pelvis"], ["lymph nodes"]]))  # fmt: skip
@example(pair=({"cancer": "rectum", "most_treatments_tried": True,
                "progressed_on": ["FOLFOX", "FOLFIRI"]}, {}),
         stage="3", metastases=["pelvis"])  # fmt: skip
def test_no_rectal_drug_is_offered_for_cancer_back_only_where_it_started(  # type: ignore[no-untyped-def]
    pair, stage, metastases
) -> None:
    """The rectal source's chemotherapy list is for stage 4 or cancer spread far
    (ccs-rectal-stage4 1862-1961, 86-527): for rectal cancer of stage 1 to 3 back only where it
    started, with no spread far, every rectal chemotherapy, and every targeted drug given with
    it, given for the spread is not suitable, and the general source's chemotherapy and targeted
    therapy are shown too. The targeted drugs given alone (panitumumab, regorafenib) are for
    recurrent rectal cancer, a local recurrence too (3349-3803; the twenty-fourth review):
    ``test_a_rectal_targeted_drug_given_alone_is_for_a_local_recurrence_as_for_a_distant_one``.
    Drugs given around surgery are another matter (their timing says so)."""
    kb = shared_kb()
    data = {**pair[0], "cancer": "rectum", "stage": stage, "recurrence": "local",
            "metastases": metastases}  # fmt: skip
    result = evaluate(parse_profile(data, kb), kb)
    alone = rectal_targeted_drugs_given_alone(kb)
    for o in result.options:
        record = kb.by_id[o.id]
        if (o.id.startswith("rectum-") and record.modality in ("chemotherapy", "targeted_therapy")  # type: ignore[union-attr]
                and o.id not in alone
                and not {"before_surgery", "after_surgery"} & set(record.timing)):  # type: ignore[union-attr]
            assert o.status in (Status.not_suitable, Status.declined), (o.id, o.status, data)


@SETTINGS
@given(drug=st.sampled_from(sorted(d.name for d in shared_kb().data.drugs)),
       written=st.sampled_from(["{} chemoradiation", "{}-based chemoradiation",
                                "{} chemoradiotherapy", "{}-based chemoradiotherapy",
                                "{} CRT"]),
       field=st.sampled_from(["prior_treatments", "progressed_on", "cannot_have"]))  # fmt: skip
@example(drug="cisplatin", written="{} chemoradiation", field="prior_treatments")
@example(drug="cisplatin", written="{} chemoradiation", field="cannot_have")  # a random run's
def test_chemoradiation_named_by_its_drug_first_reads_as_chemoradiation_with_it(  # type: ignore[no-untyped-def]
    drug, written, field
) -> None:
    """"Cisplatin chemoradiation", "cisplatin-based chemoradiotherapy", "capecitabine CRT" are
    read as "chemoradiation with" the drug is, in every field of treatments: they had been
    refused, the words a nurse types first (a clinical review). Cisplatin's is the regimen
    "cisplatin with radiation" (``profile._together``), in what cannot be had too (clinical21:
    there it had been each part, chemoradiation and cisplatin, ruling out the cisplatin pairs,
    where the regimen's own name kept them)."""
    kb = shared_kb()
    base = {"cancer": "cervix", "stage": "4A", "prior_treatments": ["chemoradiation"]}
    def read(name: str) -> object:
        try:
            return facts_of(parse_profile({**base, field: [name]}, kb), kb).row[field]
        except ProfileError as error:
            return [p.message.replace(repr(name), "NAME") for p in error.problems]
    assert read(written.format(drug)) == read(f"chemoradiation with {drug}")
    if drug == "cisplatin":
        assert read(written.format(drug)) == read("cisplatin with radiation")


RELIEF_TOO = [ident for ident, r in shared_kb().rules.items() if r.relief_when is not None]


def test_some_options_treat_the_cancer_and_relieve_a_symptom() -> None:
    """The rule below is about something: local excision and bowel resection, for rectal
    cancer, treat the cancer and also ease a symptom, each by ways of its own."""
    assert {"rectum-local-excision", "rectum-bowel-resection"} <= set(RELIEF_TOO)


@SETTINGS
@given(pair=partial_and_more(), swap=st.fixed_dictionaries({}, optional=FIELDS))
@example(pair=({"cancer": "rectum"},
               {"cancer": "rectum", "stage": "4", "symptoms": ["tumour pain"]}),
         swap={"resectable": True})  # fmt: skip
@example(pair=({"cancer": "rectum"},
               {"cancer": "rectum", "stage": "4", "symptoms": [], "resectable": True,
                "metastasis_extent": "few", "metastases": ["liver"], "prior_treatments": []}),
         swap={})  # fmt: skip
def test_one_who_wants_no_cancer_treatment_is_asked_only_what_decides_relief(  # type: ignore[no-untyped-def]
        pair, swap) -> None:  # fmt: skip
    """For a person who does not want cancer treatment, an option that treats the cancer and
    may also relieve a symptom they have is theirs only for the symptom: a fact that only its
    ways of treating the cancer test (whether surgery could take the cancer out, for local
    excision) neither changes its status nor is asked. With no symptom it eases, it is not
    theirs (not suitable or declined) whatever such a fact is, and nothing is asked. Local
    excision had asked whether surgery could remove all of the cancer of one who wants none,
    with pain from the tumour."""
    kb = shared_kb()
    _, fuller = pair
    data = {**fuller, "wants_cancer_treatment": False}
    before = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}
    for ident in RELIEF_TOO:
        if ident not in before:
            continue
        rules = kb.rules[ident]
        assert rules.relief_when is not None
        kept = {t.fact for t in leaves_of(rules.relief_when)} | {r.fact for r in rules.ruled_out}
        only_cancer = {t.fact for t in leaves_of(rules.when)} - kept - {"recurrence"}
        assert only_cancer, ident  # (else the rule is about nothing)
        assert not only_cancer & {m.fact for m in before[ident].missing}, (ident, data)
        changed = {k: v for k, v in data.items() if k not in only_cancer}
        changed |= to_profile(data["cancer"], {k: v for k, v in swap.items() if k in only_cancer})
        after = {o.id: o for o in evaluate(parse_profile(changed, kb), kb).options}[ident]
        if relieves(rules, facts_of(parse_profile(data, kb), kb).row) is Truth.FALSE:
            # no symptom it eases: to them it is a cancer treatment like any other, not
            # theirs either way; its condition known false says "not suitable", as every
            # option's does, else "declined" (a random run: radiofrequency ablation, surgery
            # able to take the cancer out, no symptoms)
            assert {after.status, before[ident].status} <= {Status.not_suitable,
                                                            Status.declined}, (ident, data)
            continue
        assert after.status is before[ident].status, (ident, data, changed)
        assert [m.fact for m in after.missing] == [m.fact for m in before[ident].missing]


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "cervix"},
               {"cancer": "cervix", "stage": "earlier", "recurrence": "local"}))  # fmt: skip
@example(pair=({"cancer": "rectum"},
               {"cancer": "rectum", "stage": "earlier", "recurrence": "local",
                "resectable": False, "metastases": [], "symptoms": []}))  # fmt: skip
def test_an_own_option_ruled_out_where_its_source_is_silent_says_so(pair) -> None:  # type: ignore[no-untyped-def]
    """An option of the cancer's own source that does not suit a situation that source does not
    cover, by the stage or where the cancer came back, says that the source does not say how
    such a situation is treated, and the general source's options are then shown beside; no
    other option says so (not pelvic exenteration, when surgery cannot take the cancer out).
    Cervical cancer that came back in the pelvis had every cervical drug "not
    suitable" beside the general source's chemotherapy, offered, as if the source ruled them
    out (a review of the page)."""
    from onconav.engine import own_sources_leave_out

    kb = shared_kb()
    _, fuller = pair
    profile = parse_profile(fuller, kb)
    result = evaluate(profile, kb)
    facts = facts_of(profile, kb)
    silent = own_sources_leave_out(kb, facts) is Truth.TRUE
    decides = {"stage", "recurrence"}  # (not what rules it out besides: surgery cannot)
    general = [o for o in result.options if "any" in kb.by_id[o.id].cancers]
    for o in result.options:
        said = o.reason is not None and (
            f"; the source about {result.cancer_name} does not say how a situation like yours "
            "is treated" in o.reason)  # fmt: skip
        own = facts.site in kb.by_id[o.id].cancers
        by_covers = any(r.kind == "condition" and r.check is not None and r.check.fact in decides
                        for r in o.reasons)  # fmt: skip
        by_condition = not any(r.kind != "condition" for r in o.reasons)  # (not ruled out)
        expected = silent and own and o.status is Status.not_suitable and by_covers and by_condition
        assert said is expected, (o.id, o.reason, fuller)
        if said:
            assert general, fuller  # the general options are shown beside


SILENT_WORDS = "does not say how a situation like yours is treated"


def _answer_texts(result: Result) -> dict[str, str]:
    """The answer as the command's text, its --brief and its Markdown lay it out."""
    import io

    from rich.console import Console

    from onconav.cli import terminal

    buffer = io.StringIO()
    terminal.text(result, Console(file=buffer, width=100_000, soft_wrap=True, color_system=None,
                                  highlight=False))  # fmt: skip
    return {"text": buffer.getvalue(), "brief": render.brief(result),
            "markdown": render.markdown(result)}


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "cervix"},
               {"cancer": "cervix", "stage": "earlier", "recurrence": "local",
                "prior_treatments": ["chemoradiation"]}))  # fmt: skip
def test_that_the_own_source_is_silent_is_said_once_per_answer(pair) -> None:  # type: ignore[no-untyped-def]
    """That the cancer's own source does not say how the situation is treated is said once in
    an answer, in its scope, wherever an option's reason says it (each option's complete
    ``reason``, for machines), and each option shown points to it: the eleven cervical drugs,
    for cervical cancer back in the pelvis after chemoradiation, had said the same long
    sentence under each, fifteen times in all."""
    kb = shared_kb()
    _, fuller = pair
    result = evaluate(parse_profile(fuller, kb), kb)
    said = [o for o in result.options if o.reason and SILENT_WORDS in o.reason]
    for o in result.options:
        assert not (o.reason_shown and SILENT_WORDS in o.reason_shown), (o.id, fuller)
        assert (o.reason_shown == o.reason) is (o not in said), (o.id, fuller)
    assert (SILENT_WORDS in result.scope) is bool(said), (result.scope, fuller)
    for layout, text in _answer_texts(result).items():
        assert text.count(SILENT_WORDS) == (1 if said else 0), (layout, fuller)


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "cervix"},
               {"cancer": "cervix", "stage": "earlier", "recurrence": "local",
                "prior_treatments": ["chemoradiation"]}))  # fmt: skip
def test_beyond_own_source_is_a_flag_of_its_own(pair) -> None:  # type: ignore[no-untyped-def]
    """``OptionResult.beyond_own_source`` holds exactly when the option's reason says that its
    own source is silent on the situation, which is when ``reason_shown`` points to the scope
    in place of ``reason``: front ends read the flag, not a comparison of two strings; and the
    scope says it when some option is so."""
    kb = shared_kb()
    for profile in pair:
        result = evaluate(parse_profile(profile, kb), kb)
        for o in result.options:
            assert o.beyond_own_source is (o.reason != o.reason_shown), (o.id, profile)
            assert o.beyond_own_source is bool(o.reason and SILENT_WORDS in o.reason), o.id
        flagged = any(o.beyond_own_source for o in result.options)
        assert (SILENT_WORDS in result.scope) is flagged, (result.scope, profile)


def test_cervical_cancer_back_in_the_pelvis_says_its_source_is_silent_once() -> None:
    """The example of the review: stage 2 cervical cancer back in the pelvis after
    chemoradiation; eleven cervical drugs and four stage 4A treatments do not suit, each
    pointing to the one sentence above."""
    kb = shared_kb()
    result = evaluate(parse_profile({"cancer": "cervix", "stage": "2", "recurrence": "local",
                                     "prior_treatments": ["chemoradiation"]}, kb), kb)  # fmt: skip
    pointed = [o for o in result.options
               if o.reason_shown and o.reason_shown.endswith("(see above).")]  # fmt: skip
    assert len(pointed) == 15
    assert all(SILENT_WORDS in o.reason for o in pointed if o.reason)  # JSON's, complete
    assert [o for o in result.options if o.beyond_own_source] == pointed
    text = _answer_texts(result)["text"]
    assert text.count(SILENT_WORDS) == 1
    assert text.index(SILENT_WORDS) < text.index(pointed[0].name)


FOR_ONE_CANCER = [ident for ident, r in shared_kb().rules.items() if r.scope.for_cancer is not None]


@SETTINGS
@given(pair=partial_and_more(), cancer=st.sampled_from([*CANCERS, "carcinoma", "mesothelioma"]))
@example(pair=({"cancer": "carcinoma"}, {"cancer": "carcinoma", "wants_cancer_treatment": False}),
         cancer="carcinoma")  # a random run's  # fmt: skip
def test_a_general_option_for_one_cancer_is_listed_only_where_it_may_be_that_one(  # type: ignore[no-untyped-def]
        pair, cancer) -> None:  # fmt: skip
    """An option of the general source for one kind of cancer (radioactive iodine, for thyroid
    cancer) is listed for a person whose cancer is that one or not known ("carcinoma": asked
    where it started, unless it is not theirs anyway: not chosen by one who wants no cancer
    treatment, or not suitable), and for no other: it had been "not suitable" in every answer
    that showed the general source's options."""
    kb = shared_kb()
    assert FOR_ONE_CANCER == ["general-radioactive-iodine"]  # (the rule is about something)
    _, fuller = pair
    profile = parse_profile({**fuller, "cancer": cancer}, kb)
    listed = {o.id: o for o in evaluate(profile, kb).options}
    facts = facts_of(profile, kb)
    for ident in FOR_ONE_CANCER:
        test = kb.rules[ident].scope.for_cancer
        assert test is not None
        may_be = leaf_truth(test, facts.row["cancer"]) is not Truth.FALSE
        general_shown = any("any" in kb.by_id[o].cancers and o != ident for o in listed)
        assert (ident in listed) is (may_be and general_shown), (ident, cancer, fuller)
        if ident in listed and facts.row["cancer"] is None:
            status = listed[ident].status
            assert status is not Status.offered, fuller
            if status not in (Status.declined, Status.not_suitable):  # (nothing asked of those)
                assert "cancer" in {m.fact for m in listed[ident].missing}, fuller


@SETTINGS
@given(pair=partial_and_more())
@example(pair=({"cancer": "breast"}, {"cancer": "breast", "stage": "4B",
                                      "metastases": ["a distant part of the body"]}))  # fmt: skip
def test_a_facts_own_question_is_asked_of_the_care_team_in_the_persons_voice(pair) -> None:  # type: ignore[no-untyped-def]
    """Among the questions to ask the care team, a fact's own question is always its form in
    the person's voice (``ask``): "Which parts of the body has the cancer spread to?" had stood
    among "Which of my symptoms ...?" (a review of the change, after the list was put in the
    person's voice)."""
    kb = shared_kb()
    _, fuller = pair
    result = evaluate(parse_profile(fuller, kb), kb)
    own = {f.question: f.ask for f in kb.facts.values() if f.ask and f.ask != f.question}
    for question in result.questions:
        assert question not in own, (question, own.get(question), fuller)


@st.composite
def one_of_a_kind_had(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A profile that says a kind of treatment stopped working, not which, with one treatment of
    that kind alone among the treatments had (and other treatments beside, of no bearing on the
    kind), and that treatment."""
    kb = shared_kb()
    rule = draw(st.sampled_from(kb.only_one_had))
    one = draw(st.sampled_from(sorted(rule.members)))
    vocab = kb.vocabulary
    others_had = sorted(vocab.known("prior_treatments") - rule.counted)
    others_stopped = sorted(vocab.known("progressed_on") - rule.narrower - {rule.kind})
    profile = {
        "cancer": draw(st.sampled_from(CANCERS)),
        "stage": draw(st.sampled_from(["4", "4A", "4B"])),
        "prior_treatments": [one, *draw(st.lists(st.sampled_from(others_had), max_size=3))],
        "progressed_on": [rule.kind,
                          *draw(st.lists(st.sampled_from(others_stopped), max_size=2))],
    }
    return profile, one


@SETTINGS
@given(case=one_of_a_kind_had())
@example(case=({"cancer": "stomach", "stage": "4", "prior_treatments": ["pembrolizumab"],
               "progressed_on": ["checkpoint-inhibitor"]}, "pembrolizumab"))  # fmt: skip
@example(case=({"cancer": "rectum", "stage": "4", "prior_treatments": ["FOLFOX"],
               "progressed_on": ["chemotherapy"]}, "folfox"))  # fmt: skip
def test_a_kind_that_stopped_is_the_one_treatment_of_it_had(case) -> None:  # type: ignore[no-untyped-def]
    """A kind of treatment that stopped working, not which, of someone who has had one
    treatment of that kind alone, is read as that one having stopped: every option's status,
    reason and questions are those of the same profile that names it in the kind's place among
    what stopped, and a warning says so. FOLFOX had alone, with chemotherapy stopped, had asked
    of FOLFOX which chemotherapy stopped working; pembrolizumab had, with a checkpoint inhibitor
    stopped, had left nivolumab offered without the warning that pembrolizumab, of its kind,
    stopped (a review)."""
    kb = shared_kb()
    profile, one = case

    def read(data: dict[str, Any]) -> list[tuple[str, str, str | None, list[str]]]:
        result = evaluate(parse_profile(data, kb), kb)
        return [(o.id, o.status.value, o.reason, [m.fact for m in o.missing])
                for o in result.options]  # fmt: skip

    named = {**profile, "progressed_on": [one if v == profile["progressed_on"][0] else v
                                          for v in profile["progressed_on"]]}  # fmt: skip
    assert read(profile) == read(named), profile
    result = evaluate(parse_profile(profile, kb), kb)
    said = f"{kb.name_of(one)} is the only treatment of that kind"
    assert any(w.startswith("progressed_on: ") and said in w for w in result.warnings), (
        profile, result.warnings)  # fmt: skip


@pytest.mark.parametrize("had", [
    ["FOLFOX", "chemotherapy"],  # another chemotherapy, not said which, may be the one
    ["FOLFOX", "FOLFIRI"],  # two of the kind: which stopped is the person's to say
    ["FOLFOX", "clinical trial"],  # a trial's drug may be the one
    ["FOLFOX", "perhaps other treatments not listed"],
])  # fmt: skip
def test_a_kind_that_stopped_is_not_narrowed_where_the_treatments_had_leave_it_open(
        had: list[str]) -> None:  # fmt: skip
    """Where the treatments had hold more than one treatment of the kind that stopped, or one
    that leaves it open, which one stopped stays unknown, and asked."""
    kb = shared_kb()
    profile = {"cancer": "rectum", "stage": "4", "biomarkers": {"kras": "wild-type"},
               "prior_treatments": had,
               "progressed_on": ["chemotherapy"]}  # fmt: skip
    result = evaluate(parse_profile(profile, kb), kb)
    folfox = next(o for o in result.options if o.id == "rectum-folfox")
    assert folfox.status is Status.needs_information
    assert "progressed_on" in {m.fact for m in folfox.missing}
    assert not any("is the only treatment of that kind" in w for w in result.warnings)


LIST_FIELDS = ("symptoms", "metastases", "prior_treatments", "progressed_on", "planned",
               "cannot_have")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), field=st.sampled_from(LIST_FIELDS), brk=st.sampled_from(["\n", "\r\n"]))
def test_names_on_lines_of_one_item_are_told_to_be_items_of_their_own(data, field, brk) -> None:  # type: ignore[no-untyped-def]
    """Two names a list takes, on two lines of one item (a spreadsheet cell's Alt+Enter, as a
    cohort's CSV brings it) are refused saying the item holds a line break and to give each
    name as an item of its own (it had been told to check the spelling of them run together)."""
    kb = shared_kb()
    names = sorted(kb.label(field, v) for v in kb.vocabulary.known(field))
    first, second = data.draw(st.sampled_from(names)), data.draw(st.sampled_from(names))
    with pytest.raises(ProfileError) as refused:
        parse_profile({"cancer": "rectum", "stage": "4", field: [f"{first}{brk}{second}"]}, kb)
    message = str(refused.value)
    assert f"{field}[0]: " in message
    assert "it holds a line break" in message and "an item of its own" in message, message
    assert "check the spelling" not in message.split(f"{field}[0]: ")[1].split("\n")[0], message


def _had_values() -> list[str]:
    """Every value of the list of treatments had."""
    return sorted(shared_kb().vocabulary.known("prior_treatments"))


def _related(had: frozenset[str], asked: set[str], loose: bool) -> bool:
    """Whether a treatment had may be one asked about: the same, narrower or broader (radiation
    had, for external radiation); ``loose``: anything sharing a kind with it too (FOLFOX, for
    oxaliplatin: chemotherapy), or a list that leaves the drugs open."""
    ups = shared_kb().vocabulary.ancestors["prior_treatments"]
    if loose and had & {"clinical-trial", "drugs-not-known", OTHERS_NOT_KNOWN} | {
            v for v in had if "clinical-trial" in ups.get(v, ())}:  # fmt: skip
        return True
    for v in had:
        for w in asked:
            up_v, up_w = ups.get(v, frozenset({v})), ups.get(w, frozenset({w}))
            if v == w or w in up_v or v in up_w or (loose and up_v & up_w):
                return True
    return False


@SETTINGS
@given(cancer=st.sampled_from(["rectum", "cervix", "stomach", "colon"]),
       fields=st.fixed_dictionaries({}, optional={k: FIELDS[k] for k in (
           "stage", "recurrence", "resectable", "metastases", "symptoms")}),
       data=st.data())
def test_whether_a_treatment_had_stopped_is_asked_never_guessed_and_never_asked_if_never_had(
        cancer, fields, data) -> None:  # type: ignore[no-untyped-def]
    """Nothing said of what stopped working: a test of whether X stopped (in a condition, or a
    route of radiation or ablation that stopped) is UNKNOWN, so asked, when X, or something
    narrower or broader, was had (radiation alone had read as "no drug treatment, so none can
    have stopped working", and chemoradiation before surgery was offered after pelvic
    radiation); and is FALSE, never asked, when the list of treatments had holds nothing that
    may be X (a drug, of radiation alone had)."""
    kb = shared_kb()
    had = data.draw(st.lists(st.sampled_from(_had_values()), max_size=3, unique=True))
    profile = to_profile(cancer, {**fields, "prior_treatments": had})
    row = facts_of(parse_profile(profile, kb), kb).row
    prior = row["prior_treatments"]
    assert isinstance(prior, frozenset)
    for rules in kb.rules.values():
        for test in leaves_of(rules.when):
            if test.fact != "progressed_on" or test.kind != "any":
                continue
            if _related(prior, set(test.wanted), loose=False):
                assert truth(test, row) is Truth.UNKNOWN, (rules.option, test.wanted, had)
            elif not _related(prior, set(test.wanted) | test.true | test.unknown, loose=True):
                assert truth(test, row) is Truth.FALSE, (rules.option, test.wanted, had)
        for r in rules.ruled_out:
            if r.fact != "progressed_on":
                continue
            if not r.relief_too and _related(prior, {r.given}, loose=False):
                assert hit_truth(r, row) is Truth.UNKNOWN, (rules.option, r.given, had)
            elif not _related(prior, {r.given} | {v for v, _ in r.words}, loose=True):
                assert hit_truth(r, row) is Truth.FALSE, (rules.option, r.given, had)


@SETTINGS
@given(cancer=st.sampled_from(["cervix", "stomach", "rectum"]),
       fields=st.fixed_dictionaries({}, optional={k: FIELDS[k] for k in (
           "stage", "recurrence", "resectable", "metastases", "prior_treatments")}),
       more=st.lists(st.sampled_from(["targeted therapy", "pembrolizumab", "bevacizumab",
                                      "radiation therapy", "others not known"]),
                     max_size=2, unique=True))
def test_a_mix_given_with_a_kind_that_stopped_not_which_is_not_offered(
        cancer, fields, more) -> None:  # type: ignore[no-untyped-def]
    """A kind of drug stopped working, not which (chemotherapy): a mix given with that kind
    (bevacizumab with chemotherapy) is not offered, as the mixes of that kind's drugs are not:
    the drugs given with it may be the ones that stopped (cervical stage 4B had been offered
    bevacizumab and pembrolizumab with chemotherapy, while the chemotherapy mixes asked which
    drugs stopped). Not of a list of treatments had that holds nothing of the kind: what was
    never had has not stopped, for the mix as for the chemotherapy mixes."""
    kb = shared_kb()
    profile = to_profile(cancer, {**fields, "progressed_on": ["chemotherapy", *more]})
    row = facts_of(parse_profile(profile, kb), kb).row
    stopped, prior = row["progressed_on"], row["prior_treatments"]
    assert isinstance(stopped, frozenset)
    options = {o.id: o for o in kb.options}
    for result in evaluate(parse_profile(profile, kb), kb).options:
        for kind in options[result.id].given_with:
            narrower = kb.vocabulary.below("progressed_on", kind) - {kind}
            if (kind in stopped and not stopped & narrower
                    and (prior is None or _related(prior, {kind}, loose=True))):  # fmt: skip
                assert result.status is not Status.offered, (result.id, profile)


@pytest.mark.parametrize("cancer", ["stomach", "rectum", "cervix", "lung"])
@pytest.mark.parametrize("field", ["metastases", "progressed_on", "cannot_have",
                                   "prior_treatments", "symptoms", "planned",
                                   "used_for_my_cancer"])  # fmt: skip
def test_a_list_given_as_empty_is_never_said_not_to_list_a_thing(cancer: str, field: str) -> None:
    """A list given as empty is said so where an option needs something in it ("it is for where
    the cancer has spread: bone (you listed none)"), not "bone, which you did not list", which
    had read as if a box was missed (a review of the page)."""
    kb = shared_kb()
    profile = {"cancer": cancer, "stage": "4B" if cancer == "cervix" else "4", field: []}
    result = evaluate(parse_profile(profile, kb), kb)
    label = in_sentence(kb.facts[field].label)
    for option in result.options:
        for reason in option.reasons:
            if reason.text.startswith(f"it is for {label}"):
                assert "which you did not list" not in reason.text, (option.id, reason.text)
                assert "(you listed none)" in reason.text or "(yours: " in reason.text, (
                    option.id, reason.text)  # (a test of the list as a whole in its own words)


# What stopped working, and the narrow kinds of drug, for the rule of kin that stopped
KIN_STOPPED = ["FOLFOX", "CAPOX", "CAPIRI", "FOLFIRI", "capecitabine", "fluorouracil",
               "oxaliplatin", "cetuximab", "panitumumab", "pembrolizumab", "nivolumab",
               "carboplatin", "cisplatin", "paclitaxel", "trastuzumab", "bevacizumab",
               "chemotherapy", "others not known"]  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cancer=st.sampled_from(["rectum", "stomach", "cervix", "lung"]),
       stage=st.sampled_from(["4", "4B"]), stopped=st.lists(st.sampled_from(KIN_STOPPED),
                                                           min_size=1, max_size=3, unique=True),
       may=st.one_of(st.none(), st.lists(st.sampled_from(NARROW_KINDS), max_size=3, unique=True)),
       fields=st.fixed_dictionaries({}, optional={k: FIELDS[k] for k in (
           "kras", "her2", "metastases", "resectable", "cannot_have", "chemo_for_spread",
           "most_treatments_tried")}))  # fmt: skip
@example(cancer="rectum", stage="4", stopped=["FOLFOX"], may=None, fields={"kras": "mutated"})
@example(cancer="rectum", stage="4", stopped=["cetuximab"], may=None, fields={"kras": "wild-type"})
@example(cancer="stomach", stage="4", stopped=["pembrolizumab"], may=[], fields={})
@example(cancer="cervix", stage="4B", stopped=["carboplatin"], may=["taxane"], fields={})
def test_a_kin_of_what_stopped_is_offered_only_when_the_care_team_says_it_could_work(
    cancer: str, stage: str, stopped: list[str], may: list[str] | None, fields: dict[str, Any]
) -> None:
    """A drug of the same narrow kind as one that stopped working (capecitabine after FOLFOX,
    whose fluorouracil stopped; panitumumab after cetuximab; nivolumab after pembrolizumab) had
    been offered beside a warning that it may not work either (a clinical review). For any
    situation: an option that the kin's stopping would rule out, by the rule for what stopped
    working (read with every kind said to be one that could still work, so that only what the
    kin itself rules out counts), is never offered unless ``kin_may_work`` lists the kind; with
    it not given, the option is never not suitable for it (unknown is not negative), and one
    that asks, asks it."""
    kb = shared_kb()
    data = to_profile(cancer, {**fields, "stage": stage, "progressed_on": stopped,
                               "prior_treatments": stopped})  # fmt: skip
    if may is not None:
        data["kin_may_work"] = may
    profile = parsed(data, kb)
    facts = facts_of(profile, kb)
    row = facts.row
    every = {**row, "kin_may_work": frozenset(NARROW_KINDS)}
    given = row.get("kin_may_work")
    result = {o.id: o for o in evaluate(profile, kb).options}
    with_every = {o.id: o for o in evaluate(profile.model_copy(
        update={"kin_may_work": NARROW_KINDS}), kb).options}  # fmt: skip
    gone = set(drugs_listed(kb, row, "progressed_on"))
    for drug in sorted(gone):
        for kind, kin in kb.kin_of(drug).items():
            for other in (k for k in kin if k not in gone):
                after = {**every, "progressed_on": row["progressed_on"] | {other}}
                for ident, option in result.items():
                    rules = kb.rules[ident].at(facts.site)
                    if (ruled_out(rules, after) is not Truth.TRUE
                            or ruled_out(rules, every) is Truth.TRUE):  # fmt: skip
                        continue  # not what the kin's stopping alone would rule out
                    said = (ident, other, drug, data)
                    if isinstance(given, frozenset) and kind in given:
                        continue  # the care team says it could still work
                    assert option.status is not Status.offered, said
                    if given is None:
                        assert option.status is not Status.not_suitable or (
                            with_every[ident].status is Status.not_suitable), said
                        if option.status is Status.needs_information:
                            assert "kin_may_work" in {m.fact for m in option.missing}, said


@SETTINGS
@given(pair=partial_and_more())
def test_an_answer_taken_as_advanced_by_the_premise_says_so(pair) -> None:  # type: ignore[no-untyped-def]
    """With no stage given and nothing said of the cancer coming back or spreading far, the
    options are shown as for advanced cancer, the premise of the sources (``logic.advanced``):
    the scope says so, first (a clinical review: stomach cancer with no stage had nivolumab
    offered, which "stage 2, not come back" takes away, with no word of it). And it says true:
    the same answers with stage 1 to 3 that has not come back leave no option that may apply."""
    from onconav.engine import BY_PREMISE
    from onconav.logic import advanced_by_premise

    kb = shared_kb()
    data = pair[0]
    profile = parse_profile(data, kb)
    result = evaluate(profile, kb)
    premise = advanced_by_premise(facts_of(profile, kb).row)
    assert result.scope.startswith(BY_PREMISE) is premise, (data, result.scope)
    assert result.scope.count(BY_PREMISE) <= 1
    if premise:
        earlier = {**data, "stage": "earlier", "recurrence": "no"}
        earlier.pop("metastases", None)
        try:
            staged = evaluate(parse_profile(earlier, kb), kb)
        except ValueError:
            return  # the other answers say it came back or spread (they disagree with it)
        assert BY_PREMISE not in staged.scope
        assert not [o.id for o in staged.options if o.status in MAY_HAVE], earlier


def test_a_caveat_that_may_apply_does_not_say_the_person_had_it() -> None:
    """Cervical stage 4A not come back, nothing said of treatments had: the caveat on radiation
    to the pelvis in the past may apply, and its words under "If this applies to you:" say
    "if", not "You have had radiation to the pelvis before" (a clinical review)."""
    kb = shared_kb()
    data = {"cancer": "cervix", "stage": "4A", "recurrence": "none"}
    result = evaluate(parse_profile(data, kb), kb)
    shown = [render.caveat_label(c) + ": " + c.text for o in result.options for c in o.caveats
             if c.id == "prior-pelvic-radiation"]  # fmt: skip
    assert shown
    for line in shown:
        assert line.startswith("If this applies to you: If you have had radiation to the pelvis")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cancer=st.sampled_from([c for c in CANCERS if c != "rectum"]),
       fields=st.fixed_dictionaries({}, optional=FIELDS))  # fmt: skip
@example(cancer="stomach", fields={"stage": "4", "metastases": ["peritoneum"],
                                   "symptoms": ["stomach blockage"]})  # fmt: skip
@example(cancer="lung", fields={"stage": "4", "metastases": ["brain"]})
@example(cancer="stomach", fields={"recurrence": "distant", "metastases": ["liver"],
                                   "symptoms": []})  # fmt: skip
@example(cancer="stomach", fields={"stage": "earlier", "recurrence": "none", "symptoms": []})
def test_general_ablation_is_for_a_few_tumours_that_cause_problems(
    cancer: str, fields: dict[str, Any]
) -> None:
    """The general source gives ablation most often for spread to the bone or liver, though
    other places too, and most often when only a few tumours are causing problems
    [acs-advanced 5245-5532]. It had been offered for any far spread (a clinical review: spread
    in the lining of the belly with a blocked stomach outlet, the brain alone, one who has no
    symptoms, the number of tumours not known). For any situation: it is offered only with a
    symptom and the number of tumours known; a number not given is asked, never ruled out nor
    offered; no symptoms rule it out (its aim is to relieve them; the reason says so, unless the
    sources do not apply at all: stage 1 to 3 not come back); many tumours keep it, with
    the caveat that its usual place is a few ("most often" is not a limit, eighth review); the
    place where the cancer has spread far is left open."""
    kb = shared_kb()
    data = to_profile(cancer, fields)
    profile = parsed(data, kb)
    row = facts_of(profile, kb).row
    option = next(o for o in evaluate(profile, kb).options if o.id == "general-ablation")
    extent, symptoms = row["metastasis_extent"], row["symptoms"]
    said = (option.status, option.reason, data)
    if option.status is Status.offered:
        assert extent in ("few", "many") and symptoms, said
    if extent == "many" and option.status is Status.offered:
        assert "few-tumours" in {c.id for c in option.caveats if c.applies}, said
    if symptoms == frozenset():
        assert option.status is Status.not_suitable, said
        if advanced(row) is not Truth.FALSE:  # (else the sources not applying is the reason)
            assert "no symptoms from the cancer" in (option.reason or ""), said
    if extent is None and option.status is Status.needs_information:
        assert "metastasis_extent" in {m.fact for m in option.missing}, said
    if extent is None:
        assert option.status is not Status.offered, said


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cancer=st.sampled_from([*CANCERS, "kidney", "unknown"]),
       fields=st.fixed_dictionaries({}, optional=FIELDS))  # fmt: skip
def test_care_without_cancer_treatment_is_an_option_for_every_cancer_once(
    cancer: str, fields: dict[str, Any]
) -> None:
    """The general source gives every person the right to choose care without treatment aimed
    at the cancer [acs-advanced 1955-2495], and says symptoms can almost always be eased
    [1166-1594]. It had been an option only where a cancer's own source names it (stomach,
    cervix): not for rectal cancer nor a cancer without a source of its own (a clinical review,
    clinical16). For any situation: exactly one option gives this care, and it is offered."""
    kb = shared_kb()
    profile = parsed(to_profile(cancer, fields), kb)
    comfort = [o for o in evaluate(profile, kb).options
               if "comfort-care" in kb.by_id[o.id].uses]  # type: ignore[union-attr]
    assert len(comfort) == 1, (cancer, [o.id for o in comfort])
    if fields.get("stage") == "earlier":  # the sources' scope: whether it came back, asked
        assert comfort[0].status is not Status.not_suitable or (
            fields.get("recurrence") == "none"), (comfort[0].id, comfort[0].reason)
    else:
        assert comfort[0].status is Status.offered, (comfort[0].id, comfort[0].reason)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional={**FIELDS, "tumour_may_block": st.booleans()}))
@example(fields={"recurrence": "distant", "metastases": ["liver"], "symptoms": [],
                 "prior_treatments": ["surgery", "FOLFOX"], "her2": "negative"})  # fmt: skip
@example(fields={"recurrence": "local"})
def test_surgery_before_a_blockage_waits_on_the_surgeons_word_and_not_for_the_liver(
    fields: dict[str, Any]
) -> None:
    """Surgery may be done for stomach cancer that came back to keep it from blocking the
    stomach or bowel [gastric-recurrent 3628-3864]; whether a tumour is likely to is the
    surgeon's call, as the option's own words say. It had been offered to anyone whose cancer
    came back, even in the liver alone, with no symptoms (a clinical review, clinical16). For
    any situation: it is offered only when the surgeon says a tumour is likely to block
    (``tumour_may_block``); that not given, it is never offered and, when it is not ruled out
    otherwise, asks it; cancer back in the liver alone does not block the stomach or bowel."""
    kb = shared_kb()
    profile = parsed(to_profile("stomach", fields), kb)
    row = facts_of(profile, kb).row
    option = next(o for o in evaluate(profile, kb).options
                  if o.id == "stomach-surgery-before-blockage")  # fmt: skip
    said = (option.status, option.reason, fields)
    if option.status is Status.offered:
        assert row.get("tumour_may_block") is True, said
    if row.get("tumour_may_block") is None and option.status is Status.needs_information:
        assert "tumour_may_block" in {m.fact for m in option.missing}, said
    if row["recurrence"] == "distant" and row["metastases"] == frozenset({"liver"}):
        assert option.status is Status.not_suitable, said


RECTAL_FIELDS = {**FIELDS, "tumour_may_block": st.booleans()}
# the symptoms of a tumour in the gut itself: a blocked stomach or bowel, trouble swallowing
GUT_BLOCKAGE = frozenset({"blockage", "stomach-blockage", "upper-stomach-blockage",
                          "stomach-outlet-blockage", "bowel-obstruction", "trouble-swallowing",
                          "swallowing-blockage"})  # fmt: skip


def rectal_options(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, OptionResult]]:
    """A rectal profile's facts and its options by id (not a profile the reader refuses)."""
    kb = shared_kb()
    try:
        profile = parse_profile(to_profile("rectum", fields), kb)
    except ProfileError:
        assume(False)
    return facts_of(profile, kb).row, {o.id: o for o in evaluate(profile, kb).options}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional=RECTAL_FIELDS))
@example(fields={"stage": "4", "metastases": ["liver"], "resectable": False,
                 "prior_treatments": ["FOLFOX"], "symptoms": [], "tumour_may_block": False})
@example(fields={"recurrence": "local", "prior_treatments": ["bowel resection"], "symptoms": []})
def test_a_bowel_stent_or_operation_for_a_blockage_needs_one_or_the_teams_word(
    fields: dict[str, Any]
) -> None:
    """The rectal source places a stent to treat or to prevent a bowel blockage, and a diverting
    colostomy or a bypass only to treat one [ccs-rectal-stage4 6875-7369, acs-advanced
    2657-3123]. The stent had been offered with no blockage even when the team said the tumour
    is not likely to block the bowel (a clinical review, clinical19). For any situation: each
    is offered only for a blocked bowel, or (the stent) when the team says a tumour is likely
    to block it; with neither, the team's word not given, the stent is never offered, and asks
    it when nothing else decides it; with the team's word no and no blockage, not suitable."""
    row, options = rectal_options(fields)
    blocked = isinstance(row["symptoms"], frozenset) and "bowel-obstruction" in row["symptoms"]
    may_block = row.get("tumour_may_block")
    stent = options["rectum-bowel-stent"]
    said = (stent.status, stent.reason, fields)
    if stent.status is Status.offered:
        assert blocked or may_block is True, said
    for ident in ("rectum-diverting-colostomy", "general-bowel-bypass"):
        if ident in options and options[ident].status is Status.offered:
            assert blocked, (ident, options[ident].status, fields)
    no_blockage = (isinstance(row["symptoms"], frozenset)
                   and not row["symptoms"] & (GUT_BLOCKAGE | {OTHERS_NOT_KNOWN}))  # fmt: skip
    if no_blockage and may_block is False:
        assert stent.status is Status.not_suitable, said
    if no_blockage and may_block is None and stent.status is Status.needs_information:
        assert "tumour_may_block" in {m.fact for m in stent.missing}, said


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional=RECTAL_FIELDS))
@example(fields={"stage": "4", "metastases": ["liver"],
                 "prior_treatments": ["low anterior resection"], "symptoms": []})  # fmt: skip
@example(fields={"recurrence": "distant", "metastases": ["liver", "lung"], "resectable": False,
                 "prior_treatments": ["FOLFOX"], "symptoms": [], "planned": ["surgery"]})
def test_a_stoma_to_let_the_bowel_heal_follows_an_operation_that_may_be_had(
    fields: dict[str, Any]
) -> None:
    """A colostomy or ileostomy lets the bowel heal after a bowel resection, or may follow a
    pelvic exenteration [ccs-rectal-stage4 6283-6572]. It had asked whether surgery is planned
    when neither operation could be had (a clinical review, clinical19). For any situation:
    it is never more available than the better of the two: not suitable when both are, saying
    so; offered only when one of them is."""
    _row, options = rectal_options(fields)
    stoma = options["rectum-colostomy-ileostomy"]
    operations = [options["rectum-bowel-resection"], options["rectum-pelvic-exenteration"]]
    said = (stoma.status, stoma.reason, [(o.id, o.status) for o in operations], fields)
    if all(o.status is Status.not_suitable for o in operations):
        assert stoma.status is Status.not_suitable, said
    if stoma.status is Status.offered:
        assert any(o.status is Status.offered for o in operations), said


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional=RECTAL_FIELDS))
@example(fields={"recurrence": "distant", "metastases": ["liver", "lung"], "resectable": False,
                 "metastasis_extent": "many", "symptoms": []})  # fmt: skip
def test_chemotherapy_before_surgery_needs_an_operation_in_view(fields: dict[str, Any]) -> None:
    """Chemotherapy before surgery shrinks tumours so that surgery can take the cancer out, or
    is easier [ccs-rectal-stage4 1062-1198]; the source's surgery for spread is for very few
    tumours [6027-6281]. It had no condition, and was offered with many tumours surgery cannot
    remove (a clinical review, clinical19). For any situation: offered only for cancer surgery
    could remove or a few tumours; not suitable for many tumours surgery cannot remove; either
    not given, never offered by it."""
    row, options = rectal_options(fields)
    before = options["rectum-chemo-before-surgery"]
    said = (before.status, before.reason, fields)
    if before.status is Status.offered:
        assert row["resectable"] is True or row["metastasis_extent"] == "few", said
    if row["resectable"] is False and row["metastasis_extent"] == "many":
        assert before.status is Status.not_suitable, said


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional=RECTAL_FIELDS))
@example(fields={"recurrence": "distant", "metastases": ["liver", "lung"], "resectable": False,
                 "metastasis_extent": "many", "symptoms": []})  # fmt: skip
@example(fields={"stage": "4", "metastases": ["liver"], "resectable": False,
                 "metastasis_extent": "few", "symptoms": ["bowel obstruction"],
                 "wants_cancer_treatment": False})  # fmt: skip
def test_rectal_ablation_is_for_a_few_liver_tumours_or_problems_the_spread_causes(
    fields: dict[str, Any]
) -> None:
    """The rectal source names ablation for liver tumours surgery cannot remove
    [ccs-rectal-stage4 7371-7474]; the general source, most often for a few tumours causing
    problems where the cancer has spread [acs-advanced 5245-5532]. It had been offered as a
    cancer treatment with many tumours, and for a blocked bowel (which tumours in the liver do
    not cause) to one who wants no cancer treatment (a clinical review, clinical19). For any
    situation: offered only for a few liver tumours surgery cannot remove, or with a symptom
    other than a blocked gut; to one who wants no cancer treatment, only for such a symptom."""
    row, options = rectal_options(fields)
    ablation = options["rectum-radiofrequency-ablation"]
    said = (ablation.status, ablation.reason, fields)
    symptoms = row["symptoms"]
    other = isinstance(symptoms, frozenset) and bool(symptoms - GUT_BLOCKAGE)
    if ablation.status is Status.offered:
        spread = row["metastases"]
        own = (row["metastasis_extent"] == "few" and row["resectable"] is False
               and isinstance(spread, frozenset) and "liver" in spread)  # fmt: skip
        assert other or (own and row.get("wants_cancer_treatment") is not False), said


# Every drug of every regimen, for the words of where a drug that stopped was given
REGIMEN_DRUGS = [(r.id, d) for r in shared_kb().data.regimens for d in r.components]
# a drug said to be "part of" a regimen: "fluorouracil, part of FOLFOX," or "(part of FOLFOX)"
PART_OF = re.compile(r"([\w-]+)(?:, | \()part of ([^,;)]*)")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=st.sampled_from(REGIMEN_DRUGS),
       cancer=st.sampled_from(["rectum", "stomach", "cervix", "colon", "lung"]),
       may=st.one_of(st.none(), st.just(NARROW_KINDS)))  # fmt: skip
@example(pair=("fluorouracil-leucovorin", "fluorouracil"), cancer="rectum", may=None)
@example(pair=("fluorouracil-leucovorin", "fluorouracil"), cancer="rectum", may=NARROW_KINDS)
@example(pair=("cisplatin-paclitaxel", "paclitaxel"), cancer="cervix", may=None)
def test_no_drug_is_said_to_be_part_of_a_regimen_whose_name_names_it(
    pair: tuple[str, str], cancer: str, may: list[str] | None
) -> None:
    """The CDS cards said "fluorouracil (in fluorouracil with leucovorin)", but the questions
    and notes "although fluorouracil, part of fluorouracil with leucovorin, stopped working"
    (the wording lived in the cards only). For every drug of every regimen that stopped working,
    of any cancer, with the care team's word on its kind or without: no question, note, reason
    or warning of the answer says a drug is "part of" a regimen whose name names it; the
    drug's kind, where asked of, is named with where it stopped (``words.part_of``)."""
    kb = shared_kb()
    regimen, drug = pair
    name = kb.name_of(regimen)
    data = {"cancer": cancer, "stage": "4B" if cancer == "cervix" else "4",
            "progressed_on": [name], "prior_treatments": [name]}  # fmt: skip
    if may is not None:
        data["kin_may_work"] = may
    result = evaluate(parsed(data, kb), kb)
    text = result.model_dump_json()
    for said, where in PART_OF.findall(text):
        assert not set(re.findall(r"[\w-]+", said.lower())) <= set(
            re.findall(r"[\w-]+", where.lower())), (said, where, data)  # fmt: skip
    asked = [m.question or "" for o in result.options for m in o.missing
             if m.fact == "kin_may_work"]  # fmt: skip
    for question in asked:  # the drug, where the question names it, with where it stopped
        if f"although {kb.name_of(drug)}" in question or f"and {kb.name_of(drug)} (" in question:
            assert f"{kb.name_of(drug)} ({kb.part_of([drug], regimen)})" in question, question


@pytest.mark.parametrize("kind", NARROW_KINDS)
def test_the_question_of_a_kind_that_could_still_work_names_it_by_its_drugs(kind: str) -> None:
    """"Could fluoropyrimidines still work, although fluorouracil, part of FOLFOX, stopped
    working?" named a kind by a class name a family does not know (a family's review). Of every
    narrow kind of drug (the knowledge base's drug classes), each drug of it that stopped, of
    every cancer: a question of whether the kind could still work names no class, but the drugs
    that stopped, "other drugs of the same kind", and as examples only other drugs of that
    kind; and the kind is asked of for some drug and cancer (the test tests something)."""
    kb = shared_kb()
    labels = [kb.label("kin_may_work", k) for k in NARROW_KINDS]
    of_kind = kb.drugs_of_kind(kind)
    seen = []
    for drug, cancer in itertools.product([d.id for d in kb.data.drugs if kind in d.classes],
                                          ["rectum", "stomach", "cervix", "lung", "breast"]):
        data = {"cancer": cancer, "stage": "4B" if cancer == "cervix" else "4",
                "progressed_on": [kb.name_of(drug)], "prior_treatments": [kb.name_of(drug)]}
        try:
            profile = parse_profile(data, kb)
        except ProfileError:
            continue
        for option in evaluate(profile, kb).options:
            for m in option.missing:
                if m.fact != "kin_may_work":
                    continue
                question = m.question or ""
                seen.append(question)
                assert not any(f"Could {label} still" in question or f"could {label} still"
                               in question for label in labels), question  # fmt: skip
                assert (f"other drugs of the same kind as {kb.name_of(drug)}" in question
                        or kb.name_of(drug) not in of_kind), question  # fmt: skip
                for such in re.findall(r"\(such as ([^)]*)\)", question):
                    examples = re.split(r", | or | and ", such)
                    assert set(examples) <= set(of_kind) - {kb.name_of(drug)}, question
    assert seen, kind


def test_a_drug_that_stopped_in_a_regimen_that_names_it_is_said_to_be_in_it() -> None:
    """A vignette: rectal cancer after fluorouracil with leucovorin stopped working. The
    question of capecitabine alone, and the note of its kind, say where fluorouracil stopped as
    the CDS cards do: "in fluorouracil with leucovorin", not "part of" it; the kind by its
    drugs, with capecitabine as an example."""
    kb = shared_kb()
    data = {"cancer": "rectum", "stage": "4", "progressed_on": ["fluorouracil with leucovorin"],
            "prior_treatments": ["fluorouracil with leucovorin"]}  # fmt: skip
    result = evaluate(parsed(data, kb), kb)
    (alone,) = [o for o in result.options if o.id == "rectum-capecitabine"]
    (question,) = [m.question for m in alone.missing if m.fact == "kin_may_work"]
    assert question == ("Could other drugs of the same kind as fluorouracil (such as capecitabine "
                        "or floxuridine) still work, although fluorouracil (in fluorouracil with "
                        "leucovorin) stopped working?")  # fmt: skip
    assert any("Fluorouracil (in fluorouracil with leucovorin) stopped working, and capecitabine"
               in w for w in alone.warnings), alone.warnings  # fmt: skip
# clinical21 (review 18, #6): a reason that an option is for when a treatment stopped working,
# to one whose list of treatments had holds nothing that can stop, had read as a label and a
# value ("it is for treatments that stopped working: chemotherapy, but the treatments you have
# had include no drug treatment, radiation or ablation, so none can have stopped working"). It
# says what it is for and what the list lacks, and what to do if the list was not finished; the
# list is read as whole (docs/profile.md), so it stays not suitable, while a list that says it
# may not be whole leaves it needing information (unknown is not negative).
_NOTHING_THAT_STOPS = ["surgery", "gastrectomy", "bowel resection", "colostomy", "bowel stent",
                       "feeding tube"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cancer=st.sampled_from([("stomach", "4"), ("stomach", None), ("cervix", "4B"),
                               ("rectum", "4"), ("lung", "4")]),
       prior=st.lists(st.sampled_from(_NOTHING_THAT_STOPS), min_size=1, max_size=3, unique=True),
       open_list=st.booleans())
def test_an_option_for_a_treatment_that_stopped_says_it_was_not_listed_and_how_to_add_it(
        cancer: tuple[str, str | None], prior: list[str], open_list: bool) -> None:
    kb = shared_kb()
    data: dict[str, Any] = {"cancer": cancer[0], "recurrence": "local",
                            "prior_treatments": [*prior, *(["others not known"] * open_list)]}
    if cancer[1]:
        data["stage"] = cancer[1]
    try:
        result = evaluate(parse_profile(data, kb), kb)
    except ProfileError:
        assume(False)
        raise
    stopped = [o for o in result.options if "chemotherapy stopped working" in (o.reason or "")
               and o.status is Status.not_suitable]
    if open_list:  # perhaps other treatments not listed: whether chemotherapy stopped is open
        assert not stopped, [(o.id, o.reason) for o in stopped]
        for option in result.options:
            if option.id.startswith("stomach-ramucirumab"):
                assert option.status is Status.needs_information, (option.id, option.reason)
        return
    if cancer[0] == "stomach":
        assert {o.id for o in stopped} >= {"stomach-ramucirumab-alone"}
    for option in stopped:
        assert ("it is for when chemotherapy stopped working; you did not list chemotherapy "
                "among the treatments you have had (if you have had it, add it)") in option.reason
        assert "treatments that stopped working: " not in option.reason, option.reason
    # the hint is one to act on: with chemotherapy added, none is ruled out by it
    added = evaluate(parse_profile({**data, "prior_treatments": [*prior, "chemotherapy"]}, kb), kb)
    assert not [o.id for o in added.options if "you did not list chemotherapy" in (o.reason or "")]


# clinical21 (review 18, #8): of a list of treatments had not given, an option that waits on it
# for what its rules test (surgery had, for chemotherapy after surgery; a total gastrectomy had,
# for surgery to remove part of the stomach) asks about those by name ("Have you had surgery for
# this cancer?"), not "Which treatments have you already had (for example surgery,
# chemotherapy, ...)?", which had been asked of one who had said chemotherapy stopped.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=partial_and_more())
def test_an_option_waiting_on_the_treatments_had_asks_of_what_decides_it(
        pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    kb = shared_kb()
    data = {k: v for k, v in pair[0].items() if k != "prior_treatments"}
    result = evaluate(parsed(data, kb), kb)
    fact = kb.facts["prior_treatments"]
    for option in result.options:
        for missing in option.missing:
            if missing.fact == "prior_treatments":
                assert missing.question != fact.question, option.id
                assert missing.question.startswith("Have you had "), (option.id, missing.question)


def test_one_whose_chemotherapy_stopped_is_asked_about_surgery_not_every_treatment() -> None:
    kb = shared_kb()
    data = {"cancer": "stomach", "stage": "4", "progressed_on": ["FOLFOX"]}
    by_id = {o.id: o for o in evaluate(parse_profile(data, kb), kb).options}
    asked = {m.question for m in by_id["stomach-chemotherapy-after-surgery"].missing}
    assert "Have you had surgery for this cancer?" in asked, asked
    ranked = evaluate(parse_profile(data, kb), kb).what_would_change
    [prior] = [r for r in ranked if r.fact == "prior_treatments"]
    assert prior.question == "Have you had surgery for this cancer?", prior.question
