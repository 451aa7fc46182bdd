"""Acknowledgements: who read which version of a policy, HR's report of who has not, and the
reminders. Uses storage, people (organizations) and delivery (reminders go through the outbox)."""
