"""Models built from the binarized layers, registered by name."""

from bnnlab.models.binarization import Binarization
from bnnlab.models.cnn import ConvNet, SmallCNN, VGGSmall
from bnnlab.models.mlp import MLP
from bnnlab.models.registry import MODELS, create_model, register_model
from bnnlab.models.resnet import BiRealResNet18

__all__ = [
    "MLP",
    "MODELS",
    "BiRealResNet18",
    "Binarization",
    "ConvNet",
    "SmallCNN",
    "VGGSmall",
    "create_model",
    "register_model",
]
