"""The Teams gateway on the Microsoft 365 Agents SDK (`microsoft-agents-*` 1.x, supported).

`teams.sdk: agents` in app.yaml chooses it (the default); `adapters/teams/gateway.py` is the same
`Gateway` on botbuilder. It authenticates inbound requests, runs turns through the SDK's
`CloudAdapter`, and posts, updates and continues conversations through its connector client,
retrying as `RetryPolicy` says (the SDK itself never retries).

Inbound tokens go through the SDK's `JwtTokenValidator` (signature, RS256 only, expiry with five
minutes' leeway, audience = the app id, issuer) plus what botbuilder also checked and the SDK
does not: the issuer is exactly the channel's, the token's `serviceurl` claim is the activity's
service URL, and a signing key endorsed for some channels is used only for those. The keys come
from the OpenID metadata botbuilder used (Bot Framework's, or the one the settings name, for
tests), through the validator's key-lookup seam, the one the SDK's own tests replace.

Whether inbound requests are authenticated is the explicit `authentication` argument, never
inferred from an empty app id.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

import aiohttp
import jwt
from microsoft_agents.activity import (
    Activity as SdkActivity,
)
from microsoft_agents.activity import (
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorClientBase,
    JwtTokenValidator,
    TeamsConnectorClient,
    TurnContext,
    UserTokenClientBase,
)
from microsoft_agents.hosting.core.authorization import AuthTypes

from adapters.teams.activities import MalformedActivity
from adapters.teams.channel import (
    Activity,
    Channel,
    Ticket,
    TokenProvider,
    TurnLogic,
    Unauthorized,
)
from adapters.teams.retry import ConnectorError, RetryPolicy, parse_retry_after, with_retries
from adapters.teams.settings import MULTI_TENANT_AUTHORITY_TENANT, TeamsSettings

log = logging.getLogger(__name__)
T = TypeVar("T")
CHANNEL_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
CHANNEL_TOKEN_ISSUER = "https://api.botframework.com"
CONNECTOR_AUDIENCE = AuthenticationConstants.AGENTS_SDK_SCOPE  # https://api.botframework.com
KEPT_CONNECTORS = 64  # one per service URL a tenant uses; a handful in practice
CONNECTOR_TIMEOUT_SECONDS = 30.0
KEYS_TIMEOUT_SECONDS = 10.0
KEYS_MAX_BYTES = 1024 * 1024
KEYS_MAX_AGE_SECONDS = 24 * 3600.0  # botbuilder also refreshes daily
KEYS_RETRY_SECONDS = 300.0  # an unknown key id refetches at most this often
REASON_MAX_CHARS = 300


class _ActivityValidationNoise(logging.Filter):
    """The SDK logs each activity it cannot parse at ERROR with a traceback; the endpoint
    answers 400 and logs one line of its own instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Validation error for Activity")


logging.getLogger("microsoft_agents.activity.activity").addFilter(_ActivityValidationNoise())


