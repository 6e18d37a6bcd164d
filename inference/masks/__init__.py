"""Binary masks: COCO RLE encoding and patches (the pixels one step changed)."""
