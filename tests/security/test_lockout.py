"""Login lock-out holds behind a proxy and across accounts.

A client may put anything in X-Forwarded-For; only what our own proxies
append counts. Wrong passwords are limited per account and address (5) and
per address across accounts (20).
"""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from helpdesk_site.people.addresses import address_from
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ATTACKER = "203.0.113.9"
NEIGHBOUR = "198.51.100.7"


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded_for", "client"),
    [
        # No proxy configured: the header is the client's own, ignored.
        ([], "203.0.113.9", "1.2.3.4", "203.0.113.9"),
        ([], PROXY, "1.2.3.4, 203.0.113.9", PROXY),
        # Through our proxy: the right-most address it did not add itself.
        ([PROXY], PROXY, "203.0.113.9", "203.0.113.9"),
        ([PROXY], PROXY, "1.2.3.4, 5.6.7.8, 203.0.113.9", "203.0.113.9"),
        (["10.0.0.0/24"], PROXY, "1.2.3.4, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (["2001:db8::/32"], "2001:db8::1", "2001:db9::5, 2001:db8::2", "2001:db9::5"),
        # IPv4 written as IPv6 (a dual-stack proxy) is the same address.
        ([PROXY], "::ffff:10.0.0.2", "::ffff:203.0.113.9", "203.0.113.9"),
        # A direct connection from elsewhere is never taken at its word.
        ([PROXY], "203.0.113.9", "10.0.0.2", "203.0.113.9"),
        # Nothing but proxies, or junk: the last address we can vouch for.
        ([PROXY], PROXY, "", PROXY),
        ([PROXY], PROXY, "203.0.113.9, not-an-address", PROXY),
        (["10.0.0.0/24"], PROXY, "203.0.113.9, <script>, 10.0.0.3", "10.0.0.3"),
    ],
)
def test_the_client_address_is_the_right_most_hop_we_do_not_run(
    settings, trusted, peer, forwarded_for, client
):
    settings.TRUSTED_PROXIES = trusted
    assert address_from(peer, forwarded_for) == client


def log_in(client, username, password, forwarded_for, peer=PROXY):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_a_spoofed_header_does_not_escape_the_account_lockout(client, settings):
    """The attacker puts a new address in front of the proxy's each time."""
    settings.TRUSTED_PROXIES = [PROXY]
    clerk = UserFactory()
    statuses = [
        log_in(client, clerk.username, "wrong", f"10.9.{attempt}.1, {ATTACKER}").status_code
        for attempt in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    response = log_in(client, clerk.username, PASSWORD, f"10.9.99.1, {ATTACKER}")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The clerk, from their own office behind the same proxy, still gets in.
    response = log_in(client, clerk.username, PASSWORD, NEIGHBOUR)
    assert response.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_without_a_trusted_proxy_the_header_is_ignored(client, settings):
    settings.TRUSTED_PROXIES = []
    clerk = UserFactory()
    for attempt in range(5):
        log_in(client, clerk.username, "wrong", f"10.9.{attempt}.1", peer=ATTACKER)
    assert log_in(client, clerk.username, PASSWORD, "10.9.99.1", peer=ATTACKER).status_code == 429


def test_a_few_guesses_on_many_accounts_lock_the_address(client, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    accounts = [UserFactory() for _ in range(9)]
    statuses = []
    for account in accounts[:8]:
        for _ in range(4):
            statuses.append(log_in(client, account.username, "wrong", ATTACKER).status_code)
    # Twenty failures lock the address; the rest of the run is refused.
    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}
    response = log_in(client, accounts[8].username, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "此网络地址" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert log_in(client, accounts[8].username, PASSWORD, NEIGHBOUR).status_code == 302


def test_an_account_lockout_says_so_in_chinese(client, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    clerk = UserFactory()
    for _ in range(5):
        log_in(client, clerk.username, "wrong", ATTACKER)
    response = log_in(client, clerk.username, PASSWORD, ATTACKER)
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录失败次数过多" in body and "此网络地址" not in body


def test_check_deploy_asks_for_the_proxy_when_behind_one(settings):
    from helpdesk_site.people.checks import proxy_named_when_behind_one, trusted_proxies_parse

    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = []
    assert [w.id for w in proxy_named_when_behind_one(None)] == ["people.W001"]
    settings.TRUSTED_PROXIES = ["172.18.0.0/16"]
    assert proxy_named_when_behind_one(None) == []
    settings.TRUSTED_PROXIES = ["proxy.internal"]
    assert [e.id for e in trusted_proxies_parse(None)] == ["people.E001"]
