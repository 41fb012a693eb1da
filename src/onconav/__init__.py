"""onconav: every treatment option for a person with advanced cancer, with its sources.

The public API::

    import onconav

    kb = onconav.load_kb()
    profile = onconav.parse_profile({"cancer": "rectum", "stage": "4"}, kb)
    result = onconav.evaluate(profile, kb)
"""

from __future__ import annotations

from onconav.engine import evaluate
from onconav.kb import KBError, KnowledgeBase, load_kb
from onconav.logic import Status
from onconav.profile import Problem, Profile, ProfileError, parse_profile
from onconav.result import OptionResult, Result

__all__ = [
    "KBError",
    "KnowledgeBase",
    "OptionResult",
    "Problem",
    "Profile",
    "ProfileError",
    "Result",
    "Status",
    "__version__",
    "evaluate",
    "load_kb",
    "parse_profile",
]


def __getattr__(name: str) -> str:
    # Read lazily: importlib.metadata costs tens of milliseconds at every command's start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("onconav")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            return "0.0.0"
    raise AttributeError(name)
