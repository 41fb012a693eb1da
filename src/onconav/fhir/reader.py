"""How FHIR resources become a profile: each resource validated with the R4B models, identified
by its codes (``meta.profile`` only adds a cancer Condition whose code no table knows), and read
into the profile's fields, each field with the resources it came from; every resource that is
read but not used is listed with the reason.

The rules, field by field, are in docs/fhir.md; the codes are in ``fhir/data/*.csv``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from datetime import date as Date
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from onconav import words
from onconav.fhir.codes import OBJECT, Row, Tables, load_tables, normal_code, system_name
from onconav.kb import KnowledgeBase
from onconav.kb.model import Drug, Procedure, Regimen, fact_tests
from onconav.kb.rules import DISTANT, ONE_OR_SEVERAL, OTHERS_NOT_KNOWN
from onconav.kb.vocabulary import in_sentence, normalise_name
from onconav.profile import Problem, at_most, symptom_ids
from onconav.reading import (
    NO_FINAL_RESULT,
    RESULT_NOT_READABLE,
    accepted_by,
    reference_key,
    refused_words,
)

JSON = Mapping[str, Any]

# The order of the profile's fields in the data and in the sources.
FIELDS = ("cancer", "stage", "recurrence", "metastases", "biomarkers.her2", "biomarkers.kras",
          "hormone_sensitive", "progressed_on", "cannot_have", "prior_treatments", "symptoms",
          "planned")  # fmt: skip
STAGE_RANK = {"earlier": 0, "4": 1, "4A": 2, "4B": 3}
RESULT_OK = {"final", "amended", "corrected"}
# an Observation's other statuses (FHIR R4's ObservationStatus): not a result, whatever it holds
NOT_A_RESULT = {"registered", "preliminary", "cancelled", "entered-in-error", "unknown"}
# every status an Observation may have in FHIR R4: the R4B model takes any code, and a HER2
# result of status "done" had been dropped as "not a result" with no warning, the CDS card
# saying "HER2 not on record" of a test that was done (a review of the clinicians' path)
OBSERVATION_STATUSES = RESULT_OK | NOT_A_RESULT
# FHIR R4's value set of each coded status (and intent) of every resource type the reader reads,
# with the code system of a CodeableConcept's codings (None for an element that is a code): each
# a required binding the R4B models do not check (they take any code). A status outside its set
# makes the resource not valid FHIR R4, naming the codes accepted (``Builder.valid``): a
# MedicationStatement of status "done" or a Condition "clinicalStatus" of "current" had been read
# as if the status were one FHIR has.
FHIR_CODES = "http://terminology.hl7.org/CodeSystem/"
REQUEST_INTENTS = ("proposal", "plan", "directive", "order", "original-order", "reflex-order",
                   "filler-order", "instance-order", "option")  # fmt: skip
STATUS_SETS: dict[str, dict[str, tuple[str | None, tuple[str, ...]]]] = {
    "Observation": {"status": (None, tuple(OBSERVATION_STATUSES))},
    "DiagnosticReport": {"status": (None, (
        "registered", "partial", "preliminary", "final", "amended", "corrected", "appended",
        "cancelled", "entered-in-error", "unknown"))},
    "Condition": {
        "clinicalStatus": (FHIR_CODES + "condition-clinical", (
            "active", "recurrence", "relapse", "inactive", "remission", "resolved")),
        "verificationStatus": (FHIR_CODES + "condition-ver-status", (
            "unconfirmed", "provisional", "differential", "confirmed", "refuted",
            "entered-in-error"))},
    "AllergyIntolerance": {
        "clinicalStatus": (FHIR_CODES + "allergyintolerance-clinical",
                           ("active", "inactive", "resolved")),
        "verificationStatus": (FHIR_CODES + "allergyintolerance-verification",
                               ("unconfirmed", "confirmed", "refuted", "entered-in-error"))},
    "MedicationRequest": {
        "status": (None, ("active", "on-hold", "cancelled", "completed", "entered-in-error",
                          "stopped", "draft", "unknown")),
        "intent": (None, tuple(i for i in REQUEST_INTENTS if i != "directive"))},
    "MedicationStatement": {"status": (None, (
        "active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown",
        "not-taken"))},
    "MedicationAdministration": {"status": (None, (
        "in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped",
        "unknown"))},
    "MedicationDispense": {"status": (None, (
        "preparation", "in-progress", "cancelled", "on-hold", "completed", "entered-in-error",
        "stopped", "declined", "unknown"))},
    "Procedure": {"status": (None, (
        "preparation", "in-progress", "not-done", "on-hold", "stopped", "completed",
        "entered-in-error", "unknown"))},
    "ServiceRequest": {
        "status": (None, ("draft", "active", "on-hold", "revoked", "completed",
                          "entered-in-error", "unknown")),
        "intent": (None, REQUEST_INTENTS)},
}  # fmt: skip
NOT_NOW = {"inactive", "resolved", "remission"}
NOT_CONFIRMED = {"refuted", "entered-in-error", "unconfirmed", "provisional", "differential"}
SURGICAL_CATEGORY = ("snomed", "387713003")
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
RELATED = "http://hl7.org/fhir/StructureDefinition/condition-related"
DOSE_TO_VOLUME = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-dose-delivered-to-volume"
)
# Why a resource of each type is not part of the profile (when nothing in it is read).
NOT_READ = {
    "Patient": "who the person is: identity and demographics are not part of the profile",
    "Practitioner": "a member of the care team, not the person's situation",
    "PractitionerRole": "a member of the care team, not the person's situation",
    "Organization": "an organisation, not the person's situation",
    "DiagnosticReport": "a report: its results are read from their Observations (their own "
    "resources, or those contained in it)",
    "Specimen": "a sample: the results of its tests are read from their Observations",
    "FamilyMemberHistory": "family history does not change the options",
    "BodyStructure": "a body structure: read only where a radiotherapy course names it",
    "Medication": "a medication: read only where a request, administration or statement names it",
    "Group": "a group of patients, not one person's situation",
    "ValueSet": "a value set: terminology, not patient data",
    "OperationOutcome": "a message from the record system, not patient data",
}


class FhirError(ValueError):
    """Input that is not FHIR, or that has no cancer condition; ``problems`` name each problem
    (``field`` is a FHIR path or ``bundle``). ``no_cancer``: the record is read and holds no
    cancer at all, nor one it could not read (a record system's patient without cancer).
    ``cancer_missing``: the record is read and no cancer could be read from it (whether or not
    one is on record that could not be read): where it started, given beside it, would do."""

    def __init__(self, problems: list[Problem], no_cancer: bool = False,
                 cancer_missing: bool = False) -> None:  # fmt: skip
        self.problems = at_most(problems)  # a million keys given twice: 20, and a count
        self.no_cancer = no_cancer
        self.cancer_missing = cancer_missing or no_cancer
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[FhirError], tuple[list[Problem], bool, bool]]:
        return (FhirError, (self.problems, self.no_cancer, self.cancer_missing))


@dataclass(frozen=True)
class Unused:
    """A resource that was read but not used, and why (``Observation/abc``)."""

    reference: str
    reason: str


@dataclass(frozen=True)
class FhirReading:
    """The profile as data for ``parse_profile``, the resources each field came from, every
    resource read but not used (with the reason), and warnings."""

    data: dict[str, Any]
    sources: dict[str, list[str]]
    unused: list[Unused]
    warnings: list[str]
    # the Patient's deceased[x] when it says the person has died: the date, or "yes"
    deceased: str | None = None
    # a field whose result resources not read name (HER2 in a report's conclusion, KRAS as a
    # panel's part, a code not in the tables; a test of a result still to come): the field, and
    # those resources, each with why it is not read ("no final result yet", "a result onconav
    # cannot read"; "" for one that only names the result)
    named: dict[str, dict[str, str]] = field(default_factory=dict)
    # a change in a gene onconav does not read beside KRAS (NRAS, BRAF: ``_ras_raf_found``), by
    # the gene's name, with the resources that record it: the CDS order card of a drug whose
    # options the KRAS result decides says it
    genes_not_read: dict[str, list[str]] = field(default_factory=dict)
    # the drug records that say the drug is being given now or is on hold (``_being_given``):
    # read among the treatments had (``prior_treatments``), so that what shows that field says
    # "had or being given" (``onconav.fhir.evaluate.with_reading``), not only "had"
    being_given: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The reading as data: as `onconav fhir profile --format json` prints it and `POST
        /api/v1/fhir/profile` answers it."""
        return {"profile": self.data, "sources": self.sources,
                "unused": [{"reference": u.reference, "reason": u.reason} for u in self.unused],
                "warnings": self.warnings}  # fmt: skip


def _problem(where: str, message: str, accepted: tuple[str, ...]) -> Problem:
    """A problem of the record, with what is accepted (every error names it: the reading's had
    named none, "no cancer condition" among them)."""
    return Problem(field=where, value=None, accepted=accepted, message=message)


ONE_PERSON = ("one person's record: every resource about one Patient",)
# What gives the cancer, where no Condition did: said by the error, so that whoever sends the
# record knows what to add
CANCER_CONDITION = (
    "a Condition of the cancer coded in SNOMED CT (a malignant neoplasm) or ICD-10-CM "
    "(C00-C96)",
    "a Condition whose words name the cancer (its code's text or display: \"Adenocarcinoma of "
    "rectum\")",
    "a cancer as the reasonCode of an order (a ServiceRequest, MedicationRequest or Procedure)",
)
# where a resource that gives the cancer was not read: it, mended as its reason says, or the
# cancer given another way
VALID_CONDITION = ("the resource with what its reason names mended", *CANCER_CONDITION)


# --------------------------------------------------------------------------------------------
# Small readers of FHIR data types
# --------------------------------------------------------------------------------------------


def _codings(concept: object) -> list[JSON]:
    """The codings of a CodeableConcept (those that are objects; nothing when it is not one)."""
    codings = concept.get("coding") if isinstance(concept, OBJECT) else None
    return [c for c in codings if isinstance(c, OBJECT)] if isinstance(codings, list) else []


def _items(value: object) -> list[Any]:
    """The items of an element FHIR gives as a list (``bodySite``, ``focus``, ``extension``):
    none when it is not a list. A resource whose element is not a list is not valid FHIR: it is
    listed unused and never read, but what identifies it may still be looked at (to name a
    cancer Condition that was not read), so no reader loops over a value it has not checked."""
    return value if isinstance(value, list) else []


def _words(concept: object) -> list[str]:
    """The words of a CodeableConcept: its text, then each coding's display, each without the
    characters that show nothing (``words.without_invisible``), each once (a display the same
    as the text, case and spaces aside, had been said twice: "'Hearing loss'; 'Hearing loss'")."""
    if not isinstance(concept, OBJECT):
        return []
    out = [concept["text"]] if isinstance(concept.get("text"), str) else []
    out += [c["display"] for c in _codings(concept) if isinstance(c.get("display"), str)]
    kept: dict[str, str] = {}
    for text in (words.without_invisible(t) for t in out):
        kept.setdefault(" ".join(text.lower().split()), text)
    return list(kept.values())


def _coded(concept: object) -> str:
    """A CodeableConcept for people: its first coding as system|code (display)."""
    for coding in _codings(concept):
        system = system_name(coding.get("system")) or coding.get("system") or "?"
        shown = coding.get("display")
        display = f" ({words.without_invisible(shown)})" if isinstance(shown, str) else ""
        return f"{system}|{coding.get('code')}{display}"
    words_ = _words(concept)
    return repr(words_[0]) if words_ else "no code"


def _not_in_table(concept: object) -> str:
    """Why a concept read from its words was not read by its code: "its code snomed|... is not
    in onconav's table", or "it has no code, only words: 'FOLFOX'" (a name alone had been
    called its code: "its code 'FOLFOX' is not in onconav's table")."""
    if any(isinstance(c.get("code"), str) and c["code"].strip() for c in _codings(concept)):
        return f"its code {_coded(concept)} is not in onconav's table"
    return f"it has no code, only words: {_coded(concept)}"


def _code_of(resource: JSON) -> object:
    return resource.get("code")


def _date(resource: JSON, *names: str) -> str:
    """The first date among ``names`` (a dateTime, or a Period's start), as ISO text, or ""."""
    for name in names:
        value = resource.get(name)
        if isinstance(value, OBJECT):
            value = value.get("start") or value.get("end")
        if isinstance(value, str) and value:
            return value
    return ""


RESULT_DATES = {
    "Observation": ("effectiveDateTime", "effectivePeriod", "effectiveInstant", "issued"),
    "Condition": ("onsetDateTime", "onsetPeriod", "recordedDate"),
}
"""Where the date of a result (a stage, a test, a disease status) or of a condition (the cancer,
its spread, a symptom) is written, first to last."""


def _result_date(res: Res) -> str:
    """The date of an Observation or a Condition (``RESULT_DATES``), as ISO text, or ""."""
    return _date(res.data, *RESULT_DATES[res.type])


def _end(resource: JSON, *names: str) -> str:
    for name in names:
        value = resource.get(name)
        if isinstance(value, OBJECT) and isinstance(value.get("end"), str):
            return str(value["end"])
    return ""


Span = tuple[datetime, datetime]
FHIR_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
FHIR_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
NO_ZONE = (timedelta(hours=-14), timedelta(hours=12))  # UTC offsets run from -12:00 to +14:00
UNDATED: Span = (datetime.min.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC))


def _span(text: str) -> Span | None:
    """When a FHIR date, dateTime or instant was, as the span of UTC time it covers, from its
    first moment up to (not including) its end: a time is one moment (a microsecond), whatever
    time zone it is written in (2023-01-10T23:00:00-05:00 is 2023-01-11 04:00 UTC); a date
    without a time is the whole of its day, taken as a UTC day, a month or a year the whole of
    it; a time with no zone (FHIR requires one) any moment it may be (-12:00 to +14:00). None
    for no date, or one that cannot be read. One record is before another only when its span
    ends before the other's starts (``_before``): a date and a time on that day cannot be
    ordered, and count as of one date."""
    try:
        if (timed := FHIR_TIME.fullmatch(text)) is not None:
            day, hour, minute, second, fraction, zone = timed.groups()
            zone = "+00:00" if zone == "Z" else zone or ""
            at = datetime.fromisoformat(f"{day}T{hour}:{minute}:{min(int(second), 59):02d}"
                                        f"{(fraction or '')[:7]}{zone}")
            at += timedelta(seconds=1) if int(second) == 60 else timedelta()  # a leap second
            if not zone:
                at = at.replace(tzinfo=UTC)
                return at + NO_ZONE[0], at + NO_ZONE[1]
            at = at.astimezone(UTC)
            return at, at + timedelta(microseconds=1)
        if (dated := FHIR_DATE.fullmatch(text)) is not None:
            year, month, day_ = (int(g) if g else None for g in dated.groups())
            assert year is not None
            first = datetime(year, month or 1, day_ or 1, tzinfo=UTC)
            if day_ is not None:
                return first, first + timedelta(days=1)
            if month is not None:
                return first, datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
            return first, datetime(year + 1, 1, 1, tzinfo=UTC)
    except (ValueError, OverflowError):  # day 31 of a 30-day month, the year 9999's end
        return None
    return None


def _before(first: Span, then: Span) -> bool:
    """Whether one span is over before another starts (neither is a date the other falls in)."""
    return first[1] <= then[0]


def _order(text: str) -> Span:
    """A key that orders dates (``_span``) as ``_before`` does, any two it cannot order one way
    or the other (undated and unreadable first): for a sort, or the latest of several."""
    return _span(text) or UNDATED


def _day(text: str) -> str:
    """The UTC day a FHIR date or dateTime falls on (2023-01-10T23:00:00-05:00: 2023-01-11); a
    date, a month or a year as written; a time with no zone, the day written; "" for none or
    one that cannot be read."""
    span = _span(text)
    if span is None:
        return ""
    if FHIR_TIME.fullmatch(text) and span[1] - span[0] == timedelta(microseconds=1):
        return span[0].date().isoformat()
    return text[:10]


def _local_day(text: str) -> str:
    """The day a FHIR date or dateTime is written on, in its own time zone (an infusion at
    2023-01-10T19:30:00-05:00 is of 2023-01-10, though that is 00:30 on the 11th in UTC): the day
    the person was treated, which groups one course's drugs; "" for none or one that cannot be
    read."""
    return text[:10] if _span(text) is not None else ""


def _clinical(builder: Builder, res: Res) -> str:
    """A Condition's clinicalStatus; with none, "resolved" when it has an abatement (a date, an
    age, a period, a range or words it ended), as FHIR's rule con-4 has it (a Condition that
    abated is inactive, resolved or in remission), with a warning. One recorded as going on
    that has an abatement is read as going on, with a warning (the two do not fit together)."""
    status = _status(res.data, "clinicalStatus")
    abated = next(((k, v) for k, v in res.data.items()
                   if k.startswith("abatement") and v not in (None, False)), None)  # fmt: skip
    if abated is None or status in NOT_NOW:
        return status
    shown = abated[1] if isinstance(abated[1], str) else abated[0]
    if not status:
        builder.warnings.append(f"{res.ref} has no clinicalStatus and ended ({abated[0]}: "
                                f"{shown}): it is read as resolved")  # fmt: skip
        return "resolved"
    builder.warnings.append(f"{res.ref} is recorded as {status} but also as ended ({abated[0]}: "
                            f"{shown}): it is read as {status}; check it")  # fmt: skip
    return status


# The codes of a Condition's clinicalStatus and verificationStatus, which a record may give as
# words only ({"text": "Provisional"} had been read as confirmed)
CONDITION_STATUSES = NOT_NOW | NOT_CONFIRMED | {"active", "recurrence", "relapse", "confirmed"}


# A Condition's verificationStatus in words that doubt it ("Suspected", "Possible", "Query",
# "?", "Rule out": read as provisional; they had been read as confirmed) or deny it ("Ruled
# out", "Excluded": refuted). "Probable" and "Likely" (more likely than not) are no status: the
# Condition is read as when the status is left out.
STATUS_DOUBTED = re.compile(
    r"\?|\b(suspected|suspect|suspicion|suspicious|possible|possibly|query|queried|rule out|r/o|"
    r"to be ruled out|not (yet )?confirmed|to be confirmed|tbc|uncertain|tentative|presumed|"
    r"presumptive|questionable|doubtful|maybe|working diagnosis)(?!\w)")
STATUS_DENIED = re.compile(r"\b(ruled out|excluded)\b")
# (a denial itself denied doubts it, "not excluded", "cannot be ruled out": provisional;
# ``words.DENIAL_DENIED``, as of a harm in a stop reason)
# a status that begins by saying it is confirmed ("Confirmed by biopsy; other causes excluded",
# "Histologically confirmed - possible second lesion"): a note after it doubts or denies
# something else, and the Condition is read (it had been read as refuted or provisional, and
# the cancer lost); not one that begins otherwise ("Suspected; histology awaited", "Previously
# confirmed, now ruled out", "Not confirmed"), nor "Confirmed?"
STATUS_AFFIRMED = re.compile(r"^\s*((histologically|pathologically|biopsy|clinically|"
                             r"radiologically)[ -])?(confirmed|proven|verified)\b(?!\s*\?)")


# The code systems of a Condition's statuses as FHIR STU3 named them, with the same codes: a
# record an older feed wrote with them is read (refused as another code system, every record
# of such a feed would have lost its cancer)
STU3_SYSTEMS = {FHIR_CODES + "condition-clinical": "http://hl7.org/fhir/condition-clinical",
                FHIR_CODES + "condition-ver-status": "http://hl7.org/fhir/condition-ver-status"}


def _systems(system: str | None) -> tuple[str | None, ...]:
    """The code systems a coded status is read in: the element's own (``STATUS_SETS``), its
    STU3 name (``STU3_SYSTEMS``), or none given."""
    return (system, STU3_SYSTEMS.get(system or ""), None)


def _status(resource: JSON, name: str = "status") -> str:
    value = resource.get(name)
    if isinstance(value, OBJECT):  # clinicalStatus, verificationStatus: a code, else its words
        # only a coding of the element's own code system (``STATUS_SETS``; or of none): a
        # SNOMED CT coding before it had been read as the status, and one alone as what its
        # code is in FHIR's (a resource coded so is not valid FHIR R4: ``_status_refused``)
        system = STATUS_SETS.get(str(resource.get("resourceType")), {}).get(name, (None, ()))[0]
        codes = [c.get("code") for c in _codings(value)
                 if system is None or c.get("system") in _systems(system)]  # fmt: skip
        if codes:
            return str(codes[0])
        text = words.without_invisible(str(value.get("text") or "")).lower()
        said = "-".join(text.split())
        if said in CONDITION_STATUSES:
            return said
        if name == "verificationStatus" and resource.get("resourceType") == "Condition":
            if STATUS_AFFIRMED.search(text):
                return ""
            if STATUS_DOUBTED.search(text) or words.DENIAL_DENIED.search(text):
                return "provisional"  # "to be ruled out", "not excluded" doubt it
            return "refuted" if STATUS_DENIED.search(text) else ""
        return ""
    return str(value or "")


# --------------------------------------------------------------------------------------------
# The shape of what identifies a resource
# --------------------------------------------------------------------------------------------


def _kind(value: object) -> str:
    """What a JSON value is, in words: "a number", "null", "a list"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _not(where: str, value: object, expected: str) -> str:
    return f"{where} is {_kind(value)}, not {expected}"


# The elements of a CodeableConcept and of a Coding (FHIR R4; ``_text`` and the like hold the
# extensions of a primitive element, ``fhir_comments`` what the R4B models keep of comments).
CONCEPT_ELEMENTS = frozenset({"id", "extension", "coding", "text", "fhir_comments"})
CODING_ELEMENTS = frozenset({"id", "extension", "system", "version", "code", "display",
                             "userSelected", "fhir_comments"})  # fmt: skip


def _concept_fault(value: object, where: str) -> str | None:
    """What is wrong with the shape of a CodeableConcept (named by its path), or None: an object
    whose ``text`` is a string and whose ``coding`` is a list of objects of strings, with no
    element a CodeableConcept or a Coding does not have (a Reference written where a code is:
    it was read as a Condition with no code, not as one that is not valid)."""
    if not isinstance(value, OBJECT):
        return _not(where, value, "an object (a CodeableConcept)")
    if (stray := _stray(value, CONCEPT_ELEMENTS)) is not None:
        return f"{where}.{stray} is not an element of a CodeableConcept"
    if "text" in value and not isinstance(value["text"], str):
        return _not(f"{where}.text", value["text"], "a string")
    codings = value.get("coding", [])
    if not isinstance(codings, list):
        return _not(f"{where}.coding", codings, "a list")
    for i, coding in enumerate(codings):
        if not isinstance(coding, OBJECT):
            return _not(f"{where}.coding[{i}]", coding, "an object (a Coding)")
        if (stray := _stray(coding, CODING_ELEMENTS)) is not None:
            return f"{where}.coding[{i}].{stray} is not an element of a Coding"
        for key in ("system", "version", "code", "display"):
            if key in coding and not isinstance(coding[key], str):
                return _not(f"{where}.coding[{i}].{key}", coding[key], "a string")
    return None


def _stray(value: Mapping[str, Any], elements: frozenset[str]) -> str | None:
    """The first key of an object that is none of ``elements`` (nor ``_`` and one of them)."""
    return next((str(key) for key in value if str(key).removeprefix("_") not in elements), None)


def _component_fault(value: object, where: str) -> str | None:
    """An Observation's component: an object with a ``code`` (and a ``valueCodeableConcept``)."""
    if not isinstance(value, OBJECT):
        return _not(where, value, "an object (a component)")
    if "code" not in value:
        return f"{where}.code is missing"
    fault = _concept_fault(value["code"], f"{where}.code")
    if fault is None and "valueCodeableConcept" in value:
        fault = _concept_fault(value["valueCodeableConcept"], f"{where}.valueCodeableConcept")
    return fault


def _extension_fault(value: object, where: str) -> str | None:
    """An Extension: an object whose ``url`` is a string."""
    if not isinstance(value, OBJECT):
        return _not(where, value, "an object (an Extension)")
    if not isinstance(value.get("url"), str):
        return _not(f"{where}.url", value.get("url"), "a string")
    return None


Check = Callable[[object, str], "str | None"]


def _each(check: Check) -> Check:
    """The check of a list whose items ``check`` checks."""

    def fault(value: object, where: str) -> str | None:
        if not isinstance(value, list):
            return _not(where, value, "a list")
        for i, item in enumerate(value):
            if (found := check(item, f"{where}[{i}]")) is not None:
                return found
        return None

    return fault


_CONCEPTS = _each(_concept_fault)
# The elements read to decide what a resource is (its codes, body sites, the reasons of an order,
# the genes of a genomic variant), by resource type: they are read before the resource is
# validated, so their shape is checked first, for every resource. A resource the mapping then
# uses is validated whole with its R4B model.
IDENTIFIED_BY: dict[str, dict[str, Check]] = {
    "Condition": {"code": _concept_fault, "bodySite": _CONCEPTS,
                  "extension": _each(_extension_fault), "clinicalStatus": _concept_fault,
                  "verificationStatus": _concept_fault},
    "Observation": {"code": _concept_fault, "component": _each(_component_fault)},
    "Procedure": {"code": _concept_fault, "category": _concept_fault, "reasonCode": _CONCEPTS},
    "ServiceRequest": {"code": _concept_fault, "reasonCode": _CONCEPTS},
    "MedicationRequest": {"medicationCodeableConcept": _concept_fault, "reasonCode": _CONCEPTS},
    "MedicationAdministration": {"medicationCodeableConcept": _concept_fault},
    "MedicationStatement": {"medicationCodeableConcept": _concept_fault},
    "MedicationDispense": {"medicationCodeableConcept": _concept_fault},
    "AllergyIntolerance": {"code": _concept_fault, "clinicalStatus": _concept_fault,
                           "verificationStatus": _concept_fault},
    "DiagnosticReport": {"code": _concept_fault, "conclusionCode": _CONCEPTS},
}  # fmt: skip


# Of these, the ones FHIR requires (one of each group: the medication as a code or a reference).
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "Observation": (("code",),),
    "DiagnosticReport": (("code",),),
    **{kind: (("medicationCodeableConcept", "medicationReference"),)
       for kind in ("MedicationRequest", "MedicationAdministration", "MedicationStatement",
                    "MedicationDispense")},
}  # fmt: skip


def _identity_fault(kind: str, data: JSON) -> str | None:
    """What is wrong with the elements that identify a resource (its ``id`` included), or None."""
    if "id" in data and not isinstance(data["id"], str):
        return _not("id", data["id"], "a string")
    for names in REQUIRED.get(kind, ()):
        if not any(name in data for name in names):
            return f"{' or '.join(names)} is missing"
    for name, check in IDENTIFIED_BY.get(kind, {}).items():
        if name in data and (fault := check(data[name], name)):
            return fault
    return None


MAX_VALUES = 20_000
"""The most values (objects, lists and their items) one resource may hold to be read. A resource
the mapping reads has hundreds (the largest reference example, a value set, 1,588); validating one
of millions (a note of a million items, 3 MB of JSON) took 4 s and 1 GB for its million
validation errors."""


def too_large(value: object, limit: int = MAX_VALUES) -> bool:
    """Whether a JSON value holds more than ``limit`` values (counted until there are)."""
    waiting, seen = [value], 0
    while waiting:
        item = waiting.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(item, OBJECT):
            waiting += item.values()
        elif isinstance(item, list):
            waiting += item
    return False


MAX_DEPTH = 64
"""The most levels of objects and lists one resource may nest to be read. A real one nests a
dozen or so (an extension in an extension adds two); validating one of 300 levels (extensions in
extensions, 6 KB) went past Python's recursion limit: a traceback, and 500 from the API."""


def _modified(data: JSON) -> str | None:
    """Why a resource cannot be read, or None: larger than MAX_VALUES values, nested deeper than
    MAX_DEPTH levels, or one of FHIR's modifiers changes its meaning. ``doNotPerform`` makes a
    request one not to give the drug or do the procedure; a ``modifierExtension`` (anywhere in
    it) is one that, by FHIR's rule, an application that does not understand it must not read
    the resource past. onconav understands none."""
    if data.get("doNotPerform") is True:
        return "an order not to do it (doNotPerform): not read as given or planned"
    waiting: list[tuple[object, int]] = [(data, 1)]
    seen = 0
    while waiting:
        value, depth = waiting.pop()
        seen += 1
        if seen > MAX_VALUES:
            return f"larger than a resource can be: more than {MAX_VALUES} values; not read"
        if depth > MAX_DEPTH:
            return f"nested deeper than a resource can be: more than {MAX_DEPTH} levels; not read"
        if isinstance(value, OBJECT):
            found = value.get("modifierExtension")
            if found:
                urls = [e.get("url") for e in found if isinstance(e, OBJECT)] if isinstance(
                    found, list) else []  # fmt: skip
                named = ", ".join(str(u) for u in urls if isinstance(u, str)) or "no url"
                return (f"a modifierExtension onconav does not understand ({named}) changes "
                        "what it says: not read")  # fmt: skip
            waiting += [(item, depth + 1) for item in value.values()]
        elif isinstance(value, list):
            waiting += [(item, depth + 1) for item in value]
    return None


# --------------------------------------------------------------------------------------------
# The input: resources validated and named
# --------------------------------------------------------------------------------------------


@dataclass
class Res:
    ref: str  # "Condition/x"
    type: str
    data: JSON


def _model_class(resource_type: str) -> Any:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError):
        return None


def zoned(value: object) -> object:
    """A copy of a resource (or of any JSON) in which each date-time that has a time but no time
    zone ("2024-04-02T10:00:00", FHIR requires a zone) is given one (UTC), for validation only:
    such a time is read as written, as any moment it may be (``_span``), and one element of it
    had made the whole resource not valid (a confirmed allergy to oxaliplatin dropped for its
    onset time, FOLFOX offered). Only text of that shape is changed, and a zone added to it
    makes no other kind of FHIR value (an id, a code, a date, text) valid that was not."""
    if isinstance(value, str):
        timed = FHIR_TIME.fullmatch(value)
        return f"{value}Z" if timed is not None and timed.group(6) is None else value
    if isinstance(value, Mapping):
        return {key: zoned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [zoned(item) for item in value]
    return value


# What each FHIR R4 primitive takes (by the name of its type in the R4B models), in words an
# integrator can act on: the models' own ("String should match pattern '^[A-Za-z0-9\\-.]+$'",
# "Instant value string does not match spec regex.") had been passed on as they were
FHIR_TYPE_WORDS = {
    "Id": "an id: 1 to 64 letters (A-Z, a-z), digits, '-' or '.', with no spaces",
    "Code": "a code: text with no space at either end and no two spaces together",
    "Uri": "a URI: text with no spaces",
    "Url": "a URL: text with no spaces",
    "Canonical": "a canonical URL: text with no spaces",
    "Oid": "an OID: urn:oid: then numbers joined by dots (urn:oid:2.16.840.1)",
    "Uuid": "a UUID (urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7)",
    "Instant": "an instant: a date and a time to the second with its time zone "
               "(2024-04-02T10:00:00Z)",
    "DateTime": "a dateTime: a year, a year and month, a date, or a date and time with its "
                "time zone (2024, 2024-04, 2024-04-02, 2024-04-02T10:00:00+01:00)",
    "Date": "a date: a year, a year and month, or a date (2024, 2024-04, 2024-04-02)",
    "Time": "a time of day: hh:mm:ss (10:30:00)",
    "Integer": "a whole number from -2,147,483,648 to 2,147,483,647",
    "Integer64": "a whole number",
    "UnsignedInt": "a whole number from 0 to 2,147,483,647",
    "PositiveInt": "a whole number from 1 to 2,147,483,647",
    "Decimal": "a number",
    "String": "text",
    "Markdown": "text",
    "Base64Binary": "base64-encoded text",
}


def _fhir_type(model: Any, where: Iterable[str | int]) -> tuple[str | None, Any, bool]:
    """The name of the FHIR type of the element at ``where`` (a pydantic error's ``loc``) in a
    resource or element ``model`` ("Id", "Instant", "Meta", "BundleLink"), the model that holds
    it (for an element it does not have), and whether the element is a list (of that type);
    None for a place the model has no element at."""
    import typing

    owner, name, many = model, None, False
    for step in where:
        if isinstance(step, int) or step == "root":
            continue
        if owner is None:
            return None, None, False
        fields = {f.alias or key: f for key, f in owner.model_fields.items()}
        if step not in fields:
            return None, owner, False
        kind, name, many = fields[step].annotation, None, False
        while True:  # Optional[List[Annotated[str, Id()]]] -> Id, a list
            args = [a for a in typing.get_args(kind) if a is not type(None)]
            many = many or typing.get_origin(kind) is list
            if typing.get_origin(kind) is typing.Annotated:
                name = type(kind.__metadata__[0]).__name__
                break
            if not args:
                break
            kind = args[0]
        klass = kind.get_model_klass() if hasattr(kind, "get_model_klass") else None
        if name is None:
            name = klass.__name__ if klass is not None else {bool: "Boolean", str: "String"}.get(
                kind)  # fmt: skip
        owner = klass
    return name, owner, many


# the models' words for a choice of elements (value[x]) given twice or not at all
ONE_OF = re.compile(r"from this list \[([^\]]*)\]")


def refused_kind(error: Any) -> str:
    """The kind of one of a FHIR model's errors, the models' own kind of a required element
    left out ("model_field_validation.missing") read as pydantic's "missing": "is required",
    not "is not accepted", which a wrong value gets."""
    kind = str(error.get("type"))
    return "missing" if kind.endswith(".missing") else kind


def fhir_refused(model: Any, error: Any) -> tuple[tuple[str, ...], str]:
    """What is accepted at the place one of a FHIR model's errors names, and the error in
    onconav's words (``reading.refused_words``), following the element's name: "is not
    accepted; accepted: an id: 1 to 64 letters ...", "is not an element of a FHIR R4
    BundleLink; its elements: relation, url, ...". One place for the Bundle's errors
    (``fhir.read_bundle``) and each resource's (``_invalid``)."""
    kind = refused_kind(error)
    where = error.get("loc", ())
    name, owner, many = _fhir_type(model, where)
    # the place of a list's item, or of the whole list (refused, or missing)
    many = many and not (where and isinstance(where[-1], int))
    if kind == "extra_forbidden" and owner is not None:
        elements = [f.alias or key for key, f in owner.model_fields.items()
                    if not (f.alias or key).startswith("_") and key != "fhir_comments"]  # fmt: skip
        what = getattr(owner, "__resource_type__", None) or owner.__name__
        return ((f"the elements of a FHIR R4 {what}: {', '.join(elements)}",),
                f"is not an element of a FHIR R4 {what}; accepted: the elements of a FHIR R4 "
                f"{what}: {', '.join(elements)}")  # fmt: skip
    choice = ONE_OF.search(str(error.get("msg", ""))) if kind == "value_error" else None
    if choice is not None:  # value[x] given twice, or a required one missing (the models' words:
        # "Any of one field value is expected from this list [...], but got multiple!")
        names = ", ".join(n.strip(" '\"") for n in choice.group(1).split(","))
        many_given = "multiple" in str(error["msg"])
        return ((f"one of {names}",), f"gives more than one of {names}; FHIR R4 takes one"
                if many_given else f"gives none of {names}; FHIR R4 needs one")  # fmt: skip
    if many and name is not None:
        accepted = [f"a list, each {FHIR_TYPE_WORDS[name]}" if name in FHIR_TYPE_WORDS else
                    f"a list of JSON objects (each a FHIR {name})"]  # fmt: skip
    elif name in FHIR_TYPE_WORDS:
        accepted = [FHIR_TYPE_WORDS[name]]
    elif name == "Boolean":
        accepted = ["true or false"]
    elif name is not None:  # an element of a complex type: an object, whatever was wrong
        accepted = [f"a JSON object (a FHIR {name})"]
    else:
        accepted = accepted_by(error)
    given = error.get("input")
    if kind == "string_type" and isinstance(given, (int, float)) and not isinstance(given, bool):
        # a code or text written as a number (a stage's code 4): said so, and how to write it
        # (it had been "is not accepted; accepted: a code: ...", which did not say what was wrong)
        return tuple(accepted), (f"is a number, not text; accepted: {' or '.join(accepted)} "
                                 f"(written in quotes: \"{given}\")")  # fmt: skip
    if kind == "value_error" and (name in FHIR_TYPE_WORDS or name == "Boolean"):
        # the models' own words for a value of a primitive ("Instant value string does not
        # match spec regex.", "DateTime must be timezone aware."): said as what is accepted
        kind = "not_accepted"
    return tuple(accepted), refused_words({**error, "type": kind}, accepted)


def _invalid(error: ValidationError, model: Any = None) -> str:
    """Why a resource is not valid FHIR R4 (its model's first error; ``model``, the resource's
    R4B model), in onconav's words (``fhir_refused``): "not valid FHIR R4: id is not accepted;
    accepted: an id: ...". Pydantic's own ("String should match pattern ...") had been said."""
    first = error.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                    for p in first.get("loc", ()) if p != "__root__").lstrip(".")  # fmt: skip
    more = error.error_count() - 1
    tail = f" (and {more} more)" if more > 0 else ""
    given = first.get("input")
    if first.get("type") in ("json_invalid", "model_validation_format") and not isinstance(
            given, OBJECT):  # fmt: skip
        # text or a number where an element is wanted (the model's words: "Invalid JSON:
        # expected value at line 1 column 1", "Value is expected from the instance of Reference")
        # (text quoted, cut short; anything else by its kind, ``_kind``: a list cut at 40
        # characters had ended inside a word, and true was "a number")
        shown = f"the text {given[:40]!r}" if isinstance(given, str) else _kind(given)
        message = f": should be an element (a JSON object), not {shown}"
        where = where.removesuffix(".root")
    elif model is not None and (codes := _status_missing(
            getattr(model, "__resource_type__", ""), tuple(first.get("loc", ())))):  # fmt: skip
        message = " " + refused_words({**first, "type": refused_kind(first)}, [codes])
    elif model is not None:
        message = " " + fhir_refused(model, first)[1]
    else:
        message = " " + refused_words(first, accepted_by(first))
    return f"not valid FHIR R4: {where or 'resource'}{message}{tail}"


