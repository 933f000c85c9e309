"""macOS packages: ``Outpost.app`` (made by the spec's ``BUNDLE``) and a ``.dmg`` when ``hdiutil`` is here.

Untested on this project's Linux CI: exercised only by a build on a Mac. The ``.app`` is not
signed or notarized; Gatekeeper asks the user to confirm the first start (right-click, Open)
until a Developer ID signs it (``codesign`` + ``notarytool``, not automated here).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from outpost_build.artifacts import Artifact, Outcome, Skipped
from outpost_build.project import ProjectInfo

__all__ = ["build_macos_packages", "bundle_settings", "macos_capabilities"]


def bundle_settings(info: ProjectInfo) -> dict[str, object]:
    """The spec's ``BUNDLE()`` arguments: name, identifier and the Info.plist keys beyond PyInstaller's."""
    return {
        "name": f"{info.display_name}.app",
        "identifier": info.app_id,
        "info_plist": {
            "CFBundleDisplayName": info.display_name,
            "CFBundleShortVersionString": info.version,
            "CFBundleVersion": info.version,
            "NSHighResolutionCapable": True,
            "LSApplicationCategoryType": "public.app-category.business",
            "NSRequiresAquaSystemAppearance": False,
        },
    }


def macos_capabilities() -> list[tuple[str, bool, str]]:
    """``(kind, buildable, explanation)`` for each macOS package, checked on this machine."""
    hdiutil = shutil.which("hdiutil")
    return [
        ("app", True, "PyInstaller's BUNDLE: always on macOS"),
        (
            "dmg",
            hdiutil is not None,
            f"hdiutil at {hdiutil}" if hdiutil else "hdiutil not found (it ships with macOS)",
        ),
    ]


def build_macos_packages(app: Path, out: Path, info: ProjectInfo, skip: set[str]) -> list[Outcome]:
    """The ``.app`` as an outcome, plus a compressed ``.dmg`` of it unless skipped or without ``hdiutil``."""
    outcomes: list[Outcome] = [Artifact("app", app, f"drag {app.name} to Applications")]
    dmg = out / f"{info.display_name}-{info.version}-macos.dmg"
    if "dmg" in skip:
        outcomes.append(Skipped("dmg", "skipped on request (--skip-installer)"))
    elif not shutil.which("hdiutil"):
        outcomes.append(Skipped("dmg", macos_capabilities()[1][2]))
    else:
        dmg.unlink(missing_ok=True)
        result = subprocess.run(
            [
                "hdiutil",
                "create",
                "-volname",
                info.display_name,
                "-srcfolder",
                str(app),
                "-ov",
                "-format",
                "UDZO",
                str(dmg),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"hdiutil failed: {result.stderr.strip()}")
        outcomes.append(Artifact("dmg", dmg, "open it and drag Outpost to Applications"))
    return outcomes
