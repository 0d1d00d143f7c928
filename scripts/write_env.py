"""The checkout's .env for local use (`make run` calls it every run; git-ignored).

Written the first time with a SECRET_KEY of its own (DEBUG stays off); each run then sets ALLOY_PUBLIC_URL
to the address `make run` serves on, so `./manage.py demo_mcp_key` and the other commands hand out
that address too (after `make run PORT=18840` they printed port 8000). Other lines are kept as they are.

    python scripts/write_env.py PATH PUBLIC_URL
"""

import secrets
import sys
from pathlib import Path

path, public_url = Path(sys.argv[1]), sys.argv[2]
if path.exists():
    lines = [line for line in path.read_text().splitlines() if not line.startswith("ALLOY_PUBLIC_URL=")]
else:
    lines = [
        "# Written by `make run` for local use (git-ignored). Production sets its own environment.",
        f"SECRET_KEY={secrets.token_urlsafe(50)}",
    ]
    print(f"Wrote {path} (a generated SECRET_KEY) so manage.py commands work in this checkout.")
path.write_text("\n".join([*lines, f"ALLOY_PUBLIC_URL={public_url}"]) + "\n")
path.chmod(0o600)
