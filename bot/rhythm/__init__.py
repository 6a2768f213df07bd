"""The weekly rhythm: a prompt to share and a digest of what was shared, per subscribed channel.

ids (kinds, action and block ids), commands (what `/erfaring` asks for, as plain data), data (what
views show); services without Slack: subscriptions, prompts (the rotation), replies (answers in a
prompt's thread), timing (when a post is due), claims (each post at most once, across restarts and
replicas), runs (the rules of a run), digest (what the week's digest says); views and digest_views
(Block Kit); flows (every Slack call); jobs (what the scheduler, the CLI and the console run).
"""
