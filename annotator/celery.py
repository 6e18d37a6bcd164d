"""The Celery application; configuration comes from Django settings (``CELERY_*``)."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

from annotator.interactions import worker_node  # noqa: F401  (connects the worker's affinity signals)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

app = Celery("annotator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_database_connections(**kwargs: Any) -> None:
    """Treat each task like a request: keep a healthy connection for CONN_MAX_AGE, drop a broken one."""
    from django.db import close_old_connections

    close_old_connections()
