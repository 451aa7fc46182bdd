"""The one error every document reader raises: the file cannot be read as a policy document."""

from __future__ import annotations


class DocumentError(ValueError):
    """The file cannot be read as a policy document; the message says why and what to do."""
