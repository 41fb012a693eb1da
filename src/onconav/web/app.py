"""The HTTP API: the same core as the command line, over HTTP (FastAPI).

- ``POST /api/v1/options``: a profile (the JSON of ``onconav options --profile``) in, the Result
  out, equal to ``onconav options --format json`` for the same profile.
- ``GET /api/v1/explain/{name}``: any entity by any name or code.
- ``GET /api/v1/search?q=...``: search in people's own words, every hit cited (``onconav.search``).
- ``GET /api/v1/kb``: the knowledge base's version, sources with their dates, and counts.
- ``GET /healthz``.

Every error is ``application/problem+json`` (RFC 9457) with the list of field errors the core
reports; a body over the limit is refused before it is read in full, a body that is not JSON
with 415. The log holds the method, the path, the status and the time taken: never a profile.
"""

from __future__ import annotations

import gc
import json
import logging
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, unquote_to_bytes

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from onconav import __version__
from onconav import explain as kb_explain
from onconav.cdshooks import CdsSettings
from onconav.cdshooks.settings import from_environment as cds_from_environment
from onconav.engine import evaluate, sources_used
from onconav.fhir import FhirError, FhirReading, fhir_json, read_bundle
from onconav.fhir.evaluate import with_reading
from onconav.kb import KnowledgeBase, load_kb, provenance
from onconav.kb.model import Span
from onconav.profile import (
    CANCER_CHARS,
    NOT_TEXT,
    NOT_TEXT_ACCEPTED,
    Problem,
    ProfileError,
    at_most,
    parse_profile,
)
from onconav.reading import (
    FHIR_DEPTH,
    GIVE_A_NAME,
    MAX_BUNDLE_BYTES,
    MAX_PROFILE_BYTES,
    cancer_required,
    field_name,
    profile_from_text,
)
from onconav.result import Citation, Result
from onconav.schemas import profile_schema
from onconav.search import SearchError, SearchResult, build_index
from onconav.search.index import LIMIT_MAX, MAX_QUERY_CHARS
from onconav.web.body import body_text
from onconav.web.cds_hooks import add_cds_hooks
from onconav.web.page import SECURITY_HEADERS, add_page
from onconav.web.problems import (
    PROBLEM,
    FieldError,
    ProblemDetails,
    accepted_by,
    detail_of,
    field_errors,
    jsonable,
    not_allowed,
    not_fhir_json,
    parameters_refused,
    problem,
    refused_words,
    value_shown,
)
from onconav.words import NAME_SHOWN, cut

log = logging.getLogger("onconav.web")
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"  # in a checkout (an editable install)


INLINE_PROFILE_CHARS = 16 * 1024  # read on the event loop up to this (the examples: ~1 KiB)
MAX_QUERY_BYTES = 8 * 1024  # as a web server's request line (nginx, Apache): the form needs ~2 KiB
NOT_KEPT = {name: SECURITY_HEADERS[name] for name in ("Cache-Control", "X-Content-Type-Options")}
CLIENT_CLOSED = 499  # as nginx logs a request whose client left before it was answered


class Settings(BaseModel):
    """How the app runs: the source documents (to show cited passages), and the body limit."""

    model_config = ConfigDict(frozen=True)

    sources: Path | None = Field(default=None, description="Directory of the source documents")
    max_body_bytes: int = Field(default=MAX_PROFILE_BYTES, gt=0)
    max_bundle_bytes: int = Field(default=MAX_BUNDLE_BYTES, gt=0, description="A FHIR Bundle's")
    max_query_bytes: int = Field(
        default=MAX_QUERY_BYTES, gt=0, description="An address's query string (the page's answers)"
    )
    cds_hooks: CdsSettings = Field(
        default_factory=CdsSettings, description="The CDS Hooks service (docs/cds-hooks.md)"
    )


class UnusedOut(BaseModel):
    reference: str = Field(description="The resource (Observation/abc), or where it is")
    reason: str = Field(description="Why it was not used")


class FhirReadingOut(BaseModel):
    """A FHIR record read into a profile (``onconav fhir profile --format json``)."""

    profile: dict[str, Any] = Field(description="The profile the record gives (see the profile "
                                    "schema); a field not known from the record is left out")
    sources: dict[str, list[str]] = Field(description="Each field, with the resources it came "
                                          "from")  # fmt: skip
    unused: list[UnusedOut] = Field(description="Every resource read but not used, and why")
    warnings: list[str] = Field(description="What the reading found worth saying (a stage "
                                "read from its words, a treatment's date still to come, ...)")


