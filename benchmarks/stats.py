"""What every benchmark reports about a list of timings: count, median, p95 and mean."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np


def summary(values: list[float]) -> dict[str, float]:
    array = np.asarray(values, dtype=np.float64)
    return {
        "n": len(values),
        "p50": float(np.percentile(array, 50)),
        "p95": float(np.percentile(array, 95)),
        "mean": float(array.mean()),
    }


def report(result: dict[str, Any], records: list[dict[str, Any]], path: Path | None) -> None:
    """Print the summary; with ``path``, write it there with the raw records too."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"summary": result, "records": records}, indent=1))
    print(json.dumps(result, indent=2))
