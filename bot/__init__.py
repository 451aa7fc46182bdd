"""The platform-neutral core: one message in, replies out; the records behind them.

Rooms, each a package that owns one capability (lower ones never import higher ones):

- `storage`: the database, its schema and migrations, and the records every room shares
  (conversation memory, event claims, the audit log, row helpers). Uses nothing else here.
- `people`: the staff directory, roles, organizations, the staff-list import. Uses storage.
- `policies`: the library of current policy versions the bot answers from, their stored
  versions, HR's phrasings. Uses people, storage and knowledge/.
- `delivery`: the outbox of messages for people, and where each person can be reached.
- `acknowledgements`: who read which version, HR's report, reminders. Uses people, delivery.
- `checklists`: the "can I post this?" dialog and its saved progress and results.
- `approvals`: authorization requests, who may decide them, their timers and chat commands.
- `publishing`: HR publishes a version: preview, publication, announcement.
- `hr_access`: HR's sign-in links and sessions for the dashboard, and the reads its pages need
  (limited to HR's organizations), dismissing questions that are not policy questions.
- `conversation`: the router (top of the house): each message to the dialog under way, a
  command from the table, or an answer; help, feedback, unanswered questions.

Beside them: `config` (app.yaml, validated), `messages` (the neutral Incoming/Reply),
`commands` (the command table every room registers in), `app` (assembles a running bot).
"""
