"""What the review app tells the apps above it (they connect their listeners in ``ready``)."""

from django.dispatch import Signal

# Sent inside the transaction that stored a verdict: review (the ``ObjectReview``).
verdict_given = Signal()
