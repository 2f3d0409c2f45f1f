"""Back up the whole desk into one archive, and restore it into an empty
instance: the database, the uploaded files (attachments, chat images) and
the report store (generated Word and Excel reports), consistent with each
other.

Consistency: the database is archived as of one instant (the snapshot), and
the files archived are exactly those the snapshot refers to, read after it
was taken. A file is written in full before the row naming it commits, and
nothing in the desk deletes or rewrites a stored file, so every file the
snapshot names is whole on disk when it is copied; a file uploaded after the
snapshot is not named by it and not archived, as its ticket is not.
"""

import datetime as dt
import importlib.metadata
import os
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, connections, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.connection import ConnectionDoesNotExist

from helpdesk_site.backups import archive, databases
from helpdesk_site.backups.databases import EngineError

STAGING_PREFIX = ".restore-"
# What the restore reports, and what makes a target "not empty": the records
# a desk is kept for. Labels as the command prints them.
RECORDS = (
    ("helpdesk.Ticket", "tickets"),
    ("helpdesk.FollowUp", "follow-ups"),
    ("helpdesk.FollowUpAttachment", "attachments"),
    ("chat.ChatMessage", "chat messages"),
    ("sla.SlaClock", "SLA clocks"),
    ("sla.HandlingLogEntry", "fault-handling log lines"),
    ("reporting.StoredReport", "stored reports"),
    ("kb.Faq", "FAQs"),
    ("satisfaction.Rating", "ratings"),
    (settings.AUTH_USER_MODEL, "users"),
)


class BackupRefused(Exception):
    """Bad arguments or an unsuitable target: nothing was changed."""


class BackupFailed(Exception):
    """The work was attempted and did not complete."""


@dataclass
class BackupResult:
    path: Path
    size: int
    seconds: float
    tables: dict[str, int]
    files: int
    file_bytes: int
    missing: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    manifest: dict
    tables: dict[str, int]
    files: int
    file_bytes: int
    seconds: float
    pending_migrations: int


def _engine(alias: str) -> databases.Engine:
    try:
        return databases.for_alias(alias)
    except ConnectionDoesNotExist:
        raise BackupRefused(f"no database {alias!r} in DATABASES") from None
    except EngineError as error:
        raise BackupRefused(str(error)) from None


def _media_root(media_root) -> Path:
    # Files are read and written as files: only the file-system storage keeps them so.
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupRefused("only the file-system storage can be backed up (STORAGES default)")
    return Path(media_root or settings.MEDIA_ROOT)


def _file_fields(tables: set[str]):
    for model in apps.get_models():
        if model._meta.db_table not in tables or not model._meta.managed:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                yield model._meta.db_table, model_field.column


def _referenced_files(cursor, tables: set[str]) -> set[str]:
    names = set()
    for table, column in _file_fields(tables):
        q = databases.quote
        cursor.execute(
            f"SELECT {q(column)} FROM {q(table)} "  # noqa: S608 - names from the models, quoted
            f"WHERE {q(column)} IS NOT NULL AND {q(column)} <> ''"
        )
        names.update(row[0] for row in cursor.fetchall())
    return names


def _migrations(cursor, tables: set[str]) -> list[list[str]]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


def _versions(engine: databases.Engine) -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "django": importlib.metadata.version("django"),
        "django-helpdesk": importlib.metadata.version("django-helpdesk"),
        **engine.versions(),
    }


def _add_media(writer: archive.ArchiveWriter, media_root: Path, names: set[str]) -> list[str]:
    """Copy the named files into the archive; returns the names not found."""
    missing = []
    for name in sorted(names):
        path = media_root / name
        if not archive.safe_media_name(name) or not path.is_file():
            missing.append(name)
            continue
        writer.add_file(archive.MEDIA_PREFIX + name, path)
    return missing