class UsedByOut(BaseModel):
    """An option that gives an entry."""

    id: str
    name: str
    shown: str = Field(description="The name as the command line and the page list it: with "
                       "the cancers an option for some cancers only is for ('Care to feel "
                       "better without cancer treatment (for cervical cancer)')")  # fmt: skip
    in_trials: bool
    cancers: list[str] = Field(description="The cancers it is for (ids), when not every cancer")


class EntityOut(BaseModel):
    """An entity in plain words (``onconav explain``), with the passages it cites."""

    id: str
    kind: str
    kind_label: str
    title: str
    aliases: list[str]
    text: str | None
    details: list[dict[str, str]] = Field(description="(label, text) lines")
    in_trials: bool
    notes: list[str]
    codes: list[str]
    used_by: list[UsedByOut] = Field(description="The options that give it; for a symptom, "
                                     "the options that may ease it (``used_by_heading``)")
    used_by_heading: str = Field(description="What ``used_by`` are, in words: 'Options that give "
                                 "it', or for a symptom 'Options that may ease it'")
    settles: list[str]
    citations: list[Citation]
    passages: list[str | None] = Field(
        description="Each citation's passage, when the server has the source files (--sources)"
    )
    also_matched: list[str] = Field(description="Other entries with the same name")
    notices: list[str] = Field(
        description="What to know about how the name was read: the words of it not used to "
        "find the entry ('pills' of 'chemo pills', how it is given)")  # fmt: skip


class Health(BaseModel):
    status: Literal["ok"]
    kb_version: str = Field(description="The knowledge base's version, as GET /api/v1/kb gives it")


class SourceOut(BaseModel):
    """A source document the knowledge base cites."""

    id: str
    title: str
    publisher: str
    dated: str = Field(description="Its date as the copy gives it, or why it is missing")


class KnowledgeOut(BaseModel):
    """The knowledge base: its version, its sources and how much it holds."""

    version: str
    sources: list[SourceOut]
    counts: dict[str, int] = Field(description="Entries per kind: options, regimens, drugs, ...")
    in_trials: int = Field(description="Options given only in clinical trials")
    spans: int = Field(description="Passages of the sources cited")


class RequestLog:
    """One log line per request: method, path, status, time taken; never a body or a query
    string. A failure that escapes a route is answered with a problem document (never a bare
    500). A client that left while its body was read (a phone that lost its signal) is no
    failure: its line has the status 499, and nothing is answered (no one is there). It was a
    500 and 40 lines of traceback, so that anyone could fill the log with them for a few bytes.
    Plain ASGI, so that it costs next to nothing per request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]
        sent = [False]

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0], sent[0] = message["status"], True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except ClientDisconnect:
            status[0] = CLIENT_CLOSED
        except Exception as error:
            # where it failed and the kinds of error, never their words: an error's message may
            # quote what was sent (a ProfileError names the values given)
            log.error("%s %s failed: %s", scope["method"], _loggable(scope), _failure(error))
            if not sent[0]:
                failure = problem(500, detail="The server failed; nothing was stored.")
                await failure(scope, receive, send)
        took = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.1fms", scope["method"], _loggable(scope), status[0], took)


class NotKept:
    """Every answer but the page's assets (``/static``) sent with ``Cache-Control: no-store`` and
    ``X-Content-Type-Options: nosniff``, as the page's own headers have them: the API's answers,
    its problem documents (which quote the values given) and CDS Hooks' cards hold a person's
    situation, and had neither, so that a shared cache or the browser's could keep them. Headers
    a route set are kept. Plain ASGI, as RequestLog."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in NOT_KEPT.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, sending)


def _loggable(scope: Any) -> str:
    """A request's path for a log line, as it was sent (``raw_path``, percent-encoded:
    ``/api/v1/explain/x%20FAKE%20200``, ``a%2Fb`` apart from ``a/b``), never as decoded text: a
    newline in it (``/explain/x%0A2026-12-01 ... POST /api/v1/options 200``) wrote a line of its
    own into the log, and spaces (``x FAKE 200``) a line that read as another request's. Bytes a
    client sent unencoded are encoded; the query string is never part of it."""
    raw = scope.get("raw_path")
    sent = raw.decode("latin-1") if isinstance(raw, bytes) else scope["path"]
    return quote(sent, safe="/%")