def _status_refused(res: Res) -> str | None:
    """Why a resource's coded status or intent is not one of FHIR R4's (``STATUS_SETS``): the
    element and the codes accepted, or None. Of a CodeableConcept (a Condition's
    clinicalStatus), each coding of the value set's code system, or of none, is checked; words
    alone are read as they are. One coded only in another code system is refused too, as FHIR
    R4 binds each to its value set (required): a clinicalStatus coded only in SNOMED CT had
    been read by its code whatever it said (Inactive, 73425007, as a cancer going on)."""
    for name, (system, codes) in STATUS_SETS.get(res.type, {}).items():
        value = res.data.get(name)
        accepted = f"accepted: {', '.join(sorted(codes))}"
        if system is None:
            if value is not None and value not in codes:
                return f"not valid FHIR R4: {name} is not accepted; {accepted}"
            continue
        coded = [c for c in _codings(value) if isinstance(c, OBJECT)]
        if coded and not any(c.get("system") in _systems(system) for c in coded):
            given = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in coded)
            return (f"not valid FHIR R4: {name} is coded only in another code system "
                    f"({given}); FHIR R4 requires a coding of {system}, {accepted}")
        for i, coding in enumerate(_codings(value)):
            if (isinstance(coding, OBJECT) and coding.get("system") in _systems(system)
                    and coding.get("code") not in codes):  # fmt: skip
                return (f"not valid FHIR R4: {name}.coding[{i}].code is not accepted; "
                        f"{accepted} (of {system})")
    return None


def _status_missing(resource_type: str, where: tuple[Any, ...]) -> str | None:
    """The codes accepted for a status or an intent a model's error names (one missing, or not a
    code), as ``STATUS_SETS`` has them: the model says only "a code"."""
    if len(where) == 1 and (found := STATUS_SETS.get(resource_type, {}).get(str(where[0]))):
        return ", ".join(sorted(found[1]))
    return None


def _fhir_status(res: Res) -> bool:
    """Whether an Observation's status is one FHIR R4 has (``OBSERVATION_STATUSES``)."""
    status = res.data.get("status")
    return isinstance(status, str) and status in OBSERVATION_STATUSES


@dataclass
class Builder:
    """What is read so far: the values of each field with their sources, the resources not used
    (with the reason), and warnings."""

    kb: KnowledgeBase
    tables: Tables
    resources: dict[str, Res] = field(default_factory=dict)
    full_urls: dict[str, str] = field(default_factory=dict)
    urls_of: dict[str, list[str]] = field(default_factory=dict)  # full_urls by the resource
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=dict)
    unused: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    treatments: list[Any] = field(default_factory=list)  # the Given records, for the statuses
    # records stopped because the cancer grew whose drug is not known: what stopped working is
    # then a list that may not be whole
    stopped_unread: list[str] = field(default_factory=list)
    # records of a drug given that onconav does not know (its value ""): in use when the cancer
    # worsened, what stopped working may hold more than is read (``_statuses``)
    unknown_given: list[Any] = field(default_factory=list)
    # the other cancers on record, not read: a result or treatment that names no cancer may be
    # about one of them
    other_cancers: list[str] = field(default_factory=list)
    # drug records stopped for a harm, a toxicity or an allergy named ("Peripheral neuropathy",
    # "Neurotoxicity": ``words.HARM_WORDS``, ``words.SIDE_EFFECT_WORDS``), each with the warning
    # that read it: which drug of a course caused it is weighed once all are read
    # (``_harm_of_the_course``)
    # (the words, the warning, and whether they name an allergy or a reaction: ``ACUTE_REACTION``)
    harm_named: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    # the kinds of drug a harm of the person bars (``words.PERSON_HARMS``, the knowledge base's
    # ``DrugClass.barred_by``: DPD deficiency, the fluoropyrimidines), each with the records that
    # name it and their words (``_kinds_barred``)
    kinds_barred: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # drug records stopped for words that name other treatments than their own ("Disease
    # progression on FOLFOX" of fluorouracil's record, "Do not rechallenge with oxaliplatin" of
    # leucovorin's): how they are read ("progressed", "cannot-have"), the drugs and regimens
    # named, and the words; read over the record's course once all are read
    # (``_named_of_the_course``)
    # (every reading of a record, in order: "Neurotoxicity, do not rechallenge with oxaliplatin;
    # progression on FOLFOX" is both; one slot had kept only the last written)
    reason_named: dict[str, list[tuple[str, list[str], str]]] = field(default_factory=dict)
    # drug records whose words forbid their own drug again naming no drug ("Do not rechallenge",
    # "Neurotoxicity, do not rechallenge"), each with the words beside the forbidding
    # (``_not_again_words``: "" for none, "neurotoxicity"), its words and the warning that read
    # it: the same words on every record of a course whose drugs make a regimen are read as that
    # regimen (``_not_again_of_the_course``)
    not_again_own: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # a field whose result resources not read name (``_marker_not_read``): those resources
    named: dict[str, dict[str, str]] = field(default_factory=dict)  # FhirReading.named
    genes_not_read: dict[str, list[str]] = field(default_factory=dict)  # FhirReading's
    being_given: list[str] = field(default_factory=list)  # FhirReading's
    checked: dict[str, bool] = field(default_factory=dict)  # validated: valid or not
    # the resources about to be used found not valid, with the error: each is warned of once
    # the reading is done (``_invalid_warnings``), unless a warning of its own names it
    invalid: dict[str, str] = field(default_factory=dict)
    at: dict[str, str] = field(default_factory=dict)  # where in the input each resource read is

    def valid(self, res: Res, quiet: bool = False) -> bool:
        """Whether a resource about to be used is valid FHIR R4 (checked with its R4B model once,
        when first used, a time with no zone taken as FHIR has it: ``zoned``); one that is not
        is listed unused with the reason, and warned of: what it says is not read (an allergy
        dropped for one element had been only counted among the resources not used, and FOLFOX
        offered). ``quiet`` for one that is not read whatever it holds (about someone else)."""
        if res.ref not in self.checked:
            try:
                _model_class(res.type).model_validate(zoned(res.data))
                self.checked[res.ref] = True
                # (the model takes any code as a status or an intent)
                if (refused := _status_refused(res)) is not None:
                    self.checked[res.ref] = False
                    self.unused[res.ref] = refused
            except ValidationError as error:
                self.checked[res.ref] = False
                self.unused[res.ref] = _invalid(error, _model_class(res.type))
            except RecursionError:  # nested too deep for the model (MAX_DEPTH keeps it out)
                self.checked[res.ref] = False
                self.unused[res.ref] = "nested deeper than a resource can be: not read"
            if not self.checked[res.ref] and not quiet:
                self.invalid[res.ref] = self.unused[res.ref]
        return self.checked[res.ref]

    def use(self, name: str, *refs: str) -> None:
        self.sources.setdefault(name, set()).update(refs)

    def drop(self, ref: str, reason: str) -> None:
        self.unused.setdefault(ref, reason)

    def ref(self, reference: object) -> str | None:
        if isinstance(reference, OBJECT) and isinstance(reference.get("reference"), str):
            return reference_key(reference["reference"], self.full_urls)
        return None

    def of_type(self, *types: str) -> list[Res]:
        """The resources of these types, by reference; not those found not valid."""
        return sorted((r for r in self.resources.values()
                       if r.type in types and self.checked.get(r.ref, True)),
                      key=lambda r: r.ref)  # fmt: skip

    def row(self, table: str, concept: object) -> Row | None:
        return self.tables.first(table, _codings(concept))

    def agreed(self, table: str, concept: object, key: str, ref: str) -> Row | None:
        """``row``, when every coding of the concept that the table knows says the same ``key``
        (an answer, a place of spread); codings that say different ones (LOINC Absent beside
        SNOMED Present; a liver code beside a bone one) give None, with a warning naming them:
        which is right is not known, and unknown is not negative. The first had been read
        whatever the others said (KRAS wild-type, cetuximab offered)."""
        rows = [row for coding in _codings(concept) if isinstance(coding, OBJECT)
                and (row := self.tables.lookup(table, system_name(coding.get("system")),
                                               coding.get("code"))) is not None]  # fmt: skip
        said: dict[str, Row] = {}
        for row in rows:  # one answer in two words (Positive, Present) is one
            if value := row.get(key):
                said.setdefault(SAME_ANSWER.get(value, value), row)
        if len(said) > 1:
            # a broader and a narrower place (liver beside "site not said") are the narrower
            up = self.kb.vocabulary.up
            narrowest = [v for v in said if key == "metastasis"
                         and all(o == v or o in up("metastases", v) for o in said)]  # fmt: skip
            if narrowest:
                return said[narrowest[0]]
            self.warnings.append(_disagree(ref, [f"{r.display} ({v})" for v, r in said.items()]))
            return None
        return rows[0] if rows else None  # the first row, as ``row`` gives it: looked up once


# Answers that say the same in other words, as codings of one concept compare them
SAME_ANSWER = {"present": "positive", "absent": "negative"}


def _disagree(ref: str, said: list[str]) -> str:
    """The warning for a code whose codings say different things (``Builder.agreed``)."""
    return (f"{ref} is coded as {' and as '.join(said)}, which disagree: not read, since which "
            "is right is not known; check the record")


def _gather(items: Iterable[tuple[str, object, str | None]], builder: Builder) -> None:
    """Name each resource (``Type/id``) and check the shape of what identifies it (a resource
    whose codes are not objects of strings is listed unused, as not valid FHIR, and never read);
    a nested Bundle (as a CDS Hooks prefetch holds) is opened."""
    for where, item, full_url in items:
        if item is None:  # a prefetch key with nothing found
            continue
        if item is NO_RESOURCE:
            builder.drop(where, "an entry with no resource")
            continue
        if isinstance(item, Deleted):
            if item.ref:
                builder.drop(f"{item.ref} at {where}", f"deleted: the history deletes "
                             f"{item.ref} after this copy (the DELETE at {item.by}); not read")
            else:
                builder.drop(where, f"a DELETE of {item.by}: the copies of it older than it "
                             "are not read")  # fmt: skip
            continue
        if not isinstance(item, OBJECT):  # NOT_AN_ENTRY too
            builder.drop(where, "not a FHIR resource: a JSON object is expected")
            continue
        kind = item.get("resourceType")
        if not isinstance(kind, str):
            builder.drop(where, "not a FHIR resource: it has no resourceType")
            continue
        ident = item.get("id")
        ref = f"{kind}/{ident}" if isinstance(ident, str) and ident else f"{kind} at {where}"
        if _model_class(kind) is None:
            builder.drop(ref, f"not a FHIR R4 resource type: {kind!r}")
            continue
        if kind == "Bundle":
            entries = item.get("entry", [])
            if isinstance(entries, list):
                _gather(entries_of(entries, f"{where}.entry", item.get("type") == "history"),
                        builder)  # fmt: skip
            else:
                builder.drop(ref, "not valid FHIR R4: " + _not("entry", entries, "a list"))
            continue
        if ref in builder.resources:
            if kind == "Patient" and (bases := _two_servers(builder, ref, full_url)):
                # two patients that share an id on different servers are two people: read as
                # one, one's HER2 and the other's KRAS made a person of both
                raise FhirError([_problem(
                    "bundle", f"the resources are about 2 different patients ({ref} of "
                    f"{bases[0]} and of {bases[1]}); give one person's record", ONE_PERSON,
                )])  # fmt: skip
            kept = builder.resources[ref]
            newer = newer_version(item, kept.data)
            if newer is True:  # this copy replaces the one read so far, listed in its place
                for inner in [r for r in builder.resources if r.startswith((f"{ref}#",
                                                                            f"{ref} contained["))]:
                    del builder.resources[inner]  # the older copy's contained results
                    builder.checked.pop(inner, None)
                    builder.unused.pop(inner, None)
                builder.drop(f"{ref} at {builder.at[ref]}", f"an older version of {ref} "
                             f"({_version(kept.data)}) than the one read ({_version(item)})")
                builder.checked.pop(ref, None)
                builder.unused.pop(ref, None)
                builder.invalid.pop(ref, None)
            elif newer is False:
                builder.drop(f"{ref} at {where}", f"an older version of {ref} "
                             f"({_version(item)}) than the one read ({_version(kept.data)})")
                continue
            elif item == kept.data:
                builder.drop(f"{ref} at {where}", f"{ref} appears again; the first copy is read")
                continue
            else:  # two copies that differ, and nothing says which is the newer
                said = (f"{ref} appears twice with different contents, and no meta.versionId "
                        "or meta.lastUpdated says which is newer: the first copy is read")
                builder.drop(f"{ref} at {where}", said)
                builder.warnings.append(said + f" (the other is at {where}); check the record")
                continue
        builder.resources[ref] = Res(ref, kind, item)
        builder.at[ref] = where
        fault = _identity_fault(kind, item)
        if fault is not None:  # warned of as any resource not valid is (``_invalid_warnings``:
            # an oxaliplatin intolerance with a misspelt key in its code had been dropped with no
            # word, and FOLFOX offered), unless it may be about someone else (``_one_person``)
            builder.checked[ref] = False
            builder.unused[ref] = builder.invalid[ref] = f"not valid FHIR R4: {fault}"
        elif (changed := _modified(item)) is not None:
            builder.checked[ref] = False
            builder.unused[ref] = changed
        if full_url:
            builder.full_urls[full_url] = ref
            builder.urls_of.setdefault(ref, []).append(full_url)
        if kind == "DiagnosticReport" and _items(item.get("contained")):
            _contained_results(builder, ref, item, where)


def server_of_address(url: str | None, ref: str) -> str | None:
    """The server of an absolute address of ``ref`` (``http://a.org/fhir/Patient/p1``:
    ``a.org/fhir``), one however it is written (the host's case, the default port); None for an
    address that is not absolute or does not name ``ref``."""
    if not url or not url.lower().startswith(("http://", "https://")) or f"/{ref}" not in url:
        return None
    parts = urlsplit(url.split(f"/{ref}")[0])
    try:
        port = parts.port
    except ValueError:
        return None
    port = None if port in (80, 443) else port  # the default of http or https
    host = (parts.hostname or "").lower() + (f":{port}" if port else "")
    return host + parts.path.rstrip("/")


def _servers_of(builder: Builder, ref: str) -> set[str]:
    """The servers of the absolute fullUrls the resources named ``ref`` were given with."""
    return {b for url in builder.urls_of.get(ref, ()) if builder.full_urls.get(url) == ref
            and (b := server_of_address(url, ref))}  # fmt: skip


def _two_servers(builder: Builder, ref: str, full_url: str | None) -> tuple[str, str] | None:
    """The servers of two resources named alike (``Patient/p1``) whose absolute fullUrls name
    different servers (``http://a.org/fhir/Patient/p1``, ``http://b.org/fhir/Patient/p1``):
    FHIR's two resources, not two copies of one. None when either has no absolute fullUrl."""
    new = server_of_address(full_url, ref)
    other = next(iter(sorted(_servers_of(builder, ref) - {new})), None) if new else None
    return (other, new) if other and new else None


def _of_another_server(builder: Builder, link: object) -> str | None:
    """An absolute reference (``http://b.org/fhir/Patient/p1``) to a resource that the record
    holds by that name from other servers only (its Patient/p1 of ``a.org/fhir``), as written
    (cut to 80 characters): the resource of another server, about someone else. None when the
    reference is not absolute, is a fullUrl of the record, or the record's resource has no
    absolute fullUrl (then nothing says the servers differ)."""
    reference = link.get("reference") if isinstance(link, OBJECT) else None
    if not isinstance(reference, str) or reference in builder.full_urls:
        return None
    ref = reference_key(reference)
    there, here = server_of_address(reference, ref), _servers_of(builder, ref)
    return reference[:80] if there and here and there not in here else None


def _contained_results(builder: Builder, ref: str, report: JSON, where: str) -> None:
    """The Observations contained in a DiagnosticReport (``#id``: a laboratory's HER2 or KRAS
    result often travels so), each read as one of the record's own (``DiagnosticReport/r#h``),
    about the report's subject and of its date when it says neither itself, as FHIR has a
    contained resource take its context from the one that holds it. Those of a report entered in
    error or cancelled are listed unused, as the report is no fact."""
    status = _status(report)
    held = builder.checked.get(ref) is not False and builder.valid(builder.resources[ref])
    for i, item in enumerate(_items(report.get("contained"))):
        if not isinstance(item, OBJECT) or item.get("resourceType") != "Observation":
            continue
        ident = item.get("id")
        inner = f"{ref}#{ident}" if isinstance(ident, str) and ident else f"{ref} contained[{i}]"
        builder.at[inner] = f"{where}.contained[{i}]"
        why = (f"a result in a report with status {status!r} ({ref}): not a result"
               if status in NOT_A_FACT else None if held else
               f"a result in a report that cannot be read ({ref}: {builder.unused.get(ref)})")
        if why is not None:
            builder.resources[inner] = Res(inner, "Observation", item)
            builder.checked[inner] = False
            builder.unused[inner] = why
            continue
        own = dict(item)
        if own.get("subject") is None and report.get("subject") is not None:
            own["subject"] = report["subject"]
        if not any(k.startswith("effective") for k in own):
            for name in ("effectiveDateTime", "effectivePeriod"):
                if report.get(name) is not None:
                    own[name] = report[name]
        builder.resources[inner] = Res(inner, "Observation", own)


def _results_of_reports_in_error(builder: Builder) -> None:
    """The Observations a report entered in error or cancelled lists as its results (by
    reference, not contained: those are ``_contained_results``'s) are listed unused, as the
    report is no fact: its HER2 result had been read as the person's. One that another report
    of good standing also lists is read."""
    wrong: dict[str, str] = {}
    right: set[str] = set()
    for report in builder.of_type("DiagnosticReport"):
        status = _status(report.data)
        for link in _items(report.data.get("result")):
            ref = builder.ref(link)
            if ref is None or ref.startswith("#"):
                continue
            if status in NOT_A_FACT:
                wrong.setdefault(ref, f"a result listed by a report with status {status!r} "
                                      f"({report.ref}): not a result")  # fmt: skip
            else:
                right.add(ref)
    for ref, why in wrong.items():
        res = builder.resources.get(ref)
        if ref not in right and res is not None and res.type == "Observation":
            builder.checked[ref] = False
            builder.unused[ref] = why


def _version(data: JSON) -> str:
    """A copy's version as its ``meta`` says it, for a message."""
    meta: JSON = data["meta"] if isinstance(data.get("meta"), OBJECT) else {}
    said = [f"{k} {meta[k]}" for k in ("versionId", "lastUpdated") if isinstance(meta.get(k), str)]
    return ", ".join(said) or "no version"


def newer_version(copy: JSON, than: JSON) -> bool | None:
    """Whether one copy of a resource is a newer version than another (FHIR allows both in one
    Bundle, bdl-7), by ``meta.versionId`` when both are whole numbers, else by
    ``meta.lastUpdated``; None when they do not say, or say the same."""
    metas: list[JSON] = [d["meta"] if isinstance(d.get("meta"), OBJECT) else {}
                         for d in (copy, than)]  # fmt: skip
    ids = [str(m.get("versionId", "")) for m in metas]
    if all(i.isdigit() for i in ids) and int(ids[0]) != int(ids[1]):  # "01" is 1: no order
        return int(ids[0]) > int(ids[1])
    spans = [_span(m["lastUpdated"]) if isinstance(m.get("lastUpdated"), str) else None
             for m in metas]  # fmt: skip
    if spans[0] is not None and spans[1] is not None:
        if _before(spans[1], spans[0]):
            return True
        if _before(spans[0], spans[1]):
            return False
    return None


NO_RESOURCE = object()
NOT_AN_ENTRY = object()  # an entry that is null (a prefetch key's null is no data: skipped)


@dataclass(frozen=True)
class Deleted:
    """An entry of a history Bundle that holds a copy of a resource a DELETE after it (newer:
    a history lists the newest first) deleted, or the DELETE entry itself (``ref`` "")."""

    ref: str  # the resource deleted (Condition/c1), or ""
    by: str  # where the DELETE entry is (entry[1]), or what it deleted (Condition/c1)


def _deleted_ref(entry: JSON) -> str | None:
    """The ``Type/id`` a DELETE entry's request deletes (its url, relative or absolute, with any
    ``_history`` or search left off), or None for an entry that is no DELETE."""
    request = entry.get("request")
    if not isinstance(request, OBJECT) or request.get("method") != "DELETE":
        return None
    url = request.get("url")
    found = re.search(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9.-]{1,64})(?:/_history/|$|\?)",
                      url.split("?")[0] + "?") if isinstance(url, str) else None  # fmt: skip
    return f"{found.group(1)}/{found.group(2)}" if found else None


def entries_of(entries: list[Any], where: str,
               history: bool = False) -> list[tuple[str, object, str | None]]:  # fmt: skip
    """Each entry's resource with where it is (``entry[3]``) and its fullUrl. In a history
    Bundle (``history``: newest first), a DELETE entry deletes the resource its request names:
    the copies of it after the entry (older) are ``Deleted``, never read as on record; a copy
    before it (newer) was made after the delete, and is read."""
    out: list[tuple[str, object, str | None]] = []
    deleted: dict[str, str] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, OBJECT):  # null too: listed, never skipped as an empty key is
            out.append((f"{where}[{i}]", NOT_AN_ENTRY if entry is None else entry, None))
            continue
        url = entry.get("fullUrl")
        resource = entry.get("resource", NO_RESOURCE)
        resource = NO_RESOURCE if resource is None else resource  # "resource": null
        gone = _deleted_ref(entry) if history else None
        if gone is not None:
            deleted.setdefault(gone, f"{where}[{i}]")
            if resource is NO_RESOURCE:
                resource = Deleted("", gone)
        elif isinstance(resource, OBJECT) and (key := f"{resource.get('resourceType')}/"
                                               f"{resource.get('id')}") in deleted:  # fmt: skip
            resource = Deleted(key, deleted[key])
        out.append((f"{where}[{i}]", resource, url if isinstance(url, str) else None))
    return out


def _one_person(builder: Builder) -> None:
    """The resources must be about one person: more than one patient is an error. A resource
    whose ``subject`` (or ``patient``) is not a reference to a Patient (an identifier or a name
    only, a Group, a fullUrl not among the resources) may be about anyone: it is listed unused,
    never read as this person's."""
    people = {r.ref for r in builder.of_type("Patient")}
    for res in builder.resources.values():
        for element in ("subject", "patient"):
            people |= {who for link in _links(res.data.get(element))
                       if (who := builder.ref(link)) and _is_patient(builder, who)}  # fmt: skip
    if len(people) > 1:
        raise FhirError([_problem(
            "bundle", f"the resources are about {len(people)} different patients; give one "
            "person's record", ONE_PERSON,
        )])  # fmt: skip
    for res in builder.resources.values():
        name = next((n for n in ("subject", "patient") if res.data.get(n) is not None), None)
        if name is None or (builder.checked.get(res.ref) is False
                            and res.ref not in builder.invalid):  # fmt: skip
            continue
        others = [link for link in _links(res.data[name])
                  if not ((who := builder.ref(link)) and _is_patient(builder, who))]  # fmt: skip
        elsewhere = [written for link in _links(res.data[name])
                     if (written := _of_another_server(builder, link))]  # fmt: skip
        # whom it is about cannot be read (a subject written as text, "Patient/x", or a number):
        # broken FHIR, warned of as not read, not taken as perhaps someone else's (a record's
        # primary cancer so dropped without a word had left it said to hold no cancer Condition:
        # a review)
        unreadable = any(not isinstance(link, OBJECT) or not isinstance(
            link.get("reference", ""), str) for link in _links(res.data[name]))  # fmt: skip
        if builder.checked.get(res.ref) is False:  # not valid FHIR by the elements that
            # identify it: listed as such, and warned of only when it is about this person, or
            # may be
            if (others or elsewhere) and not unreadable:
                builder.invalid.pop(res.ref, None)
            continue
        # not read whatever it holds: one not valid is listed as such, but not warned of
        if elsewhere and not others and builder.valid(res, quiet=True):
            # Patient/p1 of another server than the record's Patient/p1: someone else
            builder.checked[res.ref] = False
            builder.unused[res.ref] = (f"its {name} is {elsewhere[0]}, a patient of another "
                                       "server than the record's: it may be about someone "
                                       "else; not read")  # fmt: skip
            continue
        if others and builder.valid(res, quiet=not unreadable):
            link = others[0]
            written = (link.get("reference") or link.get("display") if isinstance(link, OBJECT)
                       else None) or "an identifier only"  # fmt: skip
            builder.checked[res.ref] = False
            builder.unused[res.ref] = (f"its {name} ({str(written)[:80]}) is not a reference to a "
                                       "Patient: it may be about someone else; not read")


def _links(value: object) -> list[object]:
    """The References of a ``subject`` or ``patient``: one, or each of a list (an Account's or a
    Contract's subject may name several, as FHIR R4 allows)."""
    return value if isinstance(value, list) else [value]


def _is_patient(builder: Builder, who: str) -> bool:
    """Whether a reference (resolved: ``Builder.ref``) is to a Patient: the type of the resource
    it names, when that is among the resources (a transaction's Patient with no ``id``, named by
    its urn:uuid fullUrl, is "Patient at entry[0]"), else the type its reference says."""
    found = builder.resources.get(who)
    return found.type == "Patient" if found is not None else who.startswith("Patient/")


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read(items: list[tuple[str, object, str | None]], kb: KnowledgeBase,
         cancer_given: str | None = None) -> FhirReading:  # fmt: skip
    """The reading of resources (each with where it was found and its fullUrl). ``cancer_given``:
    where the cancer started as given beside the record (a cancer id, ``onconav options --fhir
    FILE --cancer rectum``): read when the record holds no cancer that could be read, said in a
    warning, and left out of the profile's data (the one who gave it fills it in)."""
    builder = Builder(kb, load_tables())
    _gather(items, builder)
    _one_person(builder)
    _results_of_reports_in_error(builder)
    cancer = _cancer(builder, cancer_given)
    _stage(builder, cancer)
    _metastases(builder, cancer)
    _symptoms(builder)
    _her2(builder, cancer)
    _kras(builder, cancer)
    _hormone_receptors(builder, cancer)
    _treatments(builder, cancer)
    _allergies(builder)
    _kinds_barred(builder)
    _statuses(builder, cancer)
    _results_to_come(builder)
    deceased = _deceased(builder)
    _invalid_warnings(builder)
    for res in builder.resources.values():
        if any(res.ref in refs for refs in builder.sources.values()):
            builder.unused.pop(res.ref, None)
        elif res.ref not in builder.unused:
            builder.drop(res.ref, _not_read(res))
            _marker_not_read(builder, res, cancer.site)
    return replace(_result(builder), deceased=deceased)


# What a resource of each type that is not read may leave out, said when it is not valid FHIR
NOT_TAKEN = {
    "AllergyIntolerance": "an allergy or intolerance on record",
    "Condition": "a condition on record (the cancer, where it has spread, a symptom)",
    "Observation": "a result on record (a stage, a test, how the cancer is doing)",
    "DiagnosticReport": "a report on record, with the results it holds,",
    "Medication": "the drug a treatment on record names",
    "BodyStructure": "where a treatment on record was given",
    **{kind: "a treatment on record (given, planned, or stopped because the cancer grew or "
       "could not be tolerated)" for kind in ("MedicationRequest", "MedicationAdministration",
                                             "MedicationStatement", "MedicationDispense",
                                             "Procedure", "ServiceRequest")},
}  # fmt: skip


def _invalid_warnings(builder: Builder) -> None:
    """A warning for each resource about to be used that is not valid FHIR (``Builder.valid``):
    what it says is not read, and the record should be checked. It had been only counted among
    the resources not used: a confirmed allergy to oxaliplatin dropped that way offered FOLFOX."""
    for ref, error in builder.invalid.items():
        what = NOT_TAKEN.get(builder.resources[ref].type, "what it records")
        builder.warnings.append(f"{ref} is not read ({error.removesuffix(': not read')}), so "
                                f"{what} is not taken into account: check the record")


# The words of a test of HER2 or KRAS, as an Observation's code may name one the tables lack
MARKER_WORDS = {"biomarkers.her2": re.compile(r"(?i)\b(her-?2|erbb2)\b"),
                "biomarkers.kras": re.compile(r"(?i)\bk-?ras\b")}


def _decides_options(kb: KnowledgeBase, fact: str, site: str) -> bool:
    """Whether a fact (``her2``) decides an option for the cancer: its condition tests it."""
    return any(kb.rules[o.id].scope.holds(site) and any(t.fact == fact for t in fact_tests(o.when))
               for o in kb.options)  # fmt: skip


def _marker_not_read(builder: Builder, res: Res, site: str) -> None:
    """A warning when an Observation that is not read names HER2 or KRAS in its code's words
    and that result is not read from another: the test that decides options may be on record
    under a code onconav lacks (HER2 by immune stain, 18474-7, had been only counted among the
    resources not read, and trastuzumab asked for a HER2 test the record held)."""
    if res.type not in ("Observation", "DiagnosticReport") or _status(res.data) in NOT_A_FACT:
        return  # (a report entered in error or cancelled is no result: a review of the change)
    said = " ".join(str(w) for w in _words(_code_of(res.data)))
    # and the words of a panel's parts (KRAS as a component of a gene panel), or a report's
    # conclusion ("HER2 (IHC): 3+ POSITIVE"): they had been dropped with no word (a review)
    parts = [w for c in _items(res.data.get("component")) if isinstance(c, OBJECT)
             for w in _words(c.get("code"))]  # fmt: skip
    conclusion = res.data.get("conclusion")
    parts += [words.without_invisible(conclusion)] if isinstance(conclusion, str) else []
    parts += [w for c in _items(res.data.get("conclusionCode")) for w in _words(c)]
    within = " ".join(str(w) for w in parts)
    for name, pattern in MARKER_WORDS.items():
        # a result read, or one no option for this cancer asks (HER2 in a breast cancer's
        # report, KRAS in a rectal one's HER2 line: a review of the change found most real
        # pathology reports warned of)
        if name in builder.values or not _decides_options(builder.kb, name.split(".")[1], site):
            continue
        marker = name.removeprefix("biomarkers.").upper()
        if pattern.search(said) or pattern.search(within):
            builder.named.setdefault(name, {}).setdefault(res.ref, "")  # names it only
        if pattern.search(said):
            builder.warnings.append(
                f"{res.ref} names {marker} ({_coded(_code_of(res.data))}), but its code is not "
                "one onconav reads: the result is not read from it; check the record, or give "
                "the result")  # fmt: skip
        elif pattern.search(within):
            where = "its parts (components)" if res.type == "Observation" else "its conclusion"
            builder.warnings.append(
                f"{res.ref} names {marker} in {where}, which onconav does not read: the result "
                "is not read from it; check the record, or give the result")  # fmt: skip


def _deceased(builder: Builder) -> str | None:
    """When the Patient records that the person has died (``deceasedBoolean`` true, or a
    ``deceasedDateTime``): the date, or "yes", with a warning. The options are still read from
    the record (one person's record is asked about on purpose); a population screening does
    not screen the person (docs/cohort.md)."""
    for res in builder.of_type("Patient"):
        when = res.data.get("deceasedDateTime")
        if isinstance(when, str) and when.strip():
            said = f"deceasedDateTime {when.strip()[:40]}"
            found = when.strip()[:40]
        elif res.data.get("deceasedBoolean") is True:
            said, found = "deceasedBoolean true", "yes"
        else:
            continue
        builder.warnings.append(f"{res.ref} records that this person has died ({said}); check "
                                "that this is the record meant")  # fmt: skip
        return found
    return None


def _not_read(res: Res) -> str:
    if res.type in NOT_READ:
        return NOT_READ[res.type]
    article = "an" if res.type[0] in "AEIOU" else "a"
    concept = res.data.get("code") or res.data.get("medicationCodeableConcept")
    if concept is not None:
        # a test or a word the sources never use (PD-L1, MSI, kidney failure): said so plainly
        plain = next((said for text in _words(concept) if (said := words.not_deciding(text))),
                     None)  # fmt: skip
        return (f"{article} {res.type} onconav does not read: {_coded(concept)}"
                + (f"; {plain}" if plain else ""))
    return f"{article} {res.type}: not part of the profile"


def _result(builder: Builder) -> FhirReading:
    data: dict[str, Any] = {}
    for name in FIELDS:
        if name not in builder.values:
            continue
        value = builder.values[name]
        if name.startswith("biomarkers."):
            data.setdefault("biomarkers", {})[name.split(".")[1]] = value
        else:
            data[name] = value
    sources = {
        name: sorted(builder.sources.get(name, ())) for name in FIELDS if name in builder.values
    }
    unused = [Unused(ref, reason) for ref, reason in sorted(builder.unused.items())]
    return FhirReading(data, sources, unused, list(dict.fromkeys(builder.warnings)),
                       named=builder.named, genes_not_read=builder.genes_not_read,
                       being_given=sorted(set(builder.being_given)))  # fmt: skip


# ---- the cancer ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CancerFound:
    res: Res | None  # None: the cancer given beside the record (``read``'s ``cancer_given``)
    site: str  # a cancer name for the profile ("rectum", "breast", "unknown")
    recurrence: str | None


def _is_cancer_code(concept: object) -> bool:
    """An ICD-10-CM code of a malignant neoplasm (C00-C96) that is not a secondary one."""
    for coding in _codings(concept):
        if system_name(coding.get("system")) != "icd10cm":
            continue
        code = normal_code("icd10cm", str(coding.get("code") or ""))
        if re.match(r"^C(\d\d|7A|7B)", code) and not re.match(r"^C(7[789]|7B|80\.0)", code):
            return int(code[1:3]) <= 96 if code[1:3].isdigit() else True
    return False


MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
HISTOLOGY = MCODE + "mcode-histology-morphology-behavior"
PRIMARY_PROFILE = MCODE + "mcode-primary-cancer-condition"
# Words that name a malignancy, and words beside them that say the Condition is not a primary
# cancer of the person now (a history, a suspicion, a tumour not invasive, spread: "Metastatic
# malignant neoplasm to bone marrow" is spread, and "metastatic" alone cannot tell a primary
# that spread from the spread) or is something the cancer causes ("Malignant pleural effusion").
MALIGNANT = re.compile(r"(?i)\b(malignan\w*|\w*carcinoma|\w*sarcoma|\w*lymphoma|leuka?emia|"
                       r"\w*melanoma|myeloma|cancer)\b")  # fmt: skip
# A problem list's short names of a cancer ("Rectal ca", "Ca rectum", "Gastric adenoCA", "CRC",
# "mCRC"), not a tumour marker ("CA 19-9", "CA-125"): a cancer only where the words, read as a
# person's are (``_abbreviated_cancer``), name a cancer of the knowledge base ("Low Ca" names
# none); they had been no cancer at all, and the CDS service silent
ABBREVIATED = re.compile(r"(?i)\b(ca|adenoca|crc|mcrc)\b(?![\s.-]*\d)")
NOT_PRIMARY = re.compile(r"(?i)\b(history of|in situ|benign|suspect\w*|screening|risk of|"
                         r"family|fear of|uncertain|premalignant|secondary|metasta\w*|"
                         r"no evidence of|related|associated|due to|"
                         r"pain|fatigue|effusion|ascites|cachexia|ana?emia|hypercalc\w*|"
                         r"of malignancy|survivor|predisposition|carrier|hereditary|syndrome|"
                         r"caused by|hypertension|neoplasm of uncertain)\b")  # fmt: skip


# "Metastatic" first, with no "to" after it, says the cancer has spread, not that the Condition
# is the spread: "Metastatic adenocarcinoma of rectum", "Metastatic gastric cancer" name the
# cancer (they were no cancer at all: a problem list's usual words for these patients); the
# spread is "metastatic to" ("Metastatic carcinoma to the lymph nodes of neck").
METASTATIC_FIRST = re.compile(r"(?i)^\s*metastatic\s+(?!.*\bto\b)")
# Where a cancer's name ends and words that say more of it begin: "Rectal cancer with liver
# metastases", "Rectal cancer w/ liver mets", "Adenocarcinoma of rectum, metastatic", "Rectal
# adenocarcinoma metastatic", "Metastatic rectal adenocarcinoma (liver, lung)", "Gastric cancer
# with anemia", "Stomach cancer; related to H. pylori", "Rectal cancer, no liver metastases",
# "Metastatic colon cancer to liver" (the name being between "Metastatic" and "to"); "and" only
# before spread ("Rectal cancer and liver metastases", not "... of colon and rectum")
AFTER_NAME = re.compile(r"(?i)\s*[,;(]\s*|\s+-\s+|\s*(?=\?)|"  # "?" kept: it doubts what follows
                        r"\s+(?=(?:w/|with(?:out)?\b|metastatic\b|metastasi[sz]ed\b|spread\b|"
                        r"no\b|not\b|non[\s-]?metastatic\b))|"
                        r"(?<=\S)\s+(?=(?:to|and)\s)")  # fmt: skip
