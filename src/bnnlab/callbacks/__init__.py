"""Lightning callbacks that show what each quantizer does to the gradients."""

from bnnlab.callbacks.flip_ratio import WeightFlipRatio
from bnnlab.callbacks.parameter_gradients import ParameterGradientHistograms
from bnnlab.callbacks.quantizer_gradients import QuantizerGradientHistograms
from bnnlab.callbacks.store import HistogramStore, read_histograms, read_scalars

__all__ = [
    "HistogramStore",
    "ParameterGradientHistograms",
    "QuantizerGradientHistograms",
    "WeightFlipRatio",
    "read_histograms",
    "read_scalars",
]
