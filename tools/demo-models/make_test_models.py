#!/usr/bin/python3
"""Makes the small models only the tests use (Debian python3-torch), into server/src/test/resources/models.

    /usr/bin/python3 tools/demo-models/make_test_models.py

spin/1/model.pt   TorchScript: x FP32[B,64] -> y FP32[B,64], 400 rounds of y = tanh(y @ W): a model that
                  takes a few milliseconds per batch whatever its size, so scheduling tests can saturate it.
"""
import json
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "server", "src", "test", "resources", "models")
torch.manual_seed(5)


class Spin(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(64, 64) / 8.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        for _ in range(400):
            y = torch.tanh(torch.matmul(y, self.w))
        return y


os.makedirs(f"{OUT}/spin/1", exist_ok=True)
torch.jit.script(Spin().eval()).save(f"{OUT}/spin/1/model.pt")
with open(f"{OUT}/spin/config.json", "w") as f:
    json.dump({
        "kind": "TENSOR", "engine": "PYTORCH", "max_batch_size": 32,
        "inputs": [{"name": "x", "datatype": "FP32", "shape": [64]}],
        "outputs": [{"name": "y", "datatype": "FP32", "shape": [64]}],
        "instances": {"min": 1, "max": 1, "threads_per_instance": 1},
    }, f, indent=1)
    f.write("\n")
print("wrote", OUT)
