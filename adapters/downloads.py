"""Fetching a file a person sent in chat (a policy document HR publishes), with a size limit.

Slack and Teams both hand the bot a download address for an uploaded file; the bytes are fetched
here, in a worker thread, and never kept beyond the message that brought them.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping

from knowledge.documents import MAX_DOCUMENT_BYTES

TIMEOUT_SECONDS = 30


class DownloadError(Exception):
    """The file could not be fetched; the message says why, for the person."""


def fetch_file(url: str, headers: Mapping[str, str] | None = None) -> bytes:
    """The file's bytes; DownloadError when it is unreachable or larger than a document may be."""
    if not url.startswith(("https://", "http://")):
        raise DownloadError("the file's address is not a web address")
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            content: bytes = response.read(MAX_DOCUMENT_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DownloadError(f"I could not fetch the file ({error})") from None
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DownloadError(
            f"the file is larger than {MAX_DOCUMENT_BYTES // 1_048_576} MB; please send a "
            "smaller document"
        )
    return content
