"""Outpost's Qt desktop app. Imports :mod:`sync`; never the other way round."""
