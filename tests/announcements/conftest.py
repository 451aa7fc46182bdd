"""The Slack and Teams fakes and servers, shared with the announcement tests."""

from tests.announcements.file_hosts import file_host, internal  # noqa: F401
from tests.slack.conftest import fake, no_slack_environment, served  # noqa: F401
from tests.teams.conftest import connector, teams, teams_sdk  # noqa: F401
