"""onconav options and explain through the command line: formats, flags, files, stdin, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ONCONAV_SOURCES"}
    env["COLUMNS"] = "160"
    return subprocess.run(
        [sys.executable, "-m", "onconav.cli", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, input=stdin,
    )  # fmt: skip


def test_flags_give_a_grouped_text_answer_with_citations() -> None:
    result = run("options", "--cancer", "rectum", "--stage", "4", "--kras", "wild-type",
                 "--symptom", "bleeding")  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Offered" in out and "Needs information" in out and "Not suitable" in out
    assert "[ccs-rectal-stage4 " in out
    assert out.index("FOLFIRI chemotherapy") < out.index("FOLFOX")
    assert "What would change your options" in out
    assert "Questions to ask your care team" in out
    assert "not medical advice" in out


def test_json_matches_the_result_schema() -> None:
    result = run("options", "--cancer", "cervix", "--stage", "IVB", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["cancer"] == "cervix" and data["profile"]["stage"] == "4B"


def test_markdown_format() -> None:
    result = run("options", "--cancer", "stomach", "--her2", "positive", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Options for stomach cancer")
    assert "### Trastuzumab with chemotherapy (HER2-positive): Offered" in result.stdout


def test_sources_show_the_cited_passages(sources: Path) -> None:
    result = run("options", "--cancer", "thyroid", "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    assert "“" in result.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_runs(path: Path) -> None:
    result = run("options", "--profile", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert any(o["status"] == "offered" for o in data["options"])


def test_profile_from_standard_input() -> None:
    result = run("options", "--profile", "-", "--format", "json", stdin='{"cancer": "prostate"}')
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["has_own_source"] is False


def test_flags_override_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("cancer: rectum\nstage: '4'\n")
    result = run("options", "--profile", str(path), "--cancer", "cervix", "--format", "json")
    assert json.loads(result.stdout)["cancer"] == "cervix"


def test_kras_both_ways_is_a_warning_not_an_error() -> None:
    result = run("options", "--cancer", "rectum", "--kras", "wild-type", "--kras", "mutated",
                 "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert any("kras" in w for w in json.loads(result.stdout)["warnings"])


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ("options", "--cancer", "rectum", "--stage", "7"),
            None,
            "stage: '7' is not accepted; accepted: 4, 4A, 4B",
        ),
        (
            ("options", "--cancer", "rectum", "--kras", "purple"),
            None,
            "biomarkers.kras: 'purple' is not accepted",
        ),
        (
            ("options", "--profile", "-"),
            '{"cancer": "rectum", "colour": "blue"}',
            "colour: unknown field",
        ),
        (("options", "--profile", "-"), "{not json", "not valid JSON or YAML"),
        (("options", "--profile", "-"), "[1, 2]", "must hold an object"),
        (
            ("options", "--profile", "/no/such/file.json"),
            None,
            "--profile: /no/such/file.json is not a file",
        ),
        (("options", "--stage", "4"), None, "--cancer"),
        (
            ("options", "--cancer", "rectum", "--symptom", "hiccups"),
            None,
            "symptoms: 'hiccups' is not known",
        ),
        (("options", "--cancer", "rectum", "--format", "pdf"), None, "--format"),
        (
            ("options", "--cancer", "rectum", "--profile", "-"),
            '{"cancer": "rectum", "resectable": "maybe"}',
            "resectable: 'maybe' is not accepted; accepted: true, false",
        ),
        (("explain", "unobtainium"), None, "NAME"),
        (("options", "--bogus"), None, "No such option: --bogus"),
        (("explain",), None, "Missing argument"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    result = run(*args, stdin=stdin)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize(
    "name", ["Xeloda", "5-FU", "XELOX", "Herceptin", "brachytherapy", "refractory"]
)
def test_explain_any_name(name: str) -> None:
    result = run("explain", name)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
