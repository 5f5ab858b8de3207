"""Exports torchvision's AlexNet (random weights) with PyTorch's own ONNX exporter, dynamic batch,
and writes its logits for a given input so the .NET side can compare.
usage: export_torchvision_alexnet.py MODEL.onnx INPUT.f32 LOGITS.f32
"""
import sys

import numpy as np
import torch
import torchvision

torch.manual_seed(0)
net = torchvision.models.alexnet(weights=None).eval()
example = torch.zeros(1, 3, 224, 224)
torch.onnx.export(net, example, sys.argv[1], input_names=["image"], output_names=["output"],
                  dynamic_axes={"image": {0: "batch_size"}, "output": {0: "batch_size"}}, opset_version=17)
x = torch.from_numpy(np.fromfile(sys.argv[2], dtype=np.float32)).reshape(-1, 3, 224, 224)
with torch.no_grad():
    net(x).numpy().astype(np.float32).tofile(sys.argv[3])
