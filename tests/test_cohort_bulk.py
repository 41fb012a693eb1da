"""A folder of FHIR Bulk Data NDJSON as the input of ``onconav cohort``: the FHIR test bundles and
the real mCODE examples split into one NDJSON file per resource type (some types in several
files), and each patient's statuses checked against ``onconav options --fhir`` on a Bundle of the
same resources; lines that are not resources and records that cannot be read quarantined with
the reason; ``cohort gaps`` on a folder."""

from __future__ import annotations

import functools
import gzip
import json
import re
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any
from unittest import mock

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import Run
from onconav.cohort import bulk
from onconav.kb import KnowledgeBase, load_kb

ROOT = Path(__file__).resolve().parents[1]
BUNDLES = sorted((ROOT / "tests" / "fhir").glob("*.json"))
MCODE = Path("/work/shared/reference/mcode")
if not MCODE.is_dir():
    MCODE = ROOT.parent / "shared" / "reference" / "mcode"


def patient_of(resource: dict[str, Any]) -> str | None:
    """The test's own reading of whose a resource is (``Patient/ID`` in subject or patient)."""
    if resource["resourceType"] == "Patient":
        return str(resource["id"])
    for key in ("subject", "patient"):
        ref = (resource.get(key) or {}).get("reference", "")
        if ref.startswith("Patient/"):
            return str(ref.removeprefix("Patient/"))
    return None


def records() -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Each patient's resources (the test bundles, and the mCODE examples' single resources),
    and the resources about no one patient (practitioners, organizations, value sets, ...)."""
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    shared: list[dict[str, Any]] = []
    for path in BUNDLES:
        resources = [e["resource"] for e in json.loads(path.read_text())["entry"]]
        (who,) = {patient_of(r) for r in resources}  # one patient per bundle, on every resource
        assert who is not None and who not in people, path.name
        people[who] = resources
    for path in sorted(MCODE.glob("*.json")):
        if path.name.startswith("Bundle-"):
            continue  # the same resources as the single files
        resource = json.loads(path.read_text())
        who = patient_of(resource)
        (people[who] if who else shared).append(resource)
    return people, shared


def write_folder(folder: Path, resources: list[dict[str, Any]], bad: dict[str, list[str]]) -> None:
    """The resources as an export: Type.ndjson, Observation split into two files; ``bad``: extra
    lines per file name."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for resource in resources:
        by_type[resource["resourceType"]].append(json.dumps(resource))
    folder.mkdir()
    files: dict[str, list[str]] = {}
    for kind, lines in by_type.items():
        if kind == "Observation":
            half = len(lines) // 2
            files["Observation.000.ndjson"] = lines[:half]
            files["Observation.001.ndjson"] = lines[half:]
        else:
            files[f"{kind}.ndjson"] = lines
    for name, lines in bad.items():
        files.setdefault(name, []).extend(lines)
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def last(path: Path) -> int:
    """The number of a file's last line."""
    return len(path.read_bytes().split(b"\n")) - 1  # the files end with a newline


def statuses(path: Path) -> dict[str, dict[str, str]]:
    con = duckdb.connect()
    query = f"SELECT patient_id, option_id, status FROM read_parquet('{path}')"
    rows = con.execute(query).fetchall()
    con.close()
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for who, option, status in rows:
        found[who][option] = status
    return found


def told(notes: int, summary: Path) -> str:
    """The one line stderr gives of a FHIR folder's notes: how many, and where they are (the
    summary), never their words, which name patients' resources and ids."""
    return (f"onconav: warning: {notes} {'note' if notes == 1 else 'notes'} on what the folder "
            f"holds that was not read: in the summary's notes ({summary})")  # fmt: skip


def quarantined(path: Path) -> list[tuple[int, str | None, str]]:
    """The quarantine's rows, read as the CSV it is (DuckDB's guess of the dialect, from a few
    rows, had split a reason at its commas)."""
    con = duckdb.connect()
    rows = con.execute(f"SELECT row, patient_id, reason FROM read_csv('{path}', header=true, "
                       "all_varchar=true, delim=',', quote='\"', escape='\"') "
                       "ORDER BY CAST(row AS INTEGER)").fetchall()  # fmt: skip
    con.close()
    return [(int(r), p, str(why)) for r, p, why in rows]


@pytest.fixture(scope="module")
def population() -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    people, shared = records()
    assert len(people) >= len(BUNDLES) + 5 and shared
    return people, shared


def test_every_patient_gets_what_options_fhir_gives(run: Run, tmp_path: Path,
                                                    population: Any) -> None:  # fmt: skip
    people, shared = population
    folder = tmp_path / "export"
    write_folder(folder, [r for rs in people.values() for r in rs] + shared,
                 {"Observation.001.ndjson": ["{not json"], "Condition.ndjson": ["[1, 2]"],
                  "Patient.ndjson": ['{"resourceType": "Patient"}']})  # fmt: skip
    with (folder / "Procedure.ndjson").open("ab") as lines:
        lines.write(b'{"resourceType": "Procedure", "id": "\xff"}\n')
    out = tmp_path / "out.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet")
    assert done.status == 0, done.stderr
    found = statuses(out)
    con = duckdb.connect()
    missing: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for who, option, facts in con.execute(
        f"SELECT patient_id, option_id, missing FROM read_parquet('{out}')"
    ).fetchall():
        missing[who][option] = list(facts)
    con.close()
    bad = quarantined(tmp_path / "out.quarantine.csv")
    unreadable = {who: why for _, who, why in bad if who}
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert summary["rows"] == len(people) + 4 == summary["answered"] + summary["quarantined"]
    compared = no_cancer = 0
    for who, resources in people.items():
        bundle = tmp_path / f"{who}.json"
        bundle.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [
            {"resource": r} for r in resources + shared]}))  # fmt: skip
        expected = run("options", "--fhir", str(bundle), "--format", "json")
        if expected.status != 0:  # a record with no cancer: one line, and the same reason
            assert who in unreadable and who not in found, who
            # of the patient's record (it said "bundle: ...", of a folder that holds none)
            field, why = unreadable[who].split(": ", 1)
            assert field == "record" and f"bundle: {why}" in expected.stderr, (
                unreadable[who], expected.stderr)  # fmt: skip
            no_cancer += 1
            continue
        options = json.loads(expected.stdout)["options"]
        assert found[who] == {o["id"]: o["status"] for o in options}, who
        assert missing[who] == {o["id"]: sorted(m["fact"] for m in o["missing"])
                                for o in options}, who  # fmt: skip
        compared += 1
    assert compared >= len(BUNDLES) + 4 and found.keys() <= people.keys()
    assert no_cancer, "no patient without a cancer was compared"
    lines = [why for _, who, why in bad if not who]
    assert sorted(lines) == sorted([
        f"Observation.001.ndjson line {last(folder / 'Observation.001.ndjson')}: "
        "not JSON (Expecting property name enclosed in double quotes at column 2)",
        f"Condition.ndjson line {last(folder / 'Condition.ndjson')}: "
        "not a FHIR resource (a JSON object with a resourceType)",
        f"Patient.ndjson line {last(folder / 'Patient.ndjson')}: "
        "a Patient without an id",
        f"Procedure.ndjson line {last(folder / 'Procedure.ndjson')}: not UTF-8 text (byte 38)",
    ])  # fmt: skip
    # the reference engine: the same answers, the same quarantine, reasons and all
    slow = tmp_path / "slow.parquet"
    done = run("cohort", str(folder), "--out", str(slow), "--quiet", "--engine", "python")
    assert done.status == 0, done.stderr
    assert statuses(slow) == found
    assert sorted(quarantined(tmp_path / "slow.quarantine.csv")) == sorted(bad)


def test_files_named_in_upper_case_or_jsonl_are_read(run: Run, tmp_path: Path,
                                                      population: Any) -> None:  # fmt: skip
    """An export's ``MedicationRequest.NDJSON`` or ``Condition.jsonl`` is read as its
    ``.ndjson`` is: the files had been named as not read, and a person's treatments lost to a
    name's case (a cisplatin regimen offered where the whole record rules it out)."""
    people, shared = population
    folder = tmp_path / "export"
    write_folder(folder, [r for rs in people.values() for r in rs] + shared, {})
    out = tmp_path / "plain.parquet"
    assert run("cohort", str(folder), "--out", str(out), "--quiet").status == 0
    plain = statuses(out)
    names = sorted(p.name for p in folder.iterdir())
    for i, name in enumerate(names):  # every other one in upper case, the rest .jsonl
        renamed = name.upper() if i % 2 else name.removesuffix(".ndjson") + ".jsonl"
        (folder / name).rename(folder / renamed)
    out = tmp_path / "renamed.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet")
    assert done.status == 0, done.stderr
    assert "not read" not in done.stderr
    assert statuses(out) == plain


