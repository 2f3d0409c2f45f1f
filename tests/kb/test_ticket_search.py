"""Operators find tickets by number, phone fragment and external reference
too, with a total and pages; reporters' own ticket list searches with the
same engine, inside their scope."""

import pytest
from django.urls import reverse

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import TicketDetails
from kb import search
from tests.factories import DepartmentFactory, UserFactory, region
from tests.kb.factories import file_ticket, operator, supervisor

pytestmark = pytest.mark.django_db


def admin():
    return UserFactory(role=Role.ADMIN, department=None)


def ids(page):
    return [h.id for h in page.hits]


@pytest.fixture
def luding():
    return UserFactory(department=DepartmentFactory(region=region("513322")))


@pytest.fixture
def kangding():
    return UserFactory(department=DepartmentFactory(region=region("513301")))


def test_a_ticket_number_finds_that_ticket_first(luding):
    ticket = file_ticket(luding, title="办件无法签收")
    file_ticket(luding, title=f"办件编号{ticket.pk}无法查询")
    for text in (f"#{ticket.pk}", str(ticket.pk), f"# {ticket.pk}"):
        page = search.search_ticket_page(text, user=admin())
        assert ids(page)[0] == ticket.pk, text


def test_a_phone_fragment_finds_the_tickets_with_that_contact_phone(luding, kangding):
    mine = file_ticket(luding, title="事项无法认领", contact_phone="0836-2831234")
    file_ticket(luding, title="事项无法认领", contact_phone="13900001111")
    theirs = file_ticket(kangding, title="办件超期", contact_phone="(0836) 283 1234")
    assert set(ids(search.search_ticket_page("2831234", user=admin()))) == {mine.pk, theirs.pk}
    assert ids(search.search_ticket_page("0836-283", user=supervisor("513322"))) == [mine.pk]
    # Three digits are no phone fragment (nor a ticket here).
    assert search.search_ticket_page("283", user=admin()).total == 0


def test_an_external_reference_finds_its_ticket(luding):
    ticket = file_ticket(luding, title="历史工单")
    TicketDetails.objects.filter(ticket=ticket).update(external_ref="GZ12345-2023")
    assert ids(search.search_ticket_page("gz12345-2023", user=admin())) == [ticket.pk]
    assert search.search_ticket_page("GZ12345", user=admin()).total == 0


def test_named_tickets_stay_inside_the_scope(luding, kangding):
    theirs = file_ticket(kangding, title="办件超期", contact_phone="0836-2835555")
    TicketDetails.objects.filter(ticket=theirs).update(external_ref="KD-1")
    luding_supervisor = supervisor("513322")
    for text in (str(theirs.pk), "2835555", "KD-1"):
        assert search.search_ticket_page(text, user=luding_supervisor).hits == [], text
    assert search.search_ticket_page("KD-1", user=luding).hits == []


def test_words_give_a_total_and_pages_of_hits(luding):
    tickets = [file_ticket(luding, title=f"电子证照无法制作第{n}次") for n in range(25)]
    first = search.search_ticket_page("电子证照", user=admin(), per_page=10)
    assert (first.total, first.pages, first.number) == (25, 3, 1)
    assert first.has_next and not first.has_previous
    pages = [
        search.search_ticket_page("电子证照", user=admin(), page=n, per_page=10) for n in (2, 3)
    ]
    seen = ids(first) + ids(pages[0]) + ids(pages[1])
    assert sorted(seen) == sorted(t.pk for t in tickets)
    assert len(ids(pages[1])) == 5 and not pages[1].has_next


def test_the_search_page_shows_the_total_and_the_next_page(client, luding):
    for n in range(23):
        file_ticket(luding, title=f"电子证照无法制作{n}")
    client.force_login(admin())
    response = client.get(reverse("kb:search"), {"q": "电子证照"})
    assert response.context["tickets"].total == 23
    assert len(response.context["tickets"].hits) == 20
    body = response.content.decode()
    assert "page=2" in body and "共 23 条工单" in body and "第 1 页，共 2 页" in body
    second = client.get(reverse("kb:search"), {"q": "电子证照", "page": "2"})
    assert len(second.context["tickets"].hits) == 3


@pytest.mark.parametrize("page", ["0", "x", "99", "1\x00"])
def test_a_bad_page_is_a_400(client, page):
    client.force_login(admin())
    assert client.get(reverse("kb:search"), {"q": "电子证照", "page": page}).status_code == 400


def test_reporters_list_search_finds_words_in_any_order_within_their_department(
    client, luding, kangding
):
    own = file_ticket(luding, title="夜间噪音严重扰民")
    file_ticket(luding, title="营业执照无法下载")
    other = file_ticket(kangding, title="夜间噪音严重扰民")
    client.force_login(luding)
    page = client.get(reverse("tickets:list"), {"q": "噪音 扰民"})
    assert [t.pk for t in page.context["page"]] == [own.pk]
    assert other.pk not in [t.pk for t in page.context["page"]]
    # The number and the literal title still find their ticket.
    assert [
        t.pk for t in client.get(reverse("tickets:list"), {"q": str(own.pk)}).context["page"]
    ] == [own.pk]


def test_reporters_list_search_ignores_junk(client, luding):
    own = file_ticket(luding, title="夜间噪音严重扰民")
    client.force_login(luding)
    response = client.get(reverse("tickets:list"), {"q": "噪音\x00扰民"})
    assert [t.pk for t in response.context["page"]] == [own.pk]
    assert client.get(reverse("tickets:list"), {"q": "99999999999999"}).status_code == 200


def test_reporters_do_not_use_the_operators_ticket_search(luding):
    file_ticket(luding, title="夜间噪音严重扰民")
    assert search.search_ticket_page("噪音", user=luding).hits == []
    assert search.search_ticket_page("噪音", user=operator("e_license")).total == 1
