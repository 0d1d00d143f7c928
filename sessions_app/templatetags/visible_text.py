"""`{{ session.title|visible }}`: names, titles, paths and link labels shown as they are (alloy/visible.py)."""

from django import template

from alloy.visible import visible as visible_text

register = template.Library()


@register.filter
def visible(value: object) -> str:
    """The value with invisible format characters shown as their code points; autoescaping still applies."""
    return "" if value is None else visible_text(value)
