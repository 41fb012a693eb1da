"""The HTTP front end: a thin adapter over the core (``create_app``; ``onconav serve``)."""

from onconav.web.app import Settings, create_app

__all__ = ["Settings", "create_app"]
