"""HR publishes a new version: preview, publication, and the announcement that follows."""
