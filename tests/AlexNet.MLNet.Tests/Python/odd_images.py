"""Writes the awkward image files the input-handling tests classify, made from the vendored photos.

usage: odd_images.py ASSETS_DIR OUT_DIR
"""
import sys
from pathlib import Path

import numpy as np
from PIL import Image

assets, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
cat = Image.open(assets / "chelsea.png").convert("RGB")
rocket = Image.open(assets / "rocket.jpg").convert("RGB")

cat.quantize(colors=64).save(out / "palette.png")  # 8-bit palette PNG

rgba = cat.convert("RGBA")
alpha = np.tile(np.linspace(0, 255, cat.width, dtype=np.uint8), (cat.height, 1))
rgba.putalpha(Image.fromarray(alpha))
rgba.save(out / "alpha.png")  # RGBA with a transparent-to-opaque ramp

# 16-bit RGB PNG, written by hand: PIL saves 16 bits per sample only for single-channel images.
import struct, zlib
pixels = (np.asarray(cat, dtype=np.uint16) * 257).astype(">u2")
raw = b"".join(b"\x00" + row.tobytes() for row in pixels)
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", cat.width, cat.height, 16, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
(out / "rgb16.png").write_bytes(png)

gray16 = (np.asarray(cat.convert("L"), dtype=np.uint16) * 257)
Image.fromarray(gray16.astype(np.uint16)).save(out / "gray16.png")  # mode I;16

rocket.convert("L").save(out / "gray.jpg", quality=90)  # one-channel JPEG
cat.resize((5, 3)).save(out / "tiny.png")  # smaller than the 28-pixel crop
rocket.resize((4000, 2670)).save(out / "large.jpg", quality=85)  # 10.7 megapixels
