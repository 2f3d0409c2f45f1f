import json

import pytest
from django.core.management import CommandError, call_command

from kb.models import Faq, SearchMiss

pytestmark = pytest.mark.django_db

GOOD = {"question": "如何认领电子印章", "answer": "在印章认领中查询并认领。", "subsystem": "e_seal"}


def write(tmp_path, lines):
    path = tmp_path / "faqs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_reports_bad_lines_and_keeps_good_ones(tmp_path, capsys):
    path = write(
        tmp_path,
        [
            json.dumps(GOOD, ensure_ascii=False),
            "{not json",
            json.dumps({"question": "只有问题"}, ensure_ascii=False),
            json.dumps({**GOOD, "question": "另一个问题", "subsystem": "nope"}, ensure_ascii=False),
            "[1, 2]",
            "",
            json.dumps(
                {"question": "好差评二维码", "answer": "在评价渠道中生成。", "source": "手册"}
            ),
        ],
    )
    with pytest.raises(CommandError) as error:
        call_command("kb_import", str(path))
    assert error.value.returncode == 1
    err = capsys.readouterr().err
    for number in (2, 3, 4, 5):
        assert f"faqs.jsonl:{number}:" in err
    assert "faqs.jsonl:1:" not in err and "faqs.jsonl:7:" not in err
    assert Faq.objects.count() == 2
    faq = Faq.objects.get(kbitem__question="如何认领电子印章")
    assert faq.subsystem.code == "e_seal" and faq.state == "published"


def test_import_twice_changes_nothing(tmp_path):
    path = write(tmp_path, [json.dumps(GOOD, ensure_ascii=False)])
    call_command("kb_import", str(path))
    call_command("kb_import", str(path))
    assert Faq.objects.count() == 1


def test_import_of_a_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("kb_import", str(tmp_path / "missing.jsonl"))
    assert error.value.returncode == 2


def test_search_prints_json(tmp_path, capsys):
    call_command("kb_import", str(write(tmp_path, [json.dumps(GOOD, ensure_ascii=False)])))
    capsys.readouterr()
    call_command("kb_search", "印章找不到怎么认领", "--json", "--limit", "3")
    results = json.loads(capsys.readouterr().out)
    assert [r["question"] for r in results] == ["如何认领电子印章"]
    assert set(results[0]) == {"id", "question", "score"} and results[0]["score"] > 0


def test_search_without_result_is_recorded(capsys):
    call_command("kb_search", "天府通办闪退")
    assert "no results" in capsys.readouterr().out
    assert SearchMiss.objects.get().where == "command"


@pytest.mark.parametrize("args", [["  "], ["查询", "--limit", "0"], ["查询", "--limit", "500"]])
def test_search_refuses_unusable_arguments(args):
    with pytest.raises(CommandError) as error:
        call_command("kb_search", *args)
    assert error.value.returncode == 2


def test_reindex_resegments_after_the_text_changed_behind_our_back(tmp_path):
    call_command("kb_import", str(write(tmp_path, [json.dumps(GOOD, ensure_ascii=False)])))
    Faq.objects.update(question_segmented="", answer_segmented="")
    call_command("kb_reindex")
    assert "认领" in Faq.objects.get().question_segmented.split()


def test_reindex_elasticsearch_only_needs_elasticsearch(settings):
    settings.KB_SEARCH_BACKEND = "db"
    with pytest.raises(CommandError) as error:
        call_command("kb_reindex", "--elasticsearch-only")
    assert error.value.returncode == 2
