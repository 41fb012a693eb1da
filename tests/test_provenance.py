"""Evidence spans verify against the real sources; edits to a source are reported fact by fact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from onconav.kb import provenance
from onconav.kb.model import Span


def test_every_span_verifies_against_the_sources(kb, sources: Path) -> None:  # type: ignore[no-untyped-def]
    reports = provenance.check(kb, provenance.read_sources(sources, kb))
    problems = [p.describe() for r in reports for p in r.failed]
    assert problems == []
    assert all(not r.file_changed for r in reports)
    assert sum(r.spans for r in reports) == len(kb.spans()) > 0


def test_every_treatment_paragraph_is_cited(kb, sources: Path) -> None:  # type: ignore[no-untyped-def]
    texts = provenance.read_sources(sources, kb)
    reports = provenance.check(kb, texts)
    uncited = {
        r.source.id: [texts[r.source.id].text[b.start : b.end][:60] for b in r.uncited]
        for r in reports
        if r.uncited
    }
    assert uncited == {}


def test_source_hashes_match_sources_json(kb, sources: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    listed = {s["id"]: s for s in json.loads((sources / "sources.json").read_text())["sources"]}
    for source in kb.data.sources:
        assert source.sha256 == listed[source.id]["sha256"]
        assert source.chars == listed[source.id]["chars"]
        assert source.file == listed[source.id]["file"]


def _edited_copy(tmp_path: Path, sources: Path, file: str, edit) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "sources"
    shutil.copytree(sources, target)
    path = target / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_drift_report_names_the_facts_whose_text_changed(kb, sources: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = kb.sources["ccs-rectal-stage4"]
    text = (sources / source.file).read_text(encoding="utf-8")
    # Change one word inside the FOLFIRI list item: the facts citing it, and only those, drift.
    start = text.index("FOLFIRI –")
    edited = _edited_copy(
        tmp_path, sources, source.file, lambda t: t[:start] + "FOLFIRX" + t[start + 7 :]
    )
    reports = {r.source.id: r for r in provenance.check(kb, provenance.read_sources(edited, kb))}
    report = reports["ccs-rectal-stage4"]
    assert report.file_changed
    expected = {
        cited_by
        for cited_by, span in kb.spans()
        if span.source == "ccs-rectal-stage4" and span.start <= start < span.end
    }
    assert expected, "some fact must cite the FOLFIRI list item"
    assert {p.cited_by for p in report.failed} == expected
    assert all(p.moved_to is None for p in report.failed)
    assert all("changed" in p.problem for p in report.failed)
    assert not any(r.failed for sid, r in reports.items() if sid != "ccs-rectal-stage4")


def test_drift_report_finds_where_unchanged_text_moved(kb, sources: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = kb.sources["ccs-cervical-stage4"]
    edited = _edited_copy(tmp_path, sources, source.file, lambda t: "A new first line.\n\n" + t)
    report = next(
        r
        for r in provenance.check(kb, provenance.read_sources(edited, kb))
        if r.source.id == "ccs-cervical-stage4"
    )
    assert report.failed, "every span moved by 19 characters"
    assert all(p.moved_to == (p.span.start + 19, p.span.end + 19) for p in report.failed)
    cited = {cited_by for cited_by, span in kb.spans() if span.source == "ccs-cervical-stage4"}
    assert {p.cited_by for p in report.failed} == cited


def test_truncated_source_reports_spans_out_of_range(kb, sources: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = kb.sources["acs-advanced"]
    edited = _edited_copy(tmp_path, sources, source.file, lambda t: t[:2000])
    report = next(
        r
        for r in provenance.check(kb, provenance.read_sources(edited, kb))
        if r.source.id == "acs-advanced"
    )
    assert any("out of range" in p.problem for p in report.failed)


def test_missing_source_file_is_an_error(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(provenance.SourceMissing, match="not found"):
        provenance.read_sources(tmp_path, kb)


def _span(text: str, start: int, end: int) -> Span:
    return provenance.make_span("s", text, start, end)


def test_blank_and_heading_spans_are_rejected() -> None:
    text = "Radiation therapy\n\nIt can ease pain.\n   \n"
    assert (
        provenance.check_span("x", _span(text, 0, 17), text).problem
        == "the passage is only a heading"
    )  # type: ignore[union-attr]
    assert provenance.check_span("x", _span(text, 37, 40), text).problem == "the passage is blank"  # type: ignore[union-attr]
    assert provenance.check_span("x", _span(text, 19, 36), text) is None


def test_bullet_item_is_content_not_heading() -> None:
    assert not provenance.is_heading("  • irinotecan (Camptosar)")
    assert provenance.is_heading("Targeted therapy")


def test_locate_finds_a_passage_across_line_breaks() -> None:
    text = "One two\nthree four. Five six."
    assert provenance.locate(text, "two three", "four.") == (4, 19)
    with pytest.raises(LookupError):
        provenance.locate(text, "seven")
