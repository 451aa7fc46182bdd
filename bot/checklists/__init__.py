"""The "can I post this?" checklist in chat: the dialog and its saved progress and results."""
