"""Errors a person can act on. Each message is one plain sentence, fit to show as it is."""


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
