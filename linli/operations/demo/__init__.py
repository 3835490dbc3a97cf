"""Demo of community operations for 苗庄小区 (篇一 §四–§五), loaded by seed_demo; idempotent."""

from . import access, people


def load(ctx) -> None:
    people.load(ctx)
    access.load(ctx)
