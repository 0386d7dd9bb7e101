"""Speed and memory comparisons, printed as ratios measured side by side in one run."""
