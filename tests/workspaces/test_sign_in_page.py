"""The sign-in page: after a wrong password the cursor waits in Password, and a person sent here by an
app's OAuth request is told why they are signing in."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def autofocused(page: str) -> list[str]:
    return [re.search(r'id="(\w+)"', tag).group(1) for tag in re.findall(r"<input[^>]*>", page) if "autofocus" in tag]


def test_the_first_visit_starts_in_email_and_a_wrong_password_in_password(owner):
    client = Client()
    assert autofocused(client.get("/login/").content.decode()) == ["id_username"]
    wrong = client.post("/login/", {"username": owner.email, "password": "not it"})
    assert "do not match" in wrong.content.decode()
    assert autofocused(wrong.content.decode()) == ["id_password"]
    assert f'value="{owner.email}"' in wrong.content.decode()


def test_a_person_sent_by_an_apps_oauth_request_is_told_why():
    page = Client().get("/login/", {"next": "/authorize?client_id=abc&response_type=code"}).content.decode()
    assert "asks to read a workspace" in page
    assert "asks to read a workspace" not in Client().get("/login/", {"next": "/acme/settings/"}).content.decode()
