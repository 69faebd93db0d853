#!/usr/bin/env python3
"""Writes a TorchScript ResNet-18 for explain-bench's SeamOverhead benchmark (timing only).

The standard ResNet-18 of He et al. with basic blocks, written here because torchvision is not installed: the same
layer shapes as explain-bench's ResNet18.java (7x7/2 stem convolution without bias, BatchNorm, ReLU, 3x3/2
max-pool, four stages of two basic blocks with 64-128-256-512 channels, a strided 1x1 convolution and BatchNorm on
the shortcut where the shape changes, global average pooling, a 1000-way linear layer; 11,689,512 learnable
parameters). Random weights from a fixed seed, eval mode (BatchNorm on its running statistics), scripted with
torch.jit.script and saved unfrozen, so that DJL can load it with trainParam=true and differentiate it.

The file is about 45 MB: it is generated, not committed. Usage (from the repository root):

    /usr/bin/python3 tools/make-resnet18-torchscript.py [explain-bench/target/resnet18.pt]
"""
import os
import sys

import torch
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + self.shortcut(x))


class ResNet18(nn.Module):
    def __init__(self, classes: int = 1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        self.stage1 = nn.Sequential(BasicBlock(64, 64, 1), BasicBlock(64, 64, 1))
        self.stage2 = nn.Sequential(BasicBlock(64, 128, 2), BasicBlock(128, 128, 1))
        self.stage3 = nn.Sequential(BasicBlock(128, 256, 2), BasicBlock(256, 256, 1))
        self.stage4 = nn.Sequential(BasicBlock(256, 512, 2), BasicBlock(512, 512, 1))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = self.stage4(self.stage3(self.stage2(self.stage1(self.stem(x)))))
        return self.fc(torch.flatten(self.pool(x), 1))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("explain-bench", "target", "resnet18.pt")
    torch.manual_seed(42)
    model = ResNet18().eval()
    with torch.no_grad():
        # running statistics away from (0, 1), so that BatchNorm is not the identity map
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    learnable = sum(p.numel() for p in model.parameters())
    if learnable != 11_689_512:
        raise SystemExit(f"ResNet-18 has {learnable} learnable parameters; expected 11689512")
    scripted = torch.jit.script(model)
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        if not torch.allclose(scripted(x), model(x), atol=1e-5):
            raise SystemExit("the scripted module's output differs from the module's")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    scripted.save(out)
    print(f"wrote {out} ({os.path.getsize(out) / 1e6:.1f} MB, {learnable} learnable parameters, eval mode)")


if __name__ == "__main__":
    main()