# Words after a cancer's name, in a part of them that does not speak of spread, that say it is
# not the person's cancer now: a history, a suspicion, a tumour not invasive ("Rectal cancer,
# family history"; a "?" is weighed by ``_doubted_in_words``: "Rectal cancer?" doubts the
# cancer, "Rectal cancer (?recurrence)" only whether it came back); "from" says the cancer came
# from elsewhere, spread or not
NOT_THE_CANCER = re.compile(r"(?i)\b(history|hx|h/o|family|suspect\w*|screening|risk of|fear of|"
                            r"in situ|benign|premalignant|uncertain|survivor|no evidence of|"
                            r"ned|secondary(?!\s+to\b))\b")  # fmt: skip
PART = re.compile(r"(?i)\s*(?:[,;()]|\s-\s|\bw/|\bwith(?:out)?\b|\band\b)\s*")


def _cancer_and_spread(text: str) -> tuple[str, str] | None:
    """(the cancer's name, what the words say after it: where it has spread, or more of it) when
    words name a cancer and then say more; None when they do not. Where the rest says only
    where it has spread, the cut is the profile reader's (``words.spread_cuts``: "Rectal cancer
    + liver mets", "gastric cancer with peritoneal carcinomatosis"); else, or where words that
    say something else come first, at ``AFTER_NAME`` ("Gastric cancer with anemia", "Rectal
    cancer with liver mets, resected"). The name must name a malignancy and a place and be no
    spread of its own ("Metastatic carcinoma to the lymph nodes of neck" names only spread;
    "Carcinoma with liver metastases" says no cancer); "and" and "to" only before words of
    spread."""
    said = " ".join(text.split())
    spread = next(((head, rest) for head, rest, _ in words.spread_cuts(said)
                   if _a_cancers_name(head)), None)  # fmt: skip
    other = _cut_after_name(said)
    if spread is None or (other is not None and len(other[0]) < len(spread[0])):
        return other
    return spread


def _a_cancers_name(name: str) -> bool:
    """Whether words cut off before what follows name a cancer (``_cancer_and_spread``): a
    malignancy, not a history or a suspicion, and a place."""
    if (not (MALIGNANT.search(name) or ABBREVIATED.search(name))
            or NOT_PRIMARY.search(METASTATIC_FIRST.sub("", name))):  # fmt: skip
        return False
    # "Carcinoma with liver metastases": which cancer is not said
    return bool(set(words.place_words(name)) - words.NOTHING_NAMED - {"metastatic"})


def _cut_after_name(said: str) -> tuple[str, str] | None:
    """The first cut of ``_cancer_and_spread`` at ``AFTER_NAME``."""
    for clause in AFTER_NAME.finditer(said):
        name, spread = said[:clause.start()], said[clause.end():]
        lowered = spread.lower()
        if lowered.startswith("and ") and not SPREAD_WORD.search(spread):
            continue
        if lowered.startswith("to "):  # "Metastatic colon cancer to liver"
            if not re.match(r"(?i)metastatic\s", name):
                continue
            name, spread = name.split(None, 1)[1], f"metastatic {spread}"
        if not _a_cancers_name(name):
            continue
        # ("without", "w/o" kept: they deny the spread; "with" taken off them had left "out
        # metastases", read as spread far: a review of the change)
        return name, re.sub(r"(?i)^(?:with\b|w/(?!o\b)|and\b)\s*", "", spread)
    return None


def _after_name_denies(rest: str) -> bool:
    """Whether the words after a cancer's name say it is not the person's cancer now: a part of
    them that does not speak of spread says so (``NOT_THE_CANCER``: "Rectal cancer, history
    of", not "Rectal cancer, suspected liver metastases"), or any says it came "from" elsewhere
    ("Adenocarcinoma of rectum, metastatic from breast")."""
    if re.search(r"(?i)\bfrom\b", rest):
        return True
    return any(NOT_THE_CANCER.search(part) and not SPREAD_WORD.search(part)
               for part in PART.split(rest))  # fmt: skip


# Words of a cancer's Condition that doubt it, as a verificationStatus in words does
# (``STATUS_DOUBTED``), and more that a problem list writes ("Probable gastric cancer", "Worried
# about bowel cancer"); words that deny it (``STATUS_DENIED``: "Gastric cancer - excluded")
DOUBTED_WORDS = re.compile(STATUS_DOUBTED.pattern + r"|\b(probable|probably|likely|unlikely|"
                           r"worried about|worry about|concern (about|for)|concerned about|"
                           r"rule-out)(?!\w)")  # fmt: skip
# Words that doubt or deny, and the words around them that say no more ("to be", "diagnosis"):
# a part of a Condition's words that holds nothing else doubts what it follows
ONLY_DOUBT = re.compile(DOUBTED_WORDS.pattern + "|" + words.DENIAL_DENIED.pattern + "|"
                        + STATUS_DENIED.pattern + r"|\b(diagnosis|dx|to be|yet)\b")  # fmt: skip
# The parts of a Condition's words one of which may doubt the cancer, or only its spread: as
# ``PART``, and before a "?" that begins a word ("Rectal cancer ?liver mets")
DOUBT_PARTS = re.compile(PART.pattern + r"|\s+(?=\?)")


def _doubted_in_words(res: Res) -> str:
    """What a cancer Condition's words say of whether it is the person's cancer, when they doubt or
    deny it ("doubt it ('possible')": "Possible rectal cancer"; "deny it ('excluded')"): in the
    part of them (``DOUBT_PARTS``) that names the cancer, before its name or after it with
    nothing more, or in a part that says nothing but the doubt ("Rectal cancer - rule out",
    "Rectal cancer (r/o)", "..., not confirmed"). A doubt about anything else is not the
    cancer's: its spread ("Rectal cancer, suspected liver mets", which the spread's reading
    weighs), its kind, stage or markers ("Adenocarcinoma of stomach, likely signet ring",
    "Rectal cancer, MSI excluded", "Rectal cancer, likely stage IV"), what it may cause ("...,
    concern for obstruction"): a review of the change found each such cancer thrown away. ""
    when they do neither: a verificationStatus coded confirmed does not outweigh them (a
    record's default, where the words are a clinician's). Such a Condition is not read, as one
    whose verificationStatus is provisional or refuted is not (a review found "Rule out rectal
    cancer" and "Gastric cancer not confirmed" answered as the person's cancer, on a card of
    options)."""
    for text in _words(_code_of(res.data)):
        parts = [" ".join(p.lower().split()) for p in DOUBT_PARTS.split(text)]
        named = next((p for p in parts if MALIGNANT.search(p) or ABBREVIATED.search(p)), None)
        for part in parts:
            said = (words.DENIAL_DENIED.search(part) or DOUBTED_WORDS.search(part)
                    or STATUS_DENIED.search(part))  # fmt: skip
            after = part[said.end():] if said else ""
            of_the_name = part == named and (  # "Possible rectal cancer", "... not confirmed",
                # not "Rectal cancer likely stage IV"
                MALIGNANT.search(after) or ABBREVIATED.search(after)
                or not ONLY_DOUBT.sub("", after).strip(" -?.:)"))  # fmt: skip
            if said and (of_the_name or not ONLY_DOUBT.sub("", part).strip(" -?.:)")):
                denied = STATUS_DENIED.search(part) and not words.DENIAL_DENIED.search(part)
                return f"{'deny' if denied else 'doubt'} it ({said.group(0)!r})"
    return ""


# Words of a cancer's name that say it came back ("Recurrent rectal cancer", "Locally recurrent
# adenocarcinoma of rectum", "Relapsed cervical cancer"), with the word before them that says
# where ("local", "distant"); as words.RECURRENCE reads them
RECURRENCE_WORDS = re.compile(r"(?i)\b(?:(locally|local|locoregional|distant|metastatic)[\s-]+)?"
                              r"(recurrent|recurrence|recurred|relapsed?)\b(?![\s-]*free\b)")


def _recurrence_in_words(builder: Builder, res: Res) -> str | None:
    """Whether a cancer Condition's own words say it came back, and where: "local" ("Locally
    recurrent rectal cancer", "Local recurrence of ..."), "distant", or "yes" ("Recurrent rectal
    cancer", "Relapsed cervical cancer"), with a warning that it is read from them; None when
    they do not, or deny or doubt it in its clause ("Rectal cancer, no recurrence", "?
    recurrence"). A code the table reads says it already (SNOMED "Local recurrence of malignant
    tumor of rectum"): the same words in a name no table holds had been dropped without a word
    (the recurrence then asked of the care team, though on record)."""
    for text in _words(_code_of(res.data)):
        said = RECURRENCE_WORDS.search(text)
        if said is None:
            continue
        clause = _clause(text, said.start())
        if _denies(clause) or words.UNSURE.search(clause.lower()) or DOUBTED_WORDS.search(
                clause.lower()):  # fmt: skip
            continue
        value = words.RECURRENCE.get((said.group(1) or "").lower(), "yes")
        builder.warnings.append(f"the recurrence of {res.ref} is read from its words: {text!r} "
                                f"({'came back' if value == 'yes' else value})")  # fmt: skip
        return value
    return None


def _cancer_words(res: Res) -> list[str]:
    """The words of a Condition's code that name its cancer: each, without what it goes on to
    say after the cancer's name (``_cancer_and_spread``)."""
    return [split[0] if (split := _cancer_and_spread(text)) else text
            for text in _words(_code_of(res.data))]  # fmt: skip


def _text_names_a_cancer(text: str) -> bool | None:
    """What one of a code's words says: True when it names a cancer of the person (a malignancy,
    "Metastatic" first with no "to" after it saying only that it has spread, and nothing saying
    it is not their primary cancer now), False when it says it is not (``NOT_PRIMARY`` in the
    cancer's name, or ``_after_name_denies`` in what follows it), None when it names none."""
    split = _cancer_and_spread(text)
    if split and not MALIGNANT.search(split[0]):
        return None  # a short name ("Rectal ca, ..."): ``_abbreviated_cancer`` reads it
    if split:
        return not _after_name_denies(split[1])
    said = METASTATIC_FIRST.sub("", " ".join(text.split()))
    if NOT_PRIMARY.search(said):
        return False
    return True if MALIGNANT.search(said) else None


def _names_a_cancer(res: Res) -> bool:
    """Whether a Condition is a primary cancer by what it says beyond the tables: its code's words
    name a malignancy ("Primary malignant neoplasm of rectum", "Adenocarcinoma of the rectum"),
    or it carries mCODE's histology-morphology-behavior extension, or it claims mCODE's primary
    cancer profile. mCODE's primary cancer value set is every descendant of SNOMED CT 363346000
    (Malignant neoplastic disease): no table can list them all. Each of the code's words (its
    text, each display) is judged on its own (``_text_names_a_cancer``): a cancer when one names
    one and none says it is not the person's primary cancer; a text repeated in a display reads
    as the one text (it had been joined to it, and "Metastatic ... Metastatic ..." read as
    spread)."""
    said = [_text_names_a_cancer(text) for text in _words(_code_of(res.data))]
    if False in said:
        return False
    if True in said:
        return True
    if any(isinstance(e, OBJECT) and e.get("url") == HISTOLOGY
           for e in _items(res.data.get("extension"))):  # fmt: skip
        return True
    meta = res.data.get("meta")
    profiles = meta.get("profile") if isinstance(meta, OBJECT) else None
    return isinstance(profiles, list) and any(
        isinstance(p, str) and p.split("|")[0] == PRIMARY_PROFILE for p in profiles)


def _site_by_words(builder: Builder, res: Res) -> str | None:
    """The cancer the words of a Condition's code name ("Adenocarcinoma of the rectum": rectum),
    as a person's words are read, or a cancer the tables name ("Malignant tumor of lung": lung);
    None when they name nothing but a malignancy. A cancer the sources do not describe is named
    by its words as the profile reads them, whenever it reads them with no problem: a kind of
    cancer ("Malignant melanoma", "Multiple myeloma") before a place the tables name, any other
    ("Pancreatic adenocarcinoma", "Cholangiocarcinoma") after (it was read as a cancer whose
    start is not known, where the command line given the same words named it). A cancer of the
    knowledge base is named by the entry the words matched, as the tables name it ("Malignant
    neoplasm of colon and rectum" is colorectal, as ICD-10-CM C19 is, and so carries its note
    that it may have started in the rectum; it had been read as colon). A code the
    tables read as a cancer of no known place is one: its words are read only for a cancer the
    knowledge base or the tables know."""
    from onconav.profile import read_cancer

    places = _table_places(builder.tables)
    coded = builder.row("conditions", _code_of(res.data)) is not None
    for text in _cancer_words(res):
        reading = read_cancer(builder.kb, text)
        if reading.site == "any":  # words that name no place ("Carcinoma"): not known
            continue
        if builder.kb.kind_of.get(reading.site) == "cancers":
            return reading.record or reading.site  # "colon and rectum": colorectal, as C19 is
        named_by_words = reading.site and not reading.problems and not coded
        if named_by_words and words.OTHER_KINDS.search(text.lower()):
            return reading.site
        named = [p for p in sorted(places) if re.search(rf"(?i)\b{re.escape(p)}\b", text)]
        if len(named) == 1:
            return named[0]
        if named_by_words and set(words.place_words(text)) - words.NOTHING_NAMED:
            return reading.site
    return None


def _abbreviated_cancer(builder: Builder, res: Res) -> str | None:
    """The cancer a Condition in no table names by a short name (``ABBREVIATED``) and a place
    alone: "Rectal ca", "Ca rectum", "Gastric adenoCA", "mCRC", "Metastatic CRC", "CRC w/
    liver mets" (the spread after it read as after any cancer's name), as the profile reads the
    same words; None otherwise. The short name with its place must be the whole of the name,
    so that "Gastric ulcer - biopsy: no ca", "Colon polyp, Ca negative", "Ca deposits in
    breast", "High risk for colon ca" name none (a review of the change found them read as
    cancers); nor a relative's or one not the person's now ("Rectal ca (father)", "Rectal ca,
    NED": ``NOT_THEIRS_AT_ALL``, ``_after_name_denies``)."""
    from onconav.profile import read_cancer

    for text in _words(_code_of(res.data)):
        split = _cancer_and_spread(text)
        name, rest = split if split else (text, "")
        short = ABBREVIATED.search(name)
        if (not short or NOT_THEIRS_AT_ALL.search(text) or _after_name_denies(rest)
                or NOT_PRIMARY.search(METASTATIC_FIRST.sub("", name))):  # fmt: skip
            continue
        place = " ".join(w for w in re.findall(r"[a-z]+", ABBREVIATED.sub(" ", name).lower())
                         if w not in words.DESCRIBING and w not in ("of", "the"))  # fmt: skip
        named = [r.id for r in builder.kb.find(place) if builder.kb.kind_of.get(r.id) == "cancers"]
        if not (named if place else short.group(1).lower() in ("crc", "mcrc")):
            continue
        reading = read_cancer(builder.kb, name)
        if builder.kb.kind_of.get(reading.site) == "cancers" and not reading.problems:
            return reading.record or reading.site
    return None


def _displays_differ(builder: Builder, res: Res) -> list[str]:
    """A warning for each coding of a Condition's code whose display names another cancer than
    its code does in onconav's table (a SNOMED CT code of stomach cancer shown as "Rectal
    cancer"): the code is read, and the display is named, as one of them is wrong. A display
    that names the same cancer, one it may be (colorectal beside rectal) or no cancer is
    not warned of. It had been read by its code with no word (a clinician's review)."""
    from onconav.profile import read_cancer

    kb = builder.kb

    def answered(site: str) -> set[str]:
        record = kb.by_id.get(site)
        return {site, getattr(record, "read_as", None) or site, *getattr(record, "may_be", ())}

    out = []
    for coding in _codings(_code_of(res.data)):
        row = builder.tables.lookup("conditions", system_name(coding.get("system")),
                                    coding.get("code"))  # fmt: skip
        shown = coding.get("display")
        coded = row.get("cancer") if row is not None else None
        if row is None or coded in (None, "unknown") or not isinstance(shown, str):
            continue
        reading = read_cancer(kb, words.without_invisible(shown))
        named = reading.record or reading.site
        if (named not in (None, "any", "unknown") and kb.kind_of.get(named) == "cancers"
                and not reading.problems
                and not answered(named) & answered(str(coded))):  # fmt: skip
            out.append(f"{res.ref}'s code {system_name(coding.get('system'))}|"
                       f"{coding.get('code')} is {row.display} ({kb.name_of(str(coded))}), but "
                       f"its display says {words.without_invisible(shown)!r} "
                       f"({kb.name_of(named)}): the code is read; check which is right")
    return out


def _answered_as(builder: Builder, res: Res, site: str) -> str | None:
    """The warning, when the cancer a Condition is read as is answered as another (the knowledge
    base's ``read_as``: ICD-10-CM C19, the rectosigmoid junction, is colorectal cancer, answered
    as colon cancer until told which; C16.0, the cardia, is gastro-oesophageal junction cancer,
    answered as stomach cancer), naming the code read and what it may be (``may_be``): C19 had
    been read as colon cancer with no word of the code (a clinician's review). None when the
    cancer is answered as itself. The mapping is not changed: a tumour at the rectosigmoid
    junction may be treated as either, and which is for the care team to say."""
    record = builder.kb.by_id.get(site)
    read_as = getattr(record, "read_as", None)
    if not read_as or read_as == site:
        return None
    may_be = [builder.kb.name_of(m) for m in getattr(record, "may_be", ())]
    which = (f"; it may be {' or '.join(may_be)}: if the record or the care team says which, "
             "give it" if may_be else "")  # fmt: skip
    return (f"{res.ref} ({_coded(_code_of(res.data))}) is read as {builder.kb.name_of(site)}, "
            f"which onconav answers as for {builder.kb.name_of(read_as)}{which}")


def _site_of(builder: Builder, res: Res) -> tuple[str | None, str | None, bool]:
    """(cancer name, recurrence, whether it is a cancer) a Condition says: by the table, any of
    its codings (one that places the cancer before one that does not: SNOMED CT 363346000 then
    ICD-10-CM C16.9 is stomach cancer); then, a cancer not placed, by its body site, or by the
    words of its code. A Condition is a cancer by the table, by an ICD-10-CM code C00-C96, or by
    what it says (``_names_a_cancer``), when it is not spread from a cancer elsewhere."""
    rows = [r for r in builder.tables.every("conditions", _codings(_code_of(res.data)))
            if r.get("cancer") is not None]  # fmt: skip
    row = next((r for r in rows if r.get("cancer") != "unknown"), rows[0] if rows else None)
    site = row.get("cancer") if row else None
    recurrence = row.get("recurrence") if row else None
    is_cancer = site is not None or _is_cancer_code(_code_of(res.data)) or (
        _names_a_cancer(res) and not _metastasis_site(builder, res)
        and builder.row("conditions", _code_of(res.data)) is None
        # what a cancer causes, named as the symptom ("Malignant bowel obstruction", "Malignant
        # spinal cord compression"): it had been read as a colorectal cancer, or a second cancer
        and not _symptoms_named(builder.kb, res))  # fmt: skip
    if not is_cancer and builder.row("conditions", _code_of(res.data)) is None:
        abbreviated = _abbreviated_cancer(builder, res)
        if abbreviated:
            return abbreviated, None, True
    if is_cancer and site in (None, "unknown"):
        for body in _items(res.data.get("bodySite")):
            place = builder.row("body_sites", body)
            if place and place.get("cancer"):
                return place.get("cancer"), recurrence, True
        site = _site_by_words(builder, res) or site
    return site, recurrence, is_cancer


def _cancer(builder: Builder, given: str | None = None) -> CancerFound:
    found: list[CancerFound] = []
    for res in builder.of_type("Condition"):
        site, recurrence, is_cancer = _site_of(builder, res)
        if not is_cancer or not builder.valid(res):
            continue
        if _status(res.data, "verificationStatus") in NOT_CONFIRMED:
            why = _status(res.data, "verificationStatus")
            builder.drop(res.ref, f"a cancer condition that is {why}: not read")
            continue
        if doubt := _doubted_in_words(res):
            builder.drop(res.ref, f"a cancer condition whose words {doubt}: not read")
            continue
        if site in (None, "unknown"):
            builder.warnings.append(
                f"where the cancer started is read as unknown: {res.ref} is coded "
                f"{_coded(_code_of(res.data))}, which onconav's table does not place, and "
                "neither its body site nor its words name a place onconav knows"
            )
            site = "unknown"
        elif builder.row("conditions", _code_of(res.data)) is None and not _is_cancer_code(
                _code_of(res.data)):  # fmt: skip
            builder.warnings.append(
                f"{res.ref} is read as {_a_cancer_of(builder, site)} from its body site or its "
                f"words: {_not_in_table(_code_of(res.data))}; check that this is where the "
                "cancer started"
            )
        named = [str(r.get("cancer")) for r in builder.tables.every(
            "conditions", _codings(_code_of(res.data))) if r.get("cancer") not in (None, "unknown")]
        answered = {getattr(builder.kb.by_id.get(c), "read_as", None) or c for c in named}
        if len(answered) > 1:  # C18.9 beside SNOMED "Adenocarcinoma of rectum": which is right?
            builder.warnings.append(
                f"{res.ref}'s codes name different cancers ({', '.join(dict.fromkeys(named))}): "
                f"it is read as {_a_cancer_of(builder, site)}, by its first code that places "
                "the cancer; check which is right"
            )
        if (said := _answered_as(builder, res, site)) is not None:
            builder.warnings.append(said)
        builder.warnings += _displays_differ(builder, res)
        if _clinical(builder, res) in ("recurrence", "relapse"):
            recurrence = recurrence or "yes"
        recurrence = recurrence or _recurrence_in_words(builder, res)
        found.append(CancerFound(res, site, recurrence))
    if not found:
        found = _cancer_from_orders(builder)
    if not found:
        return _no_cancer(builder, given)

    pointed = _staged_or_spread(builder)

    def rank(c: CancerFound) -> tuple[bool, bool, bool, bool, Span, str]:
        assert c.res is not None  # each found on record
        active = _clinical(builder, c.res) not in NOT_NOW
        date = _order(_result_date(c.res) if c.res.type == "Condition" else "")
        coded = c.res.type != "Condition" or builder.row(
            "conditions", _code_of(c.res.data)) is not None or _is_cancer_code(
            _code_of(c.res.data))  # a code the tables know, before words  # fmt: skip
        # one the record stages or says has spread, before one it does not (a skin cancer
        # recorded after a stage 4 rectal cancer had been read, as the newer)
        return (active, c.site != "unknown", c.res.ref in pointed, coded, date, c.res.ref)

    best = max(found, key=rank)
    # a cancer that may be one of others (colorectal: colon or rectum) and one of those beside
    # it are one cancer, the narrower named: "Bowel cancer" or C19 beside C18.9 is colon (it
    # had been "more than one cancer is on record", a review of the change)
    may_be = {c.id: set(c.may_be) for c in builder.kb.data.cancers}
    narrower = {c.site for c in found if c.site in may_be.get(best.site, set())}
    if len(narrower) == 1:
        best = max((c for c in found if c.site in narrower), key=rank)
    one = {best.site} | {site for site, may in may_be.items() if best.site in may}
    chosen = [c for c in found if c.site in one]
    primary = best.res
    assert primary is not None  # each found is on record
    for other in found:
        if other.site not in one and other.res is not None:
            builder.drop(other.res.ref, f"another cancer ({other.site}); the profile describes "
                         f"one cancer, {best.site}, from {primary.ref}")  # fmt: skip
            builder.warnings.append(
                f"more than one cancer is on record: read {best.site}; not read {other.site}"
            )
            builder.other_cancers.append(other.site)
    builder.values["cancer"] = best.site
    builder.use("cancer", *(c.res.ref for c in chosen if c.res and c.res.type == "Condition"))
    if primary.type != "Condition":
        builder.use("cancer", primary.ref)
    recurrences = {c.recurrence for c in chosen if c.recurrence}
    if recurrences:
        builder.values["recurrence"] = "local" if "local" in recurrences else sorted(recurrences)[0]
        builder.use("recurrence", *(c.res.ref for c in chosen if c.recurrence and c.res))
    status = _clinical(builder, primary)
    if status in NOT_NOW:
        said = "in remission" if status == "remission" else status
        builder.warnings.append(f"{primary.ref} records the cancer as {said}: it is read as the "
                                "cancer, since no current one is on record")  # fmt: skip
    return best


STAGE_TESTS = {"stage-group", "figo-stage", "m-category"}  # a stage's, or its M category's, focus
STAGE_4_WORDS = re.compile(r"(?i)\b(stage|figo)\s*(iv|4)[a-c]?\b|\b[cpy]{0,2}m1[a-d]?\b")


def _says_stage_4(builder: Builder, concept: object) -> bool:
    """Whether a stage's value says stage 4 or M1, by the table, AJCC's codes or its words
    (read quietly: what the stage is, and its warnings, are the stage's reading's)."""
    row = builder.row("observations", concept)
    if row is not None and (row.get("stage") in ("4", "4A", "4B") or str(row.get("m")) == "1"):
        return True
    codes = [str(c.get("code")) for c in _codings(concept)
             if system_name(c.get("system")) == "ajcc"]  # fmt: skip
    if any(re.fullmatch(r"(?i)[cpy]{0,2}(iv[a-c]?|4[a-c]?|m1[a-d]?)", c.strip()) for c in codes):
        return True
    return any(STAGE_4_WORDS.search(str(text)) for text in _words(concept))


def _stage_value(res: Res) -> object:
    """A stage Observation's value: its concept, or its words as a concept's text."""
    value = res.data.get("valueCodeableConcept")
    if value is None and isinstance(res.data.get("valueString"), str):
        return {"text": res.data["valueString"]}  # its words read as a concept's (``_words``)
    return value


def _staged_or_spread(builder: Builder) -> set[str]:
    """The Conditions the record says are advanced: staged 4 (or M1) by a stage whose ``focus``
    names them, by their own ``stage`` (its summary, or an assessment so staged), with spread
    related to them (``condition-related``), or naming where they have spread in their words. The
    cancer onconav is about is the advanced one; a stage of an earlier time (IIIC), a result not
    final, or what a treatment is about says less (an old breast cancer's stage IIIC had taken a
    rectal cancer's stage IV)."""
    out: set[str] = set()

    def stage_4(res: Res | None) -> bool:
        return res is not None and res.type == "Observation" and (
            _status(res.data) in RESULT_OK) and _says_stage_4(builder, _stage_value(res))

    for res in builder.resources.values():
        named: list[object] = []
        if res.type == "Observation":
            row = builder.row("observations", res.data.get("code"))
            if row is not None and row.get("test") in STAGE_TESTS and stage_4(res):
                named += _items(res.data.get("focus"))
        if res.type == "Condition" and _status(res.data, "verificationStatus") not in (
                NOT_CONFIRMED):  # fmt: skip
            named += [e.get("valueReference") for e in _items(res.data.get("extension"))
                      if isinstance(e, OBJECT) and e.get("url") == RELATED]  # fmt: skip
            for stage in _items(res.data.get("stage")):
                if not isinstance(stage, OBJECT):
                    continue
                assessed = [builder.resources.get(builder.ref(a) or "")
                            for a in _items(stage.get("assessment"))]  # fmt: skip
                if _says_stage_4(builder, stage.get("summary")) or any(map(stage_4, assessed)):
                    out.add(res.ref)
            if _spread_with_cancer(builder, res):  # "Rectal cancer with liver metastases"
                out.add(res.ref)
        out |= {ref for ref in map(builder.ref, named) if ref and ref != res.ref}
    return out


ORDERS = ("ServiceRequest", "MedicationRequest", "DiagnosticReport", "Procedure")
# The statuses of an order or a procedure that say it is not a fact: written in error, or
# withdrawn (what it names as its reason is not read as the cancer).
NOT_A_FACT = {"entered-in-error", "cancelled", "revoked", "not-done"}


def _cancer_reason(builder: Builder, res: Res) -> tuple[object, str | None] | None:
    """The first cancer an order, a procedure or a report names (its ``reasonCode``, a report's
    ``conclusionCode``) and the cancer name the table gives it, or None."""
    element = "conclusionCode" if res.type == "DiagnosticReport" else "reasonCode"
    for concept in _items(res.data.get(element)):
        row = builder.row("conditions", concept)
        site = row.get("cancer") if row else None
        if site is not None or _is_cancer_code(concept):
            return concept, site
    return None


def _cancer_from_orders(builder: Builder) -> list[CancerFound]:
    """With no cancer Condition: a cancer named as the reason for an order or a procedure, or as
    a report's conclusion; not by one entered in error, cancelled, revoked or not done, nor by a
    report that is not final (amended, corrected or appended)."""
    found = []
    for res in builder.of_type(*ORDERS):
        named = _cancer_reason(builder, res)
        if named is None or not builder.valid(res):
            continue
        concept, site = named
        status = _status(res.data)
        if status in NOT_A_FACT or (res.type == "DiagnosticReport"
                                    and status not in RESULT_OK | {"appended"}):  # fmt: skip
            builder.drop(res.ref, f"{_coded(concept)} is named by a {res.type} with status "
                         f"{status!r}: not read as the cancer")  # fmt: skip
            continue
        unread = _cancer_conditions_not_read(builder)
        builder.warnings.append(
            ("no cancer Condition could be read (coded as a cancer but not read: "
             f"{'; '.join(unread)})" if unread else "no cancer Condition is on record")
            + f": the cancer is read from the reason for {res.ref} ({_coded(concept)})"
        )
        found.append(CancerFound(res, site or "unknown", None))
    return found


def _cancer_conditions_not_read(builder: Builder) -> list[str]:
    """The Conditions coded as a cancer where it started that were not read (not valid FHIR, or
    about someone else), each with why: mended, one would give the cancer (a warning had said
    only that none was on record). Named here, so not warned of again as not valid."""
    named = [res.ref for res in builder.resources.values()  # of_type leaves out the not valid
             if res.type == "Condition" and res.ref in builder.unused
             and _coded_as_cancer(builder, res) and not _metastasis_site(builder, res)]
    for ref in named:
        builder.invalid.pop(ref, None)
    return [f"{ref} ({builder.unused[ref].removesuffix(': not read')})" for ref in named]


def _no_cancer(builder: Builder, given: str | None) -> CancerFound:
    """With no cancer Condition read, nor a cancer named by an order: where the cancer started as
    given beside the record (``given``); else only spread of a cancer on record, read as a cancer
    whose start is not known; else a ``FhirError`` naming each Condition seen and each resource
    coded or worded as a cancer that was not read, with why."""
    secondary = []
    for res in builder.of_type("Condition"):
        if not _metastasis_site(builder, res) or not builder.valid(res):
            continue
        if _status(res.data, "verificationStatus") in NOT_CONFIRMED:
            why = _status(res.data, "verificationStatus")
            builder.drop(res.ref, f"spread of a cancer that is {why}: not read")
            continue
        secondary.append(res)
    if given is not None:  # the flag fills what the record lacks (it had been refused: a review)
        spread = {res.ref for res in secondary}  # read as where it has spread
        unread = [message for ref, message in _not_read_as_cancer(builder) if ref not in spread]
        builder.warnings.append(
            "no cancer Condition could be read"
            + (" (only spread of a cancer is on record)" if secondary else "")
            + f": the cancer given beside the record, {_a_cancer_of(builder, given)}, is read, "
            "and the record's stage, spread, results and treatments are read as its"
            + (f"; not read: {'; '.join(unread)}" if unread else ""))  # fmt: skip
        return CancerFound(None, given, None)
    if secondary:
        unread = _cancer_conditions_not_read(builder)
        builder.warnings.append(
            "only cancer that has spread is on record: where it started is read as unknown"
            + (f"; coded as a cancer but not read: {'; '.join(unread)}" if unread else "")
        )
        builder.values["cancer"] = "unknown"
        builder.use("cancer", *(r.ref for r in secondary))
        return CancerFound(secondary[0], "unknown", None)
    rejected = [_problem("bundle", message, VALID_CONDITION)
                for _, message in _not_read_as_cancer(builder)]  # fmt: skip
    # each with why it was not read, if it was not (a code written as a number is not valid)
    seen = [f"{r.ref} ({_coded(_code_of(r.data))}"
            + (f": {builder.unused[r.ref]})" if r.ref in builder.unused else ")")
            for r in builder.resources.values() if r.type == "Condition"]  # fmt: skip
    seen += [f"{ref} ({why})" for ref, why in builder.unused.items()
             if ref.startswith("Condition/") and why.startswith("deleted")]  # fmt: skip
    shown = "; ".join(seen[:10]) + (f"; and {len(seen) - 10} more" if len(seen) > 10 else "")
    # entries that are no resource may be the Conditions: said, not only "No Condition"
    bad = [where for where, why in builder.unused.items() if why.startswith("not a FHIR resource")]
    bad_shown = ", ".join(bad[:10]) + (f" and {len(bad) - 10} more" if len(bad) > 10 else "")
    raise FhirError([_problem(
        "bundle", "no cancer condition: no Condition coded or worded as a cancer (SNOMED CT, "
        "ICD-10-CM C00-C96, or words that name a malignancy) that could be read, and no cancer "
        "named as the reason for an order; the profile needs where the cancer started. "
        + (f"The Conditions seen: {shown}. " if seen else "No Condition is in the record. ")
        + (f"Not read, as not FHIR resources (a JSON object with a resourceType is expected): "
           f"{bad_shown}. " if bad else "")
        + "Send the person's cancer as a Condition, coded in SNOMED CT or ICD-10-CM (C00-C96), "
        "or with words that name it (\"Adenocarcinoma of rectum\")", CANCER_CONDITION,
    ), *rejected], no_cancer=not rejected, cancer_missing=True)  # fmt: skip


def _not_read_as_cancer(builder: Builder) -> list[tuple[str, str]]:
    """Each resource that may give the cancer but was not read, as (reference, why): a Condition
    coded as a cancer or its spread, an order naming a cancer as its reason, a Condition whose
    words name a malignancy that may be the person's (``_names_a_malignancy``)."""
    coded = [(res.ref, f"{res.ref} is coded as a cancer but was not read: "
              + builder.unused[res.ref].removesuffix(": not read"))
             for res in builder.resources.values()
             if res.type == "Condition" and res.ref in builder.unused
             and (_coded_as_cancer(builder, res) or _metastasis_site(builder, res))
             ] + [(res.ref, f"{res.ref} names a cancer but was not read: "
                   + builder.unused[res.ref]) for res in builder.resources.values()
                  if res.type in ORDERS and res.ref in builder.unused
                  and _cancer_reason(builder, res) is not None]  # fmt: skip
    named = {ref for ref, _ in coded}
    return coded + [(res.ref, f"{res.ref} names a malignancy in its words "
                     f"({_coded(_code_of(res.data))}) but is not read as the person's cancer: "
                     + builder.unused.get(res.ref, NOT_THEIR_CANCER))
                    for res in builder.resources.values()
                    if res.type == "Condition" and res.ref not in named
                    and _names_a_malignancy(res)]  # fmt: skip


# Why a Condition whose words name a malignancy is not the cancer, when nothing else says why
NOT_THEIR_CANCER = ("its words say it is not their primary cancer now (a history, a suspicion, "
                    "spread, what a cancer causes) or name no cancer onconav reads; check the "
                    "record")  # fmt: skip
# Words that say a malignancy is not the person's cancer at all (a relative's, a risk, a gene
# carried, a tumour not invasive, what a treatment caused, "Malignant hypertension"): no card
# asks about it
NOT_THEIRS_AT_ALL = re.compile(r"(?i)\b(family|relative|mother|father|sister|brother|risk of|"
                               r"fear of|screening|predisposition|carrier|hereditary|syndrome|"
                               r"caused by|in situ|benign|premalignant|"
                               r"hypertension)\b")  # fmt: skip


def _names_a_malignancy(res: Res) -> bool:
    """Whether a Condition's words name a malignancy (``MALIGNANT``) that may be the person's:
    with no cancer read, it is said (a CDS card), never silent (a review of the FHIR input:
    "Metastatic rectal adenocarcinoma" not read had answered no card, as for no cancer at all).
    Not a relative's, a risk, a gene carried, one not invasive (``NOT_THEIRS_AT_ALL``)."""
    said = _words(_code_of(res.data))
    return any(MALIGNANT.search(text) for text in said) and not any(
        NOT_THEIRS_AT_ALL.search(text) for text in said)


def _coded_as_cancer(builder: Builder, res: Res) -> bool:
    """Whether a Condition's code says it is a primary cancer (by the table, ICD-10-CM, or what
    it says: ``_site_of``)."""
    return _site_of(builder, res)[2]


# ---- stage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageFound:
    ref: str
    date: str
    value: str  # earlier, 4, 4A, 4B, or M1 / M0 for an M category
    kind: str  # group or m


