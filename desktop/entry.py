"""The ``outpost`` command: the desktop app, or the client CLI when a command is given.

``outpost``, ``outpost --data-dir DIR`` and ``outpost --demo`` (and the app's other options)
open the app; ``outpost [--data-dir DIR] COMMAND ARGS`` runs the command line without
importing Qt, so scripts and CI stay fast and work without a display. Which words are
commands is decided by :data:`sync.cli.command_table.COMMANDS` alone; any other word is
refused by the command line (usage, exit 2) rather than silently opening the app.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sync.cli.command_table import wants_cli


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if wants_cli(args):
        from sync.cli.main import run_and_flush

        if "jobsheet" in args:  # the one command that prints with Qt: install its renderer
            from desktop.assets.job_sheet_pdf import headless_job_sheet_writer
            from sync.services.job_sheet import set_pdf_renderer

            set_pdf_renderer(headless_job_sheet_writer)

        sys.exit(run_and_flush(args))
    from desktop.app import run_app

    sys.exit(run_app(args))


if __name__ == "__main__":
    main()
