"""HR's way into the dashboard: one-time sign-in links, sessions, and the reads its pages need."""
