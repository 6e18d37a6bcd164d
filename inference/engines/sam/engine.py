"""SAM as an interactive engine: the image encoder once per image, the decoder per click.

Prompts go to SAM's prompt encoder in its 1024 frame: clicks as points, scribbles as points
spaced along the stroke, a box as a box, and the previous step's low-resolution logits as
the mask input. On the first click of an object SAM proposes three masks; the best-scoring
one is the answer and the others are offered as alternatives (``predict_candidates``).
"""

from __future__ import annotations

import copy
import hashlib
import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from inference.engines.base import Candidate, PreparedImage
from inference.engines.sam.checkpoint import build_sam, default_device
from inference.engines.sam.compiled import compiled_decoder, run_decoder
from inference.engines.sam.frame import SamFrame
from inference.engines.sam.image import SamImage
from inference.lru import LRU
from inference.prompts import Click, Prompts, Scribble

logger = logging.getLogger(__name__)

# The mask input for a previous mask SAM did not produce itself (an imported mask, a brush
# edit): inside +MASK_LOGIT, outside -MASK_LOGIT.
MASK_LOGIT = 10.0
# At most this many points represent one scribble.
SCRIBBLE_POINTS = 8


class _LogitMemory:
    """The low-resolution logits behind recent results, keyed by the binarised mask they gave.

    The engine's caller passes back only the previous mask; when it is one this engine
    produced, SAM gets its own logits as the mask input, as segment-anything's predictor does.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: LRU[bytes, torch.Tensor] = LRU(max_entries=size)

    @staticmethod
    def key(mask: np.ndarray) -> bytes:
        digest = hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16)
        digest.update(repr(mask.shape).encode())
        return digest.digest()

    def remember(self, mask: np.ndarray, logits: torch.Tensor) -> None:
        self._items.put(self.key(mask), logits)

    def recall(self, mask: np.ndarray) -> torch.Tensor | None:
        return self._items.peek(self.key(mask))


def _inference_tensor(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor`` as an inference tensor (call under ``torch.inference_mode``). The compiled
    decoder's graphs are specialised to inference tensors; an embedding read from the store or
    the prompt encoder's no-mask embedding (a view of a parameter) would compile new ones."""
    return tensor if tensor.is_inference() else tensor.clone()


