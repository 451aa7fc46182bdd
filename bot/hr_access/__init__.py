"""HR's way into the dashboard: one-time sign-in links given in chat, sessions kept in the
database, and the reads the dashboard's pages need. Uses storage, people and approvals."""
