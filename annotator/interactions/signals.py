"""What the interactions app tells the apps above it (they connect their listeners in ``ready``)."""

from django.dispatch import Signal

# Sent inside the step's transaction, its events written back, when a step ended the session
# (accepted or cancelled): session, and for an accept the annotation it saved.
session_ended = Signal()
# Sent when the page working on these sessions left (its socket closed): session_ids, those of
# them still open.
sessions_left = Signal()
