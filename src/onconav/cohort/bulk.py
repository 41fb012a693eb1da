"""A folder of FHIR Bulk Data NDJSON (the ``$export`` layout: ``Patient.ndjson``,
``Condition.ndjson``, ``Observation.000.ndjson``, ..., each may be gzipped:
``Observation.ndjson.gz``) flattened into the input table of
population screening: one row per patient, read by the FHIR mapping (``read_resources``), the
same as ``onconav options --fhir`` reads one person's record (docs/cohort.md).

Memory: the files are read line by line (a gzipped one streamed). A first pass finds each
resource's patient (the Patient's ``id``; ``subject`` or ``patient`` of the others) and writes
the line to one of several partition files on disk, by the patient; a second pass reads one
partition at a time, so only one partition's lines (about ``PART_BYTES`` of text; more for an
export of over 32 GB, which has ``MAX_PARTS`` partitions) and one patient's resources as objects
are held at once. Resources about no one patient (Medication, Organization, Practitioner, ...)
are held as text for the whole run and given to each patient whose resources refer to them.

References are read as the FHIR mapping reads them (``onconav.reading.reference_key``):
``Medication/1``, ``https://ehr.example.org/fhir/Medication/1`` and ``Medication/1/_history/2``
are the same resource. A patient is named by ``Patient/ID`` (with a version or not); a patient
reference written in full names a server, which a folder, with no fullUrl, cannot say is the
export's own (``own_server``): when all of the folder's patient references are written in full,
of one server, that server is taken as the export's (said in ``notes``); otherwise a resource
whose patient reference is written in full is quarantined, a patient of another server, as a
Bundle's reading leaves it unread. A line whose patient cannot be known (its ``subject`` a
``urn:uuid:``, which only a Bundle's fullUrl resolves) is quarantined with its file, line number
and the reference, never dropped; so is a resource with no id about no patient (nothing can
refer to it), a resource of a record's type (a Condition, an Observation, ...) with no subject
that no record refers to, and a Bundle. A ``medicationReference`` to a Medication not in the
folder, and a file of the folder that is not read, are named in ``notes`` (the summary's)."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from onconav import words
from onconav.cohort.reasons import cut, reason
from onconav.fhir import FhirError, FhirReading, read_resources
from onconav.fhir.reader import NOT_TAKEN, newer_version, server_of_address
from onconav.kb import KnowledgeBase
from onconav.profile import MARKERS
from onconav.reading import reference_key, why_not_read

PART_BYTES = 64 * 1024 * 1024  # the text of the lines of one partition, about
MAX_PARTS = 512  # partition files open at once: past 32 GB of NDJSON, partitions grow instead
RESOURCE_DEPTH = "a FHIR resource needs a few dozen levels at most"  # said of a line too deep
MAX_NOTES = 100  # the notes kept (the summary's); past them, how many more
SHARED_TYPE = re.compile(r"[A-Z][A-Za-z]+/[^/]+")  # Group/1, Location/2: about no one patient


class BulkError(ValueError):
    """The folder cannot be read at all: one line naming what and why."""


@dataclass
class Flat:
    """The input table written (``table``: NDJSON, ``patient_id`` and the facts; a row with only
    a patient_id for each patient whose record cannot be read, and a row with no patient_id for
    each line that cannot be read, after the patients'), how many patients it holds, and
    ``problems`` (NDJSON: ``row``, its ``patient_id`` if it has one, and ``reason``): why each of
    those cannot be read, the line's file and line number included."""

    table: Path
    problems: Path
    people: int = 0
    unreadable: int = 0
    bad_lines: list[str] = field(default_factory=list)
    referred: set[str] = field(default_factory=set)  # the shared resources a record refers to
    # a shared resource's Type/id given again with other content -> where each is (``_share``)
    repeated: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    more_notes: int = 0
    patients_given: bool = False  # the folder holds Patient resources (Patient.ndjson, ...)
    # (patient_id, fact, the resources): a fact with no value read whose result the record
    # names in resources the mapping did not read (``not_read``)
    unread: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    def note(self, text: str) -> None:
        """A problem that leaves the rows as they are (a file not read, a reference not
        resolved), kept up to ``MAX_NOTES``, then counted."""
        if len(self.notes) < MAX_NOTES:
            self.notes.append(text)
        else:
            self.more_notes += 1

    def said(self) -> list[str]:
        """The notes, with how many more there were."""
        more = [f"... and {self.more_notes} more"] if self.more_notes else []
        return self.notes + more


def named_ndjson(path: Path) -> bool:
    """Whether a file's name says NDJSON: ``.ndjson`` or ``.jsonl``, in any case (an export's
    ``MedicationRequest.NDJSON`` had been named as not read, and the person's treatments lost to
    a name's case; a table's NDJSON was already read as ``.jsonl`` too)."""
    return path.name.lower().endswith((".ndjson", ".jsonl"))


def export_file(path: Path) -> bool:
    """Whether a file is read as one of an export's: named NDJSON (``named_ndjson``), or that
    gzipped, ``Type.ndjson.gz`` (``.gz`` in any case), as servers often write them (such files
    had been named as not read, and every HER2 result in them listed as a gap)."""
    name = path.name.lower()
    return name.removesuffix(".gz").endswith((".ndjson", ".jsonl"))


def gzipped(path: Path) -> bool:
    """Whether an export's file is read through gzip (its name ends ``.gz``)."""
    return path.name.lower().endswith(".gz")


def holds_resources(path: Path) -> bool:
    """Whether a file is one of an export's: named ``.ndjson`` (``files_of`` reads it), its first
    line that holds anything a FHIR resource (a JSON object with a ``resourceType``). A run's own
    result, of one row per (patient, option), holds none: it may be written again there."""
    if not (path.is_file() and named_ndjson(path)):
        return False
    try:
        with path.open("rb") as lines:
            first = next((line for line in lines if line.strip()), b"")
        item = json.loads(first) if first else None
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(item, dict) and "resourceType" in item


def files_of(folder: Path, ours: frozenset[Path] = frozenset()) -> list[Path]:
    """The NDJSON files of an export: ``Type.ndjson`` and ``Type.*.ndjson`` (``named_ndjson``:
    ``.jsonl`` too, in any case), and each gzipped (``Type.ndjson.gz``), in name order; none of
    ``ours`` (resolved paths: the run's own outputs, which may be in the folder). A file given
    both plain and gzipped (``Observation.ndjson`` and ``Observation.ndjson.gz``) stops the
    run: whether they are one file twice or two, which is to be read cannot be known."""
    found = sorted(p for p in folder.iterdir() if p.is_file() and export_file(p)
                   and p.resolve() not in ours)  # fmt: skip
    if not found:
        raise BulkError(f"INPUT: the folder {str(folder)!r} has no .ndjson files; a FHIR Bulk "
                        "Data export is expected (Patient.ndjson, Condition.ndjson, ...; "
                        "several per type as Type.000.ndjson; each may be gzipped, "
                        "Type.ndjson.gz)")  # fmt: skip
    plain = {p.name.lower(): p for p in found if not gzipped(p)}
    twice = [(plain[p.name.lower()[:-3]], p) for p in found
             if gzipped(p) and p.name.lower()[:-3] in plain]  # fmt: skip
    if twice:
        said = "; ".join(f"{a.name} and {b.name}" for a, b in twice)
        raise BulkError(f"INPUT: the folder {str(folder)!r} holds {cut(said)}, a file both as it "
                        "is and gzipped: whether they hold the same resources or not cannot be "
                        "known, and reading both could read each resource twice; keep one of "
                        "each (move the other out of the folder)")  # fmt: skip
    return found


def _gzip_error(path: Path, error: Exception) -> BulkError:
    """A gzipped file of the export that cannot be read whole (cut short in a download, or not
    gzip): the run stops, naming it, as a patient's results past the break would be lost."""
    return BulkError(f"INPUT: {path.name} cannot be read: not a whole gzip file "
                     f"({words.cut(str(error) or type(error).__name__, 120)}); download it "
                     "again, or give it ungzipped")  # fmt: skip


GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)  # a gzip file cut short, or not gzip


