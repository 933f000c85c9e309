"""The ``outpost`` command: the desktop app, or the client CLI when a command is given.

``outpost``, ``outpost --data-dir DIR`` and ``outpost --demo`` open the app;
``outpost [--data-dir DIR] ticket|kb|demo|... ARGS`` run the command line without
importing Qt, so scripts and CI stay fast and work without a display.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sync.cli.main import CLI_COMMANDS


def _is_cli(argv: Sequence[str]) -> bool:
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--data-dir":
            i += 2
            continue
        if arg.startswith("--data-dir="):
            i += 1
            continue
        return arg in CLI_COMMANDS or (arg in ("-h", "--help") and not any(a == "--demo" for a in args))
    return False


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if _is_cli(args):
        from sync.cli.main import run_and_flush

        sys.exit(run_and_flush(args))
    from desktop.app import run_app

    sys.exit(run_app(args))


if __name__ == "__main__":
    main()
