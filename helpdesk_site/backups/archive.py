"""The backup archive: one tar file holding the database, the uploaded files
the database refers to, and last a manifest with every member's size and
SHA-256. No Django here: the format, its checks and the archive names.

The manifest comes last so that the archive is written in one pass; a reader
checks every member against it before anything is restored.
"""

import datetime as dt
import hashlib
import io
import json
import os
import re
import tarfile
from pathlib import Path, PurePosixPath

FORMAT = "ganzi-servicedesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
ARCHIVE_NAME = re.compile(r"^servicedesk-(\d{8}T\d{6}Z)\.tar$")
PARTIAL_SUFFIX = ".partial"
CHUNK = 1024 * 1024


class DamagedArchive(Exception):
    """The file is not a whole backup archive: unreadable, cut short, altered,
    or not an archive at all."""


def archive_name(at: dt.datetime) -> str:
    return f"servicedesk-{at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.tar"


def archive_time(name: str) -> dt.datetime | None:
    match = ARCHIVE_NAME.match(name)
    if match is None:
        return None
    return dt.datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def expired(names: list[str], now: dt.datetime, keep_days: int) -> list[str]:
    """The archives among `names` older than `keep_days`; the newest archive
    is never among them, however old, so pruning cannot leave none."""
    dated = sorted((archive_time(n), n) for n in names if archive_time(n) is not None)
    cutoff = now - dt.timedelta(days=keep_days)
    return [name for at, name in dated[:-1] if at < cutoff]


def safe_media_name(name: str) -> bool:
    """A storage name that stays inside the media folder once joined to it."""
    path = PurePosixPath(name)
    return (
        bool(name)
        and "\x00" not in name
        and "\\" not in name
        and not path.is_absolute()
        and ".." not in path.parts
        and str(path) == name
    )


class _Hashing(io.RawIOBase):
    """Reads through to a file, hashing what passes."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.sha256.update(data)
        return len(data)


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class ArchiveWriter:
    """Writes an archive under a hidden temporary name beside the destination
    and renames it into place only once it is complete and on disk, so a file
    under an archive's name is always a whole archive."""

    def __init__(self, destination: Path):
        self.destination = destination
        self.partial = destination.with_name(f".{destination.name}{PARTIAL_SUFFIX}")
        self.members: dict[str, dict] = {}
        self._file = None
        self._tar = None

    def __enter__(self):
        # Readable by its owner only: it holds every record and password hash.
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._tar = tarfile.open(fileobj=self._file, mode="w", format=tarfile.PAX_FORMAT)
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None:
            self.abort()

    def add_file(self, member: str, path: Path) -> dict:
        with open(path, "rb") as source:
            status = os.fstat(source.fileno())
            info = tarfile.TarInfo(member)
            info.size = status.st_size
            info.mtime = int(status.st_mtime)
            info.mode = 0o640
            hashing = _Hashing(source)
            self._tar.addfile(info, hashing)
        entry = {"size": info.size, "sha256": hashing.sha256.hexdigest()}
        self.members[member] = entry
        return entry

    def commit(self, manifest: dict) -> Path:
        data = json.dumps(
            {**manifest, "members": self.members}, ensure_ascii=False, indent=1, sort_keys=True
        ).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
        info.mode = 0o640
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.partial, self.destination)
        _fsync_directory(self.destination.parent)
        return self.destination

    def abort(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()
        self.partial.unlink(missing_ok=True)


def _copy_member(source, target_path: Path) -> dict:
    sha256 = hashlib.sha256()
    size = 0
    target_path.parent.mkdir(parents=True, exist_ok=True)
    with open(target_path, "xb") as target:
        while chunk := source.read(CHUNK):
            sha256.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return {"size": size, "sha256": sha256.hexdigest()}


def _check_manifest(data: bytes | None, found: dict[str, dict]) -> dict:
    if data is None:
        raise DamagedArchive("it has no manifest (cut short, or not a backup archive)")
    try:
        manifest = json.loads(data)
        if manifest["format"] != FORMAT:
            raise DamagedArchive("it is not a service desk backup")
        if manifest["format_version"] != FORMAT_VERSION:
            raise DamagedArchive(
                f"it is in format version {manifest['format_version']}, "
                f"this version reads {FORMAT_VERSION}"
            )
        expected = manifest["members"]
        engine = manifest["engine"]
        if DATABASE_MEMBERS.get(engine) not in expected:
            raise DamagedArchive("its manifest names no database")
        absent = [
            key
            for key in ("created_at", "versions", "tables", "migrations", "missing_files")
            if key not in manifest
        ]
        if absent:
            raise DamagedArchive(f"its manifest lacks {absent[0]}")
    except (ValueError, KeyError, TypeError) as error:
        raise DamagedArchive(f"its manifest is unreadable ({error!r})") from None
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    if missing:
        raise DamagedArchive(f"{len(missing)} members are missing, e.g. {missing[0]}")
    if extra:
        raise DamagedArchive(f"{len(extra)} members are not in the manifest, e.g. {extra[0]}")
    for member, entry in found.items():
        if entry != expected[member]:
            raise DamagedArchive(f"{member} does not match its checksum")
    return manifest


def stage(archive: Path, database_to: Path, media_to: Path) -> dict:
    """Read the whole archive once, writing its database to `database_to` and
    its media files under `media_to`, and check each against the manifest.
    Returns the manifest; raises DamagedArchive if anything does not match."""
    found: dict[str, dict] = {}
    manifest_data = None
    database_members = set(DATABASE_MEMBERS.values())
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for member in tar:
                name = member.name
                if name in found or (name == MANIFEST and manifest_data is not None):
                    raise DamagedArchive(f"{name} appears twice")
                if not member.isreg():
                    raise DamagedArchive(f"{name} is not a regular file")
                source = tar.extractfile(member)
                if name == MANIFEST:
                    manifest_data = source.read()
                elif name in database_members:
                    if any(m in found for m in database_members):
                        raise DamagedArchive("it holds two databases")
                    found[name] = _copy_member(source, database_to)
                elif name.startswith(MEDIA_PREFIX) and safe_media_name(
                    name.removeprefix(MEDIA_PREFIX)
                ):
                    found[name] = _copy_member(source, media_to / name.removeprefix(MEDIA_PREFIX))
                else:
                    raise DamagedArchive(f"it holds an unexpected member {name!r}")
    except (tarfile.TarError, EOFError) as error:
        raise DamagedArchive(f"it cannot be read as a tar archive ({error})") from None
    # One flush for all staged files rather than one per file.
    os.sync()
    return _check_manifest(manifest_data, found)
