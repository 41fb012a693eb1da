"""The command line: kb show, stats, check, locate, fmt, build, schema; every user error is a line
``onconav: error: ...`` on standard error (one per problem) with exit status 2, never a traceback.

Commands run in-process through ``onconav.cli.main``, the entry point that turns errors into those
lines and exit statuses; a few smoke tests at the end run the installed command itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

import onconav
from conftest import Done, Run
from onconav import cli, explain
from onconav.__main__ import exit_status
from onconav.kb import load_kb

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "examples/rectal-stage4-kras-wild-type.json"



def heading(done: Done) -> str:
    assert done.status == 0, done.stderr
    return done.stdout.splitlines()[0]


# --------------------------------------------------------------------------------------------
# kb show (and the names and codes it finds things by)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Xeloda", "capecitabine  (drug: capecitabine)"),
        ("5-FU", "fluorouracil  (drug: fluorouracil)"),
        ("XELOX", "CAPOX  (regimen: capox)"),
        ("Herceptin", "trastuzumab  (drug: trastuzumab)"),
        ("folfiri", "FOLFIRI  (regimen: folfiri)"),
        ("gastric", "stomach cancer  (cancer: stomach)"),
    ],
)
def test_kb_show_finds_by_alias(run: Run, name: str, expected: str) -> None:
    assert heading(run("kb", "show", name)) == expected


def test_kb_words_lists_what_a_field_accepts_and_each_name_is_read_back(run: Run) -> None:
    """``onconav kb words FIELD`` lists the names a field accepts by the value each is read as,
    the list an error for a name not known points to; each name listed reads as its value."""
    from onconav.profile import parse_profile

    kb = onconav.load_kb()
    done = run("kb", "words", "symptoms")
    assert done.status == 0 and done.stdout.splitlines()[0] == "symptoms"
    listed = dict(line.strip().split(": ", 1) for line in done.stdout.splitlines()[1:]
                  if line.startswith("  "))  # fmt: skip
    assert "airway-bleeding" in listed and "coughing up blood" in listed["airway-bleeding"]
    for value, names in listed.items():
        for name in names.split(", "):
            read = parse_profile({"cancer": "rectum", "symptoms": [name]}, kb).symptoms
            assert read is not None and value in read, (name, value)
    assert "biomarkers.her2" in run("kb", "words", "her2").stdout
    refused = run("kb", "words", "colour")
    assert refused.status == 2 and "accepted: cancer, stage, recurrence" in refused.errors()[0]
    every = run("kb", "words").stdout
    assert all(field in every for field in ("stage", "biomarkers.kras", "used_for_my_cancer"))
    for typed, field in (("HER2", "biomarkers.her2"), ("progressed-on", "progressed_on"),
                         ("Cannot Have", "cannot_have")):  # as the options are written
        assert run("kb", "words", typed).stdout.splitlines()[0] == field, typed


def test_kb_words_lists_the_names_of_the_cancers(run: Run) -> None:
    """``onconav kb words cancer`` lists every cancer of the knowledge base with its names, and
    the words for where it started not being known (it was refused: "not a field whose words are
    listed"); each name reads as its value, and another cancer is said to be taken by its name."""
    from onconav.profile import parse_profile

    kb = onconav.load_kb()
    done = run("kb", "words", "Cancer")
    assert done.status == 0 and done.stdout.splitlines()[0] == "cancer"
    listed = dict(line.strip().split(": ", 1) for line in done.stdout.splitlines()[1:]
                  if line.startswith("  "))  # fmt: skip
    assert {c.id for c in kb.data.cancers} | {"(another)"} == set(listed)
    assert "gastric" in listed["stomach"].split(", ") and "GEJ" in listed[
        "gastroesophageal-junction"].split(", ")  # fmt: skip
    for value, names in listed.items():
        if value == "(another)":
            continue
        for name in names.split(", "):
            assert (parse_profile({"cancer": name}, kb).cancer or "any") == value, (name, value)
    assert parse_profile({"cancer": "kidney"}, kb).cancer == "kidney"  # what (another) says
    assert "any other cancer by its name" in listed["(another)"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("loinc|48676-1", "HER2 test  (test: her2-test)"),
        ("http://loinc.org|48676-1", "HER2 test  (test: her2-test)"),
        ("C16", "stomach cancer  (cancer: stomach)"),
        ("363349007", "stomach cancer  (cancer: stomach)"),
        ("4492", "fluorouracil  (drug: fluorouracil)"),
        ("ncit|C505", "fluorouracil  (drug: fluorouracil)"),
    ],
)
def test_kb_show_finds_by_code(run: Run, code: str, expected: str) -> None:
    """LOINC (short or as a FHIR system URI), ICD-10, SNOMED CT, RxNorm, NCI Thesaurus."""
    assert heading(run("kb", "show", code)) == expected


def test_kb_show_lists_options_codes_and_passages(run: Run, sources: Path) -> None:
    done = run("kb", "show", "Herceptin", "--sources", str(sources))
    assert done.status == 0, done.stderr
    assert "RxNorm 224905" in done.stdout
    # the page's words (the command line had said "Options that use it"): test_page checks
    # the page says them too
    assert f"  {explain.USED_BY}:" in done.stdout
    assert "HER2" in done.stdout
    assert "[ccs-stomach-stage4 " in done.stdout
    assert "“" in done.stdout, "the cited passage itself is shown with --sources"
    assert "“" not in run("kb", "show", "Herceptin").stdout, "and only with --sources"


def test_kb_show_cites_an_option_as_its_answer_does(run: Run) -> None:
    """An option that stands for a general one (rectal ablation for the general source's
    ablation) is cited for both: its description says what the general source adds, and the
    answer cites both; `kb show` listed only the rectal passages."""
    shown = run("kb", "show", "rectum-radiofrequency-ablation")
    assert shown.status == 0, shown.stderr
    kb = onconav.load_kb()
    profile = onconav.parse_profile({"cancer": "rectum", "stage": "4"}, kb)
    for option in onconav.evaluate(profile, kb).options:
        listed = [s.label() for s in explain.view(kb, kb.by_id[option.id]).evidence]
        assert listed == [c.label for c in option.citations], option.id
    answer = next(o for o in onconav.evaluate(profile, kb).options
                  if o.id == "rectum-radiofrequency-ablation")  # fmt: skip
    assert any(c.source == "acs-advanced" for c in answer.citations)
    assert all(c.label in shown.stdout for c in answer.citations)


