"""The worker side of adaptation runs on the same tiny SAM as the interaction tests' worker."""

from tests.annotator.interactions.conftest import fresh_worker, sam_worker, weights_dir

__all__ = ["fresh_worker", "sam_worker", "weights_dir"]
