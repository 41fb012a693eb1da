"""onconav options and explain through the command line: formats, flags, files, stdin, errors.

Commands run in-process through ``onconav.cli.main``, the entry point that turns every user error
into lines ``onconav: error: ...`` (one per problem) and exit status 2. The installed command
itself is smoke-tested in test_cli.py.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import Done, Run
from onconav.cli import FLAG_OF
from onconav.kb import KnowledgeBase
from onconav.profile import ProfileError
from onconav.reading import MAX_PROFILE_BYTES, profile_from_text
from onconav.result import Counts, Result, Status

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def answer(done: Done) -> dict[str, Any]:
    """The JSON answer of a command that succeeded."""
    assert done.status == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


# --------------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------------


def test_flags_give_a_grouped_text_answer_with_citations(run: Run) -> None:
    done = run("options", "--cancer", "rectum", "--stage", "4", "--kras", "wild-type",
               "--symptom", "bleeding")  # fmt: skip
    assert done.status == 0, done.stderr
    out = done.stdout
    assert out.startswith("Options for rectal cancer\n")
    assert "Offered" in out and "Needs information" in out and "Not suitable" in out
    assert "[ccs-rectal-stage4 " in out
    assert out.index("FOLFIRI chemotherapy") < out.index("FOLFOX")
    assert "What would change your options" in out
    assert "Questions to ask your care team" in out
    assert "not medical advice" in out
    assert "“" not in out, "passages are quoted only with --sources"


def test_json_matches_the_result_schema(run: Run) -> None:
    data = answer(run("options", "--cancer", "cervix", "--stage", "IVB", "--format", "json"))
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["cancer"] == "cervix"
    assert data["profile"]["stage"] == "4B"


def test_markdown_format(run: Run) -> None:
    done = run("options", "--cancer", "stomach", "--her2", "positive", "--format", "markdown")
    assert done.status == 0, done.stderr
    assert done.stdout.startswith("# Options for stomach cancer")
    assert "### Trastuzumab with chemotherapy (HER2-positive): Offered" in done.stdout


def test_short_options(run: Run) -> None:
    long = run("options", "--profile", str(EXAMPLES[0]), "--format", "json")
    short = run("options", "-p", str(EXAMPLES[0]), "-f", "json")
    assert short.status == 0 and json.loads(short.stdout) == answer(long)


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_sources_show_the_cited_passages(run: Run, sources: Path, output_format: str) -> None:
    done = run("options", "--cancer", "thyroid", "--sources", str(sources),
               "--format", output_format)  # fmt: skip
    assert done.status == 0, done.stderr
    assert "“" in done.stdout
    assert "“" not in run("options", "--cancer", "thyroid", "--format", output_format).stdout


def test_sources_from_the_environment(
    run: Run, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONCONAV_SOURCES", str(sources))
    done = run("options", "--cancer", "thyroid")
    assert done.status == 0, done.stderr
    assert "“" in done.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_runs(run: Run, path: Path) -> None:
    data = answer(run("options", "--profile", str(path), "--format", "json"))
    assert any(o["status"] == "offered" for o in data["options"])


# --------------------------------------------------------------------------------------------
# Profiles: files, standard input, YAML, flags over the file
# --------------------------------------------------------------------------------------------


def test_profile_from_standard_input(run: Run) -> None:
    data = answer(run("options", "-p", "-", "-f", "json", stdin='{"cancer": "prostate"}'))
    assert data["cancer"] == "prostate"
    assert data["has_own_source"] is False


def test_yaml_profile_from_standard_input(run: Run) -> None:
    data = answer(run("options", "-p", "-", "-f", "json", stdin="cancer: rectum\nstage: IV\n"))
    assert data["cancer"] == "rectum"
    assert data["profile"]["stage"] == "4"


def test_yaml_yes_and_no_are_words(run: Run) -> None:
    """YAML 1.1's yes, no, on and off stay words, as a person means them (``recurrence: yes``
    was read as True and refused as "True is not accepted"); true and false are yes and no."""
    text = ("cancer: rectum\nrecurrence: yes\nresectable: no\nwants_cancer_treatment: true\n"
            "most_treatments_tried: off\n")
    data = answer(run("options", "-p", "-", "-f", "json", stdin=text))
    assert data["profile"]["recurrence"] == "yes"
    assert data["profile"]["resectable"] is False
    assert data["profile"]["wants_cancer_treatment"] is True
    assert data["profile"]["most_treatments_tried"] is False
    done = run("options", "-p", "-", stdin="cancer: rectum\nkras: no\n")
    assert done.status == 2 and "biomarkers.kras: 'no' is not accepted" in done.stderr


@pytest.mark.parametrize(("flags", "named"), [
    (["--stage", "4", "--stage", "1"], "--stage"), (["--cancer", "colon", "--cancer", "rectum"],
    "--cancer"), (["--cancer", "colon", "--cancer", "colorectal"], "--cancer"),
    (["--cancer", "stomach", "--cancer", "HER2-positive stomach"], "--cancer"),
    (["--recurrence", "yes", "--recurrence", "none"], "--recurrence"),
    (["--extent", "few", "--extent", "many"], "--extent")])  # fmt: skip
def test_a_flag_of_one_answer_given_two_is_refused(run: Run, flags: list[str], named: str) -> None:
    """Two answers to a flag that takes one are refused, naming the flag, as the page refuses
    them: the last had silently won (--stage 4 --stage 1 answered for stage 1 to 3)."""
    base = [] if named == "--cancer" else ["--cancer", "rectum"]
    done = run("options", *base, *flags)
    assert done.status == 2 and f"{named}: has more than one answer" in done.stderr, done.stderr
    again = run("options", *base, *flags[:2], *flags[:2], "--format", "json")  # the same twice
    assert again.status == 0, again.stderr


def test_a_flag_given_twice_in_words_that_mean_one_answer_is_that_answer(run: Run) -> None:
    """ "--stage 4 --stage IV" is one answer in two spellings (the field's own reader says so),
    as is a cancer's name in another case: taken, not refused as two answers."""
    data = answer(run("options", "--cancer", "rectum", "--cancer", "Rectum", "--stage", "4",
                      "--stage", "IV", "--extent", "few", "--extent", "a few", "--format", "json"))
    assert data["profile"]["stage"] == "4" and data["profile"]["metastasis_extent"] == "few"
    # a cancer's names that the knowledge base reads as one record, saying nothing more: one
    data = answer(run("options", "--cancer", "rectum", "--cancer", "Rectal", "--cancer",
                      "rectal adenocarcinoma", "--format", "json"))
    assert data["profile"]["cancer"] == "rectum" and data["cancer_name"] == "rectal cancer"


YES_OR_NO = [("--resectable", "--not-resectable", "resectable"),
             ("--weak-bone", "--no-weak-bone", "weak_bone"),
             ("--tumour-on-nerve", "--no-tumour-on-nerve", "tumour_on_nerve"),
             ("--tumour-may-block", "--no-tumour-may-block", "tumour_may_block"),
             ("--most-tried", "--not-most-tried", "most_treatments_tried"),
             ("--wants-treatment", "--no-cancer-treatment", "wants_cancer_treatment"),
             ("--hormone-sensitive", "--not-hormone-sensitive", "hormone_sensitive"),
             ("--chemo-for-spread", "--no-chemo-for-spread", "chemo_for_spread")]  # fmt: skip


@pytest.mark.parametrize(("yes", "no", "field"), YES_OR_NO)
def test_a_yes_or_no_flag_given_both_ways_is_refused(run: Run, yes: str, no: str,
                                                     field: str) -> None:  # fmt: skip
    """--resectable --not-resectable is two answers: refused, naming the pair (the last had
    silently won); each way alone, or one way twice, is that answer."""
    base = ["options", "--cancer", "rectum", "--stage", "4"]
    for flags in ([yes, no], [no, yes]):
        done = run(*base, *flags)
        assert done.status == 2 and f"{yes}/{no}: given both ways" in done.stderr, done.stderr
    for flags, value in (([yes], True), ([no], False), ([yes, yes], True), ([no, no], False)):
        assert answer(run(*base, *flags, "--format", "json"))["profile"][field] is value


def test_flags_override_the_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("cancer: rectum\nstage: '4'\nbiomarkers: {kras: mutated}\n")
    data = answer(run("options", "--profile", str(path), "--cancer", "cervix",
                      "--kras", "wild-type", "--format", "json"))  # fmt: skip
    assert data["cancer"] == "cervix"
    assert data["profile"]["stage"] == "4", "what the flags do not give comes from the file"
    assert data["profile"]["biomarkers"]["kras"] == "wild-type"
    unflagged = answer(run("options", "--profile", str(path), "--format", "json"))
    assert unflagged["cancer"] == "rectum"


def test_kras_both_ways_is_a_warning_not_an_error(run: Run) -> None:
    data = answer(run("options", "--cancer", "rectum", "--kras", "wild-type", "--kras", "mutated",
                      "--format", "json"))  # fmt: skip
    assert any("kras" in w for w in data["warnings"])


# --------------------------------------------------------------------------------------------
# Errors: one line per problem, each naming its field; exit status 2; never a traceback
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ("options", "--cancer", "rectum", "--stage", "7"),
            None,
            "--stage: '7' is not accepted; accepted: 4, 4A, 4B",
        ),
        (
            ("options", "--cancer", "rectum", "--kras", "purple"),
            None,
            "--kras: 'purple' is not accepted; accepted: wild-type",
        ),
        (
            ("options", "--profile", "-"),
            '{"cancer": "rectum", "colour": "blue"}',
            "colour: unknown field",
        ),
        (
            ("options", "--profile", "-"),
            "{not json",
            "profile: standard input is not valid JSON: Expecting property name enclosed in "
            "double quotes (line 1, column 2)",
        ),
        (
            ("options", "--profile", "-"),
            "[1, 2]",
            "profile: standard input must hold an object of fields",
        ),
        (
            ("options", "--profile", "/no/such/file.json"),
            None,
            "--profile: /no/such/file.json does not exist",
        ),
        (("options", "--stage", "4"), None, "cancer: is required: say where the cancer started"),
        # a cancer with no value shown that is not missing keeps its own words
        (
            ("options", "--profile", "-"),
            '{"cancer": "' + "x" * 420 + '"}',
            "cancer: is 420 characters long; at most 300 are accepted",
        ),
        (
            ("options", "--profile", "-"),
            r'{"cancer": "\udc80"}',
            "cancer: is not text (it is not valid Unicode)",
        ),
        (("options", "--cancer", ""), None, "--cancer: is empty; say where the cancer started"),
        (("options", "--cancer", " "), None, "--cancer: is empty; say where the cancer started"),
        (
            ("options", "--cancer", "rectum", "--symptom", "hiccups"),
            None,
            "--symptom: 'hiccups' is not known; no source names it as a symptom, so give it as "
            "'another symptom the cancer causes', or leave it out and tell your care team "
            "(`onconav kb words symptoms` lists the accepted names)",
        ),
        # a long name not known is quoted cut, as the page and the API quote it (40,000
        # characters had been echoed whole)
        (
            ("options", "--profile", "-"),
            '{"cancer": "rectum", "symptoms": ["' + "x" * 40_000 + '"]}',
            "symptoms[0]: '" + "x" * 40 + "\u2026' is not known",
        ),
        (
            ("options", "--cancer", "rectum", "--symptom", "bleeding", "--symptom", "hiccups"),
            None,
            "--symptom: 'hiccups' is not known",
        ),
        (("options", "--cancer", "rectum", "--format", "pdf"), None, "--format"),
        (
            ("options", "--cancer", "rectum", "--profile", "-"),
            '{"cancer": "rectum", "resectable": "maybe"}',
            "resectable: 'maybe' is not accepted; accepted: yes, no (or true, false); leave it "
            "out when it is not known",
        ),
        (("explain", "unobtainium"), None, "NAME: nothing in the knowledge base is called"),
        (("explain", "nosuchsystem|123"), None, "NAME: nothing in the knowledge base is called"),
        (("options", "--bogus"), None, "No such option: --bogus"),
        (("explain",), None, "NAME: is required (see `onconav explain --help`)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    run: Run, args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    done = run(*args, stdin=stdin)
    assert done.status == 2, done.stdout + done.stderr
    assert done.stdout == ""
    [line] = done.errors()
    assert message in line


def test_where_the_names_are_listed_is_said_once_a_field(run: Run) -> None:
    """The command's pointer to ``onconav kb words FIELD`` follows the first name not known of a
    field only; the lines are otherwise the API's, word for word."""
    done = run("options", "--cancer", "rectum", "--symptom", "hiccup", "--symptom", "hiccups",
               "--cannot-have", "xq")  # fmt: skip
    assert done.status == 2
    assert [line.removeprefix("onconav: error: ") for line in done.errors()] == [
        "--cannot-have: 'xq' is not known; check the spelling, or leave it out "
        "(`onconav kb words cannot_have` lists the accepted names)",
        "--symptom: 'hiccup' is not known; no source names it as a symptom, so give it as "
        "'another symptom the cancer causes', or leave it out and tell your care team "
        "(`onconav kb words symptoms` lists the accepted names)",
        "--symptom: 'hiccups' is not known; no source names it as a symptom, so give it as "
        "'another symptom the cancer causes', or leave it out and tell your care team",
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        # where it breaks: the line, the column and what was wrong, as JSON says it of text that
        # opens as JSON does (it had been "not valid JSON or YAML (line 3)" alone)
        (
            "p.yaml",
            "cancer: rectum\n  stage: [4\n",
            "is not valid JSON or YAML (line 2, column 8: mapping values are not allowed here)",
        ),
        (
            "p.json",
            '{"cancer": "rectum",\n "stage": "4"\n "symptoms": []}',
            "is not valid JSON: Expecting ',' delimiter (line 3, column 2)",
        ),
        ("p.yaml", "- cancer: rectum\n", "must hold an object of fields"),
        ("p.json", "", "must hold an object of fields"),
    ],
)
def test_a_bad_profile_file_is_named_in_its_error(
    run: Run, tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = run("options", "--profile", str(path))
    assert done.status == 2
    [line] = done.errors()
    assert line.startswith(f"onconav: error: profile: {path} ") and message in line


@pytest.mark.parametrize(
    ("args", "stdin", "fields"),
    [
        (
            ("options", "--cancer", "rectum", "--stage", "9", "--kras", "purple",
             "--symptom", "hiccups", "--symptom", "fish"),
            None,
            ["--stage", "--kras", "--symptom", "--symptom"],  # named by the flags given
        ),
        (
            ("options", "--profile", "-"),
            '{"cancer": "rectum", "colour": "blue", "stage": 9, "resectable": "maybe"}',
            ["colour", "stage", "resectable"],
        ),
        (
            ("options", "--stage", "9", "--symptom", "fish"),
            None,
            ["cancer", "--stage", "--symptom"],
        ),
    ],
)  # fmt: skip
def test_every_problem_of_a_profile_is_one_line(
    run: Run, args: tuple[str, ...], stdin: str | None, fields: list[str]
) -> None:
    done = run(*args, stdin=stdin)
    assert done.status == 2 and done.stdout == ""
    lines = done.errors()
    assert len(lines) == len(fields), done.stderr
    named = [line.removeprefix("onconav: error: ").split(": ", 1)[0] for line in lines]
    assert sorted(named) == sorted(fields)


def option_rows(done: Done) -> dict[str, str]:
    """The help's options, each flag (its long name) with its row (names, metavar and help) in
    one line."""
    assert done.status == 0, done.stderr
    rows: dict[str, str] = {}
    flag = ""
    options = done.stdout.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0]
    for line in options.splitlines():
        cells = line.strip()
        if cells.startswith("-"):  # "-p, --profile <path>  Profile file ..."
            flag = next(word.rstrip(",") for word in cells.split() if word.startswith("--"))
            rows[flag] = cells
        elif flag and cells:  # the help of the row above, wrapped
            rows[flag] += " " + cells
    return {f: " ".join(row.split()) for f, row in rows.items()}