def test_partitions_and_shared_resources_give_the_same_answers(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A drug given by reference to a Medication in Medication.ndjson (about no one patient) is
    read as in the bundle; many small partitions give the same answers as one."""
    source = ROOT / "tests" / "fhir" / "rectal-progression-after-folfox.json"
    resources = [e["resource"] for e in json.loads(source.read_text())["entry"]]
    moved = 0
    medications = []
    for resource in resources:
        concept = resource.get("medicationCodeableConcept")
        if concept is not None:
            ident = f"med-{moved}"
            medications.append({"resourceType": "Medication", "id": ident, "code": concept})
            del resource["medicationCodeableConcept"]
            resource["medicationReference"] = {"reference": f"Medication/{ident}"}
            moved += 1
    assert moved >= 2
    others = [e["resource"] for p in BUNDLES[:6] for e in json.loads(p.read_text())["entry"]
              if p != source]  # fmt: skip
    folder = tmp_path / "export"
    write_folder(folder, resources + medications + others, {})
    answers = []
    for part_bytes in (bulk.PART_BYTES, 300):
        monkeypatch.setattr(bulk, "PART_BYTES", part_bytes)
        out = tmp_path / f"out-{part_bytes}.parquet"
        done = run("cohort", str(folder), "--out", str(out), "--quiet")
        assert done.status == 0, done.stderr
        answers.append(statuses(out))
    assert answers[0] == answers[1] and len(answers[0]) >= 6
    expected = json.loads(run("options", "--fhir", str(source), "--format", "json").stdout)
    assert answers[0]["p-folfox"] == {o["id"]: o["status"] for o in expected["options"]}
    # FOLFOX stopped working: read through the Medication resources
    assert answers[0]["p-folfox"]["rectum-folfox"] == "not_suitable"


def test_gaps_on_a_folder(run: Run, tmp_path: Path) -> None:
    resources = [e["resource"] for p in BUNDLES for e in json.loads(p.read_text())["entry"]]
    folder = tmp_path / "export"
    write_folder(folder, resources, {})
    done = run("cohort", "gaps", str(folder), "--out", str(tmp_path / "gaps.csv"))
    assert done.status == 0, done.stderr
    assert f"{len(BUNDLES)} rows: {len(BUNDLES)} answered, 0 quarantined" in done.stderr
    con = duckdb.connect()
    gaps = set(con.execute(f"SELECT patient_id, fact FROM read_csv('{tmp_path / 'gaps.csv'}', "
                           "header=true)").fetchall())  # fmt: skip
    con.close()
    # stage 4 rectal cancer with no KRAS result on record; the KRAS tested ones are no gap
    assert ("p-folfox", "kras") in gaps
    assert not {("p-rectal-mut", "kras"), ("p-rectal-wt", "kras")} & gaps


def test_gaps_written_into_the_folder_read_say_nothing_of_their_own_work(
    run: Run, tmp_path: Path
) -> None:
    """``cohort gaps FOLDER --out FOLDER/gaps.csv`` warned of its own temporary folder
    ('.onconav-xxxx: not read (a folder; ...)'), made beside the output before the folder was
    read; a folder of the user's there is still named."""
    source = ROOT / "tests" / "fhir" / "colon-metastatic.json"
    folder = tmp_path / "export"
    write_folder(folder, [e["resource"] for e in json.loads(source.read_text())["entry"]], {})
    done = run("cohort", "gaps", str(folder), "--out", str(folder / "gaps.csv"), "--quiet")
    assert done.status == 0 and "warning" not in done.stderr, done.stderr
    (folder / "old").mkdir()
    done = run("cohort", "gaps", str(folder), "--out", str(folder / "gaps.csv"), "--quiet",
               "--force")  # fmt: skip
    assert done.status == 0 and ".onconav-" not in done.stderr
    # its own outputs, written by the run before, are not the export's either
    assert [w for w in done.stderr.splitlines() if "warning" in w] == [
        told(1, folder / "gaps.summary.json")]
    assert json.loads((folder / "gaps.summary.json").read_text())["notes"] == [
        "old: not read (a folder; an export's files are read by their names, Type.ndjson or "
        "Type.ndjson.gz)"]


@pytest.mark.parametrize("command", [(), ("gaps",)])
@pytest.mark.parametrize("option", ["--out", "--quarantine"])
def test_a_file_of_the_export_is_never_written_over(
    run: Run, tmp_path: Path, command: tuple[str, ...], option: str
) -> None:
    """`--out export/Observation.ndjson --force`: the export's own file had been left out of the
    reading as the run's output (the answers made without its results) and then written over.
    It is refused, even with --force, and left as it was (a review of the change)."""
    source = ROOT / "tests" / "fhir" / "colon-metastatic.json"
    folder = tmp_path / "export"
    write_folder(folder, [e["resource"] for e in json.loads(source.read_text())["entry"]], {})
    (export_file,) = [p for p in sorted(folder.iterdir()) if p.name.startswith("Condition")][:1]
    before = export_file.read_bytes()
    done = run("cohort", *command, str(folder), option, str(export_file), "--quiet", "--force")
    assert done.status == 2, done.stderr
    assert done.stderr.strip() == (f"onconav: error: {option}: {export_file} is a file of the "
                                   "INPUT, the FHIR export it reads; give a file outside it")
    assert export_file.read_bytes() == before


@pytest.mark.parametrize("command", [(), ("gaps",)])
def test_a_run_into_the_folder_read_never_reads_its_own_outputs(
    run: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """`onconav cohort . --out r.ndjson` in an export folder, run again (--force): the second run
    read the first's result, r.ndjson, as part of the export (each of its rows quarantined, 'not
    a FHIR resource'); the run's outputs (the result, the quarantine, the summary) are neither
    read nor named as files not read, whatever their names, for gaps too. Another file of the
    folder is still named."""
    source = ROOT / "tests" / "fhir" / "colon-metastatic.json"
    folder = tmp_path / "export"
    write_folder(folder, [e["resource"] for e in json.loads(source.read_text())["entry"]], {})
    out = folder / "r.ndjson"
    said = []
    for again in ((), ("--force",)):
        done = run("cohort", *command, str(folder), "--out", str(out), *again)
        assert done.status == 0, done.stderr
        said.append((done.stdout, done.stderr))
        assert "1 row: 1 answered, 0 quarantined" in done.stdout + done.stderr, done.stderr
        assert "warning" not in done.stderr, done.stderr
    assert said[0] == said[1]
    (folder / "notes.ndjson.txt").write_text("mine\n")
    done = run("cohort", *command, str(folder), "--out", str(out), "--quiet", "--force")
    assert done.status == 0 and done.stderr.count("warning") == 1, done.stderr
    assert told(1, folder / "r.summary.json") in done.stderr.splitlines()
    (note,) = json.loads((folder / "r.summary.json").read_text())["notes"]
    assert note.startswith("notes.ndjson.txt: not read")
    # another run's result is no output of this one: read, as any file named .ndjson is
    done = run("cohort", *command, str(folder), "--out", str(folder / "s.ndjson"))
    lines = len(out.read_text().splitlines())
    rows = f"{1 + lines} row" + ("s" if lines else "")  # ("1 row", as the run counts one)
    assert f"{rows}: 1 answered" in done.stdout + done.stderr, done.stderr


def gzip_files(folder: Path, names: list[str]) -> None:
    """Each of ``names`` in ``folder`` gzipped, as ``NAME.gz``, in its place."""
    for name in names:
        plain = folder / name
        with gzip.open(folder / f"{name}.gz", "wb") as packed:
            packed.write(plain.read_bytes())
        plain.unlink()


def gaps_of(path: Path) -> list[tuple[str, str, str | None]]:
    con = duckdb.connect()
    rows = con.execute(f"SELECT patient_id, fact, given FROM read_csv('{path}', header=true, "
                       "all_varchar=true) ORDER BY ALL").fetchall()  # fmt: skip
    con.close()
    return rows


def test_a_gzipped_observation_file_is_read(run: Run, tmp_path: Path) -> None:
    """An export's ``Observation.ndjson.gz`` (servers often write their files so) is read as
    its ``Observation.ndjson`` is: it had been named as not read, the run exiting 0, and the
    HER2-positive stomach cancer patient listed as a HER2 gap with nothing given."""
    source = ROOT / "tests" / "fhir" / "stomach-stage4-her2-positive.json"
    resources = [e["resource"] for e in json.loads(source.read_text())["entry"]]
    folder = tmp_path / "export"
    write_folder(folder, resources, {})
    done = run("cohort", "gaps", str(folder), "--out", str(tmp_path / "plain.csv"), "--quiet")
    assert done.status == 0, done.stderr
    plain = gaps_of(tmp_path / "plain.csv")
    assert not [g for g in plain if g[1] == "her2"]  # HER2 positive: on record
    gzip_files(folder, [p.name for p in folder.glob("Observation*")])
    done = run("cohort", "gaps", str(folder), "--out", str(tmp_path / "gz.csv"))
    assert done.status == 0, done.stderr
    assert "not read" not in done.stderr
    assert gaps_of(tmp_path / "gz.csv") == plain


def test_an_export_all_gzipped_reads_as_it_does_ungzipped(run: Run, tmp_path: Path,
                                                          population: Any) -> None:  # fmt: skip
    """Every file of an export gzipped (every resource type, the test bundles and the mCODE
    examples) gives the statuses and the quarantine it gives ungzipped, line numbers and all;
    it had stopped with "the folder has no .ndjson files"."""
    people, shared = population
    folder = tmp_path / "export"
    write_folder(folder, [r for rs in people.values() for r in rs] + shared,
                 {"Observation.001.ndjson": ["{not json"], "Condition.ndjson": ["[1, 2]"]})
    out = tmp_path / "plain.parquet"
    assert run("cohort", str(folder), "--out", str(out), "--quiet").status == 0
    plain, bad = statuses(out), quarantined(tmp_path / "plain.quarantine.csv")
    assert any("Observation.001.ndjson line" in why for _, _, why in bad)
    names = sorted(p.name for p in folder.iterdir())
    gzip_files(folder, names)
    for i, name in enumerate(names):  # the suffix's case does not count
        if i % 2:
            (folder / f"{name}.gz").rename(folder / f"{name}.GZ")
    out = tmp_path / "gz.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet")
    assert done.status == 0, done.stderr
    assert "not read" not in done.stderr
    assert statuses(out) == plain
    said = {f"{n}{'.GZ' if i % 2 else '.gz'} line": f"{n} line" for i, n in enumerate(names)}
    assert [(r, p, re.sub(r"^\S+ line", lambda m: said[m.group(0)], why))
            for r, p, why in quarantined(tmp_path / "gz.quarantine.csv")] == bad


def test_a_gzipped_file_is_streamed_into_as_many_partitions_as_ungzipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gzipped file's partitions are counted by the text it unpacks to, not by its smaller
    size on disk (which would hold ten times the text in memory at once)."""
    source = ROOT / "tests" / "fhir" / "colon-metastatic.json"
    folder = tmp_path / "export"
    write_folder(folder, [e["resource"] for e in json.loads(source.read_text())["entry"]], {})
    size = sum(p.stat().st_size for p in folder.iterdir())
    gzip_files(folder, [p.name for p in folder.iterdir()])
    assert sum(bulk.text_size(p) for p in folder.iterdir()) == size
    opened: list[int] = []
    monkeypatch.setattr(bulk, "PART_BYTES", 200)
    real = Path.open

    def counted(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name.startswith("part-") and args[:1] == ("w",):
            opened.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counted)
    flat = bulk.flatten(folder, knowledge(), tmp_path)
    assert flat.people == 1 and len(opened) == size // 200 + 1


@pytest.mark.parametrize("broken", [b"not gzip at all", b"cut"])
def test_a_gzipped_file_that_cannot_be_read_whole_stops_the_run(
    run: Run, tmp_path: Path, broken: bytes
) -> None:
    """A gzipped file cut short (a download stopped) or not gzip stops the run, naming it: the
    results past the break would be lost, and listed as gaps."""
    source = ROOT / "tests" / "fhir" / "colon-metastatic.json"
    folder = tmp_path / "export"
    write_folder(folder, [e["resource"] for e in json.loads(source.read_text())["entry"]], {})
    gzip_files(folder, ["Condition.ndjson"])
    packed = folder / "Condition.ndjson.gz"
    packed.write_bytes(packed.read_bytes()[:-20] if broken == b"cut" else broken)
    done = run("cohort", str(folder), "--out", str(tmp_path / "out.parquet"), "--quiet")
    assert done.status == 2, done.stderr
    assert "Condition.ndjson.gz cannot be read: not a whole gzip file" in done.errors()[0]
    assert "Traceback" not in done.stderr


def test_a_file_both_plain_and_gzipped_stops_the_run(run: Run, tmp_path: Path) -> None:
    """``Condition.ndjson`` beside ``Condition.ndjson.gz`` (``gunzip -k``): the run stops,
    naming both, rather than read one silently or each resource twice."""
    source = ROOT / "tests" / "fhir" / "colon-metastatic.json"
    folder = tmp_path / "export"
    write_folder(folder, [e["resource"] for e in json.loads(source.read_text())["entry"]], {})
    with gzip.open(folder / "Condition.ndjson.gz", "wb") as packed:
        packed.write((folder / "Condition.ndjson").read_bytes())
    done = run("cohort", str(folder), "--out", str(tmp_path / "out.parquet"), "--quiet")
    assert done.status == 2, done.stderr
    assert ("holds 'Condition.ndjson and Condition.ndjson.gz', a file both as it is and "
            "gzipped") in done.errors()[0]


@pytest.mark.parametrize(
    ("files", "message"),
    [({}, "has no .ndjson files"), ({"Patient.ndjson": "\n\n"}, "holds no FHIR resources")],
)
def test_a_folder_that_is_not_an_export_is_one_line(
    run: Run, tmp_path: Path, files: dict[str, str], message: str
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    done = run("cohort", str(folder), "--out", str(tmp_path / "out.parquet"), "--quiet")
    assert done.status == 2 and message in done.errors()[0]


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_patient_whose_id_is_blank_is_in_the_quarantine(run: Run, tmp_path: Path,
                                                          engine: str) -> None:  # fmt: skip
    """A Patient whose id is blank (" ") is "a Patient without an id", and each resource that
    refers to "Patient/ " names no Patient, each line with its file and line number: they were
    one row quarantined as "patient_id: missing", which told the analyst nothing of where (and,
    before, counted as quarantined and left out of the quarantine)."""
    source = ROOT / "tests" / "fhir" / "gej-m1-her2-negative.json"
    text = source.read_text().replace('"p-gej"', '" "').replace("Patient/p-gej", "Patient/ ")
    resources = [e["resource"] for e in json.loads(text)["entry"]]
    folder = tmp_path / "export"
    write_folder(folder, resources, {"Condition.ndjson": ["{not json"]})
    out = tmp_path / "out.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet", "--engine", engine)
    assert done.status == 1, done.stderr  # no one answered
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    lines = len(resources) + 1
    assert (summary["rows"], summary["answered"], summary["quarantined"]) == (lines, 0, lines)
    reasons = [why for _, who, why in quarantined(tmp_path / "out.quarantine.csv") if not who]
    assert "Patient.ndjson line 1: a Patient without an id" in reasons
    referring = [why for why in reasons if "names no Patient by id" in why]
    assert len(referring) == len(resources) - 1 and all("'Patient/ '" in w for w in referring)
    assert (f"Condition.ndjson line {last(folder / 'Condition.ndjson')}: not JSON (Expecting "
            "property name enclosed in double quotes at column 2)") in reasons  # fmt: skip


def test_a_reference_is_read_as_the_mapping_reads_it(run: Run, tmp_path: Path) -> None:
    """A medicationReference written as a full URL ('https://ehr.example.org/fhir/Medication/1')
    or with a version ('Medication/2/_history/3') names the Medication of Medication.ndjson, as
    in a Bundle read by `onconav options --fhir` (it was lost: the FOLFOX that stopped working
    not read, rectum-folfox offered again); so does a subject written as a full URL when all
    of the folder's are, of one server (said in the notes: the test's subjects had stayed
    Patient/ID, the full URL never written). A medicationReference to a Medication not in the
    folder is named in the summary's notes and on stderr (the drug is not known, as in a Bundle
    without it)."""
    source = ROOT / "tests" / "fhir" / "rectal-progression-after-folfox.json"
    resources = [e["resource"] for e in json.loads(source.read_text())["entry"]]
    medications: list[dict[str, Any]] = []
    forms = ["https://ehr.example.org/fhir/Medication/{}", "Medication/{}/_history/3"]
    for resource in resources:
        concept = resource.pop("medicationCodeableConcept", None)
        if concept is not None:
            ident = f"med-{len(medications)}"
            medications.append({"resourceType": "Medication", "id": ident, "code": concept})
            form = forms[len(medications) % 2]
            resource["medicationReference"] = {"reference": form.format(ident)}
        if resource["resourceType"] != "Patient":
            resource["subject"] = {"reference": "https://ehr.example.org/fhir/Patient/p-folfox"}
    assert len(medications) >= 2
    folder = tmp_path / "export"
    write_folder(folder, resources + medications, {})
    out = tmp_path / "out.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet")
    assert done.status == 0, done.stderr
    assert quarantined(tmp_path / "out.quarantine.csv") == []
    expected = json.loads(run("options", "--fhir", str(source), "--format", "json").stdout)
    found = statuses(out)
    assert found["p-folfox"] == {o["id"]: o["status"] for o in expected["options"]}
    assert found["p-folfox"]["rectum-folfox"] == "not_suitable"
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert summary["notes"] == [ONE_SERVER.format("ehr.example.org/fhir")]
    assert done.stderr == told(1, tmp_path / "out.summary.json") + "\n"
    (folder / "Medication.ndjson").write_text(json.dumps(medications[0]) + "\n")
    done = run("cohort", str(folder), "--out", str(out), "--quiet", "--force")
    assert done.status == 0, done.stderr
    notes = json.loads((tmp_path / "out.summary.json").read_text())["notes"][1:]
    assert notes and all(" is not in the folder, so its drug is not known" in n for n in notes)
    assert re.match(r"Medication\w+\.ndjson line \d+: Medication\w+/", notes[0]), notes[0]
    assert done.stderr.splitlines() == [told(1 + len(notes), tmp_path / "out.summary.json")]


ONE_SERVER = ("every patient reference of the folder is written in full, of one server ('{}'): "
              "read as the export's own patients (an export names them Patient/ID; a folder "
              "has no fullUrl to say which server is its own)")  # fmt: skip
ELSEWHERE = ("{where}: '{named}': its {name} is '{written}', a patient of another server than "
             "the export's ({why}): it may be about someone else; not read")  # fmt: skip
OWN_ARE_RELATIVE = "the export names its own patients Patient/ID"
RECTAL = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C20"}]}
STOMACH = {"coding": [{"system": "http://snomed.info/sct", "code": "363349007"}]}
OTHER = "https://other-hospital.example/fhir/Patient/s1"


def sites(found: dict[str, str]) -> set[str]:
    """The cancers a patient's options are of (rectum, stomach; not the general ones)."""
    return {o.split("-")[0] for o in found} - {"general"}


