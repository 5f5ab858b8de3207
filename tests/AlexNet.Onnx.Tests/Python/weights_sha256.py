"""Recomputes alexnet.weights_sha256 with the onnx package, independently of the C# code, and prints
the stored value and the recomputed one on two lines.
usage: weights_sha256.py MODEL.onnx
"""
import hashlib
import struct
import sys

import onnx
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
sha = hashlib.sha256()
for t in sorted(model.graph.initializer, key=lambda t: t.name.encode("utf-8")):
    name = t.name.encode("utf-8")
    sha.update(struct.pack("<i", len(name)) + name)
    sha.update(struct.pack("<ii", t.data_type, len(t.dims)))
    sha.update(b"".join(struct.pack("<q", d) for d in t.dims))
    # raw_data as stored, or the typed values as raw_data would hold them (little-endian).
    payload = t.raw_data if t.raw_data else numpy_helper.to_array(t).astype(
        numpy_helper.to_array(t).dtype.newbyteorder("<")).tobytes()
    sha.update(struct.pack("<q", len(payload)) + payload)
stored = {p.key: p.value for p in model.metadata_props}.get("alexnet.weights_sha256", "")
print(stored)
print(sha.hexdigest())
