"""`./manage.py` works from the checkout whatever Python starts it (it used to need the venv's)."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_manage_py_started_by_the_system_python_runs_in_the_checkouts_venv():
    system_python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin") or shutil.which("python3")
    environment = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    environment["ALLOY_ENV_FILE"] = ""
    finished = subprocess.run(
        [system_python, "manage.py", "help", "--commands"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    assert "create_mcp_key" in finished.stdout.split()
