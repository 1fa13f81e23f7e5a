"""The one error a build step reports to the command line (in one line, with no traceback)."""


class BuildError(Exception):
    """A build step failed; the message says which and why, in one line."""
