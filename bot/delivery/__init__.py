"""Reaching people later: the outbox of messages (written in the same transaction as the change
they announce) and where each person can be reached on each platform. Uses storage only."""
