"""helpdesk's ticket-list queries (its `?status=…&assigned_to=…` links and
saved searches) read as the place that shows the same tickets now: a filter
of the work queue, or the ticket search for finished tickets and words.

No Django here: the queries come in as helpdesk's own "filtering" dicts.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# helpdesk's query-string filters: its name → its "filtering" key.
IN_PARAMS = {
    "queue": "queue__id__in",
    "assigned_to": "assigned_to__id__in",
    "status": "status__in",
    "priority": "priority__in",
}
# Any of these in a request to the list means a query of helpdesk's list
# (`queue` alone is the work queue's own too).
LEGACY_PARAMS = frozenset(
    {*IN_PARAMS, "saved_query", "q", "sort", "sortreverse", "kbitem", "date_from", "date_to"}
) - {"queue"}
NOBODY = "-1"


@dataclass(frozen=True)
class Landing:
    """Where a helpdesk list query lands: the work queue with `show` (and
    one queue), or, with `search` set, the ticket search with its fields."""

    show: str = "all"
    queue_id: int | None = None
    search: dict[str, str] | None = None


def filtering_from_params(params: Mapping[str, Sequence[str]]) -> tuple[dict, dict]:
    """helpdesk's (filtering, filtering_null) from its list's query string,
    as its own list builds them ("-1" stands for none)."""
    filtering, filtering_null = {}, {}
    for name, key in IN_PARAMS.items():
        values = [v for v in params.get(name, ()) if v != ""]
        if NOBODY in values:
            filtering_null[key.replace("__in", "__isnull")] = True
        numbers = [int(v) for v in values if v.isdecimal()]
        if numbers:
            filtering[key] = numbers
    return filtering, filtering_null


def _ints(values) -> set[int]:
    return {int(v) for v in values or () if str(v).isdecimal()}


def landing(
    filtering: Mapping,
    filtering_null: Mapping,
    search_string: str,
    *,
    user_id: int,
    worked_statuses: Sequence[int],
) -> Landing:
    """Where helpdesk's query (its filtering dicts and search words) lands."""
    statuses = _ints(filtering.get("status__in"))
    priorities = _ints(filtering.get("priority__in"))
    queues = _ints(filtering.get("queue__id__in"))
    finished_only = bool(statuses) and not statuses & set(worked_statuses)
    if finished_only or search_string.strip():
        search = {"q": search_string.strip()}
        if len(statuses) == 1 and finished_only:
            search["status"] = str(*statuses)
        if len(priorities) == 1:
            search["priority"] = str(*priorities)
        return Landing(search={k: v for k, v in search.items() if v})
    owners = _ints(filtering.get("assigned_to__id__in"))
    nobody = bool(filtering_null.get("assigned_to__id__isnull"))
    show = "all"
    if nobody and not owners:
        show = "unassigned"
    elif owners == {user_id} and not nobody:
        show = "mine"
    return Landing(show=show, queue_id=next(iter(queues)) if len(queues) == 1 else None)
