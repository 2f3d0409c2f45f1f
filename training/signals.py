from django.dispatch import Signal

# Sent after people are newly invited to a session, with `session`, `people`
# (the users) and `at`; the quiz app tells them of an already open quiz.
people_invited = Signal()