def test_kb_show_regimen_lists_its_drugs(run: Run) -> None:
    done = run("kb", "show", "FOLFIRI")
    assert done.status == 0, done.stderr
    assert "Drugs in it: leucovorin, fluorouracil, irinotecan" in done.stdout


@pytest.mark.parametrize("name", ["unobtainium", "nosuchsystem|123"])
def test_kb_show_unknown_name_is_one_line_exit_2(run: Run, name: str) -> None:
    done = run("kb", "show", name)
    assert done.status == 2 and done.stdout == ""
    [line] = done.errors()
    assert line.startswith("onconav: error: NAME: ") and repr(name) in line


@pytest.mark.parametrize(
    ("command", "name", "words"),
    [(("kb", "show"), "lonsruf", "; the closest name: Lonsurf; try another spelling"),
     (("explain",), "capacitabine", "; the closest name: capecitabine; try another spelling"),
     (("explain",), "", "NAME: give a name: a drug, a regimen"),
     (("kb", "show"), "   ", "NAME: give a name: a drug, a regimen")],
)  # fmt: skip
def test_a_name_not_known_suggests_the_closest(
    run: Run, command: tuple[str, ...], name: str, words: str
) -> None:
    """A misspelt name gets the closest known names, as the search suggests words; an empty
    one is asked for (it was "nothing in the knowledge base is called ''")."""
    done = run(*command, name)
    assert done.status == 2 and done.stdout == ""
    [line] = done.errors()
    assert words in line, line
    assert "''" not in line


@pytest.mark.parametrize("command", [("kb", "show"), ("explain",)])
def test_a_long_name_not_known_is_quoted_cut(run: Run, command: tuple[str, ...]) -> None:
    """A name not known is quoted cut at 40 characters, as the API and the page quote it (a
    name of 100,000 characters came back whole in the error)."""
    done = run(*command, "unobtainium " * 1000)
    assert done.status == 2 and done.stdout == ""
    [line] = done.errors()
    assert "'unobtainium unobtainium unobtainium unob\u2026'" in line, line
    assert len(line) < 300, len(line)


# --------------------------------------------------------------------------------------------
# kb stats, check, locate, fmt, build, schema
# --------------------------------------------------------------------------------------------


def test_kb_stats_counts_per_kind_and_source(run: Run) -> None:
    done = run("kb", "stats", "--json")
    assert done.status == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["counts"]["options"] >= 60
    assert set(data["per_source"]) == {
        "ccs-stomach-stage4",
        "gastric-recurrent",
        "ccs-rectal-stage4",
        "acs-advanced",
        "ccs-cervical-stage4",
    }
    assert all(counts["options"] > 0 for counts in data["per_source"].values())
    text = run("kb", "stats")
    assert text.status == 0 and "evidence spans" in text.stdout
    assert str(data["spans"]) in text.stdout


def test_kb_check_passes_on_the_sources(run: Run, sources: Path) -> None:
    done = run("kb", "check", "--sources", str(sources), "--json")
    assert done.status == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["ok"]
    assert data["sources"], "every source is reported"
    for source in data["sources"]:
        assert source["failed"] == []
        assert source["paragraph_coverage"] == 1.0, source["source"]
    text = run("kb", "check", "--sources", str(sources))
    assert text.status == 0, text.stderr
    total = sum(source["spans"] for source in data["sources"])
    assert text.stdout.endswith(f"\n{total} of {total} spans verified\n")


def test_kb_check_reports_drift_and_exits_1(run: Run, sources: Path, tmp_path: Path) -> None:
    edited = tmp_path / "sources"
    shutil.copytree(sources, edited)
    path = edited / "004_49ffac177dcf7645.txt"
    text = path.read_text(encoding="utf-8")
    assert "every 4 weeks" in text
    path.write_text(text.replace("every 4 weeks", "every 3 weeks"), encoding="utf-8")
    done = run("kb", "check", "--sources", str(edited))
    assert done.status == 1
    assert "no longer match" in done.stdout
    assert "cervix-chemoradiation-cisplatin-fluorouracil" in done.stdout
    data = json.loads(run("kb", "check", "--sources", str(edited), "--json").stdout)
    assert data["ok"] is False


def test_kb_check_report_says_the_command_as_it_was_run(run: Run, sources: Path,
                                                         tmp_path: Path) -> None:
    """The coverage page said it was measured with `--sources ../shared/sources --report
    docs/coverage.md` whatever was run: it says the sources folder and the file as given (and
    --force, which writing over it again takes)."""
    report = tmp_path / "my cover.md"
    done = run("kb", "check", "--sources", str(sources), "--report", str(report))
    assert done.status == 0, done.stderr
    said = f"onconav kb check --sources {sources} --report '{report}'"
    assert f"```sh\n{said}\n```" in report.read_text(encoding="utf-8")
    done = run("kb", "check", "--report", str(report), "--force",
               env={"ONCONAV_SOURCES": str(sources)})  # fmt: skip
    assert done.status == 0, done.stderr
    assert f"```sh\n{said} --force\n```" in report.read_text(encoding="utf-8")


