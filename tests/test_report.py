"""The printable report: everything the answer shows, the passages cited (each once), the
knowledge version, the sources' dates, the questions, space for notes; as one HTML file and as a
PDF with numbered pages; from `onconav report` (its errors one line each, exit status 2) and the
page (``/report.pdf`` is tested with the page's logs in test_page.py)."""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from onconav import evaluate, parse_profile, render
from onconav.kb import provenance
from onconav.kb.provenance import Cited
from onconav.render import STATUS_WORDS, question_of, source_words, why_not
from onconav.result import Citation, Result, Status
from onconav.web import report, views
from onconav.web.views import DECIDE_MOST, HERE, SYMPTOMS_TAG
from test_engine import partial_and_more
from test_page import (
    EXAMPLES,
    KB,
    Html,
    check_nothing_inline_or_foreign,
    example_profile,
    shown,
    statuses,
)

Passage = Callable[[Cited], str | None]
MADE = date(2031, 2, 3)
ROOT = Path(__file__).resolve().parents[1]
SMALL = Path("examples") / "thyroid-advanced.json"  # the fewest options: the quickest PDF


@pytest.fixture(scope="module")
def passage(sources: Path) -> Passage:
    return provenance.passages(sources, KB)


def every_citation(result: Result) -> list[Citation]:
    """Each citation of the result, where it is cited: options, their caveats, the notes."""
    out = []
    for option in result.options:
        out += option.citations
        for caveat in option.caveats:
            out += caveat.citations
    for note in result.notes:
        out += note.citations
    return out


def words(text: str) -> str:
    return " ".join(text.split())


def section(html: Html, heading: str) -> str:
    """The text of the section whose h2 is ``heading``."""
    h2 = [e for e in html.find("h2") if e.text == heading]
    assert len(h2) == 1, heading
    return h2[0].parents[-1].text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_report_holds_the_answer_the_sources_and_the_passages_cited(
    path: Path, passage: Passage
) -> None:
    result = evaluate(example_profile(path), KB)
    document = report.html(result, KB, passage, made=MADE)
    assert document.lstrip().lower().startswith("<!doctype html>")
    html = Html(document)
    check_nothing_inline_or_foreign(html, styles_allowed=True)
    assert not html.find("script")
    # the stylesheet is inside, as written: <style> is not HTML, so nothing in it is escaped
    (style,) = html.find("style")
    assert style.raw == (HERE / "static" / "onconav.css").read_text(encoding="utf-8")

    text = html.text
    assert html.one("h1").text == f"Treatment options for {result.cancer_name}"
    assert f"made on {MADE.isoformat()}" in text
    # the date is kept on one line (a review: it broke as "2026-" / "12-05" on a phone)
    assert html.one("time", class_="made").text == MADE.isoformat()
    assert re.search(r"time\.made\s*\{\s*white-space:\s*nowrap", style.raw)
    # every option, in the core's order, with its name, its status in words and why not
    assert shown(html) == statuses(result)
    for option in result.options:
        article = html.one("article", data_option=option.id)
        assert html.one("h4", within=article).text == words(option.name)
        status = html.one("span", within=article, class_="status-words").text
        assert status == STATUS_WORDS[option.status]
        if option.reason_shown:  # without its lead, said twice ("Why not: Not for this ...")
            assert f"Why not: {words(why_not(option.reason_shown))}" in article.text
            assert "Not for this situation" not in article.text
        for citation in option.citations:
            assert citation.label in article.text
        # "Sources:" as its heading, the labels in the text's weight (a short answer's whole
        # line had been the heading, bold)
        (line,) = html.find("p", within=article, class_="sources")
        assert html.one("span", within=line, class_="sources-h").text == "Sources:"
        assert not html.find("p", within=article, class_="sources-h")
    # the disclaimer, the knowledge version, each source with its date
    assert html.one("p", class_="disclaimer").text == words(result.disclaimer)
    provenance_ = section(html, "Sources")
    assert f"Knowledge base {KB.version}" in provenance_ and result.kb_version == KB.version
    # the sources are those cited, each with its publisher and date, each named as the command
    # line names them ("(Canadian Cancer Society, not stated in the copy)" read as if the
    # publisher were not stated)
    assert {s.id for s in result.sources} == {c.source for c in every_citation(result)}
    listed = [li.text for li in html.find("li", within=html.one("section", class_="provenance"))]
    assert listed == [words(source_words(s)) for s in result.sources]
    for source in (KB.sources[s.id] for s in result.sources):
        assert source.dated
        assert f"publisher: {source.publisher}; dated: {source.dated}" in provenance_
    # the questions, what would change the answer, and space for notes
    asked = section(html, "Questions to ask your care team")
    assert result.questions and all(words(q) in asked for q in result.questions)
    if result.what_would_change:
        change = section(html, "What would change your options")
        assert all(words(question_of(f)) in change for f in result.what_would_change)
    assert "Space for your notes" in section(html, "Notes")
    assert len(html.find("div", class_="line")) >= 10

    # the passages cited: each unique one once, in the order of the sources, with its text
    labels = quoted_labels(html)
    unique = {c.label: c for c in every_citation(result) if c.label in body_labels(html)}
    in_order = sorted(unique.values(), key=lambda c: (c.source, c.start, c.end))
    assert labels == [c.label for c in in_order]
    assert len(labels) == len(set(labels)) > 0
    quoted = [q.text for q in html.find("blockquote")]
    for label in labels:
        cited = passage(unique[label])
        assert cited, f"{label}: the source files hold every passage"
        assert words(cited) in quoted, label
    assert "The passages cited" in text

    assert "which are quoted at the end" in html.one("p", class_="lead").text
    without = Html(report.html(result, KB, None, made=MADE))
    assert "The passages cited" not in without.text and not without.find("blockquote")
    # without the source files it promises no passages
    assert "quoted" not in without.one("p", class_="lead").text
    assert shown(without) == statuses(result)


LABEL = re.compile(r"\[[a-z0-9-]+ \d+-\d+\]")


