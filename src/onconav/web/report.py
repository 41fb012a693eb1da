"""The printable report: the answer page's content as one document to bring to an appointment,
with the passages cited, space for notes, page numbers, the knowledge version and the sources'
dates. HTML from the page's own templates; the PDF from that HTML with WeasyPrint.

``onconav report --profile FILE --out report.pdf`` and the page's ``/report.pdf?...`` both call
these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import jinja2
from markupsafe import Markup

from onconav.kb import KnowledgeBase
from onconav.kb.provenance import Cited
from onconav.result import Citation, Result
from onconav.web.views import HERE, answer_context, environment


def html(
    result: Result,
    kb: KnowledgeBase,
    passage: Callable[[Cited], str | None] | None = None,
    env: jinja2.Environment | None = None,
    made: date | None = None,
    answer_url: str | None = None,
    short: bool = False,
) -> str:
    """The report as a standalone HTML document (its stylesheet included, no script). Served as
    a page, ``answer_url`` is the answer it is the report of, linked back to before the report
    (not printed; the PDF and ``onconav report`` have no such link). The short report
    (``short``) gives the options that may apply, each briefly with what would decide it and
    its sources, names the others with why, and quotes no passage (the full one, 37 pages for
    the rectal example, was too long for a family: a review)."""
    env = env or environment()
    quoted, not_quoted = cited(result, passage) if not short else ([], [])
    return env.get_template("report.html").render(
        **answer_context(result, kb, None, printed=True, short=short),
        css=stylesheet(),
        cited=quoted,
        not_quoted=not_quoted,
        edit_url=None,
        kb_version=kb.version,
        made=(made or date.today()).isoformat(),
        answer_url=answer_url,
    )


def stylesheet() -> Markup:
    """The page's stylesheet, to be written inside the report's <style> element as it is: the
    contents of <style> are not HTML, so escaping them (&#34; for a quote) would break the CSS,
    the @page rule with the page numbers first. Our own file, so trusted; it may not close the
    element."""
    css = (HERE / "static" / "onconav.css").read_text(encoding="utf-8")
    if "</style" in css.lower():
        raise ValueError("onconav.css may not contain </style")
    return Markup(css)


def cited(
    result: Result, passage: Callable[[Cited], str | None] | None
) -> tuple[list[tuple[Citation, str]], list[Citation]]:
    """Every passage the report's body cites (``Result.cited``: an option printed short prints
    its own caveats too, only what can be done instead), each read once: those shown, with
    their text, and those that cannot be (the source file no longer matches them), which the
    report names by their labels (they had been left out without a word)."""
    if passage is None:
        return [], []
    read = [(c, passage(c)) for c in result.cited()]
    return [(c, text) for c, text in read if text], [c for c, text in read if not text]


def pdf(
    result: Result,
    kb: KnowledgeBase,
    passage: Callable[[Cited], str | None] | None = None,
    env: jinja2.Environment | None = None,
    made: date | None = None,
    short: bool = False,
) -> bytes:
    """The report as PDF (WeasyPrint): A4, numbered pages, tagged for screen readers (a
    structure tree, ``/StructTreeRoot``, and ``/MarkInfo``). Nothing is fetched: the document
    has no external resources."""
    for name in ("weasyprint", "fontTools"):  # they log the document's words (each character of
        quiet = logging.getLogger(name)  # a typed name no font has), which no log may hold;
        quiet.setLevel(logging.CRITICAL)  # their failures are raised, not only logged. Before
        quiet.propagate = False  # the import: importing WeasyPrint logs its own style sheets
    import weasyprint  # type: ignore[import-untyped]  # only the report needs it, and it takes a while to import

    document = html(result, kb, passage, env, made, short=short)
    # tagged (``pdf_tags``): a screen reader reads its headings, lists and paragraphs as such,
    # in order (an untagged PDF gave it lines of text with no structure); it costs little time
    # (docs/web.md: 3.0 s of CPU untagged, 2.9 s tagged, for the rectal example's report)
    out = weasyprint.HTML(string=document, url_fetcher=_no_fetch).write_pdf(pdf_tags=True)
    assert out is not None
    return bytes(out)


def _no_fetch(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    raise ValueError(f"the report fetches nothing ({url})")
