"""Placeholder until bot.ack_report lands on main (merged next)."""