def quoted_labels(html: Html) -> list[str]:
    """The labels of the passages quoted at the end, in order, each after whose page it is."""
    out = []
    for p in html.find("p", class_="cite-label"):
        (who,) = html.find("span", within=p, class_="who")
        (label,) = html.find("span", within=p, class_="label")
        assert p.text == f"{who.text} {label.text}", p.text
        assert who.text == render.source_name(KB.sources[label.text[1:].split()[0]])
        out.append(label.text)
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_source_a_report_cites_is_named_by_whose_page_it_is(path: Path) -> None:
    """A citation had been printed as its id and offsets only ("[ccs-rectal-stage4 2654-2820]"):
    each option's sources (and each caveat's) say whose page they are, in words (publisher and
    title), before the labels of their passages (a review of the page by a patient's family
    member)."""
    result = evaluate(example_profile(path), KB)
    html = Html(report.html(result, KB, None, made=MADE))
    for option in result.options:
        article = html.one("article", data_option=option.id)
        (line,) = html.find("p", within=article, class_="sources")
        whose = [w.text for w in html.find("span", within=line, class_="who")]
        assert whose == list(dict.fromkeys(
            render.source_name(KB.sources[c.source]) for c in option.citations)), option.id
        assert line.text.startswith("Sources: " + whose[0] + " ["), line.text


def body_labels(html: Html) -> set[str]:
    """The labels of the passages the report's body cites: every label before its passages
    quoted."""
    quoted = html.find("section", class_="cited")
    text = html.text
    if quoted:
        text = text.replace(quoted[0].text, "")
    return set(LABEL.findall(text))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_report_quotes_the_passages_its_body_cites_and_no_other(
    path: Path, passage: Passage
) -> None:
    """An option printed short (not suitable: its reason and sources) does not print its
    caveats, and their passages were quoted all the same, with no label in the report referring
    to them ([acs-advanced 6811-6922] in the rectal example): every passage quoted is cited in
    the body, and every label of the body is quoted."""
    result = evaluate(example_profile(path), KB)
    html = Html(report.html(result, KB, passage, made=MADE))
    quoted = set(quoted_labels(html))
    assert quoted == body_labels(html) != set()
    if path.name == "rectal-stage4-kras-wild-type.json":
        assert "[acs-advanced 6811-6922]" not in quoted


def test_the_report_prints_what_can_be_done_instead_of_an_option_that_does_not_suit(
    passage: Passage,
) -> None:
    """FOLFIRI stopped working: printed short, it still says that other drugs can be used
    instead (a caveat marked ``instead``), and the passage that caveat cites is referred to in
    the body, as every passage the report quotes is."""
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "metastases": ["liver"],
                                     "progressed_on": ["FOLFIRI"]}, KB), KB)  # fmt: skip
    folfiri = next(o for o in result.options if o.id == "rectum-folfiri")
    assert folfiri.status.value == "not_suitable" and folfiri.caveats
    html = Html(report.html(result, KB, passage, made=MADE))
    article = html.one("article", data_option="rectum-folfiri")
    assert "Other drugs can be used instead of FOLFIRI" in article.text
    for citation in folfiri.caveats[0].citations:
        assert citation.label in article.text
    quoted = set(quoted_labels(html))
    assert quoted == body_labels(html)


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF: its page objects, those in compressed object streams
    included (``pdf_objects``), checked against the /Count of its page tree."""
    assert data.startswith(b"%PDF-")
    objects = pdf_objects(data)
    pages = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", objects))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", objects)]
    assert counts and pages == max(counts), (pages, counts)
    return pages


def pdf_objects(data: bytes) -> bytes:
    """A PDF's objects as text: the file, and the objects of its compressed object streams."""
    chunks = [data]
    for match in re.finditer(rb"obj\s*<<((?:(?!endobj).)*?)>>\s*stream\r?\n", data, re.S):
        head = match.group(1)
        length = re.search(rb"/Length (\d+)", head)
        assert length is not None, head
        if b"/ObjStm" in head:
            assert b"/FlateDecode" in head, head
            chunks.append(zlib.decompress(data[match.end() : match.end() + int(length.group(1))]))
    return b"\n".join(chunks)


def test_the_pdf_is_tagged_for_screen_readers() -> None:
    """The PDF was untagged (no structure tree, no /MarkInfo): a screen reader got lines of text
    with no headings, lists or paragraphs. It is tagged: its headings are in its structure."""
    result = evaluate(example_profile(SMALL), KB)
    objects = pdf_objects(report.pdf(result, KB, made=MADE))
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects), "marked content"
    for tag in (b"/H1", b"/H2", b"/P", b"/L"):
        assert re.search(rb"/S\s*" + re.escape(tag) + rb"\b", objects), tag


def margin_text(box: object) -> str:
    out = [getattr(box, "text", "")]
    for child in getattr(box, "children", []):
        out.append(margin_text(child))
    return " ".join(" ".join(out).split())