def run_folder(run: Run, tmp_path: Path, resources: list[dict[str, Any]],
               engine: str) -> tuple[Any, dict[str, dict[str, str]]]:  # fmt: skip
    """The resources as an export folder, run by ``engine`` to ``out.parquet``: the run (which
    must succeed) and the statuses it gives."""
    folder = tmp_path / "export"
    write_folder(folder, resources, {})
    out = tmp_path / "out.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet", "--engine", engine)
    assert done.status == 0, done.stderr
    return done, statuses(out)


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_patient_of_another_server_is_not_read_as_the_exports_own(
    run: Run, tmp_path: Path, engine: str
) -> None:
    """The patient's rectal Condition (Patient/s1) and another server's stomach Condition
    (https://other-hospital.example/fhir/Patient/s1) in one folder: the other server's had
    been read as the export's Patient s1, unseen (answered as rectum, with no word; alone, as
    stomach), where a Bundle's reading leaves it unread. Beside Patient/ID, a patient reference
    written in full is quarantined with its line and the Bundle's words, in ``subject`` or in
    ``patient``, with a version or not; the patient is read from their own lines, by every
    engine alike."""
    resources = [
        {"resourceType": "Patient", "id": "s1"},
        {"resourceType": "Condition", "id": "c0", "subject": {"reference": "Patient/s1"},
         "code": RECTAL},
        {"resourceType": "Condition", "id": "c1", "subject": {"reference": OTHER},
         "code": STOMACH},
        {"resourceType": "AllergyIntolerance", "id": "a1",
         "patient": {"reference": "http://b.example/fhir/Patient/s1/_history/2"}},
    ]  # fmt: skip
    done, found = run_folder(run, tmp_path, resources, engine)
    assert set(found) == {"s1"} and sites(found["s1"]) == {"rectum"}
    assert quarantined(tmp_path / "out.quarantine.csv") == [
        (2, None, ELSEWHERE.format(where="AllergyIntolerance.ndjson line 1",
                                   named="AllergyIntolerance/a1", name="patient",
                                   written="http://b.example/fhir/Patient/s1/_history/2",
                                   why=OWN_ARE_RELATIVE)),
        (3, None, ELSEWHERE.format(where="Condition.ndjson line 2", named="Condition/c1",
                                   name="subject", written=OTHER, why=OWN_ARE_RELATIVE))]
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert (summary["rows"], summary["answered"], summary["quarantined"]) == (3, 1, 2)
    assert "notes" not in summary and done.stderr == ""


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_patient_references_all_written_in_full_are_read_if_of_one_server(
    run: Run, tmp_path: Path, engine: str
) -> None:
    """A folder whose patient references are all written in full, of one server (the host's
    case and the default port aside), is read as an export written so, with a note naming the
    server: a folder has no fullUrl to say which is the export's own (the reviewer's folder of
    one Condition of other-hospital.example is such an export, and had been read with no
    word). Of two servers, which is the export's cannot be known: each such resource is
    quarantined, and the patient's record, with no cancer left, too."""
    resources = [
        {"resourceType": "Patient", "id": "s1"},
        {"resourceType": "Condition", "id": "c1", "subject": {"reference": OTHER},
         "code": STOMACH},
        {"resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "x"},
         "subject": {"reference": "HTTPS://Other-Hospital.example:443/fhir/Patient/s1"}},
    ]  # fmt: skip
    done, found = run_folder(run, tmp_path, resources, engine)
    assert set(found) == {"s1"} and sites(found["s1"]) == {"stomach"}
    assert quarantined(tmp_path / "out.quarantine.csv") == []
    note = ONE_SERVER.format("other-hospital.example/fhir")
    assert json.loads((tmp_path / "out.summary.json").read_text())["notes"] == [note]
    assert done.stderr == told(1, tmp_path / "out.summary.json") + "\n"
    third = "https://third.example/fhir/Patient/s1"
    folder, out = tmp_path / "export", tmp_path / "out.parquet"
    with (folder / "Condition.ndjson").open("a") as lines:
        lines.write(json.dumps({"resourceType": "Condition", "id": "c2", "code": RECTAL,
                                "subject": {"reference": third}}) + "\n")  # fmt: skip
    done = run("cohort", str(folder), "--out", str(out), "--quiet", "--force", "--engine", engine)
    assert done.status == 1, done.stderr  # no one answered
    why = ("the folder's patient references name 2 servers, 'other-hospital.example/fhir, "
           "third.example/fhir', so which is the export's cannot be known")  # fmt: skip
    bad = quarantined(tmp_path / "out.quarantine.csv")
    assert [(who, reason) for _, who, reason in bad][1:] == [
        (None, ELSEWHERE.format(where="Condition.ndjson line 1", named="Condition/c1",
                                name="subject", written=OTHER, why=why)),
        (None, ELSEWHERE.format(where="Condition.ndjson line 2", named="Condition/c2",
                                name="subject", written=third, why=why)),
        (None, ELSEWHERE.format(where="Observation.001.ndjson line 1", named="Observation/o1",
                                name="subject", why=why,
                                written="HTTPS://Other-Hospital.example:443/fhir/Patient/s1"))]
    assert bad[0][1] == "s1" and "no cancer condition" in bad[0][2]
    assert "notes" not in json.loads((tmp_path / "out.summary.json").read_text())


