import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from helpdesk_site.audit import services as audit
from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import TicketDetails
from kb import candidates, services
from kb.models import CandidateState, Faq, FaqCandidate
from tests.factories import UserFactory
from tests.kb.factories import file_ticket, operator, resolve

pytestmark = pytest.mark.django_db

SAME_PROBLEM = [
    ("电子证照制作失败", "制作营业执照电子证照时提示模板未发布"),
    ("电子证照无法制作", "提示模板未发布，电子证照制作失败"),
    ("制作电子证照报模板未发布", "模板未发布导致电子证照无法制作"),
]
OTHER_PROBLEM = [
    ("事项认领后看不到", "事项认领后在实施清单里看不到"),
    ("认领的事项实施清单里没有", "认领事项后实施清单看不到"),
]


@pytest.fixture(autouse=True)
def _no_run_recorded():
    cache.delete(candidates.LAST_RUN_KEY)
    cache.delete(candidates.LOCK_KEY)
    yield
    cache.delete(candidates.LAST_RUN_KEY)
    cache.delete(candidates.LOCK_KEY)


@pytest.fixture
def engineer():
    return operator()


def solved(engineer, title, description, reporter=None, subsystem="e_license", **resolution):
    ticket = file_ticket(
        reporter or UserFactory(), subsystem=subsystem, title=title, description=description
    )
    return resolve(ticket, engineer, **resolution)


def imported(engineer, reference, title, description):
    """A ticket brought in from a legacy desk: its external reference kept."""
    ticket = solved(engineer, title, description, reporter=importer())
    TicketDetails.objects.filter(ticket=ticket).update(external_ref=reference)
    return ticket


def importer():
    user = UserFactory.build(username="legacy-import")
    existing = type(user).objects.filter(username=user.username).first()
    return existing or UserFactory(username="legacy-import")


@pytest.fixture
def seeded(engineer):
    for title, description in SAME_PROBLEM:
        solved(engineer, title, description)
    for title, description in OTHER_PROBLEM:
        solved(
            engineer,
            title,
            description,
            subsystem="service_items",
            reply="等待十分钟后刷新实施清单。",
            resolution="清单生成延迟",
        )
    solved(engineer, "好差评二维码在哪里", "窗口二维码")
    file_ticket(UserFactory(), title="电子证照制作失败", description="模板未发布")  # still open


def test_recurring_problems_become_ranked_candidates(seeded):
    assert candidates.propose().candidates == 2
    first, second = FaqCandidate.objects.all()
    assert first.size == 3 and first.subsystem.code == "e_license"
    assert second.size == 2 and second.subsystem.code == "service_items"
    assert "证照" in first.title


def test_one_reporter_asking_again_is_not_a_recurring_problem(engineer):
    citizen = UserFactory()
    for title, description in SAME_PROBLEM[:2]:
        solved(engineer, title, description, reporter=citizen)
    solved(engineer, "好差评二维码在哪里", "窗口二维码")
    candidates.propose()
    assert not FaqCandidate.objects.exists()
    solved(engineer, *SAME_PROBLEM[2])  # someone else: now it recurs
    candidates.propose()
    assert list(FaqCandidate.objects.values_list("size", flat=True)) == [3]


def test_an_imported_letter_posted_twice_is_not_a_candidate(engineer):
    title, description = SAME_PROBLEM[0]
    imported(engineer, "legacy-1", title, description)
    imported(engineer, "legacy-2", title, description)
    solved(engineer, "好差评二维码在哪里", "窗口二维码")
    candidates.propose()
    assert not FaqCandidate.objects.exists()
    imported(engineer, "legacy-3", *SAME_PROBLEM[1])
    candidates.propose()
    assert list(FaqCandidate.objects.values_list("size", flat=True)) == [3]


def test_withdrawn_tickets_stay_out(seeded, engineer):
    ticket = solved(engineer, "电子证照制作失败", "模板未发布，无法制作")
    administrator = UserFactory(role=Role.ADMIN, department=None)
    audit.withdraw_ticket(user=administrator, ticket=ticket, reason="重复提交")
    candidates.propose()
    licence = FaqCandidate.objects.first()
    assert licence.size == 3 and not licence.tickets.filter(pk=ticket.pk).exists()


def test_rerunning_replaces_open_candidates(seeded):
    candidates.propose()
    candidates.propose()
    assert FaqCandidate.objects.count() == 2


def test_a_candidate_keeps_its_id_when_the_groups_are_redone(seeded, engineer):
    # Links to it (the candidates page, a report's drill-down) stay valid
    # after the nightly job, and it grows with the tickets solved since.
    candidates.propose()
    licence, items = FaqCandidate.objects.all()
    solved(engineer, "电子证照制作失败", "模板未发布，无法制作")
    candidates.propose()
    assert list(FaqCandidate.objects.values_list("pk", "size")) == [(licence.pk, 4), (items.pk, 2)]


def test_new_tickets_join_open_candidates_without_redoing_them(seeded, engineer):
    candidates.propose()
    licence, items = FaqCandidate.objects.all()
    late = solved(engineer, "电子证照制作失败", "模板未发布，无法制作")
    first = solved(engineer, "驾驶证到期换证需要体检吗", "驾驶证快到期了，换证需要体检吗")
    second = solved(engineer, "驾驶证换证体检", "驾驶证到期换证，体检在哪里做")
    run = candidates.join_new()
    assert (run.kind, run.tickets, run.joined, run.candidates) == ("incremental", 3, 1, 1)
    assert licence.tickets.filter(pk=late.pk).exists()
    licence.refresh_from_db()
    assert licence.size == 4
    fresh = FaqCandidate.objects.exclude(pk__in=[licence.pk, items.pk]).get()
    assert set(fresh.tickets.values_list("pk", flat=True)) == {first.pk, second.pk}
    # Nothing new since: nothing changes.
    assert candidates.join_new().tickets == 0
    assert FaqCandidate.objects.count() == 3