def test_onconav_report_writes_a_pdf_with_numbered_pages(
    run, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    import weasyprint  # type: ignore[import-untyped]

    out = tmp_path / "report.pdf"
    done = run("report", "--profile", str(SMALL), "--out", str(out))
    assert done.status == 0, done.stderr
    assert done.stdout == ""
    assert str(out) in done.stderr and "pdf" in done.stderr
    pages = pdf_pages(out.read_bytes())
    assert pages > 1

    # the same report laid out again: every page says its number and the number of pages
    # (the @page rule of the stylesheet is applied), and nothing is fetched
    result = evaluate(example_profile(SMALL), KB)
    quiet = logging.getLogger("weasyprint")  # report.pdf keeps its records from the log
    quiet.propagate = True
    try:
        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            document = weasyprint.HTML(string=report.html(result, KB),
                                       url_fetcher=report._no_fetch).render()  # fmt: skip
    finally:
        quiet.propagate = False
    assert len(document.pages) == pages
    for number, laid_out in enumerate(document.pages, start=1):
        margins = {box.at_keyword: margin_text(box) for box in laid_out._page_box.children
                   if getattr(box, "at_keyword", None)}  # fmt: skip
        assert margins.get("@bottom-right") == f"Page {number} of {pages}", margins
    fetched = [r.getMessage() for r in caplog.records if "fetch" in r.getMessage()
               or "Failed to load" in r.getMessage()]  # fmt: skip
    assert not fetched, fetched


def test_the_pdf_logs_none_of_the_persons_words(caplog: pytest.LogCaptureFixture) -> None:
    """Rendering a report logs nothing of the document: WeasyPrint logged each character of a
    typed cancer name that no font has (one warning per character, in the server's log), and a
    line per step of its work."""
    name = "\u092b\u0947\u092b\u0921\u093c\u0947 \u0915\u093e \u0915\u0948\u0902\u0938\u0930 \ue000"
    result = evaluate(parse_profile({"cancer": name, "stage": "4"}, KB), KB)
    with caplog.at_level(logging.DEBUG):
        assert report.pdf(result, KB).startswith(b"%PDF")
    assert not [r for r in caplog.records if r.name.split(".")[0] in {"weasyprint", "fontTools"}]
    assert not [r for r in caplog.records if any(c in r.getMessage() for c in name.split()[0])]


def first_pieces(box: object) -> list[object]:
    """The boxes of an option (article) or a passage cited (blockquote) on a page, in order, and
    before them whatever else starts the page: the page's own content, depth first."""
    out: list[object] = []
    for child in getattr(box, "children", []):
        tag = getattr(child, "element_tag", None)
        if tag in ("article", "blockquote") or _is_note(child):
            out.append(child)
        elif tag in ("h2", "h3", "p", "ul", "li", "dl") and not out:
            out.append(child)  # something before any option or passage: a heading, a line
        else:
            out += first_pieces(child)
    return out


def _is_note(box: object) -> bool:
    element = getattr(box, "element", None)
    return getattr(box, "element_tag", None) == "div" and element is not None and (
        element.get("class") == "note")  # fmt: skip


def holds(box: object, tag: str) -> bool:
    return getattr(box, "element_tag", None) == tag or any(
        holds(c, tag) for c in getattr(box, "children", []))  # fmt: skip


def test_a_page_that_starts_inside_an_option_or_a_passage_names_it_at_its_head(
    passage: Passage,
) -> None:
    """An option (or a passage cited) that runs on to the next page is named at the head of that
    page, "FOLFIRI chemotherapy (continued)": its details, caveats and sources were at the top of
    a page with nothing saying which option they belong to; so is a note of "Good to know" (a
    review of the report). A page that starts with an option, a passage or anything else has
    nothing at its head."""
    import weasyprint  # type: ignore[import-untyped]

    continued = notes = 0
    # many options and passages; and notes run on (which of them run on follows the words: the
    # rectal and cervical 4A examples' notes came to fit their pages, so two more examples)
    for name in ("rectal-stage4-kras-wild-type.json", "cervical-stage4a.json",
                 "stomach-stage4-her2-positive.json", "cervical-stage4b-after-chemotherapy.json"):
        result = evaluate(example_profile(ROOT / "examples" / name), KB)
        document = weasyprint.HTML(string=report.html(result, KB, passage, made=MADE),
                                   url_fetcher=report._no_fetch).render()  # fmt: skip
        names = {o.id: o.name for o in result.options}
        continued, notes = _heads_checked(document, names, continued, notes)
    assert continued, "the examples have options that run on to the next page"
    assert notes, "and notes of 'Good to know' that do (they had nothing at the page's head)"


def _heads_checked(document: Any, names: dict[str, str], continued: int,
                   notes: int) -> tuple[int, int]:  # fmt: skip
    """Each page's head checked (``test_a_page_that_starts_inside_...``): the counts of pages
    that name an option or a passage run on, and of those that name a note, added to."""
    for number, laid_out in enumerate(document.pages, start=1):
        margins = {box.at_keyword: margin_text(box) for box in laid_out._page_box.children
                   if getattr(box, "at_keyword", None)}  # fmt: skip
        pieces = first_pieces(laid_out._page_box)
        first = pieces[0] if pieces else None
        expected = ""
        if getattr(first, "element_tag", None) == "article" and not holds(first, "h4"):
            expected = f"{names[first.element.get('data-option')]} (continued)"
        elif _is_note(first) and not holds(first, "h3"):  # a note of "Good to know", run on
            expected = f"{first.element.find('p').get('data-name')} (continued)"
            notes += 1
        elif getattr(first, "element_tag", None) == "blockquote" and number > 1:
            previous = first_pieces(document.pages[number - 2]._page_box)
            if any(p.element is first.element for p in previous):  # the same quote, run on
                expected = f"{first.element.get('data-label')} (continued)"
        assert margins.get("@top-left", "") == " ".join(expected.split()), number
        continued += bool(expected)
    return continued, notes


def test_the_link_back_to_the_answer_is_never_printed() -> None:
    """The report served as a page links back to its answer ("Back to your options"): not in
    the report of the PDF or of onconav report, which have no answer to go back to, and not
    printed (WeasyPrint lays a page out as printed)."""
    import weasyprint  # type: ignore[import-untyped]

    result = evaluate(parse_profile({"cancer": "thyroid", "stage": "4"}, KB), KB)
    assert "Back to your options" not in report.html(result, KB)  # as report.pdf makes it
    served = report.html(result, KB, answer_url="/options?cancer=thyroid&stage=4")
    assert [a.text for a in Html(served).find("a", href="/options?cancer=thyroid&stage=4")] == [
        "Back to your options"]
    document = weasyprint.HTML(string=served, url_fetcher=report._no_fetch).render()
    texts = " ".join(text for text, _ in _page_texts(document))
    assert "Treatment options for" in texts and "Back to your options" not in texts


def test_onconav_report_prints_html_with_the_passages(run, sources: Path) -> None:  # type: ignore[no-untyped-def]
    path = Path("examples") / "rectal-stage4-kras-wild-type.json"
    done = run("report", "--profile", str(path), "--format", "html", "--out", "-",
               "--sources", str(sources))  # fmt: skip
    assert done.status == 0, done.stderr
    assert done.stdout.lower().startswith("<!doctype html>")
    html = Html(done.stdout)
    assert shown(html) == statuses(evaluate(example_profile(path), KB))
    assert html.find("p", class_="cite-label") and "The passages cited" in html.text
    assert f"made on {date.today().isoformat()}" in html.text


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--profile", "examples/no-such-profile.json", "--out", "-"], "--profile"),
        (["--profile", str(SMALL), "--format", "html", "--out", "{tmp}/no-such-dir/r.html"],
         "--out"),
        (["--profile", str(SMALL), "--format", "html", "--out", "{tmp}"], "--out"),
        # a format the file's name contradicts (HTML had been written into r.pdf)
        (["--profile", str(SMALL), "--format", "html", "--out", "{tmp}/r.pdf"], "--format"),
        (["--profile", str(SMALL), "--format", "pdf", "--out", "{tmp}/r.HTML"], "--format"),
    ],
)  # fmt: skip
def test_onconav_report_refuses_in_one_line(run, tmp_path: Path, args: list[str],
                                            option: str) -> None:  # type: ignore[no-untyped-def]
    done = run("report", *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert done.status == 2
    (line,) = done.errors()
    assert option in line
    assert done.stdout == ""
    assert not (tmp_path / "no-such-dir").exists()
    assert not list(tmp_path.glob("r.*"))


def test_onconav_report_writes_over_a_file_only_with_force(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file at --out is not written over without --force (as onconav cohort): one line
    naming --force, exit status 2, the file as it was (any file had been replaced)."""
    out = tmp_path / "r.html"
    out.write_text("last month's report")
    done = run("report", "--profile", str(SMALL), "--out", str(out))
    assert done.status == 2 and done.stdout == ""
    assert done.errors() == [f"onconav: error: --out: {out} is there already; it is not "
                             "written over (give another --out, or --force to replace it)"]
    assert out.read_text() == "last month's report"
    done = run("report", "--profile", str(SMALL), "--out", str(out), "--force")
    assert done.status == 0, done.stderr
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "force"])
@pytest.mark.parametrize("named", ["same", "relative", "symlink", "hardlink", "dotted"])
def test_onconav_report_never_writes_over_its_profile(run, tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                      named: str, force: list[str]) -> None:
    """The profile read is never written over, by any name, even with --force: `onconav report
    -p victim.json --out victim.json --format html` had replaced the profile with the report."""
    profile = tmp_path / "victim.json"
    original = (ROOT / SMALL).read_bytes()
    profile.write_bytes(original)
    monkeypatch.chdir(tmp_path)
    out = {"same": str(profile), "relative": "victim.json", "dotted": f"{tmp_path}/./victim.json",
           "symlink": "link.html", "hardlink": "hard.html"}[named]  # fmt: skip
    if named == "symlink":
        (tmp_path / "link.html").symlink_to(profile)
    if named == "hardlink":
        (tmp_path / "hard.html").hardlink_to(profile)
    done = run("report", "--profile", str(profile), "--out", out, "--format", "html", *force)
    assert done.status == 2 and done.stdout == ""
    assert done.errors() == [f"onconav: error: --out: {Path(out)} is the --profile file; give "
                             "another file"]  # fmt: skip
    assert profile.read_bytes() == original


def test_onconav_report_writes_no_pdf_to_a_terminal(tmp_path: Path) -> None:
    """``--out -`` on a terminal: a PDF's bytes are no use on a screen (they were written
    there); refused in one line naming --out, before anything is made. Piped, it is written
    (the test above), and HTML, which is text, is written to a terminal too."""
    import os
    import pty
    import subprocess
    import sys
    import threading

    for fmt, refused in (("pdf", True), ("html", False)):
        main, terminal = pty.openpty()
        shown: list[bytes] = []

        def drain(fd: int = main, into: list[bytes] = shown) -> None:  # the screen, read
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # the terminal's other end closed
                    return
                if not chunk:
                    return
                into.append(chunk)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        try:
            done = subprocess.run([sys.executable, "-m", "onconav", "report", "--profile",
                                   str(ROOT / SMALL), "--format", fmt, "--out", "-"],
                                  stdout=terminal, stderr=subprocess.PIPE, text=True,
                                  cwd=tmp_path, timeout=300)  # fmt: skip
        finally:
            os.close(terminal)
        reader.join(timeout=30)
        os.close(main)
        screen = b"".join(shown)
        if refused:
            assert done.returncode == 2, done.stderr
            (line,) = done.stderr.splitlines()
            assert line.startswith("onconav: error: --out: '-' is the standard output, a "
                                   "terminal here"), line  # fmt: skip
            assert screen == b""
        else:
            assert done.returncode == 0, done.stderr
            assert b"<!doctype html>" in screen.lower()


def test_onconav_report_takes_its_format_from_the_file_name(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Without --format, a file named .html gets HTML (it had got a PDF)."""
    done = run("report", "--profile", str(SMALL), "--out", str(tmp_path / "r.html"))
    assert done.status == 0, done.stderr
    assert (tmp_path / "r.html").read_text(encoding="utf-8").lstrip().lower().startswith(
        "<!doctype html>")


def test_onconav_report_reads_the_profile_as_options_does(run) -> None:  # type: ignore[no-untyped-def]
    done = run("report", "--profile", "-", "--format", "html", "--out", "-",
               stdin='{"cancer": "rectum", "stage": "stage 9"}')  # fmt: skip
    assert done.status == 2
    (line,) = done.errors()
    assert line.startswith("onconav: error: stage: ")


def boxes_of(box: object, css_class: str) -> list[object]:
    """The boxes on a page of the elements with a class."""
    element = getattr(box, "element", None)
    here = [box] if element is not None and getattr(box, "element_tag", None) and css_class in (
        element.get("class") or "").split() else []  # fmt: skip
    return here + [b for c in getattr(box, "children", []) for b in boxes_of(c, css_class)]


@pytest.mark.parametrize("name", ["thyroid-advanced.json", "cervical-stage4a.json"])
def test_the_space_for_notes_is_one_page_of_its_own(passage: Passage, name: str) -> None:
    """The notes (heading, words, lines) are on the last page, whole, and nothing else is: with
    the passages cited the heading and 8 lines ended one page and 6 lines made the next."""
    import weasyprint  # type: ignore[import-untyped]

    result = evaluate(example_profile(EXAMPLES[0].parent / name), KB)
    document = weasyprint.HTML(string=report.html(result, KB, passage, made=MADE),
                               url_fetcher=report._no_fetch).render()  # fmt: skip
    last = len(document.pages) - 1
    for number, laid_out in enumerate(document.pages):
        lines = boxes_of(laid_out._page_box, "line")
        notes = boxes_of(laid_out._page_box, "notes-space")
        if number == last:
            assert len(lines) == 14 and notes and holds(notes[0], "h2")
            assert first_pieces(laid_out._page_box)[0].element_tag == "h2"  # nothing before
        else:
            assert not lines and not notes, number + 1


def _page_texts(document: object) -> list[tuple[str, list[float]]]:
    """Each page of a laid-out report: its text, and the sizes of its letters (px)."""
    out = []
    for page in document.pages:  # type: ignore[attr-defined]
        texts: list[str] = []
        sizes: list[float] = []
        waiting = [page._page_box]
        while waiting:
            box = waiting.pop(0)
            if getattr(box, "text", None):
                texts.append(box.text)
                sizes.append(box.style["font_size"])
            waiting = list(getattr(box, "children", None) or []) + waiting
        out.append((" ".join(" ".join(texts).split()), sizes))
    return out


def test_the_report_is_large_enough_to_read_and_keeps_each_meaning_whole(
    passage: Passage,
) -> None:
    """The report's text was 10.5 pt, small for older readers: 12 pt. "Needs information" ended
    one page and what it means began the next: each status stays with its meaning."""
    import weasyprint  # type: ignore[import-untyped]

    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "kras": "wild-type"},
                                    KB), KB)  # fmt: skip
    document = weasyprint.HTML(string=report.html(result, KB, passage)).render()
    pages = _page_texts(document)
    body = [size for _, sizes in pages for size in sizes]
    assert sorted(body)[len(body) // 2] >= 16, "most of the text is 12 pt (16 px) or more"
    for status, meaning in (("Needs information", "It may or may not fit"),
                            ("Offered", "The sources describe this option")):  # fmt: skip
        both = [text for text, _ in pages if f"{status} {meaning}" in text]
        assert both, f"{status} and its meaning on one page"
    # each meaning is kept whole, whatever falls where: a block that is not split
    css = (HERE / "static" / "onconav.css").read_text(encoding="utf-8")
    assert re.search(r"\.meanings \.meaning \{[^}]*break-inside: avoid", css)


def _lines(box: object) -> Iterator[str]:
    """The text of each line laid out (WeasyPrint's line boxes), depth first."""
    if type(box).__name__ == "LineBox":
        texts: list[str] = []
        waiting = [box]
        while waiting:
            inner = waiting.pop(0)
            if getattr(inner, "text", None):
                texts.append(inner.text)
            waiting = list(getattr(inner, "children", None) or []) + waiting
        yield "".join(texts)
        return
    for child in getattr(box, "children", None) or []:
        yield from _lines(child)


def test_a_citations_label_is_never_broken_across_lines(passage: Passage) -> None:
    """In the PDF a label ended a line at its hyphen, "[ccs-rectal-", and went on in the next,
    "stage4 2064-2159]": each label is laid out on one line, beside an option and before its
    passage quoted."""
    import weasyprint  # type: ignore[import-untyped]

    path = ROOT / "examples" / "rectal-stage4-kras-wild-type.json"
    result = evaluate(example_profile(path), KB)
    written = report.html(result, KB, passage, made=MADE)
    document = weasyprint.HTML(string=written, url_fetcher=report._no_fetch).render()
    lines = [line for page in document.pages for box in page._page_box.children
             if not getattr(box, "at_keyword", None) for line in _lines(box)]  # no margins
    text = Html(written).text
    labels = {c.label for c in every_citation(result) if c.label in text}
    assert len(labels) > 20
    for label in labels:
        whole = sum(line.count(label) for line in lines)
        assert whole == text.count(label), label
    assert "[ccs-rectal-stage4 2064-2159]" in labels


@pytest.mark.parametrize(("typed", "font"), [("直肠", b"CJK"), ("मलाशय", b"Devanagari"),
                                             ("ทวารหนัก", b"Thai")])  # fmt: skip
def test_the_pdf_prints_words_typed_in_any_script(typed: str, font: bytes) -> None:
    """Words a person typed in Chinese (their cancer's name) printed as empty boxes in the PDF:
    the only font was DejaVu Sans, which has no such letters (a review of the report). The
    project's set-up installs Noto's fonts (Makefile), and the PDF embeds one that has them."""
    result = evaluate(parse_profile({"cancer": typed, "stage": "4"}, KB), KB)
    objects = pdf_objects(report.pdf(result, KB, made=MADE))
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", objects))
    assert any(font in name for name in fonts), fonts


def test_a_report_says_which_passages_it_cannot_quote(run, sources: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A source file changed since it was cited: the report left its passages out without a word,
    where `onconav options` warns (a review of the command line). The command warns as options
    does, and the report names them for the person reading it."""
    import shutil

    changed = tmp_path / "sources"
    shutil.copytree(sources, changed)
    for path in changed.glob("*.txt"):
        if "stomach" in path.read_text(encoding="utf-8")[:200].lower():
            path.write_text("An added line.\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "r.html"
    done = run("report", "--profile", "examples/stomach-stage4-her2-positive.json", "--out",
               str(out), "--sources", str(changed))  # fmt: skip
    assert done.status == 0, done.stderr
    assert "the file no longer matches" in done.stderr and "ccs-stomach-stage4" in done.stderr
    # the same passages as options warns of (options had left out its caveats' citations)
    options = run("options", "--profile", "examples/stomach-stage4-her2-positive.json",
                  "--sources", str(changed))  # fmt: skip
    def warned(text: str) -> list[str]:
        return [line for line in text.splitlines() if "no longer matches" in line]

    assert warned(options.stderr) == warned(done.stderr) != []
    html = Html(out.read_text(encoding="utf-8"))
    line = html.one("p", class_="not-quoted").text
    assert "could not be quoted" in line and "[ccs-stomach-stage4 " in line
    whole = tmp_path / "whole.html"
    assert run("report", "--profile", "examples/stomach-stage4-her2-positive.json", "--out",
               str(whole), "--sources", str(sources)).stderr.startswith("wrote")  # fmt: skip
    assert not Html(whole.read_text(encoding="utf-8")).find("p", class_="not-quoted")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_report_begins_with_the_options_to_take_up_or_ask_about(
    path: Path, passage: Passage
) -> None:
    """A report of 20 to 40 pages had no summary: its first page ("In short") names every option
    offered, needing information or only in clinical trials, under its status and in the
    answer's order, counts those that do not suit or were not chosen, and gives the three
    answers that would decide the most; every option follows in full."""
    result = evaluate(example_profile(path), KB)
    html = Html(report.html(result, KB, passage, made=MADE))
    short = html.one("section", class_="in-short")
    listed = [(li.attrs["data-listed"], ul.attrs["data-status"])
              for ul in html.find("ul", within=short, class_="names")
              for li in html.find("li", within=ul)]  # fmt: skip
    order = ["offered", "needs_information", "in_trials"]
    expected = sorted(((o.id, o.status.value) for o in result.options if o.status.value in order),
                      key=lambda pair: order.index(pair[1]))  # stable: the answer's order within
    assert listed == expected
    names = {o.id: words(o.name) for o in result.options}
    for ident, _ in listed:
        assert html.one("li", within=short, data_listed=ident).text.startswith(names[ident])
    text = short.text
    for status in order:
        count = getattr(result.counts, status)
        label = STATUS_WORDS[Status(status)]
        assert (f"{label}: {count} option" in text) == (count > 0), status
    unsuited = result.counts.not_suitable
    assert (f"{unsuited} option{'s' if unsuited != 1 else ''} do" in text) == (unsuited > 0)
    for fact in result.what_would_change[:3]:
        assert words(question_of(fact)) in text
    for fact in result.what_would_change[3:]:
        assert words(question_of(fact)) not in text
    # before everything else of the answer
    assert html.elements.index(short) < html.elements.index(html.one("section", class_="situation"))


def test_the_reports_first_page_holds_the_options_by_name_and_the_situation_follows(
    passage: Passage,
) -> None:
    """Laid out: "In short" and the options by name on the first page; the situation follows
    where they end, on the same page (no page of its own: see the test below)."""
    import weasyprint  # type: ignore[import-untyped]

    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "kras": "wild-type"},
                                    KB), KB)  # fmt: skip
    pages = [text for text, _ in _page_texts(weasyprint.HTML(
        string=report.html(result, KB, passage), url_fetcher=report._no_fetch).render())]
    first = next(o for o in result.options if o.status is Status.offered)
    assert "In short" in pages[0] and words(first.name) in pages[0]
    situation = next(n for n, text in enumerate(pages) if "Your situation as understood" in text)
    assert not pages[situation].startswith("Your situation as understood")


# the report of one who wants no cancer treatment and has trouble swallowing (a review: its
# second page held the last two of "What would decide the most" and nothing else); and one whose
# "In short" ended a page inside an option's name ("Radioactive drugs drawn to cancer in the",
# the rest on the next page) and whose "Please note" printed "Please" on one line, "note" on
# the next
LAID_OUT = [*EXAMPLES, {"cancer": "stomach", "stage": "4", "symptoms": ["trouble swallowing"],
                        "wants_cancer_treatment": False},
            {"cancer": "lung cancer", "stage": "4", "metastases": ["brain", "bone"],
             "prior_treatments": ["chemotherapy"], "progressed_on": ["chemotherapy"],
             "symptoms": ["bone pain"]}]  # fmt: skip


def _filled(page: object) -> float:
    """How far down its content area a laid-out page is written (0 to 1): the bottom of its
    lowest line or image."""
    box = page._page_box  # type: ignore[attr-defined]
    bottoms = [0.0]
    waiting = [c for c in box.children if not getattr(c, "at_keyword", None)]  # no margins
    while waiting:
        inner = waiting.pop()
        if type(inner).__name__ == "LineBox" or type(inner).__name__.endswith("ReplacedBox"):
            bottoms.append(inner.position_y + inner.height)
        else:
            waiting += list(getattr(inner, "children", None) or [])
    return (max(bottoms) - box.content_box_y()) / box.height


def _pieces(page: object, tags: tuple[str, ...]) -> list[tuple[object, object]]:
    """The boxes of the elements of these tags on a laid-out page, (element, box), depth first:
    an element split across pages, columns or (inline) lines has more than one."""
    out = []
    waiting = [(page._page_box, None)]  # type: ignore[attr-defined]
    while waiting:
        box, above = waiting.pop(0)
        element = getattr(box, "element", None)
        tag = getattr(box, "element_tag", None)
        if tag in tags and element is not None and element is not above:
            out.append((element, box))  # not its own inner boxes (its lines, its text)
        waiting = [(c, element) for c in getattr(box, "children", None) or []] + waiting
    return out


def _last_line_tag(page: object) -> str | None:
    """The tag of the element whose line is the lowest of a page's content."""
    lowest: tuple[float, str | None] = (-1.0, None)

    def walk(box: object, tag: str | None) -> None:
        nonlocal lowest
        tag = getattr(box, "element_tag", None) or tag
        if type(box).__name__ == "LineBox":
            bottom = box.position_y + box.height  # type: ignore[attr-defined]
            if bottom > lowest[0]:
                lowest = (bottom, tag)
            return
        for child in getattr(box, "children", None) or []:
            walk(child, tag)

    for child in page._page_box.children:  # type: ignore[attr-defined]
        if not getattr(child, "at_keyword", None):
            walk(child, None)
    return lowest[1]


@pytest.mark.parametrize("short", [False, True], ids=["full", "short"])
@pytest.mark.parametrize("given", LAID_OUT, ids=lambda g: getattr(g, "name", None) or g["cancer"])
def test_no_page_of_the_report_is_nearly_empty_or_splits_a_heading_from_its_words(
    given: Path | dict[str, Any], short: bool, passage: Passage
) -> None:
    """"In short" was a page of its own by a forced page break: it ran a few lines past the
    first page in every example, and the second page held those 3 to 5 lines and nothing else.
    Laid out, every page is at least half full, but the notes (a page of their own, the last)
    and the page before them (where the passages cited end); no page ends with a heading; the
    three answers that would decide the most are not split by a page; an option's name in
    "In short" is not split by a page or a column, and a label (dt) not by a line."""
    import weasyprint  # type: ignore[import-untyped]

    profile = example_profile(given) if isinstance(given, Path) else parse_profile(given, KB)
    document = weasyprint.HTML(string=report.html(evaluate(profile, KB), KB, passage, made=MADE,
                                                  short=short),
                               url_fetcher=report._no_fetch).render()  # fmt: skip
    pages = document.pages
    for number, laid_out in enumerate(pages[:-2], start=1):
        assert _filled(laid_out) >= 0.5, (number, len(pages), round(_filled(laid_out), 2))
    for number, laid_out in enumerate(pages[:-1], start=1):
        assert _last_line_tag(laid_out) not in ("h1", "h2", "h3", "h4"), number
    where: dict[int, list[int]] = {}
    for number, laid_out in enumerate(pages, start=1):
        for element, box in _pieces(laid_out, ("li", "dt", "ul")):
            classes = (element.get("class") or "").split()
            listed = element.tag == "li" and element.get("data-listed")  # in "In short"
            if element.tag == "dt" or listed or (element.tag == "ul" and "decide" in classes):
                where.setdefault(id(element), []).append(number)
            if listed:  # a name's line holds two words at least, but its last ("cancer in" /
                # "the" / "bones (radium-223, strontium-89)": WeasyPrint broke at the hyphen)
                lines = [line.strip() for line in _lines(box) if line.strip() not in ("•", "")]
                name = [line for line in lines if line != SYMPTOMS_TAG]
                assert all(" " in line for line in name[:-1]), name
    split = {key: found for key, found in where.items() if len(found) > 1}
    assert where and not split, split


def test_the_pdfs_list_in_short_is_in_two_columns(caplog: pytest.LogCaptureFixture) -> None:
    """The "In short" list is two columns in the PDF, though one on a phone's screen: a rule
    for the two as ``@media print, (min-width: 40rem)`` would be dropped by WeasyPrint, which
    reads media types alone (and logs "Expected a media type")."""
    import weasyprint  # type: ignore[import-untyped]

    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "kras": "wild-type",
                                     "symptoms": ["bleeding"]}, KB), KB)  # fmt: skip
    document = weasyprint.HTML(string=report.html(result, KB),
                               url_fetcher=report._no_fetch).render()  # fmt: skip
    counts: dict[object, set[object]] = {}  # by list: its box's, and its columns' boxes'
    waiting = [page._page_box for page in document.pages]
    while waiting:
        box = waiting.pop()
        if box.element_tag == "ul" and "names" in (box.element.get("class") or "").split():
            counts.setdefault(box.element, set()).add(box.style["column_count"])
        waiting += list(getattr(box, "children", None) or [])
    assert counts and all(2 in found for found in counts.values()), counts


