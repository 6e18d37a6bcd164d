"""Reads about class decoders: the head and its version history."""

from __future__ import annotations

from typing import Any

from annotator.adaptation.models import ClassDecoder, DecoderVersion
from annotator.projects.models import LabelClass


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
