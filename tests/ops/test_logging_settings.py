"""app.yaml's `logging:` section and the environment variables that override it."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from adapters.logs import configure_logging, incoming_request_id, request_id, resolve_settings
from bot.config import ConfigError, LoggingSettings, load_config


def _config(tmp_path: Path, section: str) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(f"database:\n  path: bot.sqlite3\nlogging:\n{section}")
    return path


def test_the_logging_section_is_read_and_the_environment_overrides_it(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, "  format: JSON\n  level: warning\n"))
    assert config.logging == LoggingSettings(format="json", level="WARNING")
    assert resolve_settings(config.logging, {}) == config.logging
    overridden = resolve_settings(config.logging, {"POLICYBOT_LOG_LEVEL": "debug"})
    assert overridden == LoggingSettings(format="json", level="DEBUG")
    assert resolve_settings(config.logging, {"POLICYBOT_LOG_FORMAT": "text"}).format == "text"


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ("  format: xml\n", "logging.format must be text or json"),
        ("  level: loud\n", "logging.level must be DEBUG, INFO, WARNING or ERROR"),
        ("  colour: true\n", "logging: unknown setting(s) colour"),
        ("  - json\n", "logging must be a group"),
    ],
)
def test_a_wrong_logging_setting_is_refused_naming_it(
    tmp_path: Path, section: str, named: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(_config(tmp_path, section))
    assert named in str(refused.value) and "app.yaml" in str(refused.value)


@pytest.mark.parametrize(
    ("environ", "named"),
    [({"POLICYBOT_LOG_FORMAT": "yaml"}, "POLICYBOT_LOG_FORMAT"),
     ({"POLICYBOT_LOG_LEVEL": "chatty"}, "POLICYBOT_LOG_LEVEL")],
)  # fmt: skip
def test_a_wrong_environment_value_is_refused_naming_the_variable(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        resolve_settings(LoggingSettings(), environ)


def test_a_json_line_carries_the_request_id_of_its_context() -> None:
    out = io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_logging(LoggingSettings(format="json", level="INFO"), out)
    try:
        token = request_id.set("abc-123")
        logging.getLogger("policybot.test").info("hello %s", "there")
        request_id.reset(token)
        logging.getLogger("policybot.test").debug("not shown at INFO")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    [line] = out.getvalue().splitlines()
    entry = json.loads(line)
    assert (entry["message"], entry["request_id"]) == ("hello there", "abc-123")
    assert entry["level"] == "INFO" and entry["logger"] == "policybot.test"


@pytest.mark.parametrize(
    ("given", "kept"),
    [("req-1", True), ("a" * 128, True), ("a" * 129, False), ("bad id", False),
     ("x\u00e9", False), ("", False), (None, False)],
)  # fmt: skip
def test_an_incoming_request_id_is_kept_only_when_short_and_plain(
    given: str | None, kept: bool
) -> None:
    assert (incoming_request_id(given) == given) is kept