def test_kb_check_takes_sources_from_the_environment(run: Run, sources: Path) -> None:
    done = run("kb", "check", env={"ONCONAV_SOURCES": str(sources)})
    assert done.status == 0, done.stdout + done.stderr
    assert "spans verified" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("kb", "check"), "--sources: give the directory"),
        (("kb", "check", "--sources", "/no/such/dir"), "--sources: /no/such/dir"),
        (("kb", "locate", "nowhere", "words", "--sources", "."), "SOURCE: unknown source"),
        (("kb", "show"), "NAME: is required (see `onconav kb show --help`)"),
        (("kb", "stats", "--bogus"), "No such option: --bogus"),
        (("nonsense",), "No such command"),
    ],
)
def test_bad_input_is_one_line_exit_2(run: Run, args: tuple[str, ...], message: str) -> None:
    done = run(*args)
    assert done.status == 2, done.stdout + done.stderr
    [line] = done.errors()
    assert message in line


def test_fhir_given_where_it_is_not_read_says_where_it_is(run: Run, tmp_path: Path) -> None:
    """A FHIR Bundle given as a profile was refused field by field ("resourceType: unknown
    field", "type: unknown field", "entry: unknown field", after "cancer: is required"), and an
    NDJSON export given to --fhir was "not valid JSON: Extra data", a folder "not a file": each
    is one line that says where such a file is read."""
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": []}))
    done = run("options", "--profile", str(bundle))
    assert done.status == 2
    assert done.errors() == ["onconav: error: resourceType: is a FHIR Bundle, not a profile: a "
                             "person's FHIR Bundle is read by onconav options --fhir FILE and by "
                             "POST /api/v1/options/fhir (application/fhir+json); a folder of "
                             "FHIR Bulk Data NDJSON by onconav cohort FOLDER"]  # fmt: skip
    export = tmp_path / "export"
    export.mkdir()
    (export / "Patient.ndjson").write_text('{"resourceType": "Patient", "id": "1"}\n'
                                           '{"resourceType": "Patient", "id": "2"}\n')  # fmt: skip
    for given, said in ((export / "Patient.ndjson", "holds one FHIR resource a line (NDJSON"),
                        (export, "is a folder")):  # fmt: skip
        done = run("options", "--fhir", str(given))
        assert done.status == 2
        [line] = done.errors()
        assert line.startswith(f"onconav: error: --fhir: {given} {said}"), line
        assert "onconav cohort" in line, line
    (export / "two.json").write_text('{"resourceType": "Bundle"}\n{"oops"\n')
    [line] = run("options", "--fhir", str(export / "two.json")).errors()
    assert "is not valid JSON" in line, line  # a broken file is still said to be broken


def test_the_example_population_is_not_written_over_a_file(run: Run, tmp_path: Path) -> None:
    """`onconav cohort demo` wrote people.parquet over a file of that name, an analyst's own
    table of people, with no word: it refuses unless told to with --force."""
    people = tmp_path / "people.csv"
    people.write_text("patient_id,cancer\nmine,rectum\n")
    done = run("cohort", "demo", "--people", "3", "--out", str(people))
    assert done.status == 2
    assert done.errors() == [f"onconav: error: --out: {people} is there already; it is not "
                             "written over (give another --out, or --force to replace it)"]
    assert people.read_text() == "patient_id,cancer\nmine,rectum\n"
    assert run("cohort", "demo", "--people", "3", "--out", str(people), "--force").status == 0
    assert len(people.read_text().splitlines()) == 4


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("search", "chemo", "--limit", "many"), "--limit: give a whole number"),
        (("search", "chemo", "--limit", "1.5"), "--limit: give a whole number"),
        (("cohort", "demo", "--people", "lots"), "--people: give a whole number"),
        (("options", "--cancer", "rectum", "-f", "pdf"),
         "--format: 'pdf' is not one of 'text', 'json', 'markdown'."),
        (("search", "chemo", "--format", "xml"), "--format: 'xml' is not one of 'text', 'json'."),
        # a bound in our words, not pydantic's "Input should be greater than or equal to 1"
        (("cohort", "demo", "--people", "0"), "--people: must be at least 1"),
        (("serve", "--port", "0"), "--port: must be at least 1"),
        (("serve", "--port", "65536"), "--port: must be at most 65535"),
        # an argument named as the help names it (it was "source: Missing argument 'INPUT'.")
        (("cohort", "run"), "INPUT: is required (see `onconav cohort run --help`)"),
        (("kb", "locate", "acs-advanced"), "BEGINS: is required (see `onconav kb locate --help`)"),
        # the Bundle named as it was given (it was "--fhir: ..." for fhir profile's argument)
        (("fhir", "profile", "."), "BUNDLE: . is a folder; BUNDLE reads one person's FHIR "
         "Bundle file (a folder of FHIR Bulk Data NDJSON, many people, is read by onconav "
         "cohort .)"),
        (("fhir", "profile", "-"),
         "BUNDLE: standard input is not read for a FHIR Bundle; give the Bundle's file"),
        (("options", "--fhir", "-"),
         "--fhir: standard input is not read for a FHIR Bundle; give the Bundle's file"),
    ],
)  # fmt: skip
def test_a_bad_value_of_a_flag_is_its_name_and_what_it_takes(
    run: Run, args: tuple[str, ...], line: str
) -> None:
    """In our words, the flag first: not typer's "Invalid value for '--limit': Input should be a
    valid integer, unable to parse string as an integer" or "...: Value error, 'pdf' is ..."."""
    done = run(*args)
    assert done.status == 2, done.stdout + done.stderr
    assert done.errors() == [f"onconav: error: {line}"]


@pytest.mark.parametrize("text", ['{"cancer": "rectum", "stage": 1e400}',
                                  "cancer: rectum\nstage: 1e400\n"])  # fmt: skip
def test_a_profile_with_a_number_too_large_names_it_as_written(run: Run, text: str) -> None:
    """``"stage": 1e400`` (JSON or YAML) was refused as "stage: Infinity is not accepted", a
    value never written."""
    done = run("options", "--profile", "-", stdin=text)
    assert done.status == 2, done.stdout + done.stderr
    assert done.errors() == ["onconav: error: stage: 1e400 is a number too large to be read; "
                             "give the value the field takes, or leave the field out"]  # fmt: skip


