"""Authentication on, still offline: tokens checked against a local OpenID metadata and key server.

botbuilder fetches the metadata and keys with synchronous `requests` from inside the event loop,
so the key server runs in its own thread. The bot's outbound token (normally from Azure AD,
which MSAL only reaches over https) comes from a fixed token provider.
"""

from __future__ import annotations

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
from tests.teams.conftest import QUIET_RETRIES, FakeConnector, Teams, nothing_recorded, start_teams

APP_ID = "6d1b2f7e-0000-4c1e-9d2a-3f5e8c7b9a10"
ISSUER = "https://api.botframework.test"
KEY_ID = "test-key-1"
SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class KeyServer:
    """OpenID metadata and signing keys, as login.botframework.com publishes them."""

    def __init__(self) -> None:
        jwk = json.loads(RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
        keys = {"keys": [{**jwk, "kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]}]}
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


@pytest.fixture
def key_server() -> Iterator[KeyServer]:
    server = KeyServer()
    server.thread.start()
    yield server
    server.http.shutdown()
    server.http.server_close()


@pytest.fixture
async def secured(
    app: App, connector: FakeConnector, key_server: KeyServer
) -> AsyncIterator[Teams]:
    environ = {
        **QUIET_RETRIES,
        "MICROSOFT_APP_ID": APP_ID,
        "MICROSOFT_APP_PASSWORD": "not-a-real-secret",
        "POLICYBOT_TEAMS_OPENID_METADATA_URL": f"{key_server.url}/openid",
        "POLICYBOT_TEAMS_TOKEN_ISSUER": ISSUER,
    }
    mount = mount_teams(app, environ, token_provider=lambda: "outbound-token")
    client = await start_teams(app, connector, environ, mounts=[mount])
    yield client
    await client.client.close()


def token(connector: FakeConnector, key: Any = SIGNING_KEY, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": APP_ID,
        "serviceurl": connector.url,
        "nbf": now - 60,
        "exp": now + 600,
        **claims,
    }
    return "Bearer " + jwt.encode(payload, key, algorithm="RS256", headers={"kid": KEY_ID})


async def test_a_valid_channel_token_is_accepted_and_the_reply_carries_the_bots_token(
    secured: Teams, app: App
) -> None:
    status = await secured.post(secured.activity("ack"), Authorization=token(secured.connector))
    assert status == 201
    [reply] = secured.connector.posted()
    assert reply.shown.startswith("Thank you. I recorded")
    assert reply.headers["Authorization"] == "Bearer outbound-token"
    assert len(acks.list_acknowledgements(app.db, "la-crosse")) == 1


@pytest.mark.parametrize(
    "credentials",
    [
        "missing",
        "not-a-jwt",
        "basic-scheme",
        "wrong-audience",
        "wrong-service-url",
        "wrong-issuer",
        "signed-by-another-key",
        "expired",
    ],
)
async def test_requests_without_a_valid_token_get_401_and_nothing_is_recorded(
    secured: Teams, app: App, credentials: str
) -> None:
    connector = secured.connector
    header = {
        "missing": None,
        "not-a-jwt": "Bearer abc.def.ghi",
        "basic-scheme": "Basic YWxpY2U6c2VjcmV0",
        "wrong-audience": token(connector, aud="someone-elses-bot"),
        "wrong-service-url": token(connector, serviceurl="https://attacker.example/"),
        "wrong-issuer": token(connector, iss="https://issuer.example"),
        "signed-by-another-key": token(connector, key=OTHER_KEY),
        "expired": token(connector, exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200),
    }[credentials]
    headers = {} if header is None else {"Authorization": header}
    assert await secured.post(secured.activity("ack"), **headers) == 401
    assert nothing_recorded(app, connector)
