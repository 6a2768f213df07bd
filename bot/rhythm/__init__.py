"""The weekly rhythm: a prompt to share and a digest of what was shared, per subscribed channel.

timing (when a post is due, in the channel's zone), claims (each post at most once, across restarts
and replicas), digest (what the week's digest says), runner (posts what is due); R2's modules hold
the subscriptions, the prompt library and the prompt interactions.
"""
