"""The console's one error type."""


class ConsoleError(Exception):
    """Input the console cannot carry out; its message is shown as one line (never a traceback)."""
