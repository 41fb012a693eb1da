"""The HTTP API on a real server on loopback (uvicorn in a thread, started and stopped here):
the same answers as the command line, problem documents for every error, nothing about the
person in the logs, and schemathesis over the whole API."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
import pytest
import schemathesis
import uvicorn
from fastapi import Body, Query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from schemathesis.specs.openapi.checks import positive_data_acceptance

from onconav.kb import load_kb
from onconav.profile import SET_FIELDS, ProfileError, parse_profile
from onconav.web import Settings, create_app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
KB = load_kb()
APP = create_app(KB, Settings(max_body_bytes=4096, max_bundle_bytes=100_000))
BUNDLES = sorted((ROOT / "tests" / "fhir").glob("*.json"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread, for the block."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False, log_config=None,
                            lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    assert server.started, "the server started on loopback"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(APP) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as c:
        yield c


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_api_answers_as_the_command_does(client: httpx.Client, run, path: Path) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/options", content=path.read_bytes(),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    done = run("options", "--profile", str(path), "--format", "json")
    assert done.status == 0, done.stderr
    assert response.json() == json.loads(done.stdout)


@pytest.mark.parametrize("name", ["5-FU/LV", "trifluridine/tipiracil", "Lonsurf"])
def test_explain_finds_names_holding_a_slash(client: httpx.Client, name: str) -> None:
    response = client.get("/api/v1/explain/" + name)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == KB.find(name)[0].id


@pytest.mark.parametrize("name", ["palliative care", "FOLFOX", "hepatic arterial infusion"])
def test_explain_says_which_cancers_each_option_is_for_as_the_command_does(
    client: httpx.Client, run: Any, name: str
) -> None:
    """The API listed "Care to feel better without cancer treatment" twice (for cervical and for
    stomach cancer), told apart by a comma, where `onconav explain` and the page say which
    cancer each is for (a review of the API): each option it lists has its `cancers` and the
    name as the command lists it (`shown`)."""
    used_by = client.get("/api/v1/explain/" + name).json()["used_by"]
    assert used_by, name
    done = run("explain", name)
    assert done.status == 0, done.stderr
    for option in used_by:
        record = KB.by_id[option["id"]]
        assert option["cancers"] == ([] if "any" in record.cancers else list(record.cancers))
        # (`onconav explain`, for families, names no ids: the API gives each its id)
        assert f"- {option['shown']}" in " ".join(done.stdout.split())
        assert f"({option['id']})" not in done.stdout
        # "(for cervical cancer)", or "(option for cervical cancer)" when a procedure has its name
        said = re.search(r"\((option )?for ", option["shown"]) is not None
        assert bool(option["cancers"]) is said, option


def test_a_search_hit_says_which_cancers_an_option_is_for(client: httpx.Client) -> None:
    """The search's JSON named "Chemotherapy into the liver artery" among what cites a passage
    without saying it is for rectal cancer only, which the text answer and the page say."""
    hits = client.get("/api/v1/search", params={"q": "chemo into the liver artery"}).json()
    refs = [r for h in hits["hits"] for r in [*h["cited_by"], *([h["entry"]] if h["entry"]
                                                                else [])]]  # fmt: skip
    assert any(r["id"] == "rectum-hepatic-arterial-infusion" and r["cancers"] == ["rectum"]
               for r in refs), refs  # fmt: skip
    for ref in refs:
        record = KB.by_id[ref["id"]]
        general = not hasattr(record, "cancers") or ref["kind"] != "options" or "any" in getattr(
            record, "cancers", ["any"])  # fmt: skip
        assert ref["cancers"] == ([] if general else list(record.cancers)), ref


def test_explain_kb_and_health(client: httpx.Client) -> None:
    entity = client.get("/api/v1/explain/Xeloda").json()
    assert entity["id"] == "capecitabine" and entity["citations"]
    assert client.get("/api/v1/explain/rxnorm|194000").status_code in (200, 404)
    missing = client.get("/api/v1/explain/no such thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    misspelt = client.get("/api/v1/explain/lonsruf")  # the closest names, as the command says
    assert misspelt.status_code == 404 and "the closest: Lonsurf" in misspelt.text
    # and as data, for a client's "did you mean" (they were only in the detail's words)
    (error,) = misspelt.json()["errors"]
    assert error["field"] == "name" and error["accepted"] == ["Lonsurf"], error
    about = client.get("/api/v1/kb").json()
    assert about["version"] == KB.version
    assert {s["id"] for s in about["sources"]} == {s.id for s in KB.data.sources}
    assert all(s["dated"] for s in about["sources"])
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (b'{"cancer": "rectum", "stage": "purple"}', "application/json", 422, "stage"),
        (b'{"cancer": "rectum", "symptoms": ["hiccups"]}', "application/json", 422, "symptoms[0]"),
        (b'{"cancer": "stomache"}', "application/json", 422, "cancer"),
        (rb'{"\ud800": 1, "cancer": "rectum"}', "application/json", 422, "\\ud800"),
        (b'{"cancer": "rectum", "stage": "4", "stage": "3"}', "application/json", 422, "stage"),
        # NaN and Infinity are not JSON (Python's reader takes them: a 422 for a value null)
        (b'{"cancer": "rectum", "stage": NaN}', "application/json", 400, "profile"),
        (b'{"cancer": "rectum", "stage": -Infinity}', "application/json", 400, "profile"),
        # a number too large to be read: named by its field (it was "Infinity", value null)
        (b'{"cancer": "rectum", "stage": 1e400}', "application/json", 422, "stage"),
        # JSON is UTF-8: another charset is a kind the API does not read (it was 400)
        (b'{"cancer": "rectum"}', "application/json; charset=iso-8859-1", 415, "Content-Type"),
        ('{"cancer": "rectum"}'.encode("utf-16"), "application/json; charset=utf-16", 415,
         "Content-Type"),
        (b'{"a": ' * 25 + b"1" + b"}" * 25, "application/json", 400, "profile"),  # too deep
        # a lone surrogate, a JSON escape UTF-8 has no character for: it was a 500
        (rb'{"cancer": "\ud800"}', "application/json", 422, "cancer"),
        (rb'{"cancer": "rectum", "symptoms": ["pain", "\udfff"]}', "application/json", 422,
         "symptoms[1]"),
        (b'["rectum"]', "application/json", 400, "profile"),
        (b'{"cancer": ', "application/json", 400, "profile"),
        # a body not UTF-8 names the profile, as one not JSON does (it named no field)
        (b"\xff\xfe{}", "application/json", 400, "profile"),
        ('{"cancer": "côlon"}'.encode("latin-1"), "application/json", 400, "profile"),
        ('{"cancer": "colon"}'.encode("utf-16"), "application/json", 400, "profile"),
        (b'{"cancer": "rectum"}', "text/plain", 415, None),
        (b'{"cancer": "' + b"x" * 5000 + b'"}', "application/json", 413, None),
    ],
)
def test_every_error_is_a_problem_document(  # type: ignore[no-untyped-def]
    client: httpx.Client, body: bytes, content_type: str, status: int, field: str | None
) -> None:
    response = client.post("/api/v1/options", content=body,
                           headers={"content-type": content_type})  # fmt: skip
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    # about:blank: the title is the status's phrase (RFC 9457 4.2.1), not "Invalid profile"
    assert (problem["type"], problem["title"]) == ("about:blank", PHRASES[status]), problem
    if field is not None:
        assert field in {e["field"] for e in problem["errors"]}, problem
    names_what_is_accepted(problem)


# pydantic's own words, which no refusal of onconav's says
PYDANTIC_WORDS = ("Input should be", "type=", "For further information visit", "pydantic",
                  "should match pattern", "Field required", "Extra inputs", "spec regex")


def names_what_is_accepted(problem: dict[str, Any]) -> None:
    """A refusal of what was sent (400, 422) names the fields at fault, and what the body
    accepts where the body as a whole is at fault (not UTF-8, not JSON, not a Bundle: they had
    named no field, or accepted nothing), and each error of a FHIR record what is accepted (a
    record with no cancer Condition, or a Bundle's element pydantic refused, accepted
    nothing)."""
    if problem["status"] in (400, 422):
        assert problem["errors"], problem
        for error in problem["errors"]:
            assert error["field"], problem
            if error["field"] == "profile" or error["field"].startswith("bundle"):
                assert error["accepted"], problem
            if "not valid Unicode" in error["message"]:  # (it accepted nothing)
                assert error["accepted"], problem


PHRASES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
           422: "Unprocessable Content"}  # RFC 9110's  # fmt: skip


@pytest.mark.parametrize(("method", "path", "status"),
                         [("GET", "/api/v1/explain/no-such-thing", 404),
                          ("DELETE", "/api/v1/kb", 405),
                          ("GET", "/api/v1/search?q=" + "x" * 9000, 414),
                          ("GET", "/api/v1/search?q=", 422)])  # fmt: skip
def test_every_problems_title_is_its_status_phrase(
    client: httpx.Client, method: str, path: str, status: int
) -> None:
    """Problem documents of type about:blank had titles of onconav's own ("Bad request",
    "Request too large", "Error"); RFC 9457 asks for the status's phrase."""
    problem = client.request(method, path).json()
    assert (problem["status"], problem["type"], problem["title"]) == (
        status, "about:blank", PHRASES[status])


JSON = {"content-type": "application/json"}
ANSWERS_OF_A_PERSON = [
    ("POST", "/api/v1/options", {"content": b'{"cancer": "rectum", "stage": "4"}',
                                 "headers": JSON}),
    ("POST", "/api/v1/options", {"content": b'{"cancer": "rectum", "stage": "9"}',
                                 "headers": JSON}),
    ("POST", "/api/v1/options", {"content": b"{'cancer': 'rectum'}", "headers": JSON}),
    ("POST", "/api/v1/options/fhir", {"content": (ROOT / "tests" / "fhir"
                                                  / "gej-m1-her2-negative.json").read_bytes(),
                                      "headers": JSON}),
    ("POST", "/api/v1/options/fhir", {"content": b'{"resourceType": "Patient"}', "headers": JSON}),
    ("POST", "/api/v1/fhir/profile", {"content": (ROOT / "tests" / "fhir"
                                                  / "gej-m1-her2-negative.json").read_bytes(),
                                      "headers": JSON}),
    ("GET", "/api/v1/search?q=lonsurf", {}),
    ("GET", "/api/v1/search?q=lonsurf&cancer=stomch", {}),
    ("GET", "/api/v1/explain/Xeloda", {}),
    ("GET", "/api/v1/explain/no-such-thing", {}),
    ("GET", "/api/v1/search?q=" + "x" * 9000, {}),  # 414
    ("GET", "/options?cancer=rectum&stage=4", {}),  # the page's own headers
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "kw"), ANSWERS_OF_A_PERSON,
                         ids=lambda v: v if isinstance(v, str) else "")  # fmt: skip
def test_no_answer_is_kept_by_a_cache_nor_sniffed(
    client: httpx.Client, method: str, path: str, kw: dict[str, Any]
) -> None:
    """The page's answers had Cache-Control: no-store and X-Content-Type-Options: nosniff; the
    API's answers and problem documents, which hold a person's situation or quote it, had
    neither. The page's assets may be kept."""
    response = client.request(method, path, **kw)
    assert response.headers.get("cache-control") == "no-store", (response.status_code, path)
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get_list("cache-control") == ["no-store"]  # once, not twice
    asset = client.get("/static/onconav.css")
    assert asset.status_code == 200 and "cache-control" not in asset.headers


PAGE_HEADERS = ("content-security-policy", "referrer-policy", "x-content-type-options",
                "cache-control")
NOT_KEPT_HEADERS = ("x-content-type-options", "cache-control")


