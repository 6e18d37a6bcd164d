"""Running a protocol over a dataset, in this process or in a pool of worker processes."""

from __future__ import annotations

import itertools
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tqdm import tqdm

from inference.engines import Engine, build_engine
from inference.evaluation.coarse import PerturbationFailed
from inference.evaluation.datasets import DatasetError, Sample
from inference.evaluation.protocols import OnlineLearner, ProtocolOptions, SampleResult, run_sample
from inference.pipelines import wrap_engine


@dataclass(frozen=True)
class EngineSpec:
    """How to build the engine in any process: registry name, keyword options, pipeline."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    pipeline: str = "plain"
    # Online adaptation (seed 004) in ``AdaptationConfig.parse``'s notation; None: none.
    adaptation: str | None = None

    def build(self) -> Engine:
        try:
            engine = build_engine(self.name, **self.options)
        except TypeError as exc:
            raise ValueError(
                f"engine {self.name!r} does not take these options {self.options}: {exc}"
            ) from exc
        return wrap_engine(self.pipeline, engine)

    def learners(self, engine: Engine) -> Learners | None:
        """The run's class decoders, when it adapts (needs torch: imported only then)."""
        if self.adaptation is None:
            return None
        from inference.adaptation.adapter import AdaptationConfig
        from inference.adaptation.sequence import ClassSequence

        return ClassSequence(engine, AdaptationConfig.parse(self.adaptation))


class Learners(Protocol):
    """Hands out the learner for the next object of a class (``ClassSequence``)."""

    def begin(self, label: str) -> OnlineLearner: ...


@dataclass(frozen=True)
class SampleError:
    name: str
    label: str
    error: str


@dataclass
class RunOutcome:
    """Results in run order, and the objects that could not be evaluated (with why)."""

    results: list[SampleResult]
    errors: list[SampleError]


def run_order(samples: Sequence[Sample], by_class: bool) -> list[Sample]:
    """``by_class``: every object of a class in a row (classes alphabetical, stable within)."""
    if not by_class:
        return list(samples)
    return sorted(samples, key=lambda sample: sample.label)


_worker_engine: Engine | None = None
_worker_learners: Learners | None = None
_worker_options: ProtocolOptions | None = None


def _init_worker(spec: EngineSpec, options: ProtocolOptions) -> None:
    global _worker_engine, _worker_learners, _worker_options
    _worker_engine = spec.build()
    _worker_learners = spec.learners(_worker_engine)
    _worker_options = options


def _attempt(
    engine: Engine, sample: Sample, options: ProtocolOptions, learners: Learners | None
) -> SampleResult | SampleError:
    try:
        learner = learners.begin(sample.label) if learners is not None else None
        return run_sample(engine, sample, options, learner)
    except (DatasetError, PerturbationFailed) as exc:
        return SampleError(name=sample.name, label=sample.label, error=str(exc))


def _run_group(group: list[Sample]) -> list[SampleResult | SampleError]:
    assert _worker_engine is not None and _worker_options is not None
    return [_attempt(_worker_engine, sample, _worker_options, _worker_learners) for sample in group]


def _groups(ordered: list[Sample], by_class: bool) -> list[list[Sample]]:
    """Work units: a whole class when running by class (so one process sees it in order), else one object."""
    if not by_class:
        return [[sample] for sample in ordered]
    return [list(group) for _, group in itertools.groupby(ordered, key=lambda sample: sample.label)]


def evaluate(
    samples: Sequence[Sample],
    spec: EngineSpec,
    options: ProtocolOptions,
    workers: int = 1,
    by_class: bool = False,
    progress: bool = True,
) -> RunOutcome:
    """Run ``options.protocol`` on every sample; a progress bar goes to stderr.

    A run that adapts (``spec.adaptation``) must go ``by_class``: each class's objects then run
    in order in one process, as its decoder learns from them.
    """
    if spec.adaptation is not None and not by_class:
        raise ValueError("online adaptation runs class by class: add --by-class")
    ordered = run_order(samples, by_class)
    groups = _groups(ordered, by_class)
    bar = tqdm(total=len(ordered), file=sys.stderr, disable=not progress, unit="obj", desc=options.protocol)
    finished: list[SampleResult | SampleError] = []
    try:
        for batch in _batches(groups, spec, options, workers):
            finished.extend(batch)
            bar.update(len(batch))
    finally:
        bar.close()
    results = [item for item in finished if isinstance(item, SampleResult)]
    errors = [item for item in finished if isinstance(item, SampleError)]
    return RunOutcome(results=results, errors=errors)


def _batches(
    groups: list[list[Sample]], spec: EngineSpec, options: ProtocolOptions, workers: int
) -> Iterator[list[SampleResult | SampleError]]:
    if workers <= 1:
        engine = spec.build()
        learners = spec.learners(engine)
        for group in groups:
            yield [_attempt(engine, sample, options, learners) for sample in group]
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(spec, options)) as pool:
        run: Callable[[list[Sample]], list[SampleResult | SampleError]] = _run_group
        yield from pool.imap(run, groups)