def not_text(scope: Any) -> str | None:
    """The first part of a request's address whose percent-escapes are not UTF-8 (``q=chemo%FF``:
    a byte no text has): the query string's parameter by its name, or "the address" for the path.
    None when all of it is text. The framework read such bytes as U+FFFD and went on: the search
    looked for "chemo\ufffd", the page read ``cancer=rect%FFum`` as rectal cancer, while the
    command line and a body with the same byte refused it."""
    raw = scope.get("raw_path")
    path = raw if isinstance(raw, bytes) else scope["path"].encode("utf-8", "surrogateescape")
    if not _is_text(path):
        return "the address"
    for pair in scope.get("query_string", b"").split(b"&"):
        name, _, value = pair.partition(b"=")
        if not _is_text(name) or (not name and not _is_text(value)):  # "&=%FF": no name to say
            return "a parameter's name"
        if not _is_text(value):
            return cut(unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8"), NAME_SHOWN)
    return None


def _is_text(encoded: bytes) -> bool:
    try:
        unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class AddressCheck:
    """The address is checked before any route reads it. A query string over ``limit`` bytes is
    refused (414): uvicorn takes addresses of tens of KiB, and the page reads every answer of the
    query string as a profile (a list of 30,000 names, 60 KB, took 16 s). An address that is not
    text (``not_text``) is refused: a parameter, 422 naming it, as a body's field is; the path,
    400. A browser gets each as a page. Plain ASGI, as RequestLog."""

    def __init__(self, app: Any, limit: int,
                 pages: dict[int, Callable[[], Response]] | None = None) -> None:  # fmt: skip
        self.app, self.limit = app, limit
        self.pages = pages if pages is not None else {}  # filled once the page's routes are made

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.limit:
            if 414 in self.pages and _wants_page(Request(scope)):  # a browser: a page, in words
                await self.pages[414]()(scope, receive, send)
                return
            refused = too_long(scope["path"], self.limit)
            await refused(scope, receive, send)
            return
        where = not_text(scope)
        if where is not None:
            if 400 in self.pages and _wants_page(Request(scope)):
                await self.pages[400]()(scope, receive, send)
                return
            if where in ("the address", "a parameter's name"):
                refused = problem(400, detail=f"{where.capitalize()} {NOT_TEXT}.",
                                  errors=[FieldError(field=where, message=NOT_TEXT,
                                                     accepted=list(NOT_TEXT_ACCEPTED))])
            else:
                refused = problem(422, detail=f"{where}: {NOT_TEXT}.",
                                  errors=[FieldError(field=where, message=NOT_TEXT,
                                                     accepted=list(NOT_TEXT_ACCEPTED))])
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


def too_long(path: str, limit: int) -> Response:
    """The 414 refusing a query string over ``limit`` bytes, naming it among the errors: in the
    API's words under /api and /cds-services (it spoke of "the form's answers", with "errors":
    []), in the form's elsewhere (a client that does not ask for a page)."""
    said = f"is longer than {limit} bytes"
    first = path.strip("/").split("/")[0].lower()
    takes = ("no parameter of the API takes that much (a search's q takes at most "
             f"{MAX_QUERY_CHARS} characters)" if first in ("api", "cds-services") else
             "the form's answers take far less")  # fmt: skip
    return problem(414, detail=f"The query string (the address after '?') {said}; {takes}.",
                   errors=[FieldError(field="query string", value=None,
                                      accepted=[f"at most {limit} bytes"],
                                      message=said)])  # fmt: skip


def _failure(error: BaseException) -> str:
    """An error that escaped a route, for the log: each error of its chain (and of a group) by
    its kind, with the lines of code it went through; never its message."""
    out: list[str] = []
    waiting = [error]
    while waiting and len(out) < 20:
        seen = waiting.pop()
        stack = "".join(traceback.format_list(traceback.extract_tb(seen.__traceback__)))
        out.append(f"{type(seen).__module__}.{type(seen).__qualname__}\n{stack}")
        if isinstance(seen, BaseExceptionGroup):
            waiting += seen.exceptions
        elif seen.__cause__ or seen.__context__:
            waiting.append(seen.__cause__ or seen.__context__)  # type: ignore[arg-type]
    return "\n".join(out).rstrip()


def _refused(error: Any) -> FieldError:
    """A field error for one of FastAPI's validation errors, named as the core names fields
    ("limit", not "query.limit": where the value was sent is the route's own business), with
    what it accepts (``accepted_by``; a JSON body, for a body missing)."""
    kind, where = error["type"], tuple(error["loc"])
    whole = where[:1] == ("body",) and (len(where) == 1 or kind == "json_invalid")
    field = "body" if whole else field_name(where[1:]) or field_name(where)
    accepted = ["a JSON body"] if kind == "missing" and whole else accepted_by(error)
    # the value given, for a parameter of the address (a body's is not sent back: it may be
    # the whole body, or bytes)
    given = jsonable(error.get("input"))
    value = value_shown(given) if where[0] in ("query", "path") else None
    return FieldError(field=field, value=value, accepted=accepted,
                      message=refused_words(error, accepted))  # fmt: skip


def create_app(kb: KnowledgeBase | None = None, settings: Settings | None = None) -> FastAPI:
    """The app, over a knowledge base (loaded if not given)."""
    kb = kb if kb is not None else load_kb()
    settings = settings or Settings()
    passage = provenance.passages(settings.sources, kb) if settings.sources else None
    index = build_index(kb, settings.sources)
    app = FastAPI(
        title="onconav",
        version=__version__,
        description="Every treatment option for a person with advanced cancer, with why, what "
        "is still unknown, and where each statement comes from. Information to discuss with a "
        "care team, not medical advice. Every error is a problem document (RFC 9457, "
        "application/problem+json); a method an address does not take is a 405 with Allow "
        "(HEAD wherever GET), and a query string over the limit (8 KiB by default) a 414 on every "
        "address.",
        # an address with a slash too many is not found: Starlette's redirect to the address
        # without it (307) was made from the Host header, which the caller writes (a link to
        # /options/?... could send a person's answers to http://evil.example/options?...), and
        # was sent without the page's headers
        redirect_slashes=False,
        # no ReDoc page: it loads its script from a CDN, and /docs (Swagger UI) is the one page
        # documented as not held to "no CDN"
        redoc_url=None,
    )

    error_pages: dict[int, Callable[[], Response]] = {}
    app.add_middleware(AddressCheck, limit=settings.max_query_bytes, pages=error_pages)
    app.add_middleware(RequestLog)  # outside AddressCheck: it logs its refusals too
    app.add_middleware(NotKept)  # the outermost: RequestLog's 500 too

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        return problem(422, detail="The request does not fit the API.",
                       errors=[_refused(e) for e in error.errors()])  # fmt: skip

    @app.get("/healthz", summary="The server is up", response_model=Health)
    async def healthz() -> Health:
        return Health(status="ok", kb_version=kb.version)

    @app.post(
        "/api/v1/options",
        summary="Every option for a person's situation",
        response_model=None,
        responses=OPTION_RESPONSES,
    )
    async def options(request: Request) -> Response:
        refused = _parameters_refused(request, (), "/api/v1/options",
                                      "send the profile's fields in the JSON body")  # fmt: skip
        if refused:
            return refused
        text = await body_text(request, settings.max_body_bytes, "the profile",
                               ("application/json",), FHIR_ELSEWHERE, "profile")  # fmt: skip
        if isinstance(text, Response):
            return text

        def answer() -> Response:
            try:
                data = profile_from_text(text, "the request body", json_only=True)
                person = parse_profile(data, kb)
            except ProfileError as error:
                status = 400 if any(p.field == "profile" for p in error.problems) else 422
                return _refusal(status, [cancer_required(p) for p in error.problems])
            result = evaluate(person, kb)
            return Response(result.model_dump_json(), media_type="application/json")

        # A profile of a few KiB takes milliseconds: on the event loop. One of 256 KiB (40,000
        # names) took 0.8 s, and the server answered nothing else meanwhile: in a worker thread.
        if len(text) <= INLINE_PROFILE_CHARS:
            return answer()
        return await run_in_threadpool(answer)

    async def fhir_reading(request: Request, route: str) -> FhirReading | Response:
        """The record the body sends, read (``read_bundle``), or the refusal: the same for the
        options of a record and for its reading alone."""
        refused = _parameters_refused(request, (), route, "send the FHIR Bundle as the body")
        if refused:
            return refused
        text = await body_text(request, settings.max_bundle_bytes, "the FHIR Bundle", FHIR_KINDS,
                               field="bundle")  # fmt: skip
        if isinstance(text, Response):
            return text

        def read() -> FhirReading | Response:
            try:  # the text as JSON, as the command reads it: not JSON is the text's error
                bundle = fhir_json(text)
            except FhirError as error:  # a key given twice
                return _refusal(422, [cancer_required(p) for p in error.problems])
            except (ValueError, RecursionError) as error:
                return not_fhir_json(text, error, FHIR_DEPTH)
            try:  # no other error of the reader is said to be the text's
                return read_bundle(bundle, kb)
            except FhirError as error:  # not a Bundle; no cancer
                return _refusal(422, [cancer_required(p) for p in error.problems])

        # A record of up to 20 MB takes seconds to read: in a worker thread, so that the server
        # answers every other request meanwhile.
        return await run_in_threadpool(read)

    @app.post(
        "/api/v1/options/fhir",
        summary="Every option for the person whose FHIR (mCODE) record is sent, as a Bundle",
        response_model=None,
        responses=FHIR_RESPONSES,
    )
    async def options_from_fhir(request: Request) -> Response:
        reading = await fhir_reading(request, "/api/v1/options/fhir")
        if isinstance(reading, Response):
            return reading
        try:
            person = parse_profile(reading.data, kb)
        except ProfileError as error:
            return _refusal(422, [cancer_required(p) for p in error.problems])
        result = with_reading(evaluate(person, kb), reading)
        return Response(result.model_dump_json(), media_type="application/json")

    @app.post(
        "/api/v1/fhir/profile",
        summary="The profile a FHIR (mCODE) record gives: each field with the resources it came "
        "from, every resource not used with the reason, and what the reading found worth saying",
        response_model=FhirReadingOut,
        responses={**FHIR_RESPONSES, 200: {"description": "The reading, as `onconav fhir "
                                                          "profile BUNDLE --format json`"}},
    )  # fmt: skip
    async def fhir_profile(request: Request) -> FhirReadingOut | Response:
        reading = await fhir_reading(request, "/api/v1/fhir/profile")
        if isinstance(reading, Response):
            return reading
        return FhirReadingOut.model_validate(reading.as_json())

    @app.get(
        "/api/v1/explain/{name:path}",  # names may hold a slash (5-FU/LV)
        summary="Any drug, regimen, procedure, test, term or option, by any name or code",
        response_model=EntityOut,
        responses={400: {"description": "The name's percent-escapes are not UTF-8 text"},
                   404: {"description": "No entry has that name or code"},
                   422: {"description": "The name is empty or blank, or a parameter is given "
                         "(the route takes none)"}},
    )  # fmt: skip
    async def explain(request: Request, name: str) -> EntityOut | Response:
        refused = _parameters_refused(request, (), "/api/v1/explain/{name}",
                                      EXPLAIN_TAKES_NONE)  # fmt: skip
        if refused:
            return refused
        if not name.strip():  # a blank name had been a 404 ("'' is not a name ...")
            return _refusal(422, [Problem("name", name, ("a name or code",), GIVE_A_NAME)])
        reading = kb_explain.read(kb, name)
        found, shown = reading.found, reading.views(kb)  # (a kind of procedure: surgery)
        if not shown:
            closest = kb.closest_names(name)
            # the name quoted cut at 40 characters, as every message quotes a value (a name of
            # 15,000 characters came back whole); the closest names in the error's `accepted`
            # too, for a client's "did you mean" (they were only in the detail's words)
            return _refusal(404, [Problem(
                "name", name, tuple(closest), f"{cut(name)!r} is not a name or code onconav "
                "knows" + (f"; the closest: {', '.join(closest)}" if closest else ""))])
        seen = shown[0]
        listed = kb_explain.names_apart(kb, seen.used_by)  # as the command line and page list them
        return EntityOut(
            **{k: v for k, v in asdict(seen).items() if k not in ("evidence", "details",
                                                                   "used_by")},
            used_by=[UsedByOut(**asdict(u), shown=name) for u, name in zip(seen.used_by, listed,
                                                                             strict=True)],
            details=[{"label": label, "text": text} for label, text in seen.details],
            citations=[_citation(span) for span in seen.evidence],
            passages=[passage(span) if passage else None for span in seen.evidence],
            also_matched=[r.id for r in found[1:]],
            notices=[reading.notice] if reading.notice else [],
        )

    @app.get(
        "/api/v1/search",
        summary="Search the sources' passages and the knowledge base in your own words",
        response_model=SearchResult,
        responses={422: {"description": f"q is missing, empty, longer than {MAX_QUERY_CHARS} "
                         "characters or has no word to look for; limit is not 1-50; cancer is "
                         f"one a profile would refuse (longer than {CANCER_CHARS} characters, a "
                         "guess such as 'stomach?', a near miss of a known name such as "
                         "'stomch'); or a "
                         "parameter is given more than once or is not one of q, limit and "
                         "cancer: each error names the field. A cancer with no source of its "
                         "own (lung) is searched in the general source, with a notice"}},
    )  # fmt: skip
    def search(request: Request, q: str = "", limit: int | str = 10,
               cancer: str | None = None) -> Response:  # fmt: skip
        refused = _parameters_refused(request, ("q", "limit", "cancer"), "the search")
        if refused:
            return refused
        # a limit that is no whole number ("ten") reaches the index as given, which refuses
        # every wrong limit in one message ("a whole number from 1 to 50"; "ten" had pydantic's);
        # a signed one is a number too (-1, as 0 is: it had been the string "-1")
        whole = isinstance(limit, str) and re.fullmatch(r"\s*[-+]?\d{1,9}\s*", limit, re.ASCII)
        try:
            result = index.search(q, limit=int(limit) if whole else limit, cancer=cancer)
        except SearchError as error:
            return _refusal(422, [error.problem])  # each says what the parameter takes
        return Response(result.model_dump_json(), media_type="application/json")

    @app.get("/api/v1/kb", summary="The knowledge base: version, sources and their dates, counts",
             response_model=KnowledgeOut,
             responses={422: {"description": "A parameter is given (the route takes none)"}})
    async def knowledge(request: Request) -> KnowledgeOut | Response:
        refused = _parameters_refused(request, (), "/api/v1/kb")
        if refused:
            return refused
        stats = kb_explain.stats(kb)
        return KnowledgeOut.model_validate({
            "version": kb.version,
            "sources": [s.model_dump() for s in sources_used(kb)],
            "counts": stats["counts"],
            "in_trials": stats["in_trials"],
            "spans": stats["spans"],
        })  # fmt: skip

    # HEAD is answered wherever GET is (RFC 9110; health monitors send it), with GET's status
    # and headers and no body (uvicorn sends none); the OpenAPI document lists GET only
    for path, endpoint, model in (
        ("/healthz", healthz, Health), ("/api/v1/explain/{name:path}", explain, EntityOut),
        ("/api/v1/search", search, SearchResult), ("/api/v1/kb", knowledge, KnowledgeOut),
    ):  # fmt: skip
        app.add_api_route(path, endpoint, methods=["HEAD"], response_model=model,
                          include_in_schema=False)  # fmt: skip

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi(app, kb)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    error_page = add_page(app, kb, passage, index, settings.max_query_bytes)
    error_pages[414] = lambda: error_page(414)
    error_pages[400] = lambda: error_page(400)
    add_cds_hooks(app, kb, settings.cds_hooks)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        if error.status_code == 404 and _wants_page(request):
            return error_page(404)
        headers = dict(error.headers or {})
        if "Allow" in headers:  # a method not allowed: HEAD wherever GET (the API's GET routes
            # have HEAD routes of their own, above, and said "GET"), in one order (a page's said
            # "HEAD, GET" or "GET, HEAD", as its set of methods came)
            allowed = set(headers["Allow"].split(", "))
            if "GET" in allowed:
                allowed.add("HEAD")
            headers["Allow"] = ", ".join(sorted(allowed))
            if _wants_page(request):  # a browser: a page, in words, as for 404
                shown = error_page(405)
                shown.headers["Allow"] = headers["Allow"]
                return shown
            if error.status_code == 405:  # said in words, with the methods taken (it was
                # "Method Not Allowed" with "errors": [])
                return not_allowed(request.method, sorted(allowed), headers)
        return problem(error.status_code, detail=str(error.detail), headers=headers)

    return app


ERRORS = {
    400: "The body is not a JSON object of fields, not UTF-8, or not valid JSON (NaN and "
         "Infinity are not JSON)",
    413: "The body is larger than the limit",
    415: "The body is not application/json (a FHIR Bundle, application/fhir+json, goes to "
         "/api/v1/options/fhir), is sent in a charset other than UTF-8, or is sent with a "
         "Content-Encoding (none is accepted)",
    422: "A field is not accepted, or a parameter is given (the route takes none): each error "
         "names the field and what is accepted",
}  # fmt: skip


OPTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The options, as `onconav options --format json`"},
    **{status: {"description": words} for status, words in ERRORS.items()},
}


