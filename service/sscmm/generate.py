"""Every generated artefact in one place: the KPI catalogue Turtle (from ontology/src/)
and the level shapes (from the model and shapes/levels/src/). `sscmm model generate`
writes them; `--check` and the tests compare them with a fresh generation."""

from pathlib import Path

from rdflib import Graph

from . import catalogue, levelshapes
from .model import model_files
from .paths import ONTOLOGY_DIR, ROOT


def generated():
    """{path: text} of every generated file, generated afresh (shapes from the fresh catalogue)."""
    outputs = {ONTOLOGY_DIR / name: text for name, text in catalogue.generate().items()}
    model = Graph()
    for path in model_files([ONTOLOGY_DIR]):
        if path not in outputs:
            model.parse(path, format="turtle")
    for text in outputs.values():
        model.parse(data=text, format="turtle")
    outputs.update(levelshapes.generate_level_shapes(model))
    return outputs


def stale():
    """Paths (relative to the repository) whose committed text differs from a fresh generation."""
    return [str(Path(path).relative_to(ROOT)) for path, text in generated().items()
            if not Path(path).exists() or Path(path).read_text(encoding="utf-8") != text]


def write():
    written = []
    for path, text in generated().items():
        Path(path).write_text(text, encoding="utf-8")
        written.append(path)
    return written
