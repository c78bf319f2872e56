"""The teams' own spreadsheets: reading any sheet as a table under a header row, and
writing tables, exports and blank templates safely (pure functions, no database)."""
