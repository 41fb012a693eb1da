"""FHIR (mCODE) in: every reference example parses and round-trips with the R4B models; the
reference bundles and the patients assembled from the reference resources read without error;
each situation the sources cover, as a bundle in tests/fhir/, gives the same options as the same
profile written as JSON; unknowns stay unknown; every resource is used or listed unused."""

from __future__ import annotations

import copy
import csv
import functools
import json
import pickle
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from fhir.resources.R4B import get_fhir_model_class
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import onconav
from onconav.fhir import (
    FhirError,
    FhirReading,
    drugs_of_codings,
    drugs_of_medication,
    read_bundle,
    read_resources,
)
from onconav.fhir.codes import SYSTEMS, TABLES, load_tables, read_table, system_name
from onconav.fhir.reader import STU3_SYSTEMS, zoned
from onconav.kb.rules import OTHERS_NOT_KNOWN as MORE
from onconav.profile import ProfileError, facts_of, parse_profile

ROOT = Path(__file__).resolve().parents[1]
BUNDLES = ROOT / "tests" / "fhir"
EXAMPLES = ROOT / "examples"
REFERENCE = ROOT.parent / "shared" / "reference"
MCODE = REFERENCE / "mcode"
UNKNOWABLE = ("resectable", "wants_cancer_treatment", "metastasis_extent")

# Each bundle of tests/fhir: the same situation written as a profile by a person, and the
# example it stands for with the fields of that example that FHIR cannot say (or says more
# precisely: a named drug for "chemotherapy", where the bleeding comes from).
SITUATIONS: dict[str, tuple[dict[str, Any], str | None]] = {
    "stomach-stage4-her2-positive": (
        {"cancer": "stomach", "stage": "IV", "biomarkers": {"her2": "positive"},
         "symptoms": ["trouble swallowing"]}, "stomach-stage4-her2-positive"),
    "stomach-her2-ihc2-ish-positive": (
        {"cancer": "stomach", "stage": "4", "biomarkers": {"her2": "positive"}}, None),
    "gej-m1-her2-negative": (
        {"cancer": "GEJ", "stage": "M1", "biomarkers": {"her2": "negative"}}, None),
    "gastric-recurrent-refractory": (
        {"cancer": "gastric", "recurrence": "yes", "prior_treatments": ["gastrectomy", "CAPOX"],
         "progressed_on": ["CAPOX"], "biomarkers": {"her2": "negative"},
         "symptoms": ["malnutrition"], "planned": ["surgery"]}, "gastric-recurrent-refractory"),
    "rectal-stage4-kras-wild-type": (
        {"cancer": "rectum", "stage": "4", "metastases": ["liver"],
         "biomarkers": {"kras": "wild-type"}, "symptoms": ["rectal bleeding"]},
        "rectal-stage4-kras-wild-type"),
    "rectal-stage4-kras-mutated": (
        {"cancer": "rectal", "stage": "IV", "metastases": ["liver"],
         "biomarkers": {"kras": "G12D"}}, None),
    "rectal-local-recurrence-after-pelvic-radiation": (
        {"cancer": "rectal", "recurrence": "local",
         "prior_treatments": ["bowel resection", "pelvic radiation"], "symptoms": ["pain"]},
        "rectal-local-recurrence-after-pelvic-radiation"),
    "cervical-stage4b-after-chemotherapy": (
        {"cancer": "cervical", "stage": "IVB", "prior_treatments": ["cisplatin and paclitaxel"],
         "progressed_on": ["cisplatin and paclitaxel"],
         "symptoms": ["vaginal bleeding", "pain"]}, "cervical-stage4b-after-chemotherapy"),
    "cervical-stage4a": ({"cancer": "cervix", "stage": "4A"}, "cervical-stage4a"),
    "rectal-progression-after-folfox": (
        {"cancer": "rectum", "stage": "4", "metastases": ["liver"],
         "prior_treatments": ["FOLFOX"], "progressed_on": ["FOLFOX"]}, None),
    "stomach-declined-cannot-be-said": (
        {"cancer": "stomach", "stage": "4", "symptoms": ["pain", "nausea", "constipation"]},
        "no-cancer-treatment"),
    "breast-bone-metastases": (
        {"cancer": "breast", "metastases": ["bone"], "symptoms": ["pain"]},
        "breast-many-bone-metastases"),
    "colon-metastatic": (
        {"cancer": "colon", "stage": "4", "metastases": ["liver"]}, "colon-metastatic"),
    "thyroid-advanced": ({"cancer": "thyroid", "stage": "4"}, "thyroid-advanced"),
    "cervical-cisplatin-not-tolerated": (
        {"cancer": "cervix", "stage": "4B", "cannot_have": ["cisplatin"],
         "prior_treatments": ["cisplatin"]}, None),
}  # fmt: skip
# What each example says that its bundle does not (FHIR cannot say it, or the bundle names the
# drug or the place where the example says only the kind).
NOT_IN_BUNDLE = {
    "rectal-stage4-kras-wild-type": {"resectable", "metastasis_extent", "prior_treatments",
                                     "symptoms"},
    "cervical-stage4b-after-chemotherapy": {"prior_treatments", "progressed_on", "symptoms"},
    "cervical-stage4a": {"symptoms"},
    "no-cancer-treatment": {"wants_cancer_treatment"},
    "breast-many-bone-metastases": {"metastasis_extent", "hormone_sensitive", "symptoms"},
    "gastric-recurrent-refractory": {"prior_treatments", "progressed_on"},
}  # fmt: skip


@functools.cache
def the_kb() -> onconav.KnowledgeBase:
    """The knowledge base, loaded once, for the property tests (loading it in each example cost
    50 ms; with the fixture as an argument, hypothesis called the fuzz below flaky when shrinking
    a failure)."""
    return onconav.load_kb()


@pytest.fixture(scope="module")
def kb() -> onconav.KnowledgeBase:
    return the_kb()


def bundle(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((BUNDLES / f"{name}.json").read_text())
    return data


def statuses(profile_data: dict[str, Any], kb: onconav.KnowledgeBase) -> list[tuple[str, str]]:
    result = onconav.evaluate(onconav.parse_profile(profile_data, kb), kb)
    return [(o.id, o.status.value) for o in result.options]


def refs_of(resources: list[dict[str, Any]]) -> set[str]:
    return {f"{r['resourceType']}/{r['id']}" for r in resources}


def accounted(reading: FhirReading) -> set[str]:
    used = {ref for refs in reading.sources.values() for ref in refs}
    return used | {u.reference for u in reading.unused}


# ---- the reference examples ----------------------------------------------------------------


def reference_files() -> list[Any]:
    if not MCODE.is_dir():
        return []
    return [pytest.param(p, id=p.stem) for p in sorted(MCODE.glob("*.json"))]


def test_the_reference_material_is_here() -> None:
    """The real mCODE examples the tests below read are expected beside the repository
    (../shared/reference, as the conftest's ``reference`` fixture says): without them those
    tests would have nothing to read, and must not pass for that."""
    assert MCODE.is_dir() and any(MCODE.glob("*.json")), f"expected the mCODE examples at {MCODE}"


@pytest.mark.parametrize("path", reference_files())
def test_reference_example_parses_and_round_trips(path: Path) -> None:
    data = json.loads(path.read_text())
    model = get_fhir_model_class(data["resourceType"])
    parsed = model.model_validate(data)
    again = model.model_validate(parsed.model_dump(mode="json", by_alias=True, exclude_none=True))
    assert again == parsed


@pytest.mark.parametrize("name", ["Bundle-mcode-patient-bundle-jenny-m",
                                  "Bundle-gx-genomic-bundle-adam-anyperson"])  # fmt: skip
def test_reference_bundles_give_general_options(name: str, kb: onconav.KnowledgeBase) -> None:
    data = json.loads((MCODE / f"{name}.json").read_text())
    reading = read_bundle(data, kb)
    profile = onconav.parse_profile(reading.data, kb)
    assert onconav.evaluate(profile, kb).options
    assert reading.data["cancer"] in ("breast", "lung")
    refs = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in data["entry"]}
    assert accounted(reading) == refs


def reference_patients() -> dict[str, list[dict[str, Any]]]:
    """The reference resources (not Bundles, not ValueSets: those are no patient's data)
    grouped by the patient they are about."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in sorted(MCODE.glob("*.json")) if MCODE.is_dir() else []:
        data = json.loads(path.read_text())
        if data["resourceType"] in ("Bundle", "ValueSet"):
            continue
        who = (data.get("subject") or data.get("patient") or {}).get("reference")
        who = f"Patient/{data['id']}" if data["resourceType"] == "Patient" else who
        groups[who or "no patient"].append(data)
    return groups


# Patients of the reference set with no cancer recorded among its separate resources.
NO_CANCER = {"Patient/cancer-patient-lucy-child", "no patient"}


@pytest.mark.parametrize("who", sorted(reference_patients()))
def test_reference_patients_assembled_read(who: str, kb: onconav.KnowledgeBase) -> None:
    resources = reference_patients()[who]
    entries = [{"resource": r} for r in resources]
    data = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    if who in NO_CANCER:
        with pytest.raises(FhirError, match="no cancer condition"):
            read_bundle(data, kb)
        return
    reading = read_bundle(data, kb)
    assert onconav.evaluate(onconav.parse_profile(reading.data, kb), kb).options
    assert accounted(reading) == refs_of(resources)
    assert reading.data["cancer"] in ("breast", "lung", "leukaemia", "unknown")


# ---- the situations the sources cover ------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SITUATIONS))
def test_bundle_gives_the_options_of_the_same_profile(
    name: str, kb: onconav.KnowledgeBase
) -> None:
    reading = read_bundle(bundle(name), kb)
    written = opened(SITUATIONS[name][0])
    assert statuses(reading.data, kb) == statuses(written, kb)
    # and the profile read is the one written, field by field
    assert _plain(reading.data, kb) == _plain(written, kb)


def opened(data: dict[str, Any]) -> dict[str, Any]:
    """A profile's lists of places of spread, symptoms, treatments had and planned marked as a
    record's are, not whole ("perhaps others not listed")."""
    return {k: [*v, MORE] if k in ("metastases", "symptoms", "prior_treatments", "planned")
            else v for k, v in data.items()}  # fmt: skip


def _plain(data: dict[str, Any], kb: onconav.KnowledgeBase) -> dict[str, Any]:
    """A profile as read, lists in any order."""
    read = onconav.parse_profile(data, kb).model_dump(exclude={"as_typed"})
    return {k: sorted(v) if isinstance(v, list) else v for k, v in read.items()}


@pytest.mark.parametrize("name", sorted(n for n, (_, ex) in SITUATIONS.items() if ex))
def test_bundle_says_what_its_example_says(name: str, kb: onconav.KnowledgeBase) -> None:
    """The example the bundle stands for, less what FHIR cannot say, is the bundle's profile."""
    _, example = SITUATIONS[name]
    assert example is not None
    data = json.loads((EXAMPLES / f"{example}.json").read_text())
    left_out = NOT_IN_BUNDLE.get(example, set())
    assert left_out <= set(data)
    reading = read_bundle(bundle(name), kb)
    same = opened({k: v for k, v in data.items() if k not in left_out})
    mine = {k: v for k, v in reading.data.items() if k in same}
    assert _plain(mine, kb) == _plain(same, kb)


@pytest.mark.parametrize("name", sorted(SITUATIONS))
def test_every_resource_is_used_or_listed_unused(name: str, kb: onconav.KnowledgeBase) -> None:
    data = bundle(name)
    reading = read_bundle(data, kb)
    refs = refs_of([e["resource"] for e in data["entry"]])
    assert accounted(reading) == refs
    used = {ref for refs_ in reading.sources.values() for ref in refs_}
    assert not used & {u.reference for u in reading.unused}
    assert set(reading.sources) == {
        f"biomarkers.{k}" if k in ("her2", "kras") else k for k in _fields(reading.data)
    }


def _fields(data: dict[str, Any]) -> list[str]:
    return [k for k in data if k != "biomarkers"] + list(data.get("biomarkers", {}))


@pytest.mark.parametrize("name", sorted(SITUATIONS))
def test_what_fhir_cannot_say_stays_unknown(name: str, kb: onconav.KnowledgeBase) -> None:
    reading = read_bundle(bundle(name), kb)
    for key in UNKNOWABLE:
        assert key not in reading.data
    for key in ("symptoms", "prior_treatments", "metastases"):
        assert reading.data.get(key, None) != []  # no record is not "none"


def test_a_result_the_sources_never_use_is_said_so_where_it_is_not_read(
        kb: onconav.KnowledgeBase) -> None:  # fmt: skip
    """A PD-L1 or MSI result, or kidney failure, on record is listed as not read, saying that
    the sources this tool is built on do not use it to decide an option (it had been only "an
    Observation onconav does not read")."""
    record = bundle("stomach-her2-ihc2-ish-positive")
    subject = {"reference": "Patient/" + next(
        e["resource"]["id"] for e in record["entry"] if e["resource"]["resourceType"] == "Patient")}
    record["entry"] += [
        {"resource": {"resourceType": "Observation", "id": "pdl1", "status": "final",
                      "subject": subject, "valueCodeableConcept": {"text": "positive"},
                      "code": {"coding": [{"system": "http://loinc.org", "code": "85147-9",
                                           "display": "PD-L1 by clone 22C3 [Interpretation] in "
                                                      "Tissue by Immune stain"}]}}},
        {"resource": {"resourceType": "Observation", "id": "msi", "status": "final",
                      "subject": subject, "code": {"text": "Microsatellite instability"},
                      "valueCodeableConcept": {"text": "MSI-high"}}},
        {"resource": {"resourceType": "Condition", "id": "ckd", "subject": subject,
                      "code": {"text": "Chronic kidney failure"}}},
    ]  # fmt: skip
    why = {u.reference: u.reason for u in read_bundle(record, kb).unused}
    for ref, name in (("Observation/pdl1", "PD-L1"), ("Observation/msi", "MSI"),
                      ("Condition/ckd", "kidney failure")):  # fmt: skip
        assert f"the sources this tool is built on do not use {name}" in why[ref], why[ref]


def test_the_details_of_each_reading(kb: onconav.KnowledgeBase) -> None:
    ish = read_bundle(bundle("stomach-her2-ihc2-ish-positive"), kb)
    assert ish.data["biomarkers"] == {"her2": "positive"}
    assert ish.sources["biomarkers.her2"] == ["Observation/her2-ihc", "Observation/her2-ish"]
    serum = {u.reference: u.reason for u in ish.unused}["Observation/her2-serum"]
    assert "serum HER2 test does not count" in serum
    folfox = read_bundle(bundle("rectal-progression-after-folfox"), kb)
    assert folfox.data["progressed_on"] == ["folfox"]
    assert "Observation/worse" in folfox.sources["progressed_on"]
    assert "Observation/stable-before" in {u.reference for u in folfox.unused}
    local = read_bundle(bundle("rectal-local-recurrence-after-pelvic-radiation"), kb)
    assert local.data["recurrence"] == "local"
    assert "pelvic-radiation" in local.data["prior_treatments"]
    cisplatin = read_bundle(bundle("cervical-cisplatin-not-tolerated"), kb)
    assert cisplatin.data["cannot_have"] == ["cisplatin"]
    gej = read_bundle(bundle("gej-m1-her2-negative"), kb)
    assert gej.data["stage"] == "4" and gej.sources["stage"] == ["Observation/m1"]


def test_a_later_line_is_not_blamed_for_an_earlier_worsening(kb: onconav.KnowledgeBase) -> None:
    data = bundle("rectal-progression-after-folfox")
    irinotecan = {"resourceType": "MedicationAdministration", "id": "irinotecan",
                  "status": "completed", "subject": {"reference": "Patient/p-folfox"},
                  "medicationCodeableConcept": {"coding": [{
                      "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "51499"}]},
                  "effectiveDateTime": "2023-04-15"}  # fmt: skip
    data["entry"].append({"resource": irinotecan})
    reading = read_bundle(data, kb)
    assert reading.data["progressed_on"] == ["folfox"]
    assert "irinotecan" in reading.data["prior_treatments"]


def test_worsening_with_no_drug_on_record_is_not_attributed(kb: onconav.KnowledgeBase) -> None:
    data = bundle("rectal-progression-after-folfox")
    data["entry"] = [e for e in data["entry"]
                     if e["resource"]["resourceType"] != "MedicationAdministration"]  # fmt: skip
    reading = read_bundle(data, kb)
    assert "progressed_on" not in reading.data
    assert any("worsened" in w for w in reading.warnings)
    assert "Observation/worse" in {u.reference for u in reading.unused}


# ---- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        ([1, 2], "bundle", "JSON object"),
        ({"hello": "world"}, "bundle.resourceType", "no resourceType"),
        ({"resourceType": "Patient", "id": "x"}, "bundle.resourceType", "not 'Patient'"),
        ({"resourceType": "Bundle", "entry": []}, "bundle.type", "Bundle"),
        ({"resourceType": "Bundle", "type": "bogus", "entry": []}, "bundle.type",
         "'bogus' is not a Bundle type"),
        ({"resourceType": "Bundle", "type": "collection", "entry": {}}, "bundle.entry", "list"),
        ({"resourceType": "Bundle", "type": "collection", "entry": []}, "bundle", "no cancer"),
    ],
)
def test_not_fhir_or_no_cancer_is_a_clear_error(
    given: Any, field: str, words: str, kb: onconav.KnowledgeBase
) -> None:
    with pytest.raises(FhirError) as caught:
        read_bundle(given, kb)
    assert caught.value.problems[0].field == field
    assert words in str(caught.value)


@pytest.mark.parametrize("bundle", [{"resourceType": "Bundle"},
                                    {"resourceType": "Bundle", "type": 5, "entry": []},
                                    {"resourceType": "Bundle", "type": "bogus"}])  # fmt: skip
def test_a_bundle_type_missing_or_wrong_lists_the_types(
    bundle: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """A Bundle's type missing, not text, or not a type lists the nine types as accepted (a
    review of the front ends found the first two with nothing accepted)."""
    from onconav.fhir import BUNDLE_TYPES

    with pytest.raises(FhirError) as caught:
        read_bundle(bundle, kb)
    (problem,) = caught.value.problems
    assert (problem.field, problem.accepted) == ("bundle.type", BUNDLE_TYPES)


def test_a_key_given_twice_is_named_not_dropped() -> None:
    """JSON parsers keep the last of a key given twice; ``fhir_json`` names each, however deep
    (FHIR nests deeper than a profile): an object's own first, then those inside it in order."""
    from onconav.fhir import fhir_json

    deep = '{"a":' * 40 + '{"code": 1, "code": 2}' + "}" * 40
    text = ('{"resourceType": "Bundle", "entry": [{"resource": {"id": "x", "id": "y"}}, '
            + deep + '], "type": "collection", "type": "batch"}')  # fmt: skip
    with pytest.raises(FhirError) as caught:
        fhir_json(text)
    assert [p.field for p in caught.value.problems] == [
        "bundle.type", "bundle.entry[0].resource.id", "bundle.entry[1]" + ".a" * 40 + ".code"
    ]  # fmt: skip
    with pytest.raises(FhirError) as caught:
        fhir_json(b'{"prefetch": {"k": 1, "k": 2}}', root="")
    assert [p.field for p in caught.value.problems] == ["prefetch.k"]
    assert fhir_json(deep.replace('"code": 1, ', "")) is not None  # deep, nothing twice: read
    with pytest.raises(FhirError) as caught:  # a million keys twice: 20 named, the rest counted
        fhir_json('{"resourceType": "Bundle", ' + '"id": "x", ' * 100_000 + '"type": "batch"}')
    assert len(caught.value.problems) == 21
    assert caught.value.problems[-1].message.startswith("and 99979 more problems (in bundle)")


def test_invalid_and_odd_entries_are_listed_with_the_reason(kb: onconav.KnowledgeBase) -> None:
    data = bundle("thyroid-advanced")
    data["entry"] += [
        {"resource": {"resourceType": "Condition", "id": "bad", "code": 5,
                      "subject": {"reference": "Patient/p-thyroid"}}},
        {"resource": {"resourceType": "Nonsense", "id": "n"}},
        {"fullUrl": "urn:uuid:1"},
        "text",
    ]  # fmt: skip
    bad_stage = copy.deepcopy(data["entry"][2]["resource"])
    bad_stage.update(id="stage-bad", effectiveDateTime="the day after tomorrow")
    data["entry"].append({"resource": bad_stage})
    reading = read_bundle(data, kb)
    unused = {u.reference: u.reason for u in reading.unused}
    assert "not valid FHIR R4" in unused["Observation/stage-bad"]
    assert "not a FHIR R4 resource type" in unused["Nonsense/n"]
    assert unused["entry[5]"] == "an entry with no resource"
    assert "JSON object" in unused["entry[6]"]
    assert "Condition/bad" in unused
    assert reading.data == {"cancer": "thyroid", "stage": "4"}


def test_a_modifier_keeps_a_resource_from_being_read_as_its_codes_say(
    kb: onconav.KnowledgeBase,
) -> None:
    """FHIR's modifiers change what a resource means: an order not to give cetuximab
    (doNotPerform) was read as cetuximab given, and a modifierExtension was passed over."""
    data = bundle("rectal-stage4-kras-wild-type")
    subject = data["entry"][1]["resource"]["subject"]
    cetuximab = {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "318341"}
    data["entry"].append({"resource": {
        "resourceType": "MedicationRequest", "id": "not-cetuximab", "status": "active",
        "intent": "order", "doNotPerform": True, "subject": subject, "authoredOn": "2024-05-01",
        "medicationCodeableConcept": {"coding": [cetuximab]},
    }})  # fmt: skip
    kras = next(e["resource"] for e in data["entry"] if e["resource"]["id"] == "kras")
    kras["component"] = [{"code": {"text": "result"}, "modifierExtension": [
        {"url": "https://example.org/retracted", "valueBoolean": True}]}]  # fmt: skip
    reading = read_bundle(data, kb)
    unused = {u.reference: u.reason for u in reading.unused}
    assert "doNotPerform" in unused["MedicationRequest/not-cetuximab"]
    assert "modifierExtension" in unused["Observation/kras"]
    assert "https://example.org/retracted" in unused["Observation/kras"]
    assert "prior_treatments" not in reading.data
    assert "biomarkers" not in reading.data  # unknown, not wild-type
    plain = read_bundle(bundle("rectal-stage4-kras-wild-type"), kb)
    assert plain.data["biomarkers"] == {"kras": "wild-type"}


@pytest.mark.parametrize(("code", "display"), [("267036007", "Dyspnea"), ("91175000", "Seizure")])
def test_a_symptom_not_listed_is_read_as_another_symptom(
    kb: onconav.KnowledgeBase, code: str, display: str
) -> None:
    """Breathlessness or a seizure in the record reads as "another symptom the cancer causes",
    as the same words typed do: radiation to ease symptoms is then for this person, from the
    record as from the form (the record's symptom was not read at all)."""
    data = bundle("colon-metastatic")
    subject = data["entry"][1]["resource"]["subject"]
    data["entry"].append({"resource": {
        "resourceType": "Condition", "id": "symptom", "subject": subject,
        "clinicalStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "code": "active"}]},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": code,
                             "display": display}]},
    }})  # fmt: skip
    reading = read_bundle(data, kb)
    assert reading.data["symptoms"] == ["other-symptom", MORE]
    typed = {**reading.data, "symptoms": ["shortness of breath", "others not known"]}
    assert statuses(reading.data, kb) == statuses(typed, kb)
    result = onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
    radiation = {o.id: o for o in result.options}["general-palliative-radiation"]
    assert radiation.status.value == "offered" and radiation.relieves_your_symptoms


def test_one_page_of_a_search_says_so(kb: onconav.KnowledgeBase) -> None:
    """A searchset page that links to the next one: what is on the other pages reads as not on
    record, which the reading now says (it said nothing)."""
    data = bundle("thyroid-advanced")
    whole = read_bundle(data, kb)
    data["link"] = [{"relation": "self", "url": "https://fhir.example.org/r4/Condition?page=1"},
                    {"relation": "next", "url": "https://fhir.example.org/r4/Condition?page=2"}]
    paged = read_bundle(data, kb)
    assert paged.data == whole.data
    assert paged.warnings[0].startswith("the Bundle is one page of a search")
    assert paged.warnings[1:] == whole.warnings


def test_a_resource_of_millions_of_values_is_not_validated(kb: onconav.KnowledgeBase) -> None:
    """Validating a cancer Condition with a note of a million items took 4 s and 1 GB (a million
    validation errors); a resource of more than 20,000 values is now listed unused unread, and a
    Bundle that large outside its entries is refused."""
    from onconav.fhir.reader import MAX_VALUES

    data = bundle("rectal-stage4-kras-wild-type")
    data["entry"][1]["resource"]["note"] = [1] * (MAX_VALUES + 1)
    reading = read_bundle(data, kb)
    unused = {u.reference: u.reason for u in reading.unused}
    assert unused["Condition/rectum"].startswith("larger than a resource can be")
    assert reading.data["cancer"] == "unknown"  # only where it spread is on record
    data = bundle("rectal-stage4-kras-wild-type")
    data["link"] = [1] * (MAX_VALUES + 1)
    with pytest.raises(FhirError, match="more than 20000 values outside its entries"):
        read_bundle(data, kb)


def test_two_patients_are_an_error(kb: onconav.KnowledgeBase) -> None:
    data = bundle("thyroid-advanced")
    data["entry"].append({"resource": {"resourceType": "Patient", "id": "someone-else"}})
    with pytest.raises(FhirError, match="2 different patients"):
        read_bundle(data, kb)


def test_two_patients_of_one_id_on_two_servers_are_an_error() -> None:
    """Patient/p1 of one server and Patient/p1 of another are two people: they were read as one
    (the first copy), a rectal cancer with one's KRAS and the other's HER2 (a review of the FHIR
    reading). The same patient twice from one server is still one person."""
    kb = the_kb()
    def person(server: str, cancer: dict[str, Any]) -> list[dict[str, Any]]:
        patient = {"resourceType": "Patient", "id": "p1"}
        condition = {**cancer, "subject": {"reference": f"{server}/Patient/p1"}}
        return [{"fullUrl": f"{server}/{r['resourceType']}/{r['id']}", "resource": r}
                for r in (patient, condition)]
    a = person("http://a.org/fhir", RECTUM)
    b = person("http://b.org/fhir", {**STOMACH, "id": "c2"})
    with pytest.raises(FhirError, match=r"2 different patients \(Patient/p1 of "
                       r"a.org/fhir and of b.org/fhir\)"):  # fmt: skip
        read_bundle({"resourceType": "Bundle", "type": "collection", "entry": a + b}, kb)
    again = read_bundle({"resourceType": "Bundle", "type": "collection", "entry": a + a[:1]}, kb)
    assert again.data["cancer"] == "rectum"
    # one server however its address is written: the host's case, the default port
    for written in ("https://A.ORG/fhir", "https://a.org:443/fhir", "http://a.org/fhir/"):
        same = person(written.rstrip("/"), RECTUM)[:1]
        one = read_bundle({"resourceType": "Bundle", "type": "collection", "entry": a + same}, kb)
        assert one.data["cancer"] == "rectum", written


def test_read_resources_opens_prefetch_bundles(kb: onconav.KnowledgeBase) -> None:
    data = bundle("colon-metastatic")
    resources = [e["resource"] for e in data["entry"]]
    searchset = {"resourceType": "Bundle", "type": "searchset",
                 "entry": [{"resource": r} for r in resources[1:]]}  # fmt: skip
    assert read_resources([resources[0], searchset, None], kb).data == read_bundle(data, kb).data


# ---- properties ----------------------------------------------------------------------------


def _key(reading: FhirReading) -> tuple[Any, ...]:
    return (json.dumps(reading.data, sort_keys=True), reading.sources,
            sorted((u.reference, u.reason) for u in reading.unused))  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SITUATIONS)), st.randoms(use_true_random=False))
def test_order_of_entries_does_not_matter(name: str, random: Any) -> None:
    kb = the_kb()
    data = bundle(name)
    shuffled = copy.deepcopy(data)
    random.shuffle(shuffled["entry"])
    assert _key(read_bundle(shuffled, kb)) == _key(read_bundle(data, kb))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SITUATIONS)), st.data())
def test_any_subset_reads_from_its_own_resources(name: str, draw: Any) -> None:
    kb = the_kb()
    data = bundle(name)
    keep = draw.draw(st.lists(st.sampled_from(data["entry"]), unique_by=id, min_size=1))
    part = {**data, "entry": keep}
    refs = refs_of([e["resource"] for e in keep])
    try:
        reading = read_bundle(part, kb)
    except FhirError as error:
        assert "no cancer condition" in str(error)
        return
    assert accounted(reading) == refs
    whole = read_bundle(data, kb)
    assert set(reading.data) <= set(whole.data)  # a field read from a part is read from the whole
    assert {r for refs_ in reading.sources.values() for r in refs_} <= refs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["1", "2", "3", "4A", "4B"]), min_size=1, max_size=5),
       st.randoms(use_true_random=False))  # fmt: skip
def test_the_latest_stage_wins_in_any_order_unless_it_is_lower_than_one_before(
    stages: list[str], random: Any
) -> None:
    """By rank, 1 = 2 = 3 < 4A < 4B: a later FIGO IVA after IVB was read as 4A silently."""
    kb = the_kb()
    data = bundle("cervical-stage4a")
    figo = {"1": "C96244", "2": "C96252", "3": "C96255", "4A": "C96262", "4B": "C96263"}
    template = data["entry"][2]["resource"]
    data["entry"] = data["entry"][:2]
    for i, stage in enumerate(stages):
        obs = copy.deepcopy(template)
        obs["id"] = f"figo-{i}"
        obs["effectiveDateTime"] = f"2020-01-{i + 1:02d}"
        obs["valueCodeableConcept"]["coding"][0]["code"] = figo[stage]
        data["entry"].append({"resource": obs})
    random.shuffle(data["entry"])
    reading = read_bundle(data, kb)
    rank = {"1": 0, "2": 0, "3": 0, "4A": 1, "4B": 2}
    if any(rank[s] > rank[stages[-1]] for s in stages):  # a lower stage after a higher one
        assert "stage" not in reading.data
        assert any("the stage records disagree" in w for w in reading.warnings)
        return
    assert reading.data["stage"] == (stages[-1] if rank[stages[-1]] else "earlier")
    assert reading.sources["stage"] == [f"Observation/figo-{len(stages) - 1}"]


# ---- the code tables -----------------------------------------------------------------------


def test_every_table_value_is_one_the_profile_takes(kb: onconav.KnowledgeBase) -> None:
    fields = {"cancer": "cancer", "metastasis": "metastases", "symptom": "symptoms",
              "drug": "prior_treatments", "kind": "prior_treatments",
              "treatment": "prior_treatments"}  # fmt: skip
    for row in load_tables().rows:
        for key, values in row.meaning.items():
            for value in values:
                if key not in fields:
                    continue
                data: dict[str, Any] = {"cancer": "rectum"}
                data[fields[key]] = value if key == "cancer" else [value]
                onconav.parse_profile(data, kb)  # raises ProfileError when not taken


def test_every_row_says_where_it_was_checked() -> None:
    for row in load_tables().rows:
        assert row.verified, row
        assert row.verified.startswith(("ref:", "ig4:", "ig-old:", "ips-", "web:", "who-icd10:",
                                        "unverified:")), row  # fmt: skip


def test_rows_checked_in_the_reference_files_are_there() -> None:
    """A row that says it was checked in ../shared/reference holds a code found in that file."""
    for row in load_tables().rows:
        if not row.verified.startswith("ref:"):
            continue
        path = REFERENCE / row.verified.removeprefix("ref:").split(" ")[0]
        text = path.read_text()
        code = row.code.split("|")[-1]
        assert code in text or (row.system == "hgnc" and f"HGNC:{code}" in text), row


def test_tables_refuse_a_bad_row() -> None:
    with pytest.raises(ValueError, match="blank"):
        read_table("x", "system,code,display,maps_to,verified\nsnomed,1,,a=b,ref:x\n")
    with pytest.raises(ValueError, match="unknown system"):
        read_table("x", "system,code,display,maps_to,verified\nfoo,1,d,a=b,ref:x\n")
    with pytest.raises(ValueError, match="key=value"):
        read_table("x", "system,code,display,maps_to,verified\nsnomed,1,d,ab,ref:x\n")


def test_drug_ingredient_codes_agree_with_the_knowledge_base(kb: onconav.KnowledgeBase) -> None:
    folder = ROOT / "src" / "onconav" / "fhir" / "data"
    assert {p.stem for p in folder.glob("*.csv")} == set(TABLES)
    for record in csv.DictReader((folder / "drugs.csv").read_text().splitlines()):
        drug = record["maps_to"].removeprefix("drug=")
        found = kb.find(f"rxnorm|{record['code']}")
        if found:
            assert found[0].id == drug, record


# ---- malformed input -----------------------------------------------------------------------

# A fuzz of the records above: each example changes one to three places of a record (a value
# replaced by one of another JSON type, a key dropped, a value wrapped in a list, a list turned
# into its first item, or an element the reader reads added to a resource, of any JSON type).
# The only outcomes allowed are a reading, with every resource used or listed unused and a
# resource made invalid never used, or a FhirError naming the field.
JsonPath = tuple[str | int, ...]
OTHER_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "number": st.sampled_from([0, 7, -1, 2.5]) | st.integers(),
    "string": st.sampled_from(["", "x", "C78.7", "final", "http://snomed.info/sct"]) | st.text(),
    "null": st.none(),
    "bool": st.booleans(),
    "list": st.sampled_from([[], ["x"], [{}], [1], [None], [[]]]),
    "object": st.sampled_from([{}, {"code": "x"}, {"coding": "x"}, {"reference": 1}]),
}


# The elements the reader reads (or that decide whether a resource is read), to add to a
# resource that may not have them: an element it does not have, in any shape ("focus": 5 on a
# body weight, "extension": 5 on a comorbidity, "subject" as a list) was a Python error where
# the reader looked at a resource before checking it.
READ_ELEMENTS = ("focus", "extension", "bodySite", "reasonCode", "reasonReference", "subject",
                 "patient", "stage", "component", "code", "category", "conclusionCode",
                 "medicationCodeableConcept", "medicationReference", "statusReason", "dosage",
                 "dosageInstruction", "contained", "interpretation", "valueCodeableConcept",
                 "valueString", "valueInteger", "status", "intent", "clinicalStatus",
                 "verificationStatus", "effectiveDateTime", "effectiveInstant",
                 "effectivePeriod", "issued", "onsetDateTime", "recordedDate", "authoredOn",
                 "whenHandedOver", "performedPeriod", "priorPrescription", "abatementDateTime",
                 "meta")  # fmt: skip
ADDED_VALUES = st.one_of(*OTHER_VALUES.values(), st.sampled_from([
    {"reference": "Patient/p"}, [{"reference": "Patient/p"}], [{"reference": "Condition/c"}],
    {"coding": [{"system": "http://snomed.info/sct", "code": "363346000"}]},
    [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C20"}]}],
    [{"summary": {"text": "Stage IV"}}], "2024-01-10T10:00:00Z",
]))  # fmt: skip


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return {str: "string", list: "list", dict: "object"}[type(value)]


def _paths(value: Any, path: JsonPath = ()) -> list[JsonPath]:
    """Every place in a JSON document, the document itself first."""
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*path, i))
    return out


def _at(document: Any, path: JsonPath) -> Any:
    for step in path:
        document = document[step]
    return document


def _changed(document: Any, path: JsonPath, change: Any) -> Any:
    """The document with the value at ``path`` given to ``change`` (which returns the new value,
    or DROP to remove it); the containers on the way are copied, the rest is shared."""
    if not path:
        return change(document)
    container = copy.copy(document)
    step, rest = path[0], path[1:]
    new = _changed(container[step], rest, change) if rest else change(container[step])
    if new is DROP:
        del container[step]
    else:
        container[step] = new
    return container


DROP = object()


def _mutation(data: Any, document: Any) -> tuple[JsonPath, str, Any]:
    """Where to change a document, how, and the new value (for "replace" and "add"), drawn from
    ``data``: "add" puts an element the reader reads on a resource (the path ends with it)."""
    resources = sorted(_resources_in(document), key=str)
    if resources and data.draw(st.booleans(), label="add an element to a resource"):
        where = data.draw(st.sampled_from(resources), label="resource")
        name = data.draw(st.sampled_from(READ_ELEMENTS), label="element")
        return (*where, name), "add", data.draw(ADDED_VALUES, label="its value")
    path = data.draw(st.sampled_from(_paths(document)), label="where")
    value = _at(document, path)
    hows = ["replace"]
    if path and isinstance(_at(document, path[:-1]), dict):
        hows.append("drop")
    if path:
        hows.append("wrap")
    if isinstance(value, list) and value:
        hows.append("unwrap")
    how = data.draw(st.sampled_from(hows), label="how")
    if how != "replace":
        return path, how, None
    kind = data.draw(st.sampled_from(sorted(set(OTHER_VALUES) - {_json_type(value)})))
    return path, how, data.draw(OTHER_VALUES[kind], label="new value")


def _mutated(document: Any, path: JsonPath, how: str, new: Any) -> Any:
    if how == "add":  # the element may be new to the resource: set on the resource itself
        *where, name = path
        return _changed(document, tuple(where), lambda resource: {**resource, name: new})
    change = {"replace": lambda _: new, "drop": lambda _: DROP, "wrap": lambda v: [v],
              "unwrap": lambda v: v[0]}[how]  # fmt: skip
    return _changed(document, path, change)


def every_kind_read(cancer: bool = True) -> dict[str, Any]:
    """A small record of every kind of resource the reader reads, each as a real record has it:
    a cancer with its stage and spread, an older cancer of another place (named by its words
    and body site) and a comorbidity; results, one about the older cancer by its focus; drugs
    requested, dispensed and administered; an allergy, a radiotherapy course, an order, a report
    and an Account whose subject is a list. Without ``cancer``, no resource names a cancer (the
    reading is the error that says so)."""
    def cc(system: str, code: str, display: str = "") -> dict[str, Any]:
        return {"coding": [{"system": system, "code": code, "display": display or code}]}

    sct, loinc = "http://snomed.info/sct", "http://loinc.org"
    rx, icd = "http://www.nlm.nih.gov/research/umls/rxnorm", "http://hl7.org/fhir/sid/icd-10-cm"
    who = {"reference": "Patient/p"}
    clinical = cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active")

    def condition(ident: str, code: dict[str, Any], **more: Any) -> dict[str, Any]:
        return {"resourceType": "Condition", "id": ident, "subject": who,
                "clinicalStatus": clinical, "code": code, **more}

    def result(ident: str, code: str, **more: Any) -> dict[str, Any]:
        return {"resourceType": "Observation", "id": ident, "status": "final", "subject": who,
                "code": cc(loinc, code), "effectiveDateTime": "2024-01-10", **more}

    had = {"subject": who, "status": "completed"}
    cancers = [
        condition("c", cc(sct, "254582000", "Adenocarcinoma of rectum"),
                  bodySite=[cc(sct, "34402009", "Rectum structure")],
                  stage=[{"summary": cc(sct, "1229913003", "AJCC stage IV")}],
                  recordedDate="2023-01-10"),
        condition("m", cc(sct, "94381002", "Secondary malignant neoplasm of liver"), extension=[
            {"url": "http://hl7.org/fhir/StructureDefinition/condition-related",
             "valueReference": {"reference": "Condition/c"}}]),
        condition("b", {"text": "Carcinoma of breast"}, onsetDateTime="2015-03-01",
                  bodySite=[cc(sct, "76752008", "Breast structure")],
                  clinicalStatus=cc(clinical["coding"][0]["system"], "remission")),
        result("stage", "21908-9", valueCodeableConcept=cc("http://cancerstaging.org", "4")),
        result("her2", "48676-1", valueCodeableConcept=cc(loinc, "LA6577-6", "Negative")),
        result("er", "16112-5", valueCodeableConcept=cc(loinc, "LA6576-8", "Positive"),
               focus=[{"reference": "Condition/b"}]),
        result("kras", "21702-6", valueString="No mutation detected"),
        result("status", "97509-4", valueCodeableConcept=cc(sct, "271299001", "Worsened")),
        {"resourceType": "MedicationAdministration", "id": "ox", **had,
         "medicationCodeableConcept": cc(rx, "32592", "Oxaliplatin"),
         "effectiveDateTime": "2023-11-05T09:00:00Z"},
    ] if cancer else []  # fmt: skip
    resources = [
        {"resourceType": "Patient", "id": "p"}, *cancers,
        condition("x", cc(sct, "38341003", "Hypertension")),
        result("weight", "29463-7", valueQuantity={"value": 70}),
        {"resourceType": "MedicationDispense", "id": "cape", **had,
         "medicationCodeableConcept": cc(rx, "194000", "Capecitabine"),
         "whenHandedOver": "2023-11-05"},
        {"resourceType": "MedicationRequest", "id": "fu", "intent": "order", **had,
         "medicationCodeableConcept": cc(rx, "4492", "Fluorouracil"),
         "authoredOn": "2023-06-01", "reasonCode": [cc(sct, "38341003", "Hypertension")]},
        {"resourceType": "AllergyIntolerance", "id": "allergy", "patient": who,
         "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/"
                              "allergyintolerance-clinical", "active"),
         "code": cc(rx, "51499", "Irinotecan")},
        {"resourceType": "Procedure", "id": "rt", **had,
         "code": cc(sct, "1217123003", "Radiotherapy course of treatment"),
         "bodySite": [cc(sct, "12921003", "Pelvis structure")],
         "performedPeriod": {"start": "2022-01-01", "end": "2022-02-10"}},
        {"resourceType": "ServiceRequest", "id": "order", "status": "active", "intent": "order",
         "subject": who, "code": {"text": "surgery"},
         "reasonCode": [cc(sct, "38341003", "Hypertension")]},
        {"resourceType": "DiagnosticReport", "id": "report", "status": "final", "subject": who,
         "code": {"text": "pathology"}, "conclusionCode": [cc(icd, "I10", "Hypertension")]},
        {"resourceType": "Account", "id": "account", "status": "active", "subject": [who]},
    ]  # fmt: skip
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in resources]}


def fuzz_records() -> dict[str, tuple[str, Any]]:
    """Each record to change: a bundle of tests/fhir or of the reference set (read_bundle), or a
    reference patient's resources as a CDS Hooks prefetch gives them, the Patient alone and the
    rest in a searchset (read_resources); and a record of every kind the reader reads, with a
    cancer and without one."""
    records: dict[str, tuple[str, Any]] = {n: ("bundle", bundle(n)) for n in sorted(SITUATIONS)}
    records["every-kind-read"] = ("bundle", every_kind_read())
    records["every-kind-read-no-cancer"] = ("bundle", every_kind_read(cancer=False))
    if not MCODE.is_dir():
        return records
    for path in sorted(MCODE.glob("Bundle-*.json")):
        records[path.stem] = ("bundle", json.loads(path.read_text()))
    for who, resources in sorted(reference_patients().items()):
        if who in NO_CANCER:
            continue
        patient = [r for r in resources if r["resourceType"] == "Patient"]
        rest = [{"resource": r} for r in resources if r["resourceType"] != "Patient"]
        records[who] = ("resources", [*patient, {"resourceType": "Bundle", "type": "searchset",
                                                  "entry": rest}])  # fmt: skip
    return records


FUZZ_RECORDS = fuzz_records()


def _read(kind: str, record: Any, kb: onconav.KnowledgeBase) -> FhirReading:
    return read_bundle(record, kb) if kind == "bundle" else read_resources(record, kb)


def _resources_in(record: Any) -> dict[JsonPath, dict[str, Any]]:
    """Each resource of a record (not a Bundle, and not one contained in another) by where it is,
    as the reader finds them: in a Bundle's entries, or in the list given."""
    out: dict[JsonPath, dict[str, Any]] = {}

    def walk(items: Any, where: JsonPath, entries: bool) -> None:
        if not isinstance(items, list):
            return
        for i, item in enumerate(items):
            at: JsonPath = (*where, i)
            if entries:
                item = item.get("resource") if isinstance(item, dict) else None
                at = (*at, "resource")
            if not isinstance(item, dict):
                continue
            if item.get("resourceType") == "Bundle":
                walk(item.get("entry"), (*at, "entry"), True)
            else:
                out[at] = item

    if isinstance(record, dict):
        walk(record.get("entry"), ("entry",), True)
    else:
        walk(record, (), False)
    return out


def _ref(resource: dict[str, Any]) -> str | None:
    kind, ident = resource.get("resourceType"), resource.get("id")
    return f"{kind}/{ident}" if isinstance(kind, str) and isinstance(ident, str) and ident else None


def _valid_fhir(resource: dict[str, Any]) -> bool:
    """Valid FHIR R4, a time with no time zone taken as any moment (``zoned``), as the reader
    validates a resource."""
    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(zoned(resource))
    except (KeyError, ValueError):
        return False
    return True


USED_BEFORE: dict[str, set[str]] = {}


def _used_before(name: str) -> set[str]:
    """The resources the reading of a record of FUZZ_RECORDS uses, unchanged (none when it is
    an error: a record with no cancer)."""
    if name not in USED_BEFORE:
        kind, record = FUZZ_RECORDS[name]
        try:
            sources = _read(kind, record, the_kb()).sources
        except FhirError:
            sources = {}
        USED_BEFORE[name] = {ref for refs in sources.values() for ref in refs}
    return USED_BEFORE[name]


def _listed_or_refused(name: str, changed: Any, touched: list[JsonPath]) -> None:
    """What a record of FUZZ_RECORDS changed at the places ``touched`` may read as: a reading,
    with every resource used or listed unused and a resource made invalid never used (one read
    before, changed once, listed as not valid FHIR), or a FhirError naming the field; never a
    Python error."""
    kb = the_kb()
    kind = FUZZ_RECORDS[name][0]
    try:
        reading = _read(kind, changed, kb)
    except FhirError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.field.startswith(("bundle", "resources")), problem
            assert problem.message and str(problem).startswith(problem.field), problem
        return
    resources = _resources_in(changed)
    refs = {r for r in map(_ref, resources.values()) if r}
    assert refs <= accounted(reading), "every resource is used or listed unused"
    used = {ref for refs_ in reading.sources.values() for ref in refs_}
    unused = {u.reference: u.reason for u in reading.unused}
    onconav.parse_profile(reading.data, kb)  # what is read is a profile onconav takes
    for where, resource in resources.items():
        ref = _ref(resource)
        changes = [p for p in touched if p[: len(where)] == where]
        if ref is None or not changes or _valid_fhir(resource):
            continue
        assert ref not in used, f"{ref} is not valid FHIR R4 and was read"
        if ref in _used_before(name) and len(changes) == 1:  # read before, now invalid: said
            assert unused[ref].startswith("not valid FHIR R4: "), (ref, unused[ref])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FUZZ_RECORDS)), st.data())
def test_malformed_records_are_listed_or_refused_never_a_crash(name: str, draw: Any) -> None:
    changed, touched = FUZZ_RECORDS[name][1], []
    for _ in range(draw.draw(st.integers(1, 3), label="changes")):
        path, how, new = _mutation(draw, changed)
        changed = _mutated(changed, path, how, new)
        touched.append(path)
    _listed_or_refused(name, changed, touched)


# Each shape a value may wrongly have: a number (where a list, an object or a string is), an
# object where a list is (its keys are strings), a list of a number (where a list of objects
# is), and a list where an object is (valid, for an Account's subject).
SHAPES = (5, {"reference": "Patient/p"}, [5], [{"reference": "Patient/p"}])
# The resources of every_kind_read changed together in the sweep below, each group with the
# Patient and the cancer: each with those it names or that name it (a result and the older
# cancer its focus names, a worsening and the drugs in use then).
SWEEP_GROUPS = (("m", "x"), ("b", "er", "stage", "her2", "kras", "weight"),
                ("status", "ox", "cape", "fu"), ("allergy", "rt", "order", "report", "account"))


@pytest.mark.parametrize("cancer", [True, False], ids=["with-cancer", "no-cancer"])
@pytest.mark.parametrize("group", SWEEP_GROUPS, ids="-".join)
def test_each_element_read_in_each_shape_on_each_resource_is_listed_or_refused(
    cancer: bool, group: tuple[str, ...]
) -> None:
    """Not left to the fuzz's chance: each element the reader reads (READ_ELEMENTS) that a
    resource's type has, in each shape (SHAPES), on each resource of a record of every kind the
    reader reads, with a cancer and without one. Each of these was a Python error (a traceback,
    exit status 1, a 500 from the API): an Account's subject as a list, "focus": 5 on a body
    weight, "extension": 5 on the only Condition (a comorbidity), "bodySite": 5 on the
    Condition a result's focus names, "reasonCode": 5 on an order with no cancer on record."""
    name = "every-kind-read" if cancer else "every-kind-read-no-cancer"
    entries = [e for e in FUZZ_RECORDS[name][1]["entry"]
               if e["resource"]["id"] in ("p", "c", *group)]  # fmt: skip
    record = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    for i, entry in enumerate(entries):
        fields = get_fhir_model_class(entry["resource"]["resourceType"]).model_fields
        for element in (e for e in READ_ELEMENTS if e in fields):
            for shape in SHAPES:
                path = ("entry", i, "resource", element)
                _listed_or_refused(name, _mutated(record, path, "add", shape), [path])


# What the fuzz found (a Python error each, before): each is now listed with what is wrong.
MALFORMED = [
    ("Condition/rectum", ["code", "coding", 0, "system"], 3,
     "code.coding[0].system is a number, not a string"),
    ("Condition/rectum", ["code", "coding", 0, "code"], None,
     "code.coding[0].code is null, not a string"),
    ("Condition/rectum", ["code", "coding"], "C20", "code.coding is a string, not a list"),
    ("Condition/rectum", ["code", "coding"], {"code": "C20"},
     "code.coding is an object, not a list"),
    ("Condition/rectum", ["code", "coding", 0], ["C20"],
     "code.coding[0] is a list, not an object (a Coding)"),
    ("Condition/rectum", ["bodySite"], 2.5, "bodySite is a number, not a list"),
    ("Condition/liver-mets", ["extension"], True, "extension is a boolean, not a list"),
    ("Observation/kras", ["component", 0], "KRAS", "component[0] is a string, not an object"),
    ("Observation/kras", ["component", 0, "valueCodeableConcept", "coding", 0, "code"], [{}],
     "component[0].valueCodeableConcept.coding[0].code is a list, not a string"),
    ("Observation/stage", ["code"], None, "code is null, not an object (a CodeableConcept)"),
    # a Reference where a code is: it was read as a Condition with no code, not as not valid
    ("Condition/rectum", ["code"], {"reference": "Patient/x"},
     "code.reference is not an element of a CodeableConcept"),
    ("Condition/rectum", ["code", "coding", 0, "reference"], "Patient/x",
     "code.coding[0].reference is not an element of a Coding"),
]  # fmt: skip


@pytest.mark.parametrize(("ref", "path", "value", "reason"), MALFORMED)
def test_a_malformed_resource_is_listed_with_what_is_wrong(
    ref: str, path: list[Any], value: Any, reason: str, kb: onconav.KnowledgeBase
) -> None:
    data = bundle("rectal-stage4-kras-wild-type")
    (resource,) = [r for r in (e["resource"] for e in data["entry"]) if _ref(r) == ref]
    *parents, last = path
    _at(resource, tuple(parents))[last] = value
    reading = read_bundle(data, kb)
    unused = {u.reference: u.reason for u in reading.unused}
    assert unused[ref].startswith(f"not valid FHIR R4: {reason}"), unused[ref]
    assert ref not in {r for refs in reading.sources.values() for r in refs}


# ---- a time with no time zone, and a resource read that is not valid FHIR ------------------

def _stopped_folfox(authored: str) -> list[dict[str, Any]]:
    """FOLFOX's three orders stopped because the cancer grew, oxaliplatin's written ``authored``."""
    grew = {"statusReason": _cc(SNOMED, "266721009", "No response to treatment (situation)")}
    made = _folfox("MedicationRequest", "stopped", "2024-03-01", **grew)
    made[2]["authoredOn"] = authored
    return made


@pytest.mark.parametrize("which", ["allergy", "stopped", "kras", "cancer", "bundle"])
def test_a_time_with_no_time_zone_is_read_as_written(
    which: str, kb: onconav.KnowledgeBase
) -> None:
    """A time with no time zone (FHIR requires one) made the whole resource not valid FHIR, and
    it was only counted among the resources not used (a review of the CDS Hooks service): a
    confirmed allergy to oxaliplatin with such an onset was dropped and FOLFOX offered; FOLFOX
    stopped because the cancer grew offered again; a KRAS mutation and the cancer itself not
    read; a Bundle so stamped was refused. Each is read, as docs/fhir.md says, the time as any
    moment it may be."""
    allergy = _allergy(OXALIPLATIN) | {"onsetDateTime": "2024-04-02T10:00:00"}
    kras = _observation("k", "69548-6", PRESENT, "2024-02-10T09:30:00", component=[KRAS_GENE])
    cancer = RECTUM | {"onsetDateTime": "2024-02-01T08:00:00"}
    records = {"allergy": (RECTUM, STAGE_4, allergy),
               "stopped": (RECTUM, STAGE_4, *_stopped_folfox("2024-03-01T09:30:00")),
               "kras": (RECTUM, STAGE_4, kras), "cancer": (cancer, STAGE_4, kras),
               "bundle": (RECTUM, STAGE_4, kras)}
    stamp = {"timestamp": "2024-04-02T10:00:00.25"} if which == "bundle" else {}
    reading = read_bundle(_record(*records[which]) | stamp, kb)
    assert not [u for u in reading.unused if u.reason.startswith("not valid")], reading.unused
    assert not [w for w in reading.warnings if "is not read (not valid" in w], reading.warnings
    options = dict(statuses(reading.data, kb))
    if which == "allergy":
        assert reading.data["cannot_have"] == ["oxaliplatin"]
        assert options["rectum-folfox"] == options["rectum-capox"] == "not_suitable"
    elif which == "stopped":
        assert reading.data["progressed_on"] == ["folfox"]
        assert options["rectum-folfox"] == "not_suitable"
    else:
        assert reading.data["cancer"] == "rectum"
        assert reading.data["biomarkers"] == {"kras": "mutated"}


# Elements that hold a date and time (dateTime), by the model of each type of resource
def _date_times(resource: dict[str, Any]) -> list[str]:
    fields = get_fhir_model_class(resource["resourceType"]).model_fields
    return sorted(name for name, value in resource.items() if isinstance(value, str)
                  and name in fields and "DateTime()" in str(fields[name].annotation))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FUZZ_RECORDS)), st.data())
def test_a_time_with_no_time_zone_never_makes_a_resource_not_valid(name: str, draw: Any) -> None:
    """Any dateTime of any resource of the records written as a time with no time zone (with a
    fraction of a second or not): the resource is not refused as not valid FHIR for it."""
    kind, record = FUZZ_RECORDS[name]
    record = copy.deepcopy(record)
    timed = [(resource, element) for resource in _resources_in(record).values()
             for element in _date_times(resource)]  # fmt: skip
    assume(bool(timed))
    resource, element = draw.draw(st.sampled_from(timed), label="element")
    at = draw.draw(st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1)), label="time")
    resource[element] = at.isoformat(timespec=draw.draw(st.sampled_from(
        ["seconds", "milliseconds", "microseconds"]), label="fraction"))  # fmt: skip
    ref = _ref(resource)
    try:
        reading = _read(kind, record, the_kb())
    except FhirError as error:
        assert "not valid FHIR" not in str(error), (element, resource[element], str(error))
        return
    unused = {u.reference: u.reason for u in reading.unused}
    assert not unused.get(ref, "").startswith("not valid"), (element, resource[element], unused)


@pytest.mark.parametrize("which", ["allergy", "stopped"])
def test_a_resource_read_that_is_not_valid_fhir_is_warned_of(
    which: str, kb: onconav.KnowledgeBase
) -> None:
    """An allergy to oxaliplatin not valid FHIR for one element (a reaction with no
    manifestation) was only counted among the resources not used, and FOLFOX offered with no
    word: a warning names it, the error, and what is not taken into account."""
    if which == "allergy":
        ref, error, what = ("AllergyIntolerance/a", "reaction[0].manifestation is required; "
                            "accepted: a list of JSON objects (each a FHIR CodeableConcept)",
                            "an allergy or intolerance on record")  # fmt: skip
        bad = [_allergy(OXALIPLATIN) | {"reaction": [{"description": "x"}]}]
    else:
        ref, error = ("MedicationRequest/MedicationRequest-32592",
                      "authoredOn is not accepted; accepted: a dateTime: ")  # fmt: skip
        what = ("a treatment on record (given, planned, or stopped because the cancer grew or "
                "could not be tolerated)")  # fmt: skip
        bad = _stopped_folfox("1 March 2024")
    reading = read_bundle(_record(RECTUM, STAGE_4, *bad), kb)
    (said,) = [w for w in reading.warnings if w.startswith(f"{ref} is not read")]
    assert said.startswith(f"{ref} is not read (not valid FHIR R4: {error}"), said
    assert said.endswith(f"), so {what} is not taken into account: check the record"), said
    assert ref not in {r for refs in reading.sources.values() for r in refs}


@pytest.mark.parametrize("which", ["refuted allergy", "entered-in-error allergy",
                                   "serum HER2", "HER2 test not final"])
def test_a_resource_not_read_whatever_it_holds_is_not_warned_of_as_not_valid(
    which: str, kb: onconav.KnowledgeBase
) -> None:
    """An allergy refuted or entered in error, a serum HER2 test, a HER2 test not final: not
    read whatever they hold, so one not valid FHIR is listed unused with why it is not read, and
    not warned of as if it were on record (a refuted allergy had been: "so an allergy or
    intolerance on record is not taken into account: check the record")."""
    bad = {"reaction": [{"description": "x"}]}  # a reaction with no manifestation: not valid
    if "allergy" in which:
        resource = _allergy(OXALIPLATIN, verification=which.split()[0]) | bad
    else:
        resource = _observation("h", "42914-2" if which == "serum HER2" else "48676-1",
                                valueString="3+", date="2024-02-01") | {"language": 5}
        if which == "HER2 test not final":
            resource["status"] = "preliminary"
    reading = read_bundle(_record(STOMACH, STAGE_4, resource), kb)
    ref = f"{resource['resourceType']}/{resource['id']}"
    assert not [w for w in reading.warnings if w.startswith(f"{ref} is not read")]
    reason = {u.reference: u.reason for u in reading.unused}[ref]
    assert "not valid" not in reason, reason


@pytest.mark.parametrize("subject", [{"reference": "Patient/p"},
                                     {"identifier": {"value": "MRN-2"}}])  # fmt: skip
def test_a_misspelt_key_in_a_code_is_warned_of_for_this_person_only(
    subject: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """An allergy to oxaliplatin with a misspelt key in its code ("userselected") is not valid
    FHIR, found before the resource is read: it had been listed unused with no word, and FOLFOX
    offered. It is warned of as any resource not valid is; not one that may be about someone
    else (its subject no reference to the Patient)."""
    allergy = copy.deepcopy(_allergy(OXALIPLATIN)) | {"patient": subject}  # OXALIPLATIN kept
    allergy["code"]["coding"][0]["userselected"] = True
    reading = read_bundle(_record(RECTUM, STAGE_4, allergy), kb)
    said = [w for w in reading.warnings if w.startswith("AllergyIntolerance/a is not read")]
    assert bool(said) == (subject == {"reference": "Patient/p"}), reading.warnings
    reason = {u.reference: u.reason for u in reading.unused}["AllergyIntolerance/a"]
    assert reason.startswith("not valid FHIR R4: code.coding[0].userselected"), reason
    assert not reading.data.get("cannot_have"), reading.data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FUZZ_RECORDS)), st.data())
def test_a_resource_read_made_not_valid_is_never_dropped_without_a_word(
    name: str, draw: Any
) -> None:
    """Any resource a record's reading uses, made not valid FHIR by an element onconav does not
    read (its language, its narrative, its rules a number) or by a misspelt key in the code it is
    read by: it is not read, and a warning (or the error of a record with no cancer read) names
    it."""
    kind, record = FUZZ_RECORDS[name]
    record = copy.deepcopy(record)
    used = [resource for resource in _resources_in(record).values()
            if _ref(resource) in _used_before(name)]  # fmt: skip
    assume(bool(used))
    resource = draw.draw(st.sampled_from(used), label="resource")
    coded = [e for e in ("code", "medicationCodeableConcept")
             if isinstance(resource.get(e), dict) and resource[e].get("coding")]  # fmt: skip
    element = draw.draw(st.sampled_from(["language", "text", "implicitRules", *coded]),
                        label="element")  # fmt: skip
    if element in coded:  # a misspelt key in a code read to tell what it is, checked before
        # the rest (an oxaliplatin intolerance so written had been dropped with no word)
        resource[element]["coding"][0]["userselected"] = True
    else:
        resource[element] = 5
    ref = _ref(resource)
    try:
        reading = _read(kind, record, the_kb())
    except FhirError as error:
        assert f"{ref} " in str(error), str(error)
        return
    assert ref not in {r for refs in reading.sources.values() for r in refs}
    assert any(w.startswith(f"{ref} is not read (not valid FHIR R4: ") or f": {ref} (not valid"
               in w for w in reading.warnings), reading.warnings  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(n for n, (kind, _) in FUZZ_RECORDS.items() if kind == "bundle")),
       st.data())  # fmt: skip
def test_half_of_a_utf16_pair_alone_is_refused_where_it_is(name: str, draw: Any) -> None:
    """A lone surrogate (the JSON escape "\\ud800", no character) anywhere in a record, in a
    value or a key: it had been a 500 from the API and a traceback from the command when it was
    an id (no answer could hold it), and the resource dropped as not valid when a display. It is
    a FhirError naming where it is, a key with the surrogate as its escape."""
    from onconav.fhir import fhir_json
    from onconav.reading import field_name

    record = json.loads(json.dumps(FUZZ_RECORDS[name][1]))  # no object shared by two places
    places = [p for p in _paths(record) if isinstance(_at(record, p), str)
              or (p and isinstance(p[-1], str))]  # a string, or a key  # fmt: skip
    path = draw.draw(st.sampled_from(places), label="place")
    alone = chr(draw.draw(st.integers(0xD800, 0xDFFF), label="surrogate"))
    if isinstance(_at(record, path), str):
        text = _at(record, path)
        at = draw.draw(st.integers(0, len(text)), label="at")
        _at(record, path[:-1])[path[-1]] = text[:at] + alone + text[at:]
        where = field_name(("bundle", *path))
    else:  # the key: renamed in its place, its value kept
        parent, key = _at(record, path[:-1]), str(path[-1])
        named = key[:1] + alone + key[1:]
        parent.update({(named if k == key else k): v for k, v in list(parent.items())})
        parent.pop(key)
        where = field_name(("bundle", *path[:-1], named.encode("utf-8", "backslashreplace")
                            .decode("utf-8")))  # fmt: skip
    with pytest.raises(FhirError) as caught:
        fhir_json(json.dumps(record))
    assert [p.field for p in caught.value.problems] == [where], caught.value.problems
    assert "half of a UTF-16 pair" in str(caught.value)
    str(caught.value).encode("utf-8")  # it can be shown (no surrogate of its own)


def test_a_lone_surrogate_in_a_record_is_an_error_of_the_command(run: Any, tmp_path: Path) -> None:
    """``options --fhir`` of a record whose allergy's id holds "\\ud800": a traceback (exit 1);
    it is one line naming where, exit 2."""
    text = (BUNDLES / "rectal-stage4-kras-wild-type.json").read_text()
    assert '"id": "rectum"' in text
    path = tmp_path / "record.json"
    path.write_text(text.replace('"id": "rectum"', '"id": "rec\\ud800tum"', 1))
    for args in (["options", "--fhir", str(path)], ["fhir", "profile", str(path)]):
        done = run(*args)
        assert done.status == 2, done
        assert ".resource.id: holds an escape that is no character: half of a UTF-16 pair" in (
            done.stderr), done.stderr
        assert "Traceback" not in done.stderr


def test_input_that_is_no_list_of_resources_is_an_error(kb: onconav.KnowledgeBase) -> None:
    for given_ in (None, 7, True, "Condition"):
        with pytest.raises(FhirError) as caught:
            read_resources(given_, kb)  # type: ignore[arg-type]
        assert caught.value.problems[0].field == "resources"
    searchset = {"resourceType": "Bundle", "id": "s", "type": "searchset", "entry": 3}
    data = bundle("thyroid-advanced")
    reading = read_resources([*(e["resource"] for e in data["entry"]), searchset], kb)
    assert {u.reference: u.reason for u in reading.unused}["Bundle/s"] == (
        "not valid FHIR R4: entry is a number, not a list")


def test_the_cancer_is_read_from_an_order_only_by_its_own_elements(
    kb: onconav.KnowledgeBase,
) -> None:
    """With no cancer Condition, the reason for an order names the cancer; an element its type
    does not have (a conclusionCode of a ServiceRequest) is not read, and makes it not valid."""
    data = bundle("thyroid-advanced")
    data["entry"] = [e for e in data["entry"] if e["resource"]["resourceType"] != "Condition"]
    order = {"resourceType": "ServiceRequest", "id": "surgery", "status": "active",
             "intent": "order", "subject": {"reference": "Patient/p-thyroid"},
             "code": {"text": "thyroidectomy"},
             "reasonCode": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
                                         "code": "C73"}]}]}  # fmt: skip
    data["entry"].append({"resource": order})
    assert read_bundle(data, kb).data["cancer"] == "thyroid"
    order["conclusionCode"] = 7
    with pytest.raises(FhirError, match="no cancer condition"):
        read_bundle(data, kb)


def test_a_medication_named_by_a_request_is_a_source(kb: onconav.KnowledgeBase) -> None:
    """A Medication the request names, and the request a stopped one continues, are among the
    sources of the field (they were read); one that is not valid is listed, never read."""
    data = bundle("cervical-cisplatin-not-tolerated")
    (request,) = [e["resource"] for e in data["entry"]
                  if e["resource"]["resourceType"] == "MedicationRequest"]  # fmt: skip
    medication = {"resourceType": "Medication", "id": "cisplatin-vial",
                  "code": request.pop("medicationCodeableConcept")}  # fmt: skip
    request["medicationReference"] = {"reference": "Medication/cisplatin-vial"}
    data["entry"].append({"resource": medication})
    reading = read_bundle(data, kb)
    assert reading.data["cannot_have"] == ["cisplatin"]
    assert "Medication/cisplatin-vial" in reading.sources["cannot_have"]
    assert accounted(reading) == refs_of([e["resource"] for e in data["entry"]])
    medication["status"] = 5
    reading = read_bundle(data, kb)
    assert "cannot_have" not in reading.data
    assert "not valid FHIR R4: status" in {u.reference: u.reason for u in reading.unused}[
        "Medication/cisplatin-vial"]  # fmt: skip
    data["entry"].remove({"resource": medication})  # named, and not in the record given
    reading = read_bundle(data, kb)
    assert "cannot_have" not in reading.data
    why = {u.reference: u.reason for u in reading.unused}[f"MedicationRequest/{request['id']}"]
    assert "only as 'Medication/cisplatin-vial'" in why and "not among the resources given" in why
    request["medicationReference"] = {"reference": "Medication/../Patient/x"}  # as written
    why = {u.reference: u.reason for u in read_bundle(data, kb).unused}[
        f"MedicationRequest/{request['id']}"]  # fmt: skip
    assert "'Medication/../Patient/x'" in why


RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


@pytest.mark.parametrize(
    ("codings", "drugs"),
    [
        ([{"system": RXNORM, "code": "32592"}], ["oxaliplatin"]),  # the ingredient
        ([{"system": RXNORM, "code": "1736776"}], ["oxaliplatin"]),  # a clinical drug
        ([{"system": "http://snomed.info/sct", "code": "1"}, {"system": RXNORM, "code": "318341"}],
         ["cetuximab"]),
        ([{"system": RXNORM, "code": "3002"}], []),  # cyclophosphamide: a kind of drug only
        ([{"system": RXNORM, "code": "8640"}], []),  # prednisone: not read
        ([{"system": RXNORM, "code": "0"}], []),
        ([{"system": 3, "code": "32592"}, {"system": RXNORM, "code": ["32592"]}, "32592", None],
         []),
        ("32592", []),
        (None, []),
    ],
)  # fmt: skip
def test_drugs_of_codings(codings: Any, drugs: list[str], kb: onconav.KnowledgeBase) -> None:
    assert drugs_of_codings(codings, kb) == drugs


@pytest.mark.parametrize(
    ("concept", "drugs"),
    [
        ({"coding": [{"system": RXNORM, "code": "1736776"}]}, ["oxaliplatin"]),
        ({"coding": [{"system": RXNORM, "code": "999999001",
                      "display": "cetuximab 2 MG/ML Injectable Solution"}]}, ["cetuximab"]),
        ({"text": "FOLFOX"}, ["folfox"]),
        ({"coding": [{"system": RXNORM, "code": "8640", "display": "prednisone"}]}, []),
        ({"text": "amlodipine 5 MG Oral Tablet"}, []),
        ({"text": "Fluorouracil 50 MG/ML Topical Cream"}, []),  # on the skin: not read
        ({"coding": [{"system": RXNORM, "code": "4492"}],
          "text": "fluorouracil 5 % Topical Cream"}, []),
        ({"text": "Mitomycin 0.2 MG/ML Ophthalmic Solution"}, []),
        ({"text": "Bevacizumab 1.25 MG intravitreal injection"}, []),
        ({"coding": [{"system": [1], "code": {"a": 1}}], "text": ["cetuximab"]}, []),
        (None, []),
        # a brand or the drugs in round brackets, and how it is given or what it is: a drafted
        # order written so got no card at all (a review of the CDS Hooks service)
        ({"text": "Cetuximab (Erbitux) 250 mg/m2"}, ["cetuximab"]),
        ({"text": "mFOLFOX6 (oxaliplatin/leucovorin/fluorouracil)"}, ["folfox"]),
        ({"text": "5-FU continuous infusion"}, ["fluorouracil"]),
        ({"text": "FOLFOX regimen"}, ["folfox"]),
        ({"text": "Pembrolizumab (Keytruda) IV"}, ["pembrolizumab"]),
        ({"text": "ondansetron 8 mg oral"}, []),
        # a note that does not name the same medicine leaves it not read (a review of the change:
        # each was read as the drug before the bracket, and ruled standard options out)
        ({"text": "Bevacizumab (for macular degeneration)"}, []),
        ({"text": "Trastuzumab (deruxtecan)"}, []),
        ({"text": "Paclitaxel (protein-bound)"}, []),
        ({"text": "Pembrolizumab (or placebo)"}, []),
        ({"text": "Erbitux (cetuximab)"}, ["cetuximab"]),
        ({"text": "Oxaliplatin (substance)"}, ["oxaliplatin"]),
    ],
)  # fmt: skip
def test_drugs_of_medication_reads_as_the_mapping_reads(
    concept: Any, drugs: list[str], kb: onconav.KnowledgeBase
) -> None:
    """What order-select reads of a drafted order is what the mapping reads of the same
    medication in the record."""
    from onconav.fhir import drugs_of_medication

    assert drugs_of_medication(concept, kb) == drugs
    if not isinstance(concept, dict) or not isinstance(concept.get("text", ""), str):
        return
    data = bundle("rectal-stage4-kras-wild-type")
    data["entry"].append({"resource": {
        "resourceType": "MedicationRequest", "id": "given", "status": "completed",
        "intent": "order", "subject": data["entry"][1]["resource"]["subject"],
        "authoredOn": "2024-05-01", "medicationCodeableConcept": concept,
    }})  # fmt: skip
    assert read_bundle(data, kb).data.get("prior_treatments", []) == ([*drugs, MORE] if drugs
                                                                      else [])  # fmt: skip


def test_every_drug_code_of_the_knowledge_base_is_in_the_drug_table(
    kb: onconav.KnowledgeBase,
) -> None:
    """The drug table is the one place a medication's code is read: it holds the RxNorm code of
    every drug of the knowledge base."""
    for drug in kb.data.drugs:
        if drug.rxnorm is not None:
            assert drugs_of_codings([{"system": RXNORM, "code": drug.rxnorm}], kb) == [drug.id]


def _receptor(ident: str, code: str, answer: str | None, **extra: Any) -> dict[str, Any]:
    """An ER or PR tumour marker test (LOINC ``code``) with a LOINC answer (or ``extra``)."""
    answers = {"positive": ("LA6576-8", "Positive"), "negative": ("LA6577-6", "Negative"),
               "present": ("52101004", "Present (qualifier value)")}
    resource: dict[str, Any] = {
        "resourceType": "Observation", "id": ident, "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": "Patient/p-breast-bone"}, **extra}  # fmt: skip
    if answer is not None:
        code, display = answers[answer]
        system = "http://snomed.info/sct" if code == "52101004" else "http://loinc.org"
        resource["valueCodeableConcept"] = {
            "coding": [{"system": system, "code": code, "display": display}]}
    return resource


ER, PR = "85337-4", "16113-3"  # ER by immune stain in breast cancer; PR interpretation


@pytest.mark.parametrize(
    ("tests", "expected", "unused"),
    [
        ([("er", ER, "positive")], True, []),
        ([("pr", PR, "positive")], True, []),
        ([("er", ER, "positive"), ("pr", PR, "negative")], True, ["pr"]),
        ([("er", ER, "negative"), ("pr", PR, "negative")], False, []),
        ([("er", ER, "negative")], None, ["er"]),  # PR not on record: not decided
        ([("er", "14228-1", None)], None, ["er"]),  # a number with no interpretation
        ([("er", ER, "present")], True, []),  # SNOMED CT's "Present"
    ],
)  # fmt: skip
def test_hormone_receptors_decide_hormone_sensitive(
    tests: list[tuple[str, str, str | None]], expected: bool | None, unused: list[str],
    kb: onconav.KnowledgeBase,
) -> None:
    """An ER or PR found means hormones help the cancer grow; both tested and neither found
    means they do not; a negative test alone decides nothing (it was read as not known, and the
    mCODE example's ER-positive breast cancer asked whether it was hormone-sensitive)."""
    data = bundle("breast-bone-metastases")
    for ident, code, answer in tests:
        extra = {"valueQuantity": {"value": 80, "unit": "%"}} if answer is None else {}
        data["entry"].append({"resource": _receptor(ident, code, answer, **extra)})
    reading = read_bundle(data, kb)
    assert reading.data.get("hormone_sensitive") is expected
    assert {u.reference for u in reading.unused} >= {f"Observation/{i}" for i in unused}
    assert accounted(reading) == refs_of([e["resource"] for e in data["entry"]])
    if tests[0][2] is None:  # the number is shown in the reason it is not read
        assert "'80 %'" in {u.reference: u.reason for u in reading.unused}["Observation/er"]
    if expected is not None:
        hormone = next(o for o in onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
                       .options if o.id == "general-hormone-therapy")  # fmt: skip
        assert "hormone_sensitive" not in hormone.missing


def test_a_receptor_result_that_is_not_final_or_disagrees_is_said(
    kb: onconav.KnowledgeBase,
) -> None:
    data = bundle("breast-bone-metastases")
    data["entry"] += [{"resource": _receptor("er-1", ER, "positive", status="preliminary")},
                      {"resource": _receptor("er-2", ER, "negative")},
                      {"resource": _receptor("er-3", "16112-5", "positive", interpretation=[{
                          "coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                      "v3-ObservationInterpretation", "code": "POS"}]}])},
                      {"resource": _receptor("pr-1", PR, None, valueString="Positive")}]
    reading = read_bundle(data, kb)
    assert reading.data["hormone_sensitive"] is True
    assert set(reading.sources["hormone_sensitive"]) == {"Observation/pr-1"}
    why = {u.reference: u.reason for u in reading.unused}
    assert "status 'preliminary'" in why["Observation/er-1"]
    assert "same day disagree" in why["Observation/er-2"] and "disagree" in why["Observation/er-3"]
    assert any("latest ER results on record disagree" in w for w in reading.warnings)


def test_the_latest_receptor_result_decides_and_only_for_breast_cancer(
    kb: onconav.KnowledgeBase,
) -> None:
    """A receptor's status can change when the cancer comes back: the latest result decides (an
    old ER-positive result read as hormone-sensitive after ER and PR were negative). ER and PR
    say nothing of a prostate cancer (hormone therapy was made not suitable for one)."""
    data = bundle("breast-bone-metastases")
    data["entry"] += [
        {"resource": _receptor("er-old", ER, "positive", effectiveDateTime="2018-03-10")},
        {"resource": _receptor("er-new", ER, "negative", effectiveDateTime="2024-05-02")},
        {"resource": _receptor("pr-new", PR, "negative", effectiveDateTime="2024-05-02")}]
    reading = read_bundle(data, kb)
    assert reading.data["hormone_sensitive"] is False
    assert "the latest decides" in {u.reference: u.reason for u in reading.unused}[
        "Observation/er-old"]  # fmt: skip
    prostate = copy.deepcopy(data)
    for entry in prostate["entry"]:
        if entry["resource"]["resourceType"] == "Condition" and entry["resource"]["id"] == (
                primary_of(prostate)):  # fmt: skip
            entry["resource"]["code"] = {"coding": [{"system": "http://snomed.info/sct",
                                                     "code": "399068003"}]}  # fmt: skip
    reading = read_bundle(prostate, kb)
    assert reading.data["cancer"] == "prostate" and "hormone_sensitive" not in reading.data
    assert "breast cancer only" in {u.reference: u.reason for u in reading.unused}[
        "Observation/er-new"]  # fmt: skip
    result = onconav.evaluate(onconav.parse_profile({**reading.data, "stage": "4"}, kb), kb)
    hormone = next(o for o in result.options if o.id == "general-hormone-therapy")
    assert hormone.status.value == "offered"  # prostate cancer: hormones help it grow


def primary_of(data: dict[str, Any]) -> str:
    """The id of the bundle's cancer Condition (the first Condition)."""
    return next(e["resource"]["id"] for e in data["entry"]
                if e["resource"]["resourceType"] == "Condition")  # fmt: skip


def test_the_fields_not_known_from_the_record_are_every_other_field(run: Any) -> None:
    """``onconav fhir profile`` lists, after the fields read, every field of the profile that
    the record did not give (it was a list of its own that left out planned, cannot_have, ...)."""
    from onconav.profile import fact_fields

    path = Path(__file__).parent / "fhir" / "rectal-progression-after-folfox.json"
    done = run("fhir", "profile", str(path))
    assert done.status == 0, done.stderr
    lines = done.stdout.splitlines()
    given = [line.strip().split(":")[0] for line in lines
             if line.startswith("  ") and not line.startswith("    ")]  # fmt: skip
    (unknown,) = [line for line in lines if line.startswith("not known from the record: ")]
    said = unknown.removeprefix("not known from the record: ").split(", ")
    assert said == [f for f in fact_fields() if f not in given]
    assert {"planned", "cannot_have", "biomarkers.kras"} <= set(said)


def test_fhir_profile_offers_only_the_formats_it_gives(run: Any) -> None:
    """``fhir profile --help`` offered markdown, which the command then refused: it offers text
    and json, and refuses markdown as any value not offered is refused."""
    path = Path(__file__).parent / "fhir" / "rectal-progression-after-folfox.json"
    helped = run("fhir", "profile", "--help")
    assert "<text|json>" in helped.stdout and "markdown" not in helped.stdout, helped.stdout
    done = run("fhir", "profile", str(path), "--format", "markdown")
    assert done.status == 2 and "--format" in done.stderr, done.stderr
    assert run("fhir", "profile", str(path), "--format", "json").status == 0


# ---- small records, one fact each ------------------------------------------------------------

SNOMED, LOINC = "http://snomed.info/sct", "http://loinc.org"
RXNORM_URI = "http://www.nlm.nih.gov/research/umls/rxnorm"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"


# A medication record of a drug that is not a cancer drug: it says nothing of the cancer's drug
# treatments, so a record's procedures with it are still not the whole of its treatments had.
NOT_A_CANCER_DRUG = {
    "resourceType": "MedicationStatement", "id": "ondansetron", "status": "completed",
    "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2020-01-01",
    "medicationCodeableConcept": {"text": "ondansetron 8 MG Oral Tablet"}}  # fmt: skip


def _cc(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code} | ({"display": display} if display else {})
    return {"coding": [coding]}


def _condition(ident: str, code: str, display: str, status: str = "active",
               **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"resourceType": "Condition", "id": ident, "subject": {"reference": "Patient/p"},
            "clinicalStatus": _cc(CLINICAL, status), "code": _cc(SNOMED, code, display),
            **extra}  # fmt: skip


def _observation(ident: str, code: str, value: dict[str, Any] | None = None,
                 date: str = "2024-01-01", system: str = LOINC,
                 **extra: Any) -> dict[str, Any]:  # fmt: skip
    resource = {"resourceType": "Observation", "id": ident, "status": "final",
                "subject": {"reference": "Patient/p"}, "code": _cc(system, code),
                "effectiveDateTime": date, **extra}  # fmt: skip
    if value is not None:
        resource["valueCodeableConcept"] = value
    return resource


def _record(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": f"https://ehr.example.org/fhir/{r['resourceType']}/{r['id']}",
                       "resource": r} for r in resources]}  # fmt: skip


RECTUM = _condition("c", "254582000", "Adenocarcinoma of rectum")
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
STAGE_4 = _observation("stage", "399588009", _cc("http://cancerstaging.org", "4", "IV"),
                       system=SNOMED)  # fmt: skip
KRAS_GENE = {"code": _cc(LOINC, "48018-6"),
             "valueCodeableConcept": _cc("http://www.genenames.org", "HGNC:6407", "KRAS")}
PRESENT, ABSENT = _cc(LOINC, "LA9633-4", "Present"), _cc(LOINC, "LA9634-2", "Absent")


@pytest.mark.parametrize(
    ("primary", "other", "result", "field"),
    [
        (_condition("c", "363349007", "Malignant tumor of stomach"),
         _condition("o", "254837009", "Malignant tumor of breast", "resolved"),
         _observation("r", "48676-1", _cc(LOINC, "LA6576-8", "Positive")), "her2"),
        (RECTUM, _condition("o", "254637007", "Non-small cell lung cancer", "resolved"),
         _observation("r", "21702-6", {"text": "KRAS G12C"}), "kras"),
        (RECTUM, _condition("o", "254637007", "Non-small cell lung cancer", "resolved"),
         _observation("r", "69548-6", PRESENT, component=[KRAS_GENE]), "kras"),
        (_condition("c", "254837009", "Malignant tumor of breast"),
         _condition("o", "363349007", "Malignant tumor of stomach", "resolved"),
         _observation("r", "85337-4", _cc(LOINC, "LA6576-8", "Positive")), "hormone_sensitive"),
    ],
)  # fmt: skip
def test_a_biomarker_result_about_another_cancer_is_not_read(
    primary: dict[str, Any], other: dict[str, Any], result: dict[str, Any], field: str,
    kb: onconav.KnowledgeBase,
) -> None:
    """A HER2 positive of a breast cancer treated years ago (its focus) made trastuzumab offered
    for a stomach cancer; a lung cancer's KRAS was read as the rectal cancer's."""
    about_other = {**result, "focus": [{"reference": "Condition/o"}]}
    reading = read_bundle(_record(primary, other, STAGE_4, about_other), kb)
    assert field not in reading.data.get("biomarkers", {}) and field not in reading.data
    reason = {u.reference: u.reason for u in reading.unused}["Observation/r"]
    assert "another cancer" in reason
    about_this = {**result, "focus": [{"reference": "Condition/c"}]}
    assert field in json.dumps(read_bundle(_record(primary, other, STAGE_4, about_this), kb).data)


@pytest.mark.parametrize(
    "focus",
    [_condition("o", "44054006", "Diabetes mellitus type 2"),  # a comorbidity
     _condition("o", "254582000", "Adenocarcinoma of rectum",  # the same cancer, provisional
                verificationStatus=_cc(VERIFICATION, "provisional"))],
)  # fmt: skip
def test_a_result_whose_focus_is_not_the_cancer_read_says_so_truly(
    focus: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """A result whose focus was a comorbidity, or a provisional copy of the rectal cancer, was
    listed as "about another cancer"."""
    kras = _observation("r", "21702-6", {"text": "KRAS G12C"}, focus=[
        {"reference": "Condition/o"}])  # fmt: skip
    stage = {**STAGE_4, "focus": [{"reference": "Condition/o"}]}
    reading = read_bundle(_record(RECTUM, focus, stage, kras), kb)
    assert "stage" not in reading.data and "biomarkers" not in reading.data
    reasons = {u.reference: u.reason for u in reading.unused}
    assert "Condition/o" in reasons
    assert reasons["Observation/r"] == ("a result whose focus (Condition/o) is not the cancer "
                                        "read (Condition/c)")  # fmt: skip
    assert reasons["Observation/stage"] == ("a stage whose focus (Condition/o) is not the cancer "
                                            "read (Condition/c)")  # fmt: skip


SIGNIFICANCE = "53037-8"
RELATED_URL = "http://hl7.org/fhir/StructureDefinition/condition-related"
PRIMARY_PROFILE_URL = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition"


@pytest.mark.parametrize(
    ("value", "components", "expected", "reason"),
    [
        (PRESENT, [(SIGNIFICANCE, _cc(LOINC, "LA6675-8", "Benign"))], None, "benign"),
        (PRESENT, [(SIGNIFICANCE, _cc(LOINC, "LA26334-5", "Likely benign"))], None,
         "likely benign"),
        (PRESENT, [(SIGNIFICANCE, _cc(LOINC, "LA26333-7", "Uncertain significance"))], None,
         "uncertain"),
        (PRESENT, [(SIGNIFICANCE, _cc(LOINC, "LA6668-3", "Pathogenic"))], "mutated", None),
        (PRESENT, [(SIGNIFICANCE, _cc(LOINC, "LA26332-9", "Likely pathogenic"))], "mutated",
         None),
        (PRESENT, [], "mutated", None),  # not classified
        (ABSENT, [("48005-3", _cc("http://varnomen.hgvs.org", "p.Gly12Cys"))], None,
         "p.Gly12Cys"),
        (ABSENT, [("81252-9", _cc("http://www.ncbi.nlm.nih.gov/clinvar", "45437",
                                  "NM_004985.5(KRAS):c.34G>T (p.Gly12Cys)"))], None, "Gly12Cys"),
        (ABSENT, [], "wild-type", None),  # the gene, with no change named
        # the significance in words, or in another system's code: it was passed over, and the
        # variant read as mutated (a review of the FHIR reading)
        (PRESENT, [(SIGNIFICANCE, {"text": "Likely benign"})], None, "likely benign"),
        (PRESENT, [(SIGNIFICANCE, {"text": "Variant of uncertain significance"})], None,
         "uncertain"),
        (PRESENT, [(SIGNIFICANCE, _cc("http://www.ncbi.nlm.nih.gov/clinvar", "benign",
                                      "Benign"))], None, "benign"),
        (PRESENT, [(SIGNIFICANCE, {"text": "Pathogenic"})], "mutated", None),
        # words that hold "pathogenic" and say otherwise (a review of the change)
        (PRESENT, [(SIGNIFICANCE, {"text": "Conflicting interpretations of pathogenicity"})],
         None, "uncertain"),
        (PRESENT, [(SIGNIFICANCE, {"text": "Not pathogenic"})], None, "not read"),
        (PRESENT, [(SIGNIFICANCE, {"text": "Non-pathogenic"})], None, "not read"),
        (PRESENT, [(SIGNIFICANCE, _cc("http://example.org/lab", "C5"))], None,
         "clinical significance is not read ('http://example.org/lab|C5"),
        # a change of the gene's copies is not a mutation a KRAS test finds
        (PRESENT, [("48019-4", _cc("http://www.sequenceontology.org", "SO:0001743",
                                   "copy_number_loss"))], None, "copy number loss"),
        # nor is its absence the absence of one (it was read as wild-type: cetuximab offered)
        (ABSENT, [("48019-4", _cc("http://www.sequenceontology.org", "SO:0001742",
                                  "copy_number_gain"))], None, "copy_number_gain"),
        (ABSENT, [("48019-4", _cc("http://www.sequenceontology.org", "SO:1000044",
                                  "chromosomal_translocation"))], None, "KRAS stays unknown"),
        (ABSENT, [("48019-4", _cc("http://www.sequenceontology.org", "SO:0001483", "SNV"))],
         "wild-type", None),
        # any of KRAS's codons, as typed "KRAS G60R" is; one past them is no KRAS change
        # (a review of the change: the typed words and the record disagreed)
        (PRESENT, [("48005-3", _cc("http://varnomen.hgvs.org", "p.Gly60Arg"))], "mutated",
         None),
        (PRESENT, [("48005-3", _cc("http://varnomen.hgvs.org", "p.Val600Glu"))], None,
         "past KRAS's 189 codons"),
    ],
)  # fmt: skip
def test_only_a_harmful_kras_change_is_mutated_and_only_the_whole_gene_absent_wild_type(
    value: dict[str, Any], components: list[tuple[str, dict[str, Any]]], expected: str | None,
    reason: str | None, kb: onconav.KnowledgeBase,
) -> None:
    """A benign KRAS variant was read as mutated (cetuximab and panitumumab not suitable), and
    "KRAS G12C absent" as wild-type (the other KRAS changes untested: both offered)."""
    parts = [KRAS_GENE, *({"code": _cc(LOINC, code), "valueCodeableConcept": concept}
                          for code, concept in components)]  # fmt: skip
    variant = _observation("v", "69548-6", value, component=parts)
    reading = read_bundle(_record(RECTUM, STAGE_4, variant), kb)
    assert reading.data.get("biomarkers", {}).get("kras") == expected
    if reason is not None:
        assert reason in {u.reference: u.reason for u in reading.unused}["Observation/v"]


def _folfox(kind: str, status: str, date: str, **extra: Any) -> list[dict[str, Any]]:
    """Fluorouracil, leucovorin and oxaliplatin as three medication records of one day."""
    when = {"MedicationRequest": {"intent": "order", "authoredOn": date}}.get(
        kind, {"effectiveDateTime": date})  # fmt: skip
    return [{"resourceType": kind, "id": f"{kind}-{code}", "status": status,
             "subject": {"reference": "Patient/p"}, "medicationCodeableConcept":
             _cc(RXNORM_URI, code, name), **when, **extra}
            for code, name in (("4492", "fluorouracil"), ("6313", "leucovorin"),
                               ("32592", "oxaliplatin"))]  # fmt: skip


WORSENED = _observation("worse", "97509-4", _cc(SNOMED, "271299001", "worsened"), "2024-06-01")


@pytest.mark.parametrize(
    ("kind", "status", "date", "extra", "blamed"),
    [
        ("MedicationRequest", "completed", "2020-01-01", {}, False),
        ("MedicationRequest", "stopped", "2023-01-01", {}, False),
        ("MedicationStatement", "completed", "2023-01-01", {}, False),
        ("MedicationAdministration", "completed", "2020-01-01", {}, False),  # years before
        ("MedicationRequest", "active", "2023-01-01", {}, True),
        ("MedicationRequest", "on-hold", "2023-01-01", {}, True),
        ("MedicationStatement", "completed", "2023-01-01",
         {"effectivePeriod": {"start": "2023-01-01", "end": "2024-07-01"}}, True),
        ("MedicationAdministration", "completed", "2024-04-01", {}, True),  # two months before
        # each cycle's order completed, the last 22 days before (it was not blamed)
        ("MedicationRequest", "completed", "2024-05-10", {}, True),
        ("MedicationRequest", "stopped", "2024-05-10", {}, True),
        ("MedicationRequest", "stopped", "2024-05-10",
         {"statusReason": {"text": "the patient chose to stop"}}, False),
        ("MedicationStatement", "completed", "2023-01-01",
         {"effectivePeriod": {"start": "2023-01-01", "end": "2024-03-01"}}, True),
        ("MedicationStatement", "completed", "2023-01-01",
         {"effectivePeriod": {"start": "2023-01-01", "end": "2023-10-01"}}, False),  # 8 months
    ],
)  # fmt: skip
def test_a_worsening_blames_only_a_course_in_use_on_its_date(
    kind: str, status: str, date: str, extra: dict[str, Any], blamed: bool,
    kb: onconav.KnowledgeBase,
) -> None:
    """FOLFOX completed in 2020 was blamed for a worsening in 2024 (FOLFOX and CAPOX not
    suitable); then FOLFOX orders completed 22 days before were not: a request or statement
    completed (or stopped with no reason) counts as its last dose, blamed within six months."""
    folfox = _folfox(kind, status, date, **extra)
    if "effectivePeriod" in extra:
        for record in folfox:
            del record["effectiveDateTime"]
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox, WORSENED), kb)
    assert reading.data["prior_treatments"] == ["folfox", MORE]
    assert reading.data.get("progressed_on") == (["folfox"] if blamed else None)
    if not blamed:
        assert "not attributed" in {u.reference: u.reason for u in reading.unused}[
            "Observation/worse"]  # fmt: skip
        assert any("stays unknown" in w for w in reading.warnings)


@pytest.mark.parametrize(
    ("value", "in_use", "progressed", "says"),
    [
        # words only: "Progressive disease" had been listed as "not progression"
        ({"text": "Progressive disease"}, True, [MORE], "may have stopped working"),
        ({"text": "Progressive disease"}, False, None, "does not read"),
        # a code not in the table (a SNOMED code for progression of a neoplasm, say)
        (_cc(SNOMED, "444391001", "Malignant neoplasm progression"), True, [MORE],
         "may have stopped working"),
        # read: a stable status is not progression, and says so
        (_cc(SNOMED, "359746009", "Stable"), True, None, "stable: not progression"),
        # words as a valueString, and no value at all (it was "not progression")
        ("Progressive disease", True, [MORE], "may have stopped working"),
        (None, True, None, "with no value: nothing to read"),
        # a value of another type is a value not read, not "no value" (a review of the change);
        # an empty concept is none
        ({"valueBoolean": True}, False, None, "a value onconav does not read"),
        ({"valueCodeableConcept": {}}, True, None, "with no value: nothing to read"),
    ],
)  # fmt: skip
def test_a_disease_status_not_read_is_not_called_not_progression(
    value: dict[str, Any] | str | None, in_use: bool, progressed: list[str] | None, says: str,
    kb: onconav.KnowledgeBase,
) -> None:
    """A disease status whose value the mapping does not read ("Progressive disease" in words)
    was listed as "disease status 'Progressive disease': not progression". It may say the cancer
    worsened: while a cancer drug was in use, what stopped working may hold more than is read
    (``others-not-known``, with a warning), as for a drug stopped that is not read; with no
    drug in use, it is listed as not read."""
    folfox = _folfox("MedicationRequest", "active" if in_use else "completed",
                     "2024-05-01" if in_use else "2020-01-01")  # fmt: skip
    status = (_observation("ds", "97509-4", None, "2024-06-01", valueString=value)
              if isinstance(value, str)
              else _observation("ds", "97509-4", None, "2024-06-01", **value)
              if value and next(iter(value)).startswith("value")
              else _observation("ds", "97509-4", value, "2024-06-01"))  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox, status), kb)
    assert reading.data.get("progressed_on") == progressed
    unused = {u.reference: u.reason for u in reading.unused}
    said = " ".join([unused.get("Observation/ds", ""), *reading.warnings])
    assert says in said, (unused, reading.warnings)
    assert "Progressive disease': not progression" not in said
    if progressed:
        assert "Observation/ds" in reading.sources["progressed_on"]
        options = onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
        folfiri = next(o for o in options.options if o.id == "rectum-folfiri")
        assert folfiri.status.value == "needs_information", folfiri


def test_a_worsened_status_beside_one_not_read_keeps_the_list_open(
    kb: onconav.KnowledgeBase,
) -> None:
    """FOLFOX blamed for a worsening, and a later status not read while FOLFIRI was in use: what
    stopped working is FOLFOX and perhaps more, not FOLFOX alone (FOLFIRI would be offered)."""
    folfox = _folfox("MedicationRequest", "completed", "2024-05-10")
    folfiri = [{"resourceType": "MedicationRequest", "id": f"iri-{code}", "status": "active",
                "intent": "order", "authoredOn": "2024-06-10",
                "subject": {"reference": "Patient/p"},
                "medicationCodeableConcept": _cc(RXNORM_URI, code, name)}
               for code, name in (("4492", "fluorouracil"), ("6313", "leucovorin"),
                                  ("51499", "irinotecan"))]  # fmt: skip
    later = _observation("ds2", "97509-4", {"text": "Progressive disease"}, "2024-09-01")
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox, WORSENED, *folfiri, later), kb)
    assert reading.data.get("progressed_on") == ["folfox", MORE]


@pytest.mark.parametrize(("worsened", "started", "blamed"), [
    ("2024-06", "2024-05-20", True),  # started in the month before the month it worsened in
    ("2024-06", "2024-06-20", False),  # a month and a day in it: which came first is not known
    ("2024-06", "2024-07-02", False),  # started after the month the cancer worsened in
    # 04:00 UTC on the 2nd, but 1 June where it was written, as the date of the start is: the
    # same day, which came first is not known (it was blamed, by the UTC day alone)
    ("2024-06-01T23:00:00-05:00", "2024-06-01", False),
    ("2024-06-01T23:00:00-05:00", "2024-05-31", True),  # the day before, either way
    ("2024-06-01T23:00:00-05:00", "2024-06-02", False),  # ... and the drug began that UTC day
    # 16:00 UTC on 1 June, 2 June where it was written: a drug begun at 10:00 UTC on 1 June is
    # of its day (by the UTC day), one begun on 31 May is before it either way
    ("2024-06-02T01:00:00+09:00", "2024-06-01T10:00:00Z", False),
    ("2024-06-02T01:00:00+09:00", "2024-05-31T20:00:00Z", True),
])  # fmt: skip
def test_a_worsening_and_a_course_are_put_in_order_as_the_times_they_name(
    worsened: str, started: str, blamed: bool, kb: onconav.KnowledgeBase
) -> None:
    """A worsening dated by its month was compared with a course's start as text ("2024-06-20"
    <= "2024-06" is false); dates are the spans of time they name (docs/fhir.md). A course is
    blamed only when it began before the day the cancer worsened: a month and a day in it, or
    the same day, do not say which came first."""
    folfox = _folfox("MedicationRequest", "active", started)
    status = {**WORSENED, "effectiveDateTime": worsened}
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox, status), kb)
    assert reading.data.get("progressed_on") == (["folfox"] if blamed else None)


@pytest.mark.parametrize("started", ["2024-06-01", "2024-06-01T14:00:00Z",
                                     "2024-06-01T06:00:00Z"])  # fmt: skip
def test_a_drug_begun_on_the_day_the_cancer_worsened_is_not_what_stopped_working(
    started: str, kb: onconav.KnowledgeBase
) -> None:
    """FOLFOX given in the months before, the cancer worsened on 1 June, and irinotecan first
    given that day (the next treatment, begun because of it): irinotecan was blamed and pushed
    FOLFOX out, so FOLFIRI, CAPIRI and irinotecan alone were not suitable and FOLFOX was
    offered (a review). A drug begun on the day of the worsening, at whatever time, is not
    blamed: one day cannot show it stopped working; the course before it is."""
    folfox = [r for day in ("2024-04-01", "2024-05-01")
              for r in _folfox_course(day, ("09:00", "09:30", "11:00"))]  # fmt: skip
    irinotecan = {**_administered("51499", "Irinotecan", effectiveDateTime=started),
                  "id": "iri"}  # fmt: skip
    status = {**WORSENED, "effectiveDateTime": "2024-06-01T08:00:00Z"}
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox, irinotecan, status), kb)
    assert reading.data["progressed_on"] == ["folfox"]
    assert "irinotecan" in reading.data["prior_treatments"]


INTRAVITREAL = _cc(SNOMED, "418401004", "Intravitreal route")
BEVACIZUMAB = _cc(RXNORM_URI, "253337", "Bevacizumab")


@pytest.mark.parametrize(
    "record",
    [
        {"resourceType": "MedicationAdministration", "status": "completed",
         "effectiveDateTime": "2024-03-01", "dosage": {"route": INTRAVITREAL},
         "medicationCodeableConcept": {"text": "Bevacizumab 1.25 MG/0.05 ML intravitreal "
                                               "injection"}},
        {"resourceType": "MedicationAdministration", "status": "completed",
         "effectiveDateTime": "2024-03-01", "medicationCodeableConcept": BEVACIZUMAB,
         "dosage": {"route": {"coding": [{"system": SNOMED, "code": "418401004"}]}}},
        {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
         "authoredOn": "2024-03-01", "medicationCodeableConcept": _cc(RXNORM_URI, "4492"),
         "dosageInstruction": [{"route": {"text": "topical"}}]},
        {"resourceType": "MedicationStatement", "status": "active",
         "effectiveDateTime": "2024-03-01", "medicationReference": {"reference": "#m"},
         "contained": [{"resourceType": "Medication", "id": "m", "code": BEVACIZUMAB,
                        "form": {"text": "Ophthalmic solution"}}]},
    ],
)  # fmt: skip
def test_a_cancer_drug_used_on_the_eye_or_skin_is_not_read_as_a_cancer_treatment(
    record: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """Bevacizumab injected into the eye (for the retina) was read as bevacizumab had, and with
    a worsened status as bevacizumab stopped working (rectal bevacizumab with FOLFIRI not
    suitable); fluorouracil cream on the skin was read as fluorouracil had."""
    local = {**record, "id": "local", "subject": {"reference": "Patient/p"}}
    folfox = _folfox("MedicationRequest", "active", "2023-01-01")
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox, local, WORSENED), kb)
    assert reading.data["prior_treatments"] == [*reading.data["progressed_on"], MORE]
    assert reading.data["progressed_on"] == ["folfox"]
    reason = {u.reference: u.reason for u in reading.unused}[f"{record['resourceType']}/local"]
    assert "not a treatment of the cancer throughout the body" in reason
    assert not any("local" in w for w in reading.warnings)


@pytest.mark.parametrize(
    ("route", "where"),
    [("418401004", "given into or onto the eye"),  # intravitreal
     ("418821007", "given into or onto the eye"),  # intracameral
     ("372471009", "put into the bladder")],  # intravesical
)  # fmt: skip
def test_a_route_coded_with_no_words_is_read_by_its_code(
    route: str, where: str, kb: onconav.KnowledgeBase
) -> None:
    """An eye injection coded 418401004 (Intravitreal route) with no display was read as
    bevacizumab had and stopped working: the table named 418821007 (Intracameral) intravitreal."""
    local = {"resourceType": "MedicationAdministration", "id": "local", "status": "completed",
             "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2024-03-01",
             "medicationCodeableConcept": {"coding": [{"system": RXNORM_URI, "code": "253337"}]},
             "dosage": {"route": {"coding": [{"system": SNOMED, "code": route}]}}}  # fmt: skip
    folfox = _folfox("MedicationRequest", "active", "2023-01-01")
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox, local, WORSENED), kb)
    assert reading.data["prior_treatments"] == [*reading.data["progressed_on"], MORE]
    assert reading.data["progressed_on"] == ["folfox"]
    reason = {u.reference: u.reason for u in reading.unused}["MedicationAdministration/local"]
    assert reason == f"{where}: not a treatment of the cancer throughout the body"


def test_a_medication_contained_in_its_request_is_read(kb: onconav.KnowledgeBase) -> None:
    """A request naming its drug as a contained Medication (``#med1``) was read as naming a
    drug not among the resources: the drug was not known."""
    request = {"resourceType": "MedicationRequest", "id": "mr", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2023-01-01", "medicationReference": {"reference": "#med1"},
               "statusReason": _cc(SNOMED, "266721009", "No response to treatment"),
               "contained": [{"resourceType": "Medication", "id": "med1",
                              "code": _cc(RXNORM_URI, "32592", "Oxaliplatin")}]}  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, request), kb)
    assert reading.data["progressed_on"] == ["oxaliplatin"]
    assert reading.sources["progressed_on"] == ["MedicationRequest/mr"]
    request["medicationReference"] = {"reference": "#other"}
    reading = read_bundle(_record(RECTUM, STAGE_4, request), kb)
    # a drug that stopped working, not known which: what stopped is a list that may not be whole
    assert reading.data["progressed_on"] == [MORE]
    assert any(w.startswith("MedicationRequest/mr was stopped") and "(#other)" in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    # completed with no reason: a drug given that is not known, not one that stopped working
    completed = {k: v for k, v in request.items() if k != "statusReason"} | {"status": "completed"}
    given = read_bundle(_record(RECTUM, STAGE_4, completed), kb)
    assert "'#other'" in {u.reference: u.reason for u in given.unused}["MedicationRequest/mr"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"onsetDateTime": "2024-13-45"}, "not valid FHIR R4: onsetDateTime"),
        ({"verificationStatus": _cc(VERIFICATION, "provisional")}, "provisional"),
        ({"verificationStatus": _cc(VERIFICATION, "differential")}, "differential"),
        ({"modifierExtension": [{"url": "https://example.org/negated", "valueBoolean": True}]},
         "https://example.org/negated"),
    ],
)  # fmt: skip
def test_no_cancer_names_the_cancer_condition_not_read_and_why(
    change: dict[str, Any], words: str, kb: onconav.KnowledgeBase
) -> None:
    """"no Condition coded as a cancer" hid that one was, and why it was not read (an onset of
    month 13, a diagnosis still provisional)."""
    with pytest.raises(FhirError) as caught:
        read_bundle(_record({**RECTUM, **change}, STAGE_4), kb)
    first, rejected = caught.value.problems
    assert "no cancer condition" in first.message
    assert not caught.value.no_cancer  # a cancer is on record: a record system says so
    assert pickle.loads(pickle.dumps(caught.value)).problems == caught.value.problems
    assert rejected.field == "bundle"
    assert rejected.message.startswith("Condition/c is coded as a cancer but was not read: ")
    assert words in rejected.message


def test_a_resolved_cancer_read_as_the_cancer_is_said(kb: onconav.KnowledgeBase) -> None:
    reading = read_bundle(_record(_condition("c", "254582000", "Rectal cancer", "resolved"),
                                  STAGE_4), kb)  # fmt: skip
    assert reading.data["cancer"] == "rectum"
    assert any("Condition/c records the cancer as resolved" in w for w in reading.warnings)


STAGE_IIB = _cc(SNOMED, "1222769001", "American Joint Committee on Cancer stage IIB")
CM1 = _cc(SNOMED, "1229903009", "American Joint Committee on Cancer cM1 (qualifier value)")


@pytest.mark.parametrize(
    ("records", "stage", "warning"),
    [
        # stage IIB at diagnosis, spread later (M1): stage 4 (it read "earlier")
        ([("group", STAGE_IIB, "2019-01-01"), ("m", CM1, "2023-05-01")], "4", None),
        # stage IV, then IIB: the records disagree (it read "earlier" silently)
        ([("group", _cc("http://cancerstaging.org", "4", "IV"), "2020-01-01"),
          ("group", STAGE_IIB, "2023-01-01")], None, "a later record says a lower stage"),
        # an undated IIB (the stage at diagnosis) and a dated IV: spread since, stage 4 (it
        # read unknown)
        ([("group", STAGE_IIB, None),
          ("group", _cc("http://cancerstaging.org", "4", "IV"), "2023-01-01")], "4", None),
        # an undated IV and a dated IIB (it read "earlier", the undated one "an earlier record")
        ([("group", _cc("http://cancerstaging.org", "4", "IV"), None),
          ("group", STAGE_IIB, "2018-01-01")], None, "an undated record disagrees"),
        # an undated IV and a dated IV: they agree
        ([("group", _cc("http://cancerstaging.org", "4", "IV"), None),
          ("m", CM1, "2018-01-01")], "4", None),
    ],
)  # fmt: skip
def test_the_latest_stage_evidence_decides_and_a_conflict_leaves_it_unknown(
    records: list[tuple[str, dict[str, Any], str | None]], stage: str | None,
    warning: str | None, kb: onconav.KnowledgeBase,
) -> None:
    codes = {"group": ("399588009", SNOMED), "m": ("21907-1", LOINC)}
    made = []
    for i, (kind, value, date) in enumerate(records):
        code, system = codes[kind]
        made.append(_observation(f"s{i}", code, value, date or "", system=system))
        if date is None:
            del made[-1]["effectiveDateTime"]
    reading = read_bundle(_record(RECTUM, *made), kb)
    assert reading.data.get("stage") == stage
    if warning is not None:
        assert any(warning in w and "left unknown" in w for w in reading.warnings)
        assert all("disagree" in u.reason for u in reading.unused if u.reference != "Patient/p")
    else:
        assert not any("disagree" in w for w in reading.warnings)
        lower = [f"Observation/s{i}" for i, (_, value, date) in enumerate(records)
                 if date is None and value is STAGE_IIB]  # fmt: skip
        reasons = {u.reference: u.reason for u in reading.unused}
        for ref in lower:
            assert reasons[ref] == ("an undated stage record, lower than the stage 4 on record "
                                    "on 2023-01-01")  # fmt: skip


def test_a_cancer_condition_stage_at_diagnosis_does_not_contradict_a_later_stage_4(
    kb: onconav.KnowledgeBase,
) -> None:
    """An undated Condition staged IIIB and a stage IV in 2023: read as unknown (it is spread
    since diagnosis, not a conflict)."""
    rectum = {**RECTUM, "stage": [{"summary": _cc("http://cancerstaging.org", "3B", "IIIB")}]}
    stage_4 = {**STAGE_4, "effectiveDateTime": "2023-01-10"}
    reading = read_bundle(_record(rectum, stage_4), kb)
    assert reading.data["stage"] == "4" and reading.sources["stage"] == ["Observation/stage"]
    assert not any("disagree" in w for w in reading.warnings)


@pytest.mark.parametrize(("code", "stage"), [("cM1", "4"), ("M1a", "4"), ("pM1c", "4"),
                                            ("cM0", None), ("cM0(i+)", None)])  # fmt: skip
def test_an_m_category_in_ajccs_own_codes_is_read_as_its_stage_groups_are(
    code: str, stage: str | None, kb: onconav.KnowledgeBase
) -> None:
    """An M category coded in the AJCC system's own codes (``cM1``, ``M1a``) was "a stage value
    onconav cannot read", while stage groups in that system were read."""
    m = _observation("m", "399387003", {"coding": [{"system": "http://cancerstaging.org",
                                                    "code": code}]}, system=SNOMED)  # fmt: skip
    reading = read_bundle(_record(RECTUM, m), kb)
    assert reading.data.get("stage") == stage
    if stage is None:  # M0 says nothing of the stage, and is listed so
        assert "M0" in {u.reference: u.reason for u in reading.unused}["Observation/m"]


def test_a_cancers_stage_it_cannot_read_is_said(kb: onconav.KnowledgeBase) -> None:
    """A Condition's stage summary coded with no words onconav reads was passed over in silence
    (a stage in an Observation is listed unused): the Condition is read as the cancer, and a
    warning names the stage it could not read."""
    rectum = {**RECTUM, "stage": [{"summary": {"coding": [{"system": SNOMED,
                                                            "code": "1222821001"}]}}]}
    reading = read_bundle(_record(rectum), kb)
    assert "stage" not in reading.data
    assert any(w.startswith("Condition/c: its stage (stage[0].summary) is one onconav cannot "
                            "read: snomed|1222821001") for w in reading.warnings), reading.warnings


FIGO = "385361009"


@pytest.mark.parametrize(
    ("records", "stage"),
    [
        # M1 (IVB) in 2021, then FIGO IVA in 2022: read as 4A silently, the M1 "an earlier
        # stage record"
        ([("m", CM1, "2021-06-01"), ("figo", "C96262", "2022-06-01")], None),
        ([("figo", "C96263", "2021-06-01"), ("figo", "C96262", "2022-06-01")], None),
        ([("figo", "C96262", "2021-06-01"), ("m", CM1, "2022-06-01")], "4B"),
        # an undated IVB beside a dated IVA: it may be the later one
        ([("figo", "C96263", None), ("figo", "C96262", "2022-06-01")], None),
        ([("figo", "C96262", None), ("figo", "C96263", "2022-06-01")], "4B"),
    ],
)  # fmt: skip
def test_a_cervical_4a_after_4b_leaves_the_stage_unknown(
    records: list[tuple[str, Any, str | None]], stage: str | None, kb: onconav.KnowledgeBase
) -> None:
    cervix = _condition("c", "363354003", "Malignant tumor of cervix")
    made = []
    for i, (kind, value, date) in enumerate(records):
        if kind == "m":
            made.append(_observation(f"s{i}", "21907-1", value, date or "", system=LOINC))
        else:
            made.append(_observation(f"s{i}", FIGO, _cc(
                "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl", value), date or "",
                system=SNOMED))
        if date is None:
            del made[-1]["effectiveDateTime"]
    reading = read_bundle(_record(cervix, *made), kb)
    assert reading.data.get("stage") == stage
    reasons = {u.reference: u.reason for u in reading.unused}
    if stage is None:
        assert any("the stage records disagree" in w for w in reading.warnings)
        assert all("disagree" in reasons[f"Observation/s{i}"] for i in range(len(records)))
    else:
        assert not any("disagree" in w for w in reading.warnings)


@pytest.mark.parametrize(
    ("coding", "site"),
    [({"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C79.51"}, "bone"),
     ({"system": SNOMED, "code": "94381002"}, "liver")],
)  # fmt: skip
def test_only_cancer_that_spread_on_record_gives_where_it_spread(
    coding: dict[str, str], site: str, kb: onconav.KnowledgeBase
) -> None:
    """Only a secondary cancer on record: the cancer was read as unknown, and where it spread
    was left out."""
    spread = {**_condition("m", "0", "x"), "code": {"coding": [coding]}}
    reading = read_bundle(_record(spread, STAGE_4), kb)
    assert reading.data["cancer"] == "unknown"
    assert reading.data["metastases"] == [site, MORE]
    assert reading.sources["metastases"] == ["Condition/m"]


def test_a_cancer_condition_not_read_is_named_when_only_spread_is_read(
    kb: onconav.KnowledgeBase,
) -> None:
    """The stomach cancer's Condition not valid FHIR (a date of words) and a liver metastasis
    beside it: the cancer is read as unknown, and the warning said only that no more than spread
    was on record; it names the Condition that would say where the cancer started, and why it
    was not read (and is not warned of again as not valid FHIR). A spread-only record with no
    such Condition is warned of as before."""
    stomach = _condition("c", "363349007", "Malignant tumor of stomach",
                         onsetDateTime="last spring")  # fmt: skip
    liver = _condition("m", "94381002", "Secondary malignant neoplasm of liver")
    reading = read_bundle(_record(stomach, liver, STAGE_4), kb)
    assert reading.data["cancer"] == "unknown"
    (said,) = [w for w in reading.warnings if w.startswith("only cancer that has spread")]
    assert said.startswith("only cancer that has spread is on record: where it started is read "
                           "as unknown; coded as a cancer but not read: Condition/c (not valid "
                           "FHIR R4: onsetDateTime")  # fmt: skip
    # named there, it is not warned of again as a resource not valid
    assert not [w for w in reading.warnings if w.startswith("Condition/c ")], reading.warnings
    reading = read_bundle(_record(liver, STAGE_4), kb)
    alone = [w for w in reading.warnings if w.startswith("only cancer")]
    assert alone == ["only cancer that has spread is on record: where it started is read as "
                     "unknown"]


@pytest.mark.parametrize("pointer", ["focus", "related"])
def test_the_cancer_the_record_stages_or_says_spread_is_read_before_a_newer_one(
    pointer: str, kb: onconav.KnowledgeBase
) -> None:
    """A stage IV rectal cancer (onset 2022), and a basal cell carcinoma of the skin recorded in
    2024: the skin cancer was read, as the newer, the rectal cancer and its stage dropped as
    "another cancer" (a review of the FHIR reading). The cancer the stage or the spread names
    is read; with nothing naming either, the newer still is, and a treatment's reason does not
    decide it (a colon cancer's FOLFOX beside a newer stomach cancer: the test below)."""
    rectum = {**RECTUM, "onsetDateTime": "2022-03-01"}
    skin = {**_condition("b", "0", "x", onsetDateTime="2024-05-01"),
            "code": _cc("http://hl7.org/fhir/sid/icd-10-cm", "C44.91",
                        "Basal cell carcinoma of skin, unspecified")}  # fmt: skip
    about = {"reference": "Condition/c"}
    stage = {**STAGE_4, "focus": [about]} if pointer == "focus" else STAGE_4  # a stage group
    more: list[dict[str, Any]] = []
    if pointer == "related":
        more.append(_condition("m", "94381002", "Secondary malignant neoplasm of liver",
                               extension=[{"url": RELATED_URL, "valueReference": about}]))
    reading = read_bundle(_record(rectum, skin, stage, *more), kb)
    assert reading.data["cancer"] == "rectum", reading.warnings
    assert "more than one cancer is on record: read rectum; not read skin" in reading.warnings
    alone = read_bundle(_record(rectum, skin, STAGE_4), kb)  # nothing names either: the newer
    assert alone.data["cancer"] != "rectum"
    # staged on the Condition itself, as mCODE does: a summary, or an assessment of stage IV
    summary = {**rectum, "stage": [{"summary": _cc(SNOMED, "1222837003", "AJCC stage IV")}]}
    assert read_bundle(_record(summary, skin), kb).data["cancer"] == "rectum"
    assessed = {**rectum, "stage": [{"assessment": [{"reference": "Observation/stage"}]}]}
    assert read_bundle(_record(assessed, skin, STAGE_4), kb).data["cancer"] == "rectum"


def _linked_spread(to: str) -> dict[str, Any]:
    return _condition("m", "94381002", "Secondary malignant neoplasm of liver",
                      extension=[{"url": RELATED_URL, "valueReference": {"reference": to}}])


@pytest.mark.parametrize("verification", ["entered-in-error", "refuted"])
@pytest.mark.parametrize("real_cancer", [True, False])
def test_spread_linked_to_a_cancer_entered_in_error_is_read_as_with_no_link(
    verification: str, real_cancer: bool, kb: onconav.KnowledgeBase
) -> None:
    """Liver spread linked (condition-related) to a mistaken copy of the cancer, entered in error,
    was dropped as "spread of another cancer, not the one read" beside the real cancer, and with
    no other cancer dropped without a word. A link to a Condition that is no fact is no link."""
    mistaken = {**RECTUM, "id": "c1", "verificationStatus": _cc(VERIFICATION, verification)}
    real = [{**RECTUM, "id": "c2"}] if real_cancer else []
    reading = read_bundle(_record(mistaken, *real, STAGE_4, _linked_spread("Condition/c1")), kb)
    assert reading.data["metastases"] == ["liver", MORE], reading.data
    assert "Condition/m" in reading.sources["metastases"]
    assert reading.data["cancer"] == ("rectum" if real_cancer else "unknown")


def test_spread_linked_to_another_cancer_read_as_another_is_still_not_read(
    kb: onconav.KnowledgeBase,
) -> None:
    breast = _condition("o", "254837009", "Malignant tumor of breast", "resolved")
    reading = read_bundle(_record(RECTUM, breast, STAGE_4, _linked_spread("Condition/o")), kb)
    assert reading.data["cancer"] == "rectum" and "metastases" not in reading.data
    reasons = {u.reference: u.reason for u in reading.unused}
    assert reasons["Condition/m"] == "spread of another cancer, not the one read"


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([_cc(VERIFICATION, "entered-in-error"), _cc(VERIFICATION, "refuted"),
                        {"text": "Entered in error"}, {"text": "Ruled out"},
                        _cc(VERIFICATION, "confirmed"), _cc(VERIFICATION, "provisional"),
                        None]),
       st.booleans())  # fmt: skip
def test_spread_linked_to_a_cancer_is_never_dropped_without_a_word(
    verification: dict[str, Any] | None, real_cancer: bool
) -> None:
    """Whatever the linked cancer's verification status, the spread is read or listed with the
    reason; read whenever the cancer it names is no fact (entered in error, refuted)."""
    linked = {**RECTUM, "id": "c1"} | ({"verificationStatus": verification}
                                       if verification is not None else {})  # fmt: skip
    real = [{**RECTUM, "id": "c2", "onsetDateTime": "2020-01-01"}] if real_cancer else []
    try:
        reading = read_bundle(_record(linked, *real, STAGE_4, _linked_spread("Condition/c1")),
                              the_kb())  # fmt: skip
    except FhirError:  # no cancer at all: the error names the Conditions seen
        assume(False)
        return
    assert "Condition/m" in accounted(reading)
    codes = [c.get("code") for c in (verification or {}).get("coding", [])]
    words_ = (verification or {}).get("text", "")
    if {"entered-in-error", "refuted"} & set(codes) or words_ in ("Entered in error", "Ruled out"):
        assert "liver" in reading.data["metastases"], reading.data


def test_an_old_stage_of_another_cancer_does_not_make_it_the_one_read(
    kb: onconav.KnowledgeBase,
) -> None:
    """An old breast cancer's stage IIIC (its focus) had made it the cancer read, before a newer
    rectal cancer and a stage IV naming none (a review of the change): only a stage 4 of a
    final result, or spread, says which cancer is the advanced one."""
    rectum = {**RECTUM, "onsetDateTime": "2022-03-01"}
    breast = _condition("o", "254837009", "Malignant neoplasm of breast",
                        onsetDateTime="2015-01-01")  # fmt: skip
    early = _observation("old", "399588009", _cc(SNOMED, "1222806003", "AJCC stage IIIC"),
                         date="2015-02-01", system=SNOMED, focus=[{"reference": "Condition/o"}])
    for stage in (early, {**early, "status": "entered-in-error",
                          "valueCodeableConcept": STAGE_4["valueCodeableConcept"]}):
        reading = read_bundle(_record(rectum, breast, stage, STAGE_4), kb)
        assert reading.data["cancer"] == "rectum", (stage["status"], reading.warnings)


@pytest.mark.parametrize(("code", "cancer"), [
    ({"text": "Metastatic adenocarcinoma of rectum"}, "rectum"),
    ({"text": "Metastatic gastric cancer"}, "stomach"),
    (_cc(SNOMED, "1651000119109", "Metastatic adenocarcinoma of rectum"), "rectum"),
])  # fmt: skip
def test_a_cancer_worded_metastatic_is_the_cancer(
    code: dict[str, Any], cancer: str, kb: onconav.KnowledgeBase
) -> None:
    """"Metastatic adenocarcinoma of rectum", a problem list's usual words for these patients,
    was no cancer at all (the record refused: "no cancer condition"), even claiming mCODE's
    primary cancer profile (a review of the FHIR reading): "metastatic" first, with no "to"
    after it, says the cancer has spread; "metastatic to" is still the spread."""
    condition = {**_condition("c", "0", "x"), "code": code,
                 "meta": {"profile": [PRIMARY_PROFILE_URL]}}  # fmt: skip
    assert read_bundle(_record(condition, STAGE_4), kb).data["cancer"] == cancer
    spread = {**condition, "code": {"text": "Metastatic carcinoma to the lymph nodes of neck"},
              "meta": {}}  # fmt: skip
    reading = read_bundle(_record(spread, STAGE_4), kb)
    assert reading.data["cancer"] == "unknown" and "lymph-nodes" in reading.data["metastases"]


@pytest.mark.parametrize(("words", "cancer", "sites"), [
    ("Rectal cancer with liver metastases", "rectum", ["liver"]),
    ("Adenocarcinoma of rectum, metastatic to liver", "rectum", ["liver"]),
    ("Metastatic colon cancer to liver", "colon", ["liver"]),
    ("Stomach cancer with metastasis to the liver and lung", "stomach", ["liver", "lung"]),
    ("Gastric cancer with peritoneal metastases", "stomach", ["peritoneum"]),
    ("Cervical cancer metastatic to lung", "cervix", ["lung"]),
    # the lymph nodes of the pelvis: regional nodes, not spread far (it made the cancer 4B)
    ("Cervical cancer with pelvic lymph node metastases", "cervix", ["lymph-nodes"]),
    ("Rectal cancer with metastases", "rectum", ["distant"]),  # spread far, where not said
    # "Metastatic" first, with no place: spread far too (it had been the cancer alone)
    ("Metastatic adenocarcinoma of rectum", "rectum", ["distant"]),
    ("Metastatic gastric cancer", "stomach", ["distant"]),
    ("Metastatic cancer", "unknown", ["distant"]),
    # ... unless the words deny or doubt it (a review of the change: spread read from these)
    # ("Metastatic rectal cancer (r/o)" doubts the cancer itself: not read, below)
    ("Metastatic rectal cancer, in remission", "rectum", None),
    ("Metastatic disease ruled out; adenocarcinoma of rectum", "rectum", None),
    ("Rectal cancer with no liver metastases", "rectum", None),  # the cancer; spread not read
    ("Carcinoma with liver metastases", "unknown", ["liver"]),  # which cancer is not said
    ("Metastatic carcinoma to the lymph nodes of neck", "unknown", ["lymph-nodes"]),
])  # fmt: skip
def test_a_cancer_named_with_where_it_has_spread_is_both(
    words: str, cancer: str, sites: list[str] | None, kb: onconav.KnowledgeBase
) -> None:
    """"Rectal cancer with liver metastases", one Condition's words, was read as spread only (the
    cancer unknown, the rectal source's options lost), and "Adenocarcinoma of rectum, metastatic
    to liver" as no cancer at all (the record refused): the words name the cancer and then where
    it has spread; each is read, with warnings that they come from words. With a code of the
    tables, the words still say the spread; beside a newer cancer, this one is the advanced one."""
    condition = {**_condition("c", "0", "x"), "code": {"text": words}}
    reading = read_bundle(_record(condition), kb)
    assert reading.data["cancer"] == cancer, reading.warnings
    assert reading.data.get("metastases") == (sites and [*sites, MORE]), reading.warnings
    if sites:
        assert reading.sources["metastases"] == ["Condition/c"]
        assert any(w.startswith("Condition/c is read as spread to") for w in reading.warnings)
    if cancer in ("unknown", "colon") or not sites:
        return
    coded = {**condition, "code": {**_cc(SNOMED, "363351006", "Malignant tumor of rectum"),
                                   "text": words}} if cancer == "rectum" else condition
    reading = read_bundle(_record(coded), kb)
    assert reading.data.get("metastases") == [*sites, MORE], reading.warnings
    skin = {**_condition("b", "0", "x", onsetDateTime="2030-05-01"),
            "code": _cc("http://hl7.org/fhir/sid/icd-10-cm", "C44.91",
                        "Basal cell carcinoma of skin, unspecified")}  # fmt: skip
    reading = read_bundle(_record({**coded, "onsetDateTime": "2022-03-01"}, skin), kb)
    assert reading.data["cancer"] == cancer, reading.warnings
    if words.startswith("Metastatic") and cancer == "rectum":  # not the stomach's spread
        reading = read_bundle(_record(STOMACH, STAGE_4, {**condition, "id": "m"}), kb)
        assert reading.data["cancer"] == "rectum", reading.warnings
        assert {u.reference: u.reason for u in reading.unused}["Condition/c"].startswith(
            "another cancer (stomach)")


LOCAL = "urn:oid:1.2.840.114350.1.13.0.1.7.2.696871"  # a record system's own codes (no table)
# Words a problem list gives a cancer with, each read alone (text only) as this cancer
CANCER_WORDS = {
    "Metastatic rectal adenocarcinoma": "rectum", "Metastatic adenocarcinoma of rectum": "rectum",
    "Metastatic rectal cancer": "rectum", "Rectal cancer": "rectum",
    "Adenocarcinoma of rectum": "rectum", "Metastatic gastric cancer": "stomach",
    "Gastric cancer": "stomach", "Adenocarcinoma of colon": "colon",
}


def _local(text: str | None, *displays: str) -> dict[str, Any]:
    """A Condition coded in a record system's own codes, with these words."""
    code: dict[str, Any] = {"coding": [{"system": LOCAL, "code": str(i), "display": d}
                                       for i, d in enumerate(displays)]}  # fmt: skip
    if text is not None:
        code["text"] = text
    return {**_condition("c", "0", "x"), "verificationStatus": _cc(VERIFICATION, "confirmed"),
            "code": code}  # fmt: skip


@pytest.mark.parametrize(("text", "display", "cancer"), [
    ("Metastatic rectal adenocarcinoma", "Metastatic rectal adenocarcinoma", "rectum"),
    ("Metastatic adenocarcinoma of rectum", "Metastatic adenocarcinoma of rectum", "rectum"),
    ("Metastatic gastric cancer", "Metastatic gastric cancer", "stomach"),
    ("Rectal cancer", "Metastatic rectal cancer", "rectum"),
])  # fmt: skip
def test_a_code_whose_text_repeats_its_display_is_read_as_the_text(
    text: str, display: str, cancer: str, kb: onconav.KnowledgeBase
) -> None:
    """A record system's own code whose text repeats its display "Metastatic rectal
    adenocarcinoma" was no cancer (the record refused: "no cancer condition"; the CDS service
    answered no card): the words were joined, and the second "Metastatic" read as spread (a
    review of the FHIR input). Each of the code's words is judged on its own."""
    reading = read_bundle(_record(_local(text, display), STAGE_4), kb)
    assert reading.data["cancer"] == cancer, reading.warnings


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted({c for c in CANCER_WORDS.values()})).flatmap(
    lambda cancer: st.tuples(st.just(cancer), st.lists(st.sampled_from(
        [w for w, c in CANCER_WORDS.items() if c == cancer]), min_size=1, max_size=4))),
    st.booleans())  # fmt: skip
def test_any_words_each_read_as_one_cancer_read_together_as_it(
    case: tuple[str, list[str]], with_text: bool
) -> None:
    """The rule: a code's words, each read alone as the same cancer (repeated or not, as text or
    displays), are read together as that cancer."""
    cancer, said = case
    text, displays = (said[0], said[1:]) if with_text else (None, said)
    reading = read_bundle(_record(_local(text, *displays), STAGE_4), the_kb())
    assert reading.data["cancer"] == cancer, (said, reading.warnings)


# What a problem list writes after a cancer's name (its spread, said or denied, what it
# causes, what causes it), and the places of spread it names (None: none read)
AFTER_A_CANCER = [
    (", no liver metastases", None), (", not metastatic", None), (", non-metastatic", None),
    (", no distant metastases", None), ("; no metastases", None), (" with pain", None),
    (" with anemia", None), ("; related to H. pylori", None), (", Lynch syndrome associated", None),
    (", metastatic", ["distant"]), (" metastatic", ["distant"]), (" w/ liver mets", ["liver"]),
    (" and liver metastases", ["liver"]), (", liver mets", ["liver"]),
    (" with liver metastases", ["liver"]),
    (", diagnosed 2021, stage IV metastatic to lung and brain", ["lung", "brain"]),
    (", liver mets, no lung mets", ["liver"]), (" ?liver mets", None),
    (", ?liver mets, lung mets", ["lung"]),
    # spread denied, or in the past (a review of the change: "without" had been read as spread
    # far, with "with" taken off it, and a history of spread, or spread taken out, as now)
    (" without metastases", None), (" without distant metastases", None),
    (" w/o mets", None), (", hx of liver mets", None), (", h/o liver mets", None),
    (", prior liver mets", None), (" with liver mets, resected", None),
    (", previous liver metastasectomy", None), (", liver mets s/p resection", None),
    (", secondary to ulcerative colitis", None),
]
# Words that say a cancer is not the person's now, after its name
NOT_THEIRS = [", history of", ", family history", " (suspected)", ", no evidence of disease",
              ", in situ", ", metastatic from breast", "?", " (?)"]  # fmt: skip
NAMES = {"Rectal cancer": "rectum", "Rectal adenocarcinoma": "rectum",
         "Carcinoma of rectum": "rectum", "Adenocarcinoma of rectum": "rectum",
         "Gastric cancer": "stomach", "Stomach cancer": "stomach",
         "Adenocarcinoma of colon": "colon"}  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(sorted(NAMES)), st.sampled_from(AFTER_A_CANCER), st.booleans())
def test_words_after_a_cancers_name_never_lose_the_cancer(
    name: str, after: tuple[str, list[str] | None], repeated: bool
) -> None:
    """"Rectal cancer, no liver metastases", "Gastric cancer with anemia", "Adenocarcinoma of
    colon, Lynch syndrome associated" were no cancer at all, "Rectal cancer w/ liver mets" and
    "... and liver metastases" spread only (the cancer unknown), "Rectal cancer, liver mets" the
    cancer with no spread and no word (a review of the FHIR input). The rule: what a problem
    list writes after a cancer's name never loses the cancer, and the spread it names is read
    (with the warning that it is read from words); words denying spread read none."""
    words_, sites = name + after[0], after[1]
    condition = _local(words_, *([words_] if repeated else []))
    reading = read_bundle(_record(condition, STAGE_4), the_kb())
    assert reading.data["cancer"] == NAMES[name], (words_, reading.warnings)
    assert reading.data.get("metastases") == (sites and [*sites, MORE]), (words_, reading.data)
    if sites:
        assert any(w.startswith("Condition/c is read as spread to") for w in reading.warnings)


@pytest.mark.parametrize("after", [a for a, sites in AFTER_A_CANCER if sites is None])
@pytest.mark.parametrize("coded", [False, True])
def test_spread_denied_or_past_after_a_cancers_name_is_none(after: str, coded: bool) -> None:
    """Each of the words after a cancer's name that deny spread, or put it in the past, reads no
    spread, with a C20 coding beside them or not ("Rectal cancer without metastases" had been
    spread far, "Rectal cancer, hx of liver mets" the liver now: a review of the change)."""
    condition = _local("Rectal cancer" + after)
    if coded:
        condition["code"]["coding"].append({"system": ICD10CM, "code": "C20"})
    reading = read_bundle(_record(condition, STAGE_4), the_kb())
    assert reading.data["cancer"] == "rectum", reading.warnings
    assert "metastases" not in reading.data, (after, reading.data, reading.warnings)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(NAMES)), st.sampled_from(NOT_THEIRS))
def test_words_after_a_cancers_name_that_say_it_is_not_theirs_still_say_so(
    name: str, after: str
) -> None:
    """The other side of the rule: words after the name that say it is not the person's cancer
    now (a history, a suspicion, no evidence of disease, not invasive, spread from elsewhere) are
    still read so: not this cancer."""
    try:
        alone = read_bundle(_record(_local(name + after), STAGE_4), the_kb())
    except FhirError:
        return
    assert alone.data["cancer"] != NAMES[name], (name + after, alone.warnings)


@pytest.mark.parametrize(("words", "cancer", "sites"), [
    ("Metastatic rectal adenocarcinoma (liver, lung)", "rectum", ["liver", "lung"]),
    ("Metastatic rectal adenocarcinoma - liver", "rectum", ["liver"]),
    ("Metastatic breast cancer to rectum", "breast", ["distant"]),
    ("Metastatic to the rectum from the breast", "unknown", ["distant"]),
])  # fmt: skip
def test_metastatic_first_and_the_places_after_the_name(
    words: str, cancer: str, sites: list[str], kb: onconav.KnowledgeBase
) -> None:
    """"Metastatic rectal adenocarcinoma (liver, lung)" was read as spread far, where not said:
    the places after a name that begins "Metastatic" are where it has spread. Spread to the
    rectum from the breast is never rectal cancer."""
    reading = read_bundle(_record(_local(words), STAGE_4), kb)
    assert reading.data["cancer"] == cancer, reading.warnings
    assert reading.data["metastases"] == [*sites, MORE], reading.warnings


def test_codes_of_one_condition_that_name_different_cancers_are_warned_of(
    kb: onconav.KnowledgeBase,
) -> None:
    """ICD-10-CM C18.9 (colon) and SNOMED "Adenocarcinoma of rectum" on one Condition: the first
    was read with no word, and the rectal source's options lost (a review of the FHIR reading).
    It is still read by its first code that places the cancer, with a warning naming both; two
    codes answered alike (the stomach, and its junction with the food pipe) say nothing."""
    both = {**_condition("c", "0", "x"), "code": {"coding": [
        {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C18.9"},
        {"system": SNOMED, "code": "254582000", "display": "Adenocarcinoma of rectum"}]}}
    reading = read_bundle(_record(both, STAGE_4), kb)
    assert reading.data["cancer"] == "colon"
    (said,) = [w for w in reading.warnings if "codes name different cancers" in w]
    assert "(colon, rectum)" in said and "check which is right" in said
    alike = {**both, "code": {"coding": [
        {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C16.9"},
        {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C16.0"}]}}
    assert not [w for w in read_bundle(_record(alike, STAGE_4), kb).warnings
                if "codes name different cancers" in w]  # fmt: skip


@pytest.mark.parametrize(("said", "answer", "expected"), [
    ("Positive", "LA6576-8", "positive"), ("Negative", "LA6577-6", "negative")])
def test_the_laboratorys_her2_interpretation_settles_an_ihc_2_plus(
    said: str, answer: str, expected: str, kb: onconav.KnowledgeBase
) -> None:
    """IHC 2+ (72383-3) and the laboratory's HER2 interpretation (48676-1) Positive or Negative
    of the same day were "results that disagree", HER2 unknown (a review of the FHIR reading):
    the interpretation settles the borderline score, as an ISH result does. IHC 3+ beside an
    interpretation Negative still disagree."""
    ihc = _observation("ihc", "72383-3", {"text": "2+"})
    final = _observation("final", "48676-1", _cc(LOINC, answer, said))
    reading = read_bundle(_record(STOMACH, STAGE_4, ihc, final), kb)
    assert reading.data["biomarkers"] == {"her2": expected}, reading.warnings
    strong = _observation("ihc", "72383-3", {"text": "3+"})
    negative = _observation("final", "48676-1", _cc(LOINC, "LA6577-6", "Negative"))
    disagree = read_bundle(_record(STOMACH, STAGE_4, strong, negative), kb).data
    assert disagree["biomarkers"] == {"her2": ["negative", "positive"]}  # not known, warned


def test_a_her2_number_is_not_an_ihc_score(kb: onconav.KnowledgeBase) -> None:
    """valueInteger 1 of HER2 [Units/volume] (a quantity) was read as IHC 1+ (negative)."""
    stomach = _condition("c", "363349007", "Malignant tumor of stomach")
    units = _observation("h", "72382-5", valueInteger=1)
    reading = read_bundle(_record(stomach, STAGE_4, units), kb)
    assert "biomarkers" not in reading.data
    assert "cannot read" in {u.reference: u.reason for u in reading.unused}["Observation/h"]
    negative = {**units, "interpretation": [_cc(
        "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "NEG")]}
    reading = read_bundle(_record(stomach, STAGE_4, negative), kb)
    assert reading.data["biomarkers"] == {"her2": "negative"}


# ---- rules found by review (each with the example that showed it) --------------------------

STOMACH = _condition("c", "363349007", "Malignant tumor of stomach")
ERBB2_GAIN = _observation("v", "69548-6", PRESENT, component=[
    {"code": _cc(LOINC, "48018-6"),
     "valueCodeableConcept": _cc("http://www.genenames.org", "HGNC:3430", "ERBB2")},
    {"code": _cc(LOINC, "48019-4"),
     "valueCodeableConcept": _cc("http://www.sequenceontology.org", "SO:0001742",
                                 "copy_number_gain")}])  # fmt: skip
# One result of each biomarker the mapping reads, each positive (or mutated), with its field.
BIOMARKER_RESULTS = [
    (STOMACH, _observation("v", "48676-1", _cc(LOINC, "LA6576-8", "Positive")), "her2"),
    (STOMACH, _observation("v", "31150-6", _cc(LOINC, "LA6576-8", "Positive")), "her2"),
    (STOMACH, ERBB2_GAIN, "her2"),
    (RECTUM, _observation("v", "21702-6", {"text": "KRAS G12C"}), "kras"),
    (RECTUM, _observation("v", "69548-6", PRESENT, component=[KRAS_GENE]), "kras"),
    (_condition("c", "254837009", "Malignant tumor of breast"),
     _observation("v", "85337-4", _cc(LOINC, "LA6576-8", "Positive")), "hormone_sensitive"),
]  # fmt: skip
OBSERVATION_STATUSES = ["registered", "preliminary", "final", "amended", "corrected",
                        "cancelled", "entered-in-error", "unknown"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(BIOMARKER_RESULTS), st.sampled_from(OBSERVATION_STATUSES))
def test_a_biomarker_result_is_read_only_when_final(
    case: tuple[dict[str, Any], dict[str, Any], str], status: str
) -> None:
    """Every biomarker result, whatever it says, is read only when final, amended or corrected:
    a GenomicVariant of ERBB2 with a copy-number gain entered in error, cancelled, preliminary or
    registered was read as HER2 positive (its status was checked after it was read)."""
    cancer, result, name = case
    reading = read_bundle(_record(cancer, STAGE_4, {**result, "status": status}), the_kb())
    read = name in reading.data.get("biomarkers", {}) or name in reading.data
    assert read == (status in ("final", "amended", "corrected"))
    if not read:
        assert f"status {status!r}" in {u.reference: u.reason for u in reading.unused}[
            "Observation/v"]


@pytest.mark.parametrize(
    ("cancer", "result", "flag", "name"),
    [
        (STOMACH, _observation("v", "48676-1", _cc(LOINC, "LA6576-8", "Positive")), "NEG", "her2"),
        (STOMACH, _observation("v", "48676-1", _cc(LOINC, "LA6577-6", "Negative")), "POS", "her2"),
        (RECTUM, _observation("v", "69548-6", PRESENT, component=[KRAS_GENE]), "NEG", "kras"),
        (RECTUM, _observation("v", "69548-6", ABSENT, component=[KRAS_GENE]), "POS", "kras"),
        # a value in words: the IHC score, a laboratory's sentence
        (STOMACH, _observation("v", "48676-1", valueString="3+"), "NEG", "her2"),
        (STOMACH, _observation("v", "48676-1", {"text": "Positive"}), "NEG", "her2"),
        (RECTUM, _observation("v", "21702-6", {"text": "No mutation detected"}), "POS", "kras"),
    ],
)
def test_a_result_whose_value_and_interpretation_disagree_is_not_read(
    cancer: dict[str, Any], result: dict[str, Any], flag: str, name: str
) -> None:
    """HER2 Positive with the laboratory's interpretation NEG was read as positive (trastuzumab
    offered), silently: which is right is not known, so the result is not read, with a warning,
    and the option asks for the test. The same value with the agreeing flag is read."""
    interpretation = [_cc("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                          flag)]  # fmt: skip
    reading = read_bundle(_record(cancer, STAGE_4, {**result, "interpretation": interpretation}),
                          the_kb())  # fmt: skip
    assert name not in reading.data.get("biomarkers", {}), reading.data
    assert any(w.startswith("Observation/v: its value says") and flag in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    assert "interpretation" in {u.reference: u.reason for u in reading.unused}["Observation/v"]
    agreeing = [_cc("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                    {"NEG": "POS", "POS": "NEG"}[flag])]  # fmt: skip
    read = read_bundle(_record(cancer, STAGE_4, {**result, "interpretation": agreeing}), the_kb())
    assert name in read.data.get("biomarkers", {}), read.data
    early = read_bundle(_record(cancer, STAGE_4, {**result, "interpretation": interpretation,
                                                  "status": "preliminary"}), the_kb())  # fmt: skip
    assert "not a result" in {u.reference: u.reason for u in early.unused}["Observation/v"]
    assert not any(w.startswith("Observation/v: its value says") for w in early.warnings)


def test_a_result_contained_in_a_report_is_read(kb: onconav.KnowledgeBase) -> None:
    """A HER2 result contained in its DiagnosticReport (``result: #h``, as a laboratory often
    sends it) was not read, and the report was listed as "its results are read from their own
    Observations": HER2 stayed to be tested. Read as the record's own, with the report's subject
    and date; not when the report is entered in error, nor when it is not valid FHIR."""
    her2 = _observation("h", "48676-1", _cc(LOINC, "LA6576-8", "Positive"))
    del her2["subject"], her2["effectiveDateTime"]
    report = {"resourceType": "DiagnosticReport", "id": "r", "status": "final",
              "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2024-02-01",
              "code": _cc(LOINC, "11526-1"), "contained": [her2],
              "result": [{"reference": "#h"}]}  # fmt: skip
    reading = read_bundle(_record(STOMACH, STAGE_4, report), kb)
    assert reading.data["biomarkers"] == {"her2": "positive"}
    assert reading.sources["biomarkers.her2"] == ["DiagnosticReport/r#h"]
    assert "contained" in {u.reference: u.reason for u in reading.unused}["DiagnosticReport/r"]
    for bad, said in (({"status": "entered-in-error"}, "status 'entered-in-error'"),
                      ({"issued": "not a time"}, "cannot be read")):  # fmt: skip
        reading = read_bundle(_record(STOMACH, STAGE_4, {**report, **bad}), kb)
        assert "biomarkers" not in reading.data
        assert said in {u.reference: u.reason for u in reading.unused}["DiagnosticReport/r#h"]
    older = {**report, "meta": {"versionId": "1"},
             "contained": [{**her2, "valueCodeableConcept": _cc(LOINC, "LA6577-6", "Negative")}]}
    newer = {**report, "meta": {"versionId": "2"}}
    for order in ((older, newer), (newer, older)):
        reading = read_bundle(_record(STOMACH, STAGE_4, *order), kb)
        assert reading.data["biomarkers"] == {"her2": "positive"}


SEQUENCE_CHANGES = [("SO:0001483", "SNV"), ("SO:1000002", "substitution"),
                    ("SO:0002007", "MNV"), ("SO:1000032", "delins"), ("SO:0000159", "deletion"),
                    ("SO:0000667", "insertion")]  # fmt: skip
OTHER_CHANGES = [("SO:0001742", "copy_number_gain"), ("SO:0001743", "copy_number_loss"),
                 ("SO:0001019", "copy_number_variation"), ("SO:0001565", "gene_fusion"),
                 ("SO:1000044", "chromosomal_translocation"), ("SO:1000035", "duplication"),
                 ("SO:0002062", "complex chromosomal rearrangement"), ("SO:9999999", "")]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SEQUENCE_CHANGES + OTHER_CHANGES), st.sampled_from(["kras", "erbb2"]),
       st.sampled_from(["48019-4", "molecular-consequence"]), st.booleans())  # fmt: skip
def test_a_change_absent_is_wild_type_only_of_the_genes_sequence(
    change: tuple[str, str], gene: str, where: str, words_only: bool
) -> None:
    """A KRAS copy number gain absent was read as KRAS wild-type: cetuximab and panitumumab
    offered. Whatever kind of change is said absent, and however it is given, KRAS is wild-type
    only when the kind is a change of the gene's sequence given as the DNA change type; absent
    ERBB2 never makes HER2 negative."""
    code, display = change
    concept = ({"text": display or code} if words_only
               else _cc("http://www.sequenceontology.org", code, display or None))
    key = (_cc(LOINC, "48019-4") if where == "48019-4" else _cc(
        "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs", where))
    hgnc = {"kras": ("HGNC:6407", "KRAS"), "erbb2": ("HGNC:3430", "ERBB2")}[gene]
    variant = _observation("v", "69548-6", ABSENT, component=[
        {"code": _cc(LOINC, "48018-6"),
         "valueCodeableConcept": _cc("http://www.genenames.org", *hgnc)},
        {"code": key, "valueCodeableConcept": concept}])  # fmt: skip
    cancer = RECTUM if gene == "kras" else STOMACH
    reading = read_bundle(_record(cancer, STAGE_4, variant), the_kb())
    read = reading.data.get("biomarkers", {})
    if gene == "erbb2":
        assert "her2" not in read, read
        return
    sequence = change in SEQUENCE_CHANGES and not words_only
    if where == "48019-4":
        assert (read.get("kras") == "wild-type") is sequence, read
        assert read.get("kras") in ("wild-type", None), read
    elif code in ("SO:0001742", "SO:0001743") and not words_only:
        assert "kras" not in read, read  # a copy number change, wherever it is given


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([None, *SEQUENCE_CHANGES]), st.one_of(st.none(), st.integers(0, 40)),
       st.booleans())  # fmt: skip
def test_a_copy_number_absent_is_not_kras_wild_type(
    change: tuple[str, str] | None, copies: int | None, first: bool
) -> None:
    """A KRAS variant absent whose copy number is given as a number (LOINC 82155-3, the
    genomics reporting profile's copy-number component) is a copy number variant: its absence
    says nothing of a change of the gene's sequence. It had been read as KRAS wild-type
    (cetuximab and panitumumab offered), whatever DNA change type stood beside it, or none."""
    number = {"code": _cc(LOINC, "82155-3", "Genomic structural variant copy number"),
              "valueQuantity": {} if copies is None else {
                  "value": copies, "system": "http://unitsofmeasure.org", "code": "1"}}
    parts = [{"code": _cc(LOINC, "48018-6"),
              "valueCodeableConcept": _cc("http://www.genenames.org", "HGNC:6407", "KRAS")}]
    if change is not None:
        parts.append({"code": _cc(LOINC, "48019-4"), "valueCodeableConcept": _cc(
            "http://www.sequenceontology.org", *change)})
    parts.insert(0 if first else len(parts), number)
    variant = _observation("v", "69548-6", ABSENT, component=parts)
    reading = read_bundle(_record(RECTUM, STAGE_4, variant), the_kb())
    assert "kras" not in reading.data.get("biomarkers", {}), reading.data
    shown = "a copy number" if copies is None else f"copy number {copies}"
    assert any(shown in u.reason for u in reading.unused), reading.unused
    without = _observation("v", "69548-6", ABSENT, component=[p for p in parts if p is not number])
    again = read_bundle(_record(RECTUM, STAGE_4, without), the_kb())
    assert again.data["biomarkers"] == {"kras": "wild-type"}  # the same without the number


def test_an_erbb2_gain_entered_in_error_is_not_her2_positive(kb: onconav.KnowledgeBase) -> None:
    reading = read_bundle(_record(STOMACH, STAGE_4, {**ERBB2_GAIN,
                                                     "status": "entered-in-error"}), kb)
    assert "biomarkers" not in reading.data
    final = read_bundle(_record(STOMACH, STAGE_4, ERBB2_GAIN), kb)
    assert final.data["biomarkers"] == {"her2": "positive"}


COLON = _condition("o", "363406005", "Malignant tumor of colon")
RADIOTHERAPY = {"resourceType": "Procedure", "id": "rt", "status": "completed",
                "subject": {"reference": "Patient/p"}, "performedDateTime": "2024-05-01",
                "code": _cc(SNOMED, "1217123003", "Radiotherapy course of treatment")}  # fmt: skip
def test_a_treatment_planned_on_record_is_not_the_whole_plan(kb: onconav.KnowledgeBase) -> None:
    """An order of radiation on record is one treatment planned, not the whole plan, as the
    treatments had on record are not the whole history: the list is read as one that may not
    be whole, so the colostomy to let the bowel heal, for planned bowel surgery, asks whether
    that is planned too. It had been not suitable ("on record: radiation therapy"): an unknown
    ruling out (a review of the CDS Hooks service)."""
    order = {"resourceType": "ServiceRequest", "id": "rt", "status": "active", "intent": "order",
             "subject": {"reference": "Patient/p"},
             "code": _cc(SNOMED, "33195004", "External beam radiation therapy procedure")}
    reading = read_bundle(_record(RECTUM, STAGE_4, order), kb)
    assert reading.data["planned"] == ["external-beam-radiation", MORE]
    result = onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
    stoma = next(o for o in result.options if o.id == "rectum-colostomy-ileostomy")
    assert stoma.status is onconav.Status.needs_information, stoma.reason
    assert "planned" in {m.fact for m in stoma.missing}


STOPPED_NO_RESPONSE = {  # of a MedicationRequest stopped
    "statusReason": _cc(SNOMED, "266721009", "Absent response to treatment")}


@pytest.mark.parametrize("status", ["stopped", "on-hold"])
def test_an_operation_begun_and_not_finished_is_not_read_as_done(
    status: str, kb: onconav.KnowledgeBase
) -> None:
    """A total gastrectomy with status stopped (found inoperable at the laparotomy, as is common
    at stage 4) was read as had, and surgery on the stomach still there ruled out (a review of
    the FHIR reading): an operation begun and not finished is listed unused, whether it was
    done not known; a course of radiation stopped early is still radiation given."""
    gastrectomy = {"resourceType": "Procedure", "id": "g", "status": status,
                   "subject": {"reference": "Patient/p"}, "performedDateTime": "2024-05-01",
                   "code": _cc(SNOMED, "26452005", "Total gastrectomy")}  # fmt: skip
    reading = read_bundle(_record(STOMACH, STAGE_4, gastrectomy), kb)
    assert "total-gastrectomy" not in reading.data.get("prior_treatments", [])
    assert "begun and not finished" in {u.reference: u.reason
                                        for u in reading.unused}["Procedure/g"]  # fmt: skip
    result = onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
    partial = next(o for o in result.options if o.id == "stomach-subtotal-gastrectomy")
    assert "total gastrectomy" not in (partial.reason or ""), partial.reason
    radiation = read_bundle(_record(STOMACH, STAGE_4, {**RADIOTHERAPY, "status": status}), kb)
    assert "radiation" in radiation.data["prior_treatments"]
    # nor chemotherapy: a course stopped was given as far as it went (it had been dropped as an
    # operation: a review of the change)
    chemo = {**RADIOTHERAPY, "id": "ch", "status": status,
             "code": _cc(SNOMED, "367336001", "Chemotherapy")}  # fmt: skip
    assert "chemotherapy" in read_bundle(_record(STOMACH, STAGE_4, chemo),
                                         kb).data["prior_treatments"]  # fmt: skip


@pytest.mark.parametrize("drug", [
    # Herceptin Hylecta's generic name, and nab-paclitaxel's: drugs onconav does not know
    _cc(RXNORM, "2119714", "trastuzumab and hyaluronidase-oysk"),
    _cc(RXNORM, "583214", "paclitaxel protein-bound particles for injectable suspension"),
])  # fmt: skip
def test_a_drug_not_known_that_stopped_working_leaves_what_stopped_open(
    drug: dict[str, Any]
) -> None:
    """A drug onconav does not know, stopped because the cancer grew, was listed unused as "not
    a cancer drug onconav knows", and what stopped working was read as whole: trastuzumab (by a
    name it does not read) stopping left trastuzumab offered (a review of the FHIR reading).
    What stopped is a list that may not be whole, as for a drug not among the resources, and
    the options giving a drug ask whether it stopped too."""
    kb = the_kb()
    stopped = {"resourceType": "MedicationRequest", "id": "m", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2024-01-10", "medicationCodeableConcept": drug,
               "reasonReference": [{"reference": "Condition/c"}],
               **STOPPED_NO_RESPONSE}  # fmt: skip
    her2 = _observation("her2", "48676-1", _cc(LOINC, "LA6576-8", "Positive"))
    reading = read_bundle(_record(STOMACH, STAGE_4, her2, stopped), kb)
    assert reading.data["progressed_on"] == ["others-not-known"], reading.data
    assert any(w.startswith("MedicationRequest/m was stopped because the cancer grew, but its "
                            "drug") and "is not one onconav knows" in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    result = onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
    trastuzumab = next(o for o in result.options if o.id == "stomach-trastuzumab")
    assert trastuzumab.status.value == "needs_information", trastuzumab
    given = read_bundle(_record(STOMACH, STAGE_4, her2, {**stopped, "status": "completed",
                                                          "statusReason": None}), kb)  # fmt: skip
    assert "progressed_on" not in given.data
    assert "MedicationRequest/m" in {u.reference for u in given.unused}


@pytest.mark.parametrize("tie", [
    {}, {"reasonCode": [_cc(SNOMED, "14760008", "Constipation")]},
])  # fmt: skip
def test_a_drug_not_known_that_nothing_ties_to_the_cancer_is_not_read_as_stopped(
    tie: dict[str, Any]
) -> None:
    """An anti-sickness drug that did not help (ondansetron, stopped for no response) left
    what stopped working open, and every drug option asked whether it stopped too (a review of
    the change): a drug onconav does not know is read so only when the record gives it for the
    cancer (its reason, or mCODE's cancer-related medication profile)."""
    kb = the_kb()
    stopped = {"resourceType": "MedicationRequest", "id": "m", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2024-01-10", **tie, **STOPPED_NO_RESPONSE,
               "medicationCodeableConcept": _cc(RXNORM, "26225", "ondansetron")}  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped), kb)
    assert "progressed_on" not in reading.data, reading.data
    assert "MedicationRequest/m" in {u.reference for u in reading.unused}
    related = {**stopped, "meta": {"profile": [
        "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-cancer-related-medication-request"]}}
    tied = read_bundle(_record(RECTUM, STAGE_4, related), kb)
    assert tied.data["progressed_on"] == ["others-not-known"], tied.data


@pytest.mark.parametrize(("code", "display", "field"), [
    ("395007004", "Medication stopped - ineffective", "progressed_on"),
    ("395008009", "Medication stopped - contra-indication", "cannot_have"),
    ("58848006", "Lack of drug action", "progressed_on"),
    ("281647001", "Adverse reaction", "cannot_have"),
    ("395009001", "Medication stopped - side effect", "cannot_have"),
])  # fmt: skip
def test_snomed_medication_stopped_reasons_are_read(code: str, display: str, field: str) -> None:
    """SNOMED's "Medication stopped - ineffective" was read as given (FOLFOX, stopped so, was
    offered again, with a warning only); so were "Lack of drug action" and "Adverse reaction",
    the more specific codes mCODE's termination reasons stand for."""
    kb = the_kb()
    stopped = {"resourceType": "MedicationRequest", "id": "ox", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2024-01-10", "medicationCodeableConcept": _cc(RXNORM, "32592"),
               "statusReason": _cc(SNOMED, code, display)}  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped), kb)
    assert reading.data[field] == ["oxaliplatin"], reading.data


def test_an_abdominoperineal_resection_is_read_as_one() -> None:
    """SNOMED's abdominoperineal resection (265414003) was "a Procedure onconav does not read":
    the rectum taken out was not known, and the rectal options that ask about it asked."""
    kb = the_kb()
    apr = {**SURGERY, "id": "apr", "performedDateTime": "2024-01-10",
           "code": _cc(SNOMED, "265414003", "Abdominoperineal resection")}  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, apr), kb)
    assert "abdominoperineal-resection" in reading.data["prior_treatments"], reading.data
    assert "Procedure/apr" in reading.sources["prior_treatments"]


@pytest.mark.parametrize(("code", "cancer", "stage"), [
    ("1222837003", RECTUM, "4"), ("1222841004", RECTUM, "4"), ("1222842006", RECTUM, "4"),
    ("1222838008", RECTUM, "4"),
])  # fmt: skip
def test_snomed_ajcc_stage_four_groups_are_read(
    code: str, cancer: dict[str, Any], stage: str
) -> None:
    """A stage group valued by SNOMED's AJCC stage IV codes (no display) was "a stage value
    onconav cannot read": the table held only IIB and IIIC."""
    kb = the_kb()
    group = _observation("s", "399537006", {"coding": [{"system": SNOMED, "code": code}]},
                         system=SNOMED)  # fmt: skip
    reading = read_bundle(_record(cancer, group), kb)
    assert onconav.parse_profile(reading.data, kb).stage == stage, reading.data


def test_a_drug_that_stopped_working_but_is_not_among_the_resources_is_warned_of() -> None:
    """FOLFOX stopped for no response, its oxaliplatin a Medication not among the resources
    given: the reading was "fluorouracil with leucovorin stopped working", and FOLFOX was
    offered, with nothing said beyond the record listed unused. The reading cannot name the
    drug: what stopped working is a list that may not be whole ("perhaps other treatments not
    listed"), FOLFOX asks whether it stopped, and a warning says why."""
    kb = the_kb()
    stopped = {"resourceType": "MedicationRequest", "status": "stopped", "intent": "order",
               "subject": {"reference": "Patient/p"}, "authoredOn": "2024-01-10",
               **STOPPED_NO_RESPONSE}  # fmt: skip
    drugs = [{**stopped, "id": "fu", "medicationCodeableConcept": _cc(RXNORM, "4492")},
             {**stopped, "id": "lv", "medicationCodeableConcept": _cc(RXNORM, "6313")},
             {**stopped, "id": "ox", "medicationReference": {"reference": "Medication/ox"}}]
    reading = read_bundle(_record(RECTUM, STAGE_4, *drugs), kb)
    assert reading.data["progressed_on"] == ["fluorouracil-leucovorin", "others-not-known"]
    assert any(w.startswith("MedicationRequest/ox was stopped because the cancer grew")
               for w in reading.warnings), reading.warnings  # fmt: skip
    [folfox] = [o for o in onconav.evaluate(onconav.parse_profile(reading.data, kb), kb).options
                if o.id == "rectum-folfox"]  # fmt: skip
    assert folfox.status.value == "needs_information", folfox.status
    assert [m.fact for m in folfox.missing] == ["progressed_on"], folfox.missing
    given = read_bundle(_record(RECTUM, STAGE_4, *drugs[:2], {
        **drugs[2], "status": "completed", "statusReason": None}), kb)
    assert not any("stopped because" in w for w in given.warnings), given.warnings
    assert "MedicationRequest/ox" in {u.reference for u in given.unused}


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (_cc(SNOMED, "716917000", "Structure of right lobe of liver (body structure)"), "liver"),
        (_cc(SNOMED, "12921003", "Pelvic structure (body structure)"), "pelvis"),
        (_cc(SNOMED, "31065004", "Structure of thoracic spine"), "bone"),
        ({"text": "right lung"}, "lung"),
        (_cc(SNOMED, "87141009", "Sacral vertebra structure (body structure)"), "bone"),
        (_cc(SNOMED, "25990002", "Renal pelvis structure (body structure)"), "other-site"),
        ({"text": "renal pelvis"}, "other-site"),
        (_cc(SNOMED, "23451007", "Adrenal structure"), "other-site"),
        ({"text": "left side, upper part"}, "distant"),
    ],
)
def test_a_place_of_spread_coded_in_no_table_is_read_from_its_words(
    body: dict[str, Any], where: str
) -> None:
    """A metastasis Condition coded generally (Metastatic malignant neoplasm) with a body site in
    no table was read as spread to another part of the body, silently: the right lobe of the
    liver made liver-artery chemotherapy not suitable, the pelvis a pelvic exenteration. Its
    words are read when they name one place, with a warning; a site still not read is a distant
    part of the body, which one not known (the code says no more), with a warning, never
    silently."""
    kb = the_kb()
    spread = _condition("m", "128462008", "Metastatic malignant neoplasm", bodySite=[body])
    reading = read_bundle(_record(RECTUM, STAGE_4, spread), kb)
    assert reading.data["metastases"] == [where, "others-not-known"], reading.data
    in_table = {"25990002", "87141009"} & {c.get("code") for c in body.get("coding", [])}
    if not in_table:
        assert any(w.startswith("Condition/m: its body site") for w in reading.warnings), (
            reading.warnings)


@pytest.mark.parametrize(
    ("system", "code", "display", "stage"),
    [
        (SNOMED, "128462008", "Metastatic malignant neoplasm", True),
        (ICD10CM, "C79.9", "Secondary malignant neoplasm of unspecified site", True),
        (ICD10CM, "C79.9", "Secondary malignant neoplasm of unspecified site", False),
        (ICD10CM, "C80.0", "Disseminated malignant neoplasm, unspecified", True),
    ],
)
def test_spread_whose_place_is_not_said_is_a_distant_part_of_the_body_which_not_known(
    system: str, code: str, display: str, stage: bool
) -> None:
    """A metastasis coded with no place (SNOMED 128462008, ICD-10 C79.9 or C80.0) and no body
    site was read as spread to another part of the body: a place outside the liver, lungs,
    bones and the rest, so liver-artery chemotherapy was not suitable (it is for spread only
    to the liver) and the drugs for spread to the bones too. It is read as a distant part of
    the body, which one not known: those options ask where, and the chemotherapy for spread
    far away is offered, with or without a stage on record."""
    kb = the_kb()
    spread = {**_condition("m", code, display), "code": _cc(system, code, display)}
    reading = read_bundle(_record(RECTUM, *([STAGE_4] if stage else []), spread), kb)
    assert reading.data["metastases"] == ["distant", "others-not-known"], reading.data
    options = {o.id: o for o in onconav.evaluate(onconav.parse_profile(reading.data, kb),
                                                 kb).options}  # fmt: skip
    for asks in ("rectum-hepatic-arterial-infusion", "general-bone-metastasis-drugs"):
        assert options[asks].status.value == "needs_information", (asks, options[asks].reasons)
        assert "metastases" in {m.fact for m in options[asks].missing}, asks
    assert options["rectum-folfiri"].status.value == "offered", options["rectum-folfiri"]
    with_liver = {**spread, "bodySite": [_cc(SNOMED, "10200004", "Liver structure")]}
    assert read_bundle(_record(RECTUM, STAGE_4, with_liver), kb).data["metastases"][0] == "liver"


@pytest.mark.parametrize("words", ["Widespread metastases",
                                   "Secondary malignant neoplasm of unknown site",
                                   "Metastatic disease to multiple sites"])  # fmt: skip
def test_words_of_spread_that_name_no_place_are_a_distant_part_of_the_body(words: str) -> None:
    """A metastasis worded with no place ("Widespread metastases") was read as another organ, a
    place outside those listed, which made liver-artery chemotherapy not suitable; it is a
    distant part of the body, which one not known, as its codes are, and the question of where
    is asked once."""
    kb = the_kb()
    spread = {**_condition("m", "x", words), "code": {"text": words}}
    reading = read_bundle(_record(RECTUM, STAGE_4, spread), kb)
    assert reading.data["metastases"] == ["distant", "others-not-known"], reading.data
    result = onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
    [hai] = [o for o in result.options if o.id == "rectum-hepatic-arterial-infusion"]
    assert hai.status.value == "needs_information", hai.reasons
    general = kb.facts["metastases"].question
    assert all(q.count(general) <= 1 and q.count(kb.facts["metastases"].ask) <= 1
               for q in result.questions), result.questions  # fmt: skip


@pytest.mark.parametrize(
    ("spread", "cancer"),
    [
        ({"code": _cc(ICD10CM, "C79.11", "Secondary malignant neoplasm of bladder")}, RECTUM),
        ({"code": _cc(SNOMED, "128462008", "Metastatic malignant neoplasm"),
          "bodySite": [_cc(SNOMED, "89837001", "Urinary bladder structure")]}, RECTUM),
        ({"code": _cc(ICD10CM, "C79.11", "Secondary malignant neoplasm of bladder")}, None),
    ],
)
def test_spread_to_an_organ_of_the_pelvis_is_spread_in_the_pelvis(
    spread: dict[str, Any], cancer: dict[str, Any] | None
) -> None:
    """Spread to the bladder or an ovary was read as another organ, far away: a pelvic
    exenteration, which removes the organs of the pelvis, was not suitable, and a cervical
    cancer with no stage on record was read as 4B (its 4A treatments not suitable). It is
    spread in the pelvis."""
    kb = the_kb()
    condition = {**_condition("m", "x", "spread"), **spread}
    primary = cancer or _condition("c", "363354003", "Malignant tumor of cervix")
    reading = read_bundle(_record(primary, *([STAGE_4] if cancer else []), condition), kb)
    assert reading.data["metastases"] == ["pelvis", "others-not-known"], reading.data
    if cancer is None:  # the cervix: not read as spread far away (stage 4B)
        assert facts_of(onconav.parse_profile(reading.data, kb), kb).row["stage"] != "4B"
        return
    profile = {**reading.data, "recurrence": "local", "metastasis_extent": "many",
               "resectable": True}  # fmt: skip
    [exenteration] = [o for o in onconav.evaluate(onconav.parse_profile(profile, kb), kb).options
                      if o.id == "rectum-pelvic-exenteration"]  # fmt: skip
    assert exenteration.status.value != "not_suitable", exenteration.reasons


def test_spread_to_an_ovary_is_another_organ_not_the_pelvis() -> None:
    """Spread to an ovary is distant for a rectal cancer (M1): read as the pelvis, surgery for
    spread to one distant organ was not suitable ("yours: pelvis"). It is another organ; the
    ovary is still in the pelvis for where radiation was aimed."""
    kb = the_kb()
    condition = {**_condition("m", "x", "spread"),
                 "code": _cc(ICD10CM, "C79.61", "Secondary malignant neoplasm of right ovary")}
    reading = read_bundle(_record(RECTUM, STAGE_4, condition), kb)
    assert reading.data["metastases"] == ["other-site", "others-not-known"], reading.data


@pytest.mark.parametrize(
    ("body", "pelvic"),
    [
        (_cc(SNOMED, "12921003", "Pelvic structure (body structure)"), True),
        ({"text": "Pelvis"}, True),
        (_cc(SNOMED, "15497006", "Ovarian structure (body structure)"), True),
        (_cc(SNOMED, "45292006", "Vulval structure (body structure)"), True),
        (_cc(SNOMED, "279763008", "Inguinofemoral lymph node group (body structure)"), True),
        (_cc(SNOMED, "25990002", "Renal pelvis structure (body structure)"), False),
        (_cc(SNOMED, "39607008", "Lung structure (body structure)"), False),
        (_cc(SNOMED, "999999999", "Some place"), None),
    ],
)
def test_radiation_aimed_at_the_pelvis_is_read_from_the_radiotherapy_sites_and_words(
    body: dict[str, Any], pelvic: bool | None
) -> None:
    """Radiation with a body site of the pelvis the table did not hold (mCODE's own radiotherapy
    sites of the ovary or vulva, or "Pelvic structure") was read as radiation, silently, leaving
    whether the pelvis was treated unknown. The radiotherapy sites of the pelvis are in the
    table, words that name the pelvis are read with a warning, and a site not read is said."""
    kb = the_kb()
    reading = read_bundle(_record(RECTUM, {**RADIOTHERAPY, "bodySite": [body]}), kb)
    had = reading.data["prior_treatments"]
    assert ("pelvic-radiation" in had) is bool(pelvic), had
    if pelvic is not True:
        assert "radiation" in had or "radiation-therapy" in had, had
    if pelvic is None:
        assert any("is not read: whether the radiation" in w for w in reading.warnings), (
            reading.warnings)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([("MedicationAdministration", "completed", {}),
                        ("MedicationStatement", "completed", {}),
                        ("MedicationRequest", "active", {}),
                        ("MedicationRequest", "stopped", STOPPED_NO_RESPONSE),
                        ("Procedure", "completed", {})]),
       st.sampled_from(["Condition/o", "Condition/c"]), st.booleans())  # fmt: skip
def test_a_treatment_or_status_of_another_cancer_is_not_read_for_the_cancer_read(
    case: tuple[str, str, dict[str, Any]], reason: str, worsened: bool
) -> None:
    """A treatment given for another cancer (its reasonReference) and a disease status of
    another cancer (its focus) are listed unused, as a result about another cancer is; given
    for the cancer read, they are read. A colon cancer's FOLFOX and its worsening were read as
    the stomach cancer's."""
    kind, status, extra = case
    about = [{"reference": reason}]
    given = (_folfox(kind, status, "2024-05-01", reasonReference=about, **extra)
             if kind != "Procedure" else [{**RADIOTHERAPY, "reasonReference": about}])
    status_of = {**WORSENED, "focus": about} if worsened else WORSENED
    reading = read_bundle(_record({**STOMACH, "onsetDateTime": "2024-04-01"},
                                  {**COLON, "onsetDateTime": "2022-01-01"}, STAGE_4, *given,
                                  status_of, NOT_A_CANCER_DRUG), the_kb())  # fmt: skip
    fields = ("prior_treatments", "progressed_on", "planned", "cannot_have")
    reasons = {u.reference: u.reason for u in reading.unused}
    if reason == "Condition/o":
        assert not any(name in reading.data for name in fields)
        for resource in given:
            ref = f"{resource['resourceType']}/{resource['id']}"
            assert "another cancer (its reasonReference, Condition/o)" in reasons[ref]
        if worsened:
            assert "another cancer (its focus, Condition/o)" in reasons["Observation/worse"]
    else:
        assert any(name in reading.data for name in fields)


def test_folfox_and_a_worsening_of_a_colon_cancer_are_not_the_stomach_cancers(
    kb: onconav.KnowledgeBase,
) -> None:
    colon = [{"reference": "Condition/o"}]
    reading = read_bundle(_record(
        {**STOMACH, "onsetDateTime": "2024-05-01"}, {**COLON, "onsetDateTime": "2022-01-01"},
        STAGE_4, *_folfox("MedicationAdministration", "completed", "2024-01-15",
                          reasonReference=colon),
        {**WORSENED, "effectiveDateTime": "2024-03-01", "focus": colon}), kb)  # fmt: skip
    assert reading.data == {"cancer": "stomach", "stage": "4"}
    about_stomach = read_bundle(_record(
        {**STOMACH, "onsetDateTime": "2024-05-01"}, {**COLON, "onsetDateTime": "2022-01-01"},
        STAGE_4, *_folfox("MedicationAdministration", "completed", "2024-01-15"),
        {**WORSENED, "effectiveDateTime": "2024-03-01"}), kb)  # fmt: skip
    assert about_stomach.data["progressed_on"] == ["folfox"]


STOMACH_ICD = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C16.9",
                           "display": "Malignant neoplasm of stomach"}]}  # fmt: skip
NAMES_A_CANCER = {
    "MedicationRequest": {"intent": "order", "reasonCode": [STOMACH_ICD],
                          "medicationCodeableConcept": _cc(RXNORM_URI, "32592", "oxaliplatin")},
    "ServiceRequest": {"intent": "order", "reasonCode": [STOMACH_ICD], "code": {"text": "scan"}},
    "Procedure": {"reasonCode": [STOMACH_ICD], "code": {"text": "endoscopy"}},
    "DiagnosticReport": {"conclusionCode": [STOMACH_ICD], "code": _cc(LOINC, "11526-1")},
}  # fmt: skip
# FHIR R4's statuses of each: those that are no fact (written in error, withdrawn, not done; a
# report not final), and the others.
STATUSES = {
    "MedicationRequest": ({"entered-in-error", "cancelled"},
                          {"active", "on-hold", "stopped", "completed", "draft", "unknown"}),
    "ServiceRequest": ({"entered-in-error", "revoked"},
                       {"draft", "active", "on-hold", "completed", "unknown"}),
    "Procedure": ({"entered-in-error", "not-done"},
                  {"preparation", "in-progress", "on-hold", "stopped", "completed", "unknown"}),
    "DiagnosticReport": ({"entered-in-error", "cancelled", "registered", "partial", "preliminary",
                          "unknown"}, {"final", "amended", "corrected", "appended"}),
}  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(NAMES_A_CANCER)), st.data())
def test_a_cancer_is_never_read_from_what_is_no_fact(kind: str, data: Any) -> None:
    """With no cancer Condition, a cancer named by an order, a procedure or a report is read
    only when the resource stands: one entered in error, cancelled, revoked or not done (a report
    not final) is named in the error, never read as the cancer; and spread of a cancer entered in
    error or refuted is not read as cancer of unknown origin. An oxaliplatin order entered in
    error gave a stomach cancer; a liver metastasis entered in error gave cancer unknown."""
    not_a_fact, fact = STATUSES[kind]
    status = data.draw(st.sampled_from(sorted(not_a_fact | fact)))
    resource = {"resourceType": kind, "id": "r", "status": status,
                "subject": {"reference": "Patient/p"}, **NAMES_A_CANCER[kind]}  # fmt: skip
    if status in fact:
        assert read_bundle(_record(resource), the_kb()).data["cancer"] == "stomach"
        return
    with pytest.raises(FhirError) as caught:
        read_bundle(_record(resource), the_kb())
    assert any(p.message.startswith(f"{kind}/r names a cancer but was not read")
               and repr(status) in p.message for p in caught.value.problems)


@pytest.mark.parametrize("verification", ["entered-in-error", "refuted"])
def test_spread_not_confirmed_alone_is_no_cancer(
    verification: str, kb: onconav.KnowledgeBase
) -> None:
    liver = {"resourceType": "Condition", "id": "m", "subject": {"reference": "Patient/p"},
             "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
                                  "code": "C78.7"}]},
             "verificationStatus": _cc(VERIFICATION, verification)}  # fmt: skip
    with pytest.raises(FhirError) as caught:
        read_bundle(_record(liver), kb)
    assert any(p.message.startswith("Condition/m is coded as a cancer but was not read")
               and verification in p.message for p in caught.value.problems)
    confirmed = read_bundle(_record({**liver, "verificationStatus": _cc(VERIFICATION,
                                                                         "confirmed")}), kb)
    assert confirmed.data == {"cancer": "unknown", "metastases": ["liver", MORE]}


def _nested_extensions(levels: int) -> list[dict[str, Any]]:
    """An extension holding an extension, ``levels`` deep (two JSON levels each)."""
    inner: list[dict[str, Any]] = [{"url": "https://example.org/leaf", "valueString": "x"}]
    for _ in range(levels):
        inner = [{"url": "https://example.org/nest", "extension": inner}]
    return inner


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=400), st.sampled_from(["Condition", "Observation"]))
def test_a_resource_nested_too_deep_is_listed_never_a_crash(levels: int, kind: str) -> None:
    """A 6 KB Condition of extensions nested 150 deep was a RecursionError (a traceback on the
    command line, 500 from the API and the CDS Hooks service): its validation went past Python's
    recursion limit. A resource nested deeper than MAX_DEPTH is listed unused with why."""
    deep = {"extension": _nested_extensions(levels)}
    cancer, stage = ({**RECTUM, **deep}, STAGE_4) if kind == "Condition" else (
        RECTUM, {**STAGE_4, **deep})  # fmt: skip
    try:
        reading = read_bundle(_record(cancer, stage), the_kb())
    except FhirError as error:  # the cancer itself too deep: no cancer, and why
        assert kind == "Condition"
        assert "nested deeper than a resource can be" in str(error)
        return
    if 2 * levels + 3 <= 64:
        assert reading.data["stage"] == "4"
    else:
        assert "stage" not in reading.data
        assert "nested deeper" in {u.reference: u.reason for u in reading.unused}[
            "Observation/stage"]


def test_a_bundle_nested_too_deep_outside_its_entries_is_an_error(
    kb: onconav.KnowledgeBase,
) -> None:
    record = {**_record(RECTUM), "meta": {"extension": _nested_extensions(400)}}
    with pytest.raises(FhirError, match="nested too deep"):
        read_bundle(record, kb)


BREAST = _condition("b", "254837009", "Malignant tumor of breast", "remission",
                    onsetDateTime="2012-01-01")  # fmt: skip


@pytest.mark.parametrize("code", ["85319-2", "85318-4"])
@pytest.mark.parametrize("cancer", [STOMACH, RECTUM, BREAST])
def test_a_her2_test_of_a_breast_cancer_specimen_is_read_for_breast_cancer_only(
    code: str, cancer: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """A HER2 test whose code names a breast cancer specimen (LOINC 85319-2, 85318-4), with no
    focus, was read as the HER2 of a stomach cancer on record beside a breast cancer treated
    years before; it is read for a breast cancer only, as the breast-only receptor tests are."""
    her2 = _observation("h", code, _cc(LOINC, "LA6576-8", "Positive"), "2012-02-01")
    reading = read_bundle(_record(cancer, STAGE_4, her2), kb)
    if cancer is BREAST:
        assert reading.data["biomarkers"] == {"her2": "positive"}
    else:
        assert "biomarkers" not in reading.data
        reason = {u.reference: u.reason for u in reading.unused}["Observation/h"]
        assert "breast cancer specimen" in reason


def test_a_breast_specimen_her2_beside_a_stomach_cancer_is_not_its_her2(
    kb: onconav.KnowledgeBase,
) -> None:
    her2 = _observation("h", "85319-2", valueString="3+", date="2012-02-01")
    reading = read_bundle(_record({**STOMACH, "onsetDateTime": "2023-01-01"}, BREAST, STAGE_4,
                                  her2), kb)  # fmt: skip
    assert reading.data["cancer"] == "stomach" and "biomarkers" not in reading.data


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["MedicationRequest"]),
       st.sampled_from(["active", "completed", "stopped", "on-hold", "draft"]))
def test_a_request_of_intent_option_is_neither_had_nor_planned(kind: str, status: str) -> None:
    """FHIR R4: a MedicationRequest of intent "option" is one of the choices of a RequestGroup,
    not an order (no one chose it yet): it was read as a treatment had. It is listed unused."""
    given = _folfox(kind, status, "2024-01-01", intent="option")
    reading = read_bundle(_record(RECTUM, STAGE_4, *given), the_kb())
    assert not {"prior_treatments", "planned", "progressed_on", "cannot_have"} & set(
        reading.data)
    reasons = {u.reference: u.reason for u in reading.unused}
    assert all("intent 'option'" in reasons[f"{kind}/{r['id']}"] for r in given)
    order = read_bundle(_record(RECTUM, STAGE_4, *_folfox(kind, status, "2024-01-01")),
                        the_kb())  # fmt: skip
    assert {"prior_treatments", "planned"} & set(order.data)


SUBJECTS = [  # (subject, whether it is a reference to a Patient)
    ({"reference": "Patient/p"}, True),
    ({"reference": "https://ehr.example.org/fhir/Patient/p"}, True),
    ({"reference": "Patient/p", "display": "Ada"}, True),
    ({"identifier": {"system": "https://hospital.example.org/mrn", "value": "999"},
      "display": "Someone Else"}, False),
    ({"display": "Other Person"}, False),
    ({"reference": "Group/g1"}, False),
    ({"reference": "urn:uuid:6f1c2d4e-0000-4000-8000-000000000000"}, False),
]  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SUBJECTS), st.sampled_from(["subject of the stage", "subject of a drug"]))
def test_a_resource_not_about_a_patient_reference_is_not_read_as_this_persons(
    case: tuple[dict[str, Any], bool], which: str
) -> None:
    """A stage whose subject named someone else by identifier, a Group, only a name, or a
    urn:uuid not among the resources was read as this person's, with no word. Only a subject that
    is a reference to a Patient is read; the others are listed unused with why."""
    subject, read = case
    stage, drug = STAGE_4, _folfox("MedicationAdministration", "completed", "2024-01-01")[0]
    if which == "subject of the stage":
        stage = {**stage, "subject": subject}
    else:
        drug = {**drug, "subject": subject}
    reading = read_bundle(_record(RECTUM, stage, drug), the_kb())
    field, ref = (("stage", "Observation/stage") if which == "subject of the stage"
                  else ("prior_treatments", f"MedicationAdministration/{drug['id']}"))
    assert (field in reading.data) == read
    if not read:
        reason = {u.reference: u.reason for u in reading.unused}[ref]
        assert "is not a reference to a Patient" in reason


# A subject that is no reference at all: text, a number, a reference that is not text, a list
# holding such (whom the resource is about cannot be read: broken, not someone else's)
UNREADABLE_SUBJECTS = ["Patient/p", 5, {"reference": 5}, [{"reference": "Patient/p"}, "p"]]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(UNREADABLE_SUBJECTS),
       st.sampled_from(["the cancer", "the stage", "a drug"]))  # fmt: skip
def test_a_resource_whose_subject_cannot_be_read_is_warned_of_not_dropped_without_a_word(
    subject: object, which: str
) -> None:
    """A Condition of the primary cancer whose ``subject`` was "Patient/x" (text, not a
    Reference) was dropped with no warning, as if it could be about someone else, and the
    record was then said to hold no cancer Condition, the cancer read from an order's reason,
    the stage lost (a review). A subject that cannot be read is broken FHIR: the resource is
    warned of as not read, and, for the cancer, the warning about the order names it."""
    cancer, stage = dict(RECTUM), dict(STAGE_4)
    drug = _folfox("MedicationAdministration", "completed", "2024-01-01")[0]
    order = {"resourceType": "ServiceRequest", "id": "surgery", "status": "active",
             "intent": "order", "subject": {"reference": "Patient/p"},
             "code": {"text": "bowel resection"},
             "reasonCode": [{"coding": [{"system": ICD10CM, "code": "C20"}]}]}  # fmt: skip
    changed = {"the cancer": cancer, "the stage": stage, "a drug": drug}[which]
    changed["subject"] = subject
    reading = read_bundle(_record(cancer, stage, drug, order), the_kb())
    ref = f"{changed['resourceType']}/{changed['id']}"
    said = [w for w in reading.warnings if ref in w]
    assert said, reading.warnings
    assert "not valid FHIR R4: subject" in said[0]
    assert "Invalid JSON" not in said[0] and "instance of Reference" not in said[0]
    if which == "the cancer":
        assert not any("no cancer Condition is on record" in w for w in reading.warnings)
        assert said[0].startswith("no cancer Condition could be read (coded as a cancer but "
                                  "not read: Condition/c")


# A test of several RAS genes found positive does not say which gene is changed (the words
# "RAS mutated" are not read as KRAS mutated either); negative for all of them is KRAS wild-type.
SEVERAL_GENES = [row for row in load_tables().rows
                 if row.table == "observations" and len(row.meaning.get("genes", ())) > 1]
NRAS_GENE = {"code": _cc(LOINC, "48018-6"),
             "valueCodeableConcept": _cc("http://www.genenames.org", "HGNC:7989", "NRAS")}
POSITIVE_FORMS = [{"valueCodeableConcept": _cc(LOINC, "LA6576-8", "Positive")},
                  {"valueCodeableConcept": PRESENT}, {"valueString": "positive"},
                  {"valueString": "mutation detected"}, {"valueString": "G12D"},
                  {"valueCodeableConcept": {"text": "p.Gly12Asp"}}]  # fmt: skip
NEGATIVE_FORMS = [{"valueCodeableConcept": _cc(LOINC, "LA6577-6", "Negative")},
                  {"valueCodeableConcept": ABSENT}, {"valueString": "not detected"},
                  {"valueString": "RAS wild-type"}]  # fmt: skip


def test_the_tables_name_the_tests_of_several_genes() -> None:
    assert [row.code for row in SEVERAL_GENES] == ["81420-2"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SEVERAL_GENES), st.sampled_from(POSITIVE_FORMS + NEGATIVE_FORMS))
def test_a_change_found_by_a_test_of_several_ras_genes_is_not_read_as_kras(
    row: Any, value: dict[str, Any]
) -> None:
    """A KRAS and NRAS test (LOINC 81420-2) answered Positive was read as KRAS mutated, where
    the words "RAS mutated" are refused as not saying which gene: KRAS is left unknown, with a
    warning. Negative for both genes is KRAS wild-type."""
    test = _observation("r", row.code, **value)
    reading = read_bundle(_record(RECTUM, STAGE_4, test), the_kb())
    kras = reading.data.get("biomarkers", {}).get("kras")
    if value in NEGATIVE_FORMS:
        assert kras == "wild-type"
    else:
        assert kras is None
        assert "which gene" in {u.reference: u.reason for u in reading.unused}["Observation/r"]
        assert any("KRAS is left unknown" in w for w in reading.warnings)


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [("81420-2", {"valueCodeableConcept": _cc(LOINC, "LA6576-8", "Positive")}, None),
     ("81420-2", {"valueString": "KRAS G12D"}, "mutated"),  # it says which gene
     ("81420-2", {"valueString": "NRAS Q61K"}, None),
     ("21702-6", {"valueCodeableConcept": _cc(LOINC, "LA6576-8", "Positive")}, "mutated"),
     ("21702-6", {"valueString": "G12D"}, "mutated")],
)  # fmt: skip
def test_a_kras_and_nras_test_is_kras_mutated_only_when_it_names_kras(
    code: str, value: dict[str, Any], expected: str | None, kb: onconav.KnowledgeBase
) -> None:
    reading = read_bundle(_record(RECTUM, STAGE_4, _observation("r", code, **value)), kb)
    assert reading.data.get("biomarkers", {}).get("kras") == expected


@pytest.mark.parametrize(("value", "expected"), [(PRESENT, None), (ABSENT, "wild-type")])
def test_one_variant_of_kras_and_nras_studied_is_not_kras_mutated(
    value: dict[str, Any], expected: str | None, kb: onconav.KnowledgeBase
) -> None:
    variant = _observation("v", "69548-6", value, component=[KRAS_GENE, NRAS_GENE])
    reading = read_bundle(_record(RECTUM, STAGE_4, variant), kb)
    assert reading.data.get("biomarkers", {}).get("kras") == expected
    if expected is None:
        assert "KRAS and NRAS" in {u.reference: u.reason for u in reading.unused}["Observation/v"]


# A GenomicVariant's genomic source class (LOINC 48002-0): germline (inherited) or somatic (the
# tumour's own change), as mCODE's examples give it
SOURCE_CLASS = "48002-0"
GERMLINE, SOMATIC = _cc(LOINC, "LA6683-2", "Germline"), _cc(LOINC, "LA6684-0", "Somatic")
GERMLINE_REASON = "a germline (inherited) variant: the tumour's own test decides KRAS/HER2"
UNCLEAR_REASON = ("a variant whose source class says both germline and somatic (tumour), so "
                  "which is not clear: the tumour's own test decides KRAS/HER2")  # fmt: skip
ERBB2_GENE = {"code": _cc(LOINC, "48018-6"),
              "valueCodeableConcept": _cc("http://www.genenames.org", "HGNC:3430", "ERBB2")}
COPY_GAIN = {"code": _cc(LOINC, "48019-4"),
             "valueCodeableConcept": _cc("http://www.sequenceontology.org", "SO:0001742",
                                         "copy_number_gain")}  # fmt: skip


def _source_class(source: dict[str, Any] | str | None) -> list[dict[str, Any]]:
    """The source class component: a CodeableConcept, words as a ``valueString``, or none."""
    if source is None:
        return []
    said = {"valueString": source} if isinstance(source, str) else {
        "valueCodeableConcept": source}  # fmt: skip
    return [{"code": _cc(LOINC, SOURCE_CLASS), **said}]


@pytest.mark.parametrize(
    ("gene", "value", "source", "expected"),
    [
        ("kras", PRESENT, GERMLINE, None),
        ("kras", ABSENT, GERMLINE, None),  # not wild-type either
        ("kras", PRESENT, SOMATIC, "mutated"),
        ("kras", ABSENT, SOMATIC, "wild-type"),
        ("kras", PRESENT, None, "mutated"),
        ("kras", ABSENT, None, "wild-type"),
        ("erbb2", PRESENT, GERMLINE, None),
        ("erbb2", ABSENT, GERMLINE, None),
        ("erbb2", PRESENT, SOMATIC, "positive"),
        ("erbb2", PRESENT, None, "positive"),
        # in a code no table reads, or in words only: germline when the words say so
        ("kras", PRESENT, {"text": "Germline"}, None),
        ("kras", ABSENT, "inherited", None),
        ("kras", PRESENT, _cc("http://example.org/lab", "G", "Germ-line"), None),
        ("kras", PRESENT, _cc(LOINC, "LA18194-3", "Likely germline"), None),
        ("erbb2", PRESENT, {"text": "Constitutional variant"}, None),
        ("kras", PRESENT, _cc("http://example.org/lab", "S"), "mutated"),
        ("kras", PRESENT, {"text": "Tumour"}, "mutated"),
        ("kras", ABSENT, {"text": "Somatic, not germline"}, "wild-type"),
        ("erbb2", PRESENT, "non-inherited", "positive"),
        # words of somatic or tumour decide; a germline word denied within three words before
        # it is no germline (these had been read as germline, a known KRAS result left out)
        ("kras", PRESENT, "Somatic (no germline variant found)", "mutated"),
        ("kras", ABSENT, "tumour; not a germline variant", "wild-type"),
        ("kras", PRESENT, "negative for a germline variant", "mutated"),
        ("kras", ABSENT, "Without an inherited cause", "wild-type"),
        ("kras", PRESENT, "Absent germline mutation", "mutated"),
        ("erbb2", PRESENT, _cc("http://example.org/lab", "NG", "No germ line variant"),
         "positive"),
        ("kras", PRESENT, "not known to be a germline variant", None),  # four words before
        ("kras", PRESENT, "Germline; no other change", None),  # the negation is after it
        # the code decides over its words
        ("kras", PRESENT, _cc(LOINC, "LA6684-0", "Germline"), "mutated"),
    ],
)  # fmt: skip
def test_a_germline_variant_is_not_the_tumours_kras_or_her2(
    gene: str, value: dict[str, Any], source: dict[str, Any] | str | None, expected: str | None,
    kb: onconav.KnowledgeBase,
) -> None:
    """A germline KRAS variant was read as KRAS mutated (cetuximab and panitumumab not
    suitable), a germline ERBB2 gain as HER2 positive (trastuzumab offered): an inherited
    variant is not the tumour's status, which the tumour's own test decides. Somatic, or no
    source class given, is read as before."""
    cancer, parts, field = ((RECTUM, [KRAS_GENE], "kras") if gene == "kras"
                            else (STOMACH, [ERBB2_GENE, COPY_GAIN], "her2"))  # fmt: skip
    variant = _observation("v", "69548-6", value, component=[*parts, *_source_class(source)])
    reading = read_bundle(_record(cancer, STAGE_4, variant), kb)
    assert reading.data.get("biomarkers", {}).get(field) == expected, reading.data
    reason = {u.reference: u.reason for u in reading.unused}.get("Observation/v")
    assert (reason == GERMLINE_REASON) is (expected is None and source is not SOMATIC), reason
    if gene == "kras" and value is PRESENT:
        options = dict(statuses(reading.data, kb))
        asked = "needs_information" if expected is None else "not_suitable"
        assert options["rectum-cetuximab-irinotecan"] == asked, options


def test_a_germline_variant_leaves_the_tumours_own_test_to_decide(
    kb: onconav.KnowledgeBase,
) -> None:
    """A germline KRAS variant absent beside the tumour's KRAS G12C: mutated, as the tumour's
    test says, not two results that disagree."""
    germline = _observation("g", "69548-6", ABSENT,
                            component=[KRAS_GENE, *_source_class(GERMLINE)])  # fmt: skip
    tumour = _observation("t", "21702-6", {"text": "KRAS G12C"})
    reading = read_bundle(_record(RECTUM, STAGE_4, germline, tumour), kb)
    assert reading.data["biomarkers"] == {"kras": "mutated"}
    assert reading.sources["biomarkers.kras"] == ["Observation/t"]
    assert {u.reference: u.reason for u in reading.unused}["Observation/g"] == GERMLINE_REASON
    assert not [w for w in reading.warnings if "disagree" in w], reading.warnings


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        # a somatic word denied: germline (the somatic word had decided, and a germline KRAS
        # variant absent was read as wild-type, panitumumab offered)
        ("Germline (not somatic)", GERMLINE_REASON),
        ("Germline, not somatic", GERMLINE_REASON),
        ("not somatic; germline", GERMLINE_REASON),
        ("Non-somatic (germline)", GERMLINE_REASON),
        ("germline, not tumour-specific", GERMLINE_REASON),
        ("Germline variant; no tumor testing done", GERMLINE_REASON),
        # germline and somatic both said: which is not clear
        ("Germline, confirmed in tumour-normal paired sequencing", UNCLEAR_REASON),
        ("Inherited; also present in the tumor", UNCLEAR_REASON),
        ("Constitutional (found in blood and tumour)", UNCLEAR_REASON),
        # a germline word followed in its clause by words that it was not done, negative,
        # excluded or not known: not said, the tumour's (they had been unclear)
        ("Tumor-derived, germline testing pending", None),
        ("Somatic; germline not tested", None), ("Somatic (germline status unknown)", None),
        ("Somatic variant, germline origin excluded", None), ("Tumor, germline negative", None),
        ("Somatic. Germline testing: negative", None),
        ("Tumour only sequencing (germline not assessed)", None),
        ("germline not excluded", GERMLINE_REASON),
        # words of inheritance other than germline
        ("Hereditary", GERMLINE_REASON), ("Heritable", GERMLINE_REASON),
        ("Familial", GERMLINE_REASON), ("Germinal", GERMLINE_REASON),
        # a somatic word denied and no germline word: not clear (had been the tumour's)
        ("Not somatic", UNCLEAR_REASON), ("non tumour", UNCLEAR_REASON),
        # a germline word denied: the tumour's (ec0afe7's, still read)
        ("Somatic (no germline variant found)", None),
        ("tumour; not a germline variant", None),
    ],
)  # fmt: skip
@pytest.mark.parametrize("value", [PRESENT, ABSENT])
def test_a_denied_somatic_word_decides_nothing_and_germline_beside_somatic_is_unclear(
    source: str, reason: str | None, value: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """Words of somatic or tumour had decided before any negation: "Germline, not somatic" and
    "Inherited; also present in the tumor" of a KRAS variant absent were read as wild-type and
    panitumumab offered. A somatic word denied within three words before it, in its clause, is
    no somatic word; undenied germline and somatic words both leave the variant unread, listed
    unused (the source class is not clear: the tumour's own test decides)."""
    variant = _observation("v", "69548-6", value, component=[KRAS_GENE, *_source_class(source)])
    reading = read_bundle(_record(RECTUM, STAGE_4, variant), kb)
    assert {u.reference: u.reason for u in reading.unused}.get("Observation/v") == reason
    kras = reading.data.get("biomarkers", {}).get("kras")
    read = "mutated" if value is PRESENT else "wild-type"
    assert kras == (read if reason is None else None), (source, reading.data)
    options = dict(statuses(reading.data, kb))
    if reason is not None:
        assert options["rectum-panitumumab"] == "needs_information", options


GERMLINE_SAID = [GERMLINE, {**GERMLINE, "text": "Germline"}, {"text": "germline"},
                 {"text": "Germ line"}, {"text": "INHERITED"}, "Constitutional",
                 _cc("http://example.org/lab", "G1", "Likely germline")]  # fmt: skip
VARIANT_VALUES = [PRESENT, ABSENT, _cc(LOINC, "LA6576-8", "Positive"),
                  _cc(LOINC, "LA6577-6", "Negative"), _cc(SNOMED, "10828004", "Positive"),
                  {"text": "Present"}, None]  # fmt: skip
OTHER_PARTS = [COPY_GAIN, {"code": _cc(LOINC, SIGNIFICANCE),
                           "valueCodeableConcept": _cc(LOINC, "LA6668-3", "Pathogenic")},
               {"code": _cc(LOINC, "48005-3"),
                "valueCodeableConcept": _cc("http://varnomen.hgvs.org", "p.Gly12Asp")}]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(GERMLINE_SAID), st.sampled_from([[KRAS_GENE], [ERBB2_GENE],
                                                        [KRAS_GENE, ERBB2_GENE]]),
       st.sampled_from(VARIANT_VALUES), st.lists(st.sampled_from(OTHER_PARTS), unique_by=str),
       st.sampled_from([RECTUM, STOMACH]), st.booleans())  # fmt: skip
def test_a_germline_variant_never_sets_kras_or_her2(
    source: dict[str, Any] | str, genes: list[dict[str, Any]], value: dict[str, Any] | None,
    others: list[dict[str, Any]], cancer: dict[str, Any], source_first: bool,
) -> None:
    """Whatever gene, value and other components a GenomicVariant has, germline (coded, or in
    words) never sets KRAS or HER2, and it is listed unused saying why; the same variant somatic
    is read as it is with no source class."""
    said = _source_class(source)
    parts = [*said, *genes, *others] if source_first else [*genes, *others, *said]
    variant = _observation("v", "69548-6", value, component=parts)
    reading = read_bundle(_record(cancer, STAGE_4, variant), the_kb())
    assert not reading.data.get("biomarkers"), reading.data
    assert {u.reference: u.reason for u in reading.unused}["Observation/v"] == GERMLINE_REASON
    somatic = [*genes, *others, *_source_class(SOMATIC)]
    unsaid = read_bundle(_record(cancer, STAGE_4, {**variant, "component": [*genes, *others]}),
                         the_kb())  # fmt: skip
    read = read_bundle(_record(cancer, STAGE_4, {**variant, "component": somatic}), the_kb())
    assert read.data == unsaid.data
    assert read.unused == unsaid.unused


NEGATIONS = ["no", "not", "non", "without", "negative for", "absent", "Not", "NO"]
GERMLINE_NAMES = ["germline", "germ-line", "Germ line", "inherited", "constitutional"]
FILLERS = ["a", "known", "pathogenic", "the", "any", "variant"]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(NEGATIONS), st.data(), st.sampled_from(GERMLINE_NAMES),
       st.sampled_from(["", "Somatic", "tumour", "Tumor"]), st.sampled_from([PRESENT, ABSENT]),
       st.booleans())  # fmt: skip
def test_words_that_deny_germline_or_say_somatic_read_as_somatic(
    negation: str, data: Any, name: str, somatic: str, value: dict[str, Any], coded: bool
) -> None:
    """Words of a source class that deny germline within three words before it ("no", "not",
    "non", "without", "negative for", "absent"), with or without somatic or tumour before
    them, are read as the somatic code is: KRAS is read. "Somatic (no germline variant
    found)" had been read as germline, and a known KRAS result left out."""
    room = 3 - len(negation.split())  # the words that may stand between
    fillers = data.draw(st.lists(st.sampled_from(FILLERS), max_size=room))
    words_ = " ".join([somatic, negation, *fillers, name, "variant"]).strip()
    said = _cc("http://example.org/lab", "X", words_) if coded else words_
    parts = [KRAS_GENE, *_source_class(said)]
    reading = read_bundle(_record(RECTUM, STAGE_4, _observation("v", "69548-6", value,
                                                                component=parts)), the_kb())
    read = read_bundle(_record(RECTUM, STAGE_4, _observation(
        "v", "69548-6", value, component=[KRAS_GENE, *_source_class(SOMATIC)])), the_kb())
    assert reading.data == read.data, (words_, reading.data)
    assert reading.unused == read.unused
    unsaid = " ".join([*fillers, name, "variant"])  # the same words with no negation
    germline = read_bundle(_record(RECTUM, STAGE_4, _observation(
        "v", "69548-6", value, component=[KRAS_GENE, *_source_class(unsaid)])), the_kb())
    assert not germline.data.get("biomarkers"), (unsaid, germline.data)


SOMATIC_NAMES = ["somatic", "Somatic", "tumour", "Tumor", "tumor"]
CLAUSE_BREAKS = [", ", "; ", " (", ": ", ". "]


def _class_words(data: Any, names: list[str]) -> tuple[str, bool]:
    """Words naming a source class (one of ``names``), denied or not: the words and whether
    they stand undenied."""
    negation = data.draw(st.sampled_from(["", *NEGATIONS]))
    fillers = data.draw(st.lists(st.sampled_from(FILLERS), max_size=3 - len(negation.split())))
    name = data.draw(st.sampled_from(names))
    return " ".join([negation, *fillers, name, "variant"]).strip(), not negation


@settings(max_examples=120, deadline=None)
@given(st.data(), st.booleans(), st.sampled_from(CLAUSE_BREAKS),
       st.sampled_from([PRESENT, ABSENT]))  # fmt: skip
def test_germline_and_somatic_words_each_count_only_undenied(
    data: Any, germline_first: bool, between: str, value: dict[str, Any]
) -> None:
    """Whatever germline and somatic words a source class holds, each denied or not, in either
    order, in clauses of their own: only undenied germline words make it germline (listed
    unused), only undenied somatic words, or neither, the tumour's (read as the somatic code
    is), both undenied not clear (listed unused, KRAS not read). A somatic word had decided
    before a negation ("Germline, not somatic" read as the tumour's)."""
    germline, germline_said = _class_words(data, GERMLINE_NAMES)
    somatic, somatic_said = _class_words(data, SOMATIC_NAMES)
    words_ = between.join([germline, somatic] if germline_first else [somatic, germline])
    reading = read_bundle(_record(RECTUM, STAGE_4, _observation(
        "v", "69548-6", value, component=[KRAS_GENE, *_source_class(words_)])), the_kb())
    reason = {u.reference: u.reason for u in reading.unused}.get("Observation/v")
    if germline_said:
        assert reason == (UNCLEAR_REASON if somatic_said else GERMLINE_REASON), (words_, reason)
        assert not reading.data.get("biomarkers"), (words_, reading.data)
        return
    read = read_bundle(_record(RECTUM, STAGE_4, _observation(
        "v", "69548-6", value, component=[KRAS_GENE, *_source_class(SOMATIC)])), the_kb())
    assert reading.data == read.data, (words_, reading.data)
    assert reading.unused == read.unused


CERVIX = _condition("c", "363354003", "Malignant tumor of cervix")
SOMEWHERE = _condition("c", "363346000", "Malignant neoplastic disease")  # where: not said
SPECIMEN_OF = {"breast": BREAST, "colorectal": RECTUM}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([row for row in load_tables().rows if row.get("specimen")]),
       st.sampled_from([STOMACH, RECTUM, CERVIX, BREAST, {**COLON, "id": "c"}, SOMEWHERE]))
def test_a_test_of_a_cancer_specimen_is_read_for_that_cancer_only(
    row: Any, cancer: dict[str, Any]
) -> None:
    """A test whose code names the specimen of one cancer (a HER2 test "in Breast cancer
    specimen", a KRAS test "in Colorectal cancer specimen", LOINC 85509-8) is read for that
    cancer only: the KRAS of a colorectal specimen was read for a stomach cancer."""
    positive = _cc(LOINC, "LA6576-8", "Positive")
    test = _observation("t", row.code, positive)
    reading = read_bundle(_record(cancer, STAGE_4, test), the_kb())
    mine = reading.data["cancer"] in {"breast": ("breast",),
                                      "colorectal": ("colon", "rectum")}[row.get("specimen")]
    assert ("biomarkers" in reading.data) == mine
    if not mine:
        reason = {u.reference: u.reason for u in reading.unused}["Observation/t"]
        assert f"{row.get('specimen')} cancer specimen" in reason
        assert "of the unknown" not in reason, reason  # "whose start is not known"


def test_a_kras_test_of_a_colorectal_specimen_is_not_a_stomach_cancers(
    kb: onconav.KnowledgeBase,
) -> None:
    kras = _observation("t", "85509-8", {"text": "KRAS G12D"})
    assert "biomarkers" not in read_bundle(_record(STOMACH, STAGE_4, kras), kb).data
    assert read_bundle(_record(RECTUM, STAGE_4, kras), kb).data["biomarkers"] == {
        "kras": "mutated"}


# ---- dates: compared as instants in UTC, not as text ---------------------------------------

BASE = datetime(2023, 1, 10, tzinfo=UTC)
OFFSETS = [-12 * 60, -5 * 60, -3 * 60 - 30, 0, 60, 5 * 60 + 30, 9 * 60 + 45, 14 * 60]


def _written(at: datetime, minutes: int | None) -> str:
    """An instant as FHIR writes it, in the time zone ``minutes`` from UTC (None: its UTC day)."""
    if minutes is None:
        return at.date().isoformat()
    return at.astimezone(timezone(timedelta(minutes=minutes))).isoformat()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["stage-4", "stage-2", "er+", "er-", "pr-", "folfox",
                                           "worse"]),
                          st.integers(0, 96), st.booleans(), st.sampled_from(OFFSETS)),
                min_size=2, max_size=7))  # fmt: skip
def test_the_order_of_records_does_not_depend_on_the_time_zone_written(
    records: list[tuple[str, int, bool, int]],
) -> None:
    """Dates were compared as text: stage 4 at 2023-01-11T01:00:00+00:00 and stage IIA at
    2023-01-10T23:00:00-05:00 (the later instant) read stage 4 and called IIA earlier. Every
    record written in another time zone (the same instants) reads the same: the stage, the
    hormone receptors, what a worsening is blamed on, and every reason and warning."""
    values = {"stage-4": _cc("http://cancerstaging.org", "4", "IV"), "stage-2": STAGE_IIB}

    def record(zone: bool) -> dict[str, Any]:
        made: list[dict[str, Any]] = [_condition("c", "254837009", "Malignant tumor of breast",
                                                 onsetDateTime="2022-01-01")]  # fmt: skip
        for i, (kind, hours, timed, minutes) in enumerate(records):
            when = _written(BASE + timedelta(hours=hours), (minutes if zone else 0) if timed
                            else None)  # fmt: skip
            if kind.startswith("stage"):
                made.append(_observation(f"s{i}", "399588009", values[kind], when,
                                         system=SNOMED))  # fmt: skip
            elif kind in ("er+", "er-", "pr-"):
                made.append(_receptor(f"r{i}", ER if kind.startswith("er") else PR,
                                      "positive" if kind == "er+" else "negative",
                                      effectiveDateTime=when, subject={"reference": "Patient/p"}))
            elif kind == "folfox":
                made += [{**r, "id": f"{r['id']}-{i}"} for r in _folfox(
                    "MedicationAdministration", "completed", when)]  # fmt: skip
            else:
                made.append({**WORSENED, "id": f"w{i}", "effectiveDateTime": when})
        return _record(*made)

    in_utc, in_zones = (read_bundle(record(zone), the_kb()) for zone in (False, True))
    assert in_zones.data == in_utc.data
    assert in_zones.sources == in_utc.sources
    assert in_zones.unused == in_utc.unused
    assert in_zones.warnings == in_utc.warnings


@pytest.mark.parametrize(
    ("first", "then", "stage", "warning"),
    [
        # the reviewer's: IIA at 04:00 UTC on the 11th (written -05:00) is after IV at 01:00 UTC
        ("2023-01-11T01:00:00+00:00", "2023-01-10T23:00:00-05:00", None,
         "a later record says a lower stage"),
        ("2023-01-11T01:00:00+00:00", "2023-01-11T03:00:00+05:00", "4", None),  # 22:00 the 10th
        # a date and a time on that (UTC) day cannot be ordered: of one date, the most advanced
        ("2023-01-10", "2023-01-10T08:00:00Z", "4", "of the same date disagree"),
        ("2023-01-10T08:00:00Z", "2023-01-10", "4", "of the same date disagree"),
        ("2023-01-10", "2023-01-11T02:00:00+05:00", "4", "of the same date disagree"),
        ("2023-01", "2023-01-20", "4", "of the same date disagree"),  # a month and a day in it
        ("2023-01-10", "2023-01-11T00:00:00Z", None, "a later record says a lower stage"),
    ],
)  # fmt: skip
def test_stage_dates_are_compared_as_instants_in_utc(
    first: str, then: str, stage: str | None, warning: str | None, kb: onconav.KnowledgeBase
) -> None:
    """Stage IV dated ``first``, stage IIB dated ``then``."""
    four = _observation("s4", "399588009", _cc("http://cancerstaging.org", "4", "IV"), first,
                        system=SNOMED)  # fmt: skip
    two = _observation("s2", "399588009", STAGE_IIB, then, system=SNOMED)
    reading = read_bundle(_record(RECTUM, four, two), kb)
    assert reading.data.get("stage") == stage
    if warning is None:
        assert not any("disagree" in w for w in reading.warnings)
    else:
        assert any(warning in w for w in reading.warnings)


def test_the_latest_receptor_result_is_the_later_instant(kb: onconav.KnowledgeBase) -> None:
    """ER negative at 04:00 UTC (written 23:00 -05:00 the day before) is later than ER positive
    at 01:00 UTC: with PR negative, not hormone-sensitive (it read the positive as the latest)."""
    data = bundle("breast-bone-metastases")
    data["entry"] += [
        {"resource": _receptor("er-1", ER, "positive",
                               effectiveDateTime="2024-05-02T01:00:00+00:00")},
        {"resource": _receptor("er-2", ER, "negative",
                               effectiveDateTime="2024-05-01T23:00:00-05:00")},
        {"resource": _receptor("pr", PR, "negative", effectiveDateTime="2024-05-02")}]
    reading = read_bundle(data, kb)
    assert reading.data["hormone_sensitive"] is False
    assert "the latest decides" in {u.reference: u.reason for u in reading.unused}[
        "Observation/er-1"]  # fmt: skip


# ---- a stage's words that deny or doubt it ------------------------------------------------


def _stage_text(text: str, code: str = "399588009") -> dict[str, Any]:
    """A stage group (or, with 399387003, a cM category) written in words only."""
    return _observation("s", code, {"text": text}, system=SNOMED)


@pytest.mark.parametrize(("text", "code"), [
    ("not stage IV", "399588009"), ("No stage IV disease", "399588009"),
    ("stage IV ruled out", "399588009"), ("r/o stage IV", "399588009"),
    ("stage IV?", "399588009"), ("possible stage IV", "399588009"),
    ("no M1", "399387003"), ("M1 excluded", "399387003"), ("cM1 suspected", "399387003"),
    # read as M1 until a review (2026-12-02)
    ("M1 status: negative", "399387003"), ("cM1 unlikely", "399387003"),
    ("M1: absent", "399387003"), ("stage IV unlikely", "399588009"),
    ("Distant metastasis (M1): absent", "399387003"), ("M1 (absent)", "399387003"),
    ("M1 - absent", "399387003"), ("M1, absent", "399387003"), ("M1; negative", "399387003"),
    ("M1 status = negative", "399387003"),
])  # fmt: skip
def test_a_stage_denied_or_doubted_in_words_is_not_read(
    kb: onconav.KnowledgeBase, text: str, code: str
) -> None:
    """'not stage IV' was read as stage 4 (the words before "stage" were cut away unread): a
    stage or M category whose words deny or doubt it is not read, and the record says why."""
    reading = read_bundle(_record(RECTUM, _stage_text(text, code)), kb)
    assert "stage" not in reading.data
    assert f"not so, or not sure: {text!r}" in {u.reference: u.reason
                                                 for u in reading.unused}["Observation/s"]


@pytest.mark.parametrize(("text", "code", "stage"), [
    ("Stage IV (qualifier value)", "399588009", "4"), ("AJCC stage IVB", "399588009", "4"),
    ("cT3 cN1 cM1", "399387003", "4"),
    # words of something else beside the stage (a review found these refused as denying it)
    ("Stage IV, not resectable", "399588009", "4"), ("Stage IV - non-operable", "399588009", "4"),
    ("Stage IVB (no longer responding to treatment)", "399588009", "4"),
    ("not resectable; stage IV", "399588009", "4"), ("cM1, no bone spread", "399387003", "4"),
    ("Stage IV HER2 negative adenocarcinoma", "399588009", "4"),
    # a result of another test beside the stage (a review found these read as denying it)
    ("Stage IV HER2 status negative adenocarcinoma", "399588009", "4"),
    ("Stage IV gastric adenocarcinoma HER2: negative", "399588009", "4"),
    ("Stage IV KRAS status negative", "399588009", "4"), ("Stage IV PD-L1 is negative",
                                                          "399588009", "4"),
    ("Stage IV unlikely to be resectable", "399588009", "4"),
])  # fmt: skip
def test_a_stage_in_plain_words_is_still_read(
    kb: onconav.KnowledgeBase, text: str, code: str, stage: str
) -> None:
    assert read_bundle(_record(RECTUM, _stage_text(text, code)), kb).data["stage"] == stage


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["not", "no", "without", "negative for", "r/o", "possible", "?", "unlikely",
                        "suspected", "probable"]),
       st.sampled_from(["stage IV", "Stage 4", "FIGO stage IVB", "stage IVA"]),
       st.booleans())  # fmt: skip
def test_no_stage_is_read_from_words_that_deny_or_doubt_it(
    word: str, stage: str, after: bool
) -> None:
    text = f"{stage} {word}" if after else f"{word} {stage}"
    for cancer in (RECTUM, _condition("c", "363354003", "Malignant tumor of cervix")):
        reading = read_bundle(_record(cancer, _stage_text(text)), the_kb())
        assert "stage" not in reading.data, text


@pytest.mark.parametrize("text", ["not stage IV", "Stage IV?"])
def test_a_cancers_own_stage_denied_in_words_is_not_read(
    text: str, kb: onconav.KnowledgeBase
) -> None:
    """Said once, why: it was said a second time as a stage "onconav cannot read"."""
    cancer = {**RECTUM, "stage": [{"summary": {"text": text}}]}
    reading = read_bundle(_record(cancer), kb)
    assert "stage" not in reading.data
    about = [w for w in reading.warnings if "stage" in w and "Condition/c" in w]
    assert len(about) == 1 and about[0].startswith("the stage of Condition/c is not read"), about


# ---- treatments dated after today ----------------------------------------------------------

TODAY = datetime(2030, 6, 15).date()
SURGERY = {"resourceType": "Procedure", "id": "op", "status": "completed",
           "subject": {"reference": "Patient/p"}, "reasonReference": [{"reference": "Condition/c"}],
           "category": _cc(SNOMED, "387713003", "Surgical procedure")}  # fmt: skip


def _given_on(kind: str, when: str) -> dict[str, Any]:
    """One treatment had, dated ``when``: a drug record of ``kind`` completed, or surgery."""
    if kind == "Procedure":
        return {**SURGERY, "performedDateTime": when}
    return _folfox(kind, "completed", when)[2]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["MedicationAdministration", "MedicationStatement", "MedicationRequest",
                        "Procedure"]),
       st.integers(-400, 400), st.sampled_from([None, *OFFSETS]))  # fmt: skip
def test_a_treatment_dated_after_today_is_read_with_a_warning(
    kind: str, hours: int, minutes: int | None
) -> None:
    """A completed administration dated 2099 was read as a treatment had with no word: it is
    still read (a drug given is not dropped), with a warning naming it and the date, when its
    date is after today's date in UTC (a date only: its day after today)."""
    at = datetime(2030, 6, 16, tzinfo=UTC) + timedelta(hours=hours)
    when = _written(at, minutes)
    resource = _given_on(kind, when)
    with mock.patch("onconav.fhir.reader._today", return_value=TODAY):
        reading = read_bundle(_record(RECTUM, STAGE_4, resource), the_kb())
    assert reading.data["prior_treatments"]
    ref = f"{kind}/{resource['id']}"
    said = [w for w in reading.warnings if w.startswith(ref) and "still to come" in w]
    to_come = at >= datetime(2030, 6, 16, tzinfo=UTC)  # its UTC day (or its day) is after today
    assert bool(said) == to_come
    if said:
        assert when in said[0]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["stage", "condition", "kras"]), st.integers(-400, 400),
       st.sampled_from([None, *OFFSETS]))  # fmt: skip
def test_a_result_dated_after_today_is_read_with_a_warning(
    which: str, hours: int, minutes: int | None
) -> None:
    """A stage dated 2099 was read with no word (a treatment so dated had one): any Observation
    or Condition read into the profile whose date is after today's date in UTC is still read,
    with a warning naming it and the date; one dated today or before has none."""
    at = datetime(2030, 6, 16, tzinfo=UTC) + timedelta(hours=hours)
    when = _written(at, minutes)
    cancer, stage = RECTUM, STAGE_4
    extra: list[dict[str, Any]] = []
    if which == "stage":
        stage = {**STAGE_4, "effectiveDateTime": when}
        ref = "Observation/stage"
    elif which == "condition":
        cancer = {**RECTUM, "onsetDateTime": when}
        ref = "Condition/c"
    else:
        extra = [_observation("kras", "21702-6", PRESENT, date=when,
                              component=[KRAS_GENE])]  # fmt: skip
        ref = "Observation/kras"
    with mock.patch("onconav.fhir.reader._today", return_value=TODAY):
        reading = read_bundle(_record(cancer, stage, *extra), the_kb())
    assert ref in {r for refs in reading.sources.values() for r in refs}
    said = [w for w in reading.warnings if w.startswith(ref) and "still to come" in w]
    assert bool(said) == (at >= datetime(2030, 6, 16, tzinfo=UTC))
    if said:
        assert when in said[0]


def test_a_stage_dated_2099_is_read_and_said(kb: onconav.KnowledgeBase) -> None:
    reading = read_bundle(_record(RECTUM, {**STAGE_4, "effectiveDateTime": "2099-03-01"}), kb)
    assert reading.data["stage"] == "4"
    assert "Observation/stage is dated 2099-03-01, a date still to come" in " ".join(
        reading.warnings)
    assert not any("still to come" in w for w in read_bundle(_record(RECTUM, STAGE_4),
                                                             kb).warnings)  # fmt: skip


def test_an_administration_dated_2099_is_read_and_said(kb: onconav.KnowledgeBase) -> None:
    given = _given_on("MedicationAdministration", "2099-03-01")
    reading = read_bundle(_record(RECTUM, STAGE_4, given), kb)
    assert reading.data["prior_treatments"] == ["oxaliplatin", MORE]
    assert any(w.startswith(f"MedicationAdministration/{given['id']} is recorded as given on "
                            "2099-03-01") for w in reading.warnings)  # fmt: skip
    past = read_bundle(_record(RECTUM, STAGE_4, _given_on("Procedure", "2024-03-01")), kb)
    assert not any("still to come" in w for w in past.warnings)


def _administered(code: str, name: str, **when: Any) -> dict[str, Any]:
    """One dose of a drug, given as ``when`` says (an effectiveDateTime or effectivePeriod)."""
    return {"resourceType": "MedicationAdministration", "id": f"{code}-{len(str(when))}",
            "status": "completed", "subject": {"reference": "Patient/p"},
            "medicationCodeableConcept": _cc(RXNORM_URI, code, name), **when}  # fmt: skip


def _folfox_course(day: str, times: tuple[str, str, str], zone: str = "Z",
                   pump_end: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Oxaliplatin, leucovorin and fluorouracil on one day at the times given; the fluorouracil
    as a pump ending on ``pump_end`` when given."""
    oxaliplatin, leucovorin, fluorouracil = (f"{day}T{t}:00{zone}" for t in times)
    pump = ({"effectivePeriod": {"start": fluorouracil, "end": pump_end}} if pump_end
            else {"effectiveDateTime": fluorouracil})  # fmt: skip
    return [{**_administered("32592", "Oxaliplatin", effectiveDateTime=oxaliplatin),
             "id": f"ox-{day}"},
            {**_administered("1803932", "Leucovorin 100 MG Injection",
                             effectiveDateTime=leucovorin), "id": f"lv-{day}"},
            {**_administered("4492", "Fluorouracil", **pump), "id": f"fu-{day}"}]  # fmt: skip


@pytest.mark.parametrize(
    ("courses", "worsened"),
    [
        # the times of one morning: the latest moment is the fluorouracil's alone
        ([_folfox_course(d, ("09:00", "09:30", "11:00")) for d in ("2023-02-10", "2023-03-10")],
         "2023-04-01"),
        # a 46-hour pump, ending two days after the day its course began
        ([_folfox_course(d, ("09:00", "09:00", "11:00"), pump_end=f"{d[:8]}12T09:00:00Z")
          for d in ("2023-02-10", "2023-03-10")], "2023-04-01"),
        # evening infusions at -05:00: one day written, two days in UTC
        ([_folfox_course("2023-01-10", ("17:30", "18:30", "19:30"), zone="-05:00")],
         "2023-03-01"),
        # fluorouracil again the next day (day 2 of the course)
        ([_folfox_course("2023-01-10", ("09:00", "09:30", "11:00")),
          [{**_administered("4492", "Fluorouracil", effectiveDateTime="2023-01-11"),
            "id": "fu-day-2"}]], "2023-03-01"),
    ],
)  # fmt: skip
def test_a_worsening_after_folfox_blames_the_whole_course_not_its_last_drug(
    courses: list[list[dict[str, Any]]], worsened: str, kb: onconav.KnowledgeBase
) -> None:
    """Progression after FOLFOX given as timed administrations was blamed on fluorouracil alone
    (the exact latest moment, or the end of its 46-hour pump), so FOLFIRI was not suitable and
    CAPOX stayed offered; the evening infusions at -05:00 fell on two UTC days and read as
    FOLFOX's drugs apart. A course is the drugs of the day (days) it was given, as written."""
    given = [record for course in courses for record in course]
    status = {**WORSENED, "effectiveDateTime": worsened}
    reading = read_bundle(_record(RECTUM, STAGE_4, *given, status), kb)
    assert reading.data["progressed_on"] == ["folfox"]
    assert reading.data["prior_treatments"] == ["folfox", MORE]


@pytest.mark.parametrize("display", [
    "Product containing cetuximab (medicinal product)", "Cetuximab (substance)",
    "Product containing precisely cetuximab 5 milligram/1 milliliter conventional release "
    "solution for infusion (clinical drug)"])  # fmt: skip
def test_a_drug_in_snomed_cts_words_is_read(display: str, kb: onconav.KnowledgeBase) -> None:
    """A medicine coded in SNOMED CT (the International Patient Summary codes them so) is read
    by the drug its words name: "Product containing cetuximab (medicinal product)" was not read
    as cetuximab, and its worsening was not blamed on it."""
    given = {**_administered("x", "x", effectiveDateTime="2024-05-01"), "id": "cetuximab",
             "medicationCodeableConcept": {"coding": [{"system": SNOMED, "display": display}]}}
    reading = read_bundle(_record(RECTUM, STAGE_4, given, WORSENED), kb)
    assert reading.data["progressed_on"] == ["cetuximab"]


def test_a_later_drug_alone_after_folfox_is_blamed_alone(kb: onconav.KnowledgeBase) -> None:
    """A course is its own day (days): irinotecan given alone a week after FOLFOX is the latest
    course, and FOLFOX before it is not blamed for a worsening after it."""
    folfox = _folfox_course("2023-03-01", ("09:00", "09:30", "11:00"))
    irinotecan = {**_administered("51499", "Irinotecan", effectiveDateTime="2023-03-08T10:00:00Z"),
                  "id": "iri"}  # fmt: skip
    status = {**WORSENED, "effectiveDateTime": "2023-04-01"}
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox, irinotecan, status), kb)
    assert reading.data["progressed_on"] == ["irinotecan"]


@pytest.mark.parametrize(
    ("code", "name"),
    [("259311", "levoleucovorin"), ("6313", "leucovorin"), ("999999", "Calcium folinate"),
     ("999998", "Levoleucovorin calcium 50 MG Injection")],
)  # fmt: skip
def test_folfox_with_levoleucovorin_or_calcium_folinate_is_folfox(
    code: str, name: str, kb: onconav.KnowledgeBase
) -> None:
    """FOLFOX given with levoleucovorin (RxNorm 259311) or calcium folinate, leucovorin's other
    forms and names, read as fluorouracil with oxaliplatin: they are leucovorin."""
    folfox = _folfox("MedicationRequest", "completed", "2024-05-10")
    folfox[1]["medicationCodeableConcept"] = _cc(RXNORM_URI, code, name)
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox, WORSENED), kb)
    assert reading.data["prior_treatments"] == ["folfox", MORE]
    assert reading.data["progressed_on"] == ["folfox"]


HYSTERECTOMY = {"resourceType": "Procedure", "id": "hyst", "status": "completed",
                "subject": {"reference": "Patient/p"}, "performedDateTime": "2023-01-10",
                "code": _cc(SNOMED, "236886002", "Hysterectomy")}  # fmt: skip
STAGE_4B = _observation("stage", "399588009", _cc("http://cancerstaging.org", "4B", "IVB"),
                        system=SNOMED)  # fmt: skip


def test_a_record_with_no_drug_treatment_leaves_the_drugs_had_unknown(
    kb: onconav.KnowledgeBase,
) -> None:
    """A cervical IVB record with a hysterectomy and no medication records was read as
    prior_treatments [surgery], which says no drug was had: chemotherapy for spread cancer read
    as "no" and nothing as having stopped working, so cemiplimab after chemotherapy was not
    suitable. The surgery is read, with "perhaps other treatments not listed" beside it (a
    record is seldom the whole history); so with a medication record of a drug that is no
    cancer treatment."""
    for extra in ((), (NOT_A_CANCER_DRUG,)):
        reading = read_bundle(_record(CERVIX, STAGE_4B, HYSTERECTOMY, *extra), kb)
        assert reading.data["prior_treatments"] == ["surgery", MORE], extra
        assert "Procedure/hyst" not in {u.reference for u in reading.unused}
        facts = facts_of(onconav.parse_profile(reading.data, kb), kb)
        assert facts.given["chemo_for_spread"] is None and facts.given["progressed_on"] is None
        status = dict(statuses(reading.data, kb))
        assert status["cervix-cemiplimab"] == "needs_information"
    # a record with a cancer drug is not the whole history either
    with_drug = read_bundle(bundle("rectal-progression-after-folfox"), kb)
    assert with_drug.data["prior_treatments"][-1] == MORE
    # pelvic radiation alone (a rectal cancer come back in the pelvis) leaves the drugs unknown
    local = read_bundle(bundle("rectal-local-recurrence-after-pelvic-radiation"), kb)
    assert set(local.data["prior_treatments"]) >= {"pelvic-radiation", MORE}


PROCEDURES_HAD = {
    "surgery": {**SURGERY, "performedDateTime": "2023-02-01"},
    "hysterectomy": {**HYSTERECTOMY, "id": "hyst2"},
    "radiotherapy": {**RADIOTHERAPY, "id": "rt2"},
}


@settings(max_examples=40, deadline=None)
@given(had=st.lists(st.sampled_from(sorted(PROCEDURES_HAD)), min_size=1, unique=True),
       other_drug=st.booleans(), cancer_drug=st.booleans(),
       cancer=st.sampled_from(["cervix", "rectum"]))  # fmt: skip
def test_a_record_never_says_no_drug_was_had(
    had: list[str], other_drug: bool, cancer_drug: bool, cancer: str
) -> None:
    """Procedures read from a record, with or without medication records of other drugs, never
    say that no drug treatment was had (no chemotherapy for spread cancer, nothing stopped
    working): "perhaps other treatments not listed" goes with them, as with a cancer drug."""
    kb = the_kb()
    condition, stage = (CERVIX, STAGE_4B) if cancer == "cervix" else (RECTUM, STAGE_4)
    resources = [condition, stage, *(PROCEDURES_HAD[h] for h in had)]
    resources += [NOT_A_CANCER_DRUG] if other_drug else []
    resources += [_administered("32592", "Oxaliplatin", effectiveDateTime="2023-03-01")
                  ] if cancer_drug else []  # fmt: skip
    reading = read_bundle(_record(*resources), kb)
    # (none: a hysterectomy with nothing tying it to a rectal cancer is not read)
    listed = reading.data.get("prior_treatments", [MORE])
    facts = facts_of(onconav.parse_profile(reading.data, kb), kb)
    assert listed[-1] == MORE, listed
    assert facts.given["chemo_for_spread"] is not False, listed
    assert facts.given["progressed_on"] is None, listed


@pytest.mark.parametrize(
    ("code", "display"),
    [("86273004", "Biopsy"), ("706979002", "Insertion of totally implantable venous access "
                                           "device"), ("1234", "Port-a-cath placement")],
)  # fmt: skip
def test_a_biopsy_or_port_with_a_surgical_category_is_not_surgery_had(
    code: str, display: str, kb: onconav.KnowledgeBase
) -> None:
    """A biopsy, or the insertion of a port to give chemotherapy through, carrying the category
    "Surgical procedure" was read as surgery had: it finds or reaches the cancer, and does not
    treat it."""
    procedure = {**SURGERY, "code": _cc(SNOMED, code, display), "performedDateTime": "2024-01-01"}
    reading = read_bundle(_record(RECTUM, STAGE_4, procedure, NOT_A_CANCER_DRUG), kb)
    assert "prior_treatments" not in reading.data
    assert "not surgery to treat the cancer" in {u.reference: u.reason
                                                 for u in reading.unused}["Procedure/op"]
    plain = read_bundle(_record(RECTUM, STAGE_4, {**SURGERY, "performedDateTime": "2024-01-01"},
                                NOT_A_CANCER_DRUG), kb)  # fmt: skip
    assert plain.data["prior_treatments"] == ["surgery", MORE]


# operations not on a cancer, each as a surgical Procedure of years before may hold it
NOT_CANCER_SURGERY = {
    "cholecystectomy": {"code": _cc(SNOMED, "38102005", "Cholecystectomy"),
                        "reasonCode": [_cc(SNOMED, "235919008", "Gallstone")]},
    "hip": {"code": _cc(SNOMED, "52734007", "Total replacement of hip")},
    "caesarean": {"code": _cc(SNOMED, "11466000", "Cesarean section"),
                  "bodySite": [_cc(SNOMED, "35039007", "Uterine structure")]},
    "no code": {},
    "code surgical procedure": {"code": _cc(SNOMED, "387713003", "Surgical procedure")},
    # an operation of the table on one organ, neither the cancer's nor a place it spread to (a
    # review of the change: a hysterectomy of 2005 had been surgery had for a stomach cancer)
    "hysterectomy": {"code": _cc(SNOMED, "236886002", "Hysterectomy")},
    "lung lobectomy": {"code": _cc(SNOMED, "173171007", "Lobectomy of lung")},
    "lumpectomy": {"code": _cc(SNOMED, "392021009", "Lumpectomy of breast")},
}  # fmt: skip
LIVER_SPREAD = _condition("m", "94381002", "Secondary malignant neoplasm of liver")
SURGERY_TIES = {
    "reasonReference to the cancer": {"reasonReference": [{"reference": "Condition/c"}]},
    "reasonReference to its spread": {"reasonReference": [{"reference": "Condition/m"}]},
    "cancer reasonCode": {"reasonCode": [_cc(ICD10CM, "C16.9", "Malignant neoplasm of stomach")]},
    "mCODE profile": {"meta": {"profile": [
        "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-cancer-related-surgical-procedure"
    ]}},
    "body site at the cancer": {"bodySite": [_cc(SNOMED, "69695003", "Stomach structure")]},
    "body site at its spread": {"bodySite": [_cc(SNOMED, "10200004", "Liver structure")]},
}  # fmt: skip


def _surgical(**extra: Any) -> dict[str, Any]:
    return {"resourceType": "Procedure", "id": "op", "status": "completed",
            "subject": {"reference": "Patient/p"}, "performedDateTime": "2015-05-01",
            "category": _cc(SNOMED, "387713003", "Surgical procedure"), **extra}  # fmt: skip


@pytest.mark.parametrize("operation", sorted(NOT_CANCER_SURGERY))
def test_a_surgical_procedure_not_tied_to_the_cancer_is_not_surgery_had(
    operation: str, kb: onconav.KnowledgeBase
) -> None:
    """Any Procedure of the surgical category was read as surgery had: a hip replacement in
    2015, a cholecystectomy for gallstones, a caesarean. For a stomach cancer come back,
    "Chemotherapy after surgery" turned from needs_information to offered. Nothing ties such a
    procedure to the cancer: it is listed unused with the reason; tied, it is read."""
    stomach = _condition("c", "363349007", "Malignant tumor of stomach", "recurrence")
    done = _surgical(**NOT_CANCER_SURGERY[operation])
    reading = read_bundle(_record(stomach, LIVER_SPREAD, done), kb)
    assert "prior_treatments" not in reading.data, reading.data
    assert {u.reference: u.reason for u in reading.unused}["Procedure/op"].startswith((
        "a surgical procedure not tied to the cancer", "an operation on another part of the "
        "body than the cancer or its spread not tied to the cancer"))  # fmt: skip
    status = dict(statuses(reading.data, kb))
    alone = dict(statuses(read_bundle(_record(stomach, LIVER_SPREAD), kb).data, kb))
    assert status == alone
    assert status["stomach-chemotherapy-after-surgery"] == "needs_information"
    tied = {**done, "reasonReference": [{"reference": "Condition/c"}]}
    assert read_bundle(_record(stomach, LIVER_SPREAD, tied), kb).data["prior_treatments"] == [
        "surgery", MORE]  # fmt: skip


@pytest.mark.parametrize("tie", sorted(SURGERY_TIES))
def test_a_surgical_procedure_tied_to_the_cancer_is_surgery_had(
    tie: str, kb: onconav.KnowledgeBase
) -> None:
    """What ties a surgical procedure to the cancer: a reasonReference to the cancer or its
    spread, a cancer reasonCode, mCODE's cancer-related surgical procedure profile (which
    requires a cancer reason), a body site at the cancer's organ or at a place of its spread."""
    stomach = _condition("c", "363349007", "Malignant tumor of stomach", "recurrence")
    done = _surgical(**SURGERY_TIES[tie])
    reading = read_bundle(_record(stomach, LIVER_SPREAD, done), kb)
    assert reading.data["prior_treatments"] == ["surgery", MORE], reading.unused
    assert "Procedure/op" in reading.sources["prior_treatments"]


def test_an_operation_named_by_its_code_is_read_whatever_ties_it(
    kb: onconav.KnowledgeBase,
) -> None:
    """A procedure whose code names an operation of the table (a gastrectomy) is read as it,
    tied to the cancer or not, as the example records' are; so is an operation on one organ
    where the cancer is, or has spread (a hysterectomy for a cervical cancer, a liver resection
    for a rectal cancer spread to the liver)."""
    stomach = _condition("c", "363349007", "Malignant tumor of stomach", "recurrence")
    gastrectomy = _surgical(code=_cc(SNOMED, "53442002", "Gastrectomy"))
    reading = read_bundle(_record(stomach, gastrectomy), kb)
    assert reading.data["prior_treatments"] == ["gastrectomy", MORE]
    cervix = _condition("c", "363354003", "Malignant tumor of cervix", "recurrence")
    hysterectomy = _surgical(code=_cc(SNOMED, "236886002", "Hysterectomy"))
    reading = read_bundle(_record(cervix, hysterectomy), kb)
    assert reading.data["prior_treatments"] == ["surgery", MORE], reading.unused
    liver = _surgical(code=_cc(SNOMED, "107963000", "Excision of liver"))
    reading = read_bundle(_record(RECTUM, LIVER_SPREAD, liver), kb)
    assert reading.data["prior_treatments"] == ["surgery", MORE], reading.unused
    reading = read_bundle(_record(RECTUM, liver), kb)  # no spread to the liver on record
    assert "prior_treatments" not in reading.data, reading.data


@settings(max_examples=80, deadline=None)
@given(code=st.sampled_from([None, ("38102005", "Cholecystectomy"), ("80146002",
                                                                     "Appendectomy"),
                             ("52734007", "Total replacement of hip"), ("1234", "Knee surgery"),
                             ("387713003", "Surgical procedure")]),
       reason=st.sampled_from([None, _cc(SNOMED, "235919008", "Gallstone"),
                               _cc(ICD10CM, "M16.9", "Osteoarthritis of hip"),
                               {"text": "elective"}]),
       reference=st.sampled_from([None, "Condition/other", "Condition/m"]),
       site=st.sampled_from([None, _cc(SNOMED, "35039007", "Uterine structure"),
                             _cc(SNOMED, "10200004", "Liver structure"), {"text": "hip"}]),
       spread=st.booleans(), status=st.sampled_from(["completed", "in-progress"]))  # fmt: skip
def test_a_surgical_procedure_with_no_tie_to_the_cancer_never_yields_surgery(
    code: tuple[str, str] | None, reason: dict[str, Any] | None, reference: str | None,
    site: dict[str, Any] | None, spread: bool, status: str,
) -> None:
    """Whatever a surgical procedure's code (none of the table's operations), reason and body
    site, when none of them ties it to the cancer (a reference to another Condition, or to a
    spread not on record; a body site at the liver with no spread there), it is never surgery
    had."""
    other = _condition("other", "235919008", "Gallstone")
    extra: dict[str, Any] = {"status": status}
    extra |= {"code": _cc(SNOMED, *code)} if code else {}
    extra |= {"reasonCode": [reason]} if reason else {}
    extra |= {"reasonReference": [{"reference": reference}]} if reference else {}
    extra |= {"bodySite": [site]} if site else {}
    at_liver = site is not None and "10200004" in str(site)
    tied_by_spread = spread and (reference == "Condition/m" or at_liver)
    assume(not tied_by_spread)
    resources = [RECTUM, STAGE_4, other, _surgical(**extra)]
    resources += [LIVER_SPREAD] if spread else []
    reading = read_bundle(_record(*resources), the_kb())
    assert "surgery" not in reading.data.get("prior_treatments", []), reading.data


RECTUM_SITE = {"coding": [{"system": SNOMED, "code": "34402009", "display": "Rectum structure"}]}


@pytest.mark.parametrize(
    ("code", "extra", "cancer"),
    [
        # a SNOMED CT code not in the table, placed by its body site
        (_cc(SNOMED, "93984006", "Primary malignant neoplasm of rectum"),
         {"bodySite": [RECTUM_SITE]}, "rectum"),
        # ... or by its words
        (_cc(SNOMED, "93984006", "Primary malignant neoplasm of rectum"), {}, "rectum"),
        ({"text": "Adenocarcinoma of the rectum"}, {}, "rectum"),
        # mCODE's histology extension, or its primary cancer profile, with a code of no words
        (_cc(SNOMED, "93984006"), {"bodySite": [RECTUM_SITE], "extension": [
            {"url": "http://hl7.org/fhir/us/mcode/StructureDefinition/"
                    "mcode-histology-morphology-behavior",
             "valueCodeableConcept": _cc(SNOMED, "35917007", "Adenocarcinoma")}]}, "rectum"),
        (_cc(SNOMED, "93984006"), {"meta": {"profile": [
            "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition"]}},
         "unknown"),
    ],
)  # fmt: skip
def test_a_cancer_code_outside_the_table_is_read_by_its_body_site_or_words(
    code: dict[str, Any], extra: dict[str, Any], cancer: str, kb: onconav.KnowledgeBase
) -> None:
    """A SNOMED CT cancer code outside the table (mCODE's primary cancers are every descendant
    of 363346000) was no cancer at all: an error, even with a body site of the rectum."""
    condition = {**_condition("c", "0", ""), "code": code, **extra}
    reading = read_bundle(_record(condition, STAGE_4), kb)
    assert reading.data["cancer"] == cancer
    assert reading.sources["cancer"] == ["Condition/c"]
    assert any("Condition/c" in w for w in reading.warnings)


@pytest.mark.parametrize("display", ["Malignant melanoma", "Multiple myeloma",
                                     "Hodgkin lymphoma", "Leiomyosarcoma of uterus",
                                     "Malignant melanoma of skin of trunk"])  # fmt: skip
def test_a_kind_of_cancer_named_in_a_conditions_words_is_read_as_the_profile_reads_it(
    display: str, kb: onconav.KnowledgeBase
) -> None:
    """A melanoma coded outside the table was read as a cancer whose start is not known (so
    radioactive iodine, for thyroid cancer, asked where it started), where the command line,
    given the same words, named it and answered for it: the words are read as the profile reads
    them, and both give the same options."""
    condition = {**_condition("c", "0", ""), "code": _cc(SNOMED, "372244006", display)}
    reading = read_bundle(_record(condition, STAGE_4), kb)
    assert reading.data["cancer"] == display
    assert any(f"read as {display!r}" in w for w in reading.warnings), reading.warnings
    assert statuses(reading.data, kb) == statuses({"cancer": display, "stage": "4"}, kb)
    assert "general-radioactive-iodine" not in dict(statuses(reading.data, kb))  # (thyroid only)


@pytest.mark.parametrize("words", ["Carcinoma in situ of rectum", "History of malignant "
                                   "neoplasm of rectum",
                                   "Benign neoplasm of rectum",
                                   "Cancer-related pain",
                                   "Genetic predisposition to breast cancer",
                                   "BRCA1 carrier, hereditary breast cancer syndrome",
                                   "Lynch syndrome (hereditary nonpolyposis colorectal cancer)",
                                   "Disorder of stomach caused by cancer treatment",
                                   "Malignant hypertension"])  # fmt: skip
def test_words_that_are_no_primary_cancer_now_are_no_cancer(
    words: str, kb: onconav.KnowledgeBase
) -> None:
    """A cancer read by its words is not one that is in situ, a history, spread from elsewhere
    or benign; with no cancer, the error names the Conditions seen and their codes. Words that
    name a malignancy that may be the person's (a history, what a cancer causes) are named as
    not read, so ``no_cancer`` is False and the CDS service says so on a card; the others (a
    gene carried, not invasive, "Malignant hypertension") are no cancer."""
    condition = {**_condition("c", "0", ""), "code": {"text": words}}
    with pytest.raises(FhirError) as caught:
        read_bundle(_record(condition, STAGE_4), kb)
    assert f"Condition/c ({words!r})" in caught.value.problems[0].message
    theirs = words in ("History of malignant neoplasm of rectum", "Cancer-related pain")
    assert caught.value.no_cancer == (not theirs)
    assert pickle.loads(pickle.dumps(caught.value)).no_cancer == (not theirs)


@pytest.mark.parametrize("words", ["Malignant pleural effusion", "Malignant ascites",
                                   "Peritoneal carcinomatosis", "Krukenberg tumour"])
def test_words_that_name_spread_by_themselves_are_spread_where_it_started_not_known(
    words: str, kb: onconav.KnowledgeBase
) -> None:
    """A Condition whose words name a place of spread by themselves ("Malignant pleural
    effusion") is read as the profile reads the same words given as the cancer (a clinical
    review): spread, where the cancer started not known, said in the warnings. It had been a
    malignancy not read, and the CDS service's could-not-read card."""
    condition = {**_condition("c", "0", ""), "code": {"text": words}}
    reading = read_bundle(_record(condition, STAGE_4), kb)
    assert reading.data["cancer"] == "unknown", reading.data
    assert reading.data["metastases"], reading.data
    assert any("only cancer that has spread is on record" in w for w in reading.warnings)
    typed = onconav.parse_profile({"cancer": words}, kb)
    assert facts_of(typed, kb).site == facts_of(onconav.parse_profile(reading.data, kb), kb).site


def test_with_no_cancer_a_condition_not_read_is_named_with_the_reason(
    kb: onconav.KnowledgeBase,
) -> None:
    """A stomach cancer coded with its code as a JSON number was named in the error by its code
    alone (``snomed|363349007``), as if it were read and found to be no cancer: its reason, not
    valid FHIR, is given beside it."""
    number = {**STOMACH, "code": {"coding": [{"system": SNOMED, "code": 363349007}]}}
    with pytest.raises(FhirError) as caught:
        read_bundle(_record(number, STAGE_4), kb)
    assert ("Condition/c (snomed|363349007: not valid FHIR R4: code.coding[0].code is a number, "
            "not a string)") in caught.value.problems[0].message


@pytest.mark.parametrize(("words", "sites"), [
    ("Liver metastases", ["liver"]),
    ("bone mets", ["bone"]),
    ("Liver and lung metastases", ["liver", "lung"]),
    ("Secondary malignant neoplasm of bone", ["bone"]),
    ("Secondary malignant neoplasm of intra-abdominal lymph nodes", ["lymph-nodes"]),
    ("Metastasis to the brain", ["brain"]),
    ("Metastatic malignant neoplasm to bone marrow", ["bone"]),  # as ICD-10-CM C79.5
    ("Metastatic carcinoma to the lymph nodes of neck", ["lymph-nodes"]),
    ("Metastatic carcinoma to lymph nodes of the pelvis", ["lymph-nodes"]),  # was distant
    ("Peritoneal carcinomatosis", ["peritoneum"]),
    ("Metastasis to adrenal gland", ["other-site"]),
    ("Metastasis to liver and adrenal", ["liver", "other-site"]),
    ("No evidence of liver metastases", None),
    ("Suspected bone metastases", None),
    ("History of lung metastases", None),
    ("Liver metastases?", None),
    ("Liver", None),
])  # fmt: skip
def test_spread_named_only_in_words_is_read(
    words: str, sites: list[str] | None, kb: onconav.KnowledgeBase
) -> None:
    """A Condition of spread coded only by its words ("Liver metastases", "Secondary malignant
    neoplasm of bone", as a record system without SNOMED CT writes it) was listed as "a
    Condition onconav does not read": where the cancer had spread stayed to be asked. Read as a
    person's words are, with a warning; not when the words say it is not there or not sure."""
    spread = {**_condition("m", "0", ""), "code": {"text": words}}
    reading = read_bundle(_record(STOMACH, STAGE_4, spread), kb)
    if sites is None:
        assert "metastases" not in reading.data
        why = {u.reference: u.reason for u in reading.unused}["Condition/m"]
        assert "does not read" in why, why
    else:
        assert reading.data["metastases"] == [*sites, MORE]
        assert reading.sources["metastases"] == ["Condition/m"]
        assert any(w.startswith("Condition/m is read as spread to") for w in reading.warnings)
    if sites is not None:  # alone: cancer that has spread, from where not known
        only = read_bundle(_record(spread, STAGE_4), kb)
        assert (only.data["cancer"], only.data["metastases"]) == ("unknown", [*sites, MORE])
    coded = {**spread, "code": {**_cc(SNOMED, "94222008", words), "text": words}}
    reading = read_bundle(_record(STOMACH, STAGE_4, coded), kb)  # the code decides
    assert reading.data["metastases"] == ["bone", MORE]


def test_a_cancer_read_by_its_words_does_not_outrank_one_coded(kb: onconav.KnowledgeBase) -> None:
    """Beside an ICD-10-CM C20 rectal cancer, a Condition read as a cancer by its words only is
    the one not read, whatever their order."""
    worded = {**_condition("zz", "0", ""), "code": {"text": "Malignant neoplasm of stomach"}}
    coded = {**RECTUM, "code": {"coding": [
        {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C20"}]}}  # fmt: skip
    reading = read_bundle(_record(worded, coded, STAGE_4), kb)
    assert reading.data["cancer"] == "rectum"
    assert reading.sources["cancer"] == ["Condition/c"]


def test_the_coding_that_places_the_cancer_is_read_of_several(kb: onconav.KnowledgeBase) -> None:
    """A Condition coded SNOMED CT 363346000 (malignant neoplastic disease) and ICD-10-CM C16.9
    was read by its first coding: where the cancer started unknown, not the stomach."""
    code = {"coding": [{"system": SNOMED, "code": "363346000"},
                       {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C16.9"}]}
    reading = read_bundle(_record({**_condition("c", "0", ""), "code": code}, STAGE_4), kb)
    assert reading.data["cancer"] == "stomach"


def test_a_transaction_of_resources_with_no_id_is_read(kb: onconav.KnowledgeBase) -> None:
    """A transaction Bundle of POST entries names its resources by urn:uuid fullUrls, and they
    have no ``id``: its Patient was "Patient at entry[0]", and every resource whose subject was
    that Patient was listed as not about a Patient, then no cancer."""
    patient = {"resourceType": "Patient"}
    cancer = {k: v for k, v in RECTUM.items() if k != "id"}
    stage = {k: v for k, v in STAGE_4.items() if k != "id"}
    uuid = "urn:uuid:11111111-1111-1111-1111-11111111111"
    entries = [{"fullUrl": f"{uuid}{i}", "resource": r,
                "request": {"method": "POST", "url": r["resourceType"]}}
               for i, r in enumerate((patient, cancer, stage))]  # fmt: skip
    for entry in entries[1:]:
        entry["resource"] = {**entry["resource"], "subject": {"reference": f"{uuid}0"}}
    reading = read_bundle({"resourceType": "Bundle", "type": "transaction", "entry": entries},
                          kb)  # fmt: skip
    assert reading.data["cancer"] == "rectum" and reading.data["stage"] == "4"
    assert reading.sources["cancer"] == ["Condition at entry[1]"]


@pytest.mark.parametrize(
    ("code", "cancer", "spread"),
    [("C160", "gastroesophageal-junction", None), ("C20", "rectum", None),
     ("C7951", "rectum", "bone"), ("C787", "rectum", "liver")],
)  # fmt: skip
def test_an_icd10_code_written_without_its_dot_is_read_as_with_it(
    code: str, cancer: str, spread: str | None, kb: onconav.KnowledgeBase
) -> None:
    """C160 (C16.0, the cardia: gastro-oesophageal junction) was read as its category C16, the
    stomach, with no word; C7951 as C79, spread somewhere."""
    icd = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]}
    primary = {**RECTUM, "code": icd} if spread is None else RECTUM
    resources = [primary, STAGE_4]
    if spread is not None:
        resources.append({**_condition("m", "0", ""), "code": icd})
    reading = read_bundle(_record(*resources), kb)
    assert reading.data["cancer"] == cancer
    assert reading.data.get("metastases") == ([spread, MORE] if spread else None)


@pytest.mark.parametrize(("text", "cancer", "stage"), [
    ("Stage IVB non-keratinizing squamous cell carcinoma", CERVIX, "4B"),
    ("Stage IV not resectable", RECTUM, "4"),
    ("Stage IV, not surgically resectable", RECTUM, "4"),
])  # fmt: skip
def test_words_that_deny_something_else_beside_the_stage_do_not_deny_it(
    text: str, cancer: dict[str, Any], stage: str, kb: onconav.KnowledgeBase
) -> None:
    """"non-" of "non-keratinizing", and "not" of "not resectable", were read as denying the
    stage, and the words after the stage as a stage not understood: only a denial of the stage
    itself keeps it from being read."""
    reading = read_bundle(_record(cancer, _stage_text(text)), kb)
    assert reading.data["stage"] == stage
    assert any("read from its words" in w for w in reading.warnings)


@pytest.mark.parametrize(("cancer", "text"), [
    ("cervix", "Stage IVB (M0)"), ("cervix", "Stage IVA (M1)"), ("cervix", "Stage IV (M0)"),
    ("rectum", "Stage IV (M0)"), ("cervix", "FIGO IVB (M0)")])  # fmt: skip
def test_a_stage_in_words_with_a_note_reads_as_the_command_line_reads_it(
    cancer: str, text: str, kb: onconav.KnowledgeBase
) -> None:
    """"Stage IVB (M0)" of a cervical cancer was read as 4B from a record (the words that did not
    decide gave way to their first part, "Stage IVB") and as not known by the command line:
    a record's words give what the same words typed give, and say what the command line says
    of them (the note had not been said from a record: a rectal "Stage IV (M0)" read as 4
    without a word)."""
    condition = CERVIX if cancer == "cervix" else RECTUM
    reading = read_bundle(_record(condition, _stage_text(text)), kb)
    typed = facts_of(onconav.parse_profile({"cancer": cancer, "stage": text}, kb), kb)
    assert reading.data.get("stage") == typed.given["stage"], (reading.data, typed.given)
    notes = [w.split(": ", 2)[2] for w in typed.warnings if w.startswith("stage: ")]
    assert notes, typed.warnings
    for note in notes:
        assert any(note in w for w in reading.warnings), (note, reading.warnings)


@pytest.mark.parametrize("text", [
    "Not consistent with stage IV", "No radiological evidence of stage IV",
    "Stage IV not yet confirmed", "Stage IV not established",
    "does not meet criteria for stage IV", "Stage IV non-metastatic?",
    # a denial word of something else is read as of the stage too: unknown, never stage 4
    "Stage IV no longer responding to chemotherapy",
])  # fmt: skip
def test_a_denial_anywhere_in_the_stages_clause_keeps_it_unread(
    text: str, kb: onconav.KnowledgeBase
) -> None:
    """A rule that read only the words right before or after the stage as denying it read "not
    consistent with stage IV" and "stage IV not yet confirmed" as stage 4: any denial word in
    the clause, but those of a kind of cell or of surgery (above), leaves the stage unknown."""
    reading = read_bundle(_record(RECTUM, _stage_text(text)), kb)
    assert "stage" not in reading.data, reading.data


@pytest.mark.parametrize("text", ["stage III to IV", "stage III or IV"])
def test_a_range_of_stages_in_words_is_not_cut_to_its_first(
    text: str, kb: onconav.KnowledgeBase
) -> None:
    reading = read_bundle(_record(RECTUM, _stage_text(text)), kb)
    assert "stage" not in reading.data


def test_a_stage_group_written_as_a_string_is_read_as_words(kb: onconav.KnowledgeBase) -> None:
    """A stage group Observation with valueString "Stage IV" was "a stage value onconav cannot
    read: no code"; it is read as a concept's text is, with the same warning."""
    stage = {**_observation("s", "399588009", system=SNOMED), "valueString": "Stage IV"}
    reading = read_bundle(_record(RECTUM, stage), kb)
    assert reading.data["stage"] == "4"
    assert "the stage of Observation/s is read from its words: 'Stage IV'" in reading.warnings
    denied = {**stage, "valueString": "not stage IV"}
    assert "stage" not in read_bundle(_record(RECTUM, denied), kb).data


@pytest.mark.parametrize(("reason", "progressed", "said"), [
    ({"text": "disease progression"}, ["folfox"], "read from its words"),
    ({"text": "Progressive disease."}, ["folfox"], "read from its words"),
    ({"text": "no progression; patient preference"}, None, "does not read"),
    # words beside progression may turn it round: a reason is read only when it is no more
    ({"text": "No evidence of disease progression; course completed"}, None, "does not read"),
    ({"text": "stopped after 6 cycles, no sign of progression"}, None, "does not read"),
    ({"text": "Progression-free, planned break"}, None, "does not read"),
    # how it was seen, after it, does not (a review of the FHIR path: it had been not read)
    ({"text": "Progressive disease on CT"}, ["folfox"], "read from its words"),
    ({"text": "No progression on CT"}, None, "does not read"),
    ({"text": "possible progression?"}, None, "does not read"),
    ({"text": "insurance"}, None, "does not read"),
    (_cc(SNOMED, "182992009", "Treatment completed"), None, "does not read"),
])  # fmt: skip
def test_a_stop_reason_not_in_the_table_is_read_by_plain_words_or_said(
    reason: dict[str, Any], progressed: list[str] | None, said: str,
    kb: onconav.KnowledgeBase,
) -> None:
    """FOLFOX stopped with the statusReason "disease progression" (no code of the table) was
    read as a treatment had, with no word: what stopped working stayed unknown unsaid."""
    folfox = _folfox("MedicationRequest", "stopped", "2024-01-10", statusReason=reason)
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox), kb)
    assert reading.data.get("progressed_on") == progressed
    assert reading.data["prior_treatments"] == ["folfox", MORE]
    assert any(said in w and "MedicationRequest/MedicationRequest-4492" in w
               for w in reading.warnings)  # fmt: skip


STATUS_REASON = "http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason"


@pytest.mark.parametrize(("code", "display", "cannot"), [
    ("salg", "Allergy", True), ("sintol", "Suspected intolerance", True),
    # a hold meant to end (the drug is to be resumed): a treatment had, with a warning
    ("sddi", "Drug interacts with another drug", False),
    ("preg", "Parent is pregnant/breast feeding", False), ("drughigh", "Drug level too high",
                                                           False),
    ("washout", "Waiting for old drug to wash out", False), ("surg", "Patient scheduled for "
                                                             "surgery.", False),
    ("altchoice", "Try another treatment first", False),
])  # fmt: skip
def test_fhirs_own_stop_reasons_are_read(
    code: str, display: str, cannot: bool, kb: onconav.KnowledgeBase
) -> None:
    """Oxaliplatin stopped with FHIR R4's own statusReason code salg (allergy) or sintol
    (suspected intolerance) was read as a treatment had, with a warning only: FOLFOX and CAPOX
    asked whether it stopped working. They are cannot-have; the codes of a hold that is to end
    (the drug to be resumed after a short treatment, a pregnancy, a washout) are not."""
    stopped = {"resourceType": "MedicationRequest", "id": "ox", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2024-01-10", "medicationCodeableConcept": _cc(RXNORM, "32592"),
               "statusReason": _cc(STATUS_REASON, code, display)}  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped), kb)
    assert reading.data.get("cannot_have") == (["oxaliplatin"] if cannot else None), reading.data
    assert reading.data["prior_treatments"] == ["oxaliplatin", MORE]
    if cannot:
        assert reading.sources["cannot_have"] == ["MedicationRequest/ox"]
        status = dict(statuses(reading.data, kb))
        assert status["rectum-folfox"] == status["rectum-capox"] == "not_suitable"
    else:
        assert any("MedicationRequest/ox was stopped for a reason onconav does not read" in w
                   for w in reading.warnings), reading.warnings  # fmt: skip


def _oxaliplatin(kind: str, status: str, reason: dict[str, Any] | None = None,
                 **extra: Any) -> dict[str, Any]:  # fmt: skip
    """Oxaliplatin as one medication record of ``kind``, with its statusReason as the type has
    it (one for a request, a list for an administration or a statement)."""
    ident = extra.pop("id", f"{kind}-32592")
    (record,) = [r | {"id": ident} for r in _folfox(kind, status, "2024-01-10", **extra)
                 if r["id"].endswith("32592")]  # fmt: skip
    if reason is not None:
        record["statusReason"] = reason if kind == "MedicationRequest" else [reason]
    return record


NO_RESPONSE = _cc(SNOMED, "266721009", "No response to treatment (situation)")
NOT_TOLERATED = _cc(SNOMED, "407563006", "Treatment not tolerated (situation)")
ALLERGY = _cc(STATUS_REASON, "salg", "Allergy")


@pytest.mark.parametrize(("status", "intent", "reason", "field"), [
    ("stopped", "plan", NO_RESPONSE, "progressed_on"),
    ("stopped", "proposal", {"text": "disease progression"}, "progressed_on"),
    ("completed", "plan", NO_RESPONSE, "progressed_on"),
    ("stopped", "plan", NOT_TOLERATED, "cannot_have"),
    ("completed", "proposal", ALLERGY, "cannot_have"),
])  # fmt: skip
def test_a_plan_that_ended_is_read_by_its_reason_as_an_order_is(
    status: str, intent: str, reason: dict[str, Any], field: str, kb: onconav.KnowledgeBase
) -> None:
    """A MedicationRequest of intent plan or proposal stopped for no response was read as
    planned, its reason never looked at: FOLFOX and CAPOX were offered after oxaliplatin failed.
    Only a plan still live (draft, active, on-hold) is planned; one that ended is read by its
    reason as an order is."""
    plan = _oxaliplatin("MedicationRequest", status, reason, intent=intent)
    reading = read_bundle(_record(RECTUM, STAGE_4, plan), kb)
    assert reading.data[field] == ["oxaliplatin"], reading.data
    assert "planned" not in reading.data
    status_of = dict(statuses(reading.data, kb))
    assert status_of["rectum-folfox"] == status_of["rectum-capox"] == "not_suitable"


@pytest.mark.parametrize("status", ["stopped", "completed"])
def test_a_plan_that_ended_with_no_reason_is_listed_not_planned(
    status: str, kb: onconav.KnowledgeBase
) -> None:
    plan = _oxaliplatin("MedicationRequest", status, intent="plan", id="ox")
    reading = read_bundle(_record(RECTUM, STAGE_4, plan), kb)
    assert not {"planned", "prior_treatments", "progressed_on"} & set(reading.data)
    reason = {u.reference: u.reason for u in reading.unused}["MedicationRequest/ox"]
    assert f"a plan that ended (status {status!r}) with no reason read" in reason
    for live in ("draft", "active", "on-hold"):
        planned = _oxaliplatin("MedicationRequest", live, intent="plan")
        assert read_bundle(_record(RECTUM, STAGE_4, planned), kb).data["planned"] == [
            "oxaliplatin", MORE]


@pytest.mark.parametrize(("kind", "status", "reason", "field", "had"), [
    ("MedicationRequest", "on-hold", ALLERGY, "cannot_have", True),
    ("MedicationRequest", "on-hold", _cc(STATUS_REASON, "sintol", "Suspected intolerance"),
     "cannot_have", True),
    ("MedicationRequest", "on-hold", NOT_TOLERATED, "cannot_have", True),
    ("MedicationRequest", "on-hold", NO_RESPONSE, "progressed_on", True),
    ("MedicationRequest", "cancelled", ALLERGY, "cannot_have", False),
    ("MedicationRequest", "cancelled", NOT_TOLERATED, "cannot_have", False),
    ("MedicationStatement", "completed", NO_RESPONSE, "progressed_on", True),
    ("MedicationStatement", "not-taken", NOT_TOLERATED, "cannot_have", False),
    ("MedicationAdministration", "not-done", ALLERGY, "cannot_have", False),
])  # fmt: skip
def test_a_coded_reason_is_read_whatever_the_status_but_a_live_one(
    kind: str, status: str, reason: dict[str, Any], field: str, had: bool,
    kb: onconav.KnowledgeBase,
) -> None:
    """The stop reason was read only of status "stopped": oxaliplatin on hold for an allergy was
    read as a treatment had, one cancelled for it dropped as not given, and FOLFOX offered; a
    statement completed for no response was a treatment had. A coded reason of an allergy or an
    intolerance is a drug the person cannot have, given or not; that the cancer grew, of a drug
    given. (Reasons in words are read only of status "stopped": the two statements here had
    words, "disease progression" and "Not tolerated", and now have codes.)"""
    record = _oxaliplatin(kind, status, reason)
    reading = read_bundle(_record(RECTUM, STAGE_4, record), kb)
    assert reading.data[field] == ["oxaliplatin"], reading.data
    assert ("oxaliplatin" in reading.data.get("prior_treatments", [])) is had, reading.data
    status_of = dict(statuses(reading.data, kb))
    assert status_of["rectum-folfox"] == status_of["rectum-capox"] == "not_suitable"


def test_progression_is_read_only_of_a_drug_given(kb: onconav.KnowledgeBase) -> None:
    """An order cancelled because the cancer grew was never given: it did not stop working."""
    cancelled = _oxaliplatin("MedicationRequest", "cancelled", NO_RESPONSE, id="ox")
    reading = read_bundle(_record(RECTUM, STAGE_4, cancelled), kb)
    assert "progressed_on" not in reading.data and "prior_treatments" not in reading.data
    reason = {u.reference: u.reason for u in reading.unused}["MedicationRequest/ox"]
    assert reason == ("status 'cancelled': not given, and that the cancer grew is read only of "
                      "a drug given")  # fmt: skip


def test_a_reason_not_read_of_any_status_is_said(kb: onconav.KnowledgeBase) -> None:
    held = _oxaliplatin("MedicationRequest", "on-hold", {"text": "insurance"}, id="ox")
    reading = read_bundle(_record(RECTUM, STAGE_4, held), kb)
    assert reading.data["prior_treatments"] == ["oxaliplatin", MORE]
    assert ("MedicationRequest/ox was put on hold for a reason onconav does not read "
            "('insurance'): of a record not stopped, a reason in words is read only of an "
            "allergy; it is read as a treatment had, not as one that stopped working or cannot "
            "be given"
            ) in reading.warnings  # fmt: skip


@pytest.mark.parametrize(("kind", "status", "reason", "read_as"), [
    ("MedicationRequest", "on-hold", "held for grade 2 toxicity, to resume next cycle",
     "it is read as a treatment had"),
    ("MedicationRequest", "on-hold", "side effects", "it is read as a treatment had"),
    ("MedicationRequest", "active", "resumed after allergy desensitisation",
     "it is read as a treatment had"),
    ("MedicationRequest", "cancelled", "patient worried about side effects, declined",
     "it is read as not given"),
    ("MedicationStatement", "not-taken", "patient concerned about side effects",
     "it is read as not given"),
    ("MedicationRequest", "cancelled", "allergy to platinum suspected, awaiting skin test",
     "it is read as not given"),
    ("MedicationStatement", "completed", "disease progression", "it is read as a treatment had"),
    # words of an allergy that doubt it or give the drug again
    ("MedicationRequest", "on-hold", "possible allergic reaction", "it is read as a treatment had"),
    ("MedicationRequest", "cancelled", "allergic reaction?", "it is read as not given"),
    ("MedicationRequest", "on-hold", "held for hypersensitivity, to resume next week",
     "it is read as a treatment had"),
    ("MedicationStatement", "not-taken", "anaphylaxis, awaiting desensitization",
     "it is read as not given"),
    ("MedicationRequest", "on-hold", "allergy: desensitisation planned",
     "it is read as a treatment had"),
    ("MedicationAdministration", "not-done", "allergy suspected", "it is read as not given"),
    ("MedicationRequest", "completed", "resumed after allergy desensitisation",
     "it is read as a treatment had"),
])  # fmt: skip
def test_a_reason_in_words_is_read_only_of_a_record_stopped(
    kind: str, status: str, reason: str, read_as: str, kb: onconav.KnowledgeBase
) -> None:
    """Words of a reason had been read whatever the status: an active order "resumed after
    allergy desensitisation", one held for a toxicity "to resume next cycle", an order cancelled
    because the patient was worried about side effects, all made oxaliplatin cannot-have and
    FOLFOX not suitable. Words are read of a record stopped; of another status only words of an
    allergy neither doubted nor with the drug to be given again, else they are said in a
    warning naming the status and how the record is read."""
    record = _oxaliplatin(kind, status, {"text": reason}, id="ox")
    reading = read_bundle(_record(RECTUM, STAGE_4, record), kb)
    assert not {"cannot_have", "progressed_on"} & set(reading.data), reading.data
    status_of = dict(statuses(reading.data, kb))
    assert status_of["rectum-folfox"] != "not_suitable"
    assert status_of["rectum-capox"] != "not_suitable"
    was = {"on-hold": "was put on hold", "active": "has status 'active'",
           "cancelled": "was cancelled", "not-taken": "was not taken",
           "completed": "was completed", "not-done": "was not given"}[status]  # fmt: skip
    why = ("no reason is read of a drug being given or to be given" if status == "active"
           else "of a record not stopped, a reason in words is read only of an allergy"
           )  # fmt: skip
    said = f"{kind}/ox {was} for a reason onconav does not read ({reason!r}): {why}; {read_as}"
    assert any(w.startswith(said) for w in reading.warnings), reading.warnings
    stopped = _oxaliplatin(kind, "stopped", {"text": reason}, id="ox")
    assert {"cannot_have", "progressed_on"} & set(
        read_bundle(_record(RECTUM, STAGE_4, stopped), kb).data)  # as before, stopped


@pytest.mark.parametrize("status", ["cancelled", "stopped"])
@pytest.mark.parametrize(("reason", "cannot"), [
    # words that forbid the drug again confirm the allergy (FOLFOX had been offered)
    ("anaphylaxis; avoid oxaliplatin", True), ("anaphylaxis, must not be rechallenged", True),
    ("grade 3 hypersensitivity, not rechallenged", True),
    ("confirmed allergy, no rechallenge", True), ("anaphylaxis - never to be given again", True),
    ("anaphylaxis; do not resume", True), ("anaphylaxis to oxaliplatin, not to be resumed", True),
    ("hypersensitivity reaction; desensitization failed", True),
    # an allergy to another drug, a work-up, a doubt, a condition: not read (had been)
    ("Allergy to ondansetron premedication", False), ("allergy to carboplatin", False),
    ("allergy work-up", False), ("hypersensitivity, unlikely to be allergic", False),
    ("do not give if allergic reaction recurs", False),
])  # fmt: skip
def test_an_allergy_forbidden_again_is_read_and_one_of_another_drug_or_doubted_is_not(
    status: str, reason: str, cannot: bool, kb: onconav.KnowledgeBase
) -> None:
    """Words that forbid the drug again ("must not be rechallenged", "avoid oxaliplatin") had
    been read as denying the allergy, and FOLFOX offered; an allergy to another drug, a
    work-up, "unlikely" or "if" had made oxaliplatin cannot-have."""
    record = _oxaliplatin("MedicationRequest", status, {"text": reason}, id="ox")
    reading = read_bundle(_record(RECTUM, STAGE_4, record), kb)
    assert (reading.data.get("cannot_have") == ["oxaliplatin"]) is cannot, reading.data
    if not cannot:
        assert dict(statuses(reading.data, kb))["rectum-folfox"] != "not_suitable"


@pytest.mark.parametrize(("kind", "status", "reason", "was"), [
    ("MedicationRequest", "cancelled", "anaphylaxis to oxaliplatin", "was cancelled"),
    ("MedicationAdministration", "not-done", "severe allergic reaction", "was not given"),
    ("MedicationStatement", "not-taken", "allergic to oxaliplatin", "was not taken"),
    ("MedicationRequest", "unknown", "Allergy", "has status 'unknown'"),
    ("MedicationStatement", "completed", "anaphylactic reaction", "was completed"),
    ("MedicationRequest", "on-hold", "hypersensitivity reaction, do not rechallenge",
     "was put on hold"),
])  # fmt: skip
def test_words_of_an_allergy_are_cannot_have_of_a_record_not_being_given(
    kind: str, status: str, reason: str, was: str, kb: onconav.KnowledgeBase
) -> None:
    """Words were read only of a record stopped: an order of oxaliplatin cancelled for
    "anaphylaxis to oxaliplatin", an administration not done for "severe allergic reaction", a
    statement not taken, "allergic to oxaliplatin", left FOLFOX and CAPOX offered (the code salg
    made them not suitable). Of any status not being given, words of an allergy not doubted are
    cannot-have, as salg is, with a warning."""
    record = _oxaliplatin(kind, status, {"text": reason}, id="ox")
    reading = read_bundle(_record(RECTUM, STAGE_4, record), kb)
    assert reading.data["cannot_have"] == ["oxaliplatin"], reading.data
    status_of = dict(statuses(reading.data, kb))
    assert status_of["rectum-folfox"] == status_of["rectum-capox"] == "not_suitable"
    assert (f"{kind}/ox {was} for a reason read from its words as an allergy (cannot have it): "
            f"{reason!r}") in reading.warnings  # fmt: skip


@pytest.mark.parametrize(("kind", "status", "intent", "field"), [
    ("MedicationRequest", "active", "order", "prior_treatments"),
    ("MedicationRequest", "draft", "order", "planned"),
    ("MedicationRequest", "active", "plan", "planned"),
    ("MedicationStatement", "active", None, "prior_treatments"),
    ("MedicationStatement", "intended", None, "planned"),
    ("MedicationAdministration", "in-progress", None, "prior_treatments"),
])  # fmt: skip
def test_a_coded_reason_of_a_drug_being_given_is_not_read(
    kind: str, status: str, intent: str | None, field: str, kb: onconav.KnowledgeBase
) -> None:
    """A draft order of oxaliplatin, an active plan, with the code salg (allergy) had made it
    cannot-have: a live order is being given (or is to be), whatever its reason says. Read as
    its status says, with the warning that the reason is not read."""
    for reason in (ALLERGY, NO_RESPONSE):
        extra = {"intent": intent} if intent else {}
        record = _oxaliplatin(kind, status, reason, id="ox", **extra)
        reading = read_bundle(_record(RECTUM, STAGE_4, record), kb)
        assert not {"cannot_have", "progressed_on"} & set(reading.data), reading.data
        assert reading.data[field] == ["oxaliplatin", MORE], reading.data
        assert any(w.startswith(f"{kind}/ox has status {status!r} for a reason onconav does not "
                                "read") and "no reason is read of a drug being given" in w
                   for w in reading.warnings), reading.warnings  # fmt: skip


# The statuses FHIR R4 gives each medication record (entered-in-error aside: no fact), and the
# intents of a request (option aside: listed unused); a drug given, in part at least, is one of
# these statuses, of a request not a plan or proposal still live.
RECORD_STATUSES = {
    "MedicationRequest": ["active", "on-hold", "cancelled", "completed", "stopped", "draft",
                          "unknown"],
    "MedicationStatement": ["active", "completed", "intended", "stopped", "on-hold", "unknown",
                            "not-taken"],
    "MedicationAdministration": ["in-progress", "not-done", "on-hold", "completed", "stopped",
                                 "unknown"],
}  # fmt: skip
INTENTS = ["proposal", "plan", "order", "original-order", "reflex-order", "filler-order",
           "instance-order"]  # fmt: skip
GIVEN_STATUSES = {"active", "on-hold", "completed", "stopped", "in-progress"}
ALLERGY_REASONS = [ALLERGY, _cc(STATUS_REASON, "sintol", "Suspected intolerance"), NOT_TOLERATED,
                   {"text": "Not tolerated"}, {"text": "Allergic reaction"}]  # fmt: skip
PROGRESSION_REASONS = [NO_RESPONSE, {"text": "disease progression"}]


# the statuses of a drug being given or to be given: no reason of theirs is read
LIVE_STATUSES = {"active", "in-progress", "draft", "intended"}
WORDS_OF_CANNOT_HAVE = ["held for grade 2 toxicity, to resume next cycle",
                        "patient worried about side effects, declined", "Allergic reaction"]
# words of an allergy: read of any status not being given, but when they doubt it or give the
# drug again
WORDS_OF_ALLERGY = ["anaphylaxis to oxaliplatin", "severe allergic reaction", "Hypersensitivity",
                    "anaphylaxis, must not be rechallenged", "anaphylaxis; avoid oxaliplatin"]
WORDS_OF_ALLERGY_NOT_READ = ["allergy suspected", "possible allergic reaction",
                             "Allergy to ondansetron premedication", "allergy work-up",
                             "resumed after allergy desensitisation", "allergy?",
                             "anaphylaxis, to resume after desensitization", "no allergy"]


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(sorted(RECORD_STATUSES)), st.data(), st.sampled_from(INTENTS),
       st.sampled_from(ALLERGY_REASONS + PROGRESSION_REASONS
                       + [{"text": t} for t in WORDS_OF_CANNOT_HAVE + WORDS_OF_ALLERGY
                          + WORDS_OF_ALLERGY_NOT_READ]))  # fmt: skip
def test_a_reason_decides_by_its_status_and_intent(
    kind: str, data: Any, intent: str, reason: dict[str, Any]
) -> None:
    """Whatever the status and the intent: a reason is read only of a record not being given
    (a live status never gives cannot-have or progressed), one in words of a record stopped,
    and of another status only words of an allergy not doubted nor with the drug to be given
    again. A coded reason of an allergy or an intolerance read leaves the drug not suitable;
    one whose reason says the cancer grew on it is read so when the drug was given, and never as
    planned. A reason not read is said."""
    status = data.draw(st.sampled_from(RECORD_STATUSES[kind]))
    extra = {"intent": intent} if kind == "MedicationRequest" else {}
    record = _oxaliplatin(kind, status, reason, id="ox", **extra)
    reading = read_bundle(_record(RECTUM, STAGE_4, record), the_kb())
    planned = status in ("draft", "intended") or (
        intent in ("plan", "proposal") and kind == "MedicationRequest"
        and status in ("active", "on-hold"))  # fmt: skip
    allergy = reason.get("text") in ("Allergic reaction", *WORDS_OF_ALLERGY)
    stopped = status == "stopped" and reason.get("text") not in (
        "no allergy", "Allergy to ondansetron premedication", "allergy work-up")
    read = status not in LIVE_STATUSES and ("coding" in reason or stopped or allergy)
    if reason in PROGRESSION_REASONS:
        given_drug = read and status in GIVEN_STATUSES and not planned
        assert ("progressed_on" in reading.data) is given_drug, (status, intent, reading.data)
        assert ("planned" in reading.data) is planned, (status, intent, reading.data)
        assert "cannot_have" not in reading.data
    else:
        assert ("cannot_have" in reading.data) is read, (status, intent, reading.data)
        assert "progressed_on" not in reading.data
        if read:
            status_of = dict(statuses(reading.data, the_kb()))
            assert status_of["rectum-folfox"] == status_of["rectum-capox"] == "not_suitable"
    if not read:
        assert any(w.startswith(f"{kind}/ox ") and "for a reason onconav does not read" in w
                   for w in reading.warnings), (status, reading.warnings)  # fmt: skip


@pytest.mark.parametrize(("text", "cannot"), [
    ("Neurotoxicity", True), ("Allergic reaction", True), ("Side effects", True),
    ("Suspected intolerance", True), ("Not tolerated", True), ("grade 3 toxicity", True),
    ("Hypersensitivity reaction during infusion", True), ("adverse drug reaction", True),
    ("No toxicity; course completed", False), ("not due to side effects", False),
    ("Toxicity resolved, planned break", False), ("Patient preference", False),
    ("to avoid neurotoxicity", False), ("tolerated well", False),
    # a choice beside a toxicity does not undo it (a review of the change: it had)
    ("Grade 3 neurotoxicity; patient declined further oxaliplatin", True),
    # words that forbid the drug again deny nothing (its "not" had denied the reaction)
    ("hypersensitivity reaction, do not rechallenge", True),
    ("Anaphylaxis - never give again", True), ("not an allergy, do not rechallenge", False),
    # a denial of something else, in a part of its own, denies not the harm (its "no" had)
    ("Oxaliplatin allergy - no further doses", True), ("Intolerance; no progression", True),
    ("Neuropathy, now resolved", False),
    # oxaliplatin's neuropathy by other names, and not bearing it in other words (not read)
    ("CIPN", True), ("Cold-induced dysaesthesia", True), ("Paraesthesia grade 2", True),
    ("Patient unable to tolerate", True), ("could not tolerate", True),
    # "no further" of the drug denies no harm (its "no" had); of a harm, it does
    ("No further treatment due to neuropathy", True), ("No more oxaliplatin due to neuropathy",
                                                       True), ("no further toxicity", False),
])  # fmt: skip
def test_a_stop_reason_in_words_of_an_allergy_or_toxicity_is_cannot_have(
    text: str, cannot: bool, kb: onconav.KnowledgeBase
) -> None:
    """Oxaliplatin stopped with the statusReason text "Neurotoxicity" was read as a treatment
    had ("a reason onconav does not read"): the words of an allergy, an intolerance, a toxicity
    or side effects are read as cannot-have, with a warning, as the words of progression are
    read as progressed; words that deny or put them aside are not. (Oxaliplatin alone stopped
    so, the rest of its course completed: the same words on each drug of the course are
    ``test_a_toxicity_named_for_every_drug_of_a_course_rules_none_out``.)"""
    stopped = _oxaliplatin("MedicationRequest", "stopped", {"text": text})
    rest = _folfox("MedicationRequest", "completed", "2024-01-10")[:2]
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped, *rest), kb)
    assert ("cannot_have" in reading.data) is cannot, reading.data
    said = "read from its words as the person not able to take it" if cannot else "does not read"
    assert any(said in w and "MedicationRequest/MedicationRequest-32592" in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    if cannot:
        assert reading.data["cannot_have"] == ["oxaliplatin"]


@pytest.mark.parametrize(("code", "text", "grew"), [
    ("32592", "Disease progression on FOLFOX", ["folfox", "oxaliplatin"]),
    ("32592", "Progression on oxaliplatin", ["oxaliplatin"]),
    ("32592", "Progressed during it", ["oxaliplatin"]),
    ("4492", "Disease progression on FOLFOX.", ["fluorouracil", "folfox"]),
    ("32592", "Progressive disease while on FOLFOX", ["folfox", "oxaliplatin"]),
    # on another treatment than the record's own: read as that one, said
    ("32592", "Disease progression on FOLFIRI", ["folfiri"]),
    ("32592", "No disease progression on FOLFOX", None)])  # fmt: skip
def test_a_stop_reason_of_progression_on_the_records_own_treatment_is_progression(
    code: str, text: str, grew: list[str] | None, kb: onconav.KnowledgeBase
) -> None:
    """"Disease progression on FOLFOX" as oxaliplatin's stop reason was a reason not read, and
    oxaliplatin offered again in FOLFOX and CAPOX: the cancer grew on it, the record's own
    treatment named (its drug, a regimen that holds it, "it"). A regimen or drug named is read
    as itself too, with a warning when it is not among the records (FOLFOX of oxaliplatin's
    record alone; "Disease progression on FOLFIRI" of it had been a reason not read, and FOLFIRI
    offered: ``test_a_stop_reason_that_names_a_treatment_is_read_as_it_whichever_record_of_the
    _course_carries_it``)."""
    reading = read_bundle(_record(RECTUM, STAGE_4, _stopped_drug("d", code, text)), kb)
    assert reading.data.get("progressed_on") == grew, (text, reading.warnings)
    said = ["the cancer growing on it" if grew else "does not read"]
    said += ["is not among the records of its course"] if grew in (
        ["folfox", "oxaliplatin"], ["fluorouracil", "folfox"], ["folfiri"]) else []
    for part in said:
        assert any(part in w and repr(text) in w for w in reading.warnings), reading.warnings


@pytest.mark.parametrize(("text", "barred"), [
    ("Do not rechallenge", True), ("Do not rechallenge.", True), ("DO NOT RECHALLENGE", True),
    ("Never to be given again", True), ("Do not rechallenge with oxaliplatin", True),
    ("Do not rechallenge with FOLFIRI", False), ("Do not rechallenge until reviewed", False),
    ("?Do not rechallenge", False)])  # fmt: skip
def test_a_stop_reason_that_only_forbids_the_drug_again_bars_it(
    text: str, barred: bool, kb: onconav.KnowledgeBase
) -> None:
    """"Do not rechallenge" alone as oxaliplatin's stop reason was a reason not read, and
    FOLFOX offered again: a clinician means the drug must not be given again. Read as a drug
    the person cannot have, with a warning that the record does not say why; not with words
    that say more, of another drug, or a doubt."""
    reading = read_bundle(_record(RECTUM, STAGE_4, _stopped_drug("ox", "32592", text)), kb)
    assert (reading.data.get("cannot_have") == ["oxaliplatin"]) is barred, (text, reading.warnings)
    if barred:
        assert any("must not be given again" in w and repr(text) in w
                   for w in reading.warnings), reading.warnings
        assert dict(statuses(reading.data, kb))["rectum-folfox"] == "not_suitable"


def _drug_code(drug: str) -> str | None:
    """An RxNorm code of the table of drug codes that is ``drug`` alone (leucovorin: 6313)."""
    kb = the_kb()
    return next((row.code for row in load_tables().rows if row.table == "drugs" and (
        drugs_of_codings([{"system": RXNORM_URI, "code": row.code}], kb) == [drug])), None)


# Every regimen the knowledge base names by its drugs alone, each drug with a code to write it
REGIMENS_BY_DRUGS = [r for r in the_kb().data.regimens if len(r.components) > 1
                     and the_kb().regimens_made_of(set(r.components)) == [r.id]
                     and all(_drug_code(d) for d in r.components)]  # fmt: skip


def _course_of(drugs: list[str], stopped: str, text: str) -> list[dict[str, Any]]:
    """A course of ``drugs`` ordered the same day, completed, but ``stopped`` stopped for
    ``text``; each record's id is its drug."""
    return [_stopped_drug(d, _drug_code(d) or "", text) if d == stopped else
            {**_stopped_drug(d, _drug_code(d) or "", ""), "status": "completed",
             "statusReason": None} for d in drugs]  # fmt: skip


@pytest.mark.parametrize(("regimen", "carrier"), [
    (r.id, d) for r in REGIMENS_BY_DRUGS for d in r.components])  # fmt: skip
def test_a_progression_that_names_a_regimen_is_it_whichever_record_of_the_course_says_it(
    regimen: str, carrier: str, kb: onconav.KnowledgeBase
) -> None:
    """Over every regimen the knowledge base names by its drugs and every drug of it: "Disease
    progression on FOLFOX" on fluorouracil's (or leucovorin's) record of a FOLFOX course had
    read fluorouracil alone as stopped working, and FOLFOX been offered again (on oxaliplatin's
    record it read as oxaliplatin): a progression that names a regimen is read as that regimen,
    each record of it in its course named in the provenance, with a warning naming the record
    whose words said it. With a drug of it not among the records of the course, it is still
    read as the words say, and the warning says it is not among them."""
    drugs = list(kb.by_id[regimen].components)
    text = f"Disease progression on {kb.name_of(regimen)}"
    reading = read_bundle(_record(RECTUM, STAGE_4, *_course_of(drugs, carrier, text)), kb)
    assert reading.data.get("progressed_on") == [regimen], (text, carrier, reading.warnings)
    assert {f"MedicationRequest/{d}" for d in drugs} <= set(reading.sources["progressed_on"])
    assert any(w.startswith(f"MedicationRequest/{carrier} ") and repr(text) in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    missing = next(d for d in drugs if d != carrier)
    part = read_bundle(_record(RECTUM, STAGE_4, *_course_of(
        [d for d in drugs if d != missing], carrier, text)), kb)  # fmt: skip
    assert regimen in part.data["progressed_on"], (text, carrier, part.warnings)
    assert any(f"MedicationRequest/{carrier} " in w and "is not among the records of its "
               "course" in w and repr(text) in w for w in part.warnings), part.warnings


REASON_PARTS = ["Disease progression on FOLFOX", "Progression on oxaliplatin", "Neurotoxicity",
                "Do not rechallenge", "do not rechallenge with oxaliplatin", "avoid fluorouracil",
                "Do not rechallenge with chemotherapy", "PD on FOLFIRI", "anaphylaxis",
                "Disease progression", "?progression on FOLFOX", "Patient choice"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(REASON_PARTS), max_size=3), min_size=3, max_size=3))
def test_stop_reasons_that_name_treatments_on_a_course_are_read_without_error(
    parts: list[list[str]],
) -> None:
    """Whatever reasons FOLFOX's three records are stopped for, alone or together ("Disease
    progression on FOLFOX; neurotoxicity" read both, and the record's two readings had raised
    an error): the reading never fails, and a progression on FOLFOX on any record of the course
    (not in doubt) reads FOLFOX as stopped working."""
    texts = ["; ".join(p) for p in parts]
    records = [{**r, "status": "stopped", "statusReason": {"text": t}} if t else r
               for r, t in zip(_folfox("MedicationRequest", "completed", "2024-01-10"), texts,
                               strict=True)]  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, *records), the_kb())
    if any("Disease progression on FOLFOX" in t for t in texts):
        assert "folfox" in reading.data.get("progressed_on", []), (texts, reading.warnings)


# The treatments a list of them may be written with: every drug of the knowledge base and every
# regimen not given with radiation (a list's words run through their names, "trifluridine and
# tipiracil", "cisplatin and ifosfamide", as through the words that join them)
LISTED = [d.id for d in the_kb().data.drugs] + [
    r.id for r in the_kb().data.regimens if "radiation" not in r.id]
# The ways a list is written, and the other reasons beside it on one record
LIST_FORMS: list[Callable[[list[str]], str]] = [
    " and ".join, " plus ".join, "/".join, " + ".join,
    lambda n: ", ".join(n[:-1]) + " and " + n[-1]]  # fmt: skip
BESIDE = [("", ""), ("Neurotoxicity; ", ""), ("", "; patient choice"), ("Grade 3 neuropathy, ", ""),
          ("", ", nephrotoxicity"), ("Patient choice; ", ". Also grade 3 neuropathy")]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LISTED), min_size=2, max_size=3, unique=True),
       st.sampled_from(LIST_FORMS), st.sampled_from(BESIDE))
@example(["cisplatin", "ifosfamide"], LIST_FORMS[0], BESIDE[1])
@example(["trifluridine-tipiracil", "bevacizumab", "irinotecan"], LIST_FORMS[4], BESIDE[2])
def test_a_progression_on_a_list_of_treatments_is_each_of_them(
    listed: list[str], form: Callable[[list[str]], str], beside: tuple[str, str]
) -> None:
    """Over the drugs and regimens of the knowledge base, however their list is written and
    whatever other reasons the record gives beside it: "Neurotoxicity; progression on cisplatin
    and ifosfamide" of oxaliplatin's record had read cisplatin alone as stopped working (the words
    were parted at each "and", "," and "/" before they were read), "PD on 5-FU/leucovorin" the
    record's own oxaliplatin. Each treatment named is read as stopped working, and no other
    drug; a harm named beside it is still read as a harm of the record's own drug."""
    kb = the_kb()
    text = f"{beside[0]}Disease progression on {form([kb.name_of(i) for i in listed])}{beside[1]}"
    reading = read_bundle(_record(RECTUM, STAGE_4, _stopped_drug(
        "d", _drug_code("oxaliplatin") or "", text)), kb)  # fmt: skip
    drugs = {d for i in listed for d in kb.drugs_of(i)}
    stopped = {d for i in reading.data.get("progressed_on", []) for d in kb.drugs_of(i)}
    assert stopped == drugs, (text, reading.data, reading.warnings)
    harm = any(w in text for w in ("toxicity", "neuropathy"))
    assert reading.data.get("cannot_have") == (["oxaliplatin"] if harm else None), (text,)


@pytest.mark.parametrize("carrier", ["cisplatin", "ifosfamide"])
@pytest.mark.parametrize("text", ["Neurotoxicity; progression on cisplatin and ifosfamide",
                                  "Progression on cisplatin and ifosfamide, nephrotoxicity"])
def test_a_progression_on_cisplatin_and_ifosfamide_beside_a_harm_is_both(
    carrier: str, text: str, kb: onconav.KnowledgeBase
) -> None:
    """A cervical cancer's course of cisplatin and ifosfamide, one record stopped for
    progression on both among other reasons: it had read cisplatin alone as stopped working.
    The regimen is, each record of it in the provenance, and the harm is the carrier's."""
    reading = read_bundle(_record(CERVIX, STAGE_4B, *_course_of(
        ["cisplatin", "ifosfamide"], carrier, text)), kb)  # fmt: skip
    assert reading.data.get("progressed_on") == ["cisplatin-ifosfamide"], reading.warnings
    assert reading.data.get("cannot_have") == [carrier], reading.warnings
    assert {"MedicationRequest/cisplatin", "MedicationRequest/ifosfamide"} <= set(
        reading.sources["progressed_on"])  # fmt: skip
    assert dict(statuses(reading.data, kb))["cervix-chemo-cisplatin-ifosfamide"] == "not_suitable"


@pytest.mark.parametrize(("regimen", "carrier", "named"), [
    (r.id, d, n) for r in REGIMENS_BY_DRUGS for d in r.components for n in r.components
    if n != d])  # fmt: skip
def test_a_drug_forbidden_again_on_another_drugs_record_of_its_course_is_barred(
    regimen: str, carrier: str, named: str, kb: onconav.KnowledgeBase
) -> None:
    """Over every regimen the knowledge base names by its drugs, every drug of it whose record
    carries the words and every other drug of it named: "Do not rechallenge with oxaliplatin"
    on leucovorin's record had been a reason not read (only a warning), and oxaliplatin offered
    again; it names the drug: read as one the person cannot have, as "Do not rechallenge"
    alone is of the record's own drug, with the record that says so in the provenance. The
    record's own drug is not barred by it."""
    text = f"Do not rechallenge with {kb.name_of(named)}"
    drugs = list(kb.by_id[regimen].components)
    reading = read_bundle(_record(RECTUM, STAGE_4, *_course_of(drugs, carrier, text)), kb)
    assert reading.data.get("cannot_have") == [named], (text, carrier, reading.warnings)
    assert {f"MedicationRequest/{carrier}", f"MedicationRequest/{named}"} <= set(
        reading.sources["cannot_have"])  # fmt: skip
    assert any(w.startswith(f"MedicationRequest/{carrier} ") and repr(text) in w
               and "cannot have" in w for w in reading.warnings), reading.warnings  # fmt: skip


@pytest.mark.parametrize(("kind", "drug"), [
    (c.id, d.id) for c in the_kb().data.drug_classes for d in the_kb().data.drugs
    if any(c.id in x.classes for x in the_kb().data.drugs) and _drug_code(d.id)
    and (c.id in d.classes or d.id in ("oxaliplatin", "trastuzumab"))])  # fmt: skip
def test_a_kind_forbidden_again_is_not_read_as_every_drug_of_it(
    kind: str, drug: str, kb: onconav.KnowledgeBase
) -> None:
    """Over every kind of drug the knowledge base has and every drug of it (and two others):
    "Do not rechallenge with chemotherapy" had barred the record's drug alone, with no word of
    the kind. A kind is not a drug: its drugs are not all barred on a guess (most options would
    go); the record's own drug is barred when of that kind, not otherwise, and a warning says
    the kind was not read as a bar, naming it."""
    text = f"Do not rechallenge with {kb.name_of(kind)}"
    of_kind = kind in getattr(kb.by_id[drug], "classes", [])
    reading = read_bundle(_record(RECTUM, STAGE_4, _stopped_drug("d", _drug_code(drug) or "",
                                                                 text)), kb)  # fmt: skip
    if "MedicationRequest/d" in {u.reference for u in reading.unused}:
        return  # a drug not read as this cancer's treatment
    assert reading.data.get("cannot_have") == ([drug] if of_kind else None), (text, drug)
    assert any(w.startswith("MedicationRequest/d ") and "a kind is not read as a bar" in w
               and repr(text) in w for w in reading.warnings), reading.warnings  # fmt: skip


NOT_AGAIN_ON_EACH = ["Do not rechallenge", "Neurotoxicity, do not rechallenge",
                     "Grade 3 neuropathy - never to be given again", "DO NOT RECHALLENGE."]


@pytest.mark.parametrize("text", NOT_AGAIN_ON_EACH)
@pytest.mark.parametrize("regimen", [r.id for r in REGIMENS_BY_DRUGS])
def test_words_that_forbid_each_drug_of_a_course_again_bar_the_regimen(
    regimen: str, text: str, kb: onconav.KnowledgeBase
) -> None:
    """Over every regimen the knowledge base names by its drugs: the same words that forbid the
    drug again, naming no drug, on each record of its course ("Do not rechallenge" on each of
    FOLFOX's three records, or beside a harm that names no drug: "Neurotoxicity, do not
    rechallenge") mean that regimen must not be given again: it is read as one the person cannot
    have, each record in the provenance, and no drug of it alone (each drug had been barred, and
    with fluorouracil FOLFIRI), with a warning that the note was on each drug of the course and
    was read as the regimen. The reading is otherwise that of the course done."""
    drugs = list(kb.by_id[regimen].components)
    records = [_stopped_drug(d, _drug_code(d) or "", text) for d in drugs]
    reading = read_bundle(_record(RECTUM, STAGE_4, *records), kb)
    assert reading.data.get("cannot_have") == [regimen], (text, reading.warnings)
    assert {f"MedicationRequest/{d}" for d in drugs} <= set(reading.sources["cannot_have"])
    done = read_bundle(_record(RECTUM, STAGE_4, *[
        {**r, "status": "completed", "statusReason": None} for r in records]), kb)  # fmt: skip
    assert {k: v for k, v in reading.data.items() if k != "cannot_have"} == done.data
    assert any(kb.name_of(regimen) in w and "on each drug of one course" in w
               and "ask the care team if a single drug is meant" in w and repr(text) in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    assert not any("read as a drug the person cannot have" in w for w in reading.warnings)


def test_do_not_rechallenge_on_each_record_of_folfox_leaves_folfiri_offered(
    kb: onconav.KnowledgeBase,
) -> None:
    """The vignette: "Neurotoxicity, do not rechallenge" on each of FOLFOX's three records had
    barred fluorouracil, and FOLFIRI with it: FOLFOX is not offered again, FOLFIRI is. The CLI
    reads the same bundle the same (one reader)."""
    folfox = _folfox("MedicationRequest", "stopped", "2024-01-10",
                     statusReason={"text": "Neurotoxicity, do not rechallenge"})  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox), kb)
    assert reading.data["cannot_have"] == ["folfox"], reading.warnings
    status = dict(statuses(reading.data, kb))
    assert status["rectum-folfox"] == "not_suitable"
    assert status["rectum-folfiri"] != "not_suitable", status


@pytest.mark.parametrize("regimen", [r.id for r in REGIMENS_BY_DRUGS])
def test_a_progression_beside_do_not_rechallenge_on_each_record_of_a_course_is_both_of_the_regimen(
    regimen: str, kb: onconav.KnowledgeBase
) -> None:
    """Over every regimen the knowledge base names by its drugs: "Disease progression; do not
    rechallenge" on each record of its course was read only as the regimen stopped working
    (the words that forbid it again not read beside the progression): it stopped working and
    is one the person cannot have, as the regimen, no drug of it alone."""
    drugs = list(kb.by_id[regimen].components)
    text = "Disease progression; do not rechallenge"
    records = [_stopped_drug(d, _drug_code(d) or "", text) for d in drugs]
    reading = read_bundle(_record(RECTUM, STAGE_4, *records), kb)
    assert reading.data.get("cannot_have") == [regimen], reading.warnings
    assert reading.data.get("progressed_on") == [regimen], reading.warnings


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(sorted({d for r in REGIMENS_BY_DRUGS for d in r.components}
                                      | {"bevacizumab", "irinotecan"})), min_size=1, max_size=4),
       st.sampled_from(NOT_AGAIN_ON_EACH))  # fmt: skip
def test_words_that_forbid_each_drug_of_a_course_again_bar_the_regimens_it_makes(
    drugs: set[str], text: str
) -> None:
    """Whatever drugs one course gives, each record stopped with the same words that forbid it
    again naming no drug: what the person cannot have is what the course makes
    (``KnowledgeBase.regimens_made_of``): each regimen its drugs make, and each drug of none
    alone (a course that makes no regimen is read drug by drug, as before)."""
    kb = the_kb()
    assume(all(_drug_code(d) for d in drugs))
    records = [_stopped_drug(d, _drug_code(d) or "", text) for d in sorted(drugs)]
    reading = read_bundle(_record(RECTUM, STAGE_4, *records), kb)
    assume(not {u.reference for u in reading.unused} & {f"MedicationRequest/{d}" for d in drugs})
    assert reading.data.get("cannot_have") == sorted(kb.regimens_made_of(drugs)), (drugs, text)


@pytest.mark.parametrize("harm", ["Neurotoxicity", "Grade 3 diarrhoea", "Anaphylaxis"])
@pytest.mark.parametrize(("regimen", "carrier", "named"), [
    (r.id, d, n) for r in REGIMENS_BY_DRUGS for d in r.components for n in r.components
    if n != d])  # fmt: skip
def test_a_harm_beside_words_that_forbid_another_drug_bars_that_drug_alone(
    regimen: str, carrier: str, named: str, harm: str, kb: onconav.KnowledgeBase
) -> None:
    """Over every regimen the knowledge base names by its drugs, every drug of it whose record
    carries the words and every other drug of it named: "Neurotoxicity; do not rechallenge with
    oxaliplatin" on fluorouracil's record had barred fluorouracil as well as oxaliplatin (and
    FOLFIRI with it): the words say whose the harm is, so the named drug alone is barred, the
    record's own read as a treatment had, with a warning that says so."""
    text = f"{harm}; do not rechallenge with {kb.name_of(named)}"
    drugs = list(kb.by_id[regimen].components)
    reading = read_bundle(_record(RECTUM, STAGE_4, *_course_of(drugs, carrier, text)), kb)
    assert reading.data.get("cannot_have") == [named], (text, carrier, reading.warnings)
    assert f"MedicationRequest/{carrier}" in reading.sources["cannot_have"]
    assert any(w.startswith(f"MedicationRequest/{carrier} ") and "not its own drug" in w
               and repr(text) in w for w in reading.warnings), reading.warnings  # fmt: skip


# (not a regimen whose name holds "and", "cisplatin and ifosfamide": the reading of a
# progression's words among others splits them at it, which is not this rule)
@pytest.mark.parametrize("harm", ["Neurotoxicity, ", ""])
@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize(("regimen", "carrier", "named"), [
    (r.id, d, n) for r in REGIMENS_BY_DRUGS for d in r.components for n in r.components
    if n != d and " and " not in the_kb().name_of(r.id)])  # fmt: skip
def test_a_record_whose_words_forbid_one_drug_and_name_a_progression_is_read_both_ways(
    regimen: str, carrier: str, named: str, first: bool, harm: str, kb: onconav.KnowledgeBase
) -> None:
    """A record's reading of the treatments its words name was one slot: "Neurotoxicity, do
    not rechallenge with oxaliplatin; progression on FOLFOX" on leucovorin's record lost the
    bar on oxaliplatin when the progression was written (and leucovorin was barred in its
    place); with no harm named ("Do not rechallenge with oxaliplatin; progression on FOLFOX")
    the words that forbid were not read beside the progression at all. Every reading of a
    record is kept: the named drug is one the person cannot have and the regimen stopped
    working, in either order of the words."""
    forbid = f"{harm}do not rechallenge with {kb.name_of(named)}"
    grew = f"progression on {kb.name_of(regimen)}"
    text = f"{forbid}; {grew}" if first else f"{grew}; {forbid}"
    drugs = list(kb.by_id[regimen].components)
    reading = read_bundle(_record(RECTUM, STAGE_4, *_course_of(drugs, carrier, text)), kb)
    assert reading.data.get("cannot_have") == [named], (text, reading.warnings)
    assert reading.data.get("progressed_on") == [regimen], (text, reading.warnings)


@pytest.mark.parametrize(("text", "each"), [
    ("Disease progression; also neurotoxicity", False),
    ("Neurotoxicity, progressive disease", False), ("Disease progression; neuropathy", False),
    ("progressed / allergy", True)])  # fmt: skip
def test_a_stop_reason_in_words_of_progression_and_toxicity_is_both(
    text: str, each: bool, kb: onconav.KnowledgeBase
) -> None:
    """"Disease progression; also neurotoxicity" was read as cannot-have alone, the progression
    lost (what stopped working then asked): a list of reasons gives each it names. On each drug
    of FOLFOX, the toxicity or the harm is not said to be any one drug's, and none is read as
    cannot-have (it had ruled out all three, fluorouracil included; and "Disease progression;
    neuropathy" had lost the progression with the harm); an allergy still rules out each
    (``ACUTE_REACTION``)."""
    folfox = _folfox("MedicationRequest", "stopped", "2024-01-10", statusReason={"text": text})
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox), kb)
    assert reading.data.get("cannot_have") == (
        ["fluorouracil", "leucovorin", "oxaliplatin"] if each else None), reading.data
    assert "folfox" in reading.data["progressed_on"], reading.data
    stopped = _oxaliplatin("MedicationRequest", "stopped", {"text": text})
    rest = _folfox("MedicationRequest", "completed", "2024-01-10")[:2]
    alone = read_bundle(_record(RECTUM, STAGE_4, stopped, *rest), kb)
    assert alone.data["cannot_have"] == ["oxaliplatin"]
    assert "oxaliplatin" in alone.data["progressed_on"], alone.data


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["toxicity", "neurotoxicity", "allergy", "allergic reaction",
                        "intolerance", "side effects", "adverse reaction", "hypersensitivity"]),
       st.sampled_from(["no", "not", "without", "free of", "resolved", "other than",
                        "not due to", "unrelated to", "ruled out", "risk of", "to prevent"]),
       st.booleans(), st.sampled_from(["", "Suspected "]),
       st.sampled_from(["", "; course completed", "."]))  # fmt: skip
def test_a_stop_reason_whose_words_deny_an_allergy_or_toxicity_is_never_cannot_have(
    head: str, word: str, after: bool, before: str, more: str
) -> None:
    """Whatever allergy or toxicity a stop reason names, words that deny it or put it aside,
    before it or after it, leave the drug a treatment had."""
    text = before + (f"{head} {word}" if after else f"{word} {head}") + more
    stopped = {"resourceType": "MedicationRequest", "id": "ox", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2024-01-10", "medicationCodeableConcept": _cc(RXNORM, "32592"),
               "statusReason": {"text": text}}  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped), the_kb())
    assert "cannot_have" not in reading.data, text
    assert reading.data["prior_treatments"] == ["oxaliplatin", MORE]


def test_a_condition_that_ended_with_no_clinical_status_is_resolved(
    kb: onconav.KnowledgeBase,
) -> None:
    """abatement[x] was passed over: a bleed that ended in 2021, with no clinicalStatus, was read
    as a symptom now. By FHIR's rule con-4 a Condition that abated is not active: it is read as
    resolved, and said; one recorded active that also ended is read as active, and said."""
    melena = {"code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
                                   "code": "K92.1", "display": "Melena"}]}}
    bleed = {**_condition("s", "0", ""), **melena, "abatementDateTime": "2021-01-01"}
    del bleed["clinicalStatus"]
    reading = read_bundle(_record(RECTUM, STAGE_4, bleed), kb)
    assert "symptoms" not in reading.data
    assert "resolved" in {u.reference: u.reason for u in reading.unused}["Condition/s"]
    assert any(w.startswith("Condition/s has no clinicalStatus and ended") for w in
               reading.warnings)  # fmt: skip
    still = read_bundle(_record(RECTUM, STAGE_4, {**bleed, "clinicalStatus": _cc(
        CLINICAL, "active")}), kb)  # fmt: skip
    assert still.data["symptoms"] == ["gut-bleeding", MORE]
    assert any("recorded as active but also as ended" in w for w in still.warnings)


def test_a_resource_a_history_deletes_is_not_read(kb: onconav.KnowledgeBase) -> None:
    """A history Bundle (newest first) whose DELETE of Condition/c came before (after, in time)
    the copy of it read the deleted cancer as on record; a copy made after the DELETE is read."""
    def history(*entries: dict[str, Any]) -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": "history", "entry": list(entries)}

    delete = {"request": {"method": "DELETE", "url": "Condition/c"},
              "response": {"status": "204"}}  # fmt: skip
    old = {"resource": RECTUM, "request": {"method": "POST", "url": "Condition"},
           "response": {"status": "201"}}  # fmt: skip
    stomach = {"resource": {**STOMACH, "id": "s"}, "response": {"status": "201"},
               "request": {"method": "POST", "url": "Condition"}}  # fmt: skip
    reading = read_bundle(history(stomach, delete, old), kb)
    assert reading.data["cancer"] == "stomach"
    reasons = {u.reference: u.reason for u in reading.unused}
    assert reasons["Condition/c at entry[2]"].startswith("deleted")
    assert "a DELETE of Condition/c" in reasons["entry[1]"]
    with pytest.raises(FhirError) as caught:
        read_bundle(history(delete, old), kb)
    assert "Condition/c at entry[1] (deleted" in caught.value.problems[0].message
    # made again after it was deleted (newer: before the DELETE), it is read
    assert read_bundle(history(old, delete), kb).data["cancer"] == "rectum"
    # not a history: a DELETE entry deletes nothing that is read
    assert read_bundle({**history(delete, old), "type": "transaction"}, kb).data[
        "cancer"] == "rectum"  # fmt: skip


@pytest.mark.parametrize("value", [
    {"coding": [{"system": "http://www.genenames.org", "code": "KRAS", "display": "KRAS"}]},
    {"text": "KRAS"},
])  # fmt: skip
def test_a_gene_studied_named_by_its_symbol_is_read(
    value: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """A GenomicVariant of KRAS with the gene studied as the HGNC symbol "KRAS" (not
    "HGNC:6407"), or as words only, was listed as "of genes onconav does not read"."""
    gene = {"code": _cc(LOINC, "48018-6"), "valueCodeableConcept": value}
    variant = _observation("kras", "69548-6", PRESENT, component=[gene])
    reading = read_bundle(_record(RECTUM, STAGE_4, variant), kb)
    assert reading.data["biomarkers"]["kras"] == "mutated"


def test_an_stu3_clinical_status_is_named_as_what_is_wrong(kb: onconav.KnowledgeBase) -> None:
    """An STU3-style clinicalStatus (a code, "active") was "Invalid JSON: expected value"."""
    with pytest.raises(FhirError) as caught:
        read_bundle(_record({**RECTUM, "clinicalStatus": "active"}, STAGE_4), kb)
    assert ("clinicalStatus is a string, not an object (a CodeableConcept)"
            in caught.value.problems[1].message)  # fmt: skip


def test_a_bundle_after_a_byte_order_mark_is_read(run: Any, tmp_path: Path) -> None:
    """A file that begins with a UTF-8 byte order mark was refused ("Unexpected UTF-8 BOM"),
    though the profile reader takes one."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(_record(RECTUM, STAGE_4)).encode())
    done = run("fhir", "profile", str(path), "--format", "json")
    assert done.status == 0, done.stderr
    assert json.loads(done.stdout)["profile"]["cancer"] == "rectum"


# ---- what a review of the reader found -----------------------------------------------------

WEIGHT = _observation("weight", "29463-7", date="2024-01-10")
HYPERTENSION = _condition("x", "38341003", "Hypertension")
HER2_NEGATIVE = _observation("her2", "48676-1", _cc(LOINC, "LA6577-6", "Negative"))
HER2_POSITIVE = _observation("her2", "48676-1", _cc(LOINC, "LA6576-8", "Positive"))


@pytest.mark.parametrize(("old_meta", "new_meta"), [
    ({"versionId": "1"}, {"versionId": "2"}),
    ({"versionId": "9"}, {"versionId": "10"}),  # as numbers, not as text
    ({"lastUpdated": "2023-01-10T00:00:00Z"}, {"lastUpdated": "2023-02-10T00:00:00Z"}),
])  # fmt: skip
@pytest.mark.parametrize("newer_first", [False, True])
def test_of_two_versions_of_a_resource_the_newer_is_read(
    old_meta: dict[str, str], new_meta: dict[str, str], newer_first: bool,
    kb: onconav.KnowledgeBase,
) -> None:
    """A HER2 result corrected from negative to positive, both versions in the Bundle (FHIR
    allows it): whichever came first was read, so HER2 was negative or positive by the order
    of the entries. The newer version is read and the older listed as such."""
    old = {**HER2_NEGATIVE, "meta": old_meta}
    new = {**HER2_POSITIVE, "meta": new_meta}
    copies = (new, old) if newer_first else (old, new)
    reading = read_bundle(_record(STOMACH, STAGE_4, *copies), kb)
    assert reading.data["biomarkers"]["her2"] == "positive"
    [reason] = [u.reason for u in reading.unused if u.reference.startswith("Observation/her2 at")]
    assert reason.startswith("an older version of Observation/her2"), reason


def test_two_copies_of_a_resource_that_differ_unordered_are_said(
    kb: onconav.KnowledgeBase,
) -> None:
    """Two copies alike: the first is read, the second listed. Two that differ with nothing to
    say which is newer: the first is read, the second listed, and a warning says so (it was
    listed as only "appears again")."""
    alike = read_bundle(_record(STOMACH, STAGE_4, HER2_NEGATIVE, HER2_NEGATIVE), kb)
    assert [u.reason for u in alike.unused if u.reference.startswith("Observation/her2 at")] == [
        "Observation/her2 appears again; the first copy is read"]
    differ = read_bundle(_record(STOMACH, STAGE_4, HER2_NEGATIVE, HER2_POSITIVE), kb)
    assert differ.data["biomarkers"]["her2"] == "negative"
    assert any(w.startswith("Observation/her2 appears twice with different contents")
               for w in differ.warnings), differ.warnings
    # versions "1" and "01" are one number: nothing says which is newer (the "01" was read as
    # the older, and HER2 negative with no warning)
    same = read_bundle(_record(STOMACH, STAGE_4, {**HER2_POSITIVE, "meta": {"versionId": "01"}},
                               {**HER2_NEGATIVE, "meta": {"versionId": "1"}}), kb)  # fmt: skip
    assert same.data["biomarkers"]["her2"] == "positive"
    assert any(w.startswith("Observation/her2 appears twice with different contents")
               for w in same.warnings), same.warnings
ACCOUNT = {"resourceType": "Account", "id": "a", "status": "active",
           "subject": [{"reference": "Patient/p"}]}  # fmt: skip
CANCER_WORDED = {**_condition("x", "999999", ""), "code": {"text": "Malignant neoplasm of colon"}}
ORDER = {"resourceType": "ServiceRequest", "id": "s", "status": "active", "intent": "order",
         "subject": {"reference": "Patient/p"}, "code": {"text": "CT scan"}}  # fmt: skip
# Each was a Python error (a traceback, exit status 1 from the command line, 500 from the API):
# a reading, or the error that no cancer is on record, is what each is.
CRASHED = {
    # valid FHIR R4: an Account's (or a Contract's) subject is a list
    "account-subject-list": [RECTUM, STAGE_4, ACCOUNT],
    "contract-subject-list": [RECTUM, STAGE_4, {
        "resourceType": "Contract", "id": "k", "subject": [{"reference": "Patient/p"}]}],
    # a result nothing reads, with a focus that is no list
    "observation-focus-number": [RECTUM, STAGE_4, {**WEIGHT, "focus": 5}],
    # the only Condition, not a cancer, with an extension that is no list
    "lone-condition-extension-number": [{**HYPERTENSION, "extension": 5}],
    # a result whose focus names a Condition (worded as a cancer) whose bodySite is no list
    "focus-condition-bodysite-number": [RECTUM, STAGE_4, {**CANCER_WORDED, "bodySite": 5},
                                        {**HER2_NEGATIVE, "focus": [{"reference": "Condition/x"}]}],
    # an order with a reasonCode that is no list, and no cancer on record
    "order-reasoncode-number": [HYPERTENSION, {**ORDER, "reasonCode": 5}],
}  # fmt: skip
NO_CANCER_ON_RECORD = {"lone-condition-extension-number", "order-reasoncode-number"}


@functools.cache
def _app() -> Any:
    from onconav.web import create_app

    return create_app(the_kb())


def _post_fhir(record: dict[str, Any]) -> Any:
    """The API's answer to a FHIR record (POST /api/v1/options/fhir), in this process."""
    import asyncio

    import httpx

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://onconav") as client:
            return await client.post("/api/v1/options/fhir", content=json.dumps(record),
                                     headers={"content-type": "application/fhir+json"})

    return asyncio.run(post())


@pytest.mark.parametrize("case", sorted(CRASHED))
def test_what_was_a_python_error_is_a_reading_or_the_error_that_names_the_field(
    case: str, kb: onconav.KnowledgeBase, run: Any, tmp_path: Path
) -> None:
    """The reader looked at resources already found not valid, and looped over values it had
    not checked: each of these records was a traceback. Each is now read, the resource that is
    not valid listed with what is wrong, or is the error that no cancer is on record, on the
    command line (exit status 0 or 2, never 1) and in the API (200 or 422, never 500)."""
    record = _record(*CRASHED[case])
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    done = run("fhir", "profile", str(path), "--format", "json")
    answer = _post_fhir(record)
    if case in NO_CANCER_ON_RECORD:
        with pytest.raises(FhirError, match="no cancer condition"):
            read_bundle(record, kb)
        assert done.status == 2 and "no cancer condition" in done.errors()[0], done.stderr
        assert answer.status_code == 422, answer.text
        return
    reading = read_bundle(record, kb)
    assert reading.data["cancer"] == "rectum" and reading.data["stage"] == "4"
    assert accounted(reading) == refs_of(CRASHED[case])
    assert done.status == 0, done.stderr
    assert json.loads(done.stdout)["profile"] == reading.data
    assert answer.status_code == 200, answer.text
    assert run("options", "--fhir", str(path)).status == 0


def test_a_subject_given_as_a_list_is_read_by_each_reference(kb: onconav.KnowledgeBase) -> None:
    """An Account whose subject lists the person is about the person; one that lists a Group
    too may be about someone else (listed, as a single such subject is); one that lists another
    patient makes the record two people's."""
    unused = {u.reference: u.reason for u in read_bundle(_record(RECTUM, ACCOUNT), kb).unused}
    assert unused["Account/a"] == "an Account: not part of the profile"
    group = {**ACCOUNT, "subject": [{"reference": "Patient/p"}, {"reference": "Group/g"}]}
    unused = {u.reference: u.reason for u in read_bundle(_record(RECTUM, group), kb).unused}
    assert unused["Account/a"].startswith("its subject (Group/g) is not a reference to a Patient")
    two = {**ACCOUNT, "subject": [{"reference": "Patient/p"}, {"reference": "Patient/q"}]}
    with pytest.raises(FhirError, match="2 different patients"):
        read_bundle(_record(RECTUM, two), kb)


def test_a_result_whose_focus_is_a_condition_not_valid_is_not_read_for_the_cancer(
    kb: onconav.KnowledgeBase,
) -> None:
    """The Condition a result's focus names is not read when it is not valid FHIR: the result
    is not the cancer's (HER2 stays unknown), and the Condition says what is wrong with it."""
    reading = read_bundle(_record(*CRASHED["focus-condition-bodysite-number"]), kb)
    assert "her2" not in reading.data.get("biomarkers", {})
    unused = {u.reference: u.reason for u in reading.unused}
    assert unused["Condition/x"] == "not valid FHIR R4: bodySite is a number, not a list"
    assert unused["Observation/her2"] == ("a result whose focus (Condition/x) is not the cancer "
                                          "read (Condition/c)")  # fmt: skip


def _instant(resource: dict[str, Any], when: str) -> dict[str, Any]:
    """A result dated by effectiveInstant only."""
    dated = {k: v for k, v in resource.items() if k != "effectiveDateTime"}
    return {**dated, "effectiveInstant": when}


BREAST_C = _condition("c", "254837009", "Malignant tumor of breast")
IIB_IN_2019 = _observation("s1", "399537006", _cc(SNOMED, "1222769001", "AJCC stage IIB"),
                           date="2019-01-10", system=SNOMED)  # fmt: skip


def _on_patient(*resources: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**r, "subject": {"reference": "Patient/p"}} for r in resources]


INSTANT_DATED = {
    # stage IV dated by effectiveInstant in 2024, beside a IIB of 2019: stage 4
    "stage": ([BREAST_C, IIB_IN_2019, _instant(_observation(
        "s2", "399537006", {"text": "Stage IV"}, system=SNOMED), "2024-01-10T10:00:00Z")],
        "stage", "4", ["Observation/s2"]),
    # the latest ER result (2024, positive), beside ER and PR negative in 2019: hormone-sensitive
    "receptor": ([BREAST_C, *_on_patient(
        _receptor("er1", "16112-5", "negative", effectiveDateTime="2019-01-10"),
        _receptor("er2", "16112-5", "positive", effectiveInstant="2024-01-10T10:00:00Z"),
        _receptor("pr", PR, "negative", effectiveDateTime="2019-01-10"))],
        "hormone_sensitive", True, ["Observation/er2"]),
    # a worsening dated by effectiveInstant blames the drug in use on its date
    "worsening": ([RECTUM, STAGE_4, {
        "resourceType": "MedicationAdministration", "id": "ox", "status": "completed",
        "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2024-02-01",
        "medicationCodeableConcept": _cc(RXNORM_URI, "32592", "Oxaliplatin")}, _instant(
        _observation("ds", "97509-4", _cc(SNOMED, "271299001", "Worsened")),
        "2024-03-01T10:00:00Z")],
        "progressed_on", ["oxaliplatin"], ["MedicationAdministration/ox", "Observation/ds"]),
}  # fmt: skip


@pytest.mark.parametrize("what", sorted(INSTANT_DATED))
def test_a_result_dated_by_effective_instant_is_dated(
    what: str, kb: onconav.KnowledgeBase
) -> None:
    """A result dated by effectiveInstant (an effective[x] of FHIR R4) was read as undated: the
    latest stage IV beside a IIB of 2019 left the stage unknown, the latest ER result, positive,
    was read as earlier than a negative one of 2019 (hormone therapy not suitable), and a
    worsening was attributed to nothing."""
    resources, name, value, sources = INSTANT_DATED[what]
    reading = read_bundle(_record(*resources), kb)
    assert reading.data[name] == value
    assert reading.sources[name] == sources


@pytest.mark.parametrize(("undated", "expected"), [("positive", None), ("negative", False)])
def test_an_undated_receptor_result_that_disagrees_leaves_it_unknown(
    undated: str, expected: bool | None, kb: onconav.KnowledgeBase
) -> None:
    """An undated ER result was read as earlier than a dated one, so ER negative (2019) beside
    an undated ER positive read as not hormone-sensitive: the undated one may be the later, so
    a disagreement leaves the receptor unknown, with a warning, as an undated stage does. One
    that agrees is read with the dated one."""
    dated = _receptor("er1", "16112-5", "negative", effectiveDateTime="2019-01-10")
    loose = _receptor("er2", "16112-5", undated)
    pr = _receptor("pr", PR, "negative", effectiveDateTime="2019-01-10")
    reading = read_bundle(_record(BREAST_C, *_on_patient(dated, loose, pr)), kb)
    assert reading.data.get("hormone_sensitive") is expected
    unused = {u.reference: u.reason for u in reading.unused}
    if expected is None:
        assert any("undated ER result (Observation/er2) disagrees" in w
                   for w in reading.warnings), reading.warnings  # fmt: skip
        assert "ER is left unknown" in unused["Observation/er1"]
        assert "ER is left unknown" in unused["Observation/er2"]
        assert "not known" in unused["Observation/pr"]
        options = dict(statuses({**reading.data, "stage": "4"}, kb))
        assert options["general-hormone-therapy"] == "needs_information"
    else:
        assert set(reading.sources["hormone_sensitive"]) == {
            "Observation/er1", "Observation/er2", "Observation/pr"}


def _cancer_condition(ident: str, code: str, display: str, stage: str | None = None,
                      **more: Any) -> dict[str, Any]:  # fmt: skip
    staged = {"stage": [{"summary": _cc(SNOMED, "0", stage)}]} if stage else {}
    return {**_condition(ident, code, display), **staged, **more}


def test_the_stage_of_another_condition_of_the_same_cancer_is_read(
    kb: onconav.KnowledgeBase,
) -> None:
    """A stage written on the first diagnosis, beside a recurrence recorded as its own Condition
    of the same cancer, was dropped without a word: each Condition read as the cancer gives its
    stage, by the same rules."""
    first = _cancer_condition("c1", "254582000", "Adenocarcinoma of rectum",
                              "American Joint Committee on Cancer stage IV",
                              onsetDateTime="2022-01-01")  # fmt: skip
    again = _cancer_condition("c2", "314966008", "Local recurrence of malignant tumor of rectum",
                              onsetDateTime="2024-01-01")  # fmt: skip
    reading = read_bundle(_record(first, again), kb)
    assert reading.data["stage"] == "4" and reading.sources["stage"] == ["Condition/c1"]
    assert reading.data["recurrence"] == "local"
    # a later Condition of the same cancer with a lower stage: they disagree, unknown
    lower = {**again, "stage": [{"summary": _cc(SNOMED, "0", "AJCC stage IIB")}]}
    reading = read_bundle(_record(first, lower), kb)
    assert "stage" not in reading.data
    assert any("the stage records disagree" in w for w in reading.warnings), reading.warnings


LONSURF_CODES = [{"system": RXNORM_URI, "code": "10803", "display": "Trifluridine"},
                 {"system": RXNORM_URI, "code": "1670304", "display": "Tipiracil"}]


@pytest.mark.parametrize(("concept", "drugs"), [
    ({"coding": LONSURF_CODES}, ["trifluridine-tipiracil"]),
    ({"coding": LONSURF_CODES[::-1]}, ["trifluridine-tipiracil"]),
    ({"coding": LONSURF_CODES[:1]}, []),  # one ingredient alone: not the medicine
    ({"text": "trifluridine 15 MG / tipiracil 6.14 MG Oral Tablet"}, ["trifluridine-tipiracil"]),
    ({"text": "Tipiracil / trifluridine"}, ["trifluridine-tipiracil"]),
    ({"text": "trifluridine 15 MG / tipiracil 6.14 MG Oral Tablet [Lonsurf]"},
     ["trifluridine-tipiracil"]),
    ({"text": "Lonsurf 15 MG / 6.14 MG Oral Tablet"}, ["trifluridine-tipiracil"]),
    ({"coding": [{"system": RXNORM_URI, "code": "194000"},
                 {"system": RXNORM_URI, "code": "32592"}]}, ["capox"]),
    ({"text": "capecitabine 500 MG / oxaliplatin 5 MG/ML"}, ["capox"]),
    # as a record writes several drugs given together (they had named no drug: a drafted CAPOX
    # so written got no card); drugs that make nothing together are each read
    ({"text": "capecitabine and oxaliplatin"}, ["capox"]),
    ({"text": "oxaliplatin + leucovorin + fluorouracil (FOLFOX)"}, ["folfox"]),
    ({"text": "Oxaliplatin, Leucovorin, Fluorouracil"}, ["folfox"]),
    ({"text": "cisplatin + fluorouracil"}, ["cisplatin", "fluorouracil"]),
    ({"text": "cisplatin & 5-FU"}, ["cisplatin", "fluorouracil"]),  # it had been cisplatin alone
    ({"text": "oxaliplatin, 5-FU"}, ["oxaliplatin", "fluorouracil"]),
    ({"text": "irinotecan with cetuximab"}, ["irinotecan", "cetuximab"]),
    ({"text": "aspirin and cisplatin"}, []),  # a part not known: not guessed
    ({"text": "Cisplatin 1 MG/ML, 50 ML vial"}, ["cisplatin"]),
    ({"text": "Leucovorin calcium 10 MG/ML Injection"}, ["leucovorin"]),
])  # fmt: skip
def test_a_medicine_of_several_ingredients_is_the_drug_or_regimen_they_make(
    concept: dict[str, Any], drugs: list[str], kb: onconav.KnowledgeBase
) -> None:
    """Lonsurf coded by its two RxNorm ingredients, or named as RxNorm names it ("trifluridine
    15 MG / tipiracil 6.14 MG Oral Tablet"), was not read (its name cut at the first number was
    "trifluridine"): so it was offered again after it stopped working."""
    from onconav.fhir import drugs_of_medication

    assert drugs_of_medication(concept, kb) == drugs
    if "coding" in concept:
        assert drugs_of_codings(concept["coding"], kb) == drugs
    stopped = {"resourceType": "MedicationRequest", "id": "m", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2024-02-01", "medicationCodeableConcept": concept,
               "statusReason": _cc(SNOMED, "266721009", "No response to treatment")}
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped), kb)
    # a medicine not read, stopped for no response, is not tied to the cancer here: not read;
    # nor, in a record, words that join drugs that make nothing together (a drafted order of
    # them has each checked: ``drugs_of_medication``)
    assert reading.data.get("progressed_on", []) == (drugs if len(drugs) < 2 else [])
    if drugs == ["trifluridine-tipiracil"]:
        assert dict(statuses(reading.data, kb))["rectum-trifluridine-tipiracil"] == "not_suitable"


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_a_regimens_drugs_named_together_are_the_regimen(data: st.DataObject) -> None:
    """Over every regimen the knowledge base names by its drugs alone (``regimens_made_of``): its
    drugs' names joined as a record writes them ("+", ",", "and", "with", "&", in any order and
    case) are read as the regimen, as its code or name is."""
    from onconav.fhir import drugs_of_medication

    kb = onconav.load_kb()
    made = [r for r in kb.data.regimens
            if kb.regimens_made_of(set(r.components)) == [r.id] and len(r.components) > 1]
    assert len(made) >= 5
    regimen = data.draw(st.sampled_from(made))
    names = data.draw(st.permutations([kb.name_of(d) for d in regimen.components]))
    join = data.draw(st.sampled_from([" + ", ", ", " and ", " with ", " & ", "+"]))
    text = join.join(names)
    text = data.draw(st.sampled_from([text, text.upper(), text.title()]))
    assert drugs_of_medication({"text": text}, kb) == [regimen.id], text


def test_the_ingredients_of_a_drug_in_the_table_make_a_drug_the_knowledge_base_knows(
    kb: onconav.KnowledgeBase,
) -> None:
    """Each ingredient row (``ingredient=``) is read only with the other ingredients of its
    medicine: all the ingredient rows together are the drugs the knowledge base knows."""
    rows = [row for row in load_tables().rows if row.table == "drugs" and row.get("ingredient")]
    assert rows
    codings = [{"system": RXNORM_URI, "code": row.code} for row in rows]
    assert drugs_of_codings(codings, kb) == ["trifluridine-tipiracil"]
    for coding in codings:
        assert drugs_of_codings([coding], kb) == []


def _dispense(status: str, **more: Any) -> dict[str, Any]:
    return {"resourceType": "MedicationDispense", "id": "d", "status": status,
            "subject": {"reference": "Patient/p"}, "whenHandedOver": "2024-01-05",
            "medicationCodeableConcept": _cc(RXNORM_URI, "194000", "Capecitabine"), **more}


OXALIPLATIN_GIVEN = {
    "resourceType": "MedicationAdministration", "id": "ox", "status": "completed",
    "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2024-01-05T09:00:00Z",
    "medicationCodeableConcept": _cc(RXNORM_URI, "32592", "Oxaliplatin")}  # fmt: skip
WORSENED_MARCH = _observation("ds", "97509-4", _cc(SNOMED, "271299001", "Worsened"),
                              date="2024-03-01")  # fmt: skip


def test_a_completed_dispense_is_a_drug_given_on_the_day_it_was_handed_over(
    kb: onconav.KnowledgeBase,
) -> None:
    """Capecitabine on record only as dispensed (as oral chemotherapy often is) was listed as
    "a MedicationDispense onconav does not read": with oxaliplatin given the same day, CAPOX
    that stopped working was read as oxaliplatin alone, and CAPOX was offered again."""
    reading = read_bundle(_record(RECTUM, _dispense("completed"), OXALIPLATIN_GIVEN,
                                  WORSENED_MARCH), kb)  # fmt: skip
    assert reading.data["prior_treatments"] == ["capox", MORE]
    assert reading.data["progressed_on"] == ["capox"]
    assert "MedicationDispense/d" in reading.sources["progressed_on"]
    for status in ("in-progress", "preparation", "declined", "on-hold", "cancelled"):
        reading = read_bundle(_record(RECTUM, _dispense(status), OXALIPLATIN_GIVEN), kb)
        assert reading.data["prior_treatments"] == ["oxaliplatin", MORE], status
        assert f"status {status!r}" in {u.reference: u.reason for u in reading.unused}[
            "MedicationDispense/d"]  # fmt: skip


def _allergy(code: dict[str, Any], clinical: str | None = "active",
             verification: str | None = "confirmed") -> dict[str, Any]:  # fmt: skip
    system = "http://terminology.hl7.org/CodeSystem/allergyintolerance-"
    return {"resourceType": "AllergyIntolerance", "id": "a", "patient": {"reference": "Patient/p"},
            "code": code, "criticality": "high",
            **({"clinicalStatus": _cc(system + "clinical", clinical)} if clinical else {}),
            **({"verificationStatus": _cc(system + "verification", verification)}
               if verification else {})}  # fmt: skip


OXALIPLATIN = _cc(RXNORM_URI, "32592", "Oxaliplatin")


@pytest.mark.parametrize("code", [
    OXALIPLATIN, {"text": "oxaliplatin 5 MG/ML Injection"},
    # SNOMED CT's words (US Core's allergy codes; it was listed as a drug not known, and FOLFOX
    # offered)
    _cc(SNOMED, "395814003", "Oxaliplatin (substance)"),
    {"coding": [{"system": SNOMED, "display": "Product containing only oxaliplatin (medicinal "
                                              "product)"}]},
    {"text": "Oxaliplatin-containing product"},
    # a medicinal product form, with its dose form (it was read as "oxaliplatin in parenteral
    # dose form", no drug, and FOLFOX offered)
    {"text": "Product containing only oxaliplatin in parenteral dose form (medicinal product "
             "form)"},
    # an allergy's own words around the drug (a review of the FHIR reading: not read, and
    # FOLFOX offered)
    {"text": "Allergy to oxaliplatin"}, {"text": "Oxaliplatin allergy"},
    {"text": "oxaliplatin hypersensitivity"},
    # with SNOMED CT's tag of an allergy (a review of the change)
    {"text": "Allergy to oxaliplatin (finding)"}, {"text": "Oxaliplatin allergy (disorder)"},
])  # fmt: skip
def test_an_allergy_to_a_cancer_drug_is_a_drug_that_cannot_be_given(
    code: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """An active, confirmed allergy to oxaliplatin was listed as "an AllergyIntolerance onconav
    does not read", and FOLFOX and CAPOX were offered: it is a drug that cannot be given, said
    in a warning, with the allergy as its source (not a treatment had)."""
    reading = read_bundle(_record(RECTUM, STAGE_4, _allergy(code)), kb)
    assert reading.data["cannot_have"] == ["oxaliplatin"]
    assert reading.sources["cannot_have"] == ["AllergyIntolerance/a"]
    assert "prior_treatments" not in reading.data
    assert any(w.startswith("AllergyIntolerance/a records an allergy or intolerance to") and
               "oxaliplatin is read as a drug that cannot be given" in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    options = dict(statuses(reading.data, kb))
    assert options["rectum-folfox"] == options["rectum-capox"] == "not_suitable"


@pytest.mark.parametrize(("clinical", "verification", "said"), [
    ("active", "refuted", "refuted"), (None, "entered-in-error", "entered-in-error"),
    ("active", "unconfirmed", "unconfirmed"), ("inactive", "confirmed", "inactive"),
    ("resolved", "confirmed", "resolved"),
])  # fmt: skip
def test_an_allergy_not_active_or_not_confirmed_is_listed_not_read(
    clinical: str | None, verification: str, said: str, kb: onconav.KnowledgeBase
) -> None:
    reading = read_bundle(_record(RECTUM, STAGE_4, _allergy(OXALIPLATIN, clinical,
                                                            verification)), kb)  # fmt: skip
    assert "cannot_have" not in reading.data
    reason = {u.reference: u.reason for u in reading.unused}["AllergyIntolerance/a"]
    assert reason == (f"an allergy or intolerance to rxnorm|32592 (Oxaliplatin) that is {said}: "
                      "not read as a drug that cannot be given")  # fmt: skip


@pytest.mark.parametrize("code", [_cc(SNOMED, "419933005", "Platinum compound (substance)"),
                                  {"text": "Allergy to platinum chemotherapy"}])
def test_an_allergy_to_a_kind_of_drug_is_as_typed(
    code: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """An allergy to a kind of cancer drug (platinum compounds) is read as `cannot_have` typed
    reads it: FOLFOX, CAPOX and bevacizumab with FOLFOX not suitable (they had been offered)."""
    reading = read_bundle(_record(RECTUM, STAGE_4, _allergy(code)), kb)
    assert reading.data["cannot_have"] == ["platinum"]
    typed = dict(statuses({"cancer": "rectum", "stage": "4",
                           "cannot_have": ["platinum chemotherapy"]}, kb))  # fmt: skip
    assert dict(statuses(reading.data, kb)) == typed
    assert typed["rectum-folfox"] == typed["rectum-capox"] == "not_suitable"


def test_an_allergy_to_anything_else_is_listed_with_the_reason(kb: onconav.KnowledgeBase) -> None:
    peanut = _allergy(_cc(SNOMED, "91935009", "Allergy to peanut"))
    reading = read_bundle(_record(RECTUM, STAGE_4, peanut), kb)
    assert "cannot_have" not in reading.data
    assert {u.reference: u.reason for u in reading.unused}["AllergyIntolerance/a"] == (
        "an allergy or intolerance onconav does not read as one to a cancer drug it knows: "
        "snomed|91935009 (Allergy to peanut)")  # fmt: skip


@pytest.mark.parametrize("display", ["Pancreatic adenocarcinoma", "Cholangiocarcinoma",
                                     "Hepatocellular carcinoma"])  # fmt: skip
def test_a_cancer_without_a_source_of_its_own_is_named_as_the_command_line_names_it(
    display: str, kb: onconav.KnowledgeBase
) -> None:
    """A Condition coded outside the table whose words name a cancer the sources do not
    describe was read as a cancer whose start is not known (radioactive iodine, for thyroid
    cancer, then asked where it started), where the command line named it: it is read as the
    profile reads the same words, and both give the same options."""
    condition = {**_condition("c", "999999999", ""), "code": _cc(SNOMED, "999999999", display)}
    reading = read_bundle(_record(condition, STAGE_4), kb)
    named = onconav.parse_profile({"cancer": display}, kb).cancer
    assert reading.data["cancer"] == named == display
    assert any(f"read as {display!r}" in w for w in reading.warnings), reading.warnings
    assert statuses(reading.data, kb) == statuses({"cancer": display, "stage": "4"}, kb)


@pytest.mark.parametrize("code", [
    {"text": "Malignant neoplasm of unspecified site"}, {"text": "Carcinoma"},
    {"text": "Malignant neoplastic disease"}, {"text": "Malignant tumor of unknown origin"},
    _cc(SNOMED, "363346000", "Malignant neoplastic disease"),
])  # fmt: skip
def test_words_that_name_only_a_malignancy_leave_where_it_started_unknown(
    code: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """Words that say only that a cancer is malignant name no cancer: where it started is
    unknown (a named cancer would rule out the options of every other)."""
    reading = read_bundle(_record({**_condition("c", "0", ""), "code": code}, STAGE_4), kb)
    assert reading.data["cancer"] == "unknown"


@pytest.mark.parametrize(("code", "had", "status"),
                         [("26452005", "total-gastrectomy", "not_suitable"),
                          ("53442002", "gastrectomy", "needs_information")])  # fmt: skip
def test_a_total_gastrectomy_on_record_is_one(
    kb: onconav.KnowledgeBase, code: str, had: str, status: str
) -> None:
    """SNOMED 26452005 (Total gastrectomy, in mCODE STU1's cancer-related surgical procedures)
    was not read ("a procedure onconav does not read"), and a subtotal gastrectomy was offered
    where the command, told "total gastrectomy", says it is not suitable; a gastrectomy not said
    to be total asks which, as "others not known" (every list a record gives) does too."""
    data = copy.deepcopy(bundle("gastric-recurrent-refractory"))
    [procedure] = [e["resource"] for e in data["entry"]
                   if e["resource"]["resourceType"] == "Procedure"]  # fmt: skip
    procedure["code"]["coding"][0]["code"] = code
    reading = read_bundle(data, kb)
    assert had in reading.data["prior_treatments"]
    assert "Procedure/gastrectomy" in reading.sources["prior_treatments"]
    profile = {**reading.data, "symptoms": ["bleeding from the stomach"]}
    assert dict(statuses(profile, kb))["stomach-subtotal-gastrectomy"] == status


def test_a_result_that_names_no_cancer_beside_another_cancer_is_read_with_a_warning() -> None:
    """A stomach cancer, a breast cancer in remission, and a HER2 result that names no cancer
    (no focus): read as the stomach cancer's, as a result with no focus is, with only "more than
    one cancer is on record" said (a review of the FHIR reading: it may be the breast cancer's).
    It now says that the result was read as the stomach cancer's; one that names the stomach
    cancer as its focus says nothing more."""
    kb = the_kb()
    breast = _condition("b", "254837009", "Malignant tumor of breast", status="remission")
    her2 = _observation("her2", "48676-1", _cc(LOINC, "LA6576-8", "Positive"))
    reading = read_bundle(_record(STOMACH, STAGE_4, breast, her2), kb)
    assert reading.data["cancer"] == "stomach" and reading.data["biomarkers"] == {
        "her2": "positive"}, reading.data
    said = [w for w in reading.warnings if w.startswith("another cancer")]
    assert said == ["another cancer (breast cancer) is on record: each stage, result or treatment "
                    "that names no cancer (no focus, or no reason) is read as the stomach "
                    "cancer's; check that it is"], said
    stage = {**STAGE_4, "focus": [{"reference": "Condition/c"}]}
    focused = {**her2, "focus": [{"reference": "Condition/c"}]}
    named = read_bundle(_record(STOMACH, stage, breast, focused), kb)
    assert named.data["biomarkers"] == {"her2": "positive"}
    assert not any(w.startswith("another cancer") for w in named.warnings), named.warnings
    alone = read_bundle(_record(STOMACH, STAGE_4, her2), kb)
    assert not any(w.startswith("another cancer") for w in alone.warnings), alone.warnings


def test_a_subject_of_another_server_is_someone_else() -> None:
    """A Condition whose subject is http://b.org/fhir/Patient/p1, in a record whose Patient/p1
    is a.org's, was read as this person's (a review of the FHIR reading): it is another server's
    patient, listed unused. A subject at the record's own server however written, or a record
    whose Patient has no absolute fullUrl (nothing says the servers differ), is read."""
    kb = the_kb()

    def record(patient_url: str | None, subject: str) -> FhirReading:
        patient = {"resourceType": "Patient", "id": "p1"}
        stomach = {**STOMACH, "id": "c2", "subject": {"reference": subject}}
        entry = [{"resource": patient, **({"fullUrl": patient_url} if patient_url else {})},
                 {"fullUrl": "http://a.org/fhir/Condition/c",
                  "resource": {**RECTUM, "subject": {"reference": "Patient/p1"}}},
                 {"resource": stomach}]  # fmt: skip
        return read_bundle({"resourceType": "Bundle", "type": "collection", "entry": entry}, kb)

    other = record("http://a.org/fhir/Patient/p1", "http://b.org/fhir/Patient/p1")
    unused = {u.reference: u.reason for u in other.unused}
    assert "a patient of another server" in unused["Condition/c2"], unused
    assert other.data["cancer"] == "rectum"
    for subject in ("https://A.org:443/fhir/Patient/p1", "Patient/p1"):
        same = record("http://a.org/fhir/Patient/p1", subject)
        assert "Condition/c2" not in {u.reference for u in same.unused}, subject
    unsure = record(None, "http://b.org/fhir/Patient/p1")
    assert "Condition/c2" not in {u.reference for u in unsure.unused}


def test_pain_the_cancer_causes_is_read_as_pain(kb: onconav.KnowledgeBase) -> None:
    """ICD-10-CM G89.3 (pain related to a neoplasm), the usual code of cancer pain, was listed as
    "a Condition onconav does not read": pain stayed to be asked, and the options that ease it
    unanswered. It is pain, and not a cancer (its words name a neoplasm)."""
    pain = {**_condition("s", "0", ""), "code": {"coding": [{
        "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "G89.3",
        "display": "Neoplasm related pain (acute) (chronic)"}]}}  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, pain), kb)
    assert reading.data["symptoms"] == ["pain", MORE]
    assert reading.data["cancer"] == "rectum" and reading.sources["symptoms"] == ["Condition/s"]
    assert not [w for w in reading.warnings if "more than one cancer" in w]


@pytest.mark.parametrize(("clinical", "verification", "read"), [
    ("Active", "Provisional", False), ("Resolved", "Confirmed", False),
    ("Active", "Entered in error", False), ("active", "confirmed", True),
    ("Active", "Probable", True),  # words that are no status: as before, read
    ("Active", "Likely", True),
    # words that doubt it are read as provisional, that deny it as refuted: they had been read
    ("Active", "Suspected", False), ("Active", "Possible", False), ("Active", "Query", False),
    ("Active", "?", False), ("Active", "Rule out", False), ("Active", "Ruled out", False),
    # words that confirm it, with a note of something else doubted or denied: read (a review of
    # the change above found these refuted or provisional, and a confirmed cancer lost); a
    # denial itself denied doubts it
    ("Active", "Confirmed by biopsy; other causes excluded", True),
    ("Active", "Histologically confirmed - possible second lesion", True),
    ("Active", "Biopsy proven", True), ("Active", "Suspected; histology awaited", False),
    ("Active", "Previously confirmed, now ruled out", False), ("Active", "Confirmed?", False),
    ("Active", "Not excluded", False), ("Active", "Cannot be ruled out", False),
    # (as a harm's reading has it, ``words.DENIAL_DENIED``: they had been read as confirmed)
    ("Active", "Cannot exclude", False), ("Active", "Could not rule out", False),
    ("Active", "Not yet confirmed", False), ("Active", "To be confirmed", False),
])  # fmt: skip
def test_a_condition_status_in_words_only_is_read(
    clinical: str, verification: str, read: bool, kb: onconav.KnowledgeBase
) -> None:
    """A clinicalStatus or verificationStatus given as words only ({"text": "Provisional"}, no
    coding) had been no status at all: a provisional or resolved spread to the liver was read as
    spread now. Words that are one of the status codes are read as that code."""
    liver = {**_condition("m", "94381002", "Secondary malignant neoplasm of liver"),
             "clinicalStatus": {"text": clinical}, "verificationStatus": {"text": verification}}
    reading = read_bundle(_record(RECTUM, STAGE_4, liver), kb)
    assert ("metastases" in reading.data) is read, reading.unused
    if not read:
        assert "not read" in {u.reference: u.reason for u in reading.unused}["Condition/m"]
    cancer = {**RECTUM, "verificationStatus": {"text": verification}}  # the cancer, as its spread
    if clinical.lower() != "active":
        return
    if read:
        assert read_bundle(_record(cancer, STAGE_4), kb).data.get("cancer") == "rectum"
    else:
        with pytest.raises(FhirError, match="not read"):
            read_bundle(_record(cancer, STAGE_4), kb)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["suspected", "possible", "query", "?", "rule out", "r/o", "not confirmed",
                        "uncertain", "presumed"]),
       st.sampled_from(["", "Clinically ", "liver mets "]),
       st.sampled_from(["", " (CT)", "?", " - other causes excluded"]),
       st.sampled_from([str.lower, str.upper, str.title]),
       st.booleans())  # fmt: skip
def test_a_condition_status_in_words_that_doubt_it_is_read_as_provisional(
    word: str, before: str, after: str, case: Callable[[str], str], cancer: bool
) -> None:
    """Whatever words doubt a Condition's verificationStatus given only in words, before or
    after others, in any case, the Condition reads as it does with the code provisional: a
    spread or a cancer not read. "Suspected" and "Possible" had been read as confirmed."""
    kb = the_kb()
    liver = _condition("m", "94381002", "Secondary malignant neoplasm of liver")
    doubted = {**(RECTUM if cancer else liver),
               "verificationStatus": {"text": case(before + word + after)}}  # fmt: skip
    coded = {**doubted, "verificationStatus": _cc(
        "http://terminology.hl7.org/CodeSystem/condition-ver-status", "provisional")}  # fmt: skip
    others = [STAGE_4, liver] if cancer else [RECTUM, STAGE_4]
    reading = read_bundle(_record(doubted, *others), kb)
    provisional = read_bundle(_record(coded, *others), kb)
    assert reading.data == provisional.data
    assert reading.unused == provisional.unused


def test_a_record_of_a_person_who_has_died_is_read_with_a_warning(
    kb: onconav.KnowledgeBase,
) -> None:
    """A Patient's deceasedDateTime or deceasedBoolean true was not looked at (a review of the
    cohort: a dead patient's care gaps were counted). One person's record is still read, as it
    is asked about on purpose, but with a warning, and the reading says so for a screening;
    deceasedBoolean false says nothing."""
    patient = {"resourceType": "Patient", "id": "p"}
    alive = read_bundle(_record({**patient, "deceasedBoolean": False}, RECTUM, STAGE_4), kb)
    assert alive.deceased is None
    assert not any("died" in w for w in alive.warnings)
    for death, found in (({"deceasedDateTime": "2025-03-01"}, "2025-03-01"),
                         ({"deceasedBoolean": True}, "yes")):  # fmt: skip
        reading = read_bundle(_record({**patient, **death}, RECTUM, STAGE_4), kb)
        assert reading.deceased == found
        assert reading.data == alive.data
        assert any(w.startswith("Patient/p records that this person has died")
                   for w in reading.warnings), reading.warnings  # fmt: skip


def test_a_result_listed_by_a_report_entered_in_error_is_not_read(
    kb: onconav.KnowledgeBase,
) -> None:
    """A DiagnosticReport entered in error lists its HER2 result by reference: the result had
    been read as the person's, though the report is no fact (its contained results were
    already not read). It is listed unused with the reason; one that a final report lists too
    is read."""
    her2 = _observation("h", "48676-1", _cc(LOINC, "LA6576-8", "Positive"))

    def report(ident: str, status: str) -> dict[str, Any]:
        return {"resourceType": "DiagnosticReport", "id": ident, "status": status,
                "subject": {"reference": "Patient/p"}, "code": _cc(LOINC, "48676-1"),
                "result": [{"reference": "Observation/h"}]}  # fmt: skip

    patient = {"resourceType": "Patient", "id": "p"}
    wrong = read_bundle(_record(patient, STOMACH, STAGE_4, her2, report("r", "entered-in-error")),
                        kb)  # fmt: skip
    assert "her2" not in wrong.data.get("biomarkers", {})
    assert {u.reference: u.reason for u in wrong.unused}["Observation/h"] == (
        "a result listed by a report with status 'entered-in-error' (DiagnosticReport/r): not a "
        "result")
    both = read_bundle(_record(patient, STOMACH, STAGE_4, her2, report("r", "entered-in-error"),
                               report("f", "final")), kb)  # fmt: skip
    assert both.data["biomarkers"]["her2"] == "positive"
    alone = read_bundle(_record(patient, STOMACH, STAGE_4, her2), kb)
    assert alone.data["biomarkers"]["her2"] == "positive"


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [("74860-8", "3", None), ("31150-6", "+3", None), ("49683-6", "0", None),
     ("72382-5", "3", None), ("74860-8", "Amplified", "positive"),
     ("31150-6", "Not amplified", "negative"), ("18474-7", "3+", "positive"),
     ("18474-7", "1+", "negative"), ("72383-3", "3+", "positive")],
)  # fmt: skip
def test_an_ihc_score_is_read_only_from_an_ihc_test(
    code: str, value: str, expected: str | None, kb: onconav.KnowledgeBase
) -> None:
    """"3" of an ISH test (three copies of the gene a nucleus: not amplified) or of HER2
    [Units/volume] had been read as IHC 3+, HER2-positive, and trastuzumab offered (a review of
    the FHIR reading): a test that gives no IHC score is read only from words that name the
    result. LOINC 18474-7, HER2 by immune stain (the German MII profiles' and OMOP's), is an IHC
    test (it had been an Observation not read)."""
    her2 = _observation("h", code, valueString=value)
    reading = read_bundle(_record(STOMACH, STAGE_4, her2), kb)
    if expected is None:
        assert "biomarkers" not in reading.data
        assert "cannot read" in {u.reference: u.reason for u in reading.unused}["Observation/h"]
    else:
        assert reading.data["biomarkers"] == {"her2": expected}


def _two(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """A CodeableConcept with the codings of two."""
    return {"coding": [*first["coding"], *second["coding"]]}


@pytest.mark.parametrize("order", [1, -1])
def test_codings_that_disagree_are_not_read(order: int, kb: onconav.KnowledgeBase) -> None:
    """The first coding a table knows had been read whatever the others said: LOINC Absent
    beside SNOMED Present was KRAS wild-type (cetuximab offered), AJCC 4 beside SNOMED IIB a
    stage 1 to 3, a liver code beside a bone one liver alone (a review of the FHIR reading).
    Codings that say different things are not read, in either order, with a warning naming
    them; a broader and a narrower stage (4 and 4B) are the narrower."""
    kras = _observation("k", "21702-6",
                        _two(*[ABSENT, _cc(SNOMED, "52101004", "Present")][::order]))
    her2 = _observation("h", "72383-3", _two(*[_cc(LOINC, "LA6576-8", "Positive"),
                                                _cc(LOINC, "LA6577-6", "Negative")][::order]))
    stage = _observation("stage", "399588009", _two(*[
        _cc("http://cancerstaging.org", "4", "IV"),
        _cc(SNOMED, "1222769001", "American Joint Committee on Cancer stage IIB")][::order]),
        system=SNOMED)  # fmt: skip
    spread = _condition("m", "94381002", "Metastatic malignant neoplasm to liver")
    spread["code"] = _two(*[spread["code"], _cc(ICD10CM, "C79.51", "Bone")][::order])
    reading = read_bundle(_record(RECTUM, stage, kras, spread), kb)
    assert "stage" not in reading.data and "metastases" not in reading.data
    assert "biomarkers" not in reading.data
    said = " ".join(reading.warnings)
    for ref in ("Observation/k", "Observation/stage", "Condition/m"):
        assert f"{ref} is coded as" in said and "which disagree" in said, (ref, said)
    reading = read_bundle(_record(STOMACH, STAGE_4, her2), kb)
    assert "biomarkers" not in reading.data, reading.data
    assert "Observation/h is coded as" in " ".join(reading.warnings)
    narrower = _observation("stage", "399588009", _two(*[
        _cc("http://cancerstaging.org", "4", "IV"),
        _cc(SNOMED, "1222838008", "American Joint Committee on Cancer stage IVA")][::order]),
        system=SNOMED)  # fmt: skip
    alone = _observation("stage", "399588009", _cc(SNOMED, "1222838008", "IVA"), system=SNOMED)
    both = read_bundle(_record(RECTUM, narrower), kb)
    assert both.data["stage"] == read_bundle(_record(RECTUM, alone), kb).data["stage"]
    assert "which disagree" not in " ".join(both.warnings)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([("MedicationAdministration", "completed", {}),
                        ("MedicationStatement", "completed", {}),
                        ("MedicationRequest", "stopped", STOPPED_NO_RESPONSE),
                        ("Procedure", "completed", {})]),
       st.sampled_from([("C50.911", "other"), ("C16.9", "this"), ("C16.0", "this"),
                        ("R52", "none"), ("C18.7", "other")]),
       st.booleans())  # fmt: skip
def test_a_treatment_whose_reason_code_names_another_cancer_is_not_read(
    case: tuple[str, str, dict[str, Any]], reason: tuple[str, str], breast_on_record: bool
) -> None:
    """A treatment's reasonCode is read as its reasonReference is (a review of the FHIR
    reading): a cancer of another place there (C50.911, breast) lists it unused, whether or not
    that cancer has a Condition on record; this cancer (C16.9; C16.0, the junction, answered as
    the stomach) or a reason that is no cancer (R52, pain) reads it. Capecitabine stopped for a
    breast cancer had ruled out CAPOX for the cancer read."""
    kind, status, extra = case
    code, which = reason
    why = [_cc(ICD10CM, code)]
    given = (_folfox(kind, status, "2024-05-01", reasonCode=why, **extra)
             if kind != "Procedure" else [{**RADIOTHERAPY, "reasonCode": why}])
    others = [BREAST] if breast_on_record else []
    reading = read_bundle(_record({**STOMACH, "onsetDateTime": "2024-04-01"}, *others, STAGE_4,
                                  *given), the_kb())  # fmt: skip
    fields = ("prior_treatments", "progressed_on", "planned", "cannot_have")
    reasons = {u.reference: u.reason for u in reading.unused}
    if which == "other":
        assert not any(name in reading.data for name in fields), reading.data
        for resource in given:
            ref = f"{resource['resourceType']}/{resource['id']}"
            assert f"another cancer (its reasonCode, icd10cm|{code})" in reasons[ref], reasons
    else:
        assert any(name in reading.data for name in fields), reading.data


def test_a_disease_status_of_distant_metastasis_is_spread_far(kb: onconav.KnowledgeBase) -> None:
    """mCODE's disease status "Distant metastasis present" (SNOMED 399409002) had been listed
    unused as "not progression", the spread left unknown: it is spread to a distant part of the
    body, as typing it gives, with a warning; beside a distant place on record it adds
    nothing."""
    status = _observation("st", "97509-4", _cc(SNOMED, "399409002", "Distant metastasis present"))
    reading = read_bundle(_record(RECTUM, status), kb)
    assert reading.data["metastases"] == ["distant", MORE]
    assert any("Observation/st is a disease status of distant metastasis" in w
               for w in reading.warnings)  # fmt: skip
    liver = _condition("m", "94381002", "Metastatic malignant neoplasm to liver")
    assert read_bundle(_record(RECTUM, liver, status), kb).data["metastases"] == ["liver", MORE]


def test_spread_to_the_genital_organs_is_the_pelvis(kb: onconav.KnowledgeBase) -> None:
    """ICD-10-CM C79.82 (secondary malignant neoplasm of genital organs) fell under the C79.8 row,
    "another organ": a recurrent cervical cancer read as spread far (stage 4B options). It is
    the pelvis, as "vagina" typed is."""
    spread = {**_condition("m", "x", "Secondary malignant neoplasm of genital organs"),
              "code": _cc(ICD10CM, "C79.82")}
    reading = read_bundle(_record(CERVIX, spread), kb)
    typed = onconav.parse_profile({"cancer": "cervix", "metastases": ["vagina"]}, kb)
    assert [s for s in reading.data["metastases"] if s != MORE] == typed.metastases == ["pelvis"]


@pytest.mark.parametrize("said", ["T4N0M0", "T4N2M1", "Stage IV (M1)", "Stage IVA", "Stage IV",
                                  "stage IIB"])
def test_a_cervical_stage_in_words_reads_as_typed(said: str, kb: onconav.KnowledgeBase) -> None:
    """A stage group written in words (valueString) of a cervical cancer is read as the same
    words typed are, by FIGO (a review of the FHIR reading): "T4N0M0" had been an earlier stage
    and "T4N2M1" and "Stage IV (M1)" stage 4, where typed they are 4A and 4B."""
    stage = _observation("stage", "399588009", system=SNOMED, valueString=said)
    reading = read_bundle(_record(CERVIX, stage), kb)
    typed = onconav.parse_profile({"cancer": "cervix", "stage": said}, kb)
    assert reading.data.get("stage") == typed.stage, (reading.data, reading.warnings)


@pytest.mark.parametrize("system", ["http://www.genenames.org", "http://www.genenames.org/geneId"])
def test_a_kras_variant_is_read_in_either_hgnc_system(
    system: str, kb: onconav.KnowledgeBase
) -> None:
    """mCODE STU1's value set names HGNC's genes in http://www.genenames.org/geneId: a KRAS
    variant so coded (by its code alone) had been listed as of "genes onconav does not read:
    HGNC:6407"."""
    gene = {**KRAS_GENE, "valueCodeableConcept": _cc(system, "HGNC:6407")}
    variant = _observation("v", "69548-6", PRESENT, component=[gene])
    assert read_bundle(_record(RECTUM, STAGE_4, variant), kb).data["biomarkers"] == {
        "kras": "mutated"}


@pytest.mark.parametrize(("code", "symptoms"), [
    ("K62.5", ["gut-bleeding"]), ("N93.9", ["vaginal-bleeding"]), ("R04.2", ["airway-bleeding"]),
    ("M84.50XA", ["broken-bone"]), ("G95.20", ["spinal-cord-compression"]),
    ("R11.10", ["vomiting"]), ("R11.2", ["nausea", "vomiting"]), ("K59.00", ["constipation"]),
    ("R31.9", ["urinary-bleeding"]), ("R31.0", ["urinary-bleeding"]),
])  # fmt: skip
def test_icd10cm_symptom_codes_are_read(
    code: str, symptoms: list[str], kb: onconav.KnowledgeBase
) -> None:
    """ICD-10-CM codes of symptoms whose SNOMED CT codes were read had been listed unused (a
    review of the FHIR reading): rectal and vaginal bleeding, coughing up blood, a fracture in
    cancer, cord compression, vomiting, constipation."""
    symptom = {**_condition("s", "x", "a symptom"), "code": _cc(ICD10CM, code)}
    reading = read_bundle(_record(RECTUM, STAGE_4, symptom), kb)
    assert sorted(s for s in reading.data["symptoms"] if s != MORE) == symptoms, reading.unused


def test_blood_in_the_urine_by_snomed_is_bleeding_from_the_bladder(
    kb: onconav.KnowledgeBase,
) -> None:
    """Blood in the urine (SNOMED CT 34436003), a symptom of its own since the knowledge base
    1.6.0, is read from a record as the command line reads its words."""
    symptom = {**_condition("s", "x", "a symptom"), "code": _cc(SNOMED, "34436003")}
    reading = read_bundle(_record(RECTUM, STAGE_4, symptom), kb)
    assert reading.data["symptoms"] == ["urinary-bleeding", MORE], reading.unused


def test_the_sequela_of_a_fracture_is_no_broken_bone_now(kb: onconav.KnowledgeBase) -> None:
    """M84.58XS (a fracture in cancer, its sequela: healed) fell under the M84.5 row and was read
    as a broken bone now, surgery for it offered (a review of the change): an ICD-10-CM code
    whose seventh character is S is listed unused, with why; the initial encounter (A) is
    read."""
    healed = {**_condition("s", "x", "a symptom"), "code": _cc(ICD10CM, "M84.58XS")}
    reading = read_bundle(_record(RECTUM, STAGE_4, healed), kb)
    assert "symptoms" not in reading.data
    assert "sequela" in {u.reference: u.reason for u in reading.unused}["Condition/s"]
    now = {**healed, "code": _cc(ICD10CM, "M84.58XA")}
    assert read_bundle(_record(RECTUM, STAGE_4, now), kb).data["symptoms"] == [
        "broken-bone", MORE]


@pytest.mark.parametrize("code", ["C19", "C18.7", "C20"])
def test_a_rectal_cancers_treatment_given_for_the_bowel_is_read(
    code: str, kb: onconav.KnowledgeBase
) -> None:
    """A rectal cancer's capecitabine stopped for no response, its reasonCode the rectosigmoid
    junction (C19) or the sigmoid colon (C18.7), had been dropped as another cancer's and
    capecitabine alone offered again (a review of the change): a record codes the bowel's
    cancers loosely for one another."""
    given = _folfox("MedicationRequest", "stopped", "2024-05-01",
                    reasonCode=[_cc(ICD10CM, code)], **STOPPED_NO_RESPONSE)  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, *given), kb)
    assert reading.data.get("progressed_on"), (reading.data, reading.unused)


def test_codings_that_say_one_thing_in_two_ways_are_read(kb: onconav.KnowledgeBase) -> None:
    """Codings of one answer in two words (LOINC Positive beside SNOMED Present; Absent beside
    Negative), or of a place and a broader one (liver beside a site not said), say one thing:
    they are read, the narrower place (a review of the change: they were called codings that
    disagree, and not read)."""
    present = _cc(SNOMED, "52101004", "Present")
    kras = _observation("k", "21702-6", _two(_cc(LOINC, "LA6576-8", "Positive"), present))
    assert read_bundle(_record(RECTUM, STAGE_4, kras), kb).data["biomarkers"] == {
        "kras": "mutated"}
    wild = _observation("k", "21702-6", _two(ABSENT, _cc(SNOMED, "260385009", "Negative")))
    assert read_bundle(_record(RECTUM, STAGE_4, wild), kb).data["biomarkers"] == {
        "kras": "wild-type"}
    spread = _condition("m", "94381002", "Metastatic malignant neoplasm to liver")
    for broad in (_cc(ICD10CM, "C79.9"), _cc(SNOMED, "128462008")):
        both = {**spread, "code": _two(broad, spread["code"])}
        reading = read_bundle(_record(RECTUM, STAGE_4, both), kb)
        assert reading.data["metastases"] == ["liver", MORE], reading.warnings
        assert "which disagree" not in " ".join(reading.warnings)


@pytest.mark.parametrize(("code", "display", "field"), [
    ("99997-9", "HER2 [Presence] in Tissue by some new method", "HER2"),
    ("99999-9", "ERBB2 gene amplification in tissue", "HER2"),
    ("99998-9", "KRAS gene mutation analysis, codon 12", "KRAS"),
])  # fmt: skip
def test_an_unread_test_of_her2_or_kras_is_warned_of(
    code: str, display: str, field: str, kb: onconav.KnowledgeBase
) -> None:
    """An Observation that names HER2 or KRAS under a code the tables lack had been only
    counted among the resources not read, and the answer asked for the test the record held (a
    review of the FHIR reading): a warning names it, unless the result is read from another, for
    a cancer whose options it decides (HER2: stomach; KRAS: rectum)."""
    test = _observation("t", code, _cc(LOINC, "LA6576-8", "Positive"))
    test["code"] = _cc(LOINC, code, display)
    cancer = STOMACH if field == "HER2" else RECTUM
    reading = read_bundle(_record(cancer, STAGE_4, test), kb)
    assert any(w.startswith(f"Observation/t names {field}") for w in reading.warnings), (
        reading.warnings)
    known = _observation("h", "72383-3", {"text": "3+"})
    kras = _observation("k", "21702-6", _cc(LOINC, "LA9634-2", "Absent"))
    read = read_bundle(_record(cancer, STAGE_4, test, known, kras), kb)
    assert not any(w.startswith("Observation/t names") for w in read.warnings), read.warnings


@pytest.mark.parametrize(("ingredients", "expected"), [
    ([("32592", "oxaliplatin"), ("4492", "fluorouracil"), ("6313", "leucovorin")], "folfox"),
    ([("194000", "capecitabine"), ("9863", "sodium chloride")], "capecitabine"),
    ([("9863", "sodium chloride")], None),
])  # fmt: skip
def test_a_medication_is_read_by_its_ingredients(
    ingredients: list[tuple[str, str]], expected: str | None, kb: onconav.KnowledgeBase
) -> None:
    """A Medication whose code names no drug ("Chemotherapy infusion") but whose ingredients are
    oxaliplatin, fluorouracil and leucovorin had been "not a cancer drug onconav knows" (a
    review of the FHIR reading): it is the drug or regimen they make, a diluent left aside,
    with a warning; of no cancer drug, it is not read."""
    medication = {"resourceType": "Medication", "id": "med",
                  "code": {"text": "Chemotherapy infusion"},
                  "ingredient": [{"itemCodeableConcept": _cc(RXNORM_URI, code, name)}
                                 for code, name in ingredients]}  # fmt: skip
    given = {"resourceType": "MedicationAdministration", "id": "a", "status": "completed",
             "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2024-01-10",
             "medicationReference": {"reference": "#med"}, "contained": [medication]}
    reading = read_bundle(_record(RECTUM, STAGE_4, given), kb)
    had = [v for v in reading.data.get("prior_treatments", []) if v != MORE]
    assert had == ([expected] if expected else []), (reading.data, reading.unused)
    if expected:
        assert any("read from the ingredients of its Medication" in w for w in reading.warnings)


# ---- hormone drugs, and cisplatin given with radiation ----------------------------------------

BREAST_4 = [BREAST_C, STAGE_4, _receptor("er", ER, "positive", effectiveDateTime="2023-01-01",
                                         subject={"reference": "Patient/p"})]
HORMONE_DRUGS = [row for row in load_tables().rows if row.get("kind") == "hormone-therapy"]


def test_the_hormone_drugs_of_breast_and_prostate_cancer_are_in_the_drug_table() -> None:
    """Only anastrozole was: tamoxifen and letrozole were listed unused, and a breast cancer's
    hormone therapy that stopped working was not read."""
    named = {row.display.split()[0].lower() for row in HORMONE_DRUGS}
    assert named >= {"tamoxifen", "letrozole", "anastrozole", "exemestane", "fulvestrant",
                     "leuprolide", "goserelin", "bicalutamide", "enzalutamide", "abiraterone"}
    assert {row.code: row.display for row in HORMONE_DRUGS}["10324"] == "Tamoxifen"  # a review's


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(HORMONE_DRUGS))
def test_a_hormone_drug_stopped_for_no_response_is_hormone_therapy_that_stopped(row: Any) -> None:
    """A hormone drug of the table stopped because the cancer did not respond (tamoxifen, as a
    review's breast record has it) is hormone therapy had and stopped, with the warning a
    profile typed so gives: it had been listed unused as "not a cancer drug onconav knows", and
    nothing was read of it."""
    kb = the_kb()
    stopped = {"resourceType": "MedicationRequest", "id": "h", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2023-02-01", **STOPPED_NO_RESPONSE,
               "medicationCodeableConcept": _cc(RXNORM_URI, row.code, row.display)}  # fmt: skip
    reading = read_bundle(_record(*BREAST_4, stopped), kb)
    assert reading.data["progressed_on"] == ["hormone-therapy"], reading.unused
    assert reading.data["prior_treatments"] == ["hormone-therapy", MORE]
    assert "MedicationRequest/h" in reading.sources["progressed_on"]
    result = onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
    assert any("hormone therapy stopped working" in str(w) and "another could still help"
               in str(w) for w in result.warnings), result.warnings  # fmt: skip


ENDOMETRIOSIS = _cc(SNOMED, "129103003", "Endometriosis (disorder)")
OTHER_USES = [row for row in HORMONE_DRUGS if row.meaning.get("other-uses")]


def _hormone_given(row: Any, **reason: Any) -> dict[str, Any]:
    return {"resourceType": "MedicationStatement", "id": "h", "status": "completed",
            "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2019-05-01", **reason,
            "medicationCodeableConcept": _cc(RXNORM_URI, row.code, row.display)}  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(OTHER_USES), st.sampled_from(["code", "reference"]), st.data())
def test_a_hormone_drug_given_for_another_use_is_not_a_treatment_of_the_cancer(
    row: Any, how: str, draw: Any
) -> None:
    """Some hormone drugs are given for conditions that are not cancer too (the drug table's
    ``other-uses``: leuprolide for endometriosis, letrozole for infertility): one a record gives
    for such a condition, by a reasonCode or a reasonReference to the Condition, is listed
    unused with the reason; it had been hormone therapy had of a cervical cancer."""
    kb = the_kb()
    use = draw.draw(st.sampled_from(row.meaning["other-uses"]), label="use")
    concept = _cc(SNOMED, "1234", f"{use.capitalize()} (disorder)")
    condition = {**_condition("e", "1234", concept["coding"][0]["display"]), "id": "e"}
    reason = ({"reasonCode": [concept]} if how == "code"
              else {"reasonReference": [{"reference": "Condition/e"}]})  # fmt: skip
    reading = read_bundle(_record(CERVIX, STAGE_4, condition, _hormone_given(row, **reason)), kb)
    assert "hormone-therapy" not in reading.data.get("prior_treatments", []), reading.data
    why = {u.reference: u.reason for u in reading.unused}["MedicationStatement/h"]
    assert use.capitalize() in why and "not for a cancer" in why, why


@pytest.mark.parametrize("reason", [
    {},  # no reason: read as the cancer's, as before
    {"reasonReference": [{"reference": "Condition/c"}]},  # the cancer read
    {"reasonReference": [{"reference": "Condition/gone"}]},  # not among the resources: may be it
    {"reasonCode": [_cc(SNOMED, "254837009", "Malignant tumor of breast")]},
    {"reasonCode": [_cc(SNOMED, "1234", "Metastatic breast carcinoma, high risk")]},
    {"reasonCode": [{"text": "Hormone receptor positive tumour"}]},
    # reasons not known to name another use (a review: dropped when any reason not known was)
    {"reasonCode": [{"text": "Adjuvant endocrine therapy"}]},
    {"reasonCode": [{"text": "HR+ HER2-"}]},
    {"reasonCode": [{"text": "Prevention of breast cancer recurrence"}]},
    {"reasonCode": [{"text": "Mets to bone"}]},
    {"reasonCode": [_cc("http://hl7.org/fhir/sid/icd-10-cm", "Z17.0",
                        "Estrogen receptor positive status [ER+]")]},
    {"reasonCode": [{"coding": [{"system": "urn:local", "code": "X1"}]}]},
    {"reasonCode": [ENDOMETRIOSIS, {"text": "Breast cancer"}]},  # a cancer named too
    {"reasonCode": [ENDOMETRIOSIS], "meta": {"profile": [
        "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-cancer-related-medication-statement"
    ]}},  # mCODE's profile says it is given for the cancer
])  # fmt: skip
@pytest.mark.parametrize("row", OTHER_USES[:1] + [r for r in OTHER_USES if r.code == "72965"])
def test_a_hormone_drug_that_is_or_may_be_given_for_the_cancer_is_read(
    reason: dict[str, Any], row: Any, kb: onconav.KnowledgeBase
) -> None:
    """Only a reason whose words name another use of the drug, and no cancer, leaves it unread:
    none given, the cancer, a Condition not given, a reason that names a cancer or that is not
    known to name another use, or mCODE's cancer-related profile keep it hormone therapy had."""
    reason = dict(reason)
    meta = reason.pop("meta", None)
    given_ = _hormone_given(row, **reason) | ({"meta": meta} if meta else {})
    reading = read_bundle(_record(*BREAST_4, given_), kb)
    assert "hormone-therapy" in reading.data.get("prior_treatments", []), reading.unused


@pytest.mark.parametrize("row", [r for r in HORMONE_DRUGS if not r.meaning.get("other-uses")],
                         ids=lambda r: r.display)  # fmt: skip
def test_a_hormone_drug_of_no_other_use_is_read_whatever_its_reason(
    row: Any, kb: onconav.KnowledgeBase
) -> None:
    """A drug the table gives no other use (abiraterone, fulvestrant) is read as the cancer's,
    whatever reason not a cancer it gives (the review: "a drug given for conditions that are
    not cancer too" had been said of them)."""
    given_ = _hormone_given(row, reasonCode=[ENDOMETRIOSIS])
    reading = read_bundle(_record(*BREAST_4, given_), kb)
    assert "hormone-therapy" in reading.data.get("prior_treatments", []), reading.unused


def test_a_drug_not_in_the_table_is_not_said_to_be_no_cancer_drug(
    kb: onconav.KnowledgeBase,
) -> None:
    """A drug the table of drug codes does not hold, by a name onconav does not know, may well
    be a cancer drug (tamoxifen was one): its reason says what is not known, not that it is no
    cancer drug."""
    given_ = {"resourceType": "MedicationStatement", "id": "x", "status": "completed",
              "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2023-01-01",
              "medicationCodeableConcept": _cc(RXNORM_URI, "999999", "Somenewmab")}
    reading = read_bundle(_record(*BREAST_4, given_), kb)
    reason = {u.reference: u.reason for u in reading.unused}["MedicationStatement/x"]
    assert reason == ("a drug onconav's table of drug codes does not hold, by a name onconav "
                      "does not know: rxnorm|999999 (Somenewmab)")  # fmt: skip
    assert "not a cancer drug" not in reason


def _pelvic_radiation(**performed: Any) -> dict[str, Any]:
    return {"resourceType": "Procedure", "id": "rt", "status": "completed",
            "subject": {"reference": "Patient/p"}, **performed,
            "code": _cc(SNOMED, "33195004", "External beam radiation therapy procedure"),
            "bodySite": [_cc(SNOMED, "12921003", "Pelvic structure (body structure)")]}


def _weekly_cisplatin(first: str, weeks: int = 4) -> list[dict[str, Any]]:
    day = datetime.fromisoformat(first)
    return [{**_administered("2555", "Cisplatin",
                             effectiveDateTime=f"{(day + timedelta(weeks=i)).date()}T09:00:00Z"),
             "id": f"cis{i}"} for i in range(weeks)]  # fmt: skip


FIGO_4B = _observation("stage", FIGO, _cc("http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl",
                                          "C96263", "FIGO Stage IVB"), system=SNOMED)  # fmt: skip
CERVIX_LUNG = _condition("m", "94391008", "Secondary malignant neoplasm of lung")


def test_weekly_cisplatin_during_pelvic_radiation_is_chemoradiation(
    kb: onconav.KnowledgeBase,
) -> None:
    """A review's record: four weekly doses of cisplatin inside a pelvic radiotherapy course's
    performedPeriod, FIGO IVB. It read as cisplatin and pelvic radiation, so the cervical
    cisplatin pairs asked "Did cisplatin stop working?", where `chemoradiation (cisplatin)`
    typed offers them. The course is cisplatin with radiation, from both records."""
    rt = _pelvic_radiation(performedPeriod={"start": "2023-05-01", "end": "2023-06-05"})
    doses = _weekly_cisplatin("2023-05-01")
    reading = read_bundle(_record(CERVIX, CERVIX_LUNG, FIGO_4B, *doses, rt), kb)
    assert reading.data["prior_treatments"] == [
        "cisplatin-weekly-radiation", "pelvic-radiation", MORE], reading.data
    assert set(reading.sources["prior_treatments"]) == refs_of([*doses, rt])
    typed = {"cancer": "cervix", "stage": "4B", "metastases": ["lung", MORE],
             "prior_treatments": ["chemoradiation (cisplatin)", "pelvic radiation", MORE]}
    assert statuses(reading.data, kb) == statuses(typed, kb)
    status = dict(statuses(reading.data, kb))
    assert status["cervix-chemo-cisplatin-paclitaxel"] == "offered"
    result = onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
    assert not any("Did cisplatin stop working" in str(q) for q in result.questions)


@settings(max_examples=60, deadline=None)
@given(shift=st.integers(-60, 60), length=st.integers(0, 40), weeks=st.integers(1, 5),
       with_fluorouracil=st.booleans(), dated_as=st.sampled_from(["period", "day", "month"]),
       stopped=st.booleans())  # fmt: skip
# cisplatin the day before the radiation began: the radiation's first day is of its course
@example(shift=-1, length=10, weeks=1, with_fluorouracil=False, dated_as="period", stopped=False)
def test_cisplatin_is_read_as_given_with_radiation_only_on_its_days(
    shift: int, length: int, weeks: int, with_fluorouracil: bool, dated_as: str, stopped: bool
) -> None:
    """Cisplatin (and fluorouracil on its first day) given weekly from a day ``shift`` days from
    a radiation course that ran ``length`` days: a course begun on a day the radiation was
    performed is the chemoradiation regimen, one outside it cisplatin (or the pair) as before,
    and radiation dated to a month only names none. A request stopped for no response, dated in
    the radiation, is chemoradiation that stopped, from the radiation's record too."""
    kb = the_kb()
    start = datetime(2023, 5, 1)
    end = start + timedelta(days=length)
    performed = {"period": {"performedPeriod": {"start": "2023-05-01",
                                                 "end": f"{end.date()}"}},
                 "day": {"performedDateTime": "2023-05-01"},
                 "month": {"performedDateTime": "2023-05"}}[dated_as]  # fmt: skip
    last = end if dated_as == "period" else start
    first = start + timedelta(days=shift)
    doses = _weekly_cisplatin(f"{first.date()}", weeks)
    if with_fluorouracil:
        doses.append({**_administered("4492", "Fluorouracil",
                                      effectiveDateTime=f"{first.date()}T11:00:00Z"), "id": "fu"})
    if stopped:
        doses.append({"resourceType": "MedicationRequest", "id": "req", "status": "stopped",
                      "intent": "order", "subject": {"reference": "Patient/p"},
                      "authoredOn": f"{first.date()}", **STOPPED_NO_RESPONSE,
                      "medicationCodeableConcept": _cc(RXNORM_URI, "2555", "Cisplatin")})
    rt = _pelvic_radiation(**performed)
    reading = read_bundle(_record(CERVIX, FIGO_4B, *doses, rt), kb)
    days = [first + timedelta(weeks=i) for i in range(weeks)]
    inside = [dated_as != "month" and start <= d <= last for d in days]
    # the first course holds the fluorouracil and the stopped request; the others cisplatin
    pair = ("cisplatin-fluorouracil-radiation", "cisplatin", "fluorouracil")
    single = ("cisplatin-weekly-radiation", "cisplatin")
    course = pair if with_fluorouracil else single
    expected = set(course[:1] if inside[0] else course[1:])
    expected |= {single[0] if within else single[1] for within in inside[1:]}
    had = set(reading.data["prior_treatments"]) - {"pelvic-radiation", MORE}
    assert had == expected, (reading.data, days, last)
    assert "Procedure/rt" in reading.sources["prior_treatments"]
    if stopped:
        assert reading.data["progressed_on"] == [single[0] if inside[0] else single[1]]
        assert ("Procedure/rt" in reading.sources["progressed_on"]) is inside[0]


@pytest.mark.parametrize(("status", "expected"), [
    ("in-progress", ["cisplatin-weekly-radiation", "pelvic-radiation", MORE]),
    ("completed", ["cisplatin-weekly-radiation", "pelvic-radiation", "cisplatin", MORE]),
])  # fmt: skip
def test_radiation_with_no_end_runs_to_today_only_while_in_progress(
    status: str, expected: list[str], kb: onconav.KnowledgeBase
) -> None:
    """A course of radiation still in progress, its period with a start and no end, runs to
    today: each weekly dose of cisplatin since its start is given with it. One done with no end
    written is known to have been performed on its first day only."""
    rt = {**_pelvic_radiation(performedPeriod={"start": "2023-05-01"}), "status": status}
    reading = read_bundle(_record(CERVIX, FIGO_4B, *_weekly_cisplatin("2023-05-01"), rt), kb)
    assert reading.data["prior_treatments"] == expected


@pytest.mark.parametrize("site", [None, ("51282000", "Bone structure of spine"),
                                  ("69695003", "Stomach structure")])  # fmt: skip
def test_cisplatin_during_radiation_not_to_the_pelvis_is_no_chemoradiation(
    site: tuple[str, str] | None, kb: onconav.KnowledgeBase
) -> None:
    """Cisplatin and fluorouracil given during radiation to the spine (bone spread) read as
    cisplatin and fluorouracil with radiation, and stomach chemoradiation was ruled out as
    stopped working (a review of the change): only radiation to the pelvis, where the
    chemoradiation regimens are given, makes a course chemoradiation; a place not said, none."""
    rt = _pelvic_radiation(performedPeriod={"start": "2023-05-01", "end": "2023-06-05"})
    rt["bodySite"] = [_cc(SNOMED, *site)] if site else []
    doses = _weekly_cisplatin("2023-05-01")
    reading = read_bundle(_record(CERVIX, FIGO_4B, *doses, rt), kb)
    assert "cisplatin-weekly-radiation" not in reading.data["prior_treatments"], reading.data
    assert "cisplatin" in reading.data["prior_treatments"], reading.data


def test_a_worsening_after_cisplatin_given_with_radiation_blames_the_chemoradiation(
    kb: onconav.KnowledgeBase,
) -> None:
    """The cancer worsened after weekly cisplatin given during pelvic radiation: what stopped
    working is the chemoradiation, from the radiation's record too, as what was had says."""
    rt = _pelvic_radiation(performedPeriod={"start": "2023-05-01", "end": "2023-06-05"})
    doses = _weekly_cisplatin("2023-05-01")
    worse = _observation("ds", "97509-4", _cc(SNOMED, "271299001", "Worsened"), "2023-08-01")
    reading = read_bundle(_record(CERVIX, FIGO_4B, *doses, rt, worse), kb)
    assert reading.data["progressed_on"] == ["cisplatin-weekly-radiation"], reading.data
    # the last dose is blamed (weekly doses are courses of their own), with the radiation
    assert set(reading.sources["progressed_on"]) == refs_of([doses[-1], rt, worse])


# the LOINC answers a result may be coded with, by what they say
CODED_ANSWERS = {"positive": ("LA6576-8", "Positive"), "negative": ("LA6577-6", "Negative"),
                 "present": ("LA9633-4", "Present"), "absent": ("LA9634-2", "Absent")}
OPPOSITE_WORDS = {"positive": ["Negative", "HER2 negative (1+)", "Not detected", "not amplified",
                               "No mutation detected", "KRAS wild-type", "neg"],
                  "negative": ["Positive", "Detected", "Amplified", "KRAS mutation detected",
                               "POS (3+)"]}  # fmt: skip


@given(st.data(),
       st.sampled_from([("stomach", "48676-1", "her2"), ("rectum", "21702-6", "kras")]))
@settings(max_examples=60, deadline=None)
def test_a_result_coded_one_way_and_written_the_other_is_not_read(
        data: st.DataObject, test: tuple[str, str, str]) -> None:  # fmt: skip
    """A HER2 result coded Positive whose own words say "Negative" was read by its code alone
    (trastuzumab offered; a review): a result whose code and words say opposite answers is not
    read, with a warning, as codings that disagree are; words that agree, or say neither way,
    leave the code read."""
    cancer, loinc, marker = test
    # (a HER2 test's answer is positive or negative; a KRAS test's may be present or absent)
    answer = data.draw(st.sampled_from(["positive", "negative"] if marker == "her2"
                                       else sorted(CODED_ANSWERS)))  # fmt: skip
    way = "positive" if answer in ("positive", "present") else "negative"
    code, display = CODED_ANSWERS[answer]
    text = data.draw(st.sampled_from(OPPOSITE_WORDS[way]))
    value = {"coding": [{"system": LOINC, "code": code, "display": display}], "text": text}
    condition = STOMACH if cancer == "stomach" else RECTUM
    reading = read_bundle(_record(condition, STAGE_4, _observation("r", loinc, value)), the_kb())
    assert marker not in reading.data.get("biomarkers", {}), (text, reading.data)
    assert any(w.startswith("Observation/r: its value is coded") for w in reading.warnings)
    assert [u.reference for u in reading.unused if u.reference == "Observation/r"]
    # words that agree, or say neither way, leave the code read
    same = data.draw(st.sampled_from([*OPPOSITE_WORDS["negative" if way == "positive"
                                                      else "positive"], "Result", "see report"]))
    value["text"] = same
    reading = read_bundle(_record(condition, STAGE_4, _observation("r", loinc, value)), the_kb())
    assert not any("its value is coded" in w for w in reading.warnings), (same, reading.warnings)
    assert marker in reading.data.get("biomarkers", {}), (same, reading.data)


@pytest.mark.parametrize(("code", "text", "kras"), [
    ("LA9634-2", "No KRAS mutation detected", "wild-type"),
    ("LA9634-2", "No RAS mutation detected", "wild-type"),
    ("LA9634-2", "No pathogenic variants detected", "wild-type"),
    ("LA9634-2", "Absence of mutation", "wild-type"),
    ("LA9633-4", "KRAS G12D detected", "mutated"),
])  # fmt: skip
def test_words_that_agree_with_the_code_in_lab_wording_keep_the_result(
        code: str, text: str, kras: str) -> None:  # fmt: skip
    """A first version of the rule above read words inside longer text: "No KRAS mutation
    detected" coded Absent was dropped as a disagreement (it held "mutation" and "detected"), and
    cetuximab asked for a KRAS test already done (a review of the change). Only words that are
    one answer and nothing more are weighed against the code."""
    value = {"coding": [{"system": LOINC, "code": code}], "text": text}
    reading = read_bundle(_record(RECTUM, STAGE_4, _observation("r", "21702-6", value)), the_kb())
    assert reading.data.get("biomarkers", {}).get("kras") == kras, reading.unused
    assert not any("its value is coded" in w for w in reading.warnings)


# ---- salts, names and drugs not known (a review of the reader, fix-fhir) --------------------

# the salt words a pharmacy system writes after a medicine's name (reader.SALTS)
SALT_WORDS = ["HCl", "hydrochloride", "acetate", "citrate", "ditosylate", "mesylate", "maleate",
              "tartrate", "phosphate", "bromide", "chloride", "sodium", "calcium", "sulfate",
              "hydrochloride trihydrate", "ditosylate monohydrate"]  # fmt: skip


def _one_named(kb: onconav.KnowledgeBase) -> list[tuple[str, str]]:
    """(name, drug) for every name of every drug of the knowledge base that names it alone."""
    from onconav.kb.model import Drug
    return [(name, d.id) for d in kb.data.drugs for name in (d.name, *d.aliases)
            if [r.id for r in kb.find(name) if isinstance(r, Drug)] == [d.id]]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_salt_after_any_drugs_name_is_that_drug(data: Any) -> None:
    """A medicine's name with a salt after it, written as Epic writes one ("IRINOTECAN HCL 100
    MG/5ML IV SOLN", "ABIRATERONE ACETATE 250 MG PO TABS"), is the drug the name is: "HCl",
    "acetate", "citrate", "ditosylate" had not been stripped, and such a name named nothing."""
    kb = the_kb()
    name, drug = data.draw(st.sampled_from(_one_named(kb)), label="name")
    salt = data.draw(st.sampled_from(SALT_WORDS), label="salt")
    upper = data.draw(st.booleans(), label="upper")
    text = f"{name} {salt} 100 MG/5ML IV SOLN"
    concept = {"text": text.upper() if upper else text}
    assert drugs_of_medication(concept, kb) == [drug], concept


def test_no_name_of_a_drug_loses_a_word_of_its_own(kb: onconav.KnowledgeBase) -> None:
    """The salt words stripped are never part of a drug's own name: every name of every drug of
    the knowledge base, written alone, still names that drug."""
    for name, drug in _one_named(kb):
        assert drugs_of_medication({"text": name}, kb) == [drug], name


def _irinotecan_folfiri(irinotecan: str) -> list[dict[str, Any]]:
    """FOLFIRI as Epic records it: three administrations named only in words, on 2023-07-01."""
    names = [irinotecan, "LEUCOVORIN CALCIUM 350 MG IV SOLR", "FLUOROURACIL 2.5 GM/50ML IV SOLN"]
    return [{"resourceType": "MedicationAdministration", "id": f"a{i}", "status": "completed",
             "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2023-07-01",
             "medicationCodeableConcept": {"text": name}} for i, name in enumerate(names)]


def test_folfiri_with_irinotecan_hcl_that_stopped_working_is_not_offered_again(
    kb: onconav.KnowledgeBase,
) -> None:
    """The reviewer's record: FOLFIRI given 2023-07-01 with its irinotecan written "IRINOTECAN
    HCL 100 MG/5ML IV SOLN", then the cancer worsened (2023-09-01). The irinotecan was listed
    unused, what stopped was read as fluorouracil with leucovorin, and FOLFIRI offered again."""
    status = {**WORSENED, "effectiveDateTime": "2023-09-01"}
    folfiri = _irinotecan_folfiri("IRINOTECAN HCL 100 MG/5ML IV SOLN")
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfiri, status), kb)
    assert reading.data["progressed_on"] == ["folfiri"], reading.unused
    assert dict(statuses(reading.data, kb)).get("folfiri") != "offered"


def test_a_drug_not_known_in_use_when_the_cancer_worsened_leaves_what_stopped_open(
    kb: onconav.KnowledgeBase,
) -> None:
    """A record of a drug onconav does not know, given for the cancer in the course in use when
    the cancer worsened, may be what stopped working: what stopped is "perhaps others not
    listed", with a warning naming it. The known drugs of the course had been blamed as if they
    were the whole of it (fluorouracil with leucovorin for FOLFIRI whose irinotecan was not
    read). One that nothing ties to the cancer (an anti-sickness drug, a steroid, a statin given
    then: every real record has them) leaves what stopped as read: it had made every drug option
    ask (a review of the change)."""
    status = {**WORSENED, "effectiveDateTime": "2023-09-01"}
    folfiri = _irinotecan_folfiri("CAMPTOTHECIN-X 100 MG/5ML IV SOLN")  # a name not known
    untied = read_bundle(_record(RECTUM, STAGE_4, *folfiri, status), kb)
    assert untied.data["progressed_on"] == ["fluorouracil-leucovorin"]
    assert not any("MedicationAdministration/a0 was in use" in w for w in untied.warnings)
    folfiri[0] = {**folfiri[0], "reasonReference": [{"reference": "Condition/c"}]}
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfiri, status), kb)
    assert reading.data["progressed_on"] == ["fluorouracil-leucovorin", MORE]
    assert "MedicationAdministration/a0" in reading.sources["progressed_on"]
    assert any("MedicationAdministration/a0 was in use" in w and "CAMPTOTHECIN-X" in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    # alone in use, it is still what may have stopped working (not "no drug on record")
    reading = read_bundle(_record(RECTUM, STAGE_4, folfiri[0], status), kb)
    assert reading.data["progressed_on"] == [MORE]
    # given long before (more than six months), it is not in use then
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfiri,
                                  {**status, "effectiveDateTime": "2024-09-01"}), kb)  # fmt: skip
    assert "progressed_on" not in reading.data


@pytest.mark.parametrize("row", [row for row in HORMONE_DRUGS], ids=lambda row: row.display)
def test_a_hormone_drug_named_in_words_only_is_read_as_its_code_is(
    row: Any, kb: onconav.KnowledgeBase
) -> None:
    """Every hormone drug of the drug table named in words only ("tamoxifen", "TAMOXIFEN CITRATE
    20 MG PO TABS") is read as its RxNorm code is: they had been "a name onconav does not know",
    and a worsening on tamoxifen warned that its drug was not one onconav knows."""
    stopped = {"resourceType": "MedicationRequest", "id": "h", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2023-05-01", "reasonReference": [{"reference": "Condition/c"}],
               "statusReason": _cc(SNOMED, "266721009", "No response to treatment")}  # fmt: skip
    for record in (_hormone_given(row), stopped):
        coded = read_bundle(_record(*BREAST_4, {
            **record, "medicationCodeableConcept": _cc(RXNORM_URI, row.code, row.display)}), kb)
        assert "hormone-therapy" in coded.data["prior_treatments"], coded.data
        for text in (row.display.lower(), f"{row.display.upper()} 20 MG PO TABS"):
            given = {**record, "medicationCodeableConcept": {"text": text}}
            reading = read_bundle(_record(*BREAST_4, given), kb)
            assert reading.data == coded.data, text
            assert not any("not one onconav knows" in w for w in reading.warnings), text


ORGANS = [row for row in load_tables().rows if row.table == "body_sites" and row.get("cancer")]


@pytest.mark.parametrize("place", ORGANS, ids=lambda row: row.display)
@pytest.mark.parametrize(("cancer", "test"), [
    (STOMACH, _observation("t", "48676-1", _cc(LOINC, "LA6576-8", "Positive"))),
    (RECTUM, _observation("t", "21702-6", ABSENT)),
])  # fmt: skip
def test_a_result_of_a_sample_of_another_organ_is_not_the_cancers(
    place: Any, cancer: dict[str, Any], test: dict[str, Any], kb: onconav.KnowledgeBase
) -> None:
    """A HER2 or KRAS test whose ``specimen`` is a Specimen taken from an organ (its
    ``collection.bodySite``) where a cancer starts is read for the cancer only when it is the
    cancer's own organ, or a place the cancer is read to have spread to; from any other organ it
    is listed unused with a warning naming the Specimen, and the result is unknown. A HER2 test
    of a sample of the breast had been read as a stomach cancer's, and trastuzumab offered."""
    marker = "her2" if cancer is STOMACH else "kras"
    sample = {"resourceType": "Specimen", "id": "s", "subject": {"reference": "Patient/p"},
              "collection": {"bodySite": _cc(SNOMED, place.code, place.display)}}
    result = {**test, "specimen": {"reference": "Specimen/s"}}
    own = place.get("cancer") in (("stomach",) if cancer is STOMACH
                                  else ("colon", "rectum", "colorectal"))  # fmt: skip
    reading = read_bundle(_record(cancer, STAGE_4, sample, result), kb)
    if own:
        assert marker in reading.data.get("biomarkers", {}), place.display
        return
    assert marker not in reading.data.get("biomarkers", {}), place.display
    assert any(w.startswith("Observation/t is a ") and "Specimen/s" in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    assert "Observation/t" in {u.reference for u in reading.unused}
    # contained in the test, the same
    contained = {**test, "specimen": {"reference": "#s"}, "contained": [sample]}
    reading = read_bundle(_record(cancer, STAGE_4, contained), kb)
    assert marker not in reading.data.get("biomarkers", {}), place.display
    # a sample of a place the cancer has spread to is the cancer's
    spread = place.get("metastasis")
    if spread and spread != "other-site":
        there = {**_condition("m", "x", "x"), "bodySite": [_cc(SNOMED, place.code)],
                 "code": _cc(ICD10CM, "C79.9", "Secondary malignant neoplasm, unspecified")}
        reading = read_bundle(_record(cancer, STAGE_4, sample, result, there), kb)
        assert spread in reading.data["metastases"], reading.data
        assert marker in reading.data.get("biomarkers", {}), place.display


def test_a_her2_test_of_a_breast_sample_is_not_a_stomach_cancers(
    kb: onconav.KnowledgeBase,
) -> None:
    """The reviewer's record: a stomach cancer, stage IV, and a HER2 interpretation (48676-1)
    Positive whose Specimen was taken from the breast (76752008): trastuzumab was offered."""
    sample = {"resourceType": "Specimen", "id": "sp", "subject": {"reference": "Patient/p"},
              "collection": {"bodySite": _cc(SNOMED, "76752008", "Breast structure")}}
    her2 = _observation("h7", "48676-1", _cc(LOINC, "LA6576-8", "Positive"),
                        specimen={"reference": "Specimen/sp"})  # fmt: skip
    reading = read_bundle(_record(STOMACH, STAGE_4, sample, her2), kb)
    assert "her2" not in reading.data.get("biomarkers", {})
    assert dict(statuses(reading.data, kb))["stomach-trastuzumab"] == "needs_information"
    assert any("Specimen/sp" in w and "Breast structure" in w for w in reading.warnings)


@pytest.mark.parametrize(("text", "drug"), [
    ("Oxaliplatin - anaphylaxis", "oxaliplatin"), ("Oxaliplatin (anaphylaxis)", "oxaliplatin"),
    ("Oxaliplatin: rash", "oxaliplatin"), ("Cetuximab - infusion reaction", "cetuximab"),
    ("cetuximab infusion reaction", "cetuximab"), ("Irinotecan Hcl", "irinotecan"),
    ("Capecitabine and related", "capecitabine"),
])  # fmt: skip
def test_an_allergy_written_drug_then_reaction_is_read(
    text: str, drug: str, kb: onconav.KnowledgeBase
) -> None:
    """The reviewer's allergies: confirmed, their words the drug then the reaction. They were
    listed unused with no warning, and FOLFOX stayed offered beside oxaliplatin anaphylaxis."""
    reading = read_bundle(_record(RECTUM, STAGE_4, _allergy({"text": text})), kb)
    assert reading.data.get("cannot_have") == [drug], (text, reading.unused)
    if drug == "oxaliplatin":
        assert dict(statuses(reading.data, kb))["rectum-folfox"] != "offered"


# the ways a record writes the reaction after the drug an allergy is to
AFTER_THE_DRUG = [" - anaphylaxis", " (anaphylaxis)", ": rash", " - infusion reaction",
                  " infusion reaction", " anaphylaxis", " rash", ", hives", "; urticaria",
                  " \u2013 severe reaction", " hypersensitivity", " allergy"]  # fmt: skip
# words around a drug's name that do not say an allergy to it
AROUND = ["reaction after", "liposome", "desensitisation protocol", "pegylated", "given with",
          "prior", "see note", "ok"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_an_allergy_whose_words_name_a_drug_is_read_or_warned_of(data: Any) -> None:
    """An allergy whose words are a drug's name then a reaction is an allergy to that drug; one
    whose words name a cancer drug anywhere, read or not, is never dropped without a word: it is
    read, or a warning names the drug."""
    kb = the_kb()
    name, drug = data.draw(st.sampled_from(_one_named(kb)), label="name")
    after = data.draw(st.sampled_from(AFTER_THE_DRUG), label="after")
    reading = read_bundle(_record(RECTUM, STAGE_4, _allergy({"text": f"{name}{after}"})), kb)
    assert reading.data.get("cannot_have") == [drug], (name, after, reading.unused)
    before = data.draw(st.sampled_from(["", *AROUND]), label="before")
    behind = data.draw(st.sampled_from(["", *AROUND]), label="behind")
    text = f"{before} {name} {behind}".strip()
    reading = read_bundle(_record(RECTUM, STAGE_4, _allergy({"text": text})), kb)
    assert reading.data.get("cannot_have") or any(
        w.startswith("AllergyIntolerance/a records an allergy") and kb.name_of(drug) in w
        for w in reading.warnings), (text, reading.warnings)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.data())
@example(data=None)  # the reviewer's: "Oxaliplatin; irinotecan", irinotecan dropped in silence
def test_every_drug_an_allergy_names_is_read_or_warned_of(data: Any) -> None:
    """An allergy whose words name two cancer drugs ("Oxaliplatin; irinotecan", "5-FU,
    oxaliplatin - rash"): the words before the first separator are read, and the other drug had
    been dropped without a word (FOLFIRI stayed offered beside an irinotecan allergy). Each drug
    named is read as one that cannot be given (itself, a regimen holding it or a kind of it) or
    named in a warning (a review of the change)."""
    kb = the_kb()
    if data is None:
        (first, one), (second, two), between = ("Oxaliplatin", "oxaliplatin"), (
            "irinotecan", "irinotecan"), "; "  # fmt: skip
    else:
        (first, one), (second, two) = (data.draw(st.sampled_from(_one_named(kb)))
                                       for _ in range(2))  # fmt: skip
        assume(one != two)
        between = data.draw(st.sampled_from(["; ", ", ", " - ", ": "]))
    text = f"{first}{between}{second}"
    reading = read_bundle(_record(RECTUM, STAGE_4, _allergy({"text": text})), kb)
    read = set(reading.data.get("cannot_have", []))
    for drug in (one, two):
        assert kb.vocabulary.up("cannot_have", drug) & read or any(
            w.startswith("AllergyIntolerance/a records an allergy") and kb.name_of(drug) in w
            for w in reading.warnings), (text, drug, read, reading.warnings)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(extra=st.integers(min_value=-2, max_value=300), included=st.integers(0, 2),
       paged=st.booleans())  # fmt: skip
def test_a_searchset_holding_fewer_than_its_total_says_so_as_cds_hooks_refuses_it(
    extra: int, included: int, paged: bool
) -> None:
    """A searchset whose ``total`` is more than the matches it holds, with no next link, is a
    page whose link was left out: the CDS Hooks service refuses such a prefetch (412, by
    ``fewer_than_found``), and the reader read it as the whole record with no word. It now warns,
    by the same rule, as it does for a next link; the reading is otherwise the same."""
    from onconav.cdshooks.prefetch import fewer_than_found

    kb = the_kb()
    data = bundle("thyroid-advanced")
    whole = read_bundle(data, kb)
    data = copy.deepcopy(data)
    data["type"] = "searchset"
    for entry in data["entry"]:
        entry["search"] = {"mode": "match"}
    data["entry"][:included] = [{**e, "search": {"mode": "include"}}
                                for e in data["entry"][:included]]  # fmt: skip
    matches = len(data["entry"]) - included
    data["total"] = max(matches + extra, 0)
    if paged:
        data["link"] = [{"relation": "next", "url": "https://fhir.example.org/r4/x?page=2"}]
    reading = read_bundle(data, kb)
    assert reading.data == whole.data
    short = [w for w in reading.warnings if w.startswith("the Bundle is a search that found")]
    assert bool(short) == (fewer_than_found(data) and not paged), (data["total"], matches)
    assert bool(short) == (data["total"] > matches and not paged)
    assert reading.warnings[1 if short or paged else 0:] == whole.warnings


def test_the_reviewers_searchset_of_250_with_3_entries_is_warned_of(
    kb: onconav.KnowledgeBase,
) -> None:
    """The reviewer's record: a searchset of total 250 holding 3 entries, no next link: read as
    the whole record with no warning (exit 0), while CDS Hooks refused it."""
    data = _record(RECTUM, STAGE_4, {"resourceType": "Patient", "id": "p"})
    data.update(type="searchset", total=250)
    reading = read_bundle(data, kb)
    assert reading.warnings[0].startswith("the Bundle is a search that found 250 resources")


def _variant_of(gene: dict[str, Any], answer: dict[str, Any], *more: dict[str, Any],
                ident: str = "v") -> dict[str, Any]:  # fmt: skip
    """A GenomicVariant (69548-6) of one gene studied (48018-6), with more components."""
    return _observation(ident, "69548-6", answer,
                        component=[{"code": _cc(LOINC, "48018-6"), "valueCodeableConcept": gene},
                                   *more])  # fmt: skip


GENES_NOT_READ = [(_cc("http://www.genenames.org", "HGNC:7989", "NRAS"), "NRAS"),
                  (_cc("http://www.genenames.org", "HGNC:1097", "BRAF"), "BRAF"),
                  ({"text": "NRAS"}, "NRAS"), ({"text": "BRAF"}, "BRAF"),
                  (_cc("http://www.genenames.org", "HGNC:7989"), "NRAS")]  # fmt: skip
Q61K = {"code": _cc(LOINC, "48005-3"), "valueCodeableConcept": {"text": "p.Gln61Lys"}}
OF_TUMOUR = {"code": _cc(LOINC, "48002-0"), "valueCodeableConcept": SOMATIC}
INHERITED = {"code": _cc(LOINC, "48002-0"), "valueCodeableConcept": GERMLINE}
SIGNIFIES = {"code": _cc(LOINC, SIGNIFICANCE)}


@pytest.mark.parametrize(("gene", "symbol"), GENES_NOT_READ)
@pytest.mark.parametrize(("answer", "more", "warned"), [
    (PRESENT, [], True), (PRESENT, [Q61K], True), (PRESENT, [OF_TUMOUR], True),
    (PRESENT, [{**SIGNIFIES, "valueCodeableConcept": _cc(LOINC, "LA6668-3")}], True),
    (ABSENT, [], False), (PRESENT, [INHERITED], False),
    (PRESENT, [{**SIGNIFIES, "valueCodeableConcept": _cc(LOINC, "LA26333-7")}], False),
    (PRESENT, [{**SIGNIFIES, "valueCodeableConcept": _cc(LOINC, "LA6675-8")}], False),
])  # fmt: skip
def test_an_nras_or_braf_mutation_is_said_and_kras_read_as_before(
    gene: dict[str, Any], symbol: str, answer: dict[str, Any], more: list[dict[str, Any]],
    warned: bool, kb: onconav.KnowledgeBase,
) -> None:  # fmt: skip
    """An NRAS or BRAF mutation of the tumour (present, not germline, not of benign or uncertain
    significance) is not read (the sources speak of KRAS only), but it is said: a warning names
    it and asks whether it changes the options that depend on KRAS. It had been listed unused in
    silence beside KRAS wild-type, and cetuximab and panitumumab offered. KRAS is read as it
    was; an absent one, a germline one and one of doubtful significance say nothing."""
    kras = _observation("k", "21702-6", ABSENT)
    reading = read_bundle(_record(RECTUM, STAGE_4, kras, _variant_of(gene, answer, *more)), kb)
    assert reading.data["biomarkers"] == {"kras": "wild-type"}
    said = [w for w in reading.warnings if w.startswith("Observation/v records a change")]
    assert bool(said) == warned, reading.warnings
    if warned:
        assert f"in the {symbol} gene" in said[0] and "KRAS result" in said[0]
        assert ("p.Gln61Lys" in said[0]) == (Q61K in more)
    # and by the gene, for the CDS order cards of the drugs KRAS decides
    assert reading.genes_not_read == ({symbol: ["Observation/v"]} if warned else {})
    assert "Observation/v" in {u.reference for u in reading.unused}


def test_the_reviewers_nras_mutation_beside_kras_wild_type_is_said(
    kb: onconav.KnowledgeBase,
) -> None:
    """The reviewer's record: NRAS (HGNC:7989) p.Gln61Lys present beside KRAS 21702-6 absent:
    the NRAS variant was listed unused with no warning."""
    nras = _variant_of(_cc("http://www.genenames.org", "HGNC:7989", "NRAS"), PRESENT, Q61K,
                       ident="nras")  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, _observation("k", "21702-6", ABSENT), nras),
                          kb)  # fmt: skip
    assert reading.data["biomarkers"] == {"kras": "wild-type"}
    assert any(w.startswith("Observation/nras records a change (mutation) in the NRAS gene "
                            "(p.Gln61Lys)") for w in reading.warnings), reading.warnings


def test_a_marker_named_in_a_panels_parts_or_a_reports_conclusion_is_warned_of(
    kb: onconav.KnowledgeBase,
) -> None:
    """KRAS as a component of a gene panel (81247-9), and HER2 only in a report's conclusion
    ("HER2 (IHC): 3+ POSITIVE"), were listed unused with no word, where an Observation whose own
    code names one is warned of (a review of the FHIR input): each is said, the result left
    unknown; one read elsewhere is not warned of."""
    part = {"code": _cc(LOINC, "21702-6", "KRAS gene mutations found"),
            "valueCodeableConcept": PRESENT}  # fmt: skip
    panel = _observation("panel", "81247-9", component=[part])
    reading = read_bundle(_record(RECTUM, STAGE_4, panel), kb)
    assert "kras" not in reading.data.get("biomarkers", {})
    assert any(w.startswith("Observation/panel names KRAS in its parts") for w in reading.warnings)
    report = {"resourceType": "DiagnosticReport", "id": "path", "status": "final",
              "subject": {"reference": "Patient/p"}, "code": _cc(LOINC, "60567-5", "Pathology"),
              "conclusion": "Adenocarcinoma. HER2 (IHC): 3+ POSITIVE"}  # fmt: skip
    reading = read_bundle(_record(STOMACH, STAGE_4, report), kb)
    assert "her2" not in reading.data.get("biomarkers", {})
    assert any(w.startswith("DiagnosticReport/path names HER2 in its conclusion")
               for w in reading.warnings), reading.warnings  # fmt: skip
    her2 = _observation("her2", "48676-1", _cc(LOINC, "LA6576-8", "Positive"))
    reading = read_bundle(_record(STOMACH, STAGE_4, report, her2), kb)
    assert reading.data["biomarkers"]["her2"] == "positive"
    assert not any("DiagnosticReport/path names" in w for w in reading.warnings)
    # a result no option for the cancer asks (HER2 of a breast or rectal cancer, KRAS of a
    # stomach one), and a report entered in error or cancelled, are not warned of (a review of
    # the change: most pathology reports name HER2)
    breast = _condition("c", "254837009", "Malignant tumor of breast")
    for cancer, status in ((breast, "final"), (RECTUM, "final"), (STOMACH, "entered-in-error"),
                           (STOMACH, "cancelled")):  # fmt: skip
        reading = read_bundle(_record(cancer, STAGE_4, {**report, "status": status}), kb)
        assert not any("DiagnosticReport/path names" in w for w in reading.warnings), (
            cancer["code"], status, reading.warnings)  # fmt: skip
        assert not reading.named, reading.named


@pytest.mark.parametrize("status", ["done", "Final", "completed"])
def test_a_marker_test_of_a_status_fhir_does_not_have_is_said_and_named(
    status: Any, kb: onconav.KnowledgeBase
) -> None:
    """A HER2 result of status "done" (no FHIR R4 Observation status; the R4B model takes any
    code) was dropped as "not a result" with no warning, and the CDS card said "HER2 not on
    record" of a test that was done (a review of the clinicians' path). It is not valid FHIR:
    warned of with the status and the statuses accepted, and named as a test on record not
    read, HER2's and KRAS's alike."""
    for cancer, code, marker in ((STOMACH, "48676-1", "her2"), (RECTUM, "21702-6", "kras")):
        test = {**_observation("t", code, _cc(LOINC, "LA6576-8", "Positive")), "status": status}
        reading = read_bundle(_record(cancer, STAGE_4, test), kb)
        assert f"biomarkers.{marker}" not in reading.data, reading.data
        assert reading.named.get(f"biomarkers.{marker}") == {
            "Observation/t": "a result onconav cannot read"}, (marker, reading.named)
        (said,) = [w for w in reading.warnings if w.startswith("Observation/t is not read")]
        assert "status" in said and "accepted: amended, cancelled, corrected" in said, said


# FHIR R4's value sets of the statuses and intents of each resource type the reader reads
# (hl7.org/fhir/R4, each a required binding), written here apart from the reader's table
R4_STATUSES: dict[tuple[str, str], set[str]] = {
    ("Observation", "status"): {"registered", "preliminary", "final", "amended", "corrected",
                                "cancelled", "entered-in-error", "unknown"},
    ("DiagnosticReport", "status"): {"registered", "partial", "preliminary", "final", "amended",
                                     "corrected", "appended", "cancelled", "entered-in-error",
                                     "unknown"},
    ("Condition", "clinicalStatus"): {"active", "recurrence", "relapse", "inactive",
                                      "remission", "resolved"},
    ("Condition", "verificationStatus"): {"unconfirmed", "provisional", "differential",
                                          "confirmed", "refuted", "entered-in-error"},
    ("AllergyIntolerance", "clinicalStatus"): {"active", "inactive", "resolved"},
    ("AllergyIntolerance", "verificationStatus"): {"unconfirmed", "confirmed", "refuted",
                                                   "entered-in-error"},
    ("MedicationRequest", "status"): {"active", "on-hold", "cancelled", "completed",
                                      "entered-in-error", "stopped", "draft", "unknown"},
    ("MedicationRequest", "intent"): {"proposal", "plan", "order", "original-order",
                                      "reflex-order", "filler-order", "instance-order",
                                      "option"},
    ("MedicationStatement", "status"): {"active", "completed", "entered-in-error", "intended",
                                        "stopped", "on-hold", "unknown", "not-taken"},
    ("MedicationAdministration", "status"): {"in-progress", "not-done", "on-hold", "completed",
                                             "entered-in-error", "stopped", "unknown"},
    ("MedicationDispense", "status"): {"preparation", "in-progress", "cancelled", "on-hold",
                                       "completed", "entered-in-error", "stopped", "declined",
                                       "unknown"},
    ("Procedure", "status"): {"preparation", "in-progress", "not-done", "on-hold", "stopped",
                              "completed", "entered-in-error", "unknown"},
    ("ServiceRequest", "status"): {"draft", "active", "on-hold", "revoked", "completed",
                                   "entered-in-error", "unknown"},
    ("ServiceRequest", "intent"): {"proposal", "plan", "directive", "order", "original-order",
                                   "reflex-order", "filler-order", "instance-order", "option"},
}  # fmt: skip
HL7 = "http://terminology.hl7.org/CodeSystem/"
CODED_STATUS = {("Condition", "clinicalStatus"): CLINICAL,
                ("Condition", "verificationStatus"): VERIFICATION,
                ("AllergyIntolerance", "clinicalStatus"): HL7 + "allergyintolerance-clinical",
                ("AllergyIntolerance", "verificationStatus"):
                    HL7 + "allergyintolerance-verification"}  # fmt: skip
OXALIPLATIN_CODE = {"coding": [{"system": RXNORM, "code": "32592", "display": "oxaliplatin"}]}
# a resource of each type beside a rectal cancer of stage 4, each read (into a field) as it is
STATUS_READ = {
    "Observation": _observation("r", "21702-6", _cc(LOINC, "LA9633-4", "Present")),
    "Condition": _condition("r", "94222008", "Secondary malignant neoplasm of lung"),
    "AllergyIntolerance": {"resourceType": "AllergyIntolerance", "id": "r",
                           "patient": {"reference": "Patient/p"}, "code": OXALIPLATIN_CODE},
    "MedicationRequest": {"resourceType": "MedicationRequest", "id": "r", "status": "completed",
                          "intent": "order", "medicationCodeableConcept": OXALIPLATIN_CODE,
                          "authoredOn": "2024-01-01", "subject": {"reference": "Patient/p"}},
    "MedicationStatement": {"resourceType": "MedicationStatement", "id": "r",
                            "status": "completed", "medicationCodeableConcept": OXALIPLATIN_CODE,
                            "effectiveDateTime": "2024-01-01",
                            "subject": {"reference": "Patient/p"}},
    "MedicationAdministration": {"resourceType": "MedicationAdministration", "id": "r",
                                 "status": "completed",
                                 "medicationCodeableConcept": OXALIPLATIN_CODE,
                                 "effectiveDateTime": "2024-01-01",
                                 "subject": {"reference": "Patient/p"}},
    "MedicationDispense": {"resourceType": "MedicationDispense", "id": "r", "status": "completed",
                           "medicationCodeableConcept": OXALIPLATIN_CODE,
                           "whenHandedOver": "2024-01-01", "subject": {"reference": "Patient/p"}},
    "Procedure": {"resourceType": "Procedure", "id": "r", "status": "completed",
                  "code": _cc(SNOMED, "265414003", "Abdominoperineal resection"),
                  "performedDateTime": "2024-01-01", "subject": {"reference": "Patient/p"}},
}  # fmt: skip
# a code FHIR R4 does not have: a word of another version or system, a near miss, any word
NOT_A_STATUS = st.sampled_from(["done", "current", "yes", "Final", "in progress", "ordered",
                                "complete", "taken", "suspected"]) | st.text(
    "abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)  # fmt: skip


def _with_status(kind: str, element: str, code: str) -> dict[str, Any]:
    resource = {**STATUS_READ[kind]}
    resource[element] = (_cc(CODED_STATUS[kind, element], code)
                         if (kind, element) in CODED_STATUS else code)  # fmt: skip
    return resource


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(k for k in R4_STATUSES if k[0] in STATUS_READ)), NOT_A_STATUS)
def test_a_status_fhir_does_not_have_is_not_read_of_any_type(
    kind_element: tuple[str, str], code: str
) -> None:
    """A status (or an intent) outside FHIR R4's value set for its resource type (the R4B
    models take any code) makes the resource not valid FHIR R4, for every type the reader
    reads: listed unused naming the element and the codes accepted, warned of as not read, and
    what it would have told not read. Only an Observation's status had been checked: a
    MedicationStatement of status "done" gave a drug had, a Condition whose clinicalStatus was
    "current" a place of spread, an allergy whose clinicalStatus was "current" a drug barred."""
    kind, element = kind_element
    assume(code not in R4_STATUSES[kind_element])
    reading = read_bundle(_record(RECTUM, STAGE_4, _with_status(kind, element, code)),
                          the_kb())  # fmt: skip
    reason = {u.reference: u.reason for u in reading.unused}.get(f"{kind}/r", "")
    assert reason.startswith(f"not valid FHIR R4: {element}"), (kind_element, code, reason)
    assert "accepted: " + ", ".join(sorted(R4_STATUSES[kind_element])) in reason, reason
    assert not any(f"{kind}/r" in refs for refs in reading.sources.values()), reading.sources
    assert any(w.startswith(f"{kind}/r is not read (not valid FHIR R4: {element}")
               for w in reading.warnings), reading.warnings  # fmt: skip


@pytest.mark.parametrize("kind_element", sorted(k for k in R4_STATUSES if k[0] in STATUS_READ))
def test_each_status_fhir_has_is_valid(kind_element: tuple[str, str]) -> None:
    """Every code of FHIR R4's value set is valid (none refused as not FHIR)."""
    kind, element = kind_element
    for code in sorted(R4_STATUSES[kind_element]):
        reading = read_bundle(_record(RECTUM, STAGE_4, _with_status(kind, element, code)),
                              the_kb())  # fmt: skip
        reason = {u.reference: u.reason for u in reading.unused}.get(f"{kind}/r", "")
        assert "not valid FHIR" not in reason, (kind_element, code, reason)


@pytest.mark.parametrize("kind", sorted(NAMES_A_CANCER))
def test_an_order_or_report_of_a_status_fhir_does_not_have_names_no_cancer(kind: str) -> None:
    """An order, procedure or report that names the cancer is not read as the cancer when its
    status is none of FHIR R4's for its type ("done"): it had been read, as a status that is no
    fact is not (a ServiceRequest or a DiagnosticReport of status "done" gave a stomach
    cancer). The error names it, with the codes accepted."""
    resource = {"resourceType": kind, "id": "r", "status": "done",
                "subject": {"reference": "Patient/p"}, **NAMES_A_CANCER[kind]}  # fmt: skip
    with pytest.raises(FhirError) as caught:
        read_bundle(_record(resource), the_kb())
    accepted = ", ".join(sorted(R4_STATUSES[kind, "status"]))
    assert any(p.message.startswith(f"{kind}/r names a cancer but was not read: not valid FHIR "
                                    f"R4: status is not accepted; accepted: {accepted}")
               for p in caught.value.problems), caught.value.problems  # fmt: skip


@pytest.mark.parametrize(("kind", "element", "value"), [
    ("MedicationRequest", "intent", None), ("MedicationRequest", "intent", 5),
    ("MedicationRequest", "status", None), ("MedicationStatement", "status", True),
    ("Procedure", "status", None), ("Observation", "status", None)])  # fmt: skip
def test_a_status_or_intent_missing_or_not_a_code_lists_the_codes(
    kind: str, element: str, value: Any, kb: onconav.KnowledgeBase
) -> None:
    """A status or an intent left out, or given as no code, is said with the codes FHIR R4
    accepts there: it had been "intent is required; accepted: a code: text with no space at
    either end ..." (a review: an integrator could not tell which codes were wanted)."""
    resource = {k: v for k, v in STATUS_READ[kind].items() if k != element}
    if value is not None:
        resource[element] = value
    reading = read_bundle(_record(RECTUM, STAGE_4, resource), kb)
    reason = {u.reference: u.reason for u in reading.unused}[f"{kind}/r"]
    said = "is required" if value is None else "is not accepted"
    assert reason.startswith(f"not valid FHIR R4: {element} {said}; accepted: "
                             + ", ".join(sorted(R4_STATUSES[kind, element]))), reason


def test_a_code_given_as_a_number_is_said_to_be_one(kb: onconav.KnowledgeBase) -> None:
    """A stage's code given as a number (4, not "4") is said to be a number, with what is
    accepted and how to write it: it had been "is not accepted; accepted: a code: ...", which
    did not say what was wrong (a review)."""
    stage = {**STAGE_4, "valueCodeableConcept": {"coding": [
        {"system": "http://cancerstaging.org", "code": 4, "display": "IV"}]}}  # fmt: skip
    reading = read_bundle(_record(RECTUM, stage), kb)
    reason = {u.reference: u.reason for u in reading.unused}["Observation/stage"]
    assert reason == ("not valid FHIR R4: valueCodeableConcept.coding[0].code is a number, not "
                      "text; accepted: a code: text with no space at either end and no two "
                      'spaces together (written in quotes: "4")'), reason
    assert "stage" not in reading.data


# the knowledge base's operations by a name or alias of theirs, each as a procedure's words alone
PROCEDURE_WORDS = [("Low anterior resection", "low-anterior-resection"),
                   ("LAR", "low-anterior-resection"),
                   ("Right hemicolectomy", "right-hemicolectomy"),
                   ("Abdominoperineal resection", "abdominoperineal-resection")]  # fmt: skip


@settings(max_examples=40, deadline=None)
@example(("Low anterior resection", "low-anterior-resection"), "", str)  # the review's
@given(st.sampled_from(PROCEDURE_WORDS), st.sampled_from(["", " ", "  "]),
       st.sampled_from([str.lower, str.upper, str]))  # fmt: skip
def test_a_procedure_named_only_in_words_is_read_as_a_medication_is(
    named: tuple[str, str], space: str, case: Callable[[str], str]
) -> None:
    """A Procedure whose code is words alone ("Low anterior resection", no coding) is read by
    them as a medication's words are: the knowledge base's operation of that name, among the
    treatments had, with a warning that it was read from its words. It had been listed unused
    with no warning, and the options asked whether the rectum had been taken out (a
    clinician's review)."""
    text, value = named
    procedure = {"resourceType": "Procedure", "id": "lar", "status": "completed",
                 "code": {"text": f"{space}{case(text)}{space}"},
                 "performedDateTime": "2022-05-01", "subject": {"reference": "Patient/p"}}
    reading = read_bundle(_record(RECTUM, STAGE_4, procedure), the_kb())
    assert value in reading.data.get("prior_treatments", []), reading.data
    assert "Procedure/lar" in reading.sources["prior_treatments"], reading.sources
    assert any(w.startswith("Procedure/lar is read from its words") for w in reading.warnings)


@pytest.mark.parametrize("text", ["Hip replacement", "Cholecystectomy", "Radiotherapy"])
def test_a_procedure_whose_words_are_not_read_is_warned_of(
    text: str, kb: onconav.KnowledgeBase
) -> None:
    """A Procedure named only in words that onconav does not read as a treatment is warned of,
    not only listed unused; not one its words say finds or reaches the cancer (a biopsy, a
    colonoscopy), nor one with a code. ("Total gastrectomy" was one: it is read now, as it is
    typed: ``test_a_total_gastrectomy_or_an_anterior_resection_in_words_is_read``.)"""
    procedure = {"resourceType": "Procedure", "id": "x", "status": "completed",
                 "code": {"text": text}, "performedDateTime": "2022-05-01",
                 "subject": {"reference": "Patient/p"}}  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, procedure), kb)
    assert "Procedure/x" in {u.reference for u in reading.unused}
    assert any(w.startswith(f"Procedure/x is named only in words ({text!r}), which onconav "
                            "does not read") for w in reading.warnings), reading.warnings
    for quiet in ({"text": "Colonoscopy"}, {"text": "Biopsy of rectum"},
                  _cc(SNOMED, "73761001", "Colonoscopy")):  # fmt: skip
        reading = read_bundle(_record(RECTUM, STAGE_4, {**procedure, "code": quiet}), kb)
        assert not any("Procedure/x" in w for w in reading.warnings), (quiet, reading.warnings)


@pytest.mark.parametrize(("code", "cancer", "read_as", "may_be"), [
    ("C19", "colorectal", "colon cancer", "colon cancer or rectal cancer"),
    ("C16.0", "gastroesophageal-junction", "stomach cancer", None)])  # fmt: skip
def test_a_code_read_as_a_cancer_answered_as_another_says_so(
    code: str, cancer: str, read_as: str, may_be: str | None, kb: onconav.KnowledgeBase
) -> None:
    """A code whose cancer the knowledge base answers as another (ICD-10-CM C19, the
    rectosigmoid junction: colorectal cancer, answered as colon cancer until told which; C16.0,
    the cardia: gastro-oesophageal junction cancer, answered as stomach cancer) is said so in
    the reading, naming the code: C19 had been read as colon cancer with no word of the code (a
    clinician's review). The mapping stays: which of the two it is, is for the care team."""
    condition = {**_condition("c", "x", "x"),
                 "code": {"coding": [{"system": ICD10CM, "code": code}]}}  # fmt: skip
    reading = read_bundle(_record(condition, STAGE_4), kb)
    assert reading.data["cancer"] == cancer
    [said] = [w for w in reading.warnings if w.startswith(f"Condition/c (icd10cm|{code})")]
    assert f"which onconav answers as for {read_as}" in said, said
    assert (f"it may be {may_be}" in said) if may_be else "it may be" not in said, said
    # a cancer answered as itself says nothing of it
    rectum = {**condition, "code": {"coding": [{"system": ICD10CM, "code": "C20"}]}}
    assert not any("answers as for" in w for w in read_bundle(_record(rectum, STAGE_4),
                                                              kb).warnings)  # fmt: skip


def test_every_cancer_answered_as_another_is_said_so(kb: onconav.KnowledgeBase) -> None:
    """Each cancer of the knowledge base answered as another (``read_as``), read from a code of
    the conditions table, is said so, naming the code."""
    rows = [r for r in load_tables().rows if r.table == "conditions"
            and (c := r.meaning.get("cancer")) and len(c) == 1
            and getattr(kb.by_id.get(c[0]), "read_as", None) not in (None, c[0])
            and "recurrence" not in r.meaning]  # fmt: skip
    assert rows
    for row in rows:
        condition = {**_condition("c", "x", "x"),
                     "code": {"coding": [{"system": SYSTEMS[row.system][0], "code": row.code}]}}
        reading = read_bundle(_record(condition, STAGE_4), kb)
        assert any(w.startswith(f"Condition/c ({row.system}|{row.code}") and "answers as for"
                   in w for w in reading.warnings), (row, reading.warnings)  # fmt: skip


@pytest.mark.parametrize(("kind", "status", "said"), [
    ("MedicationRequest", "active", "being given now"),
    ("MedicationStatement", "active", "being given now"),
    ("MedicationAdministration", "in-progress", "being given now"),
    ("MedicationRequest", "on-hold", "on hold"), ("MedicationRequest", "completed", None),
    ("MedicationStatement", "completed", None)])  # fmt: skip
def test_a_drug_being_given_is_said_to_be(
    kind: str, status: str, said: str | None, kb: onconav.KnowledgeBase
) -> None:
    """A drug the record says is being given now (a request or statement active, an
    administration in progress) is read among the treatments had, as the rules count a
    treatment had or being given alike (docs/profile.md), and the reading says it is being
    given: it had been shown only as had ("pembrolizumab was had" of an active order: a
    clinician's review). One completed says nothing of it."""
    record = {**STATUS_READ[kind], "status": status}
    reading = read_bundle(_record(RECTUM, STAGE_4, record), kb)
    assert "oxaliplatin" in reading.data["prior_treatments"], reading.data
    notes = [w for w in reading.warnings if f"{kind}/r" in w and "by the record" in w]
    if said is None:
        assert not notes, notes
    else:
        assert len(notes) == 1 and notes[0].startswith(said), notes
        assert "oxaliplatin" in notes[0].lower(), notes
        assert "read among the treatments had" in notes[0], notes


@pytest.mark.parametrize(("coding", "warned"), [
    ((SNOMED, "363349007", "Rectal cancer"), "rectal cancer"),  # the review's
    ((ICD10CM, "C20", "Malignant neoplasm of stomach"), "stomach cancer"),
    ((SNOMED, "254582000", "Adenocarcinoma of colon"), "colon cancer"),
    ((SNOMED, "363349007", "Malignant tumor of stomach"), None),
    ((SNOMED, "363349007", "Gastric adenocarcinoma"), None),
    ((SNOMED, "363349007", "Cardia cancer"), None),  # answered as stomach cancer
    ((SNOMED, "254582000", "Colorectal cancer"), None),  # it may be rectal cancer
    ((SNOMED, "363349007", "Stage IV"), None)])  # fmt: skip
def test_a_display_that_names_another_cancer_than_its_code_is_warned_of(
    coding: tuple[str, str, str], warned: str | None, kb: onconav.KnowledgeBase
) -> None:
    """A coding whose display names another cancer than its code does in onconav's table (a
    SNOMED CT code of stomach cancer shown as "Rectal cancer") is warned of, the code read: it
    had been read by its code with no word (a clinician's review). A display that names the
    same cancer, one it is answered as or may be, or no cancer, is not."""
    system, code, display = coding
    condition = {**_condition("c", "x", "x"), "code": _cc(system, code, display)}
    reading = read_bundle(_record(condition, STAGE_4), kb)
    said = [w for w in reading.warnings if "but its display says" in w]
    if warned is None:
        assert not said, said
        return
    coded = read_bundle(_record({**condition, "code": _cc(system, code)}, STAGE_4), kb)
    assert reading.data["cancer"] == coded.data["cancer"]  # the code is read
    [one] = said
    assert one.startswith(f"Condition/c's code {system_name(system)}|{code} is ") and (
        f"its display says {display!r} ({warned}): the code is read" in one), one  # fmt: skip


CANCER_DISPLAYS = {"stomach": "Gastric cancer", "rectum": "Rectal cancer",
                   "cervix": "Cervical cancer", "colon": "Colon cancer"}  # fmt: skip


# the table's codes of one of the sources' cancers each: (system, code, cancer)
SOURCES_CANCER_CODES = sorted((r.system, r.code, str(r.get("cancer"))) for r in load_tables().rows
                              if r.table == "conditions" and r.get("cancer") in CANCER_DISPLAYS
                              and len(r.meaning.get("cancer", ())) == 1)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SOURCES_CANCER_CODES), st.sampled_from(sorted(CANCER_DISPLAYS)))
def test_a_display_is_warned_of_exactly_when_it_names_another_cancer(
    row: tuple[str, str, str], shown: str
) -> None:
    """For every code of the table of one of the sources' cancers, and a display naming each of
    them: warned of when the display's cancer is not the code's, never otherwise; the code is
    read all the same."""
    system, code, cancer = row
    condition = {**_condition("c", "x", "x"),
                 "code": _cc(SYSTEMS[system][0], code, CANCER_DISPLAYS[shown])}  # fmt: skip
    reading = read_bundle(_record(condition, STAGE_4), the_kb())
    said = [w for w in reading.warnings if "but its display says" in w]
    assert bool(said) == (shown != cancer), (row, shown, said)
    assert reading.data["cancer"] == cancer



@pytest.mark.parametrize("status", ["registered", "preliminary", "unknown", "final",
                                    "entered-in-error", "cancelled"])  # fmt: skip
def test_a_marker_test_not_read_is_named_and_warned_of(
    status: str, kb: onconav.KnowledgeBase
) -> None:
    """A HER2 or KRAS test whose result is still to come (registered, preliminary, a status
    not known), or whose result onconav cannot read, had been listed only among the resources
    not read: trastuzumab asked for a HER2 test, and a cohort's gaps called the patient one
    with no HER2 result at all (a review of the cohort). The reading names it (``named``) and
    warns, where the result decides options for the cancer; not one entered in error or
    cancelled (no result), nor beside a result read."""
    unreadable = {"text": "see the attached report"}
    for cancer, code, marker in ((STOMACH, "48676-1", "her2"), (RECTUM, "21702-6", "kras")):
        value = unreadable if status == "final" else _cc(LOINC, "LA6576-8", "Positive")
        test = {**_observation("t", code, value), "status": status}
        reading = read_bundle(_record(cancer, STAGE_4, test), kb)
        named = status not in ("entered-in-error", "cancelled")
        why = "a result onconav cannot read" if status == "final" else "no final result yet"
        # each with why, as the warning says it (the cards take it from here)
        assert (reading.named.get(f"biomarkers.{marker}") == {"Observation/t": why}) is named, (
            marker, status, reading.named)  # fmt: skip
        said = [w for w in reading.warnings if w.startswith(f"{marker.upper()} tests on record")]
        assert bool(said) is named, (marker, status, reading.warnings)
        if named:
            assert f"Observation/t ({why})" in said[0]
        # a cancer whose options the result does not decide (HER2 of a rectal cancer)
        other = RECTUM if marker == "her2" else STOMACH
        reading = read_bundle(_record(other, STAGE_4, test), kb)
        assert not reading.named and not any("tests on record" in w for w in reading.warnings)
        # nor a test about another cancer of the person's (a review of the change: a pending
        # HER2 test of a breast cancer had been named for the stomach cancer read)
        breast = _condition("breast", "254837009", "Malignant tumor of breast")
        about = {**test, "focus": [{"reference": "Condition/breast"}]}
        reading = read_bundle(_record(cancer, STAGE_4, breast, about), kb)
        assert not reading.named.get(f"biomarkers.{marker}"), (marker, status, reading.named)


def test_every_reason_for_a_marker_test_not_read_has_card_words(
    kb: onconav.KnowledgeBase,
) -> None:
    """The reading's reasons for a HER2 or KRAS test it names but does not read are said in
    one place (``onconav.reading.UNREAD_REASONS``), and the CDS Hooks cards' words for them
    (``cards.HELD_WORDS``) are keyed by those: the cards had written the reader's reasons again
    as literals, and a change of wording in the reader would have made the cards fall back to
    "result not read" without a word. Every reason the reader gives has its card words, and
    every reason is given by one of the constants, never a literal."""
    import ast
    import inspect
    from types import SimpleNamespace

    from onconav import reading as words_of
    from onconav.cdshooks import cards
    from onconav.fhir import reader

    reasons_of = set(words_of.UNREAD_REASONS)
    assert set(cards.HELD_WORDS) == reasons_of
    # every reason the reader stores for a test not read is one of the constants, by name
    constants = {name for name, value in vars(reader).items()
                 if isinstance(value, str) and value in reasons_of}  # fmt: skip
    stored = [node.value for node in ast.walk(ast.parse(inspect.getsource(reader)))
              if isinstance(node, ast.Assign) and any(
                  isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                  and t.value.id == "unread" for t in node.targets)]  # fmt: skip
    assert stored and all(isinstance(v, ast.Name) and v.id in constants for v in stored), [
        ast.unparse(v) for v in stored]  # fmt: skip
    # and as read: a test still to come and one whose result cannot be read, of each marker
    given = set()
    for cancer, code, marker in ((STOMACH, "48676-1", "her2"), (RECTUM, "21702-6", "kras")):
        for status, value in (("preliminary", _cc(LOINC, "LA6576-8", "Positive")),
                              ("final", {"text": "see the attached report"})):  # fmt: skip
            test = {**_observation("t", code, value), "status": status}
            reading = read_bundle(_record(cancer, STAGE_4, test), kb)
            reasons = set(reading.named[f"biomarkers.{marker}"].values())
            assert reasons <= reasons_of, reasons
            given |= reasons
            held = cards._held_words(SimpleNamespace(named=reading.named), marker)  # type: ignore[arg-type]
            assert held in cards.HELD_WORDS.values(), (marker, status, held)
    assert given == reasons_of


@pytest.mark.parametrize("cancer", ["stomach", "rectum", "cervix", "breast", "lung", "unknown"])
def test_a_marker_is_warned_of_only_where_it_decides_an_option(
    cancer: str, kb: onconav.KnowledgeBase
) -> None:
    """For every cancer: a report's conclusion naming HER2 and KRAS is warned of for each that
    decides an option for that cancer (as the options' conditions test it), and only those."""
    from onconav.kb.model import fact_tests

    codes = {"stomach": "363349007", "rectum": "254582000", "cervix": "363354003",
             "breast": "254837009", "lung": "363358000", "unknown": "363346000"}  # fmt: skip
    report = {"resourceType": "DiagnosticReport", "id": "path", "status": "final",
              "subject": {"reference": "Patient/p"}, "code": _cc(LOINC, "60567-5", "Pathology"),
              "conclusion": "HER2 (IHC): 3+ POSITIVE; KRAS G12D mutation detected"}  # fmt: skip
    reading = read_bundle(_record(_condition("c", codes[cancer], "cancer"), STAGE_4, report), kb)
    site = reading.data["cancer"]
    for marker in ("her2", "kras"):
        decides = any(kb.rules[o.id].scope.holds(site) and any(
            t.fact == marker for t in fact_tests(o.when)) for o in kb.options)  # fmt: skip
        warned = any(w.startswith(f"DiagnosticReport/path names {marker.upper()}")
                     for w in reading.warnings)  # fmt: skip
        assert warned == decides == (marker == {"stomach": "her2", "rectum": "kras"}.get(site)), (
            site, marker, reading.warnings)  # fmt: skip


# ---- the record's errors in onconav's words ------------------------------------------------

# pydantic's own words, which no refusal or reason of onconav's says
PYDANTIC_WORDS = ("Input should be", "type=", "For further information visit", "pydantic",
                  "should match pattern", "Field required", "Extra inputs", "spec regex",
                  "Value error", "Value is expected from the instance", "Invalid JSON",
                  "got multiple!", "Expect any of field value")  # fmt: skip

# A Bundle's element that the FHIR R4 model refuses, and the field the refusal names
BAD_BUNDLES: dict[str, tuple[dict[str, Any], str]] = {
    "type a number": ({"type": 5}, "bundle.type"),
    "type a list": ({"type": ["collection"]}, "bundle.type"),
    "total text": ({"total": "x"}, "bundle.total"),
    "total below 0": ({"total": -1}, "bundle.total"),
    "total a fraction": ({"total": 1.5}, "bundle.total"),
    "id with spaces": ({"id": "a b c"}, "bundle.id"),
    "timestamp not a time": ({"timestamp": "yesterday"}, "bundle.timestamp"),
    "timestamp a date": ({"timestamp": "2024-04-02"}, "bundle.timestamp"),
    "meta a list": ({"meta": [1]}, "bundle.meta"),
    "meta's lastUpdated": ({"meta": {"lastUpdated": "x"}}, "bundle.meta.lastUpdated"),
    "meta's profile text": ({"meta": {"profile": "x"}}, "bundle.meta.profile"),
    "link text": ({"link": "x"}, "bundle.link"),
    "a link's relation a number": ({"link": [{"relation": 5}]}, "bundle.link[0].relation"),
    "identifier text": ({"identifier": "x"}, "bundle.identifier"),
    "identifier's value a number": ({"identifier": {"value": 5}}, "bundle.identifier.value"),
    "signature without its elements": ({"signature": {"x": 1}}, "bundle.signature.type"),
    "an element a Bundle has not": ({"foo": 1}, "bundle.foo"),
    "language a number": ({"language": 5}, "bundle.language"),
    "implicitRules a number": ({"implicitRules": 5}, "bundle.implicitRules"),
}


@pytest.mark.parametrize("case", sorted(BAD_BUNDLES))
def test_a_bundle_the_model_refuses_is_said_in_onconavs_words(
    case: str, kb: onconav.KnowledgeBase, run: Any, tmp_path: Path
) -> None:
    """An element of the Bundle that FHIR R4 refuses had been said in pydantic's words, with
    nothing accepted ("bundle.total: not a valid FHIR R4 Bundle: Input should be a valid
    integer, unable to parse string as an integer"), by the reading, the API's 422 and the
    command alike. Each names the element as a path and says what is accepted (in the message,
    which is all the command shows, and in ``accepted``), in onconav's words."""
    extra, field = BAD_BUNDLES[case]
    record = {**_record(RECTUM, STAGE_4), **extra}
    with pytest.raises(FhirError) as refused:
        read_bundle(record, kb)
    problems = {p.field: p for p in refused.value.problems}
    assert field in problems, refused.value.problems
    for problem in refused.value.problems:
        said = " ".join([problem.message, *problem.accepted])
        assert problem.field.startswith("bundle.") and problem.accepted, problem
        assert all(a in problem.message for a in problem.accepted), problem
        assert not any(w in said for w in PYDANTIC_WORDS), problem
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    done = run("fhir", "profile", str(path))
    assert done.status == 2 and any(line.startswith(f"onconav: error: {field}: ")
                                    for line in done.errors()), done.stderr  # fmt: skip
    assert not any(w in done.stderr for w in PYDANTIC_WORDS), done.stderr
    answer = _post_fhir(record)
    assert answer.status_code == 422, answer.text
    for error in answer.json()["errors"]:
        assert error["accepted"] and not any(
            w in " ".join([error["message"], *error["accepted"]]) for w in PYDANTIC_WORDS), error


@pytest.mark.parametrize(("leave_out", "field"), [
    ("type", "bundle.type"), ("url", "bundle.link[0].url"),
])  # fmt: skip
def test_an_element_fhir_requires_left_out_is_said_to_be_required(
    leave_out: str, field: str, kb: onconav.KnowledgeBase
) -> None:
    """An element FHIR requires, left out, had been said to be "not accepted" (the models' own
    kind of error, ``model_field_validation.missing``, read as a value refused): word for word
    what a wrong value gets, so an integrator could not tell the two apart (a review). It is
    "is required", with what it takes, for the Bundle's elements and a resource's alike."""
    record = {**_record(RECTUM, STAGE_4), "link": [{"relation": "self", "url": "http://x/a"}]}
    if leave_out == "type":
        del record["type"]
    else:
        del record["link"][0]["url"]
    with pytest.raises(FhirError) as refused:
        read_bundle(record, kb)
    [problem] = [p for p in refused.value.problems if p.field == field]
    assert " is required; accepted: " in problem.message and problem.accepted, problem
    assert "not accepted" not in problem.message, problem
    # a resource's: a HER2 result with no status is listed unused as such
    her2 = {k: v for k, v in HER2_POSITIVE.items() if k != "status"}
    reading = read_bundle(_record(RECTUM, STAGE_4, her2), kb)
    [reason] = [u.reason for u in reading.unused if u.reference == "Observation/her2"]
    assert "status is required; accepted: amended, cancelled, corrected" in reason, reason


# any JSON value, as a record may hold one anywhere
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False,
    allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(element=st.sampled_from(["id", "meta", "implicitRules", "language", "identifier", "type",
                                "timestamp", "total", "link", "signature", "foo"]),
       value=JSON_VALUES)  # fmt: skip
def test_every_refusal_of_a_bundles_element_names_it_and_what_is_accepted(
    element: str, value: Any
) -> None:
    """Whatever a Bundle's element holds, a refusal names the field as a path under ``bundle``,
    says what is accepted, and has none of pydantic's words."""
    record = {**_record(RECTUM, STAGE_4), element: value}
    try:
        read_bundle(record, the_kb())
    except FhirError as error:
        for problem in error.problems:
            said = " ".join([problem.message, *problem.accepted])
            assert problem.field.startswith("bundle") and problem.accepted, problem
            assert not any(w in said for w in PYDANTIC_WORDS), problem


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), value=JSON_VALUES)
def test_every_reason_a_resource_is_not_valid_is_in_onconavs_words(
    data: st.DataObject, value: Any
) -> None:
    """A resource not valid FHIR R4 is listed unused with why, warned of, and named in the error
    when it was the cancer: the reason had been pydantic's words ("not valid FHIR R4: id: String
    should match pattern '^[A-Za-z0-9\\-.]+$'"). Whatever an element of the cancer's Condition
    or of a HER2 test holds, no reason, warning or error says pydantic's words."""
    her2 = _observation("h", "48676-1", _cc(LOINC, "LA6576-8", "Positive"))
    which = data.draw(st.sampled_from([RECTUM, her2]), label="resource")
    model = get_fhir_model_class(which["resourceType"])
    names = sorted(f.alias or k for k, f in model.model_fields.items()
                   if not (f.alias or k).startswith("_") and k != "fhir_comments")  # fmt: skip
    element = data.draw(st.sampled_from([*names, "foo"]), label="element")
    changed = {**which, element: value}
    try:
        reading = read_bundle(_record(STOMACH if which is her2 else changed, STAGE_4,
                                      changed if which is her2 else her2), the_kb())  # fmt: skip
    except FhirError as error:
        for problem in error.problems:
            said = " ".join([problem.message, *problem.accepted])
            assert problem.accepted and not any(w in said for w in PYDANTIC_WORDS), problem
        return
    said = [u.reason for u in reading.unused] + reading.warnings
    assert not any(w in s for s in said for w in PYDANTIC_WORDS), said


def test_a_record_with_no_cancer_says_what_gives_the_cancer(kb: onconav.KnowledgeBase) -> None:
    """"no cancer condition" named the field (bundle) and nothing accepted: whoever sends the
    record is told what to add, the Condition's codes (SNOMED CT, ICD-10-CM C00-C96) or its
    words, or a cancer as an order's reason; each of the errors that go with it (a Condition
    coded as a cancer that could not be read) says what is accepted too."""
    other = _condition("d", "267036007", "Dyspnea")
    cases = (_record(other), _record({**RECTUM, "id": "a b"}))
    for record in cases:
        with pytest.raises(FhirError, match="no cancer condition") as refused:
            read_bundle(record, kb)
        first, *rest = refused.value.problems
        assert first.field == "bundle", first
        assert any("SNOMED CT" in a and "ICD-10-CM" in a for a in first.accepted), first
        assert any("words" in a for a in first.accepted), first
        assert "Send the person's cancer as a Condition" in first.message, first
        for problem in rest:
            assert problem.accepted, problem


# The characters that show nothing: zero-width ones and marks of direction, the directional
# embeddings and overrides, isolates, and the byte order mark
INVISIBLE_CHARACTERS = [chr(c) for c in (*range(0x200B, 0x2010), *range(0x202A, 0x202F),
                                         *range(0x2066, 0x206A), 0xFEFF)]  # fmt: skip


@pytest.mark.parametrize("mark", INVISIBLE_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_character_that_shows_nothing_in_a_records_words_is_left_out(
    mark: str, kb: onconav.KnowledgeBase
) -> None:
    """A cancer's words with a character that shows nothing inside them ("recta\\u200bl cancer",
    an isolate around part of a word) were read as written: an isolate's made "rectal cancer" no
    cancer at all, and each was shown back in the warnings as written (an override turns the
    rest of a sentence around). They are read as the words they show, and shown without it."""
    for text in (f"recta{mark}l cancer", f"rec{mark}tal can{mark}cer", f"{mark}rectal cancer"):
        condition = {**RECTUM, "code": {"text": text}}
        reading = read_bundle(_record(condition, STAGE_4), kb)
        assert reading.data["cancer"] == "rectum", (text, reading.data)
        said = json.dumps(reading.as_json(), ensure_ascii=False)
        assert mark not in said, (text, said)
        assert "'rectal cancer'" in " ".join(reading.warnings), reading.warnings


@settings(max_examples=100, deadline=None)
@given(marks=st.lists(st.tuples(st.integers(0, 24), st.sampled_from(INVISIBLE_CHARACTERS)),
                      min_size=1, max_size=4))  # fmt: skip
def test_a_cancers_words_read_the_same_with_characters_that_show_nothing(
    marks: list[tuple[int, str]]
) -> None:
    """Wherever characters that show nothing are put in a Condition's words (its text, its
    coding's display), the cancer read is the one the words show, and none of them is shown
    back."""
    text = "Adenocarcinoma of rectum"
    for at, mark in sorted(marks, reverse=True):
        text = text[:at] + mark + text[at:]
    for code in ({"text": text}, _cc(SNOMED, "363346000", text)):
        reading = read_bundle(_record({**RECTUM, "code": code}, STAGE_4), the_kb())
        assert reading.data["cancer"] == "rectum", (text, reading.data)
        said = json.dumps(reading.as_json(), ensure_ascii=False)
        assert not any(c in said for c in INVISIBLE_CHARACTERS), said


@pytest.mark.parametrize("path", ["valueCodeableConcept", "subject", "focus"])
@pytest.mark.parametrize(("value", "kind"), [
    (True, "a boolean"), (False, "a boolean"), (5, "a number"), (2.5, "a number"),
    ([1], "a list"), ("x", "the text 'x'"),
])  # fmt: skip
def test_a_value_where_an_element_is_wanted_is_named_by_its_kind(
    path: str, value: object, kind: str, kb: onconav.KnowledgeBase
) -> None:
    """`"valueCodeableConcept": true` was "not a number" (a JSON boolean is a Python int): each
    JSON value where an element is wanted is named by its kind, as the reader names it elsewhere
    (a review of the FHIR input)."""
    stage = {**STAGE_4, path: [value] if path == "focus" else value}
    reading = read_bundle(_record(RECTUM, STAGE_4, {**stage, "id": "bad"}), kb)
    where = "focus[0]" if path == "focus" else path
    assert {u.reference: u.reason for u in reading.unused}["Observation/bad"] == (
        f"not valid FHIR R4: {where}: should be an element (a JSON object), not {kind}")


NOT_RESOURCES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                          st.lists(st.integers(), max_size=2),
                          st.fixed_dictionaries({"resource": st.sampled_from(
                              ["Condition/c", 5, ["x"]])}))  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NOT_RESOURCES, min_size=1, max_size=4), st.booleans())
def test_every_entry_that_is_not_a_resource_is_listed(bad: list[Any], with_cancer: bool) -> None:
    """A null entry was dropped without a word (entry[3] "x" and entry[4] 5 were listed "not a
    FHIR resource", entry[5] null not), and a record of such entries only was refused as "No
    Condition is in the record", not saying the entries were not resources (a review of the FHIR
    input). The rule: each entry that is not a resource is listed, or named in the error."""
    good = [RECTUM, STAGE_4] if with_cancer else []
    record = _record(*good)
    record["entry"] += bad
    where = [f"entry[{len(good) + i}]" for i in range(len(bad))]
    try:
        reading = read_bundle(record, the_kb())
    except FhirError as error:
        assert not with_cancer
        said = error.problems[0].message
        assert "No Condition is in the record. Not read, as not FHIR resources" in said
        assert all(w in said for w in where), said
        return
    unused = {u.reference: u.reason for u in reading.unused}
    assert all(unused[w].startswith("not a FHIR resource") for w in where), unused


MALIGNANT_NOT_CANCER = [
    "History of rectal cancer", "Suspected gastric cancer",
    "Rectal cancer, no evidence of disease", "Anemia due to gastric cancer",
    "Cancer-related pain",
]  # fmt: skip
NO_MALIGNANCY = ["Essential hypertension", "Type 2 diabetes mellitus",
                 "Family history of colon cancer", "Risk of breast cancer",
                 "Benign neoplasm of colon", "Rectal cancer, family history",
                 "Carcinoma in situ of rectum", "Malignant hypertension",
                 "Lynch syndrome (hereditary nonpolyposis colorectal cancer)"]  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(MALIGNANT_NOT_CANCER + NO_MALIGNANCY), min_size=1, max_size=3))
def test_no_cancer_read_beside_words_of_a_malignancy_is_said(said: list[str]) -> None:
    """The rule behind the CDS card: with no cancer read, each Condition whose words name a
    malignancy that may be the person's is named in the error (so ``no_cancer`` is False, and the
    CDS service answers the "could not read the cancer" card, not silence); a record whose words
    name none (or a relative's, a risk) stays ``no_cancer``."""
    conditions = [{**_condition(f"c{i}", "0", "x"), "code": {"text": t}}
                  for i, t in enumerate(said)]  # fmt: skip
    with pytest.raises(FhirError) as raised:
        read_bundle(_record(*conditions, STAGE_4), the_kb())
    named = [c["id"] for c, t in zip(conditions, said, strict=True)
             if t not in NO_MALIGNANCY]  # fmt: skip
    assert raised.value.no_cancer == (not named)
    messages = " ".join(p.message for p in raised.value.problems)
    for ident in named:
        assert f"Condition/{ident} names a malignancy in its words" in messages, messages


@pytest.mark.parametrize(("words", "record"), [
    ("Malignant neoplasm of colon and rectum", "colorectal"),
    ("Adenocarcinoma of rectosigmoid junction", "colorectal"),
    ("Bowel cancer", "colorectal"),
    ("Adenocarcinoma of gastroesophageal junction", "gastroesophageal-junction"),
])  # fmt: skip
def test_words_naming_an_entry_read_as_another_cancer_are_read_as_its_code_is(
    words: str, record: str, kb: onconav.KnowledgeBase
) -> None:
    """Words that name a knowledge base entry read as another cancer ("colon and rectum":
    colorectal, answered as colon) are read as the tables read its code (ICD-10-CM C19 is
    colorectal), so the person is told, as the command line tells them, that it may have started
    in the rectum, which has a source of its own: they had been read as colon, with no such
    note. The warning names the cancer by its name ("a cancer of the colorectal" had been said)."""
    condition = {**_condition("c", "0", ""), "code": {"text": words}}
    reading = read_bundle(_record(condition, STAGE_4), kb)
    assert reading.data["cancer"] == record
    name = kb.name_of(record)
    assert any(f"Condition/c is read as {name} from" in w for w in reading.warnings)
    note = next(c.note for c in kb.data.cancers if c.id == record)
    result = onconav.evaluate(onconav.parse_profile(reading.data, kb), kb)
    assert note and any(note in w for w in result.warnings), result.warnings
    assert statuses(reading.data, kb) == statuses({"cancer": words, "stage": "4"}, kb)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["Possible ", "Probable ", "Likely ", "Query ", "?", "r/o ", "Rule out ",
                        "Suspected ", "Worried about ", "Presumed "]),
       st.sampled_from(["", " - excluded", " ruled out", " not confirmed", " (r/o)",
                        ", to be ruled out", " - cannot be excluded"]),
       st.sampled_from(["rectal cancer", "gastric adenocarcinoma", "Metastatic rectal cancer",
                        "carcinoma of cervix"]),
       st.sampled_from([str.lower, str.title]),
       st.booleans(), st.booleans(), st.booleans())  # fmt: skip
def test_a_cancer_whose_words_doubt_or_deny_it_is_read_as_when_its_status_does(
    before: str, after: str, name: str, case: Callable[[str], str], doubt_before: bool,
    coded: bool, spread: bool,
) -> None:
    """A cancer Condition whose own words doubt or deny it ("Rule out rectal cancer", "Gastric
    cancer - excluded", "Possible ...", "?...") is read as one whose verificationStatus is
    provisional or refuted: not read, named with the words that doubt it; with spread on record
    the cancer is unknown, with none the record is refused and the Condition named, which the
    CDS service says on a card. They had been read as the person's cancer, and a card of
    options given for a cancer that was ruled out (a review of the API). Whether the Condition
    is coded in a table (C20) or not does not change it."""
    kb = the_kb()
    words = case((before + name) if doubt_before else (name + after))
    assume(words.strip().lower() != name.strip().lower())  # some words that doubt it
    condition = {**_condition("c", "0", ""), "code": {"text": words}}
    if coded:
        condition["code"] = {"coding": [{"system": ICD10CM, "code": "C20"}], "text": words}
    liver = _condition("m", "94381002", "Secondary malignant neoplasm of liver")
    provisional = {**condition, "verificationStatus": _cc(
        "http://terminology.hl7.org/CodeSystem/condition-ver-status", "provisional")}  # fmt: skip
    others = [STAGE_4, liver] if spread else [STAGE_4]
    if spread:
        reading = read_bundle(_record(condition, *others), kb)
        assert reading.data["cancer"] == read_bundle(_record(provisional, *others), kb).data[
            "cancer"] == "unknown"  # fmt: skip
        unused = {u.reference: u.reason for u in reading.unused}
        # (named with the words that doubt it; "Possible metastatic ..." reads as no primary
        # cancer at all: "metastatic" not first)
        assert re.search(r"a cancer condition whose words (doubt|deny) it \('[^']+'\)|"
                         r"a Condition onconav does not read", unused["Condition/c"]), unused
        return
    with pytest.raises(FhirError) as caught:
        read_bundle(_record(condition, *others), kb)
    assert "Condition/c" in caught.value.problems[0].message
    assert caught.value.no_cancer is False  # said on a card, not silent


@pytest.mark.parametrize(("words", "sites"), [
    ("Rectal cancer, suspected liver mets", None),
    ("Rectal cancer, liver mets ruled out", None),
    ("Metastatic disease ruled out; adenocarcinoma of rectum", None),
    ("Rectal cancer with liver metastases", ["liver"]),
])  # fmt: skip
def test_words_that_doubt_only_the_spread_leave_the_cancer_read(
    words: str, sites: list[str] | None, kb: onconav.KnowledgeBase
) -> None:
    """Doubt or denial in words about the spread alone is the spread's to weigh: the cancer
    they name is read."""
    condition = {**_condition("c", "0", ""), "code": {"text": words}}
    reading = read_bundle(_record(condition, STAGE_4), kb)
    assert reading.data["cancer"] == "rectum", reading.unused
    assert reading.data.get("metastases") == (sites and [*sites, MORE])


@pytest.mark.parametrize(("words", "cancer", "spread"), [
    ("Rectal ca", "rectum", None), ("Ca rectum", "rectum", None), ("Rectal CA", "rectum", None),
    ("Gastric adenoCA", "stomach", None), ("Ca cervix", "cervix", None),
    ("mCRC", "colorectal", None), ("CRC w/ liver mets", "colorectal", ["liver"]),
    ("Gastric Ca with liver mets", "stomach", ["liver"]),
    ("Low Ca", None, None), ("Ca deficiency", None, None), ("CA 19-9 raised", None, None),
    ("CA-125 elevated", None, None), ("History of rectal ca", None, None),
])  # fmt: skip
def test_a_cancer_in_a_problem_lists_short_name_is_read_as_the_profile_reads_it(
    words: str, cancer: str | None, spread: list[str] | None, kb: onconav.KnowledgeBase
) -> None:
    """A problem list's short names of a cancer ("Rectal ca", "Ca rectum", "Gastric adenoCA",
    "mCRC"), in a Condition in no table, were no cancer at all (the record refused, the CDS
    service silent), where the profile reads the same words as the cancer (a review of the API):
    they are read as the profile reads them, with the spread written after them, and answer as
    the same words given to the profile do. Calcium ("Low Ca") and tumour markers ("CA 19-9")
    name no cancer, nor does a history."""
    condition = {**_condition("c", "0", ""), "code": {"text": words}}
    if cancer is None:
        with pytest.raises(FhirError):
            read_bundle(_record(condition, STAGE_4), kb)
        return
    reading = read_bundle(_record(condition, STAGE_4), kb)
    assert reading.data["cancer"] == cancer, reading.warnings
    assert reading.data.get("metastases") == (spread and [*spread, MORE])
    profile = {"cancer": words, "stage": "4", **({"metastases": spread} if spread else {})}
    if not spread:
        assert statuses(reading.data, kb) == statuses(profile, kb)


@pytest.mark.parametrize("code", [None, "C20"])
@pytest.mark.parametrize("words", [
    "Rectal adenocarcinoma, likely MSS", "Rectal cancer, likely stage IV",
    "Rectal cancer, probably unresectable", "Rectal cancer - possible Lynch syndrome",
    "Rectal carcinoma, probably adenocarcinoma", "Rectal cancer (?recurrence)",
    "Rectal cancer, MSI excluded", "Rectal adenocarcinoma, r/o perforation",
    "Rectal cancer, concern for obstruction", "Rectal cancer, probable lung nodules",
    "Rectal cancer, metastatic to liver, ? lung", "Rectal cancer, suspected liver mets",
])  # fmt: skip
def test_a_doubt_about_something_else_than_the_cancer_leaves_it_read(
    words: str, code: str | None, kb: onconav.KnowledgeBase
) -> None:
    """Words that doubt or deny something said of the cancer, not the cancer (its kind, stage,
    markers, spread, what it may cause), leave it read: a review of the change found each thrown
    away, coded C20 or not, and a rectal patient answered as one whose cancer is not known."""
    condition = {**_condition("c", "0", ""), "code": {"text": words}}
    if code:
        condition["code"] = {"coding": [{"system": ICD10CM, "code": code}], "text": words}
    assert read_bundle(_record(condition, STAGE_4), kb).data["cancer"] == "rectum"


@pytest.mark.parametrize("words", [
    "Gastric ulcer - biopsy: no ca", "Stomach ulcer, Ca normal", "Colon polyp, Ca negative",
    "Colon polyp - not ca", "Rectal polyp, no ca", "Cervix smear normal, no Ca",
    "Ca deposits in breast", "Breast microcalcifications (Ca++)", "Rectal ca (father)",
    "Ca colon - father", "Fam hx: Ca rectum", "High risk for colon ca", "Rectal ca, benign",
    "Rectal ca - NED", "Rectal ca, no evidence of disease", "Low Ca, s/p colon resection",
    "R/O gastric ca",
])  # fmt: skip
def test_a_short_name_in_words_that_deny_it_or_name_no_cancer_is_no_cancer(
    words: str, kb: onconav.KnowledgeBase
) -> None:
    """"ca" is a cancer only with a place alone ("Rectal ca"): an ulcer or a polyp biopsied with
    no cancer, calcium, a relative's cancer, a risk or a cancer not there now name none (a review
    of the change found each read as the person's cancer)."""
    condition = {**_condition("c", "0", ""), "code": {"text": words}}
    with pytest.raises(FhirError):
        read_bundle(_record(condition, STAGE_4), kb)


@pytest.mark.parametrize(("first", "second", "cancer", "warned"), [
    ({"text": "Bowel cancer"}, {"coding": [{"system": ICD10CM, "code": "C18.9"}]}, "colon", False),
    ({"coding": [{"system": ICD10CM, "code": "C19"}]},
     {"coding": [{"system": ICD10CM, "code": "C18.9"}]}, "colon", False),
    ({"coding": [{"system": ICD10CM, "code": "C19"}]},
     {"coding": [{"system": ICD10CM, "code": "C20"}]}, "rectum", False),
    ({"coding": [{"system": ICD10CM, "code": "C18.9"}]},
     {"coding": [{"system": ICD10CM, "code": "C20"}]}, "rectum", True),
])  # fmt: skip
def test_a_cancer_that_may_be_another_beside_it_is_one_cancer(
    first: dict[str, Any], second: dict[str, Any], cancer: str, warned: bool,
    kb: onconav.KnowledgeBase,
) -> None:
    """A cancer the knowledge base says may be one of others (colorectal: colon or rectum) and
    one of those beside it are one cancer, the narrower read, with no "more than one cancer"
    warning (a review of the change found "Bowel cancer" beside C18.9 warned of); colon beside
    rectum are two."""
    one = {**_condition("a", "0", ""), "code": first}
    two = {**_condition("b", "0", ""), "code": second}
    for order in ((one, two), (two, one)):
        reading = read_bundle(_record(*order, STAGE_4), kb)
        assert reading.data["cancer"] == cancer
        assert any("more than one cancer" in w for w in reading.warnings) is warned


def test_a_cancer_given_beside_a_record_with_none_is_read_with_a_warning(
    kb: onconav.KnowledgeBase,
) -> None:
    """Where the cancer started, given beside a record that holds no cancer that can be read
    (`onconav options --fhir FILE --cancer rectum`), is read for every cancer of the knowledge
    base: the record's stage and spread are read as its, a warning says so, and the field is left
    to the one who gave it. It had been refused as "no cancer condition" before the flag could
    apply (a record with only spread on record is read as a cancer whose start is not known,
    without it). Without it, the error says a cancer given beside the record would do
    (``cancer_missing``), also when a cancer is on record that could not be read."""
    with pytest.raises(FhirError) as caught:
        read_bundle(_record(STAGE_4), kb)
    assert caught.value.cancer_missing and caught.value.no_cancer
    for record in (_record(STAGE_4), _record(STAGE_4, LIVER_SPREAD)):
        for cancer in kb.data.cancers:
            reading = read_bundle(record, kb, cancer.id)
            assert "cancer" not in reading.data
            assert reading.data["stage"] == "4"
            assert reading.data.get("metastases") == (
                ["liver", MORE] if LIVER_SPREAD in [e["resource"] for e in record["entry"]]
                else None)  # fmt: skip
            said = [w for w in reading.warnings if w.startswith("no cancer Condition could be")]
            assert len(said) == 1 and kb.name_of(cancer.id) in said[0], reading.warnings
            assert "not read:" not in said[0]  # the spread is read, not named as not read
    provisional = {**RECTUM, "verificationStatus": _cc(VERIFICATION, "provisional")}
    with pytest.raises(FhirError) as caught:
        read_bundle(_record(provisional, STAGE_4), kb)
    assert caught.value.cancer_missing and not caught.value.no_cancer
    assert pickle.loads(pickle.dumps(caught.value)).cancer_missing
    reading = read_bundle(_record(provisional, STAGE_4), kb, "rectum")
    [said] = [w for w in reading.warnings if w.startswith("no cancer Condition could be")]
    assert "not read: Condition/c is coded as a cancer but was not read: " in said
    assert "provisional" in said


@pytest.mark.parametrize(("words", "read"), [
    ("Recurrent rectal cancer", {"cancer": "rectum", "recurrence": "yes"}),
    ("Locally recurrent rectal adenocarcinoma", {"cancer": "rectum", "recurrence": "local"}),
    ("Relapsed cervical cancer", {"cancer": "cervix", "recurrence": "yes"}),
    ("Stage IV gastric adenocarcinoma", {"cancer": "stomach", "stage": "4"}),
    ("Stage IVB squamous cell carcinoma of cervix", {"cancer": "cervix", "stage": "4B"}),
    ("FIGO stage IVA cervical cancer", {"cancer": "cervix", "stage": "4A"}),
    ("Stage 3 rectal cancer", {"cancer": "rectum", "stage": "earlier"}),
    # words that deny or doubt it, or say it is free of it: not read
    ("Rectal cancer - recurrence-free", {"cancer": "rectum"}),
    ("Adenocarcinoma of rectum, ? local recurrence", {"cancer": "rectum"}),
    ("Cervical cancer, stage IV?", {"cancer": "cervix"}),
    ("Rectal cancer, not stage IV", {"cancer": "rectum"}),
])  # fmt: skip
def test_a_cancers_own_words_give_its_stage_and_recurrence(
    words: str, read: dict[str, str], kb: onconav.KnowledgeBase,
) -> None:
    """A cancer Condition named only in words, as problem lists write it ("Stage IV gastric
    adenocarcinoma", "Locally recurrent rectal adenocarcinoma"): its stage and recurrence are
    read from them, each with a warning, as the same stage in the Condition's stage summary and
    the same recurrence in a SNOMED code the table holds are; they had been dropped without a
    word, and the care team asked for what the record says. Words that deny or doubt them are
    not read."""
    condition = {**_condition("c", "0", ""), "code": {"text": words}}
    reading = read_bundle(_record(condition), kb)
    assert reading.data == read, reading.warnings
    for field in ("stage", "recurrence"):
        said = [w for w in reading.warnings if w.startswith(f"the {field} of Condition/c is read")]
        assert bool(said) == (field in read), reading.warnings


def test_a_recurrence_coded_and_in_words_reads_the_same(kb: onconav.KnowledgeBase) -> None:
    """Every condition code the table reads as a recurrence gives the same recurrence when its
    display alone is sent, as words (a record system that sends no code)."""
    rows = [row for row in load_tables().rows if row.table == "conditions"
            and row.get("recurrence")]  # fmt: skip
    assert rows
    for row in rows:
        coded = _condition("c", row.code, row.display)
        worded = {**_condition("c", "0", ""), "code": {"text": row.display}}
        assert read_bundle(_record(coded), kb).data.get("recurrence") == row.get("recurrence")
        assert read_bundle(_record(worded), kb).data.get("recurrence") == row.get("recurrence")


def test_a_name_alone_is_not_called_a_code_not_in_the_table(kb: onconav.KnowledgeBase) -> None:
    """A drug, cancer or spread read from words alone (a concept with only ``text``) is said to
    have no code; the warnings had called its name its code ("its code 'FOLFOX' is not in
    onconav's table"), sending a reader to look for a code the record does not hold. One with a
    code the tables lack still names that code."""
    request = {"resourceType": "MedicationRequest", "id": "mr", "status": "completed",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "medicationCodeableConcept": {"text": "FOLFOX"}, "authoredOn": "2024-01-01"}
    cancer = {**_condition("c", "0", ""), "code": {"text": "Rectal cancer with liver metastases"}}
    reading = read_bundle(_record(cancer, request), kb)
    said = [w for w in reading.warnings if "from its name" in w or "its words:" in w]
    assert len(said) == 3, reading.warnings
    assert all("it has no code, only words" in w and "its code" not in w for w in said), said
    coded = {**_condition("c", "0", ""), "code": {"coding": [{"system": SNOMED, "code": "1"}],
                                                  "text": "Rectal cancer"}}  # fmt: skip
    reading = read_bundle(_record(coded), kb)
    assert any("its code snomed|1 is not in onconav's table" in w for w in reading.warnings)


def test_a_symptom_named_in_words_only_is_read_with_a_warning(kb: onconav.KnowledgeBase) -> None:
    """A Condition no table holds whose words are a name or alias of a symptom the knowledge
    base knows ("Rectal bleeding", "Cancer pain", with no code or a code the tables lack) is read
    as that symptom, with a warning, for every such name of every symptom (but the catch-all
    "another symptom"): it had been listed unused with no word, and the cards asked for the
    symptoms the record named. Words that are no symptom's name ("No rectal bleeding",
    "Hypertension"), or that only say there is another ("Other symptom"), and one resolved, are
    not read."""
    checked = 0
    for symptom in kb.data.symptoms:
        if symptom.id == "other-symptom":
            continue
        for name in (symptom.name, *symptom.aliases):
            found = {r.id for r in kb.find(name) if kb.kind_of.get(r.id) == "symptoms"}
            if found != {symptom.id}:
                continue  # a name of two symptoms is read as neither
            condition = {**_condition("s", "0", ""), "code": {"text": name}}
            reading = read_bundle(_record(RECTUM, condition), kb)
            assert reading.data.get("symptoms") == [symptom.id, MORE], (name, reading.warnings)
            assert any(w.startswith("Condition/s is read as the symptom ")
                       for w in reading.warnings), reading.warnings  # fmt: skip
            checked += 1
    assert checked > 20
    others = [{**_condition(i, "0", ""), "code": {"text": words}} for i, words in
              (("a", "No rectal bleeding"), ("b", "Hypertension"), ("c", "Other symptom"))]
    resolved = {**_condition("d", "0", "", "resolved"), "code": {"text": "Rectal bleeding"}}
    reading = read_bundle(_record(RECTUM, *others, resolved), kb)
    assert "symptoms" not in reading.data
    assert {u.reference for u in reading.unused} >= {"Condition/a", "Condition/b", "Condition/d"}


@pytest.mark.parametrize(("words", "symptom"), [
    ("Malignant bowel obstruction", "bowel-obstruction"),
    ("Malignant spinal cord compression", "spinal-cord-compression"),
])  # fmt: skip
def test_what_a_cancer_causes_named_as_a_symptom_is_no_cancer(
    words: str, symptom: str, kb: onconav.KnowledgeBase,
) -> None:
    """A Condition whose words are a symptom's name that says "malignant" is what the cancer
    causes, not a cancer: "Malignant bowel obstruction" had been read as a colorectal cancer (the
    options of one, with no other cancer on record; beside a stomach cancer, "more than one
    cancer is on record"), "Malignant spinal cord compression" as a second cancer of no known
    place. Beside the cancer it is the symptom; alone, no cancer is read from it."""
    stomach = _condition("c", "363349007", "Malignant tumor of stomach")
    caused = {**_condition("s", "0", ""), "code": {"text": words}}
    reading = read_bundle(_record(stomach, caused), kb)
    assert reading.data == {"cancer": "stomach", "symptoms": [symptom, MORE]}, reading.warnings
    assert not any("more than one cancer" in w for w in reading.warnings), reading.warnings
    with pytest.raises(FhirError) as caught:
        read_bundle(_record(caused), kb)
    assert caught.value.cancer_missing


# ---- a drug stopped for its side effects, symptoms in words, a stage not known ---------------

HARMS = ["Peripheral neuropathy", "Oxaliplatin-induced neuropathy", "Grade 3 neuropathy",
         "Febrile neutropenia", "Thrombocytopenia", "Grade 3 diarrhoea", "Severe diarrhea",
         "Mucositis", "Hand-foot syndrome", "Palmar-plantar erythrodysesthesia", "Rash",
         "Immune-related colitis", "Pneumonitis", "Hearing loss", "Nausea and vomiting"]


@pytest.mark.parametrize("kind", ["MedicationRequest", "MedicationStatement"])
@pytest.mark.parametrize("text", HARMS)
def test_a_drug_stopped_for_a_named_side_effect_cannot_be_had(
    text: str, kind: str, kb: onconav.KnowledgeBase
) -> None:
    """Oxaliplatin stopped with the reason "Peripheral neuropathy" (in words, or a code the
    tables lack with those words) was read as a treatment had, "a reason onconav does not read":
    FOLFOX and CAPOX were then offered again, or asked whether they stopped working. A harm of
    the drug named as why it stopped is a drug that caused side effects, which a clinician does
    not give again: cannot have it, still had, with a warning; never stopped working."""
    for reason in ({"text": text}, _cc(SNOMED, "1", text)):
        stopped = _oxaliplatin(kind, "stopped", reason)
        reading = read_bundle(_record(RECTUM, STAGE_4, stopped), kb)
        assert reading.data.get("cannot_have") == ["oxaliplatin"], (text, reading.warnings)
        assert reading.data["prior_treatments"] == ["oxaliplatin", MORE]
        assert "progressed_on" not in reading.data
        assert any("read from its words as the person not able to take it" in w
                   for w in reading.warnings), reading.warnings  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(HARMS),
       st.sampled_from(["no", "not", "without", "free of", "resolved", "other than",
                        "not due to", "unrelated to", "ruled out", "risk of", "to prevent",
                        "improving, stopped per protocol;", "improved; course completed:"]),
       st.booleans())  # fmt: skip
def test_a_named_side_effect_denied_is_never_cannot_have(head: str, word: str, after: bool) -> None:
    """Whatever harm a stop reason names, words that deny it or put it aside, before it or after
    it, leave the drug a treatment had, with the reason said not read; so do words that say the
    course ended as planned with the harm on the mend ("Neuropathy improving, stopped per
    protocol after 6 cycles" had ruled oxaliplatin out)."""
    text = f"{head} {word}" if after else f"{word} {head.lower()}"
    stopped = _oxaliplatin("MedicationRequest", "stopped", {"text": text})
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped), the_kb())
    assert "cannot_have" not in reading.data, text
    assert reading.data["prior_treatments"] == ["oxaliplatin", MORE]
    assert any("for a reason onconav does not read" in w for w in reading.warnings), text


@pytest.mark.parametrize("kind", ["MedicationRequest", "MedicationStatement"])
def test_a_drug_stopped_with_no_reason_says_so_and_is_only_had(
    kind: str, kb: onconav.KnowledgeBase
) -> None:
    """A drug stopped with no statusReason was read as a treatment had with no word: whether it
    stopped working or caused side effects is not said, and is not guessed; the warning says so.
    A reasonCode (why it was given, by FHIR) that names a harm of the drug is the reason it
    stopped written in the other element: cannot have it, said; one that names progression is
    named, not read (what stopped working rules out more when wrong)."""
    plain = read_bundle(_record(RECTUM, STAGE_4, _oxaliplatin(kind, "stopped")), kb)
    assert plain.data["prior_treatments"] == ["oxaliplatin", MORE]
    assert not {"cannot_have", "progressed_on"} & plain.data.keys()
    assert any("was stopped with no reason given (no statusReason)" in w
               and "not as one that stopped working or caused side effects" in w
               for w in plain.warnings), plain.warnings  # fmt: skip
    harm = _oxaliplatin(kind, "stopped", reasonCode=[{"text": "Peripheral neuropathy"}])
    reading = read_bundle(_record(RECTUM, STAGE_4, harm), kb)
    assert reading.data["cannot_have"] == ["oxaliplatin"], reading.warnings
    assert any("reasonCode" in w and "'Peripheral neuropathy'" in w for w in reading.warnings)
    grew = _oxaliplatin(kind, "stopped", reasonCode=[{"text": "Disease progression"}])
    reading = read_bundle(_record(RECTUM, STAGE_4, grew), kb)
    assert not {"cannot_have", "progressed_on"} & reading.data.keys()
    assert any("its reasonCode ('Disease progression') says why it was given" in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    done = read_bundle(_record(RECTUM, STAGE_4, _oxaliplatin(kind, "completed")), kb)
    assert not any("no statusReason" in w for w in done.warnings)


@pytest.mark.parametrize(("text", "symptoms"), [
    ("Shortness of breath", ["other-symptom"]),
    ("Breathlessness", ["other-symptom"]),
    ("Difficulty swallowing", ["trouble-swallowing"]),
    ("Bleeding from the rectum", ["gut-bleeding"]),
    ("Severe abdominal pain", ["pain"]),
    ("Unable to eat", ["malnutrition"]),
    ("Pain in rectum", ["tumour-pain"]),
    ("Nausea and vomiting", ["nausea", "vomiting"]),
])  # fmt: skip
def test_a_symptom_in_a_phrase_is_read_as_the_same_words_typed(
    text: str, symptoms: list[str], kb: onconav.KnowledgeBase
) -> None:
    """A symptom Condition written as a phrase ("Shortness of breath", "Bleeding from the
    rectum", "Severe abdominal pain") was listed unused unless it was a symptom's name exactly:
    the cards asked for symptoms the record named. It is read as the same words typed are
    (``profile.symptom_ids``), with a warning; a coded Dyspnea is another symptom, so is the
    phrase."""
    condition = {**_condition("s", "0", ""), "code": {"text": text}}
    reading = read_bundle(_record(RECTUM, condition), kb)
    assert reading.data.get("symptoms") == [*symptoms, MORE], reading.warnings
    assert any(w.startswith("Condition/s is read as the symptom") and repr(text) in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    typed = onconav.parse_profile({"cancer": "rectum", "symptoms": [text]}, kb)
    assert sorted(typed.symptoms) == sorted(symptoms)


@pytest.mark.parametrize("text", ["?bowel obstruction", "Possible bowel obstruction",
                                  "History of bowel obstruction", "Bowel obstruction - resolved",
                                  "Risk of spinal cord compression", "Denies rectal bleeding",
                                  "No pain", "Other symptom"])  # fmt: skip
def test_a_symptom_phrase_not_sure_or_denied_is_not_read(
    text: str, kb: onconav.KnowledgeBase
) -> None:
    """Read as typed words are, a symptom phrase that doubts, denies or puts the symptom in the
    past is no symptom now: listed unused, saying its words are not read."""
    condition = {**_condition("s", "0", ""), "code": {"text": text}}
    reading = read_bundle(_record(RECTUM, condition), kb)
    assert "symptoms" not in reading.data, (text, reading.warnings)
    assert "Condition/s" in {u.reference for u in reading.unused}


@pytest.mark.parametrize("stage_words", ["stage unknown", ", stage unknown", " stage not known",
                                         ", unknown stage", " - stage: unknown", " (unstaged)",
                                         ", stage unspecified"])  # fmt: skip
@pytest.mark.parametrize(("name", "cancer"), [("Rectal cancer", "rectum"),
                                              ("Gastric cancer", "stomach"),
                                              ("Cervical cancer", "cervix")])  # fmt: skip
def test_a_cancer_whose_stage_is_not_known_is_still_that_cancer(
    name: str, cancer: str, stage_words: str, kb: onconav.KnowledgeBase
) -> None:
    """"Rectal cancer stage unknown" was read as a cancer whose start is not known (its
    "unknown" made the whole name unsure, and the general options were given): it is rectal
    cancer, with the stage not read and the warning saying the words say it is not known. The
    same words typed as the cancer read the same."""
    text = f"{name}{stage_words if stage_words[0] in ' ,' else ' ' + stage_words}"
    condition = {**_condition("c", "0", ""), "code": {"text": text}}
    reading = read_bundle(_record(condition), kb)
    assert reading.data.get("cancer") == cancer, (text, reading.warnings)
    assert "stage" not in reading.data
    typed = onconav.parse_profile({"cancer": text}, kb)
    assert typed.cancer == cancer, text


@pytest.mark.parametrize("row", [r for r in load_tables().rows if r.table == "treatments"
                                 and r.get("treatment") and not r.meaning.keys()
                                 & {"cancer", "metastasis"}], ids=lambda r: r.code)  # fmt: skip
def test_every_procedure_code_of_the_table_reads_as_its_treatment(
    row: Any, kb: onconav.KnowledgeBase
) -> None:
    """Each procedure code of the table, done for the rectal cancer, is read as the treatment the
    table gives (the rectal, bowel, gastric and pelvic operations added from the NEHTA
    colorectal operation value set and mCODE STU1's surgical procedure value set: an anterior
    resection, a proctectomy, a hemicolectomy, a pelvic exenteration had been listed unused)."""
    done = {"resourceType": "Procedure", "id": "op", "status": "completed",
            "subject": {"reference": "Patient/p"}, "performedDateTime": "2023-01-01",
            "code": _cc(SNOMED if row.system == "snomed" else row.system, row.code, row.display),
            "reasonReference": [{"reference": "Condition/c"}]}  # fmt: skip
    reading = read_bundle(_record(RECTUM, done), kb)
    treatment = row.get("treatment")
    read = reading.data.get("prior_treatments") or reading.data.get("planned") or []
    assert any(treatment in (v, *kb.vocabulary.up("prior_treatments", v)) for v in read), (
        row, reading.data, reading.warnings)  # fmt: skip


@pytest.mark.parametrize(("code", "display", "treatment"), [
    ("4558008", "Anterior resection", "rectum-removal"),
    ("235364003", "Total Proctectomy", "rectum-removal"),
    ("174059005", "Proctocolectomy", "rectum-removal"),
    ("82619000", "Left hemicolectomy", "left-hemicolectomy"),
    ("52224004", "Pelvic exenteration", "pelvic-exenteration"),
    ("287816003", "Radical gastrectomy", "gastrectomy"),
])  # fmt: skip
def test_a_rectal_or_gastric_operation_is_read(
    code: str, display: str, treatment: str, kb: onconav.KnowledgeBase
) -> None:
    """An anterior resection, a proctectomy, a left hemicolectomy, a pelvic exenteration or a
    radical gastrectomy, coded in SNOMED CT and done for the cancer, was listed unused ("a
    procedure onconav does not read"): what an option asks of operations had (the rectum taken
    out, a gastrectomy had) was then asked of the person though on record."""
    done = {"resourceType": "Procedure", "id": "op", "status": "completed",
            "subject": {"reference": "Patient/p"}, "performedDateTime": "2023-01-01",
            "code": _cc(SNOMED, code, display), "reasonReference": [{"reference": "Condition/c"}]}
    reading = read_bundle(_record(RECTUM, done), kb)
    assert reading.data.get("prior_treatments") == [treatment, MORE], reading.unused


@pytest.mark.parametrize(("text", "cancer", "spread"), [
    ("Rectal cancer + liver mets", "rectum", ["liver"]),
    ("Gastric cancer & peritoneal carcinomatosis", "stomach", ["peritoneum"]),
    ("Rectal cancer with liver metastases", "rectum", ["liver"]),
    ("gastric cancer with peritoneal carcinomatosis", "stomach", ["peritoneum"]),
    ("Rectal cancer with liver metastases, resected", "rectum", None),
    ("Gastric cancer with anemia", "stomach", None),
])  # fmt: skip
def test_a_cancer_and_its_spread_in_one_name_are_cut_as_the_profile_cuts_them(
    text: str, cancer: str, spread: list[str] | None, kb: onconav.KnowledgeBase
) -> None:
    """A cancer's name that goes on to say where it has spread is cut where the profile's reader
    cuts it (``words.spread_cuts``), one cut for both: "Rectal cancer + liver mets" and "Gastric
    cancer & peritoneal carcinomatosis" had not been cut by the FHIR reader's own, and were read
    as a cancer whose start is not known (the general options), spread to the liver. Words
    after the name that say something else are still cut by the FHIR reader ("..., resected":
    no spread now; "with anemia": no spread)."""
    condition = {**_condition("c", "0", ""), "code": {"text": text}}
    reading = read_bundle(_record(condition), kb)
    assert reading.data["cancer"] == cancer, reading.warnings
    assert reading.data.get("metastases") == ([*spread, MORE] if spread else None), reading.data
    typed = onconav.parse_profile({"cancer": text}, kb)
    if spread and "resected" not in text:
        assert typed.cancer == cancer and sorted(typed.metastases) == sorted(spread)


def test_a_harm_named_for_every_drug_of_a_course_rules_none_out(kb: onconav.KnowledgeBase) -> None:
    """Fluorouracil, leucovorin and oxaliplatin of one day each stopped for "Peripheral
    neuropathy": which drug caused it is not said (the record does not say it is oxaliplatin's),
    and reading all three as drugs the person cannot have rules out fluorouracil, and FOLFIRI
    with it. None is read so, each is a treatment had, and a warning names them; oxaliplatin
    alone stopped for it is still one the person cannot have."""
    folfox = _folfox("MedicationRequest", "stopped", "2024-01-10",
                     statusReason={"text": "Peripheral neuropathy"})  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox), kb)
    assert "cannot_have" not in reading.data, reading.warnings
    assert reading.data["prior_treatments"] == ["folfox", MORE]
    assert any("were stopped together for the same harm ('peripheral neuropathy')" in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    assert not any("not able to take it" in w for w in reading.warnings), reading.warnings
    assert dict(statuses(reading.data, kb))["rectum-folfiri"] != "not_suitable"
    alone = _oxaliplatin("MedicationRequest", "stopped", {"text": "Peripheral neuropathy"})
    other = _folfox("MedicationRequest", "completed", "2024-01-10")[0]
    reading = read_bundle(_record(RECTUM, STAGE_4, alone, other), kb)
    assert reading.data["cannot_have"] == ["oxaliplatin"]


@pytest.mark.parametrize(("text", "each"), [
    ("Neurotoxicity", False), ("grade 3 toxicity", False), ("Side effects", False),
    ("Not tolerated", False), ("Suspected intolerance", False), ("adverse drug reaction", False),
    ("Grade 3 neurotoxicity; patient declined further oxaliplatin", False),
    ("Peripheral neuropathy", False), ("Neuropathy (not due to progression)", False),
    # an allergy or a reaction: each is still ruled out, as a reaction comes back, and worse,
    # with the drug that caused it, which only an allergist's tests tell
    ("Allergic reaction", True), ("Anaphylaxis", True), ("Infusion reaction", True),
    ("Hypersensitivity reaction during infusion", True),
    ("hypersensitivity reaction, do not rechallenge", True),
    # the same, in the words and letters records use (they had been reasons not read)
    ("Infusion-related reaction", True), ("Grade 3 HSR", True), ("IRR", True),
    ("Poorly tolerated", False), ("Febrile neutropaenia", False), ("DLT", False),
])  # fmt: skip
def test_a_toxicity_named_for_every_drug_of_a_course_rules_none_out(
    text: str, each: bool, kb: onconav.KnowledgeBase
) -> None:
    """FOLFOX's three drug records each stopped for "Neurotoxicity" or "grade 3 toxicity" ruled
    out all three, fluorouracil included (and FOLFIRI with it), where the same records stopped
    for "Peripheral neuropathy" ruled out none: which drug caused it is not said either way.
    None is read as cannot-have, with the warning that names them, whichever the words; an
    allergy or a reaction to the infusion named so is read for each, with a warning that says
    why."""
    folfox = _folfox("MedicationRequest", "stopped", "2024-01-10", statusReason={"text": text})
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox), kb)
    together = [w for w in reading.warnings if "were stopped together for the same" in w]
    assert len(together) == 1 and "fluorouracil, leucovorin, oxaliplatin" in together[0], (
        reading.warnings)  # fmt: skip
    if each:
        assert reading.data["cannot_have"] == ["fluorouracil", "leucovorin", "oxaliplatin"]
        assert "allergist" in together[0]
    else:
        assert "cannot_have" not in reading.data, reading.data
        assert reading.data["prior_treatments"] == ["folfox", MORE]
        assert dict(statuses(reading.data, kb))["rectum-folfiri"] != "not_suitable"
        assert not any("not able to take it" in w for w in reading.warnings), reading.warnings


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["Neuropathy", "Peripheral neuropathy", "Neurotoxicity",
                        "Grade 3 diarrhoea", "Febrile neutropenia", "Hand-foot syndrome",
                        "grade 3 toxicity", "Side effects", "Allergic reaction", "Mucositis"]),
       st.sampled_from(["not due to progression", "no progression", "no disease progression",
                        "no evidence of disease progression", "not progressive disease",
                        "without progression", "progression ruled out", "progression excluded",
                        "no sign of recurrence", "not related to the cancer",
                        "other than progression"]),
       st.sampled_from(["{h} ({d})", "{h}, {d}", "{h}; {d}", "{d}; {h}", "{d}. {h}",
                        "{h} - {d}", "{h} but {d}"]))  # fmt: skip
def test_words_that_deny_something_else_do_not_deny_the_harm(
    harm: str, denial: str, form: str
) -> None:
    """"Neuropathy (not due to progression)" was not read: its "not", which denies the
    progression, was taken as denying the neuropathy, and oxaliplatin stopped so was offered
    again. Words that deny something else than the harm, in a part of their own, leave the harm
    read: the drug is one the person cannot have (``words.harm_denied``, which a typed note's
    reader uses too: ``test_words``)."""
    text = form.format(h=harm, d=denial)
    stopped = {"resourceType": "MedicationRequest", "id": "ox", "status": "stopped",
               "intent": "order", "subject": {"reference": "Patient/p"},
               "authoredOn": "2024-01-10", "medicationCodeableConcept": _cc(RXNORM, "32592"),
               "statusReason": {"text": text}}  # fmt: skip
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped), the_kb())
    assert reading.data.get("cannot_have") == ["oxaliplatin"], (text, reading.warnings)
    assert "progressed_on" not in reading.data, text


def _oxaliplatin_stopped(text: str) -> dict[str, Any]:
    """Oxaliplatin, one request stopped with ``text`` as its statusReason."""
    return {"resourceType": "MedicationRequest", "id": "ox", "status": "stopped",
            "intent": "order", "subject": {"reference": "Patient/p"},
            "authoredOn": "2024-01-10", "medicationCodeableConcept": _cc(RXNORM, "32592"),
            "statusReason": {"text": text}}  # fmt: skip


@pytest.mark.parametrize(("text", "cannot"), [
    # a harm denied in a part of its own leaves a harm named in another part read (the denial
    # had denied the whole reason)
    ("No neutropenia; grade 3 neuropathy", True), ("Diarrhoea resolved; neuropathy persists", True),
    ("Grade 3 neuropathy. Diarrhoea, now resolved.", True), ("No rash, stopped for colitis", True),
    ("no toxicity, stopped for neuropathy", True), ("Not due to AE. Discontinued for CIPN", True),
    ("Hand-foot syndrome; no other toxicity", True), ("toxicity not ruled out", True),
    ("Progression ruled out. Stopped for neuropathy.", True),
    # a harm that "and" joins to a denied one, said to be there; a harm on the mend after the
    # drug was stopped for it; a mend denied (each had been read as denied)
    ("No nausea and grade 3 neuropathy", True), ("Neuropathy and no nausea", True),
    ("Stopped for neuropathy, now improving", True), ("Neuropathy, not resolved", True),
    ("Discontinued due to colitis; since resolved", True),
    # a denial of every harm ("not due to toxicity") with a harm named beside it, not as why
    # the drug stopped: the writer says it was not for a harm (the cautious reading, kept)
    ("not due to toxicity; neuropathy stable", False), ("Neuropathy. No toxicity.", False),
    ("No side effects; mild nausea", False), ("Not drug related: neuropathy", False),
    ("stopped due to no nausea and vomiting", False), ("Neuropathy, now resolved", False),
    ("No nausea and neuropathy", False), ("No toxicity and grade 3 neuropathy", False),
    ("Mucositis, improving for now", False),  # a mend, with no stop for it said before it
    ("no further toxicity", False),
])  # fmt: skip
def test_a_harm_in_a_part_of_its_own_counts_beside_a_denied_one(
    text: str, cannot: bool, kb: onconav.KnowledgeBase
) -> None:
    """A harm denied anywhere in a reason denied the whole reason: "No neutropenia; grade 3
    neuropathy" and "no toxicity, stopped for neuropathy" left oxaliplatin offered. A reason is
    read part by part (``words.harm_denied``): a denial reaches the harm of its own part, or of
    the part before it when it names nothing else ("now resolved"); one of every harm ("not due
    to toxicity") reaches another part's harm too, unless that part says the drug stopped for
    it; a denial denied ("not ruled out") is a doubt, and a doubt is no bar."""
    reading = read_bundle(_record(RECTUM, STAGE_4, _oxaliplatin_stopped(text)), kb)
    assert (reading.data.get("cannot_have") == ["oxaliplatin"]) is cannot, (text, reading.warnings)
    if not cannot:
        assert any("does not read" in w and repr(text) in w for w in reading.warnings), (
            reading.warnings)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["neutropenia", "grade 2 diarrhoea", "rash", "mucositis", "allergy",
                        "hand-foot syndrome", "neurotoxicity", "progression", "infection"]),
       st.sampled_from(["no {x}", "not due to {x}", "{x} resolved", "{x} ruled out",
                        "without {x}", "{x} excluded", "no evidence of {x}"]),
       st.sampled_from(["Neuropathy", "Grade 3 peripheral neuropathy", "Febrile neutropenia",
                        "Pneumonitis", "Acute kidney injury", "stopped for CIPN",
                        "d/c'd for colitis", "discontinued due to toxicity"]),
       st.sampled_from(["{d}; {h}", "{h}; {d}", "{d}. {h}", "{h}. {d}", "{h}, {d}",
                        "{d}, {h}", "{h} ({d})", "{d} - {h}", "{h} but {d}"]))  # fmt: skip
def test_any_reason_of_a_denied_part_and_a_harm_part_reads_the_harm(
    other: str, denial: str, harm: str, form: str
) -> None:
    """Whatever harm, or other thing, one part of a stop reason denies, a harm another part
    names with no denial of its own is read: the drug is one the person cannot have. (A
    denial of every harm is ``test_a_harm_in_a_part_of_its_own_counts_beside_a_denied_one``.)"""
    assume(other.split()[-1] not in harm.lower())
    text = form.format(d=denial.format(x=other), h=harm)
    reading = read_bundle(_record(RECTUM, STAGE_4, _oxaliplatin_stopped(text)), the_kb())
    assert reading.data.get("cannot_have") == ["oxaliplatin"], (text, reading.warnings)


@pytest.mark.parametrize(("text", "cannot"), [
    # a harm that bars the drug again: the kidneys harmed (cisplatin's known harm), a lack of
    # the enzyme that breaks down fluorouracil and capecitabine (given again, they can kill)
    ("Acute kidney injury", True), ("AKI", True), ("Grade 3 AKI", True),
    ("acute renal failure", True),
    # (a lack of the enzyme that breaks down fluorouracil bars its kind, not oxaliplatin:
    # ``test_a_harm_of_the_person_bars_its_kind_whichever_record_carries_it``)
    # harms as records write them, which had been reasons not read: British spelling, a
    # reaction or a toxicity by its letters, not bearing it in other words, oxaliplatin's
    # neuropathy as a person says it, harms that stop a drug for good
    ("Febrile neutropaenia", True), ("Thrombocytopaenia", True), ("Grade 3 HSR", True),
    ("Infusion-related reaction", True), ("IRR", True), ("DLT", True),
    ("Dose-limiting toxicity", True), ("Poorly tolerated", True), ("No longer tolerating", True),
    ("Intolerable", True), ("Numbness and tingling in hands and feet", True),
    ("Cold sensitivity", True), ("Hearing impairment", True), ("HFS", True),
    ("Interstitial lung disease", True), ("ILD", True),
    ("Myocarditis", True), ("Stevens-Johnson syndrome", True), ("Transaminitis", True),
    ("Coronary vasospasm", True), ("Renal impairment", True),
    ("Well tolerated, course completed", False), ("No febrile neutropaenia", False),
    ("ILD ruled out", False), ("no tingling", False), ("myocarditis risk", False),
    # an adverse event, a toxicity, in the letters and short words notes use
    ("AE", True), ("d/c due to AE", True), ("SAE", True), ("irAE", True), ("Adverse event", True),
    ("Intolerance", True), ("Intolerant", True), ("too toxic", True), ("d/c for tox", True),
    ("neurotox", True), ("Toxicities", True),
    # fatigue, the cancer's own harm as much as the drug's, bars nothing: said, not read
    ("Fatigue", False), ("Grade 2 fatigue", False), ("Tiredness", False),
    ("No AE", False), ("AKI resolved", False), ("DPD deficiency ruled out", False),
    ("Normal DPD activity", False), ("cytotoxic chemotherapy course finished", False),
])  # fmt: skip
def test_a_stop_reason_that_bars_the_drug_again_is_cannot_have(
    text: str, cannot: bool, kb: onconav.KnowledgeBase
) -> None:
    """Oxaliplatin stopped for "Acute kidney injury", "DPD deficiency", "AE" or "d/c for tox"
    was read as a treatment had (a reason not read), and offered again: each says the drug
    harmed or would harm the person, a bar to it. "Fatigue" is no bar: it is said in a warning
    that names it, and the drug is a treatment had."""
    reading = read_bundle(_record(RECTUM, STAGE_4, _oxaliplatin_stopped(text)), kb)
    assert (reading.data.get("cannot_have") == ["oxaliplatin"]) is cannot, (text, reading.warnings)
    said = "not able to take it" if cannot else "does not read"
    assert any(said in w and repr(text) in w for w in reading.warnings), reading.warnings
    if not cannot:
        assert reading.data["prior_treatments"] == ["oxaliplatin", MORE]


# Words of each harm of the person (``words.PERSON_HARMS``, by id), as records write them
PERSON_HARM_EXAMPLES = {
    "dpd-deficiency": ["DPD deficiency", "DPD-deficient", "DPYD variant", "DPYD*2A",
                       "Dihydropyrimidine dehydrogenase deficiency", "DPYD poor metabolizer",
                       "DPYD c.1905+1G>A carrier",
                       "Grade 4 toxicity, DPD deficiency found", "DPD deficiency not ruled out"],
}


def _kinds_barred_by(harm: str) -> list[str]:
    """The drug classes whose ``barred_by`` names a harm of the person."""
    return [c.id for c in the_kb().data.drug_classes if any(h.id == harm for h in c.barred_by)]


RXNORM_DRUGS = sorted((d.id, d.rxnorm) for d in the_kb().data.drugs if d.rxnorm)


def _stopped_drug(ident: str, code: str, text: str, day: str = "2024-01-10",
                  status: str = "stopped") -> dict[str, Any]:  # fmt: skip
    """One request for a drug by its RxNorm code, of ``status`` with ``text`` as its reason."""
    return {"resourceType": "MedicationRequest", "id": ident, "status": status,
            "intent": "order", "subject": {"reference": "Patient/p"}, "authoredOn": day,
            "medicationCodeableConcept": _cc(RXNORM_URI, code), "statusReason": {"text": text}}


def test_every_harm_of_the_person_bars_a_kind_of_drug_with_examples() -> None:
    """Each harm of the person whose words onconav knows is named by a drug class of the
    knowledge base with drugs in it (``DrugClass.barred_by``), and has examples here; each
    example is read as that harm, and bars that kind."""
    kb = the_kb()
    assert set(onconav.words.PERSON_HARMS) == set(PERSON_HARM_EXAMPLES)
    for harm in onconav.words.PERSON_HARMS:
        kinds = _kinds_barred_by(harm)
        assert kinds, harm
        assert all(any(k in d.classes for d in kb.data.drugs) for k in kinds), harm
        for text in PERSON_HARM_EXAMPLES[harm]:
            assert onconav.words.person_harms(text) == [harm], text
            assert kb.kinds_harmed(text) == kinds, text


@given(st.sampled_from(sorted(PERSON_HARM_EXAMPLES)), st.data(), st.sampled_from([
    "Family history of {k}", "Mother has {k}", "Sister's {k}", "Family history: {k}",
    "Stopped pending testing for {k}", "Screening for {k}", "Risk of {k}"]))
def test_a_harm_of_the_person_is_not_theirs_only_where_words_govern_it(
    harm: str, data: st.DataObject, form: str
) -> None:
    """Words of a relative, of a test or of a risk make a harm of the person not theirs only
    when they come directly before it; said anywhere else, beside it or after it, the harm is
    still the person's and bars its kind (any such word anywhere had barred nothing: "DPD
    deficiency (discussed with patient and family)" left fluorouracil offered)."""
    example = data.draw(st.sampled_from([
        e for e in PERSON_HARM_EXAMPLES[harm] if re.fullmatch(
            onconav.words.PERSON_HARMS[harm], e.lower())]))  # fmt: skip
    assert onconav.words.person_harms(form.format(k=example)) == [], form
    person = data.draw(st.sampled_from([
        "{k} (discussed with patient and family)", "{k} confirmed; mother also affected",
        "Severe toxicity. Risk of fatal toxicity due to {k}", "Tested for DPYD variants: {k}",
        "{k}; family history of it too", "Screening done: {k}", "{k}, brother tested for it",
        f"{form.format(k=example)}; {{k}}"]))  # fmt: skip
    text = person.format(k=data.draw(st.sampled_from(PERSON_HARM_EXAMPLES[harm])))
    assert onconav.words.person_harms(text) == [harm], text


@given(st.sampled_from(sorted(PERSON_HARM_EXAMPLES)), st.data(), st.sampled_from([
    "{k} negative", "{k} - negative", "{k}: negative", "{k} status: negative", "{k}: none found",
    "{k} not detected", "{k} test sent", "{k} testing pending", "{k} unlikely", "{k}: no",
    "{k} in father", "{k} (mother)", "History of {k} in family", "{k} in his sister",
    "Tested negative for {k}", "Negative for {k}", "Genotyping requested to rule out {k}",
    "R/O {k}"]))
def test_a_harm_of_the_person_a_test_did_not_find_or_a_relatives_is_not_theirs(
    harm: str, data: st.DataObject, form: str
) -> None:
    """Words in a harm's clause that say a test found none, that a test is to come or that it
    is a relative's make it not the person's (each had barred every fluoropyrimidine: "DPYD
    *2A negative", "DPD deficiency test sent", "DPD deficiency (mother)"; a review); in
    another clause they govern nothing ("DPYD*2A negative; DPD deficiency" is not the
    reading of a note that says both, but each clause is read as it says). The profile then
    refuses it as a harm that is not the person's, and the FHIR reader bars nothing."""
    example = data.draw(st.sampled_from([
        e for e in PERSON_HARM_EXAMPLES[harm] if re.fullmatch(
            onconav.words.PERSON_HARMS[harm], e.lower())]))  # fmt: skip
    text = form.format(k=example)
    assert onconav.words.person_harms(text) == [], text
    assert the_kb().kinds_harmed(text) == [], text
    other = data.draw(st.sampled_from(PERSON_HARM_EXAMPLES[harm]))
    assert onconav.words.person_harms(f"{text}; {other}") == [harm], text
    with pytest.raises(ProfileError, match=r"a harm of the person|list only what is there"):
        parse_profile({"cancer": "rectum", "stage": "4", "cannot_have": [text]}, the_kb())


@given(st.sampled_from(sorted(PERSON_HARM_EXAMPLES)), st.data(),
       st.sampled_from(["{k}", "capecitabine ({k})", "{k} (confirmed)"]))
def test_a_profile_reads_a_harm_of_the_person_typed_as_the_fhir_reader_does(
    harm: str, data: st.DataObject, form: str
) -> None:
    """A harm of the person typed among what cannot be had ("DPD deficiency", "DPYD*2A") bars
    the kinds the knowledge base says it bars, as the same words in a FHIR stop reason do, with
    a warning that names it and says why in the knowledge base's words (``barred_by``): it had
    been refused as not known."""
    kb = the_kb()
    text = form.format(k=data.draw(st.sampled_from(  # a comma parts a list's items; a doubt
        [e for e in PERSON_HARM_EXAMPLES[harm]  # typed is refused ("not ruled out")
         if "," not in e and not onconav.words.UNSURE.search(e.lower())])))
    kinds = set(_kinds_barred_by(harm))
    facts = facts_of(onconav.parse_profile(
        {"cancer": "rectum", "stage": "4", "cannot_have": [text]}, kb), kb)  # fmt: skip
    cannot = facts.given["cannot_have"]
    assert isinstance(cannot, frozenset) and kinds <= cannot, (text, cannot)
    assert cannot - kinds <= {"capecitabine"}, (text, cannot)
    why = kb.barred_by(harm)[0].why
    shown = repr(onconav.words.cut(text))
    assert any(shown in w and why in w and "the sources onconav reads do not speak of it" in w
               for w in facts.warnings), facts.warnings  # (its why is not from the sources)
    fhir = read_bundle(_record(RECTUM, STAGE_4, _stopped_drug("ox", "32592", text)), kb)
    assert kinds <= set(fhir.data.get("cannot_have", [])), (text, fhir.warnings)
    # both say what the harm is read as in the same words (``KnowledgeBase.harm_read``), which
    # names every drug of the kinds barred
    read = kb.harm_read(harm)
    assert all(d in read for k in kinds for d in kb.drugs_of_kind(k)), read
    assert any(read in w for w in facts.warnings) and any(read in w for w in fhir.warnings), (
        facts.warnings, fhir.warnings)


@pytest.mark.parametrize("text", ["Family history of DPD deficiency", "DPD deficiency ruled out",
                                  "Screening for DPD deficiency"])
def test_a_harm_not_the_persons_own_typed_is_refused_saying_so(text: str) -> None:
    """A harm of the person typed as a relative's, a test for it or denied bars nothing, and is
    not dropped: it is refused, naming the harm and where it goes when it is theirs."""
    with pytest.raises(onconav.ProfileError) as error:
        onconav.parse_profile({"cancer": "rectum", "cannot_have": [text]}, the_kb())
    assert "names DPD deficiency, a harm of the person" in str(error.value), str(error.value)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PERSON_HARM_EXAMPLES)), st.data(),
       st.lists(st.sampled_from(RXNORM_DRUGS), min_size=1, max_size=3, unique=True),
       st.sampled_from(["{k}", "Stopped due to {k}", "{k}; grade 3 neuropathy", "d/c - {k}",
                        "No nausea. {k}", "{k} (confirmed on genotyping)"]))  # fmt: skip
def test_a_harm_of_the_person_bars_its_kind_on_any_drug_record(
    harm: str, data: st.DataObject, drugs: list[tuple[str, str]], form: str
) -> None:
    """A harm that is a property of the person and names a kind of drug ("DPD deficiency": the
    fluoropyrimidines) bars every drug of that kind, on whichever drug's record it is the stop
    reason, one drug or several of one course: FOLFOX's three records stopped for it barred
    none (the same-course rule), fluorouracil's alone left capecitabine offered, and
    oxaliplatin's alone barred oxaliplatin. A drug is itself barred only for a harm of its own
    named beside it."""
    text = form.format(k=data.draw(st.sampled_from(PERSON_HARM_EXAMPLES[harm])))
    kb = the_kb()
    kinds = set(_kinds_barred_by(harm))
    records = [_stopped_drug(f"r{i}", code, text) for i, (_, code) in enumerate(drugs)]
    reading = read_bundle(_record(RECTUM, STAGE_4, *records), kb)
    assume(all(f"MedicationRequest/r{i}" not in {u.reference for u in reading.unused}
               for i in range(len(drugs))))  # a drug not read as the cancer's treatment
    cannot = set(reading.data.get("cannot_have", []))
    assert kinds <= cannot, (text, drugs, reading.warnings)
    # a harm of its own named beside it, on one record only (of a course, which drug caused it
    # is not said: ``test_a_toxicity_named_for_every_drug_of_a_course_rules_none_out``)
    own = len(drugs) == 1 and re.search("neuropathy|toxicity", text.lower()) is not None
    assert cannot - kinds == ({drugs[0][0]} if own else set()), (text, drugs, cannot)
    # the warning says why, and that this is general medical knowledge, as a profile's does
    assert any("bars a kind of drug" in w and repr(text) in w and kb.barred_by(harm)[0].why in w
               and "the sources onconav reads do not speak of it" in w
               for w in reading.warnings), reading.warnings  # fmt: skip
    assert {f"MedicationRequest/r{i}" for i in range(len(drugs))} <= set(reading.sources[
        "cannot_have"])  # fmt: skip


@pytest.mark.parametrize(("resources", "cannot"), [
    # FOLFOX's three records stopped for it: the fluoropyrimidines, not oxaliplatin (FOLFIRI,
    # CAPOX, capecitabine not suitable; they had all been offered)
    (_folfox("MedicationRequest", "stopped", "2024-01-10",
             statusReason={"text": "DPD deficiency"}), ["fluoropyrimidine"]),
    ([_stopped_drug("ox", "32592", "DPD deficiency")], ["fluoropyrimidine"]),
    ([_stopped_drug("ox", "32592", "DPD deficiency ruled out")], None),
    ([_stopped_drug("ox", "32592", "no DPD deficiency; grade 3 neuropathy")], ["oxaliplatin"]),
    # an order cancelled for it before the first dose (genotyped first), not a doubt of it
    ([_stopped_drug("cap", "194000", "DPYD*2A variant", status="cancelled")],
     ["fluoropyrimidine"]),
    ([_stopped_drug("cap", "194000", "?DPD deficiency", status="cancelled")], None),
    ([_stopped_drug("cap", "194000", "Suspected DPD deficiency, awaiting test",
                    status="on-hold")], None),
    # a Condition, or an allergy or intolerance, that names it
    ([_condition("dpd", "1", "Dihydropyrimidine dehydrogenase deficiency")], ["fluoropyrimidine"]),
    ([_condition("dpd", "1", "DPD deficiency", "resolved")], None),
    # a relative's, or a test for it, is not the person's
    ([_condition("dpd", "1", "Family history of DPD deficiency")], None),
    ([_stopped_drug("cap", "194000", "Stopped pending testing for DPD deficiency")], None),
    # those words elsewhere leave it the person's (fluorouracil had been offered again)
    ([_stopped_drug("fu", "4492", "DPD deficiency (discussed with patient and family)")],
     ["fluoropyrimidine"]),
    ([_stopped_drug("fu", "4492", "DPD deficiency confirmed; mother also affected")],
     ["fluoropyrimidine"]),
    ([_stopped_drug("fu", "4492", "Tested for DPYD variants: DPYD*2A heterozygous, DPD "
                    "deficiency")], ["fluoropyrimidine"]),
    ([_stopped_drug("fu", "4492", "DPYD c.1905+1G>A carrier")], ["fluoropyrimidine"]),
    # a variant on one copy (a carrier: a partial deficiency) bars as the others; the usual
    # gene does not (it had been a reason not read)
    ([_stopped_drug("fu", "4492", "DPYD c.1905+1G>A heterozygous")], ["fluoropyrimidine"]),
    ([_condition("dpd", "1", "DPYD c.1905+1G>A heterozygous")], ["fluoropyrimidine"]),
    ([_condition("dpd", "1", "Heterozygous for a DPYD variant")], ["fluoropyrimidine"]),
    ([_condition("dpd", "1", "DPYD wild type")], None),
    ([_condition("dpd", "1", "DPYD homozygous reference")], None),
    ([_condition("dpd", "1", "DPYD *1/*1 homozygous")], None),
    # DPYD*1 is the usual allele: two of it is no lack of the enzyme (it had barred them)
    ([_condition("dpd", "1", "DPYD *1/*1 genotype")], None),
    ([_condition("dpd", "1", "DPYD*1/*2A genotype")], ["fluoropyrimidine"]),
    (_folfox("MedicationRequest", "stopped", "2024-01-10", statusReason={
        "text": "Severe toxicity. Risk of fatal toxicity due to DPD deficiency"}),
     ["fluoropyrimidine"]),
    ([_condition("dpd", "1", "DPD deficiency", verificationStatus=_cc(VERIFICATION, "refuted"))],
     None),
    ([{**_allergy({"text": "Capecitabine"}), "reaction": [
        {"manifestation": [{"text": "DPD deficiency"}]}]}], ["capecitabine", "fluoropyrimidine"]),
    ([_allergy({"text": "DPD deficiency"})], ["fluoropyrimidine"]),
])  # fmt: skip
def test_a_harm_of_the_person_bars_its_kind_whichever_record_carries_it(
    resources: list[dict[str, Any]], cannot: list[str] | None, kb: onconav.KnowledgeBase
) -> None:
    """DPD deficiency, as the stop reason of any drug of a course, as the reason an order was
    cancelled, or as a Condition or an allergy, bars the fluoropyrimidines (fluorouracil,
    capecitabine, floxuridine), and only them; denied, doubted or resolved, nothing."""
    reading = read_bundle(_record(RECTUM, STAGE_4, *resources), kb)
    assert reading.data.get("cannot_have") == cannot, reading.warnings
    found = dict(statuses(reading.data, kb))
    for option in ("rectum-folfiri", "rectum-capiri", "rectum-capecitabine"):
        assert (found[option] == "not_suitable") is (cannot is not None and (
            "fluoropyrimidine" in cannot)), (option, found[option])  # fmt: skip
    assert (found["rectum-irinotecan"] == "not_suitable") is False


@pytest.mark.parametrize("display", [None, "Acute kidney injury (disorder)"])
def test_a_drug_stopped_for_a_kidney_injury_by_its_code_is_cannot_have(
    display: str | None, kb: onconav.KnowledgeBase
) -> None:
    """Oxaliplatin stopped with SNOMED CT 14669001 (Acute kidney injury) and no display was a
    reason not read; by its code alone it is a harm that bars the drug, as its words are."""
    stopped = _oxaliplatin("MedicationRequest", "stopped", _cc(SNOMED, "14669001", display))
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped), kb)
    assert reading.data.get("cannot_have") == ["oxaliplatin"], reading.warnings


@pytest.mark.parametrize("display", ["Peripheral neuropathy", "peripheral  NEUROPATHY"])
def test_a_reasons_words_are_said_once_when_its_display_says_its_text(
    display: str, kb: onconav.KnowledgeBase
) -> None:
    """A statusReason whose coding's display is its text ("Hearing loss", twice) had been said
    twice in the warning, "'Hearing loss'; 'Hearing loss'" (a review of the clinicians' path):
    the same words, case and spaces aside, are said once."""
    reason = {"text": "Peripheral neuropathy", "coding": [{"system": SNOMED, "code": "302226006",
                                                          "display": display}]}  # fmt: skip
    stopped = _oxaliplatin("MedicationRequest", "stopped", reason)
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped), kb)
    (said,) = [w for w in reading.warnings if "not able to take it" in w]
    assert said.lower().count("neuropathy") == 1, said
    assert reading.data.get("cannot_have") == ["oxaliplatin"], reading.data


@pytest.mark.parametrize(("reason", "field"), [
    # the cancer no longer held back by the drug, in other words
    *[({"text": t}, "progressed_on") for t in (
        "Drug resistance", "Resistant disease", "PD", "Radiological progression",
        "Clinical progression", "chemorefractory")],
    # the progression with how or when it was seen, or the growth in plain words (a review of
    # the FHIR path: each had been a reason not read, the card "not on record")
    *[({"text": t}, "progressed_on") for t in (
        "Progressive disease on CT", "PD on imaging", "Progression on CT scan",
        "progression (RECIST)", "Disease progression after 6 cycles", "Cancer grew",
        "Tumour growth", "Progression seen on MRI", "PD per RECIST 1.1")],
    # how it was seen does not turn a denial round
    ({"text": "No progression on CT"}, None),
    ({"text": "no evidence of progression on imaging"}, None),
    (_cc(SNOMED, "266721009", "No response to treatment (situation)"), "progressed_on"),
    (_cc(SNOMED, "395007004", "Medication stopped - ineffective"), "progressed_on"),
    # a choice, the course done, or the cancer's worsening not said of the drug: neither, said
    ({"text": "Patient request"}, None), ({"text": "Patient choice"}, None),
    ({"text": "Completed course"}, None), ({"text": "Course completed"}, None),
    ({"text": "Resistance ruled out"}, None), ({"text": "no resistance"}, None),
    (_cc(SNOMED, "182992009", "Treatment completed (situation)"), None),
    (_cc(SNOMED, "105480006", "Refusal of treatment by patient (situation)"), None),
    (_cc(SNOMED, "182992009"), None), (_cc(SNOMED, "105480006"), None),
])  # fmt: skip
def test_a_stop_reason_lands_where_a_clinician_reads_it(
    reason: dict[str, Any], field: str | None, kb: onconav.KnowledgeBase
) -> None:
    """Stop reasons as records write them: "Drug resistance", "Resistant disease", "PD",
    "Progressive disease on CT", "Tumour growth" were reasons not read, the drug offered again
    though the cancer grew on it: read as progressed, also with how or when it was seen
    ("on CT", "(RECIST)", "after 6 cycles"), which never turns a denial round. A patient's
    choice or a course completed (mCODE's TreatmentTerminationReasonVS
    105480006 Refusal of treatment by patient, 182992009 Treatment completed) says neither:
    a treatment had, with a warning naming the reason."""
    stopped = _oxaliplatin("MedicationRequest", "stopped", reason)
    rest = _folfox("MedicationRequest", "completed", "2024-01-10")[:2]
    reading = read_bundle(_record(RECTUM, STAGE_4, stopped, *rest), kb)
    assert "cannot_have" not in reading.data, reading.data
    if field:
        assert "oxaliplatin" in reading.data.get(field, []), (reason, reading.warnings)
    else:
        assert "progressed_on" not in reading.data, reading.data
        coding = reason.get("coding", [{}])[0]
        shown = reason.get("text") or coding.get("display") or coding["code"]
        assert any("does not read" in w and shown in w for w in reading.warnings), (
            reading.warnings)  # fmt: skip


@pytest.mark.parametrize(("system", "code"), [
    (ICD10CM, "N13.0"), (ICD10CM, "N13.1"), (ICD10CM, "N13.30"), (ICD10CM, "N13.39"),
    (SNOMED, "43064006")])  # fmt: skip
def test_a_blocked_kidney_by_its_code_is_a_urinary_blockage(
    system: str, code: str, kb: onconav.KnowledgeBase
) -> None:
    """A Condition of hydronephrosis coded in ICD-10-CM (N13.0, N13.1, N13.3x) or SNOMED CT
    (43064006), a symptom of its own since the knowledge base has `urinary-blockage`, was read
    only by its words: by its code alone it was listed unused."""
    symptom = {**_condition("s", "x", "a symptom"), "code": _cc(system, code)}
    reading = read_bundle(_record(RECTUM, STAGE_4, symptom), kb)
    assert reading.data.get("symptoms") == ["urinary-blockage", MORE], reading.unused


@pytest.mark.parametrize(("reason", "each"), [
    (_cc(SNOMED, "395009001", "Medication stopped - side effect"), False),
    (NOT_TOLERATED, False), (_cc(STATUS_REASON, "sintol", "Suspected intolerance"), False),
    (_cc(SNOMED, "281647001", "Adverse reaction"), False),
    (ALLERGY, True), (_cc(SNOMED, "395008009", "Medication stopped - contra-indication"), True),
])  # fmt: skip
def test_a_coded_side_effect_on_every_drug_of_a_course_rules_none_out(
    reason: dict[str, Any], each: bool, kb: onconav.KnowledgeBase
) -> None:
    """The codes of a side effect or an intolerance on each of FOLFOX's three drug records
    ruled out all three, fluorouracil included, as the same words had: which drug caused it is
    not said, so none is read as cannot-have, with the warning naming them. An allergy (salg)
    is read for each (``ACUTE_REACTION``), and a contra-indication is no harm of one drug."""
    folfox = _folfox("MedicationRequest", "stopped", "2024-01-10", statusReason=reason)
    reading = read_bundle(_record(RECTUM, STAGE_4, *folfox), kb)
    if each:
        assert reading.data["cannot_have"] == ["fluorouracil", "leucovorin", "oxaliplatin"]
    else:
        assert "cannot_have" not in reading.data, reading.data
        assert any("were stopped together for the same harm" in w for w in reading.warnings)
        assert dict(statuses(reading.data, kb))["rectum-folfiri"] != "not_suitable"


# ---- fhir12: the situation's treatments had, of a drug being given now ---------------------


def _situation_lines(result: onconav.Result) -> dict[str, str]:
    from onconav.render import situation

    return dict(situation(result))


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["MedicationRequest", "MedicationStatement",
                             "MedicationAdministration"]),
       status=st.sampled_from(["active", "in-progress", "on-hold", "completed", "stopped"]))
def test_the_treatments_had_say_being_given_exactly_when_the_record_does(
    kind: str, status: str
) -> None:
    """Whatever the kind of drug record and its status: the situation's line of the treatments
    had (``with_reading``) says "or being given" exactly when the reading says a drug is being
    given now or is on hold, and says only "had" otherwise. It had said "Treatments already had:
    FOLFOX" of a FOLFOX statement active, beside the note that it is being given now."""
    from onconav.fhir.evaluate import with_reading

    kb = the_kb()
    record = {**STATUS_READ[kind], "status": status}
    try:
        reading = read_bundle(_record(RECTUM, STAGE_4, record), kb)
    except FhirError:  # a status FHIR does not give this kind of record: refused, nothing shown
        return
    result = with_reading(onconav.evaluate(parse_profile(reading.data, kb), kb), reading)
    lines = _situation_lines(result)
    noted = any("by the record" in w and w.startswith(("being given now", "on hold"))
                for w in reading.warnings)  # fmt: skip
    assert noted == bool(reading.being_given), (reading.warnings, reading.being_given)
    had = [label for label in lines if label.startswith("Treatments already had")]
    if "prior_treatments" not in reading.data:  # a status this kind has not: not read at all
        assert not had and not noted, lines
        return
    assert had == (["Treatments already had or being given"] if noted
                   else ["Treatments already had"]), lines  # fmt: skip


def test_options_fhir_says_a_drug_given_now_is_being_given(
    run: Any, tmp_path: Path
) -> None:
    """``onconav options --fhir`` of a record whose FOLFOX statement is active: the situation
    says "Treatments already had or being given: FOLFOX", where it had said "Treatments already
    had: FOLFOX"; a flag that gives the treatments had in the record's place is said as had."""
    statement = {"resourceType": "MedicationStatement", "id": "m", "status": "active",
                 "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2024-02-01",
                 "medicationCodeableConcept": {"text": "FOLFOX"}}  # fmt: skip
    path = tmp_path / "active.json"
    path.write_text(json.dumps(_record(RECTUM, STAGE_4, statement)))
    done = run("options", "--fhir", str(path))
    assert done.status == 0, done.stderr
    assert ("Treatments already had or being given: FOLFOX, perhaps other treatments not listed"
            in done.stdout.splitlines()), done.stdout  # fmt: skip
    assert "being given now, by the record: FOLFOX" in done.stdout
    flagged = run("options", "--fhir", str(path), "--prior", "FOLFIRI")
    assert "Treatments already had: FOLFIRI" in flagged.stdout.splitlines(), flagged.stdout
    assert "or being given" not in flagged.stdout.split("Sources:")[0]
    done = run("options", "--fhir", str(path), "--format", "json")
    [line] = [u for u in json.loads(done.stdout)["understood"] if u["fact"] == "prior_treatments"]
    assert line["label"] == "Treatments already had or being given", line


# ---- fhir12: operations coded or named in words --------------------------------------------

CONDITION_OF = {"rectum": RECTUM,
                "stomach": _condition("c", "363349007", "Malignant tumor of stomach"),
                "colon": _condition("c", "363406005", "Malignant tumor of colon"),
                "cervix": _condition("c", "363354003", "Malignant tumor of cervix")}  # fmt: skip


def _operation(code: dict[str, Any], reason: bool = True) -> dict[str, Any]:
    return {"resourceType": "Procedure", "id": "op", "status": "completed",
            "subject": {"reference": "Patient/p"}, "performedDateTime": "2023-01-01",
            "code": code, **({"reasonReference": [{"reference": "Condition/c"}]} if reason
                             else {})}  # fmt: skip


@pytest.mark.parametrize(("code", "display", "cancer", "treatment"), [
    ("236887006", "Laparoscopic hysterectomy", "cervix", "surgery"),
    ("265056007", "Vaginal hysterectomy", "cervix", "surgery"),
    ("116144002", "Total abdominal hysterectomy with bilateral salpingo-oophorectomy", "cervix",
     "surgery"),
    ("75835007", "Laparoscopic-assisted vaginal hysterectomy", "cervix", "surgery"),
    ("112916000", "Operation on cervix [NOS]", "cervix", "surgery"),
    ("173977007", "Creation of ileostomy", "rectum", "ileostomy"),
    ("74971002", "Operation on rectum [NOS]", "rectum", "surgery"),
    ("116237003", "Excision of lesion of rectum", "rectum", "surgery"),
    ("118841000", "Operation on rectosigmoid [NOS]", "colon", "surgery"),
    ("82874003", "Operation on colon [NOS]", "colon", "surgery"),
    ("16453004", "Operation on stomach [NOS]", "stomach", "surgery"),
])  # fmt: skip
def test_the_colorectal_gastric_and_cervical_operations_of_the_reference_sets_are_read(
    code: str, display: str, cancer: str, treatment: str, kb: onconav.KnowledgeBase
) -> None:
    """Operations on the rectum, the colon, the stomach or the cervix (and the hysterectomies of
    cervical cancer) that the IPS procedures set and mCODE STU1's cancer-related surgical
    procedure value set hold, done for the cancer, are read as the treatment had: they had been
    listed unused ("a procedure onconav does not read"). One on an organ neither the cancer's
    nor a place it spread to, not tied to it, is not surgery on this cancer."""
    reading = read_bundle(_record(CONDITION_OF[cancer], _operation(_cc(SNOMED, code, display))),
                          kb)  # fmt: skip
    assert reading.data.get("prior_treatments") == [treatment, MORE], (reading.unused,
                                                                       reading.warnings)
    row = next(r for r in load_tables().rows if r.table == "treatments" and r.code == code)
    if "cancer" in row.meaning:  # at one organ: not this cancer's, and not tied to it, unused
        other = next(c for c in CONDITION_OF if c not in row.meaning["cancer"])
        elsewhere = read_bundle(_record(CONDITION_OF[other], _operation(
            _cc(SNOMED, code, display), reason=False)), kb)  # fmt: skip
        assert "prior_treatments" not in elsewhere.data, elsewhere.data
        assert "Procedure/op" in {u.reference for u in elsewhere.unused}


@pytest.mark.parametrize(("words", "cancer", "treatment"), [
    ("Total gastrectomy", "stomach", "total-gastrectomy"),
    ("total gastrectomy", "stomach", "total-gastrectomy"),
    ("Anterior resection", "rectum", "rectum-removal"),
    ("anterior resection of rectum", "rectum", "rectum-removal"),
])  # fmt: skip
def test_a_total_gastrectomy_or_an_anterior_resection_in_words_is_read(
    words: str, cancer: str, treatment: str, kb: onconav.KnowledgeBase, run: Any, tmp_path: Path
) -> None:
    """A Procedure whose code is only the words "Total gastrectomy" or "Anterior resection" had
    been listed unused ("named only in words"), though typed among the treatments had they are
    read (a total gastrectomy) or the code of an anterior resection is (the rectum taken out):
    they are read as the profile reads them typed, with a warning naming what they are read
    as."""
    reading = read_bundle(_record(CONDITION_OF[cancer], _operation({"text": words})), kb)
    assert reading.data.get("prior_treatments") == [treatment, MORE], reading.warnings
    [said] = [w for w in reading.warnings if w.startswith("Procedure/op is read from its words")]
    assert kb.label("prior_treatments", treatment) in said or kb.name_of(treatment) in said, said
    assert treatment not in said.split(": ", 1)[1], said  # its words, not its id
    typed = parse_profile({"cancer": cancer, "prior_treatments": [words]}, kb)
    assert typed.prior_treatments == [treatment]


def _operation_names(kb: onconav.KnowledgeBase) -> list[str]:
    """Every name of an operation among the treatments had: the procedures' names and aliases,
    and the labels of the treatments had, of each that is surgery."""
    names = [name for p in kb.data.procedures for name in (p.name, *p.aliases)
             if "surgery" in kb.vocabulary.up("prior_treatments", p.id)]  # fmt: skip
    fact = next(f for f in kb.data.facts if f.id == "prior_treatments")
    names += [v.label for v in fact.values
              if "surgery" in kb.vocabulary.up("prior_treatments", v.id)]  # fmt: skip
    return sorted(set(names))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_an_operation_named_in_words_reads_as_it_does_typed(data: st.DataObject) -> None:
    """Whatever operation among the treatments had a Procedure's words name (by a name, an alias
    or a label of the treatments had), the record reads it as the same value the profile reads
    it typed: "Total gastrectomy" had been listed unused, though typed it is a total
    gastrectomy."""
    kb = the_kb()
    name = data.draw(st.sampled_from(_operation_names(kb)))
    typed = parse_profile({"cancer": "rectum", "prior_treatments": [name]}, kb).prior_treatments
    reading = read_bundle(_record(RECTUM, _operation({"text": name})), kb)
    assert reading.data.get("prior_treatments") == [*typed, MORE], (name, reading.warnings)


# ---- fhir12: a coded status in another code system ------------------------------------------

OTHER_SYSTEMS = st.sampled_from([SNOMED, LOINC, "http://hl7.org/fhir/condition-clinical",
                                 "urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.10375",
                                 "https://ehr.example.org/codes/status"])  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(CODED_STATUS)), OTHER_SYSTEMS,
       st.sampled_from(["active", "resolved", "confirmed", "73425007", "55561003", "A"]))
def test_a_status_coded_only_in_another_system_is_not_read(
    kind_element: tuple[str, str], system: str, code: str
) -> None:
    """A clinicalStatus or verificationStatus (of a Condition or an AllergyIntolerance) coded
    only in another code system than the one FHIR R4 binds it to (required) makes the resource
    not valid FHIR R4, whatever the code: listed unused and warned of, naming the element, the
    system and code given, and the system and codes accepted. It had been read by its code
    whatever the system said (SNOMED CT's Inactive, 73425007, as a place of spread going on)."""
    kind, element = kind_element
    assume(system != STU3_SYSTEMS.get(CODED_STATUS[kind_element]))  # read as its own (below)
    resource = {**STATUS_READ[kind], element: _cc(system, code)}
    reading = read_bundle(_record(RECTUM, STAGE_4, resource), the_kb())
    reason = {u.reference: u.reason for u in reading.unused}.get(f"{kind}/r", "")
    assert reason.startswith(f"not valid FHIR R4: {element} is coded only in another code "
                             f"system ({system}|{code})"), reason  # fmt: skip
    assert f"requires a coding of {CODED_STATUS[kind_element]}" in reason, reason
    assert "accepted: " + ", ".join(sorted(R4_STATUSES[kind_element])) in reason, reason
    assert not any(f"{kind}/r" in refs for refs in reading.sources.values()), reading.sources
    assert any(w.startswith(f"{kind}/r is not read (not valid FHIR R4: {element}")
               for w in reading.warnings), reading.warnings  # fmt: skip
    # beside a coding of FHIR's own system, the other is no fault, and FHIR's code is read
    both = {**resource, element: {"coding": [_cc(system, code)["coding"][0],
                                             _cc(CODED_STATUS[kind_element], "entered-in-error"
                                                 if "verification" in element else "resolved"
                                                 )["coding"][0]]}}  # fmt: skip
    beside = read_bundle(_record(RECTUM, STAGE_4, both), the_kb())
    assert not any(f"{kind}/r" in refs for refs in beside.sources.values()), beside.sources
    assert "not valid" not in {u.reference: u.reason for u in beside.unused}.get(f"{kind}/r", "")


@pytest.mark.parametrize("code", ["active", "resolved", "remission"])
def test_a_condition_status_in_stu3s_code_system_is_read_as_r4s(code: str) -> None:
    """FHIR STU3 named the Condition's status code systems http://hl7.org/fhir/condition-clinical
    and -ver-status, with the same codes: a record an older feed wrote so is read as the R4 one
    (refused as another code system, the cancer itself had been lost)."""
    kb = the_kb()
    stu3 = {**RECTUM, "clinicalStatus": _cc("http://hl7.org/fhir/condition-clinical", code),
            "verificationStatus": _cc("http://hl7.org/fhir/condition-ver-status", "confirmed")}
    r4 = {**RECTUM, "clinicalStatus": _cc(CLINICAL, code)}
    old, new = (read_bundle(_record(c, STAGE_4), kb) for c in (stu3, r4))
    assert old.data == new.data, (old.data, new.data)
    assert not any("not valid" in u.reason for u in old.unused), old.unused
    assert [w for w in old.warnings] == [w for w in new.warnings], (old.warnings, new.warnings)


def test_a_cancer_whose_clinical_status_is_coded_in_snomed_is_refused_naming_it(
    run: Any, tmp_path: Path, kb: onconav.KnowledgeBase
) -> None:
    """The cancer Condition's clinicalStatus coded only in SNOMED CT (Inactive): the command
    refuses the record with one line naming the element, the system given and the one accepted,
    never a traceback; it had read the cancer as going on. With FHIR's coding beside it, the
    record is read by FHIR's code (resolved), where the SNOMED CT code written first had been
    read."""
    inactive = {"coding": [{"system": SNOMED, "code": "73425007", "display": "Inactive"}]}
    path = tmp_path / "record.json"
    path.write_text(json.dumps(_record({**RECTUM, "clinicalStatus": inactive}, STAGE_4)))
    done = run("options", "--fhir", str(path))
    assert done.status != 0 and "Traceback" not in done.stderr, done.stderr
    assert ("clinicalStatus is coded only in another code system (http://snomed.info/sct|"
            "73425007)") in done.stderr, done.stderr
    assert CLINICAL in done.stderr, done.stderr
    both = {"coding": [*inactive["coding"], {"system": CLINICAL, "code": "resolved"}]}
    reading = read_bundle(_record({**RECTUM, "clinicalStatus": both}, STAGE_4), kb)
    assert reading.data["cancer"] == "rectum"
    assert any("records the cancer as resolved" in w for w in reading.warnings), reading.warnings
