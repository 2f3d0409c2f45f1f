"""Tickets named rather than described: by number (#123 or 123), by a
fragment of the contact phone (at least PHONE_DIGITS digits), or by the
external reference a legacy desk or hotline gave them. Always inside the
user's scope."""

import re

from django.db.models import Q, Value
from django.db.models.functions import Replace

from helpdesk_site.tickets import scope

PHONE_DIGITS = 4
# Ticket ids are PostgreSQL integers.
MAX_TICKET_ID = 2_147_483_647
TICKET_NUMBER = re.compile(r"#?\s*(\d{1,10})")
PHONE_SEPARATORS = ("-", " ", "(", ")", "+")


def _phone_digits():
    """The contact phone with its separators taken out (0836-2831234 → 08362831234)."""
    expression = "details__contact_phone"
    for separator in PHONE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def named_tickets(text: str, user, **details) -> list[int]:
    """Ids of the user's tickets the text names (the filters' `details`
    apply too): the ticket numbered so first, then phone and reference matches."""
    text = text.strip()
    if not text:
        return []
    condition = Q(details__external_ref__iexact=text[:64])
    number = TICKET_NUMBER.fullmatch(text)
    digits = number.group(1) if number else ""
    if digits and int(digits) <= MAX_TICKET_ID:
        condition |= Q(pk=int(digits))
    phone = re.sub(r"[\s()+-]", "", text)
    is_phone = phone.isascii() and phone.isdecimal() and len(phone) >= PHONE_DIGITS
    tickets = scope.visible_tickets(user).filter(
        **{f"details__{name}": value for name, value in details.items()}
    )
    if is_phone:
        tickets = tickets.annotate(kb_phone=_phone_digits())
        condition |= Q(kb_phone__contains=phone)
    ids = list(tickets.filter(condition).order_by("-created", "-id").values_list("pk", flat=True))
    if digits and int(digits) in ids:
        ids.remove(int(digits))
        ids.insert(0, int(digits))
    return ids