def text_size(path: Path) -> int:
    """The bytes of text a file of the export holds: its size, or of a gzipped file the size
    it unpacks to, counted by reading it through (a gzip file's trailer holds that size only
    modulo 4 GiB), in pieces, so that the partitions are as many as for the file ungzipped and
    memory stays bounded. A gzip file that cannot be read whole stops the run here, before any
    line is read (``_gzip_error``)."""
    if not gzipped(path):
        return path.stat().st_size
    total = 0
    try:
        with gzip.open(path, "rb") as text:
            while piece := text.read(1 << 20):
                total += len(piece)
    except GZIP_ERRORS as error:
        raise _gzip_error(path, error) from None
    return total


def key_of(reference: object) -> str | None:
    """What a reference names, as the FHIR mapping reads it (``Type/id``: a full URL and a
    version cut), or None if it has no ``reference`` text."""
    text = reference.get("reference") if isinstance(reference, dict) else None
    return reference_key(text) if isinstance(text, str) else None


def references(resource: object) -> list[str]:
    """Every ``reference`` text of a resource, at any depth (its ``subject``, a
    ``medicationReference``, one in an extension), as JSON reads it: ``"Medication\\/1"`` is
    ``Medication/1``. Read from the parsed resource, never from the line's text, where JSON may
    write the same string otherwise (a ``/`` as ``\\/``, a letter as ``\\u0065``)."""
    found: list[str] = []
    stack = [resource]
    while stack:  # not recursive: a resource as deeply nested as JSON's reader takes is read
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("reference"), str):
                found.append(value["reference"])
            value = list(value.values())
        if isinstance(value, list):
            for item in reversed(value):  # the first on top: found in the order written
                if isinstance(item, (dict, list)):
                    stack.append(item)
    return found


