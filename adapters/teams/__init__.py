"""Microsoft Teams adapter (botbuilder-core); every botbuilder import stays in this folder."""
