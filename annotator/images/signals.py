"""What the images app tells the apps above it (they connect their listeners in ``ready``)."""

from django.dispatch import Signal

# Sent once an uploaded image is committed: image (the ImageAsset), project.
image_uploaded = Signal()
