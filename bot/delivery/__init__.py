"""Reaching people later: the outbox of messages and where each person can be reached."""
