"""Reads about online adaptation: a project's variant, a class decoder's head and history,
and its replay checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from annotator.adaptation.models import ClassDecoder, DecoderVersion, ProjectAdaptation, ReplayCheck
from annotator.common.errors import NotFound
from annotator.projects.models import LabelClass

VARIANT_FIELDS = ("enabled", "click", "result", "click_mask", "lr", "erosions")


def project_adaptation(*, project_id: int) -> dict[str, Any]:
    """The project's switch and variant; the settings' defaults where it has not chosen."""
    row = ProjectAdaptation.objects.filter(project_id=project_id).values(*VARIANT_FIELDS).first()
    if row is not None:
        return {"project_id": project_id, "chosen": True, **row}
    return {
        "project_id": project_id,
        "chosen": False,
        "enabled": settings.MASKLOOP_ADAPTATION_ENABLED,
        "click": settings.MASKLOOP_ADAPTATION_CLICK,
        "result": settings.MASKLOOP_ADAPTATION_RESULT,
        "click_mask": settings.MASKLOOP_ADAPTATION_CLICK_MASK,
        "lr": settings.MASKLOOP_ADAPTATION_LR,
        "erosions": settings.MASKLOOP_ADAPTATION_EROSIONS,
    }


def replay_check_get(*, label_class: LabelClass, check_id: int) -> ReplayCheck:
    check = ReplayCheck.objects.filter(label_class=label_class, id=check_id).first()
    if check is None:
        raise NotFound("No such replay check for this class.")
    return check


def replay_checks_recent(*, label_class: LabelClass, limit: int = 5) -> list[ReplayCheck]:
    return list(ReplayCheck.objects.filter(label_class=label_class).select_related("created_by")[:limit])


def decoder_history(*, label_class: LabelClass) -> dict[str, Any]:
    """The class decoder's current version, switch and every version, newest first (a class
    never adapted is at version 0, the base checkpoint's decoder)."""
    head = ClassDecoder.objects.filter(label_class=label_class).first()
    versions = (
        DecoderVersion.objects.filter(label_class=label_class).select_related("created_by").defer("state")
    )
    retained = set(
        DecoderVersion.objects.filter(label_class=label_class, state__isnull=False).values_list(
            "version", flat=True
        )
    )
    return {
        "class_id": label_class.id,
        "version": head.version if head else 0,
        "images_seen": head.images_seen if head else 0,
        "enabled": head.enabled if head else True,
        "replay_checks": replay_checks_recent(label_class=label_class),
        "versions": [
            {
                "version": v.version,
                "parent": v.parent,
                "reason": v.reason,
                "images_seen": v.images_seen,
                "created_by": v.created_by.username if v.created_by else None,
                "created_at": v.created_at,
                # The base decoder (no state of its own) can always be returned to.
                "can_roll_back": v.version in retained or v.state_bytes == 0,
                "state_bytes": v.state_bytes,
            }
            for v in sorted(versions, key=lambda v: -v.version)
        ],
    }