@pytest.mark.parametrize(("flag", "field"), [
    ("--stage", "stage"), ("--recurrence", "recurrence"), ("--extent", "metastasis_extent"),
    ("--her2", "biomarkers.her2"), ("--kras", "biomarkers.kras"),
])  # fmt: skip
def test_the_help_of_a_one_answer_flag_names_every_answer_it_takes(
    run: Run, kb: KnowledgeBase, flag: str, field: str
) -> None:
    """Each value `onconav kb words FIELD` lists is in the flag's help (--stage had left out
    the earlier stages, --her2 equivocal), and the flag takes one answer, not a list."""
    from onconav.schemas import accepted_words

    row = option_rows(run("options", "--help"))[flag]
    for value in filter(None, accepted_words(kb, field)):
        assert value in row, (flag, value, row)
    assert "<str>" in row and "<list[str]>" not in row, row


def test_every_flag_has_its_help(run: Run) -> None:
    """Each flag of options and search says what it is (--hormone-sensitive said nothing),
    and --profile, given once, takes no list."""
    for command in ("options", "search"):
        rows = option_rows(run(command, "--help"))
        assert "--hormone-sensitive" in rows or command == "search"
        for flag, row in rows.items():
            # after the metavar; a yes-or-no flag has none (it takes no value)
            help_text = row.split(">", 1)[1].strip() if ">" in row else row.split("-")[-1]
            assert help_text, f"{command} {flag} has no help"
    assert "<list[str]>" not in option_rows(run("options", "--help"))["--profile"]
    # Python's words for a repeatable flag are not a reader's: it says "(repeat)" instead
    for command in ("options", "search", "cohort", "report"):
        for flag, row in option_rows(run(command, "--help")).items():
            assert "list[" not in row, (command, flag, row)


def test_search_keeps_to_the_cancer_its_help_says(run: Run, kb: KnowledgeBase) -> None:
    """--cancer keeps to the sources its help names: a cancer of its own, its sources and the
    general one; any other (lung), the general one; blank is refused (it had meant no cancer)."""
    row = option_rows(run("search", "--help"))["--cancer"]
    assert "stomach, rectum or cervix" in row and "any other cancer to the general" in row
    assert "colon or colorectal cancer to the general one and the rectal page" in row
    general = {s.id for s in kb.data.sources if s.cancer == "any"}
    for cancer, kept in (("lung", general),
                         ("stomach", general | {s.id for s in kb.data.sources
                                                if s.cancer == "stomach"}),
                         ("colon", general | {s.id for s in kb.data.sources
                                              if s.cancer == "rectum"})):  # fmt: skip
        hits = answer(run("search", "chemotherapy", "--cancer", cancer, "-f", "json"))["hits"]
        cited = {c["source"] for hit in hits for c in hit["citations"]}
        assert hits and cited <= kept, (cancer, cited)
    for blank in ("", " "):
        done = run("search", "chemotherapy", "--cancer", blank)
        assert done.status == 2 and done.errors() == [
            "onconav: error: --cancer: is empty; give a cancer (stomach, rectum, cervix, ...), "
            "or leave --cancer out to search every source"]


# --------------------------------------------------------------------------------------------
# explain
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Xeloda", "capecitabine  (drug)"),
        ("5-FU", "fluorouracil  (drug)"),
        ("XELOX", "CAPOX  (regimen)"),
        ("Herceptin", "trastuzumab  (drug)"),
        ("brachytherapy", "Brachytherapy  (procedure)"),
        ("refractory", "Refractory cancer  (term)"),
        ("loinc|48676-1", "HER2 test  (test)"),
        ("C16", "stomach cancer  (cancer)"),
        ("4492", "fluorouracil  (drug)"),
    ],
)
def test_explain_any_name(run: Run, name: str, expected: str) -> None:
    done = run("explain", name)
    assert done.status == 0, done.stderr
    assert done.stdout.splitlines()[0] == expected
    assert len(done.stdout.splitlines()) > 1, "and an explanation follows"


def test_explain_shows_no_ids_and_kb_show_does(kb: KnowledgeBase,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """`explain` is for families: no record's id, its own or its options' ("(drug:
    pembrolizumab)", "(cervix-pembrolizumab-chemo)" had been shown); `kb show`, for curators,
    shows them all. Over every record of the knowledge base, as the two commands show it
    (``_show_record``; the commands themselves: ``test_explain_example``)."""
    import io

    from rich.console import Console

    from onconav import cli, explain

    def shown(record: Any, ids: bool) -> str:
        buffer = io.StringIO()
        monkeypatch.setattr(cli, "out", Console(file=buffer, width=100_000, color_system=None))
        cli._show_record(kb, explain.view(kb, record), None, ids)
        return buffer.getvalue()

    for record in kb.by_id.values():
        seen = explain.view(kb, record)
        ids = [f"({seen.kind_label}: {seen.id})", *(f"({o.id})" for o in seen.used_by)]
        family, curator = shown(record, False), shown(record, True)
        assert f"{seen.title}  ({seen.kind_label})" in family.splitlines(), record.id
        assert not any(i in family for i in ids), record.id
        assert all(i in curator for i in ids), record.id


def test_explain_example(run: Run) -> None:
    lines = run("explain", "pembrolizumab").stdout.splitlines()
    assert lines[0] == "pembrolizumab  (drug)"
    assert "    - Pembrolizumab with chemotherapy (for cervical cancer)" in lines
    lines = run("kb", "show", "pembrolizumab").stdout.splitlines()
    assert lines[0] == "pembrolizumab  (drug: pembrolizumab)"
    assert ("    - Pembrolizumab with chemotherapy (for cervical cancer) "
            "(cervix-pembrolizumab-chemo)") in lines


def test_explain_shows_passages_with_sources(run: Run, sources: Path) -> None:
    done = run("explain", "brachytherapy", "--sources", str(sources))
    assert done.status == 0, done.stderr
    assert "“" in done.stdout


def test_markdown_shows_the_cancer_name_as_typed_without_markup(run: Run) -> None:
    done = run("options", "--cancer", "foo *bar* <b>x</b>", "--format", "markdown")
    assert done.status == 0, done.stderr
    head = done.stdout.splitlines()[0]
    assert head == r"# Options for foo \*bar\* \<b\>x\</b\> cancer"
    assert "<b>" not in done.stdout


@pytest.mark.parametrize(
    ("stdin", "fields"),
    [
        ('{"cancer": "rectum", "biomarkers": "positive"}', ["biomarkers"]),
        ('{"cancer": "rectum", "biomarkers": 5}', ["biomarkers"]),
        (
            '{"cancer": "rectum", "symptoms": [null, "pain", "fish"]}',
            ["symptoms[0]", "symptoms[2]"],
        ),
        ('{"cancer": "rectum", "planned": " , "}', ["planned"]),
        ('{"cancer": "rectum", "stage": ["IV"]}', ["stage"]),
        ('{"cancer": "rectum", "biomarkers": {"pdl1": "high"}}', ["biomarkers.pdl1"]),
        ('{"cancer": "icd10|C99"}', ["cancer"]),
    ],
)
def test_odd_json_is_refused_field_by_field(run: Run, stdin: str, fields: list[str]) -> None:
    done = run("options", "--profile", "-", stdin=stdin)
    assert done.status == 2 and done.stdout == ""
    named = [line.removeprefix("onconav: error: ").split(": ", 1)[0] for line in done.errors()]
    assert named == fields


def test_a_profile_file_that_is_not_utf8_is_a_profile_error(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe{}")
    done = run("options", "--profile", str(path))
    assert done.status == 2
    assert done.errors() == [
        f"onconav: error: --profile: {path} is not UTF-8 text (invalid start byte)"
    ]


# --------------------------------------------------------------------------------------------
# Reading a profile: keys given twice, nesting, size, YAML aliases, encoding, -p given twice
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ('{"cancer": "rectum", "stage": "4", "stage": "2"}', ["stage"]),
        ('{"cancer": "rectum", "biomarkers": {"kras": "mutated", "kras": "wild-type"}}',
         ["biomarkers.kras"]),
        ('{"cancer": "rectum", "symptoms": [{"a": 1, "a": 2}], "cancer": "colon"}',
         ["symptoms[0].a", "cancer"]),
        ("cancer: rectum\nstage: '4'\nstage: '2'\n", ["stage"]),
        ("cancer: rectum\nbiomarkers:\n  kras: mutated\n  kras: wild-type\n", ["biomarkers.kras"]),
        ('cancer: rectum\n"cancer": colon\nsymptoms:\n  - {a: 1, a: 2}\n',
         ["symptoms[0].a", "cancer"]),
    ],
)  # fmt: skip
def test_a_key_given_twice_is_an_error_naming_it(
    run: Run, tmp_path: Path, text: str, fields: list[str]
) -> None:
    """JSON and YAML parsers keep the last of a key given twice; a profile refuses it, at any
    depth, naming each key by its path and the file."""
    path = tmp_path / "twice.yaml"
    path.write_text(text, encoding="utf-8")
    done = run("options", "--profile", str(path))
    assert done.status == 2 and done.stdout == ""
    lines = done.errors()
    assert sorted(lines) == sorted(f"onconav: error: {field}: is given twice in {path}; give it "
                                   "once" for field in fields)  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,  # JSON, past the decoder's own guard
        '{"cancer": ' * 50 + '"rectum"' + "}" * 50,  # JSON the decoder reads
        "cancer: rectum\nmetastases: " + "[" * 100_000 + "]" * 100_000 + " # not JSON",
        "".join(" " * i + f"k{i}:\n" for i in range(600)) + " " * 600 + "x",  # YAML, indented
    ],
    ids=["json-100000", "json-50", "yaml-flow-100000", "yaml-block-600"],
)
def test_deep_nesting_is_refused_at_once(run: Run, text: str) -> None:
    started = time.perf_counter()
    done = run("options", "--profile", "-", stdin=text)
    assert time.perf_counter() - started < 2, "never long work"
    assert done.status == 2 and done.stdout == ""
    assert done.errors() == [
        "onconav: error: profile: standard input is nested more than 20 levels deep; a profile "
        'needs two (such as {"biomarkers": {"her2": "positive"}})'
    ]