def test_a_treatment_not_chosen_is_printed_short(passage: Passage) -> None:
    """One who wants no cancer treatment: each treatment of the cancer not chosen is printed
    short, its name, status and sources without its description and details (printed whole,
    the 26 of a rectal cancer took 8 of a 35-page report: a review); the options that may suit
    are printed whole."""
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "symptoms": ["pain"],
                                     "wants_cancer_treatment": False}, KB), KB)  # fmt: skip
    html = Html(report.html(result, KB, passage, made=MADE))
    declined = [o for o in result.options if o.status.value == "declined"]
    assert declined
    for option in result.options:
        article = html.one("article", data_option=option.id)
        short = option.status.value in ("declined", "not_suitable")
        assert bool(html.find("p", within=article, class_="description")) is not short, option.id
        assert all(c.label in article.text for c in option.citations), option.id


# ------------------------------------------------------------------------------------------------
# The short report: the options that may apply and what to ask, with citations
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_short_report_gives_the_options_that_may_apply_and_names_the_others(
    path: Path, passage: Passage
) -> None:
    """The full report of the rectal example was 37 pages, too long for a family (a review): the
    short one gives each option that may apply (offered, needing information, only in trials)
    briefly, in the answer's order, with its status, what would decide it, the notes that
    apply and its sources; each other option by name with its status and why; the questions
    to ask, what would change the options and the sources, but no passage quoted."""
    result = evaluate(example_profile(path), KB)
    html = Html(report.html(result, KB, passage, made=MADE, short=True))
    assert "short report" in html.one("title").text
    applies = [(o.id, o.status.value) for o in result.options if o.status in render.IN_SHORT]
    assert shown(html) == applies
    for option in (o for o in result.options if o.status in render.IN_SHORT):
        article = html.one("article", data_option=option.id)
        assert html.one("span", within=article, class_="status-words").text == STATUS_WORDS[
            option.status]
        assert not html.find("p", within=article, class_="description"), option.id
        # a question of one or two lines in full, a longer one at least by its first sentence
        # (test_page: each question that would decide an option is said once)
        for question in (q for m in option.missing for q in render.questions_of(m)):
            said = words(question) if len(words(question)) <= views.LONG_QUESTION else (
                views.asked_head(question))
            assert said in article.text, (option.id, said)
        for caveat in option.caveats:
            assert (words(caveat.text) in article.text) is caveat.applies, option.id
        # whose page each source is, without the labels, which the sources' list gives once
        for citation in option.citations:
            assert render.source_name(KB.sources[citation.source]) in article.text, option.id
        assert "[" not in html.one("p", within=article, class_="sources").text, option.id
    others = [o for o in result.options if o.status not in render.IN_SHORT]
    listed = [li.get("data-left-out") for li in html.find("li", data_left_out=None)]
    assert listed == [o.id for o in others]
    for option in others:
        item = html.one("li", data_left_out=option.id).text
        assert item.startswith(f"{words(option.name)} ({STATUS_WORDS[option.status].lower()})")
        if option.reason_shown:
            assert words(why_not(option.reason_shown)) in item, option.id
    assert not html.find("section", class_="cited")
    questions = section(html, "Questions to ask your care team")
    assert all(words(q) in questions for q in result.questions)
    assert html.one("p", class_="disclaimer").text == words(result.disclaimer)


