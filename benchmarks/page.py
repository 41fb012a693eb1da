"""The answer page and the printable report, each beside baselines measured in the same run.

    .venv/bin/python benchmarks/page.py [--requests N] [--runs R] [--profile FILE]
                                        [--sources DIR] [--append PATH]

1. The answer page: ``GET /options?<query>`` of each example in turn, one request at a time on a
   kept-alive connection (N requests), from ``onconav serve --workers 2 --sources DIR``: p50 and
   p99. Beside it, in this process: the same requests through the app without a socket (the
   query read, evaluate, the page rendered by Jinja2), and evaluate alone; and ``GET /healthz``
   over HTTP.
2. The PDF report of one profile (the rectal stage 4 example unless --profile):
   ``GET /report.pdf?<query>`` R times one at a time (after each worker has made one, the first
   of which imports WeasyPrint), beside ``report.pdf()`` in this process, split into the HTML
   (``report.html()``), WeasyPrint's layout (``render()``) and its drawing (``write_pdf()``,
   tagged as the report's);
   and beside WeasyPrint on a one-page document with the same stylesheet.
3. ``onconav report --profile FILE --sources DIR --out x.pdf``, R runs, round-robin beside
   ``--format html`` (the same command without WeasyPrint) and ``python -c "import weasyprint"``.

Targets (issue 11): the page's p50 at most 30 ms; a PDF report at most 1.5 s (median), over HTTP
and from the command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from loopback import EXAMPLES, ROOT, Server, load, machine, median, one_at_a_time, p, publish

TARGET_PAGE, TARGET_PDF = 0.030, 1.5
DEFAULT_PROFILE = ROOT / "examples" / "rectal-stage4-kras-wild-type.json"
DEFAULT_SOURCES = ROOT.parent / "shared" / "sources"


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def clocked(call: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of one call, and what it gave."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = call()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def asgi_get(app: Any, path: str) -> tuple[int, bytes]:
    """One GET through the app in this process: no socket, no server."""
    route, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": route, "raw_path": route.encode(), "root_path": "",
             "query_string": query.encode(), "headers": [(b"host", b"127.0.0.1")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}  # fmt: skip
    out: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        out.append(message)

    asyncio.run(app(scope, receive, send))
    return out[0]["status"], b"".join(m.get("body", b"") for m in out[1:])


def commands(argvs: dict[str, list[str]], runs: int, warm: bool) -> dict[str, list[float]]:
    """Each command's wall time, round-robin (after one untimed run each if ``warm``)."""
    times: dict[str, list[float]] = {name: [] for name in argvs}
    for turn in range(0 if warm else 1, runs + 1):
        for name, argv in argvs.items():
            started = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True)
            took = time.perf_counter() - started
            if done.returncode != 0:
                sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
            if turn:
                times[name].append(took)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=positive, default=300,
                        help="answer pages requested, one at a time (300)")  # fmt: skip
    parser.add_argument("--runs", type=positive, default=10, help="PDFs of each kind (10)")
    parser.add_argument("--profile", type=Path, default=DEFAULT_PROFILE,
                        help="the profile of the PDF report (the rectal stage 4 example)")
    parser.add_argument("--sources", type=Path, help="the source documents "
                        "($ONCONAV_SOURCES, else ../shared/sources where it exists)")
    parser.add_argument("--append", type=Path, help="append the report (Markdown) to this file")
    args = parser.parse_args()
    sources = args.sources or (
        Path(os.environ["ONCONAV_SOURCES"]) if os.environ.get("ONCONAV_SOURCES")
        else DEFAULT_SOURCES if DEFAULT_SOURCES.is_dir() else None
    )  # fmt: skip
    load_before = load()
    warm = args.runs >= 3  # with fewer runs, a check that it works rather than a measurement

    import weasyprint  # type: ignore[import-untyped]

    from onconav import evaluate, load_kb, parse_profile
    from onconav.kb import provenance
    from onconav.web import create_app, form, report
    from onconav.web.app import Settings

    kb = load_kb()
    passage = provenance.passages(sources, kb) if sources else None
    queries = [form.query_of(parse_profile(json.loads(e.read_text("utf-8")), kb)) for e in EXAMPLES]
    pages = ["/options?" + q for q in queries]
    profile = parse_profile(json.loads(args.profile.read_text("utf-8")), kb)
    pdf_path = "/report.pdf?" + form.query_of(profile)

    # 1 and 2 over HTTP.
    server = Server(workers=2, sources=sources)
    try:
        one_at_a_time(server.port, pages, 2 * len(pages))  # warm-up
        page_t, page_size = one_at_a_time(server.port, pages, args.requests)
        health_t, _ = one_at_a_time(server.port, ["/healthz"], args.requests)
        first_pdf, _ = one_at_a_time(server.port, [pdf_path], 1)
        with ThreadPoolExecutor(2) as pool:  # the other worker's first PDF, most likely
            list(pool.map(lambda _: one_at_a_time(server.port, [pdf_path], 1), range(4 * warm)))
        pdf_http, pdf_size = [], 0
        for _ in range(args.runs):  # each on a new connection: either worker may answer
            took, pdf_size = one_at_a_time(server.port, [pdf_path], 1)
            pdf_http += took
    finally:
        server.stop()

    # 1 and 2 in this process.
    app = create_app(kb, Settings(sources=sources))
    for path in pages:  # warm-up
        assert asgi_get(app, path)[0] == 200
    page_in: list[float] = []
    eval_in: list[float] = []
    for i in range(args.requests):
        page_in.append(clocked(lambda i=i: asgi_get(app, pages[i % len(pages)]))[0])
        given = form.answers(parse_qsl(queries[i % len(queries)], keep_blank_values=True))
        data = form.profile_data(given, kb)
        eval_in.append(clocked(lambda data=data: evaluate(parse_profile(data, kb), kb))[0])
    result = evaluate(profile, kb)
    if warm:
        report.pdf(result, kb, passage)
    pdf_in = [clocked(lambda: report.pdf(result, kb, passage))[:2] for _ in range(args.runs)]
    html_t, layout_t, draw_t, page_count = [], [], [], 0
    for _ in range(args.runs):
        took, _, html = clocked(lambda: report.html(result, kb, passage))
        html_t.append(took)
        took, _, document = clocked(lambda html=html: weasyprint.HTML(
            string=html, url_fetcher=no_fetch).render())  # fmt: skip
        layout_t.append(took)
        draw_t.append(clocked(lambda d=document: d.write_pdf(pdf_tags=True))[0])  # as report.pdf
        page_count = len(document.pages)
    css = (ROOT / "src" / "onconav" / "web" / "static" / "onconav.css").read_text("utf-8")
    tiny = f'<style>{css}</style><body class="report"><main><h1>onconav</h1><p>A page.</p></main>'
    tiny_t = [clocked(lambda: weasyprint.HTML(string=tiny).write_pdf())[0]
              for _ in range(args.runs)]  # fmt: skip
    plain = flattened(html)
    plain_t = [clocked(lambda: weasyprint.HTML(string=plain).write_pdf())[0]
               for _ in range(args.runs)]  # fmt: skip

    # 3: the command.
    onconav = str(Path(sys.executable).parent / "onconav")
    with tempfile.TemporaryDirectory() as tmp:
        given = ["--profile", str(args.profile), "--force", "--out"]  # the same file each run
        with_sources = ["--sources", str(sources)] if sources else []
        argvs = {
            "pdf": [onconav, "report", *given, f"{tmp}/r.pdf", *with_sources],
            "html": [onconav, "report", *given, f"{tmp}/r.html", "--format", "html",
                     *with_sources],
            "import": [sys.executable, "-c", "import weasyprint"],
        }  # fmt: skip
        cli = commands(argvs, args.runs, warm)
    load_after = load()

    page_p50, http_pdf, cli_pdf = p(page_t, 0.5), median(pdf_http), median(cli["pdf"])
    pdf_wall = median([w for w, _ in pdf_in])
    met = {True: "met", False: "**not met**"}
    where = f"with the sources in {sources.name}/" if sources else "without the sources"
    shown = args.profile.resolve()
    shown_as = f"`{shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown}`"
    head = "| measurement | n | median | p99 (or slowest) |\n|---|---:|---:|---:|"

    def row(name: str, samples: list[float], bold: bool = False) -> str:
        b = "**" if bold else ""
        return (f"| {b}{name}{b} | {len(samples)} | {b}{fmt(median(samples))}{b} | "
                f"{fmt(p(samples, 0.99))} |")  # fmt: skip

    why_pdf = (
        f"of `report.pdf()`'s {fmt(pdf_wall)} in this process, onconav's part (the Result "
        f"into HTML) takes {fmt(median(html_t))}; WeasyPrint takes the rest: its layout of "
        f"the {page_count} pages {fmt(median(layout_t))}, its drawing into PDF "
        f"{fmt(median(draw_t))} (a one-page document, {fmt(median(tiny_t))} in all). The "
        f"same text as plain paragraphs with the same stylesheet takes {fmt(median(plain_t))}: "
        "the rest is the boxes of the markup (nesting, inline elements, borders)."
    )
    why_cli = (
        f"beside the PDF itself, the command starts Python and onconav, reads the profile and "
        f"writes the HTML "
        f"({fmt(median(cli['html']))} with `--format html`), and imports WeasyPrint "
        f"({fmt(median(cli['import']))} in a fresh interpreter; `python -X importtime` puts "
        "most of it in loading Pango through cffi) before the layout."
    )
    report_md = "\n".join([
        "",
        "## 7. The answer page and the printable report (benchmarks/page.py)",
        "",
        f"`.venv/bin/python benchmarks/page.py --requests {args.requests} --runs {args.runs}`"
        f"{' --profile ' + str(args.profile) if args.profile != DEFAULT_PROFILE else ''}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}; load average {load_before} "
        f"before, {load_after} after. `onconav serve --workers 2` {where} on loopback; one "
        "request at a time on a kept-alive connection (http.client), so each time is one "
        f"request's wall time. The answer page of the {len(EXAMPLES)} examples in turn "
        f"(the last one {page_size // 1024} KB of HTML); the PDF report of {shown_as} "
        f"({page_count} pages, {pdf_size // 1024} KB), each on a new connection after each "
        "worker has made one (the first PDF a worker makes imports WeasyPrint); WeasyPrint "
        f"{weasyprint.__version__}. The command's times are wall times of fresh processes, "
        "round-robin after an untimed run of each."
        + ("" if warm else " **With --runs under 3 nothing is warmed up: this run checks that "
           "the benchmark works; its times are not a measurement.**"),
        "",
        "| target | measured | verdict |",
        "|---|---:|---|",
        f"| the answer page `GET /options?...`, p50 at most {fmt(TARGET_PAGE)} | "
        f"{fmt(page_p50)} | {met[page_p50 <= TARGET_PAGE]} |",
        f"| `GET /report.pdf?...`, at most {TARGET_PDF} s (median) | {fmt(http_pdf)} | "
        f"{met[http_pdf <= TARGET_PDF]} |",
        f"| `onconav report --profile F --out x.pdf`, at most {TARGET_PDF} s (median) | "
        f"{fmt(cli_pdf)} | {met[cli_pdf <= TARGET_PDF]} |",
        "",
        *([] if http_pdf <= TARGET_PDF else [f"Why the PDF is over: {why_pdf}", ""]),
        *([] if cli_pdf <= TARGET_PDF else [f"Why the command is over: {why_cli}", ""]),
        head,
        row("`GET /options?...` over HTTP, the examples in turn", page_t, bold=True),
        row("baseline: the same through the app in this process (no socket)", page_in),
        row("baseline: of which evaluate(parse_profile(...)) alone", eval_in),
        row("baseline: `GET /healthz` over HTTP", health_t),
        row("`GET /report.pdf?...` over HTTP", pdf_http, bold=True),
        row("the first PDF from a fresh worker (imports WeasyPrint)", first_pdf),
        row("baseline: `report.pdf()` in this process, wall", [w for w, _ in pdf_in]),
        row("baseline: the same, CPU time of this process", [c for _, c in pdf_in]),
        row("of it: the HTML, `report.html()`", html_t),
        row("of it: WeasyPrint's layout, `HTML(string=...).render()`", layout_t),
        row("of it: WeasyPrint's drawing, `document.write_pdf(pdf_tags=True)`", draw_t),
        row("baseline: WeasyPrint on a one-page document with the same stylesheet", tiny_t),
        row("baseline: WeasyPrint on the report's text as plain paragraphs (same stylesheet)",
            plain_t),
        row(f"`onconav report --profile {args.profile.name} --out x.pdf`", cli["pdf"], bold=True),
        row("baseline: the same with `--format html` (no WeasyPrint)", cli["html"]),
        row('baseline: `python -c "import weasyprint"`', cli["import"]),
        "",
    ])  # fmt: skip
    publish(report_md, args.append)


def flattened(html: str) -> str:
    """The report's text with its markup flattened: every block a plain paragraph, no inline
    elements or pictures; the same stylesheet (and so the same page, fonts and footer)."""
    head, _, body = html.partition("</head>")
    body = re.sub(r"<svg.*?</svg>", "", body, flags=re.S)
    body = re.sub(r"</?(a|span|strong|em|b|i|summary|details)\b[^>]*>", "", body)
    blocks = "li|dt|dd|blockquote|h[1-6]|p|div|article|section|ul|ol|dl|main|nav"
    body = re.sub(rf"<({blocks})\b[^>]*>", "<p>", body)
    body = re.sub(rf"</({blocks})>", "", body)
    return head + "</head>" + re.sub(r"(<p>\s*)+", "<p>", body)


def no_fetch(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    raise ValueError(f"the report fetches nothing ({url})")


if __name__ == "__main__":
    main()
