"""The conversation: one message in, replies out: routing, answers, help and feedback."""
