"""Settings for Alloy MCP, read from the environment (12-factor, django-environ).

Every setting has a working local default so `make run` needs no environment at all; production
sets at least `SECRET_KEY`, `DATABASE_URL` (PostgreSQL), `ALLOY_PUBLIC_URL` and `ALLOWED_HOSTS`.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A checkout's .env — written by `make run` with a generated SECRET_KEY and the address it serves
# on — so management commands work there as the demo does. The environment wins over it. ALLOY_ENV_FILE
# names another file, or none when empty (the tests and `make serve` set that).
_env_file = os.environ.get("ALLOY_ENV_FILE", str(BASE_DIR / ".env"))
if _env_file and Path(_env_file).is_file():
    environ.Env.read_env(_env_file)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

# The origin people and Claude reach this service at; session links and OAuth metadata use it.
ALLOY_PUBLIC_URL = env.str("ALLOY_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
_public_host = urlsplit(ALLOY_PUBLIC_URL).hostname or "127.0.0.1"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[_public_host, "localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[ALLOY_PUBLIC_URL])

# Hosts whose session links we accept when a link is pasted (see sessions_app/links.py).
ALLOY_LINK_HOSTS = [host.lower() for host in env.list("ALLOY_LINK_HOSTS", default=["alloy.app", _public_host])]
# What one tool result may cost Claude, in tokens estimated conservatively (mcp_gateway/protocol/tools/budget.py):
# under Claude Code's warning at 10,000 tokens of tool output; longer content is paged or cut, and says so.
ALLOY_MCP_MAX_RESULT_TOKENS = env.int("ALLOY_MCP_MAX_RESULT_TOKENS", default=8_000)
# Validate every tool result against the tool's output schema before sending it: the tests do (in process
# and end to end); production leaves it off, as it costs 4% of a call and the results are built to the schema.
ALLOY_MCP_CHECK_RESULTS = env.bool("ALLOY_MCP_CHECK_RESULTS", default=False)
# Browser origins allowed to call /mcp (requests without an Origin header, like Claude's, always are).
ALLOY_MCP_ALLOWED_ORIGINS = env.list("ALLOY_MCP_ALLOWED_ORIGINS", default=[ALLOY_PUBLIC_URL])
# The largest request body /mcp accepts, in bytes (tool calls are small).
ALLOY_MCP_MAX_REQUEST_BYTES = env.int("ALLOY_MCP_MAX_REQUEST_BYTES", default=1_000_000)
# The largest body the ingestion API accepts, in bytes (ingest/api.py): a batch of messages or files.
ALLOY_INGEST_MAX_REQUEST_BYTES = env.int("ALLOY_INGEST_MAX_REQUEST_BYTES", default=8_000_000)
# Threads that run tool work (ORM calls) at once, per process; keep it at most the pool's max size.
ALLOY_MCP_WORKER_THREADS = env.int("ALLOY_MCP_WORKER_THREADS", default=8)
# Tool calls one credential may have running in a process at once (mcp_gateway/protocol/fair_share.py): half
# the threads by default, so no one caller's burst holds them all; a call past it waits up to 1 s for a slot,
# then is told to retry.
ALLOY_MCP_CALLS_PER_CREDENTIAL = env.int(
    "ALLOY_MCP_CALLS_PER_CREDENTIAL", default=max(1, ALLOY_MCP_WORKER_THREADS // 2)
)
# Characters of computed diffs each process keeps, so the pages of a long diff do not recompute it.
ALLOY_DIFF_CACHE_CHARS = env.int("ALLOY_DIFF_CACHE_CHARS", default=20_000_000)
# How long a thread may hold the GIL before another may take it (Python's default is 0.005; see asgi.py).
ALLOY_GIL_SWITCH_INTERVAL_SECONDS = env.float("ALLOY_GIL_SWITCH_INTERVAL_SECONDS", default=0.001)
# MCP keys are stored as HMAC-SHA256(key, this secret). Changing it invalidates every key.
MCP_KEY_HASH_SECRET = env.str("MCP_KEY_HASH_SECRET", default=SECRET_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "oauth2_provider",
    "axes",
    "workspaces",
    "sessions_app",
    "mcp_gateway",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "alloy.middleware.refuse_unstorable_input",
    "alloy.middleware.DatabaseOutage",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alloy.middleware.person_behind_the_wall",
    "alloy.middleware.admin_sees_every_workspace",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "alloy.middleware.content_security_policy",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "alloy.urls"
ASGI_APPLICATION = "alloy.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Seconds one statement of a request may take, its waits for locks included (0: no limit): past it the
# request answers 503 (alloy/database.py) and its worker is free again, so one long migration or stuck
# transaction cannot hold every worker. manage.py commands run without one (a migration may take long).
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=5)
# Behind a pooler in transaction mode (PgBouncer's pool_mode = transaction): consecutive transactions of a
# connection may run on different server connections, and PgBouncer before 1.21 refuses startup options.
# So no statements are kept prepared, and the statement budget is not sent: the pooler sets it
# (connect_query, README "How it scales"). Unnamed server-side statements and pipelines still work.
DATABASE_TRANSACTION_POOLING = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
# Where each process LISTENs for running sessions' changes (sessions_app/following.py): one connection a
# process, held open. Default: DATABASE_URL. Behind a pooler in transaction mode, PostgreSQL itself (a LISTEN
# through the pooler hears nothing, and pages would follow only by their own reads every 15 s).
ALLOY_LISTEN_DATABASE_URL = env.str("ALLOY_LISTEN_DATABASE_URL", default="")


def _database(url: str) -> dict:
    """A database as DATABASE_URL (or a replica's URL) names it, with how this service uses PostgreSQL."""
    database = env.db_url_config(url)
    if database["ENGINE"] != "django.db.backends.postgresql":
        return database
    # Django's psycopg pool: connections are reused across requests and threads without
    # persistent per-thread connections (the pool requires CONN_MAX_AGE = 0).
    database["CONN_MAX_AGE"] = 0
    database.setdefault("OPTIONS", {}).update(
        # Server-side parameters, and statements run this many times on a connection kept prepared:
        # PostgreSQL then stops re-planning the tools' reads (2 ms a call for the chat page, measured).
        server_side_binding=True,
        prepare_threshold=None if DATABASE_TRANSACTION_POOLING else env.int("DATABASE_PREPARE_THRESHOLD", default=5),
        # A connection is either there at once or the database is down: the pool holds more connections
        # than the threads that take them (ALLOY_MCP_WORKER_THREADS, plus one for the pages), so a wait
        # for one is an outage, answered 503 within this many seconds rather than after the default 30
        # (for a replica: the reads go to the primary instead, alloy/replicas.py).
        pool={
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=20),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=1.0),
        },
    )
    database["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2))
    if DATABASE_STATEMENT_TIMEOUT > 0 and not DATABASE_TRANSACTION_POOLING:
        budget = f"{round(DATABASE_STATEMENT_TIMEOUT * 1000)}ms"
        database["OPTIONS"]["options"] = f"-c statement_timeout={budget} -c lock_timeout={budget}"
    return database


# Two database roles (alloy/database_roles.py). DATABASE_URL is the serving role's: /mcp, the pages and the API
# run as it, and the wall (sessions_app/tenancy.py) always narrows it to the workspace it set. DATABASE_OPS_URL
# is the operations role's, the one that owns the tables: migrations, commands and the admin's work across
# workspaces run as it; it alone can open every workspace. manage.py commands (ALLOY_OPERATIONS_PROCESS) take
# it as their only database; the server holds it as the `operations` alias beside its own. Unset (the demo's
# SQLite, which has no wall), everything runs as DATABASE_URL.
DATABASE_SERVING_URL = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'alloy.sqlite3'}")
DATABASE_OPS_URL = env.str("DATABASE_OPS_URL", default="")
OPERATIONS_PROCESS = env.bool("ALLOY_OPERATIONS_PROCESS", default=False)
DATABASES = {
    "default": _database(DATABASE_OPS_URL if OPERATIONS_PROCESS and DATABASE_OPS_URL else DATABASE_SERVING_URL)
}
if DATABASE_OPS_URL and not OPERATIONS_PROCESS and DATABASE_OPS_URL != DATABASE_SERVING_URL:
    # Only the admin's staff requests use it, a few at a time: a small pool, opened on demand.
    DATABASES["operations"] = {**_database(DATABASE_OPS_URL), "TEST": {"MIRROR": "default"}}
    if "pool" in DATABASES["operations"]["OPTIONS"]:
        DATABASES["operations"]["OPTIONS"]["pool"] = {
            **DATABASES["operations"]["OPTIONS"]["pool"],
            "min_size": 0,
            "max_size": env.int("DATABASE_OPS_POOL_MAX_SIZE", default=4),
        }
