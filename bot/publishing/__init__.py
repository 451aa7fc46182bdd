"""HR publishes a new version of a policy: preview, publication in one transaction, the
announcement to everyone it applies to, and the chat dialog. Uses storage, people, policies and
delivery."""
