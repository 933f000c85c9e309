"""What the build knows about the project: metadata from ``pyproject.toml`` and the source state."""

from __future__ import annotations

import hashlib
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FINGERPRINTED",
    "ProjectInfo",
    "dir_size",
    "git_commit",
    "read_project_info",
    "render_template",
    "source_fingerprint",
]

#: What goes into the bundle, or decides how it is built: a change here makes a bundle stale.
FINGERPRINTED = ("sync", "desktop", "resources", "packaging", "build_installer.py", "pyproject.toml")


@dataclass(frozen=True)
class ProjectInfo:
    """The facts every artifact repeats (file names, .deb control, .desktop, Info.plist, version resource).

    ``version`` is the distribution's version exactly as ``pyproject.toml`` states it;
    ``numeric_version`` is its leading ``X.Y.Z`` (what Windows and macOS version fields accept).
    """

    dist_name: str
    version: str
    description: str
    display_name: str = "Outpost"
    app_id: str = "org.outpost.Outpost"
    executable: str = "outpost"

    @property
    def numeric_version(self) -> tuple[int, int, int]:
        match = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", self.version)
        if not match:
            raise ValueError(f"pyproject.toml's version {self.version!r} does not start with a number")
        major, minor, patch = (int(part) if part else 0 for part in match.groups())
        return major, minor, patch

    @property
    def debian_version(self) -> str:
        """PEP 440 pre-releases sort before the release in Debian only with ``~`` (``1.0~rc1``)."""
        return re.sub(r"(\d)(a|b|rc|\.dev)(\d+)", r"\1~\2\3", self.version)


def read_project_info(root: Path) -> ProjectInfo:
    """Read ``[project]`` from ``root/pyproject.toml``; raise ``ValueError`` if name or version is missing."""
    with (root / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle).get("project", {})
    name, version = project.get("name"), project.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        raise ValueError(f"{root / 'pyproject.toml'} needs [project] name and a static version")
    return ProjectInfo(dist_name=name, version=version, description=str(project.get("description", "")))


def source_fingerprint(root: Path) -> str:
    """A hash of every source file that ends up in (or shapes) the bundle; caches excluded.

    Two checkouts with the same fingerprint build the same bundle from the same venv, so the
    installer tests use it to tell a current bundle from a stale one.
    """
    digest = hashlib.sha256()
    for top in FINGERPRINTED:
        base = root / top
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
                continue
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def git_commit(root: Path) -> str:
    """The checkout's commit (with ``+dirty`` when files differ from it), or ``"unknown"`` without git."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def dir_size(path: Path) -> int:
    """Bytes of every regular file under ``path`` (symlinks not followed), or of ``path`` itself."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


_PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


def render_template(template: Path, values: dict[str, str]) -> str:
    """``template``'s text with each ``@KEY@`` replaced by ``values[KEY]``.

    ``@KEY@`` is used because ``$`` and ``{}`` mean something in the NSIS, Inno Setup and
    shell templates. Raises ``KeyError`` naming the placeholder if a value is missing, so no
    artifact ships with an unfilled field.
    """
    text = template.read_text(encoding="utf-8")

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"{template}: no value for @{key}@")
        return values[key]

    return _PLACEHOLDER.sub(substitute, text)
