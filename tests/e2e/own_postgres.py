"""PostgreSQL clusters of a test's own (not the shared one), which it may stop, start and copy: the outage
tests stop one, the replica tests stream one to a standby."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.e2e.conftest import ROOT, free_port

BIN = Path("/usr/lib/postgresql") / sorted(Path("/usr/lib/postgresql").glob("*"))[-1].name / "bin"
# initdb and postgres refuse to run as root: run them as the postgres account then.
AS_OWNER = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
# What a standby needs of its primary: a WAL sender and a connection it may stream with.
HBA = "local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n"


class OwnPostgres:
    """A cluster in `directory`: a new primary (`OwnPostgres.new`) or a streaming standby of one
    (`primary.standby`). `url` names its `postgres` database as the superuser, `url_for` another."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()

    @classmethod
    def new(cls, directory: Path) -> OwnPostgres:
        cluster = cls(directory)
        _run("initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres", "--no-sync")
        (cluster.data / "pg_hba.conf").write_text(HBA)
        return cluster

    def standby(self, directory: Path) -> OwnPostgres:
        """A hot standby streaming from this (running) cluster, as `pg_basebackup -R` makes one."""
        standby = OwnPostgres(directory)
        _run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"),
            *("-D", str(standby.data), "-R", "-X", "stream", "-c", "fast", "--no-sync"),
        )
        return standby

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"), "-w", "start")

    def stop(self) -> None:
        _run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    @property
    def url(self) -> str:
        return self.url_for("postgres", "postgres")

    def url_for(self, user: str, database: str) -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        """One statement as the superuser; its rows, one a line, columns split by |."""
        done = subprocess.run(
            [str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-At"],
            input=statement,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PSQLRC": "/dev/null", "PGOPTIONS": ""},
        )
        return done.stdout.strip()


def _run(tool: str, *arguments: str) -> None:
    subprocess.run([*AS_OWNER, str(BIN / tool), *arguments], check=True, capture_output=True)


@contextlib.contextmanager
def own_directory() -> Iterator[Path]:
    """A directory the postgres account may use (pytest's tmp_path is root's alone)."""
    directory = Path(tempfile.mkdtemp(prefix="alloy-pg-"))
    if AS_OWNER:
        shutil.chown(directory, "postgres")
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def stopped_at_the_end(cluster: OwnPostgres) -> None:
    with contextlib.suppress(subprocess.CalledProcessError):
        cluster.stop()


def manage(url: str, *arguments: str) -> str:
    """`manage.py …` on the database at `url`; what it printed."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "alloy.settings", "DATABASE_URL": url, "DEBUG": "true"}
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()