# how a patient reference is written, and the server each names as the test reads it
FORMS = {"Patient/{}": None, "Patient/{}/_history/2": None,
         "https://a.org/fhir/Patient/{}": "a", "HTTPS://A.org:443/fhir/Patient/{}/_history/1": "a",
         "https://b.org/fhir/Patient/{}": "b", "urn:x/Patient/{}": "x"}  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.sets(st.sampled_from(["p1", "p2", "p3"])),
       written=st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3"]),
                                  st.sampled_from(sorted(FORMS)),
                                  st.sampled_from(["subject", "patient"])), max_size=8))
def test_no_resource_of_another_server_is_read_into_a_patient(
    people: set[str], written: list[tuple[str, str, str]]
) -> None:
    """For random mixes of patient references (Patient/ID, and written in full of one server or
    several), no resource whose reference names a server other than the export's own (the one
    server when all are written in full; else none) is read into a patient's record, every
    other one is read into its patient's, and every line is accounted for: read, or in the
    quarantine with its file and line."""
    assume(people or written)  # a folder of no lines is refused (test_a_folder_that_is_not_...)
    resources: list[dict[str, Any]] = [{"resourceType": "Patient", "id": p} for p in sorted(people)]
    for i, (who, form, name) in enumerate(written):
        kind = "Condition" if name == "subject" else "AllergyIntolerance"
        resources.append({"resourceType": kind, "id": f"r{i}", "code": RECTAL,
                          name: {"reference": form.format(who)}})  # fmt: skip
    servers = {FORMS[form] for _, form, _ in written}
    own = next(iter(servers)) if len(servers) == 1 else None  # None: all Patient/ID, or mixed
    read: dict[str, str] = {}  # Type/id -> the patient whose record it was read into
    reading = bulk.read_resources

    def recorded(found: list[dict[str, Any]], kb: Any) -> Any:
        (who,) = {bulk.owner(r) for r in found}  # one patient's record
        read.update({f"{r['resourceType']}/{r['id']}": str(who) for r in found})
        return reading(found, kb)

    with tempfile.TemporaryDirectory() as work, mock.patch.object(bulk, "read_resources",
                                                                   recorded):  # fmt: skip
        folder = Path(work) / "export"
        write_folder(folder, resources, {})
        (Path(work) / "flat").mkdir()
        flat = bulk.flatten(folder, knowledge(), Path(work) / "flat")
        reasons = [json.loads(line)["reason"] for line in
                   flat.problems.read_text().splitlines()]  # fmt: skip
        for path in sorted(folder.iterdir()):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                resource = json.loads(line)
                key = f"{resource['resourceType']}/{resource['id']}"
                name = next((n for n in ("subject", "patient") if n in resource), None)
                server = FORMS[written[int(resource["id"][1:])][1]] if name else None
                where = f"{path.name} line {number}: "
                if server is not None and server != own:
                    assert key not in read, (key, read[key])
                    assert sum(r.startswith(where) and "another server" in r
                               for r in reasons) == 1, (where, reasons)  # fmt: skip
                else:
                    who = resource["id"] if name is None else written[int(resource["id"][1:])][0]
                    assert read.get(key) == who, (key, read)
    noted = [n for n in flat.said() if "written in full" in n]
    assert noted == ([bulk_note(own)] if own else [])


