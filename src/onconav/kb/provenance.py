"""Evidence spans against the source documents: verification, coverage and drift.

The project never holds the sources' text: only offsets into it and the sha256 of each cited
passage. Given a directory with the source files, these functions check every span, measure how
much of each source's treatment content is cited, and, when a source has changed, report exactly
which facts no longer match (and where an unchanged passage has moved to).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from onconav.kb.load import KnowledgeBase
from onconav.kb.model import Source, Span

BULLET = re.compile(r"^\s*[•\-*]\s")
WORDS = re.compile(r"[A-Za-z0-9]+")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SourceMissing(Exception):
    """A source file named in sources.yaml is not in the directory given, or is not UTF-8 text."""


@dataclass(frozen=True)
class SourceText:
    source: Source
    text: str
    file_sha256: str

    @property
    def changed(self) -> bool:
        return self.file_sha256 != self.source.sha256


def read_source(directory: Path, source: Source) -> SourceText:
    path = directory / source.file
    if not path.is_file():
        raise SourceMissing(f"source {source.id}: file {path} not found")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceMissing(f"source {source.id}: file {path} is not UTF-8 text "
                            f"({error.reason})") from None  # fmt: skip
    return SourceText(source, text, hashlib.sha256(raw).hexdigest())


def read_sources(directory: Path, kb: KnowledgeBase) -> dict[str, SourceText]:
    """Every source's text from ``directory``, the folder of the source documents and their
    sources.json. A folder that holds none of them (``--sources /tmp``) is told once, as the
    folder it is not: it had been told by its first document's file ("source
    ccs-stomach-stage4: file /tmp/000_....txt not found"; a nurse navigator's review)."""
    files = [s.file for s in kb.data.sources]
    if not (directory / "sources.json").is_file() and not any((directory / f).is_file()
                                                               for f in files):  # fmt: skip
        raise SourceMissing(f"{directory} is not the folder of the source documents: it holds "
                            f"neither their sources.json nor any of them ({', '.join(files)}); "
                            "give the folder that holds them")  # fmt: skip
    return {s.id: read_source(directory, s) for s in kb.data.sources}


@dataclass(frozen=True)
class Block:
    """A non-blank line of a source: a paragraph, a list item or a heading."""

    start: int
    end: int
    heading: bool


def is_heading(line: str) -> bool:
    """A short line that is not a list item and does not end like a sentence."""
    stripped = line.strip()
    if not stripped or BULLET.match(line):
        return False
    return stripped[-1] not in ".?!:;)" and len(WORDS.findall(stripped)) <= 12


def blocks(text: str) -> list[Block]:
    out = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        if not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        trail = len(line) - len(line.rstrip())
        out.append(Block(match.start() + lead, match.end() - trail, is_heading(line)))
    return out


def content_blocks(text: str, source: Source) -> list[Block]:
    """Blocks that hold treatment content: not headings and not in an excluded region."""
    excluded = [(x.start, x.end) for x in source.not_treatment_content]
    return [
        b
        for b in blocks(text)
        if not b.heading and not any(s <= b.start and b.end <= e for s, e in excluded)
    ]


@dataclass(frozen=True)
class SpanProblem:
    cited_by: str
    span: Span
    problem: str
    moved_to: tuple[int, int] | None = None

    def describe(self) -> str:
        text = f"{self.cited_by} {self.span.label()}: {self.problem}"
        if self.moved_to is not None:
            text += f" (the same text now stands at {self.moved_to[0]}-{self.moved_to[1]})"
        return text


def relocate(text: str, span: Span) -> tuple[int, int] | None:
    """Find where a passage with the span's length and hash now stands, if anywhere."""
    length = span.end - span.start
    last = len(text) - length
    if last < 0:
        return None
    # Nearest offsets first: an edit elsewhere usually shifts a passage by a little.
    for distance in range(0, max(span.start, last - span.start) + 1):
        for start in {span.start - distance, span.start + distance}:
            if 0 <= start <= last and sha256_text(text[start : start + length]) == span.sha256:
                return (start, start + length)
    return None


