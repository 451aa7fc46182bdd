"""HR's way into the dashboard: one-time sign-in links given in chat, sessions kept in the
database, and the reads its pages need (each limited to HR's organizations): the home page's
glance, the unanswered questions HR reviews and dismisses, clause citations. Uses storage,
people, policies, acknowledgements, approvals and publishing."""
