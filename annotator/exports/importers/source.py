"""Where an import reads its files from: a zip or a folder, by the names a dataset gives them."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from annotator.common.errors import InvalidInput

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


class Source:
    """A zip file or a folder; names are relative, with forward slashes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            self.zip: zipfile.ZipFile | None = None
            self.names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
        elif zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            self.names = sorted(i.filename for i in self.zip.infolist() if not i.is_dir())
        else:
            raise InvalidInput(f"{path.name} is neither a zip file nor a folder.", code="not_a_zip")
        by_base: dict[str, list[str]] = {}
        for name in self.names:
            by_base.setdefault(PurePosixPath(name).name, []).append(name)
        self.by_base = by_base

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(name)
        return (self.path / name).read_bytes()

    def find(self, file_name: str) -> str | None:
        """The entry a dataset's ``file_name`` means: itself, one ending with it (under an
        images folder), or the only entry of that base name."""
        wanted = file_name.replace("\\", "/").lstrip("./")
        if wanted in self.names:
            return wanted
        ending = [n for n in self.names if n.endswith("/" + wanted)]
        if len(ending) == 1:
            return ending[0]
        same = self.by_base.get(PurePosixPath(wanted).name, [])
        return same[0] if len(same) == 1 else None

    def images(self) -> list[str]:
        return [
            n
            for n in self.names
            if n.lower().endswith(IMAGE_SUFFIXES) and not PurePosixPath(n).name.startswith(".")
        ]

    def json_files(self) -> list[str]:
        return [
            n for n in self.names if n.lower().endswith(".json") and not PurePosixPath(n).name.startswith(".")
        ]