def _about_other_cancer(
    builder: Builder, res: Res, cancer: CancerFound, what: str, element: str = "focus"
) -> str | None:
    """Why a result (``what``: "a stage", "a result") is not read for the cancer read, by the
    Conditions its ``focus`` names, or None: read when it names none, or any is the cancer read,
    spread of it, or not among the resources given. Otherwise it is about another cancer when
    each is coded as a cancer of another place; else (a comorbidity, an unconfirmed copy of the
    same cancer, a cancer of no known place) its focus is, truly, not the cancer read.
    ``element`` "reasonReference" reads a treatment's reasons alike, but only a treatment given
    for another cancer is not read: a reason that is no cancer may be what the cancer causes (a
    pain treated by radiotherapy)."""
    focus = [builder.ref(f) for f in _items(res.data.get(element))]
    kinds = [_focus_kind(builder, f, cancer) for f in focus if f and f.startswith("Condition/")]
    if element == "reasonReference" and "this" not in kinds:  # its reasonCode, as the reference
        # would be read (capecitabine stopped for a breast cancer had ruled out CAPOX for the
        # rectal cancer read)
        sites = [(concept, row.get("cancer")) for concept in _items(res.data.get("reasonCode"))
                 if (row := builder.row("conditions", concept)) and row.get("cancer")]  # fmt: skip
        if any(_same_cancer(builder, site, cancer.site) for _, site in sites):
            return None
        other = [_coded(c) for c, site in sites if site != "unknown"]
        if other:
            return f"{what} about another cancer (its reasonCode, {other[0]}), not the one read"
    if not kinds and builder.other_cancers:  # read as this cancer's, as any with no focus is,
        # but it may be the other's (a HER2 result of a breast cancer in remission): said once
        def cancer_name(site: str) -> str:  # "breast cancer", or a cancer named by its words
            # as the record gives them ("Malignant melanoma of skin")
            return "a cancer of no known place" if site == "unknown" else builder.kb.name_of(site)

        others = words.and_list(sorted({cancer_name(site) for site in builder.other_cancers}))
        _warn_once(builder, f"another cancer ({others}) is on record: each stage, result or "
                   "treatment that names no cancer (no focus, or no reason) is read as the "
                   f"{cancer_name(cancer.site)}'s; check that it is")
    if not kinds or "this" in kinds:
        return None
    named = ", ".join(f for f in focus if f and f.startswith("Condition/"))
    if all(kind == "other" for kind in kinds):
        return f"{what} about another cancer (its {element}, {named}), not the one read"
    if element != "focus":
        return None
    read = cancer.res.ref if cancer.res else "the cancer given beside the record"
    return f"{what} whose focus ({named}) is not the cancer read ({read})"


# Cancers a record may code loosely for one another: the bowel's (a rectal cancer's treatment
# given for C19, the rectosigmoid junction, or C18.7, the sigmoid colon)
BOWEL = frozenset({"colon", "colorectal", "rectum"})


def _same_cancer(builder: Builder, site: str | None, read: str) -> bool:
    """Whether a cancer a table names is the one read, as the knowledge base reads both (a
    cancer of the gastro-oesophageal junction is answered as stomach cancer), or is of the
    bowel as it is (``BOWEL``: a rectal cancer's capecitabine given for C19 had been dropped as
    another cancer's, and capecitabine alone offered again)."""
    def as_read(ident: str | None) -> str | None:
        return getattr(builder.kb.by_id.get(ident or ""), "read_as", None) or ident

    return site is not None and (as_read(site) == as_read(read) or {site, read} <= BOWEL)


def _focus_kind(builder: Builder, ref: str, cancer: CancerFound) -> str:
    """What a Condition a result's focus names is: "this" cancer (read as the cancer, spread of
    it, or not given: not known otherwise), "other" (a cancer of another place, or spread of
    one), or "not-this" (any other Condition, and one that is not valid FHIR: it is not read,
    so it is not the cancer read)."""
    read = builder.sources.get("cancer", set())
    found = builder.resources.get(ref)
    if ref in read or found is None:
        return "this"
    if not builder.valid(found):
        return "not-this"
    if _metastasis_site(builder, found) is not None:
        related = [builder.ref(e.get("valueReference")) for e in _items(found.data.get(
            "extension")) if isinstance(e, OBJECT) and e.get("url") == RELATED]  # fmt: skip
        primaries = [builder.resources[r] for r in related
                     if r and r not in read and r in builder.resources]  # fmt: skip
        if related and len(primaries) == len(related) and all(
                _other_cancer(builder, p, cancer) for p in primaries):  # fmt: skip
            return "other"
        return "this"
    return "other" if _other_cancer(builder, found, cancer) else "not-this"


def _other_cancer(builder: Builder, res: Res, cancer: CancerFound) -> bool:
    """Whether a Condition is coded as a cancer of another place than the one read."""
    site, _, is_cancer = _site_of(builder, res)
    return is_cancer and site not in (None, "unknown", cancer.site)


# Words that say a stage written beside them is not so ("not stage IV", "no M1", "stage IV ruled
# out", "negative for distant metastasis"); those that say it is not sure are words.UNSURE. Read
# in the clause that holds the stage only: "Stage IV, not resectable" is stage IV.
DENIED = re.compile(r"(?i)\b(not|no|never|without|non|excluded|ruled out|rule out|r/o|"
                    r"negative for|free of)\b")  # fmt: skip
# A result written right after an M category that says it is not there, in any punctuation:
# "M1 status: negative", "M1 (absent)", "M1 - absent", "M1 status = negative" (read as M1 until
# a review; the clause rule did not see them, the result being past a separator). Only right
# after it: "cM1, no bone spread" is M1, and "Stage IV HER2 status negative" a stage IV.
M_DENIED_AFTER = re.compile(r"(?i)^[\s():;,=-]*(status\b)?[\s():;,=-]*"
                            r"(negative|absent|not present|unlikely)\b")  # fmt: skip
CLAUSE_END = re.compile(r"[,;()]|\s-\s")  # "Stage IV, ...", "Stage IVB (...)", "Stage IV - ..."
# Words beside a stage that deny something else, never the stage: a kind of cancer cell ("Stage
# IVB non-keratinizing squamous cell carcinoma") or that surgery cannot remove it ("Stage IV not
# resectable"). Any other denial word in the clause is taken as denying the stage: "not
# consistent with stage IV", "stage IV not yet confirmed", "no radiological evidence of stage IV"
# (a rule that read only the words right before or after the stage read these as stage 4).
OTHER_DENIALS = re.compile(r"(?i)\bnon[\s-]?(keratini[sz]ing|small[\s-]cell|squamous|"
                           r"mucinous|hodgkin)\b|\bnot\s+(surgically\s+)?(resectable|operable)\b")


def _denies(clause: str) -> bool:
    """Whether a clause's words deny the stage (or M category) in it: any denial word but those
    that deny something else beside it (``OTHER_DENIALS``)."""
    return DENIED.search(OTHER_DENIALS.sub(" ", clause)) is not None


def _clause(text: str, at: int) -> str:
    """The part of ``text`` between the separators around position ``at``."""
    start = max((m.end() for m in CLAUSE_END.finditer(text) if m.end() <= at), default=0)
    end = next((m.start() for m in CLAUSE_END.finditer(text) if m.start() >= at), len(text))
    return text[start:end].strip()


def _denied_or_doubted(builder: Builder, res: Res, clause: str, text: str, what: str,
                       denied: bool = False) -> bool:  # fmt: skip
    """Whether the words of a stage's clause deny or doubt it ("not stage IV", "stage IV?",
    "possible M1"), or ``denied`` (a result after it says so: ``M_DENIED_AFTER``): such words
    are never read as the stage they name (the record is listed unused, saying why), as a
    profile's own words are refused (``words.stage``)."""
    if denied or _denies(clause) or words.UNSURE.search(clause.lower()):
        unknown = not denied and words.STAGE_NOT_KNOWN.search(clause.lower())
        said = (f"its words say the {what} is not known: {text!r}" if unknown
                else f"its words say the {what} is not so, or not sure: {text!r}")  # fmt: skip
        if res.type == "Condition":  # the cancer's own stage: the Condition itself is used
            builder.warnings.append(f"the stage of {res.ref} is not read: {said[4:]}")
        else:
            builder.drop(res.ref, said)
        return True
    return False


def _stage_words(builder: Builder, res: Res, concept: object, cervix: bool = False) -> str | None:
    """The stage a concept gives: by its codings, else by its words, read for a cervical cancer
    as a profile's stage is (FIGO: "T4N0M0" is 4A, "Stage IV (M1)" 4B; they had been read as an
    earlier stage and as 4, where the same words typed gave 4A and 4B)."""
    coded = _coded_stages(builder, concept)
    if coded:
        # codings that say one stage, one more narrowly than another (4 and 4B), are that
        # stage; two stages (AJCC 4 beside SNOMED IIB) are not read, with a warning: the first
        # table row had been read, whatever the order, and a lower stage given without a word
        narrowest = max(coded.values(), key=len)
        if all(narrowest.startswith(v) for v in coded.values()):
            return narrowest
        builder.warnings.append(_disagree(res.ref, [f"{c} (stage {v})" for c, v in coded.items()]))
        return None
    for text in _words(concept):
        named = re.search(r"(?i)\b(stage|figo)\b", text)
        clause = _clause(text, named.start() if named else 0)
        if _denied_or_doubted(builder, res, clause, text, "stage"):
            continue
        cut = re.sub(r"(?i)^.*?\b(stage|figo)\b", r"\1", clause)
        reading = _stage_of_words(cut, cervix)
        if reading and reading.value in ("4", "4A", "4B"):  # what the clause left off may
            # say how far: "(M1)", "(M0)"; or that both cannot be right (a cervical "Stage IVB
            # (M0)": not known, as the command line reads it; it had been 4B)
            whole = re.sub(r"(?i)^.*?\b(stage|figo)\b", r"\1", text)
            reading = _stage_of_words(whole, cervix) or reading
        # what the words' reading should be known by (a note that says no distant spread,
        # "Stage IV (M0)"), said as the command line says it of a stage typed: it had been left
        # out of a record's warnings
        note = f"; {reading.note}" if reading and reading.note else ""
        if reading and reading.value:
            builder.warnings.append(
                f"the stage of {res.ref} is read from its words: {text!r}{note}")
            return reading.value
        if note:
            builder.warnings.append(f"the stage of {res.ref} is not read from its words: "
                                    f"{text!r}{note}")  # fmt: skip
    return None


def _coded_stages(builder: Builder, concept: object) -> dict[str, str]:
    """The stage each coding of a concept says, by the tables or as AJCC's own codes (4, 4A,
    3C), keyed by the coding as a warning shows it."""
    out: dict[str, str] = {}
    for coding in _codings(concept):
        if not isinstance(coding, OBJECT):
            continue
        system, code = system_name(coding.get("system")), coding.get("code")
        row = builder.tables.lookup("observations", system, code)
        value = row.get("stage") if row is not None else None
        if value is None and system == "ajcc" and isinstance(code, str) and code:
            try:
                value = words.stage(f"stage {code}").value
            except words.NotUnderstood:
                value = None
        if value:
            out[f"{coding.get('display') or code}"] = value
    return out


def _stage_of_words(cut: str, cervix: bool = False) -> words.Reading | None:
    """The reading of the stage words that begin with "stage" or "FIGO" name: all of them, else
    their first three or two words ("Stage IVB non-keratinizing squamous cell carcinoma" is
    "Stage IVB": the words after the stage say what the cancer is, not its stage); None when
    none is a stage. A reading with no value and a note: words that read as a stage that cannot
    be ("Stage IVB (M0)" of a cervical cancer)."""
    tokens = cut.split()
    for n in dict.fromkeys((len(tokens), 3, 2)):
        rest = " ".join(tokens[n:])
        if re.search(r"\b([IVX]+[A-C]?\d?|[0-4][A-Ca-c]?\d?)\b|(?i:stage|figo|/)", rest):
            continue  # another stage after it ("stage III to IV"): not cut away unread
        said = " ".join(tokens[:n])
        try:
            reading = words.stage(said)
        except words.NotUnderstood:
            continue
        if cervix:  # FIGO, as a profile reads a cervical cancer's stage
            reading = words.cervical_stage(said, reading)
        if reading.value or reading.note:  # words that read and do not decide ("Stage IVB
            return reading  # (M0)" of a cervical cancer): not a shorter part of them instead
            # ("Stage IVB": 4B, where the command line says not known)
    return None


def _m_value(builder: Builder, res: Res, concept: object) -> str | None:
    row = builder.row("observations", concept)
    if row is not None and row.get("m"):
        return "M" + str(row.get("m"))
    for coding in _codings(concept):  # AJCC's own codes, as its stage groups are read: cM1, M1a
        code = coding.get("code")
        if system_name(coding.get("system")) == "ajcc" and isinstance(code, str) and (
                match := re.fullmatch(r"(?i)[cpy]{0,2}M([01])([a-d]\d?|\(i\+\))?",
                                      code.strip())):  # fmt: skip
            return "M" + match.group(1)
    for text in _words(concept):
        match = re.search(r"(?i)\b[cpy]{0,2}M([01])[a-d]?\b", text)
        if match is None:
            continue
        denied = M_DENIED_AFTER.match(text[match.end():]) is not None
        if _denied_or_doubted(builder, res, _clause(text, match.start()), text, "M category",
                              denied):  # fmt: skip
            continue
        builder.warnings.append(f"the M category of {res.ref} is read from its words: {text!r}")
        return "M" + match.group(1)
    return None


def _stage(builder: Builder, cancer: CancerFound) -> None:
    found: list[StageFound] = []
    for res in builder.of_type("Observation"):
        row = builder.row("observations", _code_of(res.data))
        kind = row.get("test") if row else None
        if kind not in ("stage-group", "figo-stage", "m-category") or not builder.valid(res):
            continue
        if _status(res.data) not in RESULT_OK:
            builder.drop(res.ref, f"a stage with status {_status(res.data)!r}: not a result")
            continue
        if (other := _about_other_cancer(builder, res, cancer, "a stage")) is not None:
            builder.drop(res.ref, other)
            continue
        date = _result_date(res)
        concept = res.data.get("valueCodeableConcept")
        if concept is None and isinstance(res.data.get("valueString"), str):
            concept = {"text": res.data["valueString"]}  # words, read as a concept's text is
        if kind == "m-category":
            value = _m_value(builder, res, concept)
        else:
            value = _stage_words(builder, res, concept, cancer.site == "cervix")
        if value is None:
            builder.drop(res.ref, f"a stage value onconav cannot read: {_coded(concept)}")
            continue
        found.append(StageFound(res.ref, date, value, "m" if kind == "m-category" else "group"))
    # the stage summaries of every Condition read as the cancer (a recurrence recorded as its own
    # Condition beside the first diagnosis, which holds the stage), each dated by its own dates
    for ref in sorted(builder.sources.get("cancer", ())):
        res = builder.resources[ref]
        if res.type != "Condition":
            continue
        for i, stage in enumerate(_items(res.data.get("stage"))):
            summary = stage.get("summary") if isinstance(stage, OBJECT) else None
            said = len(builder.warnings)
            value = _stage_words(builder, res, summary, cancer.site == "cervix")
            if value:
                date = _date(res.data, "recordedDate", "onsetDateTime", "onsetPeriod")
                found.append(StageFound(f"{res.ref}#stage[{i}]", date, value, "group"))
            elif summary is not None and len(builder.warnings) == said:
                # the Condition is read; its stage is not, and says so (once: words that doubt
                # the stage, "Stage IV?", have said why already)
                builder.warnings.append(
                    f"{res.ref}: its stage (stage[{i}].summary) is one onconav cannot read: "
                    f"{_coded(summary)}; the stage is read from the other records, or stays "
                    "unknown"
                )
        # the stage its own name gives ("Stage IV gastric adenocarcinoma", "FIGO IVB carcinoma
        # of cervix", as problem lists write them): it had been dropped without a word
        for text in _words(_code_of(res.data)):
            if not re.search(r"(?i)\b(stage|figo)\b", text):
                continue
            said = len(builder.warnings)
            value = _stage_words(builder, res, {"text": text}, cancer.site == "cervix")
            if value:
                date = _date(res.data, "recordedDate", "onsetDateTime", "onsetPeriod")
                found.append(StageFound(f"{res.ref}#code", date, value, "group"))
                break
            if len(builder.warnings) == said:
                builder.warnings.append(f"{res.ref}: its name gives a stage onconav cannot read: "
                                        f"{text!r}; the stage is read from the other records, "
                                        "or stays unknown")  # fmt: skip
    for s in found:
        if s.value == "M0":
            builder.drop(s.ref, "M0: it does not decide the stage")
    cervix = cancer.site == "cervix"
    # M1 is stage 4 (FIGO IVB for the cervix); AJCC IVA/IVB of other cancers are not the
    # cervical 4A/4B of the sources: they are read as 4
    evidence = [StageFound(s.ref, s.date, "4B" if cervix else "4", "m") if s.kind == "m"
                else s if cervix or s.value not in ("4A", "4B")
                else StageFound(s.ref, s.date, "4", s.kind)
                for s in found if s.value != "M0"]  # fmt: skip
    if evidence:
        _choose_stage(builder, evidence, cancer)


def _lower(value: str, than: str) -> bool:
    """Whether a stage is lower than another: an earlier stage than any stage 4, and 4A than 4B
    (a stage 4 with no letter is neither lower nor higher than 4A or 4B)."""
    return (value == "earlier" and than != "earlier") or (value, than) == ("4A", "4B")


def _choose_stage(builder: Builder, found: list[StageFound], cancer: CancerFound) -> None:
    """The stage the records say (docs/fhir.md): the latest dated stage group or M1 (of one date,
    the most advanced, with a warning when they disagree). A later record of a lower stage than
    a dated one before it (IIB after IV, FIGO IVA after M1 of the cervix), or an undated record
    of a higher stage than the latest dated one (it may be later), leaves the stage unknown, with
    a warning: never a lower stage read silently. An undated record of a lower stage than the
    latest dated one (a stage at diagnosis) does not contradict it. Dates are compared as
    ``_before`` does (in UTC; a date and a time on that day are of one date)."""
    spans = {s: span for s in found if (span := _span(s.date)) is not None}
    dated = [s for s in found if s in spans]
    # the latest: the records no other is after (of one date, or that cannot be ordered)
    last = [s for s in dated if not any(_before(spans[s], spans[t]) for t in dated)] or [
        s for s in found if s not in spans]  # fmt: skip
    latest = max((s.date for s in last), key=_order)
    value = max((s.value for s in last), key=lambda v: STAGE_RANK[v])
    if len({s.value for s in last}) > 1:
        builder.warnings.append(
            f"stage records of the same date disagree ({', '.join(sorted({s.value for s in last}))}"
            f"): the most advanced, {value}, is read"
        )
    if any(s not in last and _lower(value, s.value) for s in dated):
        _stage_unknown(builder, found, "a later record says a lower stage than a record before "
                       "it")  # fmt: skip
        return
    if dated and any(s not in spans and _lower(value, s.value) for s in found):
        _stage_unknown(builder, found, "an undated record disagrees with the dated ones: it says "
                       f"a higher stage than the latest ({_day(latest)}, {value}), and may be "
                       "later")  # fmt: skip
        return
    builder.values["stage"] = value
    chosen = [s for s in found if s in last or (s not in spans and s.value == value)]
    builder.use("stage", *(s.ref.split("#")[0] for s in chosen))
    for s in found:
        if s in chosen or "#" in s.ref:  # a Condition's own stage: the Condition is the cancer
            continue
        if s in spans:
            reason = f"an earlier stage record: the latest ({_day(latest)}, {value}) is read"
        elif _lower(s.value, value):
            reason = (f"an undated stage record, lower than the stage {value} on record on "
                      f"{_day(latest)}")  # fmt: skip
        else:
            reason = f"an undated stage record: the latest ({_day(latest)}, {value}) is read"
        builder.drop(s.ref, reason)


def _stage_unknown(builder: Builder, found: list[StageFound], why: str) -> None:
    """Stage records that disagree: no stage is read, each record listed, a warning says why."""
    said = ", ".join(f"{'M1, ' if s.kind == 'm' else ''}{s.value} ({_day(s.date) or 'undated'}, "
                     f"{s.ref})"
                     for s in sorted(found, key=lambda s: _order(s.date)))  # fmt: skip
    builder.warnings.append(f"the stage records disagree ({said}): {why}, so the stage is left "
                            "unknown")  # fmt: skip
    for s in found:
        if "#" not in s.ref:
            builder.drop(s.ref, f"stage records disagree: {why}; the stage is left unknown")


# ---- metastases and symptoms ---------------------------------------------------------------


# The words of a Condition that is spread of a cancer, and where to ("Secondary malignant
# neoplasm of liver", "Metastasis to bone", "Metastatic carcinoma to the lungs"): "metastatic"
# with "to" only, as "Metastatic adenocarcinoma of rectum" names the cancer itself
SPREAD_OF = re.compile(r"(?i)^(?:secondary\s+(?:malignant\s+)?(?:neoplasms?|tumou?rs?|cancer|"
                       r"carcinoma)\s+(?:of|in|to)|metastas[ie]s\s+(?:of|in|to)|metastatic\s+"
                       r"(?:malignant\s+)?(?:neoplasms?|tumou?rs?|cancer|\w*carcinoma|disease)"
                       r"\s+to|spread\s+to)\s+(?:the\s+)?(.+)$")  # fmt: skip
# A word that says a name is of spread ("peritoneal carcinomatosis"), not of a place ("liver")
# (not "secondary to", a cause: "Rectal cancer, secondary to ulcerative colitis")
SPREAD_WORD = re.compile(r"(?i)metasta|\bmets\b|carcinomatosis|secondar(?!y\s+to\b)|spread|"
                         r"deposit")  # fmt: skip
# Words that say the spread is not there, not now, not yet or not sure (a history of it, spread
# taken out: "hx of liver mets", "prior liver mets", "liver mets, resected")
NOT_SPREAD = re.compile(r"(?i)\b(no|not|non|without|w/o|free of|negative|history of|hx|h/o|"
                        r"prior|previous|past|s/p|status post|suspect\w*|"
                        r"possible|probable|query|rule out|ruled out|r/o|unconfirmed|excluded|"
                        r"ned|remission|resected|removed|risk of|fear of|screening)(?!\w)|"
                        r"\?")  # fmt: skip


def _metastasis_site(builder: Builder, res: Res) -> str | None:
    """The place of spread a Condition records (a site id of the knowledge base), or None when it
    is not a SecondaryCancerCondition: by its code, or, for a condition related to a primary
    cancer (``condition-related``) with a code not in the table, by its body site; the first of
    the places its words name (``_spread_by_words``) when its code is in no table. A code that
    says no place ("Metastatic malignant neoplasm", ICD-10 C79.9) with no body site that says
    one is a distant part of the body (``DISTANT``: which is not known), never another part."""
    sites = _metastasis_sites(builder, res)
    return sites[0] if sites else None


def _metastasis_sites(builder: Builder, res: Res) -> list[str]:
    """Every place of spread a Condition records (``_metastasis_site``): one, or those its words
    name ("Liver and lung metastases")."""
    concept = _code_of(res.data)
    row = builder.agreed("conditions", concept, "metastasis", res.ref)
    if row is None and builder.row("conditions", concept) is not None:
        return []  # its codings name different places: warned, not read
    site = row.get("metastasis") if row else None
    if site is None:
        related = any(isinstance(e, OBJECT) and e.get("url") == RELATED
                      for e in _items(res.data.get("extension")))  # fmt: skip
        if row is not None or _is_cancer_code(_code_of(res.data)):
            return []
        if any(_cancer_and_spread(text) for text in _words(_code_of(res.data))):
            return []  # the cancer, saying where it has spread (``_spread_with_cancer``)
        by_words = _spread_by_words(builder, res)
        if by_words:
            return by_words
        if not related:
            return []
        site = DISTANT  # spread of the cancer, its code saying no place
    if site in ("other-site", DISTANT):  # a place its body site may say
        bodies = list(_items(res.data.get("bodySite")))
        for body in bodies:
            place = builder.row("body_sites", body)
            if place and (where := place.get("metastasis")):
                return [where]
        for body in (b for b in bodies if builder.row("body_sites", b) is None):
            named = {p for text in _words(body) for p in _places_named(builder.kb, text)}
            if len(named) == 1:  # "Structure of right lobe of liver", a code in no table
                where = named.pop()
                _warn_once(builder, f"{res.ref}: its body site {_coded(body)} is in no table; "
                           f"read from its words as {builder.kb.phrase('metastases', where)}")
                return [where]
            _warn_once(builder, f"{res.ref}: its body site {_coded(body)} is not read (no table "
                       "holds it, nor do its words name one place): read as spread to "
                       f"{builder.kb.phrase('metastases', site)}; check the record")  # fmt: skip
    return [site]


def _warn_once(builder: Builder, warning: str) -> None:
    if warning not in builder.warnings:
        builder.warnings.append(warning)


def _places_named(kb: KnowledgeBase, place: str) -> set[str]:
    """The places of spread the knowledge base names in some words: the place they name whole,
    else each named by a run of them ("right lobe of liver": the liver; "lymph nodes of neck":
    lymph nodes)."""
    names = kb.value_names["metastases"]
    folded = normalise_name(place)
    if folded in names:
        return {names[folded]}
    tokens = [normalise_name(t) for t in place.split()]
    named = {names[key] for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1)
             if (key := "".join(tokens[i:j])) in names}  # fmt: skip
    if re.search(r"(?i)\b(renal|kidney)\b", place):  # the renal pelvis is in the kidney
        named.discard("pelvis")
    if "lymph-nodes" in named and re.search(r"(?i)\b(lymph|nodes?|nodal)\b", place):
        # the place says which lymph nodes ("pelvic lymph nodes": regional, had been read as
        # spread far, which made a cervical cancer 4B)
        return {"lymph-nodes"}
    return named


def _spread_by_words(builder: Builder, res: Res) -> list[str]:
    """The places of spread the words of a Condition's code name, as a person's are read
    ("Liver metastases", "bone mets": ``words.spread_places``), or as a record writes them
    ("Secondary malignant neoplasm of liver", "Metastasis to bone": ``SPREAD_OF``), in the
    knowledge base's order; none when the words say it is not there or not sure ("No evidence of
    liver metastases", "Suspected bone metastases"). Words that name no place of the knowledge
    base ("unknown site", "multiple sites"), or several, are a distant part of the body, which
    not known; a name that names several whole is the one it names ("lymph nodes of neck":
    lymph nodes)."""
    for text in _words(_code_of(res.data)):
        if found := _spread_in(builder, text):
            return found
    return []


def _spread_with_cancer(builder: Builder, res: Res) -> list[str]:
    """The places of spread a cancer's Condition names after the cancer ("Rectal cancer with liver
    metastases": the liver; ``_cancer_and_spread``), read as ``_spread_by_words`` reads them; a
    distant part of the body when it says "with metastases" or begins "Metastatic" with no
    place ("Metastatic gastric cancer": spread far, where not said)."""
    for text in _words(_code_of(res.data)):
        split = _cancer_and_spread(text)
        if split and SPREAD_WORD.search(split[1]):
            if found := _spread_after(builder, split[1]):
                return found
            if not NOT_SPREAD.search(split[1]):
                return [DISTANT]  # "with metastases": spread far, where not said
        elif split and METASTATIC_FIRST.match(split[0]) and not NOT_SPREAD.search(text):
            # "Metastatic rectal adenocarcinoma (liver, lung)", "... - liver": the places
            places = [p for p in PART.split(split[1]) if p.strip()]
            return _spread_in(builder, "metastases to " + ", ".join(places)) or [DISTANT]
        elif not split and METASTATIC_FIRST.match(text) and not NOT_SPREAD.search(text):
            return [DISTANT]  # "Metastatic adenocarcinoma of rectum": the same
    return []


def _spread_after(builder: Builder, rest: str) -> list[str]:
    """The places of spread the words after a cancer's name name (``_spread_with_cancer``): all
    of them, or each part of them ("..., liver mets, no lung mets": the liver), a part from
    where it speaks of spread ("diagnosed 2021, stage IV metastatic to lung and brain")."""
    if found := _spread_in(builder, rest):
        return found
    parts = CLAUSE_END.split(rest)
    # a part that denies, or puts in the past, a spread it does not name ("..., resected",
    # "s/p resection", "NED") may speak of the other parts: none is read ("with liver mets,
    # resected" had been the liver now); one that names its own ("no lung mets") speaks of itself
    if any(NOT_SPREAD.search(p) and not SPREAD_WORD.search(p) for p in parts):
        return []
    places: set[str] = set()
    for part in parts:
        at = SPREAD_WORD.search(part)
        if at and not NOT_SPREAD.search(part):
            start = part.rfind(" ", 0, at.start()) + 1  # the word it is in
            places.update(_spread_in(builder, part) or _spread_in(builder, part[start:]))
    order = [s.id for s in builder.kb.data.sites]
    return sorted(places, key=lambda s: (order.index(s) if s in order else len(order), s))


def _spread_in(builder: Builder, text: str) -> list[str]:
    """The places of spread some words name (``_spread_by_words``)."""
    names = builder.kb.value_names["metastases"]
    said = " ".join(text.split())
    if NOT_SPREAD.search(said):
        return []
    of = SPREAD_OF.match(said)
    places = (re.split(r"\s*(?:,|&|/|\band\b)\s*", of.group(1)) if of
              else words.spread_places(said))  # fmt: skip
    if not places and normalise_name(said) in names and SPREAD_WORD.search(said):
        places = [said]  # a name of spread the knowledge base gives: "carcinomatosis"
    found = set()
    for place in (p for p in places or [] if p):
        named = _places_named(builder.kb, place)
        found.add(named.pop() if len(named) == 1 else DISTANT)  # "unknown site"
    order = [s.id for s in builder.kb.data.sites]
    return sorted(found, key=lambda s: (order.index(s) if s in order else len(order), s))


def _metastases(builder: Builder, cancer: CancerFound) -> None:
    order = [s.id for s in builder.kb.data.sites]
    sites: set[str] = set()
    for res in builder.of_type("Condition"):
        if res.ref in builder.unused:
            continue
        found = _metastasis_sites(builder, res)  # none for the primary cancer's Condition
        worded = builder.row("conditions", _code_of(res.data)) is None and found == (
            _spread_by_words(builder, res))  # fmt: skip
        if not found and res.ref in builder.sources.get("cancer", set()):
            # the cancer's own words say where it has spread ("Rectal cancer with liver
            # metastases"), unless it is read although resolved (that warned of)
            found = _spread_with_cancer(builder, res)
            if not found or _clinical(builder, res) in NOT_NOW:
                continue
            worded = True
        elif not found or not builder.valid(res) or _not_current(builder, res, "spread"):
            continue
        related = [builder.ref(e.get("valueReference")) for e in _items(res.data.get(
            "extension")) if isinstance(e, OBJECT) and e.get("url") == RELATED]  # fmt: skip
        # a link to a Condition that is no fact (entered in error or refuted: a mistaken copy of
        # the cancer) is no link, and the spread is read as with none; it had been dropped as
        # spread of another cancer, and with no other cancer dropped without a word
        no_fact = {r for r in related if r and (linked := builder.resources.get(r)) and _status(
            linked.data, "verificationStatus") in ("entered-in-error", "refuted")}  # fmt: skip
        if any(r in builder.unused and r not in no_fact for r in related if r):
            builder.drop(res.ref, "spread of another cancer, not the one read")
            continue
        if worded:
            builder.warnings.append(
                f"{res.ref} is read as spread to "
                f"{words.and_list([builder.kb.name_of(s) for s in found])} from its words: "
                f"{_not_in_table(_code_of(res.data))}; check where the cancer has spread"
            )  # fmt: skip
        sites.update(found)
        builder.use("metastases", res.ref)
    if sites:  # what a record names, not every place: others are not known (OTHERS_NOT_KNOWN)
        builder.values["metastases"] = [*sorted(sites, key=lambda s: (order.index(s), s)),
                                         OTHERS_NOT_KNOWN]  # fmt: skip


def _distant_status(builder: Builder, res: Res) -> None:
    """A disease status of distant metastasis present (SNOMED 399409002, in mCODE's condition
    status trend value set): spread to a distant part of the body, beside the places the record
    names (not again when one of them is distant already), with a warning."""
    current = [s for s in builder.values.get("metastases", []) if s != OTHERS_NOT_KNOWN]
    if not any("distant" in builder.kb.vocabulary.up("metastases", s) for s in current):
        builder.values["metastases"] = [*current, "distant", OTHERS_NOT_KNOWN]
    builder.use("metastases", res.ref)
    builder.warnings.append(f"{res.ref} is a disease status of distant metastasis present: read "
                            "as spread to a distant part of the body; give where it has spread "
                            "if it is known")  # fmt: skip


def _not_current(builder: Builder, res: Res, what: str) -> bool:
    """Whether a Condition is not confirmed, or is resolved or inactive; if so it is listed as
    not read, with which."""
    if _status(res.data, "verificationStatus") in NOT_CONFIRMED:
        builder.drop(res.ref, f"{what} that is not confirmed: not read")
        return True
    if _clinical(builder, res) in NOT_NOW:
        builder.drop(res.ref, f"{what} recorded as resolved or inactive: not read")
        return True
    return False


def _symptoms(builder: Builder) -> None:
    order = [s.id for s in builder.kb.data.symptoms]
    found: set[str] = set()
    for res in builder.of_type("Condition"):
        row = builder.row("conditions", _code_of(res.data))
        named = [] if row is not None or any(
            res.ref in refs for refs in builder.sources.values()) else _symptoms_named(
            builder.kb, res)  # a Condition read as the cancer or its spread is none  # fmt: skip
        coded = row is not None and "symptom" in row.meaning
        if not (coded or named) or not builder.valid(res):
            continue
        if _not_current(builder, res, "a symptom"):
            continue
        if sequela := _sequela(_code_of(res.data)):
            builder.drop(res.ref, f"{sequela} is the sequela of a condition (ICD-10-CM's "
                         "seventh character S), not the condition now: not read as a symptom")
            continue
        if row is not None and coded:
            found.update(row.meaning["symptom"])
        elif named:
            found.update(named)
            shown = " and ".join(builder.kb.name_of(n).lower() for n in named)
            builder.warnings.append(
                f"{res.ref} is read as the symptom{'s' if len(named) > 1 else ''} {shown} from "
                f"its words: {_not_in_table(_code_of(res.data))}; check the record")  # fmt: skip
        builder.use("symptoms", res.ref)
    if found:  # a problem list names what someone wrote down, not every symptom
        builder.values["symptoms"] = [*sorted(found, key=lambda s: (order.index(s), s)),
                                      OTHERS_NOT_KNOWN]  # fmt: skip


# Words that name no symptom, only that there is another ("Other symptom", "Something else"):
# the catch-all's own name and aliases that say nothing of which symptom
NO_SYMPTOM_NAMED = frozenset(normalise_name(w) for w in (
    "other", "other symptom", "another symptom", "something else",
    "another symptom the cancer causes"))  # fmt: skip


def _symptoms_named(kb: KnowledgeBase, res: Res) -> list[str]:
    """The symptoms a Condition's words name, read as a person's typed symptoms are
    (``profile.symptom_ids``: a name or alias of one the knowledge base knows, "Rectal
    bleeding", "Malignant bowel obstruction"; with how bad it is or where, "Severe abdominal
    pain"; in a family's words, "Bleeding from the rectum", "Unable to eat"; a symptom the
    knowledge base files as another the cancer causes, "Shortness of breath", as its code is
    read), or none (not "No rectal bleeding", nor "?bowel obstruction", nor words that only say
    there is another symptom).
    Read for a Condition no table holds: it had been listed unused with no word, and the cards
    asked for the symptoms the record named; phrases had been read only when they were a name
    exactly ("Shortness of breath" not read, though typed it was)."""
    for text in _words(_code_of(res.data)):
        if normalise_name(text) in NO_SYMPTOM_NAMED or words.UNSURE.search(text.lower()):
            continue  # "?bowel obstruction", "Possible bleeding": not sure, as typed it is not
        if named := symptom_ids(kb, text):
            return named
    return []


def _sequela(concept: object) -> str | None:
    """An ICD-10-CM code of a concept whose seventh character is S, the sequela of an injury or
    fracture (M84.58XS: a fracture in cancer, healed; it had been read as a broken bone now and
    surgery for it offered), or None."""
    for coding in _codings(concept):
        code = coding.get("code")
        if (system_name(coding.get("system")) == "icd10cm" and isinstance(code, str)
                and len(code.replace(".", "").strip()) == 7
                and code.strip().upper().endswith("S")):  # fmt: skip
            return f"icd10cm|{code.strip()}"
    return None


# ---- HER2 and KRAS -------------------------------------------------------------------------


def _answer(builder: Builder, res: Res) -> str | None:
    """positive, negative, present or absent, from the value (or, for a number, from the
    laboratory's interpretation)."""
    concept = res.data.get("valueCodeableConcept")
    row = builder.agreed("observations", concept, "answer", res.ref)
    if row is None and builder.row("observations", concept) is not None:
        return "disagree"  # its codings say different answers: warned, not read
    if row is not None and row.get("answer"):
        answer = str(row.get("answer"))
        text = concept.get("text") if isinstance(concept, OBJECT) else None
        if isinstance(text, str) and (
                _polarity(words.without_invisible(text)) == _OPPOSITE.get(answer)):  # fmt: skip
            # its code and its own words say opposite answers (coded Positive, written
            # "Negative"): which is right is not known, and unknown is not negative (the code
            # had been read alone: trastuzumab offered on a result its words call negative)
            why = (f"its value is coded {answer} but its words say {words.cut(text)!r}: which "
                   "is right is not known")  # fmt: skip
            builder.drop(res.ref, why)
            _warn_once(builder, f"{res.ref}: {why}, so it is not read; check the record")
            return "disagree"
        return answer
    if any(name in res.data for name in ("valueQuantity", "valueRatio", "valueInteger")):
        for concept in _items(res.data.get("interpretation")):
            for coding in _codings(concept):
                if coding.get("system") == INTERPRETATION and coding.get("code") in ("POS", "NEG"):
                    return "positive" if coding["code"] == "POS" else "negative"
    return None


