"""onconav: every treatment option for a person with advanced cancer, with its sources."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("onconav")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
