"""Wrong passwords on /login/: after ALLOY_LOGIN_FAILURES_BEFORE_LOCKOUT for one
account from one address, that address gets 429 and a page saying for how long; the right password from
another address still signs in."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "the right password, long enough"


@pytest.fixture
def person():
    user = UserFactory(email="ada@acme.test")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(address: str, password: str, email: str = "ada@acme.test"):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": email, "password": password})


def test_the_attempt_after_the_limit_is_refused_with_retry_after(person, settings):
    allowed = settings.AXES_FAILURE_LIMIT - 1  # wrong passwords answered as such; the next one locks
    statuses = [sign_in("203.0.113.5", f"guess {n}").status_code for n in range(allowed)]
    assert statuses == [200] * allowed  # the form again, with its error
    assert sign_in("203.0.113.5", "guess again").status_code == 429
    locked = sign_in("203.0.113.5", PASSWORD)  # even the right password, from there
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "Sign-in paused" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()


def test_the_right_password_from_another_address_still_signs_in(person, settings):
    for n in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in("203.0.113.5", f"guess {n}")
    response = sign_in("198.51.100.20", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_another_account_from_the_same_address_is_not_locked(person, settings):
    UserFactory(email="bob@acme.test")
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in("203.0.113.5", f"guess {n}")
    assert sign_in("203.0.113.5", "wrong", email="bob@acme.test").status_code == 200


def test_the_account_is_counted_whatever_the_case_of_its_email(person, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in("203.0.113.5", f"guess {n}", email="ADA@acme.test" if n % 2 else "ada@acme.test")
    assert sign_in("203.0.113.5", PASSWORD).status_code == 429


def test_a_success_resets_the_count(person, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in("203.0.113.5", f"guess {n}")
    assert sign_in("203.0.113.5", PASSWORD).status_code == 302
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in("203.0.113.5", f"guess {n}")
    assert sign_in("203.0.113.5", PASSWORD).status_code == 302


def test_a_username_longer_than_any_email_is_a_wrong_password_not_a_500(person):
    # Found by tests/workspaces/test_malformed_sign_in.py: django-axes stored it in a 255-character column.
    assert sign_in("203.0.113.5", "guess", email="x" * 5000).status_code == 200