def test_nesting_up_to_the_limit_is_read(run: Run) -> None:
    """Twenty levels are read (and then refused field by field, as any odd value is)."""
    done = run("options", "-p", "-", stdin='{"cancer": "rectum", "x": ' + "[" * 19 + "]" * 19 + "}")
    [line] = done.errors()
    assert line.startswith("onconav: error: x: unknown field; accepted fields: ")


def test_a_test_the_sources_never_use_is_said_so(run: Run) -> None:
    """PD-L1 beside HER2, and kidney failure among the symptoms: refused, naming the field and
    saying that the sources this tool is built on do not use it to decide an option (it had
    been "unknown field" and "check the spelling")."""
    done = run("options", "-p", "-", stdin='{"cancer": "stomach", "stage": "4", "biomarkers": '
               '{"her2": "positive", "pd-l1": "CPS 10"}, "symptoms": ["kidney failure"]}')
    assert done.status == 2 and done.stdout == ""
    first, second = done.errors()
    assert first == ("onconav: error: biomarkers.pd-l1: unknown field; the sources this tool is "
                     "built on do not use PD-L1 to decide an option; accepted fields: her2, kras")
    assert second.startswith("onconav: error: symptoms[0]: 'kidney failure' is not known; the "
                             "sources this tool is built on do not use kidney failure to decide "
                             "an option; "), second  # fmt: skip


def test_a_profile_over_the_size_limit_is_refused_before_it_is_read(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "large.json"
    path.write_text('{"cancer": "rectum", "x": "' + "a" * 300_000 + '"}', encoding="utf-8")
    for args, stdin, where in (
        (("--profile", str(path)), None, str(path)),
        (("--profile", "-"), path.read_text(), "standard input"),
    ):
        done = run("options", *args, stdin=stdin)
        assert done.status == 2 and done.stdout == ""
        assert done.errors() == [f"onconav: error: profile: {where} is larger than 256 KiB; a "
                                 "profile may be at most 262144 bytes"]  # fmt: skip
    assert MAX_PROFILE_BYTES == 256 * 1024


def test_the_size_limit_counts_bytes_not_characters() -> None:
    """For a request body read as text, too: 'é' is two bytes of UTF-8."""
    with pytest.raises(ProfileError, match="larger than 256 KiB"):
        profile_from_text('{"x": "' + "é" * (MAX_PROFILE_BYTES // 2) + '"}', "the body")
    assert profile_from_text('{"x": "' + "é" * 1000 + '"}', "the body") == {"x": "é" * 1000}


@pytest.mark.parametrize(
    "text",
    [
        "cancer: &site rectum\nsymptoms: [*site]\n",
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n"
                  for i in range(12)),  # a billion laughs
    ],
    ids=["alias", "billion-laughs"],
)  # fmt: skip
def test_yaml_aliases_are_refused(run: Run, text: str) -> None:
    started = time.perf_counter()
    done = run("options", "--profile", "-", stdin=text)
    assert time.perf_counter() - started < 2
    assert done.status == 2 and done.stdout == ""
    [line] = done.errors()
    assert line.startswith("onconav: error: profile: standard input uses a YAML alias (*")
    assert line.endswith("line 2); write the value out instead")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"cancer": "rectum", "stage": ' + "1" * 5000 + "}", "holds a value that cannot be read"),
        ("cancer: rectum\nwhen: 2024-02-30\n", "holds a value that cannot be read (day is out"),
    ],
)
def test_a_value_python_cannot_make_is_one_line(run: Run, text: str, message: str) -> None:
    done = run("options", "--profile", "-", stdin=text)
    assert done.status == 2
    [line] = done.errors()
    assert line.startswith("onconav: error: profile: standard input ") and message in line


def test_standard_input_that_is_not_utf8_is_named(run: Run) -> None:
    done = run("options", "--profile", "-", stdin=b'{"cancer": "r\xe9ctum"}')
    assert done.status == 2
    assert done.errors() == [
        "onconav: error: --profile: standard input is not UTF-8 text (invalid continuation byte)"
    ]


