"""Keep secrets out of the logs, whatever the log level.

One filter on the handler every log line goes through (settings.LOGGING), for three leaks:

- oauthlib and django-oauth-toolkit log codes, tokens and whole requests at DEBUG (e.g. "Validating
  refresh token %s"): their DEBUG lines keep the wording and lose every value.
- The access log writes the query string, where a client may have put its key: the path is kept, the
  query string is not.
- Anything else that looks like a secret — an MCP or ingestion key, a bearer credential, a `code=`/`token=`/
  `client_secret=`… pair in a URL, a form or a dict — is cut to what identifies it (a key's public
  prefix) or to nothing.
"""

from __future__ import annotations

import logging
import re

from mcp_gateway.auth.key_format import INGEST_KEYS, LOOKUP_LENGTH, MCP_KEYS

REDACTED = "[redacted]"
OAUTH_LOGGERS = ("oauthlib", "oauth2_provider")
ACCESS_LOGGERS = ("uvicorn.access", "gunicorn.access")
SENSITIVE_FIELDS = (
    "code|code_verifier|access_token|refresh_token|id_token|token|client_secret|registration_access_token"
    "|password|api_key|key|x-mcp-api-key|x-api-key|authorization"
)

_FORMAT_SPECIFIER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
_PATTERNS = [
    # An MCP or ingestion key: keep its public prefix (shown in every key list), drop the rest.
    *(
        (re.compile(rf"({re.escape(kind.prefix)}[0-9A-Za-z]{{{LOOKUP_LENGTH}}})[0-9A-Za-z]+"), rf"\1…{REDACTED}")
        for kind in (MCP_KEYS, INGEST_KEYS)
    ),
    (re.compile(r"(?i)\b(bearer)\s+[^\s'\",;]+"), rf"\1 {REDACTED}"),
    # name=value (query strings, forms) and 'name': 'value' (dicts, headers).
    (re.compile(rf"(?i)(\b(?:{SENSITIVE_FIELDS})=)[^&\s'\",;]+"), rf"\1{REDACTED}"),
    (re.compile(rf"(?i)(['\"](?:{SENSITIVE_FIELDS})['\"]\s*:\s*)(?:'[^']*'|\"[^\"]*\"|b'[^']*')"), rf"\1'{REDACTED}'"),
]


def redact(text: str) -> str:
    """`text` with everything that looks like a secret replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(ACCESS_LOGGERS) and isinstance(record.args, tuple) and len(record.args) == 5:
            # uvicorn: (client, method, path with query, HTTP version, status).
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        elif record.name.startswith(OAUTH_LOGGERS) and record.levelno < logging.INFO and record.args:
            record.msg = _FORMAT_SPECIFIER.sub(REDACTED, str(record.msg)).replace("%%", "%")
            record.args = ()
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
