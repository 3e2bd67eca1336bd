"""masking-reviewer: keeps production secrets out of developer databases."""

__version__ = "0.1.0"
