from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.annotator.annotations.batch_queue import BatchQueue, batch_queue


@pytest.fixture
def queued() -> Iterator[BatchQueue]:
    """The batch queue's tasks caught, to run when the test says (``BatchQueue.run``)."""
    with batch_queue() as caught:
        yield caught