@pytest.mark.parametrize(("method", "path", "kw", "sent"), [
    ("GET", "/options?cancer=rectum&stage=4", {}, PAGE_HEADERS),
    ("GET", "/nowhere", {"headers": {"accept": "text/html"}}, PAGE_HEADERS),
    ("GET", "/api/v1/search?q=lonsurf", {}, NOT_KEPT_HEADERS),
    ("POST", "/api/v1/options", {"json": {"cancer": "rectum", "stage": "9"}}, NOT_KEPT_HEADERS),
    ("GET", "/healthz", {}, NOT_KEPT_HEADERS),
    ("GET", "/openapi.json", {}, NOT_KEPT_HEADERS),
    ("GET", "/docs", {}, NOT_KEPT_HEADERS),
    ("GET", "/static/onconav.css", {}, ()),
], ids=lambda v: v if isinstance(v, str) and v.startswith("/") else "")  # fmt: skip
def test_which_answers_carry_which_security_headers(
    client: httpx.Client, method: str, path: str, kw: dict[str, Any], sent: tuple[str, ...]
) -> None:
    """docs/web.md ("Safe by default") had read as promising the page's four headers on every
    answer: a page has all four, an API answer, a problem document, /healthz, /openapi.json and
    /docs only no-store and nosniff, an asset none. Each answer is checked as the doc says."""
    response = client.request(method, path, **kw)
    assert {h for h in PAGE_HEADERS if h in response.headers} == set(sent), response.status_code


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: httpx.Client) -> None:
    """Without a length given in advance (chunked), the body is refused once the limit is
    passed, not read to its end."""

    def chunks() -> Iterator[bytes]:
        yield b'{"cancer": "'
        for _ in range(1000):
            yield b"x" * 1024
        yield b'"}'

    response = client.post("/api/v1/options", content=chunks(),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 413


def test_no_profile_content_in_the_logs(client: httpx.Client, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.DEBUG):
        for path in EXAMPLES:
            client.post("/api/v1/options", content=path.read_bytes(),
                        headers={"content-type": "application/json"})  # fmt: skip
        client.post("/api/v1/options", content=b'{"cancer": "Ana-17 secret", "stage": "x9"}',
                    headers={"content-type": "application/json"})  # fmt: skip
    lines = [r.getMessage() for r in caplog.records if r.name.startswith(("onconav", "uvicorn"))]
    assert any("POST /api/v1/options 200" in line for line in lines), lines
    values = {"Ana-17 secret", "x9"}
    for path in EXAMPLES:
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            values |= {str(v) for v in (value if isinstance(value, list) else [value])}
            values.add(key) if key not in ("cancer", "stage") else None
    for line in lines:
        assert not any(v in line for v in values if len(v) > 3 and v not in line.split()[:2]), line


def test_no_one_can_write_a_line_of_their_own_into_the_log(  # type: ignore[no-untyped-def]
    client: httpx.Client, caplog
) -> None:
    """The path was logged decoded: a newline in it (%0A) wrote a forged line into the log, an
    escape (%1B) coloured the terminal, and spaces (%20) made a line that read as another
    request's (``GET /api/v1/explain/x FAKE 200 404``). The path is logged percent-encoded, as
    it is sent, never as decoded text."""
    forged = "2026-12-01 00:00:00,000 onconav.web POST /api/v1/options 200 1.0ms"
    with caplog.at_level(logging.INFO):
        client.get("/explain/x%0A" + forged.replace(" ", "%20"))
        client.get("/api/v1/explain/%1B%5B31mred%E2%80%A8x")
        client.get("/api/v1/explain/Qzé qz")
        client.get("/api/v1/explain/x%20FAKE%20200")
        client.get("/explain/FOLFOX%2F5-FU?cancer=rectum")  # a slash, and never the query
        for _ in range(100):  # each line is written once its answer is sent
            lines = [r.getMessage() for r in caplog.records if r.name == "onconav.web"]
            if sum("/explain/" in line for line in lines) >= 5:
                break
            time.sleep(0.02)
    assert any(line.startswith("GET /explain/x%0A2026-12-01%2000%3A00%3A00%2C000%20onconav.web"
                               "%20POST%20/api/v1/options%20200%201.0ms 404 ")
               for line in lines), lines  # fmt: skip
    assert any(line.startswith("GET /api/v1/explain/%1B%5B31mred%E2%80%A8x 404 ") for line in lines)
    assert any(line.startswith("GET /api/v1/explain/Qz%C3%A9%20qz 404 ") for line in lines)
    assert any(line.startswith("GET /api/v1/explain/x%20FAKE%20200 404 ") for line in lines)
    # as sent: an encoded slash stays encoded, apart from a path with a slash there
    assert any(line.startswith("GET /explain/FOLFOX%2F5-FU ") for line in lines), lines
    assert not any(c in line for line in lines for c in "\n\x1b\u2028?"), lines
    assert all(len(line.split()) == 4 for line in lines), lines  # method, path, status, time


PAGE_ADDRESSES = ["/", "/options?cancer=rectum&stage=4", "/options?stage=4", "/explain/Xeloda",
                  "/explain/no-such-thing", "/search?q=pain", "/report.html?cancer=rectum",
                  "/report.pdf?cancer=rectum"]  # fmt: skip


@pytest.mark.parametrize("path", PAGE_ADDRESSES)
def test_head_answers_the_pages_as_get_does(client: httpx.Client, path: str) -> None:
    """HEAD of a page (a link checker's, a browser's check before a download) was a 405; it is
    answered as GET is, without the body; the PDF report without its length, which only making
    the PDF would tell (HEAD made it, seconds of work for a body never sent)."""
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code != 405, (head.status_code, got.status_code)
    pdf = path.startswith("/report.pdf") and got.status_code == 200
    for header in ("content-type", "content-length", "content-security-policy",
                   "content-disposition"):  # fmt: skip
        if header == "content-length" and pdf:
            assert header not in head.headers and "transfer-encoding" not in head.headers
            continue
        assert head.headers.get(header) == got.headers.get(header), header
    assert head.content == b""


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/search?q=bone", "/api/v1/kb",
                                  "/api/v1/explain/capecitabine", "/api/v1/explain/no-such-name",
                                  "/api/v1/search?q=bone&limit=ten"])  # fmt: skip
def test_head_answers_the_api_as_get_does(client: httpx.Client, path: str) -> None:
    """HEAD of an API address (a health monitor's) was a 405 that said "Allow: GET"; it is
    answered as GET is, without the body."""
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code != 405, (head.status_code, got.status_code)
    for header in ("content-type", "content-length"):
        assert head.headers.get(header) == got.headers.get(header), header
    assert head.content == b""


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/kb", "/api/v1/search?q=bone",
                                  "/api/v1/explain/Xeloda", "/options?cancer=rectum",
                                  "/openapi.json"])  # fmt: skip
def test_a_method_not_allowed_names_head_wherever_get_is(client: httpx.Client, path: str) -> None:
    """The API's GET routes answer HEAD too, but their 405 said "Allow: GET" (the page's said
    "GET, HEAD")."""
    response = client.delete(path)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert client.head(path).status_code == 200


def _routes_and_a_method_each_does_not_take() -> list[tuple[str, str]]:
    """Every address of the app (its parameters filled in) with a method it does not take; the
    CDS Hooks services' are tested in test_cds_hooks.py (their token is asked for first)."""
    out = []
    for route in APP.routes:
        methods = getattr(route, "methods", None)
        path = getattr(route, "path", "")
        if not methods or path.startswith("/cds-services/"):
            continue
        method = next(m for m in ("DELETE", "PATCH", "PUT", "POST") if m not in methods)
        out.append((method, re.sub(r"\{[^}]*\}", "x", path)))
    return sorted(set(out))


@pytest.mark.parametrize(("method", "path"), _routes_and_a_method_each_does_not_take())
def test_a_method_not_allowed_says_which_methods_the_address_takes(
    client: httpx.Client, method: str, path: str
) -> None:
    """A 405 said only "Method Not Allowed", with "errors": []: it says the method is not
    taken and which are (the Allow header's), and names the method as the field at fault."""
    response = client.request(method, path, headers={"accept": "application/json"})
    if response.status_code != 405:  # another route of the same address takes it
        return
    allowed = response.headers["allow"].split(", ")
    problem = response.json()
    assert problem["detail"] == (f"{method} is not a method this address takes; it takes "
                                 f"{', '.join(allowed)} (Allow).")  # fmt: skip
    assert problem["errors"] == [{"field": "method", "value": method, "accepted": allowed,
                                  "message": "is not a method this address takes; it takes "
                                             f"{', '.join(allowed)} (Allow)"}]  # fmt: skip


@pytest.mark.parametrize("body", [{"": 1}, {"cancer": "rectum", "": 1},
                                  {"cancer": "rectum", "biomarkers": {"": 1}}])  # fmt: skip
def test_an_empty_field_name_is_named_as_such(client: httpx.Client, body: Any) -> None:
    """A profile of {"": 1} was refused with a detail "...; : unknown field; ...": an empty key
    is named "an empty field name" in the detail (its field stays the key, "")."""
    problem = client.post("/api/v1/options", json=body).json()
    assert problem["status"] == 422
    assert 'an empty field name ("")' in problem["detail"], problem
    assert not problem["detail"].startswith(":") and "; :" not in problem["detail"], problem
    assert ".:" not in problem["detail"], problem
    assert {e["field"] for e in problem["errors"]} & {"", "biomarkers."}, problem


def test_a_test_the_sources_never_use_is_a_422_saying_so(client: httpx.Client) -> None:
    """MSI and Claudin 18.2 given to the API: a 422 naming each field, saying that the sources
    this tool is built on do not use it to decide an option, with what is accepted."""
    problem = client.post("/api/v1/options", json={
        "cancer": "stomach", "stage": "4", "msi": "high",
        "biomarkers": {"claudin 18.2": "positive"}}).json()  # fmt: skip
    assert problem["status"] == 422, problem
    said = {e["field"]: e for e in problem["errors"]}
    assert set(said) == {"msi", "biomarkers.claudin 18.2"}, problem
    assert "do not use MSI or mismatch repair" in said["msi"]["message"]
    assert "do not use Claudin 18.2" in said["biomarkers.claudin 18.2"]["message"]
    assert said["biomarkers.claudin 18.2"]["accepted"] == ["her2", "kras"], problem
    assert "do not use Claudin 18.2 to decide an option" in problem["detail"], problem


def test_the_openapi_document_says_the_search_limit_is_1_to_50(client: httpx.Client) -> None:
    """The route reads a limit given in words too, to refuse it as the search does; the document
    still says what is accepted (it said any text), and lists no HEAD operation."""
    doc = client.get("/openapi.json").json()
    (limit,) = [p for p in doc["paths"]["/api/v1/search"]["get"]["parameters"]
                if p["name"] == "limit"]  # fmt: skip
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 50, "default": 10,
                               "title": "Limit"}  # fmt: skip
    assert not any("head" in item for item in doc["paths"].values())


