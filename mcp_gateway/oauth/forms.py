from django import forms
from oauth2_provider.forms import AllowForm

from alloy.visible import visible
from workspaces.models import User, Workspace
from workspaces.selectors import workspaces_for_user


class WorkspaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, workspace: Workspace) -> str:
        return visible(f"{workspace.name} ({workspace.slug})")


class ConsentForm(AllowForm):
    """django-oauth-toolkit's consent form, plus the one workspace the token will read."""

    workspace = WorkspaceChoiceField(queryset=None, empty_label=None, label="Workspace")

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Only the person's own workspaces: a tampered form names no other.
        self.fields["workspace"].queryset = workspaces_for_user(user=user)
