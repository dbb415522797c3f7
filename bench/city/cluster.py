"""The city benchmark's own PostgreSQL cluster: kept on disk between runs, so that the
100,000-worker district is seeded once.

Made like scripts/with-services.sh's (initdb as the postgres user when run as root, trust on
loopback, durability off: fsync, synchronous_commit and full-page writes, as the data can be
seeded again), but under a fixed directory and port and never deleted. Planner and memory
settings are PostgreSQL's defaults, as in the measurements of issue 13; only the checkpoint
distance is raised, for the bulk load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

USER = "dudao"
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c max_wal_size=4GB -c checkpoint_timeout=30min"
)


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise SystemExit("PostgreSQL binaries not found (make test-postgres installs them)")
    return found[-1]


@dataclass
class Cluster:
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "pg"

    @property
    def bin(self) -> Path:
        return _pg_bin()

    def _as_owner(self) -> list[str]:
        # initdb and the server refuse to run as root.
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, quiet: bool = True) -> None:
        out = subprocess.DEVNULL if quiet else None
        subprocess.run([*self._as_owner(), *args], check=True, stdout=out)

    def version(self) -> str:
        result = subprocess.run(
            [str(self.bin / "postgres"), "--version"], check=True, capture_output=True, text=True
        )
        return result.stdout.strip()

    def running(self) -> bool:
        return (
            subprocess.run(
                [*self._as_owner(), str(self.bin / "pg_ctl"), "-D", str(self.data), "status"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ).returncode
            == 0
        )

    def start(self) -> bool:
        """Initialise the cluster if needed and start it; True when this call started it."""
        if not (self.data / "PG_VERSION").exists():
            self.root.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.root, user="postgres")
            self._run(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        if self.running():
            return False
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "pg.log"),
            "-w",
            "-t",
            "120",
            "-o",
            f"-p {self.port} -k {self.root} {SERVER_OPTIONS}",
            "start",
        )
        return True

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str, options: str = "") -> str:
        query = f"?options={options.replace(' ', '%20').replace('=', '%3D')}" if options else ""
        return f"postgres://{USER}@127.0.0.1:{self.port}/{database}{query}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, dbname=database, autocommit=True
        )

    def databases(self) -> set[str]:
        with self.connect() as conn:
            return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}

    def create_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    def size(self, name: str) -> int:
        with self.connect(name) as conn:
            return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
