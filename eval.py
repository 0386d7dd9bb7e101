"""Test a checkpoint: ``python eval.py ckpt_path=<run dir>/checkpoints/last.ckpt``."""

import hydra
from omegaconf import DictConfig

from bnnlab.evaluation import evaluate


@hydra.main(version_base="1.3", config_path="conf", config_name="eval")
def main(cfg: DictConfig) -> None:
    evaluate(cfg)


if __name__ == "__main__":
    main()
