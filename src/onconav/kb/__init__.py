"""The knowledge base: options, drugs, regimens, procedures and more, each citing its sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["KBError", "KnowledgeBase", "load_kb"]

if TYPE_CHECKING:
    from onconav.kb.load import KBError, KnowledgeBase, load_kb


def __getattr__(name: str) -> Any:
    # Imported on first use, so that importing onconav.kb.model (or onconav.logic, which needs
    # it) first does not run into the loader, which needs both, half-imported.
    if name in __all__:
        from onconav.kb import load

        return getattr(load, name)
    raise AttributeError(name)
