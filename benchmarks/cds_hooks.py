"""The CDS Hooks patient-view service with a full prefetch, beside the in-process evaluation.

    .venv/bin/python benchmarks/cds_hooks.py [--calls N] [--append PATH]

A record of 200 FHIR resources (a rectal cancer, stage 4, KRAS wild-type, FOLFOX stopped
working, among vital signs, laboratory results, another problem and another medicine: the tests'
records, tests/cds_hooks/records.py) is sent as the prefetch of a patient-view call (the JSON
body, about 120 KB), N times in turn, each with its own ES384 JWT, to the app as ``onconav
serve`` makes it, in this process, through httpx's ASGI transport: the JWT checked, the body
parsed and validated, the 200 resources read by the FHIR mapping, the profile evaluated, the
cards made and serialised. Beside it, in the same run: the same profile's ``parse_profile`` +
``evaluate``, the FHIR mapping alone, and the body's JSON parsing.

Target (issue 12): p99 at most 100 ms for the whole call.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from bench import Parser, fmt, machine, p99, positive
from loopback import publish

from onconav import evaluate, load_kb, parse_profile
from onconav.cdshooks.settings import CLIENTS_ENV, PUBLIC_URL_ENV
from onconav.fhir import read_resources
from onconav.web.app import app_from_environment

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "cds_hooks"


def _fixture(name: str) -> Any:
    """A module of tests/cds_hooks by its path (this script's own name is cds_hooks)."""
    spec = importlib.util.spec_from_file_location(f"cds_hooks_{name}", FIXTURES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


records, keys = _fixture("records"), _fixture("keys")

BASE = "https://onconav.example.org"
ENDPOINT = f"{BASE}/cds-services/onconav-patient-view"
SITUATION = "rectal-stage4-folfox-progressed"
RESOURCES = 200
TARGET_P99 = 0.100  # seconds
WARM_UP = 20


def record() -> list[dict[str, Any]]:
    situation = records.SITUATIONS[SITUATION]
    return situation + records.padding(RESOURCES - len(situation))


def body() -> bytes:
    call = {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/onconav-doctor", "patientId": records.PATIENT},
        "prefetch": records.prefetch(record()),
    }
    return json.dumps(call).encode()


def served_app() -> Any:
    """The app as ``onconav serve`` makes it in each worker (``app_from_environment``), trusting
    the tests' record system (its clients file written to a temporary directory)."""
    with tempfile.TemporaryDirectory() as folder:
        clients = Path(folder) / "clients.json"
        trusted = {"clients": [{"iss": keys.ISS, "jwks": keys.JWKS}]}
        clients.write_text(json.dumps(trusted), encoding="utf-8")
        os.environ.update({CLIENTS_ENV: str(clients), PUBLIC_URL_ENV: BASE})
        return app_from_environment()


async def calls(count: int) -> list[float]:
    """Each call's wall time, after WARM_UP untimed ones; every answer checked."""
    app = served_app()
    sent = body()
    tokens = [keys.token(ENDPOINT) for _ in range(count + WARM_UP)]  # one jti each
    times = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        for i, signed in enumerate(tokens):
            headers = {"authorization": f"Bearer {signed}", "content-type": "application/json"}
            started = time.perf_counter()
            response = await http.post(ENDPOINT, content=sent, headers=headers)
            took = time.perf_counter() - started
            if response.status_code != 200 or not response.json()["cards"]:
                sys.exit(f"the call failed: {response.status_code} {response.text[:500]}")
            if i >= WARM_UP:
                times.append(took)
    return times


def timed(count: int, work: Callable[[], object]) -> list[float]:
    for _ in range(WARM_UP):
        work()
    out = []
    for _ in range(count):
        started = time.perf_counter()
        work()
        out.append(time.perf_counter() - started)
    return out


def report(count: int, command: str) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    kb = load_kb()
    resources = record()
    data = read_resources(resources, kb).data
    whole = asyncio.run(calls(count))
    evaluation = timed(count, lambda: evaluate(parse_profile(data, kb), kb))
    mapping = timed(count, lambda: read_resources(resources, kb))
    sent = body()
    parsing = timed(count, lambda: json.loads(sent))
    met = p99(whole) <= TARGET_P99
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")

    def line(name: str, samples: list[float], bold: bool = False) -> str:
        b = "**" if bold else ""
        return (f"| {b}{name}{b} | {len(samples)} | {fmt(statistics.median(samples))} | "
                f"{b}{fmt(p99(samples))}{b} |")  # fmt: skip

    verdict = "met" if met else "**not met**"
    return "\n".join([
        "## CDS Hooks: patient-view with a full prefetch (benchmarks/cds_hooks.py)",
        "",
        f"`{command}`, {now}, {machine()}, Python {sys.version.split()[0]}; load average at "
        f"the start: {load} (1, 5, 15 min; other work on the machine skews the times).",
        "",
        f"A patient-view call whose prefetch holds {RESOURCES} FHIR resources "
        f"({len(sent) // 1024} KB of JSON: the tests' {SITUATION} record among vital signs, "
        "laboratory results, another problem and another medicine), sent to the app in this "
        "process (as `onconav serve` makes it, `app_from_environment`) through httpx's ASGI "
        "transport, one call at a time, each with its own ES384 "
        "JWT: the token checked, the body parsed and validated, the resources read by the FHIR "
        "mapping, the profile evaluated, the cards made and serialised. Beside it, in the same "
        f"run, the parts alone. Each after {WARM_UP} untimed runs; p99 by nearest rank.",
        "",
        "| target | measured | verdict |",
        "|---|---:|---|",
        f"| patient-view with a {RESOURCES}-resource prefetch, p99 at most "
        f"{TARGET_P99 * 1000:.0f} ms | {fmt(p99(whole))} | {verdict} |",
        "",
        "| measurement | n | median | p99 |",
        "|---|---:|---:|---:|",
        line(f"POST /cds-services/onconav-patient-view, {RESOURCES} resources prefetched",
             whole, bold=True),
        line("beside it: parse_profile + evaluate of the same profile", evaluation),
        line(f"beside it: the FHIR mapping of the {RESOURCES} resources (read_resources)",
             mapping),
        line("beside it: json.loads of the request body", parsing),
        "",
    ])  # fmt: skip


def main() -> None:
    parser = Parser(prog="cds_hooks.py", description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=positive, default=1000, help="timed calls (1000)")
    parser.add_argument("--append", type=Path, help="append the section to this Markdown file")
    args = parser.parse_args()
    command = ".venv/bin/python benchmarks/cds_hooks.py " + " ".join(sys.argv[1:])
    text = report(args.calls, command.strip())
    publish(text, args.append)


if __name__ == "__main__":
    main()
