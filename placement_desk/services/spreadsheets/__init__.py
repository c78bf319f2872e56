"""Importing a team's own spreadsheets and exporting any list: kinds, column and value
mapping, saved profiles, preview, an all-or-nothing commit as an undoable batch."""