FHIR_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The options, as `onconav options --fhir BUNDLE --format json`"},
    400: {"description": "The body is not UTF-8 JSON (NaN and Infinity are not JSON)"},
    413: {"description": "The body is larger than the limit"},
    415: {"description": "The body is not application/fhir+json or application/json, is sent "
          "in a charset other than UTF-8, or is sent with a Content-Encoding (none is "
          "accepted)"},
    422: {"description": "Not a FHIR Bundle, no cancer condition, a value not accepted, or a "
          "parameter given (the route takes none): each error names the field"},
}
FHIR_KINDS = ("application/fhir+json", "application/json")
# a FHIR Bundle sent to the profile's address is told where it is read
FHIR_ELSEWHERE = {"application/fhir+json": " A FHIR Bundle (application/fhir+json) is read at "
                  "/api/v1/options/fhir."}  # fmt: skip
# Every route: a query string over Settings.max_query_bytes is refused before any route reads it
TOO_LONG = {"description": "The query string is longer than the limit (8 KiB by default)"}
NOT_TEXT_PARAMETER = {"description": "A parameter's name is not text (its percent-escapes "
                      "are not UTF-8)"}  # fmt: skip


# The API's explain takes no cancer, where the page's does (``?cancer=rectum``): the page keeps
# its links and search box to it and lists that cancer's options first; the API's answer is the
# entry, whatever the cancer, as `onconav explain` gives it, and each option that gives it names
# the cancers it is for (``used_by[].cancers``), by which a client orders or picks them
EXPLAIN_TAKES_NONE = ("the name or code is the address's last part; the options that give it "
                      "(used_by) each name the cancers they are for")


