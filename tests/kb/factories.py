from helpdesk.models import Ticket

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Subsystem
from kb import faqs
from tests.factories import OperatorFactory, UserFactory, file_ticket, region


def resolve(ticket, operator, reply="请在证照目录中发布模板后重新制作。", resolution="模板未发布"):
    """Resolve a ticket the way an operator does in helpdesk: a public reply
    and a resolution."""
    ticket.followup_set.create(title="回复", comment=reply, public=True, user=operator)
    ticket.resolution = resolution
    ticket.status = Ticket.RESOLVED_STATUS
    ticket.save()
    return ticket


def operator(*codes):
    subsystems = Subsystem.objects.filter(code__in=codes) if codes else None
    return OperatorFactory(subsystems=subsystems)


def supervisor(code="513300"):
    return UserFactory(role=Role.SUPERVISOR, department=None, supervised_region=region(code))


def published_faq(author, question, answer, subsystem=None, is_public=True, category=""):
    faq = faqs.create_draft(
        user=author,
        question=question,
        answer=answer,
        subsystem=Subsystem.objects.get(code=subsystem) if subsystem else None,
        is_public=is_public,
        category=category,
    )
    faqs.submit_for_review(user=author, faq=faq)
    return faqs.publish(user=supervisor(), faq=faq)


__all__ = ["file_ticket", "operator", "published_faq", "resolve", "supervisor"]
