"""The "can I post this?" checklist in chat: the dialog, one question at a time, and its saved
progress and results. Uses storage and knowledge/ (the checklist itself is knowledge)."""
