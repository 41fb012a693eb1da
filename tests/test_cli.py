"""The command line: kb show, stats, check, locate, fmt; errors are one line, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(
    *args: str, env: dict[str, str] | None = None, module: str = "onconav.cli"
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "ONCONAV_SOURCES"}
    full_env.update(env or {})
    full_env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Xeloda", "capecitabine"),
        ("5-FU", "fluorouracil"),
        ("XELOX", "CAPOX"),
        ("Herceptin", "trastuzumab"),
        ("FOLFIRI", "FOLFIRI"),
        ("gastric", "stomach cancer"),
    ],
)
def test_kb_show_finds_by_alias(name: str, expected: str) -> None:
    result = run("kb", "show", name)
    assert result.returncode == 0, result.stderr
    assert expected.lower() in result.stdout.lower()


def test_kb_show_lists_options_codes_and_passages(sources: Path) -> None:
    result = run("kb", "show", "Herceptin", "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    assert "RxNorm 224905" in result.stdout
    assert "Options that use it" in result.stdout
    assert "HER2" in result.stdout
    assert "[ccs-stomach-stage4 " in result.stdout
    assert "“" in result.stdout, "the cited passage itself is shown with --sources"


def test_kb_show_regimen_lists_its_drugs() -> None:
    result = run("kb", "show", "FOLFIRI")
    assert result.returncode == 0
    for drug in ("leucovorin", "fluorouracil", "irinotecan"):
        assert drug in result.stdout


def test_kb_show_unknown_name_is_one_line_exit_2() -> None:
    result = run("kb", "show", "unobtainium")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "NAME" in result.stderr and "unobtainium" in result.stderr
    assert "Traceback" not in result.stderr


def test_kb_stats_counts_per_kind_and_source() -> None:
    result = run("kb", "stats", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
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
    assert text.returncode == 0 and "evidence spans" in text.stdout


def test_kb_check_passes_on_the_sources(sources: Path) -> None:
    result = run("kb", "check", "--sources", str(sources), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["ok"]
    for source in data["sources"]:
        assert source["failed"] == []
        assert source["paragraph_coverage"] == 1.0, source["source"]


def test_kb_check_reports_drift_and_exits_1(sources: Path, tmp_path: Path) -> None:
    edited = tmp_path / "sources"
    shutil.copytree(sources, edited)
    path = edited / "004_49ffac177dcf7645.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("every 4 weeks", "every 3 weeks"), encoding="utf-8")
    result = run("kb", "check", "--sources", str(edited))
    assert result.returncode == 1
    assert "no longer match" in result.stdout
    assert "cervix-chemoradiation-cisplatin-fluorouracil" in result.stdout


def test_kb_check_takes_sources_from_the_environment(sources: Path) -> None:
    result = run("kb", "check", env={"ONCONAV_SOURCES": str(sources)})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("kb", "check"), "--sources"),
        (("kb", "check", "--sources", "/no/such/dir"), "--sources"),
        (("kb", "locate", "nowhere", "words", "--sources", "."), "SOURCE"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_kb_check_with_a_directory_missing_files_is_exit_2(tmp_path: Path) -> None:
    result = run("kb", "check", "--sources", str(tmp_path))
    assert result.returncode == 2
    assert "not found" in result.stderr and "Traceback" not in result.stderr


def test_kb_locate_prints_a_span(sources: Path) -> None:
    result = run(
        "kb",
        "locate",
        "ccs-cervical-stage4",
        "Brachytherapy (a type",
        "radiation therapy.",
        "--sources",
        str(sources),
    )
    assert result.returncode == 0, result.stderr
    assert "source: ccs-cervical-stage4, start: 688, end: 802" in result.stdout


def test_kb_fmt_check_passes() -> None:
    result = run("kb", "fmt", "--check")
    assert result.returncode == 0, result.stdout


def test_every_command_has_help() -> None:
    for args in (
        ("--help",),
        ("kb", "--help"),
        ("kb", "show", "--help"),
        ("kb", "stats", "--help"),
        ("kb", "check", "--help"),
        ("kb", "locate", "--help"),
        ("kb", "fmt", "--help"),
        ("kb", "schema", "--help"),
    ):
        result = run(*args)
        assert result.returncode == 0, args
        assert "Usage" in result.stdout


def test_python_m_onconav_is_the_command() -> None:
    done = run("kb", "show", "Xeloda", module="onconav")
    assert done.returncode == 0, done.stderr
    assert done.stdout == run("kb", "show", "Xeloda").stdout
    bad = run("options", "--stage", "7", module="onconav")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_the_installed_command_starts_through_the_entry_point() -> None:
    from importlib.metadata import entry_points

    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts["onconav"] == "onconav.__main__:command"


def installed(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("onconav")
    assert script.exists(), "the onconav script is installed beside the interpreter"
    env = {k: v for k, v in os.environ.items() if k != "ONCONAV_SOURCES"}
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


def test_the_installed_command_writes_everything_before_it_ends(sources: Path) -> None:
    """It ends the process without teardown: its output must be complete all the same."""
    done = installed("options", "--profile", "examples/rectal-stage4-kras-wild-type.json",
                     "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["options"], "the whole JSON document arrived"
    text = installed("options", "--profile", "examples/rectal-stage4-kras-wild-type.json",
                     "--sources", str(sources), "--format", "markdown")  # fmt: skip
    assert text.returncode == 0, text.stderr
    assert len(text.stdout) > 20_000 and text.stdout == run(
        "options", "--profile", "examples/rectal-stage4-kras-wild-type.json",
        "--sources", str(sources), "--format", "markdown",
    ).stdout  # fmt: skip


def test_the_installed_command_keeps_exit_statuses_and_one_line_errors() -> None:
    bad = installed("options", "--cancer", "rectum", "--stage", "7")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("onconav: error: stage:")
    unknown = installed("kb", "show", "nothing-here")
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert installed("kb", "stats").returncode == 0


def test_exit_status_is_what_python_would_give(capsys: pytest.CaptureFixture[str]) -> None:
    from onconav.__main__ import exit_status

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
    import onconav.cli

    seen: list[bool] = []
    monkeypatch.setattr(onconav.cli, "main", lambda: seen.append(gc.isenabled()))
    (gc.enable if enabled_before else gc.disable)()
    try:
        entry.run()
        assert seen == [enabled_before]  # the command itself runs with collection as before
        assert gc.isenabled() is enabled_before
        assert gc.get_freeze_count() > 0  # the imported modules' objects were frozen
    finally:
        gc.unfreeze()
        gc.enable()