def backup(destination: Path, *, alias: str = "default", media_root=None) -> BackupResult:
    """Write one archive of the database, the uploaded files and the stored
    reports to `destination` (which must not exist yet)."""
    started = time.monotonic()
    media_root = _media_root(media_root)
    engine = _engine(alias)
    if not destination.parent.is_dir():
        raise BackupRefused(f"no such folder: {destination.parent}")
    if destination.exists():
        raise BackupRefused(f"{destination} exists already")
    try:
        versions = _versions(engine)
        with (
            tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as work,
            archive.ArchiveWriter(destination) as writer,
        ):
            dump = Path(work) / engine.member
            created_at = timezone.now()
            with engine.snapshot(dump) as cursor:
                tables = engine.tables(cursor)
                counts = databases.table_counts(cursor, tables)
                referenced = _referenced_files(cursor, set(tables))
                migrations = _migrations(cursor, set(tables))
            for table in databases.EXCLUDED_TABLE_DATA:
                if table in counts:
                    counts[table] = 0
            writer.add_file(engine.member, dump)
            dump.unlink()
            missing = _add_media(writer, media_root, referenced)
            media = {k: v for k, v in writer.members.items() if k.startswith(archive.MEDIA_PREFIX)}
            writer.commit(
                {
                    "format": archive.FORMAT,
                    "format_version": archive.FORMAT_VERSION,
                    "created_at": created_at.isoformat(),
                    "engine": engine.name,
                    "versions": versions,
                    "excluded_table_data": list(databases.EXCLUDED_TABLE_DATA),
                    "tables": counts,
                    "migrations": migrations,
                    "missing_files": missing,
                }
            )
    except EngineError as error:
        raise (BackupRefused if error.refused else BackupFailed)(str(error)) from None
    except OSError as error:
        raise BackupFailed(f"the archive could not be written: {error}") from None
    except DatabaseError as error:
        raise BackupFailed(f"the database could not be read: {error}") from None
    return BackupResult(
        path=destination,
        size=destination.stat().st_size,
        seconds=time.monotonic() - started,
        tables=counts,
        files=len(media),
        file_bytes=sum(entry["size"] for entry in media.values()),
        missing=missing,
    )


def prune(folder: Path, keep_days: int, now: dt.datetime | None = None) -> list[Path]:
    """Delete the archives in `folder` older than `keep_days` (never the
    newest), and parts of archives a crash left behind as long ago."""
    now = now or timezone.now()
    names = [p.name for p in folder.iterdir()]
    doomed = [folder / name for name in archive.expired(names, now, keep_days)]
    cutoff = (now - dt.timedelta(days=keep_days)).timestamp()
    doomed += [
        path
        for path in folder.iterdir()
        if path.name.endswith(archive.PARTIAL_SUFFIX) and path.stat().st_mtime < cutoff
    ]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


# --- Restore ------------------------------------------------------------------


def _record_tables() -> dict[str, str]:
    tables = {}
    for label, name in RECORDS:
        try:
            tables[apps.get_model(label)._meta.db_table] = name
        except LookupError:
            continue
    return tables


def _count_files(media_root: Path) -> int:
    """Files in the media folder, leaving out a restore's staging."""
    count = 0
    for top, dirs, names in os.walk(media_root):
        if Path(top) == media_root:
            dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIX)]
        count += len(names)
    return count


def target_holds(engine: databases.Engine, media_root: Path) -> list[str]:
    """What the target instance holds that a restore would replace: empty
    means an empty instance (no tables, or only migrated ones)."""
    present = set(engine.current_tables())
    held = []
    with engine.connection.cursor() as cursor:
        for table, name in _record_tables().items():
            if table in present:
                count = databases.table_counts(cursor, [table])[table]
                if count:
                    held.append(f"{count} {name}")
    files = _count_files(media_root)
    if files:
        held.append(f"{files} files in {media_root}")
    return held