def test_the_openapi_document_says_what_the_api_does(client: httpx.Client) -> None:
    """The document said q was optional (default "") with no length limit, though a missing,
    empty or 501-character q is a 422; that the search refuses a cancer the sources are not
    about (lung is searched, with a notice); nothing of 414 (any address) nor of 405; and
    nothing of GET /api/v1/kb's answer (any object)."""
    doc = client.get("/openapi.json").json()
    search = doc["paths"]["/api/v1/search"]["get"]
    params = {p["name"]: p for p in search["parameters"]}
    assert params["q"]["required"] is True
    assert params["q"]["schema"] == {"type": "string", "minLength": 1, "maxLength": 500,
                                     "title": "Q"}  # fmt: skip
    assert params["cancer"]["schema"]["maxLength"] == 300 and not params["cancer"]["required"]
    for query, status in [("", 422), ("q=", 422), ("q=" + "x" * 501, 422),
                          ("q=lonsurf&cancer=" + "x" * 301, 422), ("q=lonsurf&cancer=lung", 200),
                          ("q=" + "x" * 500, 200)]:  # fmt: skip
        assert client.get("/api/v1/search?" + query).status_code == status, query
    assert "not one the sources are about" not in search["responses"]["422"]["description"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert "414" in operation["responses"], (method, path)
            assert "application/problem+json" in operation["responses"]["414"]["content"]
    assert "405 with Allow" in doc["info"]["description"]
    # a path that takes a name says its 400 (percent-escapes that are not UTF-8: a review), and
    # so does every route, for a parameter's name that is not text (GET /healthz?%FF=1 is a 400
    # too: the document said so only of the POST routes and explain)
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert "400" in operation["responses"], (method, path)
            assert "application/problem+json" in operation["responses"]["400"]["content"]
            if method == "get":
                address = path.replace("{name}", "FOLFOX") + "?%FF=1"
                assert client.get(address).status_code == 400, address
    refused = client.get("/api/v1/explain/Xel%FFoda")
    assert refused.status_code == 400
    # it names the address and what is accepted (its errors were empty: a review)
    [error] = refused.json()["errors"]
    assert error["field"] == "the address" and error["accepted"], error
    names_what_is_accepted(client.get("/healthz?%FF=1").json())
    # the FHIR routes both take a Bundle: the profile's reading had no body in the document
    for path in ("/api/v1/options/fhir", "/api/v1/fhir/profile"):
        body = doc["paths"][path]["post"]["requestBody"]
        assert body["required"] and set(body["content"]) == {"application/fhir+json",
                                                             "application/json"}, path
    kb = doc["paths"]["/api/v1/kb"]["get"]["responses"]["200"]["content"]["application/json"]
    assert kb["schema"] == {"$ref": "#/components/schemas/KnowledgeOut"}
    shape = doc["components"]["schemas"]["KnowledgeOut"]
    assert set(shape["required"]) == set(client.get("/api/v1/kb").json())
    health = doc["paths"]["/healthz"]["get"]["responses"]["200"]["content"]["application/json"]
    assert set(doc["components"]["schemas"]["Health"]["properties"]) == set(
        client.get("/healthz").json())
    assert health["schema"] == {"$ref": "#/components/schemas/Health"}


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_browser_gets_a_page_for_an_address_that_does_not_exist(
    client: httpx.Client, method: str
) -> None:
    """An address the app does not have, asked for by a browser (HTML accepted), is a 404 page
    in the page's style, with its CSP, leading back to the form: it was a JSON problem document.
    The API's addresses, and clients that do not accept HTML, still get problem documents."""
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.request(method, "/nothing/here", headers={"accept": browser})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    if method == "GET":
        assert "<h1>There is no page at this address</h1>" in response.text
        assert 'href="/static/onconav.css"' in response.text and 'href="/"' in response.text
    for path, accept in [("/api/v1/nothing", browser), ("/cds-services/x/y", browser),
                         ("/API/v1/nothing", browser), ("/api", browser),
                         ("/nothing/here", "application/json"), ("/nothing/here", "*/*")]:
        refused = client.get(path, headers={"accept": accept})
        assert refused.status_code == 404, path
        assert refused.headers["content-type"] == "application/problem+json", (path, accept)


@pytest.mark.parametrize(("method", "path"), [("POST", "/options"), ("POST", "/"),
                                              ("PUT", "/report.pdf")])  # fmt: skip
def test_a_browser_that_posts_to_a_page_gets_a_page(
    client: httpx.Client, method: str, path: str
) -> None:
    """A form elsewhere (a portal, a letter's template) that POSTs to a page had the browser show
    the problem document's JSON: a browser gets a 405 page in words, leading back to the form,
    with its Allow header. The API's addresses, and clients that do not accept HTML, still get
    problem documents."""
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.request(method, path, headers={"accept": browser}, data={"cancer": "x"})
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["allow"] == "GET, HEAD"
    assert "<h1>This page was not sent the right way</h1>" in response.text
    assert 'href="/"' in response.text
    for where, accept in [(path, "application/json"), ("/api/v1/kb", browser)]:
        refused = client.request(method, where, headers={"accept": accept})
        assert refused.status_code == 405, where
        assert refused.headers["content-type"] == "application/problem+json", (where, accept)


@pytest.mark.parametrize("path", ["/options/?cancer=rectum&stage=4", "/search/?q=stoma",
                                  "/api/v1/search/?q=stoma", "/api/v1/kb/", "/healthz/"])
def test_an_address_with_a_slash_too_many_is_not_found_never_redirected(
    client: httpx.Client, path: str
) -> None:
    """Starlette redirected /options/?... to /options?... (307), the address made from the Host
    header the caller writes (Host: evil.example sent the answers to http://evil.example/...),
    without the page's headers. It is a 404, a page for a browser, as any address not found."""
    browser = {"host": "evil.example", "accept": "text/html"}
    response = client.get(path, headers=browser, follow_redirects=False)
    assert response.status_code == 404 and "location" not in response.headers, response.headers
    if not path.startswith("/api/"):
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
    api = client.get(path, headers={"host": "evil.example"}, follow_redirects=False)
    assert api.status_code == 404 and "location" not in api.headers
    assert api.headers["content-type"] == "application/problem+json"


def test_a_failure_is_logged_by_its_kind_and_lines_never_its_words(  # type: ignore[no-untyped-def]
    client: httpx.Client, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure that escapes a route is a 500 problem document; its log line names the kinds
    of error and where they happened, not their messages (which may quote what was sent: a
    ProfileError names the values given, and the log printed it with its traceback)."""

    def failing(person: Any, kb: Any) -> Any:
        try:
            raise ValueError(f"inner: {person.cancer}")
        except ValueError as error:
            raise RuntimeError(f"outer: {person.label}") from error

    monkeypatch.setattr("onconav.web.app.evaluate", failing)
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/v1/options",
                               content=b'{"cancer": "rectum", "label": "Ana-17"}',
                               headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "Ana-17" not in response.text
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "POST /api/v1/options failed" in logged and "RuntimeError" in logged
    assert "ValueError" in logged and "in failing" in logged, logged
    assert "Ana-17" not in logged and "rectum" not in logged, logged


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name)
def test_a_fhir_record_gets_what_the_command_gives(client: httpx.Client, run, path: Path) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/options/fhir", content=path.read_bytes(),
                           headers={"content-type": "application/fhir+json"})  # fmt: skip
    assert response.status_code == 200, response.text
    done = run("options", "--fhir", str(path), "--format", "json")
    assert done.status == 0, done.stderr
    assert response.json() == json.loads(done.stdout)


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name)
def test_a_fhir_records_reading_is_what_the_command_gives(  # type: ignore[no-untyped-def]
    client: httpx.Client, run, path: Path
) -> None:
    """The resources not used, each with the reason, were only in `onconav fhir profile`: the
    API's answer counted them and pointed at a command an API's user cannot run."""
    response = client.post("/api/v1/fhir/profile", content=path.read_bytes(),
                           headers={"content-type": "application/fhir+json"})  # fmt: skip
    assert response.status_code == 200, response.text
    done = run("fhir", "profile", str(path), "--format", "json")
    assert done.status == 0, done.stderr
    assert response.json() == json.loads(done.stdout)


@pytest.mark.parametrize(("body", "field"), [
    (b'{"resourceType": "Patient"}', "resourceType"),
    (b'{"resourceType": "Bundle", "type": "collection", "entry": []}', "bundle"),
])  # fmt: skip
def test_a_fhir_reading_of_no_record_names_what_is_wrong(
    client: httpx.Client, body: bytes, field: str
) -> None:
    """As the options of a record are refused, so is its reading: 422, naming the field."""
    for route in ("/api/v1/fhir/profile", "/api/v1/options/fhir"):
        response = client.post(route, content=body, headers=JSON)
        assert response.status_code == 422, response.text
        assert any(field in e["field"] for e in response.json()["errors"]), response.json()


def test_a_fhir_record_gives_the_options_of_the_same_profile_with_what_the_record_said(
    client: httpx.Client,
) -> None:
    from onconav import evaluate, parse_profile
    from onconav.fhir import read_bundle

    path = ROOT / "tests" / "fhir" / "gej-m1-her2-negative.json"
    reading = read_bundle(json.loads(path.read_text(encoding="utf-8")), KB)
    answer = client.post("/api/v1/options/fhir", content=path.read_bytes(),
                         headers={"content-type": "application/json"}).json()  # fmt: skip
    same = evaluate(parse_profile(reading.data, KB), KB)
    assert [(o["id"], o["status"]) for o in answer["options"]] == [
        (o.id, o.status.value) for o in same.options
    ]
    said = [w for w in answer["warnings"] if w.startswith("From the record: ")]
    assert said[: len(reading.warnings)] == [f"From the record: {w}" for w in reading.warnings]
    assert bool(reading.unused) == any("not used" in w for w in said)
    assert answer["warnings"][len(said):] == same.warnings


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (b'{"resourceType": "Patient", "id": "p"}', "application/fhir+json", 422, "bundle"),
        # a bare Condition: its accepted had been [] (it is a Bundle that is read)
        (b'{"resourceType": "Condition", "id": "c"}', "application/json", 422,
         "bundle.resourceType"),
        (b'{"id": "c"}', "application/json", 422, "bundle.resourceType"),
        (b'{"resourceType": "Bundle", "type": "collection", "entry": {}}', "application/json",
         422, "bundle.entry"),
        (b'{"resourceType": "Bundle", "type": "collection", "type": "batch"}',
         "application/json", 422, "bundle.type"),
        (b'{"resourceType": "Bundle", "type": "collection", "entry": []}', "application/json",
         422, None),
        # a Bundle's element pydantic refused: its words had been sent ("Input should be a
        # valid integer, unable to parse string as an integer"), accepting nothing
        (b'{"resourceType": "Bundle", "type": "collection", "total": "x"}', "application/json",
         422, "bundle.total"),
        (b'{"resourceType": "Bundle", "type": "collection", "id": "a b"}', "application/json",
         422, "bundle.id"),
        (b'{"resourceType": "Bundle", "type": 5}', "application/json", 422, "bundle.type"),
        (b'{"cancer": "rectum"}', "application/json", 422, None),
        (b"[1, 2]", "application/json", 422, None),
        (b'{"resourceType": ', "application/fhir+json", 400, "bundle"),
        (b"\xff\xfe{}", "application/json", 400, "bundle"),
        ('{"resourceType": "Bündle"}'.encode("latin-1"), "application/json", 400, "bundle"),
        (b'<?xml version="1.0"?><Bundle xmlns="http://hl7.org/fhir"/>', "application/json", 400,
         "bundle"),
        (b'{"resourceType": "Bundle"}', "text/plain", 415, None),
        (b'{"resourceType": "Bundle", "x": "' + b"x" * 100_001 + b'"}', "application/json", 413,
         None),
    ],
)  # fmt: skip
def test_a_record_that_cannot_be_read_is_a_problem_document(
    client: httpx.Client, body: bytes, content_type: str, status: int, field: str | None
) -> None:
    response = client.post("/api/v1/options/fhir", content=body,
                           headers={"content-type": content_type})  # fmt: skip
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if status == 422:
        assert problem["errors"], problem
    if field is not None:
        assert any(e["field"].startswith(field) for e in problem["errors"]), problem
    names_what_is_accepted(problem)
    for error in problem["errors"]:  # in onconav's words, never pydantic's
        said = " ".join([error["message"], *error["accepted"]])
        assert not any(w in said for w in PYDANTIC_WORDS), error


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        # JSON all the same, nested deeper than the reader goes: was "The body is not JSON
        # (maximum recursion depth exceeded while decoding a JSON array from a unicode string)."
        (b"[" * 1200 + b"]" * 1200, 400, "The body is JSON nested too deeply to be read (a FHIR "
         "Bundle needs a few dozen levels at most)."),
        (b'{"resourceType": "Bundle",\n "type": }', 400, "The body is not valid JSON: Expecting "
         "value (line 2, column 10)."),
        (b'{"resourceType": "Bundle", "total": ' + b"1" * 5000 + b"}", 400, "The body holds a "
         "value that cannot be read (Exceeds the limit (4300 digits) for integer string "
         "conversion)."),  # was a 500
        (b'{"resourceType": "Bundle", "x": "' + b"x" * 100_001 + b'"}', 413,
         "The FHIR Bundle is larger than 100000 bytes."),  # was "The fhir bundle"
        # FHIR XML, as the command says it (it was "not valid JSON: Expecting value (line 1,
        # column 1)", which the command had stopped saying: a review of the API)
        (b'<?xml version="1.0"?><Bundle xmlns="http://hl7.org/fhir"/>', 400, "The body is XML "
         "(FHIR XML, perhaps); onconav reads a FHIR Bundle in JSON: export it as JSON "
         "(application/fhir+json)."),
    ],
)  # fmt: skip
def test_a_record_json_cannot_read_is_told_why(
    client: httpx.Client, body: bytes, status: int, detail: str
) -> None:
    response = client.post("/api/v1/options/fhir", content=body,
                           headers={"content-type": "application/fhir+json"})  # fmt: skip
    assert response.status_code == status, response.text
    assert response.json()["detail"] == detail


def refused_by_both(  # type: ignore[no-untyped-def]
    client: httpx.Client, run, path: Path, text: str, fields: list[str], fhir: bool = False
) -> tuple[list[dict[str, Any]], Any]:
    """``text`` sent to the API and given to ``onconav options`` as the file ``path`` (a FHIR
    record with ``fhir``, else a profile): a 422 naming ``fields``, and exit 2. Returns the
    API's errors and the command's run."""
    response = client.post("/api/v1/options/fhir" if fhir else "/api/v1/options",
                           content=text.encode(),
                           headers={"content-type": "application/fhir+json" if fhir
                                    else "application/json"})  # fmt: skip
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == fields
    path.write_text(text, encoding="utf-8")
    done = run("options", "--fhir" if fhir else "--profile", str(path),
               *(["--format", "json"] if fhir else []))  # fmt: skip
    assert done.status == 2
    return errors, done


def test_a_key_given_twice_in_a_record_is_named_by_the_api_and_the_command(
    client: httpx.Client, run, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """A KRAS result written twice in one Observation (wild-type, then a mutation): JSON parsers
    keep the last and drop the first without a word; both front ends refuse it, naming where."""
    bundle = json.loads((ROOT / "tests" / "fhir" / "rectal-stage4-kras-mutated.json").read_text())
    kras = bundle["entry"][4]["resource"]
    assert kras["id"] == "kras"
    wild_type = {"coding": [{"system": "http://loinc.org", "code": "LA9634-2",
                             "display": "Absent"}]}  # fmt: skip
    kras = {"TWICE": wild_type, **kras}  # written before the mutation
    bundle["entry"][4]["resource"] = kras
    text = json.dumps(bundle).replace('"TWICE"', '"valueCodeableConcept"')
    where = "bundle.entry[4].resource.valueCodeableConcept"
    _, done = refused_by_both(client, run, tmp_path / "twice.json", text, [where], fhir=True)
    assert where in done.errors()[0]


@pytest.mark.parametrize(("where", "alone"), [
    ("bundle.entry[4].resource.id", "\ud800"),
    ("bundle.entry[4].resource.code.coding[0].display", "\udfff"),
    ("bundle.entry[4].resource.value\\udc00CodeableConcept", "\udc00"),  # a key
])  # fmt: skip
def test_a_lone_surrogate_in_a_record_is_named_by_the_api_and_the_command(
    client: httpx.Client, run, tmp_path: Path, where: str, alone: str  # type: ignore[no-untyped-def]
) -> None:
    """Half of a UTF-16 pair alone (the escape "\\ud800", no character) in a record: as an id
    it was a 500 from both routes ("The server failed") and a traceback from the command, no
    answer could hold it; as a display the KRAS result was dropped as not valid. Both front ends
    refuse it, naming where (a key with the surrogate as its escape)."""
    bundle = json.loads((ROOT / "tests" / "fhir" / "rectal-stage4-kras-mutated.json").read_text())
    kras = bundle["entry"][4]["resource"]
    assert kras["id"] == "kras"
    if where.endswith(".id"):
        kras["id"] = "kr" + alone + "as"
    elif where.endswith(".display"):
        kras["code"]["coding"][0]["display"] += alone
    else:
        kras["value" + alone + "CodeableConcept"] = kras.pop("valueCodeableConcept")
    text = json.dumps(bundle)  # the surrogate as its escape, as JSON sends it
    assert "\\ud800" in text or "\\udfff" in text or "\\udc00" in text
    _, done = refused_by_both(client, run, tmp_path / "alone.json", text, [where], fhir=True)
    assert where in done.errors()[0] and "half of a UTF-16 pair" in done.errors()[0]
    response = client.post("/api/v1/fhir/profile", content=text.encode(),
                           headers={"content-type": "application/fhir+json"})  # fmt: skip
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [where]


def _answered_meanwhile(monkeypatch: pytest.MonkeyPatch, module: Any, reader: str, url: str,
                        path: str, body: bytes, content_type: str) -> httpx.Response:
    """POST ``body`` to ``path`` while ``module.reader`` (what reads it) waits until a health
    check has been answered, which can only happen if the reading is off the event loop; the
    POST's answer."""
    reading, answered = threading.Event(), threading.Event()
    read = getattr(module, reader)

    def slow(data: Any, kb: Any) -> Any:
        reading.set()
        assert answered.wait(10), "the health check was answered while the body was read"
        return read(data, kb)

    monkeypatch.setattr(module, reader, slow)
    with httpx.Client(base_url=url, timeout=20) as sender, httpx.Client(
        base_url=url, timeout=5
    ) as other:
        got: list[httpx.Response] = []
        sending = threading.Thread(target=lambda: got.append(sender.post(
            path, content=body, headers={"content-type": content_type})))  # fmt: skip
        sending.start()
        assert reading.wait(10)
        assert other.get("/healthz").status_code == 200
        answered.set()
        sending.join(20)
    assert got, "no answer"
    return got[0]


def test_reading_a_record_does_not_hold_up_other_requests(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record of many thousand resources takes seconds to read; it was read in the server's
    event loop, and every other request (a health check, another person's page) waited."""
    from onconav.web import app as web_app

    record = (ROOT / "tests" / "fhir" / "thyroid-advanced.json").read_bytes()
    for route in ("/api/v1/options/fhir", "/api/v1/fhir/profile"):
        got = _answered_meanwhile(monkeypatch, web_app, "read_bundle", base_url, route, record,
                                  "application/fhir+json")  # fmt: skip
        assert got.status_code == 200, (route, got)


def test_a_fault_of_the_reader_is_not_said_to_be_the_records_json(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any ValueError while the record was read (a fault of onconav's, not the text's) was
    answered 400, "not valid JSON", sending the caller to mend a record that is fine; only the
    JSON's own errors are said so, as the command says them."""
    from onconav.web import app as web_app

    def faulty(data: Any, kb: Any) -> Any:
        raise ValueError("a fault of the reader")

    monkeypatch.setattr(web_app, "read_bundle", faulty)
    record = (ROOT / "tests" / "fhir" / "thyroid-advanced.json").read_bytes()
    with httpx.Client(base_url=base_url, timeout=20) as sender:
        for route in ("/api/v1/options/fhir", "/api/v1/fhir/profile"):
            got = sender.post(route, content=record,
                              headers={"content-type": "application/fhir+json"})  # fmt: skip
            assert got.status_code == 500, (route, got.status_code, got.text[:300])
            assert "JSON" not in got.text and "a fault of the reader" not in got.text, got.text


def test_a_large_profile_does_not_hold_up_other_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile of 256 KiB (40,000 names) took 0.8 s on the event loop, and the server
    answered nothing else meanwhile; one over 16 KiB is now read in a worker thread."""
    from onconav.web import app as web_app

    big = create_app(KB, Settings())  # the default limit, 256 KiB
    profile = json.dumps({"cancer": "rectum", "symptoms": ["pain"] * 4000})
    assert len(profile) > web_app.INLINE_PROFILE_CHARS
    with serving(big) as url:
        got = _answered_meanwhile(monkeypatch, web_app, "parse_profile", url, "/api/v1/options",
                                  profile.encode(), "application/json")  # fmt: skip
    assert got.status_code in (200, 422), got


@pytest.mark.parametrize(("profile", "like"), [
    ({"cancer": 5}, {"cancer": None}),
    ({"cancer": "rectum", "metastases": {"liver": True}}, {"cancer": "rectum", "metastases": "xq"}),
    ({"cancer": "rectum", "symptoms": [True]}, {"cancer": "rectum", "symptoms": ["xq"]}),
    ({"cancer": "rectum", "$schema": 5}, {"cancer": "rectum", "id": 5}),
])  # fmt: skip
def test_a_value_of_the_wrong_type_is_told_what_is_accepted_by_every_front_end(
    client: httpx.Client, run, tmp_path: Path, profile: dict[str, Any], like: dict[str, Any]  # type: ignore[no-untyped-def]
) -> None:
    """A cancer that is a number, a list field that is a mapping or holds true, were told
    ``accepted: []`` ("give a name", "give a list of names"), while a null cancer and a name not
    known were told what the field accepts; ``$schema`` was told "give a name" where ``id`` said
    "give it as text". Each is told as the value ``like`` it is (the same field's accepted, or
    id's words), and the same by the core, the API (422) and the command (exit 2)."""

    def problems(data: dict[str, Any]) -> list[tuple[str, list[str], str]]:
        with pytest.raises(ProfileError) as caught:
            parse_profile(data, KB)
        return [(p.field, list(p.accepted), p.message) for p in caught.value.problems]

    [(field, accepted, message)] = problems(profile)
    [(_, accepted_like, message_like)] = problems(like)
    assert accepted == accepted_like and field.split("[")[0] in profile, (accepted, field)
    assert accepted or message == message_like, message
    response = client.post("/api/v1/options", json=profile)
    assert response.status_code == 422
    assert [(e["field"], e["accepted"], e["message"]) for e in response.json()["errors"]] == [
        (field, accepted, message)]
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    done = run("options", "--profile", str(path))
    assert done.status == 2
    pointer = f" (`onconav kb words {field.split('[')[0]}` lists the accepted names)"
    assert done.errors() == [f"onconav: error: {field}: {message}"
                             + (pointer if field.split("[")[0] in SET_FIELDS else "")]


def test_thousands_of_mistakes_are_told_the_first_twenty_and_counted(
    client: httpx.Client, run, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """Each problem carries what is accepted: a list of 40,000 names not known (256 KiB) was
    answered problem by problem, 97 MB; the API and the command now list 20 and count the rest."""
    big = create_app(KB, Settings())  # the default limit, 256 KiB
    profile = {"cancer": "rectum", "symptoms": ["xq"] * 40_000}
    with serving(big) as url, httpx.Client(base_url=url, timeout=60) as http:
        response = http.post("/api/v1/options", json=profile)
    assert response.status_code == 422
    assert len(response.content) < 100_000, len(response.content)
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [f"symptoms[{i}]" for i in range(21)]
    assert errors[-1]["message"] == ("and 39980 more problems (in symptoms), not listed: correct "
                                     "these first")  # fmt: skip
    path = tmp_path / "many.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    done = run("options", "--profile", str(path), "--format", "json")
    assert done.status == 2
    pointer = " (`onconav kb words symptoms` lists the accepted names)"  # the command's own, once
    assert done.errors()[0].endswith(pointer) and pointer not in "".join(done.errors()[1:])
    assert [e.removesuffix(pointer) for e in done.errors()] == [
        f"onconav: error: {e['field']}: {e['message']}" for e in errors]
    twice = '{"cancer": "rectum", ' + '"stage": "4", ' * 250 + '"resectable": true}'
    response = client.post("/api/v1/options", content=twice.encode(),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 422 and len(response.json()["errors"]) == 21


@pytest.mark.parametrize(
    ("body", "where"),
    [
        # Python's words for a dict: was read as YAML, None as the symptom "None" (200, with
        # "no spread, no symptoms": 18 options not suitable)
        ("{'cancer': 'rectum', 'stage': '4', 'metastases': None, 'symptoms': None}",
         "Expecting property name enclosed in double quotes (line 1, column 2)"),
        ('{cancer: "rectum"}', "Expecting property name enclosed in double quotes (line 1, "
         "column 2)"),
        ('{"cancer": "rectum",\n "stage": "4",\n}', "(line 3, column 1)"),  # a trailing comma
        ("cancer: rectum\nstage: 4", "Expecting value (line 1, column 1)"),  # YAML
    ],
)  # fmt: skip
def test_the_api_reads_json_alone_and_says_where_it_breaks(
    client: httpx.Client, body: str, where: str
) -> None:
    """The API's body is JSON (the OpenAPI document, docs/web.md): text that is not was read as
    YAML, a superset, so that Python's None, unquoted keys, single quotes and trailing commas
    were taken (None as a word). It is a 400 naming where the JSON breaks."""
    response = client.post("/api/v1/options", content=body.encode(),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["detail"].startswith("profile: the request body "), problem
    assert where in problem["detail"], problem
    assert [e["field"] for e in problem["errors"]] == ["profile"]


@pytest.mark.parametrize(
    ("yaml_text", "field"),
    [
        ("cancer: !!binary cmVjdHVt", "cancer"),  # was a 500 (an assertion) and a traceback
        ("cancer: rectum\nsymptoms: [!!binary cGFpbg==]", "symptoms[0]"),  # "pain": was read as
        # no symptoms
        ("cancer: rectum\nprogressed_on: !!set {folfox: null, bogus: null}", "progressed_on"),
        ("cancer: rectum\nstage: 2024-01-01", "stage"),  # a YAML date
        ("cancer: rectum\n1: x", "1"),  # a name that is not text: was a 500
        ("cancer: rectum\nnull: x", "None"),
    ],
)
def test_a_yaml_value_json_cannot_hold_is_named_by_the_command(
    client: httpx.Client, run, tmp_path: Path, yaml_text: str, field: str  # type: ignore[no-untyped-def]
) -> None:
    """The command reads a profile written as YAML, and names a value JSON has no word for; the
    API, which takes JSON alone, refuses the text as not JSON."""
    path = tmp_path / "profile.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    done = run("options", "--profile", str(path))
    assert done.status == 2
    (error,) = done.errors()
    assert error.startswith(f"onconav: error: {field}: "), error
    response = client.post("/api/v1/options", content=yaml_text.encode(),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 400 and "is not valid JSON" in response.json()["detail"]


def test_the_openapi_document_is_pinned() -> None:
    pinned = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))
    assert APP.openapi() == pinned or create_app(KB).openapi() == pinned, "run `make schema`"
    operation = pinned["paths"]["/api/v1/options"]["post"]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Profile"}
    assert set(body["examples"]) == {p.stem for p in EXAMPLES}
    for status in ("400", "413", "415", "422"):
        assert "application/problem+json" in operation["responses"][status]["content"]


SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)


@SCHEMA.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_finds_no_server_error_and_every_answer_fits_its_schema(case) -> None:  # type: ignore[no-untyped-def]
    # Input that fits a schema may still be refused, and rightly: a Bundle with no cancer
    # condition; a profile whose cancer is a guess ("?", "possible") or one letter off a known
    # name, which the reader asks about rather than guess (a schema cannot say either). So the
    # check that schema-valid input is accepted is left out; every other check runs, and the
    # tests above pin what is accepted.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_explain_shows_the_passages_when_the_server_has_the_sources(
    client: httpx.Client, sources: Path
) -> None:
    with serving(create_app(KB, Settings(sources=sources))) as url:
        entity = httpx.get(f"{url}/api/v1/explain/Xeloda", timeout=10).json()
    assert entity["passages"] and all(entity["passages"])
    assert "capecitabine" in " ".join(entity["passages"]).lower()
    without = client.get("/api/v1/explain/Xeloda").json()
    assert without["passages"] == [None] * len(without["citations"])


# --------------------------------------------------------------------------------------------
# Search (docs/search.md)
# --------------------------------------------------------------------------------------------


def test_search_answers_as_the_command_does(client: httpx.Client, run) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/search", params={"q": "Lonsurf", "limit": 3})
    assert response.status_code == 200, response.text
    done = run("search", "Lonsurf", "--limit", "3", "--format", "json")
    assert done.status == 0, done.stderr
    assert response.json() == json.loads(done.stdout)
    assert response.json()["hits"][0]["citations"][0]["source"] == "ccs-rectal-stage4"


def test_search_says_how_the_question_was_read(client: httpx.Client) -> None:
    """The cancer kept to and why, and the notices, are the result's, as the command gives them."""
    data = client.get("/api/v1/search", params={"q": "no chemo for rectal cancer"}).json()
    assert (data["cancer"], data["cancer_from"]) == ("rectum", "question")
    assert data["notices"][0].startswith("Kept to rectal cancer, named in the question")
    assert "“no”" in data["notices"][1]
    none = client.get("/api/v1/search", params={"q": "lonsurf", "cancer": "cervix"}).json()
    assert none["hits"] == [] and none["elsewhere"] == ["rectum"]
    odd = client.get("/api/v1/search", params={"q": "chemo", "cancer": "banana"}).json()
    assert "is not a cancer the knowledge base knows" in odd["notices"][0]


def test_search_kept_to_a_cancer_finds_an_entry_by_its_other_name(sources: Path) -> None:
    """/api/v1/search?q=hospice&cancer=cervix (the answer page's search box keeps to the
    answer's cancer) said the sources do not seem to cover it; "hospice" is an other name of
    palliative care, which cites the cervical, the stomach and the general source."""
    with serving(create_app(KB, Settings(sources=sources))) as url:
        for cancer in ["cervix", "stomach", "rectum", "any"]:
            data = httpx.get(f"{url}/api/v1/search", params={"q": "hospice", "cancer": cancer},
                             timeout=10).json()  # fmt: skip
            assert data["hits"][0]["entry"]["id"] == "comfort-care", cancer
            assert [m["words"] for m in data["hits"][0]["matches"]] == ["hospice"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": ""}, "q"), ({"q": "?!..."}, "q"), ({"q": "chemo\x00"}, "q"),
     ({"q": "chemo", "limit": "0"}, "limit"),
     ({"q": "chemo", "limit": "ten"}, "limit"),  # was "query.limit", unlike the others
     ({"q": "chemo", "cancer": "stomch"}, "cancer")],
)  # fmt: skip
def test_search_bad_input_is_a_problem_naming_the_field(
    client: httpx.Client, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]
    if "\x00" in params["q"]:  # what is accepted, said (it was [])
        (error,) = response.json()["errors"]
        assert error["accepted"] == [
            "text without control characters (such as NUL, ESC or a right-to-left mark)"]


@pytest.mark.parametrize(
    ("query", "fields"),
    [("q=lonsurf&q=stoma", ["q"]),  # searched "stoma"
     ("q=chemo&foo=bar", ["foo"]),  # was 200, foo dropped
     ("q=chemo&limit=3&limit=4&cancer=rectum&cancer=stomach&Q=x", ["limit", "cancer", "Q"])],
)  # fmt: skip
def test_a_search_parameter_given_twice_or_not_known_is_refused_naming_it(
    client: httpx.Client, query: str, fields: list[str]
) -> None:
    """The search kept the last of a parameter given twice and ignored one it does not take,
    without a word; each is a 422 naming it, as the page refuses its address's."""
    response = client.get("/api/v1/search?" + query)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == fields
    for error in errors:
        if error["field"] in ("q", "limit", "cancer"):
            assert error["message"] == "has more than one answer (2 given): give one"
        else:
            assert error["message"] == ("is not a parameter of the search; its parameters: q, "
                                        "limit, cancer")  # fmt: skip
            assert error["accepted"] == ["q", "limit", "cancer"]
    many = client.get("/api/v1/search?q=x&" + "&".join(f"n{i}=1" for i in range(40)))
    assert many.status_code == 422 and len(many.json()["errors"]) == 21  # 20 and a count


@pytest.mark.parametrize("limit", ["ten", "1.5", "0", "51", " "])
def test_every_wrong_limit_of_the_search_is_refused_alike(client: httpx.Client, limit: str) -> None:
    """A limit that is no whole number is refused as one out of range is, by the search itself
    ("ten" had pydantic's "Input should be a valid integer, unable to parse string as an
    integer" and accepted "a whole number", "0" "a whole number from 1 to 50" and "1-50")."""
    response = client.get("/api/v1/search", params={"q": "chemo", "limit": limit})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "limit"
    assert error["accepted"] == ["1-50"] and error["message"] == "a whole number from 1 to 50"
    assert client.get("/api/v1/search", params={"q": "chemo", "limit": " 5 "}).status_code == 200


class _Sized(BaseModel):
    size: int


@pytest.mark.parametrize(
    ("request_args", "field", "value", "accepted"),
    [
        (("GET", "/t/query", {"params": {"count": "1.5"}}), "count", "1.5", ["a whole number"]),
        (("GET", "/t/query", {"params": {"ratio": "half"}}), "ratio", "half", ["a number"]),
        (("GET", "/t/query", {"params": {"flag": "maybe"}}), "flag", "maybe", ["true or false"]),
        (("GET", "/t/query", {"params": {"side": "up"}}), "side", "up", ["'left' or 'right'"]),
        (("POST", "/t/body", {"content": b'{"size": '}), "body", None, ["valid JSON"]),
        (("POST", "/t/body", {"json": [1, 2]}), "body", None, ["a JSON object"]),
        (("POST", "/t/body", {"json": "big"}), "body", None, ["a JSON object"]),
        (("POST", "/t/body", {}), "body", None, ["a JSON body"]),
        (("POST", "/t/body", {"json": {"size": "big"}}), "size", None, ["a whole number"]),
        (("POST", "/t/object", {"json": [1]}), "body", None, ["a JSON object"]),
        (("GET", "/t/text", {"params": {"n": "1"}}), "n", "1", ["less than 1"]),
    ],
    ids=["int", "float", "bool", "literal", "not JSON", "a list", "a string", "no body",
         "a body field", "a dict body", "by pydantic's words"],
)  # fmt: skip
def test_each_of_fastapis_refusals_names_the_field_and_what_is_accepted(
    request_args: tuple[str, str, dict[str, Any]], field: str, value: Any, accepted: list[str]
) -> None:
    """No route of the API reads a body through FastAPI, and no parameter is one FastAPI checks
    (the search's limit is the search's to check): routes added here for each kind of refusal the
    handler names."""
    app = create_app(KB)

    @app.get("/t/query", include_in_schema=False)
    def query(count: int = 0, ratio: float = 0, flag: bool = False,
              side: Literal["left", "right"] = "left") -> dict[str, str]:  # fmt: skip
        return {}

    @app.post("/t/body", include_in_schema=False)
    def body(given: _Sized) -> dict[str, str]:
        return {}

    @app.post("/t/object", include_in_schema=False)
    def obj(given: Annotated[dict[str, int], Body()]) -> dict[str, str]:
        return {}

    @app.get("/t/text", include_in_schema=False)
    def text(n: Annotated[int, Query(lt=1)] = 0) -> dict[str, str]:
        return {}

    method, path, kw = request_args

    async def call() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://onconav.test") as http:  # fmt: skip
            headers = {"content-type": "application/json"} if "content" in kw else {}
            return await http.request(method, path, headers=headers, **kw)

    response = asyncio.run(call())
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert (error["field"], error["value"], error["accepted"]) == (field, value, accepted), error
    assert error["message"]


def test_search_with_no_hit_suggests_words(client: httpx.Client) -> None:
    """A word that may be meant as written ("smell": a word of its own) is not searched as
    another: no hit, the closest known words suggested; a word that is surely a slip of a
    known name ("lonsruf") is answered with that name's hits, the first notice saying so."""
    response = client.get("/api/v1/search", params={"q": "smell"})
    assert response.status_code == 200
    assert response.json()["hits"] == [] and "small" in response.json()["suggestions"]
    slip = client.get("/api/v1/search", params={"q": "lonsruf"}).json()
    assert slip["hits"] and "lonsurf" in slip["suggestions"]
    assert slip["notices"][0].startswith("Nothing matches “lonsruf” as written"), slip["notices"]


def test_search_with_no_hit_offers_the_entry_the_knowledge_base_explains(
    client: httpx.Client,
) -> None:
    """"lymph nodes" found no hit (a place of spread has no words of its own to be one) and the
    page said that nothing in the knowledge base matches, though /explain/lymph-nodes is a page:
    it links to it now."""
    response = client.get("/search", params={"q": "lymph nodes"})
    assert response.status_code == 200
    assert 'href="/explain/lymph-nodes"' in response.text
    assert "the knowledge base explains" in response.text
    assert "Nothing in the sources or the knowledge base" not in response.text
    assert client.get("/explain/lymph-nodes").status_code == 200
    api = client.get("/api/v1/search", params={"q": "headache"}).json()
    # a catch-all that explains nothing (its explain page shows only its names) is not offered
    assert api["hits"] == [] and api["explained"] == []
    none = client.get("/search", params={"q": "zzqqxx"})
    assert "Nothing in the sources or the knowledge base" in none.text


def test_search_page_links_hits_to_explain_pages(client: httpx.Client) -> None:
    response = client.get("/search", params={"q": "will I need a stoma bag", "cancer": "rectum"})
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert 'role="search"' in response.text and '<label class="q" for="q">' in response.text
    # kept to rectal cancer, the explain pages keep to it too (their search box)
    assert ('href="/explain/colostomy?cancer=rectum"' in response.text
            or 'href="/explain/stoma?cancer=rectum"' in response.text)  # fmt: skip
    assert "Matched:" in response.text and "The sources of these passages" in response.text
    empty = client.get("/search")
    assert empty.status_code == 200 and "<ol" not in empty.text
    bad = client.get("/search", params={"q": "chemo", "cancer": "stomch"})
    assert bad.status_code == 422 and "did you mean stomach cancer" in bad.text


def test_an_address_too_long_is_refused_before_it_is_read(  # type: ignore[no-untyped-def]
    client: httpx.Client, caplog
) -> None:
    """uvicorn takes addresses of tens of KiB, and the page read each answer of the query
    string as a profile: a list of 30,000 names (60 KB) took 16 s of one core. Over 8 KiB (a web
    server's request line) it is a 414 problem document; the addresses the page makes fit."""
    from onconav.engine import evaluate
    from onconav.profile import parse_profile
    from onconav.web.form import query_of

    long = "cancer=rectum&symptoms=" + "a," * 5000
    with caplog.at_level(logging.INFO):
        for path in ("/options", "/", "/report.html", "/report.pdf", "/search", "/api/v1/search"):
            response = client.get(f"{path}?{long}")
            assert response.status_code == 414, (path, response.text[:200])
            assert response.headers["content-type"] == "application/problem+json"
            assert "longer than 8192 bytes" in response.json()["detail"]
    assert any("GET /options 414" in r.getMessage() for r in caplog.records)
    for path in EXAMPLES:
        data = json.loads(path.read_text(encoding="utf-8"))
        query = query_of(evaluate(parse_profile(data, KB), KB).profile)
        assert client.get(f"/options?{query}").status_code == 200, path.name


def test_the_apis_entity_holds_every_field_of_the_explained_entity() -> None:
    """The API's entity (``EntityOut``) copies ``explain.EntityView`` field by field; a field
    added to the view and not to the API would be dropped from it silently. The view's
    ``evidence`` is the API's ``citations`` (with ``passages`` beside them); ``notices`` are
    how the name was read (``explain.Reading``), not the entity's."""
    import dataclasses

    from onconav.explain import EntityView
    from onconav.web.app import EntityOut

    view = {f.name for f in dataclasses.fields(EntityView)} - {"evidence"}
    api = set(EntityOut.model_fields) - {"citations", "passages", "also_matched", "notices"}
    assert view == api, view ^ api


# --------------------------------------------------------------------------------------------
# From a review of the API (faults found probing it live)
# --------------------------------------------------------------------------------------------


def _leave_mid_body(base_url: str, head: bytes, body: bytes) -> None:
    """Send a request's head and part of its body, then close the connection."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as raw:
        raw.sendall(head + b"\r\n" + body)
        time.sleep(0.2)


@pytest.mark.parametrize(
    ("path", "framing", "body"),
    [("/api/v1/options", b"Content-Length: 3000\r\n", b'{"cancer":"rec'),
     ("/api/v1/options/fhir", b"Content-Length: 5000\r\n", b'{"resourceType":"Bun'),
     ("/api/v1/options", b"Transfer-Encoding: chunked\r\n", b'e\r\n{"cancer":"rec\r\n')],
    ids=["declared length", "a record", "chunked"],
)  # fmt: skip
def test_a_client_that_leaves_mid_body_is_no_failure_of_the_server(  # type: ignore[no-untyped-def]
    base_url: str, caplog, path: str, framing: bytes, body: bytes
) -> None:
    """A client that left while its body was read (a phone losing its signal) was logged as a
    failure of onconav: an ERROR, 40 lines of traceback and a 500, for a few bytes sent. It is
    one line, with 499 for its status (as nginx logs it), and nothing of the body."""
    head = (f"POST {path} HTTP/1.1\r\nHost: onconav.test\r\nContent-Type: application/json\r\n"
            ).encode() + framing  # fmt: skip
    with caplog.at_level(logging.INFO):
        _leave_mid_body(base_url, head, body)
        for _ in range(150):  # each line is written once the request is done with
            lines = [r for r in caplog.records if r.name == "onconav.web"]
            if any(f"POST {path} " in r.getMessage() for r in lines):
                break
            time.sleep(0.02)
    assert [r.getMessage().rsplit(" ", 1)[0] for r in lines] == [f"POST {path} 499"], lines
    assert all(r.levelno == logging.INFO and not r.exc_info for r in lines)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.records


def test_the_openapi_examples_are_served_from_an_installed_wheel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The examples were read from the checkout alone (``examples/`` beside ``src/``): installed
    from a wheel, the document had none and differed from the pinned one. The wheel installs
    them as pyproject.toml's data-files say, and the app finds them by the distribution's record
    of its files (here an install laid out as pip lays one out, with no checkout)."""
    import tomllib
    from importlib import metadata

    from onconav.web import app as web_app

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = project["tool"]["setuptools"]["data-files"]
    (target,) = [where for where, globs in data_files.items() if "examples/*.json" in globs]
    site = tmp_path / "lib" / "python3" / "site-packages"
    record = []
    for path in EXAMPLES:
        installed = tmp_path / target / path.name
        installed.parent.mkdir(parents=True, exist_ok=True)
        installed.write_bytes(path.read_bytes())
        record.append(f"../../../{target}/{path.name},,")
    dist_info = site / "onconav-0.1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Name: onconav\nVersion: 0.1.0\n", encoding="utf-8")
    (dist_info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")
    monkeypatch.setattr(web_app, "EXAMPLES", tmp_path / "no-checkout" / "examples")
    monkeypatch.setattr(web_app.metadata, "distribution",
                        lambda name: metadata.PathDistribution(dist_info))  # fmt: skip
    assert [p.name for p in web_app.example_profiles()] == [p.name for p in EXAMPLES]
    doc = create_app(KB).openapi()
    body = doc["paths"]["/api/v1/options"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == {p.stem for p in EXAMPLES}
    pinned = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))
    assert doc == pinned


@pytest.mark.parametrize(
    ("method", "path", "kw"),
    [("POST", "/api/v1/options?stage=4&kras=wild-type", {"content": b'{"cancer": "rectum"}',
                                                          "headers": JSON}),
     ("POST", "/api/v1/options/fhir?stage=1", {"content": (ROOT / "tests" / "fhir" /
      "gej-m1-her2-negative.json").read_bytes(), "headers": JSON}),
     ("GET", "/api/v1/explain/Xeloda?cancer=rectum", {}),
     ("GET", "/api/v1/kb?version=0", {})],
    ids=["options", "fhir", "explain", "kb"],
)  # fmt: skip
def test_a_query_parameter_the_api_does_not_take_is_refused_naming_it(
    client: httpx.Client, method: str, path: str, kw: dict[str, Any]
) -> None:
    """Only the search refused a parameter it does not take: ``POST /api/v1/options?stage=4``
    gave the options of the body's stage (200), without a word. Each route refuses one as the
    search does, naming it; the page's addresses, whose query string is the answers, are as
    they were."""
    response = client.request(method, path, **kw)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    names = [name.split("=")[0] for name in path.split("?")[1].split("&")]
    assert [e["field"] for e in errors] == names
    for error in errors:
        assert error["message"].startswith(f"is not a parameter of {path.split('?')[0]}"
                                           .replace("/Xeloda", "/{name}")), error  # fmt: skip
        assert ", which takes none" in error["message"] and error["accepted"] == []
    assert client.request(method, path.split("?")[0], **kw).status_code == 200
    assert client.get("/options?cancer=rectum&stage=4").status_code == 200
    assert client.get("/?cancer=rectum&stage=4").status_code == 200


@pytest.mark.parametrize(
    ("path", "headers", "said"),
    [("/api/v1/options", {"content-type": "application/fhir+json"}, "/api/v1/options/fhir"),
     ("/api/v1/options", {"content-type": "application/merge-patch+json"}, "application/json"),
     ("/api/v1/options/fhir", {"content-type": "text/x+json"}, "application/fhir+json"),
     ("/api/v1/options", {**JSON, "content-encoding": "gzip"}, "Content-Encoding: gzip"),
     ("/api/v1/options/fhir", {**JSON, "content-encoding": "br"}, "Content-Encoding: br")],
)  # fmt: skip
def test_a_body_of_another_media_type_or_compressed_is_refused_saying_what_to_send(
    client: httpx.Client, path: str, headers: dict[str, str], said: str
) -> None:
    """Any ``+json`` type was read as a profile: a FHIR Bundle posted to /api/v1/options as
    application/fhir+json got "unknown field" for resourceType, type and entry, and no word of
    /api/v1/options/fhir. A compressed body was "not UTF-8 text" (400). Both are 415, saying
    what to send; a compressed one with Accept-Encoding: identity (RFC 9110 15.5.16)."""
    bundle = (ROOT / "tests" / "fhir" / "thyroid-advanced.json").read_bytes()
    body = gzip.compress(bundle) if "content-encoding" in headers else bundle
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == 415, response.text
    assert said in response.json()["detail"], response.json()
    if "content-encoding" in headers:
        assert "no content coding is accepted" in response.json()["detail"]
        assert response.headers["accept-encoding"] == "identity"
    right = "application/fhir+json" if path.endswith("fhir") else "application/json"
    fitting = client.post(path, content=b"{}", headers={"content-type": right})
    assert fitting.status_code in (400, 422)  # read (and refused for what it says)


def test_a_bundle_posted_as_a_profile_is_told_where_fhir_is_read(client: httpx.Client) -> None:
    """A FHIR Bundle posted to /api/v1/options as application/json was refused key by key
    ("resourceType: unknown field", "type: ...", "entry: ...", and the cancer missing), with no
    word of /api/v1/options/fhir: it is one 422 problem that names where a Bundle is read."""
    bundle = (ROOT / "tests" / "fhir" / "thyroid-advanced.json").read_bytes()
    response = client.post("/api/v1/options", content=bundle, headers=JSON)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "resourceType", error
    assert "/api/v1/options/fhir" in error["message"], error
    assert client.post("/api/v1/options/fhir", content=bundle, headers={
        "content-type": "application/fhir+json"}).status_code == 200  # fmt: skip


@pytest.mark.parametrize("body", [
    {"cancer": "rectum", "symptoms": ["x" * 250_000]},
    {"cancer": "rectum", "stage": "x" * 250_000},
    {"cancer": "rectum", "biomarkers": {"kras": "y" * 250_000}},
    {"cancer": "rectum", "z" * 10_000: 1},
    # values that are not words: JSON was quoted whole (a review of the API: 918 KB)
    {"cancer": "rectum", "stage": ["4"] * 45_000},
    {"cancer": "rectum", "stage": int("9" * 4000)},
    {"cancer": "rectum", "biomarkers": {"kras": {"x" * 1000: [1, 2]}}},
    {"cancer": "rectum", "biomarkers": {"her2": ["zz"] * 40_000}},  # each item was quoted
])  # fmt: skip
def test_a_value_refused_is_not_repeated_whole_in_the_problem(body: dict[str, Any]) -> None:
    """A refused value came back three times uncut (the detail, the message and the value: a
    symptom of 250 KB gave a problem of 750 KB, and a client showing the detail a line of 250
    KB). A quoted value over 40 characters is cut in the detail and the messages, as the page
    cuts it, and a field named at most 60; the value given comes back once, each text in it
    cut as the message cuts it (a portal shows and logs it)."""
    big = create_app(KB, Settings())  # the default limit, 256 KiB
    with serving(big) as url, httpx.Client(base_url=url, timeout=30) as http:
        response = http.post("/api/v1/options", json=body)
    assert response.status_code == 422, response.text[:300]
    problem = response.json()
    assert len(problem["detail"]) < 1000, problem["detail"][:300]
    assert len(response.content) < 260_000
    (error,) = problem["errors"]
    assert len(error["message"]) < 1000 and len(error["field"]) <= 61
    assert any(cut in problem["detail"] for cut in ("\u2026", "characters long)",
                                                    "more are not accepted")) or (
        "\u2026" in error["field"])  # fmt: skip
    assert all(len(text) <= 41 for text in _texts(error["value"])), str(error["value"])[:300]
    with serving(big) as url, httpx.Client(base_url=url, timeout=30) as http:
        short = http.post("/api/v1/options", json={"cancer": "rectum", "symptoms": ["hiccups"]})
    assert "'hiccups'" in short.json()["detail"]  # 40 characters or fewer: whole
    assert short.json()["errors"][0]["value"] == "hiccups"


def test_a_search_cancer_a_profile_refuses_is_refused_and_an_unknown_one_named_once(
    client: httpx.Client,
) -> None:
    """A cancer of 400 characters was searched (a profile refuses it, docs/web.md says so), and
    a cancer the knowledge base does not know was named with "cancer" twice: "Nothing about
    mars cancer cancer matches these words"."""
    long = client.get("/api/v1/search", params={"q": "lonsurf", "cancer": "x" * 400})
    assert long.status_code == 422
    (error,) = long.json()["errors"]
    assert error["field"] == "cancer" and "at most 300 are accepted" in error["message"]
    mars = client.get("/api/v1/search", params={"q": "lonsurf", "cancer": "mars"}).json()
    assert any("Nothing about mars cancer matches" in n for n in mars["notices"]), mars
    assert not any("cancer cancer" in n for n in mars["notices"])


def test_a_profile_with_a_byte_order_mark_is_read_as_the_command_reads_it(
    client: httpx.Client, run, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """A file Notepad or PowerShell saved starts with a byte order mark: the command line read
    it (through YAML) and the API refused it ("Unexpected UTF-8 BOM"). Both read it now, the
    same."""
    body = "\ufeff" + json.dumps({"cancer": "rectum", "stage": "4", "biomarkers": {"kras": "wt"}})
    file = tmp_path / "bom.json"
    file.write_bytes(body.encode("utf-8"))
    response = client.post("/api/v1/options", content=body.encode("utf-8"),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    shown = run("options", "--profile", str(file), "--format", "json")
    assert shown.status == 0, shown.stderr
    assert response.json() == json.loads(shown.stdout)


def test_the_schema_a_profile_names_comes_back_by_its_name(client: httpx.Client) -> None:
    """`$schema` came back as `schema_` in the result's profile, a name the profile's schema does
    not have, and `schema_` was accepted as input: it is `$schema` both ways now."""
    sent = {"$schema": "https://example.org/profile.schema.json", "cancer": "rectum"}
    response = client.post("/api/v1/options", json=sent)
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["$schema"] == sent["$schema"]
    assert "schema_" not in response.json()["profile"]
    again = client.post("/api/v1/options", json=response.json()["profile"])
    assert again.status_code == 200, again.text
    refused = client.post("/api/v1/options", json={"schema_": "x", "cancer": "rectum"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["schema_"]


@pytest.mark.parametrize(("text", "why"), [
    ("[" * 100_000, "is JSON nested too deeply to be read (a FHIR Bundle needs a few dozen "
     "levels at most)"),
    ("", "is not valid JSON: Expecting value (line 1, column 1)"),
    ('{"resourceType": "Bundle",\n "type": }', "is not valid JSON: Expecting value (line 2, "
     "column 10)"),
])  # fmt: skip
def test_a_bundle_that_is_not_json_is_told_in_the_api_s_words(
    client: httpx.Client, run, tmp_path: Path, text: str, why: str  # type: ignore[no-untyped-def]
) -> None:
    """options --fhir printed Python's parser's words ("maximum recursion depth exceeded while
    decoding a JSON array from a unicode string", "Expecting value: line 1 column 1 (char 0)"):
    the words of the API's 400 for the same body (``reading.why_not_read``, one function)."""
    bundle = tmp_path / "bundle.json"
    bundle.write_text(text, encoding="utf-8")
    done = run("options", "--fhir", str(bundle))
    assert done.status == 2 and done.errors() == [f"onconav: error: --fhir: {bundle} {why}"]
    api = client.post("/api/v1/options/fhir", content=text,
                      headers={"content-type": "application/fhir+json"})
    assert (api.status_code, api.json()["detail"]) == (400, f"The body {why}.")


def test_nan_is_refused_as_not_json_by_every_reader_of_json(client: httpx.Client) -> None:
    """NaN and Infinity are refused where JSON is read (``reading``), so the profile, the FHIR
    Bundle and the CDS Hooks call (tests/test_cds_hooks.py) alike: the FHIR route took them."""
    from onconav.reading import json_and_repeats, profile_from_text

    for path, body in (("/api/v1/options", b'{"cancer": "rectum", "stage": NaN}'),
                       ("/api/v1/options/fhir", b'{"resourceType": "Bundle", "total": NaN}')):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, (path, response.text)
        assert "no JSON value" in response.json()["detail"], response.text
    # and the command line's profile file, which is not read as YAML then (where NaN is a word
    # for not known: it had been read as a stage not given)
    for read in (json_and_repeats, lambda t: profile_from_text(t, "p.json", json_only=True),
                 lambda t: profile_from_text(t, "p.json")):  # fmt: skip
        with pytest.raises((ValueError, ProfileError), match="no JSON value"):
            read('{"stage": NaN}')


def test_a_number_too_large_is_refused_as_it_was_written(client: httpx.Client) -> None:
    """``{"cancer": "rectum", "stage": 1e400}`` was refused as "Infinity is not accepted" with
    ``"value": null``, a value never sent (Python's reader makes 1e400 Infinity); a FHIR
    record's with ``"value": null`` too."""
    response = client.post("/api/v1/options", content=b'{"cancer": "rectum", "stage": 1e400}',
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["field"], error["value"]) == ("stage", "1e400"), error
    assert error["message"].startswith("1e400 is a number too large to be read")
    fhir = client.post("/api/v1/options/fhir", content=b'{"resourceType": "Bundle", "type": '
                       b'"collection", "total": -1E+999, "entry": []}',
                       headers={"content-type": "application/fhir+json"})  # fmt: skip
    assert (fhir.status_code, fhir.json()["detail"]) == (
        400, "The body holds a number too large to be read (-1E+999); give the value it "
        "stands for (a number from -1.79e308 to 1.79e308 is read).")  # fmt: skip
    # the FHIR body names the range read; a profile's field takes no number, so the range is
    # not said to be what it accepts (a review: a client reading `accepted` was told a number
    # would do for the stage)
    assert not any("1.79e308" in a for a in error["accepted"]), error


@settings(max_examples=100, deadline=None)
@given(mantissa=st.decimals(min_value=-1000, max_value=1000, places=3),
       exponent=st.integers(-400, 400), field=st.sampled_from(["stage", "age", "her2"]),
       yaml=st.booleans())  # fmt: skip
def test_a_number_is_read_as_its_value_or_refused_as_written(
    mantissa: Decimal, exponent: int, field: str, yaml: bool
) -> None:
    """Every number with an exponent: one a float holds is read as JSON's reader reads it; one
    too large (1e400) is refused naming its field and quoting it as written, in JSON and in YAML
    alike, never read as Infinity."""
    from onconav.reading import profile_from_text

    written = f"{mantissa}e{exponent}"
    text = f"{field}: {written}\n" if yaml else f'{{"{field}": {written}}}'
    value = float(written)
    if math.isfinite(value):
        assert profile_from_text(text, "p") == {field: value}
        return
    with pytest.raises(ProfileError) as refused:
        profile_from_text(text, "p")
    [problem] = refused.value.problems
    assert (problem.field, problem.value) == (field, written)
    assert str(problem) == (f"{field}: {written} is a number too large to be read; give the "
                            "value the field takes, or leave the field out")  # fmt: skip
    assert not any("1.79e308" in a for a in problem.accepted), problem


def test_words_of_nan_inside_text_are_words(client: httpx.Client) -> None:
    """Only NaN and Infinity as values are refused, not the words inside a value, and a charset
    of UTF-8 said is UTF-8."""
    for kind in ("application/json; charset=UTF-8", 'application/json; charset="utf-8"',
                 "application/json; charset=us-ascii"):  # ASCII is a part of UTF-8
        response = client.post("/api/v1/options", content=b'{"cancer": "rectum NaN Infinity"}',
                               headers={"content-type": kind})  # fmt: skip
        assert response.status_code == 200, response.text


def test_a_body_in_another_charset_names_utf8_as_accepted(client: httpx.Client) -> None:
    for path in ("/api/v1/options", "/api/v1/options/fhir"):
        response = client.post(path, content=b"{}",
                               headers={"content-type": "application/json; charset=latin-1"})
        assert response.status_code == 415, response.text
        [error] = response.json()["errors"]
        assert error["field"] == "Content-Type" and error["accepted"] == ["charset=utf-8"]
        assert "UTF-8" in response.json()["detail"]


# (path, headers, the header at fault, the value sent, what is accepted): four kinds of 415 and
# a 413 by the declared length, each about a header
OPTIONS_KINDS, FHIR_KINDS = ["application/json"], ["application/fhir+json", "application/json"]
HEADER_REFUSALS = [
    ("/api/v1/options", {"content-type": "text/plain"}, "Content-Type", "text/plain",
     OPTIONS_KINDS),
    ("/api/v1/options", {}, "Content-Type", None, OPTIONS_KINDS),
    ("/api/v1/options", {"content-type": "application/vnd.api+json"}, "Content-Type",
     "application/vnd.api+json", OPTIONS_KINDS),
    ("/api/v1/options", {"content-type": "application/fhir+json"}, "Content-Type",
     "application/fhir+json", OPTIONS_KINDS),
    ("/api/v1/options", {**JSON, "content-encoding": "gzip"}, "Content-Encoding", "gzip",
     ["identity"]),
    ("/api/v1/options", {**JSON, "content-type": "application/json; charset=latin-1"},
     "Content-Type", "latin-1", ["charset=utf-8"]),
    ("/api/v1/options", {**JSON, "content-length": "5000"}, "Content-Length", 5000,
     ["at most 4096 bytes"]),
    ("/api/v1/options/fhir", {"content-type": "text/plain"}, "Content-Type", "text/plain",
     FHIR_KINDS),
    ("/api/v1/options/fhir", {}, "Content-Type", None, FHIR_KINDS),
    ("/api/v1/options/fhir", {**JSON, "content-encoding": "br"}, "Content-Encoding", "br",
     ["identity"]),
    ("/api/v1/fhir/profile", {"content-type": "Application/XML"}, "Content-Type",
     "Application/XML", FHIR_KINDS),
    ("/api/v1/fhir/profile", {**JSON, "content-length": "100001"}, "Content-Length", 100_001,
     ["at most 100000 bytes"]),
]  # fmt: skip


@pytest.mark.parametrize(("path", "headers", "field", "value", "accepted"), HEADER_REFUSALS)
def test_a_refusal_about_a_header_names_the_header_the_value_and_what_is_accepted(
    client: httpx.Client, path: str, headers: dict[str, str], field: str, value: object,
    accepted: list[str],
) -> None:
    """A body of a type not read (or of no type) and a compressed body were refused with
    "errors": [], as if nothing named what was wrong; only another charset named Content-Type.
    Each refusal about a header now names it, with the value sent (None: none was) and what is
    accepted."""
    body = b'{"cancer": "rectum"}'
    if "content-length" in headers:  # declared over the limit, and sent whole
        body = b" " * int(headers["content-length"])
    response = client.post(path, content=body, headers=headers)
    assert response.status_code in (413, 415), response.text
    [error] = response.json()["errors"]
    assert (error["field"], error["value"], error["accepted"]) == (field, value, accepted)
    assert error["message"]


@settings(max_examples=40, deadline=None)
@given(kind=st.from_regex(r"[A-Za-z]{1,10}/[A-Za-z0-9.+-]{1,16}", fullmatch=True),
       coding=st.from_regex(r"[A-Za-z0-9-]{1,12}", fullmatch=True),
       path=st.sampled_from(["/api/v1/options", "/api/v1/options/fhir"]))  # fmt: skip
def test_every_type_or_coding_not_read_is_refused_naming_its_header(
    client: httpx.Client, kind: str, coding: str, path: str
) -> None:
    """Any media type a route does not read is a 415 naming Content-Type with the type sent;
    sent as a type it reads, any content coding but identity is a 415 naming Content-Encoding."""
    kinds = OPTIONS_KINDS if path.endswith("options") else FHIR_KINDS
    response = client.post(path, content=b"{}", headers={"content-type": kind})
    if kind.lower() in kinds:
        assert response.status_code != 415, response.text
    else:
        assert response.status_code == 415, response.text
        [error] = response.json()["errors"]
        assert (error["field"], error["value"], error["accepted"]) == ("Content-Type", kind, kinds)
    response = client.post(path, content=b"{}", headers={**JSON, "content-encoding": coding})
    if coding.lower() != "identity":
        assert response.status_code == 415, response.text
        [error] = response.json()["errors"]
        assert (error["field"], error["value"]) == ("Content-Encoding", coding)
        assert error["accepted"] == ["identity"]


def test_the_api_has_no_page_that_loads_a_script_from_a_cdn_but_docs(
    client: httpx.Client,
) -> None:
    """/redoc loaded its script from a CDN; /docs is the one page documented as not held to
    "no CDN"."""
    assert client.get("/redoc", headers={"accept": "application/json"}).status_code == 404
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("name", ["", "%20", "%20%09"])
def test_explain_without_a_name_is_a_422_naming_the_field(client: httpx.Client, run,  # type: ignore[no-untyped-def]
                                                          name: str) -> None:  # fmt: skip
    """An empty or blank name was a 404 ("'' is not a name or code onconav knows"): a 422 naming
    the field name, in the command's words."""
    response = client.get("/api/v1/explain/" + name)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "name" and error["accepted"]
    done = run("explain", " ")
    assert done.errors() == [f"onconav: error: NAME: {error['message']}"]


def test_explain_quotes_a_long_name_cut(client: httpx.Client) -> None:
    """A name of 15,000 characters came back whole in the 404's detail (15 KB)."""
    response = client.get("/api/v1/explain/" + "x" * 15_000)
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("name: '" + "x" * 40 + "…'") and len(detail) < 200, detail


def test_a_missing_cancer_says_what_is_accepted(client: httpx.Client, run) -> None:  # type: ignore[no-untyped-def]
    """The API said bare "cancer: is required" and accepted []: what is accepted, in the
    command's words."""
    response = client.post("/api/v1/options", content=b'{"stage": "4"}',
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "cancer" and error["accepted"] == [
        "a place such as stomach, rectum or cervix", "unknown"]
    assert error["message"] == ("is required: say where the cancer started: a place such as "
                                "stomach, rectum or cervix, or unknown")  # fmt: skip
    done = run("options", "--stage", "4")
    assert done.errors() == ["onconav: error: cancer: is required: say where the cancer started "
                             "with --cancer: a place such as stomach, rectum or cervix, or "
                             "unknown (or give --profile FILE)"]  # fmt: skip


def test_a_cancer_given_as_null_says_what_is_accepted_not_to_leave_it_out(
    client: httpx.Client, run, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """``{"cancer": null}`` was told "give a name, or leave the item out"; left out, it is
    required: what it takes, by the API and the command alike."""
    response = client.post("/api/v1/options", content=b'{"cancer": null, "stage": "4"}',
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "cancer" and error["accepted"] == [
        "a place such as stomach, rectum or cervix", "unknown"]
    assert "leave" not in error["message"] and "say where the cancer started" in error["message"]
    path = tmp_path / "null.json"
    path.write_text('{"cancer": null, "stage": "4"}', encoding="utf-8")
    done = run("options", "--profile", str(path))
    assert done.status == 2
    assert done.errors() == [f"onconav: error: cancer: {error['message']}"]


def test_the_profile_schema_says_the_server_reads_more_than_it_lists(
    client: httpx.Client,
) -> None:
    """The schema lists canonical spellings and refused what the API accepts and documents
    (Stage, "bleeding, pain", her2 at the top level): it says so, for client authors, and each
    of those is read."""
    schema = client.get("/openapi.json").json()["components"]["schemas"]["Profile"]
    assert "canonical spellings" in schema["description"]
    assert "docs/profile.md" in schema["description"]
    body = {"Cancer": "stomach", "STAGE": "iv", "symptoms": "bleeding, pain", "her2": "3+",
            "prior_treatments": "none"}  # fmt: skip
    response = client.post("/api/v1/options", json=body)
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert (profile["stage"], profile["symptoms"], profile["biomarkers"]["her2"]) == (
        "4", ["bleeding", "pain"], "positive")


@pytest.mark.parametrize(("address", "status", "field"), [
    ("/api/v1/search?q=chemo%FF", 422, "q"),
    ("/api/v1/search?q=chemo&cancer=rect%FFum", 422, "cancer"),
    ("/api/v1/explain/Xel%FFoda", 400, None),
    ("/api/v1/search?q%FF=chemo", 400, None),
    ("/api/v1/search?q=chemo&=%FF", 400, None),  # no name to say
])  # fmt: skip
def test_an_address_that_is_not_text_is_refused(
    client: httpx.Client, address: str, status: int, field: str | None
) -> None:
    """A percent-escape that is no UTF-8 (%FF) was read as U+FFFD and used: the search looked for
    "chemo\ufffd", explain found capecitabine, the page read "rect%FFum" as rectal cancer (a
    review of the docs and the search), while the command line and a body refused such bytes.
    A parameter is refused by name (422), the path as a whole (400)."""
    response = client.get(address, headers={"accept": "application/json"})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert "not valid Unicode" in body["detail"], body
    if field is not None:
        assert [e["field"] for e in body["errors"]] == [field], body
    assert "\ufffd" not in response.text


@pytest.mark.parametrize("address", ["/options?cancer=rect%FFum&stage=4", "/search?q=chemo%FF"])
def test_a_page_whose_address_is_not_text_says_so(client: httpx.Client, address: str) -> None:
    """A browser is shown a page in words (400), not the problem document."""
    response = client.get(address, headers={"accept": "text/html"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "This address could not be read" in response.text
    assert "rectal cancer" not in response.text.lower()


@pytest.mark.parametrize("address", ["/api/v1/search?q=L%C3%B6nsurf",
                                     "/api/v1/explain/L%C3%B6nsurf"])  # fmt: skip
def test_an_address_of_text_not_ascii_is_read(client: httpx.Client, address: str) -> None:
    response = client.get(address)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("limit", "value"), [("0", 0), ("-1", -1), ("51", 51), ("+0", 0),
                                              ("ten", "ten")])  # fmt: skip
def test_search_limit_refused_gives_the_value_as_a_number_when_it_is_one(
        client: httpx.Client, limit: str, value: object) -> None:  # fmt: skip
    """limit=0 was refused with `value: 0`, limit=-1 with `value: "-1"` (a string)."""
    response = client.get("/api/v1/search", params={"q": "chemo", "limit": limit})
    assert response.status_code == 422
    assert [e["value"] for e in response.json()["errors"]] == [value], response.json()


def test_an_answer_holds_every_field_its_schema_requires(client: httpx.Client) -> None:
    """A search's answer and a problem document hold every field the pinned OpenAPI document
    requires, a default one too (``notices``, ``errors``, ``value``): so that requiring them, as
    the schema does, is true (test_schema_and_form)."""
    components = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))[
        "components"]["schemas"]  # fmt: skip
    found = client.get("/api/v1/search", params={"q": "trastuzumab"}).json()
    assert set(found) == set(components["SearchResult"]["required"])
    assert found["hits"]
    for hit in found["hits"]:
        assert set(hit) == set(components["Hit"]["required"])
        assert set(hit["entry"] or {}) <= set(components["Ref"]["required"])
        assert all(set(m) == set(components["Match"]["required"]) for m in hit["matches"])
    refused = client.post("/api/v1/options", json={"cancer": 5}).json()
    assert set(refused) == set(components["ProblemDetails"]["required"])
    assert set(refused["errors"][0]) == set(components["FieldError"]["required"])


def _statuses(answer: dict[str, Any]) -> dict[str, str]:
    return {o["id"]: o["status"] for o in answer["options"]}


def test_the_api_docs_requests_answer_as_the_command_does() -> None:
    """docs/web.md's "Trying it": each curl request, sent as written to a server on loopback
    started as `onconav serve` starts it, answers 200; a profile's and a FHIR record's answers
    are the core's for the same file (an integrator had nothing to copy and run: a review of
    the docs)."""
    from doc_requests import ROOT, requests_of
    from onconav import evaluate
    from onconav.fhir import fhir_json, read_bundle

    asked = requests_of("web.md", "### Trying it")
    assert {r.path.split("?")[0] for r in asked} >= {"/api/v1/options", "/api/v1/options/fhir",
                                                      "/api/v1/search"}  # fmt: skip
    with serving(create_app(KB)) as url, httpx.Client(base_url=url, timeout=30) as client:
        for request in asked:
            got = client.request(request.method, request.path, headers=request.headers,
                                 content=request.body)  # fmt: skip
            assert got.status_code == 200, (request.path, got.text[:300])
            answer = got.json()
            if request.path == "/api/v1/options":
                profile = parse_profile(json.loads(request.body or b""), KB)
                assert _statuses(answer) == _statuses(evaluate(profile, KB).model_dump())
            if request.path == "/api/v1/options/fhir":
                reading = read_bundle(fhir_json(request.body or b""), KB)
                profile = parse_profile(reading.data, KB)
                assert _statuses(answer) == _statuses(evaluate(profile, KB).model_dump())
    assert (ROOT / "examples" / "cds-hooks" / "patient-view.json").exists()


def test_the_cds_hooks_docs_calls_answer_with_cards() -> None:
    """docs/cds-hooks.md's "Trying it": in the development setting (the JWT check off), the
    discovery and the two calls of examples/cds-hooks answer 200; the patient-view's first card
    counts the options as the core does for the record in its prefetch, and the order-select
    answers a card on the drafted oxaliplatin."""
    from doc_requests import requests_of
    from onconav.cdshooks import CdsSettings

    asked = requests_of("cds-hooks.md", "### Trying it")
    assert [r.path for r in asked] == ["/cds-services", "/cds-services/onconav-patient-view",
                                       "/cds-services/onconav-order-select"]  # fmt: skip
    app = create_app(KB, Settings(cds_hooks=CdsSettings(auth=False)))
    with serving(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        answers = []
        for request in asked:
            got = client.request(request.method, request.path, headers=request.headers,
                                 content=request.body)  # fmt: skip
            assert got.status_code == 200, (request.path, got.text[:300])
            answers.append(got.json())
    assert {s["id"] for s in answers[0]["services"]} == {"onconav-patient-view",
                                                         "onconav-order-select"}  # fmt: skip
    summaries = [c["summary"] for c in answers[1]["cards"]]
    assert summaries[0].startswith("Rectal cancer, stage 4: "), summaries
    (card,) = answers[2]["cards"]
    assert card["summary"].startswith("Oxaliplatin: not suitable"), card["summary"]


def _texts(value: Any) -> Iterator[str]:
    """Every text in a JSON value, the keys of its objects too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts(item)


@pytest.mark.parametrize(("method", "path", "kwargs", "field"), [
    ("GET", "/api/v1/search", {"params": {"q": "?!"}}, "q"),  # no word to look for
    ("GET", "/api/v1/search", {"params": {"q": "   "}}, "q"),  # empty
    ("GET", "/api/v1/search", {"params": {"q": "chemo", "cancer": "none"}}, "cancer"),
    ("GET", "/api/v1/search", {"params": {"q": "chemo", "cancer": "benign"}}, "cancer"),
    ("GET", "/api/v1/search", {"params": {"q": "chemo", "cancer": "c" * 301}}, "cancer"),
    ("GET", "/api/v1/search", {"params": {"q": "chemo", "cancer": "Z99.9"}}, "cancer"),
    ("GET", "/api/v1/search", {"params": {"q": "chemo", "cancer": "123"}}, "cancer"),
    ("POST", "/api/v1/options", {"json": {"cancer": "rectum", "id": {"a": 1}}}, "id"),
    ("POST", "/api/v1/options", {"json": {"cancer": "rectum", "label": 5}}, "label"),
    ("POST", "/api/v1/options", {"json": {"cancer": "c" * 301}}, "cancer"),
    ("POST", "/api/v1/options", {"json": {"cancer": ""}}, "cancer"),
    ("POST", "/api/v1/options", {"json": {"cancer": "NULL"}}, "cancer"),
    ("POST", "/api/v1/options", {"json": {"cancer": "rectal cancer?"}}, "cancer"),
])  # fmt: skip
def test_a_refusal_says_what_is_accepted(client: httpx.Client, method: str, path: str,
                                         kwargs: dict[str, Any], field: str) -> None:  # fmt: skip
    """A value refused where something is accepted had "accepted": [] (a q with no word to look
    for, a cancer not sure, an id not text, a cancer over 300 characters): each says it now."""
    response = client.request(method, path, **kwargs)
    assert response.status_code == 422, response.text[:300]
    (error,) = response.json()["errors"]
    assert error["field"] == field and error["accepted"], error


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=400))
def test_every_cancer_refused_says_what_a_cancer_takes(typed: str) -> None:
    """Whatever the words, a cancer refused says what is accepted (what a cancer takes, the
    cancers onconav knows for a slip, or the most characters), as the API sends it."""
    try:
        parse_profile({"cancer": typed}, KB)
    except ProfileError as error:
        for problem in error.problems:
            assert problem.field != "cancer" or problem.accepted, problem


@pytest.mark.parametrize(("method", "path", "kwargs", "field", "given"), [
    ("GET", "/api/v1/search", {"params": {"q": "x" * 501}}, "q", "x" * 501),
    ("GET", "/api/v1/search", {"params": {"q": "chemo", "cancer": "c" * 301}}, "cancer",
     "c" * 301),
    ("POST", "/api/v1/options", {"json": {"cancer": "c" * 301}}, "cancer", "c" * 301),
    ("POST", "/api/v1/options", {"json": {"cancer": "rectum", "symptoms": ["y" * 60]}},
     "symptoms[0]", "y" * 60),
    ("GET", "/api/v1/explain/" + "z" * 80, {}, "name", "z" * 80),
])  # fmt: skip
def test_a_value_refused_comes_back_cut_as_the_message_cuts_it(
    client: httpx.Client, method: str, path: str, kwargs: dict[str, Any], field: str, given: str,
) -> None:
    """docs/web.md said the value given came back whole; a q of 501 characters came back cut
    at 40, a cancer of 301 as null, a symptom of 60 whole. One rule: a text over 40 characters
    comes back cut as the message cuts it ("…" marks the cut), as a portal may show and log it."""
    response = client.request(method, path, **kwargs)
    assert response.status_code in (404, 422), response.text[:300]
    (error,) = response.json()["errors"]
    assert error["field"] == field, error
    assert error["value"] == given[:40] + "\u2026", error


def test_an_api_query_string_too_long_is_refused_in_the_api_s_words(
    client: httpx.Client,
) -> None:
    """A search of 9,000 characters was a 414 with "errors": [] and a detail about "the form's
    answers": the API's refusal names the query string, with what is accepted, in its words."""
    for path in ("/api/v1/search", "/api/v1/kb", "/cds-services"):
        response = client.get(f"{path}?q=" + "a" * 9000)
        assert response.status_code == 414, response.text[:300]
        problem = response.json()
        assert "form" not in problem["detail"] and "at most 500" in problem["detail"], problem
        (error,) = problem["errors"]
        assert (error["field"], error["value"], error["accepted"]) == (
            "query string", None, ["at most 8192 bytes"])  # fmt: skip
    page = client.get("/options?cancer=" + "a" * 9000)  # not a browser: the form's words
    assert page.status_code == 414 and "the form's answers" in page.json()["detail"]


@pytest.mark.parametrize(("typed", "meant"), [
    ("metastasis", "metastases"), ("symptom", "symptoms"), ("her2_status", "her2"),
    ("Prior_treatment", "prior_treatments"), ("kras_result", "kras"), ("stagee", "stage"),
])  # fmt: skip
def test_a_field_name_misspelt_is_asked_did_you_mean(client: httpx.Client, typed: str,
                                                     meant: str) -> None:  # fmt: skip
    """A value misspelt is asked "did you mean"; a field's name misspelt was given only the list
    of every field. The command line reads profiles with the same words."""
    response = client.post("/api/v1/options", json={"cancer": "rectum", typed: "x"})
    assert response.status_code == 422, response.text[:300]
    (error,) = response.json()["errors"]
    assert f"did you mean {meant}?" in error["message"], error
    with pytest.raises(ProfileError) as raised:
        parse_profile({"cancer": "rectum", typed: "x"}, KB)
    assert f"did you mean {meant}?" in raised.value.problems[0].message


def test_no_suggestion_for_a_field_name_far_from_any(client: httpx.Client) -> None:
    response = client.post("/api/v1/options", json={"cancer": "rectum", "zebra": "x"})
    (error,) = response.json()["errors"]
    assert "did you mean" not in error["message"], error


def test_the_fields_accepted_do_not_offer_as_typed(client: httpx.Client) -> None:
    """as_typed was listed among the fields accepted, and refused when sent ("filled in by
    onconav: leave it out")."""
    response = client.post("/api/v1/options", json={"cancer": "rectum", "metastasis": "x"})
    (error,) = response.json()["errors"]
    assert "as_typed" not in error["accepted"] and "as_typed" not in error["message"], error
    assert "symptoms" in error["accepted"]
    sent = client.post("/api/v1/options", json={"cancer": "rectum", "as_typed": "x"})
    assert sent.status_code == 422 and "leave it out" in sent.text


def test_the_api_s_explain_says_why_it_takes_no_cancer(client: httpx.Client) -> None:
    """The page's explain takes a cancer (it orders the options and keeps its links to it); the
    API's answer is the entry whatever the cancer, each option naming the cancers it is for:
    its refusal says where a client finds them."""
    response = client.get("/api/v1/explain/xeloda", params={"cancer": "rectum"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert "used_by" in error["message"] and "cancers" in error["message"], error
    entry = client.get("/api/v1/explain/xeloda").json()
    assert any("rectum" in option["cancers"] for option in entry["used_by"]), entry["used_by"]


@pytest.mark.parametrize("path", ["/api/v1/explain/chemo%20pills", "/explain/chemo%20pills",
                                  "/api/v1/explain/being%20sick"])  # fmt: skip
def test_explain_reads_the_words_a_profile_reads(client: httpx.Client, path: str) -> None:
    """The API's and the page's explain of "chemo pills" (which a profile reads as
    chemotherapy) and "being sick" (vomiting) were 404s: they find what the command finds
    (``explain.find``; the knowledge base's names)."""
    assert client.get(path).status_code == 200, path