# A result's own words that say one answer and nothing else, by which way (``_polarity``):
# the whole text, once the name of the test and its marks are left out ("HER2: Negative", "KRAS
# not detected", "Positive"). Anything more ("No KRAS mutation detected", "KRAS G12C mutation not
# detected", "1+ (negative)") says no way here: a first version read words inside longer text,
# and dropped "No KRAS mutation detected" coded Absent as a disagreement (a review)
TEST_NAMES = re.compile(r"(?i)\b(?:her-?2|erbb2|k-?ras|ras|ihc|ish|fish|result|status|test)\b")
POLARITY = {
    "negative": {"negative", "neg", "not detected", "absent", "not amplified", "non amplified",
                 "nonamplified", "wild type", "wildtype", "no mutation detected",
                 "no mutation", "not present"},
    "positive": {"positive", "pos", "detected", "present", "amplified", "mutated",
                 "mutation detected"},
}  # fmt: skip
# the coded answer, and the way of words that says the opposite
_OPPOSITE = {"positive": "negative", "present": "negative", "negative": "positive",
             "absent": "positive"}  # fmt: skip


def _polarity(text: str) -> str | None:
    """"positive" or "negative" when a result's words, all of them but the test's name and
    marks, are one answer (``POLARITY``); None for anything else."""
    said = " ".join(re.sub(r"[^a-z]+", " ", TEST_NAMES.sub(" ", text.lower())).split())
    return next((way for way, forms in POLARITY.items() if said in forms), None)


def _says_both(builder: Builder, res: Res, what: str, answer: str | None) -> bool:
    """Whether what a result's value says (``answer``, as read from its code or its words:
    Positive, "3+", "No mutation detected") and its laboratory interpretation are opposite
    (interpretation NEG, or POS); if so it is not read, with a warning: which is right is not
    known, and unknown is not negative."""
    said = {"positive": "POS", "present": "POS", "mutated": "POS", "negative": "NEG",
            "absent": "NEG", "wild-type": "NEG"}.get(str(answer))  # fmt: skip
    flags = {c.get("code") for concept in _items(res.data.get("interpretation"))
             for c in _codings(concept) if c.get("system") == INTERPRETATION}  # fmt: skip
    opposite = {"POS": "NEG", "NEG": "POS"}.get(str(said))
    if opposite is None or opposite not in flags:
        return False
    why = (f"its value says {answer} but the laboratory's interpretation says {opposite}: "
           f"which is right is not known")  # fmt: skip
    builder.drop(res.ref, why)
    _warn_once(builder, f"{res.ref}: {why}, so {what} is not read from it; check the record")
    return True


def _value_words(res: Res) -> list[object]:
    data = res.data
    out: list[object] = []
    for name in ("valueString", "valueInteger"):
        if name in data:
            out.append(data[name])
    return out + list(_words(data.get("valueCodeableConcept")))


def _genes(builder: Builder, res: Res) -> set[str]:
    """The genes a GenomicVariant studied (``kras``, ``erbb2``, or ``other``)."""
    genes: set[str] = set()
    for comp in _items(res.data.get("component")):
        row = builder.row("observations", comp.get("code"))
        if row is not None and row.get("component") == "gene-studied":
            gene = builder.row("observations", comp.get("valueCodeableConcept"))
            named = gene.get("gene") if gene else _gene_by_symbol(
                builder, comp.get("valueCodeableConcept"))  # fmt: skip
            genes.add(named or "other")
    return genes


def _gene_by_symbol(builder: Builder, concept: object) -> str | None:
    """The gene a gene-studied value names by its HGNC symbol, as a code ("KRAS", where HGNC's
    code is "HGNC:6407") or as words only: the symbols are the displays of the table's genes.
    Read as another gene, a KRAS result was listed as "of genes onconav does not read"."""
    symbols = {r.display.upper(): str(r.get("gene")) for r in builder.tables.rows
               if r.table == "observations" and r.get("gene")}  # fmt: skip
    said = [str(c.get("code")) for c in _codings(concept) if isinstance(c.get("code"), str)]
    for text in [*said, *_words(concept)]:
        if text.strip().upper() in symbols:
            return symbols[text.strip().upper()]
    return None


def _gene_names(res: Res) -> list[str]:
    names = []
    for comp in _items(res.data.get("component")):
        if any(c.get("code") == "48018-6" for c in _codings(comp.get("code"))):
            value = comp.get("valueCodeableConcept")
            names += [str(c.get("display") or c.get("code")) for c in _codings(value)[:1]] or [
                repr(w) for w in _words(value)[:1]]  # fmt: skip
    return names or ["none named"]


def _component(builder: Builder, res: Res, key: str) -> set[str]:
    out: set[str] = set()
    for comp in _items(res.data.get("component")):
        row = builder.row("observations", comp.get("valueCodeableConcept"))
        if row is not None and row.get(key):
            out.add(str(row.get(key)))
    return out


# Why a germline GenomicVariant is not read for KRAS or HER2, and one whose source class says
# both germline and somatic
GERMLINE_VARIANT = "a germline (inherited) variant: the tumour's own test decides KRAS/HER2"
SOURCE_UNCLEAR = ("a variant whose source class says both germline and somatic (tumour), so "
                  "which is not clear: the tumour's own test decides KRAS/HER2")  # fmt: skip
# The words of a genomic source class (LOINC 48002-0) in a code no table reads, or in words
# only, that say the variant is inherited; those that say it is the tumour's; and the words that
# deny what follows them within three words of its clause ("not a germline variant", "negative
# for germline", "Non-somatic")
GERMLINE_WORDS = re.compile(r"(?i)\b(germ[\s-]?line|inherited|constitutional|hereditary|"
                            r"heritable|familial|germinal)\b")  # fmt: skip
SOMATIC_WORDS = re.compile(r"(?i)\b(somatic|tumou?r)\b")
NEGATION_WORDS = {"no", "not", "non", "without", "absent"}
CLAUSE_BREAK = re.compile(r"[,;:()\[\].]")
# The words after a source class word, to the end of its clause (a colon goes on: "Germline
# testing: negative"), that say it was not done, not known or negative: not said ("Somatic;
# germline not tested", "Tumor, germline negative"; not "germline not excluded")
NOT_DONE_AFTER = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in words.NOT_KNOWN) + r"|negative)\b|"
    r"(?<!not )(?<!be )\bexcluded\b")  # fmt: skip


def _source_said(said: str) -> str | None:
    """What the words of a source class say: "germline" when a germline word (germline,
    inherited, constitutional) stands undenied and no somatic word (somatic, tumour, tumor)
    does, "somatic" the other way round, "unclear" when both do ("Germline, confirmed in
    tumour-normal paired sequencing"), None when neither does. A word is denied by a negation
    ("no", "not", "non", "without", "negative for", "absent") within the three words before it,
    in its clause and after any other word of a source class: "Germline, not somatic", "not
    somatic; germline" and "Non-somatic (germline)" are germline (the somatic word had decided,
    and a germline KRAS variant absent was read as wild-type), "Somatic (no germline variant
    found)" is somatic."""
    spans = [m.span() for words_ in (GERMLINE_WORDS, SOMATIC_WORDS)
             for m in words_.finditer(said)]  # fmt: skip

    def undenied(words_: re.Pattern[str]) -> bool:
        for match in words_.finditer(said):
            start = max([0, *(end for _, end in spans if end <= match.start()),
                         *(c.end() for c in CLAUSE_BREAK.finditer(said, 0, match.start()))])
            before = re.findall(r"[a-z]+", said[start:match.start()].lower())[-3:]
            after = re.split(r"[,;()\[\]]|\.(\s|$)", said[match.end():])[0].lower()
            if not NEGATION_WORDS & set(before) and "negative for" not in " ".join(before) \
                    and not (words_ is GERMLINE_WORDS and NOT_DONE_AFTER.search(after)):
                return True
        return False

    germline, somatic = undenied(GERMLINE_WORDS), undenied(SOMATIC_WORDS)
    if (germline and somatic) or (not somatic and SOMATIC_WORDS.search(said)
                                  and not GERMLINE_WORDS.search(said)):
        return "unclear"  # both; or a somatic word denied and no germline word ("Not somatic")
    return "germline" if germline else "somatic" if somatic else None


def _not_the_tumours(builder: Builder, res: Res) -> str | None:
    """Why a GenomicVariant is not read for KRAS or HER2 by its genomic source class (LOINC
    48002-0), or None: germline (``GERMLINE_VARIANT``) by a code the table reads as germline
    (LOINC LA6683-2), or, in a code no table reads or in words only, by words that say germline
    and not somatic (``_source_said``); ``SOURCE_UNCLEAR`` when the words say both. An inherited
    variant is not the tumour's KRAS or HER2 status, which the tumour's own test decides: a
    germline KRAS variant had been read as KRAS mutated (or, absent, wild-type), a germline
    ERBB2 gain as HER2 positive. Somatic (LA6684-0), or no source class, is read as the
    tumour's."""
    unclear = False
    for comp in _items(res.data.get("component")):
        row = builder.row("observations", comp.get("code"))
        if row is None or row.get("component") != "source-class":
            continue
        value = comp.get("valueCodeableConcept")
        coded = builder.tables.every("observations", _codings(value))
        if any(r.get("source") for r in coded):
            if any(r.get("source") == "germline" for r in coded):
                return GERMLINE_VARIANT
            continue  # somatic, by its code: its words are not read
        said = _source_said(" ".join(str(w) for w in (*_words(value), words.without_invisible(
            str(comp.get("valueString") or "")))))  # fmt: skip
        if said == "germline":
            return GERMLINE_VARIANT
        unclear = unclear or said == "unclear"
    return SOURCE_UNCLEAR if unclear else None


# The cancers a test whose code names its specimen ("in Breast cancer specimen", the row's
# ``specimen``) is read for: a HER2 test of a breast cancer specimen is not a stomach cancer's.
SPECIMEN_CANCERS = {"breast": ("breast",), "colorectal": ("colon", "rectum", "colorectal")}


def _other_specimen(builder: Builder, res: Res, row: Row | None, cancer: CancerFound,
                    what: str) -> str | None:  # fmt: skip
    """Why a test whose code names the specimen of another cancer than the one read is not read
    (``what``: "a HER2 test"), or None; so a test whose ``specimen`` is a Specimen taken from
    another organ (``_specimen_elsewhere``)."""
    specimen = row.get("specimen") if row is not None else None
    if row is None or specimen is None or cancer.site in SPECIMEN_CANCERS.get(specimen, ()):
        return _specimen_elsewhere(builder, res, cancer, what)
    return (f"{what} of a {specimen} cancer specimen ({row.display}): not read for "
            f"{_a_cancer_of(builder, cancer.site)}")


def _specimen_elsewhere(builder: Builder, res: Res, cancer: CancerFound,
                        what: str) -> str | None:  # fmt: skip
    """Why a test is not read for the cancer when the Specimen it names (``specimen``, among the
    resources or contained in the test) was taken from another organ (``collection.bodySite``,
    by the body site table: Breast structure is where a breast cancer starts), one that is not a
    place the cancer is read to have spread to; with a warning, as the result is then unknown.
    A HER2 test of a sample of the breast had been read as a stomach cancer's, and trastuzumab
    offered. None for a Specimen of the cancer's own organ, of a place it has spread to, or
    whose body site names no organ a cancer starts in."""
    reference = res.data.get("specimen")
    link = reference.get("reference") if isinstance(reference, OBJECT) else None
    if not isinstance(link, str):
        return None
    if link.startswith("#"):
        found = next((Res(f"{res.ref}{link}", "Specimen", item)
                      for item in _items(res.data.get("contained"))
                      if isinstance(item, OBJECT) and item.get("resourceType") == "Specimen"
                      and item.get("id") == link[1:]), None)  # fmt: skip
    else:
        found = builder.resources.get(reference_key(link, builder.full_urls))
    if found is None or found.type != "Specimen" or not builder.valid(found, quiet=True):
        return None
    collection = found.data.get("collection")
    site = collection.get("bodySite") if isinstance(collection, OBJECT) else None
    place = builder.row("body_sites", site)
    organ = place.get("cancer") if place is not None else None
    if place is None or organ is None or _same_cancer(builder, organ, cancer.site):
        return None
    if place.get("metastasis") in builder.values.get("metastases", ()):
        return None  # a sample of where the cancer has spread is the cancer's
    why = (f"{what} of a sample taken from another organ ({found.ref}: "
           f"{_coded(site)}), not read for "
           f"{_a_cancer_of(builder, cancer.site)}")
    builder.warnings.append(f"{res.ref} is {why}: check which cancer the sample is of")
    return why


def _a_cancer_of(builder: Builder, site: str) -> str:
    """A cancer read, in words: the knowledge base's name of one of its cancers ("rectal
    cancer", "colorectal cancer": "a cancer of the colorectal" had been said), "a cancer of the
    lung" for a place the tables name, "a cancer whose start is not known", or a cancer as its
    words name it ("'Multiple myeloma'", "'Pancreatic adenocarcinoma'")."""
    if site == "unknown":
        return "a cancer whose start is not known"
    if builder.kb.kind_of.get(site) == "cancers":
        return builder.kb.name_of(site)
    return f"a cancer of the {site}" if site in _table_places(builder.tables) else f"{site!r}"


def _table_places(tables: Tables) -> set[str]:
    """The places the condition and body site tables name as where a cancer started."""
    return {v for r in tables.rows if r.table in ("conditions", "body_sites")
            for v in r.meaning.get("cancer", ())} - {"unknown"}  # fmt: skip


def _her2(builder: Builder, cancer: CancerFound) -> None:
    ihc: dict[str, str] = {}
    ish: dict[str, str] = {}
    unread: dict[str, str] = {}  # tests of a result not read, and why (``_named_unread``)
    for res in builder.of_type("Observation"):
        row = builder.row("observations", _code_of(res.data))
        kind = row.get("test") if row else None
        erbb2 = kind == "genomic-variant" and "erbb2" in _genes(builder, res)
        if not erbb2 and kind not in ("her2", "her2-ish", "her2-serum"):
            continue
        # what is never read, whatever it holds, first: not warned of as not valid FHIR (a
        # status that is no FHIR status is found not valid below, and said so)
        if kind == "her2-serum":
            builder.drop(res.ref, "a serum HER2 test does not count: HER2 status is read from "
                         "the tumour (tissue) only")  # fmt: skip
            continue
        if _status(res.data) in NOT_A_RESULT or (
                builder.valid(res) and _status(res.data) not in RESULT_OK):  # fmt: skip
            what = "an ERBB2 variant" if erbb2 else "a HER2 test"  # as much as a HER2 test
            builder.drop(res.ref, f"{what} with status {_status(res.data)!r}: not a result")
            # (named only as a test of this cancer's: not one about another cancer, or of a
            # sample of another organ, as a final result is read: a review of the change)
            if _status(res.data) in PENDING and _about_other_cancer(
                    builder, res, cancer, "a result") is None and _other_specimen(
                    builder, res, row, cancer, "a HER2 test") is None:  # fmt: skip
                unread[res.ref] = NO_FINAL_RESULT
            continue
        if not builder.valid(res):
            if not _fhir_status(res):  # a test on record all the
                unread[res.ref] = RESULT_NOT_READABLE  # same: not "HER2 not on record"
            continue
        if (other := _about_other_cancer(builder, res, cancer, "a result")) is not None:
            builder.drop(res.ref, other)
            continue
        if (other_specimen := _other_specimen(builder, res, row, cancer,
                                              "a HER2 test")) is not None:  # fmt: skip
            builder.drop(res.ref, other_specimen)
            continue
        if erbb2:
            if (why := _not_the_tumours(builder, res)) is not None:
                builder.drop(res.ref, why)
            elif not _says_both(builder, res, "HER2", _answer(builder, res)):
                _erbb2(builder, res, ish)
            continue
        # an IHC score (0 to 3+) is read only from an IHC test's words: "3" of an ISH test (an
        # average of three gene copies, not amplified) or of HER2 [Units/volume] had been read
        # as IHC 3+, HER2-positive, and trastuzumab offered
        scored = kind == "her2" and (row is None or row.get("score") != "no")
        value = _her2_value(builder, res, scored)
        if value is None or (kind == "her2-ish" and value == "equivocal"):
            builder.drop(res.ref, f"a HER2 result onconav cannot read: {_shown(res)}")
            unread[res.ref] = RESULT_NOT_READABLE
            continue
        if _says_both(builder, res, "HER2", value):
            continue
        # the laboratory's interpretation (48676-1) positive or negative settles an IHC 2+ as an
        # ISH result does (the two had been called results that disagree, HER2 unknown)
        settles = kind == "her2-ish" or (row is not None and row.get("settles") == "equivocal"
                                         and value != "equivocal")  # fmt: skip
        (ish if settles else ihc)[res.ref] = value
    results = dict(ihc)
    if ish:  # an ISH test settles an equivocal (IHC 2+) result
        results = {ref: v for ref, v in ihc.items() if v != "equivocal"} | ish
        for ref, v in ihc.items():
            if v == "equivocal":
                builder.use("biomarkers.her2", ref)
    _biomarker(builder, "biomarkers.her2", results)
    _named_unread(builder, "biomarkers.her2", unread, cancer.site)


# A test whose result is still to come: ordered (``registered``), a first result not yet final
# (``preliminary``), or a status the sending system does not know (``unknown``)
PENDING = {"registered", "preliminary", "unknown"}


def _named_unread(builder: Builder, name: str, unread: Mapping[str, str], site: str) -> None:
    """Tests of a result (HER2, KRAS) not read, none read from another, each with why (no final
    result yet; a result onconav cannot read): the record names them (``FhirReading.named``),
    and it is said, where the result decides options for the cancer. Such a test had been
    listed only among the resources not read: trastuzumab asked for a HER2 test, and a
    cohort's gaps called the patient one with no HER2 result at all (a review of the cohort)."""
    if not unread or name in builder.values or not _decides_options(
            builder.kb, name.removeprefix("biomarkers."), site):  # fmt: skip
        return
    builder.named.setdefault(name, {}).update(unread)
    marker = name.removeprefix("biomarkers.").upper()
    each = "; ".join(f"{ref} ({why})" for ref, why in unread.items())
    builder.warnings.append(f"{marker} tests on record are not read: {each}; check the record "
                            "for the result, or give it")  # fmt: skip


def _erbb2(builder: Builder, res: Res, ish: dict[str, str]) -> None:
    answer = _answer(builder, res)
    gain = "copy-number-gain" in _component(builder, res, "change")
    if answer in ("present", "positive") and gain:
        ish[res.ref] = "positive"
    elif answer in ("absent", "negative"):
        builder.drop(res.ref, "no ERBB2 change found by sequencing does not rule out HER2: the "
                     "HER2 test (IHC or ISH) decides")  # fmt: skip
    else:
        builder.drop(res.ref, "an ERBB2 change that is not an amplification does not decide HER2")


def _her2_value(builder: Builder, res: Res, scored: bool = True) -> str | None:
    """positive, negative or equivocal, from the answer or the words (0, 1+, 2+, 3+); a number
    (``valueInteger``: 1 of HER2 [Units/volume] is a quantity, not the IHC score 1+) is read only
    by the laboratory's interpretation, as a quantity is. A test that gives no IHC score
    (``scored`` false: ISH, HER2 [Units/volume]) is read only from words that name the result
    (positive, negative, amplified, not amplified), never from a score or a number alone."""
    answer = _answer(builder, res)
    if answer in ("positive", "negative"):
        return answer
    if answer == "disagree":  # not from the codings' words either
        return None
    for value in _value_words(res):
        if not isinstance(value, str):
            continue
        if not scored and not RESULT_NAMED.search(value):
            continue
        try:
            return words.her2(value)
        except words.NotUnderstood:
            continue
    return None


# Words that name a HER2 result, as a test that gives no IHC score must say it
RESULT_NAMED = re.compile(r"(?i)\b(pos|neg|positive|negative|amplified|amplification|"
                          r"non-?amplified|equivocal|detected)\b")  # fmt: skip


def _shown(res: Res) -> str:
    shown = _value_words(res)
    quantity = res.data.get("valueQuantity")
    if not shown and isinstance(quantity, dict) and "value" in quantity:  # 90 % with no reading
        unit = quantity.get("unit") or quantity.get("code") or ""
        shown = [f"{quantity['value']} {unit}".strip()]
    return repr(shown[0]) if shown else "no value"


def _biomarker(builder: Builder, name: str, results: Mapping[str, str]) -> None:
    values = sorted(set(results.values()))
    if not values:
        return
    builder.values[name] = values[0] if len(values) == 1 else values
    builder.use(name, *results)
    if len(values) > 1:
        builder.warnings.append(f"{name}: the results on record disagree ({', '.join(values)})")


def _kras(builder: Builder, cancer: CancerFound) -> None:
    results: dict[str, str] = {}
    unread: dict[str, str] = {}  # tests of a result not read, and why (``_named_unread``)
    for res in builder.of_type("Observation"):
        row = builder.row("observations", _code_of(res.data))
        kind = row.get("test") if row else None
        if kind in ("genomic-variant", "kras") and not builder.valid(res):
            if kind == "kras" and not _fhir_status(res):
                unread[res.ref] = RESULT_NOT_READABLE  # on record, as a HER2 test (``_her2``)
            continue
        variant = kind == "genomic-variant" and "kras" in _genes(builder, res)
        other = _about_other_cancer(builder, res, cancer, "a result") if (
            variant or kind == "kras") else None  # fmt: skip
        if other is not None:
            builder.drop(res.ref, other)
            continue
        if (variant or kind == "kras") and (other := _other_specimen(
                builder, res, row if kind == "kras" else None, cancer,
                "a KRAS test")) is not None:  # fmt: skip
            builder.drop(res.ref, other)
            continue
        if (variant or kind == "kras") and _status(res.data) in PENDING:
            unread[res.ref] = NO_FINAL_RESULT
        if variant:
            value = _kras_variant(builder, res)
        elif kind == "kras":
            value = _kras_test(builder, res, row)
        elif kind in ("kras-tested-for", "kras-bone-marrow"):
            why = ("lists the changes tested for, not a result" if kind == "kras-tested-for"
                   else "a KRAS test of bone marrow, not of the tumour")  # fmt: skip
            builder.drop(res.ref, why)
            continue
        else:
            if kind == "genomic-variant" and not _genes(builder, res) & {"kras", "erbb2"}:
                builder.drop(res.ref, "a genomic variant of genes onconav does not read: "
                             + ", ".join(_gene_names(res)))  # fmt: skip
                _ras_raf_found(builder, res)
            continue
        if value is not None and _status(res.data) not in RESULT_OK:
            builder.drop(res.ref, f"a KRAS test with status {_status(res.data)!r}: not a result")
        elif value is not None and not _says_both(builder, res, "KRAS", value):
            results[res.ref] = value
        elif kind == "kras" and value is None and res.ref in builder.unused and (
                _status(res.data) not in NOT_A_FACT | PENDING):  # fmt: skip
            unread[res.ref] = RESULT_NOT_READABLE
    _biomarker(builder, "biomarkers.kras", results)
    _named_unread(builder, "biomarkers.kras", unread, cancer.site)


# The genes whose mutation, beside KRAS's, a test of a bowel cancer for the anti-EGFR drugs
# looks at; the sources speak only of KRAS, so onconav reads none of them, and says so
RAS_RAF = {"nras": "NRAS", "braf": "BRAF"}


def _ras_raf_found(builder: Builder, res: Res) -> None:
    """A warning when a GenomicVariant records an NRAS or BRAF mutation (present, of the tumour,
    not of doubtful or unread significance): onconav does not read it, and whether it changes
    the options that depend on KRAS (cetuximab, panitumumab) is for the care team to say.
    It had been listed unused in silence beside KRAS wild-type, and those drugs offered."""
    genes = _genes(builder, res) & set(RAS_RAF)
    if not genes or _answer(builder, res) not in ("present", "positive"):
        return
    if _not_the_tumours(builder, res) is not None:
        return
    significance = _significance(builder, res)
    if None in significance or significance & {"uncertain", "benign", "likely-benign"}:
        return
    named = _variant_named(builder, res)
    which = " and ".join(RAS_RAF[g] for g in sorted(genes))
    for gene in sorted(genes):
        builder.genes_not_read.setdefault(RAS_RAF[gene], []).append(res.ref)
    builder.warnings.append(
        f"{res.ref} records a change (mutation) in the {which} gene"
        + (f" ({named})" if named else "") + ", which onconav does not read: it reads only "
        "KRAS. Ask the care team whether it changes the options that depend on the KRAS "
        "result")  # fmt: skip


def _kras_variant(builder: Builder, res: Res) -> str | None:
    """A GenomicVariant of KRAS: present is mutated when the change is pathogenic, likely
    pathogenic or not classified; absent is wild-type only when no one change is named (absent
    for one named change, p.Gly12Cys, leaves the others open) and no change of another kind
    than the gene's sequence (a copy number gain absent says nothing of a mutation). A germline
    variant, or one whose source class is not clear, is neither (``_not_the_tumours``)."""
    if (why := _not_the_tumours(builder, res)) is not None:
        builder.drop(res.ref, why)
        return None
    answer = _answer(builder, res)
    if answer in ("absent", "negative"):
        named = _variant_named(builder, res)
        if named:
            builder.drop(res.ref, f"one KRAS change ({named}) is absent: other KRAS changes may "
                         "be present, so KRAS stays unknown")  # fmt: skip
            return None
        if other_kind := _not_of_sequence(builder, res):
            builder.drop(res.ref, f"a KRAS change of one kind ({', '.join(other_kind)}) is "
                         "absent: that says nothing of a change of the gene's sequence, which "
                         "a KRAS test looks for, so KRAS stays unknown")  # fmt: skip
            return None
        return "wild-type"
    if answer not in ("present", "positive"):
        builder.drop(res.ref, f"a KRAS variant that is neither present nor absent: {_shown(res)}")
        return None
    genes = _genes(builder, res)
    if len(genes) > 1:  # one variant of several genes studied: not said to be KRAS's
        names = [n for n in _gene_names(res) if n != "none named"]
        _not_which_gene(builder, res, " and ".join(names) or "several genes")
        return None
    significance = _significance(builder, res)
    doubtful = significance & {"uncertain", "benign", "likely-benign"}
    if doubtful:
        said = " and ".join(sorted(str(d) for d in doubtful)).replace("-", " ")
        builder.drop(res.ref, f"a KRAS variant of {said} significance does not decide KRAS: "
                     "only a pathogenic or likely pathogenic one is read as mutated")  # fmt: skip
        return None
    if None in significance:  # said, in a code or words not read: not taken as pathogenic
        builder.drop(res.ref, "a KRAS variant whose clinical significance is not read "
                     f"({_significance_shown(builder, res)}): KRAS stays unknown")  # fmt: skip
        return None
    named = _variant_named(builder, res)
    if named and words.not_kras_changes(named, kras_named=True):  # p.Val600Glu: not KRAS's
        builder.drop(res.ref, f"a KRAS variant named as {named}, past KRAS's "
                     f"{words.KRAS_LENGTH} codons: another gene's change, or a slip; KRAS "
                     "stays unknown")  # fmt: skip
        return None
    copies = _component(builder, res, "change") & {"copy-number-gain", "copy-number-loss"}
    if copies:  # a KRAS test looks for a change of the gene's sequence, not of its copies
        said = " and ".join(sorted(copies)).replace("-", " ")
        builder.drop(res.ref, f"a KRAS {said} is not a KRAS mutation as a KRAS test finds "
                     "one: KRAS stays unknown")  # fmt: skip
        return None
    return "mutated"


# The words of a variant's clinical significance, where its code is not in the table (a text
# only, or another system's code): benign before pathogenic ("likely benign"), doubt before both.
SIGNIFICANCE_WORDS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"uncertain|unknown significance|\bvus\b|undetermined|conflicting", re.I),
     "uncertain"),
    (re.compile(r"likely\s+benign", re.I), "likely-benign"),
    (re.compile(r"benign", re.I), "benign"),
    (re.compile(r"\b(not|non)[\s-]*pathogenic", re.I), None),  # not harmful, not said how
    (re.compile(r"\blikely\s+pathogenic\b", re.I), "likely-pathogenic"),
    (re.compile(r"\bpathogenic\b", re.I), "pathogenic"),
)


def _significance(builder: Builder, res: Res) -> set[str | None]:
    """The clinical significance a variant's components give: by the table (a value coded in
    LOINC's answer list), else, for the significance component (LOINC 53037-8), by its words;
    None for one said in a way neither reads (another system's code with no words). A benign
    or uncertain significance written in words had been passed over, and the variant read as
    a mutation (a review of the FHIR reading)."""
    out: set[str | None] = set(_component(builder, res, "significance"))
    for comp in _items(res.data.get("component")):
        row = builder.row("observations", comp.get("code"))
        if row is None or row.get("component") != "significance":
            continue
        value = comp.get("valueCodeableConcept")
        coded = builder.row("observations", value)
        if coded is not None and coded.get("significance"):
            continue  # read by the table above
        written = words.without_invisible(str(comp.get("valueString") or ""))
        said = " ".join(str(w) for w in (*_words(value), written))
        out.add(next((s for pattern, s in SIGNIFICANCE_WORDS if pattern.search(said)), None))
    return out


def _significance_shown(builder: Builder, res: Res) -> str:
    """The value of a variant's significance component (LOINC 53037-8), as a reason quotes it."""
    for comp in _items(res.data.get("component")):
        row = builder.row("observations", comp.get("code"))
        if row is not None and row.get("component") == "significance":
            value = comp.get("valueCodeableConcept")
            shown = _words(value) or ([_coded(value)] if _codings(value) else [])
            return repr(shown[0]) if shown else "no value"
    return "no value"


def _not_of_sequence(builder: Builder, res: Res) -> list[str]:
    """The kinds of change a GenomicVariant names that are not a change of the gene's sequence:
    a DNA change type (LOINC 48019-4) the table does not read as a sequence change (a copy number
    gain or loss, a fusion, a rearrangement, a code in no table, words), a copy number change in
    any component (mCODE's examples give it as a molecular consequence too), and a copy number
    given as a number (LOINC 82155-3, the genomics reporting profile's ``copy-number``: a copy
    number variant, whose absence had been read as KRAS wild-type)."""
    out = []
    for comp in _items(res.data.get("component")):
        row = builder.row("observations", comp.get("code"))
        if row is not None and row.get("component") == "copy-number":
            number = comp.get("valueQuantity")
            value = number.get("value") if isinstance(number, OBJECT) else None
            out.append(f"copy number {value}" if value is not None else "a copy number")
            continue
        value = comp.get("valueCodeableConcept")
        change = builder.row("observations", value)
        kind = change.get("change") if change is not None else None
        typed = row is not None and row.get("component") == "change-type"
        if (typed and kind != "sequence") or kind in ("copy-number-gain", "copy-number-loss"):
            said = comp.get("valueString")
            said = words.without_invisible(said) if isinstance(said, str) else said
            shown = _coded(value) if value is not None else repr(said) if said else "no value"
            out.append(shown)
    return out


def _variant_named(builder: Builder, res: Res) -> str | None:
    """The change a GenomicVariant names (its HGVS or ClinVar component), in words, or None."""
    for comp in _items(res.data.get("component")):
        row = builder.row("observations", comp.get("code"))
        if row is not None and row.get("component") == "variant":
            value = comp.get("valueCodeableConcept")
            shown = _words(value) or [str(c["code"]) for c in _codings(value) if c.get("code")]
            return shown[0] if shown else row.display
    return None


def _kras_test(builder: Builder, res: Res, row: Row | None) -> str | None:
    """A KRAS test's result. A test of several RAS genes (KRAS and NRAS, LOINC 81420-2: the
    row's ``genes``) found positive does not say which gene is changed: mutated only when its
    words name KRAS ("KRAS p.G12D"); a positive answer, or a change named alone (G12D: NRAS has
    one too), leaves KRAS unknown, with a warning, as the words "RAS mutated" do. Negative for
    all of them is wild-type for KRAS too ("RAS wild-type")."""
    genes = row.meaning.get("genes", ()) if row is not None else ()
    answer = _answer(builder, res)
    value: str | None = None
    if answer == "disagree":  # its codings say different answers: warned, not read
        return None
    if answer in ("positive", "present"):
        value = "mutated"
    elif answer in ("negative", "absent"):
        return "wild-type"
    for said in _value_words(res) if value is None else ():
        try:
            read_ = words.kras(said)
        except words.NotUnderstood:
            continue
        if read_ != "mutated" or len(genes) < 2 or re.search(r"\bk-?ras\b", str(said), re.I):
            return read_
        value = "mutated"  # a change, not said to be of KRAS
    if value == "mutated" and len(genes) > 1:
        _not_which_gene(builder, res, " and ".join(g.upper() for g in genes))
        return None
    if value is None:
        builder.drop(res.ref, f"a KRAS result onconav cannot read: {_shown(res)}")
    return value


def _not_which_gene(builder: Builder, res: Res, genes: str) -> None:
    """A change found by a test of several genes, not said to be of KRAS: KRAS stays unknown."""
    builder.drop(res.ref, f"a change found by a test of {genes} ({_shown(res)}) does not say "
                 "which gene is changed: KRAS stays unknown")  # fmt: skip
    builder.warnings.append(f"biomarkers.kras: {res.ref} found a change in {genes}, not said to "
                            "be in KRAS: KRAS is left unknown; ask the care team which gene")


def _hormone_receptors(builder: Builder, cancer: CancerFound) -> None:
    """``hormone_sensitive`` of a breast cancer from its oestrogen (ER) and progesterone (PR)
    receptor tests, each receptor by its latest result: a receptor found means hormones help the
    cancer grow (true); both receptors tested and neither found means they do not (false); one
    negative alone decides nothing (the other may be found). Results of one day that disagree
    decide nothing. Of another cancer the tests are listed unused: they do not say whether
    hormones help it grow (a prostate cancer's hormones are androgens)."""
    found: dict[str, list[tuple[str, str, str]]] = {"er": [], "pr": []}  # (ref, value, date)
    for res in builder.of_type("Observation"):
        row = builder.row("observations", _code_of(res.data))
        kind = row.get("test") if row else None
        if kind not in found or not builder.valid(res):
            continue
        name = "an oestrogen" if kind == "er" else "a progesterone"
        if (other := _about_other_cancer(builder, res, cancer, "a result")) is not None:
            builder.drop(res.ref, other)
            continue
        if cancer.site != "breast":
            builder.drop(res.ref, f"{name} receptor test: read for breast cancer only, where it "
                         "decides hormone therapy")  # fmt: skip
            continue
        if _status(res.data) not in RESULT_OK:
            builder.drop(res.ref, f"{name} receptor test with status {_status(res.data)!r}: "
                         "not a result")  # fmt: skip
            continue
        answer = _answer(builder, res)
        if answer is None:
            said = [str(w).strip().lower() for w in _value_words(res)]
            answer = next((w for w in said if w in ("positive", "negative")), None)
        if answer not in ("positive", "negative", "present", "absent"):
            builder.drop(res.ref, f"{name} receptor result onconav cannot read: {_shown(res)} "
                         "(a positive or negative answer, or a number with the laboratory's "
                         "interpretation)")  # fmt: skip
            continue
        value = "positive" if answer in ("positive", "present") else "negative"
        when = _result_date(res)
        found[kind].append((res.ref, value, when))
    latest: dict[str, str | None] = {}
    refs: dict[str, list[str]] = {}
    for kind, results in found.items():
        if not results:
            continue
        name = kind.upper()
        last = _latest(results)
        values = {v for ref, v, _ in results if ref in last}
        latest[kind] = values.pop() if len(values) == 1 else None
        for ref, _, _ in results:
            if ref not in last:
                builder.drop(ref, f"an earlier {name} result: the latest decides")
        undated = [ref for ref, _, date in results if ref in last and _span(date) is None]
        if latest[kind] is None and undated and len(undated) < len(last):
            builder.warnings.append(
                f"hormone_sensitive: an undated {name} result ({', '.join(undated)}) disagrees "
                f"with the latest dated one (positive, negative): it may be the later, so {name} "
                "is left unknown"
            )
            for ref in last:
                builder.drop(ref, f"{name} results disagree, and an undated one may be the "
                             f"latest: {name} is left unknown")  # fmt: skip
        elif latest[kind] is None:
            builder.warnings.append(f"hormone_sensitive: the latest {name} results on "
                                    "record disagree (positive, negative)")  # fmt: skip
            for ref in last:
                builder.drop(ref, f"{name} results of the same day disagree")
        else:
            refs[kind] = last
    if "positive" in latest.values():
        builder.values["hormone_sensitive"] = True
        for kind, result in latest.items():
            if result == "positive":
                builder.use("hormone_sensitive", *refs[kind])
            elif result == "negative":
                for ref in refs[kind]:
                    builder.drop(ref, "a negative hormone receptor test: the other receptor is "
                                 "found, which decides")  # fmt: skip
    elif latest.get("er") == "negative" and latest.get("pr") == "negative":
        builder.values["hormone_sensitive"] = False
        builder.use("hormone_sensitive", *refs["er"], *refs["pr"])
    else:
        for kind, result in latest.items():
            if result == "negative":
                other = "progesterone" if kind == "er" else "oestrogen"
                known = ("not known: its results disagree" if {"er", "pr"} <= set(latest)
                         else "not on record")  # fmt: skip
                for ref in refs[kind]:
                    builder.drop(ref, f"a negative hormone receptor test alone does not decide: "
                                 f"the {other} receptor result is {known}")  # fmt: skip


def _latest(results: list[tuple[str, str, str]]) -> list[str]:
    """The references of the latest of results (reference, value, date): those no other dated
    result is after (``_before``: in UTC; a date and a time on that day are of one date), and
    the undated ones, which cannot be put in order with them: an undated result may be the
    latest, as an undated stage may (``_choose_stage``), so one that disagrees with the latest
    dated result leaves the receptor unknown, never read as the earlier."""
    spans = {ref: span for ref, _, date in results if (span := _span(date)) is not None}
    return [ref for ref, _, _ in results if ref not in spans or not any(
        _before(spans[ref], other) for other in spans.values())]  # fmt: skip


