"""Files shared with the bot in a Slack DM: fetched with the bot token (scope files:read).

The token is sent only to Slack's file hosts (or to the origin of SLACK_API_URL, where the Web
API calls already go: an enterprise proxy, the tests' fake), over https, and never across a
redirect to another origin: `url_private_download` arrives in the event, so it is checked.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.web.async_client import AsyncWebClient

from adapters.downloads import AllowedHosts, DownloadError, HostRule, fetch_file
from bot.messages import Attachment

MAX_FILES = 1
SLACK_FILE_HOSTS = ("files.slack.com", "files.slack-gov.com")  # commercial and GovSlack


def file_hosts(api_url: str) -> AllowedHosts:
    """Slack's file hosts, and the origin the Web API calls go to."""
    parts = urlsplit(api_url)
    api = HostRule(parts.scheme, parts.hostname or "", parts.port)
    return AllowedHosts((*SLACK_FILE_HOSTS, api))


async def download_files(client: AsyncWebClient, files: Any) -> tuple[Attachment, ...]:
    """The files of a `file_share` message (none for a plain message)."""
    if not isinstance(files, list) or not files:
        return ()
    if len(files) > MAX_FILES:
        raise DownloadError("please send one file at a time")
    allowed = file_hosts(client.base_url)
    found = []
    for shared in files:
        info = shared if isinstance(shared, dict) else {}
        if "url_private_download" not in info and isinstance(info.get("id"), str):
            info = (await client.files_info(file=info["id"])).get("file") or {}
        url, name = info.get("url_private_download"), info.get("name")
        if not isinstance(url, str) or not isinstance(name, str):
            raise DownloadError("Slack did not say where to fetch the file")
        headers = {"Authorization": f"Bearer {client.token}"}
        found.append(Attachment(name, await asyncio.to_thread(fetch_file, url, allowed, headers)))
    return tuple(found)