def usable_id(ident: object) -> bool:
    """Whether a Patient's id can name one patient: text, not blank, with no space around it. A
    FHIR id has none, and the input table reads an id trimmed: a Patient ``' p1 '`` would be a
    second row of patient ``p1``, and cost the real one their answer."""
    return isinstance(ident, str) and ident.strip() == ident != ""


def patient_of(reference: object) -> str | None:
    """The Patient id a reference names (``Patient/123``, a full URL, a version), or None."""
    key = key_of(reference)
    if key is not None and key.startswith("Patient/") and key.count("/") == 1 \
            and usable_id(key[8:]):  # fmt: skip
        return key[8:]
    return None


def patient_reference(resource: dict[str, Any]) -> tuple[str, str] | None:
    """The field (``subject``, else ``patient``) whose reference names the Patient a resource
    is about, and that reference as written; None if neither names one (``patient_of``)."""
    for name in ("subject", "patient"):
        if patient_of(resource.get(name)) is not None:
            return name, resource[name]["reference"]
    return None


def owner(resource: dict[str, Any]) -> str | None:
    """The patient a resource is about: a Patient's id, or the Patient its ``subject`` or
    ``patient`` refers to (``patient_reference``); None for a resource about no one patient, or
    whose patient cannot be known (``whose``), and for a Patient whose id is blank or has
    spaces around it."""
    if resource.get("resourceType") == "Patient":
        ident = resource.get("id")
        return ident if usable_id(ident) else None
    placed = patient_reference(resource)
    return patient_of(resource[placed[0]]) if placed else None


def server_of(reference: str) -> str | None:
    """The server a patient reference written in full names, as the FHIR mapping tells servers
    apart (``https://EHR.example.org:443/fhir/Patient/1``: ``ehr.example.org/fhir``; what comes
    before ``Patient/ID`` when that is no http(s) address); None for ``Patient/ID`` (a version
    after it or not), the way an export names its own patients."""
    key = reference_key(reference)
    before = reference.rpartition(key)[0].strip("/")
    return (server_of_address(reference, key) or before) if before else None


def own_server(relative: bool, servers: set[str]) -> str | None:
    """The server taken as the export's own: the one server of the folder's patient references
    when all of them are written in full (``relative``: whether any is ``Patient/ID``); None
    otherwise, when a reference written in full names a patient of another server."""
    return next(iter(servers)) if not relative and len(servers) == 1 else None