@pytest.mark.parametrize("command", [("options", "--fhir"), ("fhir", "profile")])
def test_a_bundle_with_a_number_python_cannot_read_is_one_line(
    run: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """A number of more than 4,300 digits, which Python's JSON reader refuses with a ValueError
    (not a JSONDecodeError): a traceback before, as the HTTP routes' 500 was."""
    bundle = tmp_path / "huge.json"
    bundle.write_text('{"resourceType": "Bundle", "type": "collection", "total": ' + "9" * 5000
                      + "}")  # fmt: skip
    done = run(*command, str(bundle))
    assert done.status == 2, done.stdout + done.stderr
    named = "--fhir" if command[0] == "options" else "BUNDLE"
    assert done.errors() == [f"onconav: error: {named}: {bundle} holds a value that cannot be "
                             "read (Exceeds the limit (4300 digits) for integer string "
                             "conversion)"]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("options", "--profile", "{file}"), "--profile: cannot read {file} (Permission denied)"),
        (("options", "-p", "{file}", "--brief"),
         "--profile: cannot read {file} (Permission denied)"),
        (("report", "--profile", "{file}", "--out", "{tmp}/r.html"),
         "--profile: cannot read {file} (Permission denied)"),
        (("options", "--fhir", "{file}"), "--fhir: cannot read {file} (Permission denied)"),
        (("fhir", "profile", "{file}"), "BUNDLE: cannot read {file} (Permission denied)"),
        (("kb", "schema", "-o", "{tmp}/schemas", "--profile-doc", "{file}"),
         "--profile-doc: cannot read {file} (Permission denied)"),
        (("options", "--cancer", "rectum", "--sources", "{src}"),
         "--sources: cannot read {src}/{first} (Permission denied)"),
        (("kb", "check", "--sources", "{src}"), "--sources: cannot read {src}/{first} "
                                                "(Permission denied)"),
        (("kb", "show", "capox", "--sources", "{src}"),
         "--sources: cannot read {src}/{first} (Permission denied)"),
        (("search", "chemotherapy", "--sources", "{src}"),
         "--sources: cannot read {src}/{first} (Permission denied)"),
        (("kb", "check", "--sources", "{tmp}/locked/sources"),
         "--sources: cannot read {tmp}/locked/sources (Permission denied)"),
        (("cohort", "run", "{tmp}/locked/people.csv"),
         "INPUT: cannot read {tmp}/locked/people.csv (Permission denied)"),
        (("cohort", "gaps", "{tmp}/locked/people.csv"),
         "INPUT: cannot read {tmp}/locked/people.csv (Permission denied)"),
        (("report", "-p", EXAMPLE, "--out", "{tmp}/locked/r.html"),
         "--out: cannot write {tmp}/locked/r.html (Permission denied)"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_one_line_naming_the_option(
    run: Run, kb: onconav.KnowledgeBase, sources: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], line: str,
) -> None:  # fmt: skip
    """A file with no read permission (and a folder that cannot be looked into): an OSError's
    traceback, exit status 1, before. A file of mode 000 is read all the same by root, so the
    refusal is made in-process: every open, read and look into what is refused fails as the
    system would fail it."""
    import errno

    file = tmp_path / "profile.json"
    file.write_text('{"cancer": "rectum", "stage": "4"}', encoding="utf-8")
    src = tmp_path / "sources"
    shutil.copytree(sources, src)
    first = kb.data.sources[0].file
    locked = tmp_path / "locked"  # a folder that cannot be looked into
    refused = {file, src / first, locked / "sources", locked / "people.csv", locked / "r.html"}

    def refuse(real: Any) -> Any:
        def method(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self in refused:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
            return real(self, *args, **kwargs)

        return method

    for name in ("open", "read_bytes", "read_text", "stat"):
        monkeypatch.setattr(Path, name, refuse(getattr(Path, name)))
    done = run(*(a.format(file=file, src=src, tmp=tmp_path) for a in args))
    assert done.status == 2, done.stdout + done.stderr
    assert done.errors() == [f"onconav: error: "
                             f"{line.format(file=file, src=src, tmp=tmp_path, first=first)}"]


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="a Linux /proc")
@pytest.mark.parametrize("option", ["--profile", "--fhir"])
def test_a_file_that_gives_an_input_output_error_is_one_line(run: Run, option: str) -> None:
    """/proc/self/mem is a file that cannot be read from its start, for any user (EIO)."""
    done = run("options", option, "/proc/self/mem")
    assert done.status == 2, done.stdout + done.stderr
    assert done.errors() == [f"onconav: error: {option}: cannot read /proc/self/mem "
                             "(Input/output error)"]  # fmt: skip


def test_kb_check_with_a_directory_missing_files_is_exit_2(run: Run, sources: Path,
                                                           tmp_path: Path) -> None:
    """A folder holding none of the sources (`--sources /tmp`) is told once as the folder it is
    not, naming what it should hold (it had been "source ccs-stomach-stage4: file
    /tmp/000_....txt not found"); one holding some of them names the first file missing."""
    for command in (("kb", "check"), ("options", "--cancer", "rectum"), ("search", "chemo")):
        done = run(*command, "--sources", str(tmp_path))
        assert done.status == 2, command
        [line] = done.errors()
        assert line.startswith(f"onconav: error: --sources: {tmp_path} is not the folder of the "
                               "source documents: it holds neither their sources.json nor any "
                               "of them (000_"), line  # fmt: skip
        assert line.endswith("; give the folder that holds them"), line
    some = tmp_path / "some"
    shutil.copytree(sources, some)
    (some / "004_49ffac177dcf7645.txt").unlink()
    done = run("kb", "check", "--sources", str(some))
    assert done.errors() == ["onconav: error: --sources: source ccs-cervical-stage4: file "
                             f"{some}/004_49ffac177dcf7645.txt not found"]


def test_kb_locate_prints_a_span(run: Run, sources: Path) -> None:
    done = run(
        "kb",
        "locate",
        "ccs-cervical-stage4",
        "Brachytherapy (a type",
        "radiation therapy.",
        "--sources",
        str(sources),
    )
    assert done.status == 0, done.stderr
    assert "source: ccs-cervical-stage4, start: 688, end: 802" in done.stdout


