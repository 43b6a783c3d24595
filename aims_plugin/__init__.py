"""AIMS as code: an ISO/IEC 42001 AI management system kept as Markdown in git."""

__version__ = "0.1.0"
