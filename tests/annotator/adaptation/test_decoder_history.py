"""Class decoders in the database: versions, retention, rollback, reset, concurrent accepts."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

import pytest
import torch
from django.db import connection

from annotator.adaptation import services
from annotator.adaptation.models import ClassDecoder, DecoderVersion
from annotator.common.errors import InvalidInput
from inference.adaptation.adapter import ClassDecoder as TorchDecoder
from tests.conftest import ProjectSetup
from tests.tiny_sam import build_tiny_sam


def grow(state: bytes | None) -> bytes:
    """A stand-in step whose output shows which state it started from."""
    return (state or b"") + b"x"


@pytest.mark.django_db
def test_each_accept_is_a_version_with_its_history(project_setup: ProjectSetup) -> None:
    seen: list[bytes | None] = []

    def step(state: bytes | None) -> bytes:
        seen.append(state)
        return grow(state)

    first = services.decoder_adapt(
        label_class=project_setup.label_class, step=step, user=project_setup.annotator
    )
    second = services.decoder_adapt(
        label_class=project_setup.label_class, step=step, user=project_setup.admin
    )
    assert (first.version, first.parent, second.version, second.parent) == (1, 0, 2, 1)
    assert seen == [None, b"x"]  # the first step starts from the base decoder
    head = ClassDecoder.objects.get(label_class=project_setup.label_class)
    assert (head.version, head.images_seen, bytes(head.state)) == (2, 2, b"xx")
    rows = list(DecoderVersion.objects.filter(label_class=project_setup.label_class))
    assert [(r.version, r.reason, r.images_seen) for r in rows] == [
        (0, "base", 0),
        (1, "adapted", 1),
        (2, "adapted", 2),
    ]
    assert rows[2].created_by == project_setup.admin


@pytest.mark.django_db
def test_retention_keeps_every_nth_and_the_last_versions_only(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_DECODER_KEEP_EVERY = 3
    settings.MASKLOOP_DECODER_KEEP_LAST = 2
    for _ in range(8):
        services.decoder_adapt(label_class=project_setup.label_class, step=grow, user=None)
    rows = DecoderVersion.objects.filter(label_class=project_setup.label_class)
    kept = sorted(r.version for r in rows if r.state is not None)
    assert kept == [3, 6, 7, 8]
    assert rows.count() == 9  # every version keeps its history row
    stored = sum(len(bytes(r.state)) for r in rows if r.state is not None)
    assert stored == 3 + 6 + 7 + 8


@pytest.mark.django_db
def test_rollback_restores_a_retained_version_exactly_and_refuses_a_dropped_one(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_DECODER_KEEP_EVERY = 3
    settings.MASKLOOP_DECODER_KEEP_LAST = 2
    for _ in range(5):
        services.decoder_adapt(label_class=project_setup.label_class, step=grow, user=None)
    back = services.decoder_rollback(
        label_class=project_setup.label_class, version=3, user=project_setup.admin
    )
    head = ClassDecoder.objects.get(label_class=project_setup.label_class)
    assert (back.version, back.parent, back.reason) == (6, 3, "rollback")
    assert bytes(head.state) == b"xxx" and head.images_seen == 3
    with pytest.raises(InvalidInput) as dropped:
        services.decoder_rollback(label_class=project_setup.label_class, version=2, user=None)
    assert dropped.value.code == "version_not_retained"
    with pytest.raises(InvalidInput) as unknown:
        services.decoder_rollback(label_class=project_setup.label_class, version=99, user=None)
    assert unknown.value.code == "unknown_version"
    base = services.decoder_rollback(label_class=project_setup.label_class, version=0, user=None)
    head.refresh_from_db()
    assert base.version == 7 and head.state is None


@pytest.mark.django_db
def test_reset_and_switching_off(project_setup: ProjectSetup) -> None:
    services.decoder_adapt(label_class=project_setup.label_class, step=grow, user=None)
    reset = services.decoder_reset(label_class=project_setup.label_class, user=project_setup.admin)
    head = ClassDecoder.objects.get(label_class=project_setup.label_class)
    assert reset.reason == "reset" and head.state is None and head.images_seen == 0 and head.version == 2
    services.decoder_set_enabled(label_class=project_setup.label_class, enabled=False)
    with pytest.raises(InvalidInput) as off:
        services.decoder_adapt(label_class=project_setup.label_class, step=grow, user=None)
    assert off.value.code == "adaptation_off"
    head.refresh_from_db()
    assert head.version == 2


@pytest.mark.django_db
def test_decoder_weights_and_adam_state_round_trip_through_the_database(project_setup: ProjectSetup) -> None:
    decoder = TorchDecoder(build_tiny_sam(seed=3).mask_decoder, lr=1e-3)
    for parameter in decoder.decoder.parameters():  # some Adam state to carry
        parameter.grad = torch.ones_like(parameter)
    decoder.optimizer.step()

    def step(_: bytes | None) -> bytes:
        stored = io.BytesIO()
        torch.save(decoder.state(), stored)
        return stored.getvalue()

    services.decoder_adapt(label_class=project_setup.label_class, step=step, user=None)
    row = DecoderVersion.objects.get(label_class=project_setup.label_class, version=1)
    loaded = torch.load(io.BytesIO(bytes(row.state)), weights_only=True)
    original = decoder.state()
    assert all(torch.equal(loaded["decoder"][k], v) for k, v in original["decoder"].items())
    moments = original["optimizer"]["state"]
    assert all(
        torch.equal(loaded["optimizer"]["state"][k]["exp_avg_sq"], m["exp_avg_sq"])
        for k, m in moments.items()
    )
    assert row.state_bytes == len(bytes(row.state)) > 0


@pytest.mark.django_db(transaction=True)
def test_two_accepts_of_the_same_class_at_the_same_moment_both_land(project_setup: ProjectSetup) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs it)")
    services.decoder_set_enabled(label_class=project_setup.label_class, enabled=True)  # create the head
    started = threading.Barrier(2)
    errors: list[BaseException] = []

    def slow(state: bytes | None) -> bytes:
        time.sleep(0.3)  # long enough for the other thread to be waiting on the lock
        return grow(state)

    def accept() -> None:
        try:
            started.wait()
            services.decoder_adapt(label_class=project_setup.label_class, step=slow, user=None)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    head = ClassDecoder.objects.get(label_class=project_setup.label_class)
    assert head.version == 2 and bytes(head.state) == b"xx"  # the second step built on the first
    assert sorted(DecoderVersion.objects.values_list("version", flat=True)) == [0, 1, 2]
