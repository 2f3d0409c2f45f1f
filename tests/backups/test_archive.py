"""Archive names, retention and member names: no database needed."""

import datetime as dt
import io
import os

import pytest
from django.core.management import CommandError, call_command

from helpdesk_site.backups import archive, services

NOW = dt.datetime(2026, 11, 30, 2, 30, tzinfo=dt.UTC)


def names(*days_ago):
    return [archive.archive_name(NOW - dt.timedelta(days=d)) for d in days_ago]


def test_archives_older_than_the_kept_days_expire_but_never_the_newest():
    kept = names(0, 1, 6)
    old = names(8, 30)
    assert sorted(archive.expired(kept + old + ["notes.txt"], NOW, keep_days=7)) == sorted(old)
    # A desk whose backups stopped a month ago keeps its last archive.
    assert archive.expired(names(30, 31), NOW, keep_days=7) == names(31)


def test_prune_deletes_expired_archives_and_old_leftovers_only(tmp_path):
    for name in [*names(0, 3, 10), "notes.txt", ".servicedesk-x.tar.partial"]:
        (tmp_path / name).write_bytes(b"x")
    stale = tmp_path / ".servicedesk-x.tar.partial"
    old = (NOW - dt.timedelta(days=9)).timestamp()
    os.utime(stale, (old, old))
    deleted = services.prune(tmp_path, keep_days=7, now=NOW)
    assert sorted(p.name for p in deleted) == sorted([*names(10), stale.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names(0, 3), "notes.txt"])


def test_member_names_that_would_leave_the_media_folder_are_unsafe():
    assert archive.safe_media_name("helpdesk/attachments/DH-1/1/截图.png")
    for name in ["", "/etc/passwd", "../secret_key", "a/../../b", "a/./b", "a\\b", "a\x00b"]:
        assert not archive.safe_media_name(name), name


def test_keep_days_must_be_positive():
    with pytest.raises(CommandError) as refusal:
        call_command("backup", keep_days=0, stdout=io.StringIO())
    assert refusal.value.returncode == 2
