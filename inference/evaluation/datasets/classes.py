"""Object classes: from a CSV (name,class) or from the file-name prefix before a two-digit index."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from inference.evaluation.datasets.sample import DatasetError

UNKNOWN = "unknown"
_PREFIX = re.compile(r"^(?P<label>[^\W\d_](?:[\w\- ]*?[^\W\d_])?)\d{2}(?:_|$)")


def class_from_name(stem: str) -> str:
    """``kite07_000000123`` → ``kite``; a name without the prefix pattern gives ``unknown``."""
    match = _PREFIX.match(stem)
    return match.group("label") if match else UNKNOWN


def read_class_csv(path: Path) -> dict[str, str]:
    """A CSV with a header holding ``name`` and ``class`` columns; names are sample or file stems."""
    try:
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"name", "class"} <= set(reader.fieldnames):
                raise DatasetError(f"{path}: the class CSV needs 'name' and 'class' columns")
            return {row["name"].strip(): row["class"].strip() for row in reader if row["name"]}
    except OSError as exc:
        raise DatasetError(f"cannot read class CSV {path}: {exc}") from exc


def resolve_class(name: str, stem: str, table: dict[str, str] | None, default: str | None = None) -> str:
    """A sample's class: the CSV by sample name, then by file stem, then a layout default, then the prefix."""
    if table is not None:
        for key in (name, stem):
            if key in table:
                return table[key]
    if default is not None:
        return default
    return class_from_name(stem)
