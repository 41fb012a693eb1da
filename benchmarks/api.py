"""The HTTP API under a bounded load on loopback, beside the in-process evaluation in the same run.

    .venv/bin/python benchmarks/api.py [--requests N] [--seconds S] [--append PATH]

Starts ``onconav serve --workers 2`` on a free loopback port, then, with an asynchronous httpx
client in this process (on the same two cores as the server):

1. throughput: N requests of ``POST /api/v1/options`` (the examples, in turn), 16 at a time;
   beside it, ``GET /healthz`` the same way (the cost of HTTP alone);
2. latency at a steady 200 requests per second for S seconds: p50 and p99;
3. in this process, ``parse_profile`` + ``evaluate`` + ``model_dump_json`` of the same profiles.

Targets (issue 11): at least 800 requests/s with two workers; p99 at most 50 ms at 200 per second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BODIES = [p.read_bytes() for p in sorted((ROOT / "examples").glob("*.json"))]
HEADERS = {"content-type": "application/json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "onconav", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def wrk_throughput(base: str, path: str, seconds: float, post: bool) -> float | None:
    """Requests per second by wrk (Debian's package: a load generator in C, which leaves the
    server the CPU a Python client would take), 16 connections; None when wrk is not there."""
    import shutil
    import tempfile

    if shutil.which("wrk") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        body = BODIES[-1].decode().replace("\\", "\\\\").replace("\n", " ").replace("'", "\\'")
        if post:
            script.write(f"wrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/json'\n"
                         f"wrk.body = '{body}'\n")  # fmt: skip
    done = subprocess.run(["wrk", "-t1", "-c16", f"-d{seconds:g}s", "-s", script.name, base + path],
                          capture_output=True, text=True, check=True)  # fmt: skip
    os.unlink(script.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("Requests/sec:"))
    return float(line.split()[1])


async def throughput(base: str, path: str, total: int, post: bool) -> float:
    """Requests per second, ``total`` of them, 16 in flight."""
    async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=16)) as c:
        queue = list(range(total))

        async def worker() -> None:
            while queue:
                i = queue.pop()
                if post:
                    r = await c.post(path, content=BODIES[i % len(BODIES)], headers=HEADERS)
                else:
                    r = await c.get(path)
                assert r.status_code == 200, r.text

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(16)))
        return total / (time.perf_counter() - started)


async def paced(base: str, rate: int, seconds: float) -> list[float]:
    """Latencies (s) of requests started at a steady ``rate`` per second."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=64)) as c:

        async def one(i: int, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            started = time.perf_counter()
            r = await c.post("/api/v1/options", content=BODIES[i % len(BODIES)], headers=HEADERS)
            latencies.append(time.perf_counter() - started)
            assert r.status_code == 200

        t0 = time.perf_counter() + 0.2
        n = int(rate * seconds)
        await asyncio.gather(*(one(i, t0 + i / rate) for i in range(n)))
    return latencies


def in_process(rounds: int) -> float:
    """Median seconds to read, evaluate and serialise one of the examples, in this process."""
    from onconav import evaluate, load_kb, parse_profile

    kb = load_kb()
    times = []
    for i in range(rounds):
        started = time.perf_counter()
        data = json.loads(BODIES[i % len(BODIES)])
        evaluate(parse_profile(data, kb), kb).model_dump_json()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--append", type=Path, help="append the report (Markdown) to this file")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        asyncio.run(throughput(base, "/api/v1/options", 200, post=True))  # warm both workers
        by_wrk = wrk_throughput(base, "/api/v1/options", args.seconds, post=True)
        options_rate = by_wrk or asyncio.run(
            throughput(base, "/api/v1/options", args.requests, post=True)
        )
        health_rate = wrk_throughput(base, "/healthz", args.seconds, post=False) or asyncio.run(
            throughput(base, "/healthz", args.requests, post=False)
        )
        client = "wrk (1 thread, 16 connections)" if by_wrk else "httpx (16 in flight)"
        latencies = sorted(asyncio.run(paced(base, 200, args.seconds)))
    finally:
        server.terminate()
        server.wait(timeout=10)
    one = in_process(2000)
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    met = {True: "met", False: "**not met**"}
    report = "\n".join([
        "",
        "## 6. The HTTP API under load (benchmarks/api.py)",
        "",
        f"`.venv/bin/python benchmarks/api.py --requests {args.requests} --seconds "
        f"{args.seconds:g}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} CPUs: `onconav serve --workers 2` (uvicorn with uvloop and httptools) "
        f"on loopback. Throughput by {client}, posting the last example; latency by an "
        "asynchronous httpx client at a steady rate, posting the examples in turn. The load "
        "runs on the same two cores as the server and takes CPU from it; the steady-rate "
        "client is Python, and its own queueing shows in the tail (a C client that paces, such "
        "as wrk2, would measure the server alone).",
        "",
        "| target | measured | verdict |",
        "|---|---:|---|",
        f"| `POST /api/v1/options`, at least 800 requests/s (2 workers) | "
        f"{options_rate:.0f}/s | {met[options_rate >= 800]} |",
        f"| p99 at most 50 ms at 200 requests/s ({len(latencies)} requests) | {p99 * 1e3:.1f} ms "
        f"| {met[p99 <= 0.05]} |",
        "",
        "| measurement | value |",
        "|---|---:|",
        f"| **`POST /api/v1/options`, requests/s** | **{options_rate:.0f}** |",
        f"| baseline: `GET /healthz` the same way (HTTP alone), requests/s | {health_rate:.0f} |",
        f"| at 200 requests/s: p50 | {p50 * 1e3:.1f} ms |",
        f"| at 200 requests/s: p99 | {p99 * 1e3:.1f} ms |",
        f"| baseline: in this process, read + evaluate + serialise one example (median) | "
        f"{one * 1e3:.2f} ms (so at most {1 / one:.0f}/s per core) |",
        "",
    ])
    print(report)
    if args.append:
        with args.append.open("a", encoding="utf-8") as out:
            out.write(report)


if __name__ == "__main__":
    main()