def test_kb_locate_says_when_its_first_words_begin_several_passages(
    run: Run, sources: Path
) -> None:
    """"chemotherapy" begins 18 passages of the rectal source, and the first was taken with no
    word, so a curator could cite the wrong one (a review): it says how many and where, and that
    more words choose another; words that begin one passage say nothing more."""
    done = run("kb", "locate", "ccs-rectal-stage4", "chemotherapy", "--sources", str(sources))
    assert done.status == 0
    assert "start: 1118, end: 1130" in done.stdout
    assert "note: 18 passages of ccs-rectal-stage4 begin with 'chemotherapy'" in done.stderr
    assert "give more of its first words" in done.stderr
    one = run("kb", "locate", "ccs-cervical-stage4", "Brachytherapy (a type", "--sources",
              str(sources))  # fmt: skip
    assert one.status == 0 and one.stderr == ""


def test_kb_locate_of_words_not_in_the_source_is_exit_2(run: Run, sources: Path) -> None:
    done = run("kb", "locate", "ccs-cervical-stage4", "no such words here", "--sources",
               str(sources))  # fmt: skip
    assert done.status == 2
    [line] = done.errors()
    assert "BEGINS/ENDS" in line


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("kb", "locate", "ccs-rectal-stage4", "", "--sources", "{sources}"),
         "BEGINS: is empty; give the first words of the passage"),
        (("kb", "locate", "ccs-rectal-stage4", " ", "--sources", "{sources}"),
         "BEGINS: is empty; give the first words of the passage"),
        (("kb", "locate", "ccs-rectal-stage4", "Chemotherapy", "", "--sources", "{sources}"),
         "ENDS: is empty; give the last words of the passage, or leave it out"),
        (("kb", "schema", "-o", "{tmp}/file", "--profile-doc", "{tmp}/absent.md"),
         "--output-dir: {tmp}/file is a file; give a folder"),
        (("kb", "schema", "-o", "{tmp}/file/schemas", "--profile-doc", "{tmp}/absent.md"),
         "--output-dir: cannot make the folder {tmp}/file/schemas (Not a directory)"),
        (("kb", "schema", "-o", "{tmp}/out", "--profile-doc", "{tmp}/absent.md"),
         "--output-dir: cannot write {tmp}/out/kb.schema.json (Is a directory)"),
        (("kb", "check", "--sources", "{sources}", "--report", "{tmp}"),
         "--report: cannot write {tmp} (a folder; give a file)"),
        (("kb", "check", "--sources", "{sources}", "--report", "{tmp}/file/coverage.md"),
         "--report: cannot write {tmp}/file/coverage.md ('{tmp}/file' is a file, not a folder)"),
        # a folder that is not there is refused as report's --out and cohort's are (it was made)
        (("kb", "check", "--sources", "{sources}", "--report", "{tmp}/no/dir/coverage.md"),
         "--report: cannot write {tmp}/no/dir/coverage.md (not a file in an existing folder: "
         "'{tmp}/no/dir' is not there; make it first)"),
        # a file there is not written over without --force, as report's and cohort's (it was)
        (("kb", "check", "--sources", "{sources}", "--report", "{tmp}/file"),
         "--report: {tmp}/file is there already; it is not written over (give another "
         "--report, or --force to replace it)"),
    ],
)  # fmt: skip
def test_a_curator_command_given_what_it_cannot_use_is_one_line(
    run: Run, sources: Path, tmp_path: Path, args: tuple[str, ...], line: str
) -> None:
    """Blank words to locate (a span of nothing, which pydantic refused with a traceback), a
    folder or file that cannot be written (an OSError's traceback): one line naming the flag."""
    (tmp_path / "file").write_text("a file, not a folder", encoding="utf-8")
    (tmp_path / "out" / "kb.schema.json").mkdir(parents=True)  # a folder where a file goes
    done = run(*(a.format(sources=sources, tmp=tmp_path) for a in args))
    assert done.status == 2, done.stdout + done.stderr
    assert done.errors() == [f"onconav: error: {line.format(tmp=tmp_path)}"]


@pytest.mark.parametrize("name", ["r.md", "r.json", "r.txt", "r"])
def test_report_refuses_a_file_name_that_says_no_format(
    run: Run, tmp_path: Path, name: str
) -> None:
    """Without --format, a name that ends in neither .pdf nor .html is refused (a PDF had been
    written under it), as cohort refuses one; with --format it is written."""
    done = run("report", "--profile", EXAMPLE, "--out", str(tmp_path / name))
    assert done.status == 2, done.stderr
    assert done.errors() == [f"onconav: error: --out: {name!r} has no known suffix; accepted: "
                             ".pdf, .html (also .htm); or give --format"]  # fmt: skip
    assert not list(tmp_path.iterdir())
    given = run("report", "--profile", EXAMPLE, "--out", str(tmp_path / name), "-f", "html")
    assert given.status == 0, given.stderr
    assert (tmp_path / name).read_text(encoding="utf-8").startswith("<!doctype html>")


def test_kb_fmt_check_passes(run: Run) -> None:
    done = run("kb", "fmt", "--check")
    assert done.status == 0, done.stdout
    assert "0 file(s) not in canonical form" in done.stdout


def test_kb_build_check_passes_on_the_packaged_data(run: Run) -> None:
    done = run("kb", "build", "--check")
    assert done.status == 0, done.stdout + done.stderr
    assert done.stdout == "kb.json: current\n"


