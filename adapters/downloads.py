"""Fetching a file a person sent in chat (a policy document HR publishes): only from the
platform's own file hosts, never following a redirect elsewhere, streamed under a size cap.

Slack and Teams hand the bot a download address for an uploaded file, and that address arrives
in a request: whoever can send one can name any URL. So every address (and every redirect hop)
must be on an allow-list of hosts: Teams' file hosts (`teams.file_hosts` in app.yaml), Slack's
file hosts. A credential (Slack's bot token) goes only to the origin it was meant for: a
redirect to another origin is refused rather than followed. The body is read in chunks and
refused once it passes the size limit (or its Content-Length says it would), and the whole
download has a deadline, so a slow or endless answer cannot hold a worker thread.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from knowledge.documents import MAX_DOCUMENT_BYTES

TIMEOUT_SECONDS = 30  # for the whole download, and for each wait on the network
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
DEFAULT_PORTS = {"https": 443, "http": 80}


class DownloadError(Exception):
    """The file could not be fetched; the message says why, for the person."""


@dataclass(frozen=True)
class HostRule:
    """One allowed place: https on a host (`*.` for its subdomains), or one exact origin."""

    scheme: str
    host: str
    port: int | None = None  # None: the scheme's default port
    subdomains: bool = False

    def permits(self, scheme: str, host: str, port: int) -> bool:
        if scheme != self.scheme or port != (self.port or DEFAULT_PORTS[scheme]):
            return False
        if self.subdomains:
            return host.endswith("." + self.host)
        return host == self.host


def parse_rule(text: str) -> HostRule:
    """`files.example.com`, `*.sharepoint.com` (https), or an origin such as
    `http://127.0.0.1:8080` (that scheme, host and port exactly); ValueError when malformed."""
    text = text.strip().lower()
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
            raise ValueError(f"{text!r} is not an origin such as https://files.example.gov")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ValueError(f"{text!r} must be an origin alone")
        return HostRule(parts.scheme, parts.hostname, parts.port)
    subdomains = text.startswith("*.")
    host = text.removeprefix("*.")
    labels = host.split(".")
    if len(labels) < 2 or not all(label and label.replace("-", "").isalnum() for label in labels):
        raise ValueError(f"{text!r} is not a host name such as files.example.gov or *.example.gov")
    return HostRule("https", host, None, subdomains)


class AllowedHosts:
    """The places a download may come from."""

    def __init__(self, rules: Iterable[HostRule | str]) -> None:
        self.rules = tuple(parse_rule(r) if isinstance(r, str) else r for r in rules)

    def permits(self, url: str) -> bool:
        origin = origin_of(url)
        return origin is not None and any(rule.permits(*origin) for rule in self.rules)


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL, or None when it is not one."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return None
    if scheme not in DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    return scheme, host.lower(), port or DEFAULT_PORTS[scheme]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers, to be checked here, never followed by urllib."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


def fetch_file(
    url: str,
    allowed: AllowedHosts,
    headers: Mapping[str, str] | None = None,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    timeout: float = TIMEOUT_SECONDS,
) -> bytes:
    """The file's bytes, from an allowed host; DownloadError when it may not or cannot be
    fetched, or is larger than `max_bytes`. `headers` (a credential) go to `url`'s origin only."""
    deadline = time.monotonic() + timeout
    first_origin = origin_of(url)
    for _hop in range(MAX_REDIRECTS + 1):
        if not allowed.permits(url):
            raise DownloadError("the file is not on a host I may fetch files from")
        same_origin = origin_of(url) == first_origin
        request = urllib.request.Request(url, headers=dict(headers or {}) if same_origin else {})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return _read_capped(response, max_bytes, deadline)
        except urllib.error.HTTPError as answer:
            location = answer.headers.get("Location") if 300 <= answer.code < 400 else None
            answer.close()
            if location is None:
                raise DownloadError(f"I could not fetch the file (HTTP {answer.code})") from None
            url = urljoin(url, location)
            if headers and origin_of(url) != first_origin:
                raise DownloadError("the file's host sent me elsewhere; I did not follow") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", None) or error
            raise DownloadError(f"I could not fetch the file ({reason})") from None
    raise DownloadError("the file's host redirected too many times")


def _read_capped(response: Any, max_bytes: int, deadline: float) -> bytes:
    too_large = DownloadError(
        f"the file is larger than {max_bytes // 1_048_576} MB; please send a smaller document"
    )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(CHUNK_BYTES):  # what has arrived: a drip cannot stall it
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        if time.monotonic() > deadline:
            raise DownloadError("the file took too long to download")
        chunks.append(chunk)
    return b"".join(chunks)
