"""A backup restored into a fresh database holds every ticket, follow-up,
attachment (its file too), chat line, SLA clock, fault-handling log line and
stored report; damaged archives and non-empty targets are refused with
nothing changed."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connections
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket, TicketChange

from helpdesk_site.backups import services
from helpdesk_site.chat.models import ChatMessage
from helpdesk_site.tickets.models import TicketDetails
from reporting.models import StoredReport
from sla.models import HandlingLogEntry, SlaClock
from tests.backups.conftest import upload
from tests.factories import PNG, UserFactory, file_ticket

pytestmark = pytest.mark.django_db(transaction=True)

RECORDS = [
    Ticket,
    TicketDetails,
    FollowUp,
    TicketChange,
    FollowUpAttachment,
    ChatMessage,
    SlaClock,
    HandlingLogEntry,
    StoredReport,
]


def rows(model, alias="default"):
    return list(model.objects.using(alias).order_by("pk").values())


def stored_files(alias="default"):
    """Every stored file the database names: attachments and reports."""
    names = list(FollowUpAttachment.objects.using(alias).values_list("file", flat=True))
    return sorted(names + list(StoredReport.objects.using(alias).values_list("file", flat=True)))


def back_up(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", output=str(path), stdout=out)
    return out.getvalue()


def restore(path: Path, alias: str, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(path), database=alias, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def refused(path: Path, alias: str, **options) -> str:
    with pytest.raises(CommandError) as refusal:
        restore(path, alias, **options)
    assert refusal.value.returncode == 2
    return str(refusal.value)


def tables(alias: str) -> list[str]:
    return connections[alias].introspection.table_names()


def rewrite_manifest(path: Path, change=None, rename=None, replace=None) -> None:
    """Repack the archive with members renamed or their content replaced,
    and the manifest changed to match (or changed by `change`)."""
    rename, replace = rename or {}, replace or {}
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for member, data in members:
            if member.name in replace:
                data = replace[member.name]
            elif member.name == "manifest.json":
                manifest = json.loads(data)
                for old, new in rename.items():
                    manifest["members"][new] = manifest["members"].pop(old)
                for name, content in replace.items():
                    manifest["members"][name] = {
                        "size": len(content),
                        "sha256": hashlib.sha256(content).hexdigest(),
                    }
                if change:
                    change(manifest)
                data = json.dumps(manifest).encode()
            member.size = len(data)
            member.name = rename.get(member.name, member.name)
            tar.addfile(member, io.BytesIO(data))


def test_a_backup_restored_into_a_fresh_database_holds_every_record_and_file(
    desk, fresh_database, tmp_path, settings, client
):
    client.force_login(desk[0].details.reporter)  # a live session
    archive = tmp_path / "desk.tar"
    printed = back_up(archive)
    assert str(archive) in printed
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    original_media = Path(settings.MEDIA_ROOT)
    settings.MEDIA_ROOT = tmp_path / "restored-media"

    printed = restore(archive, fresh_database)

    for model in RECORDS:
        assert rows(model, fresh_database) == rows(model), model.__name__
        assert rows(model), f"the desk has no {model.__name__} to compare"
    assert len(rows(HandlingLogEntry)) >= 5  # filed ×2, first response, paused, root cause …
    assert rows(get_user_model(), fresh_database) == rows(get_user_model())
    names = stored_files(fresh_database)
    assert len(names) == 5  # two filed, one commented, one chat image, one report
    for name in names:
        restored = (tmp_path / "restored-media" / name).read_bytes()
        assert restored == (original_media / name).read_bytes(), name
    assert "tickets                            2" in printed
    assert "fault-handling log lines" in printed
    # Sessions are not carried in a backup: whoever holds it cannot log in as anyone.
    with connections[fresh_database].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_session")
        assert cursor.fetchone()[0] == 0


def test_a_ticket_filed_after_the_snapshot_is_in_neither_database_nor_files(
    desk, fresh_database, tmp_path, settings, monkeypatch
):
    """The race between dumping the database and copying the files: a ticket
    with a file committed in between is not half in the archive."""
    copy_media = services._add_media
    late = []

    def file_while_copying(writer, media_root, names):
        late.append(
            file_ticket(UserFactory(), title="迟到的工单", attachments=[upload("迟到.png", PNG)])
        )
        return copy_media(writer, media_root, names)

    monkeypatch.setattr(services, "_add_media", file_while_copying)
    archive = tmp_path / "desk.tar"
    back_up(archive)
    late_file = FollowUpAttachment.objects.get(followup__ticket=late[0]).file.name
    with tarfile.open(archive) as tar:
        archived = tar.getnames()
    assert f"media/{late_file}" not in archived
    assert {f"media/{name}" for name in stored_files()} - {f"media/{late_file}"} <= set(archived)

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    restore(archive, fresh_database)
    assert not Ticket.objects.using(fresh_database).filter(title="迟到的工单").exists()
    for name in stored_files(fresh_database):
        assert (tmp_path / "restored-media" / name).is_file(), name


def test_a_backup_that_fails_leaves_no_archive(desk, tmp_path, monkeypatch):
    def disk_full(writer, media_root, names):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "_add_media", disk_full)
    folder = tmp_path / "backups"
    folder.mkdir()
    with pytest.raises(CommandError) as failure:
        back_up(folder / "desk.tar")
    assert "No space left" in str(failure.value)
    assert list(folder.iterdir()) == []


def test_a_damaged_archive_is_refused_and_nothing_is_changed(
    desk, fresh_database, tmp_path, settings
):
    archive = tmp_path / "desk.tar"
    back_up(archive)
    whole = archive.read_bytes()
    with tarfile.open(archive) as tar:
        attachment = next(m for m in tar.getmembers() if m.name.endswith(".pdf"))
        database = next(m for m in tar.getmembers() if m.name.startswith("database."))

    def flipped(offset):
        return whole[:offset] + bytes([whole[offset] ^ 0x01]) + whole[offset + 1 :]

    damaged = {
        "a flipped bit in a file": flipped(attachment.offset_data + 10),
        "a flipped bit in the database": flipped(database.offset_data + database.size // 2),
        "cut short": whole[: len(whole) * 2 // 3],
        "not an archive": "这不是备份文件\n".encode() * 100,
    }
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    for what, content in damaged.items():
        archive.write_bytes(content)
        message = refused(archive, fresh_database)
        assert "damaged or not a backup" in message, what
        assert "Nothing was changed" in message
        assert tables(fresh_database) == [], what
        assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")), what

    message = refused(tmp_path / "no-such.tar", fresh_database)
    assert "no such file" in message


def test_an_archive_of_another_engine_or_a_newer_version_is_refused(
    desk, fresh_database, tmp_path, settings
):
    archive = tmp_path / "desk.tar"
    back_up(archive)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    members = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
    engine = connections["default"].vendor
    other = {"postgresql": "sqlite", "sqlite": "postgresql"}[engine]
    wrong = tmp_path / "wrong.tar"
    wrong.write_bytes(archive.read_bytes())
    rewrite_manifest(
        wrong, lambda m: m.update(engine=other), rename={members[engine]: members[other]}
    )
    message = refused(wrong, fresh_database)
    assert (
        f"the archive holds a {other} database" in message and f"restore it into {other}" in message
    )
    assert tables(fresh_database) == []

    newer = tmp_path / "newer.tar"
    newer.write_bytes(archive.read_bytes())
    rewrite_manifest(newer, lambda m: m["migrations"].append(["helpdesk", "9999_from_the_future"]))
    message = refused(newer, fresh_database)
    assert "newer version" in message and "helpdesk.9999_from_the_future" in message
    assert tables(fresh_database) == []


def test_a_target_with_records_is_refused_unless_forced(desk, tmp_path):
    archive = tmp_path / "desk.tar"
    back_up(archive)
    later = file_ticket(UserFactory(), title="备份之后的工单")

    message = refused(archive, "default")
    assert "not empty" in message and "3 tickets" in message and "--force" in message
    assert Ticket.objects.filter(pk=later.pk).exists()

    restore(archive, "default", force=True)
    assert not Ticket.objects.filter(title="备份之后的工单").exists()
    assert Ticket.objects.count() == 2
    for name in stored_files():
        assert (Path(settings.MEDIA_ROOT) / name).is_file()


def test_the_command_exits_with_status_2_on_a_missing_archive(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "missing.tar")],
        cwd=settings.BASE_DIR,
        env={**os.environ, "VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Nothing was changed" in result.stderr


def test_a_restore_that_fails_half_way_leaves_the_database_as_it_was(desk, tmp_path):
    """The database is replaced in one transaction: a dump that breaks off
    part-way (its checksum made to match) changes nothing."""
    archive = tmp_path / "desk.tar"
    back_up(archive)
    later = file_ticket(UserFactory(), title="备份之后的工单")
    member = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}[
        connections["default"].vendor
    ]
    with tarfile.open(archive) as tar:
        dump = tar.extractfile(member).read()
    rewrite_manifest(archive, replace={member: dump[: len(dump) * 2 // 3]})

    with pytest.raises(CommandError) as failure:
        restore(archive, "default", force=True)
    assert failure.value.returncode == 1
    assert "left as it was" in str(failure.value)
    assert Ticket.objects.count() == 3
    assert Ticket.objects.filter(pk=later.pk).exists()
    assert rows(HandlingLogEntry)
