"""Shared fixtures: two workspaces and three people, so every feature gets its cross-tenant test.

- `workspace` ("acme") has `owner` (owner) and `member` (member);
- `other_workspace` ("globex") has `outsider` (owner), who is not in `workspace`.
"""

import pytest
from django.db import connections

from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from workspaces.models import Membership


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(slug="acme", name="Acme")


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(slug="globex", name="Globex")


@pytest.fixture
def owner(workspace):
    user = UserFactory(email="owner@acme.test", name="Olive Owner")
    MembershipFactory(user=user, workspace=workspace, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def member(workspace):
    user = UserFactory(email="member@acme.test", name="Max Member")
    MembershipFactory(user=user, workspace=workspace, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def outsider(other_workspace):
    user = UserFactory(email="outsider@globex.test", name="Otto Outsider")
    MembershipFactory(user=user, workspace=other_workspace, role=Membership.Role.OWNER)
    return user


@pytest.fixture(scope="session", autouse=True)
def close_connection_pool(django_db_setup, django_db_blocker):
    """Close the pooled connections worker threads gave back, so the test database can be dropped."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            if getattr(connection, "pool", None) is not None:
                connection.close_pool()