def scribble_points(scribble: Scribble, count: int = SCRIBBLE_POINTS) -> np.ndarray:
    """Up to ``count`` (x, y) points evenly spaced along the scribble's polyline (ends included)."""
    points = np.asarray(scribble.points, dtype=np.float64)
    if len(points) == 1:
        return points
    lengths = np.linalg.norm(np.diff(points, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    if along[-1] == 0:
        return points[:1]
    wanted = min(count, max(2, int(along[-1] // max(scribble.thickness, 1.0)) + 1))
    stations = np.linspace(0.0, along[-1], wanted)
    xs = np.interp(stations, along, points[:, 0])
    ys = np.interp(stations, along, points[:, 1])
    return np.stack([xs, ys], axis=1)


class SamEngine:
    """segment-anything's SAM behind the Engine protocol.

    ``model``: a ``segment_anything.modeling.Sam`` with its weights loaded, on its device.
    ``model_id``: names the weights (prepared images carry it, so an embedding from other
    weights is never used). ``encoder_runs`` counts image-encoder passes.
    ``decoder_bf16``: run the prompt encoder and mask decoder under bfloat16 autocast (faster on
    CPUs with AVX-512 BF16 or AMX and on GPUs; the masks may differ slightly from float32).
    ``compile_decoder``: answer clicks with the decoder compiled by TorchInductor (call
    ``warm_up`` before the first click: compiling takes tens of seconds).
    """

    name = "sam"

    def __init__(
        self,
        model: Any,
        model_id: str,
        remembered_logits: int = 256,
        decoder_bf16: bool = False,
        compile_decoder: bool = False,
    ) -> None:
        self.model = model
        self.model_id = model_id
        self.decoder_bf16 = decoder_bf16
        self.compile_decoder = compile_decoder
        self.encoder_runs = 0
        self._logits = _LogitMemory(remembered_logits)

    @property
    def device(self) -> torch.device:
        device: torch.device = self.model.device
        return device

    def _frame(self, width: int, height: int) -> SamFrame:
        return SamFrame(width=width, height=height, target=int(self.model.image_encoder.img_size))

    @torch.inference_mode()
    def prepare(self, image: np.ndarray) -> SamImage:
        """``image``: (H, W, 3) uint8 RGB. Runs the image encoder once."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected (H, W, 3) uint8 RGB, got {image.shape} {image.dtype}")
        height, width = image.shape[:2]
        new_h, new_w = self._frame(width, height).input_size
        resized = np.asarray(Image.fromarray(image).resize((new_w, new_h), Image.Resampling.BILINEAR))
        pixels = torch.as_tensor(np.array(resized), device=self.device).permute(2, 0, 1)[None].float()
        embedding = self.model.image_encoder(self.model.preprocess(pixels))
        self.encoder_runs += 1
        return SamImage(width=width, height=height, model_id=self.model_id, embedding=embedding)

    def prepared_to_bytes(self, prepared: PreparedImage) -> bytes:
        return self._own(prepared).to_bytes()

    def prepared_from_bytes(self, data: bytes) -> SamImage:
        """An embedding stored by ``prepared_to_bytes`` (any process), on this engine's device;
        raises ValueError on anything else."""
        return SamImage.from_bytes(data, self.device)

    def predict(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> np.ndarray:
        """The best candidate's (H, W) float32 foreground probability."""
        return self.predict_candidates(prepared, prompts, previous_mask)[0].probability

    @torch.inference_mode()
    def predict_candidates(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> list[Candidate]:
        """Every mask SAM proposes for this step, best predicted IoU first.

        Three on the first click of an object (nothing before it but that click), one otherwise.
        """
        image = self._own(prepared)
        frame = self._frame(image.width, image.height)
        previous = previous_mask if previous_mask is not None and previous_mask.any() else None
        has_previous = previous is not None
        points, labels = self._points(prompts, frame)
        if points is None and prompts.box is None and not has_previous:
            return [Candidate(np.zeros((image.height, image.width), dtype=np.float32), 0.0)]
        box = None
        if prompts.box is not None:
            corners = frame.box_to_frame((prompts.box.x0, prompts.box.y0, prompts.box.x1, prompts.box.y1))
            box = torch.as_tensor(corners, dtype=torch.float32, device=self.device)[None]
        mask_input = None if previous is None else self._mask_input(previous, frame)
        multimask = not has_previous and box is None and len(prompts.clicks) == 1 and not prompts.scribbles
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.decoder_bf16):
            sparse, dense = self.model.prompt_encoder(
                points=None if points is None else (points, labels), boxes=box, masks=mask_input
            )
            decode = compiled_decoder() if self.compile_decoder else run_decoder
            low_res, scores = decode(
                self.model.mask_decoder,
                _inference_tensor(image.embedding),
                self.model.prompt_encoder.get_dense_pe(),
                sparse,
                _inference_tensor(dense),
                multimask,
            )
        low_res = low_res.float()
        full = self.model.postprocess_masks(low_res, frame.input_size, (image.height, image.width))
        probabilities = torch.sigmoid(full[0]).float().cpu().numpy()
        order = np.argsort(-scores[0].float().cpu().numpy(), kind="stable")
        candidates = []
        for index in order:
            probability = probabilities[index]
            self._logits.remember(probability >= 0.5, low_res[0, index][None, None].clone())
            candidates.append(Candidate(probability, float(scores[0, index])))
        return candidates

    def decoder_logits(self, prepared: PreparedImage, prompts: Prompts, decoder: Any = None) -> torch.Tensor:
        """Full-resolution (H, W) float32 logits of the single-mask answer to ``prompts`` from
        ``decoder`` (default: the model's own), for training it.

        Gradients flow into the decoder's parameters only: the image embedding and the prompt
        encoder's output are constants. ``prompts`` must hold a click, scribble or box.
        """
        image = self._own(prepared)
        frame = self._frame(image.width, image.height)
        points, labels = self._points(prompts, frame)
        box = None
        if prompts.box is not None:
            corners = frame.box_to_frame((prompts.box.x0, prompts.box.y0, prompts.box.x1, prompts.box.y1))
            box = torch.as_tensor(corners, dtype=torch.float32, device=self.device)[None]
        if points is None and box is None:
            raise ValueError("decoder_logits needs a click, scribble or box")
        with torch.no_grad():
            sparse, dense = self.model.prompt_encoder(
                points=None if points is None else (points, labels), boxes=box, masks=None
            )
            image_pe = self.model.prompt_encoder.get_dense_pe()
        low_res, _ = (decoder or self.model.mask_decoder)(
            image_embeddings=image.embedding.clone(),
            image_pe=image_pe.clone(),
            sparse_prompt_embeddings=sparse.clone(),
            dense_prompt_embeddings=dense.clone(),
            multimask_output=False,
        )
        full = self.model.postprocess_masks(low_res, frame.input_size, (image.height, image.width))
        logits: torch.Tensor = full[0, 0]
        return logits

    def with_decoder(self, decoder: Any) -> SamEngine:
        """The same model (and model id: embeddings stay valid) answering with ``decoder``."""
        model = copy.copy(self.model)
        model._modules = dict(self.model._modules)
        model.mask_decoder = decoder
        return SamEngine(
            model,
            model_id=self.model_id,
            decoder_bf16=self.decoder_bf16,
            compile_decoder=self.compile_decoder,
        )

    def warm_up(self) -> None:
        """Answer a first click and a later one on a blank embedding, so that the compiled
        decoder's graphs (three masks, one mask) exist before a user's first click. When
        compiling fails (no C++ compiler, a backend torch cannot compile for), the engine
        answers with the eager decoder from then on and says so in the log."""
        encoder = self.model.prompt_encoder
        height, width = encoder.image_embedding_size
        size = int(self.model.image_encoder.img_size)
        with torch.inference_mode():
            embedding = torch.zeros(1, encoder.embed_dim, height, width, device=self.device)
        blank = SamImage(width=size, height=size, model_id=self.model_id, embedding=embedding)
        first = Prompts().with_click(Click(x=size / 2, y=size / 2, positive=True))
        later = first.with_click(Click(x=size / 4, y=size / 4, positive=False))
        try:
            self.predict_candidates(blank, first, None)
            self.predict_candidates(blank, later, np.ones((size, size), dtype=bool))
        except Exception as error:  # compiling failed; the eager decoder gives the same masks
            if not self.compile_decoder:
                raise
            logger.warning("compiling SAM's mask decoder failed, it runs eagerly: %s", error)
            self.compile_decoder = False
        finally:
            self._logits = _LogitMemory(self._logits.size)

    def _own(self, prepared: PreparedImage) -> SamImage:
        if not isinstance(prepared, SamImage):
            raise TypeError(f"SamEngine needs an image it prepared, got {type(prepared).__name__}")
        if prepared.model_id != self.model_id:
            raise ValueError(f"the embedding is from {prepared.model_id}, not {self.model_id}")
        return prepared

    def _points(self, prompts: Prompts, frame: SamFrame) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        coords: list[np.ndarray] = []
        labels: list[float] = []
        for click in prompts.clicks:
            coords.append(np.array([[click.x, click.y]]))
            labels.append(1.0 if click.positive else 0.0)
        for scribble in prompts.scribbles:
            sampled = scribble_points(scribble)
            coords.append(sampled)
            labels.extend([1.0 if scribble.positive else 0.0] * len(sampled))
        if not coords:
            return None, None
        in_frame = frame.to_frame(np.concatenate(coords))
        points = torch.as_tensor(in_frame, dtype=torch.float32, device=self.device)[None]
        return points, torch.as_tensor(labels, dtype=torch.float32, device=self.device)[None]

    def _mask_input(self, previous: np.ndarray, frame: SamFrame) -> torch.Tensor:
        """(1, 1, 256, 256) logits for the previous mask: SAM's own if it made it, else drawn."""
        remembered = self._logits.recall(previous)
        if remembered is not None:
            return remembered
        new_h, new_w = frame.input_size
        target = frame.target
        mask = torch.as_tensor(previous, dtype=torch.float32, device=self.device)[None, None]
        scaled = F.interpolate(mask, (new_h, new_w), mode="bilinear", align_corners=False)
        padded = F.pad(scaled, (0, target - new_w, 0, target - new_h))
        low = F.interpolate(padded, (target // 4, target // 4), mode="area")
        return (low * 2.0 - 1.0) * MASK_LOGIT


def load_sam_engine(
    checkpoint: str,
    model_type: str = "vit_b",
    device: str | None = None,
    decoder_bf16: bool = False,
    compile_decoder: bool = False,
) -> SamEngine:
    """A SamEngine with segment-anything's ``model_type`` and the weights at ``checkpoint``;
    with ``compile_decoder`` it is warmed up (compiled) before it is returned."""
    path = Path(checkpoint)
    model = build_sam(model_type, path, torch.device(device) if device else default_device())
    model_id = f"{model_type}:{path.name}:{path.stat().st_size}"
    engine = SamEngine(model, model_id=model_id, decoder_bf16=decoder_bf16, compile_decoder=compile_decoder)
    if compile_decoder:
        engine.warm_up()
    return engine
