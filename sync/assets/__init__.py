"""Assets and locations beyond the records themselves: CSV import and matching free text."""