def _places(text: str) -> list[tuple[int, int]]:
    """The ranges of characters a source's item of the short report lists ("86-527, ...")."""
    return [(int(a), int(b)) for a, b in re.findall(r"(\d+)-(\d+)", text.rpartition(
        "characters ")[2])]  # fmt: skip


def check_places_cited_once(result: Result) -> None:
    """The short report names whose page each source is, without the labels, and lists once,
    under its sources, one item per source with the places cited there: every passage its
    options, their notes that apply and the answer's notes cite lies within one range listed
    for its source, the ranges in order and apart, each beginning and ending where a passage
    cited does. The full report keeps the labels."""
    html = Html(report.html(result, KB, None, made=MADE, short=True))
    shown_ = [o for o in result.options if o.status in render.IN_SHORT]
    cited = [c for o in shown_ for c in
             [*o.citations, *(c for cv in o.caveats if cv.applies for c in cv.citations)]]
    cited += [c for n in result.notes for c in n.citations]
    items = {li.get("data-source"): li.text for li in html.find(
        "li", within=html.one("section", class_="provenance"))}  # fmt: skip
    assert list(items) == [s.id for s in result.sources]
    for source in result.sources:
        assert items[source.id].startswith(words(source_words(source)))
        places = _places(items[source.id])
        assert places == sorted(places) and all(
            a[1] < b[0] for a, b in pairwise(places)), places
        mine = [c for c in cited if c.source == source.id]
        for c in mine:
            assert any(a <= c.start and c.end <= b for a, b in places), c.label
        assert {a for a, _ in places} <= {c.start for c in mine}
        assert {b for _, b in places} <= {c.end for c in mine}
    labels = re.findall(r"\[[a-z0-9-]+ \d+-\d+\]", html.one("main").text)
    assert not labels, labels
    full = Html(report.html(result, KB, None, made=MADE)).one("main").text
    assert all(c.label in full for c in cited)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_short_report_lists_the_places_cited_once_under_its_sources(path: Path) -> None:
    """The labels after each option's, note's and caveat's sources ("[ccs-rectal-stage4
    1717-1861] [...]") took a page of the rectal example's short report (a review as a family):
    they are listed once, by source, at the end (``check_places_cited_once``)."""
    check_places_cited_once(evaluate(example_profile(path), KB))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=partial_and_more())
