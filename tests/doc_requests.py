"""The requests a document shows as ``curl`` commands, under one of its headings, to send to a
server a test starts (each doc example is checked as a user would run it, from the repository)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with its query
    headers: dict[str, str]
    body: bytes | None


def requests_of(doc: str, heading: str) -> list[Request]:
    """The ``curl`` lines of the first console block after ``heading`` in ``docs/<doc>``: the
    method (``-X``, else GET), headers (``-H``), a body read from a file (``--data-binary
    @path``, relative to the repository) and the address's path and query."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    after = text.split(f"\n{heading}\n", 1)[1]
    block = after.split("```console\n", 1)[1].split("```", 1)[0]
    out = []
    for line in block.splitlines():
        args = shlex.split(line.removeprefix("$ "))
        if not args or args[0] != "curl":
            continue
        method, headers, body, url = "GET", {}, None, ""
        i = 1
        while i < len(args):
            arg = args[i]
            if arg == "-X":
                method, i = args[i + 1], i + 1
            elif arg == "-H":
                name, _, value = args[i + 1].partition(":")
                headers[name.strip()] = value.strip()
                i += 1
            elif arg == "--data-binary":
                assert args[i + 1].startswith("@"), args[i + 1]
                body = (ROOT / args[i + 1][1:]).read_bytes()
                i += 1
            elif arg.startswith("http"):
                url = arg
            else:
                assert arg == "-s", f"a curl option the test does not read: {arg}"
            i += 1
        parts = urlsplit(url)
        assert parts.netloc == "127.0.0.1:8000", url  # the address `onconav serve` takes
        out.append(Request(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                           headers, body))  # fmt: skip
    return out
