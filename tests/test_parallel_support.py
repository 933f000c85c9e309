"""The test run's own support for running in parallel (pytest-xdist): per-process user dirs,
and session templates built once per run (``tests/support/user_dirs.py``, ``shared_build.py``)."""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from pathlib import Path

import keyring
import pytest
from support.shared_build import build_once


def test_this_process_has_its_own_throwaway_user_dirs_and_keyring() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    dirs = {key: Path(os.environ[key]) for key in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    runtime = Path(os.environ["XDG_RUNTIME_DIR"])
    home = runtime.parent
    assert home.name.startswith(f"outpost-test-XDG-{worker}-")
    assert all(path.parent == home for path in dirs.values())
    assert stat.S_IMODE(runtime.stat().st_mode) == 0o700
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    backend = keyring.get_keyring()
    assert type(backend).__name__ == "PlaintextKeyring"
    assert Path(backend.file_path).is_relative_to(dirs["XDG_DATA_HOME"])


def test_a_template_is_built_once_for_all_workers_and_a_failed_build_is_retried(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", os.environ.get("PYTEST_XDIST_WORKER", "gw0"))
    name = f"template-{uuid.uuid4().hex}"
    shared = tmp_path_factory.getbasetemp().parent
    builds: list[Path] = []

    def failing(folder: Path) -> None:
        (folder / "half").write_text("half")
        raise RuntimeError("build failed")

    def build(folder: Path) -> None:
        builds.append(folder)
        (folder / "file").write_text("built")

    try:
        with pytest.raises(RuntimeError):
            build_once(tmp_path_factory, name, failing)
        assert not (shared / f"{name}.built").exists() and not (shared / f"{name}.partial").exists()
        first = build_once(tmp_path_factory, name, build)
        second = build_once(tmp_path_factory, name, build)  # as another worker would
        assert first == second and len(builds) == 1
        assert (first / "file").read_text() == "built"
    finally:
        for suffix in (".built", ".partial", ".lock"):
            path = shared / f"{name}{suffix}"
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
