"""Cross-reference and completeness rules over a register."""

from .rules import RULES, run_checks

__all__ = ["RULES", "run_checks"]
