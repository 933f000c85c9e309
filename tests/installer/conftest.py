"""Fixtures for the installer tests: the `installer` marker and the built bundle.

Tests marked ``installer`` run the real PyInstaller bundle. They run only when one exists:

- ``OUTPOST_BUILD_INSTALLER=1``: build it first (into ``$OUTPOST_INSTALLER_OUT`` or ``dist/``)
  unless a bundle built from the current sources is already there;
- otherwise: use a bundle already built from the current sources (``python build_installer.py``);
  with none, or a stale one, they are skipped and the skip reason says how to build it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The build steps live in packaging/outpost_build (not an installed package): make them importable
# before any test module imports them.
if str(ROOT / "packaging") not in sys.path:
    sys.path.insert(0, str(ROOT / "packaging"))

from outpost_build.project import source_fingerprint  # noqa: E402
from outpost_build.pyinstaller_build import pyinstaller_version  # noqa: E402
from outpost_build.smoke import SmokeReport, run_smoke_test  # noqa: E402

import build_installer  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "installer: runs the PyInstaller bundle (built one, or OUTPOST_BUILD_INSTALLER=1 builds it)",
    )


@pytest.fixture(scope="session")
def installer_out() -> Path:
    """The folder holding a bundle built from the current sources (and its build report)."""
    out = Path(os.environ.get("OUTPOST_INSTALLER_OUT") or ROOT / "dist").resolve()
    current = source_fingerprint(ROOT)
    report = build_installer.read_report(out)
    fresh = report is not None and report.get("source_fingerprint") == current
    if os.environ.get("OUTPOST_BUILD_INSTALLER") == "1" and not fresh:
        if pyinstaller_version() is None:
            pytest.fail(
                "OUTPOST_BUILD_INSTALLER=1 but PyInstaller is not installed: bash scripts/build-installer"
            )
        build_installer.build(out, ROOT / "build" / "installer")
        return out
    if report is None:
        pytest.skip(
            f"no bundle in {out}: build one with `python build_installer.py` or set OUTPOST_BUILD_INSTALLER=1"
        )
    if not fresh:
        pytest.skip(
            f"the bundle in {out} was built from older sources: rebuild with `python build_installer.py`"
        )
    return out


@pytest.fixture(scope="session")
def build_report(installer_out: Path) -> dict[str, Any]:
    report = build_installer.read_report(installer_out)
    assert report is not None
    return report


@pytest.fixture(scope="session")
def smoke_report(installer_out: Path, build_report: dict[str, Any]) -> SmokeReport:
    """One smoke-test run of the bundle, shared by the tests that check its steps."""
    gui = build_report.get("gui_executable")
    return run_smoke_test(
        installer_out / build_report["cli_executable"],
        gui=installer_out / gui if gui else None,
        fixture=build_installer.SCHEMA1_FIXTURE,
    )