def test_a_source_file_that_is_not_utf8_is_named(run: Run, sources: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sources"
    shutil.copytree(sources, copy)
    first = sorted(copy.iterdir())[0]
    first.write_bytes(b"\xff" + first.read_bytes())
    done = run("options", "--cancer", "thyroid", "--sources", str(copy))
    assert done.status == 2
    [line] = done.errors()
    assert line.startswith("onconav: error: --sources: source ")
    assert line.endswith(f"file {first} is not UTF-8 text (invalid start byte)")


def field_as_flags() -> list[tuple[str, str]]:
    """Every fact of a profile written as a flag, in the ways one might: its name with - or _,
    in capitals, with its words run together; that are no flag of `options`."""
    real = {f for flags in FLAG_OF.values() for f in flags.split("/")}
    out = []
    for field in FLAG_OF:
        for name in (field, field.rpartition(".")[2]):
            for form in {name.replace("_", "-"), name, name.upper(), name.replace("_", ""),
                         name.replace(".", "-"), name.replace("_", "-") + "s"}:
                if f"--{form}" not in real:
                    out.append((field, f"--{form}"))
    return list(dict.fromkeys(out))


@pytest.mark.parametrize(("field", "flag"), field_as_flags())
def test_a_field_written_as_a_flag_is_pointed_to_its_own_flag(run: Run, field: str,
                                                               flag: str) -> None:  # fmt: skip
    """A profile's field written as a flag is pointed to the flag that gives it, and no other:
    click's suggestion for --prior-treatments was --no-cancer-treatment or --wants-treatment (a
    navigator who took it recorded that the patient declines treatment)."""
    done = run("options", "--cancer", "rectum", flag, "chemo")
    assert done.status == 2 and done.stdout == ""
    [line] = done.errors()
    said, _, hint = line.partition(" (")
    assert said == f"onconav: error: No such option: {flag}"
    assert re.findall(r"--[a-z0-9-]+", hint) == FLAG_OF[field].split("/"), line


def test_each_fact_has_its_flag(run: Run) -> None:
    """``cli.FLAG_OF``, which errors and suggestions name, is every fact of a profile, each with
    the flags `options --help` lists."""
    from onconav.profile import fact_fields

    assert set(FLAG_OF) == set(fact_fields())
    listed = set(re.findall(r"--[a-z0-9-]+", run("options", "--help").stdout))
    assert {f for flags in FLAG_OF.values() for f in flags.split("/")} <= listed


@pytest.mark.parametrize(("flag", "hint"), [
    ("--prior-treatments", " (a profile's prior_treatments is given here with --prior)"),
    ("--progressed_on", " (a profile's progressed_on is given here with --progressed-on)"),
    ("--her-2", " (a profile's biomarkers.her2 is given here with --her2)"),
    ("--biomarkers", " (a profile's biomarkers are given here with --her2 and --kras)"),
    ("--stag", " (Possible options: --stage)"),
    ("--cancer-type", ""),  # --no-cancer-treatment is not close: not offered
    ("--bogus", ""),
])  # fmt: skip
def test_an_unknown_flag_is_offered_only_what_is_close(run: Run, flag: str, hint: str) -> None:
    done = run("options", "--cancer", "rectum", flag, "chemo")
    assert done.errors() == [f"onconav: error: No such option: {flag}{hint}"]


VALUE_FLAGS = [f for f, flags in FLAG_OF.items()
               if "/" not in flags and f != "cancer"]  # a cancer not known is answered


@pytest.mark.parametrize("field", VALUE_FLAGS)
@pytest.mark.parametrize("value", ["moonbeam", "surgery", "7", "true"])
def test_an_error_of_a_flags_value_names_the_flag(run: Run, field: str, value: str) -> None:
    """A value a flag gave that is refused is named by the flag typed ("--metastasis: 'moon' is
    not known"), not by the profile's field ("metastases[0]: ..."), and so is each other field
    its words name ("(--prior)", not "(prior_treatments)"); the same value in a file keeps the
    file's names."""
    flag = FLAG_OF[field]
    done = run("options", "--cancer", "rectum", flag, value)
    if done.status == 0:  # a value the flag takes
        return
    [line] = done.errors()
    assert line.startswith(f"onconav: error: {flag}: "), line
    assert not any(f"({other})" in line for other in FLAG_OF), line
    key, _, marker = field.partition(".")
    given: object = [value] if field in ("metastases", "progressed_on", "cannot_have",
                                         "prior_treatments", "symptoms", "planned",
                                         "used_for_my_cancer") else value  # fmt: skip
    data = {"cancer": "rectum", key: {marker: given} if marker else given}
    [from_file] = run("options", "-p", "-", stdin=json.dumps(data)).errors()
    assert from_file.startswith(f"onconav: error: {field}"), from_file
    assert from_file.split(": ", 3)[3] == line.split(": ", 3)[3].replace(
        f"({FLAG_OF.get('prior_treatments')})", "(prior_treatments)"), (from_file, line)


def test_an_error_of_a_flags_value_example(run: Run) -> None:
    done = run("options", "--cancer", "rectum", "--metastasis", "moon", "--her2", "maybe",
               "--progressed-on", "surgery")  # fmt: skip
    errors = done.errors()
    assert errors[0].startswith("onconav: error: --her2: 'maybe' is not accepted; accepted: ")
    assert errors[1] == ("onconav: error: --metastasis: 'moon' is not known; check the spelling, "
                         "or leave it out (`onconav kb words metastases` lists the accepted "
                         "names)")  # fmt: skip
    assert errors[2].startswith("onconav: error: --progressed-on: 'surgery' is not known as an "
                                "answer here")  # fmt: skip
    assert "list it among the treatments had (--prior)" in errors[2]
    done = run("options", "-p", EXAMPLES[0].as_posix(), "--progressed-on", "surgery")
    assert "(prior_treatments, or --prior)" in done.errors()[0]


@pytest.mark.parametrize(("flag", "typed", "field", "read_as"), [
    ("--prior", "s/p total gastrectomy", "prior_treatments", ["total-gastrectomy"]),
    ("--prior", "status post total gastrectomy", "prior_treatments", ["total-gastrectomy"]),
    ("--prior", "total gastrectomy done", "prior_treatments", ["total-gastrectomy"]),
    ("--prior", "distal gastrectomy", "prior_treatments", ["subtotal-gastrectomy"]),
    ("--prior", "D2 gastrectomy", "prior_treatments", ["gastrectomy"]),
    ("--cancer", "linitis plastica", "cancer", "stomach"),
    ("--cancer", "TNBC", "cancer", "breast"),
    ("--cancer", "Krukenberg tumour", "cancer", "any"),  # where it started: not known
    ("--metastasis", "Krukenberg tumour", "metastases", ["other-site"]),
    ("--metastasis", "omental cake", "metastases", ["peritoneum"]),
    ("--metastasis", "Virchow node", "metastases", ["lymph-nodes"]),
    ("--symptom", "can't eat", "symptoms", ["malnutrition"]),
    ("--symptom", "difficulty eating", "symptoms", ["malnutrition"]),
    ("--symptom", "food gets stuck", "symptoms", ["trouble-swallowing"]),
    ("--symptom", "dyspnoea", "symptoms", ["other-symptom"]),
    ("--symptom", "tarry stools", "symptoms", ["gut-bleeding"]),
    ("--symptom", "upper abdominal pain", "symptoms", ["pain"]),
])  # fmt: skip
def test_a_navigators_words_through_the_flags(run: Run, flag: str, typed: str, field: str,
                                              read_as: object) -> None:  # fmt: skip
    """A clinical review typed these into `onconav options`: each was refused, misread ("difficulty
    eating" as trouble swallowing) or answered "did you mean Subtotal gastrectomy?" for a total
    one; each is read as a navigator means it."""
    args = ("--cancer", "stomach", flag, typed) if flag != "--cancer" else (flag, typed)
    data = answer(run("options", *args, "--stage", "4", "-f", "json"))
    assert data["profile"].get(field) == read_as, data["profile"]
    assert run("options", *args, "--stage", "4", "--brief").status == 0


def test_a_recurrence_both_near_and_far_says_to_give_local_and_the_places(run: Run) -> None:
    """"--recurrence both" was refused with the values alone (a clinical review)."""
    [line] = run("options", "--cancer", "stomach", "--recurrence", "local and distant").errors()
    assert line.startswith("onconav: error: --recurrence: 'local and distant' is not accepted")
    assert "give local here, and list the places it has spread to" in line
    assert "(--metastasis)" in line, line


def test_the_profile_given_twice_is_an_error(run: Run) -> None:
    done = run("options", "-p", str(EXAMPLES[0]), "-p", str(EXAMPLES[1]))
    assert done.status == 2 and done.stdout == ""
    assert done.errors() == [
        "onconav: error: --profile: given 2 times; give one profile (flags override its answers)"
    ]


# --------------------------------------------------------------------------------------------
# --sources when a source file no longer matches its citations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_passages_that_cannot_be_shown_are_named_in_a_warning(
    run: Run, kb: KnowledgeBase, sources: Path, tmp_path: Path, output_format: str
) -> None:
    copy, cited = sources_with_a_cited_passage_changed(run, kb, sources, tmp_path)
    done = run("options", "--cancer", "thyroid", "--sources", str(copy), "-f", output_format)
    assert done.status == 0
    assert f"{cited['label']} “" not in done.stdout, "the passage is not shown"
    assert "“" in done.stdout, "the others are"
    warnings = done.stderr.splitlines()
    assert all(line.startswith("onconav: warning: --sources: ") for line in warnings)
    [line] = [w for w in warnings if f": {cited['source']}: " in w]
    assert "the file no longer matches" in line and "not shown: " in line
    assert f"{cited['start']}-{cited['end']}" in line.split("not shown: ")[1].split(" (")[0]
    unchanged = run("options", "--cancer", "thyroid", "--sources", str(sources),
                    "-f", output_format)  # fmt: skip
    assert unchanged.status == 0 and unchanged.stderr == ""