def _check_migrations(manifest: dict) -> None:
    """Refuse an archive made by a newer version of the desk: its schema is
    ahead of this code's."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    installed = {config.label for config in apps.get_app_configs()}
    unknown = [
        f"{app}.{name}"
        for app, name in manifest["migrations"]
        if app in installed and (app, name) not in loader.disk_migrations
    ]
    if unknown:
        raise BackupRefused(
            f"the archive was made by a newer version of the desk ({len(unknown)} migrations "
            f"this code does not have, e.g. {unknown[0]}): restore it with that version"
        )


def _pending_migrations(alias: str) -> int:
    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _place_media(staging: Path, media_root: Path) -> None:
    for top, _dirs, files in os.walk(staging):
        for name in files:
            source = Path(top) / name
            target = media_root / source.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    os.sync()


def restore(
    archive_path: Path, *, alias: str = "default", media_root=None, force: bool = False
) -> RestoreResult:
    """Restore an archive into this instance's database and media folder.

    Refuses a target that holds records unless `force`; reads and checks the
    whole archive before changing anything; the database is replaced in one
    transaction, then the files are moved into place."""
    try:
        return _restore(archive_path, alias, media_root, force)
    except DatabaseError as error:
        raise BackupFailed(f"the target database could not be used: {error}") from None


def _restore(archive_path: Path, alias: str, media_root, force: bool) -> RestoreResult:
    started = time.monotonic()
    media_root = _media_root(media_root)
    if not archive_path.is_file():
        raise BackupRefused(f"no such file: {archive_path}")
    engine = _engine(alias)
    if not force:
        held = target_holds(engine, media_root)
        if held:
            raise BackupRefused(
                f"the target is not empty: {engine.label} holds {', '.join(held)}. "
                "A restore replaces everything in it; pass --force to do so"
            )
    media_root.mkdir(parents=True, exist_ok=True)
    # Staged inside the media folder, so moving the files into place is a rename.
    staging = Path(tempfile.mkdtemp(dir=media_root, prefix=STAGING_PREFIX))
    try:
        dump, staged_media = staging / "database", staging / "media"
        try:
            manifest = archive.stage(archive_path, dump, staged_media)
        except archive.DamagedArchive as error:
            raise BackupRefused(f"{archive_path} is damaged or not a backup: {error}") from None
        if manifest["engine"] != engine.name:
            raise BackupRefused(
                f"the archive holds a {manifest['engine']} database and the target "
                f"({engine.label}) is {engine.name}: restore it into {manifest['engine']}"
            )
        _check_migrations(manifest)
        try:
            engine.check_restore(manifest)
            engine.restore(dump)
        except EngineError as error:
            raise (BackupRefused if error.refused else BackupFailed)(str(error)) from None
        media = {k: v for k, v in manifest["members"].items() if k.startswith(archive.MEDIA_PREFIX)}
        if staged_media.is_dir():
            try:
                _place_media(staged_media, media_root)
            except OSError as error:
                raise BackupFailed(
                    f"the database was restored but the files could not all be put in "
                    f"place ({error}); run the restore again with --force"
                ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    tables = set(engine.current_tables())
    with engine.connection.cursor() as cursor:
        counts = databases.table_counts(cursor, sorted(tables))
    archived = manifest["tables"]
    if counts != archived:
        differing = sorted(t for t in tables | set(archived) if counts.get(t) != archived.get(t))
        raise BackupFailed(
            f"the restored database differs from the archive in {len(differing)} tables, "
            f"e.g. {differing[0]}: {counts.get(differing[0])} rows, "
            f"archived {archived.get(differing[0])}"
        )
    return RestoreResult(
        manifest=manifest,
        tables=counts,
        files=len(media),
        file_bytes=sum(entry["size"] for entry in media.values()),
        seconds=time.monotonic() - started,
        pending_migrations=_pending_migrations(alias),
    )


def summary(tables: dict[str, int]) -> list[tuple[str, int]]:
    """The records as the commands print them: (label, count)."""
    return [(name, tables[table]) for table, name in _record_tables().items() if table in tables]
