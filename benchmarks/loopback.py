"""What the HTTP benchmarks share: ``onconav serve`` on a free loopback port, the CPU time its
processes use (from /proc), wrk with the CPU time it uses, and two light HTTP/1.1 clients (one
request at a time, and an open-loop one at a steady rate), light so that the client takes little
of the two cores the server runs on.
"""

from __future__ import annotations

import asyncio
import http.client
import math
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> str:
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [x.split(":", 1)[1].strip() for x in info.splitlines() if x.startswith("model name")]
    cpu = models[0] if models else platform.processor() or "unknown"
    return f"{platform.platform()}, {os.cpu_count()} CPUs, processor: {cpu}"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def p(samples: Sequence[float], q: float) -> float:
    """The q-th quantile by nearest rank (q in 0..1)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class Server:
    """``onconav serve --workers N`` on a free loopback port, until ``stop``."""

    def __init__(self, workers: int = 2, sources: Path | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "onconav", "serve", "--port", str(self.port),
                   "--workers", str(workers)]  # fmt: skip
        if sources is not None:
            command += ["--sources", str(sources)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(300):
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit("the server did not start")

    def pids(self) -> list[int]:
        """The server and its workers (the processes whose parent is the server)."""
        out = [self.process.pid]
        for entry in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = entry.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                out.append(int(entry.parent.name))
        return out

    def cpu(self) -> float | None:
        """CPU seconds (user and system) used so far by the server and its workers, or None
        where /proc does not tell."""
        total = 0
        try:
            for pid in self.pids():
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            return None
        return total / TICK

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def get(port: int, path: str) -> tuple[int, bytes]:
    """One GET on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def one_at_a_time(port: int, paths: Sequence[str], count: int) -> tuple[list[float], int]:
    """Wall seconds of ``count`` GETs of ``paths`` in turn, one at a time on one kept-alive
    connection; and the bytes of the last answer. A status other than 200 stops the benchmark."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times, size = [], 0
    try:
        for i in range(count):
            started = time.perf_counter()
            connection.request("GET", paths[i % len(paths)])
            response = connection.getresponse()
            body = response.read()
            times.append(time.perf_counter() - started)
            if response.status != 200:
                raise SystemExit(f"GET {paths[i % len(paths)][:80]}: {response.status}")
            size = len(body)
    finally:
        connection.close()
    return times, size


@dataclass
class Wrk:
    rate: float  # requests per second
    requests: int
    seconds: float  # wall
    client_cpu: float  # CPU seconds used by wrk
    server_cpu: float | None  # CPU seconds used by the server's processes


def wrk(server: Server, path: str, seconds: float, bodies: Sequence[bytes] = ()) -> Wrk | None:
    """wrk (Debian's package, a load generator in C), 1 thread, 16 connections, for
    ``seconds``: GET ``path``, or POST ``bodies`` in turn; None when wrk is not installed. Any
    answer other than 2xx or 3xx, or a socket error, stops the benchmark."""
    if shutil.which("wrk") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if bodies:
            script.write("local bodies = {\n")
            for body in bodies:
                text = body.decode("utf-8")
                assert "]==]" not in text
                script.write(f"[==[{text}]==],\n")
            script.write(
                "}\nlocal i = 0\nrequest = function()\n  i = i % #bodies + 1\n"
                "  return wrk.format('POST', nil, {['Content-Type'] = 'application/json'}, "
                "bodies[i])\nend\n"
            )
    try:
        before_client = resource.getrusage(resource.RUSAGE_CHILDREN)
        before_server = server.cpu()
        started = time.perf_counter()
        done = subprocess.run(
            ["wrk", "-t1", "-c16", f"-d{seconds:g}s", "-s", script.name, server.base + path],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        wall = time.perf_counter() - started
        after_server = server.cpu()
        after_client = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        os.unlink(script.name)
    if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        raise SystemExit(f"wrk {path}: errors\n{done.stdout}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    count = int(re.search(r"(\d+) requests in", done.stdout).group(1))  # type: ignore[union-attr]
    client = (after_client.ru_utime + after_client.ru_stime) - (
        before_client.ru_utime + before_client.ru_stime
    )
    server_cpu = (
        after_server - before_server
        if after_server is not None and before_server is not None
        else None
    )
    return Wrk(rate, count, wall, client, server_cpu)


@dataclass
class Paced:
    latencies: list[float]  # seconds, from the time each request was due
    late: list[float]  # seconds the client sent each request after it was due
    connections: int
    client_cpu: float  # CPU seconds this process used meanwhile
    wall: float


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.used = time.perf_counter()

    async def exchange(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
        if length is None:
            raise SystemExit(f"no content-length in {head[:200]!r}")
        await self.reader.readexactly(int(length.group(1)))
        return int(head[9:12])


def post_request(port: int, path: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def paced(port: int, requests: Sequence[bytes], rate: float, seconds: float) -> Paced:
    """Open loop: request i is due at start + i / rate whatever the answers before it; each is
    sent on an idle kept-alive connection (a new one when none is idle), and its latency counts
    from when it was due, so the client's own delays count against the server, not for it."""

    async def run() -> Paced:
        idle: list[_Connection] = []
        latencies: list[float] = []
        late: list[float] = []
        opened = 0

        async def one(i: int, due: float) -> None:
            nonlocal opened
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            while idle and idle[-1].used < time.perf_counter() - 2:  # the server closes
                idle.pop().writer.close()  # a connection idle for 5 s (uvicorn's default)
            if idle:
                connection = idle.pop()
            else:
                opened += 1
                connection = _Connection(*await asyncio.open_connection("127.0.0.1", port))
            late.append(time.perf_counter() - due)
            status = await connection.exchange(requests[i % len(requests)])
            latencies.append(time.perf_counter() - due)
            if status != 200:
                raise SystemExit(f"status {status}")
            connection.used = time.perf_counter()
            idle.append(connection)

        cpu, started = time.process_time(), time.perf_counter()
        t0 = started + 0.1
        await asyncio.gather(*(one(i, t0 + i / rate) for i in range(int(rate * seconds))))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        for connection in idle:
            connection.writer.close()
        return Paced(latencies, late, opened, cpu, wall)

    return asyncio.run(run())


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def closed_loop(port: int, requests: Sequence[bytes], total: int, in_flight: int = 16) -> float:
    """Requests per second: ``total`` requests (``requests`` in turn), ``in_flight`` at a time
    on as many kept-alive connections (used where wrk is not installed)."""

    async def run() -> float:
        queue = list(range(total))

        async def worker() -> None:
            connection = _Connection(*await asyncio.open_connection("127.0.0.1", port))
            while queue:
                i = queue.pop()
                if await connection.exchange(requests[i % len(requests)]) != 200:
                    raise SystemExit("status other than 200")
            connection.writer.close()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return total / (time.perf_counter() - started)

    return asyncio.run(run())


def get_request(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


def publish(section: str, append: Path | None) -> None:
    """A benchmark's Markdown section printed, and appended to ``append`` when given (never
    rewritten: ``make benchmark`` starts the file with bench.py, each script adds its own)."""
    print(section)
    if append:
        with append.open("a", encoding="utf-8") as out:
            out.write("\n" + section.lstrip("\n"))
