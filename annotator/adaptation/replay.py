"""The replay check (worker side, torch): the evaluation harness's robot user on a class's
latest accepted objects, once with the class's current decoder and once with a candidate
version, so NoC and FR can be compared before the candidate is trusted.

The accepted masks stand in for the ground truth: the robot clicks until each decoder
reproduces what the annotators accepted. Both decoders see the same objects, the same robot
and the same click cap; each image's embedding is computed once for both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from annotator.adaptation import services
from annotator.adaptation.models import ClassDecoder as DecoderRow
from annotator.adaptation.models import DecoderVersion, ReplayCheck
from annotator.adaptation.runtime import decode, learning_engine
from annotator.annotations.models import Annotation
from annotator.images.selectors import image_rgb
from annotator.projects.engines import engine_in_use
from annotator.serving.prepared import prepared_for
from inference.engines.base import PreparedImage
from inference.engines.sam.engine import SamEngine
from inference.evaluation import metrics
from inference.evaluation.datasets.sample import LoadedSample, Sample
from inference.evaluation.protocols import ProtocolOptions, run_sample
from inference.evaluation.report import click_metrics
from inference.masks import rle
from inference.prompts import Prompts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AcceptedObject(Sample):
    """An accepted annotation as an evaluation sample (its mask is the truth)."""

    loaded: LoadedSample | None = None

    def load(self) -> LoadedSample:
        assert self.loaded is not None
        return self.loaded


class _PreparedOnce:
    """``engine`` with an image whose embedding is already computed (no encoder run)."""

    def __init__(self, engine: SamEngine, prepared: PreparedImage) -> None:
        self.name = engine.name
        self.engine = engine
        self.prepared = prepared

    def prepare(self, image: np.ndarray) -> PreparedImage:
        return self.prepared

    def predict(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> np.ndarray:
        return self.engine.predict(prepared, prompts, previous_mask)


def _state(check: ReplayCheck, version: int) -> bytes | None:
    """A version's stored state: the head's for the current version, else a retained row's."""
    if version == check.current_version:
        head = (
            DecoderRow.objects.filter(label_class_id=check.label_class_id).values("version", "state").first()
        )
        if head is not None and head["version"] == version:
            return bytes(head["state"]) if head["state"] is not None else None
    row = DecoderVersion.objects.filter(label_class_id=check.label_class_id, version=version).first()
    if row is None or (row.state is None and row.state_bytes > 0):
        raise LookupError(f"version {version} is no longer retained")
    return bytes(row.state) if row.state is not None else None


def _side(histories: list[metrics.History], cap: int, version: int) -> dict[str, Any]:
    return {
        "version": version,
        **click_metrics(histories, cap),
        "miou_curve": [round(v, 4) for v in metrics.miou_curve(histories, cap)],
    }


def replay(check: ReplayCheck) -> dict[str, Any]:
    """Run the check; returns both sides' NoC, NoF and FR, and the objects replayed."""
    label_class = check.label_class
    engine_name = engine_in_use(label_class.project.engine).engine
    base = learning_engine(engine_name)
    if base is None:
        raise ValueError("the project does not run SAM here, so it has no decoder to compare")
    decoders = {
        version: base.with_decoder(decode(base, _state(check, version), 1e-6).decoder)
        for version in {check.current_version, check.candidate_version}
    }
    annotations = list(
        Annotation.objects.filter(label_class=label_class)
        .select_related("image")
        .order_by("-id")[: check.objects_requested]
    )
    options = ProtocolOptions(protocol="clicks", max_clicks=check.max_clicks)
    histories: dict[int, list[metrics.History]] = {version: [] for version in decoders}
    per_object = []
    for annotation in annotations:
        image = annotation.image
        sample = AcceptedObject(
            name=f"annotation {annotation.id}",
            label=label_class.name,
            image_path=Path(image.file.name or image.original_name),
            loaded=LoadedSample(image=image_rgb(image=image), mask=rle.decode(annotation.mask), ignore=None),
        )
        prepared = prepared_for(engine_name, image)
        record: dict[str, Any] = {"annotation_id": annotation.id, "image_id": image.id}
        for version, engine in decoders.items():
            result = run_sample(_PreparedOnce(engine, prepared), sample, options)
            histories[version].append(result.history)
            record[f"noc90_v{version}"] = metrics.interactions_to_reach(
                result.history, 0.90, check.max_clicks
            )
        per_object.append(record)
    return {
        "objects": len(annotations),
        "max_clicks": check.max_clicks,
        "current": _side(histories[check.current_version], check.max_clicks, check.current_version),
        "candidate": _side(histories[check.candidate_version], check.max_clicks, check.candidate_version),
        "per_object": per_object,
    }


def replay_check_run(check_id: int) -> None:
    """Claim a pending check, run it and store the outcome (or why it could not run)."""
    check = services.replay_check_start(check_id=check_id)
    if check is None:
        return
    try:
        result = replay(check)
    except (ValueError, LookupError, OSError) as error:
        logger.warning("replay check %s failed: %s", check_id, error)
        services.replay_check_finish(check=check, result=None, error=str(error))
        return
    services.replay_check_finish(check=check, result=result)
