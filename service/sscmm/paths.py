"""Where the model's data lives: the repository's ontology/, shapes/ and rules/ folders.

The code ships next to its data (installed editable from a clone); SSCMM_HOME points
elsewhere, e.g. at a standards body's edited copy of the model.
"""

import os
from pathlib import Path

ROOT = Path(os.environ.get("SSCMM_HOME") or Path(__file__).resolve().parents[2])
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_SOURCES_DIR = ONTOLOGY_DIR / "src"
SHAPES_DIR = ROOT / "shapes"
MODEL_SHAPES_DIR = SHAPES_DIR / "model"
DOCS_DIR = ROOT / "docs"
