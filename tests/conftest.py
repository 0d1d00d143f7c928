"""Shared fixtures: two workspaces and three people, so every feature gets its cross-tenant test.

- `workspace` ("acme") has `owner` (owner) and `member` (member);
- `other_workspace` ("globex") has `outsider` (owner), who is not in `workspace`.

And sessions to read: `prototype` and `dev` in `workspace`, `foreign` (a dev session) in `other_workspace`.
"""

import pytest
from django.db import connection, connections

from sessions_app.models import Session
from tests.factories import MembershipFactory, MessageFactory, SessionFactory, UserFactory, WorkspaceFactory, add_file
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


@pytest.fixture
def closed_wall(db):
    """The rest of the test's transaction as a production connection starts: no workspace, and not every
    workspace either (tests/settings.py opens the database wall for test code), so the code under test
    sees only what it asks for itself. Ask for it after the fixtures that write."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('alloy.all_workspaces', '', true)")


@pytest.fixture
def staff_client(client):
    """A Django test client signed in as an ops superuser (the Django admin's audience)."""
    client.force_login(UserFactory(email="ops@alloy.test", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def prototype(workspace, owner):
    session = SessionFactory(workspace=workspace, created_by=owner, title="Todo app")
    for index in range(5):
        MessageFactory(session=session, index=index, role="user" if index % 2 == 0 else "assistant")
    add_file(session, "src/App.jsx", after="export default function App() {}\n")
    add_file(session, "src/main.jsx", after="import App from './App'\nrender(App)\n")
    add_file(session, "package.json", after='{"name": "todo"}\n')
    return session


@pytest.fixture
def dev(workspace, owner):
    session = SessionFactory(workspace=workspace, created_by=owner, kind=Session.Kind.DEV, title="Add rate limits")
    add_file(session, "api/limits.py", before=None, after="LIMIT = 10\n")
    add_file(session, "api/views.py", before="def view():\n    pass\n", after="def view():\n    check()\n")
    add_file(session, "old.txt", before="gone\n", after=None)
    return session


@pytest.fixture
def foreign(other_workspace, outsider):
    session = SessionFactory(workspace=other_workspace, created_by=outsider, kind=Session.Kind.DEV, title="Secret")
    MessageFactory(session=session, index=0, content="their secret")
    add_file(session, "secret.py", before="a\n", after="b\n")
    return session
