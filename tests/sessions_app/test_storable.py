"""Text made storable for what is only recorded (the activity log): never refused, never a failed batch."""

import pytest

from sessions_app.storable import storable, unstorable


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("get_session", "get_session"),
        ("x\x00y", "x\ufffdy"),
        ("\ud800tool\udfff", "\ufffdtool\ufffd"),
        ("é" * 70, "é" * 64),
    ],
)
def test_text_is_made_storable_and_cut_to_its_column(text, stored):
    assert storable(text, max_length=64) == stored
    assert unstorable(storable(text, max_length=64)) is None