# The role migrations grant the serving privileges to (alloy/database_roles.py): DATABASE_URL's user when
# DATABASE_OPS_URL names another one.
_SERVING_USER = env.db_url_config(DATABASE_SERVING_URL).get("USER", "")
_OPS_USER = env.db_url_config(DATABASE_OPS_URL).get("USER", "") if DATABASE_OPS_URL else _SERVING_USER
DATABASE_SERVING_ROLE = env.str("DATABASE_SERVING_ROLE", default=_SERVING_USER if _OPS_USER != _SERVING_USER else "")
# Streaming standbys of the primary (comma-separated URLs): the tools' and pages' session reads go to them,
# everything else to the primary (alloy/replicas.py). Aliases replica_1, replica_2, …; the tests mirror
# them onto the primary's test database rather than create them.
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    DATABASES[f"replica_{_number}"] = {**_database(_url), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["alloy.database_roles.OperationsRouter", "alloy.replicas.ReplicaRouter"]
# Seconds a replica that failed is left out before reads try it again.
DATABASE_REPLICA_RETRY_SECONDS = env.float("DATABASE_REPLICA_RETRY_SECONDS", default=10)

REDIS_URL = env.str("REDIS_URL", default="")
# /metrics (alloy/metrics.py) answers only `Authorization: Bearer <this>`; empty: /metrics is not served.
ALLOY_METRICS_TOKEN = env.str("ALLOY_METRICS_TOKEN", default="")
if REDIS_URL:
    # Shared by every process: rate limits (client registration) count across all of them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer is a Redis that is down (workspaces/throttle.py counts alone then),
            # not a request that waits for the operating system's TCP timeout.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Days the MCP activity log keeps each call; `manage.py prune_mcp_activity` deletes older ones (run it daily).
ALLOY_ACTIVITY_RETENTION_DAYS = env.int("ALLOY_ACTIVITY_RETENTION_DAYS", default=90)
# Rate limits on /mcp (mcp_gateway/transport/rate_limits.py), shared by every process through REDIS_URL; 0 turns
# one off. Calls per key or token and minute, and refused credentials per source address and minute.
ALLOY_MCP_CALLS_PER_MINUTE = env.int("ALLOY_MCP_CALLS_PER_MINUTE", default=600)
ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE = env.int("ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE", default=20)
# Seconds a verified credential is remembered by each process (mcp_gateway/auth/credentials.py). Safe
# across processes: every request still confirms in the database, at no extra round trip for a tool
# call, that its credential is live, so a revocation is refused at once everywhere. 0 switches it off.
ALLOY_CREDENTIAL_CACHE_SECONDS = env.int("ALLOY_CREDENTIAL_CACHE_SECONDS", default=60)

AUTH_USER_MODEL = "workspaces.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# Wrong passwords (django-axes): the ALLOY_LOGIN_FAILURES_BEFORE_LOCKOUT-th for one account from one
# address, and every attempt after it, gets 429 and a page that says so, for ALLOY_LOGIN_LOCKOUT_MINUTES;
# other addresses and other accounts are unaffected. Attempts are kept in the database, shared by every
# process; ops lift a lockout with `manage.py axes_reset_username EMAIL` or in the admin (Access attempts).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("ALLOY_LOGIN_FAILURES_BEFORE_LOCKOUT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ALLOY_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "workspaces.throttle.client_address"
AXES_USERNAME_CALLABLE = "workspaces.throttle.login_username"
AXES_LOCKOUT_CALLABLE = "workspaces.throttle.login_locked_out"
AXES_VERBOSE = False

# django-oauth-toolkit's models are swapped for ours (mcp_gateway) so that grants and tokens can
# carry the one workspace a user consented to. Swapping is only possible before the first migration.
OAUTH2_PROVIDER_APPLICATION_MODEL = "mcp_gateway.OAuthApplication"
OAUTH2_PROVIDER_GRANT_MODEL = "mcp_gateway.OAuthGrant"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "mcp_gateway.OAuthAccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "mcp_gateway.OAuthRefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "mcp_gateway.OAuthIDToken"
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = "mcp_gateway.OAuthDeviceGrant"

# The one protected resource, and the OAuth scope a token needs to read it.
ALLOY_MCP_RESOURCE = f"{ALLOY_PUBLIC_URL}/mcp"
ALLOY_MCP_SCOPE = "mcp"
# Dynamic client registrations accepted per source address and hour, and token requests per minute.
ALLOY_OAUTH_REGISTRATIONS_PER_HOUR = env.int("ALLOY_OAUTH_REGISTRATIONS_PER_HOUR", default=30)
ALLOY_OAUTH_TOKEN_REQUESTS_PER_MINUTE = env.int("ALLOY_OAUTH_TOKEN_REQUESTS_PER_MINUTE", default=60)

OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "mcp_gateway.oauth.validators.AlloyOAuth2Validator",
    "APPLICATION_ADMIN_CLASS": "mcp_gateway.admin.OAuthApplicationAdmin",
    "SCOPES": {ALLOY_MCP_SCOPE: "Read this workspace's Alloy sessions: chats, files and diffs"},
    "DEFAULT_SCOPES": [ALLOY_MCP_SCOPE],
    # The issuer every metadata document, token and RFC 9207 `iss` names: this origin, no trailing slash.
    "OIDC_ISS_ENDPOINT": ALLOY_PUBLIC_URL,
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # never a token in a query string
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # tokens kept only as SHA-256 checksums
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    # False: "http" stays allowed for loopback callbacks, which OAuthApplication.clean alone permits.
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": False,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # a reused refresh token revokes its whole family
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("ALLOY_OAUTH_ACCESS_TOKEN_SECONDS", default=3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("ALLOY_OAUTH_REFRESH_TOKEN_SECONDS", default=60 * 60 * 24 * 30),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],  # http only for loopback: see OAuthApplication.clean
    "ALLOW_LOCALHOST_LOOPBACK": True,  # mcp-remote listens on a port of its choosing
    "REQUEST_APPROVAL_PROMPT": "force",
    "DCR_ENABLED": True,
    "DCR_REGISTRATION_PERMISSION_CLASSES": ("oauth2_provider.dcr.AllowAllDCRPermission",),
    "CIMD_ENABLED": True,
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none", "client_secret_post", "client_secret_basic"],
    "OAUTH2_PROTECTED_RESOURCE_IDENTIFIER": ALLOY_MCP_RESOURCE,
    "OAUTH2_PROTECTED_RESOURCE_AUTHORIZATION_SERVERS": [ALLOY_PUBLIC_URL],
    "OAUTH2_PROTECTED_RESOURCE_NAME": "Alloy",
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")  # filled by `collectstatic`
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None

# Served over HTTPS (an https:// public URL): cookies only over TLS, HSTS, and plain http redirected
# to https (the health check excepted: load balancers probe it over http). /mcp refuses plain http.
SERVED_OVER_HTTPS = ALLOY_PUBLIC_URL.startswith("https://")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SERVED_OVER_HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SERVED_OVER_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SERVED_OVER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Scripts only from our own static files (no inline script anywhere); inline styles are allowed for
# the admin's widgets and the highlighter's stylesheet. The consent form's redirect to the client is
# why there is no form-action: browsers apply it to the redirect after the POST.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
)
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a submission to the browsers' list, the operator's decision (SECURE_HSTS_PRELOAD).
    "security.W021",
    # http redirect URIs are accepted for loopback hosts only (mcp-remote, RFC 8252 §7.3):
    # OAuthApplication.clean refuses every other http redirect, for registration and for the admin.
    "oauth2_provider.W008",
]

# `plain` lines for people; `json`, one object a line for log pipelines, with a line per MCP request
# (alloy/log_format.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "alloy.log_format.JsonFormatter"},
    },
    # Every line goes through RedactSecrets: no key, token, code or secret is written at any level.
    "filters": {"redact_secrets": {"()": "alloy.log_filters.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The MCP SDK logs every stateless request at INFO; keep its warnings and errors.
        "mcp": {"level": env.str("MCP_LOG_LEVEL", default="WARNING")},
        # The servers' access logs, through the same handler (and filter) instead of their own.
        "uvicorn.access": {"handlers": ["console"], "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "propagate": False},
    },
}
