"""The Teams gateway on the Bot Framework SDK (botbuilder 4.17, out of support since 2025).

`teams.sdk: botbuilder` in app.yaml chooses it; `adapters/teams/agents_gateway.py` is the same
`Gateway` on the Microsoft 365 Agents SDK. Everything else in the adapter speaks plain Activity
JSON through `Channel`. This module authenticates inbound requests, runs turns, and posts,
updates and continues conversations through the Bot Connector, retrying as `RetryPolicy` says
(botbuilder's own retries are off).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from botbuilder.core import Bot  # type: ignore[import-untyped]
from botbuilder.integration.aiohttp import (  # type: ignore[import-untyped]
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import (  # type: ignore[import-untyped]
    Activity as SdkActivity,
)
from botbuilder.schema import (
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from botframework.connector.auth import (  # type: ignore[import-untyped]
    AppCredentials,
    AuthenticationConstants,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
)
from msrest.exceptions import (  # type: ignore[attr-defined]
    ClientRequestError,
    DeserializationError,
    HttpOperationError,
)
from msrest.universal_http.requests import ClientRetryPolicy
from urllib3.util.retry import Retry

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
from adapters.teams.settings import APP_ID, TeamsSettings
from bot.config import ConfigError

log = logging.getLogger(__name__)
T = TypeVar("T")
# msrest builds each connector's retry policy by testing 999 status codes against a list of 502
# (half a million comparisons, about 5 ms, twice per Teams turn, a third of a turn's CPU); the
# same codes as a frozenset give the same policy in microseconds.
ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
KEPT_CONNECTORS = 64  # one per service URL a tenant uses; a handful in practice


class BotFrameworkGateway:
    """Bot Framework authentication and the Bot Connector, behind the adapter's own interface."""

    def __init__(
        self,
        settings: TeamsSettings,
        *,
        authentication: bool,
        token_provider: TokenProvider | None = None,
    ):
        """`authentication` says whether inbound tokens are checked; `token_provider` replaces
        Entra ID as the source of outbound tokens (for tests).

        botbuilder itself turns inbound checks off exactly when the app id is empty, so a
        setting that says otherwise is refused rather than silently overridden.
        """
        if authentication != bool(settings.app_id):
            state = "on" if authentication else "off"
            raise ConfigError(
                f"teams.sdk botbuilder cannot run with authentication {state} while "
                f"{APP_ID} is {'set' if settings.app_id else 'empty'}: use teams.sdk: agents"
            )
        self._settings = settings
        credentials = (
            _FixedTokenFactory(settings.app_id, token_provider) if token_provider else None
        )
        self._auth = _Authentication(_SdkConfiguration(settings), credentials_factory=credentials)
        self._adapter = CloudAdapter(self._auth)

    async def authenticate(self, activity: Activity, authorization: str | None) -> Ticket:
        """Check the request's token; raises Unauthorized (401) or MalformedActivity (400)."""
        sdk_activity = _sdk_activity(activity)
        try:
            result = await self._auth.authenticate_request(sdk_activity, authorization or None)
        except Exception as error:  # botbuilder raises PermissionError, jwt and key errors alike
            log.warning("Teams request refused: %s: %s", type(error).__name__, error)
            raise Unauthorized(str(error) or type(error).__name__) from error
        return Ticket(sdk_activity, result)

    async def process(self, ticket: Ticket, activity: Activity, logic: TurnLogic) -> None:
        """Run one turn for an authenticated activity; `logic` replies through its Channel."""

        async def turn(context: Any) -> None:
            await logic(activity, _TurnChannel(context, self._settings.retry))

        await self._adapter.process_activity(ticket.identity, ticket.activity, turn)

    async def continue_conversation(
        self, reference: dict[str, Any], logic: Callable[[Channel], Awaitable[None]]
    ) -> None:
        """Post into a stored conversation outside any turn (a proactive message)."""
        sdk_reference = _sdk_reference(reference)

        async def turn(context: Any) -> None:
            context.activity.id = None  # new messages, not replies to the continuation event
            await logic(_TurnChannel(context, self._settings.retry))

        await _connector_call(
            lambda: self._adapter.continue_conversation(sdk_reference, turn, self._settings.app_id)
        )

    async def open_personal_chat(self, reference: dict[str, Any]) -> dict[str, Any]:
        """Create (or find) the person's one-to-one chat with the bot; returns its reference."""
        sdk_reference = _sdk_reference(reference)
        tenant = reference.get("conversation", {}).get("tenantId")
        parameters = ConversationParameters(
            is_group=False,
            bot=sdk_reference.bot,
            members=[ChannelAccount(id=sdk_reference.user.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        created: dict[str, str] = {}

        async def turn(context: Any) -> None:
            created["id"] = context.activity.conversation.id

        await with_retries(
            lambda: _connector_call(
                lambda: self._adapter.create_conversation(
                    self._settings.app_id,
                    turn,
                    parameters,
                    sdk_reference.channel_id,
                    sdk_reference.service_url,
                )
            ),
            self._settings.retry,
        )
        conversation = {"id": created["id"], "conversationType": "personal"}
        if tenant:
            conversation["tenantId"] = tenant
        return {**reference, "conversation": conversation}

    async def close(self) -> None:
        """Nothing to release: msrest's kept connectors use blocking `requests` sessions."""


def botbuilder_bot(logic: TurnLogic, retry: RetryPolicy | None = None) -> Any:
    """`logic` as a botbuilder `Bot`, for botbuilder's TestAdapter or another SDK host."""
    return _LogicBot(logic, retry or RetryPolicy())


class _LogicBot(Bot):  # type: ignore[misc]
    def __init__(self, logic: TurnLogic, retry: RetryPolicy) -> None:
        self._logic = logic
        self._retry = retry

    async def on_turn(self, context: Any) -> None:
        activity: Activity = context.activity.serialize()
        await self._logic(activity, _TurnChannel(context, self._retry))


class _TurnChannel:
    """A Channel over botbuilder's TurnContext: replies go where the turn came from."""

    def __init__(self, context: Any, retry: RetryPolicy) -> None:
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
    except HttpOperationError as error:
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None)
        headers = getattr(response, "headers", None) or {}
        retry_after = parse_retry_after(headers.get("Retry-After"))
        raise ConnectorError(status, str(error), retry_after) from error
    except ClientRequestError as error:
        raise ConnectorError(None, f"could not reach the Teams connector: {error}") from error


def _sdk_activity(activity: Activity) -> Any:
    try:
        return SdkActivity().deserialize(activity)
    except DeserializationError as error:
        raise MalformedActivity(f"not a valid activity: {error}") from None


def _sdk_reference(reference: dict[str, Any]) -> Any:
    sdk_reference = ConversationReference().deserialize(reference)
    if not sdk_reference.service_url or sdk_reference.conversation is None:
        raise ValueError("the stored conversation reference is incomplete")
    return sdk_reference


class _SdkConfiguration:
    """The settings under the attribute names botbuilder's configuration classes read."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.tenant_id
        if settings.openid_metadata_url:
            self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = settings.openid_metadata_url
            self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = settings.token_issuer


class _Authentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's authentication, handing out connectors without their own retries, kept
    for reuse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._connectors: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._token_clients: dict[Any, Any] = {}

    async def create_user_token_client(self, claims_identity: Any) -> Any:
        """One per bot identity: botbuilder builds one (a client with its own serializers)
        for every turn, and PolicyBot never signs anyone in through it."""
        key = claims_identity.get_claim_value(
            AuthenticationConstants.AUDIENCE_CLAIM
        ) or claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
        if key not in self._token_clients:
            self._token_clients[key] = await super().create_user_token_client(claims_identity)
        return self._token_clients[key]

    async def authenticate_request(self, activity: Any, auth_header: str | None) -> Any:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _ReusedConnectorFactory(
                result.connector_factory, self._connectors
            )
        return result

    def create_connector_factory(self, claims_identity: Any) -> Any:
        inner = super().create_connector_factory(claims_identity)
        return _ReusedConnectorFactory(inner, self._connectors)


class _ReusedConnectorFactory(ConnectorFactory):  # type: ignore[misc]
    """Connectors kept per bot identity, service URL and audience, whose HTTP layer never
    retries.

    botbuilder builds a new client, with its own HTTP session and connection, for every turn;
    reusing one keeps the connection (and, in production, its TLS session) open. msrest would
    retry 5xx for seconds on its own, and never 429; `with_retries` is the single place that
    decides.
    """

    def __init__(self, inner: Any, kept: OrderedDict[tuple[Any, ...], Any]) -> None:
        self._inner, self._kept = inner, kept

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (getattr(self._inner, "_app_id", None), service_url, audience)
        client = self._kept.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            client.config.retry_policy.policy = Retry(total=0, read=False)
            client._serialize.client_side_validation = False  # the connector validates anyway
            self._kept[key] = client
            while len(self._kept) > KEPT_CONNECTORS:
                self._kept.popitem(last=False)
        self._kept.move_to_end(key)
        return client


class _FixedTokenFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """Outbound credentials whose token comes from a function instead of Azure AD."""

    def __init__(self, app_id: str, provider: TokenProvider) -> None:
        self._app_id = app_id
        self._provider = provider

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self._app_id

    async def is_authentication_disabled(self) -> bool:
        return not self._app_id

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Any:
        return _FixedTokenCredentials(app_id, self._provider)


class _FixedTokenCredentials(AppCredentials):  # type: ignore[misc]
    def __init__(self, app_id: str, provider: TokenProvider) -> None:
        super().__init__(app_id=app_id)
        self._provider = provider

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self._provider()
