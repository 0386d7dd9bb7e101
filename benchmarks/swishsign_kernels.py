"""SwishSign forward + backward on 1M- and 16M-element float32 tensors: the fused
(compiled) quantizer against the naive eager formula, bnnlab's eager path and the
STE sign, measured side by side."""

from __future__ import annotations

import argparse
import functools
from typing import Any

import torch

from benchmarks.timing import interleaved_medians, print_table
from bnnlab.quantizers import Sign, SwishSign
from bnnlab.quantizers.fused import compilation_unavailable

BETA = 5.0


class NaiveSwishSign(torch.autograd.Function):
    """The formula as first written: sign, then zeros replaced; cosh/tanh backward."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        out = torch.sign(x)
        out[out == 0] = 1
        return out

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        bx = BETA * x
        return grad * BETA * (2 - bx * torch.tanh(bx / 2)) / (1 + torch.cosh(bx))


def forward_backward(quantize, x: torch.Tensor, upstream: torch.Tensor, repeats: int) -> None:
    for _ in range(repeats):
        leaf = x.detach().requires_grad_(True)
        quantize(leaf).backward(upstream)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    variants = {
        "naive eager formula": NaiveSwishSign.apply,
        "bnnlab eager (fused=off)": SwishSign(BETA, fused="off"),
        "bnnlab fused (fused=on)": SwishSign(BETA, fused="on"),
        "STE sign eager": Sign(fused="off"),
        "STE sign fused": Sign(fused="on"),
    }
    rows = []
    for numel in (1 << 20, 1 << 24):
        x = torch.randn(numel)
        upstream = torch.randn(numel)
        medians = interleaved_medians(
            {
                name: functools.partial(forward_backward, fn, x, upstream, 3)
                for name, fn in variants.items()
            },
            repeats=args.repeats,
        )
        for name, seconds in medians.items():
            rows.append(
                {
                    "elements": f"{numel >> 20}Mi",
                    "variant": name,
                    "fwd+bwd (ms)": 1000 * seconds / 3,
                    "naive / this": medians["naive eager formula"] / seconds,
                    "this / STE eager": seconds / medians["STE sign eager"],
                }
            )
    print_table(
        f"SwishSign (beta={BETA}) forward + backward, float32, {torch.get_num_threads()} "
        f"threads (median of {args.repeats}; first compilation excluded). The backward saves "
        "the float32 input: 4 bytes an element (2 with save_dtype=bfloat16)",
        rows,
    )
    fallback = compilation_unavailable()
    print("fused path:", "compiled" if fallback is None else f"fell back to eager ({fallback})")


if __name__ == "__main__":
    main()
