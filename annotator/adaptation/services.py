"""Writes of online adaptation: a class decoder's steps, rollback, reset and switch; a
project's variant; replay checks.

Every write locks the class's head row (``select_for_update``), so two annotators accepting
objects of the same class at the same moment are applied one after the other: both steps land
and the version goes up by two. The adaptation step itself is a function from the current
state to the next (the worker's torch code), so this module never imports torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotator.adaptation.models import (
    CheckStatus,
    ClassDecoder,
    DecoderVersion,
    ProjectAdaptation,
    ReplayCheck,
    VersionReason,
)
from annotator.adaptation.selectors import VARIANT_FIELDS, project_adaptation
from annotator.common.errors import InvalidInput
from annotator.projects.engines import engine_in_use
from annotator.projects.models import LabelClass, Project

# From the current state (None: the base decoder) to the next one, as bytes.
Step = Callable[[bytes | None], bytes]
# What a retained version keeps of the head's new state (the worker keeps the weights and
# drops Adam's moments, a third of the size; the head keeps both to go on learning).
Retained = Callable[[bytes], bytes]


def _head(label_class: LabelClass) -> ClassDecoder:
    """The class's head row, locked; created at version 0 (the base decoder) on first use."""
    head, created = ClassDecoder.objects.select_for_update().get_or_create(label_class=label_class)
    if created:
        DecoderVersion.objects.create(
            label_class=label_class, version=0, reason=VersionReason.BASE, images_seen=0
        )
    return head


def _retained(version: int, latest: int) -> bool:
    every = settings.MASKLOOP_DECODER_KEEP_EVERY
    return version == 0 or version % every == 0 or version > latest - settings.MASKLOOP_DECODER_KEEP_LAST


def _record(
    head: ClassDecoder,
    *,
    reason: str,
    parent: int,
    user: User | None,
    state: bytes | None,
    kept: bytes | None,
) -> DecoderVersion:
    head.version += 1
    head.state = state
    head.save(update_fields=["version", "state", "images_seen", "updated_at"])
    created = DecoderVersion.objects.create(
        label_class_id=head.label_class_id,
        version=head.version,
        parent=parent,
        reason=reason,
        images_seen=head.images_seen,
        created_by=user,
        state=kept,
        state_bytes=len(kept) if kept else 0,
    )
    # Drop the full state of versions that fell out of the retention window.
    stale = DecoderVersion.objects.filter(label_class_id=head.label_class_id, state__isnull=False)
    for version in stale.values_list("version", flat=True):
        if not _retained(version, head.version):
            DecoderVersion.objects.filter(label_class_id=head.label_class_id, version=version).update(
                state=None
            )
    return created


@transaction.atomic
def decoder_adapt(
    *, label_class: LabelClass, step: Step, user: User | None, retained: Retained | None = None
) -> DecoderVersion:
    """Apply one adaptation step (an accepted object) to the class decoder: a new version.
    Its history row keeps ``retained(state)`` while retained (default: the state itself)."""
    head = _head(label_class)
    if not head.enabled:
        raise InvalidInput("Adaptation is switched off for this class.", code="adaptation_off")
    parent = head.version
    state = step(bytes(head.state) if head.state is not None else None)
    head.images_seen += 1
    kept = retained(state) if retained is not None else state
    return _record(head, reason=VersionReason.ADAPTED, parent=parent, user=user, state=state, kept=kept)


@transaction.atomic
def decoder_rollback(*, label_class: LabelClass, version: int, user: User | None) -> DecoderVersion:
    """Make a retained earlier version the class's decoder again (as a new version)."""
    head = _head(label_class)
    _rollback_target(label_class, version)
    target = DecoderVersion.objects.get(label_class=label_class, version=version)
    head.images_seen = target.images_seen
    state = bytes(target.state) if target.state is not None else None
    return _record(
        head, reason=VersionReason.ROLLBACK, parent=target.version, user=user, state=state, kept=state
    )


@transaction.atomic
def decoder_reset(*, label_class: LabelClass, user: User | None) -> DecoderVersion:
    """Back to the base checkpoint's decoder (as a new version)."""
    head = _head(label_class)
    head.images_seen = 0
    return _record(head, reason=VersionReason.RESET, parent=head.version, user=user, state=None, kept=None)


@transaction.atomic
def decoder_set_enabled(*, label_class: LabelClass, enabled: bool) -> ClassDecoder:
    head = _head(label_class)
    head.enabled = enabled
    head.save(update_fields=["enabled", "updated_at"])
    return head


@transaction.atomic
def project_adaptation_update(
    *, project: Project, user: User | None, changes: dict[str, Any]
) -> dict[str, Any]:
    """Set the project's switch or variant (fields not given keep their current value)."""
    current = project_adaptation(project_id=project.id)
    values = {field: changes.get(field, current[field]) for field in VARIANT_FIELDS}
    ProjectAdaptation.objects.update_or_create(project=project, defaults={**values, "updated_by": user})
    return project_adaptation(project_id=project.id)


def _rollback_target(label_class: LabelClass, version: int) -> DecoderVersion:
    target = DecoderVersion.objects.filter(label_class=label_class, version=version).defer("state").first()
    if target is None:
        raise InvalidInput(f"Version {version} does not exist.", code="unknown_version")
    kept = DecoderVersion.objects.filter(label_class=label_class, version=version, state__isnull=False)
    if target.state_bytes > 0 and not kept.exists():
        raise InvalidInput(f"Version {version} was not retained.", code="version_not_retained")
    return target


@transaction.atomic
def replay_check_request(
    *, label_class: LabelClass, version: int, objects: int, user: User | None
) -> ReplayCheck:
    """Ask for a replay of the class's latest accepted objects with the current decoder and
    ``version`` (a retained one, or 0 for the base decoder)."""
    head = _head(label_class)
    _rollback_target(label_class, version)
    if not engine_in_use(label_class.project.engine).spec.capabilities.learns_online:
        raise InvalidInput(
            "This project does not run SAM on this server, so it has no decoder to compare.",
            code="not_sam",
        )
    if not label_class.annotations.exists():
        raise InvalidInput("This class has no accepted objects to replay yet.", code="nothing_to_replay")
    return ReplayCheck.objects.create(
        label_class=label_class,
        current_version=head.version,
        candidate_version=version,
        objects_requested=objects,
        max_clicks=settings.MASKLOOP_REPLAY_MAX_CLICKS,
        created_by=user,
    )


@transaction.atomic
def replay_check_start(*, check_id: int) -> ReplayCheck | None:
    """Claim a pending check for this worker (None: gone, or another worker has it)."""
    check = ReplayCheck.objects.select_for_update().filter(id=check_id, status=CheckStatus.PENDING).first()
    if check is None:
        return None
    check.status = CheckStatus.RUNNING
    check.save(update_fields=["status"])
    return check


def replay_check_finish(*, check: ReplayCheck, result: dict[str, Any] | None, error: str = "") -> ReplayCheck:
    check.status = CheckStatus.DONE if result is not None else CheckStatus.FAILED
    check.result = result
    check.error = error[:300]
    check.finished_at = timezone.now()
    check.save(update_fields=["status", "result", "error", "finished_at"])
    return check
