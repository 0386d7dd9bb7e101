"""Models built from the binarized layers, registered by name."""

from bnnlab.models.binarization import Binarization
from bnnlab.models.cnn import SmallCNN
from bnnlab.models.mlp import MLP
from bnnlab.models.registry import MODELS, create_model, register_model

__all__ = ["MLP", "MODELS", "Binarization", "SmallCNN", "create_model", "register_model"]
