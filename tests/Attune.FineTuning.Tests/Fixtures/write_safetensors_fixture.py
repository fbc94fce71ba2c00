#!/usr/bin/python3
"""Writes the safetensors fixtures SafeTensorsTests reads, independently of Attune's writer.

Uses only the standard library (json, struct) and PyTorch (Debian's python3-torch, 1.13) -- deliberately NOT the
`safetensors` package -- and follows the published format:
  8-byte little-endian u64 header length N, N bytes of UTF-8 JSON padded with spaces to a multiple of 8,
  then the data section; each tensor's data_offsets are [begin, end) relative to the first byte after the header,
  contiguous, row-major, little-endian.

Every value is a simple formula of the element index, so the C# tests recompute them instead of trusting a sidecar:
  tiny_pytorch_f32.safetensors  -- the state dict of Tiny (a Sequential(Linear(4, 8), ReLU(), Linear(8, 3)) named `layers`), keys
                                   layers.0.weight [8, 4], layers.0.bias [8], layers.2.weight [3, 8], layers.2.bias [3];
                                   tensor number t (in that order) holds t + i / 64 at flat index i (exact in F32).
  dtypes.safetensors            -- one tensor per dtype, with __metadata__; see DTYPES below for the formulas.
The data of each file is laid out in insertion order while the JSON lists keys sorted, so a reader must use the
offsets rather than assume an order.

Run from this directory:  /usr/bin/python3 write_safetensors_fixture.py
"""
import json
import struct
import sys

import torch

DTYPE_NAMES = {
    torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
}


def raw_bytes(t):
    """Little-endian row-major bytes of a tensor (reinterpreting 16-bit floats as int16, which numpy lacks)."""
    assert sys.byteorder == "little"
    t = t.detach().contiguous().cpu()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def write(path, tensors, metadata=None):
    header = {}
    data = bytearray()
    for name, t in tensors:  # data in insertion order
        b = raw_bytes(t)
        header[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)


class Tiny(torch.nn.Module):
    """TinyNet's shape (4 -> 8 -> ReLU -> 3) written the PyTorch way: one Sequential called `layers`."""

    def __init__(self):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))


def tiny():
    out = []
    with torch.no_grad():
        for t, (name, value) in enumerate(Tiny().state_dict().items()):
            value.copy_(t + torch.arange(value.numel(), dtype=torch.float32).reshape(value.shape) / 64)
            out.append((name, value))
    assert [n for n, _ in out] == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]
    return out


def dtypes():
    thirds = torch.arange(-3, 4, dtype=torch.float32) / 3  # F32 division, then rounded to the narrow type
    return [
        ("f32", (torch.arange(6, dtype=torch.float32) / 8 - 0.25).reshape(2, 3)),
        ("f16", thirds.to(torch.float16)),                  # float32 i/3 (i = -3..3) rounded to half
        ("bf16", thirds.to(torch.bfloat16)),                # float32 i/3 (i = -3..3) rounded to bfloat16
        ("f64", torch.arange(4, dtype=torch.float64) / 3),  # i/3 in double
        ("i64", torch.tensor([-(2 ** 62) - 1, -1, 0, 1, 2 ** 40, 2 ** 63 - 1], dtype=torch.int64).reshape(3, 2)),
        ("i32", torch.tensor([-(2 ** 31), -7, 0, 7, 2 ** 31 - 1], dtype=torch.int32)),
        ("i16", torch.tensor([-32768, -300, 0, 300, 32767], dtype=torch.int16)),
        ("i8", torch.tensor([-128, -1, 0, 1, 127], dtype=torch.int8)),
        ("u8", torch.tensor([0, 1, 128, 255], dtype=torch.uint8)),
        ("bool", torch.tensor([[True, False], [False, True]])),
        ("scalar", torch.tensor(2.5, dtype=torch.float32)),  # rank 0
        ("empty", torch.zeros(0, 3, dtype=torch.float32)),  # zero elements: begin == end
    ]


if __name__ == "__main__":
    write("tiny_pytorch_f32.safetensors", tiny())
    write("dtypes.safetensors", dtypes(), metadata={"format": "pt", "source": "write_safetensors_fixture.py"})
    print("torch", torch.__version__, "- wrote tiny_pytorch_f32.safetensors and dtypes.safetensors")