@pytest.mark.parametrize("args", [("-f", "json"), ("--brief",)])
def test_the_warning_is_given_in_every_format(
    run: Run, kb: KnowledgeBase, sources: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """JSON and --brief show no passage, and said nothing of --sources; they give the text's
    warning of the passages the file no longer matches, word for word."""
    copy, _ = sources_with_a_cited_passage_changed(run, kb, sources, tmp_path)
    text = run("options", "--cancer", "thyroid", "--sources", str(copy))
    assert text.stderr.startswith("onconav: warning: --sources: ")
    done = run("options", "--cancer", "thyroid", "--sources", str(copy), *args)
    assert done.status == 0 and done.stderr == text.stderr
    assert run("options", "--cancer", "thyroid", "--sources", str(sources), *args).stderr == ""


def sources_with_a_cited_passage_changed(
    run: Run, kb: KnowledgeBase, sources: Path, tmp_path: Path
) -> tuple[Path, dict[str, Any]]:
    """A copy of the sources in which the first passage the answer for thyroid cancer cites is
    changed by a letter, and that citation."""
    first = answer(run("options", "--cancer", "thyroid", "-f", "json"))["options"][0]
    cited = first["citations"][0]
    copy = tmp_path / "sources"
    shutil.copytree(sources, copy)
    file = copy / kb.sources[cited["source"]].file
    text = file.read_text(encoding="utf-8")
    changed = "b" if text[cited["start"]] == "a" else "a"
    file.write_text(text[: cited["start"]] + changed + text[cited["start"] + 1 :], "utf-8")
    return copy, cited


# --------------------------------------------------------------------------------------------
# Output: not wrapped when not going to a terminal
# --------------------------------------------------------------------------------------------


def test_output_that_is_not_for_a_terminal_is_not_wrapped(run: Run) -> None:
    """A pipe 40 columns wide: each line stays whole, labels and ids included."""
    done = run("kb", "show", "Herceptin", env={"COLUMNS": "40"})  # kb show: with ids
    assert done.status == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "    - Pembrolizumab with chemotherapy and trastuzumab (for stomach cancer) " \
           "(stomach-pembrolizumab-chemotherapy-trastuzumab)" in lines  # fmt: skip
    assert "    [ccs-stomach-stage4 800-969]" in lines
    assert any(len(line) > 100 and line.startswith("  Trastuzumab is") for line in lines)


def in_a_terminal(monkeypatch: pytest.MonkeyPatch, width: int, colour: bool = False) -> None:
    """The command's output goes to a terminal ``width`` columns wide (in colour, or not)."""
    from rich.console import Console

    from onconav import cli

    terminal = type(cli.out)()
    terminal._console = Console(force_terminal=True, width=width, highlight=False,
                                color_system="standard" if colour else None)  # fmt: skip
    terminal._console.soft_wrap = False  # as the command's own console for a terminal
    monkeypatch.setattr(cli, "out", terminal)


@pytest.mark.parametrize("width", [40, 80, 120])
@pytest.mark.parametrize("args", [("-p", "examples/rectal-stage4-kras-wild-type.json"),
                                  ("--cancer", "cervix", "--stage", "4B", "--prior", "cisplatin"),
                                  ("--cancer", "breast", "--symptom", "bone pain")])  # fmt: skip
def test_text_output_to_a_terminal_is_wrapped_by_words_to_its_width(
    run: Run, sources: Path, monkeypatch: pytest.MonkeyPatch, width: int, args: tuple[str, ...]
) -> None:
    """As docs/profile.md says: each line fits the terminal, broken only between words (the same
    words as in a pipe, where lines stay whole), the lines of an option indented under it, a
    citation's label whole. They had been sent whole, 280-400 characters, for the terminal to
    break mid-word."""
    args = ("options", *args, "--sources", str(sources))
    piped = run(*args).stdout
    assert max(map(len, piped.splitlines())) > 120, "a pipe gets long lines whole"
    in_a_terminal(monkeypatch, width)
    shown = run(*args).stdout
    assert shown.split() == piped.split(), "the same words, in the same order, none split"
    lines = shown.splitlines()
    assert max(map(len, lines)) <= width, [line for line in lines if len(line) > width]
    labels = set(re.findall(r"\[\S+ \d+-\d+\]", piped))
    assert labels and all(label in shown for label in labels), "a citation's label stays whole"
    for before, line in pairwise(lines):
        if before.startswith("• ") and line.strip() and not line.startswith("• "):
            assert line.startswith("  "), (before, line)  # under a bullet, never at its left


def test_a_terminal_s_wrapped_lines_keep_their_styles() -> None:
    """Each style (the status's colour, a reason's dim, a passage's italic) is on the same words
    after wrapping as before."""
    from rich.markup import escape
    from rich.text import Text

    from onconav.cli.terminal import wrapped

    text = Text.from_markup("• [bold green]Offered[/bold green]: [bold]FOLFIRI chemotherapy with "
                            "a long name[/bold]\n  [dim]" + "a reason in many words " * 8 +
                            "[/dim] " + escape("[ccs-rectal-stage4 1862-1961]") + "\nshort")
    for width in (10, 20, 33, 60):
        lines = wrapped(text, width)
        assert lines.plain.split() == text.plain.split()
        assert all(len(line) <= width or re.fullmatch(r" *(\S+|\[\S+ \d+-\d+\])", line)
                   for line in lines.plain.split("\n")), lines.plain  # fmt: skip
        assert all(line == line.rstrip() for line in lines.plain.split("\n")), lines.plain
        assert "[ccs-rectal-stage4 1862-1961]" in lines.plain
        styled = [(str(s.style), lines.plain[s.start : s.end].split()) for s in lines.spans]
        assert styled == [(str(s.style), text.plain[s.start : s.end].split()) for s in text.spans]


@pytest.mark.parametrize("width", [40, 200])
def test_a_terminal_gets_colours_and_the_same_lines_wrapped(
    run: Run, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    args = ("options", "-p", "examples/rectal-stage4-kras-wild-type.json")
    in_a_terminal(monkeypatch, width)
    plain = run(*args).stdout
    in_a_terminal(monkeypatch, width, colour=True)
    coloured = run(*args).stdout
    assert "\x1b[1;32mOffered\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


@pytest.mark.parametrize("command", [("kb", "stats"), ("kb", "check")])
@pytest.mark.parametrize("where", ["pipe", 40, 80, 200])
def test_kb_tables_never_cut_a_source_id(
    run: Run, kb: KnowledgeBase, sources: Path, monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...], where: str | int,
) -> None:  # fmt: skip
    """`kb stats | cat` had shown "ccs-sto…", `COLUMNS=40 kb check` "cc…": a pipe now gets the
    rows tab-separated under a row of the column names (for cut or a spreadsheet); a terminal a
    table each id whole, or where too narrow for one, a line per source."""
    args = (*command, "--sources", str(sources)) if command[-1] == "check" else command
    if where == "pipe":
        done = run(*args, env={"COLUMNS": "40"})
    else:
        in_a_terminal(monkeypatch, int(where))
        done = run(*args)
    assert done.status == 0, done.stderr
    assert "…" not in done.stdout and "..." not in done.stdout
    lines = done.stdout.splitlines()
    ids = [source.id for source in kb.data.sources]
    if where == "pipe":
        rows = {line.split("\t")[0]: line.split("\t") for line in lines if "\t" in line}
        assert set(ids) <= set(rows)
        assert all(len(rows[i]) == len(rows["source"]) for i in ids)
        assert rows["source"][:3] == (["source", "options", "notes"] if command[-1] == "stats"
                                      else ["source", "file", "spans"])  # fmt: skip
    else:
        for source in ids:
            assert any(re.search(rf"(^|\W){re.escape(source)}(\W|$)", line) for line in lines)
        assert max(map(len, lines)) <= int(where)


# --------------------------------------------------------------------------------------------
# Output: the headline counts and the situation as understood, the same in every format
# --------------------------------------------------------------------------------------------


def test_the_counts_are_honest(run: Run) -> None:
    """Each status counted as it is: a declined cancer treatment is declined, never offered."""
    data = answer(run("options", "--cancer", "rectum", "--stage", "4", "--no-cancer-treatment",
                      "-f", "json"))  # fmt: skip
    statuses = [o["status"] for o in data["options"]]
    assert data["counts"] == {s: statuses.count(s) for s in
                              ("offered", "needs_information", "in_trials", "declined",
                               "not_suitable")}  # fmt: skip
    assert data["counts"]["declined"] > 0 and data["counts"]["offered"] > 0
    assert sum(data["counts"].values()) == len(data["options"])
    assert set(Counts.model_fields) == {s.value for s in Status}


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_text_and_markdown_carry_the_counts_and_the_situation(
    run: Run, output_format: str
) -> None:
    args = ("options", "--cancer", "rectum", "--stage", "4", "--no-cancer-treatment",
            "--kras", "wild-type", "--kras", "mutated")  # fmt: skip
    data = answer(run(*args, "-f", "json"))
    done = run(*args, "-f", output_format)
    assert done.status == 0, done.stderr
    counts = data["counts"]
    need = "needs" if counts["needs_information"] == 1 else "need"
    # (none only in clinical trials for rectal cancer: not counted, "0 only in clinical trials")
    assert counts["in_trials"] == 0 and counts["declined"] > 0
    # what is offered to one who wants no cancer treatment is care (the split says so)
    assert not any(o["standard"] for o in data["options"] if o["status"] == "offered")
    # every trial is not chosen: what is offered is care, said so (it had said "trials or care")
    assert not any(o["modality"] == "clinical_trial" for o in data["options"]
                   if o["status"] == "offered")  # fmt: skip
    care = f"{counts['offered']} {'care option' if counts['offered'] == 1 else 'care options'}"
    # most of those that need information wait on the symptoms, and the headline says so
    on = sum(any(m["fact"] == "symptoms" for m in o["missing"]) for o in data["options"]
             if o["status"] == "needs_information")  # fmt: skip
    assert on * 2 > counts["needs_information"]
    words = (f"{counts['offered']} offered (no cancer treatment: {care}), "
             f"{counts['needs_information']} {need} information ({on} of them on symptoms the "
             f"cancer is causing), "
             f"{counts['declined']} not chosen, {counts['not_suitable']} not suitable")  # fmt: skip
    [warning] = data["warnings"]
    from onconav.render import warning_words

    warning = warning_words(Result.model_validate(data), warning)  # its field by its label
    facts = [f"{u['label']}: {u['value']}" for u in data["understood"]]
    assert facts[:2] == ["Where the cancer started: rectal cancer", "Stage of the cancer: stage 4"]
    lines = done.stdout.splitlines()
    if output_format == "markdown":
        from onconav.render import md_escape

        n = len(facts)
        assert lines[:4] == ["# Options for rectal cancer", "", "## Your situation as understood",
                             ""]  # fmt: skip
        assert lines[4 : 4 + n] == [f"- {md_escape(f)}" for f in facts]
        assert lines[4 + n : 7 + n] == [f"- Sources: {md_escape(data['scope'])}",
                                        f"- **Please note:** {md_escape(warning)}", ""]  # fmt: skip
        assert lines[7 + n] == f"**{words}**"
    else:
        assert lines[: 4 + len(facts)] == ["Options for rectal cancer", *facts,
                                           f"Sources: {data['scope']}", f"Please note: {warning}",
                                           words]  # fmt: skip


# --------------------------------------------------------------------------------------------
# --brief: one line per option
# --------------------------------------------------------------------------------------------

WORDS = {"offered": "Offered", "needs_information": "Needs information",
         "in_trials": "Only in clinical trials", "declined": "Not chosen",
         "not_suitable": "Not suitable"}  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ("--profile", "examples/rectal-stage4-kras-wild-type.json"),
        ("--cancer", "stomach", "--no-cancer-treatment", "--symptom", "bleeding"),
        ("--cancer", "stomach", "--stage", "4", "--prior", "total gastrectomy"),  # in trials: HER2?
    ],
)
def test_brief_is_one_line_per_option(run: Run, args: tuple[str, ...]) -> None:
    """One line per option: its status, its name, the reason it is not suitable, and the
    questions that would decide it, whatever its status (a clinical review found lapatinib, only
    in trials, without the HER2 question the full views give it)."""
    data = answer(run("options", *args, "-f", "json"))
    done = run("options", *args, "--brief")
    assert done.status == 0, done.stderr
    head, body, end = done.stdout.rstrip("\n").split("\n\n")
    assert head.splitlines()[0] == f"Options for {data['cancer_name']}"
    assert f"Sources: {data['scope']}" in head.splitlines()
    offered = [o for o in data["options"] if o["status"] == "offered"]
    treating = sum(o["standard"] for o in offered)
    assert offered and len(offered) > treating  # the split said in full
    if not treating:  # one who wants no cancer treatment: what is offered is care (clinical20),
        # every trial not chosen, and said so ("care options", not "trials or care")
        assert "--no-cancer-treatment" in args
        assert head.splitlines()[-1].startswith(
            f"{len(offered)} offered (no cancer treatment: {len(offered)} care options), ")
    else:
        assert head.splitlines()[-1].startswith(
            f"{len(offered)} offered ({treating} cancer treatment{'s' if treating > 1 else ''} "
            f"and {len(offered) - treating} trial{'s' if len(offered) - treating > 1 else ''} "
            "or care), ")  # fmt: skip
    assert end == data["disclaimer"]
    lines = body.splitlines()
    assert len(lines) == len(data["options"])
    for line, option in zip(lines, data["options"], strict=True):
        status, rest = line.split("  ", 1)
        assert status == WORDS[option["status"]]
        name, _, detail = rest.strip().partition(" — ")
        assert name == option["name"]
        if option["status"] == "not_suitable":
            assert detail.startswith(option["reason"])
        elif option["missing"]:
            assert detail.startswith(option["missing"][0]["question"])
        assert all(m["question"] in detail for m in option["missing"])
        if not option["missing"] and option["status"] != "not_suitable" and not option[
                "choices_left"] and not any(c["applies"] for c in option["caveats"]):  # fmt: skip
            assert detail == ""
    assert {o["status"] for o in data["options"]} >= (
        {"offered", "needs_information", "not_suitable"}
    )
    if "--stage" in args:  # the case the test is for is there
        assert any(o["status"] == "in_trials" and o["missing"] for o in data["options"])
    assert len(run("options", *args).stdout.splitlines()) > 3 * len(lines), "the default is full"


# a stomach cancer after XELOX: capecitabine of "fluorouracil or capecitabine" is ruled out
AFTER_XELOX = {"cancer": "gastric", "stage": "IV", "biomarkers": {"her2": "2+"},
               "prior_treatments": ["Xeloda", "oxaliplatin"], "progressed_on": ["XELOX"],
               "symptoms": ["trouble swallowing", "severe pain"],
               "metastases": ["liver", "peritoneum"]}  # fmt: skip


@pytest.fixture
def after_xelox(tmp_path: Path) -> Path:
    path = tmp_path / "after-xelox.json"
    path.write_text(json.dumps(AFTER_XELOX))
    return path


@pytest.mark.parametrize("path", [*EXAMPLES, None], ids=lambda p: p.stem if p else "xelox")
def test_brief_says_the_choices_left_and_the_notes_that_apply(
    run: Run, path: Path | None, after_xelox: Path
) -> None:
    """The brief line of an option carries what limits it for the person, as the full views
    do: the choices left when some are ruled out, and a note that applies (its words when
    short, else how many): "Chemotherapy with fluorouracil or capecitabine" had been offered
    with no word that capecitabine had stopped working. Questions read as sentences: none is
    followed by "?;"."""
    path = path or after_xelox
    data = answer(run("options", "--profile", str(path), "-f", "json"))
    done = run("options", "--profile", str(path), "--brief")
    lines = done.stdout.split("\n\n")[1].splitlines()
    for line, option in zip(lines, data["options"], strict=True):
        assert "?;" not in line and ".;" not in line, line
        if option["choices_left"]:
            assert f"choices left: {', '.join(option['choices_left'])}" in line, line
        # the notes that apply, and the answer's warnings about a drug it gives
        notes = [c["text"] for c in option["caveats"] if c["applies"]] + option["warnings"]
        if notes:
            count = f"{len(notes)} note{' applies' if len(notes) == 1 else 's apply'}"
            assert f"note: {notes[0]}" in line or line.endswith(count), line
        else:
            assert "note" not in line.split(option["name"], 1)[1], line


def test_brief_example_lines(run: Run, after_xelox: Path) -> None:
    done = run("options", "--profile", str(after_xelox), "--brief")
    # a note of the source's, and the warning that fluorouracil is of capecitabine's kind; the
    # choice left, fluorouracil, waits on the care team's word that a fluoropyrimidine could
    # still work (it had been offered: a clinical review)
    assert ("Needs information        Chemotherapy with fluorouracil or capecitabine — Could "
            "other drugs of the same kind as capecitabine (such as fluorouracil or floxuridine) "
            "still work, although capecitabine (part of CAPOX) stopped working? — choices left: "
            "fluorouracil; 2 notes apply") in done.stdout.splitlines()
    done = run("options", "--profile",
               "examples/rectal-local-recurrence-after-pelvic-radiation.json", "--brief")
    lines = done.stdout.splitlines()
    # radiation to the pelvis had, whether it stopped working not said, and the list of
    # treatments had may not be whole: asked, as a drug had is
    assert ("Needs information        Chemoradiation before surgery — Did radiation to the pelvis "
            "stop working (did the cancer grow while it was given, or soon after it ended)? — "
            "note: Radiation to the pelvis in the past may mean you cannot have more of it there."
            ) in lines
    assert ("Needs information        FOLFIRI chemotherapy — What is the stage of the cancer? "
            "Which parts of the body has the cancer spread to?") in lines