def test_the_short_report_lists_the_places_cited_once_for_any_answer(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """As for the examples, for any answer (``check_places_cited_once``)."""
    check_places_cited_once(evaluate(parse_profile(pair[0], KB), KB))


@pytest.mark.parametrize("short", [False, True], ids=["full", "short"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_what_would_change_is_said_in_the_summary_and_again_only_if_it_adds(
    path: Path, short: bool
) -> None:
    """"What would decide the most" ("In short") names the first facts that would change the
    options as the command line says them (``render.change_said``: the question, or the label
    and its questions); the short report gives "What would change your options" only when they
    are more than those (it said the rectal example's three again, word for word: a review of
    the short report as a family), the full report always."""
    result = evaluate(example_profile(path), KB)
    html = Html(report.html(result, KB, None, made=MADE, short=short))
    items = [words(li.text) for li in html.find("li", within=html.one("ul", class_="decide"))]
    named = result.what_would_change[:DECIDE_MOST]
    assert len(items) == len(named)
    for item, fact in zip(items, named, strict=True):
        said, under = render.change_said(fact)
        assert item.startswith(words(said + (": " + " / ".join(under) if under else ""))), item
        assert item.endswith(f"— decides {render.options_word(fact.decides)}"), item
    again = bool(html.find("section", class_="change"))
    assert again is (not short or len(result.what_would_change) > DECIDE_MOST), len(items)
    if again:
        told = section(html, "What would change your options")
        for fact in result.what_would_change:
            said, under = render.change_said(fact)
            assert all(words(line) in told for line in (said, *under)), fact.fact


@pytest.mark.parametrize("short", [False, True], ids=["full", "short"])
def test_the_short_report_asks_its_questions_before_good_to_know(short: bool) -> None:
    """What to ask is what a family needs first after the options: the short report gives the
    questions before "Good to know" (they came after three pages of notes in the rectal
    example); the full report after it, as the page."""
    result = evaluate(example_profile(Path("examples") / "rectal-stage4-kras-wild-type.json"), KB)
    html = Html(report.html(result, KB, None, made=MADE, short=short))
    order = html.elements.index
    asked = order(html.one("section", class_="questions"))
    noted = order(html.one("section", class_="notes"))
    assert (asked < noted) is short
    assert order(html.one("section", class_="options")) < min(asked, noted)


def test_the_short_reports_questions_of_an_option_follow_their_heading(passage: Passage) -> None:
    """In the short report what would decide an option runs on after its heading ("What would
    decide it: Has the care team said ..."): a box of the heading's line and a list took a line
    more for each option that needs information."""
    import weasyprint  # type: ignore[import-untyped]

    result = evaluate(example_profile(Path("examples") / "rectal-stage4-kras-wild-type.json"), KB)
    document = weasyprint.HTML(string=report.html(result, KB, passage, made=MADE, short=True),
                               url_fetcher=report._no_fetch).render()  # fmt: skip
    boxes = [box for page in document.pages for element, box in _pieces(page, ("div",))
             if "missing" in (element.get("class") or "").split()]
    assert boxes
    for box in boxes:
        first = next(line for line in _lines(box) if line.strip())
        assert first.startswith("What would decide it:") and len(first.split()) > 6, first


def test_the_short_report_is_less_than_half_the_full_one(passage: Passage) -> None:
    """The README's rectal example printed on 37 pages; the short report on less than half as
    many."""
    import weasyprint  # type: ignore[import-untyped]

    result = evaluate(example_profile(Path("examples") / "rectal-stage4-kras-wild-type.json"), KB)
    pages = [len(weasyprint.HTML(string=report.html(result, KB, passage, made=MADE, short=s),
                                 url_fetcher=report._no_fetch).render().pages)
             for s in (False, True)]  # fmt: skip
    assert pages[1] * 2 < pages[0], pages


def test_onconav_report_short_writes_the_short_report(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """``onconav report --short``: the page's short report (``/report.pdf?report=short``)."""
    out = tmp_path / "short.html"
    done = run("report", "--profile", str(SMALL), "--short", "--out", str(out))
    assert done.status == 0, done.stderr
    result = evaluate(example_profile(SMALL), KB)
    html = Html(out.read_text(encoding="utf-8"))
    assert "short report" in html.one("title").text
    assert shown(html) == [(o.id, o.status.value) for o in result.options
                           if o.status in render.IN_SHORT]  # fmt: skip