# ---- treatments ----------------------------------------------------------------------------

# A MedicationDispense is a drug handed over (oral chemotherapy, capecitabine, is often on
# record only as dispenses): a completed one is read as given, on the day it was handed over.
MEDICATIONS = ("MedicationRequest", "MedicationAdministration", "MedicationStatement",
               "MedicationDispense")
NOT_GIVEN = {"cancelled", "entered-in-error", "unknown", "not-done", "not-taken"}
ONGOING = {"active", "on-hold", "in-progress"}
# the statuses of a plan or proposal still to be carried out: only these are a plan now
LIVE = {"draft", "active", "on-hold"}
# the statuses of a record of a drug being given or to be given (an order live, a drug being
# taken, an administration under way, a draft): its statusReason, coded or in words, is not read
# as the drug stopping working or as one the person cannot have ("resumed after allergy
# desensitisation" of an active order had ruled oxaliplatin out)
BEING_GIVEN = {"active", "in-progress", "draft", "intended"}
# how a status is said in a warning about its reason ("MedicationRequest/m was put on hold for")
STATUS_SAID = {"stopped": "was stopped", "on-hold": "was put on hold", "cancelled": "was cancelled",
               "completed": "was completed", "not-taken": "was not taken",
               "not-done": "was not given"}  # fmt: skip


@dataclass(frozen=True)
class Given:
    """A cancer drug or procedure on record."""

    ref: str
    value: str  # a drug id of the knowledge base, or a kind (chemotherapy)
    how: str  # given, planned, progressed, cannot-have
    start: str
    end: str
    ongoing: bool
    drug: bool  # a drug (a medication resource), not a procedure
    extra: tuple[str, ...] = ()  # other resources it rests on (a Medication, a prior request)
    # the day of its last dose, when that is what it says: an administration (one dose), or a
    # request or statement completed, or stopped with no reason (its period's end, else its date)
    last: str = ""
    # when that last dose began: an administration's start (a 46-hour pump began on the day of
    # the other drugs of its course, though it ends two days later); else the last dose itself
    first: str = ""
    # whether the drug was given: a drug never given that the person cannot have (an order
    # cancelled for an allergy) is no treatment had
    had: bool = True
    # of a course of radiation to the pelvis done, the first and last day it was performed
    # (``_performed``): a course of drugs given on one of them is given with it (``_by_course``)
    days: tuple[str, str] | None = None


def drugs_of_codings(codings: object, kb: KnowledgeBase) -> list[str]:
    """The knowledge base's drug that a medication's codings name, by the reviewed table of drug
    codes, as the mapping reads a medication: an RxNorm ingredient, or a clinical drug read as its
    ingredient ("10 ML oxaliplatin 5 MG/ML Injection" is oxaliplatin), or the ingredients of one
    medicine together (trifluridine and tipiracil: ``_coded_drug``). ``[]`` for codes not in the
    table, for a kind of drug only (chemotherapy), for one ingredient of a medicine of several
    alone, and for codings that are not a list of objects of strings."""
    row, combined = _coded_drug(load_tables(), kb, codings)
    drug = combined or (row.get("drug") if row is not None else None)
    return [drug] if drug is not None and kb.kind_of.get(drug) in ("drugs", "regimens") else []


def _coded_drug(
    tables: Tables, kb: KnowledgeBase, codings: object
) -> tuple[Row | None, str | None]:
    """The drug table's row of a medication's codings (the first coding the table knows), and
    the drug or regimen of the knowledge base that the codings name together, when they name
    several drugs or ingredients that make one (RxNorm 10803 trifluridine and 1670304 tipiracil,
    the two ingredients of trifluridine and tipiracil, Lonsurf: ``_combination``), or None."""
    rows = tables.every("drugs", codings if isinstance(codings, list) else ())
    parts = list(dict.fromkeys(v for r in rows if (v := r.get("drug") or r.get("ingredient"))))
    combined = _combination(kb, parts) if len(parts) > 1 else None
    return (rows[0] if rows else None), combined


def _combination(kb: KnowledgeBase, parts: list[str]) -> str | None:
    """The one drug or regimen of the knowledge base that is these drugs or ingredients given
    together, or None: a regimen of these drugs and no other (capecitabine and oxaliplatin:
    CAPOX, as ``KnowledgeBase.regimens_made_of`` names them), or a drug or regimen the knowledge
    base names by them together, in any order ("trifluridine/tipiracil", "trifluridine and
    tipiracil": the one drug Lonsurf, whose ingredients are no drugs of their own there)."""
    drugs = {ids[0] for part in parts
             if len(ids := [r.id for r in kb.find(part) if isinstance(r, Drug)]) == 1}
    named = kb.regimens_made_of(drugs) if len(drugs) == len(parts) else []
    if len(named) == 1 and named[0] not in drugs:
        return named[0]
    for order in itertools.permutations(parts) if len(parts) <= 4 else ():
        for joined in ("/".join(order), " and ".join(order)):
            hits = [r for r in kb.find(joined) if isinstance(r, (Drug, Regimen))]
            if len(hits) == 1:
                return hits[0].id
    return None


def _drug_of(
    builder: Builder, res: Res, medication: Res | None, warn: bool = True
) -> tuple[Row | None, str | None, tuple[str, ...]]:
    """The drug table's row for a medication resource, or a drug named by its words (with a
    warning, when ``warn``), and the Medication it names (``_medication_of``) when it is one of
    the resources."""
    concept = _concept_of(res, medication)
    extra: tuple[str, ...] = ()
    if (res.data.get("medicationCodeableConcept") is None and medication is not None
            and medication.ref in builder.resources):  # fmt: skip
        extra = (medication.ref,)
    row, combined = _coded_drug(builder.tables, builder.kb, _codings(concept))
    if combined is not None:
        return None, combined, extra
    if row is not None:
        return row, None, extra
    named = _named_drug(concept, builder.kb)
    if named is None and (by_name := _row_by_name(builder.tables, concept)) is not None:
        row, text = by_name
        if warn and not row.get("not-read"):
            builder.warnings.append(f"the drug of {res.ref} is read from its name {text!r}: "
                                    f"onconav's table of drug codes names it ({row.display})")
        return row, None, extra
    if named is not None:
        if warn:
            builder.warnings.append(
                f"the drug of {res.ref} is read from its name {named[1]!r}: "
                f"{_not_in_table(concept)}"
            )
        return None, named[0], extra
    made = _of_ingredients(builder.kb, medication)
    if made is not None:
        if warn:
            builder.warnings.append(f"the drug of {res.ref} is read from the ingredients of "
                                    f"its Medication: {builder.kb.name_of(made)}")  # fmt: skip
        return None, made, extra
    return None, None, extra


def _row_by_name(tables: Tables, concept: object) -> tuple[Row, str] | None:
    """The drug table's row a medication's words name, by the row's name (its display without
    strength, form or salt: ``_drug_name``), with the words, when the words name no drug of the
    knowledge base: a hormone therapy written in words only ("tamoxifen", "ANASTROZOLE 1 MG PO
    TABS", "LEUPROLIDE ACETATE 22.5 MG IM KIT") is the kind its RxNorm code is read as. They had
    been "a name onconav does not know" while their codes were read. Only rows of a kind of drug
    or of one not to read (a drug of the knowledge base is named by ``_named_drug``, with its
    rule for notes in round brackets), and only words with no such note ("(for macular
    degeneration)"); None when the words name no such row, or rows that say different things."""
    names = _table_names(tables)
    for text in _words(concept):
        untagged = SNOMED_TAG.sub("", text)
        if "(" in untagged:
            continue
        rows = names.get(_drug_name(untagged).lower(), [])
        said = {(r.get("kind"), r.get("not-read")) for r in rows}
        if len(said) == 1:
            return rows[0], text
    return None


def _table_names(tables: Tables) -> dict[str, list[Row]]:
    """The drug table's rows that say a kind of drug or not to read it, and no drug of the
    knowledge base, by their names (``_row_by_name``)."""
    out: dict[str, list[Row]] = {}
    for row in tables.rows:
        if row.table == "drugs" and not row.get("drug") and (row.get("kind")
                                                             or row.get("not-read")):
            out.setdefault(_drug_name(row.display).lower(), []).append(row)
    return out


def _of_ingredients(kb: KnowledgeBase, medication: Res | None) -> str | None:
    """The drug or regimen a Medication's ingredients make, when its code names none (a
    pharmacy's "Chemotherapy infusion" of oxaliplatin, fluorouracil and leucovorin: FOLFOX; it
    had been "not a cancer drug onconav knows"): each ingredient read as a medication's code is
    (``drugs_of_medication``), those that are no cancer drug (a diluent) left aside; None when
    none is one, or they make no one drug or regimen."""
    if medication is None:
        return None
    drugs = []
    for item in _items(medication.data.get("ingredient")):
        found = drugs_of_medication(item.get("itemCodeableConcept"), kb)
        drugs += [d for d in found if d not in drugs]
    if len(drugs) == 1:
        return drugs[0]
    return _combination(kb, [kb.name_of(d) for d in drugs]) if drugs else None


def _concept_of(res: Res, medication: Res | None) -> object:
    """A medication resource's CodeableConcept: its own, or the code of the Medication it names."""
    concept = res.data.get("medicationCodeableConcept")
    if concept is None and medication is not None:
        concept = medication.data.get("code")
    return concept


def _medication_of(builder: Builder, res: Res) -> Res | None:
    """The valid Medication a medication resource names by ``medicationReference``: one
    contained in it (``#id``), or one among the resources (by ``Type/id`` or a fullUrl)."""
    link = res.data.get("medicationReference")
    reference = link.get("reference") if isinstance(link, OBJECT) else None
    if not isinstance(reference, str):
        return None
    if reference.startswith("#"):
        for item in _items(res.data.get("contained")):
            if (isinstance(item, OBJECT) and item.get("resourceType") == "Medication"
                    and item.get("id") == reference[1:]):  # fmt: skip
                # valid: the resource that holds it was validated whole
                return Res(f"{res.ref}{reference}", "Medication", item)
        return None
    found = builder.resources.get(reference_key(reference, builder.full_urls))
    return found if found is not None and found.type == "Medication" and builder.valid(
        found) else None  # fmt: skip


# Uses of a medicine that do not reach the cancer throughout the body, by the words of its route
# (dosage.route, dosageInstruction.route), its dose form (Medication.form) or its name
# ("Fluorouracil 50 MG/ML Topical Cream"), with where it goes.
LOCAL_USES = (
    (r"intravitreal|intra-?ocular|intracameral|subconjunctival|ophthalmic|eye drops?",
     "given into or onto the eye"),
    (r"topical|cutaneous|cream|ointment|lotion|skin", "put on the skin"),
    (r"intravesical|bladder instillation", "put into the bladder"),
    (r"otic|ear drops?", "put into the ear"),
    (r"vaginal|per vagina", "put into the vagina"),
    (r"intrathecal", "given into the fluid around the spinal cord"),
)  # fmt: skip
# SNOMED CT routes of those uses, for a route coded with no words: SNOMEDCTOncoFAIRCodeSystem.fsh
# (ONCOFAIR/FHIR-ImplementationGuide-Article); 418401004 Intravitreal route, 418821007
# Intracameral route (the eye's anterior chamber) and 372471009 Intravesical use: FHIR R4's
# SNOMED CT Route Codes value set (http://hl7.org/fhir/ValueSet/route-codes, 4.0.1).
LOCAL_ROUTES = {"6064005": "topical", "54485002": "ophthalmic", "10547007": "otic",
                "16857009": "per vagina", "72607000": "intrathecal",
                "418401004": "intravitreal", "418821007": "intracameral",
                "372471009": "intravesical"}  # fmt: skip


def _local_use(words_: Iterable[str]) -> str | None:
    """Where a medicine goes when its words say it is used locally (the eye, the skin), or None."""
    for text in words_:
        for pattern, where in LOCAL_USES:
            if re.search(rf"\b({pattern})\b", text, flags=re.I):
                return where
    return None


def _route_words(res: Res, medication: Res | None) -> list[str]:
    """The words of a medication resource's routes and of its Medication's dose form (a coded
    route with no words read by ``LOCAL_ROUTES``)."""
    dosage = res.data.get("dosage")  # an administration's one, a statement's list
    dosages = [*(dosage if isinstance(dosage, list) else [dosage]),
               *_items(res.data.get("dosageInstruction"))]  # fmt: skip
    concepts = [d.get("route") for d in dosages if isinstance(d, OBJECT)]
    if medication is not None:
        concepts.append(medication.data.get("form"))
    out: list[str] = []
    for concept in concepts:
        out += _words(concept)
        out += [LOCAL_ROUTES[str(c.get("code"))] for c in _codings(concept)
                if system_name(c.get("system")) == "snomed" and c.get("code") in LOCAL_ROUTES]
    return out


# The names of leucovorin's forms, which FOLFOX and FOLFIRI give in its place: levoleucovorin
# (levofolinic acid) and calcium folinate, the name used outside North America. The knowledge
# base knows leucovorin and folinic acid only; read as those, FOLFOX with levoleucovorin was read
# as fluorouracil with oxaliplatin.
FOLINATES = re.compile(r"(calcium\s+)?(levo-?)?(folinate|folinic\s+acid|leucovorin)(\s+calcium)?",
                       flags=re.I)  # fmt: skip


def _named_drug(concept: object, kb: KnowledgeBase) -> tuple[str, str] | None:
    """The drug or regimen a medication's words name ("capecitabine 500 MG Oral Tablet"), when
    they name one, and the words: (id, words). A name of several ingredients, as RxNorm writes
    one ("trifluridine 15 MG / tipiracil 6.14 MG Oral Tablet"), is the drug or regimen they make
    together (``_combination``); read up to its first strength, it was "trifluridine" alone."""
    for text in _words(concept):
        # a note in round brackets is read only when it names the same medicine (its brand,
        # "Cetuximab (Erbitux)", or a regimen's drugs, "mFOLFOX6 (oxaliplatin/leucovorin/
        # fluorouracil)"); any other note leaves the name not read: "Bevacizumab (for macular
        # degeneration)" or "Trastuzumab (deruxtecan)" are other medicines or other uses
        untagged = SNOMED_TAG.sub("", text)  # "Oxaliplatin (substance)": SNOMED CT's, no note
        notes = re.findall(r"\(([^()]*)\)", untagged)
        plain = re.sub(r"\s*\([^()]*\)", " ", untagged)
        parts = _parts(plain)
        combined = _combination(kb, [_drug_name(p) for p in parts]) if len(parts) > 1 else None
        if combined is None and len(parts) > 1 and all(_one_drug(kb, p) for p in parts):
            continue  # drugs that make nothing together: each (``_drugs_joined``), not the
            # first the whole text finds ("cisplatin & 5-FU" had been cisplatin alone)
        hits = [r.id for r in kb.find(_drug_name(plain)) if isinstance(r, (Drug, Regimen))]
        found = combined or (hits[0] if len(hits) == 1 else None)
        if found is not None and all(_names(kb, note) == found for note in notes):
            return found, text
    return None


# The ways a medication's words join the medicines it holds: RxNorm's " / " between
# ingredients ("trifluridine 15 MG / tipiracil 6.14 MG": a "/" with spaces; "5 MG/ML" joins
# none), and a record's own "+", ",", "&", "and", "with", "plus" ("oxaliplatin + leucovorin +
# fluorouracil", "capecitabine and oxaliplatin": they had named no drug, and a drafted CAPOX got
# no card). Parts are read only when each names a drug
JOINS = re.compile(r"\s+/\s+|\s*[,+&]\s*|\s+(?:and|with|plus)\s+", re.I)


def _parts(text: str) -> list[str]:
    """The medicines a medication's words join (``JOINS``); the words alone when they join
    none."""
    return [p for p in JOINS.split(text) if p.strip()]


def _one_drug(kb: KnowledgeBase, words_: str) -> str | None:
    """The one drug words name ("5-FU", "cisplatin 50 MG"), or None."""
    ids = [r.id for r in kb.find(_drug_name(words_)) if isinstance(r, Drug)]
    return ids[0] if len(ids) == 1 else None


def _drugs_joined(concept: object, kb: KnowledgeBase) -> list[str]:
    """The drugs a medication's words join when each part names one drug and together they make
    no drug or regimen of the knowledge base ("cisplatin + fluorouracil"); [] otherwise."""
    for text in _words(concept):
        parts = _parts(re.sub(r"\s*\([^()]*\)", " ", SNOMED_TAG.sub("", text)))
        drugs = [_one_drug(kb, p) for p in parts]
        if len(parts) > 1 and all(drugs):
            return list(dict.fromkeys(d for d in drugs if d))
    return []


def _names(kb: KnowledgeBase, words_: str) -> str | None:
    """The one drug or regimen that words name, by a name of it ("Erbitux") or as its drugs
    together ("oxaliplatin/leucovorin/fluorouracil"), or None."""
    hits = [r.id for r in kb.find(words_.strip()) if isinstance(r, (Drug, Regimen))]
    if len(hits) == 1:
        return hits[0]
    parts = [p for p in re.split(r"\s*[/,+]\s*|\s+and\s+", words_.strip()) if p]
    return _combination(kb, parts) if len(parts) > 1 else None


# SNOMED CT's words for a substance or a product ("Oxaliplatin (substance)", "Product containing
# only cetuximab (medicinal product)", "Oxaliplatin-containing product"), as US Core's allergy
# codes and the International Patient Summary's medicines write them: the drug's name within
SNOMED_TAG = re.compile(r"\s*\((substance|product|medicinal product|medicinal product form|"
                        r"clinical drug|real clinical drug)\)\s*$", re.I)  # fmt: skip
SNOMED_PRODUCT = re.compile(r"^\s*product containing\s+((only|precisely)\s+)?", re.I)
SNOMED_CONTAINING = re.compile(r"[\s-]+containing product\s*$", re.I)
# a medicinal product form's dose form ("Product containing only oxaliplatin in parenteral dose
# form (medicinal product form)"); a form used locally ("in cutaneous dose form") is read as such
# before the name is (``LOCAL_USES``)
SNOMED_DOSE_FORM = re.compile(r"\s+in\s+[\w\s-]*?dose form\s*$", re.I)


def _drug_name(text: str) -> str:
    """The name of a medicine in its words, without the amount, strength, form, brand in
    brackets or salt ("10 ML oxaliplatin 5 MG/ML Injection": oxaliplatin), or SNOMED CT's words
    around it ("Product containing only oxaliplatin (medicinal product)"); leucovorin's forms
    as leucovorin (``FOLINATES``)."""
    text = SNOMED_DOSE_FORM.sub("", SNOMED_TAG.sub("", text))
    text = SNOMED_CONTAINING.sub("", SNOMED_PRODUCT.sub("", text))
    name = re.sub(r"^\s*[\d.]+\s*(ML|MG)\s+", "", text, flags=re.I)
    name = re.split(r"\s+\d|\s*\[", name)[0]
    # how it is given or what it is ("5-FU continuous infusion", "FOLFOX regimen"): a drafted
    # order written so had no card at all
    name = GIVEN_AS.sub("", name)
    name = SALTS.sub("", name).strip()
    return "leucovorin" if FOLINATES.fullmatch(name) else name


# The words of a salt or hydrate after a medicine's name, as RxNorm and pharmacy systems write
# them ("IRINOTECAN HCL", "abiraterone acetate", "tamoxifen citrate", "lapatinib ditosylate
# monohydrate", "radium Ra 223 dichloride"): the medicine is the name before them. Only whole
# words at the end of the name, one or more: a word that is part of a drug's name is never one
# of them (tests/test_fhir.py checks every name of the knowledge base's drugs). "HCl", "acetate",
# "citrate" and "ditosylate" had not been stripped, and "IRINOTECAN HCL 100 MG/5ML IV SOLN" named
# no drug: FOLFIRI stopped was read as fluorouracil with leucovorin, and offered again
SALTS = re.compile(
    r"(\s+(hydrochloride|hcl|hydrobromide|sodium|disodium|potassium|calcium|magnesium|sulfate|"
    r"sulphate|mesylate|mesilate|dimesylate|acetate|citrate|tosylate|ditosylate|maleate|"
    r"dimaleate|tartrate|bitartrate|pamoate|phosphate|diphosphate|bromide|chloride|dichloride|besylate|"
    r"malate|succinate|fumarate|lactate|gluconate|(mono|di|tri|sesqui)?hydrate|anhydrous))+\s*$",
    re.I)  # fmt: skip


# words after a medicine's name that say how it is given or what it is, not which medicine
GIVEN_AS = re.compile(r"(\s+(continuous|infusion|bolus|iv|intravenous|injection|injectable|"
                      r"solution|oral|tablets?|capsules?|pump|regimen|protocol|cycles?))+\s*$",
                      re.I)  # fmt: skip


def drugs_of_medication(concept: object, kb: KnowledgeBase) -> list[str]:
    """The knowledge base's drug a medication's CodeableConcept names, read as the mapping reads
    a medication resource: by the reviewed table of drug codes (``drugs_of_codings``), or, when no
    code of it is in the table, by its name ("cetuximab 2 MG/ML Injectable Solution" with an
    RxNorm code the table lacks is cetuximab); words that join drugs that make nothing together,
    each of them ("cisplatin + fluorouracil": each is checked). ``[]`` for anything else, and for
    a medicine its name says is used locally ("Fluorouracil 50 MG/ML Topical Cream")."""
    if _local_use(_words(concept)) is not None:
        return []
    codings = _codings(concept)
    if load_tables().first("drugs", codings) is not None:
        return drugs_of_codings(codings, kb)
    named = _named_drug(concept, kb)
    return [named[0]] if named is not None else _drugs_joined(concept, kb)


def _medications(builder: Builder, cancer: CancerFound) -> list[Given]:
    out = []
    for res in builder.of_type(*MEDICATIONS):
        if not builder.valid(res):
            continue
        if (other := _about_other_cancer(builder, res, cancer, "a treatment",
                                         "reasonReference")) is not None:  # fmt: skip
            builder.drop(res.ref, other)
            continue
        medication = _medication_of(builder, res)
        concept = _concept_of(res, medication)
        local = _local_use([*_route_words(res, medication), *_words(concept)])
        row, named, extra = _drug_of(builder, res, medication, warn=local is None)
        status = _status(res.data)
        base, then = _read_without_reason(res, status)
        if row is not None and row.get("not-read"):
            builder.drop(res.ref, f"{row.display}: {row.get('not-read')}")
            continue
        uses = row.meaning.get("other-uses", ()) if row is not None else ()
        if row is not None and uses and (reason := _given_for_other_use(builder, res, uses)):
            builder.drop(res.ref, f"{row.display}: given for {reason}, not for a cancer (it is "
                         "given for other conditions too)")  # fmt: skip
            continue
        value = named or (row.get("drug") or row.get("kind") if row else None)
        if value is not None and local is not None:
            builder.drop(res.ref, f"{local}: not a treatment of the cancer throughout the body")
            continue
        if value is None:
            link = res.data.get("medicationReference")
            med = builder.ref(link)
            unresolved = concept is None and med and medication is None
            written = (link.get("reference") if isinstance(link, dict) else med) if unresolved \
                else _coded(concept)  # fmt: skip
            if base in ("given", "ended plan") and "progressed" in _stop_reasons(
                    builder, res, "its drug is not read") and (
                    unresolved or _for_the_cancer(builder, res)):  # fmt: skip
                # a drug not read that stopped working (FOLFOX's oxaliplatin not among the
                # resources; trastuzumab by a name onconav does not know, given for the cancer):
                # what stopped is a list that may not be whole, not one without it
                # ("fluorouracil with leucovorin stopped working" alone offered FOLFOX again).
                # A drug not known that nothing ties to the cancer (an anti-sickness drug that did
                # not help) is not read so: it had every drug option ask
                builder.stopped_unread.append(res.ref)
                where = ("is not among the resources given" if unresolved
                         else "is not one onconav knows")  # fmt: skip
                _warn_once(builder, f"{res.ref} was stopped because the cancer grew, but its "
                           f"drug ({written}) {where}: what stopped working may hold more than "
                           "is read (perhaps other treatments not listed); check the record")
                continue
            if unresolved:
                builder.drop(res.ref, f"it names its drug only as {written!r}, which is not among "
                             "the resources given, so the drug is not known")  # fmt: skip
                continue
            builder.drop(res.ref, "a drug onconav's table of drug codes does not hold, by a "
                         f"name onconav does not know: {written}")  # fmt: skip
            if base == "given" and local is None and status != "entered-in-error" and (
                    _for_the_cancer(builder, res)):  # fmt: skip
                # kept for the disease statuses: in use when the cancer worsened, it may be
                # what stopped working (``_statuses``); only one given for the cancer, as a
                # drug not known stopped for progression: an anti-sickness drug, a steroid or
                # a statin in use then had made every drug option ask (a review of the change)
                builder.unknown_given.append(_given(res, "", "given", status))
            continue
        if status == "entered-in-error":
            builder.drop(res.ref, f"status {status!r}: not given")
            continue
        if res.type == "MedicationDispense" and status != "completed":
            builder.drop(res.ref, f"a dispense with status {status!r}: only a completed dispense "
                         "(handed over) is read as given")  # fmt: skip
            continue
        if res.data.get("intent") == "option":
            builder.drop(res.ref, "intent 'option': one of the choices of a request group, not "
                         "an order: not read as given or planned")  # fmt: skip
            continue
        # the reason is read by its status (``_stop_reasons``): an allergy or intolerance is a
        # drug the person cannot have, given or not (an order cancelled for an allergy had been
        # dropped as not given, one put on hold read as had); that the cancer grew on it only of
        # a drug given, in part at least. Both when its reasons say both ("progression;
        # neurotoxicity")
        stop = _stop_reasons(builder, res, then, value)
        given = base in ("given", "ended plan")
        if status == "stopped" and base == "given" and not res.data.get("statusReason"):
            stop |= _no_stop_reason(builder, res, value)
        hows: list[str] = [h for h in ("progressed", "cannot-have")
                if h in stop and (given or h == "cannot-have")]  # fmt: skip
        if not hows and base not in ("given", "planned"):
            builder.drop(res.ref, then if base == "ended plan" else f"status {status!r}: not "
                         "given" + (", and that the cancer grew is read only of a drug given"
                                    if "progressed" in stop else ""))  # fmt: skip
            continue
        hows = hows or [base]
        prior = builder.resources.get(builder.ref(res.data.get("priorPrescription")) or "")
        extra += (prior.ref,) if prior is not None and builder.valid(prior) else ()
        out += [_given(res, value, how, status, extra, given, only=hows == ["given"])
                for how in hows]  # fmt: skip
    return _named_of_the_course(builder, _harm_of_the_course(
        builder, _not_again_of_the_course(builder, out)))


def _not_again_of_the_course(builder: Builder, out: list[Given]) -> list[Given]:
    """The records whose words forbid their own drug again naming no drug
    (``builder.not_again_own``: "Do not rechallenge", "Neurotoxicity, do not rechallenge"), when
    every drug record of one course (``_chained``, as ``_named_of_the_course`` reads one) says
    the same (``_not_again_words``) and their drugs make a regimen of the knowledge base
    (``KnowledgeBase.regimens_made_of``): a clinician writing it on each record of the course
    means that regimen must not be given again, so the regimen is read as one the person cannot
    have, its records as treatments had (or as they are read besides), with a warning that the
    note was on each drug and read as the regimen. Written on each record of FOLFOX it had barred
    each drug, and with fluorouracil FOLFIRI. Drugs of the course that make no regimen, a course
    whose records do not all say it, and a course with a drug not known alone keep the reading
    of each record; so does an allergy (``ACUTE_REACTION``, never kept here)."""
    if not builder.not_again_own:
        return out
    kb = builder.kb
    had = [g for g in out if g.had and g.how != "planned" and g.drug and g.start]
    courses: dict[int, list[Given]] = {}
    for i, on in enumerate(_chained(_local_day(g.start) for g in had)):
        courses[i] = [g for g in had if _local_day(g.start) in on]
    added: list[Given] = []
    for course in courses.values():
        refs = {g.ref for g in course}
        said = {builder.not_again_own[r][0] for r in refs if r in builder.not_again_own}
        if len(said) != 1 or not refs <= builder.not_again_own.keys() or any(
                kb.kind_of.get(g.value) != "drugs" for g in course):  # fmt: skip
            continue
        for regimen in kb.regimens_made_of({g.value for g in course}):
            if kb.kind_of.get(regimen) != "regimens":
                continue  # a drug of no regimen: read as its record says
            members = sorted({g.ref for g in course if g.value in kb.drugs_of(regimen)})
            for ref in members:
                if builder.not_again_own[ref][2] in builder.warnings:
                    builder.warnings.remove(builder.not_again_own[ref][2])
                builder.harm_named.pop(ref, None)
            other = {g.ref for g in out if g.how != "cannot-have"}
            first = next(g for g in course if g.ref == members[0])
            out = [replace(g, how="given") if g.ref in members and g.how == "cannot-have" else g
                   for g in out if not (g.ref in members and g.ref in other
                                        and g.how == "cannot-have")]  # fmt: skip
            added.append(replace(first, value=regimen, how="cannot-have", last="", first="",
                                 extra=(*first.extra, *members[1:]), had=False))  # fmt: skip
            drugs = words.and_list(sorted({kb.name_of(g.value) for g in course
                                           if g.ref in members}))  # fmt: skip
            said_so = "; ".join(dict.fromkeys(builder.not_again_own[r][1] for r in members))
            builder.warnings.append(
                f"{', '.join(members)} ({drugs}) were each stopped with words that say the drug "
                f"must not be given again ({said_so}): the note was on each drug of one course, "
                "and is read as the regimen they make, "
                f"{kb.name_of(regimen)}, being one the person cannot have, not as each drug "
                "alone (its drugs may still be offered in other treatments; ask the care team "
                "if a single drug is meant); check the record")  # fmt: skip
    return out + added


def _not_again_words(texts: list[str]) -> str:
    """The words of a reason beside those that forbid the drug again (``NOT_AGAIN_WORDS``,
    ``_NOT_AGAIN_FILLER``): "" of "Do not rechallenge", "neurotoxicity" of "Neurotoxicity, do
    not rechallenge"; the same of each record of a course is the same note."""
    lowered = " ".join(dict.fromkeys(" ".join(t.lower().split()) for t in texts))
    return " ".join(w for w in re.sub(r"[^\w\s+-]", " ", NOT_AGAIN_WORDS.sub(" ", lowered)).split()
                    if w not in _NOT_AGAIN_FILLER)  # fmt: skip


def _named_of_the_course(builder: Builder, out: list[Given]) -> list[Given]:
    """The records whose reasons for stopping name other treatments than their own
    (``builder.reason_named``: "Disease progression on FOLFOX" of fluorouracil's record, "Do
    not rechallenge with oxaliplatin" of leucovorin's), read as what they name whichever record
    of the course (``_chained``, as ``_by_course`` names it) carries them: a drug or regimen
    whose drugs are all among the course's records, those records (what stopped working then
    names the regimen, as the same words on oxaliplatin's record did); else the drug or regimen
    itself, with a warning that it is not among the records of its course. Read so as stopped
    working (the record's own drug, when the words name it, is read so already) or as one the
    person cannot have, each with a warning naming the record whose words said so and kept in
    the provenance with it. (On fluorouracil's record, "Disease progression on FOLFOX" had read
    fluorouracil alone as stopped working, and FOLFOX been offered; "Do not rechallenge with
    oxaliplatin" had been a reason not read.)"""
    if not builder.reason_named:
        return out
    kb = builder.kb
    had = [g for g in out if g.had and g.how != "planned" and g.drug]
    course_of = {d: i for i, on in enumerate(_chained(_local_day(g.start) for g in had))
                 for d in on}  # fmt: skip
    added: list[Given] = []
    # one Given of each record (one read both as stopped working and as a drug the person
    # cannot have is two)
    readings = [(given, *reading) for given in
                {g.ref: g for g in out if g.ref in builder.reason_named}.values()
                for reading in builder.reason_named.pop(given.ref)]  # fmt: skip
    for given, how, named, shown in readings:
        course = [g for g in had if course_of.get(_local_day(g.start)) == course_of.get(
            _local_day(given.start), -1)]  # fmt: skip
        for ident in named:
            name = kb.name_of(ident)
            drugs = set(kb.drugs_of(ident)) or {ident}
            members = [g for g in course if g.value in drugs]
            whole = {g.value for g in members} == drugs
            so_already = how == "progressed" and all(
                any(o.ref == g.ref and o.how == how for o in out) for g in members)
            if whole and ({g.ref for g in members} == {given.ref} or so_already):
                continue  # the record's own drug named, or each record read so by its own words
            what = ("the cancer growing on it (stopped working)" if how == "progressed"
                    else "one the person cannot have (it must not be given again)")  # fmt: skip
            refs = ", ".join(sorted({g.ref for g in members}))
            some = words.and_list(sorted({kb.name_of(g.value) for g in members}))
            where = (f"its course's records of it ({refs}) are read as {what}" if whole
                     else f"{name} is not among the records of its course"
                     + (f" (only {some} of it)" if members else "")
                     + f", and is read as {what} as the words say")  # fmt: skip
            builder.warnings.append(
                f"{given.ref} was stopped for a reason whose words name {name} ({shown}): "
                f"{where}; check the record")
            if whole and how == "progressed":
                # a record read as given is read as stopped working; one read only as a drug
                # the person cannot have (stopped for an allergy) as both
                grew = {g.ref for g in out if g.how == how}
                changed = {g.ref for g in members if g.how == "given"}
                out = [replace(g, how=how, extra=(*g.extra, given.ref), last="", first="")
                       if g.ref in changed and g.how == "given" else g for g in out]  # fmt: skip
                added += [replace(g, how=how, extra=(*g.extra, given.ref)) for g in members
                          if g.how == "cannot-have" and g.ref not in grew | changed]  # fmt: skip
                continue
            rest = tuple(sorted({g.ref for g in members} - {given.ref}))
            added.append(replace(given, value=ident, how=how, extra=(*given.extra, *rest),
                                 last="", first="", had=how == "progressed"))  # fmt: skip
    return out + added


def _harm_of_the_course(builder: Builder, out: list[Given]) -> list[Given]:
    """The records read as cannot-have for a harm or a toxicity named in words
    (``builder.harm_named``: "Peripheral neuropathy", "Neurotoxicity", "grade 3 toxicity"),
    when drugs of one course (begun the same day) were stopped for the same words: which of them
    caused it is not said (the neuropathy of FOLFOX is oxaliplatin's, which the record does not
    say), so none is read as one the person cannot have; each is a treatment had, with a warning
    naming them. All three drugs of FOLFOX stopped for "Peripheral neuropathy", or for
    "Neurotoxicity", had ruled out fluorouracil, and FOLFIRI with it. An allergy or a reaction
    so named (``ACUTE_REACTION``) is still read for each, with a warning that says why; so is
    a record whose words also forbid its own drug again ("Neurotoxicity, do not rechallenge":
    each record says so, as "Do not rechallenge" alone on each is read; it had been read as
    none)."""
    groups: dict[tuple[str, str], list[Given]] = {}
    for given in out:
        if given.how == "cannot-have" and given.ref in builder.harm_named:
            key = (_day(given.start) if given.start else given.ref,
                   builder.harm_named[given.ref][0])  # fmt: skip
            groups.setdefault(key, []).append(given)
    together = [group for group in groups.values() if len({g.value for g in group}) > 1]
    kept = [g for g in together if all(builder.harm_named[x.ref][2] for x in g)]
    for group in kept:
        drugs = ", ".join(sorted({builder.kb.name_of(g.value) or g.value for g in group}))
        if not ACUTE_REACTION.search(builder.harm_named[group[0].ref][0]):
            builder.warnings.append(
                f"{', '.join(sorted({g.ref for g in group}))} ({drugs}) were stopped together "
                f"for the same harm ({builder.harm_named[group[0].ref][0]!r}), with words on each "
                "that say it must not be given again: each is read as one the person cannot "
                "have, as each record says, though which drug caused the harm is not said; "
                "check the record")  # fmt: skip
            continue
        builder.warnings.append(
            f"{', '.join(sorted({g.ref for g in group}))} ({drugs}) were stopped together for "
            f"the same allergy or reaction ({builder.harm_named[group[0].ref][0]!r}): which drug "
            "caused it is not said, and each is read as one the person cannot have, as a "
            "reaction may come back worse with the drug that caused it; an allergist's tests "
            "may clear some; check the record")  # fmt: skip
    # of a course whose records say the same words, those that also forbid their own drug
    # again ("Neurotoxicity; avoid oxaliplatin" of oxaliplatin's record) are read as they say
    shared = {g.ref: [x for x in group if not builder.harm_named[x.ref][2]]
              for group in together if group not in kept for g in group
              if not builder.harm_named[g.ref][2]}  # fmt: skip
    if not shared:
        return out
    for ref in shared:
        warning = builder.harm_named[ref][1]
        if warning in builder.warnings:
            builder.warnings.remove(warning)
    for group in {id(g): g for g in shared.values()}.values():
        drugs = ", ".join(sorted({builder.kb.name_of(g.value) or g.value for g in group}))
        refs = ", ".join(sorted({g.ref for g in group}))
        builder.warnings.append(
            f"{refs} ({drugs}) were stopped together for the same harm "
            f"({builder.harm_named[group[0].ref][0]!r}): which drug caused it is not said, so none "
            "is read as one the person cannot have; each is read as a treatment had (or as one "
            "that stopped working, where its words say so); check the record")  # fmt: skip
    # a record also read as stopped working keeps that reading alone ("Disease progression;
    # also neurotoxicity": its progression had been lost with the harm)
    other = {g.ref for g in out if g.how != "cannot-have"}
    return [replace(g, how="given") if g.ref in shared and g.how == "cannot-have" else g
            for g in out if not (g.ref in shared and g.ref in other and g.how == "cannot-have")]