def test_kb_build_writes_kb_json_and_check_sees_when_it_is_stale(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """In a copy of the data files, never the package's own directory."""
    import onconav.kb.load as load

    data = tmp_path / "data"
    shutil.copytree(load.data_dir(), data, ignore=shutil.ignore_patterns("kb.json"))
    monkeypatch.setattr(load, "data_dir", lambda: data)
    missing = run("kb", "build", "--check")
    assert missing.status == 1 and "not current" in missing.stdout
    assert not (data / "kb.json").exists(), "--check writes nothing"
    written = run("kb", "build")
    assert written.status == 0 and written.stdout == "kb.json: written\n"
    assert (data / "kb.json").read_text(encoding="utf-8") == load.artefact_text(data)
    assert run("kb", "build", "--check").status == 0
    assert run("kb", "build").stdout == "kb.json: unchanged\n"
    (data / "kb.json").write_text("{}", encoding="utf-8")
    assert run("kb", "build", "--check").status == 1


def test_kb_schema_writes_every_schema(run: Run, tmp_path: Path) -> None:
    from onconav.kb import load_kb
    from onconav.schemas import all_schemas

    done = run("kb", "schema", "--output-dir", str(tmp_path / "out"), "--profile-doc",
               str(tmp_path / "absent.md"))
    assert done.status == 0, done.stderr
    schemas = all_schemas(load_kb())
    assert schemas
    for name, text in schemas.items():
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == text
        assert f"wrote {tmp_path / 'out' / name}" in done.stdout


def test_serve_where_it_cannot_listen_is_one_line(run: Run) -> None:
    """A port in use (held open here) or a host that is not this machine's: one line naming
    --port or --host, exit 2, before the server starts (uvicorn had logged several lines and
    ended with status 3)."""
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        taken = run("serve", "--port", str(port))
    assert taken.status == 2 and taken.stdout == ""
    assert taken.errors() == [f"onconav: error: --port: {port} is in use on 127.0.0.1; give "
                              "another port"]  # fmt: skip
    elsewhere = run("serve", "--host", "192.0.2.1")  # TEST-NET-1: no machine's own address
    assert elsewhere.status == 2 and elsewhere.stdout == ""
    assert elsewhere.errors() == ["onconav: error: --host: 192.0.2.1 is not an address of this "
                                  "machine (127.0.0.1 is this machine alone)"]  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("options", "--help"),
        ("explain", "--help"),
        ("kb", "--help"),
        ("kb", "show", "--help"),
        ("kb", "stats", "--help"),
        ("kb", "check", "--help"),
        ("kb", "locate", "--help"),
        ("kb", "fmt", "--help"),
        ("kb", "build", "--help"),
        ("kb", "schema", "--help"),
        (),  # a bare command shows its help
        ("kb",),
    ],
)
def test_every_command_has_help(run: Run, args: tuple[str, ...]) -> None:
    done = run(*args)
    assert done.status == 0, done.stderr
    assert "Usage: onconav" in done.stdout and done.stderr == ""


@pytest.mark.parametrize("group", [(), ("kb",), ("fhir",), ("cohort",)])
def test_a_list_of_commands_gives_each_summary_on_one_line(
    run: Run, group: tuple[str, ...]
) -> None:
    """In a 200-column terminal (help is at most 120 wide) each command's summary (its
    docstring's first paragraph, up to ~250 characters) is whole, its lines wrapped full: never a
    line cut where the docstring's source broke it (``report``'s "... every option" alone on a
    line), nor a summary cut with "..." (the cohort group's was)."""
    done = run(*group, "--help")
    assert done.status == 0, done.stderr
    commands = done.stdout.split("Commands:\n")[1]
    rows = [line.rstrip() for line in commands.splitlines() if line.strip()]
    assert rows
    for above, below in pairwise(rows):
        if below[:4].isspace():  # a summary's next line: no command's name before it
            assert len(above) > 100, f"cut short: {above!r} / {below!r}"
    assert not any(row.endswith("...") for row in rows), rows


def test_version(run: Run) -> None:
    done = run("--version")
    assert done.status == 0
    assert done.stdout == f"onconav {onconav.__version__}\n"


# --------------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------------


def test_the_installed_command_starts_through_the_entry_point() -> None:
    from importlib.metadata import entry_points

    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts["onconav"] == "onconav.__main__:command"


def test_exit_status_is_what_python_would_give(capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_status(SystemExit()) == 0
    assert exit_status(SystemExit(0)) == 0
    assert exit_status(SystemExit(2)) == 2
    assert exit_status(SystemExit("went wrong")) == 1
    assert capsys.readouterr().err == "went wrong\n"


@pytest.mark.parametrize("enabled_before", [True, False])
def test_entry_point_leaves_garbage_collection_as_it_found_it(
    monkeypatch: pytest.MonkeyPatch, enabled_before: bool
) -> None:
    import gc

    import onconav.__main__ as entry

    seen: list[bool] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.isenabled()))
    (gc.enable if enabled_before else gc.disable)()
    try:
        entry.run()
        assert seen == [enabled_before]  # the command itself runs with collection as before
        assert gc.isenabled() is enabled_before
        assert gc.get_freeze_count() > 0  # the imported modules' objects were frozen
    finally:
        gc.unfreeze()
        gc.enable()


# --------------------------------------------------------------------------------------------
# Smoke tests of the real command, in its own process
# --------------------------------------------------------------------------------------------


