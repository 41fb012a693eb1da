"""The vignette suite: situations written from the sources, each expectation citing the passage it
rests on. Together they cover every option as offered (or in trials), and every option with
conditions also as not_suitable and as needs_information."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from onconav.engine import Result, evaluate
from onconav.profile import parse_profile

HERE = Path(__file__).resolve().parent / "vignettes"


def load_vignettes() -> list[dict[str, Any]]:
    out = []
    for path in sorted(HERE.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            item["file"] = path.name
            out.append(item)
    return out


VIGNETTES = load_vignettes()
STATUSES = {"offered", "needs_information", "not_suitable", "in_trials", "declined"}


def result_of(kb, vignette: dict[str, Any]) -> Result:  # type: ignore[no-untyped-def]
    return evaluate(parse_profile(vignette["profile"], kb), kb)


# what a vignette and each option's expectation may say: another key would check nothing
# (file: added; no_warnings: words no warning may hold)
VIGNETTE_KEYS = {"name", "file", "profile", "expect", "warnings", "no_warnings", "first", "order"}
EXPECT_KEYS = {"status", "because", "missing", "missing_only", "reason", "not_chosen", "caveats",
               "no_caveats", "question"}  # fmt: skip


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["name"] for v in VIGNETTES])
def test_vignette(kb, sources: Path, vignette: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    result = result_of(kb, vignette)
    by_id = {o.id: o for o in result.options}
    texts = {s.id: (sources / s.file).read_text(encoding="utf-8") for s in kb.data.sources}
    assert vignette["expect"], "a vignette must expect something"
    assert set(vignette) <= VIGNETTE_KEYS, set(vignette) - VIGNETTE_KEYS  # a misspelt key
    for option_id, expected in vignette["expect"].items():
        assert set(expected) <= EXPECT_KEYS, (option_id, set(expected) - EXPECT_KEYS)
        source, start, end = expected["because"]
        assert source in texts and 0 <= start < end <= len(texts[source]), expected["because"]
        assert texts[source][start:end].strip(), "the cited passage is blank"
        if expected["status"] == "absent":
            assert option_id not in by_id, f"{option_id} should not be in scope"
            continue
        assert expected["status"] in STATUSES
        assert option_id in by_id, f"{option_id} is not in the result"
        got = by_id[option_id]
        assert got.status.value == expected["status"], (
            f"{option_id}: {got.status.value} ({got.reason})"
        )
        if "missing" in expected:
            assert set(expected["missing"]) <= {m.fact for m in got.missing}, option_id
        if "missing_only" in expected:  # these and nothing else
            assert [m.fact for m in got.missing] == expected["missing_only"], option_id
        if "question" in expected:  # asked of a missing fact, whole
            assert expected["question"] in {m.question for m in got.missing}, got.missing
        if "reason" in expected:
            assert got.reason and expected["reason"].lower() in got.reason.lower(), got.reason
        if "not_chosen" in expected:
            assert got.not_chosen is expected["not_chosen"], option_id
        for caveat in expected.get("caveats", []):  # the caveats that apply to the person
            assert caveat in {c.id for c in got.caveats if c.applies}, (option_id, caveat)
        for caveat in expected.get("no_caveats", []):  # caveats not told: they do not hold
            assert caveat in {c.id for c in kb.by_id[option_id].caveats}, (option_id, caveat)
            assert caveat not in {c.id for c in got.caveats}, (option_id, caveat)
    for warning in vignette.get("warnings", []):
        assert any(warning.lower() in w.lower() for w in result.warnings), result.warnings
    for warning in vignette.get("no_warnings", []):  # words no warning may hold
        assert not any(warning.lower() in w.lower() for w in result.warnings), result.warnings
    if "first" in vignette:
        assert [o.id for o in result.options[: len(vignette["first"])]] == vignette["first"]
    for before, after in vignette.get("order", []):
        ids = [o.id for o in result.options]
        assert ids.index(before) < ids.index(after), (before, after)


def test_there_are_at_least_40_vignettes() -> None:
    assert len(VIGNETTES) >= 40
    assert len({v["name"] for v in VIGNETTES}) == len(VIGNETTES), "vignette names must be unique"


def test_vignettes_cover_every_option_and_status(kb) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, set[str]] = {o.id: set() for o in kb.options}
    for vignette in VIGNETTES:
        for option_id, expected in vignette["expect"].items():
            seen[option_id].add(expected["status"])
    gaps = []
    for option in kb.options:
        first = "in_trials" if option.in_trials else "offered"
        needed = {first}
        if option.when is not None:
            needed |= (
                {"not_suitable", "needs_information"} if not option.in_trials else {"not_suitable"}
            )
        missing = needed - seen[option.id]
        if missing:
            gaps.append(f"{option.id}: {sorted(missing)}")
    assert gaps == []
