from quizzes.services import announce_to_newcomers


def on_people_invited(sender, session, people, at, **kwargs):
    announce_to_newcomers(session, people, at)
