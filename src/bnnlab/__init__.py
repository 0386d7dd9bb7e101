"""bnnlab: a Lightning + Hydra experiment template for binarized neural networks."""

__version__ = "0.1.0"
