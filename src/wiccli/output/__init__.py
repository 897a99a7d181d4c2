"""Output: the one place that draws with Rich, plain-text tables, atomic file writing."""