def _given(res: Res, value: str, how: str, status: str, extra: tuple[str, ...] = (),
           had: bool = True, only: bool = True) -> Given:
    """A medication record read as ``how`` (``only`` when that is its one reading), with its
    dates: its start and end, and the day of its last dose when it says one (an administration;
    a request or statement completed, or stopped with no reason)."""
    start = _date(res.data, "authoredOn", "effectiveDateTime", "effectivePeriod",
                  "dateAsserted", "whenHandedOver")  # fmt: skip
    end = _end(res.data, "effectivePeriod")
    finished = res.type == "MedicationAdministration" or status == "completed" or (
        status == "stopped" and not res.data.get("statusReason"))  # fmt: skip
    last = (end or start) if finished and only and how == "given" else ""
    first = start if last and res.type == "MedicationAdministration" else last
    return Given(res.ref, value, how, start, end, status in ONGOING, True, extra, last=last,
                 first=first, had=had)


def _read_without_reason(res: Res, status: str) -> tuple[str, str]:
    """How a medication record is read by its status and intent alone, before its reason:
    "given", "planned" (draft or intended, or a plan or proposal still live: draft, active,
    on-hold), "not given" (cancelled, not taken, not done, unknown) or "ended plan" (a plan or
    proposal stopped or completed: what was meant, not what was given; it had been read as
    planned, and a plan of oxaliplatin stopped for no response left FOLFOX offered), with what
    that reading is, in words, for the warning of a reason not read."""
    plan = res.data.get("intent") in ("proposal", "plan")
    if status in ("draft", "intended") or (plan and status in LIVE):
        return "planned", "it is read as planned"
    if status in NOT_GIVEN:
        return "not given", "it is read as not given"
    if plan:
        return "ended plan", (
            f"a {res.data.get('intent')} that ended (status {status!r}) with no reason read: a "
            "plan says what was meant, not what was given, so whether the drug was given is not "
            "known; not read as had or planned")  # fmt: skip
    return "given", "it is read as a treatment had, not as one that stopped working or cannot " \
        "be given"


# A reason for stopping, in words, that says the drug stopped working: read only when its whole
# text is one of these (marks and case aside), so that no other word can turn it round ("no
# evidence of disease progression", "not due to progression", "progression-free" had been read
# as progression); any other reason is said, not read.
PROGRESSION_WORDS = frozenset({
    "progression", "disease progression", "progressive disease", "cancer progression",
    "tumor progression", "tumour progression", "progressed", "disease progressed",
    "cancer progressed", "refractory", "refractory disease", "no response", "did not respond",
    "not responding", "stopped working", "did not work", "treatment failure",
    # the cancer no longer held back by the drug, in a clinician's other words ("Drug
    # resistance", "Resistant disease", "PD" as a scan report writes progressive disease)
    "resistance", "drug resistance", "treatment resistance", "resistant disease", "resistant",
    "chemoresistance", "chemorefractory", "clinical progression", "radiological progression",
    "radiologic progression", "progression of disease", "pd",
    # the growth itself, in plain words ("Cancer grew", "Tumour growth")
    "cancer grew", "tumour grew", "tumor grew", "tumour growth", "tumor growth",
    "cancer growth",
})
# How or when a progression was seen, said after it ("Progressive disease on CT", "PD on
# imaging", "progression (RECIST)", "Disease progression after 6 cycles"): the scan or the
# course, not a treatment it grew on, so the words are still the progression alone
# (``progression_words``); a review of the FHIR path found each a reason not read, and the card
# said "not on record: treatments that stopped working"
SEEN_BY = re.compile(
    r"(?: (?:seen |shown |confirmed )?(?:on|by|per|at|after|according to) (?:the |a )?"
    r"(?:ct|ct scan|mri|mri scan|pet|pet ct|pet scan|scan|scans|imaging|restaging|x ray"
    r"|recist(?: 1 1)?|\d+ (?:cycles?|months?|weeks?|doses?|courses?))"
    r"| recist(?: 1 1)?)+$"
)


def progression_words(plain: str) -> bool:
    """Whether words (lower case, marks made spaces) say only that the cancer grew:
    ``PROGRESSION_WORDS``, with how or when it was seen after them (``SEEN_BY``)."""
    return SEEN_BY.sub("", plain) in PROGRESSION_WORDS


# Progression said with the treatment the cancer grew on ("Disease progression on FOLFOX",
# "Progressed during oxaliplatin", "PD on this regimen"): the words before, one of
# ``PROGRESSION_WORDS``; the words after, the treatments it grew on (``_grown_on``)
GREW_ON = re.compile(r"(?P<grew>.+?) (?:on|during|while on|despite|through) (?P<what>.+)")
# The words that part a reason's words (captured): those that part two reasons (";", "also"),
# and those that may join the treatments of a list as well as two reasons ("cisplatin and
# ifosfamide", "FOLFOX, CAPOX and FOLFIRI", "cisplatin plus ifosfamide", "cisplatin/ifosfamide",
# "Neurotoxicity, progression on FOLFOX")
_REASON_PARTS = re.compile(r"\s*(;|\balso\b|,|/|\+|&|\band\b|\bplus\b|\bwith\b)\s*")
# The most parts of a list one name of a treatment spans ("cisplatin and fluorouracil with
# radiation", "trifluridine and tipiracil"): a longer run of a list is not looked up
_LONGEST_NAME = 4


def _grew_on_own(said: str, named: list[str], kb: KnowledgeBase | None,
                 own: str | None) -> bool:  # fmt: skip
    """Whether a treatment a progression was on (its words ``said``, the treatments the
    knowledge base knows them by ``named``: ``_grown_on``) is the record's own: "it", "this
    regimen" (``THIS_DRUG``), or its drug, a regimen that holds it or a kind of it ("FOLFOX" of
    oxaliplatin's record; not "FOLFIRI", another's, read as that one: ``_progression_named``)."""
    if THIS_DRUG.fullmatch(said) or said in ("treatment", "therapy", "chemotherapy", "chemo"):
        return True
    if kb is None or own is None:
        return False
    return any(_is_own(kb, own, i) for i in named)


# The words that join the names of treatments ("oxaliplatin and fluorouracil", "FOLFOX regimen")
_JOINING = frozenset({"and", "or", "plus", "with", "the", "regimen", "combination", "of",
                      "cycle", "cycles", "line", "first-line", "second-line", "third-line"})


def _treatments_named(what: str, kb: KnowledgeBase) -> list[str]:
    """The drugs, regimens and kinds of drug the knowledge base knows by the words of ``what``
    ("FOLFOX", "oxaliplatin and fluorouracil", "chemotherapy", "checkpoint inhibitors"), by
    the whole words or else word by word, in order; none when a word is neither a name of one
    nor a word that joins them (``_JOINING``: "oxaliplatin until reviewed" names no treatment
    alone)."""
    kinds = ("drugs", "regimens", "drug_classes")
    named = [r.id for r in kb.find(" ".join(what.split())) if kb.kind_of.get(r.id) in kinds]
    for word in [] if named else re.findall(r"[a-z][\w-]+", what.lower()):
        found = [r.id for r in kb.find(word) if kb.kind_of.get(r.id) in kinds]
        if not found and word not in _JOINING:
            return []
        named += [i for i in found if i not in named]
    return named


def _listed(what: str, rest: Iterator[tuple[str, str]],
            kb: KnowledgeBase | None) -> list[tuple[str, list[str]]]:  # fmt: skip
    """The treatments of a list (``what``, its first words, then ``rest``: each word that joins
    the next words of it, ``_REASON_PARTS``, with them), each as its words and the drugs,
    regimens and kinds the knowledge base knows them by, in order, up to the first words that
    name none (another reason: "cisplatin and ifosfamide, neurotoxicity"); ``rest`` is read no
    further than that, so that a reason of many progressions is read in a time in line with its
    length. The longest run of parts that is one name first ("cisplatin and ifosfamide", a
    regimen; "trifluridine and tipiracil", a drug), else each part alone ("cisplatin,
    paclitaxel and bevacizumab": three). "it", "this regimen" (``THIS_DRUG``) and the words of
    treatment in general name the record's own, with no id. Without the knowledge base, only
    those."""
    ahead, joins = [what], [""]  # the parts not read yet, each with the word before it
    out: list[tuple[str, list[str]]] = []
    while ahead:
        while len(ahead) < _LONGEST_NAME and (following := next(rest, None)) is not None:
            joins.append(following[0])
            ahead.append(following[1])
        for end in range(len(ahead), 0, -1):
            said = " ".join([ahead[0], *(f"{j} {w}" for j, w in zip(
                joins[1:end], ahead[1:end], strict=True))]).strip(" .!")  # fmt: skip
            general = end == 1 and (THIS_DRUG.fullmatch(said) is not None or said in (
                "treatment", "therapy", "chemotherapy", "chemo"))  # fmt: skip
            named = [] if kb is None else _treatments_named(said, kb) if end == 1 else [
                r.id for r in kb.find(said)
                if kb.kind_of.get(r.id) in ("drugs", "regimens", "drug_classes")]  # fmt: skip
            if named or general:
                out.append((said, named))
                del ahead[:end], joins[:end]
                break
        else:
            break
    return out


def _grown_on(text: str, kb: KnowledgeBase | None) -> list[list[tuple[str, list[str]]]]:
    """Each progression a reason's words say with the treatments the cancer grew on
    (``GREW_ON``, its words before one of ``PROGRESSION_WORDS``), as their list (``_listed``):
    the treatments named after it up to the end of that reason ("Neurotoxicity; progression on
    cisplatin and ifosfamide": cisplatin and ifosfamide, the regimen; "PD on FOLFOX, CAPOX and
    FOLFIRI": three). The words had been parted at each "and", "," and "/" before they were
    read, and a list read as its first treatment alone."""
    parts = _REASON_PARTS.split(" ".join(text.lower().split()))

    def after(at: int) -> Iterator[tuple[str, str]]:
        for join in range(at + 1, len(parts) - 1, 2):
            if parts[join] in (";", "also"):
                return
            yield parts[join], parts[join + 1]

    out = []
    for at in range(0, len(parts), 2):
        said = GREW_ON.fullmatch(parts[at].strip(" .!"))
        if said and progression_words(" ".join(re.sub(r"[^\w\s]", " ", said["grew"]).split())):
            out.append(_listed(said["what"], after(at), kb))
    return out


def _progression_named(text: str, kb: KnowledgeBase) -> list[str]:
    """The drugs and regimens a progression's words name as what the cancer grew on
    (``_grown_on``: "Disease progression on FOLFOX": FOLFOX; "PD on oxaliplatin"; "progression
    on FOLFOX and bevacizumab": both), whichever record carries them; not a kind ("on
    chemotherapy": the record's own, ``_grew_on_own``)."""
    return list(dict.fromkeys(i for listed in _grown_on(text, kb) for _, named in listed
                              for i in named if kb.kind_of.get(i) != "drug_classes"))


def _says_progression(text: str, kb: KnowledgeBase | None = None, own: str | None = None) -> bool:
    """Whether the words are one of ``PROGRESSION_WORDS``, or a list of reasons one of which is
    ("Disease progression; also neurotoxicity": the progression had been lost to the toxicity),
    or one of them said with the record's own treatment among those it grew on (``_grown_on``:
    "Disease progression on FOLFOX" of oxaliplatin's record, ``own``; it had been a reason not
    read; "progression on cisplatin and ifosfamide" of ifosfamide's)."""
    clauses = re.split(r"[;,/]|\band\b|\balso\b", text.lower())
    for clause in [text.lower(), *clauses]:
        plain = " ".join(re.sub(r"[^\w\s]", " ", clause).split())
        if progression_words(plain):
            return True
    return any(_grew_on_own(said, named, kb, own)
               for listed in _grown_on(text, kb) for said, named in listed)  # fmt: skip


# A reason for stopping, in words, that says the person could not take the drug: an allergy, an
# intolerance, a toxicity, side effects ("Neurotoxicity", "Allergic reaction", "Not tolerated",
# "Suspected intolerance", as FHIR's own code sintol says it). Read as cannot-have unless the
# words deny or put aside what they name ("no toxicity", "not due to side effects", "toxicity
# resolved"); a doubt is no bar, as FHIR's codes salg and sintol stop a drug on a belief too.
# (Words of a choice or a worry are not read against it: "Grade 3 neurotoxicity; patient
# declined further oxaliplatin" is a toxicity, and "side effects feared" is read as one too,
# the safer way.)
# (a harm named: ``words.HARM_NAMED``)
# (words that deny or put aside the harm: ``words.harm_denied``)


# Words that forbid the drug again, which confirm what they follow and deny nothing
# ("hypersensitivity reaction, do not rechallenge", "anaphylaxis, must not be rechallenged",
# "confirmed allergy, no rechallenge", "anaphylaxis - never to be given again", "anaphylaxis;
# avoid oxaliplatin" had been read as denied by their "not", "no", "never" or "avoid"); "avoid"
# before words of a harm is still a denial ("changed to avoid neurotoxicity")
NOT_AGAIN_WORDS = re.compile(
    r"\b(do not|don't|must not|should not|never|no|not)( to)?( be)? (re-?challenged?|"
    r"re-?start(ed)?|resumed?|re-?expose[d]?|re-?treat(ed)?|give|given)( again)?\b|"
    r"\bavoid\b(?! (further |future )?\S*(allerg|toxic|side|reaction|anaphyla|hypersensitiv|"
    r"intoleran|infusion))")  # fmt: skip


# The words beside those that forbid the drug again that leave them alone ("Do not rechallenge
# with it", "Please do not give again")
_NOT_AGAIN_FILLER = frozenset({"with", "it", "this", "that", "drug", "medication", "medicine",
                               "agent", "again", "the", "please", "patient", "pt"})


def _only_not_again(text: str, kb: KnowledgeBase) -> list[str] | None:
    """What a reason's words forbid when they only forbid a treatment again
    (``NOT_AGAIN_WORDS``), naming no harm and not doubted: ``[]`` for the record's own drug
    ("Do not rechallenge", "Never to be given again", "do not give it again"), else the drugs,
    regimens and kinds they name ("Do not rechallenge with oxaliplatin": oxaliplatin, whichever
    record carries it; "with chemotherapy": the kind). What a clinician means is that it must
    not be given again (it had been a reason not read, and the drug offered again). None for
    other words, and words beside them that say more ("do not rechallenge until reviewed")."""
    lowered = " ".join(text.lower().split())
    if not NOT_AGAIN_WORDS.search(lowered) or words.UNSURE.search(lowered):
        return None
    rest = [w for w in re.sub(r"[^\w\s+-]", " ", NOT_AGAIN_WORDS.sub(" ", lowered)).split()
            if w not in _NOT_AGAIN_FILLER]  # fmt: skip
    if not rest or THIS_DRUG.fullmatch(" ".join(rest)):
        return []
    return _treatments_named(" ".join(rest), kb) or None


def _forbidden_in(text: str, kb: KnowledgeBase) -> list[list[str]]:
    """What the parts of a reason that only forbid a treatment again forbid (``_only_not_again``
    of each part: "Neurotoxicity, do not rechallenge": the record's own drug, ``[]``;
    "anaphylaxis; avoid oxaliplatin": oxaliplatin)."""
    return [n for part in re.split(r"[;,]| - ", text)
            if (n := _only_not_again(part, kb)) is not None]  # fmt: skip


def _not_again_read(builder: Builder, res: Res, said: list[str], shown: str,
                    own: str | None, parts: bool = False) -> bool | None:
    """Whether a drug record's reasons for stopping, which only forbid a treatment again
    (``_only_not_again``; None for other words), bar its own drug, read so: the record's own
    drug, when they name none, name it or name a kind that holds it (a kind is not read as
    every drug of it, with a warning: ``KIND_NOT_BARRED``), as one the person cannot have;
    the other drugs and regimens they name are kept for ``_named_of_the_course``, which reads
    each as one the person cannot have, whichever record of its course carries the words.
    With ``parts`` (beside a progression read: "Do not rechallenge with oxaliplatin;
    progression on FOLFOX"), the parts of the words that only forbid (``_forbidden_in``); the
    bar had been lost to the progression, with no word."""
    named = [n for t in said for n in _forbidden_in(t, builder.kb)] if parts else [
        n for t in said if (n := _only_not_again(t, builder.kb)) is not None]  # fmt: skip
    if not named:
        return None
    ids = list(dict.fromkeys(i for n in named for i in n))
    kinds = [i for i in ids if builder.kb.kind_of.get(i) == "drug_classes"]
    others = [i for i in ids if i not in kinds and i != own]
    own_kinds = {k for d in builder.kb.drugs_of(own or "") for k in getattr(
        builder.kb.by_id.get(d), "classes", [])}  # fmt: skip
    in_kind = [k for k in kinds if k in own_kinds]
    if [] in named or own in ids or in_kind:
        warning = (f"{res.ref} was stopped with words that say it must not be given again "
                   f"({shown}): read as a drug the person cannot have; the record does not say "
                   "why, so check it")  # fmt: skip
        builder.warnings.append(warning)
        if [] in named:
            builder.not_again_own[res.ref] = (_not_again_words(said), shown, warning)
    for kind in kinds:
        name = in_sentence(builder.kb.name_of(kind))  # "chemotherapy"
        builder.warnings.append(
            f"{res.ref} was stopped with words that forbid a kind of drug again, {name} "
            f"({shown}): {KIND_NOT_BARRED} "
            + (f"its own drug ({builder.kb.name_of(own or '')}) is read as one the person "
               "cannot have" if kind in in_kind else "its own drug, not of that kind, is not "
               "read as one the person cannot have") + "; check the record")  # fmt: skip
    if others:
        builder.reason_named.setdefault(res.ref, []).append(("cannot-have", others, shown))
    return [] in named or own in ids or bool(in_kind)


# What a kind of drug named as forbidden again ("Do not rechallenge with chemotherapy") is read
# as: not every drug of the kind (it had been read as the record's drug alone, with no word): a
# kind is not a drug, and barring each of its drugs would rule out most options on a guess
KIND_NOT_BARRED = ("a kind is not read as a bar on every drug of it (the options that give "
                   "others of that kind are still shown; ask the care team whether they are "
                   "meant);")


def _says_cannot_have(text: str) -> bool:
    """Whether a reason's words name a harm of the drug itself (``words.DRUG_HARM_NAMED``), not
    denied: the drug is one the person cannot have. A harm of the person that names a kind of
    drug ("DPD deficiency": ``words.PERSON_HARMS``) is no harm of a drug of another kind it was
    given with (oxaliplatin stopped for it had been ruled out): the kind is read
    (``_kind_named``)."""
    lowered = " ".join(text.lower().split())
    return bool(words.DRUG_HARM_NAMED.search(lowered)) and not words.harm_denied(
        NOT_AGAIN_WORDS.sub("", lowered), words.DRUG_HARM_NAMED)


def _kind_named(builder: Builder, res: Res, said: list[str], doubt_read: bool = False) -> bool:
    """Whether a record's words name a harm of the person that bars a kind of drug
    (``KnowledgeBase.kinds_harmed``: "DPD deficiency", the fluoropyrimidines), not doubted
    (``words.UNSURE``) unless ``doubt_read`` (a drug stopped for it: a doubt is no bar, as of
    any harm); each kind is kept with the record and its words for ``_kinds_barred``. Whichever
    drug's record carries it, and whether or not the drugs of one course carry it together: it
    is of the person, not of one drug (FOLFOX's three records stopped for it had barred none,
    oxaliplatin's alone had barred oxaliplatin, fluorouracil's alone left capecitabine
    offered)."""
    kinds = list(dict.fromkeys(
        k for t in said if doubt_read or not words.UNSURE.search(t.lower())
        for k in builder.kb.kinds_harmed(t)))  # fmt: skip
    for kind in kinds:
        builder.kinds_barred.setdefault(kind, {})[res.ref] = said
    return bool(kinds)


# The words of a reason that name an allergy: of a record neither stopped nor being given (on
# hold, cancelled, not taken, not done, completed, unknown) read as cannot-have, as the code
# salg is ("anaphylaxis to oxaliplatin" of a cancelled order had left FOLFOX offered), unless
# they doubt it (``words.UNSURE``: "suspected", "possible", "?", "awaiting"; ``NOT_SURE_WORDS``:
# "unlikely", a work-up, a condition "if"), name another drug (``_names_other_drug``) or say
# the drug is to be given again (``RETURN_WORDS``, not when forbidden, ``NOT_AGAIN_WORDS``, nor
# of a desensitisation that failed); words of a toxicity, side effects or a choice are not read
# there ("held for grade 2 toxicity, to resume next cycle")
ALLERGY_REASON_WORDS = re.compile(r"allerg|anaphyla|hypersensitiv|\bhsrs?\b")  # "Grade 3 HSR"
# An allergy or a reaction to an infusion, named as the reason each drug of one course was
# stopped: read as cannot-have for each (``_harm_of_the_course``), unlike a toxicity or a harm
# named so. Which drug caused it is not said either, but a reaction comes back, and worse, when
# the drug that caused it is given again, and only an allergist's tests tell which it was; a
# toxicity or a harm ("Neurotoxicity", "grade 3 toxicity", "Peripheral neuropathy") is the known
# harm of one of the drugs, which a clinician reads as that drug's, not all three
ACUTE_REACTION = re.compile(ALLERGY_REASON_WORDS.pattern + r"|infusion[- ]?(related )?reaction|"
                            r"\birrs?\b")  # fmt: skip
RETURN_WORDS = re.compile(r"\bto resume\b|\bresum(ed|ing)\b|desensiti[sz]")
FAILED_DESENSITISATION = re.compile(r"\b(failed|unsuccessful) desensiti[sz]\w*|"
                                    r"desensiti[sz]\w* (was )?(failed|unsuccessful)")  # fmt: skip
NOT_SURE_WORDS = re.compile(r"\b(unlikely|work-?up|if|unless)\b")
# The words after an allergy's "to" ("Allergy to ondansetron premedication") that name the
# record's own drug without its name
THIS_DRUG = re.compile(r"(it|this|that|them|(the|this|that) (drug|medication|medicine|infusion|"
                       r"treatment|agent|chemotherapy|chemo|regimen|dose))\b")  # fmt: skip


def _is_own(kb: KnowledgeBase, own: str, ident: str) -> bool:
    """Whether a drug, regimen or kind of drug ``ident`` is the record's own (``own``, a drug or
    a regimen): its drug, one of its regimen's, a regimen that holds it or a kind of it."""
    drugs = set(kb.drugs_of(own)) | {own}
    kinds = {k for d in drugs for k in getattr(kb.by_id.get(d), "classes", [])}
    return ident in drugs | kinds or own in kb.drugs_of(ident)


def _names_other_drug(text: str, kb: KnowledgeBase, own: str | None) -> bool:
    """Whether a reason's words name a drug other than the record's own (``own``, a drug or a
    regimen): a drug, regimen or kind of drug the knowledge base knows by a word of them, not
    the record's drug nor one of its regimen's nor a kind of it, or words after an allergy's
    "to" ("Allergy to ondansetron premedication") that name not the record's drug (nor say
    "it", ``THIS_DRUG``). An allergy to another drug (a premedication) had ruled this one out."""
    if own is None:
        return False
    lowered = " ".join(text.lower().split())

    def is_own(ident: str) -> bool:
        return _is_own(kb, own, ident)

    named = [r.id for w in re.findall(r"[a-z][\w-]+", lowered) for r in kb.find(w)
             if kb.kind_of.get(r.id) in ("drugs", "regimens", "drug_classes")]  # fmt: skip
    if any(not is_own(i) for i in named):
        return True
    after = re.search(r"(allerg\w*|anaphyla\w*|hypersensitivity)( reaction)? to ([^,;:()]+)",
                      lowered)  # fmt: skip
    return after is not None and not THIS_DRUG.match(after[3].strip()) and not any(
        is_own(i) for i in named)  # fmt: skip


def _allergy_set_aside(text: str, kb: KnowledgeBase, own: str | None) -> bool:
    """Whether a reason's words name an allergy that does not count against the record's drug
    ``own``, whatever the record's status: one they doubt (``NOT_SURE_WORDS``: "unlikely", a
    work-up, a condition "if") or one to another drug (``_names_other_drug``: a premedication).
    The one predicate both readers of words use (``_says_allergy``, ``_stopped_by_words``)."""
    lowered = " ".join(text.lower().split())
    return bool(ALLERGY_REASON_WORDS.search(lowered)) and (
        bool(NOT_SURE_WORDS.search(lowered)) or _names_other_drug(text, kb, own))


def _says_allergy(text: str, kb: KnowledgeBase, own: str | None) -> bool:
    """Whether a reason's words say an allergy to the record's drug ``own``, not denied
    (``_says_cannot_have``), set aside (``_allergy_set_aside``), uncertain (``words.UNSURE``,
    which of a record stopped is still read) or with the drug to be given again."""
    lowered = " ".join(text.lower().split())
    again = FAILED_DESENSITISATION.sub("", NOT_AGAIN_WORDS.sub("", lowered))
    return (bool(ALLERGY_REASON_WORDS.search(lowered)) and _says_cannot_have(text)
            and not words.UNSURE.search(lowered) and not _allergy_set_aside(text, kb, own)
            and not RETURN_WORDS.search(again))  # fmt: skip


def _stopped_by_words(builder: Builder, res: Res, reasons: list[Any], then: str,
                      own: str | None = None) -> set[str]:
    """Why a drug was stopped (status "stopped"), when its ``statusReason`` is not in the table:
    "progressed" when the reason's words are only that the cancer grew on it
    (``PROGRESSION_WORDS``), and "cannot-have" when they say the person could not take it
    (``words.HARM_NAMED``: an allergy, an intolerance, a toxicity, side effects), each with a
    warning; otherwise nothing, with a warning that the reason is not read (it was dropped with
    no word, so a drug stopped because it stopped working read as one merely stopped)."""
    said = [t for r in reasons for t in _words(r)]
    shown = "; ".join(repr(t) for t in said) or _coded(reasons[0])
    read: set[str] = set()  # both, when the words give both ("progression; neurotoxicity")
    if any(_says_progression(t, builder.kb, own)
           and not words.UNSURE.search(t.lower())  # "progression?"
           for t in said):  # fmt: skip
        builder.warnings.append(
            f"{res.ref} was stopped for a reason read from its words as the cancer growing on it "
            f"(stopped working): {shown}"
        )
        read.add("progressed")
    kinds = _kind_named(builder, res, said, doubt_read=True)
    harmful = [t for t in said if _says_cannot_have(t)]
    harms = [t for t in harmful if not _allergy_set_aside(t, builder.kb, own)]
    # words beside the harm that forbid a treatment again: the record's own drug ("...,
    # do not rechallenge"), each record of a course that says so read as it says
    # (``_harm_of_the_course``), or as the regimen the course makes when each says the same
    # (``_not_again_of_the_course``); another named ("...; avoid oxaliplatin"), read as it,
    # also beside an allergy set aside as another drug's ("Anaphylaxis; do not rechallenge with
    # oxaliplatin" of fluorouracil's record: the allergy is oxaliplatin's)
    forbidden = [n for t in harmful for n in _forbidden_in(t, builder.kb)]
    others = list(dict.fromkeys(i for n in forbidden for i in n
                                if i != own and builder.kb.kind_of.get(i) != "drug_classes"))
    mine = {own, *builder.kb.drugs_of(own or "")}
    theirs = bool(harmful and others) and not any(
        n == [] or any(mine & {i, *builder.kb.drugs_of(i)} for i in n) for n in forbidden)
    if theirs:
        # the harm is of what the words forbid, not of the record's drug ("Neurotoxicity; do not
        # rechallenge with oxaliplatin" of fluorouracil's record had barred fluorouracil too)
        builder.warnings.append(
            f"{res.ref} was stopped for a harm whose words forbid "
            f"{words.and_list([builder.kb.name_of(i) for i in others])} again, not its own drug "
            f"({shown}): its own drug is read as a treatment had, not as one the person cannot "
            "have; check the record")  # fmt: skip
        builder.reason_named.setdefault(res.ref, []).append(("cannot-have", others, shown))
    elif harms:
        warning = (f"{res.ref} was stopped for a reason read from its words as the person not able "
                   f"to take it (an allergy, an intolerance or side effects: cannot have it): "
                   f"{shown}")  # fmt: skip
        builder.warnings.append(warning)
        read.add("cannot-have")
        named = " ".join(" ".join(t.lower().split()) for t in harms)
        if others:
            builder.reason_named.setdefault(res.ref, []).append(("cannot-have", others, shown))
        acute = any(ACUTE_REACTION.search(t.lower()) for t in harms)
        forbidden = [n for t in harms for n in _forbidden_in(t, builder.kb)]
        builder.harm_named[res.ref] = (named, warning, acute or any(
            n == [] or own in n for n in forbidden))  # fmt: skip
        if [] in forbidden and not acute:
            builder.not_again_own[res.ref] = (_not_again_words(harms), shown, warning)
    grew_on = [i for t in said if not words.UNSURE.search(t.lower())
               for i in _progression_named(t, builder.kb)]  # fmt: skip
    if grew_on:
        builder.reason_named.setdefault(res.ref, []).append(
            ("progressed", list(dict.fromkeys(grew_on)), shown))
    # beside a progression, the parts that only forbid a treatment again are read too
    again = None if read - {"progressed"} or kinds or theirs else _not_again_read(
        builder, res, said, shown, own, parts=bool(read or grew_on))  # fmt: skip
    if again:
        read.add("cannot-have")
    if not read and not kinds and not grew_on and not theirs and again is None:
        _reason_not_read(builder, res, reasons, then)
    return read


def _no_stop_reason(builder: Builder, res: Res, own: str) -> set[str | None]:
    """Why a medication record stopped with no reason for stopping (``statusReason``) was
    stopped: "cannot-have" when the reason it gives for being taken (``reasonCode``) names a
    harm of it in words (``_says_cannot_have``: "Peripheral neuropathy" of oxaliplatin, which
    no one takes it for: the reason it stopped, written in the other element), with a warning
    that says so; otherwise nothing, with a warning that it is read as a treatment had, as the
    record does not say whether it stopped working or caused side effects (a reasonCode of
    progression is named, not read: what stopped working rules out more than it should when
    wrong)."""
    said = [t for r in _items(res.data.get("reasonCode")) for t in _words(r)]
    kinds = _kind_named(builder, res, said)
    harm = [t for t in said if _says_cannot_have(t) and not _allergy_set_aside(t, builder.kb, own)
            and not words.UNSURE.search(t.lower())]  # fmt: skip
    if harm:
        builder.warnings.append(
            f"{res.ref} was stopped with no reason for stopping (statusReason), and the reason "
            f"it gives for being taken (reasonCode) names a harm of it: "
            f"{'; '.join(repr(t) for t in harm)}: read as stopped for side effects (cannot have "
            "it); check the record")
        return {"cannot-have"}
    if kinds:
        return set()
    grew = [t for t in said if _says_progression(t)]
    note = (f"; its reasonCode ({'; '.join(repr(t) for t in grew)}) says why it was given, not "
            "why it stopped, and is not read as that" if grew else "")  # fmt: skip
    builder.warnings.append(
        f"{res.ref} was stopped with no reason given (no statusReason): it is read as a treatment "
        "had, not as one that stopped working or caused side effects, which the record does not "
        f"say{note}; check the record")
    return set()


def _reason_not_read(builder: Builder, res: Res, reasons: list[Any], then: str) -> None:
    """The warning that a medication record's ``statusReason`` is not read, naming its status
    and ``then``, how the record is read."""
    shown = "; ".join(repr(t) for r in reasons for t in _words(r)) or _coded(reasons[0])
    status = _status(res.data)
    was = STATUS_SAID.get(status, f"has status {status!r}")
    builder.warnings.append(f"{res.ref} {was} for a reason onconav does not read ({shown}): {then}")


# The treatments a procedure's words may name (``_named_procedure``): an operation or radiation
# (radiation is read by its code, whose body site decides whether it was to the pelvis)
TREATMENTS_NAMED = frozenset({"surgery"})


def _named_procedure(kb: KnowledgeBase, concept: object) -> tuple[str, str] | None:
    """The treatment a procedure's words name, when no coding of it is in the treatments table,
    as a medication's words name its drug (``_named_drug``): the knowledge base's one procedure
    of that name or alias that is an operation ("Low anterior resection", "LAR",
    "Right hemicolectomy"), or else the one operation among the treatments had that the name
    is of, as the profile reads it typed ("Total gastrectomy": a total gastrectomy, a value of
    the treatments had that is no procedure of its own; it had been listed unused, though typed
    it is read), with the words; None for words that name none, or that say the
    procedure finds or reaches the cancer (a biopsy: ``_not_treatment``). A procedure named
    only in words had been listed unused with no warning (a review)."""
    if _not_treatment(concept) is not None:
        return None
    for text in _words(concept):
        plain = SNOMED_TAG.sub("", text).strip()
        hits = {r.id for r in kb.find(plain) if isinstance(r, Procedure)
                and kb.vocabulary.up("prior_treatments", r.id) & TREATMENTS_NAMED}  # fmt: skip
        had = kb.value_names["prior_treatments"].get(normalise_name(plain))
        if not hits and had and kb.vocabulary.up("prior_treatments", had) & TREATMENTS_NAMED:
            hits = {had}
        if len(hits) == 1:
            return hits.pop(), text
    return None


def _procedures(builder: Builder, cancer: CancerFound) -> list[Given]:
    out = []
    for res in builder.of_type("Procedure", "ServiceRequest"):
        row = builder.row("treatments", _code_of(res.data))
        value = row.get("treatment") if row else None
        named = _named_procedure(builder.kb, _code_of(res.data)) if row is None else None
        if named is not None and builder.valid(res):
            value = named[0]
            shown = builder.kb.name_of(value) if value in builder.kb.by_id else (
                builder.kb.label("prior_treatments", value))  # a value of no record: its label
            builder.warnings.append(f"{res.ref} is read from its words {named[1]!r}: "
                                    f"{shown} (no code of it is one onconav "
                                    "reads); check the record")  # fmt: skip
        if value is None and res.type == "Procedure":
            category = _codings(res.data.get("category"))
            surgical = [c for c in category if (system_name(c.get("system")), c.get("code"))
                        == SURGICAL_CATEGORY]  # fmt: skip
            if surgical and (why := _not_treatment(_code_of(res.data))) is not None:
                builder.drop(res.ref, f"{why} ({_coded(_code_of(res.data))}), not surgery to "
                             "treat the cancer, though its category is surgical")  # fmt: skip
                continue
            value = "surgery" if surgical else None
        if value is None:
            shown = _coded(_code_of(res.data))
            builder.drop(res.ref, f"a procedure onconav does not read: {shown}")
            if not _codings(_code_of(res.data)) and _words(_code_of(res.data)) and (
                    _not_treatment(_code_of(res.data)) is None):  # fmt: skip
                builder.warnings.append(
                    f"{res.ref} is named only in words ({shown}), which onconav does not read "
                    "as a treatment: if it was an operation or radiation for the cancer, give it "
                    "(or code it)")
            continue
        if not builder.valid(res):
            continue
        if (other := _about_other_cancer(builder, res, cancer, "a treatment",
                                         "reasonReference")) is not None:  # fmt: skip
            builder.drop(res.ref, other)
            continue
        # a surgical category, or the code "Surgical procedure", names no operation on a cancer
        # (a hip replacement, a gallbladder taken out, a caesarean, years before): surgery had
        # only when something ties it to the cancer. An order of surgery now (a ServiceRequest)
        # is read as planned, as before: for a person with advanced cancer it is most often so
        # So is an operation on one organ (a hysterectomy, a lung lobectomy: the table's
        # ``cancer`` and ``metastasis``) for a cancer that is neither there nor spread there: a
        # hysterectomy of 2005 had been surgery had for a stomach cancer come back
        generic = (row is None and named is None) or (
            row is not None and (row.system, row.code) == SURGICAL_CATEGORY)  # fmt: skip
        elsewhere = row is not None and bool(row.meaning.keys() & {"cancer", "metastasis"}) and (
            not _at_the_cancer(builder, row, cancer))  # fmt: skip
        if res.type == "Procedure" and (generic or elsewhere) and not _surgery_for_the_cancer(
                builder, res, cancer):  # fmt: skip
            what = "an operation on another part of the body than the cancer or its spread" \
                if elsewhere else "a surgical procedure"  # fmt: skip
            builder.drop(res.ref, f"{what} not tied to the cancer "
                         f"({_coded(_code_of(res.data))}): no reasonReference to the cancer or "
                         "its spread, no cancer reasonCode, not mCODE's cancer-related surgical "
                         "procedure, no body site at the cancer or its spread")  # fmt: skip
            continue
        status = _status(res.data)
        extra: tuple[str, ...] = ()
        if value in RADIATION:
            pelvic, extra = _pelvic(builder, res)
            value = "pelvic-radiation" if pelvic else value
        if res.type == "ServiceRequest":
            if status not in ("draft", "active", "on-hold"):
                builder.drop(res.ref, f"an order with status {status!r}: what was done is read "
                             "from the Procedure")  # fmt: skip
                continue
            how = "planned"
        elif status == "preparation":
            how = "planned"
        elif status in ("stopped", "on-hold") and "surgery" in builder.kb.vocabulary.up(
                "prior_treatments", value):  # fmt: skip
            # an operation begun and not finished (a gastrectomy stopped at the laparotomy):
            # not read as the organ taken out (it ruled out surgery on a stomach still there);
            # radiation or chemotherapy stopped early was given as far as it went, and is read
            builder.drop(res.ref, f"an operation with status {status!r}, begun and not "
                         f"finished: whether {_coded(_code_of(res.data))} was done is not "
                         "known")  # fmt: skip
            continue
        elif status in ("completed", "in-progress", "stopped", "on-hold"):
            how = "given"
        else:
            builder.drop(res.ref, f"a procedure with status {status!r}: not done")
            continue
        start = _date(res.data, "performedDateTime", "performedPeriod", "authoredOn")
        # the days of radiation given to the pelvis, where the chemoradiation regimens are
        # given: cisplatin during radiation to a bone the cancer spread to is no chemoradiation
        # (a review found stomach chemoradiation ruled out so); radiation to a place not said
        # names none either
        days = _performed(res.data) if how == "given" and value == "pelvic-radiation" else None
        out.append(Given(res.ref, value, how, start, "", False, False, extra, days=days))
    return out


