"""The page for patients and families: server-rendered HTML (Jinja2) over the same core as the
command line and the API. It works without JavaScript; the one small script only suggests names
as a person types.

- ``/``: the form, one page of questions in plain words, each with "I don't know".
- ``/options?...``: the answer for the answers in the query string (the state lives in the URL:
  an answer can be bookmarked and shared, and nothing about the person is kept on the server).
- ``/explain/{name}``: a drug, regimen, procedure, test, term or option in plain words.
- ``/report.pdf?...`` and ``/report.html?...``: the printable report (``onconav.web.report``).
- ``/search?q=...&cancer=...``: search in people's own words (``onconav.search``), each hit with
  its citations and links to the explain pages of the options and entries that cite it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup

from onconav import explain as kb_explain
from onconav import words
from onconav.engine import evaluate
from onconav.kb import KnowledgeBase
from onconav.kb.provenance import Cited
from onconav.profile import Problem, ProfileError, parse_profile
from onconav.result import Result
from onconav.search import Index, SearchError
from onconav.web import form, report, views
from onconav.web.problems import parameters_refused
from onconav.web.views import HERE, answer_context, environment, said, said_in
from onconav.words import short_quotes

# Everything the page loads comes from this server; no script or style is written inline.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE_METHODS = ["GET", "HEAD"]  # HEAD answers as GET does (uvicorn sends no body)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the address holds the person's answers
    "Cache-Control": "no-store",
}


def report_headers(html: str) -> dict[str, str]:
    """The headers of the report served as a page (``/report.html``): the page's, with its CSP
    allowing the report's own <style> elements by their hashes (the report is one standalone
    file, its stylesheet inside it), and nothing else inline."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode() + "'"
        for m in re.finditer(r"<style[^>]*>(.*?)</style>", html, re.S | re.I)
    ]
    csp = CSP.replace("style-src 'self'", " ".join(["style-src 'self'", *hashes]))
    return {**SECURITY_HEADERS, "Content-Security-Policy": csp}