class AgentsGateway:
    """Bot Framework authentication and the Bot Connector through the Microsoft 365 Agents SDK."""

    def __init__(
        self,
        settings: TeamsSettings,
        *,
        authentication: bool,
        token_provider: TokenProvider | None = None,
    ) -> None:
        """`authentication` says whether inbound tokens are checked; `token_provider` replaces
        Entra ID as the source of outbound tokens (for tests)."""
        self._settings = settings
        self._issuer = settings.token_issuer or CHANNEL_TOKEN_ISSUER
        self._keys = _ChannelKeys(settings.openid_metadata_url or CHANNEL_OPENID_METADATA_URL)
        self._validator: _ChannelTokenValidator | None = None
        if authentication:
            self._validator = _ChannelTokenValidator(
                AgentAuthConfiguration(
                    client_id=settings.app_id,
                    issuers=[self._issuer],
                    validate_issuer=True,
                    anonymous_allowed=False,
                ),
                self._keys,
            )
        self._clients = _KeptClients(_outbound_tokens(settings, token_provider))
        self._adapter = CloudAdapter(channel_service_client_factory=self._clients)
        # The SDK's default turn error handler posts the exception's text to the person and
        # prints a traceback; errors go to the endpoint instead, which answers 502.
        self._adapter.on_turn_error = None

    async def authenticate(self, activity: Activity, authorization: str | None) -> Ticket:
        """Check the request's token; raises Unauthorized (401) or MalformedActivity (400)."""
        sdk_activity = _sdk_activity(activity)
        if self._validator is None:
            return Ticket(sdk_activity, ClaimsIdentity())  # anonymous, as the Emulator sends
        try:
            identity = await self._check(activity, authorization)
        except Exception as error:  # jwt, key and our own checks' errors alike
            log.warning("Teams request refused: %s: %s", type(error).__name__, error)
            raise Unauthorized(str(error) or type(error).__name__) from error
        return Ticket(sdk_activity, identity)

    async def _check(self, activity: Activity, authorization: str | None) -> ClaimsIdentity:
        assert self._validator is not None
        scheme, _, token = (authorization or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise PermissionError("no Bearer token in the Authorization header")
        identity = await self._validator.validate_token(token)
        if identity.get_claim_value(AuthenticationConstants.ISSUER_CLAIM) != self._issuer:
            raise PermissionError("the token was not issued by the Bot Framework channel")
        service_url = identity.get_claim_value(AuthenticationConstants.SERVICE_URL_CLAIM)
        if not service_url or service_url != activity.get("serviceUrl"):
            raise PermissionError("the token is for another service URL")
        kid = jwt.get_unverified_header(token).get(AuthenticationConstants.KEY_ID_HEADER)
        endorsements = self._keys.endorsements(kid)
        if endorsements is None:  # the validator did not take its key from here: refuse
            raise PermissionError("the token's key is not one of the channel's")
        channel = activity.get("channelId")
        if endorsements and channel and channel not in endorsements:
            raise PermissionError(f"the signing key is not endorsed for channel {channel!r}")
        return identity

    async def process(self, ticket: Ticket, activity: Activity, logic: TurnLogic) -> None:
        """Run one turn for an authenticated activity; `logic` replies through its Channel."""

        async def turn(context: TurnContext) -> None:
            await logic(activity, _TurnChannel(context, self._settings.retry))

        await self._adapter.process_activity(ticket.identity, ticket.activity, turn)

    async def continue_conversation(
        self, reference: dict[str, Any], logic: Callable[[Channel], Awaitable[None]]
    ) -> None:
        """Post into a stored conversation outside any turn (a proactive message)."""
        continuation = _sdk_reference(reference).get_continuation_activity()
        continuation.id = None  # new messages, not replies to the continuation event

        async def turn(context: TurnContext) -> None:
            await logic(_TurnChannel(context, self._settings.retry))

        await _connector_call(
            lambda: self._adapter.continue_conversation(self._settings.app_id, continuation, turn)
        )

    async def open_personal_chat(self, reference: dict[str, Any]) -> dict[str, Any]:
        """Create (or find) the person's one-to-one chat with the bot; returns its reference."""
        sdk_reference = _sdk_reference(reference)
        if sdk_reference.user is None:
            raise ValueError("the stored conversation reference names no person")
        tenant = reference.get("conversation", {}).get("tenantId")
        fields: dict[str, Any] = {
            "is_group": False,
            "agent": sdk_reference.agent,
            "members": [ChannelAccount(id=sdk_reference.user.id)],
        }
        if tenant:
            fields.update(tenant_id=tenant, channel_data={"tenant": {"id": tenant}})
        parameters = ConversationParameters(**fields)
        created: dict[str, str] = {}

        async def turn(context: TurnContext) -> None:
            created["id"] = context.activity.conversation.id

        await with_retries(
            lambda: _connector_call(
                lambda: self._adapter.create_conversation(
                    self._settings.app_id,
                    str(sdk_reference.channel_id or "msteams"),
                    sdk_reference.service_url,
                    CONNECTOR_AUDIENCE,
                    parameters,
                    turn,
                )
            ),
            self._settings.retry,
        )
        conversation = {"id": created["id"], "conversationType": "personal"}
        if tenant:
            conversation["tenantId"] = tenant
        return {**reference, "conversation": conversation}

    async def close(self) -> None:
        """Close the kept connector sessions (at server shutdown)."""
        await self._clients.close()


class _TurnChannel:
    """A Channel over the SDK's TurnContext: replies go where the turn came from."""

    def __init__(self, context: TurnContext, retry: RetryPolicy) -> None:
        self._context = context
        self._retry = retry

    async def send(self, activity: Activity) -> str | None:
        outgoing = _sdk_activity(activity)
        response = await with_retries(
            lambda: _connector_call(lambda: self._context.send_activity(outgoing)), self._retry
        )
        return str(response.id) if response is not None and response.id else None

    async def update(self, activity_id: str, activity: Activity) -> None:
        outgoing = _sdk_activity(activity)
        outgoing.id = activity_id
        await with_retries(
            lambda: _connector_call(lambda: self._context.update_activity(outgoing)), self._retry
        )


async def _connector_call(call: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot Connector call, turning the SDK's HTTP errors into ConnectorError."""
    try:
        return await call()
    except aiohttp.ClientResponseError as error:
        retry_after = parse_retry_after(error.headers.get("Retry-After") if error.headers else None)
        reason = " ".join(str(error.message).split())[:REASON_MAX_CHARS]
        raise ConnectorError(error.status, reason, retry_after) from error
    except (aiohttp.ClientError, TimeoutError) as error:
        reason = f"could not reach the Teams connector: {type(error).__name__}: {error}"
        raise ConnectorError(None, reason) from error


def _sdk_activity(activity: Activity) -> SdkActivity:
    try:
        return SdkActivity.model_validate(activity)
    except Exception as error:  # pydantic's ValidationError, and the SDK's own TypeErrors
        first = str(error).strip().splitlines()
        raise MalformedActivity(f"not a valid activity: {' '.join(first[:3])}") from None


def _sdk_reference(reference: dict[str, Any]) -> ConversationReference:
    sdk_reference = ConversationReference.model_validate(reference)
    if not sdk_reference.service_url or sdk_reference.conversation is None:
        raise ValueError("the stored conversation reference is incomplete")
    return sdk_reference


class _ChannelTokenValidator(JwtTokenValidator):
    """The SDK's validator, its signing keys taken from the channel's OpenID metadata."""

    def __init__(self, configuration: AgentAuthConfiguration, keys: _ChannelKeys) -> None:
        super().__init__(configuration)
        self._jwk_client_manager = keys  # type: ignore[assignment]


class _ChannelKeys:
    """The channel's signing keys, from its OpenID metadata, with their endorsements.

    Fetched with aiohttp (the loop never blocks), at most 1 MB and 10 s a document; refreshed
    daily, or when a token names a key not seen yet (at most every five minutes, so that
    made-up key ids cannot make the bot hammer the key server).
    """

    def __init__(self, metadata_url: str) -> None:
        self._metadata_url = metadata_url
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = -float("inf")
        self._lock = asyncio.Lock()

    async def get_signing_key(self, _jwks_uri: str, header: Mapping[str, Any]) -> jwt.PyJWK:
        """The key a token's header names (the SDK's routing URI is not used)."""
        kid = header.get(AuthenticationConstants.KEY_ID_HEADER)
        if not isinstance(kid, str) or not kid:
            raise jwt.InvalidTokenError("the token names no signing key")
        if kid not in self._keys or self._age() > KEYS_MAX_AGE_SECONDS:
            try:
                await self._refresh()
            except Exception as error:
                if kid not in self._keys:
                    raise
                log.warning("the channel's signing keys were not refreshed (%s)", error)
        data = self._keys.get(kid)
        if data is None:
            raise jwt.InvalidTokenError("the token's signing key is not the channel's")
        return jwt.PyJWK(data)

    def endorsements(self, kid: Any) -> list[str] | None:
        """The channels a key is endorsed for ([] if for any); None for a key not fetched."""
        data = self._keys.get(kid) if isinstance(kid, str) else None
        if data is None:
            return None
        endorsements = data.get("endorsements")
        return [str(item) for item in endorsements] if isinstance(endorsements, list) else []

    def _age(self) -> float:
        return time.monotonic() - self._fetched_at

    async def _refresh(self) -> None:
        async with self._lock:
            if self._age() < KEYS_RETRY_SECONDS:
                return  # fetched a moment ago, by this request or another
            timeout = aiohttp.ClientTimeout(total=KEYS_TIMEOUT_SECONDS)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                metadata = await _json(session, self._metadata_url)
                jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
                if not isinstance(jwks_uri, str):
                    raise jwt.PyJWKClientError("the OpenID metadata has no jwks_uri")
                document = await _json(session, jwks_uri)
            keys = document.get("keys") if isinstance(document, dict) else None
            if not isinstance(keys, list):
                raise jwt.PyJWKClientError("the channel's key set has no keys")
            self._keys = {
                key["kid"]: key
                for key in keys
                if isinstance(key, dict) and isinstance(key.get("kid"), str)
            }
            self._fetched_at = time.monotonic()


async def _json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url) as response:
        response.raise_for_status()
        body = await response.content.read(KEYS_MAX_BYTES + 1)
    if len(body) > KEYS_MAX_BYTES:
        raise jwt.PyJWKClientError(f"{url} answered more than {KEYS_MAX_BYTES} bytes")
    return json.loads(body)


OutboundTokens = Callable[[], Awaitable[str]]


def _outbound_tokens(settings: TeamsSettings, provider: TokenProvider | None) -> OutboundTokens:
    """Where the bot's tokens for the Bot Connector come from: the test's provider, none (no
    app id: the Emulator), or Entra ID through the SDK's MSAL connection."""
    if provider is not None:
        fixed = provider

        async def from_provider() -> str:
            return fixed()

        return from_provider
    if not settings.app_id:

        async def anonymous() -> str:
            return ""

        return anonymous
    managed = settings.app_type == "UserAssignedMSI"
    msal = MsalAuth(
        AgentAuthConfiguration(
            auth_type=AuthTypes.user_managed_identity if managed else AuthTypes.client_secret,
            client_id=settings.app_id,
            tenant_id=settings.tenant_id or MULTI_TENANT_AUTHORITY_TENANT,
            client_secret=settings.app_password or None,
        )
    )
    scopes = [f"{CONNECTOR_AUDIENCE}/.default"]

    async def from_entra() -> str:  # MSAL keeps the token until shortly before it expires
        return await msal.get_access_token(CONNECTOR_AUDIENCE, scopes)

    return from_entra


class _KeptConnector(TeamsConnectorClient):
    """A connector client kept across turns: the adapter closes its client after every turn,
    which would throw away the HTTP session (and, in production, its TLS connection)."""

    async def close(self) -> None:
        """Kept open; `discard` closes it."""

    async def discard(self) -> None:
        await super().close()


class _NoUserTokens:
    """PolicyBot signs nobody in; the adapter still asks for a user token client every turn."""

    async def close(self) -> None:
        """Nothing to close."""

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"PolicyBot does not use user sign-in ({name})")


