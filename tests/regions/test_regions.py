import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from helpdesk_site.regions.codes import (
    SHIPPED_DIVISIONS,
    ancestor_codes,
    level_of,
    read_divisions,
    subtree_prefix,
)
from helpdesk_site.regions.models import Region


def test_code_arithmetic():
    assert subtree_prefix("513300", "prefecture") == "5133"
    assert subtree_prefix("513301", "county") == "513301"
    assert ancestor_codes("513301001001", "village") == ["513300", "513301", "513301001"]
    assert ancestor_codes("513300", "prefecture") == []
    assert [level_of(c) for c in ("513300", "513322", "513322100", "513322100200")] == [
        "prefecture",
        "county",
        "township",
        "village",
    ]
    with pytest.raises(ValueError):
        level_of("51")


def test_shipped_file_has_the_whole_prefecture():
    rows = read_divisions(SHIPPED_DIVISIONS)
    levels = [r.level for r in rows]
    assert (levels.count("county"), levels.count("township"), levels.count("village")) == (
        18,
        289,
        2253,
    )
    assert all(
        r.code.startswith(subtree_prefix(r.parent_code, level_of(r.parent_code)))
        for r in rows
        if r.level != "prefecture"
    )


@pytest.mark.django_db
def test_counties_exist_without_loading_anything():
    assert Region.objects.filter(level="county").count() == 18
    assert Region.objects.get(code="513301").name == "康定市"
    assert Region.objects.get(code="513301").parent_id == "513300"


@pytest.mark.django_db
def test_load_regions_is_idempotent_and_subtree_is_a_prefix():
    call_command("load_regions", str(SHIPPED_DIVISIONS))
    call_command("load_regions", str(SHIPPED_DIVISIONS))
    assert Region.objects.count() == 2561
    kangding = Region.objects.get(code="513301")
    subtree = Region.objects.filter(code__startswith=kangding.subtree_prefix)
    assert subtree.filter(level="township").count() == kangding.children.count()
    village = subtree.filter(level="village").first()
    assert [r.code for r in village.path()][:2] == ["513300", "513301"]


@pytest.mark.django_db
def test_load_regions_bad_files_exit_2(tmp_path):
    with pytest.raises(CommandError) as missing:
        call_command("load_regions", str(tmp_path / "nope.csv"))
    assert missing.value.returncode == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as wrong:
        call_command("load_regions", str(bad))
    assert wrong.value.returncode == 2 and "missing columns" in str(wrong.value)
    assert Region.objects.count() == 19


@pytest.mark.django_db(transaction=True)
def test_the_counties_come_back_after_the_tables_are_emptied():
    call_command("flush", interactive=False, verbosity=0)
    assert Region.objects.filter(level=Region.Level.COUNTY).count() == 18
    assert Region.objects.filter(level=Region.Level.PREFECTURE).count() == 1
