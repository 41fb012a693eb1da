"""``python -m onconav`` and the ``onconav`` command.

The command is a short-lived process whose time goes mostly to starting: importing (pydantic
builds a class for every record kind, typer and click load) and, at the end, tearing the
interpreter down object by object. So:

- Python's cyclic garbage collector is paused while the modules load, and the objects they made
  are then moved out of its reach (``gc.freeze``, as the ``gc`` documentation suggests for this
  case); collection is on again for everything the command does.
- When the command is done, the standard streams (and logging, if used) are flushed and the
  process ends at once with the command's exit status (``os._exit``), skipping the teardown of
  objects that nothing will use again. Nothing of onconav's is left to finish then: files are
  written and closed before the command returns.

Library users (``import onconav``) are not affected: only this entry point does either.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys


def run() -> None:
    """Run the ``onconav`` command line (see :func:`onconav.cli.main`), raising SystemExit as it
    does; collection is paused while its modules load."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        from onconav.cli import main
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    main()


def exit_status(done: SystemExit) -> int:
    """The process exit status Python itself would give for this SystemExit (a message that is
    not a number is printed to standard error, and the status is 1)."""
    code = done.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def command() -> None:
    """The installed ``onconav`` script: :func:`run`, then end the process without teardown.
    An unexpected exception is left to Python (traceback, status 1), never hidden."""
    try:
        run()
        status = 0
    except SystemExit as done:
        status = exit_status(done)
    if "logging" in sys.modules:
        import logging

        logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`onconav ... | head`)
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    command()
