"""A folder of FHIR Bulk Data NDJSON (the ``$export`` layout: ``Patient.ndjson``,
``Condition.ndjson``, ``Observation.000.ndjson``, ...) flattened into the input table of
population screening: one row per patient, read by the FHIR mapping (``read_resources``), the
same as ``onconav options --fhir`` reads one person's record (docs/cohort.md).

Memory: the files are read line by line. A first pass finds each resource's patient (the
Patient's ``id``; ``subject`` or ``patient`` of the others) and writes the line to one of several
partition files on disk, by the patient; a second pass reads one partition at a time, so only one
partition's lines (about ``PART_BYTES`` of text; more for an export of over 32 GB, which has
``MAX_PARTS`` partitions) and one patient's resources as objects are held at once. Resources
about no one patient (Medication, Organization, Practitioner, ...) are held as text for the
whole run and given to each patient whose resources refer to them."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onconav.fhir import FhirError, read_resources
from onconav.kb import KnowledgeBase

PART_BYTES = 64 * 1024 * 1024  # the text of the lines of one partition, about
MAX_PARTS = 512  # partition files open at once: past 32 GB of NDJSON, partitions grow instead
REFERENCE = re.compile(r'"reference"\s*:\s*"([^"]+)"')
MARKERS = ("her2", "kras")


class BulkError(ValueError):
    """The folder cannot be read at all: one line naming what and why."""


@dataclass
class Flat:
    """The input table written (``table``: NDJSON, ``patient_id`` and the facts; a row with only
    a patient_id for each patient whose record cannot be read, and a row with no patient_id for
    each line that cannot be read, after the patients'), how many patients it holds, and
    ``problems`` (NDJSON: ``patient_id`` or ``row``, and ``reason``): why each of those cannot be
    read, the line's file and line number included."""

    table: Path
    problems: Path
    people: int = 0
    unreadable: int = 0
    bad_lines: list[str] = field(default_factory=list)


def files_of(folder: Path) -> list[Path]:
    """The NDJSON files of an export: ``Type.ndjson`` and ``Type.*.ndjson``, in name order."""
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(".ndjson"))
    if not found:
        raise BulkError(f"INPUT: the folder {str(folder)!r} has no .ndjson files; a FHIR Bulk "
                        "Data export is expected (Patient.ndjson, Condition.ndjson, ...; "
                        "several per type as Type.000.ndjson)")  # fmt: skip
    return found


def patient_of(reference: object) -> str | None:
    """The Patient id a reference names (``Patient/123``, a full URL, a version), or None."""
    text = reference.get("reference") if isinstance(reference, dict) else None
    if not isinstance(text, str):
        return None
    parts = text.split("/_history/")[0].split("/")
    if len(parts) >= 2 and parts[-2] == "Patient" and parts[-1]:
        return parts[-1]
    return None


def owner(resource: dict[str, Any]) -> str | None:
    """The patient a resource is about: a Patient's id, or the Patient its ``subject`` or
    ``patient`` refers to; None for a resource about no one patient."""
    if resource.get("resourceType") == "Patient":
        ident = resource.get("id")
        return ident if isinstance(ident, str) and ident else None
    return patient_of(resource.get("subject")) or patient_of(resource.get("patient"))


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The lines of a file that are not blank, with their numbers (from 1), as bytes."""
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield number, line


def flatten(folder: Path, kb: KnowledgeBase, work: Path) -> Flat:
    """Read an export folder into ``work/people.ndjson``, the input table (see the module)."""
    files = files_of(folder)
    parts = min(MAX_PARTS, sum(p.stat().st_size for p in files) // PART_BYTES + 1)
    flat = Flat(work / "people.ndjson", work / "problems.ndjson")
    shared: dict[str, str] = {}  # "Medication/1" -> its line: resources about no one patient
    outs = [(work / f"part-{i}.tsv").open("w", encoding="utf-8", newline="\n")
            for i in range(parts)]  # fmt: skip
    try:
        for path in files:
            for number, raw in _lines(path):
                where = f"{path.name} line {number}"
                try:
                    line = raw.decode("utf-8-sig").strip()
                except UnicodeDecodeError as error:
                    flat.bad_lines.append(f"{where}: not UTF-8 text (byte {error.start + 1})")
                    continue
                try:
                    resource = json.loads(line)
                except json.JSONDecodeError as error:
                    flat.bad_lines.append(f"{where}: not JSON ({error.msg} at column "
                                          f"{error.colno})")  # fmt: skip
                    continue
                if not isinstance(resource, dict) or not isinstance(
                    resource.get("resourceType"), str
                ):
                    flat.bad_lines.append(f"{where}: not a FHIR resource (a JSON object with a "
                                          "resourceType)")  # fmt: skip
                    continue
                who = owner(resource)
                if who is None:
                    if resource["resourceType"] == "Patient":
                        flat.bad_lines.append(f"{where}: a Patient without an id")
                    elif isinstance(resource.get("id"), str):
                        shared.setdefault(f"{resource['resourceType']}/{resource['id']}", line)
                    continue
                key = json.dumps(who)
                outs[zlib.crc32(key.encode()) % parts].write(f"{key}\t{line}\n")
    finally:
        for out in outs:
            out.close()
    with flat.table.open("w", encoding="utf-8") as table, \
            flat.problems.open("w", encoding="utf-8") as problems:  # fmt: skip
        for i in range(parts):
            part = work / f"part-{i}.tsv"
            for who, lines in _grouped(part):
                row, problem = _row(who, lines, shared, kb)
                table.write(json.dumps(row) + "\n")
                flat.people += 1
                if problem:
                    problems.write(json.dumps({"patient_id": who, "row": None,
                                               "reason": problem}) + "\n")  # fmt: skip
                    flat.unreadable += 1
            part.unlink()
        for row_number, why in enumerate(flat.bad_lines, start=flat.people + 1):
            table.write(json.dumps({"patient_id": None}) + "\n")  # a row, so the run counts it
            problems.write(json.dumps({"patient_id": None, "row": row_number,
                                       "reason": why}) + "\n")  # fmt: skip
    return flat


def _grouped(part: Path) -> Iterator[tuple[str, list[str]]]:
    """The lines of one partition, by patient (patients in order of their ids)."""
    people: dict[str, list[str]] = {}
    with part.open(encoding="utf-8", newline="\n") as lines:  # a line ends at a newline only
        for line in lines:
            key, _, text = line.rstrip("\n").partition("\t")
            people.setdefault(json.loads(key), []).append(text)
    for who in sorted(people):
        yield who, people.pop(who)


def _row(who: str, lines: list[str], shared: dict[str, str],
         kb: KnowledgeBase) -> tuple[dict[str, Any], str | None]:  # fmt: skip
    """One patient's row of the input table: their resources (and the resources about no one
    patient they refer to, and those these refer to) read by the FHIR mapping; or only their
    id, and why their record cannot be read."""
    texts = list(lines)
    seen: set[str] = set()
    for text in texts:  # grows as referred resources are added
        for ref in REFERENCE.findall(text):
            if ref in shared and ref not in seen:
                seen.add(ref)
                texts.append(shared[ref])
    try:
        reading = read_resources([json.loads(t) for t in texts], kb)
    except FhirError as error:
        return {"patient_id": who}, "; ".join(str(p) for p in error.problems)
    row: dict[str, Any] = {"patient_id": who}
    for name, value in reading.data.items():
        if name == "biomarkers":
            row.update({m: value[m] for m in MARKERS if m in value})
        else:
            row[name] = value
    return row, None


__all__ = ["PART_BYTES", "BulkError", "Flat", "files_of", "flatten", "owner"]
