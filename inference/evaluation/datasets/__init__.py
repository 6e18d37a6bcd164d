"""Dataset loaders for the common interactive-segmentation layouts.

``load_dataset(path, layout)`` lists a dataset's objects as ``Sample``s; each sample reads
its image and mask only when ``load()`` is called, so listings are cheap and samples can be
sent to worker processes.
"""

from inference.evaluation.datasets.registry import LAYOUTS, load_dataset
from inference.evaluation.datasets.sample import DatasetError, LoadedSample, Sample

__all__ = ["LAYOUTS", "DatasetError", "LoadedSample", "Sample", "load_dataset"]
