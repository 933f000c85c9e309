"""PyInstaller's entry script for the bundle: the same ``outpost`` command as the console script.

``desktop.entry.main`` decides between the client CLI (a command such as ``ticket list``) and
the Qt app, exactly as the installed ``outpost`` console script does.
"""

from __future__ import annotations

from desktop.entry import main

if __name__ == "__main__":
    main()
