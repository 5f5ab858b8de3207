"""Exports torchvision's AlexNet (seeded weights) with PyTorch's own ONNX exporter and computes PyTorch's own
ten-crop average for each photo, for ForeignModelTests to compare with ClassifyImagesWithAlexNet.

usage: torchvision_tencrop.py OUT_FOLDER PHOTO...

Writes into OUT_FOLDER:
  alexnet.onnx           the plain export: input "image" [N, 3, 224, 224], output "output" [N, 1000]
  alexnet-fc7.onnx       the same network with a second output "features" [N, 4096]: fc7 after its ReLU
  <photo>-256.png        each photo as torchvision prepares it: Resize(256), CenterCrop(256), RGB
  tencrop.f32            [photos, 1000] softmax of TenCrop(224) of the 256×256 image, averaged over the ten crops
  tencrop-fc7.f32        [photos, 4096] fc7 of the same ten crops, averaged
  centre.f32             [photos, 1000] softmax of the centre 224×224 crop alone
The ten crops are read back from the PNG file, the same file the .NET side classifies.
"""
import os
import sys

import numpy as np
import torch
import torchvision
import torchvision.transforms as T
from PIL import Image

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]

torch.manual_seed(0)
net = torchvision.models.alexnet(weights=None).eval()
# torchvision initialises the linear layers with N(0, 0.01): the logits of a random net then span ~0.05 and every
# softmax is ~1/1000, which any 1e-3 comparison would pass. He-initialised fc6–fc8, fc8 scaled up, give top-class
# probabilities of 0.3–0.4 that differ between crops.
for i in (1, 4, 6):
    torch.nn.init.kaiming_normal_(net.classifier[i].weight, nonlinearity="relu")
    torch.nn.init.normal_(net.classifier[i].bias, 0.0, 0.1)
with torch.no_grad():
    net.classifier[6].weight.mul_(40.0)


class WithFc7(torch.nn.Module):
    """torchvision's AlexNet returning (logits, fc7): classifier[5] is the ReLU after fc7 (classifier[4])."""

    def __init__(self, alexnet):
        super().__init__()
        self.alexnet = alexnet

    def forward(self, x):
        a = self.alexnet
        fc7 = a.classifier[:6](torch.flatten(a.avgpool(a.features(x)), 1))
        return a.classifier[6](fc7), fc7


out = sys.argv[1]
example = torch.zeros(1, 3, 224, 224)
batch = {0: "batch_size"}
torch.onnx.export(net, example, os.path.join(out, "alexnet.onnx"), input_names=["image"], output_names=["output"],
                  dynamic_axes={"image": batch, "output": batch}, opset_version=17)
with_fc7 = WithFc7(net).eval()
torch.onnx.export(with_fc7, example, os.path.join(out, "alexnet-fc7.onnx"), input_names=["image"],
                  output_names=["output", "features"],
                  dynamic_axes={"image": batch, "output": batch, "features": batch}, opset_version=17)

square = T.Compose([T.Resize(256), T.CenterCrop(256)])
to_input = T.Compose([T.ToTensor(), T.Normalize(MEAN, STD)])
scores, features, centre = [], [], []
for photo in sys.argv[2:]:
    png = os.path.join(out, os.path.splitext(os.path.basename(photo))[0] + "-256.png")
    square(Image.open(photo).convert("RGB")).save(png)
    image = Image.open(png).convert("RGB")
    assert image.size == (256, 256), image.size
    # torchvision's TenCrop: tl, tr, bl, br, centre, then the same of the horizontally flipped image.
    crops = torch.stack([to_input(c) for c in T.TenCrop(224)(image)])
    with torch.no_grad():
        logits, fc7 = with_fc7(crops)
        scores.append(torch.softmax(logits, dim=1).mean(dim=0))
        features.append(fc7.mean(dim=0))
        centre.append(torch.softmax(net(to_input(T.CenterCrop(224)(image)).unsqueeze(0)), dim=1)[0])

for name, rows in (("tencrop.f32", scores), ("tencrop-fc7.f32", features), ("centre.f32", centre)):
    torch.stack(rows).numpy().astype(np.float32).tofile(os.path.join(out, name))
