from django.dispatch import Signal

# Sent in the transaction that marks notices read. kwargs: notices (the ones
# that were unread), user, at.
notices_read = Signal()
