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


@register.filter
def when(value: datetime | None) -> SafeString | str:
    if value is None:
        return ""
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    exact = moment.strftime("%Y-%m-%d %H:%M ") + (moment.tzname() or "UTC")
    now = timezone.now() if timezone.is_aware(value) else datetime.now()
    if abs((now - value).total_seconds()) < 60:
        relative = "just now"
    elif value <= now:
        relative = f"{timesince(value, now, depth=1)} ago"
    else:
        relative = f"in {timeuntil(value, now, depth=1)}"
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact, relative)
