"""Run PyInstaller on ``packaging/outpost.spec`` with settings computed by the build script.

The spec reads one JSON file (``--config``); :class:`SpecSettings` is its schema and is the
only place its keys are defined. PyInstaller runs in a child process of the same Python, so
the bundle holds exactly the packages of the venv that runs ``build_installer.py``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["BuildResult", "SpecSettings", "pyinstaller_version", "run_pyinstaller"]


@dataclass(frozen=True)
class SpecSettings:
    """Everything ``packaging/outpost.spec`` needs, as JSON.

    - ``root``: the checkout; ``name``: the bundle folder (and, on Linux, executable) name.
    - ``executables``: ``(name, console)`` pairs sharing one bundle folder.
    - ``excludes``: module names PyInstaller must not collect; ``drop_patterns``: bundle-relative
      ``fnmatch`` patterns of collected files to remove afterwards.
    - ``extra_datas``: ``(source, bundle-relative folder)`` pairs, e.g. the dist-info.
    - ``manifest``: where the spec writes what it collected and dropped (JSON).
    - ``icon``, ``windows_version_file``: paths or ``""``.
    - ``macos_bundle``: the ``BUNDLE()`` settings, or ``None`` (not macOS, or one-file).
    """

    root: str
    name: str
    version: str
    executables: list[tuple[str, bool]]
    excludes: list[str]
    drop_patterns: list[str]
    extra_datas: list[tuple[str, str]]
    manifest: str
    icon: str = ""
    windows_version_file: str = ""
    macos_bundle: dict[str, object] | None = None
    onefile: bool = False
    strip: bool = False
    extra_hiddenimports: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BuildResult:
    """A finished PyInstaller run: the bundle folder (or one-file executable) and what went in."""

    output: Path
    seconds: float
    manifest: dict[str, list[Any]]
    log: Path


def pyinstaller_version(python: str = sys.executable) -> str | None:
    """PyInstaller's version in ``python``, or ``None`` if it is not installed there."""
    result = subprocess.run(
        [python, "-c", "import PyInstaller; print(PyInstaller.__version__)"], capture_output=True, text=True
    )
    return result.stdout.strip() if result.returncode == 0 else None


def run_pyinstaller(
    settings: SpecSettings, spec: Path, dist_dir: Path, work_dir: Path, python: str = sys.executable
) -> BuildResult:
    """Build into ``dist_dir/<name>`` (replacing it), with PyInstaller's cache and log in ``work_dir``.

    Raises ``RuntimeError`` with the tail of PyInstaller's log if it fails; the full log stays
    at ``work_dir/pyinstaller.log``.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    dist_dir.mkdir(parents=True, exist_ok=True)
    config = work_dir / "spec-settings.json"
    config.write_text(json.dumps(asdict(settings), indent=1), encoding="utf-8")
    output = dist_dir / settings.name
    if output.is_dir():
        shutil.rmtree(output)
    elif output.exists():
        output.unlink()
    log = work_dir / "pyinstaller.log"
    command = [
        python,
        "-m",
        "PyInstaller",
        str(spec),
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist_dir),
        "--workpath",
        str(work_dir / "pyinstaller"),
        "--",
        "--config",
        str(config),
    ]
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as handle:
        result = subprocess.run(command, cwd=settings.root, stdout=handle, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise RuntimeError(f"PyInstaller failed (exit {result.returncode}); full log: {log}\n{tail}")
    if settings.onefile and sys.platform == "win32":
        output = output.with_suffix(".exe")
    manifest = json.loads(Path(settings.manifest).read_text(encoding="utf-8"))
    return BuildResult(output=output, seconds=seconds, manifest=manifest, log=log)
