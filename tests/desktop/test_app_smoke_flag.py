"""``outpost --smoke-test``: the real entry point in a real process, offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sync.cli.main import run

ROOT = Path(__file__).resolve().parents[2]


def _outpost(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "desktop.entry", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_smoke_test_exits_0_once_the_main_window_shows(tmp_path: Path) -> None:
    assert run(["--data-dir", str(tmp_path), "demo", "--tickets", "20", "--articles", "3"]) == 0
    result = _outpost("--data-dir", str(tmp_path), "--smoke-test")
    assert result.returncode == 0, result.stderr
    assert "smoke test ok" in result.stdout


def test_help_lists_the_smoke_test_option() -> None:
    result = _outpost("--demo", "--help")
    assert result.returncode == 0 and "--smoke-test" in result.stdout


def test_the_application_icon_comes_from_the_shipped_resources(qapp: object) -> None:
    from desktop.app import application_icon

    icon = application_icon()
    assert not icon.isNull()
    assert not icon.pixmap(64, 64).isNull()  # the SVG really renders, not just a file name
