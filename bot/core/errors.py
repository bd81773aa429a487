"""Errors a member or moderator can act on.

Core services raise `UserError` with a short, kind sentence; adapters (cogs, the sandbox) show
that sentence as it is. Anything else is unexpected and gets a generic apology.
"""


class UserError(Exception):
    """Bad input or a state that forbids the action. The message is shown to the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserError):
    """Something named by the person (an alias, a group, a flag) does not exist."""


class PermissionDenied(UserError):
    """The person may not do this; the message says who may."""
