"""``python -m onconav`` and the ``onconav`` command.

The command is a short-lived process whose start is mostly importing (pydantic builds a class for
every record kind, typer and click load). Python's cyclic garbage collector would otherwise run
dozens of times over those young, long-lived objects, so collection is paused while the modules
load and the objects they made are then moved out of its reach (``gc.freeze``, as the ``gc``
documentation suggests for this case). Collection is on again for everything the command does.
Library users (``import onconav``) are not affected: only this entry point does it.
"""

from __future__ import annotations

import gc


def run() -> None:
    """Run the ``onconav`` command line (see :func:`onconav.cli.main`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        from onconav.cli import main
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    main()


if __name__ == "__main__":
    run()
