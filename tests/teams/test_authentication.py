"""Authentication on, still offline: tokens checked against a local OpenID metadata and key server.

botbuilder fetches the metadata and keys with synchronous `requests` from inside the event loop,
so the key server runs in its own thread (one for the whole run: keys are cached per URL, and
stopping a server costs half a second of polling). The bot's outbound token (normally from
Entra ID, which MSAL only reaches over https) comes from a fixed token provider. Both gateways
face the same forged tokens.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from adapters.teams.mount import mount_teams
from bot.acknowledgements import acks
from bot.app import App
from bot.messages import Reply
from tests.teams.conftest import (
    QUIET_RETRIES,
    FakeConnector,
    Teams,
    nothing_recorded,
    on_sdk,
    start_teams,
)

APP_ID = "6d1b2f7e-0000-4c1e-9d2a-3f5e8c7b9a10"
OTHER_APP_ID = "0b7c1d2e-1111-4a5b-8c9d-0e1f2a3b4c5d"
ISSUER = "https://api.botframework.test"
KEY_ID = "test-key-1"
WEBCHAT_KEY_ID = "webchat-key"
SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
WEBCHAT_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class KeyServer:
    """OpenID metadata and signing keys, as login.botframework.com publishes them: a key
    endorsed for Teams, and one endorsed for another channel only."""

    def __init__(self) -> None:
        keys = {
            "keys": [
                _jwk(SIGNING_KEY, KEY_ID, ["msteams", "skype"]),
                _jwk(WEBCHAT_KEY, WEBCHAT_KEY_ID, ["webchat"]),
            ]
        }
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                documents = {"/openid": server.metadata(), "/keys": keys}
                document = documents.get(self.path)
                self.send_response(200 if document else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(document or {}).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # listening once built
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def metadata(self) -> dict[str, Any]:
        return {"issuer": ISSUER, "jwks_uri": f"{self.url}/keys"}


def _jwk(key: rsa.RSAPrivateKey, kid: str, endorsements: list[str]) -> dict[str, Any]:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "endorsements": endorsements}


@pytest.fixture(scope="session")
def key_server() -> Iterator[KeyServer]:
    server = KeyServer()
    server.thread.start()
    yield server
    server.http.shutdown()
    server.http.server_close()


@pytest.fixture
async def secured(
    app: App, connector: FakeConnector, key_server: KeyServer, teams_sdk: str
) -> AsyncIterator[Teams]:
    environ = {
        **QUIET_RETRIES,
        "MICROSOFT_APP_ID": APP_ID,
        "MICROSOFT_APP_PASSWORD": "not-a-real-secret",
        "POLICYBOT_TEAMS_OPENID_METADATA_URL": f"{key_server.url}/openid",
        "POLICYBOT_TEAMS_TOKEN_ISSUER": ISSUER,
    }
    mount = mount_teams(on_sdk(app, teams_sdk), environ, token_provider=lambda: "outbound-token")
    client = await start_teams(app, connector, environ, mounts=[mount])
    yield client
    await client.client.close()


def token(
    connector: FakeConnector, key: Any = SIGNING_KEY, kid: str = KEY_ID, **claims: Any
) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": APP_ID,
        "serviceurl": connector.url,
        "nbf": now - 60,
        "exp": now + 600,
        **claims,
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    return "Bearer " + jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


def unsigned(connector: FakeConnector) -> str:
    """A token with `alg: none` and no signature, the claims otherwise right."""

    def part(document: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()

    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": connector.url, "exp": time.time() + 600}
    return f"Bearer {part({'alg': 'none', 'typ': 'JWT', 'kid': KEY_ID})}.{part(claims)}."


async def test_a_valid_channel_token_is_accepted_and_the_reply_carries_the_bots_token(
    secured: Teams, app: App
) -> None:
    status = await secured.post(secured.activity("ack"), Authorization=token(secured.connector))
    assert status == 201
    [reply] = secured.connector.posted()
    assert reply.shown.startswith("Thank you. I recorded")
    assert reply.headers["Authorization"] == "Bearer outbound-token"
    assert len(acks.list_acknowledgements(app.db, "la-crosse")) == 1

    assert secured.mount.notifier is not None  # proactive messages carry it too
    reminder = Reply(kind="reminder", text="Please read version 2.")
    assert (await secured.mount.notifier.send("aad-alice", [reminder])).delivered
    assert secured.connector.posted()[-1].headers["Authorization"] == "Bearer outbound-token"


async def test_requests_without_a_valid_token_get_401_and_nothing_is_recorded(
    secured: Teams, app: App
) -> None:
    """Every forged or misdirected token, on one server (each case is named in a failure)."""
    connector = secured.connector
    now = int(time.time())
    forged: dict[str, str | None] = {
        "missing": None,
        "not-a-jwt": "Bearer abc.def.ghi",
        "basic-scheme": "Basic YWxpY2U6c2VjcmV0",
        "alg-none": unsigned(connector),
        "signed-by-another-key": token(connector, key=OTHER_KEY),
        "unknown-key-id": token(connector, key=OTHER_KEY, kid="not-published"),
        "key-endorsed-for-another-channel": token(connector, key=WEBCHAT_KEY, kid=WEBCHAT_KEY_ID),
        "wrong-audience": token(connector, aud="https://api.botframework.com"),
        "another-bots-app-id": token(connector, aud=OTHER_APP_ID),
        "wrong-issuer": token(connector, iss="https://issuer.example"),
        "wrong-service-url": token(connector, serviceurl="https://attacker.example/"),
        "no-service-url-claim": token(connector, serviceurl=None),
        "expired": token(connector, exp=now - 3600, nbf=now - 7200),
        "not-yet-valid": token(connector, nbf=now + 3600, exp=now + 7200),
    }
    statuses = {}
    for case, header in forged.items():
        headers = {} if header is None else {"Authorization": header}
        statuses[case] = await secured.post(secured.activity("ack"), **headers)
    assert statuses == dict.fromkeys(forged, 401)
    assert nothing_recorded(app, connector)


async def test_activities_the_bot_ignores_still_need_a_valid_token(secured: Teams) -> None:
    assert await secured.post(secured.activity(kind="typing")) == 401
    typing = secured.activity(kind="typing")
    assert await secured.post(typing, Authorization=token(secured.connector)) == 201
    assert secured.connector.calls == []
