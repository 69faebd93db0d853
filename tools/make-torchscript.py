#!/usr/bin/python3
"""Writes the TorchScript test fixtures of explain-djl, and PyTorch's own answers for them.

Run with Debian's PyTorch (apt-get install python3-torch), from the repository root:

    /usr/bin/python3 tools/make-torchscript.py

Writes into explain-djl/src/test/resources/torchscript/:
  tiny_cnn.pt        the scripted tiny CNN, exporting forward_features(x) and forward_head(features)
  tiny_cnn_plain.pt  the same weights scripted without those methods (forward only)
  tiny_cnn_trace.pt  the same weights, also exporting forward_trace(x): a Dict[str, Tensor] of the intermediate
                     tensors conv1 (conv1's output), pool1 (after BN, ReLU and max-pooling), conv2 (conv2's output,
                     before its ReLU), features, and output (= forward(x)) -- explain4j's convention for traces
  tiny_cnn.json      the weights (so a test can rebuild the same network as a DJL block), a fixed input and
                     PyTorch's answers for it: the logits, the input gradient of one class's logit, and the
                     Grad-CAM of that class at the features

The network, for inputs (N, 3, 16, 16):
  conv3x3(3->8, pad 1) - BatchNorm(8) - ReLU - maxpool 2x2  - conv3x3(8->12, pad 1) - ReLU   = forward_features
  global average pool - Linear(12->5)                                                        = forward_head
Weights are seeded; BatchNorm has non-trivial running statistics and the module is in eval mode.
Floats are written as the shortest decimal that reads back to the same float32. Re-running the script with the
same PyTorch version rewrites the same files byte for byte (it re-executes itself with PYTHONHASHSEED=0).
"""

import json
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    # TorchScript writes a module's constants in set order: fix string hashing so the .pt files are reproducible
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import torch
import torch.nn as nn
import torch.nn.functional as F
from typing import Dict

OUT = os.path.join("explain-djl", "src", "test", "resources", "torchscript")
CLASS = 3


class TinyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8, eps=1e-5)
        self.conv2 = nn.Conv2d(8, 12, 3, padding=1)
        self.fc = nn.Linear(12, 5)

    def forward(self, x):
        return self.forward_head(self.forward_features(x))

    @torch.jit.export
    def forward_features(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        return F.relu(self.conv2(x))

    @torch.jit.export
    def forward_head(self, f):
        return self.fc(f.mean(dim=(2, 3)))


class TinyCnnTraced(TinyCnn):
    """TinyCnn that also exports its intermediate tensors by name, for explain4j's traces."""

    @torch.jit.export
    def forward_trace(self, x) -> Dict[str, torch.Tensor]:
        conv1 = self.conv1(x)
        pool1 = F.max_pool2d(F.relu(self.bn1(conv1)), 2)
        conv2 = self.conv2(pool1)
        features = F.relu(conv2)
        output = self.forward_head(features)
        return {"conv1": conv1, "pool1": pool1, "conv2": conv2, "features": features, "output": output}


class TinyCnnPlain(nn.Module):
    """The same layers with everything inside forward: the scripted module exports no other method."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8, eps=1e-5)
        self.conv2 = nn.Conv2d(8, 12, 3, padding=1)
        self.fc = nn.Linear(12, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        return self.fc(F.relu(self.conv2(x)).mean(dim=(2, 3)))


def f32(t):
    """A tensor as a flat list of shortest float32 decimals (numbers in JSON)."""
    return [float(str(v)) for v in t.detach().to(torch.float32).reshape(-1).numpy()]


def entry(t):
    return {"shape": list(t.shape), "values": f32(t)}


def dump(obj, path):
    # floats as the shortest float32 decimal: json writes Python floats with repr, which for a value read
    # from such a decimal is that same decimal
    with open(path, "w") as out:
        json.dump(obj, out, separators=(",", ":"))
        out.write("\n")


def main():
    torch.manual_seed(20240611)
    torch.set_num_threads(1)
    net = TinyCnn()
    with torch.no_grad():
        net.bn1.weight.uniform_(0.5, 1.5)
        net.bn1.bias.normal_(0.0, 0.1)
        net.bn1.running_mean.normal_(0.0, 0.2)
        net.bn1.running_var.uniform_(0.5, 1.5)
        # round every weight to what the JSON holds, so PyTorch and the DJL rebuild use identical numbers
        for p in list(net.parameters()) + [net.bn1.running_mean, net.bn1.running_var]:
            p.copy_(torch.tensor(f32(p)).reshape(p.shape))
    net.eval()
    plain = TinyCnnPlain()
    plain.load_state_dict(net.state_dict())
    plain.eval()

    with torch.random.fork_rng():  # its initial weights are replaced: draw them without moving the seed
        traced = TinyCnnTraced()
    traced.load_state_dict(net.state_dict())
    traced.eval()

    scripted = torch.jit.script(net)
    scripted_plain = torch.jit.script(plain)
    scripted_traced = torch.jit.script(traced)
    os.makedirs(OUT, exist_ok=True)
    scripted.save(os.path.join(OUT, "tiny_cnn.pt"))
    scripted_plain.save(os.path.join(OUT, "tiny_cnn_plain.pt"))
    scripted_traced.save(os.path.join(OUT, "tiny_cnn_trace.pt"))

    x = torch.tensor(f32(torch.randn(2, 3, 16, 16))).reshape(2, 3, 16, 16)

    # the input gradient of the class's logit, summed over the batch (each input's own gradient)
    leaf = x.clone().requires_grad_(True)
    logits = scripted(leaf)
    logits[:, CLASS].sum().backward()
    input_gradient = leaf.grad

    # Grad-CAM at the features: alpha_k = mean_ij dy/dA_k, cam = ReLU(sum_k alpha_k A_k), at 8x8
    with torch.no_grad():
        features = scripted.forward_features(x)
    feats = features.clone().requires_grad_(True)
    scripted.forward_head(feats)[:, CLASS].sum().backward()
    alpha = feats.grad.mean(dim=(2, 3))
    cam = F.relu((alpha[:, :, None, None] * features).sum(dim=1))

    assert torch.allclose(plain(x), logits.detach(), atol=1e-6), "the two modules disagree"
    assert torch.equal(scripted_traced.forward_trace(x)["output"], scripted(x)), "forward_trace's output differs"
    weights = {
        "conv1.weight": net.conv1.weight, "conv1.bias": net.conv1.bias,
        "bn1.weight": net.bn1.weight, "bn1.bias": net.bn1.bias,
        "bn1.running_mean": net.bn1.running_mean, "bn1.running_var": net.bn1.running_var,
        "conv2.weight": net.conv2.weight, "conv2.bias": net.conv2.bias,
        "fc.weight": net.fc.weight, "fc.bias": net.fc.bias,
    }
    dump({
        "torch": torch.__version__,
        "bnEpsilon": net.bn1.eps,
        "class": CLASS,
        "weights": {k: entry(v) for k, v in weights.items()},
        "input": entry(x),
        "logits": entry(logits),
        "inputGradient": entry(input_gradient),
        "featuresShape": list(features.shape),
        "camAlpha": entry(alpha),
        "cam": entry(cam),
    }, os.path.join(OUT, "tiny_cnn.json"))
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
