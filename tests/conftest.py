from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from onconav import cli
from onconav.__main__ import exit_status
from onconav.kb import KnowledgeBase, load_kb

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# In CI every property test draws the same examples, so that a run can be repeated exactly.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def sources_dir() -> Path:
    env = os.environ.get("ONCONAV_SOURCES")
    return Path(env) if env else SHARED / "sources"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture(scope="session")
def sources() -> Path:
    path = sources_dir()
    assert path.is_dir(), f"the source documents are expected at {path}"
    return path


@pytest.fixture(scope="session")
def reference() -> Path:
    path = SHARED / "reference"
    assert path.is_dir(), f"the reference material is expected at {path}"
    return path


@dataclass(frozen=True)
class Done:
    status: int
    stdout: str
    stderr: str

    def errors(self) -> list[str]:
        """The error lines, each checked to be one of the command's own."""
        lines = self.stderr.splitlines()
        assert lines, "an error was printed"
        for line in lines:
            assert line.startswith("onconav: error: "), self.stderr
        assert "Traceback" not in self.stderr
        return lines


Run = Callable[..., Done]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``onconav ARGS`` in this process (through ``onconav.cli.main``), as the command would run
    in a 200-column pipe."""
    monkeypatch.delenv("ONCONAV_SOURCES", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(cli, "out", type(cli.out)())  # its console is made for this test
    monkeypatch.setattr(sys, "argv", ["onconav"])
    monkeypatch.chdir(ROOT)

    def invoke(
        *args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None
    ) -> Done:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        if stdin is not None:  # as a pipe gives it: bytes underneath (sys.stdin.buffer)
            raw = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
        capsys.readouterr()
        try:
            cli.main(list(args))
            status = 0
        except SystemExit as done:
            status = exit_status(done)
        captured = capsys.readouterr()
        return Done(status, captured.out, captured.err)

    return invoke


@pytest.fixture
def spark_stopped() -> Iterator[None]:
    """The in-process Spark session (and its JVM's memory) let go after the test (the cohort's
    spark engine)."""
    yield
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()
