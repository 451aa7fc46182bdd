"""Slack adapter (slack-bolt, async); every Slack SDK import stays in this folder."""