def check_span(cited_by: str, span: Span, text: str) -> SpanProblem | None:
    if span.end > len(text):
        moved = relocate(text, span)
        return SpanProblem(cited_by, span, f"out of range (text has {len(text)} chars)", moved)
    passage = text[span.start : span.end]
    if sha256_text(passage) != span.sha256:
        moved = relocate(text, span)
        problem = "the text at these offsets has changed" + ("" if moved else " or was removed")
        return SpanProblem(cited_by, span, problem, moved)
    if not passage.strip():
        return SpanProblem(cited_by, span, "the passage is blank")
    if "\n" not in passage.strip() and is_heading(passage):
        return SpanProblem(cited_by, span, "the passage is only a heading")
    return None


@dataclass
class SourceReport:
    source: Source
    file_changed: bool
    spans: int = 0
    failed: list[SpanProblem] = field(default_factory=list)
    content_blocks: int = 0
    cited_blocks: int = 0
    content_chars: int = 0
    cited_chars: int = 0
    uncited: list[Block] = field(default_factory=list)

    @property
    def block_coverage(self) -> float:
        return self.cited_blocks / self.content_blocks if self.content_blocks else 1.0

    @property
    def char_coverage(self) -> float:
        return self.cited_chars / self.content_chars if self.content_chars else 1.0


