"""People and their roles: the staff directory, its import from a staff list."""
