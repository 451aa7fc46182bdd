"""Acknowledgements: who read which version, the report HR reads, and the reminders."""
