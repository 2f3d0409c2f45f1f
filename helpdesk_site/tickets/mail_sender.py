"""One sender for every e-mail django-helpdesk sends staff: the service desk.

helpdesk signs its mail to the assignee and the queue's CC with the queue's
own address, and with "NO QUEUE EMAIL ADDRESS DEFINED" when the queue has
none, which is every queue here: queues are made per subsystem, and an
administrator may add more. The desk writes as one sender (settings
SERVICE_DESK_EMAIL_NAME and SERVICE_DESK_EMAIL_ADDRESS, as its own notices
do), so the sender is read from the settings, not stored on each queue: a
queue made later needs nothing set, and a changed setting reaches all.
"""

from django.conf import settings
from helpdesk.models import Queue


def desk_sender() -> str:
    return f"{settings.SERVICE_DESK_EMAIL_NAME} <{settings.SERVICE_DESK_EMAIL_ADDRESS}>"


def connect() -> None:
    Queue.from_address = property(lambda queue: desk_sender())