def _elsewhere(where: str, line: str, relative: bool, servers: set[str]) -> str:
    """Why a resource whose patient reference names a server other than the export's own
    (``own_server``) is not read: the words of a Bundle's reading, and why the server is not
    taken as the export's."""
    resource = json.loads(line)
    name, written = patient_reference(resource) or ("subject", "")
    ident = resource.get("id")
    named = f"{resource['resourceType']}/{ident}" if isinstance(ident, str) and ident else \
        resource["resourceType"]  # fmt: skip
    if relative:
        why = "the export names its own patients Patient/ID"
    else:
        why = (f"the folder's patient references name {len(servers)} servers, "
               f"{cut(', '.join(sorted(servers)))}, so which is the export's cannot be "
               "known")  # fmt: skip
    return (f"{where}: {cut(named)}: its {name} is {cut(written)}, a patient of another server "
            f"than the export's ({why}): it may be about someone else; not read")


def whose(resource: dict[str, Any]) -> str | None:
    """Why the patient of a resource that is not a Patient, and is about no patient ``owner``
    can read, cannot be known; None if it is about no one patient (no ``subject`` or
    ``patient``, or a Group, a Location, ... by ``Type/id``)."""
    for name in ("subject", "patient"):
        if name not in resource:
            continue
        value = resource[name]
        key = key_of(value)
        if key is not None and SHARED_TYPE.fullmatch(key) and not key.startswith("Patient/"):
            continue
        if key is None:
            return f"its {name} has no reference to a Patient ({cut(value)})"
        written = value["reference"]
        return (f"its {name} {cut(written)} names no Patient by id (Patient/ID, as a Bulk Data "
                "export writes it), so whose it is cannot be known")  # fmt: skip
    return None


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The lines of a file that are not blank, with their numbers (from 1), as bytes; of a
    gzipped file (``Type.ndjson.gz``), the lines it unpacks to, streamed."""
    try:
        with gzip.open(path, "rb") if gzipped(path) else path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield number, line
    except GZIP_ERRORS as error:  # changed since text_size read it through
        raise _gzip_error(path, error) from None


def flatten(folder: Path, kb: KnowledgeBase, work: Path, ours: tuple[Path, ...] = ()) -> Flat:
    """Read an export folder into ``work/people.ndjson``, the input table (see the module).
    ``ours``: what the run writes (its result, quarantine and summary, its temporary folder),
    if the export folder holds it (``onconav cohort . --out r.ndjson``): not the export's, so
    neither read (a second run had read the first's result as resources) nor named."""
    own = frozenset(p.resolve() for p in ours)
    files = files_of(folder, own)
    parts = min(MAX_PARTS, sum(text_size(p) for p in files) // PART_BYTES + 1)
    flat = Flat(work / "people.ndjson", work / "problems.ndjson")
    for other in sorted(set(folder.iterdir()) - set(files)):
        if other.resolve() in own:
            continue
        flat.note(f"{other.name}: not read ({'a folder' if other.is_dir() else 'a file'}; an "
                  "export's files are read by their names, Type.ndjson or "
                  "Type.ndjson.gz)")  # fmt: skip
    # "Medication/1" -> where it is and its line: the resources about no one patient
    shared: dict[str, tuple[str, str]] = {}
    relative = False  # a patient reference is Patient/ID
    servers: set[str] = set()  # the servers the patient references written in full name
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
                except (ValueError, RecursionError) as error:  # 4,301 digits; 1,000 levels
                    flat.bad_lines.append(f"{where}: {why_not_read(error, RESOURCE_DEPTH)}")
                    continue
                if not isinstance(resource, dict) or not isinstance(
                    resource.get("resourceType"), str
                ):
                    flat.bad_lines.append(f"{where}: not a FHIR resource (a JSON object with a "
                                          "resourceType)")  # fmt: skip
                    continue
                kind, ident = resource["resourceType"], resource.get("id")
                who = owner(resource)
                flat.patients_given |= kind == "Patient"  # whatever the file is called
                if kind == "Bundle":
                    flat.bad_lines.append(f"{where}: a Bundle; an export holds one resource a "
                                          "line: give its entries as lines (onconav options "
                                          "--fhir reads a Bundle)")  # fmt: skip
                    continue
                if who is None:
                    unknown = None if kind == "Patient" else whose(resource)
                    if kind == "Patient" and isinstance(ident, str) and ident.strip():
                        flat.bad_lines.append(f"{where}: a Patient whose id {cut(ident)} has "
                                              "spaces around it; a FHIR id has none (letters, "
                                              "digits, '-' and '.')")  # fmt: skip
                    elif kind == "Patient":  # blank ("  "): no id, as none at all
                        flat.bad_lines.append(f"{where}: a Patient without an id")
                    elif unknown is not None:
                        named = f"{kind}/{ident}" if isinstance(ident, str) and ident else kind
                        flat.bad_lines.append(f"{where}: {cut(named)}: {unknown}")
                    elif isinstance(ident, str) and ident:
                        _share(f"{kind}/{ident}", where, line, resource, shared, flat)
                    else:
                        article = "an" if kind[:1] in "AEIOU" else "a"
                        flat.bad_lines.append(f"{where}: {article} {kind[:80]} with no id, "
                                              "about no patient (no subject): nothing can refer "
                                              "to it, so it is not read")  # fmt: skip
                    continue
                placed = patient_reference(resource) if kind != "Patient" else None
                server = server_of(placed[1]) if placed else None
                relative |= placed is not None and server is None
                if server is not None:
                    servers.add(server)
                key = json.dumps(who)
                outs[zlib.crc32(key.encode()) % parts].write(
                    f"{key}\t{json.dumps(where)}\t{json.dumps(server)}\t{line}\n")
    finally:
        for out in outs:
            out.close()
    ours_is = own_server(relative, servers)
    if ours_is is not None:
        flat.note(f"every patient reference of the folder is written in full, of one server "
                  f"({cut(ours_is)}): read as the export's own patients (an export names them "
                  "Patient/ID; a folder has no fullUrl to say which server is its own)")
    elsewhere: list[tuple[tuple[str, int], str]] = []  # (file, line number), why
    with flat.table.open("w", encoding="utf-8") as table, \
            flat.problems.open("w", encoding="utf-8") as problems:  # fmt: skip
        for i in range(parts):
            part = work / f"part-{i}.tsv"
            for who, given in _grouped(part):
                lines = [(where, text) for where, server, text in given
                         if server in (None, ours_is)]  # fmt: skip
                elsewhere += [(_place(where), _elsewhere(where, text, relative, servers))
                              for where, server, text in given
                              if server not in (None, ours_is)]  # fmt: skip
                if not lines:  # all about a patient of another server
                    continue
                row, problem = _row(who, lines, shared, kb, flat)
                table.write(json.dumps(row) + "\n")
                flat.people += 1  # the row's number in the table
                if problem:
                    problems.write(json.dumps({"patient_id": who, "row": flat.people,
                                               "reason": problem}) + "\n")  # fmt: skip
                    flat.unreadable += 1
            part.unlink()
        flat.bad_lines += [why for _, why in sorted(elsewhere)]
        flat.bad_lines += _about_no_patient(shared, flat.referred)
        for key, wheres in flat.repeated.items():
            flat.note(f"{cut(key)}: given {len(wheres)} times, differently ({', '.join(wheres)}); "
                      "the patients whose records refer to it are quarantined, as which one is "
                      "meant cannot be known")  # fmt: skip
        for row_number, why in enumerate(flat.bad_lines, start=flat.people + 1):
            table.write(json.dumps({"patient_id": None}) + "\n")  # a row, so the run counts it
            problems.write(json.dumps({"patient_id": None, "row": row_number,
                                       "reason": why}) + "\n")  # fmt: skip
    return flat


def _share(key: str, where: str, line: str, resource: dict[str, Any],
           shared: dict[str, tuple[str, str]], flat: Flat) -> None:  # fmt: skip
    """A resource about no one patient kept by its Type/id (``key``) in ``shared``, for the
    records that refer to it. The same Type/id given again is kept once if it is the same
    resource; with other content (two Medication/m1, each another drug), every place it is
    given is kept in ``flat.repeated``: a record that refers to it is quarantined (``_row``),
    never read with one of them taken at random, and the summary's notes name it; unless one
    says it is the newer version (``newer_version``), which is read, as a patient's own
    resources are (``_given_twice``)."""
    if key not in shared:
        shared[key] = (where, line)
        return
    kept = json.loads(shared[key][1])
    if _undecided(kept, resource):
        flat.repeated.setdefault(key, [shared[key][0]]).append(where)
    elif kept != resource and newer_version(resource, kept):  # read, as in a Bundle
        shared[key] = (where, line)


def _undecided(kept: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two copies of one resource differ and neither says it is the newer version
    (``newer_version``: meta.versionId, meta.lastUpdated): which is right cannot be known."""
    return other != kept and newer_version(other, kept) is None


# The resources of a person's record that FHIR gives a subject or patient (each type the FHIR
# mapping reads as part of a record, ``NOT_TAKEN``, with what it may hold), and Medication, which
# has neither: it is there to be referred to (by a MedicationRequest, ...)
RECORD_TYPES = {kind: what for kind, what in NOT_TAKEN.items() if kind != "Medication"}


def _about_no_patient(shared: dict[str, tuple[str, str]], referred: set[str]) -> list[str]:
    """The lines of resources about no one patient that no patient's record refers to, each
    said with where it is: about a Group, a Location, ... (a ``subject`` or ``patient`` that is
    no one patient: a Condition about a Group had been dropped without a word), or of a record's
    type (``RECORD_TYPES``: a Condition, an Observation, a MedicationRequest, ...) with no
    ``subject`` or ``patient`` at all (an HER2 result naming no patient had been dropped without
    a word, where one whose subject has no reference was quarantined). Medications,
    Organizations and other resources about no one are not listed: they are there to be
    referred to."""
    out = []
    for key, (where, line) in shared.items():
        if key in referred:
            continue
        resource = json.loads(line)
        about = [k for n in ("subject", "patient") if (k := key_of(resource.get(n))) is not None]
        kind = resource["resourceType"]
        if about:
            out.append(f"{where}: {cut(key)}: about {cut(str(about[0]))}, no one patient, and no "
                       "patient's record refers to it, so it is not read")  # fmt: skip
        elif kind in RECORD_TYPES:
            out.append(f"{where}: {cut(key)}: {RECORD_TYPES[kind]} about no patient (it has no "
                       "subject or patient), and no patient's record refers to it, so it is "
                       "not read")  # fmt: skip
    return out


def _place(where: str) -> tuple[str, int]:
    """Where a line is (``Condition.ndjson line 7``) as its file and line number, to sort by."""
    name, _, number = where.rpartition(" line ")
    return name, int(number)


def _grouped(part: Path) -> Iterator[tuple[str, list[tuple[str, str | None, str]]]]:
    """The lines of one partition, by patient (patients in order of their ids), each with
    where it is (file and line number) and the server its patient reference names
    (``server_of``; None for ``Patient/ID`` and a Patient)."""
    people: dict[str, list[tuple[str, str | None, str]]] = {}
    with part.open(encoding="utf-8", newline="\n") as lines:  # a line ends at a newline only
        for line in lines:
            key, where, server, text = line.rstrip("\n").split("\t", 3)
            people.setdefault(json.loads(key), []).append(
                (json.loads(where), json.loads(server), text))
    for who in sorted(people):
        yield who, people.pop(who)


def _given_twice(lines: list[tuple[str, str]], resources: list[dict[str, Any]]) -> str | None:
    """Why a patient's record cannot be read when one of their resources is given twice with
    different contents and neither says it is the newer version (``newer_version``): which is
    right cannot be known (a Bundle's reader takes the first with a warning, which a cohort
    does not carry: a HER2 result Positive in one file and Negative in the next had been
    settled by the order of the files, with no word). None when there is no such resource."""
    copies: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for (where, _), resource in zip(lines, resources, strict=True):
        if usable_id(resource.get("id")):  # one with no id is no copy of another
            copies.setdefault(f"{resource.get('resourceType')}/{resource.get('id')}", []).append(
                (where, resource))
    said = []
    for key, found in copies.items():
        differ = [(w, r) for w, r in found[1:] if r != found[0][1]]
        if any(_undecided(found[0][1], r) for _, r in differ):
            places = ", ".join(w for w, _ in [found[0], *differ])
            said.append(f"{cut(key)} is given {1 + len(differ)} times, differently ({places})")
    if not said:
        return None
    return ("; ".join(said) + ", and no meta.versionId or meta.lastUpdated says which is "
            "newer: which one is right cannot be known; give each resource once")


def _row(who: str, lines: list[tuple[str, str]], shared: dict[str, tuple[str, str]],
         kb: KnowledgeBase, flat: Flat) -> tuple[dict[str, Any], str | None]:  # fmt: skip
    """One patient's row of the input table: their resources (and the resources about no one
    patient they refer to, and those these refer to, by references read as the mapping reads
    them) read by the FHIR mapping; or only their id, and why their record cannot be read. A
    ``medicationReference`` to a resource not in the folder is noted in ``flat``."""
    found = list(lines)
    resources = [json.loads(text) for _, text in found]
    own = {f"{r.get('resourceType')}/{r.get('id')}" for r in resources}
    seen: set[str] = set()
    for resource in resources:  # grows as referred resources are added
        for ref in references(resource):
            key = reference_key(ref)
            if key in shared and key not in seen and key not in own:
                seen.add(key)
                found.append(shared[key])
                resources.append(json.loads(shared[key][1]))
    flat.referred |= seen
    if twice := _given_twice(lines, resources[:len(lines)]):
        return {"patient_id": who}, twice
    repeated = sorted(seen & flat.repeated.keys())
    if repeated:
        said = "; ".join(f"{cut(k)} is given {len(flat.repeated[k])} times, differently "
                         f"({', '.join(flat.repeated[k])})" for k in repeated)  # fmt: skip
        return {"patient_id": who}, (f"{said}: which one the record refers to cannot be "
                                     "known; give each resource once")  # fmt: skip
    for (where, _), resource in zip(found, resources, strict=True):
        named = key_of(resource.get("medicationReference"))
        if named and not named.startswith("#") and named not in own and named not in seen:
            flat.note(f"{where}: {resource.get('resourceType')}/{resource.get('id')!s}: its "
                      f"medicationReference {cut(resource['medicationReference']['reference'])} "
                      "is not in the folder, so its drug is not known")  # fmt: skip
    try:
        reading = read_resources(resources, kb)
    except FhirError as error:
        # a patient's resources in the folder, not a Bundle: "record: no cancer condition ..."
        return {"patient_id": who}, "; ".join(
            reason(replace(p, field="record") if p.field == "bundle" else p)
            for p in error.problems)  # fmt: skip
    except Exception as error:  # a fault of the mapping on one record stops no run
        fault = f"{type(error).__name__}: {words.cut(str(error), 120)}"
        return {"patient_id": who}, (f"could not be read: a fault in onconav's FHIR mapping "
                                     f"({fault}); please report it")  # fmt: skip
    if reading.deceased is not None:  # a screening is of the living
        said = "" if reading.deceased == "yes" else f" on {reading.deceased}"
        return {"patient_id": who}, (f"not screened: the Patient resource records that this "
                                     f"person died{said}")  # fmt: skip
    if flat.patients_given and not any(r.get("resourceType") == "Patient"
                                       for r in resources[:len(lines)]):  # fmt: skip
        flat.note(f"{cut('Patient/' + who)}: the folder's Patient files have no Patient of "
                  "this id; answered from the resources about them")  # fmt: skip
    row: dict[str, Any] = {"patient_id": who}
    flat.unread += [(who, fact, refs) for fact, refs in not_read(reading).items()]
    for name, value in reading.data.items():
        if name == "biomarkers":
            row.update({m: value[m] for m in MARKERS if m in value})
        else:
            row[name] = value
    return row, None


def not_read(reading: FhirReading) -> dict[str, tuple[str, ...]]:
    """Each fact of the input table with no value read (``her2``, ``kras``) whose result the
    record names in resources the mapping did not read, with those resources (``Type/id``,
    sorted): the reading's ``named``, as `onconav options --fhir` warns of them for one person
    (a report's conclusion "HER2 (IHC): 3+ POSITIVE", a panel's part, a code not in its tables,
    a test whose result is still to come: ``registered`` or ``preliminary``). A resource
    entered in error or cancelled is no result, and is not named. The gaps tell such a fact
    ("the record names it, check it") from no result at all; a cohort had dropped the reading's
    ``named``, and listed such a patient as never tested."""
    biomarkers = reading.data.get("biomarkers") or {}
    found = {name.removeprefix("biomarkers."): refs for name, refs in reading.named.items()}
    return {fact: tuple(sorted(set(refs))) for fact, refs in sorted(found.items())
            if fact not in reading.data and fact not in biomarkers}  # fmt: skip


__all__ = ["PART_BYTES", "BulkError", "Flat", "export_file", "files_of",
           "flatten", "not_read", "own_server", "owner", "server_of", "whose"]
