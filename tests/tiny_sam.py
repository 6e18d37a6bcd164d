"""A tiny, randomly initialised SAM built from segment-anything's own modules.

Same architecture as vit_b/l/h, every dimension shrunk (a 256 px input frame, a 16 x 16
embedding of 32 channels), so tests run the real encoder, prompt encoder and decoder code in
milliseconds. Saved and loaded with the real checkpoint code; never served to a user.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import torch

from inference.engines.sam.modules import modeling

FRAME = 256
PATCH = 16
DIM = 32


def build_tiny_sam(seed: int = 0) -> Any:
    torch.manual_seed(seed)
    m = modeling()
    embedding = FRAME // PATCH
    sam = m.Sam(
        image_encoder=m.ImageEncoderViT(
            img_size=FRAME,
            patch_size=PATCH,
            embed_dim=DIM,
            depth=2,
            num_heads=2,
            mlp_ratio=2,
            out_chans=DIM,
            qkv_bias=True,
            norm_layer=partial(torch.nn.LayerNorm, eps=1e-6),
            use_rel_pos=True,
            window_size=4,
            global_attn_indexes=(1,),
        ),
        prompt_encoder=m.PromptEncoder(
            embed_dim=DIM,
            image_embedding_size=(embedding, embedding),
            input_image_size=(FRAME, FRAME),
            mask_in_chans=4,
        ),
        mask_decoder=m.MaskDecoder(
            num_multimask_outputs=3,
            transformer=m.TwoWayTransformer(depth=2, embedding_dim=DIM, mlp_dim=64, num_heads=2),
            transformer_dim=DIM,
            iou_head_depth=3,
            iou_head_hidden_dim=DIM,
        ),
    )
    return sam.eval()


def save_tiny_sam(path: Path, seed: int = 0) -> Any:
    """Build a tiny SAM, save its state dict at ``path`` (as the official checkpoints are), return it."""
    model = build_tiny_sam(seed)
    torch.save(model.state_dict(), path)
    return model
