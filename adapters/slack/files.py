"""Files shared with the bot in a Slack DM: fetched with the bot token (scope files:read)."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.downloads import DownloadError, fetch_file
from bot.messages import Attachment

MAX_FILES = 1


async def download_files(client: AsyncWebClient, files: Any) -> tuple[Attachment, ...]:
    """The files of a `file_share` message (none for a plain message)."""
    if not isinstance(files, list) or not files:
        return ()
    if len(files) > MAX_FILES:
        raise DownloadError("please send one file at a time")
    found = []
    for shared in files:
        info = shared if isinstance(shared, dict) else {}
        if "url_private_download" not in info and isinstance(info.get("id"), str):
            info = (await client.files_info(file=info["id"])).get("file") or {}
        url, name = info.get("url_private_download"), info.get("name")
        if not isinstance(url, str) or not isinstance(name, str):
            raise DownloadError("Slack did not say where to fetch the file")
        headers = {"Authorization": f"Bearer {client.token}"}
        found.append(Attachment(name, await asyncio.to_thread(fetch_file, url, headers)))
    return tuple(found)
