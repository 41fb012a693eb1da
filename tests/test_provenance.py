"""Evidence spans verify against the real sources; edits to a source are reported fact by fact."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Iterator
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


def test_spans_lists_every_span_the_knowledge_base_holds(kb) -> None:  # type: ignore[no-untyped-def]
    """``kb.spans()`` is what ``kb check`` verifies: every span in the document, wherever a
    field holds one (counted here in the dumped JSON, not through the model's fields), once."""

    def in_json(value: object) -> Iterator[tuple[str, int, int]]:
        if isinstance(value, dict):
            if {"source", "start", "end", "sha256"} <= value.keys():
                yield value["source"], value["start"], value["end"]
            for item in value.values():
                yield from in_json(item)
        elif isinstance(value, list):
            for item in value:
                yield from in_json(item)

    dumped = sorted(in_json(kb.data.model_dump(mode="json")))
    listed = sorted((s.source, s.start, s.end) for _, s in kb.spans())
    assert listed == dumped and len(listed) > 600
    names = {cited_by for cited_by, _ in kb.spans()}
    assert "rectum/stage_4_spread" in names  # a list of spans other than evidence: by field
    assert any(name.count("/") == 1 and not name.endswith(("/derived", "/stage_4_spread"))
               for name in names)  # a caveat: by its own id


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
    with pytest.raises(provenance.SourceMissing, match=r"is not the folder of the source "
                       r"documents: it holds neither their sources\.json nor any of them"):
        provenance.read_sources(tmp_path, kb)  # a folder of none of them, told once
    (tmp_path / "sources.json").write_text("{}", encoding="utf-8")
    with pytest.raises(provenance.SourceMissing, match=r"^source \S+: file .* not found"):
        provenance.read_sources(tmp_path, kb)  # the folder, a file missing: that file named


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


# --- No source sentences in the project ------------------------------------------------------
# Facts carry over, sentences do not: no run of eight words (case and punctuation ignored) of a
# source may stand in the knowledge base's text, the docs, the code's strings or the templates.
# The sources' titles are names (they are printed with every citation), so their words may.

COPY_RUN = 8
_WORD = re.compile(r"[a-z0-9]+")
_ROOT = Path(__file__).resolve().parents[1]


def _runs(text: str, n: int = COPY_RUN) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            label = item.get("id", i) if isinstance(item, dict) else i
            yield from _strings(item, f"{path}[{label}]")


def _source_runs(kb, sources: Path) -> set[str]:  # type: ignore[no-untyped-def]
    runs: set[str] = set()
    for source in kb.data.sources:
        runs |= _runs((sources / source.file).read_text(encoding="utf-8"))
    for source in kb.data.sources:
        runs -= _runs(source.title)
    return runs


def _project_texts(kb) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    data = kb.data.model_dump(mode="json")
    for source in data.get("sources", []):
        source.pop("title", None)
    yield from _strings(data, "kb")
    globs = [
        "docs/*.md",
        "src/onconav/**/*.py",
        "src/onconav/**/templates/**/*",
        "src/onconav/**/*.yaml",
    ]
    for pattern in globs:
        for path in sorted(_ROOT.glob(pattern)):
            if path.is_file():
                yield (
                    str(path.relative_to(_ROOT)),
                    path.read_text(encoding="utf-8", errors="replace"),
                )


def _copied(texts: Iterable[tuple[str, str]], source_runs: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for where, text in texts:
        shared = _runs(text) & source_runs
        if shared:
            found.setdefault(where, []).extend(sorted(shared)[:3])
    return found


def test_no_eight_word_run_of_a_source_stands_in_the_project(kb, sources: Path) -> None:  # type: ignore[no-untyped-def]
    assert _copied(_project_texts(kb), _source_runs(kb, sources)) == {}


def test_the_copy_check_finds_a_pasted_or_lightly_edited_sentence(kb, sources: Path) -> None:  # type: ignore[no-untyped-def]
    source_runs = _source_runs(kb, sources)
    text = (sources / kb.sources["ccs-rectal-stage4"].file).read_text(encoding="utf-8")
    start = text.index("Pelvic exenteration may be done")
    pasted = text[start : text.index(".", start) + 1]
    # Pasted whole, with other case and punctuation, or with one word changed near the end.
    assert _copied([("pasted", f"Intro. {pasted} Outro.")], source_runs)
    assert _copied([("shouted", pasted.upper().replace(" ", " - "))], source_runs)
    assert _copied([("edited", pasted.replace("pelvis", "belly"))], source_runs)
    # Eight words of it are enough; seven are not.
    words = _WORD.findall(pasted.lower())
    assert _copied([("eight", " ".join(words[:8]))], source_runs)
    assert not _copied([("seven", " ".join(words[:7]))], source_runs)
    # A source's title is a name, not a sentence: citing it is allowed.
    assert not _copied([("title", kb.sources["ccs-rectal-stage4"].title)], source_runs)