@functools.cache
def knowledge() -> KnowledgeBase:
    """The knowledge base, loaded once (a fixture's value is written out by hypothesis)."""
    return load_kb()


def bulk_note(server: str) -> str:
    """The note of a folder whose patient references are all of ``server`` (the test's name)."""
    return ONE_SERVER.format({"a": "a.org/fhir", "b": "b.org/fhir", "x": "urn:x"}[server])


def test_a_reference_written_with_json_escapes_is_the_same_reference(
    run: Run, tmp_path: Path
) -> None:
    """JSON may write a string's '/' as '\\/' and any letter as '\\u0065': the same string. A
    medicationReference so written ('Medication\\/m-0') names the Medication of the folder, as
    `onconav options --fhir` reads it in a Bundle; it was looked for in the line's text, not
    found, said to be "not in the folder", and the cisplatin that could not be tolerated was
    not read: cisplatin chemotherapy offered to the patient."""
    source = ROOT / "tests" / "fhir" / "cervical-cisplatin-not-tolerated.json"
    resources = [e["resource"] for e in json.loads(source.read_text())["entry"]]
    medications: list[dict[str, Any]] = []
    for resource in resources:
        concept = resource.pop("medicationCodeableConcept", None)
        if concept is not None:
            ident = f"m-{len(medications)}"
            medications.append({"resourceType": "Medication", "id": ident, "code": concept})
            resource["medicationReference"] = {"reference": f"Medication/{ident}"}
    assert medications
    folder = tmp_path / "export"
    write_folder(folder, resources + medications, {})
    for path in folder.glob("Medication*.ndjson"):  # the drugs' lines, as some servers write them
        text = path.read_text().replace("/", "\\/").replace('"reference"', '"r\\u0065ference"')
        path.write_text(text)
    written = (folder / "MedicationRequest.ndjson").read_text()
    assert '"r\\u0065ference": "Medication\\/m-0"' in written
    out = tmp_path / "out.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet")
    assert done.status == 0, done.stderr
    assert done.stderr == "" and quarantined(tmp_path / "out.quarantine.csv") == []
    assert "notes" not in json.loads((tmp_path / "out.summary.json").read_text())
    expected = json.loads(run("options", "--fhir", str(source), "--format", "json").stdout)
    found = statuses(out)["p-cervix-cisplatin"]
    assert found == {o["id"]: o["status"] for o in expected["options"]}
    assert found["cervix-chemo-cisplatin-paclitaxel"] == "not_suitable"


def test_a_line_nested_too_deeply_or_with_a_huge_number_is_quarantined(
    run: Run, tmp_path: Path
) -> None:
    """A line that JSON's reader in Python cannot read though it is JSON (1,000 levels deep, a
    number of 5,000 digits) is quarantined with its file and line; it stopped the run with a
    traceback (RecursionError, ValueError)."""
    source = ROOT / "tests" / "fhir" / "rectal-progression-after-folfox.json"
    resources = [e["resource"] for e in json.loads(source.read_text())["entry"]]
    deep = '{"resourceType": "Observation", "id": "deep", "a": ' + "[" * 5000 + "]" * 5000 + "}"
    huge = '{"resourceType": "Observation", "id": "huge", "a": ' + "9" * 5000 + "}"
    folder = tmp_path / "export"
    write_folder(folder, resources, {"Extra.ndjson": [deep, huge]})
    done = run("cohort", str(folder), "--out", str(tmp_path / "out.parquet"), "--quiet")
    assert done.status == 0, done.stderr
    assert [(p, why) for _, p, why in quarantined(tmp_path / "out.quarantine.csv")] == [
        (None, "Extra.ndjson line 1: is JSON nested too deeply to be read (a FHIR resource "
               "needs a few dozen levels at most)"),
        (None, "Extra.ndjson line 2: holds a value that cannot be read (Exceeds the limit (4300 "
               "digits) for integer string conversion)")]  # fmt: skip
    assert "p-folfox" in statuses(tmp_path / "out.parquet")


def _her2_record() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The resources of the HER2-positive stomach cancer record, and its HER2 results."""
    source = ROOT / "tests" / "fhir" / "stomach-stage4-her2-positive.json"
    resources = [e["resource"] for e in json.loads(source.read_text())["entry"]]
    her2 = [r for r in resources if r["resourceType"] == "Observation"
            and "HER2" in json.dumps(r.get("code"))]  # fmt: skip
    assert her2
    return resources, her2


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_line_whose_patient_cannot_be_known_is_quarantined(run: Run, tmp_path: Path,
                                                             engine: str) -> None:  # fmt: skip
    """A resource whose subject names no Patient by id (urn:uuid:..., which only a Bundle's
    fullUrl resolves) is quarantined with its file, line and the reference (the HER2 result was
    dropped without a trace: a false HER2 gap); so is a resource with no id about no patient,
    and a Bundle; a file or folder of the export that is not read is named in the notes. The
    patient is read from their other lines."""
    resources, her2 = _her2_record()
    for resource in her2:
        resource["subject"] = {"reference": "urn:uuid:0f4e-p-stomach-her2"}
    folder = tmp_path / "export"
    write_folder(folder, resources, {
        "Bundle.ndjson": ['{"resourceType": "Bundle", "id": "b", "type": "collection"}'],
        "Medication.ndjson": ['{"resourceType": "Medication", "code": {"text": "x"}}']})
    (folder / "notes.txt").write_text("hello\n")
    (folder / "old").mkdir()
    out = tmp_path / "out.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet", "--engine", engine)
    assert done.status == 0, done.stderr
    bad = quarantined(tmp_path / "out.quarantine.csv")
    lines = {(name, n): json.loads(line) for name in ("Observation.000.ndjson",
             "Observation.001.ndjson") for n, line in enumerate(
             (folder / name).read_text().splitlines(), 1)}  # fmt: skip
    where = sorted(k for k, r in lines.items() if r in her2)
    assert [why for _, _, why in bad] == [
        "Bundle.ndjson line 1: a Bundle; an export holds one resource a line: give its entries "
        "as lines (onconav options --fhir reads a Bundle)",
        "Medication.ndjson line 1: a Medication with no id, about no patient (no subject): "
        "nothing can refer to it, so it is not read",
        *(f"{name} line {n}: 'Observation/{lines[name, n]['id']}': its subject "
          "'urn:uuid:0f4e-p-stomach-her2' names no Patient by id (Patient/ID, as a Bulk Data "
          "export writes it), so whose it is cannot be known" for name, n in where)]
    assert {p for _, p, _ in bad} == {None}
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert (summary["rows"], summary["answered"]) == (1 + len(bad), 1)
    assert summary["notes"] == [
        "notes.txt: not read (a file; an export's files are read by their names, Type.ndjson "
        "or Type.ndjson.gz)",
        "old: not read (a folder; an export's files are read by their names, Type.ndjson or "
        "Type.ndjson.gz)"]


def test_a_fault_of_the_mapping_and_a_record_about_a_group_are_each_accounted_for(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault of the FHIR mapping on one record quarantines that patient, with the fault, and
    the run goes on (it stopped the whole run with a traceback); a Condition about a Group that
    no patient's record refers to is quarantined with its line (it was dropped without a
    word)."""
    rectal = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C20"}]}
    resources = [
        {"resourceType": "Patient", "id": "p1"},
        {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
         "code": rectal},
        {"resourceType": "Patient", "id": "p2"},
        {"resourceType": "Condition", "id": "c2", "subject": {"reference": "Patient/p2"},
         "code": rectal},
        {"resourceType": "Condition", "id": "c4", "subject": {"reference": "Group/g1"},
         "code": rectal},
    ]  # fmt: skip
    folder = tmp_path / "export"
    write_folder(folder, resources, {})
    reading = bulk.read_resources

    def faulty(found: list[dict[str, Any]], kb: Any) -> Any:
        if any(r.get("id") == "p2" for r in found):
            raise TypeError("'NoneType' object is not iterable")
        return reading(found, kb)

    monkeypatch.setattr(bulk, "read_resources", faulty)
    out = tmp_path / "out.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet")
    assert done.status == 0, done.stderr
    assert set(statuses(out)) == {"p1"}
    bad = quarantined(tmp_path / "out.quarantine.csv")
    reasons = {who or why.split(":")[0]: why for _, who, why in bad}
    assert reasons["p2"] == ("could not be read: a fault in onconav's FHIR mapping (TypeError: "
                             "'NoneType' object is not iterable); please report it")  # fmt: skip
    assert reasons["Condition.ndjson line 3"] == (
        "Condition.ndjson line 3: 'Condition/c4': about 'Group/g1', no one patient, and no "
        "patient's record refers to it, so it is not read")  # fmt: skip
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert summary["rows"] == 3 == summary["answered"] + summary["quarantined"]


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_her2_result_that_names_no_patient_is_quarantined(run: Run, tmp_path: Path,
                                                            engine: str) -> None:  # fmt: skip
    """An Observation with HER2 Positive and no ``subject`` at all is quarantined with its file
    and line, as one whose subject has no reference is: it was dropped without a word, in
    neither the quarantine nor the notes."""
    resources, her2 = _her2_record()
    for resource in her2:
        del resource["subject"]
    folder = tmp_path / "export"
    write_folder(folder, resources, {})
    done = run("cohort", str(folder), "--out", str(tmp_path / "out.parquet"), "--quiet",
               "--engine", engine)  # fmt: skip
    assert done.status == 0, done.stderr
    lines = {(name, n): json.loads(line) for name in ("Observation.000.ndjson",
             "Observation.001.ndjson") for n, line in enumerate(
             (folder / name).read_text().splitlines(), 1)}  # fmt: skip
    assert [why for _, _, why in quarantined(tmp_path / "out.quarantine.csv")] == [
        f"{name} line {n}: 'Observation/{r['id']}': a result on record (a stage, a test, how "
        "the cancer is doing) about no patient (it has no subject or patient), and no "
        "patient's record refers to it, so it is not read"
        for (name, n), r in sorted(lines.items()) if r in her2]


