"""Windows packages around the one-folder bundle: a ``.zip`` always, a setup ``.exe`` when a compiler is here.

The installer is made with Inno Setup (``ISCC.exe``) when it is installed, else with NSIS
(``makensis``); with neither, the report says which to install. Untested on this project's
Linux CI: the templates and this module are exercised only by a Windows build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from outpost_build.artifacts import Artifact, Outcome, Skipped, make_zip
from outpost_build.icons import IconSet
from outpost_build.project import ProjectInfo, render_template

__all__ = [
    "build_windows_packages",
    "find_inno_setup",
    "find_nsis",
    "installer_values",
    "windows_capabilities",
    "write_version_file",
]

_TEMPLATES = Path(__file__).resolve().parent.parent / "windows"


def _program_files_candidates(*relative: str) -> list[Path]:
    roots = [os.environ.get(v) for v in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA")]
    return [Path(root, *relative) for root in roots if root]


def find_inno_setup() -> Path | None:
    """``ISCC.exe`` on PATH or in Inno Setup 6's default folders, else ``None``."""
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return Path(found)
    for candidate in _program_files_candidates("Inno Setup 6", "ISCC.exe") + _program_files_candidates(
        "Programs", "Inno Setup 6", "ISCC.exe"
    ):
        if candidate.is_file():
            return candidate
    return None


def find_nsis() -> Path | None:
    """``makensis`` on PATH or in NSIS's default folder, else ``None``."""
    found = shutil.which("makensis")
    if found:
        return Path(found)
    for candidate in _program_files_candidates("NSIS", "makensis.exe"):
        if candidate.is_file():
            return candidate
    return None


def windows_capabilities() -> list[tuple[str, bool, str]]:
    """``(kind, buildable, explanation)`` for each Windows package, checked on this machine."""
    inno, nsis = find_inno_setup(), find_nsis()
    if inno:
        setup = (True, f"Inno Setup at {inno}")
    elif nsis:
        setup = (True, f"NSIS at {nsis} (Inno Setup not found)")
    else:
        setup = (
            False,
            "neither Inno Setup 6.3+ (ISCC.exe) nor NSIS 3 (makensis) is installed: "
            "`winget install JRSoftware.InnoSetup` or `choco install innosetup`, then rebuild",
        )
    return [("zip", True, "Python's zipfile: always"), ("setup.exe", *setup)]


def write_version_file(target: Path, info: ProjectInfo) -> Path:
    """The PyInstaller version resource (``EXE(version=...)``) for ``info``: Explorer's Details tab."""
    major, minor, patch = info.numeric_version
    values = {
        "MAJOR": str(major),
        "MINOR": str(minor),
        "PATCH": str(patch),
        "VERSION": info.version,
        "DISPLAY_NAME": info.display_name,
        "EXECUTABLE": info.executable,
    }
    target.write_text(render_template(_TEMPLATES / "version_info.txt.in", values), encoding="utf-8")
    return target


def installer_values(bundle: Path, out: Path, info: ProjectInfo, icons: IconSet) -> dict[str, str]:
    """The ``@KEY@`` values of ``outpost.iss.in`` and ``outpost.nsi.in`` for this build."""
    major, minor, patch = info.numeric_version
    return {
        "DISPLAY_NAME": info.display_name,
        "VERSION": info.version,
        "EXECUTABLE": info.executable,
        "NUMERIC_VERSION": f"{major}.{minor}.{patch}.0",
        "ICON": str(icons.ico),
        "BUNDLE": str(bundle),
        "OUTPUT_DIR": str(out),
        "OUTPUT_BASE": f"{_stem(info)}-setup",
        "OUTPUT_FILE": str(out / f"{_stem(info)}-setup.exe"),
    }


def _stem(info: ProjectInfo) -> str:
    return f"{info.executable}-{info.version}-windows-x64"


def build_windows_packages(
    bundle: Path, out: Path, work: Path, info: ProjectInfo, icons: IconSet, skip: set[str]
) -> list[Outcome]:
    """The ``.zip`` and, when a compiler is installed, the setup ``.exe``; one outcome per kind.

    A compiler that is present but fails raises ``RuntimeError`` with its output.
    """
    outcomes: list[Outcome] = []
    if "zip" in skip:
        outcomes.append(Skipped("zip", "skipped on request (--skip-archive)"))
    else:
        archive = make_zip(bundle, out / f"{_stem(info)}.zip")
        outcomes.append(Artifact("zip", archive, f"unzip and run {info.executable}.exe"))
    if "setup.exe" in skip:
        outcomes.append(Skipped("setup.exe", "skipped on request (--skip-installer)"))
        return outcomes
    values = installer_values(bundle, out, info, icons)
    inno, nsis = find_inno_setup(), find_nsis()
    if inno:
        script = work / "outpost.iss"
        script.write_text(render_template(_TEMPLATES / "outpost.iss.in", values), encoding="utf-8")
        command = [str(inno), "/Q", str(script)]
    elif nsis:
        script = work / "outpost.nsi"
        script.write_text(render_template(_TEMPLATES / "outpost.nsi.in", values), encoding="utf-8")
        command = [str(nsis), "/V2", str(script)]
    else:
        outcomes.append(Skipped("setup.exe", windows_capabilities()[1][2]))
        return outcomes
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{(result.stdout + result.stderr).strip()[-2000:]}")
    setup = Path(values["OUTPUT_FILE"])
    outcomes.append(Artifact("setup.exe", setup, "run it to install, or to upgrade in place"))
    return outcomes
