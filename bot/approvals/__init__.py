"""Authorizations for work-related social media use: requests and their dialog, who may decide,
decisions with their audit trail, reminders, escalation and expiry, and the chat commands
(registered in the command table). Uses storage, people, policies and delivery."""
