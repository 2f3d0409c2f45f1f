"""Reads of training data. Who may see what is decided in helpdesk_site/tickets/scope.py."""

from training.models import Attendance, Enrolment, Invitation, TrainingSession


def may_take_session_quiz(user, session: TrainingSession) -> bool:
    """A person takes a session's quiz if they were invited, enrolled or attended."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Invitation.objects.filter(session=session, user=user).exists()
        or Enrolment.objects.filter(session=session, user=user).exists()
        or Attendance.objects.filter(session=session, user=user, present=True).exists()
    )
