"""Train one experiment, or a sweep with ``-m``: ``python train.py quantizer=swishsign``."""

import hydra
from omegaconf import DictConfig

from bnnlab.training import train


@hydra.main(version_base="1.3", config_path="conf", config_name="train")
def main(cfg: DictConfig) -> float | None:
    metrics = train(cfg)
    # the value a hyperparameter search (hparams_search=...) maximises
    return metrics.get(cfg.get("optimized_metric"))


if __name__ == "__main__":
    main()
