"""The batch queue seen from a test: tasks sent to it are caught as the broker takes them (they
go to a queue of the test's own, emptied afterwards) and run when the test says, as the batch
worker would, so a test sees what a request started without that request doing it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from celery.signals import before_task_publish
from django.test import override_settings

from annotator.celery import app as celery_app


@dataclass(frozen=True)
class SentTask:
    name: str
    args: tuple[Any, ...]


class BatchQueue:
    def __init__(self, queue: str) -> None:
        self.queue = queue
        self.sent: list[SentTask] = []
        self.ran = 0

    def catch(self, sender: str, body: Any, routing_key: str, **kwargs: Any) -> None:
        if routing_key == self.queue:
            self.sent.append(SentTask(sender, tuple(body[0])))

    def run(self) -> int:
        """Run the tasks sent since the last run, in order, as the batch worker would; returns
        how many ran."""
        count = 0
        while self.ran < len(self.sent):
            task = self.sent[self.ran]
            self.ran += 1
            celery_app.tasks[task.name](*task.args)
            count += 1
        return count


@contextmanager
def batch_queue() -> Iterator[BatchQueue]:
    """Tasks not eager (whatever the set-up), the batch queue one of the test's own."""
    caught = BatchQueue(f"test-batch-{uuid.uuid4().hex[:10]}")
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    before_task_publish.connect(caught.catch, weak=False)
    try:
        with override_settings(MASKLOOP_BATCH_QUEUE=caught.queue):
            yield caught
    finally:
        before_task_publish.disconnect(caught.catch)
        celery_app.conf.task_always_eager = previous
        if caught.queue in celery_app.amqp.queues:  # declared when a task was sent to it
            with celery_app.connection_for_write() as connection:
                bound = celery_app.amqp.queues[caught.queue](connection.default_channel)
                bound.declare()
                bound.delete()
