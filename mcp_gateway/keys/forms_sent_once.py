"""Key-creation forms that create one key each, however often they are sent.

The page that shows a new key is the answer to the POST that made it: the key is never stored, so it
cannot be shown by a later GET. Reloading that page sends the form again, and used to make a second key
without a word. So each form carries a random id, the person's session remembers the ids of the last
forms that created a key (ids only, never a key), and a form sent again gets a sentence instead. A POST
without an id (a script, not a page a person can reload) is not held back.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest

FIELD = "form_id"
SESSION_KEY = "alloy.key_forms_sent"
REMEMBERED = 20
ALREADY_SENT = (
    "This form already created a key; its secret was shown once and is not kept. "
    "Open the form again to create another key."
)


def new_form_id() -> str:
    return secrets.token_urlsafe(16)


def was_sent(request: HttpRequest, form_id: str) -> bool:
    """Whether the form `form_id` already created a key for this person."""
    return bool(form_id) and form_id in request.session.get(SESSION_KEY, [])


def mark_sent(request: HttpRequest, form_id: str) -> None:
    if form_id:
        sent: list[str] = request.session.get(SESSION_KEY, [])
        request.session[SESSION_KEY] = [*sent[-(REMEMBERED - 1) :], form_id]


def first_sending(request: HttpRequest, form_id: str) -> bool:
    """Whether this is the first time the form `form_id` is sent by this person (and note that it was)."""
    if was_sent(request, form_id):
        return False
    mark_sent(request, form_id)
    return True
