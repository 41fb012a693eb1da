"""The drugs in an order-select call's drafted orders: the selected MedicationRequests of
``context.draftOrders``, each medication read by the reader it is given (the FHIR mapping's,
``onconav.fhir.drugs_of_medication``, joined to it in ``onconav.web.cds_hooks``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from onconav.cdshooks.cards import Drafted

__all__ = ["CodeReader", "drafted"]

ORDER_TYPES = ("MedicationRequest",)
# A reader of one medication's CodeableConcept: the knowledge base's drug ids it names.
CodeReader = Callable[[object], list[str]]


def drafted(
    draft_orders: Mapping[str, Any], selections: Iterable[str], drugs_of: CodeReader
) -> list[Drafted]:
    """The drug of each selected drafted MedicationRequest that onconav knows, in order."""
    chosen = set(selections)
    entries = draft_orders.get("entry")
    resources = [e.get("resource") for e in entries if isinstance(e, dict)] if isinstance(
        entries, list) else []  # fmt: skip
    by_ref = {f"{r.get('resourceType')}/{r.get('id')}": r for r in resources
              if isinstance(r, dict)}  # fmt: skip
    out = []
    for resource in resources:
        if not isinstance(resource, dict) or resource.get("resourceType") not in ORDER_TYPES:
            continue
        if not isinstance(resource.get("id"), str):
            continue  # an order without an id cannot be among the selections
        ref = f"{resource['resourceType']}/{resource.get('id')}"
        if ref not in chosen:
            continue
        for drug in dict.fromkeys(drugs_of(_concept(resource, by_ref))):
            out.append(Drafted(order=ref, drug=drug))
    return out


def _concept(resource: Mapping[str, Any], by_ref: Mapping[str, Any]) -> object:
    """The medication's CodeableConcept: the order's own, or the code of the Medication it names."""
    concept = resource.get("medicationCodeableConcept")
    if not isinstance(concept, dict):
        medication = _medication(resource, by_ref)
        concept = medication.get("code") if medication else None
    return concept


def _medication(resource: Mapping[str, Any], by_ref: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The Medication a medicationReference points to: contained (#id) or in the bundle."""
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
    found = by_ref.get(reference)
    return found if isinstance(found, dict) else None

