"""The workspace settings shell and its own sections, General and Members: members read them, outsiders
get the 404 a missing workspace gets, and the menu lists every section any app adds."""

import pytest
from django.test import Client

from tests.factories import MembershipFactory, signed_in
from workspaces.models import Membership

pytestmark = pytest.mark.django_db

SECTIONS = ["", "members/"]


@pytest.mark.parametrize("section", [*SECTIONS, "mcp/", "connected-apps/"])  # the shell around every section
def test_members_see_the_section_and_every_section_in_the_menu(member, section):
    page = signed_in(member).get(f"/acme/settings/{section}")
    assert page.status_code == 200
    for title in ("General", "Members", "MCP", "Connected apps"):
        assert f">{title}</a>" in page.content.decode()


@pytest.mark.parametrize("section", SECTIONS)
def test_outsiders_and_missing_workspaces_get_the_same_404(outsider, workspace, section):
    assert signed_in(outsider).get(f"/acme/settings/{section}").status_code == 404
    assert signed_in(outsider).get(f"/nowhere/settings/{section}").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(workspace):
    response = Client().get("/acme/settings/members/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/acme/settings/members/")


def test_general_shows_the_workspace_and_the_persons_role(member):
    page = signed_in(member).get("/acme/settings/").content.decode()
    assert "<code>acme</code>" in page
    assert "Member" in page


def test_members_lists_everyone_in_the_workspace_and_no_one_else(owner, member, outsider, workspace):
    admin = MembershipFactory(workspace=workspace, role=Membership.Role.ADMIN).user
    page = signed_in(member).get("/acme/settings/members/").content.decode()
    for person in (owner, member, admin):
        assert person.email in page
    assert outsider.email not in page


def test_other_workspaces_are_offered_in_the_menu(member, other_workspace):
    MembershipFactory(user=member, workspace=other_workspace)
    page = signed_in(member).get("/acme/settings/").content.decode()
    assert '<a href="/globex/settings/">Globex</a>' in page
