"""sscmm: the ITU-T Y.4904 Smart Sustainable Cities Maturity Model as a knowledge graph."""

__version__ = "0.1.0"
