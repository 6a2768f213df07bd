"""A Slack workspace in the terminal: the real app, answered by the in-process Slack stand-in.

`python app.py console` (and `make run` without Slack tokens) runs it; see docs/console.md.
"""

from localslack.console.runner import run_console
from localslack.console.session import RunDue, no_due_jobs

__all__ = ["RunDue", "no_due_jobs", "run_console"]
