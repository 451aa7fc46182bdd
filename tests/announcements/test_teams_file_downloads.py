"""The server fetches a file only when HR's publication waits for it, only from the platform's
file hosts, never handing Slack's token to another origin, and never more than the size limit.

The attacks of issue 15: a Teams message with a `file.download.info` attachment was fetched from
any URL (an internal one's contents showed up in the preview); Slack's bot token went to
whatever host `url_private_download` named, and across a redirect to another origin.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.downloads import AllowedHosts, DownloadError, fetch_file, parse_rule
from adapters.server import load_mounts
from bot.app import App, open_app
from bot.config import ConfigError
from bot.policies import versions
from knowledge.documents import MAX_DOCUMENT_BYTES
from tests.announcements.file_hosts import INTERNAL_SECRET, Host
from tests.teams.conftest import TENANT_LAX, Teams


@pytest.fixture
def config_file(tmp_path: Path, file_host: Host) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        f"teams:\n  enabled: true\n  tenants: {{{TENANT_LAX}: lax}}\n"
        f"  file_hosts: ['{file_host.origin}']\n"
        "people:\n"
        "  - {handle: hana, name: Hana Ito, department: HR, roles: [hr], teams: aad-hana}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, teams: aad-pat}\n"
    )
    return path


HANA = {"person": "aad-hana", "conversation": "a:hana-personal"}


def attachment(url: str, name: str = "policy-v2.md") -> dict[str, object]:
    return {
        "contentType": "application/vnd.microsoft.teams.file.download.info",
        "name": name,
        "content": {"downloadUrl": url, "uniqueId": "f1", "fileType": "md"},
    }


async def send_file(teams: Teams, url: str, **chat: str) -> str:
    """Send a file in Teams; what the bot answered."""
    before = len(teams.connector.posted())
    status = await teams.post(teams.activity("", attachments=[attachment(url)], **chat))
    assert status == 201
    return "\n".join(call.shown for call in teams.connector.posted()[before:])


# --- Teams --------------------------------------------------------------------------------


async def test_teams_fetches_nothing_when_no_publication_waits(
    teams: Teams, file_host: Host, internal: Host
) -> None:
    await send_file(teams, file_host.url("policy-v2.md"), **HANA)  # HR, but nothing waits
    await send_file(teams, internal.url("admin"), person="aad-pat", conversation="a:pat")
    assert file_host.requests == [] and internal.requests == []


async def test_teams_fetches_the_waiting_document_from_its_file_host(
    teams: Teams, app: App, file_host: Host
) -> None:
    await teams.say("publish la-crosse", **HANA)
    shown = await send_file(teams, file_host.url("policy-v2.md"), **HANA)
    assert "This becomes version 2" in shown
    assert file_host.requests == [("policy-v2.md", None)]


async def test_during_a_publication_an_internal_url_is_not_fetched(
    teams: Teams, app: App, internal: Host
) -> None:
    await teams.say("publish la-crosse", **HANA)
    shown = await send_file(teams, internal.url("admin"), **HANA)
    assert "not on a host I may fetch files from" in shown
    assert INTERNAL_SECRET not in shown and internal.requests == []
    assert [v.number for v in versions.history(app.db, "la-crosse")] == [1]


async def test_a_redirect_off_the_allow_list_is_not_followed(
    teams: Teams, file_host: Host, internal: Host
) -> None:
    file_host.redirects["moved.md"] = internal.url("admin")
    await teams.say("publish la-crosse", **HANA)
    shown = await send_file(teams, file_host.url("moved.md"), **HANA)
    assert "not on a host I may fetch files from" in shown
    assert internal.requests == []


async def test_a_file_past_the_size_limit_is_refused_while_it_streams(
    teams: Teams, file_host: Host
) -> None:
    await teams.say("publish la-crosse", **HANA)
    shown = await send_file(teams, file_host.url("endless"), **HANA)
    assert "larger than 10 MB" in shown
    assert file_host.sent_bytes < 2 * MAX_DOCUMENT_BYTES  # it stopped reading at the limit
    shown = await send_file(teams, file_host.url("declared-huge"), **HANA)
    assert "larger than 10 MB" in shown


# --- the download itself ------------------------------------------------------------------


async def test_a_credential_never_crosses_to_another_origin_even_an_allowed_one(
    internal: Host, file_host: Host
) -> None:
    both = AllowedHosts([file_host.origin, internal.origin])
    file_host.redirects["moved"] = internal.url("collect")
    with pytest.raises(DownloadError, match="did not follow"):
        await asyncio.to_thread(
            fetch_file, file_host.url("moved"), both, {"Authorization": "Bearer xoxb-secret"}
        )
    assert internal.requests == []
    # Without a credential, a redirect between allowed hosts is followed (SharePoint does).
    content = await asyncio.to_thread(fetch_file, file_host.url("moved"), both)
    assert content == INTERNAL_SECRET.encode() and internal.requests == [("collect", None)]


def test_the_allow_list_matches_hosts_exactly() -> None:
    sharepoint = AllowedHosts(["*.sharepoint.com"])
    assert sharepoint.permits("https://contoso-my.sharepoint.com/personal/x/download.aspx?a=1")
    for refused in [
        "http://contoso-my.sharepoint.com/f",  # not https
        "https://sharepoint.com.evil.example/f",
        "https://evilsharepoint.com/f",
        "https://contoso.sharepoint.com:8443/f",  # another port
        "https://user@contoso.sharepoint.com/f",
        "https://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "not a url",
    ]:
        assert not sharepoint.permits(refused), refused
    local = AllowedHosts(["http://127.0.0.1:8080"])
    assert local.permits("http://127.0.0.1:8080/f")
    assert not local.permits("http://127.0.0.1:8081/f") and not local.permits("https://127.0.0.1/")
    for malformed in ["*", "*.com.", "http://", "https://x.gov/path", "ftp://x.gov", "a b.gov"]:
        with pytest.raises(ValueError):
            parse_rule(malformed)


@pytest.mark.parametrize("hosts", ["['*']", "['https://x.gov/files']", "'*.sharepoint.com'"])
def test_a_malformed_file_host_stops_serve_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hosts: str
) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(f"teams:\n  enabled: true\n  file_hosts: {hosts}\n")
    monkeypatch.delenv("POLICYBOT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    try:
        app = open_app(str(config))
    except ConfigError as error:  # a list was expected: refused while reading app.yaml
        assert "teams.file_hosts" in str(error)
        return
    try:
        with pytest.raises(ConfigError, match=r"teams\.file_hosts"):
            load_mounts(app, environ={"POLICYBOT_TEAMS_AUTH": "off"})
    finally:
        app.close()
