"""The conversation, top of the house: the router sends each message to the dialog under way,
a command from the table, or an answer from the policy; help is generated from the table; votes
and unanswered questions are kept for HR. May use every other room."""
