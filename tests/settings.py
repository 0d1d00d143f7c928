"""Settings for the test suite: the real settings, on PostgreSQL, with test-only defaults."""

import os

# Never a developer's .env (make run writes one): the tests say everything they run with.
os.environ["ALLOY_ENV_FILE"] = ""

# A role that owns its tables but is not a superuser, as in production: superusers would bypass the
# row-level security the tests check (scripts/ensure-services.sh creates it).
os.environ.setdefault("DATABASE_URL", "postgres://alloy@127.0.0.1:5432/alloy_mcp")
# Open pool connections on demand: at start-up the test database does not exist yet.
os.environ.setdefault("DATABASE_POOL_MIN_SIZE", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ALLOY_PUBLIC_URL", "https://mcp.alloy.test")
# Every tool result is checked against its output schema (production leaves that to these tests).
os.environ.setdefault("ALLOY_MCP_CHECK_RESULTS", "true")

from alloy.settings import *  # noqa: F403

# The role the servers of tests/e2e serve as (alloy/database_roles.py): the test databases' migrations grant
# it its privileges. A setting, not the environment: the servers and commands the tests start derive theirs.
DATABASE_SERVING_ROLE = SERVING_ROLE = os.environ.get("ALLOY_TEST_SERVING_ROLE", "alloy_serving")

# Test code sees every workspace, as ops do, so factories can write and assertions read any of them: the
# database wall (sessions_app/tenancy.py) is opened on every test connection when no workspace is set.
# What the code under test restricts itself to still holds (a set workspace always narrows), and the
# server processes of tests/e2e run with the production settings, closed. Tests of the closed wall use
# a connection of their own (tests/sessions_app/test_tenancy.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    options = DATABASES["default"]["OPTIONS"].get("options", "")  # noqa: F405
    DATABASES["default"]["OPTIONS"]["options"] = f"{options} -c alloy.all_workspaces=on".strip()  # noqa: F405
    # The same backend, flushed faster after tests that commit (tests/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405

# The test client speaks plain http to an https public URL: no redirect (tests/test_https.py turns it on).
SECURE_SSL_REDIRECT = False

# MD5 is fast (tests only); PBKDF2 makes passwords the server process (production settings) can check.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
# Serve admin static files from the apps in tests (no collectstatic step).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
