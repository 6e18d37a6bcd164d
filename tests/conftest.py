"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.db import connections

from annotator.celery import app as celery_app
from annotator.projects.models import Project, Role
from tests.factories import LabelClassFactory, MembershipFactory, ProjectFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    """Each test gets its own channel layer instance.

    pytest-asyncio gives every test a new event loop, while channels_redis keeps asyncio locks
    bound to the loop that first waited on them; a layer shared between tests fails with
    "bound to a different event loop" when an earlier test's receive was cancelled mid-wait.
    (The server runs one loop for its whole life, so this only concerns tests.)
    """
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run Celery tasks in-process, whatever the environment configured."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@dataclass
class ProjectSetup:
    project: Project
    admin: Any
    annotator: Any
    outsider: Any
    label_class: Any


@pytest.fixture
def project_setup(db: None) -> ProjectSetup:
    admin = UserFactory()
    project = ProjectFactory(created_by=admin)
    MembershipFactory(project=project, user=admin, role=Role.ADMIN)
    annotator = UserFactory()
    MembershipFactory(project=project, user=annotator, role=Role.ANNOTATOR)
    return ProjectSetup(
        project=project,
        admin=admin,
        annotator=annotator,
        outsider=UserFactory(),
        label_class=LabelClassFactory(project=project, name="shape"),
    )


@pytest.fixture
async def close_worker_thread_connections() -> Any:
    """Close the connections the async tests opened in asgiref's worker thread.

    Without this the thread keeps its connection after the test and PostgreSQL refuses to drop
    the test database at the end of the run.
    """
    yield
    await sync_to_async(connections.close_all, thread_sensitive=True)()
