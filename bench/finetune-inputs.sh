# Sourced by bench/bottleneck-cache.sh and bench/finetune-arms.sh from the worktree root, with $work set: writes the
# fine-tune's start ($work/alexnet-he.pth) and images ($work/images/{train,val}) unless they are there already.

# torchvision's alexnet() leaves its convs at PyTorch's default init, which shrinks the signal about sixfold per layer:
# random conv5 maps that close to zero leave the head nothing to learn from, and both runs would end at chance. He's
# init (fan_out, as torchvision's VGG and ResNet use it) keeps their scale, so the two runs' accuracies compare something.
[[ -f "$work/alexnet-he.pth" ]] || /usr/bin/python3 - "$work/alexnet-he.pth" <<'EOF'
import sys, torch, torchvision
torch.manual_seed(0)
model = torchvision.models.alexnet()
for m in model.features:
    if isinstance(m, torch.nn.Conv2d):
        torch.nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        torch.nn.init.zeros_(m.bias)
torch.save(model.state_dict(), sys.argv[1])
EOF
[[ -d "$work/images/val" ]] || /usr/bin/python3 - "$work/images" <<'EOF'
import gzip, os, sys
import numpy as np
from PIL import Image
root = sys.argv[1]
images = np.frombuffer(gzip.open('data/fashion-mnist/train-images-idx3-ubyte.gz').read()[16:], np.uint8).reshape(-1, 28, 28)
labels = np.frombuffer(gzip.open('data/fashion-mnist/train-labels-idx1-ubyte.gz').read()[8:], np.uint8)
for split, rows in (('train', range(0, 1000)), ('val', range(1000, 1200))):
    for i in rows:
        folder = os.path.join(root, split, f'class{labels[i]}')
        os.makedirs(folder, exist_ok=True)
        Image.fromarray(images[i]).save(os.path.join(folder, f'{i:05d}.png'))
EOF
