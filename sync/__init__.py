"""Outpost's Qt-free core: domain rules, the local replica, the sync engine and the server.

Nothing under this package imports PySide6 or :mod:`desktop`; an import-linter contract
in ``pyproject.toml`` enforces it.
"""
