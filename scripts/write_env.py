"""Write a checkout's .env for local use, once: DEBUG on and a SECRET_KEY of its own (`make run` calls it)."""

import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
path.write_text(
    "# Written once by `make run` for local use (git-ignored). Production sets its own environment.\n"
    f"DEBUG=true\nSECRET_KEY={secrets.token_urlsafe(50)}\n"
)
path.chmod(0o600)
print(f"Wrote {path} (DEBUG and a generated SECRET_KEY) so manage.py commands work in this checkout.")
