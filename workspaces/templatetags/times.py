"""Times on pages: relative ("3 hours ago", "in 30 days"), with the absolute time and its zone on hover
and in the markup (`<time datetime>`) for whoever needs the exact moment."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil

register = template.Library()


def _exact_and_relative(value: datetime, *, depth: int) -> tuple[str, str]:
    """("2027-03-03 10:00 UTC", "in 2 months"): the moment in the current zone, and how far off it is."""
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    exact = moment.strftime("%Y-%m-%d %H:%M ") + (moment.tzname() or "UTC")
    now = timezone.now() if timezone.is_aware(value) else datetime.now()
    if abs((now - value).total_seconds()) < 60:
        return exact, "just now"
    if value <= now:
        return exact, f"{timesince(value, now, depth=depth)} ago"
    return exact, f"in {timeuntil(value, now, depth=depth)}"


@register.filter
def on(value: datetime | None) -> SafeString | str:
    """A moment people plan by (a key's expiry): the exact date and time, how far off it is on hover."""
    if value is None:
        return ""
    exact, relative = _exact_and_relative(value, depth=2)
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), relative, exact)


@register.filter
def when(value: datetime | None) -> SafeString | str:
    """A moment people place in time (created, last used): how long ago, the exact moment on hover."""
    if value is None:
        return ""
    exact, relative = _exact_and_relative(value, depth=1)
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact, relative)