def test_every_record_resource_that_names_no_patient_is_accounted_for(tmp_path: Path) -> None:
    """Of every type the FHIR mapping reads as part of a person's record (``NOT_TAKEN``: a
    Condition, a Procedure, each Medication* resource, ...), a resource with no subject or
    patient that no record refers to is quarantined with its file and line; a Medication (and
    an Organization) about no one is not, and one a MedicationRequest refers to is read into
    that patient's record."""
    from onconav.fhir.reader import NOT_TAKEN

    rectal = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C20"}]}
    kinds = sorted(NOT_TAKEN)
    assert {"Condition", "Observation", "Procedure", "MedicationRequest",
            "MedicationStatement", "MedicationAdministration"} <= set(kinds)  # fmt: skip
    resources: list[dict[str, Any]] = [
        {"resourceType": "Patient", "id": "p1"},
        {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
         "code": rectal},
        {"resourceType": "MedicationRequest", "id": "r1", "status": "active",
         "intent": "order", "subject": {"reference": "Patient/p1"},
         "medicationReference": {"reference": "Medication/used"}},
        {"resourceType": "Medication", "id": "used", "code": {"text": "oxaliplatin"}},
        {"resourceType": "Organization", "id": "org"},
        *({"resourceType": kind, "id": f"orphan-{kind}"} for kind in kinds),
    ]  # fmt: skip
    folder = tmp_path / "export"
    write_folder(folder, resources, {})
    placed = {}
    for path in folder.iterdir():
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if line:
                placed[json.loads(line)["id"]] = f"{path.name} line {n}"
    flat = bulk.flatten(folder, knowledge(), tmp_path)
    assert flat.people == 1 and flat.unreadable == 0
    orphans = {f"orphan-{k}" for k in kinds if k != "Medication"}
    said = {why.split(": ")[0]: why for why in flat.bad_lines}
    assert set(said) == {placed[i] for i in orphans}, flat.bad_lines
    for ident in orphans:
        kind = ident.removeprefix("orphan-")
        assert said[placed[ident]] == (
            f"{placed[ident]}: '{kind}/{ident}': {NOT_TAKEN[kind]} about no patient (it has no "
            "subject or patient), and no patient's record refers to it, so it is not read")
    assert "Medication/used" in flat.referred


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_patient_id_with_spaces_around_it_costs_no_other_patient(
    run: Run, tmp_path: Path, engine: str
) -> None:
    """A Patient ' p-colon ' (and a resource referring to 'Patient/ p-colon ') is quarantined
    with its line: a FHIR id has no spaces around it. It was read as a second row of p-colon
    (the table trims ids), which cost the real p-colon their answer ('patient_id: the same as
    row 5'), and the mapping's reason was lost (matched to the rows by patient_id)."""
    source = ROOT / "tests" / "fhir" / "colon-metastatic.json"
    resources = [e["resource"] for e in json.loads(source.read_text())["entry"]]
    spaced = json.loads(json.dumps([r for r in resources if r["resourceType"] in
                                    ("Patient", "Condition")]).replace("p-colon", " p-colon "))
    folder = tmp_path / "export"
    write_folder(folder, resources + spaced, {})
    out = tmp_path / "out.parquet"
    done = run("cohort", str(folder), "--out", str(out), "--quiet", "--engine", engine)
    assert done.status == 0, done.stderr
    expected = json.loads(run("options", "--fhir", str(source), "--format", "json").stdout)
    assert statuses(out) == {"p-colon": {o["id"]: o["status"] for o in expected["options"]}}
    bad = quarantined(tmp_path / "out.quarantine.csv")
    assert {who for _, who, _ in bad} == {None} and len(bad) == len(spaced)
    assert ("Patient.ndjson line 2: a Patient whose id ' p-colon ' has spaces around it; a FHIR "
            "id has none (letters, digits, '-' and '.')") in [why for _, _, why in bad]
    assert sum("'Patient/ p-colon ' names no Patient by id" in why for _, _, why in bad) \
        == len(spaced) - 1  # fmt: skip


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_fhir_ids_1_and_1_0_are_two_patients(run: Run, tmp_path: Path, engine: str) -> None:
    """A FHIR id is text ('1.0' is one, of letters, digits, '-' and '.'): Patient/1 and
    Patient/1.0 are two patients, each answered, where a table's id '1.0' (pandas' float) is
    the integer 1 (``table.whole_id``)."""
    source = ROOT / "tests" / "fhir" / "colon-metastatic.json"
    resources = [e["resource"] for e in json.loads(source.read_text())["entry"]]
    ones = [json.loads(json.dumps(resources).replace('p-colon"', f'{who}"'))
            for who in ("1", "1.0")]  # fmt: skip
    done, found = run_folder(run, tmp_path, ones[0] + ones[1], engine)
    expected = json.loads(run("options", "--fhir", str(source), "--format", "json").stdout)
    want = {o["id"]: o["status"] for o in expected["options"]}
    assert found == {"1": want, "1.0": want}, done.stderr


def test_a_shared_resource_given_twice_differently_is_never_dropped(
    run: Run, tmp_path: Path
) -> None:
    """Two Medication/m1, each another drug: the second was dropped without a word, and the
    patient read with the first. A record that refers to such a resource is quarantined with
    the places it is given, by every engine, and the summary's notes name it; the same resource
    given twice alike is read once."""
    cancer = {"text": "rectal cancer"}
    drugs = {"5-FU": "4492", "oxaliplatin": "32592"}
    people = [
        {"resourceType": "Patient", "id": "a"},
        {"resourceType": "Condition", "id": "ca", "subject": {"reference": "Patient/a"},
         "code": cancer},
        {"resourceType": "MedicationRequest", "id": "ra", "status": "stopped", "intent": "order",
         "subject": {"reference": "Patient/a"}, "medicationReference": {
             "reference": "Medication/m1"}},
        {"resourceType": "Patient", "id": "b"},
        {"resourceType": "Condition", "id": "cb", "subject": {"reference": "Patient/b"},
         "code": cancer},
        {"resourceType": "MedicationRequest", "id": "rb", "status": "stopped", "intent": "order",
         "subject": {"reference": "Patient/b"}, "medicationReference": {
             "reference": "Medication/m2"}},
    ]  # fmt: skip
    medications = [{"resourceType": "Medication", "id": ident, "code": {"coding": [{
        "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": drugs[drug]}]}}
        for ident, drug in (("m1", "5-FU"), ("m2", "oxaliplatin"), ("m1", "oxaliplatin"),
                            ("m2", "oxaliplatin"))]  # fmt: skip
    folder = tmp_path / "export"
    write_folder(folder, people + medications, {})
    for engine in ("duckdb", "python"):
        out = tmp_path / f"{engine}.parquet"
        done = run("cohort", str(folder), "--out", str(out), "--quiet", "--engine", engine)
        assert done.status == 0, done.stderr
        assert set(statuses(out)) == {"b"}
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == [(1, "a", (
            "'Medication/m1' is given 2 times, differently (Medication.ndjson line 1, "
            "Medication.ndjson line 3): which one the record refers to cannot be known; give "
            "each resource once"))]  # fmt: skip
        notes = json.loads((tmp_path / f"{engine}.summary.json").read_text())["notes"]
        assert notes == ["'Medication/m1': given 2 times, differently (Medication.ndjson line 1, "
                         "Medication.ndjson line 3); the patients whose records refer to it are "
                         "quarantined, as which one is meant cannot be known"]  # fmt: skip
        assert told(1, tmp_path / f"{engine}.summary.json") in done.stderr.splitlines()


