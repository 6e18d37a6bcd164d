"""What the annotations app tells the apps above it (they connect their listeners in ``ready``)."""

from django.dispatch import Signal

# Sent inside the transaction that saved a revision of an object: annotation (its row as
# saved: ``revision`` is the new revision's number, ``deleted_at`` set when deleted).
revision_saved = Signal()
