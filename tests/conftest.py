from __future__ import annotations

import os
from pathlib import Path

import pytest

from onconav.kb import KnowledgeBase, load_kb

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def sources_dir() -> Path:
    env = os.environ.get("ONCONAV_SOURCES")
    return Path(env) if env else SHARED / "sources"


@pytest.fixture(scope="session", autouse=True)
def _snapshots_in_a_temporary_directory(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Knowledge-base snapshots go to a directory of this run, not the user's cache; commands the
    tests start inherit it."""
    os.environ["ONCONAV_CACHE_DIR"] = str(tmp_path_factory.mktemp("onconav-cache"))
    os.environ.pop("ONCONAV_NO_CACHE", None)


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
