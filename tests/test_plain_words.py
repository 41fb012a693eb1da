"""Plain words: descriptions are readable (Flesch-Kincaid grade <= 8 on average per kind of text)
and no run of nine or more words from a source stands anywhere in the project."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from statistics import mean

import pytest
import textstat

ROOT = Path(__file__).resolve().parents[1]
RUN = 9
WORD = re.compile(r"[a-z0-9]+")
TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".yaml",
    ".yml",
    ".json",
    ".html",
    ".j2",
    ".txt",
    ".toml",
    ".csv",
    ".js",
    ".css",
    ".cfg",
    ".ini",
}

KINDS = {
    "options": lambda kb: [o.description for o in kb.data.options],
    "caveats": lambda kb: [c.text for o in kb.data.options for c in o.caveats],
    "notes": lambda kb: [n.text for n in kb.data.notes],
    "drugs": lambda kb: [d.description for d in kb.data.drugs],
    "drug classes": lambda kb: [d.description for d in kb.data.drug_classes],
    "regimens": lambda kb: [r.description for r in kb.data.regimens],
    "procedures": lambda kb: [p.description for p in kb.data.procedures],
    "tests": lambda kb: [t.description for t in kb.data.tests],
    "glossary": lambda kb: [t.description for t in kb.data.glossary],
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_average_reading_grade_is_8_or_lower(kb, kind: str) -> None:  # type: ignore[no-untyped-def]
    texts = KINDS[kind](kb)
    assert texts, f"no {kind} texts"
    grade = mean(textstat.flesch_kincaid_grade(t) for t in texts)
    assert grade <= 8, f"{kind}: mean Flesch-Kincaid grade {grade:.2f}"


def test_grade_is_measured_not_assumed() -> None:
    # Guards the check above: a dense clinical sentence must score well above 8.
    hard = (
        "Administration of fluoropyrimidine-based combination chemotherapeutic regimens "
        "necessitates individualised consideration of comorbidities and performance status."
    )
    assert textstat.flesch_kincaid_grade(hard) > 12


def runs(text: str) -> set[str]:
    words = WORD.findall(text.lower())
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def project_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        ROOT / f for f in listed if Path(f).suffix.lower() in TEXT_SUFFIXES and (ROOT / f).is_file()
    ]


def test_no_source_sentence_is_copied_into_the_project(sources: Path) -> None:
    source_runs: set[str] = set()
    for path in sources.glob("*.txt"):
        source_runs |= runs(path.read_text(encoding="utf-8"))
    copied = {}
    for path in project_files():
        shared = runs(path.read_text(encoding="utf-8", errors="replace")) & source_runs
        if shared:
            copied[str(path.relative_to(ROOT))] = sorted(shared)[:3]
    assert copied == {}


def test_copy_check_detects_a_copied_run(sources: Path) -> None:
    text = next(sources.glob("*.txt")).read_text(encoding="utf-8")
    sentence = " ".join(WORD.findall(text.lower())[40:52])
    source_runs = runs(text)
    assert runs(f"Intro. {sentence}. Outro.") & source_runs


def test_how_often_and_when_an_option_is_given_are_said_in_plain_words() -> None:
    """Each option's details name how often the sources say it is used and when it is given in
    words, never an identifier ("How: most used, until it stops working" had said neither)."""
    from onconav import evaluate, load_kb, parse_profile
    from onconav.kb.model import PROMINENCE_WORDS, Prominence
    from onconav.render import details

    assert set(PROMINENCE_WORDS) == {p.value for p in Prominence}
    kb = load_kb()
    seen = set()
    for cancer in ("rectum", "stomach", "cervix", "lung"):
        for option in evaluate(parse_profile({"cancer": cancer, "stage": "4"}, kb), kb).options:
            for line in details(option):
                label, _, words = line.partition(": ")
                seen.add(label)
                assert "_" not in words, line
    assert {"How often it is used", "When"} <= seen
