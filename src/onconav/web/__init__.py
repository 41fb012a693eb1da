"""The HTTP front end: a thin adapter over the core (``create_app``; ``onconav serve``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onconav.web.app import Settings, create_app

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    """``create_app`` and ``Settings`` are imported when first used: ``onconav report`` imports
    ``onconav.web.report`` without FastAPI and the rest of the app."""
    if name in __all__:
        from onconav.web import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