def test_without_a_record_of_the_last_run_an_incremental_run_is_a_full_one(seeded):
    assert candidates.join_new().kind == "full"
    assert FaqCandidate.objects.count() == 2
    assert candidates.join_new().kind == "incremental"


def test_a_candidate_decided_during_a_run_stays_decided(seeded, engineer):
    candidates.propose()
    licence = FaqCandidate.objects.first()
    services.dismiss_candidate(user=engineer, candidate=licence)
    solved(engineer, "电子证照制作失败", "模板未发布，无法制作")
    candidates.join_new()
    licence.refresh_from_db()
    assert licence.state == CandidateState.DISMISSED and licence.size == 3


def test_runs_do_not_overlap(seeded):
    cache.add(candidates.LOCK_KEY, "1")
    with pytest.raises(candidates.RunInProgress):
        candidates.propose()
    assert not FaqCandidate.objects.exists()


def test_accepting_makes_a_draft_linked_to_every_ticket(seeded, engineer):
    candidates.propose()
    candidate = FaqCandidate.objects.first()
    faq = services.accept_candidate(user=engineer, candidate=candidate)
    assert faq.state == "draft"
    assert faq.source_tickets.count() == 3
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.ACCEPTED and candidate.faq == faq
    # Tickets with an FAQ are not proposed again.
    candidates.propose()
    assert list(FaqCandidate.objects.filter(state="open").values_list("size", flat=True)) == [2]


def test_dismissed_groups_are_not_proposed_again(seeded, engineer, client):
    candidates.propose()
    candidate = FaqCandidate.objects.last()
    client.force_login(engineer)
    page = client.get(reverse("kb:candidates")).content.decode()
    assert "3 times in 90 days" in page or "90 天内解决 3 次" in page
    client.post(reverse("kb:candidate_decide", args=[candidate.pk, "dismiss"]))
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.DISMISSED
    candidates.propose()
    assert FaqCandidate.objects.filter(state="open").count() == 1


def test_operators_only_see_candidates_in_their_scope(seeded, client):
    candidates.propose()
    client.force_login(operator("e_seal"))
    page = client.get(reverse("kb:candidates")).content.decode()
    assert "证照" not in page
    candidate = FaqCandidate.objects.first()
    response = client.post(reverse("kb:candidate_decide", args=[candidate.pk, "accept"]))
    assert response.status_code == 404
    assert not Faq.objects.exists()


# --- manage.py kb_candidates ----------------------------------------------------


def run_command(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("kb_candidates", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_each_candidate_with_its_tickets(engineer):
    first = imported(engineer, "2555", *SAME_PROBLEM[0])
    second = imported(engineer, "3681", *SAME_PROBLEM[1])
    own = solved(engineer, *SAME_PROBLEM[2])
    solved(engineer, "好差评二维码在哪里", "窗口二维码")
    output = run_command()
    assert "full run" in output
    assert f"#{first.pk} [2555] {first.title}" in output
    assert f"#{second.pk} [3681] {second.title}" in output
    assert f"#{own.pk} {own.title}" in output
    assert "好差评" not in output


def test_the_command_prints_json_with_external_references(engineer):
    first = imported(engineer, "2555", *SAME_PROBLEM[0])
    imported(engineer, "3681", *SAME_PROBLEM[1])
    own = solved(engineer, *SAME_PROBLEM[2])
    result = json.loads(run_command("--json"))
    (candidate,) = result["candidates"]
    tickets = {t["id"]: t for t in candidate["tickets"]}
    assert tickets[first.pk] == {"id": first.pk, "title": first.title, "external_ref": "2555"}
    assert "external_ref" not in tickets[own.pk]
    assert result["run"]["kind"] == "full" and candidate["size"] == 3
    incremental = json.loads(run_command("--json", "--incremental"))
    assert incremental["run"]["kind"] == "incremental"
    assert incremental["candidates"] == result["candidates"]


def test_the_window_is_the_configured_one_unless_given(seeded):
    from django.utils import timezone
    from helpdesk.models import Ticket

    # Two of the three licence tickets were solved half a year ago.
    old = Ticket.objects.filter(title__in=[t for t, _ in SAME_PROBLEM[:2]])
    old.update(modified=timezone.now() - timezone.timedelta(days=180))
    assert "1 candidates written" in run_command()
    assert "2 candidates written" in run_command("--since", "2000-01-01")


@pytest.mark.parametrize("since", ["2026-02-30", "yesterday", "2999-01-01"])
def test_a_bad_date_is_refused_with_status_2(seeded, since):
    with pytest.raises(CommandError) as error:
        run_command("--since", since)
    assert error.value.returncode == 2
    assert not FaqCandidate.objects.exists()


@pytest.mark.parametrize("args", [["--since", "2026-13-01"], ["--unknown"], ["--since"]])
def test_bad_arguments_exit_with_status_2_from_the_command_line(args):
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    done = subprocess.run(
        [sys.executable, str(manage), "kb_candidates", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_the_candidates_page_names_the_configured_window(seeded, engineer, client, settings):
    settings.KB_CANDIDATE_WINDOW_DAYS = 30
    candidates.propose()
    client.force_login(engineer)
    page = client.get(reverse("kb:candidates"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "30 天内解决 3 次" in page
    assert "90 天" not in page
