"""The local SQLite replica: typed models, opening and upgrading the file."""