def test_a_patients_resource_given_twice_differently_is_never_settled_by_chance(
    run: Run, tmp_path: Path
) -> None:
    """Observation/her2 Negative in one file and Positive in the next, neither saying it is the
    newer: the first was read (a Bundle's reading warns of it; a cohort carries no warnings),
    trastuzumab ruled out against a positive result with no word (a review of the cohort). The
    patient is quarantined with the places, by every engine; copies alike, one said to be
    newer (meta.versionId), or resources with no id (which a review of the change found
    quarantined as copies of one another), are read as a Bundle reads them."""
    def her2(answer: str, display: str, **more: Any) -> dict[str, Any]:
        return {"resourceType": "Observation", "id": "her2", "status": "final",
                "subject": {"reference": "Patient/s"},
                "code": {"coding": [{"system": "http://loinc.org", "code": "48676-1"}]},
                "valueCodeableConcept": {"coding": [{"system": "http://loinc.org",
                                                     "code": answer, "display": display}]},
                **more}  # fmt: skip

    stomach = [{"resourceType": "Patient", "id": "s"},
               {"resourceType": "Condition", "id": "c", "subject": {"reference": "Patient/s"},
                "code": {"text": "stomach cancer"}}]  # fmt: skip
    negative, positive = her2("LA6577-6", "Negative"), her2("LA6576-8", "Positive")
    versioned = [her2("LA6577-6", "Negative", meta={"versionId": "1"}),
                 her2("LA6576-8", "Positive", meta={"versionId": "2"})]
    no_id = [{k: v for k, v in r.items() if k != "id"} for r in (negative, positive)]
    for case, observations, read in (("differ", [negative, positive], False),
                                     ("alike", [positive, positive], True),
                                     ("versions", versioned, True),
                                     ("no-id", no_id, True)):  # fmt: skip
        folder = tmp_path / case
        write_folder(folder, stomach + observations, {})
        for engine in ("duckdb", "python"):
            out = tmp_path / f"{case}-{engine}.parquet"
            done = run("cohort", str(folder), "--out", str(out), "--quiet", "--engine", engine)
            assert done.status == (0 if read else 1), done.stderr  # 1: no one answered
            if read:
                assert set(statuses(out)) == {"s"}, case
                continue
            assert not statuses(out)
            assert quarantined(tmp_path / f"{case}-{engine}.quarantine.csv") == [(1, "s", (
                "'Observation/her2' is given 2 times, differently (Observation.000.ndjson line "
                "1, Observation.001.ndjson line 1), and no meta.versionId or meta.lastUpdated "
                "says which is newer: which one is right cannot be known; give each resource "
                "once"))]  # fmt: skip


def test_a_shared_resource_given_in_two_versions_is_read_by_the_newer(tmp_path: Path) -> None:
    """Medication/m1 as versionId 1 (5-FU) and versionId 2 (oxaliplatin): the patient who refers
    to it had been quarantined, as for two copies nothing orders (a review of the change), while
    a patient's own resource in two versions is read by the newer, as in a Bundle. It is read
    by the newer too."""
    from onconav.cohort import run
    from onconav.kb import load_kb

    people = [
        {"resourceType": "Patient", "id": "a"},
        {"resourceType": "Condition", "id": "ca", "subject": {"reference": "Patient/a"},
         "code": {"text": "rectal cancer"}},
        {"resourceType": "MedicationRequest", "id": "ra", "status": "completed",
         "intent": "order", "subject": {"reference": "Patient/a"},
         "medicationReference": {"reference": "Medication/m1"}},
    ]  # fmt: skip
    medications = [{"resourceType": "Medication", "id": "m1", "meta": {"versionId": version},
                    "code": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                         "code": code}]}}
                   for version, code in (("2", "32592"), ("1", "4492"))]  # fmt: skip
    folder = tmp_path / "export"
    write_folder(folder, people + medications, {})
    facts = tmp_path / "facts.parquet"
    done = run(load_kb(), folder, tmp_path / "out.parquet", facts_out=facts)
    assert (done.loaded.answered, done.loaded.quarantined) == (1, 0)
    with duckdb.connect() as con:
        (had,) = con.execute(f"SELECT prior_treatments FROM '{facts}'").fetchone() or (None,)
    assert "oxaliplatin" in had and "fluorouracil" not in had, had


def test_a_patient_who_has_died_is_not_screened(run: Run, tmp_path: Path) -> None:
    """A Patient with a deceasedDateTime or deceasedBoolean true had been screened as anyone
    else, their care gaps counted (a review of the cohort). Each is quarantined with the reason
    by every engine; deceasedBoolean false is answered. A patient whose resources name them but
    who has no Patient resource, in a folder with Patient files, is answered and named in the
    notes; in a folder with no Patient file at all, nothing is said of it."""
    def person(who: str, **death: Any) -> list[dict[str, Any]]:
        return [{"resourceType": "Patient", "id": who, **death},
                {"resourceType": "Condition", "id": f"c{who}",
                 "subject": {"reference": f"Patient/{who}"}, "code": {"text": "rectal cancer"}}]

    people = [*person("a", deceasedDateTime="2025-03-01"), *person("b", deceasedBoolean=True),
              *person("c", deceasedBoolean=False), *person("d")[1:]]
    folder = tmp_path / "export"
    write_folder(folder, people, {})
    for engine in ("duckdb", "python"):
        out = tmp_path / f"{engine}.parquet"
        done = run("cohort", str(folder), "--out", str(out), "--quiet", "--engine", engine)
        assert done.status == 0, done.stderr
        assert set(statuses(out)) == {"c", "d"}
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == [
            (1, "a", "not screened: the Patient resource records that this person died on "
                     "2025-03-01"),
            (2, "b", "not screened: the Patient resource records that this person died")]
        notes = json.loads((tmp_path / f"{engine}.summary.json").read_text())["notes"]
        assert notes == ["'Patient/d': the folder's Patient files have no Patient of this id; "
                         "answered from the resources about them"]
    # the Patients in a file named otherwise (a review of the change: only Patient.* counted)
    for path in folder.glob("Patient*.ndjson"):
        path.rename(folder / f"people-{path.name.lower()}")
    done = run("cohort", str(folder), "--out", str(tmp_path / "r.parquet"), "--quiet")
    assert json.loads((tmp_path / "r.summary.json").read_text())["notes"] == notes
    no_patients = tmp_path / "no-patients"
    write_folder(no_patients, [r for r in people if r["resourceType"] != "Patient"], {})
    done = run("cohort", str(no_patients), "--out", str(tmp_path / "n.parquet"), "--quiet")
    assert done.status == 0, done.stderr
    assert set(statuses(tmp_path / "n.parquet")) == {"a", "b", "c", "d"}
    assert "notes" not in json.loads((tmp_path / "n.summary.json").read_text())


# ---- a result the record names that onconav could not read; patient data kept off stderr ----

HER2_CODE = {"coding": [{"system": "http://loinc.org", "code": "48676-1"}]}
KRAS_CODE = {"coding": [{"system": "http://loinc.org", "code": "21702-6"}]}
STAGE_4 = [{"summary": {"coding": [{"system": "http://cancerstaging.org", "code": "4"}]}}]


def named_not_read() -> list[dict[str, Any]]:
    """Stage 4 patients of a folder (ids no word of a message holds): ``zq-dr``, whose HER2 is
    only in a final report's conclusion (the reviewer's); ``zq-pre`` and ``zq-reg``, a HER2 test
    still preliminary (Positive) or registered (ordered, no value); ``zq-kras``, a rectal
    cancer's KRAS test still preliminary; and two with no HER2 result at all: ``zq-none``,
    nothing of HER2, and ``zq-err``, a HER2 test entered in error (no result)."""
    out: list[dict[str, Any]] = []
    for who, code in (("zq-dr", STOMACH), ("zq-pre", STOMACH), ("zq-reg", STOMACH),
                      ("zq-kras", RECTAL), ("zq-none", STOMACH), ("zq-err", STOMACH)):
        subject = {"reference": f"Patient/{who}"}
        out += [{"resourceType": "Patient", "id": who},
                {"resourceType": "Condition", "id": f"{who}-c", "subject": subject,
                 "code": code, "stage": STAGE_4}]  # fmt: skip
    def test(who: str, status: str, code: dict[str, Any], **value: Any) -> dict[str, Any]:
        return {"resourceType": "Observation", "id": f"{who}-o", "status": status, "code": code,
                "subject": {"reference": f"Patient/{who}"}, **value}  # fmt: skip

    positive = {"valueCodeableConcept": {"text": "Positive"}}
    return [
        *out,
        {"resourceType": "DiagnosticReport", "id": "zq-dr-r", "status": "final",
         "subject": {"reference": "Patient/zq-dr"},
         "code": {"coding": [{"system": "http://loinc.org", "code": "22637-3"}]},
         "conclusion": "Gastric adenocarcinoma. HER2 (IHC): 3+ POSITIVE."},
        test("zq-pre", "preliminary", HER2_CODE, **positive),
        test("zq-reg", "registered", HER2_CODE),
        test("zq-kras", "preliminary", KRAS_CODE,
             valueCodeableConcept={"text": "KRAS G12D mutation detected"}),
        test("zq-err", "entered-in-error", HER2_CODE, **positive),
    ]  # fmt: skip


