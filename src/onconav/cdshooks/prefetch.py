"""Prefetch: the FHIR queries the services ask a record system to run before each call, and the
reading of what it sent.

A record system answers each prefetch key with a resource, a ``searchset`` Bundle, or ``null``
(no data); a key it left out was not satisfied, and is fetched from ``fhirServer`` instead
(``onconav.cdshooks.fetch``). Every resource is checked against the template: one of another type
than its query finds (Observations for the Condition search), or about another patient than the
one in context, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from onconav.reading import (
    bundle_type_refused,
    fewer_than_found,
    has_next_page,
    reference_key,
)

__all__ = [
    "PAGE_SIZE",
    "TEMPLATES",
    "Gathered",
    "Located",
    "PrefetchError",
    "accepted_for",
    "another_type",
    "body_structure_references",
    "bundle_placed",
    "bundle_resources",
    "checked",
    "error_codes",
    "gather",
    "has_error",
    "included_types",
    "medication_references",
    "medications_named",
    "on_server",
    "orders_unread",
    "placed",
    "queries",
    "resource_type",
]

# Every type of resource the FHIR mapping reads (onconav.fhir): the patient, conditions (the
# cancer, where it spread, symptoms), observations (stage, HER2, KRAS, disease status),
# medications (given, stopped working, cannot be given; handed over, as oral chemotherapy often
# is only on record; allergies to a cancer drug), procedures and orders (surgery and
# radiation had or planned), and reports (the cancer named as a report's conclusion, when no
# Condition names it). Every key is needed: data left out would read as "not on record", and the
# cards would differ from what the API gives for the same record.
# The codes of the Observations the FHIR mapping reads (the tests of its table,
# fhir/data/observations.csv: stage, HER2, KRAS, hormone receptors, disease status): a search by
# patient alone brings every vital sign and laboratory result (1,200 of them are more than the
# 20 pages a search may take). tests/test_cds_hooks.py checks that they are the table's.
OBSERVATION_CODES = {
    "http://loinc.org": [
        "48676-1", "72383-3", "18474-7", "85319-2", "72382-5", "31150-6", "85318-4", "96893-3",
        "49683-6", "74860-8", "32996-1", "42914-2", "51981-9", "21702-6", "75974-6", "82535-6",
        "85509-8", "81420-2", "21703-4", "53620-1", "16112-5", "40556-3", "85337-4", "14228-1",
        "85329-1",
        "14130-9", "16113-3", "40557-1", "85339-0", "14230-7", "85325-9", "10861-3", "31207-4",
        "69548-6", "21908-9", "21902-2", "21914-7", "21907-1", "21901-4", "21913-9", "97509-4",
        "88040-1"],
    "http://snomed.info/sct": [
        "399537006", "399588009", "399390009", "385361009", "277208005", "399387003",
        "371497001"],
}  # fmt: skip
OBSERVATION_CODE = ",".join(f"{system}|{code}" for system, codes in OBSERVATION_CODES.items()
                            for code in codes)  # fmt: skip
# The page size each search asks for (``_count``, which the specification lets a prefetch
# template use): a server's default (20 on HAPI FHIR) made a patient treated for a few years (401
# blood counts, each a DiagnosticReport) more than the 20 pages a search may take, and the call a
# 412. A server may give smaller pages; the pages are followed as before, up to the limit.
PAGE_SIZE = 1000
COUNT = f"&_count={PAGE_SIZE}"
TEMPLATES: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}" + COUNT,
    "observations": "Observation?patient={{context.patientId}}&code=" + OBSERVATION_CODE + COUNT,
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}"
                          "&_include=MedicationRequest:medication" + COUNT,
    "medicationAdministrations": "MedicationAdministration?patient={{context.patientId}}"
                                 "&_include=MedicationAdministration:medication" + COUNT,
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}"
                            "&_include=MedicationStatement:medication" + COUNT,
    "medicationDispenses": "MedicationDispense?patient={{context.patientId}}"
                           "&_include=MedicationDispense:medication" + COUNT,
    "allergies": "AllergyIntolerance?patient={{context.patientId}}" + COUNT,
    "procedures": "Procedure?patient={{context.patientId}}" + COUNT,
    "serviceRequests": "ServiceRequest?patient={{context.patientId}}" + COUNT,
    "diagnosticReports": "DiagnosticReport?patient={{context.patientId}}" + COUNT,
}
# Each medication search brings the Medications its resources name (``_include``): a record
# system that answers only the prefetch (no fhirServer) must send what the template finds, and
# without them every drug an order names as a Medication (as most record systems write one) was
# not known: FOLFOX offered after it stopped working. A server that does not know ``_include``
# ignores it (FHIR's default handling) or refuses it, and is then searched without it
# (``fetch._one``); the Medications are read one by one as before.
INCLUDED = {"medication": "Medication"}  # what an _include of each search parameter brings
# The medication resources, those that may name their drug as a Medication (the FHIR mapping's
# ``onconav.fhir.reader.MEDICATIONS``; tests/test_cds_hooks.py checks that they agree).
MEDICATION_TYPES = ("MedicationRequest", "MedicationAdministration", "MedicationStatement",
                    "MedicationDispense")
MEDICATION_REFERENCE = re.compile(r"Medication/((?!\.+$)[A-Za-z0-9\-.]{1,64})")  # not . or ..
# The extension whose ``volume`` names the BodyStructure a radiotherapy course treated: the FHIR
# mapping's (onconav.fhir.reader.DOSE_TO_VOLUME; this package imports no front end, and
# tests/test_cds_hooks.py checks that they agree).
DOSE_TO_VOLUME = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-dose-delivered-to-volume"
)
BODY_STRUCTURE_REFERENCE = re.compile(r"BodyStructure/((?!\.+$)[A-Za-z0-9\-.]{1,64})")
MEDICATION_READS = 50  # the most Medications (and BodyStructures) read for one call
TOKEN = re.compile(r"\{\{\s*context\.([A-Za-z0-9_]+)\s*\}\}")
PATIENT_LINKS = ("subject", "patient")


class Located(dict[str, Any]):
    """A resource taken out of a Bundle entry, holding the entry's ``fullUrl`` as ``full_url``:
    the FHIR mapping (``onconav.fhir.read_resources``) names the resource by it too, so that a
    reference written as that fullUrl (``urn:uuid:...``, as some servers write a subject)
    resolves as it does when the Bundle is read whole (the command line, the API). It is the
    resource's JSON object otherwise (a ``dict``)."""

    __slots__ = ("full_url",)

    def __init__(self, resource: Mapping[str, Any], full_url: str) -> None:
        super().__init__(resource)
        self.full_url = full_url

    def __reduce__(self) -> tuple[Any, ...]:  # copied or pickled with its fullUrl
        return (Located, (dict(self), self.full_url))


