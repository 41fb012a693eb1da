"""The reviewed code tables of the FHIR reader (``fhir/data/*.csv``) and look-ups in them.

Each table has the columns ``system, code, display, maps_to, verified``: the code system (short
name), the code, its display as found where it was checked, what it means here (one or more
``key=value`` items separated by ``;``) and where it was checked (``verified``; "unverified: ..."
where it could not be). ICD-10-CM rows stand for the code and every code under it (``C78.7``
matches ``C78.7``, ``C78.70``; the longest matching row wins); every other system matches exactly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

TABLES = ("conditions", "body_sites", "observations", "drugs", "treatments")
COLUMNS = ("system", "code", "display", "maps_to", "verified")

# The FHIR system URIs of each short name used in the tables (the first is the canonical one).
SYSTEMS: dict[str, tuple[str, ...]] = {
    "snomed": ("http://snomed.info/sct",),
    "icd10cm": ("http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10"),
    "loinc": ("http://loinc.org",),
    "rxnorm": ("http://www.nlm.nih.gov/research/umls/rxnorm",),
    "ncit": ("http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl",),
    # mCODE STU1 and the genomics reporting guide's value sets name HGNC's genes by .../geneId
    # (a KRAS variant so coded had been "genes onconav does not read: HGNC:6407")
    "hgnc": ("http://www.genenames.org", "https://www.genenames.org",
             "http://www.genenames.org/geneId"),
    "sequenceontology": ("http://www.sequenceontology.org/", "http://www.sequenceontology.org"),
    "ajcc": ("http://cancerstaging.org",),
    # FHIR R4's own codes for why a MedicationRequest stopped (its statusReason)
    "medicationrequest-status-reason": (
        "http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason",),
}
_SYSTEM_OF = {uri: name for name, uris in SYSTEMS.items() for uri in uris}
OBJECT = (dict, Mapping)  # a JSON object (a dict is checked first: isinstance of Mapping is slow)


@dataclass(frozen=True)
class Row:
    """One reviewed code: what it means (``meaning``: key to values) and where it was checked."""

    table: str
    system: str
    code: str
    display: str
    meaning: Mapping[str, tuple[str, ...]]
    verified: str

    def get(self, key: str) -> str | None:
        values = self.meaning.get(key)
        return values[0] if values else None


def system_name(uri: object) -> str | None:
    """The short name of a FHIR code system URI (``snomed``), or None for a system not read (or
    a value that is not a string)."""
    return _SYSTEM_OF.get(uri.strip()) if isinstance(uri, str) else None


def normal_code(system: str, code: str) -> str:
    """A code as the tables write it: trimmed; ICD-10 in upper case, with its dot after the third
    character where it was written without one (C160 is C16.0: read without the dot, it was
    read as its category C16 and said nothing of the C16.0 row); HGNC without ``HGNC:``."""
    code = code.strip()
    if system == "icd10cm":
        code = code.upper()
        if len(code) > 3 and "." not in code and re.fullmatch(r"[A-Z]\d[0-9A-Z]+", code):
            code = f"{code[:3]}.{code[3:]}"
        return code
    if system == "hgnc":
        return code.upper().removeprefix("HGNC:")
    return code


def _meaning(text: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for item in text.split(";"):
        key, eq, value = item.strip().partition("=")
        if not eq or not key or not value:
            raise ValueError(f"maps_to item {item!r} is not key=value")
        out.setdefault(key.strip(), []).append(value.strip())
    return {key: tuple(values) for key, values in out.items()}


def read_table(name: str, text: str) -> list[Row]:
    """The rows of one table's CSV text (every row checked: known system, no blank field)."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"{name}.csv: columns must be {', '.join(COLUMNS)}")
    rows = []
    for number, record in enumerate(reader, start=2):
        if any(not (record.get(c) or "").strip() for c in COLUMNS):
            raise ValueError(f"{name}.csv line {number}: a field is blank")
        if record["system"] not in SYSTEMS:
            raise ValueError(f"{name}.csv line {number}: unknown system {record['system']!r}")
        try:
            meaning = _meaning(record["maps_to"])
        except ValueError as error:
            raise ValueError(f"{name}.csv line {number}: {error}") from None
        system = record["system"]
        rows.append(
            Row(name, system, normal_code(system, record["code"]), record["display"].strip(),
                meaning, record["verified"].strip())
        )  # fmt: skip
    return rows


@dataclass(frozen=True)
class Tables:
    """Every reviewed code, by table and by (system, code)."""

    rows: tuple[Row, ...]
    index: Mapping[tuple[str, str, str], Row]

    def lookup(self, table: str, system: str | None, code: object) -> Row | None:
        """The row of ``table`` for a code (ICD-10-CM: the longest row the code falls under);
        None for a code that is not a string."""
        if system is None or not isinstance(code, str) or not code:
            return None
        code = normal_code(system, code)
        if system != "icd10cm":
            return self.index.get((table, system, code))
        for end in range(len(code), 2, -1):
            row = self.index.get((table, system, code[:end].rstrip(".")))
            if row is not None:
                return row
        return None

    def every(self, table: str, codings: Iterable[object]) -> list[Row]:
        """The rows of every coding of a CodeableConcept's codings that the table knows, in the
        order of the codings (one of them may be more precise than the first)."""
        rows = [self.lookup(table, system_name(c.get("system")), c.get("code"))
                for c in codings if isinstance(c, OBJECT)]  # fmt: skip
        return [row for row in rows if row is not None]

    def first(self, table: str, codings: Iterable[object]) -> Row | None:
        """The row of the first coding of a CodeableConcept's codings that the table knows (a
        coding that is not an object, or whose system or code is not a string, is not read)."""
        for coding in codings:
            if not isinstance(coding, OBJECT):
                continue
            row = self.lookup(table, system_name(coding.get("system")), coding.get("code"))
            if row is not None:
                return row
        return None


@cache
def load_tables() -> Tables:
    """The five tables from the package data (read once; the result is never changed)."""
    rows: list[Row] = []
    folder = resources.files("onconav.fhir") / "data"
    for name in TABLES:
        rows += read_table(name, (folder / f"{name}.csv").read_text(encoding="utf-8"))
    index: dict[tuple[str, str, str], Row] = {}
    for row in rows:
        key = (row.table, row.system, row.code)
        if key in index:
            raise ValueError(f"{row.table}.csv: {row.system}|{row.code} is given twice")
        index[key] = row
    return Tables(tuple(rows), index)
