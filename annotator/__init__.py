"""The Maskloop Django project."""

from annotator.celery import app as celery_app

__all__ = ["celery_app"]
