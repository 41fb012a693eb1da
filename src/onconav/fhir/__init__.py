"""FHIR (mCODE) in: a person's record as FHIR R4 resources read into a profile.

The interface (kept stable for the CDS Hooks service and every other caller)::

    class FhirError(ValueError)        # .problems: list[onconav.profile.Problem]
                                       # (field = a FHIR path, or "bundle")
    @dataclass(frozen=True)
    class Unused:                      # a resource read but not used, and why
        reference: str                 # "Observation/abc"
        reason: str                    # "a serum HER2 test does not count: ..."

    @dataclass(frozen=True)
    class FhirReading:
        data: dict[str, Any]           # the profile as data for onconav.parse_profile
        sources: dict[str, list[str]]  # each field given ("stage", "biomarkers.her2",
                                       # "symptoms", ...) -> the resources it came from
        unused: list[Unused]           # every resource read but not used, with the reason
        warnings: list[str]
        being_given: list[str]         # the drug records being given now or on hold, read
                                       # among prior_treatments (the situation then says
                                       # "had or being given": fhir.evaluate.with_reading)

    read_bundle(bundle, kb, cancer_given=None) -> FhirReading  # a Bundle (collection,
                                                # searchset, ...); cancer_given: a cancer id
                                                # given beside it (a flag), read when the
                                                # record holds no cancer, with a warning
    read_resources(resources, kb) -> FhirReading  # a plain list of resources (a CDS Hooks
                                                  # prefetch's values; nested Bundles opened;
                                                  # a resource's full_url, if it has one, is
                                                  # its entry's fullUrl)
    fhir_json(text, root="bundle") -> Any       # FHIR JSON text parsed; a key given twice
                                                  # in one object is a FhirError naming it
    drugs_of_medication(concept, kb) -> list[str] # a medication's CodeableConcept as the
                                                  # mapping reads it: by its codes, else by
                                                  # its name
    drugs_of_codings(codings, kb) -> list[str]    # a medication's codings (RxNorm ingredient,
                                                  # clinical drug, or the ingredients of one
                                                  # medicine) -> the knowledge base's drug or
                                                  # regimen, as the mapping reads it; [] if none

Resources are identified by their codes, never by ``meta.profile``; the codes are reviewed
tables in ``fhir/data/*.csv``. What identifies a resource (its codes, body sites, the reasons of
an order, the components of a test) is checked for shape before it is read, and each resource the
mapping uses is validated whole with the ``fhir.resources`` R4B models (a time with no time zone
taken as valid): one that is not valid is listed in ``unused`` with the reason naming the element
("not valid FHIR R4: code.coding[0].system is a number, not a string") and warned of, never read
and never a Python error. Input that
is not FHIR at all, or that has no cancer condition, is a ``FhirError`` naming the field.

What FHIR cannot say (whether surgery could remove all of the cancer, whether the person wants
cancer treatment, how many tumours) is left out of the profile: unknown, never false. The mapping,
the rule that attributes a worsened disease status to a treatment, and what stays unknown are in
docs/fhir.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from onconav.fhir.reader import (
    MAX_VALUES,
    FhirError,
    FhirReading,
    Unused,
    drugs_of_codings,
    drugs_of_medication,
    entries_of,
    fhir_refused,
    read,
    refused_kind,
    too_large,
    zoned,
)
from onconav.kb import KnowledgeBase
from onconav.profile import Problem
from onconav.reading import (
    BUNDLE_TYPES,
    NOT_UNICODE,
    NotUnicode,
    bundle_type_refused,
    fewer_than_found,
    field_name,
    has_next_page,
    json_and_repeats,
    refused_words,
)

__all__ = ["FhirError", "FhirReading", "Unused", "drugs_of_codings", "drugs_of_medication",
           "fhir_json", "read_bundle", "read_resources"]  # fmt: skip


def fhir_json(text: str | bytes, root: str = "bundle") -> Any:
    """FHIR JSON text parsed. JSON parsers keep the last of a key given twice in one object and
    drop the others without a word; FHIR JSON never repeats a property, so each key given twice
    is a ``FhirError`` naming where (``bundle.entry[2].resource.code``; ``root`` names the top,
    ``""`` for none), as is each string or key holding half of a UTF-16 pair alone
    (``"\\ud800"``: no character, which no answer could hold). Text that is not JSON raises
    ``json.JSONDecodeError`` (or ``UnicodeDecodeError`` for bytes not UTF-8, ``RecursionError``
    when nested far too deep)."""
    # a byte order mark before the JSON (as some Windows tools write): Python's reader refused
    # the file ("Unexpected UTF-8 BOM"); it says nothing, as the profile reader takes it
    text = text.removeprefix(b"\xef\xbb\xbf") if isinstance(text, bytes) else text.removeprefix(
        "\ufeff")  # fmt: skip
    try:
        data, repeated = json_and_repeats(text)
    except NotUnicode as error:  # no answer could hold it: a 500, or a resource dropped
        raise FhirError([
            Problem(field=field_name((root, *path) if root else path) or "body", value=None,
                    accepted=("a character",), message=NOT_UNICODE)
            for path in error.places
        ]) from None  # fmt: skip
    if repeated:
        raise FhirError([
            Problem(field=field_name((root, *path) if root else path), value=None,
                    accepted=("each key once",),
                    message="is given twice in one object; FHIR JSON gives each once")
            for path in repeated
        ])  # fmt: skip
    return data


BUNDLE = "a FHIR Bundle"  # what is accepted where a Bundle is read


def _not_fhir(where: str, message: str, accepted: str, value: object = None) -> FhirError:
    """The input is not what is read: named by ``where``, with what is ``accepted`` (it had
    been none: a bare Condition sent as the Bundle was told nothing it could send)."""
    return FhirError([Problem(field=where, value=value, accepted=(accepted,), message=message)])


def _bundle_refused(model: Any, error: Any) -> Problem:
    """One of the Bundle model's errors, named by its path (``bundle.meta.lastUpdated``,
    ``bundle.link[0].relation``), in onconav's words with what is accepted (``fhir_refused``,
    as a resource's are said): pydantic's own ("Input should be a valid integer, unable to
    parse string as an integer") had reached the API's 422, the command and the CDS Hooks
    service."""
    where = tuple(p for p in error["loc"] if p != "root")
    accepted, said = fhir_refused(model, error)
    if where == ("type",):  # its type missing or not text lists the types, as a type not known
        accepted = BUNDLE_TYPES
        missing = refused_kind(error) == "missing"
        said = refused_words({**error, "type": "missing" if missing else "not_accepted"},
                             (f"a Bundle type ({', '.join(BUNDLE_TYPES)})",))  # fmt: skip
    element = field_name(where) or "the Bundle"
    return Problem(field=field_name(("bundle", *where)), value=None, accepted=accepted,
                   message=f"not a valid FHIR R4 Bundle: {element} {said}")


def read_bundle(bundle: Mapping[str, Any], kb: KnowledgeBase,
                cancer_given: str | None = None) -> FhirReading:  # fmt: skip
    """The profile a FHIR Bundle gives, each field with its sources, and every resource not
    used with the reason. ``FhirError`` when it is not a Bundle, or has no cancer condition and
    no ``cancer_given`` (where the cancer started, given beside the record: ``reader.read``)."""
    from fhir.resources.R4B.bundle import Bundle

    if not isinstance(bundle, Mapping):
        raise _not_fhir("bundle", "not FHIR: a JSON object (a FHIR Bundle) is expected", BUNDLE)
    kind = bundle.get("resourceType")
    if kind is None:
        raise _not_fhir("bundle.resourceType", "not FHIR: there is no resourceType; a FHIR "
                        "Bundle (resourceType \"Bundle\") is expected", "Bundle")  # fmt: skip
    if kind != "Bundle":
        raise _not_fhir("bundle.resourceType", f"a FHIR Bundle is expected, not {kind!r}",
                        "Bundle", kind)  # fmt: skip
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise _not_fhir("bundle.entry", "entry must be a list of entries", "a list of entries")
    rest = {k: v for k, v in bundle.items() if k != "entry"}
    if too_large(rest):  # validating millions of values would take seconds and gigabytes
        raise _not_fhir("bundle", f"not FHIR: the Bundle holds more than {MAX_VALUES} values "
                        "outside its entries", BUNDLE)  # fmt: skip
    try:
        Bundle.model_validate(zoned(rest))  # a timestamp with no zone read as written
    except ValidationError as error:
        raise FhirError([_bundle_refused(Bundle, e) for e in error.errors()]) from None
    except RecursionError:  # an extension of its meta nested hundreds of levels deep
        raise _not_fhir("bundle", "not FHIR: the Bundle is nested too deep outside its "
                        "entries", BUNDLE) from None  # fmt: skip
    if said := bundle_type_refused(bundle):  # the model takes any code
        raise FhirError([Problem(field="bundle.type", value=bundle.get("type"),
                                 accepted=BUNDLE_TYPES, message=said)])  # fmt: skip
    reading = read(entries_of(entries, "entry", bundle.get("type") == "history"), kb,
                   cancer_given)  # fmt: skip
    if has_next_page(bundle):
        said = ("the Bundle is one page of a search (it links to a next page): what is on the "
                "other pages is not read, and reads as not on record")  # fmt: skip
        reading = replace(reading, warnings=[said, *reading.warnings])
    elif fewer_than_found(bundle):  # a page whose next link was left out: the CDS Hooks
        # service refuses such a prefetch (412); read whole, with no word, it had been the record
        said = (f"the Bundle is a search that found {bundle.get('total')} resources but holds "
                "fewer: what it leaves out is not read, and reads as not on record; read the "
                "whole search")  # fmt: skip
        reading = replace(reading, warnings=[said, *reading.warnings])
    return reading


def read_resources(resources: Iterable[Mapping[str, Any]], kb: KnowledgeBase) -> FhirReading:
    """The same as ``read_bundle`` from a plain list of resources (as a CDS Hooks prefetch
    gives them: a Bundle among them is opened, and an empty prefetch value, None, is skipped).
    A resource that carries the fullUrl of the Bundle entry it was taken from (a string
    attribute ``full_url``: the CDS Hooks service's ``prefetch.Located``) is named by it too,
    as in the Bundle: a reference written as that fullUrl (a ``urn:uuid``) resolves to it."""
    if isinstance(resources, Mapping):
        resources = [resources]
    elif isinstance(resources, (str, bytes)) or not isinstance(resources, Iterable):
        raise _not_fhir("resources", "not FHIR: a list of FHIR resources is expected",
                        "a list of FHIR resources")  # fmt: skip
    items: list[tuple[str, object, str | None]] = [
        (f"resources[{i}]", r, url if isinstance(url := getattr(r, "full_url", None), str)
         else None) for i, r in enumerate(resources)
    ]  # fmt: skip
    return read(items, kb)