def _performed(resource: JSON) -> tuple[str, str] | None:
    """The first and last day a procedure was performed, as written (``_local_day``): the day of
    its performedDateTime, or its performedPeriod from start to end (with no end, to today's
    date in UTC while it is in progress, else its first day alone); None when a day is not
    written (no date, or a month or a year alone)."""
    period = resource.get("performedPeriod")
    if isinstance(period, OBJECT):
        first, last = (_local_day(period[k]) if isinstance(period.get(k), str) else ""
                       for k in ("start", "end"))  # fmt: skip
        if not last:
            last = _today().isoformat() if _status(resource) == "in-progress" else first
    else:
        when = resource.get("performedDateTime")
        first = last = _local_day(when) if isinstance(when, str) else ""
    return (first, last) if len(first) == len(last) == 10 and first <= last else None


RADIATION = {"radiation", "external-beam-radiation", "brachytherapy"}
# Procedures that find or reach the cancer rather than treat it, by the words of their code: a
# biopsy, a port or line for giving drugs, a look inside. Their category may be "Surgical
# procedure" (SNOMED 387713003), which alone would read them as surgery had.
NOT_TREATMENT = (
    (r"biops|aspiration|cytolog|diagnostic|staging|examination|exploration",
     "a diagnostic procedure"),
    (r"\bport\b|catheter|access device|venous access|central (venous )?line|\bpicc\b|cannula",
     "a device to give treatment through"),
    (r"scopy\b|\bscope\b", "a look inside the body"),
)  # fmt: skip
NOT_TREATMENT_CODES = {"86273004": "a diagnostic procedure"}  # SNOMED CT: Biopsy (procedure)


def _not_treatment(concept: object) -> str | None:
    """What a procedure is when its code says it is diagnostic or gives access (a biopsy, a port
    insertion), or None."""
    for coding in _codings(concept):
        code = coding.get("code")
        if system_name(coding.get("system")) == "snomed" and code in NOT_TREATMENT_CODES:
            return NOT_TREATMENT_CODES[str(code)]
    for text in _words(concept):
        for pattern, what in NOT_TREATMENT:
            if re.search(pattern, text, flags=re.I):
                return what
    return None


# Words of a reason that may name a cancer or its spread ("Malignant neoplasm of prostate",
# "Tumour of breast", "Mets to bone")
CANCER_WORDS = re.compile(r"(?i)\b(malignan\w*|\w*carcinoma|\w*sarcoma|\w*lymphoma|"
                          r"leuka?emia|\w*melanoma|myeloma|cancers?|tumou?rs?|neoplasms?|"
                          r"metasta\w*|mets)\b")  # fmt: skip


def _given_for_other_use(builder: Builder, res: Res, uses: tuple[str, ...]) -> str | None:
    """The reason a medication record gives (written for people), when its words name one of
    the uses other than cancer the drug table gives the drug (``other-uses``: leuprolide for
    endometriosis, letrozole for infertility) and no reason is, or may be, a cancer or its
    spread (by a reference to the cancer or a cancer Condition, the conditions table, an
    ICD-10-CM cancer code, or its words), with no mCODE cancer-related profile. None otherwise:
    a reason not known to name another use is read as the cancer's, as no reason is (a review
    found letrozole for "Adjuvant endocrine therapy" or "HR+ HER2-" dropped as no cancer when
    every reason not known was taken for one)."""
    if _for_the_cancer(builder, res):
        return None
    concepts = list(_items(res.data.get("reasonCode")))
    for ref in (builder.ref(r) for r in _items(res.data.get("reasonReference"))):
        found = builder.resources.get(ref) if ref else None
        if found is None or found.type != "Condition" or _site_of(builder, found)[2] or (
                _metastasis_site(builder, found) is not None):  # fmt: skip
            return None
        concepts.append(_code_of(found.data))
    other = None
    for concept in concepts:
        row = builder.row("conditions", concept)
        written = " ".join(_words(concept))
        if _is_cancer_code(concept) or CANCER_WORDS.search(written) or (
                row is not None and (row.get("cancer") or row.get("metastasis"))):  # fmt: skip
            return None
        if other is None and any(re.search(rf"(?i)\b{re.escape(u)}", written) for u in uses):
            other = _coded(concept)
    return other


CANCER_RELATED = (MCODE + "mcode-cancer-related-medication",)  # -request, -administration, ...


def _for_the_cancer(builder: Builder, res: Res, related: tuple[str, ...] = CANCER_RELATED) -> bool:
    """Whether a medication record says it is given for the cancer: mCODE's cancer-related
    medication profiles (``meta.profile``; those of ``related``), a ``reasonReference`` to the
    cancer read or spread of it, or a ``reasonCode`` that is a cancer."""
    meta = res.data.get("meta")
    profiles = meta.get("profile") if isinstance(meta, OBJECT) else None
    if any(isinstance(p, str) and p.startswith(related) for p in _items(profiles)):
        return True
    read = builder.sources.get("cancer", set()) | builder.sources.get("metastases", set())
    if any(builder.ref(r) in read for r in _items(res.data.get("reasonReference"))):
        return True
    return _cancer_reason(builder, res) is not None


SURGERY_PROFILE = MCODE + "mcode-cancer-related-surgical-procedure"
NO_PLACE = {OTHERS_NOT_KNOWN, DISTANT, *ONE_OR_SEVERAL}  # spread that names no one place


def _surgery_for_the_cancer(builder: Builder, res: Res, cancer: CancerFound) -> bool:
    """Whether a procedure says it was surgery on the cancer: mCODE's cancer-related surgical
    procedure profile (``meta.profile``; it requires a cancer reason), a ``reasonReference`` to
    the cancer read or spread of it, a ``reasonCode`` that is a cancer, or a ``bodySite`` the
    body site table places at the cancer's organ or at a place it has spread to."""
    if _for_the_cancer(builder, res, (SURGERY_PROFILE,)):
        return True
    return any(row is not None and _at_the_cancer(builder, row, cancer)
               for row in (builder.row("body_sites", s) for s in _items(res.data.get("bodySite"))))


def _at_the_cancer(builder: Builder, row: Row, cancer: CancerFound) -> bool:
    """Whether a row of a table that places things in the body (a body site; an operation on one
    organ) places it at the cancer's organ or a place it has spread to."""
    spread = set(builder.values.get("metastases", [])) - NO_PLACE
    return cancer.site in row.meaning.get("cancer", ()) or bool(
        set(row.meaning.get("metastasis", ())) & spread)  # fmt: skip


def _stop_reasons(builder: Builder, res: Res, then: str,
                  own: str | None = None) -> set[str | None]:
    """Why a medication record was stopped, held, cancelled or not taken ("progressed",
    "cannot-have"), by its ``statusReason``: a coded reason by the table, of any status but one
    of a drug being given (``BEING_GIVEN``: an active order is being given, whatever its reason
    says); a reason in words (in no table) of status "stopped" (``_stopped_by_words``), and of
    another status only words of an allergy not doubted nor with the drug to be given again
    (``_says_allergy``), as other words of another status are most often of a hold meant to end
    or of a choice ("held for grade 2 toxicity, to resume next cycle", "patient worried about
    side effects, declined": they had ruled the drug out). A reason not read is said in a
    warning with ``then``, how the record is read."""
    reasons = res.data.get("statusReason")
    reasons = reasons if isinstance(reasons, list) else [reasons] if reasons else []
    if not reasons:
        return set()
    status = _status(res.data)
    if status in BEING_GIVEN:
        _reason_not_read(builder, res, reasons, "no reason is read of a drug being given or to "
                         f"be given; {then}")  # fmt: skip
        return set()
    rows = [row for r in reasons if (row := builder.row("treatments", r))]
    stop = {row.get("stopped") for row in rows}
    if stop - {None}:
        # a code of a toxicity or side effects ("Medication stopped - side effect", "Treatment
        # not tolerated") is weighed over its course as the same words are
        # (``_harm_of_the_course``); an allergy's (salg) and a contra-indication's are not
        harms = [row.display.lower() for row in rows if row.get("stopped") == "cannot-have"
                 and words.HARM_NAMED.search(row.display.lower())]  # fmt: skip
        if harms and status == "stopped":
            builder.harm_named[res.ref] = (" ".join(sorted(set(harms))), "", any(
                ACUTE_REACTION.search(h) for h in harms))  # fmt: skip
        return stop
    if status == "stopped":
        return stop | _stopped_by_words(builder, res, reasons, then, own)
    said = [t for r in reasons for t in _words(r)]
    kinds = not stop and _kind_named(builder, res, said)
    if any(_says_allergy(t, builder.kb, own) for t in said):
        was = STATUS_SAID.get(status, f"has status {status!r}")
        builder.warnings.append(
            f"{res.ref} {was} for a reason read from its words as an allergy (cannot have it): "
            + "; ".join(repr(t) for t in said))
        return stop | {"cannot-have"}
    # a code of the table that is no stop (sddi, a hold meant to end) is not read of any status
    words_only = "" if stop else ("of a record not stopped, a reason in words is read only of "
                                  "an allergy; ")  # fmt: skip
    if not kinds:
        _reason_not_read(builder, res, reasons, words_only + then)
    return stop


def _pelvic(builder: Builder, res: Res) -> tuple[bool, tuple[str, ...]]:
    """Whether a radiotherapy course was given to the pelvis (by its body site, or the body
    structure of a volume it names), and the BodyStructures that said so."""
    sites = list(_items(res.data.get("bodySite")))
    structures: list[str] = []
    for ext in _items(res.data.get("extension")):
        if not isinstance(ext, OBJECT) or ext.get("url") != DOSE_TO_VOLUME:
            continue
        for part in _items(ext.get("extension")):
            ref = builder.ref(part.get("valueReference")) if isinstance(part, OBJECT) and part.get(
                "url") == "volume" else None  # fmt: skip
            if ref and ref in builder.resources and builder.valid(builder.resources[ref]):
                body = builder.resources[ref].data
                found = [body.get("location"), *_items(body.get("includedStructure"))]
                sites += [c.get("structure", c) if isinstance(c, OBJECT) else c for c in found]
                structures.append(ref)
    pelvic = [s for s in sites if (row := builder.row("body_sites", s)) and row.get("pelvic")]
    unread = [s for s in sites if builder.row("body_sites", s) is None]  # codes in no table
    by_words = [s for s in unread
                if any("pelvis" in _places_named(builder.kb, t) for t in _words(s))]
    if not pelvic and by_words:  # "Pelvic structure", "Pelvis"
        _warn_once(builder, f"{res.ref}: its body site {_coded(by_words[0])} is in no table; read "
                   "from its words as the pelvis")  # fmt: skip
        pelvic = by_words
    elif not pelvic:
        for site in (s for s in unread if _words(s) or _codings(s)):
            _warn_once(builder, f"{res.ref}: its body site {_coded(site)} is not read: whether "
                       "the radiation was aimed at the pelvis is not known; check the record")
    return bool(pelvic), tuple(structures) if pelvic else ()


def _by_course(kb: KnowledgeBase, given: list[Given],
               radiation: Iterable[Given] = ()) -> tuple[list[str], list[str]]:  # fmt: skip
    """Values of treatments grouped by course, each course's drugs named as regimens, and the
    records of ``radiation`` that named one. A course is the days its records started on, as
    written in their own time zone (``_local_day``: an evening infusion at -05:00 is of the day
    it was given, not of the next day in UTC), one day running into the next (fluorouracil given
    on day 2 of FOLFOX is of its course). A course whose drugs are those of a chemoradiation
    regimen (cisplatin; cisplatin and fluorouracil), begun on a day a course of radiation was
    performed (its ``days``), is that regimen (cisplatin with radiation), as `radiation
    (cisplatin)` typed is: it had been cisplatin, so the cisplatin pairs asked whether it
    stopped working. Without the days written, its drugs are named as any course's are."""
    days: dict[str, set[str]] = {}
    for g in given:
        days.setdefault(_local_day(g.start), set()).add(g.value)
    courses = [(on, {v for d in on for v in days[d]}) for on in _chained(days)]
    out: list[str] = []
    used: list[str] = []
    for on, values in courses:
        drugs = {v for v in values if kb.kind_of.get(v) == "drugs"}
        regimen = _with_radiation(kb, drugs)
        # the days its drugs were given on (not a radiation's own first day in its course)
        given_on = [d for d in on if len(d) == 10 and days[d] & drugs]
        rays = [r.ref for r in radiation if r.days is not None and any(
            r.days[0] <= d <= r.days[1] for d in given_on)]  # fmt: skip
        named = [regimen, *sorted(values - drugs)] if regimen and rays else (
            kb.regimens_made_of(values))  # fmt: skip
        used += [ref for ref in rays if regimen and ref not in used]
        out += [v for v in named if v not in out]
    return out, used


def _chained(days: Iterable[str]) -> list[list[str]]:
    """Written days in order, grouped into the courses they make: one day running into the next
    (``_next_day``), as ``_by_course`` and ``_named_of_the_course`` read a course."""
    out: list[list[str]] = []
    for day in sorted(set(days)):
        if out and _next_day(out[-1][-1], day):
            out[-1].append(day)
        else:
            out.append([day])
    return out


def _with_radiation(kb: KnowledgeBase, drugs: set[str]) -> str | None:
    """The chemoradiation regimen that gives ``drugs`` with radiation (cisplatin: cisplatin with
    radiation), as ``profile._together`` reads one typed; None for no such regimen."""
    return next((r.id for r in kb.data.regimens
                 if "chemoradiation" in r.counts_as and set(r.components) == drugs), None)


def _next_day(day: str, then: str) -> bool:
    """Whether one written day (2023-01-11) is the day after another (2023-01-10); False for a
    month, a year or no date."""
    between = _days_between(day, then) if len(day) == len(then) == 10 else None
    return between == 1


def _treatments(builder: Builder, cancer: CancerFound) -> None:
    """The treatments' fields, each with the resources of its drugs and procedures and those they
    rest on (a Medication named by a request, the request a stopped one continues)."""
    given = _medications(builder, cancer) + _procedures(builder, cancer)
    builder_given = [g for g in given if g.how != "planned" and g.had]
    _dated_to_come(builder, builder_given)
    fields = {
        "prior_treatments": builder_given,
        "progressed_on": [g for g in given if g.how == "progressed"],
        "cannot_have": [g for g in given if g.how == "cannot-have"],
        "planned": [g for g in given if g.how == "planned"],
    }
    _being_given(builder, builder_given)
    radiation = [g for g in given if g.days is not None]
    for name, items in fields.items():
        if not items:
            continue
        values, rays = (_by_course(builder.kb, items, radiation) if name != "cannot_have"
                        else (sorted({g.value for g in items}), []))  # fmt: skip
        # a record is seldom the whole history, nor the whole plan: treatments had elsewhere
        # are not known, nor those planned but not ordered (an order of radiation on record
        # had made the colostomy for planned bowel surgery not suitable: an unknown ruling out)
        builder.values[name] = [*values, OTHERS_NOT_KNOWN] if name in (
            "prior_treatments", "planned") else values  # fmt: skip
        builder.use(name, *(ref for g in items for ref in (g.ref, *g.extra)), *rays)
    _may_hold_more(builder, builder.stopped_unread)  # a drug that stopped working, not which
    builder.treatments = given


# How a drug record's status that says it is not over is said (``_being_given``)
NOT_OVER_SAID = {"active": "being given now", "in-progress": "being given now",
                 "on-hold": "on hold (being given, paused)"}  # fmt: skip


def _being_given(builder: Builder, given: list[Given]) -> None:
    """A note of the drugs the record says are being given now (a request or statement active,
    an administration in progress) or on hold: they are read among the treatments had
    (``prior_treatments``), as the options' rules count a treatment had or being given alike
    (docs/profile.md), but the reading says they are being given; they had been shown as had
    ("pembrolizumab was had" of an active order: a clinician's review)."""
    said: dict[str, list[Given]] = {}
    for g in given:
        status = _status(builder.resources[g.ref].data) if g.ref in builder.resources else ""
        if g.drug and g.ongoing and status in NOT_OVER_SAID:
            said.setdefault(NOT_OVER_SAID[status], []).append(g)
    for how, items in said.items():
        names = ", ".join(dict.fromkeys(builder.kb.name_of(g.value) for g in items))
        refs = ", ".join(dict.fromkeys(g.ref for g in items))
        builder.being_given += [g.ref for g in items]
        builder.warnings.append(f"{how}, by the record: {names} ({refs}); read among the "
                                "treatments had (prior_treatments), which the options count "
                                "alike, had before or being given")  # fmt: skip


def _may_hold_more(builder: Builder, refs: list[str]) -> None:
    """What stopped working may hold more than is read (``others-not-known``), from ``refs``: a
    drug stopped that is not read, a disease status not read while a drug was in use."""
    if not refs:
        return
    current = list(builder.values.get("progressed_on", []))
    if OTHERS_NOT_KNOWN not in current:
        current.append(OTHERS_NOT_KNOWN)
    builder.values["progressed_on"] = current
    builder.use("progressed_on", *refs)


def _kinds_barred(builder: Builder) -> None:
    """The kinds of drug a harm of the person bars (``KnowledgeBase.kinds_harmed``: DPD
    deficiency, the fluoropyrimidines), read as ``cannot_have``: from the medication records'
    reasons (``_kind_named``), and from a Condition or an AllergyIntolerance, current and not
    refuted nor unconfirmed, whose words name it (its code, and an allergy's reactions: "DPD
    deficiency", "Capecitabine" with the reaction "DPYD variant"), with a warning."""
    for res in [*builder.of_type("Condition"), *builder.of_type("AllergyIntolerance")]:
        said = [t for c in [res.data.get("code"), *(
            [m for r in _items(res.data.get("reaction")) if isinstance(r, OBJECT)
             for m in _items(r.get("manifestation"))] + [
            {"text": r.get("description")} for r in _items(res.data.get("reaction"))
            if isinstance(r, OBJECT) and isinstance(r.get("description"), str)])]
            for t in _words(c)]  # fmt: skip
        if not any(builder.kb.kinds_harmed(t) for t in said) or not builder.valid(res):
            continue
        if (_status(res.data, "verificationStatus") in NOT_CONFIRMED
                or _status(res.data, "clinicalStatus") in NOT_NOW):  # fmt: skip
            continue  # listed unused as any Condition or allergy not read
        _kind_named(builder, res, said)
    by_harm: dict[str, dict[str, list[str]]] = {}  # each harm read, the records naming it
    for named in builder.kinds_barred.values():
        for ref, texts in named.items():
            for text in texts:
                for harm in words.person_harms(text):
                    if builder.kb.barred_by(harm):
                        by_harm.setdefault(harm, {}).setdefault(ref, []).append(text)
    for harm, named in by_harm.items():
        shown = "; ".join(dict.fromkeys(repr(t) for texts in named.values() for t in texts))
        builder.warnings.append(
            f"{', '.join(named)} name{'s' if len(named) == 1 else ''} "
            f"{builder.kb.barred_by(harm)[0].name}, a harm of the person that bars a kind of "
            f"drug, not one drug ({shown}), whichever drug a record is of. "
            f"{builder.kb.harm_read(harm)}; check the record")
    if not builder.kinds_barred:
        return
    builder.values["cannot_have"] = sorted({*builder.values.get("cannot_have", []),
                                            *builder.kinds_barred})  # fmt: skip
    builder.use("cannot_have", *(ref for refs in builder.kinds_barred.values() for ref in refs))


def _allergies(builder: Builder) -> None:
    """An AllergyIntolerance whose code is a cancer drug or regimen the knowledge base knows (by
    the drug table, or by its name, as a medication is read: ``drugs_of_medication``), active and
    confirmed, is a drug that cannot be given (``cannot_have``), with a warning that says what
    was read; it is not a treatment had. One that is refuted, entered in error, unconfirmed,
    inactive or resolved, and one of anything else, is listed unused with the reason."""
    found: dict[str, list[str]] = {}
    for res in builder.of_type("AllergyIntolerance"):
        concept = res.data.get("code")
        drugs = drugs_of_medication(concept, builder.kb) or _allergy_named(concept, builder.kb)
        if not drugs:
            builder.drop(res.ref, "an allergy or intolerance onconav does not read as one to a "
                         f"cancer drug it knows: {_coded(concept)}")  # fmt: skip
            named = _drugs_in_words(concept, builder.kb)
            if named and _status(res.data, "verificationStatus") not in NOT_CONFIRMED and (
                    _status(res.data, "clinicalStatus") not in NOT_NOW):  # fmt: skip
                builder.warnings.append(
                    f"{res.ref} records an allergy or intolerance whose words ({_coded(concept)}) "
                    f"name {', '.join(builder.kb.name_of(d) for d in named)}, but onconav "
                    "cannot tell from them that it is an allergy to that drug: it is not read; "
                    "check the record, and give the drug as one that cannot be given if it is")
            continue
        # its statuses first (checked with what identifies it, ``_gather``): one not read
        # whatever it holds is not warned of as not valid FHIR (a refuted allergy had been)
        status = _status(res.data, "verificationStatus")
        if status in NOT_CONFIRMED or _status(res.data, "clinicalStatus") in NOT_NOW:
            status = status if status in NOT_CONFIRMED else _status(res.data, "clinicalStatus")
            builder.drop(res.ref, f"an allergy or intolerance to {_coded(concept)} that is "
                         f"{status}: not read as a drug that cannot be given")  # fmt: skip
            continue
        if not builder.valid(res):
            continue
        for drug in drugs:
            found.setdefault(drug, []).append(res.ref)
            builder.warnings.append(
                f"{res.ref} records an allergy or intolerance to {_coded(concept)}: "
                f"{builder.kb.label('cannot_have', drug)} is read as a drug that cannot be given"
            )
        # another drug its words name, not read ("Oxaliplatin; irinotecan": the words before
        # the first separator are read; irinotecan had been dropped in silence): said
        others = [d for d in _drugs_in_words(concept, builder.kb) if not _read_with(builder.kb, d,
                                                                                    drugs)]
        if others:
            builder.warnings.append(
                f"{res.ref} records an allergy or intolerance whose words ({_coded(concept)}) "
                f"name {', '.join(builder.kb.name_of(d) for d in others)} too, which is not "
                "read from them: check the record, and give it as a drug that cannot be given "
                "if it is one")  # fmt: skip
    if found:
        builder.values["cannot_have"] = sorted({*builder.values.get("cannot_have", []), *found})
        builder.use("cannot_have", *(ref for refs in found.values() for ref in refs))


# The words an allergy's name wraps a drug in ("Allergy to oxaliplatin", "Oxaliplatin allergy",
# "Cetuximab hypersensitivity", "Platinum compound (substance)")
ALLERGY_WORDS = re.compile(r"(?i)^\s*(allergy|allergic reaction|hypersensitivity|intolerance)"
                           r"\s+(to|of)\s+|\s+(allergy|allergies|hypersensitivity|intolerance|"
                           r"compounds?)\s*$")  # fmt: skip


ALLERGY_TAG = re.compile(r"(?i)\s*\((finding|disorder)\)\s*$")  # SNOMED CT's, of an allergy


# What an allergy's words may say after the drug they name: a separator and then anything (the
# reaction, "Oxaliplatin - anaphylaxis", "Oxaliplatin (anaphylaxis)", "Oxaliplatin: rash"), or,
# with no separator, the words of a reaction ("cetuximab infusion reaction") or of the drugs like
# it ("Capecitabine and related"). The words before are the drug, as a typed name is read
ALLERGY_SEPARATOR = re.compile(r"\s+[-\u2013\u2014]+\s+|\s*[:;,(\[]")
REACTION_WORDS = re.compile(
    r"(?i)\s+((severe|mild|moderate|possible)\s+)?(anaphylaxis|anaphylactic( reaction| shock)?|"
    r"(infusion|infusion-related|allergic|hypersensitivity|skin|drug)?\s*reactions?|rash|"
    r"hives|urticaria|angioedema|swelling|itch(ing)?|pruritus|bronchospasm|wheez(e|ing)|"
    r"flushing|fever|chills|hypotension|nausea|vomiting|diarrh(o)?ea|neuropathy|"
    r"side effects?|and related( drugs| agents| compounds| medications)?)\s*$")  # fmt: skip


def _allergy_named(concept: object, kb: KnowledgeBase) -> list[str]:
    """The cancer drug, regimen or kind of drug an allergy's words name once the words of an
    allergy are left out, as a typed `cannot_have` reads it ("Allergy to oxaliplatin",
    "Platinum compound (substance)": platinum chemotherapy); they had not been read, and FOLFOX
    was offered beside a platinum allergy. The words before a separator, or before the words of
    a reaction, are read so too (``ALLERGY_SEPARATOR``, ``REACTION_WORDS``: "Oxaliplatin -
    anaphylaxis", "cetuximab infusion reaction"; they had been listed unused, and FOLFOX offered
    beside oxaliplatin anaphylaxis). ``[]`` when they name none, or more than one."""
    for text in _words(concept):
        untagged = ALLERGY_TAG.sub("", SNOMED_TAG.sub("", text))  # "(finding)", "(disorder)"
        plain = ALLERGY_WORDS.sub("", untagged).strip()
        before = ALLERGY_SEPARATOR.split(plain, maxsplit=1)[0]
        for words_ in dict.fromkeys((plain, before, REACTION_WORDS.sub("", plain))):
            words_ = ALLERGY_WORDS.sub("", words_).strip()
            hits = [r.id for r in kb.find(words_)
                    if kb.kind_of.get(r.id) in ("drugs", "regimens", "drug_classes")]  # fmt: skip
            if words_ and len(hits) == 1:
                return hits
    return []


def _read_with(kb: KnowledgeBase, drug: str, read: list[str]) -> bool:
    """Whether a drug or regimen an allergy's words name is what was read of them, or part of it
    (oxaliplatin of FOLFOX read; FOLFOX of its oxaliplatin read), or of a kind read."""
    parts = set(getattr(kb.by_id.get(drug), "components", []))
    return bool((kb.vocabulary.up("cannot_have", drug) | parts) & set(read))


def _drugs_in_words(concept: object, kb: KnowledgeBase) -> list[str]:
    """The cancer drugs and regimens that any run of up to four words of a concept names (by a
    name of the knowledge base, never by a code: "4492" is no name), in the order found: an
    allergy whose words name one, and that is not read as an allergy to it, is warned of."""
    found: list[str] = []
    for text in _words(concept):
        tokens = re.findall(r"[^\s,;:()\[\]]+", text)
        for i in range(len(tokens)):
            for j in range(i + 1, min(i + 4, len(tokens)) + 1):
                for ident in kb.names.get(normalise_name(" ".join(tokens[i:j])), ()):
                    if kb.kind_of.get(ident) in ("drugs", "regimens") and ident not in found:
                        found.append(ident)
    return found


def _today() -> Date:
    """Today's date in UTC (what "a date to come" is measured from)."""
    return datetime.now(UTC).date()


def _dated_to_come(builder: Builder, had: list[Given]) -> None:
    """A warning for each treatment read as had (given, stopped) whose start or last dose is
    after today's date in UTC (a drug given in 2099): it is still read, a drug given is not
    dropped, but the date is wrong, or the record is not of something done."""
    today = _today()
    tomorrow = datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(days=1)
    for g in had:
        to_come = [d for d in (g.start, g.last) if (span := _span(d)) and span[0] >= tomorrow]
        if to_come:
            builder.warnings.append(
                f"{g.ref} is recorded as given on {to_come[0]}, a date still to come (after "
                f"{today.isoformat()}, today in UTC): it is read as a treatment had; check its "
                "date"
            )


def _results_to_come(builder: Builder) -> None:
    """A warning for each Observation or Condition read into the profile whose date is after
    today's date in UTC (a stage dated 2099): like a treatment's (``_dated_to_come``), it is
    still read, but the date is wrong, or the record is not of something found."""
    today = _today()
    tomorrow = datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(days=1)
    used = set().union(*builder.sources.values()) if builder.sources else set()
    for ref in sorted(used):
        res = builder.resources.get(ref)
        if res is None or res.type not in RESULT_DATES:
            continue
        when = _result_date(res)
        if (span := _span(when)) and span[0] >= tomorrow:
            builder.warnings.append(
                f"{ref} is dated {when}, a date still to come (after {today.isoformat()}, today "
                "in UTC): it is read as found; check its date"
            )


def _statuses(builder: Builder, cancer: CancerFound) -> None:
    """CancerDiseaseStatus: "worsened" is progression, attributed to the cancer drugs in use on
    its date (see docs/fhir.md); any other status does not change the profile, nor does the
    status of another cancer (by its ``focus``). A value the mapping does not read (words only,
    "Progressive disease", or a code not in its table) may say the cancer worsened: when a
    cancer drug was in use on its date, what stopped working may hold more than is read."""
    given: list[Given] = [g for g in builder.treatments if g.how == "given" and g.drug]
    progressed: list[Given] = []
    unread: list[str] = []  # statuses not read, dated when a cancer drug was in use
    for res in builder.of_type("Observation"):
        row = builder.row("observations", _code_of(res.data))
        if row is None or row.get("test") != "disease-status" or not builder.valid(res):
            continue
        answer = builder.row("observations", res.data.get("valueCodeableConcept"))
        status = answer.get("status") if answer else None
        if _status(res.data) not in RESULT_OK:
            builder.drop(res.ref, f"a disease status with status {_status(res.data)!r}")
            continue
        if (other := _about_other_cancer(builder, res, cancer, "a disease status")) is not None:
            builder.drop(res.ref, other)
            continue
        # its value of any type (value[x]): a concept, words, or another (valueBoolean)
        valued = next(((k, v) for k, v in res.data.items()
                       if k.startswith("value") and v not in (None, {}, [], "")), None)  # fmt: skip
        if status is None and valued is not None:
            # not "not progression": its words may say the cancer worsened ("Progressive
            # disease"), and then a drug in use on its date may have stopped working
            key, value = valued
            shown = (_coded(value) if key == "valueCodeableConcept"
                     else repr(words.cut(str(value))))  # fmt: skip
            if _in_use(given, _result_date(res)):
                unread.append(res.ref)
                builder.warnings.append(
                    f"{res.ref}: a disease status onconav does not read ({shown}) while a "
                    "cancer drug was in use: if it says the cancer worsened, that drug may "
                    "have stopped working, so what stopped working may hold more than is read "
                    "(perhaps other treatments not listed); check the record"
                )
            else:
                builder.drop(res.ref, f"disease status {shown}: a value onconav does not read, "
                             "and no cancer drug is on record as in use on its date")  # fmt: skip
            continue
        if status is None:
            builder.drop(res.ref, "a disease status with no value: nothing to read")
            continue
        if status == "distant-metastasis":  # mCODE's status "Distant metastasis present":
            # spread far, as typing it gives (it had been listed unused, "not progression")
            _distant_status(builder, res)
            continue
        if status != "worsened":
            builder.drop(res.ref, f"disease status {status}: not progression")
            continue
        date = _day(_result_date(res))
        in_use = _in_use(given + builder.unknown_given, _result_date(res))
        # a drug onconav does not know, in use then, may be what stopped working: what stopped
        # is then a list that may not be whole (its course had been blamed as if whole: FOLFIRI
        # with its irinotecan unread was read as fluorouracil with leucovorin, and offered again)
        unknown = [g for g in in_use if not g.value]
        for g in unknown:
            unread.append(g.ref)
            res_of = builder.resources[g.ref]
            written = _coded(_concept_of(res_of, _medication_of(builder, res_of)))
            builder.warnings.append(
                f"{res.ref}: the cancer worsened on {date or 'an unknown date'} while "
                f"{g.ref} was in use, whose drug ({written}) is not one onconav knows: what "
                "stopped working may hold more than is read (perhaps other treatments not "
                "listed); check the record")  # fmt: skip
        in_use = [g for g in in_use if g.value]
        if not in_use and unknown:
            builder.use("progressed_on", res.ref)
            continue
        if not in_use:
            builder.drop(res.ref, "the cancer worsened, but no cancer drug is on record as in "
                         "use on that date: not attributed to a treatment")  # fmt: skip
            builder.warnings.append(
                f"{res.ref}: the cancer worsened on {date or 'an unknown date'}; no drug on "
                "record in use then to attribute it to (a drug begun that day, or a course "
                "whose last dose was more than six months before it, is not blamed), so what "
                "stopped working stays unknown"
            )
            continue
        progressed += in_use
        builder.use("progressed_on", res.ref)
    if progressed:
        current = list(builder.values.get("progressed_on", []))
        values, rays = _by_course(builder.kb, progressed,
                                  [g for g in builder.treatments if g.days is not None])
        current += [v for v in values if v not in current]
        builder.values["progressed_on"] = current
        builder.use("progressed_on", *(g.ref for g in progressed), *rays)
    _may_hold_more(builder, unread)


DOSE_DAYS = 183
"""How long before a worsened status the last dose of a course (its administrations, or a
request or statement completed) may be given for the course to count as in use then: six months,
as a cancer that comes back within six months of the last dose of platinum chemotherapy is called
resistant to it."""


def _in_use(given: list[Given], date: str) -> list[Given]:
    """The drugs in use on ``date`` (docs/fhir.md), of those begun before its day: a course
    still running then (an active or on-hold request or statement, an administration in
    progress, or a period that covers the date), and, of the records that say a last dose (an
    administration; a request or statement completed, or stopped with no reason: its period's
    end, else its date), those of the latest such day on or before the date, when that day is at
    most ``DOSE_DAYS`` before it. One whose last dose was longer ago was not in use then: it is
    not blamed. A drug begun on the day (the next treatment, begun because the cancer worsened)
    is not blamed either: one day cannot show that it stopped working. ``date`` as written (the
    day of a time is its UTC day, and its own)."""
    when = _span(_day(date)) if date else None
    if when is None:
        return []

    def after(text: str) -> bool:  # a record's date over before the date (``_before``)
        span = _span(text)
        return span is not None and _before(span, when)

    def on_or_before(text: str) -> bool:  # dated, and not after the date (one date counts)
        span = _span(text)
        return span is not None and not _before(when, span)

    # begun before the day of the worsening: a drug begun that day (the next treatment, begun
    # because of it), or in a month or year that holds the day, may not have come first. A day
    # is the UTC day and the day as written in its own time zone (a date has no zone: 23:00 at
    # -05:00 on 1 June is 1 June where the date was written, and 2 June in UTC), and a drug is
    # begun before only when each of its days is over before each of the worsening's
    spans = [span for day in (_day(date), _local_day(date)) if (span := _span(day))]
    first = min(spans, key=lambda span: span[0]) if spans else when

    def begun_before(text: str) -> bool:
        days = [_span(day) for day in (_day(text), _local_day(text))]
        return all(day is not None and _before(day, first) for day in days)

    started = [g for g in given if begun_before(g.start)]
    running = [g for g in started if not after(g.end)  # not ended before the date, and going
               and (g.ongoing or _span(g.end) is not None)]  # on, or ended on it or after
    doses = [g for g in started if g not in running and on_or_before(g.last)]
    if doses:
        last = max((g.last for g in doses), key=_order)
        days = _days_between(_day(last), _day(date))
        if days is not None and days <= DOSE_DAYS:
            running += _latest_course(doses)
    return running


def _latest_course(doses: list[Given]) -> list[Given]:
    """Of records that say a last dose, those of the latest course: from the day the latest last
    dose began (as written, ``_local_day``), back over the days before it that a dose began on,
    one day running into the next (fluorouracil given on day 2), every record whose last dose ran
    on those days or after. FOLFOX's oxaliplatin at 09:00, leucovorin at 09:30 and fluorouracil
    at 11:00 are one course, as is a fluorouracil pump that began that day and ended two days
    later: taking only the latest moment blamed fluorouracil alone, and left CAPOX (oxaliplatin)
    offered."""
    began = {_local_day(g.first or g.last) for g in doses} - {""}
    if not began:
        return []
    first = max(began, key=_order)
    while (earlier := [d for d in began if _next_day(d, first)]):
        first = earlier[0]
    course = _span(first)
    assert course is not None  # a day _local_day gives is one _span reads
    return [g for g in doses if (span := _span(_local_day(g.last))) is not None
            and not _before(span, course)]  # fmt: skip


def _days_between(start: str, end: str) -> int | None:
    """Days from one FHIR date to another (a year or a month read as its first day), or None."""
    try:
        first, last = (Date.fromisoformat((day + "-01-01")[:10]) if len(day) < 10
                       else Date.fromisoformat(day) for day in (start, end))  # fmt: skip
    except ValueError:
        return None
    return (last - first).days
