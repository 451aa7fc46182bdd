"""Logging for `policybot serve`: text or one JSON object a line, each with its request id.

Every HTTP request gets a request id (the caller's `X-Request-Id` when it is sane, else a new
one), echoed in the response header and kept in a context variable. asyncio copies context
variables into the tasks and worker threads a request starts, so the lines logged by the work
done after Slack's ack carry the id of the request that caused it.

At no level does a line hold a secret, a token, a sign-in link or a person's words: the level
applies to PolicyBot's own loggers, every other library (the SDKs print headers, bodies and
tokens at DEBUG) is held at WARNING whatever the level, and a last filter masks anything shaped
like a token that would still get through.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

from aiohttp import web

from bot.config import ConfigError, LoggingSettings

FORMAT_ENV = "POLICYBOT_LOG_FORMAT"
LEVEL_ENV = "POLICYBOT_LOG_LEVEL"
REQUEST_ID_HEADER = "X-Request-Id"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS = ("text", "json")
OWN_LOGGERS = ("policybot", "adapters", "bot", "knowledge")
CHATTY_LOGGERS = ("slack_bolt", "policybot.slack.bolt", "slack_sdk", "botbuilder", "botframework",
                  "msrest", "microsoft_agents", "msal", "urllib3", "aiohttp", "sqlalchemy",
                  "alembic", "psycopg", "asyncio")  # fmt: skip
_SECRET_SHAPES = re.compile(
    r"xox[a-z]-[A-Za-z0-9-]+"  # Slack bot, user and app tokens
    r"|xapp-[A-Za-z0-9-]+"
    r"|(?<=[?&]token=)[^&\s\"']+"  # a sign-in link's token
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]+"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"  # a JWT
)
_SANE_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
_PLATFORM_PATHS = (("/slack/", "slack"), ("/api/messages", "teams"))

request_id: ContextVar[str | None] = ContextVar("policybot_request_id", default=None)
platform: ContextVar[str | None] = ContextVar("policybot_platform", default=None)
log = logging.getLogger("policybot.http")


class ContextFields(logging.Filter):
    """Copy the request id and platform of the current context onto every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.platform = platform.get()
        return True


class Redacted(logging.Filter):
    """Mask what looks like a token in a line (message and arguments, once formatted): the last
    net under the rule that no line holds one."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _SECRET_SHAPES.sub("***", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request_id, platform."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "platform": getattr(record, "platform", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def resolve_settings(file: LoggingSettings, environ: Mapping[str, str]) -> LoggingSettings:
    """The settings in force: app.yaml's `logging:` section, overridden by the environment."""
    level = environ.get(LEVEL_ENV, "").strip().upper() or file.level
    form = environ.get(FORMAT_ENV, "").strip().lower() or file.format
    if level not in LEVELS:
        raise ConfigError(f"{LEVEL_ENV} must be one of {', '.join(LEVELS)}, not {level!r}")
    if form not in FORMATS:
        raise ConfigError(f"{FORMAT_ENV} must be text or json, not {form!r}")
    return LoggingSettings(format=form, level=level)


def configure_logging(settings: LoggingSettings, stream: TextIO | None = None) -> None:
    """Send every log line to standard error in the chosen format, at the chosen level."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFields())
    handler.addFilter(Redacted())
    if settings.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    # Libraries log at WARNING and above, whatever the level: at DEBUG slack_sdk printed every
    # request with its token and the sign-in links in the messages it posted.
    root.setLevel(max(logging.WARNING, logging.getLevelName(settings.level)))
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(settings.level)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


Say = Callable[[str], None]


def announcer(settings: LoggingSettings, out: TextIO) -> Say:
    """How `serve` prints its banner: plain lines, or JSON lines (whatever the level) so that
    a JSON log stays one object a line."""
    formatter = JsonFormatter()

    def say(line: str) -> None:
        if settings.format == "json":
            record = logging.LogRecord("policybot.serve", logging.INFO, "", 0, line, None, None)
            line = formatter.format(record)
        out.write(line + "\n")
        out.flush()

    return say


def _platform_of(path: str) -> str | None:
    return next((name for prefix, name in _PLATFORM_PATHS if path.startswith(prefix)), None)


def incoming_request_id(header: str | None) -> str:
    """The caller's request id if it is short and plain, else a new random one."""
    if header and _SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give the request an id (echoed in `X-Request-Id`) and log its method, path and status."""
    request_id.set(incoming_request_id(request.headers.get(REQUEST_ID_HEADER)))
    platform.set(_platform_of(request.path))
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers[REQUEST_ID_HEADER] = request_id.get() or ""
        log.info("%s %s -> %d", request.method, request.path, error.status)
        raise
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        response = web.json_response({"error": "internal error"}, status=500)
    response.headers[REQUEST_ID_HEADER] = request_id.get() or ""
    log.info("%s %s -> %d", request.method, request.path, response.status)
    return response
