"""The two database engines the desk runs on, behind one interface: a
consistent snapshot to archive, and a restore that either completes or leaves
the target as it was.

PostgreSQL: pg_dump in its custom format, reading a snapshot exported from a
transaction of ours, so the rows we count and the files we collect are those
of the very snapshot dumped; restored by pg_restore's script through psql in
one transaction. SQLite: the online backup API, which copies the database as
of one instant; restored the same way in reverse.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

from django.db import connections, transaction

from helpdesk_site.backups.archive import DATABASE_MEMBERS

# Sessions are not archived: a backup must not carry the keys that let its
# reader act as whoever is logged in. Restored users log in again.
EXCLUDED_TABLE_DATA = ("django_session",)
RESTORE_PREAMBLE = b"""
SET client_min_messages = warning;
BEGIN;
SET LOCAL lock_timeout = '60s';
DROP SCHEMA IF EXISTS public CASCADE;
CREATE SCHEMA public;
"""
CHUNK = 1024 * 1024


class EngineError(Exception):
    """The database cannot be archived or restored as asked; `refused` means
    nothing was attempted (a wrong argument or a missing tool)."""

    def __init__(self, message: str, *, refused: bool = False):
        super().__init__(message)
        self.refused = refused


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a table name, quoted
        counts[table] = cursor.fetchone()[0]
    return counts


class Engine:
    name = ""

    def __init__(self, alias: str):
        self.alias = alias
        self.connection = connections[alias]

    @property
    def member(self) -> str:
        return DATABASE_MEMBERS[self.name]

    @property
    def label(self) -> str:
        return str(self.connection.settings_dict["NAME"])

    def _require_no_transaction(self) -> None:
        if self.connection.in_atomic_block:
            raise EngineError("cannot run inside a transaction", refused=True)

    def tables(self, cursor) -> list[str]:
        raise NotImplementedError

    def versions(self) -> dict[str, str]:
        raise NotImplementedError

    def snapshot(self, dump_to: Path):
        """A context manager: writes the database as of one instant to
        `dump_to` and yields a cursor that reads that same instant."""
        raise NotImplementedError

    def check_restore(self, manifest: dict) -> None:
        """Raise EngineError(refused=True) if this machine cannot restore it."""

    def restore(self, dump: Path) -> None:
        raise NotImplementedError

    def current_tables(self) -> list[str]:
        with self.connection.cursor() as cursor:
            return self.tables(cursor)


def _client(program: str) -> tuple[str, str, int]:
    """The program's path, version and major version."""
    path = shutil.which(program)
    if path is None:
        raise EngineError(
            f"{program} is not installed: install the PostgreSQL client "
            "(postgresql-client-<server major version>)",
            refused=True,
        )
    output = subprocess.run(  # noqa: S603 - a fixed program found on PATH
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"\)\s*((\d+)[\d.]*)", output)
    if match is None:
        raise EngineError(f"cannot tell the version of {path}: {output!r}", refused=True)
    return path, match[1], int(match[2])


def _major(version: str) -> int:
    return int(re.match(r"\d+", version)[0])


