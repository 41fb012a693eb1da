"""The drugs in an order-select call's drafted orders: the selected MedicationRequests of
``context.draftOrders``, each medication read by the reader it is given (the FHIR mapping's,
``onconav.fhir.drugs_of_medication``, joined to it in ``onconav.web.cds_hooks``). An order may
name its drug as a Medication on the record system's FHIR server (``Medication/ID``, as most
record systems write one): ``named`` lists the reads, and ``drafted`` is given what they found."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from onconav.cdshooks.cards import Drafted
from onconav.cdshooks.prefetch import (
    MEDICATION_REFERENCE,
    PrefetchError,
    bundle_placed,
    bundle_resources,
    medications_named,
    on_server,
)
from onconav.reading import reference_key

__all__ = ["CodeReader", "check_medications", "drafted", "named", "unread"]

ORDER_TYPES = ("MedicationRequest",)
# A reader of one medication's CodeableConcept: the knowledge base's drug ids it names.
CodeReader = Callable[[object], list[str]]


def drafted(
    draft_orders: Mapping[str, Any],
    selections: Iterable[str],
    drugs_of: CodeReader,
    fetched: Iterable[Mapping[str, Any]] = (),
    server: str | None = None,
) -> list[Drafted]:
    """The drug of each selected drafted MedicationRequest that onconav knows, in order; a
    Medication an order names is looked for in the bundle, then among ``fetched`` (read from
    the FHIR server ``server``: only for a reference to it, ``prefetch.on_server``)."""
    resources, by_ref, read = _lookups(draft_orders, fetched)
    out = []
    for ref, resource in _selected(resources, selections):
        if resource.get("doNotPerform") is True:
            continue  # an order not to give the drug: nothing to check
        concept = _concept(resource, by_ref, read, server)
        for drug in dict.fromkeys(drugs_of(concept)):
            out.append(Drafted(order=ref, drug=drug))
    return out


def check_medications(draft_orders: Mapping[str, Any], selections: Iterable[str]) -> None:
    """Refuse (``PrefetchError``, a 422) a selected order whose medication is not written as
    FHIR writes one: ``medicationCodeableConcept`` or ``medicationReference`` given, but not an
    object (text, a list). Such an order had got no card and no word: whether the drug suits was
    not checked, and nothing said so (a review)."""
    chosen = set(selections)
    for where, resource in bundle_placed(draft_orders, "context.draftOrders"):
        ref = f"{resource.get('resourceType')}/{resource.get('id')}"
        if resource.get("resourceType") not in ORDER_TYPES or ref not in chosen:
            continue
        for name, kind in (("medicationCodeableConcept", "a CodeableConcept"),
                           ("medicationReference", "a Reference")):  # fmt: skip
            if name in resource and not isinstance(resource[name], dict):
                raise PrefetchError(f"{where}.{name}", f"must be {kind} (an object), as FHIR "
                                    "writes one; the drug could not be checked",
                                    (f"{kind} (a JSON object)",))  # fmt: skip


def unread(
    draft_orders: Mapping[str, Any],
    selections: Iterable[str],
    fetched: Iterable[Mapping[str, Any]] = (),
    server: str | None = None,
) -> list[str]:
    """The selected drafted orders (``MedicationRequest/ID``) that name their drug only as a
    Medication not found (neither in the bundle nor among ``fetched``): their drug is not known."""
    resources, by_ref, read = _lookups(draft_orders, fetched)
    return [ref for ref, resource in _selected(resources, selections)
            if resource.get("doNotPerform") is not True
            and not isinstance(resource.get("medicationCodeableConcept"), dict)
            and isinstance(resource.get("medicationReference"), dict)
            and _medication(resource, by_ref, read, server) is None]  # fmt: skip


def _lookups(
    draft_orders: Mapping[str, Any], fetched: Iterable[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Mapping[str, Any]], dict[str, Mapping[str, Any]]]:
    """The bundle's resources; each by reference (``Type/id``, and each entry's fullUrl); and
    each resource ``fetched`` by ``Type/id`` (the bundle's own resource is looked for first)."""
    resources = bundle_resources(draft_orders)
    by_ref: dict[str, Mapping[str, Any]] = {
        f"{r.get('resourceType')}/{r.get('id')}": r for r in resources}  # fmt: skip
    by_ref |= _full_urls(draft_orders)
    read = {f"{r.get('resourceType')}/{r.get('id')}": r for r in fetched}
    return resources, by_ref, read


def _full_urls(bundle: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Each resource of a Bundle by its entry's fullUrl (an absolute URL, ``urn:uuid:...``)."""
    entries = bundle.get("entry")
    return {entry["fullUrl"]: entry["resource"]
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, dict) and isinstance(entry.get("fullUrl"), str)
            and isinstance(entry.get("resource"), dict)}  # fmt: skip


def named(
    draft_orders: Mapping[str, Any], selections: Iterable[str], server: str | None
) -> dict[str, str]:
    """The reads of the Medications that the selected orders name on the FHIR server ``server``
    and the bundle does not hold (``prefetch.medications_named``: at most ``MEDICATION_READS``,
    never a path of dots; ``Medication/ID`` with its version cut off, or an absolute URL under
    ``server``)."""
    resources = bundle_resources(draft_orders)
    held = [r for r in resources if r.get("resourceType") == "Medication"]
    return medications_named([*held, *(r for _, r in _selected(resources, selections))], server)


def _selected(
    resources: Iterable[Mapping[str, Any]], selections: Iterable[str]
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each selected order, with its reference (``MedicationRequest/ID``), in order."""
    chosen = set(selections)
    for resource in resources:
        if resource.get("resourceType") not in ORDER_TYPES:
            continue
        if not isinstance(resource.get("id"), str):
            continue  # an order without an id cannot be among the selections
        ref = f"{resource['resourceType']}/{resource['id']}"
        if ref in chosen:
            yield ref, resource


def _concept(
    resource: Mapping[str, Any], by_ref: Mapping[str, Any], read: Mapping[str, Any],
    server: str | None,
) -> object:  # fmt: skip
    """The medication's CodeableConcept: the order's own, or the code of the Medication it names."""
    concept = resource.get("medicationCodeableConcept")
    if not isinstance(concept, dict):
        medication = _medication(resource, by_ref, read, server)
        concept = medication.get("code") if medication else None
    return concept


def _medication(
    resource: Mapping[str, Any], by_ref: Mapping[str, Any], read: Mapping[str, Any],
    server: str | None,
) -> Mapping[str, Any] | None:  # fmt: skip
    """The Medication a medicationReference points to: contained (#id), in the bundle (by its
    fullUrl, or by ``Type/id``, an absolute URL cut to it), or read from ``server`` (``read``,
    by ``Type/id``) for a reference to it."""
    link = resource.get("medicationReference")
    reference = link.get("reference") if isinstance(link, dict) else None
    if not isinstance(reference, str):
        return None
    if reference.startswith("#"):
        contained_list = resource.get("contained")
        for contained in contained_list if isinstance(contained_list, list) else []:
            if isinstance(contained, dict) and contained.get("id") == reference[1:]:
                return contained
        return None
    found = by_ref.get(reference) or by_ref.get(reference_key(reference))
    if found is None:
        found = read.get(on_server(reference, server, MEDICATION_REFERENCE) or "")
    return found if isinstance(found, dict) else None

