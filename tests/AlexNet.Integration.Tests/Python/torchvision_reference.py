"""torchvision's AlexNet as a PyTorch user runs it, for the fine-tuning tests.

usage:
  torchvision_reference.py weights OUT.pth PHOTO...
      Seeded random weights, fc8 scaled so the photos' logits have a standard deviation of 3 (a peaked softmax, so a
      1e-3 comparison of probabilities says something); writes the state dict with torch.save.
  torchvision_reference.py pipeline WEIGHTS.pth OUT.f32 PHOTO...
      Softmax of each photo through torchvision's own preprocessing: PIL decode, Resize(256), CenterCrop(224),
      ToTensor, Normalize(ImageNet mean, std).
  torchvision_reference.py pixels WEIGHTS.pth OUT.f32 SIDE IMAGES.u8
      Softmax of already resized SIDE x SIDE planar RGB images (bytes, one after another) through CenterCrop(224) and
      Normalize only: the same pixels the .NET side resized, so resampling is out of the comparison.
"""
import sys

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
normalise = T.Normalize(MEAN, STD)
pipeline = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), normalise])


def photos(paths):
    return torch.stack([pipeline(Image.open(p).convert("RGB")) for p in paths])


def net(weights=None):
    model = torchvision.models.alexnet(weights=None)
    if weights:
        model.load_state_dict(torch.load(weights))
    return model.eval()


mode = sys.argv[1]
with torch.no_grad():
    if mode == "weights":
        torch.manual_seed(0)
        model = net()
        logits = model(photos(sys.argv[3:]))
        scale = 3.0 / float(logits.std())
        model.classifier[6].weight.mul_(scale)
        model.classifier[6].bias.mul_(scale)
        torch.save(model.state_dict(), sys.argv[2])
    elif mode == "pipeline":
        probabilities = torch.softmax(net(sys.argv[2])(photos(sys.argv[4:])), 1)
        probabilities.numpy().astype(np.float32).tofile(sys.argv[3])
    elif mode == "pixels":
        side = int(sys.argv[4])
        images = torch.from_numpy(np.fromfile(sys.argv[5], dtype=np.uint8).reshape(-1, 3, side, side).astype(np.float32) / 255)
        x = normalise(T.CenterCrop(224)(images))
        torch.softmax(net(sys.argv[2])(x), 1).numpy().astype(np.float32).tofile(sys.argv[3])
    else:
        sys.exit(f"unknown mode {mode}")
