import pytest
from django.urls import reverse

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


@pytest.fixture
def engineer():
    return operator()


@pytest.fixture
def seeded(engineer):
    reporter = UserFactory()
    for title, description in SAME_PROBLEM:
        resolve(file_ticket(reporter, title=title, description=description), engineer)
    for title, description in OTHER_PROBLEM:
        resolve(
            file_ticket(reporter, subsystem="service_items", title=title, description=description),
            engineer,
            reply="等待十分钟后刷新实施清单。",
            resolution="清单生成延迟",
        )
    resolve(file_ticket(reporter, title="好差评二维码在哪里", description="窗口二维码"), engineer)
    file_ticket(reporter, title="电子证照制作失败", description="模板未发布")  # still open


def test_duplicates_become_ranked_candidates(seeded):
    assert candidates.propose() == 2
    first, second = FaqCandidate.objects.all()
    assert first.size == 3 and first.subsystem.code == "e_license"
    assert second.size == 2 and second.subsystem.code == "service_items"
    assert "证照" in first.title


def test_rerunning_replaces_open_candidates(seeded):
    candidates.propose()
    candidates.propose()
    assert FaqCandidate.objects.count() == 2


def test_a_candidate_keeps_its_id_when_the_groups_are_redone(seeded, engineer):
    # Links to it (the candidates page, a report's drill-down) stay valid
    # after the nightly job, and it grows with the tickets solved since.
    candidates.propose()
    licence, items = FaqCandidate.objects.all()
    again = file_ticket(UserFactory(), title="电子证照制作失败", description="模板未发布，无法制作")
    resolve(again, engineer)
    candidates.propose()
    assert list(FaqCandidate.objects.values_list("pk", "size")) == [(licence.pk, 4), (items.pk, 2)]


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
