"""Pure help desk rules shared by the replica and the server: no I/O, no database."""