@pytest.mark.parametrize("data", [AFTER_XELOX, *(json.loads(p.read_text()) for p in EXAMPLES)])
def test_choices_ruled_out_are_named(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    """The choices an option's line says are ruled out are those ruled out, by name: "(not the
    others: ...)" had been said of one."""
    from onconav import evaluate, parse_profile, render

    result = evaluate(parse_profile(data, kb), kb)
    for option in result.options:
        if not option.choices_left:
            continue
        [line] = [x for x in render.details(option) if x.startswith("Choices left for you: ")]
        out = [c for c in option.choices if c not in option.choices_left]
        assert out and "the other" not in line
        assert line.startswith(f"Choices left for you: {', '.join(option.choices_left)} (not ")
        assert all(name in line.split(" (not ", 1)[1] for name in out)


def test_brief_shows_declined_options_as_not_chosen(run: Run) -> None:
    done = run("options", "--cancer", "stomach", "--no-cancer-treatment", "--brief")
    assert done.status == 0, done.stderr
    assert any(line.startswith("Not chosen  ") for line in done.stdout.splitlines())
    assert " 0 not chosen" not in done.stdout


@pytest.mark.parametrize("output_format", ["json", "markdown"])
def test_brief_is_for_text_only(run: Run, output_format: str) -> None:
    done = run("options", "--cancer", "rectum", "--brief", "--format", output_format)
    assert done.status == 2 and done.stdout == ""
    [line] = done.errors()
    assert line.startswith("onconav: error: --brief: is a text view")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_what_would_change_reads_as_the_page_shows_it(run: Run, path: Path) -> None:
    """Each fact that would change the options: its question, then "— decides 1 option" or
    "— decides 4 options", in text and Markdown as on the page (it was "...?: decides 4
    option(s)", and "...vagina.: decides 4 option(s)"); a fact of more than one question
    named by its label, each question a line under it."""
    data = answer(run("options", "--profile", str(path), "-f", "json"))
    from onconav.render import questions_of
    from onconav.result import RankedFact

    expected = []
    for fact in data["what_would_change"]:
        n = fact["decides"]
        asked = questions_of(RankedFact.model_validate(fact))
        said = asked[0] if len(asked) == 1 else fact["label"]
        expected.append((f"{said} — decides {n} option{'' if n == 1 else 's'}",
                         asked if len(asked) > 1 else []))  # fmt: skip
    for output_format, mark in (("text", "• "), ("markdown", "- ")):
        done = run("options", "--profile", str(path), "-f", output_format)
        assert done.status == 0, done.stderr
        assert "option(s)" not in done.stdout and "?:" not in done.stdout
        shown = "\n".join(done.stdout.splitlines())
        for line, under in expected:
            block = "\n".join([mark + line, *("  " + mark + q for q in under)])
            assert f"\n{block}\n" in shown, (output_format, block)


@pytest.mark.parametrize(
    ("profile", "shown", "hidden"),
    [({"cancer": "stomach", "stage": "IV", "symptoms": ["trouble swallowing"]},
      ["Stage of the cancer: stage 4 (you wrote: IV)",
       "Symptoms the cancer is causing: trouble swallowing"],
      ["(you wrote: trouble swallowing)"]),
     ({"cancer": "stomach", "symptoms": ["Trouble  Swallowing"]},
      ["Symptoms the cancer is causing: trouble swallowing"], ["you wrote"]),
     ({"cancer": "stomach", "symptoms": ["dysphagia"]},
      ["Symptoms the cancer is causing: trouble swallowing (you wrote: dysphagia)"], [])],
)  # fmt: skip
def test_the_words_as_typed_are_shown_only_when_they_differ(
    run: Run, profile: dict[str, Any], shown: list[str], hidden: list[str]
) -> None:
    """"(you wrote: ...)" says what the words were read from; beside the very same words it
    is noise ("trouble swallowing (you wrote: trouble swallowing)")."""
    done = run("options", "--profile", "-", stdin=json.dumps(profile))
    assert done.status == 0, done.stderr
    lines = done.stdout.splitlines()
    for line in shown:
        assert line in lines
    for words in hidden:
        assert words not in done.stdout


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_each_source_names_its_publisher_and_its_date(run: Run, output_format: str) -> None:
    """"(Canadian Cancer Society, not stated in the copy)" read as if the publisher were not
    stated; each is named."""
    args = ("options", "--profile", "examples/gastric-recurrent-refractory.json")
    data = answer(run(*args, "-f", "json"))
    done = run(*args, "-f", output_format)
    assert done.status == 0, done.stderr
    for source in data["sources"]:
        assert (f"{source['id']}: {source['title']} (publisher: {source['publisher']}; "
                f"dated: {source['dated']})") in done.stdout  # fmt: skip
    assert "(Canadian Cancer Society, " not in done.stdout


def test_a_warning_names_its_question_in_words(run: Run) -> None:
    """A warning beside the answer is "Please note", and names the question it is about in
    words ("HER2: given as both ...", "Where the cancer started: ..."), not by the profile's
    field ("biomarkers.her2: ...", "cancer: ...") under a red "Warning"."""
    done = run("options", "--cancer", "stomach and colon", "--her2", "positive", "--her2",
               "negative")  # fmt: skip
    assert done.status == 0, done.stderr
    notes = [line for line in done.stdout.splitlines() if line.startswith("Please note: ")]
    assert any(n.startswith("Please note: HER2: given as both") for n in notes), notes
    assert any(n.startswith("Please note: Where the cancer started: 'stomach and colon' is read")
               for n in notes), notes  # fmt: skip
    assert "biomarkers.her2:" not in done.stdout and "Warning:" not in done.stdout


def test_flags_over_a_fhir_record_say_what_they_replace(run: Run) -> None:
    """`--fhir FILE` with flags: the flags override the record (as documented), and each value
    of the record they replace is said; they had replaced a KRAS mutation on record, or where
    the cancer has spread, without a word. A flag that says what the record says is not."""
    record = str(ROOT / "tests" / "fhir" / "rectal-stage4-kras-mutated.json")
    data = answer(run("options", "--fhir", record, "--stage", "4", "--kras", "wild-type",
                      "--metastasis", "lung", "--format", "json"))  # fmt: skip
    said = [w for w in data["warnings"] if "the flag given replaces it" in w]
    assert said == [
        "biomarkers.kras: the record gives KRAS mutation found; the flag given replaces it with "
        "KRAS wild-type (no KRAS mutation)",
        "metastases: the record gives liver, perhaps other places not listed; the flag given "
        "replaces it with lung"], data["warnings"]  # fmt: skip
    assert data["profile"]["biomarkers"]["kras"] == "wild-type"
    plain = answer(run("options", "--fhir", record, "--format", "json"))
    assert not any("the flag given" in w for w in plain["warnings"]), plain["warnings"]


def test_flags_fill_what_a_fhir_record_lacks_and_say_so(run: Run, tmp_path: Path) -> None:
    """`--fhir FILE --cancer rectum` of a record with no cancer Condition: the flag fills it in
    (it had been refused, "no cancer condition", the reader stopping before the flags applied),
    and the record's stage, spread and KRAS are still read. Each field a flag fills in is said,
    as each it replaces is; without --cancer the error names the flag that would do."""
    record = json.loads((ROOT / "tests" / "fhir" / "rectal-stage4-kras-wild-type.json").read_text())
    no_condition = tmp_path / "no-condition.json"
    no_condition.write_text(json.dumps({**record, "entry": [
        e for e in record["entry"] if e["resource"]["resourceType"] != "Condition"]}))
    data = answer(run("options", "--fhir", str(no_condition), "--cancer", "rectum", "--symptom",
                      "bleeding", "-f", "json"))  # fmt: skip
    assert data["profile"]["cancer"] == "rectum" and data["profile"]["stage"] == "4"
    assert data["profile"]["biomarkers"]["kras"] == "wild-type"
    same = answer(run("options", "--cancer", "rectum", "--stage", "4", "--kras", "wild-type",
                      "--symptom", "bleeding", "-f", "json"))  # fmt: skip
    assert [(o["id"], o["status"]) for o in data["options"]] == [
        (o["id"], o["status"]) for o in same["options"]]
    warnings = data["warnings"]
    assert "cancer: the record does not give it; the flag given gives rectal cancer" in warnings
    assert any(w.startswith("symptoms: the record does not give it; the flag given gives ")
               for w in warnings), warnings  # fmt: skip
    assert any(w.startswith("From the record: no cancer Condition could be read: the cancer "
                            "given beside the record, rectal cancer, is read") for w in warnings)
    assert not any(w.startswith(("stage:", "biomarkers.kras:")) for w in warnings), warnings
    refused = run("options", "--fhir", str(no_condition))
    assert refused.status == 2
    assert "or give where it started with --cancer" in refused.stderr, refused.stderr


def test_a_records_cancer_of_unknown_start_replaced_by_a_flag_is_named_as_answers_name_it(
        run: Run, tmp_path: Path) -> None:  # fmt: skip
    """A record whose cancer Condition is coded as a malignancy of no named place (SNOMED
    363346000) reads as a cancer whose start is not known; --cancer replaces it, and the note
    names what the record gave as every answer names it, not by the general options' label
    ("the record gives any advanced cancer" had read as a record that said nothing of the
    cancer: a review)."""
    record = json.loads((ROOT / "tests" / "fhir" / "rectal-stage4-kras-wild-type.json").read_text())
    for entry in record["entry"]:
        if entry["resource"].get("id") == "rectum":
            entry["resource"]["code"] = {"coding": [{"system": "http://snomed.info/sct",
                                                     "code": "363346000"}]}  # fmt: skip
    unnamed = tmp_path / "unnamed.json"
    unnamed.write_text(json.dumps(record))
    warnings = answer(run("options", "--fhir", str(unnamed), "--cancer", "rectum",
                          "-f", "json"))["warnings"]  # fmt: skip
    said = [w for w in warnings if w.startswith("cancer: ")]
    assert said == ["cancer: the record gives advanced cancer (where it started not known); the "
                    "flag given replaces it with rectal cancer"], warnings


OVERRIDING_FLAGS = [("--metastasis", "lung", "metastases"), ("--stage", "4A", "stage"),
                    ("--kras", "mutated", "biomarkers.kras"), ("--symptom", "pain", "symptoms"),
                    ("--prior", "surgery", "prior_treatments"), ("--not-resectable", None,
                                                                 "resectable")]  # fmt: skip


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_flags_over_a_profile_say_what_they_replace(run: Run, path: Path) -> None:
    """Flags given with --profile override its answers, and each answer of the file a flag
    replaces is said, as over a FHIR record (`--metastasis lung` over a profile's liver had
    replaced it without a word); a flag that says what the file says, or gives what the file
    does not, is not."""
    alone = answer(run("options", "-p", str(path), "-f", "json"))["profile"]
    for flag, value, field in OVERRIDING_FLAGS:
        with_flag = answer(run("options", "-p", str(path), flag, *([value] if value else []),
                               "-f", "json"))  # fmt: skip
        said = [w for w in with_flag["warnings"] if w.startswith(f"{field}: the profile gives ")]
        key, _, marker = field.partition(".")
        was = alone.get(key, {}).get(marker) if marker else alone.get(key)
        now = with_flag["profile"][key][marker] if marker else with_flag["profile"][key]
        if was is None or was == [] or was == now:
            assert said == [], (flag, said)
        else:
            assert len(said) == 1 and "; the flag given replaces it with " in said[0], (flag, said)


def test_a_flag_over_a_profile_example(run: Run, tmp_path: Path) -> None:
    data = answer(run("options", "-p", "examples/rectal-stage4-kras-wild-type.json",
                      "--metastasis", "lung", "--format", "json"))  # fmt: skip
    assert data["profile"]["metastases"] == ["lung"]
    assert "metastases: the profile gives liver; the flag given replaces it with lung" in (
        data["warnings"])
    done = run("options", "-p", "examples/rectal-stage4-kras-wild-type.json", "--metastasis",
               "lung")  # fmt: skip
    assert ("Please note: Where the cancer has spread: the profile gives liver; the flag given "
            "replaces it with lung") in done.stdout.splitlines()
    no_cancer = tmp_path / "no-cancer.json"  # the cancer from a flag: the file is still read
    no_cancer.write_text(json.dumps({"stage": "4", "metastases": ["liver"]}))
    data = answer(run("options", "-p", str(no_cancer), "--cancer", "rectum", "--metastasis",
                      "lung", "-f", "json"))  # fmt: skip
    assert "metastases: the profile gives liver; the flag given replaces it with lung" in (
        data["warnings"])


def test_flags_override_a_results_profile_and_its_words_as_typed(run: Run, tmp_path: Path) -> None:
    """A result's profile saved and given again with flags: the flags win (flags override the
    file), and a field a flag sets keeps no words typed for the file's answer (as_typed.symptoms
    had refused --symptom pain; --cancer drops words the old cancer's name said)."""
    first = answer(run("options", "--cancer", "HER2-positive stomach", "--stage", "Stage IV",
                       "--symptom", "Bleeding", "--format", "json"))  # fmt: skip
    saved = tmp_path / "profile.json"
    saved.write_text(json.dumps(first["profile"]), encoding="utf-8")
    data = answer(run("options", "-p", str(saved), "--symptom", "pain", "--stage", "3",
                      "--recurrence", "yes", "--format", "json"))  # fmt: skip
    assert data["profile"]["symptoms"] == ["pain"] and data["profile"]["stage"] == "earlier"
    assert "symptoms" not in data["profile"]["as_typed"]
    assert data["profile"]["as_typed"]["stage"] == "3"
    assert data["profile"]["as_typed"]["cancer"] == "HER2-positive stomach"  # kept: not set
    again = answer(run("options", "-p", str(saved), "--cancer", "stomach", "--format", "json"))
    assert "biomarkers.her2" not in again["profile"]["as_typed"], again["profile"]["as_typed"]


def test_a_profile_or_bundle_from_a_pipe_is_read(tmp_path: Path) -> None:
    """`--profile <(...)`, a shell's process substitution, is a pipe (/dev/fd/63), not a regular
    file: it was refused as "is not a file". A pipe is read as a file is; a folder is refused."""
    import os
    import subprocess
    import sys

    command = Path(sys.executable).parent / "onconav"
    fifo = tmp_path / "profile.pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=('{"cancer": "rectum", "stage": "4"}',))
    writer.start()
    done = subprocess.run([str(command), "options", "--profile", str(fifo), "--brief"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    writer.join(timeout=10)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Options for rectal cancer")
    folder = subprocess.run([str(command), "options", "--profile", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert folder.returncode == 2 and "is not a file" in folder.stderr


# --------------------------------------------------------------------------------------------
# One answer for a one-answer option in every command, flags over the file, words left over
# --------------------------------------------------------------------------------------------

RECTAL = str(ROOT / "examples" / "rectal-stage4-kras-wild-type.json")


@pytest.mark.parametrize(("args", "line"), [
    (("search", "lonsurf", "--cancer", "cervix", "--cancer", "rectum"),
     "--cancer: has more than one answer ('cervix', 'rectum'): choose one"),
    (("search", "lonsurf", "--limit", "1", "--limit", "3"),
     "--limit: has more than one answer ('1', '3'): choose one"),
    (("search", "lonsurf", "-f", "json", "--format", "text"),
     "--format: has more than one answer ('json', 'text'): choose one"),
    (("search", "lonsurf", "--sources", "/a", "--sources", "/b"),
     "--sources: has more than one answer ('/a', '/b'): choose one"),
    (("explain", "Xeloda", "--sources", "/a", "--sources", "/b"),
     "--sources: has more than one answer ('/a', '/b'): choose one"),
    (("options", "--cancer", "rectum", "-f", "json", "-f", "text"),
     "--format: has more than one answer ('json', 'text'): choose one"),
    (("report", "--profile", RECTAL, "--profile", "b.json", "--out", "{tmp}/r.html"),
     "--profile: given 2 times; give one profile"),
    (("report", "-p", RECTAL, "--out", "{tmp}/r.html", "--out", "{tmp}/s.html"),
     "--out: has more than one answer ('{tmp}/r.html', '{tmp}/s.html'): choose one"),
    (("report", "-p", RECTAL, "--out", "{tmp}/r.html", "-f", "html", "-f", "pdf"),
     "--format: has more than one answer ('html', 'pdf'): choose one"),
])  # fmt: skip
def test_an_option_of_one_value_given_two_is_refused_in_every_command(
    run: Run, tmp_path: Path, args: tuple[str, ...], line: str
) -> None:
    """search, report and explain refuse two values of an option that takes one, in the words
    options uses (`_one_answer`): the last had silently won (--cancer cervix --cancer rectum
    searched rectum; report -p a.json -p b.json wrote b's report)."""
    done = run(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert done.status == 2 and done.stdout == "", done.stdout
    assert done.errors() == [f"onconav: error: {line.replace('{tmp}', str(tmp_path))}"]
    assert list(tmp_path.iterdir()) == [], "no report is written"


def test_an_option_given_twice_the_same_is_that_value(run: Run, tmp_path: Path) -> None:
    """The same value twice is one answer, as options takes --stage 4 --stage 4."""
    data = answer(run("search", "lonsurf", "--limit", "2", "--limit", "2", "--cancer", "rectum",
                      "--cancer", "Rectal", "-f", "json", "-f", "json"))  # fmt: skip
    assert 0 < len(data["hits"]) <= 2 and data["cancer"] == "rectum"
    out = tmp_path / "r.html"
    done = run("report", "-p", RECTAL, "-o", str(out), "-o", str(out), "-f", "html", "-f", "html")
    assert done.status == 0, done.stderr
    assert out.read_text(encoding="utf-8").lower().startswith("<!doctype html>")


@pytest.mark.parametrize(("text", "flags", "field", "value"), [
    ('{"cancer": "stomach", "stage": "4", "her2": "negative"}', ["--her2", "positive"],
     "biomarkers", {"her2": "positive"}),
    ('{"cancer": "stomach", "stage": "4", "HER2": "negative"}', ["--her2", "positive"],
     "biomarkers", {"her2": "positive"}),
    ('{"cancer": "stomach", "stage": "4", "Biomarkers": {"Her2": "0", "kras": "mutated"}}',
     ["--her2", "positive"], "biomarkers", {"her2": "positive", "kras": "mutated"}),
    ('{"cancer": "stomach", "Stage": "4"}', ["--stage", "4B"], "stage", "4B"),
    ('{"Cancer": "rectum", "STAGE": "4"}', ["--cancer", "stomach"], "cancer", "stomach"),
    ('{"cancer": "rectum", "Symptoms": ["pain"]}', ["--symptom", "bleeding"], "symptoms",
     ["bleeding"]),
])  # fmt: skip
def test_flags_override_the_file_in_any_case(
    run: Run, tmp_path: Path, text: str, flags: list[str], field: str, value: object
) -> None:
    """A flag overrides what the file says of its field however the file writes it: in another
    case (Stage beside --stage 4B had been "given twice, by names that differ in case only"),
    or a marker at the top level (her2 beside --her2 positive had been a contradiction, and
    HER2 unknown)."""
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    data = answer(run("options", "-p", str(path), *flags, "--format", "json"))
    assert data["profile"][field] == value, data["profile"]
    assert not any("her2" in w.lower() for w in data["warnings"]  # but that it is replaced
                   if "the flag given replaces it" not in w), data["warnings"]  # fmt: skip


@pytest.mark.parametrize(("args", "found"), [
    (("search", "will", "I", "need", "a", "stoma", "bag", "-f", "json"),
     "will I need a stoma bag"),
    (("search", "stoma", "--limit", "3", "bag", "-f", "json"), "stoma bag"),
])  # fmt: skip
def test_search_takes_words_unquoted(run: Run, args: tuple[str, ...], found: str) -> None:
    """The words of a question need no quotes (it was "Got unexpected extra argument(s) (I need
    a stoma bag)"): the same search as the words quoted."""
    data = answer(run(*args))
    assert data["query"] == found
    assert data == answer(run("search", found, *args[args.index("-f"):],
                              *(["--limit", "3"] if "--limit" in args else [])))  # fmt: skip


def test_explain_takes_words_unquoted(run: Run) -> None:
    done = run("explain", "bowel", "stent")
    assert done.status == 0, done.stderr
    assert done.stdout == run("explain", "bowel stent").stdout
    assert done.stdout.splitlines()[0] == "Bowel stent  (procedure)"


@pytest.mark.parametrize(("args", "line"), [
    (("options", "--cancer", "rectal", "cancer"),
     "--cancer: 'cancer' is left over after its value 'rectal'; quote a value of several words "
     '(--cancer "rectal cancer")'),
    (("options", "--cancer", "rectum", "--symptom", "bleeding", "pain"),
     "--symptom: 'pain' is left over after its value 'bleeding'; quote a value of several words "
     '(--symptom "bleeding pain"), or repeat --symptom for each of a list (--symptom bleeding '
     "--symptom pain)"),
    (("options", "--cancer", "rectum", "--resectable", "false"),
     "--resectable: takes no value ('false' after it); use --resectable for yes or "
     "--not-resectable for no"),
    (("options", "--cancer", "rectum", "--not-resectable", "No"),
     "--not-resectable: takes no value ('No' after it); use --resectable for yes or "
     "--not-resectable for no"),
    (("kb", "show", "bowel", "stent"),
     "NAME: 'stent' is left over after 'bowel'; quote a value of several words "
     '("bowel stent")'),
])  # fmt: skip
def test_words_left_over_are_said_to_belong_where_they_probably_do(
    run: Run, args: tuple[str, ...], line: str
) -> None:
    """Click's "Got unexpected extra argument(s) (cancer)" named neither the flag nor what to
    do: the flag whose value the words follow, and to quote a value of several words (or repeat
    a flag that takes a list); after a yes-or-no flag, that it takes no value."""
    done = run(*args)
    assert done.status == 2 and done.stdout == ""
    assert done.errors() == [f"onconav: error: {line}"]


def test_a_yes_or_no_flag_shows_no_value_in_the_help(run: Run) -> None:
    """The help showed `--resectable --not-resectable <bool>`, as if the flag took a value."""
    rows = option_rows(run("options", "--help"))
    for yes, _, _ in YES_OR_NO:
        assert "<" not in rows[yes].split("?")[0] and "bool" not in rows[yes], rows[yes]


def test_a_bad_sources_folder_from_the_environment_is_named_so(run: Run) -> None:
    """A bad $ONCONAV_SOURCES had been blamed on --sources, a flag nobody typed."""
    done = run("options", "--cancer", "rectum", env={"ONCONAV_SOURCES": "/nonexist"})
    assert done.errors() == ["onconav: error: $ONCONAV_SOURCES: /nonexist is not a directory"]
    done = run("explain", "Xeloda", env={"ONCONAV_SOURCES": str(ROOT / "examples")})
    [line] = done.errors()
    assert line.startswith(f"onconav: error: $ONCONAV_SOURCES: {ROOT / 'examples'} is not the "
                           "folder of the source documents"), line
    typed = run("options", "--cancer", "rectum", "--sources", "/nonexist")  # the flag typed
    assert typed.errors() == ["onconav: error: --sources: /nonexist is not a directory"]


@pytest.mark.parametrize("command", [("options", "--cancer", "rectum"), ("explain", "Xeloda"),
                                     ("search", "chemo"), ("kb", "check")])  # fmt: skip
def test_a_sources_file_is_refused_as_a_missing_folder_is(
    run: Run, command: tuple[str, ...]
) -> None:
    """A file given as --sources is told in the words of a folder that is not there (it was
    click's own "dir '...' is a file.", in no other message's words)."""
    done = run(*command, "--sources", str(ROOT / "README.md"))
    assert done.status == 2
    assert done.errors() == [f"onconav: error: --sources: {ROOT / 'README.md'} is not a directory"]


def test_a_missing_cancer_says_what_is_accepted_and_no_profile_beside_a_profile(
    run: Run, tmp_path: Path
) -> None:
    """With a profile given, the cancer is asked for without "(or give --profile FILE)", and in
    the API's words: what is accepted."""
    path = tmp_path / "p.json"
    path.write_text('{"stage": "4"}', encoding="utf-8")
    said = ("cancer: is required: say where the cancer started with --cancer: a place such as "
            "stomach, rectum or cervix, or unknown")  # fmt: skip
    assert run("options", "-p", str(path)).errors() == [f"onconav: error: {said}"]
    assert run("options", "--stage", "4").errors() == [
        f"onconav: error: {said} (or give --profile FILE)"]


@pytest.mark.parametrize(("args", "line"), [
    (("kb", "check", "--report", "{tmp}/a.md", "--report", "{tmp}/b.md", "--sources", "/no"),
     "--report: has more than one answer ('{tmp}/a.md', '{tmp}/b.md'): choose one"),
    (("fhir", "profile", "b.json", "-f", "json", "--format", "text"),
     "--format: has more than one answer ('json', 'text'): choose one"),
    (("cohort", "demo", "--people", "3", "--people", "4", "--out", "{tmp}/p.parquet"),
     "--people: has more than one answer ('3', '4'): choose one"),
])  # fmt: skip
def test_every_command_refuses_two_values_of_an_option_of_one(
    run: Run, tmp_path: Path, args: tuple[str, ...], line: str
) -> None:
    """The other commands' options of one value too: click let the last win."""
    done = run(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    said = line.replace("{tmp}", str(tmp_path))
    assert done.status == 2 and done.errors() == [f"onconav: error: {said}"]
    assert list(tmp_path.iterdir()) == []


def test_the_warning_names_the_environment_when_it_gave_the_sources(
    run: Run, kb: KnowledgeBase, sources: Path, tmp_path: Path
) -> None:
    """The sources from $ONCONAV_SOURCES: their warning names it, not --sources (not typed)."""
    copy, _ = sources_with_a_cited_passage_changed(run, kb, sources, tmp_path)
    done = run("options", "--cancer", "thyroid", env={"ONCONAV_SOURCES": str(copy)})
    assert done.status == 0
    assert done.stderr.startswith("onconav: warning: $ONCONAV_SOURCES: "), done.stderr


# --------------------------------------------------------------------------------------------
# Text and markdown: two layouts of one answer, never one saying what the other leaves out
# --------------------------------------------------------------------------------------------

PARITY_PROFILES = [
    {"cancer": "rectum", "stage": "4", "metastases": ["liver"], "symptoms": ["bleeding"],
     "prior_treatments": ["FOLFOX"], "progressed_on": ["FOLFOX"], "cannot_have": ["irinotecan"]},
    {"cancer": "stomach", "recurrence": "yes", "symptoms": ["pain", "malnutrition"],
     "planned": ["stomach stent"]},
    {"cancer": "cervix", "stage": "4", "wants_cancer_treatment": False, "symptoms": ["pain"]},
    {"cancer": "breast", "stage": "4", "prior_treatments": ["hormone therapy"],
     "progressed_on": ["chemotherapy"]},
    {"cancer": "rectum", "recurrence": "local", "prior_treatments": ["chemoradiation", "FOLFOX"]},
]  # fmt: skip


@pytest.mark.parametrize("data", PARITY_PROFILES, ids=lambda d: str(d["cancer"]))
def test_text_and_markdown_say_the_same_parts(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    """The command's text and markdown are two layouts written side by side (cli/terminal.py,
    render.py): each part of the answer either shows, the other shows too (the tag of an option
    for a symptom listed had changed in one and not the other). Every option's name, status,
    tag, reason, question, caveat and sources, every change, note, question and warning."""
    import io

    from rich.console import Console

    from onconav import evaluate, parse_profile, render
    from onconav.cli import terminal

    result = evaluate(parse_profile(data, kb), kb)
    buffer = io.StringIO()
    terminal.text(result, Console(file=buffer, width=100_000, soft_wrap=True, color_system=None,
                                  highlight=False), None)  # fmt: skip
    shown = {"text": buffer.getvalue(),
             "markdown": re.sub(r"\\(.)", r"\1", render.markdown(result))}  # its escapes undone
    parts = [result.disclaimer, *(q for question in result.questions
                                  for q in render.asked_apart(question))]  # fmt: skip
    parts += [line for fact in result.what_would_change for line in render.change_lines(fact)]
    parts += [render.warning_words(result, w) for w in result.warnings]
    parts += [n.text for n in result.notes]
    for option in result.options:
        parts += [option.name, render.STATUS_WORDS[option.status], option.description]
        parts += [option.reason_shown or "",
                  *(q for m in option.missing for q in render.questions_of(m))]
        parts += [c.text for c in option.caveats] + [render.cite(option.citations)]
        parts += render.details(option)
        if option.relieves_your_symptoms:
            parts.append(f"({render.SYMPTOMS_TAG})")
    for layout, said in shown.items():
        missing = [p for p in parts if p and p not in said]
        assert not missing, (layout, missing[:3])


@pytest.mark.parametrize("data", PARITY_PROFILES, ids=lambda d: str(d["cancer"]))
def test_text_and_markdown_ask_one_question_a_line(kb: KnowledgeBase,
                                                   data: dict[str, Any]) -> None:  # fmt: skip
    """Each question to ask, each way to decide an option and each question under what would
    change the options is a line of its own in the text and the markdown, as on the page: a
    fact of two questions (bleeding and pain: where from, what kind) had been one line."""
    import io

    from rich.console import Console

    from onconav import evaluate, parse_profile, render
    from onconav.cli import terminal

    data = {**data, "symptoms": ["bleeding", "pain"]}  # two narrowing questions of one fact
    result = evaluate(parse_profile(data, kb), kb)
    buffer = io.StringIO()
    terminal.text(result, Console(file=buffer, width=100_000, soft_wrap=True, color_system=None,
                                  highlight=False), None)  # fmt: skip
    for layout, said in {"text": buffer.getvalue(), "markdown": render.markdown(result)}.items():
        lines = [line.strip().lstrip("•-").strip() for line in said.splitlines()]
        asking = [line.removeprefix("To decide:").strip() for line in lines if "?" in line]
        assert asking, layout
        for line in asking:
            assert len(render.asked_apart(line.split(" — decides ")[0])) == 1, (layout, line)


def test_kb_words_of_a_field_with_no_list_says_what_it_takes(run: Run) -> None:
    """`kb words resectable` said "not a field whose words are listed", and `kb words symptom`
    offered no "did you mean" (a nurse navigator's review): a yes/no field says it takes yes or
    no, and a slip of a field's name is named, as the profile's errors name one; for every
    yes/no field."""
    from onconav.profile import YES_NO_FIELDS
    from onconav.schemas import WORD_FIELDS

    listed = ", ".join(WORD_FIELDS)
    for field in sorted(YES_NO_FIELDS):
        done = run("kb", "words", field.replace("_", "-"))
        assert done.status == 2, field
        assert done.errors() == [f"onconav: error: FIELD: {field} takes yes or no (true or "
                                 "false), not words from a list; the fields with lists of "
                                 f"words: {listed}"]  # fmt: skip
    for typed, meant in (("symptom", "symptoms"), ("simptoms", "symptoms"),
                         ("prior treatment", "prior_treatments"), ("her-2", "biomarkers.her2")):
        done = run("kb", "words", typed)
        assert done.errors() == [f"onconav: error: FIELD: {typed!r} is not a field whose words "
                                 f"are listed; did you mean {meant}? accepted: {listed}"], typed
    done = run("kb", "words", "xyzzy")
    assert done.errors() == ["onconav: error: FIELD: 'xyzzy' is not a field whose words are "
                             f"listed; accepted: {listed}"]  # fmt: skip


def test_a_file_not_there_is_said_not_to_exist(run: Run, tmp_path: Path) -> None:
    """`options -p nofile.json` said "is not a file" of a name that is not there: it "does not
    exist"; a folder "is not a file"."""
    missing = tmp_path / "nofile.json"
    for args, option in ((("options", "-p", str(missing)), "--profile"),
                         (("report", "-p", str(missing), "--out", str(tmp_path / "r.html")),
                          "--profile"),
                         (("options", "--fhir", str(missing)), "--fhir")):  # fmt: skip
        done = run(*args)
        assert done.errors() == [f"onconav: error: {option}: {missing} does not exist"], args
    done = run("options", "-p", str(tmp_path))
    assert done.errors() == [f"onconav: error: --profile: {tmp_path} is not a file (a folder)"]


@pytest.mark.parametrize(("command", "shown"), [("explain", "NAME..."), ("search", "QUERY...")])
def test_an_argument_of_many_words_shows_a_plain_name_in_help(run: Run, command: str,
                                                              shown: str) -> None:
    """`explain --help` showed "NAME <list[str]>", Python's type (a nurse navigator's review):
    the argument is shown as its name and "...", and no command's help shows a Python type."""
    done = run(command, "--help", env={"COLUMNS": "100"})
    assert done.status == 0
    assert re.search(rf"^  {re.escape(shown)}  ", done.stdout, re.M), done.stdout
    assert "list[" not in done.stdout


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize("args", [
    ("search", "bleeding", "--cancer", "cervix"),
    ("search", "can they put chemo straight into the liver"),
    ("kb", "words"),
    ("kb", "words", "symptoms"),
    ("options", "--cancer", "rectum", "--stage", "4", "--brief"),
    ("fhir", "profile", "tests/fhir/rectal-progression-after-folfox.json"),
])  # fmt: skip
def test_plain_views_to_a_terminal_are_wrapped_by_words_to_its_width(
    run: Run, sources: Path, monkeypatch: pytest.MonkeyPatch, width: int, args: tuple[str, ...]
) -> None:
    """`onconav search`, `kb words`, `options --brief` and `fhir profile` sent lines of 150 to
    300 characters to an 80-column terminal, for it to break mid-word (a review of the command
    line): each line now fits, broken only between words (the same words as in a pipe, where
    lines stay whole), a citation's label whole; `--brief` goes on under the option's name."""
    if args[0] == "search":
        args = (*args, "--sources", str(sources))
    piped = run(*args).stdout
    assert max(map(len, piped.splitlines())) > 100, "a pipe gets long lines whole"
    in_a_terminal(monkeypatch, width)
    done = run(*args)
    assert done.status == 0, done.stderr
    shown = done.stdout
    assert shown.split() == piped.split(), "the same words, in the same order, none split"
    lines = shown.splitlines()
    assert all(len(line) <= width or re.fullmatch(r" *(\S+|\[\S+ \d+-\d+\])", line)
               for line in lines), [line for line in lines if len(line) > width]  # fmt: skip
    labels = set(re.findall(r"\[\S+ \d+-\d+\]", piped))
    assert all(label in shown for label in labels), "a citation's label stays whole"
    if "--brief" in args and width == 80:
        at = next(i for i, line in enumerate(lines) if line.startswith("Needs information"))
        name = len(lines[at]) - len(lines[at][len("Needs information"):].lstrip())
        assert lines[at + 1].startswith(" " * name) and lines[at + 1][name] != " ", lines[at:at + 2]
