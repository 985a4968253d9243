"""sscmm: the ITU-T Y.4904 Smart Sustainable Cities Maturity Model as a knowledge graph."""

__version__ = "0.1.0"


def assess(graph, model=None):
    """Assess a city's assessment graph (an rdflib Graph) against a maturity model.

    Returns an :class:`sscmm.result.AssessmentResult`; ``.as_dict()`` / ``.to_json()``
    give the levels per aspect and dimension, the criteria, the KPIs and the next steps.
    The model, shapes and rules are loaded on the first call and reused.
    """
    from .engine import assess as _assess

    return _assess(graph, model)