class PostgreSQL(Engine):
    name = "postgresql"

    def _environment(self) -> dict[str, str]:
        """libpq's variables, so that no password appears on a command line."""
        settings = self.connection.settings_dict
        environment = {**os.environ, "PGDATABASE": str(settings["NAME"])}
        for key, variable in (
            ("HOST", "PGHOST"),
            ("PORT", "PGPORT"),
            ("USER", "PGUSER"),
            ("PASSWORD", "PGPASSWORD"),
        ):
            if settings.get(key):
                environment[variable] = str(settings[key])
        for option, variable in (
            ("sslmode", "PGSSLMODE"),
            ("sslrootcert", "PGSSLROOTCERT"),
            ("sslcert", "PGSSLCERT"),
            ("sslkey", "PGSSLKEY"),
        ):
            if settings.get("OPTIONS", {}).get(option):
                environment[variable] = str(settings["OPTIONS"][option])
        return environment

    def tables(self, cursor) -> list[str]:
        cursor.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' "
            "ORDER BY tablename"
        )
        return [row[0] for row in cursor.fetchall()]

    def _server_version(self) -> str:
        with self.connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0].split()[0]

    def versions(self) -> dict[str, str]:
        return {"server": self._server_version(), "pg_dump": _client("pg_dump")[1]}

    @contextmanager
    def snapshot(self, dump_to: Path):
        self._require_no_transaction()
        server = self._server_version()
        pg_dump, client_version, client_major = _client("pg_dump")
        if client_major < _major(server):
            raise EngineError(
                f"pg_dump {client_version} cannot dump a PostgreSQL {server} server: "
                f"install postgresql-client-{_major(server)}",
                refused=True,
            )
        with transaction.atomic(using=self.alias, durable=True), self.connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_catalog.pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            command = [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot_id}",
                f"--file={dump_to}",
                *(f"--exclude-table-data={table}" for table in EXCLUDED_TABLE_DATA),
            ]
            errors = dump_to.with_name(dump_to.name + ".log")
            with open(errors, "wb") as log:
                # The snapshot stays valid while this transaction is open, so
                # pg_dump runs beside the counting done on the same snapshot.
                dump = subprocess.Popen(  # noqa: S603 - fixed program, our arguments
                    command, env=self._environment(), stdout=subprocess.DEVNULL, stderr=log
                )
                try:
                    yield cursor
                except BaseException:
                    dump.kill()
                    raise
                finally:
                    dump.wait()
            if dump.returncode != 0:
                raise EngineError(f"pg_dump failed: {errors.read_text(errors='replace')[-2000:]}")

    def check_restore(self, manifest: dict) -> None:
        made_by = manifest["versions"].get("pg_dump", "0")
        _path, version, major = _client("pg_restore")
        if major < _major(made_by):
            raise EngineError(
                f"the archive was made by pg_dump {made_by}; pg_restore {version} cannot "
                f"read it: install postgresql-client-{_major(made_by)}",
                refused=True,
            )
        _client("psql")

    def restore(self, dump: Path) -> None:
        self._require_no_transaction()
        # Our own connection must hold nothing the schema's removal waits for.
        self.connection.close()
        environment = self._environment()
        pg_restore, psql = _client("pg_restore")[0], _client("psql")[0]
        errors = dump.with_name(dump.name + ".log")
        with open(errors, "wb") as log:
            load = subprocess.Popen(  # noqa: S603 - fixed program, our arguments
                [psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1"],
                env=environment,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            script = subprocess.Popen(  # noqa: S603 - fixed program, our arguments
                [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(dump)],
                env=environment,
                stdout=subprocess.PIPE,
                stderr=log,
            )
            committed = False
            try:
                load.stdin.write(RESTORE_PREAMBLE)
                shutil.copyfileobj(script.stdout, load.stdin, CHUNK)
                # COMMIT only after the whole script: psql stops at the first
                # error (ON_ERROR_STOP), and a script cut short is never
                # committed, so the old schema goes only if the new one loads.
                if script.wait() == 0:
                    load.stdin.write(b"COMMIT;\n")
                    committed = True
            except BrokenPipeError:
                script.kill()
            finally:
                load.stdin.close()
                load.wait()
                script.wait()
        if not committed or load.returncode != 0:
            raise EngineError(
                "the database could not be restored and was left as it was: "
                + errors.read_text(errors="replace")[-2000:]
            )


class SQLite(Engine):
    name = "sqlite"

    def tables(self, cursor) -> list[str]:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [row[0] for row in cursor.fetchall()]

    def versions(self) -> dict[str, str]:
        return {"sqlite": sqlite3.sqlite_version}

    def _raw(self) -> sqlite3.Connection:
        self.connection.ensure_connection()
        return self.connection.connection

    @contextmanager
    def snapshot(self, dump_to: Path):
        self._require_no_transaction()
        copy = sqlite3.connect(dump_to)
        try:
            # All pages in one step: the copy is the database of one instant.
            self._raw().backup(copy)
            tables = set(self.tables(copy.cursor()))
            # Overwritten, not only unlinked, so the file does not keep them.
            copy.execute("PRAGMA secure_delete = ON")
            for table in EXCLUDED_TABLE_DATA:
                if table in tables:
                    copy.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - a constant
            copy.commit()
        except sqlite3.Error as error:
            copy.close()
            raise EngineError(f"the database could not be copied: {error}") from None
        try:
            yield copy.cursor()
        finally:
            copy.close()

    def restore(self, dump: Path) -> None:
        self._require_no_transaction()
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            # The backup API replaces the whole target in one transaction.
            source.backup(self._raw())
        except sqlite3.Error as error:
            raise EngineError(
                f"the database could not be restored and was left as it was: {error}"
            ) from None
        finally:
            source.close()


ENGINES = {"postgresql": PostgreSQL, "sqlite": SQLite}


def for_alias(alias: str) -> Engine:
    vendor = connections[alias].vendor
    if vendor not in ENGINES:
        raise EngineError(f"cannot back up a {vendor} database", refused=True)
    return ENGINES[vendor](alias)
