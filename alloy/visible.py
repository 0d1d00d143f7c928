"""Text shown as it is: characters that change how a name, title, path or link label reads without showing
themselves are shown as their code point (`src/⟨U+202E⟩gpj.js`, not `src/sj.jpg`).

They are the direction marks, embeddings, overrides and isolates, and the invisible spaces. Joiners (U+200C,
U+200D) are left alone: emoji and several scripts need them. Used by the pages (the `visible` filter,
sessions_app/templatetags), the consent page, the models' `__str__` and the admin (`ShowsInvisibleCharacters`);
the session view has its own copy in JavaScript (session_view/src/dom.js), and `/register` refuses them in a
client's texts (mcp_gateway/oauth/registration.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, TextField

INVISIBLE = frozenset("\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")
_SHOWN = {ord(char): f"⟨U+{ord(char):04X}⟩" for char in INVISIBLE}


def visible(text: object) -> str:
    """`text` with each invisible format character replaced by its code point in angle brackets."""
    return str(text).translate(_SHOWN)


class ShowsInvisibleCharacters:
    """A ModelAdmin mixin: the change list's text columns show invisible format characters as code points
    (the models' `__str__`, which the other columns and the pages' titles show, do too)."""

    model: Any

    def get_list_display(self, request: Any) -> list[Any]:
        return [self._visible_column(name) for name in super().get_list_display(request)]  # type: ignore[misc]

    def _visible_column(self, name: Any) -> Any:
        if not isinstance(name, str):
            return name
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return name
        if not isinstance(field, CharField | TextField):
            return name
        return _column(name, str(field.verbose_name))


def _column(name: str, title: str) -> Callable[[Any], str]:
    def column(obj: Any) -> str:
        return visible(getattr(obj, name))

    column.__name__ = name  # what the column's CSS class is keyed by
    column.short_description = title  # type: ignore[attr-defined]  # what admin.display would set
    column.admin_order_field = name  # type: ignore[attr-defined]
    return column
