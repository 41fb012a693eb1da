from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

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
