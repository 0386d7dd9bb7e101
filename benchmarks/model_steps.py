"""Each model on 32x32 RGB inputs (and the default digits MLP on its 8x8 digits): binary
and float parameters, and the time of one training step (forward, backward, Adam)
with SwishSign (fused="auto", the default) against full precision."""

from __future__ import annotations

import argparse
import functools

import torch
import torch.nn.functional as F

from benchmarks.timing import interleaved_medians, print_table
from bnnlab.models import create_model
from bnnlab.module import binary_latent_weights
from bnnlab.quantizers import Identity, SwishSign
from bnnlab.quantizers.fused import compilation_unavailable

RGB32 = (3, 32, 32)
MODELS = [
    ("mlp", (1, 8, 8)),
    ("mlp", RGB32),
    ("cnn", RGB32),
    ("vgg_small", RGB32),
    ("resnet18", RGB32),
]


def parameter_counts(name: str, shape: tuple[int, ...]) -> tuple[int, int]:
    """(binary, float): latent weights of binarized layers, and everything else."""
    model = create_model(name, input_shape=shape, num_classes=10, quantizer=SwishSign)
    binary = sum(weight.numel() for weight in binary_latent_weights(model))
    return binary, sum(p.numel() for p in model.parameters()) - binary


def make_step(name: str, shape: tuple[int, ...], quantizer, batch: int):
    model = create_model(name, input_shape=shape, num_classes=10, quantizer=quantizer)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(batch, *shape), torch.randint(0, 10, (batch,))

    def step(steps: int) -> None:
        for _ in range(steps):
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            optimizer.step()

    return step


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=5, help="steps per timing")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    rows = []
    for name, shape in MODELS:
        binary, floating = parameter_counts(name, shape)
        steps = {
            label: functools.partial(make_step(name, shape, quantizer, args.batch), args.steps)
            for label, quantizer in (("swishsign", SwishSign), ("fp", Identity))
        }
        medians = interleaved_medians(steps, repeats=args.repeats)
        rows.append(
            {
                "model": name,
                "input": "x".join(map(str, shape)),
                "binary params": f"{binary / 1e6:.2f}M",
                "float params": f"{floating / 1e6:.3f}M",
                "swishsign step (ms)": 1000 * medians["swishsign"] / args.steps,
                "fp step (ms)": 1000 * medians["fp"] / args.steps,
                "swishsign / fp": medians["swishsign"] / medians["fp"],
            }
        )
    print_table(
        f"Training step on a batch of {args.batch}, {torch.get_num_threads()} "
        f"threads (median of {args.repeats} x {args.steps} steps)",
        rows,
    )
    fallback = compilation_unavailable()
    print("fused path:", "compiled" if fallback is None else f"fell back to eager ({fallback})")


if __name__ == "__main__":
    main()
