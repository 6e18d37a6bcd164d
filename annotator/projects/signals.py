"""What the projects app tells the apps above it (they connect their listeners in ``ready``)."""

from django.dispatch import Signal

# Sent inside the transaction that removes a member: project_id, user_id, removed_by.
member_removed = Signal()
