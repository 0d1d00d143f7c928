"""Compiled queries: written with the ORM, compiled once, run with new values; unsafe shapes refused."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from sessions_app.compiled import CompiledQuery
from sessions_app.models import Message, Session

pytestmark = pytest.mark.django_db


def test_one_compiled_query_runs_with_each_call_s_values(prototype, dev):
    by_id = CompiledQuery(
        lambda public_id: Session.objects.filter(public_id=public_id).values_list("title"), public_id="\x00id"
    )
    assert by_id.rows(public_id=prototype.public_id) == [("Todo app",)]
    assert by_id.rows(public_id=dev.public_id) == [("Add rate limits",)]
    assert by_id.rows(public_id="doesNotExist1234") == []


def test_a_limit_comes_with_each_call(prototype):
    page = CompiledQuery(
        lambda session_id: Message.objects.filter(session_id=session_id).order_by("index").values_list("index"),
        limit=True,
        session_id=2_000_000_001,
    )
    assert page.rows(session_id=prototype.pk, limit=2) == [(0,), (1,)]
    assert page.rows(session_id=prototype.pk, limit=10) == [(index,) for index in range(5)]


def test_a_lookup_that_transforms_its_value_is_refused(prototype):
    # icontains wraps the value in % signs: running it with another value would silently be wrong.
    search = CompiledQuery(lambda title: Session.objects.filter(title__icontains=title).values_list("pk"), title="x1")
    with pytest.raises(ImproperlyConfigured, match="not one plain parameter"):
        search.rows(title="todo")


def test_a_sliced_query_cannot_take_a_limit_per_call():
    sliced = CompiledQuery(lambda pk: Session.objects.filter(pk=pk).values_list("pk")[:1], limit=True, pk=2_000_000_002)
    with pytest.raises(ImproperlyConfigured, match="must not be sliced"):
        sliced.rows(pk=1, limit=1)