def add_page(
    app: FastAPI, kb: KnowledgeBase, passage: Callable[[Cited], str | None] | None,
    index: Index, max_query_bytes: int = 8192,
) -> Callable[[int], HTMLResponse]:
    """The page's routes on the app; gives back the pages of errors, in the page's style, that a
    browser is shown: "not found" (404) for an address the app does not have, "address too
    long" (414) saying what to shorten (a browser was sent the problem document's JSON), and
    "address not read" (400) for one that is not text."""
    env = environment()
    questions = form.questions(kb)
    names = form.suggestions(kb)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page; the header's search box searches every source unless ``search_cancer``
        (``views.search_box``) keeps it to one cancer, and links back to the answer when the
        page has one's address (``answer_url``)."""
        context = {"search_cancer": None, "answer_url": None, "back": None, **context}
        html = env.get_template(template).render(kb_version=kb.version, **context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def form_page(request: Request, errors: dict[str, list[Mistake]] | None = None,
                  status: int = 200, answer_url: str | None = None) -> HTMLResponse:  # fmt: skip
        given = form.as_read(form.answers(request.query_params.multi_items()), kb)
        return page(
            "form.html", status, questions=questions, given=given, errors=errors or {},
            names=names, sources=kb.data.sources, answer_url=answer_url,
            max_query_bytes=max_query_bytes,
        )  # fmt: skip

    def read(request: Request, params: list[tuple[str, str]] | None = None,
             problems: list[Problem] | None = None) -> Result | HTMLResponse:  # fmt: skip
        """The Result for the answers in the query string (or ``params``, of it), or the form
        again showing what is wrong with them (422), ``problems`` found before among them."""
        params = request.query_params.multi_items() if params is None else params
        given = form.answers(params)
        try:
            data = form.profile_data(given, kb, [*(problems or []), *form.named_twice(params)])
            return evaluate(parse_profile(data, kb), kb)
        except ProfileError as error:
            return form_page(request, form_errors(error), 422)

    def read_report(request: Request) -> tuple[Result | HTMLResponse, bool]:
        """A report's answers and whether the short report is asked for: ``report=short`` (the
        options that may apply, briefly, and the others by name; ``report.html``), ``full`` or
        none the full one. Another word, or two, is a mistake on the form, as a name that is
        not a question is."""
        params = request.query_params.multi_items()
        chosen = [value.strip().lower() for name, value in params if name.lower() == REPORT]
        problems: list[Problem] = []
        if len(chosen) > 1 or (chosen and chosen[0] not in REPORTS):
            problems.append(form.NotAsked(REPORT, words.cut(", ".join(chosen)), REPORTS,
                                          "is not a report onconav makes: say short or full, once"))
        answers = [(name, value) for name, value in params if name.lower() != REPORT]
        return read(request, answers, problems), chosen == ["short"]

    labels = {q.name: q.label for q in questions}
    kinds = {q.name: q.kind for q in questions}
    by_name = {q.name: q for q in questions}

    def form_errors(error: ProfileError) -> dict[str, list[Mistake]]:
        """Each problem's words by question, in plain short sentences for a frightened reader,
        named as the page names the question ("Stage of the cancer: ...", not the field's name
        "stage" or "progressed_on[0]", which a person never sees). No list of what is accepted
        (the API's 422 keeps it): a question with answers to choose from says to choose one of
        them (its answers are right there), a name not known says so with the closest name when
        one is close ("did you mean capecitabine?"). Each message listed a hundred names
        ("accepted: Abdominoperineal resection, ... and 92 more"), once for each name not
        known. A value quoted is cut at 40 characters, and isolated (``said_in``): its direction
        cannot turn the message around it. Each links to the field that holds what it is about
        (``Mistake.at``). A mistake made again (``symptoms=a,a,a``) is listed once: it was
        listed as often as it was made, in the alert a screen reader reads out."""
        out: dict[str, list[Mistake]] = {}
        for problem in error.problems:
            if isinstance(problem, form.NotAsked):  # named as given; its words list the questions
                out.setdefault(problem.field, []).append(
                    Mistake(Markup("{}: {}").format(said(problem.field), problem.message), ""))
                continue
            name = problem.field.split("[")[0].split(".")[-1]  # symptoms[1], biomarkers.her2
            name = "cancer" if name == "profile" else name
            words = problem.message
            if kinds.get(name) in ("one", "yes_no") and "is not accepted" in words:
                why = problem.why  # V600E is BRAF's; a dash may mean no result
                words = (f"{_said(problem.value)} is not one of the answers to this question: "
                         "choose one of them, or I don't know"
                         + (f" ({why})" if why else ""))  # fmt: skip
            else:
                words = words.split("; accepted:")[0]  # a long list of what is accepted
            message = said_in(f"{labels.get(name, problem.field)}: {short_quotes(words)}")
            at = _at(by_name[name], problem) if name in by_name else ""
            mistake = Mistake(message, at)
            if mistake not in out.setdefault(name, []):  # symptoms=a,a,a: one "'a' is not known"
                out[name].append(mistake)
        # in the order of the form's questions, as a person goes through them (the form's own
        # mistakes came first); a name that is not a question first
        rank = {name: at for at, name in enumerate(labels, start=1)}
        return dict(sorted(out.items(), key=lambda item: rank.get(item[0], 0)))

    # The form and the answer read and evaluate what the address says: plain functions, which
    # the server runs in its worker threads, so that one slow to read (a long cancer name) does
    # not hold every other request back (as async functions they ran on the event loop)
    @app.api_route("/", methods=PAGE_METHODS, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        """The form; filled from an answer's address ("Change your answers"), it links back to
        that answer as it was, when its answers give one."""
        params = request.query_params.multi_items()
        answer_url = None
        if params:
            try:
                data = form.profile_data(form.answers(params), kb, form.named_twice(params))
                parse_profile(data, kb)
                answer_url = "/options?" + str(request.query_params)
            except ProfileError:
                pass  # the form's answers give no answer yet: sending them shows why
        return form_page(request, answer_url=answer_url)

    @app.api_route("/options", methods=PAGE_METHODS, include_in_schema=False)
    def answer(request: Request) -> HTMLResponse:
        result = read(request)
        if isinstance(result, HTMLResponse):
            return result
        query = str(request.query_params)
        cancer = views.kept_cancer(result, kb)  # the search box and explain links keep to it
        # the links to explain pages and the header's search carry the answer's query, to link
        # back to it; not a long one, whose links would pass the longest address taken (414)
        back = query if len(quote(query)) <= BACK_MOST else None
        return page(
            "answer.html", **answer_context(result, kb, passage, cancer=cancer, back=back),
            query=query, back=back, edit_url="/?" + query,
            search_cancer=views.search_box(kb, cancer),
            report_pdf="/report.pdf?" + query, report_html="/report.html?" + query,
            short_pdf=f"/report.pdf?{REPORT}=short&" + query,
            short_html=f"/report.html?{REPORT}=short&" + query,
        )  # fmt: skip

    # names may hold a slash
    @app.api_route("/explain/{name:path}", methods=PAGE_METHODS, include_in_schema=False)
    async def explain(name: str, request: Request) -> HTMLResponse:
        """An entry's page; reached with a cancer of the knowledge base (``?cancer=rectum``,
        from an answer or a search kept to it), its search box and its links keep to it."""
        cancer = views.cancer_id(kb, request.query_params.get("cancer"))
        back = request.query_params.get("from")  # the answer it was reached from, linked back
        kept: dict[str, Any] = {
            "search_cancer": views.search_box(kb, cancer),
            "answer_url": views.back_url(back), "back": back,
            "explain_url": lambda ident: views.explain_url(ident, cancer, back)}  # fmt: skip
        if not name.strip():  # as the API refuses it (it was a 404: "does not know “”")
            return page("missing.html", 422, name="", blank=True, closest=[], **kept)
        reading = kb_explain.read(kb, name)
        found, shown = reading.found, reading.views(kb)  # (a kind of procedure: surgery)
        if not shown:
            # the closest names, as the command line and the API suggest them; the name typed
            # only quoted, cut short (words.cut): it was the heading whole, so that a shared
            # link could make the page say anything ("onconav does not know “Your cancer
            # cannot be treated. Stop chemotherapy now and call ...”")
            return page("missing.html", 404, name=words.cut(name), blank=False,
                        closest=kb.closest_names(name), **kept)  # fmt: skip
        seen = shown[0]
        used_by = views.own_cancer_first(seen.used_by, cancer)  # the person's cancer's first
        return page("explain.html", seen=seen, kind_means=views.kind_means(kb, seen.kind_label),
                    # the words of the name set aside ("pills" of "chemo pills"), isolated
                    notice=said_in(reading.notice) if reading.notice else None,
                    cites=views.cite_groups(kb, seen.evidence, passage),
                    used_by_heading=seen.used_by_heading,
                    also=[(name, r.id) for r, name in zip(found[1:], kb_explain.names_apart(
                        kb, [views.Ref(r.id, kb.name_of(r.id)) for r in found[1:]]),
                        strict=True)],
                    used_by=list(zip(used_by, kb_explain.names_apart(kb, used_by),
                                     strict=True)), **kept)  # fmt: skip

    cancers = sorted({(s.cancer, kb.name_of(s.cancer)) for s in kb.data.sources
                      if s.cancer != "any"})  # fmt: skip
    titles = {s.id: s.title for s in kb.data.sources}

    @app.api_route("/search", methods=PAGE_METHODS, include_in_schema=False)
    def search(request: Request) -> HTMLResponse:
        """The search. Its address takes what the API's does, ``limit`` too (a link shared with
        ``limit=3`` was refused: "words that are not part of a search"); the page shows ten
        hits unless the address asks for another number, which searching again keeps."""
        query = request.query_params.get("q", "")
        cancer = request.query_params.get("cancer") or None
        limit = request.query_params.get("limit")
        back = request.query_params.get("from")  # the answer the search was asked from
        context: dict[str, Any] = {"query": query, "cancer": cancer, "cancers": cancers,
                                   "shown": words.cut(query),  # in the title and the heading
                                   "cancer_shown": words.cut(cancer or ""),  # a cancer refused
                                   "search_page": True,  # its own box, none in the header
                                   "source_titles": titles, "result": None, "kept_name": None,
                                   "limit": None,  # kept in the form when the address gave one
                                   "notices": [],  # the search's, its words isolated
                                   "errors": {},  # by the box each is shown beside
                                   "kind_words": lambda e: kb_explain.kind_words(kb, e.id),
                                   "names_apart": lambda refs: kb_explain.names_apart(kb, refs),
                                   "hits_words": hits_words, "zip": zip,
                                   "answer_url": views.back_url(back), "back": back,
                                   "explain_url": lambda ident: views.explain_url(
                                       ident, None, back)}  # fmt: skip
        given = [(name, value) for name, value in request.query_params.multi_items()
                 if not form.shared_link_noise(name)]  # a shared link's fbclid, utm_source
        refused = parameters_refused(given, ("q", "cancer", "limit", "from"), "the search")
        if refused:  # a question or a cancer given twice, a name that is not the search's
            context["errors"] = _search_errors(refused)
            return page("search.html", 422, **context)
        if not query.strip():  # the empty search box
            return page("search.html", **context)
        # a limit that is no whole number ("ten") reaches the index as given, which refuses it,
        # as the API does
        asked: int | str = 10 if limit is None else (
            int(limit) if re.fullmatch(r"\s*[-+]?\d{1,9}\s*", limit, re.ASCII) else limit)
        try:
            result = context["result"] = index.search(query, limit=asked, cancer=cancer)
        except SearchError as error:  # shown beside the field it is about
            field = error.problem.field
            box = "cancer" if field == "cancer" else "q"
            message = error.problem.message
            if field == "limit":  # no box of its own: it came in the address
                message = (f"the address asks for a number of results (limit) that is not "
                           f"{message}: search again from this box")  # fmt: skip
            context["errors"] = {box: said_in(message)}
            return page("search.html", 422, **context)
        context["limit"] = limit
        if result.cancer_from == "given" and result.cancer:  # the cancer as read: gastric is
            context["cancer"] = result.cancer  # stomach, chosen in the list; lung is added to it
            context["kept_name"] = ("advanced cancer in general" if result.cancer == "any"
                                    else kb.name_of(result.cancer) if result.cancer in kb.by_id
                                    else words.cut(result.cancer))  # fmt: skip
            # a cancer with no source of its own, chosen in the list: the sources kept to, as
            # the notice says them (colon cancer: the general source and the rectal one; it
            # had said "the general source" alone)
            # (GEJ cancer, answered as stomach cancer: the stomach pages)
            kept = index.kept_to(result.cancer)
            many = sum(s.cancer in kept for s in kb.data.sources) > 1
            context["kept_sources"] = "the general source" + (
                f" and the one{'s' if many else ''} on "
                f"{words.and_list(kb.name_of(c) for c in kept)}" if kept else "")
            # the explain pages the hits link to keep to the cancer chosen (their search box)
            kept_to = views.cancer_id(kb, result.cancer)
            context["explain_url"] = lambda ident: views.explain_url(ident, kept_to, back)
        # the notices with the person's words isolated: what they quote, and a cancer the
        # knowledge base does not know, which they name unquoted ("Nothing about mars cancer")
        unknown = [result.cancer] if result.cancer and result.cancer not in kb.by_id else []
        context["notices"] = [said_in(notice, unknown) for notice in result.notices]
        return page("search.html", **context)

    # The reports are made in a worker thread (a PDF takes a while), not on the event loop.
    @app.api_route("/report.html", methods=PAGE_METHODS, include_in_schema=False)
    def report_html(request: Request) -> Response:
        result, short = read_report(request)
        if isinstance(result, HTMLResponse):
            return result
        # the answer it is the report of, linked back to (the report had no way back but the
        # browser's Back): the same answers, as the answer's own links to it carry them
        answers = [(n, v) for n, v in request.query_params.multi_items() if n.lower() != REPORT]
        html = report.html(result, kb, passage, env=env, short=short,
                           answer_url=views.back_url(urlencode(answers)))  # fmt: skip
        return HTMLResponse(html, headers=report_headers(html))

    @app.api_route("/report.pdf", methods=PAGE_METHODS, include_in_schema=False)
    def report_pdf(request: Request) -> Response:
        """The report as PDF. HEAD reads the answers as GET does (the same 422 for a mistake)
        and answers with GET's status and headers but the length, which only making the PDF
        would tell (a server may leave it out, RFC 9110 9.3.2): it made the whole PDF, seconds
        of work for a body never sent."""
        result, short = read_report(request)
        if isinstance(result, HTMLResponse):
            return result
        name = "onconav-options-short.pdf" if short else "onconav-options.pdf"
        headers = {**SECURITY_HEADERS, "Content-Disposition": f'inline; filename="{name}"'}
        if request.method == "HEAD":
            response = Response(media_type="application/pdf", headers=headers)
            del response.headers["content-length"]  # not 0: the PDF's length is not known
            return response
        pdf = report.pdf(result, kb, passage, env=env, short=short)
        return Response(pdf, media_type="application/pdf", headers=headers)

    def error_page(status: int) -> HTMLResponse:
        if status == 414:
            return page("too_long.html", 414, limit_words=f"{max_query_bytes:,} characters")
        if status == 400:
            return page("not_text.html", 400)
        if status == 405:  # a form elsewhere that POSTs to a page (it had been sent JSON)
            return page("not_allowed.html", 405)
        return page("not_found.html", 404)

    return error_page



@dataclass(frozen=True)
class Mistake:
    """One mistake the form shows: its words, and the id of the field it links to ("" for a
    name that is not a question)."""

    words: Markup
    at: str


def _at(question: form.Question, problem: Problem) -> str:
    """The field a mistake is about: the box a name not known was typed in (``f-progressed_on``
    holding "Xelodaa"; the link went to the question's first radio, "I don't know", and one
    arrow key then chose another answer), else the question's first field."""
    if question.kind == "text":
        return f"f-{question.name}"
    item = problem.field.endswith("]")  # progressed_on[0]: one name of the list
    choices = {c.value for c in question.choices}
    if question.typed and item and str(problem.value) not in choices:
        return f"f-{question.name}"
    return f"c-{question.name}"


def _search_errors(refused: list[Problem]) -> dict[str, Markup]:
    """The page's words for what a search's address gives that the search does not take, by the
    box each is shown beside (the limit's, which has no box, and a name that is not the
    search's beside the question's; each such name isolated as ``said`` isolates a person's
    words)."""
    told = {"q": "the address holds more than one question: ask one at a time",
            "cancer": "the address names more than one cancer: choose one",
            "limit": "the address asks for more than one number of results (limit): give one"}
    out: dict[str, list[Markup]] = {}
    for problem in refused:
        if problem.field in told:
            box = "cancer" if problem.field == "cancer" else "q"
            out.setdefault(box, []).append(Markup(told[problem.field]))
    others = [p.field for p in refused if p.field not in told]
    if others:
        more = len(others) - 5
        names = Markup(", ").join(said(words.cut(n)) for n in others[:5]) + (
            f" and {more} more" if more > 0 else "")
        out.setdefault("q", []).append(Markup(
            "the address holds words that are not part of a search ({}): search again from "
            "this box").format(names))  # fmt: skip
    return {box: Markup("; ").join(parts) for box, parts in out.items()}


def hits_words(hits: list[Any]) -> str:
    """How many hits a search found, by kind: "3 passages and 2 entries", "1 passage", "1
    entry" (it said "passages and entries" whatever the hits were: "1 passage and entries")."""
    entries = sum(1 for hit in hits if hit.entry)
    passages = len(hits) - entries
    counted = []
    if passages:
        counted.append(f"{passages} passage{'' if passages == 1 else 's'}")
    if entries:
        counted.append(f"{entries} {'entry' if entries == 1 else 'entries'}")
    return " and ".join(counted)


# The name of a report's address that chooses the short report or the full one (the answers'
# names are the profile's: none is this)
REPORT = "report"
REPORTS = ("short", "full")
BACK_MOST = 1500  # the longest answer's query (percent-encoded) its pages' links carry back


def _said(value: object) -> str:
    """A value given, quoted, as a message on the page shows it (``said_in`` isolates it)."""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return f"“{words.cut(str(value))}”" if value not in (None, "") else "The answer"


