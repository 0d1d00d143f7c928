"""Secure by default when the public URL is https: the settings a deployment gets,
`check --deploy` clean with the README's production environment, and what the headers do."""

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT

# The README's production environment ("Deploying behind HTTPS").
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "alloy.settings",
    "SECRET_KEY": "x7Vq2pLr9ZkT4mWc8YbN1sHd6FgJ3aRe5UiO0yQwEtKzXvBnMlPo-_+=!@#$%^&*()",
    "ALLOY_PUBLIC_URL": "https://mcp.example.com",
    "ALLOWED_HOSTS": "mcp.example.com",
    "DATABASE_URL": "postgres://alloy_serving@db.example.com:5432/alloy",
    "DATABASE_OPS_URL": "postgres://alloy@db.example.com:5432/alloy",
    "REDIS_URL": "redis://cache.example.com:6379/0",
    "BEHIND_TLS_PROXY": "true",
}


def run(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    clean = {name: value for name, value in os.environ.items() if name not in ("DEBUG", "DATABASE_URL", "REDIS_URL")}
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=clean | PRODUCTION | environment, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_the_production_settings():
    done = run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_an_https_public_url_turns_on_secure_cookies_hsts_and_the_redirect():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS]))"
    )
    assert json.loads(run("-c", script).stdout) == [True, True, True, 31_536_000]
    local = json.loads(run("-c", script, ALLOY_PUBLIC_URL="http://127.0.0.1:8000", DEBUG="true").stdout)
    assert local == [False, False, False, 0]


@pytest.fixture
def https_settings(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.mark.django_db
def test_plain_http_pages_redirect_to_https_but_the_health_check_answers(client, https_settings):
    response = client.get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_pages_over_https_carry_hsts_and_a_content_security_policy(client, https_settings):
    response = client.get("/login/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.content.decode()  # nothing inline for the policy to block


@pytest.mark.django_db
def test_session_cookies_are_secure(client, owner, https_settings):
    https_settings.SESSION_COOKIE_SECURE = https_settings.CSRF_COOKIE_SECURE = True
    owner.set_password("a-long-password-1")
    owner.save()
    page = client.get("/login/", headers={"x-forwarded-proto": "https"})
    response = client.post(
        "/login/",
        {
            "username": owner.email,
            "password": "a-long-password-1",
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
        },
        headers={"x-forwarded-proto": "https"},
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"]
    assert page.cookies["csrftoken"]["secure"]