def _parameters_refused(request: Request, known: tuple[str, ...], what: str,
                        instead: str = "") -> Response | None:  # fmt: skip
    """The 422 refusing the parameters of the query string that ``what`` does not take (or
    takes once), as ``parameters_refused`` words them; None when there are none."""
    refused = parameters_refused(request.query_params.multi_items(), known, what, instead)
    return _refusal(422, refused) if refused else None


def _refusal(status: int, problems: list[Problem]) -> Response:
    """The problem document refusing ``problems`` (at most 20, and a count of the rest): each
    value a message quotes over 40 characters cut (``problems.field_errors``), and each field
    named at most 60 characters (a symptom of 250 KB came back in the detail, the message and
    the value: 750 KB); the value given is sent back once, cut as the message cuts it
    (``problems.value_shown``)."""
    errors = field_errors(at_most(problems))
    for error in errors:  # cut, its spaces kept ("stage " is not "stage", which it was shown as)
        long = len(error.field) > NAME_SHOWN
        error.field = error.field[:NAME_SHOWN] + "\u2026" if long else error.field
        error.value = value_shown(error.value)
    return problem(status, detail=detail_of(errors), errors=errors)


def _citation(span: Span) -> Citation:
    return Citation(source=span.source, start=span.start, end=span.end, sha256=span.sha256,
                    label=span.label())  # fmt: skip