class _KeptClients:
    """The SDK's channel service client factory, with connectors kept per service URL."""

    def __init__(self, tokens: OutboundTokens) -> None:
        self._tokens = tokens
        self._kept: dict[tuple[str, str], _KeptConnector] = {}
        self._no_user_tokens = cast(UserTokenClientBase, _NoUserTokens())

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        if not service_url:
            raise ValueError("the activity has no service URL to answer to")
        token = await self._tokens()
        key = (service_url, audience)
        client = self._kept.pop(key, None)  # re-inserted last: the most recently used
        if client is None:
            session = aiohttp.ClientSession(
                base_url=service_url if service_url.endswith("/") else service_url + "/",
                timeout=aiohttp.ClientTimeout(total=CONNECTOR_TIMEOUT_SECONDS),
            )
            client = _KeptConnector(service_url, "", session=session)
        self._kept[key] = client
        while len(self._kept) > KEPT_CONNECTORS:
            oldest = next(iter(self._kept))
            await self._kept.pop(oldest).discard()
        if token:  # refreshed on every turn: MSAL hands out a new one before the old expires
            client.client.headers["Authorization"] = f"Bearer {token}"
        return client

    async def create_user_token_client(
        self, context: TurnContext, claims_identity: ClaimsIdentity, use_anonymous: bool = False
    ) -> UserTokenClientBase:
        return self._no_user_tokens

    async def close(self) -> None:
        kept, self._kept = list(self._kept.values()), {}
        for client in kept:
            await client.discard()