def command(
    *args: str, module: bool = False, stdout: int = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    """The installed ``onconav`` script (or ``python -m onconav``), in a 200-column pipe (or
    writing to the file descriptor ``stdout``)."""
    if module:
        argv = [sys.executable, "-m", "onconav"]
    else:
        script = Path(sys.executable).with_name("onconav")
        assert script.exists(), "the onconav script is installed beside the interpreter"
        argv = [str(script)]
    env = {k: v for k, v in os.environ.items() if k != "ONCONAV_SOURCES"}
    env["COLUMNS"] = "200"
    return subprocess.run([*argv, *args], stdout=stdout, stderr=subprocess.PIPE, text=True,
                          env=env, cwd=ROOT)  # fmt: skip


def test_the_installed_command_writes_everything_before_it_ends(run: Run, sources: Path) -> None:
    """It ends the process without teardown: its output must be complete all the same."""
    args = ("options", "--profile", EXAMPLE, "--sources", str(sources), "--format", "markdown")
    done = command(*args)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 20_000
    assert done.stdout == run(*args).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("options", "--cancer", "rectum", "--stage", "7"), "onconav: error: --stage: '7' "),
        (("options", "--cancer", "rectum", "--bogus"), "onconav: error: No such option: --bogus"),
    ],
)
def test_the_installed_command_keeps_exit_status_2_and_one_line_errors(
    args: tuple[str, ...], message: str
) -> None:
    done = command(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(message), done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("options", "--profile", EXAMPLE),
        ("options", "--profile", EXAMPLE, "-f", "json"),
        ("options", "--profile", EXAMPLE, "-f", "markdown"),
        ("options", "--profile", EXAMPLE, "--brief"),
        ("search", "chemo"),
        ("search", "chemo", "-f", "json"),
        ("kb", "words"),
        ("kb", "show", "capox"),
        ("kb", "stats"),
        ("kb", "check", "--sources", "{sources}"),
        ("report", "--profile", EXAMPLE, "--out", "-"),
    ],
)
def test_a_reader_that_goes_away_ends_the_command_quietly(
    sources: Path, args: tuple[str, ...]
) -> None:
    """`onconav ... | head -1`, head gone before the command writes: every command and format
    ends quietly with status 0 (JSON, Markdown, --brief, search and kb had ended with 1, the
    text with 0 when it had all fitted in the pipe before head went)."""
    read, write = os.pipe()
    os.close(read)  # every write finds the pipe closed
    try:
        done = command(*(a.format(sources=sources) for a in args), stdout=write)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize(
    "args",
    [
        ("options", "--profile", EXAMPLE),
        ("options", "--profile", EXAMPLE, "-f", "json"),
        ("options", "--profile", EXAMPLE, "-f", "markdown"),
        ("options", "--profile", EXAMPLE, "--brief"),
        ("explain", "pembrolizumab"),
        ("kb", "show", "capox"),
        ("kb", "words", "symptoms"),
        ("kb",),
        ("search", "chemo"),
        ("search", "chemo", "-f", "json"),
        ("report", "--profile", EXAMPLE, "--out", "-", "-f", "html"),
        ("--help",),
        ("--version",),
        ("options", "--help"),
    ],
)
@pytest.mark.parametrize("module", [False, True], ids=["script", "module"])
def test_an_output_that_cannot_be_written_is_one_line(args: tuple[str, ...], module: bool) -> None:
    """Standard output that cannot be written (a full disk: /dev/full): one line on standard
    error naming why, status 1 (every command had ended with a traceback of forty lines; a small
    output, such as --version's, is written at the end, where the error had been let pass)."""
    with open("/dev/full", "w") as full:
        done = command(*args, module=module, stdout=full.fileno())
    assert (done.returncode, done.stderr) == (
        1, "onconav: error: could not write the output: No space left on device\n")


