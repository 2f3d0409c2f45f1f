"""Where a panel polling for replies carries on from (pure: no Django).

Chat lines take their ids under the ticket's row lock, so their ids follow
commit order and "everything after id N" never skips one. Replies (helpdesk's
follow-ups) are written by other code paths: a reply may take a lower id and
commit after a higher one, so a poll that carried on after the highest id it
was given would skip it for good. The cursor therefore never passes a reply
written within the settling time: until every transaction that could still
commit below it has had that time, the poll reads the recent ones again and
the panel drops those it already shows (by id).
"""

import datetime as dt


def replies_cursor(
    after_id: int,
    page: list[tuple[int, dt.datetime]],
    *,
    more: bool,
    settled_before: dt.datetime,
) -> int:
    """The id the next poll asks for replies after, given this poll's
    `after_id` and its page of (id, written at), oldest id first; `more` when
    a next page follows. Replies written at or after `settled_before` may
    have neighbours still committing below them."""
    if not page:
        return after_id
    cursor = page[-1][0]
    recent = [reply_id for reply_id, written in page if written >= settled_before]
    if recent:
        cursor = max(after_id, min(cursor, min(recent) - 1))
    if more and cursor <= after_id:
        # A whole page written within the settling time: page on regardless.
        cursor = page[-1][0]
    return cursor