NOT_READ = {("zq-dr", "her2"): "not read: DiagnosticReport/zq-dr-r",
            ("zq-pre", "her2"): "not read: Observation/zq-pre-o",
            ("zq-reg", "her2"): "not read: Observation/zq-reg-o",
            ("zq-kras", "kras"): "not read: Observation/zq-kras-o",
            ("zq-none", "her2"): None, ("zq-err", "her2"): None}  # fmt: skip


def test_a_result_named_but_not_read_is_no_gap_of_no_result(run: Run, tmp_path: Path) -> None:
    """A HER2 result only in a report's conclusion, or a HER2 or KRAS test still preliminary or
    registered, had been a gap with ``given`` empty, which the docs read as no result at all
    (the reviewer's ``dr,her2,,true``), while ``onconav options --fhir`` warns of the report
    for one person: the cohort dropped the reading's ``named``. Now ``given`` names the
    resources not read, the summary counts the patients, and stderr says how many with no id;
    a test entered in error stays no result."""
    folder = tmp_path / "export"
    write_folder(folder, named_not_read(), {})
    done = run("cohort", "gaps", str(folder), "--out", str(tmp_path / "gaps.csv"), "--quiet")
    assert done.status == 0, done.stderr
    con = duckdb.connect()
    given = {(p, f): g for p, f, g in con.execute(
        f"SELECT patient_id, fact, given FROM read_csv('{tmp_path / 'gaps.csv'}', header=true, "
        "all_varchar=true) WHERE fact IN ('her2', 'kras')").fetchall()}  # fmt: skip
    con.close()
    assert given == NOT_READ
    summary = json.loads((tmp_path / "gaps.summary.json").read_text())
    assert summary["not_read"] == {"her2": 3, "kras": 1}
    assert ("records name a result onconav could not read (her2 of 3 patients, kras of 1 "
            "patient)") in done.stderr
    assert "zq-" not in done.stderr + done.stdout


@pytest.mark.parametrize("engine", ["duckdb", "python", "spark"])
def test_every_engine_counts_the_results_named_but_not_read(
    tmp_path: Path, engine: str, spark_stopped: None
) -> None:
    """The summary's ``not_read`` comes from the reading of the folder, the same for every
    engine; the input table's rows are as before (the result's statuses unchanged)."""
    from onconav.cohort import run as screen

    folder = tmp_path / "export"
    write_folder(folder, named_not_read(), {})
    done = screen(knowledge(), folder, tmp_path / "out.parquet", engine=engine)
    assert done.summary["not_read"] == {"her2": 3, "kras": 1}
    assert done.loaded.answered == 6


def test_a_table_of_people_has_no_not_read(tmp_path: Path) -> None:
    """A CSV input's summary and gaps are as they were: no ``not_read``, ``given`` empty."""
    from onconav.cohort import gaps
    from onconav.cohort import run as screen

    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage\na,stomach,4\n")
    assert "not_read" not in screen(knowledge(), source, tmp_path / "r.parquet").summary
    gaps(knowledge(), source, tmp_path / "g.csv")
    assert "not_read" not in json.loads((tmp_path / "g.summary.json").read_text())
    con = duckdb.connect()
    assert con.execute(f"SELECT given FROM read_csv('{tmp_path / 'g.csv'}', header=true, "
                       "all_varchar=true) WHERE fact = 'her2'").fetchall() == [(None,)]
    con.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=st.sampled_from(["final", "amended", "corrected", "preliminary", "registered",
                               "unknown", "cancelled", "entered-in-error"]),
       test=st.sampled_from(["her2", "her2-ish", "kras"]),
       value=st.sampled_from([None, "Positive", "Negative", "Equivocal", "no words of it"]),
       data=st.data())  # fmt: skip
def test_a_test_of_a_fact_is_read_or_named_as_not_read(
    status: str, test: str, value: str | None, data: st.DataObject
) -> None:
    """The rule, over every code of the FHIR mapping's table that is a test of HER2 or KRAS,
    any status and value: the fact is read from the test, or the test is named as not read
    (the reading's ``named``, ``bulk.not_read``; a result still to come, or one onconav cannot
    read), unless its status says it is no result (entered in error, cancelled). Never
    neither: a result in the record listed as none."""
    from onconav.fhir import read_resources
    from onconav.fhir.codes import SYSTEMS, load_tables
    from onconav.fhir.reader import NOT_A_FACT

    rows = [r for r in load_tables().rows if r.table == "observations" and r.get("test") == test]
    row = data.draw(st.sampled_from(rows))
    fact = {"her2": "her2", "her2-ish": "her2", "kras": "kras"}[test]
    code = {"coding": [{"system": SYSTEMS[row.system][0], "code": row.code}]}
    cancer = RECTAL if fact == "kras" else STOMACH
    observation = {"resourceType": "Observation", "id": "t", "status": status, "code": code,
                   "subject": {"reference": "Patient/p"}}  # fmt: skip
    if value is not None:
        observation["valueCodeableConcept"] = {"text": value}
    resources = [{"resourceType": "Patient", "id": "p"},
                 {"resourceType": "Condition", "id": "c", "subject": {"reference": "Patient/p"},
                  "code": cancer, "stage": STAGE_4}, observation]  # fmt: skip
    reading = read_resources(resources, knowledge())
    read = fact in reading.data.get("biomarkers", {})
    named = bulk.not_read(reading).get(fact, ())
    assert not (read and named)
    # (nor a test of another organ's sample, a breast cancer specimen's HER2 for a stomach
    # cancer: no test of this cancer's, as a final result of it is not read: a review)
    final = {**observation, "status": "final", "valueCodeableConcept": {"text": "Positive"}}
    as_final = read_resources([*resources[:2], final], knowledge())
    why = next((u.reason for u in as_final.unused if u.reference == "Observation/t"), "")
    elsewhere = "specimen" in why or "another cancer" in why
    assert read or named == ("Observation/t",) or status in NOT_A_FACT or elsewhere, (
        reading.unused, named)  # fmt: skip


@pytest.mark.parametrize("command", [(), ("gaps",)])
def test_no_id_of_the_input_is_written_to_stderr(
    run: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """A FHIR folder's notes (a patient with no Patient resource, a medicationReference not in
    the folder, a Medication given twice differently, a file not read) had been printed on
    stderr whole, the first 5, with patients' and resources' ids and files' lines; a pipeline
    keeps stderr in its logs, which hold no patient data. Stderr says how many notes there are
    and where (the summary), which keeps them whole."""
    def about(who: str) -> dict[str, Any]:
        return {"reference": f"Patient/{who}"}

    drug = {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                        "code": "32592"}]}  # fmt: skip
    resources = [
        {"resourceType": "Patient", "id": "zq-a"},
        {"resourceType": "Patient", "id": "zq-b"},
        *({"resourceType": "Condition", "id": f"{who}-c", "subject": about(who), "code": STOMACH,
           "stage": STAGE_4} for who in ("zq-a", "zq-b", "zq-ghost")),
        {"resourceType": "MedicationRequest", "id": "zq-mr", "status": "completed",
         "intent": "order", "subject": about("zq-a"),
         "medicationReference": {"reference": "Medication/zq-missing"}},
        {"resourceType": "MedicationRequest", "id": "zq-mr2", "status": "completed",
         "intent": "order", "subject": about("zq-b"),
         "medicationReference": {"reference": "Medication/zq-m1"}},
        {"resourceType": "Medication", "id": "zq-m1", "code": drug},
        {"resourceType": "Medication", "id": "zq-m1", "code": {"text": "another"}},
    ]  # fmt: skip
    folder = tmp_path / "export"
    write_folder(folder, resources, {})
    (folder / "zq-notes.txt").write_text("mine\n")
    out = tmp_path / ("gaps.csv" if command else "out.parquet")
    done = run("cohort", *command, str(folder), "--out", str(out), "--quiet")
    assert done.status == 0, done.stderr
    summary = tmp_path / ("gaps.summary.json" if command else "out.summary.json")
    notes = json.loads(summary.read_text())["notes"]
    for ident in ("zq-ghost", "zq-missing", "zq-m1", "zq-notes.txt", "zq-mr"):
        assert any(ident in n for n in notes), (ident, notes)
    assert told(len(notes), summary) in done.stderr.splitlines()
    assert "zq-" not in done.stderr, done.stderr
