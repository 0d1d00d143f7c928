"""People and workspaces: email sign-in, memberships, and the reads built on them."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import MembershipFactory, WorkspaceFactory
from workspaces import selectors
from workspaces.models import Membership, User, Workspace

pytestmark = pytest.mark.django_db


def test_users_sign_in_by_email_case_insensitively(rf):
    User.objects.create_user("Ada@Example.COM", password="a long enough password")
    assert User.objects.get().email == "ada@example.com"
    request = rf.post("/login/")  # django-axes counts sign-ins per request's address
    assert authenticate(request, email="ada@example.com", password="a long enough password") is not None
    assert authenticate(request, email="ada@example.com", password="wrong") is None


def test_a_user_needs_an_email():
    with pytest.raises(ValueError, match="needs an email"):
        User.objects.create_user("", password="x")


def test_workspace_slug_is_validated():
    with pytest.raises(ValidationError):
        Workspace(slug="Not A Slug", name="x").full_clean()
    Workspace(slug="acme-2", name="x").full_clean()


def test_one_membership_per_person_and_workspace(owner, workspace):
    with pytest.raises(IntegrityError):
        MembershipFactory(user=owner, workspace=workspace)


def test_workspaces_for_user_lists_only_theirs(owner, workspace, other_workspace, outsider):
    WorkspaceFactory(slug="zeta")
    assert list(selectors.workspaces_for_user(user=owner)) == [workspace]
    assert list(selectors.workspaces_for_user(user=outsider)) == [other_workspace]


def test_membership_get_and_roles(owner, member, outsider, workspace):
    assert selectors.membership_get(workspace=workspace, user=owner).can_manage
    assert not selectors.membership_get(workspace=workspace, user=member).can_manage
    assert selectors.membership_get(workspace=workspace, user=outsider) is None
    admin = MembershipFactory(workspace=workspace, role=Membership.Role.ADMIN).user
    assert selectors.membership_get(workspace=workspace, user=admin).can_manage


def test_user_get_by_email(owner):
    assert selectors.user_get_by_email(email=" OWNER@acme.test ") == owner
    assert selectors.user_get_by_email(email="nobody@acme.test") is None
