"""The choice types the schemas use say exactly what the models' choices hold."""

from typing import get_args

import pytest

from sessions_app.models import (
    FileStatus,
    Message,
    MessageRole,
    Session,
    SessionFile,
    SessionKind,
    SessionStatus,
)


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        (SessionKind, Session.Kind),
        (SessionStatus, Session.Status),
        (MessageRole, Message.Role),
        (FileStatus, SessionFile.Status),
    ],
)
def test_each_choice_type_names_its_choices(kind, choices):
    assert list(get_args(kind)) == list(choices.values)