@pytest.mark.parametrize(
    "args",
    [
        ("options", "--profile", EXAMPLE),
        ("options", "--profile", EXAMPLE, "--brief"),
        ("options", "--profile", EXAMPLE, "-f", "markdown"),
        ("options", "--profile", EXAMPLE, "-f", "json"),
        ("options", "--cancer", "Rectal – café cancer", "--stage", "4", "-f", "json"),
        ("explain", "capox—x"),
        ("explain", "folfiri", "--sources", "{sources}"),
        ("kb", "show", "capox", "--sources", "{sources}"),
        ("kb", "stats"),
        ("kb", "check", "--sources", "{sources}"),
        ("search", "lonsurf", "--sources", "{sources}"),
    ],
)
def test_a_locale_that_is_not_utf8_gets_ascii_not_a_traceback(
    sources: Path, args: tuple[str, ...]
) -> None:
    """PYTHONIOENCODING=ascii (as LC_ALL=en_US.ISO-8859-1 is, for a bullet or a dash): every
    command had ended at its first bullet, dash or curly quote with a UnicodeEncodeError's
    traceback, exit status 1. Now what the stream cannot take is written in ASCII (the same
    text otherwise), and JSON keeps every character as a \\u escape."""
    args = tuple(a.format(sources=sources) for a in args)
    env = {k: v for k, v in os.environ.items() if k != "ONCONAV_SOURCES"}
    script = str(Path(sys.executable).with_name("onconav"))

    def onconav(**more: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([script, *args], capture_output=True, cwd=ROOT,
                              env=env | {"COLUMNS": "200"} | more)  # fmt: skip

    ascii_run, utf8_run = onconav(PYTHONIOENCODING="ascii"), onconav(PYTHONIOENCODING="utf-8")
    assert ascii_run.returncode == utf8_run.returncode != 1, ascii_run.stderr.decode()
    assert b"Traceback" not in ascii_run.stderr and ascii_run.stdout.isascii()
    assert ascii_run.stderr.isascii()
    if "-f" in args and "json" in args:
        assert json.loads(ascii_run.stdout) == json.loads(utf8_run.stdout)
        return
    assert (ascii_run.stdout.strip() and not ascii_run.stderr) or ascii_run.returncode == 2
    if "kb" in args:  # its tables are drawn in ASCII
        return
    typography = str.maketrans(cli.ASCII_FOR | {"é": "e"})
    for ascii_text, utf8_text in ((ascii_run.stdout, utf8_run.stdout),
                                  (ascii_run.stderr, utf8_run.stderr)):  # fmt: skip
        assert ascii_text.decode("ascii") == utf8_text.decode("utf-8").translate(typography)
    assert any(char in (utf8_run.stdout + utf8_run.stderr).decode("utf-8") for char in "•—“–"), \
        "the text had typography to replace"  # fmt: skip


def test_python_m_onconav_is_the_command(run: Run) -> None:
    done = command("kb", "show", "Xeloda", module=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == run("kb", "show", "Xeloda").stdout
    version = command("--version", module=True)
    assert version.returncode == 0 and version.stdout == f"onconav {onconav.__version__}\n"


def test_an_explain_page_states_the_aim_and_kind_in_the_answers_words(run: Run) -> None:
    """`onconav explain` and /explain/NAME said "Aim: learn", "Aim: relieve", "type: nutrition"
    (the data's codes) where the answer says "to test a new treatment ... it may or may not help
    you": every option's aim is the answer's words for it (render.details), and its kind the
    answer's heading of its group."""
    from onconav.kb.model import MODALITY_WORDS
    from onconav.render import details

    kb = onconav.load_kb()
    answers = {}
    for cancer in {c for o in kb.options for c in o.cancers}:
        profile = onconav.parse_profile({"cancer": cancer if cancer != "any" else "unknown"}, kb)
        answers.update({o.id: o for o in onconav.evaluate(profile, kb).options})
    for record in kb.options:
        seen = dict(explain.view(kb, record).details)
        aim = next(line for line in details(answers[record.id]) if line.startswith("Aim: "))
        assert "Aim: " + seen["Aim"] == aim, record.id
        assert seen["Kind of option"] == MODALITY_WORDS[record.modality], record.id
        assert "type:" not in seen["For"], record.id
    shown = run("explain", "rectum-clinical-trial")
    assert shown.status == 0, shown.stderr
    assert ("Aim: to test a new treatment, or a new way to give one, and learn whether it is safe "
            "and works against the cancer; it may or may not help you") in shown.stdout
    assert "Aim: learn" not in shown.stdout
    assert "Aim: to relieve symptoms" in run("explain", "general-feeding-tube").stdout
    assert "Kind of option: Nutrition" in run("explain", "general-feeding-tube").stdout


def test_search_names_the_kind_of_two_entries_of_one_name(run: Run) -> None:
    """An option and a procedure of the same name cite one passage: each is named with its kind,
    as the page names them."""
    # (11th: kept to stomach cancer, the stomach pages' passages that answer come first)
    done = run("search", "can I get help with bleeding", "--cancer", "stomach", "--limit", "12")
    assert done.status == 0, done.stderr
    assert "Surgery to stop bleeding (option: general-bleeding-surgery)" in done.stdout
    assert "Surgery to stop bleeding (procedure: bleeding-surgery)" in done.stdout
    # a name of its own, as it was: the fifth citer, past the four a line names ("and 1 more"),
    # so in the JSON answer, which lists them all
    assert "(procedure: bleeding-surgery) and 1 more" in done.stdout
    whole = run("search", "can I get help with bleeding", "--cancer", "stomach", "--limit", "12",
                "--format", "json")  # fmt: skip
    assert "endoscope" in {r["id"] for h in json.loads(whole.stdout)["hits"]
                           for r in h["cited_by"]}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "suggested"),
    [("keyhole", "keyhole surgery"), ("feeding", "Feeding tube"), ("the liver", "liver"),
     # a name spelt nearly right first, before the names that hold its words
     ("cisplatin and paclitaxol", "closest names: cisplatin and paclitaxel,"),
     ("colon cancr", "closest names: colon cancer,")],
)
def test_a_word_the_profile_takes_suggests_the_entries_that_hold_it(
    run: Run, name: str, suggested: str
) -> None:
    """"surgery", a word the form offers, was not known and suggested "cryosurgery"; "stent"
    suggested nothing, though the bowel stent has a page: the entries whose names hold the
    words typed come first, as whole words, each entry once. (Both now list the procedures of
    their kind: ``explain.kind_view``.)"""
    done = run("explain", name)
    assert done.status == 2
    [line] = done.errors()
    assert suggested in line and "cryosurgery" not in line, line
    closest = load_kb().closest_names(name)
    assert len({load_kb().find(n)[0].id for n in closest}) == len(closest), closest


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_the_symptoms_tag_is_the_pages(run: Run, fmt: str) -> None:
    """An option for a symptom listed carries the page's tag (``render.SYMPTOMS_TAG``) in the
    command's text and markdown too: the page said "for what you listed" while the command
    still said "for your symptoms", which echoed a name that says it."""
    from onconav import render

    done = run("options", "--cancer", "rectum", "--stage", "4", "--symptom", "bleeding",
               "--format", fmt)  # fmt: skip
    tagged = [line for line in done.stdout.splitlines() if f"({render.SYMPTOMS_TAG})" in line]
    assert any("Radiation to ease symptoms" in line for line in tagged), done.stdout
    assert "for your symptoms" not in done.stdout


@pytest.mark.parametrize("head", ['<?xml version="1.0" encoding="UTF-8"?>\n', "\ufeff", "  \n"])
def test_a_fhir_xml_file_is_said_to_be_xml(run: Run, tmp_path: Path, head: str) -> None:
    """A Bundle in FHIR XML (an EHR's export) given to --fhir had been "not valid JSON:
    Expecting value (line 1, column 1)", which sent integrators looking for a typo: it is said to
    be XML, and that onconav reads FHIR JSON (a review). A broken JSON file is still broken."""
    path = tmp_path / "bundle.xml"
    path.write_text(head + '<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/>'
                    "</Bundle>\n", encoding="utf-8")  # fmt: skip
    done = run("options", "--fhir", str(path))
    assert done.status == 2
    assert done.errors() == [f"onconav: error: --fhir: {path} is XML (FHIR XML, perhaps); onconav "
                             "reads a FHIR Bundle in JSON: export it as JSON "
                             "(application/fhir+json)"]  # fmt: skip
    path.write_text('{"resourceType": "Bundle", <', encoding="utf-8")
    [line] = run("options", "--fhir", str(path)).errors()
    assert "is not valid JSON" in line, line
    # a web page (a login or error page saved as the export) is said to be one, not FHIR XML
    path.write_text("<!DOCTYPE html>\n<html><body>Sign in</body></html>", encoding="utf-8")
    [line] = run("options", "--fhir", str(path)).errors()
    assert line.endswith(f"{path} is a web page (HTML), not a FHIR Bundle: export the Bundle as "
                         "JSON (application/fhir+json)"), line  # fmt: skip
