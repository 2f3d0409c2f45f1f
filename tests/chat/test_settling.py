"""Where polling for replies carries on from (chat.settling, pure)."""

import datetime as dt

from helpdesk_site.chat.settling import replies_cursor

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
SETTLED = NOW - dt.timedelta(seconds=120)
OLD = NOW - dt.timedelta(minutes=10)


def test_settled_replies_move_the_cursor_to_the_last_of_them():
    assert replies_cursor(3, [(5, OLD), (9, OLD)], more=False, settled_before=SETTLED) == 9


def test_the_cursor_stays_below_a_recent_reply():
    # A reply with id 8 may still be committing: the next poll asks after 6.
    page = [(5, OLD), (7, NOW), (9, NOW)]
    assert replies_cursor(3, page, more=False, settled_before=SETTLED) == 6


def test_nothing_new_keeps_the_cursor():
    assert replies_cursor(4, [], more=False, settled_before=SETTLED) == 4


def test_a_full_page_of_recent_replies_still_pages_on():
    page = [(5, NOW), (6, NOW)]
    assert replies_cursor(4, page, more=True, settled_before=SETTLED) == 6
    assert replies_cursor(4, page, more=False, settled_before=SETTLED) == 4
