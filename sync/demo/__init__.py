"""The demo organisation: fixed content (``content``) and the seeded replica generator built from it."""
