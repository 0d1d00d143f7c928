"""What `make run` and `make serve` leave and refuse: the checkout's .env follows the demo's address, and
production refuses to start without a production environment (it used to run on SQLite with DEBUG)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret",
    "DATABASE_URL": "postgres://alloy_serving@db.internal:5432/alloy",
    "DATABASE_OPS_URL": "postgres://alloy@db.internal:5432/alloy",
    "ALLOY_PUBLIC_URL": "https://mcp.example.com",
}


def run_script(script: str, *arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in ("DEBUG", *PRODUCTION)}
    return subprocess.run(
        [sys.executable, f"scripts/{script}", *arguments],
        cwd=ROOT,
        env=clean | environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_env_file_is_written_once_and_keeps_the_last_public_url(tmp_path):
    env_file = tmp_path / ".env"
    run_script("write_env.py", str(env_file), "http://127.0.0.1:8000", environment={})
    first = env_file.read_text()
    run_script("write_env.py", str(env_file), "http://127.0.0.1:18840", environment={})
    second = env_file.read_text().splitlines()
    assert [line for line in second if line.startswith("SECRET_KEY=")] == [
        line for line in first.splitlines() if line.startswith("SECRET_KEY=")
    ]
    assert [line for line in second if line.startswith("ALLOY_PUBLIC_URL=")] == [
        "ALLOY_PUBLIC_URL=http://127.0.0.1:18840"
    ]
    assert not [line for line in second if line.startswith("DEBUG")]  # the demo shows Alloy's error pages
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"


def test_production_starts_with_a_production_environment():
    assert run_script("check_production_env.py", environment=PRODUCTION).returncode == 0


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"DATABASE_URL": "sqlite:///var/db.sqlite3"}, "DATABASE_URL must name a PostgreSQL database"),
        ({"ALLOY_PUBLIC_URL": ""}, "ALLOY_PUBLIC_URL is not set"),
        ({"DATABASE_OPS_URL": ""}, "DATABASE_OPS_URL must name the same PostgreSQL database"),
        ({"DATABASE_OPS_URL": "postgres://alloy_serving@db.internal:5432/alloy"}, "name the same role"),
    ],
)
def test_production_refuses_to_start_and_says_what_is_missing(change, says):
    finished = run_script("check_production_env.py", environment=PRODUCTION | change)
    assert finished.returncode == 1
    assert says in finished.stdout
    assert "use `make run`" in finished.stdout


def test_the_benchmark_refuses_a_database_name_it_cannot_use():
    finished = run_script("benchmark.py", environment={"BENCH_DATABASE": "bench; DROP DATABASE x"})
    assert finished.returncode == 1
    assert "BENCH_DATABASE must be a plain database name" in finished.stderr