ONE_PATIENT = "one person's record"


class PrefetchError(ValueError):
    """Prefetched data that cannot be used: ``field`` names the key (``prefetch.conditions``),
    ``accepted`` what it takes (every refusal says it: some had said none), ``value`` the value
    refused (the service gives it back only where it is never the patient's: a Bundle's type)."""

    def __init__(self, field: str, message: str, accepted: tuple[str, ...],
                 value: object = None) -> None:  # fmt: skip
        self.field = field
        self.message = message
        self.accepted = accepted
        self.value = value
        super().__init__(f"{field}: {message}")


@dataclass
class Gathered:
    """The resources of the satisfied keys, and the keys still to fetch (``paged``: those of
    them whose prefetch was only a first page; ``failed``: those whose answer reported an
    error, each with the codes of its error issues)."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    paged: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)  # fewer resources than the search found
    failed: dict[str, list[str]] = field(default_factory=dict)


def queries(context: Mapping[str, Any], templates: Mapping[str, str] = TEMPLATES) -> dict[str, str]:
    """Each template with its tokens replaced from the context (relative FHIR URLs)."""

    def value(match: re.Match[str]) -> str:
        found = context.get(match.group(1))
        if not isinstance(found, str | int) or isinstance(found, bool):
            raise PrefetchError(f"context.{match.group(1)}", "is needed by the prefetch",
                                ("an id (text)",))  # fmt: skip
        return quote(str(found), safe="")

    return {key: TOKEN.sub(value, template) for key, template in templates.items()}


def medications_named(
    resources: Sequence[Mapping[str, Any]],
    server: str | None = None,
    asked: Collection[str] = (),
    limit: int = MEDICATION_READS,
) -> dict[str, str]:
    """The Medications that the medication resources name on the FHIR server ``server``
    (``medicationReference: Medication/ID``, as most record systems write an order:
    ``on_server``), and the BodyStructures that radiotherapy courses name as the volume they
    treated (``body_structure_references``), that are neither among ``resources`` nor ``asked``
    (read already for the call), as reads to fetch (``medications[1]``: ``Medication/ID``,
    ``bodyStructures[2]``: ``BodyStructure/ID``), at most ``limit`` of them (the reads left of
    the call's ``MEDICATION_READS``). A search by patient does not return them; without them the
    drug reads as not known, and radiation to the pelvis as radiation therapy only."""
    have = {f"{r.get('resourceType')}/{r.get('id')}" for r in resources}
    wanted = [reference for reference in [*medication_references(resources, server),
                                          *body_structure_references(resources, server)]
              if reference not in have and reference not in asked]  # fmt: skip
    return {f"{'medications' if q.startswith('Medication/') else 'bodyStructures'}[{i}]": q
            for i, q in enumerate(wanted[: max(limit, 0)], 1)}  # fmt: skip


def on_server(reference: object, server: str | None, pattern: re.Pattern[str]) -> str | None:
    """The ``Type/ID`` to read from the FHIR server ``server`` that ``reference`` names, if it
    fits ``pattern`` (``Medication/ID``, never an id of dots), read as the FHIR mapping reads a
    reference (``reading.reference_key``: a version, ``/_history/N``, cut off): a relative
    reference, or an absolute URL under ``server`` (the token goes nowhere else). An absolute
    URL elsewhere, or with no ``server``, is not read: the mapping lists what names it unused."""
    if not isinstance(reference, str):
        return None
    if "://" in reference:
        base = (server or "").rstrip("/") + "/"
        if not server or not reference.startswith(base):
            return None
        reference = reference.removeprefix(base)
    named = pattern.fullmatch(reference_key(reference))
    return named.group(0) if named else None


def medication_references(
    resources: Iterable[Mapping[str, Any]], server: str | None = None
) -> list[str]:
    """Each Medication that the medication resources name on the FHIR server ``server``
    (``on_server``: ``Medication/ID``), once, in order."""
    out: list[str] = []
    for resource in resources:
        if resource.get("resourceType") not in MEDICATION_TYPES:
            continue
        link = resource.get("medicationReference")
        reference = link.get("reference") if isinstance(link, dict) else None
        named = on_server(reference, server, MEDICATION_REFERENCE)
        if named and named not in out:
            out.append(named)
    return out


def orders_unread(resources: Sequence[Mapping[str, Any]], server: str | None = None) -> int:
    """How many medication resources (orders, statements, administrations) name their drug only
    as a Medication (``on_server``: ``Medication/ID``) that is not among ``resources``: not
    read (no ``fhirServer``, a read that failed or was late, past ``MEDICATION_READS``), so
    that drug is not known."""
    held = {f"Medication/{r.get('id')}" for r in resources if r.get("resourceType") == "Medication"}
    count = 0
    for resource in resources:
        if resource.get("resourceType") not in MEDICATION_TYPES:
            continue
        link = resource.get("medicationReference")
        named = on_server(link.get("reference") if isinstance(link, dict) else None, server,
                          MEDICATION_REFERENCE)  # fmt: skip
        count += named is not None and named not in held
    return count


def body_structure_references(
    resources: Iterable[Mapping[str, Any]], server: str | None = None
) -> list[str]:
    """Each BodyStructure that a radiotherapy course (a Procedure) names on the FHIR server
    ``server`` (``on_server``: ``BodyStructure/ID``) as the volume it treated (mCODE's
    ``mcode-radiotherapy-dose-delivered-to-volume`` extension, its ``volume``), once, in order:
    the FHIR mapping reads from it whether the radiation went to the pelvis."""
    out: list[str] = []
    for resource in resources:
        if resource.get("resourceType") != "Procedure":
            continue
        extensions = resource.get("extension")
        for ext in extensions if isinstance(extensions, list) else []:
            if not isinstance(ext, dict) or ext.get("url") != DOSE_TO_VOLUME:
                continue
            parts = ext.get("extension")
            for part in parts if isinstance(parts, list) else []:
                if not isinstance(part, dict) or part.get("url") != "volume":
                    continue
                link = part.get("valueReference")
                reference = link.get("reference") if isinstance(link, dict) else None
                named = on_server(reference, server, BODY_STRUCTURE_REFERENCE)
                if named and named not in out:
                    out.append(named)
    return out


def gather(
    prefetch: Mapping[str, Any] | None,
    patient_id: str,
    templates: Mapping[str, str] = TEMPLATES,
) -> Gathered:
    """The resources the record system prefetched for the services' keys (other keys are not
    read; a value of another type than its template finds is refused), and the keys it did not
    satisfy. A key whose value is an OperationOutcome (the record system's error) counts as not
    satisfied, and so does a searchset with an OperationOutcome entry of an error
    (``has_error``: read, the search's part would read as the whole record), and a searchset
    with a next page (the specification lets a record system
    page a prefetch), or with fewer resources than its ``total`` (``fewer_than_found``): its
    search is fetched whole, since the pages left out would read as "not on record". The
    Patient of the ``patient`` key (``Patient/{{context.patientId}}``) is that patient: without
    its id (as in the specification's own example) it is given ``patient_id`` (the mapping had
    counted two people, and a record with a cancer read as having none)."""
    out = Gathered()
    given = prefetch or {}
    for key in templates:
        if key not in given:
            out.missing.append(key)
            continue
        value = given[key]
        if value is None:
            continue  # no data
        where = f"prefetch.{key}"
        if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
            raise PrefetchError(where, "is not a FHIR resource or Bundle (nor null)",
                                ("a FHIR resource or Bundle (a JSON object with a resourceType)",
                                 "null"))  # fmt: skip
        if value["resourceType"] == "OperationOutcome":
            out.missing.append(key)
            out.failed[key] = error_codes(value)
            continue
        if key == "patient" and value["resourceType"] == "Patient" and value.get("id") is None:
            value = {**value, "id": patient_id}
        resources = checked(placed(value, where), patient_id)
        if value["resourceType"] == "Bundle":  # its entries refused first, each named
            _a_search(value, where)
        _of_its_type(value, key, templates[key])
        if has_error(value):  # a search that did not run whole: fetched again, as left out
            out.missing.append(key)
            out.failed[key] = error_codes(value)
            continue
        if has_next_page(value):
            out.missing.append(key)
            out.paged.append(key)
            continue
        if fewer_than_found(value):  # a page whose next link was left out: fetched whole
            out.missing.append(key)
            out.short.append(key)
            continue
        out.resources += resources
    return out


# The Bundles a prefetch key may hold: the searchset the specification gives, or a collection
# (the same entries, as a record system may assemble them; read as the command line reads it)
PREFETCH_BUNDLES = ("searchset", "collection")


def _a_search(value: Mapping[str, Any], where: str) -> None:
    """Refuse a prefetch Bundle whose ``type`` is not a Bundle type (in the command line's words,
    ``bundle_type_refused``: it had been read with no word), or is one no search answers (a
    transaction, a history: its entries are requests or versions, not what was found)."""
    given = value.get("type")
    if said := bundle_type_refused(value):
        raise PrefetchError(f"{where}.type", said, PREFETCH_BUNDLES, given)
    if given not in PREFETCH_BUNDLES:
        raise PrefetchError(f"{where}.type", f"is {given!r}: a prefetch key holds a search's "
                            f"answer, a searchset Bundle (or a collection), or null",
                            PREFETCH_BUNDLES, given)  # fmt: skip


def resource_type(query: str) -> str:
    """The type of resource a query finds: ``Condition?patient=...`` and ``Patient/ID`` find
    Conditions and a Patient."""
    return query.split("?")[0].split("/")[0]


def included_types(query: str) -> frozenset[str]:
    """The types of resource a query's ``_include`` brings beside those it finds
    (``_include=MedicationRequest:medication``: Medication)."""
    found = re.findall(r"(?:^|[?&])_include=[A-Za-z]+:([A-Za-z-]+)", query)
    return frozenset(INCLUDED[name] for name in found if name in INCLUDED)


def another_type(value: Mapping[str, Any], kind: str,
                 included: Collection[str] = ()) -> tuple[str, str] | None:  # fmt: skip
    """The first resource of an answer that a query of ``kind`` cannot find: where it is in the
    answer (``""``: the answer itself; ``.entry[3].resource``) and its type; None when there is
    none. A Bundle's entries are looked at, but for what ``_include`` brings (``search.mode``
    ``include``, or a type of ``included``, the query's: a record system may not mark it) and
    the server's notes (an OperationOutcome, left out when it is read)."""
    if value.get("resourceType") != "Bundle":
        found = value.get("resourceType")
        return None if found == kind else ("", str(found))
    entries = value.get("entry")
    kinds = tuple(included)
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue  # not a resource: refused as it is read (``placed``)
        search = entry.get("search")
        marked = isinstance(search, dict) and search.get("mode") == "include"
        found = resource.get("resourceType")
        if found not in (kind, "OperationOutcome", *kinds) and not marked:
            return f".entry[{i}].resource", str(found)
    return None


def _a(kind: str) -> str:
    """A resource type with its article: "an Observation", "a Condition"."""
    return f"{'an' if kind[:1] in 'AEIOU' else 'a'} {kind}"


def _of_its_type(value: Mapping[str, Any], key: str, template: str) -> None:
    """Refuse a prefetch value holding what its template cannot find (a Condition search
    answered with Observations, or with a Patient): read, it would stand for the record's
    Conditions, and the cards would say that none is on record (the specification: "It is the
    CDS Service's responsibility to check prefetched data against its template")."""
    kind = resource_type(template)
    stray = another_type(value, kind, included_types(template))
    if stray is None:
        return
    where, found = stray
    accepted = accepted_for(template)
    if "?" in template:
        said = f"is a {kind} search, so it must be a searchset Bundle of {kind} resources"
    else:
        said = f"is the {kind} read, so it must be {_a(kind)} resource"
    raise PrefetchError(f"prefetch.{key}{where}",
                        f"is of type {found}: prefetch.{key} {said}, or null", accepted)


def accepted_for(template: str) -> tuple[str, ...]:
    """What a prefetch key of ``template`` takes: the answer of its search (a searchset Bundle
    of the type it finds) or of its read (that resource), or null (no data)."""
    kind = resource_type(template)
    if "?" in template:
        return (f"a searchset Bundle of {kind} resources", "null")
    return (f"{_a(kind)} resource", "null")


def has_error(value: Mapping[str, Any]) -> bool:
    """Whether a Bundle holds an OperationOutcome entry with an issue of severity error or
    fatal (a search that timed out part way, as a server may say beside the resources it
    found): what it holds may not be all the record has. A note of severity warning or
    information says nothing of the kind."""
    return value.get("resourceType") == "Bundle" and bool(_error_issues(value))


def error_codes(value: Mapping[str, Any]) -> list[str]:
    """The codes of the issues of severity error or fatal (FHIR's IssueType: ``timeout``,
    ``too-costly``; never the diagnostics, which are the server's words) of an
    OperationOutcome, or of a Bundle's OperationOutcome entries, once each, in order; the
    codes that are not codes left out."""
    codes = [issue.get("code") for issue in _error_issues(value)]
    return list(dict.fromkeys(c for c in codes if isinstance(c, str) and CODE.fullmatch(c)))


CODE = re.compile(r"[a-z][a-z-]{0,39}")  # an IssueType code: timeout, too-costly


def _error_issues(value: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The issues of severity error or fatal of an OperationOutcome, or of a Bundle's
    OperationOutcome entries."""
    if value.get("resourceType") == "OperationOutcome":
        outcomes: list[Any] = [value]
    else:
        entries = value.get("entry") if value.get("resourceType") == "Bundle" else None
        outcomes = [entry.get("resource") for entry in entries if isinstance(entry, dict)] if (
            isinstance(entries, list)) else []  # fmt: skip
    found: list[Mapping[str, Any]] = []
    for outcome in outcomes:
        if not isinstance(outcome, dict) or outcome.get("resourceType") != "OperationOutcome":
            continue
        issues = outcome.get("issue")
        found += [issue for issue in (issues if isinstance(issues, list) else [])
                  if isinstance(issue, dict) and issue.get("severity") in ("error", "fatal")]
    return found


def placed(value: Mapping[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    """The resources of one answer, each with where it is in the answer (``where`` itself, or
    ``where.entry[3].resource``, so that a refusal names the entry, not only the key): a
    Bundle's entries (its OperationOutcome entries left out), each with its entry's fullUrl
    when it has one (``Located``), or the resource itself."""
    if value.get("resourceType") != "Bundle":
        return [(where, dict(value))]
    entries = value.get("entry", [])
    if not isinstance(entries, list):
        raise PrefetchError(where, "is a Bundle whose entry is not a list",
                            ("a Bundle whose entry is a list of entries",))  # fmt: skip
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise PrefetchError(f"{where}.entry[{i}]", "is not a Bundle entry (a JSON object)",
                                ("a Bundle entry (a JSON object)",))  # fmt: skip
        resource = entry.get("resource")
        if resource is None:
            continue  # an entry with only a fullUrl or a request: nothing to read
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise PrefetchError(f"{where}.entry[{i}].resource", "is not a FHIR resource",
                                ("a FHIR resource (a JSON object with a resourceType)",))
        if resource["resourceType"] != "OperationOutcome":
            url = entry.get("fullUrl")
            located = Located(resource, url) if isinstance(url, str) and url else resource
            out.append((f"{where}.entry[{i}].resource", located))
    return out


def checked(
    resources: Iterable[tuple[str, dict[str, Any]]], patient_id: str,
    full_urls: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The resources (each with where it is, as ``placed`` gives them), refused where one is
    about another patient than ``patient_id`` (a Patient with another id, or a subject or
    patient reference to another Patient, read as the FHIR mapping reads it:
    ``reading.reference_key``, a Bundle's fullUrls resolved); the resources of a Bundle among
    them (which the FHIR mapping opens) are checked too."""
    resources = list(resources)
    if full_urls is None:
        full_urls = _full_urls(resource for _, resource in resources)
    out = []
    for where, resource in resources:
        kind = resource["resourceType"]
        if kind == "Bundle":  # the FHIR mapping opens it: its resources are read too
            checked(bundle_placed(resource, where), patient_id, full_urls)
        if kind == "Patient" and resource.get("id") not in (None, patient_id):
            raise PrefetchError(where, "holds a Patient other than the one in context",
                                (f"the Patient of context.patientId ({ONE_PATIENT})",))
        for name in PATIENT_LINKS:
            link = resource.get(name)
            reference = link.get("reference") if isinstance(link, dict) else None
            if not isinstance(reference, str):
                continue
            key = reference_key(reference, full_urls)
            if key.startswith("Patient/") and key.removeprefix("Patient/") != patient_id:
                raise PrefetchError(
                    where, f"holds {_a(kind)} about another patient than the one in context",
                    (f"resources about the Patient of context.patientId ({ONE_PATIENT})",),
                )
        out.append(resource)
    return out


def _full_urls(resources: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The fullUrls of the entries of the Bundles among the resources (and in them), and of the
    resources taken out of an entry (``Located``), each as the ``Type/id`` the FHIR mapping names
    its resource by."""
    out: dict[str, str] = {}
    for resource in resources:
        kind, ident = resource.get("resourceType"), resource.get("id")
        if isinstance(resource, Located) and isinstance(ident, str) and ident:
            out[resource.full_url] = f"{kind}/{ident}"
        if resource.get("resourceType") != "Bundle" or not isinstance(resource.get("entry"), list):
            continue
        for entry in resource["entry"]:
            item = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(item, dict):
                continue
            url, kind, ident = entry.get("fullUrl"), item.get("resourceType"), item.get("id")
            if isinstance(url, str) and isinstance(kind, str) and isinstance(ident, str) and ident:
                out[url] = f"{kind}/{ident}"
        out |= _full_urls(bundle_resources(resource))
    return out


def bundle_resources(bundle: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The resources of a Bundle (one inside a prefetch value, or an order-select call's
    draftOrders); what is not a resource in it is left out (the FHIR mapping lists it as not
    used)."""
    return [resource for _, resource in bundle_placed(bundle, "")]


def bundle_placed(bundle: Mapping[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    """``bundle_resources``, each with where it is (``where.entry[2].resource``)."""
    entries = bundle.get("entry")
    out = []
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
            out.append((f"{where}.entry[{i}].resource", resource))
    return out
