"""Evaluation protocols: how a robot user works one object with an engine.

Every protocol records the IoU after each interaction up to the cap. ``clicks`` (the standard
robot), ``pisam_clicks`` (seed 001's sampler, one click per round) and ``scribbles`` start from
nothing. ``box`` starts from the engine's answer to the ground-truth box (optionally
jittered), ``coarse`` from its answer to a perturbed ground truth given as the previous
mask, and ``correction`` from a DAVIS-585 defective mask as it is; each then continues with
the standard robot's clicks, so their NoC counts the clicks after the start.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from inference.engines.base import Engine, PreparedImage
from inference.evaluation import boxes, coarse, defects, metrics, pisam, scribbles
from inference.evaluation.clicker import next_click
from inference.evaluation.datasets import Sample
from inference.prompts import Prompt, Prompts

PROTOCOLS = ("clicks", "pisam_clicks", "scribbles", "box", "coarse", "correction")


@dataclass(frozen=True)
class ProtocolOptions:
    """``coarse_level``: 1..5, the index into ``coarse.COARSE_LEVELS``; ``box_jitter``: size
    jitter as a fraction (position jitter is half of it), 0 for the exact box."""

    protocol: str = "clicks"
    max_clicks: int = 20
    seed: int = 0
    coarse_level: int = 1
    box_jitter: float = 0.0
    accept_iou: float | None = None

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {self.protocol!r}; known: {', '.join(PROTOCOLS)}")
        if self.max_clicks < 1:
            raise ValueError("max_clicks must be at least 1")
        if not 1 <= self.coarse_level <= len(coarse.COARSE_LEVELS):
            raise ValueError(f"coarse_level must be 1..{len(coarse.COARSE_LEVELS)}")
        if not 0.0 <= self.box_jitter < 1.0:
            raise ValueError("box_jitter must be in [0, 1)")
        if self.accept_iou is not None and not 0.0 < self.accept_iou <= 1.0:
            raise ValueError("accept_iou must be in (0, 1]")

    @property
    def unit(self) -> str:
        return "scribble" if self.protocol == "scribbles" else "click"


@dataclass
class SampleResult:
    """One object's run. ``ious[k - 1]``, ``boundary_ious[k - 1]``, ``assds[k - 1]``: after k
    interactions; ``seconds[k - 1]``: the engine's time for interaction k (absent when the robot
    had nothing left to fix). ``initial_iou``: IoU of the starting mask; ``input_iou``: IoU of a
    coarse or defective input before the engine saw it; ``destroyed``: in the correction protocol,
    the share of the defective mask's correct pixels that are wrong at the end of the run."""

    name: str
    label: str
    ious: list[float] = field(default_factory=list)
    boundary_ious: list[float] = field(default_factory=list)
    assds: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    prepare_seconds: float = 0.0
    initial_iou: float | None = None
    input_iou: float | None = None
    destroyed: float | None = None

    @property
    def history(self) -> metrics.History:
        return metrics.History(ious=tuple(self.ious), initial=self.initial_iou)


def sample_rng(seed: int, name: str) -> np.random.Generator:
    """A generator that depends only on the run's seed and the object, not on the run's order."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


class OnlineLearner(Protocol):
    """Adaptation around one object (seed 004): ``engine`` answers the clicks; it learns after
    each click and once the object is accepted (``inference.adaptation.SessionAdapter``)."""

    @property
    def engine(self) -> Engine: ...

    def after_click(self, prepared: PreparedImage, prompts: Prompts) -> float | None: ...

    def after_accept(self, prepared: PreparedImage, prompts: Prompts, result: np.ndarray) -> float | None: ...


class _Robot:
    """The protocol's interaction source for the rounds after the start."""

    def __init__(self, options: ProtocolOptions, rng: np.random.Generator) -> None:
        self.options = options
        self.rng = rng

    def next(
        self, truth: np.ndarray, mask: np.ndarray, ignore: np.ndarray | None, prompts: Prompts
    ) -> Prompt | None:
        if self.options.protocol == "scribbles":
            return scribbles.next_scribble(truth, mask, ignore)
        if self.options.protocol == "pisam_clicks":
            picked = pisam.simulate_clicks(truth, mask, self.rng, max_points=1, ignore=ignore)
            if picked:
                return picked[0]
            return next_click(truth, mask, ignore, clicked=prompts.clicks)
        return next_click(truth, mask, ignore, clicked=prompts.clicks)


def _timed_predict(
    engine: Engine, prepared: object, prompts: Prompts, previous: np.ndarray | None
) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    probability = engine.predict(prepared, prompts, previous)  # type: ignore[arg-type]
    return probability >= 0.5, time.perf_counter() - started


def run_sample(
    engine: Engine, sample: Sample, options: ProtocolOptions, learner: OnlineLearner | None = None
) -> SampleResult:
    """Work one object under the protocol; returns its per-interaction record.

    With a ``learner`` (seed 004's protocol) its engine answers, each click is learnt from
    after its mask is shown (as the product does: the mask goes out first), the robot stops
    once the IoU reaches ``options.accept_iou``, and that last mask is accepted and learnt from.
    """
    if learner is not None:
        engine = learner.engine
    loaded = sample.load()
    truth, ignore = loaded.mask, loaded.ignore
    rng = sample_rng(options.seed, sample.name)
    result = SampleResult(name=sample.name, label=sample.label)
    started = time.perf_counter()
    prepared = engine.prepare(loaded.image)
    result.prepare_seconds = time.perf_counter() - started

    prompts = Prompts()
    mask = np.zeros_like(truth)
    previous: np.ndarray | None = None
    if options.protocol == "box":
        jitter = options.box_jitter
        box = boxes.jittered_box(truth, rng, jitter, jitter / 2) if jitter else boxes.bounding_box(truth)
        prompts = prompts.with_box(box)
        mask, _ = _timed_predict(engine, prepared, prompts, None)
        previous = mask
    elif options.protocol == "coarse":
        start = coarse.coarse_mask(truth, coarse.COARSE_LEVELS[options.coarse_level - 1], rng)
        result.input_iou = metrics.iou(truth, start, ignore)
        mask, _ = _timed_predict(engine, prepared, prompts, start)
        previous = mask
    elif options.protocol == "correction":
        start = defects.defective_mask(loaded.image, truth, rng)
        mask = start
        result.input_iou = metrics.iou(truth, mask, ignore)
        previous = mask
        prompts = Prompts(from_mask=True)
    if previous is not None:
        result.initial_iou = metrics.iou(truth, mask, ignore)

    robot = _Robot(options, rng)
    for _ in range(options.max_clicks):
        prompt = robot.next(truth, mask, ignore, prompts)
        if prompt is not None:
            prompts = prompts.with_prompt(prompt)
            mask, seconds = _timed_predict(engine, prepared, prompts, previous)
            previous = mask
            result.seconds.append(seconds)
            if learner is not None:
                learner.after_click(prepared, prompts)
        result.ious.append(metrics.iou(truth, mask, ignore))
        result.boundary_ious.append(metrics.boundary_iou(truth, mask, ignore))
        result.assds.append(metrics.assd(truth, mask))
        if prompt is None or (options.accept_iou is not None and result.ious[-1] >= options.accept_iou):
            break
    if learner is not None:
        learner.after_accept(prepared, prompts, mask)
    if options.protocol == "correction":
        result.destroyed = metrics.destroyed_fraction(truth, start, mask, ignore)
    return result
