"""Times on pages: relative, with the exact time and zone on hover."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from workspaces.templatetags.times import when


def test_a_past_time_reads_as_ago_with_the_exact_time_on_hover():
    moment = timezone.now() - timedelta(days=3, hours=2)
    html = when(moment)
    assert html.startswith(f'<time datetime="{moment.isoformat()}" title="{moment:%Y-%m-%d %H:%M} UTC">')
    assert html.endswith(">3\xa0days ago</time>")


def test_a_future_time_reads_as_in():
    assert when(timezone.now() + timedelta(days=10, minutes=1)).endswith(">in 1\xa0week</time>")


def test_a_moment_ago_is_just_now():
    assert ">just now</time>" in when(timezone.now() - timedelta(seconds=5))


def test_nothing_is_nothing():
    assert when(None) == ""


def test_a_fixed_time_shows_its_zone():
    assert 'title="2026-01-02 03:04 UTC"' in when(datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
