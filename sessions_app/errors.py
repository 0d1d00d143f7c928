"""Errors a person can act on. Each message is one plain sentence, fit to show as it is."""

from pydantic_core import ErrorDetails


class SessionContextError(Exception):
    """Base for errors about reading a session's context; `str(error)` is the message."""


class InvalidSessionLink(SessionContextError):
    pass


class SessionNotFound(SessionContextError):
    pass


class FileNotFound(SessionContextError):
    pass


class NotADevSession(SessionContextError):
    pass


class InvalidArgument(SessionContextError):
    """An argument's value is out of range or malformed (a cursor, a line window, a version)."""


def plain_problem(detail: ErrorDetails) -> str:
    """What one of pydantic's error details says, as the end of a sentence about the field: "is required",
    "should be less than or equal to 100" (for the import's fields and the tools' arguments alike)."""
    if detail["type"] == "missing":
        return "is required"
    message = detail["msg"].removeprefix("Input ")
    return message[0].lower() + message[1:]
