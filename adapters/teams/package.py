"""`policybot teams package`: the zip a Teams administrator uploads (manifest and two icons).

The manifest is a template (`app_package/manifest.json`) whose `{{PLACEHOLDERS}}` are filled with
the bot's Microsoft App ID and the publisher's details; the icons are drawn in code.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.teams.icons import color_icon, outline_icon
from bot.config import ConfigError

TEMPLATE = Path(__file__).resolve().parent / "app_package" / "manifest.json"
PLACEHOLDER_PAGES = "https://www.example.org/policybot"
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_VERSION = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}")
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same zip


@dataclass(frozen=True)
class Publisher:
    """Who publishes the app, as Teams shows it in the app's details."""

    name: str = "PolicyBot"
    website_url: str = PLACEHOLDER_PAGES
    privacy_url: str = PLACEHOLDER_PAGES + "/privacy"
    terms_url: str = PLACEHOLDER_PAGES + "/terms"


def build_package(
    app_id: str, out: Path, publisher: Publisher | None = None, version: str = "1.0.0"
) -> Path:
    """Write the upload zip (manifest.json, color.png, outline.png) to `out`."""
    manifest = render_manifest(app_id, publisher or Publisher(), version)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode()),
            ("color.png", color_icon()),
            ("outline.png", outline_icon()),
        ):
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return out


def render_manifest(app_id: str, publisher: Publisher, version: str) -> dict[str, Any]:
    """The manifest template with every placeholder filled; a bad value is a ConfigError."""
    if not _GUID.fullmatch(app_id.strip()):
        raise ConfigError(
            f"--app-id must be the bot's Microsoft App ID, a GUID like "
            f"00000000-0000-0000-0000-000000000000 (got {app_id!r})"
        )
    if not _VERSION.fullmatch(version):
        raise ConfigError(f"--version must look like 1.0.0 (got {version!r})")
    if not 1 <= len(publisher.name.strip()) <= 32:
        raise ConfigError("--developer must be 1 to 32 characters")
    for option, url in (
        ("--website-url", publisher.website_url),
        ("--privacy-url", publisher.privacy_url),
        ("--terms-url", publisher.terms_url),
    ):
        if not re.fullmatch(r"https://[^\s/]+\.[^\s]+", url):
            raise ConfigError(f"{option} must be an https:// address (got {url!r})")
    values = {
        "MICROSOFT_APP_ID": app_id.strip().lower(),
        "VERSION": version,
        "DEVELOPER_NAME": publisher.name.strip(),
        "WEBSITE_URL": publisher.website_url,
        "PRIVACY_URL": publisher.privacy_url,
        "TERMS_URL": publisher.terms_url,
    }
    manifest: dict[str, Any] = _fill(json.loads(TEMPLATE.read_text(encoding="utf-8")), values)
    return manifest


def _fill(node: Any, values: dict[str, str]) -> Any:
    """Replace `{{NAME}}` in every string of the parsed template (values stay valid JSON)."""
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values) for value in node]
    if isinstance(node, str):
        return _PLACEHOLDER.sub(lambda match: values[match.group(1)], node)
    return node
