"""Mean IoU against interactions, one line per run (matplotlib, no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import MaxNLocator  # noqa: E402


def run_label(summary: dict[str, Any]) -> str:
    label = summary.get("label") or f"{summary['engine']} ({summary['pipeline']})"
    return f"{label}: NoC@90 {summary['noc90']:.2f}"


def plot_curves(summaries: Sequence[dict[str, Any]], out: Path, title: str | None = None) -> None:
    """Write a PNG with each run's ``miou_curve`` against 1..max_clicks."""
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    for summary in summaries:
        curve = summary["miou_curve"]
        axes.plot(range(1, len(curve) + 1), curve, marker="o", markersize=3, label=run_label(summary))
    unit = summaries[0].get("unit", "click") if summaries else "click"
    axes.set_xlabel(f"number of {unit}s")
    axes.set_ylabel("mean IoU")
    axes.set_ylim(0.0, 1.0)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(alpha=0.3)
    for threshold in (0.85, 0.90):
        axes.axhline(threshold, color="grey", linewidth=0.6, linestyle="--")
    if title is None and summaries:
        first = summaries[0]
        title = f"{Path(first['dataset']).name}, protocol {first['protocol']}, n={first['n']}"
    axes.set_title(title or "")
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)
