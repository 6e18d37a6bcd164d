// COCO run-length encoding, as pycocotools writes it: compressed counts string, column-major.

// Decode the compressed counts string into run lengths (zeros first, then ones, alternating).
export function decodeCounts(counts) {
  const runs = [];
  let p = 0;
  while (p < counts.length) {
    let value = 0;
    let shift = 0;
    let more = true;
    while (more) {
      const c = counts.charCodeAt(p) - 48;
      value |= (c & 0x1f) << shift;
      more = (c & 0x20) !== 0;
      p += 1;
      shift += 5;
      if (!more && (c & 0x10)) value |= -1 << shift;
    }
    if (runs.length > 2) value += runs[runs.length - 2];
    runs.push(value);
  }
  return runs;
}

// Write an RLE of size [h, w] into `target` (row-major Uint8Array of width `stride`) at (x0, y0).
export function paintRle(rle, target, stride, x0, y0) {
  const [h, w] = rle.size;
  const runs = decodeCounts(rle.counts);
  let i = 0;
  let value = 0;
  for (const run of runs) {
    const end = Math.min(i + run, h * w);
    for (; i < end; i += 1) {
      const col = Math.floor(i / h);
      const row = i - col * h;
      target[(y0 + row) * stride + x0 + col] = value;
    }
    value = 1 - value;
  }
}
