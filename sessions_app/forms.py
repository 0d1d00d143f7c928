"""The home page's filters: which workspace, a title search, kind, status, and where the page starts."""

from __future__ import annotations

from datetime import datetime

from django import forms

from sessions_app.models import Session
from sessions_app.search import MAX_QUERY_LENGTH


def page_key(session: Session) -> str:
    """Where a page starting at `session` starts, as the `after` parameter carries it."""
    return f"{session.updated_at.isoformat()}_{session.pk}"


class SessionFilterForm(forms.Form):
    workspace = forms.ChoiceField(required=False)
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, strip=True, label="Search titles")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Session.Kind.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Session.Status.choices])
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, workspace_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        workspace = self.fields["workspace"]
        assert isinstance(workspace, forms.ChoiceField)
        workspace.choices = workspace_choices

    def clean_after(self) -> tuple[datetime, int] | None:
        value = self.cleaned_data["after"]
        if not value:
            return None
        moment, _, pk = value.rpartition("_")
        try:
            start = datetime.fromisoformat(moment), int(pk)
        except ValueError:
            start = None
        if start is None or start[0].tzinfo is None:
            raise forms.ValidationError("This page link is not one Alloy made; start again from the first page.")
        return start
