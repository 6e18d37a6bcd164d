"""The official SAM checkpoints: where to download them and their SHA-256 digests."""

from __future__ import annotations

from dataclasses import dataclass

BASE_URL = "https://dl.fbaipublicfiles.com/segment_anything/"


@dataclass(frozen=True)
class OfficialCheckpoint:
    model_type: str
    filename: str
    sha256: str

    @property
    def url(self) -> str:
        return BASE_URL + self.filename


CHECKPOINTS = {
    c.model_type: c
    for c in (
        OfficialCheckpoint(
            "vit_b",
            "sam_vit_b_01ec64.pth",
            "ec2df62732614e57411cdcf32a23ffdf28910380d03139ee0f4fcbe91eb8c912",
        ),
        OfficialCheckpoint(
            "vit_l",
            "sam_vit_l_0b3195.pth",
            "3adcc4315b642a4d2101128f611684e8734c41232a17c648ed1693702a49a622",
        ),
        OfficialCheckpoint(
            "vit_h",
            "sam_vit_h_4b8939.pth",
            "a7bf3b02f3ebf1267aba913ff637d9a2d5c33d3173bb679e46d9f338c26f262e",
        ),
    )
}