def _merge(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _covered(intervals: list[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(end, e) - max(start, s)) for s, e in intervals)


def check(kb: KnowledgeBase, texts: dict[str, SourceText]) -> list[SourceReport]:
    """Verify every span against the texts and measure citation coverage per source."""
    reports = {sid: SourceReport(st.source, st.changed) for sid, st in texts.items()}
    ok_spans: dict[str, list[tuple[int, int]]] = {sid: [] for sid in texts}
    for cited_by, span in kb.spans():
        report = reports[span.source]
        report.spans += 1
        problem = check_span(cited_by, span, texts[span.source].text)
        if problem is None:
            ok_spans[span.source].append((span.start, span.end))
        else:
            report.failed.append(problem)
    for sid, report in reports.items():
        intervals = _merge(ok_spans[sid])
        for block in content_blocks(texts[sid].text, report.source):
            size = block.end - block.start
            covered = _covered(intervals, block.start, block.end)
            report.content_blocks += 1
            report.content_chars += size
            report.cited_chars += covered
            if covered:
                report.cited_blocks += 1
            else:
                report.uncited.append(block)
    return [reports[s.id] for s in kb.data.sources if s.id in reports]


def _words_pattern(words: str) -> str:
    """The words, each run of whitespace in them matching any run of whitespace."""
    return r"\s+".join(re.escape(w) for w in words.split())


def starts(text: str, begins: str) -> list[int]:
    """Where each passage that starts with ``begins`` starts: more than one, and ``locate``
    takes the first (a curator who gave too few words is told so)."""
    return [m.start() for m in re.finditer(_words_pattern(begins), text)]


def locate(text: str, begins: str, ends: str | None = None, after: int = 0) -> tuple[int, int]:
    """Offsets of the passage that starts with ``begins`` and ends with ``ends`` (a curator aid).

    Whitespace in the quotes matches any run of whitespace. Raises LookupError if not found.
    """
    head = re.compile(_words_pattern(begins))
    match = head.search(text, after)
    if match is None:
        raise LookupError(f"no passage begins with {begins!r}")
    if ends is None:
        return match.start(), match.end()
    tail = re.compile(_words_pattern(ends))
    end_match = tail.search(text, match.start())
    if end_match is None:
        raise LookupError(f"no passage after {match.start()} ends with {ends!r}")
    return match.start(), end_match.end()


def make_span(source_id: str, text: str, start: int, end: int) -> Span:
    return Span(source=source_id, start=start, end=end, sha256=sha256_text(text[start:end]))


class Cited(Protocol):
    """Anything that cites a passage: a Span, or a result's Citation (read-only)."""

    @property
    def source(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def sha256(self) -> str: ...


def passages(directory: Path, kb: KnowledgeBase) -> Callable[[Cited], str | None]:
    """A look-up of the passage a citation points to in the source files of ``directory``: its
    text on one line, or None when the source is missing or the passage no longer matches."""
    texts = read_sources(directory, kb)

    def lookup(citation: Cited) -> str | None:
        source = texts.get(citation.source)
        if source is None:
            return None
        span = Span(source=citation.source, start=citation.start, end=citation.end,
                    sha256=citation.sha256)  # fmt: skip
        if check_span("", span, source.text) is not None:
            return None
        return " ".join(source.text[citation.start : citation.end].split())

    return lookup


def not_shown(
    lookup: Callable[[Cited], str | None], citations: Iterable[Cited]
) -> dict[str, list[Cited]]:
    """The citations whose passage ``lookup`` cannot show (the source file no longer matches
    them), by source id, each once, in the order of the file."""
    found: dict[str, list[Cited]] = {}
    seen: set[tuple[str, int, int]] = set()
    for citation in citations:
        key = (citation.source, citation.start, citation.end)
        if key not in seen and lookup(citation) is None:
            found.setdefault(citation.source, []).append(citation)
        seen.add(key)
    return {s: sorted(cited, key=lambda c: (c.start, c.end)) for s, cited in found.items()}


# --------------------------------------------------------------------------------------------
# Reports: the check as data, the coverage table
# --------------------------------------------------------------------------------------------


def check_report(reports: list[SourceReport]) -> dict[str, object]:
    return {
        "ok": not any(r.failed for r in reports),
        "sources": [
            {
                "source": r.source.id,
                "file_changed": r.file_changed,
                "spans": r.spans,
                "failed": [p.describe() for p in r.failed],
                "content_paragraphs": r.content_blocks,
                "cited_paragraphs": r.cited_blocks,
                "paragraph_coverage": round(r.block_coverage, 4),
                "content_chars": r.content_chars,
                "cited_chars": r.cited_chars,
                "char_coverage": round(r.char_coverage, 4),
                "uncited": [[b.start, b.end] for b in r.uncited],
            }
            for r in reports
        ],
    }


def coverage_table(reports: list[SourceReport]) -> str:
    """The coverage figures as a Markdown table (kept current in docs/coverage.md by a test)."""
    rows = [
        "| source | spans | failed | paragraphs cited | characters cited |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in reports:
        rows.append(
            f"| {r.source.id} | {r.spans} | {len(r.failed)} | "
            f"{r.cited_blocks}/{r.content_blocks} ({r.block_coverage:.0%}) | "
            f"{r.cited_chars}/{r.content_chars} ({r.char_coverage:.1%}) |"
        )
    return "\n".join(rows) + "\n"


def coverage_markdown(kb: KnowledgeBase, reports: list[SourceReport], command: str) -> str:
    """The coverage page (docs/coverage.md), saying the ``command`` that measured it as it was
    run (it had said ``--sources ../shared/sources --report docs/coverage.md`` whatever was)."""
    import platform
    from datetime import date

    excluded = "\n".join(
        f"- {s.id} {x.start}-{x.end}: {x.why}"
        for s in kb.data.sources
        for x in s.not_treatment_content
    )
    return (
        "# Citation coverage of the sources\n\n"
        f"Knowledge base {kb.version}, measured {date.today().isoformat()} on "
        f"{platform.machine()} / Python {platform.python_version()} with:\n\n"
        f"```sh\n{command}\n```\n\n"
        "A paragraph is a non-blank line of a source (a paragraph, a list item); headings and the\n"
        "regions listed below hold no treatment content and are not counted. A paragraph is cited\n"
        "when at least one verified evidence span overlaps it; characters cited counts the\n"
        "paragraph characters inside verified spans.\n\n"
        + coverage_table(reports)
        + "\nRegions left out (from `sources.yaml`, each with its reason):\n\n"
        + excluded
        + "\n"
    )
