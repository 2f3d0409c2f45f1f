"""The quiz's place in the training pages: a link in the training menu and
the quiz's card on a session's page."""

from django import template

from helpdesk_site.tickets import scope
from quizzes import selectors

register = template.Library()


@register.inclusion_tag("quizzes/_training_nav.html", takes_context=True)
def quizzes_nav(context):
    return {"user": context["user"]}


@register.inclusion_tag("quizzes/_session_card.html", takes_context=True)
def session_quiz(context, session):
    user = context["user"]
    quiz = selectors.quiz_of_session(session)
    manages = scope.manages_session_quiz(user, session)
    standing = selectors.standing(user, quiz) if quiz is not None else None
    may_take = quiz is not None and scope.may_take_quiz(user, quiz)
    return {
        "user": user,
        "session": session,
        "quiz": quiz,
        "manages": manages,
        "may_take": may_take,
        "standing": standing,
        "shown": manages or may_take or (standing is not None and standing.attempts),
    }
