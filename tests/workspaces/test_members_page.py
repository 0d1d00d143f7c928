"""Settings → Members: owners and admins add people who have an account, change roles and remove people; the
last owner stays; only owners make or unmake owners; members read; outsiders get 404. Removing someone ends
their OAuth tokens on their next request."""

import pytest

from mcp_gateway.auth.credentials import credential_is_live
from mcp_gateway.auth.resolve import principal_for_access_token
from tests.factories import MembershipFactory, OAuthApplicationFactory, UserFactory, make_access_token, signed_in
from workspaces.models import AuditEvent, Membership

pytestmark = pytest.mark.django_db

URL = "/acme/settings/members/"


@pytest.fixture
def admin(workspace):
    user = UserFactory(email="admin@acme.test", name="Ada Admin")
    MembershipFactory(user=user, workspace=workspace, role=Membership.Role.ADMIN)
    return user


def membership_of(user, workspace) -> Membership:
    return Membership.objects.get(user=user, workspace=workspace)


def test_an_owner_adds_a_person_with_an_account_and_it_is_in_the_audit_trail(owner, workspace):
    UserFactory(email="dana@example.com")
    client = signed_in(owner)
    response = client.post(URL, {"action": "add", "email": " Dana@Example.com ", "role": "admin"})
    assert response.status_code == 302
    added = Membership.objects.get(workspace=workspace, user__email="dana@example.com")
    assert added.role == "admin"
    event = AuditEvent.objects.get()
    assert (event.actor_label, event.action, event.target, event.change) == (
        "owner@acme.test",
        "member.added",
        "dana@example.com",
        "role: none → admin",
    )
    assert "Added dana@example.com as admin." in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("email", "says"),
    [("nobody@example.com", "No one has an Alloy account with the email"), ("member@acme.test", "already a member")],
)
def test_adding_someone_who_cannot_be_added_says_why_and_keeps_what_was_typed(owner, member, email, says):
    response = signed_in(owner).post(URL, {"action": "add", "email": email, "role": "admin"})
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page
    assert f'value="{email}"' in page
    assert '<option value="admin" selected>' in page
    assert not AuditEvent.objects.exists()


def test_roles_change_and_an_admin_cannot_make_or_touch_owners(owner, admin, member, workspace):
    target = membership_of(member, workspace)
    assert signed_in(admin).post(URL, {"action": "role", "member": target.pk, "role": "admin"}).status_code == 302
    assert membership_of(member, workspace).role == "admin"
    refused = signed_in(admin).post(URL, {"action": "role", "member": target.pk, "role": "owner"})
    assert "Only an owner can make someone an owner" in refused.content.decode()
    the_owner = membership_of(owner, workspace)
    refused = signed_in(admin).post(URL, {"action": "remove", "member": the_owner.pk})
    assert "Only an owner can remove an owner" in refused.content.decode()
    assert membership_of(owner, workspace).role == "owner"
    assert [event.change for event in AuditEvent.objects.all()] == ["role: member → admin"]


def test_the_last_owner_can_be_neither_demoted_nor_removed_until_there_is_another(owner, member, workspace):
    mine = membership_of(owner, workspace)
    refused = signed_in(owner).post(URL, {"action": "role", "member": mine.pk, "role": "member"})
    assert refused.status_code == 400
    assert "owner@acme.test is the last owner of acme; make someone else an owner first" in refused.content.decode()
    signed_in(owner).post(URL, {"action": "role", "member": membership_of(member, workspace).pk, "role": "owner"})
    assert signed_in(owner).post(URL, {"action": "role", "member": mine.pk, "role": "member"}).status_code == 302
    assert membership_of(owner, workspace).role == "member"


def test_removing_someone_ends_their_oauth_tokens_and_is_in_the_audit_trail(owner, member, workspace, settings):
    token = make_access_token(
        user=member, application=OAuthApplicationFactory(), workspace=workspace, settings=settings
    )
    principal = principal_for_access_token(token=token)
    assert credential_is_live(principal=principal)
    response = signed_in(owner).post(URL, {"action": "remove", "member": membership_of(member, workspace).pk})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=member, workspace=workspace).exists()
    assert not credential_is_live(principal=principal)
    assert AuditEvent.objects.get().change == "role: member → none"


@pytest.mark.parametrize(
    "body",
    [
        {"action": "remove", "member": "999999"},
        {"action": "remove", "member": "1; DROP TABLE"},
        {"action": "role", "member": "", "role": "member"},
        {"action": "explode"},
        {"action": "add", "email": "member@acme.test", "role": "superuser"},
    ],
)
def test_malformed_changes_are_refused_with_a_sentence_and_change_nothing(owner, member, workspace, body):
    response = signed_in(owner).post(URL, body)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert Membership.objects.filter(workspace=workspace).count() == 2
    assert not AuditEvent.objects.exists()


def test_a_member_reads_but_cannot_change_and_an_outsider_cannot_touch_another_workspace(
    owner, member, outsider, workspace
):
    page = signed_in(member).get(URL).content.decode()
    assert "owner@acme.test" in page
    assert "Add member" not in page
    owner_membership = membership_of(owner, workspace)
    assert signed_in(member).post(URL, {"action": "remove", "member": owner_membership.pk}).status_code == 403
    assert signed_in(outsider).post(URL, {"action": "remove", "member": owner_membership.pk}).status_code == 404
    # An owner of another workspace names a membership of this one: not found there.
    theirs = "/globex/settings/members/"
    response = signed_in(outsider).post(theirs, {"action": "remove", "member": membership_of(member, workspace).pk})
    assert "not a member of this workspace" in response.content.decode()
    assert Membership.objects.filter(workspace=workspace).count() == 2