def _wants_page(request: Request) -> bool:
    """Whether a request is a browser's, asking for a page (HTML accepted) at an address that is
    not the API's nor CDS Hooks' (their clients get problem documents, as any client that does
    not accept HTML)."""
    first = request.url.path.strip("/").split("/")[0].lower()  # "/API/v1", "/api" too
    return first not in ("api", "cds-services") and "text/html" in request.headers.get(
        "accept", "").lower()


def example_profiles() -> list[Path]:
    """The example profiles (``examples/*.json``), the OpenAPI document's examples: in a checkout
    (an editable install too), the repository's own; installed from a wheel, the copies it put in
    ``share/onconav/examples`` (pyproject.toml's data-files), found by the files the installed
    distribution records (wherever the install scheme put them). The examples were read from
    the checkout alone, and the document of an installed onconav had none."""
    if EXAMPLES.is_dir():
        return sorted(EXAMPLES.glob("*.json"))
    try:
        files = metadata.distribution("onconav").files or []
    except metadata.PackageNotFoundError:
        files = []
    installed = [f for f in files if f.parent.parts[-2:] == ("onconav", "examples")
                 and f.suffix == ".json"]  # fmt: skip
    return sorted((Path(str(f.locate())) for f in installed), key=lambda p: p.name)


def _openapi(app: FastAPI, kb: KnowledgeBase) -> dict[str, Any]:
    """The OpenAPI document: the routes, with the profile's schema (made from the vocabulary),
    the Result's, and problem documents for every error."""
    doc = get_openapi(title=app.title, version=app.version, description=app.description,
                      routes=app.routes)  # fmt: skip
    components = doc.setdefault("components", {}).setdefault("schemas", {})

    def add(name: str, schema: dict[str, Any]) -> dict[str, str]:
        text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/')
        schema = json.loads(text)
        components.update(schema.pop("$defs", {}))
        components[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}

    profile = add("Profile", profile_schema(kb))
    result = add("Result", Result.model_json_schema(mode="serialization"))
    problem_ref = add("ProblemDetails", ProblemDetails.model_json_schema(mode="serialization"))
    examples = {p.stem: {"value": json.loads(p.read_text(encoding="utf-8"))}
                for p in example_profiles()}  # fmt: skip
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if path == "/api/v1/search" and method == "get":
                # The route reads each parameter as text, so that the search refuses a wrong
                # one with its own words; the document says what the search takes.
                schemas = {"q": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS,
                                 "title": "Q"},
                           "limit": {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX,
                                     "default": 10, "title": "Limit"},
                           "cancer": {"type": "string", "maxLength": CANCER_CHARS,
                                      "title": "Cancer"}}  # fmt: skip
                for parameter in operation["parameters"]:
                    parameter["schema"] = schemas[parameter["name"]]
                    parameter["required"] = parameter["name"] == "q"
            operation["responses"]["414"] = dict(TOO_LONG)
            # every route: a parameter whose name is not text (?%FF=1) is refused
            operation["responses"].setdefault("400", dict(NOT_TEXT_PARAMETER))
            for status, response in operation.get("responses", {}).items():
                if status.startswith(("4", "5")):
                    response["content"] = {PROBLEM: {"schema": problem_ref}}
            if path == "/api/v1/options" and method == "post":
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": profile, "examples": examples}},
                }
                operation["responses"]["200"]["content"] = {"application/json": {"schema": result}}
            if path in ("/api/v1/options/fhir", "/api/v1/fhir/profile") and method == "post":
                bundle = {"type": "object", "required": ["resourceType"],
                          "properties": {"resourceType": {"const": "Bundle"}},
                          "description": "A FHIR R4 Bundle of one person's resources (mCODE); "
                                         "see docs/fhir.md for what is read"}  # fmt: skip
                operation["requestBody"] = {  # the profile's reading had none: no body to send
                    "required": True,
                    "content": {kind: {"schema": bundle}
                                for kind in ("application/fhir+json", "application/json")},
                }  # fmt: skip
            if path == "/api/v1/options/fhir" and method == "post":
                operation["responses"]["200"]["content"] = {"application/json": {"schema": result}}
    return doc


SOURCES_ENV = "ONCONAV_SOURCES"


def app_from_environment() -> FastAPI:
    """The app as ``onconav serve`` runs it (in each worker): the sources from $ONCONAV_SOURCES,
    the CDS Hooks settings from theirs (docs/cds-hooks.md)."""
    import os

    sources = os.environ.get(SOURCES_ENV)
    app = create_app(settings=Settings(sources=Path(sources) if sources else None,
                                       cds_hooks=cds_from_environment(os.environ)))
    # What is loaded by now (the knowledge base, the sources, the app) lives as long as the
    # worker: frozen, the garbage collector's full collections no longer walk it. Each took
    # 37-55 ms here (15 in 15 s at 200 requests/s), a pause that every request waiting meanwhile
    # carried: the p99.9 at 200 requests/s went from 59 ms to 16 ms. Objects are still freed
    # when nothing refers to them; nothing anyone sees changes.
    gc.collect()
    gc.freeze()
    return app


def configure_logging() -> None:
    """One line per request on standard error: method, path, status, time. Never a body or a
    query string (they may hold a person's situation)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
