"""People: the staff directory (roles, supervisors, platform identities), which organization
each person works for, and importing a staff list. Uses storage and config only."""
