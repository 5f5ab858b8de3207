"""Writes weight files from the internet that must not load, with Debian's python3-torch.
usage: untrusted.py OUTDIR

system_call.pth, system_call_legacy.pth: a state dict whose "payload" entry pickles as a call of os.system("true")
  (posix.system on Linux) through __reduce__, saved by torch.save in the zip and the legacy format; the pickle names
  the global, and torch.load(weights_only=True) refuses it. "weight" beside it is an ordinary tensor.
eval_call.pth: the same with builtins.eval("1 + 1").
non_finite.pth, non_finite_legacy.pth, non_finite.safetensors: a state dict whose "fc.weight" holds 2 NaN and 1 +inf
  among its 6 values, "conv.weight" 1 -inf among its 4, and "fc.bias" only finite values.
"""
import collections
import json
import os
import struct
import sys

import torch

out = sys.argv[1]


def path(name):
    return os.path.join(out, name)


class SystemCall:
    def __reduce__(self):
        return (os.system, ("true",))


class EvalCall:
    def __reduce__(self):
        return (eval, ("1 + 1",))


hostile = collections.OrderedDict(weight=torch.ones(2, 2), payload=SystemCall())
torch.save(hostile, path("system_call.pth"))
torch.save(hostile, path("system_call_legacy.pth"), _use_new_zipfile_serialization=False)
torch.save(collections.OrderedDict(weight=torch.ones(2, 2), payload=EvalCall()), path("eval_call.pth"))

non_finite = collections.OrderedDict()
non_finite["fc.weight"] = torch.tensor([[0.5, float("nan"), 1.0], [float("inf"), float("nan"), -2.0]])
non_finite["fc.bias"] = torch.tensor([0.1, -0.1])
non_finite["conv.weight"] = torch.tensor([[1.0, float("-inf")], [0.0, 3.0]])
torch.save(non_finite, path("non_finite.pth"))
torch.save(non_finite, path("non_finite_legacy.pth"), _use_new_zipfile_serialization=False)

# safetensors by hand (python3-safetensors is not a Debian package): an 8-byte little-endian header length, the JSON
# header padded with spaces to 8 bytes, then the raw float32 tensors.
header, blobs, offset = {}, [], 0
for name, t in non_finite.items():
    raw = t.contiguous().numpy().tobytes()
    header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
    blobs.append(raw)
    offset += len(raw)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
with open(path("non_finite.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for raw in blobs:
        f.write(raw)
