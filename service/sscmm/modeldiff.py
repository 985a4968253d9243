"""What changed between two releases of a model, for release notes (``sscmm model diff``).

Levels, aspects, achievements, good-practice statements and KPIs are compared by IRI:
added, removed, and changed (each property whose values differ, old and new). Blank-node
values are compared by their own properties, so a restructured criterion body or a
reworded nested description shows as a change and an untouched one does not."""

from dataclasses import dataclass, field

from rdflib import BNode, Graph
from rdflib.namespace import RDF, RDFS, SKOS

from .model import all_models
from .namespaces import SSCMM

#: (heading, class): what a diff lists, in this order. Subclasses count (a pre-maturity
#: level is a level; a KPI performance aspect is an aspect).
KINDS = (("Models", SSCMM.MaturityModel), ("Levels", SSCMM.MaturityLevel), ("Aspects", SSCMM.AchievementAspect),
         ("Achievements", SSCMM.Achievement), ("Good-practice statements", SSCMM.GoodPracticeStatement),
         ("KPIs", SSCMM.KPI))


@dataclass
class KindDiff:
    heading: str
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: dict = field(default_factory=dict)  # item: [(property, old values, new values)]

    def __bool__(self):
        return bool(self.added or self.removed or self.changed)


def _members(graph, cls):
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c) if not isinstance(s, BNode)}


def _value(graph, term, seen=()):
    """A comparable form of a value: blank nodes by their own properties, recursively."""
    if not isinstance(term, BNode) or term in seen:
        return term.n3(graph.namespace_manager) if not isinstance(term, BNode) else "[]"
    inner = sorted(f"{p.n3(graph.namespace_manager)} {_value(graph, o, seen + (term,))}" for p, o in graph.predicate_objects(term))
    return "[ " + " ; ".join(inner) + " ]"


def _description(graph, item):
    described = {}
    for p, o in graph.predicate_objects(item):
        described.setdefault(p, set()).add(_value(graph, o))
    return described


def diff(old: Graph, new: Graph):
    """[KindDiff] for every kind, with the items sorted."""
    kinds = []
    for heading, cls in KINDS:
        before, after = _members(old, cls), _members(new, cls)
        kind = KindDiff(heading, added=sorted(after - before), removed=sorted(before - after))
        for item in sorted(before & after):
            was, now = _description(old, item), _description(new, item)
            changes = [(p, sorted(was.get(p, ())), sorted(now.get(p, ()))) for p in sorted(set(was) | set(now))
                       if was.get(p) != now.get(p)]
            if changes:
                kind.changed[item] = changes
        kinds.append(kind)
    return kinds


def versions(old: Graph, new: Graph):
    """{model name: (old version or None, new version or None)}."""
    was = {name: version for _iri, name, _label, version in all_models(old)}
    now = {name: version for _iri, name, _label, version in all_models(new)}
    return {name: (was.get(name), now.get(name)) for name in sorted(set(was) | set(now))}


def as_dict(old, new, kinds):
    show = new.namespace_manager
    return {
        "versions": {name: {"old": a, "new": b} for name, (a, b) in versions(old, new).items()},
        "kinds": {k.heading: {
            "added": [i.n3(show) for i in k.added], "removed": [i.n3(old.namespace_manager) for i in k.removed],
            "changed": {i.n3(show): [{"property": p.n3(show), "old": a, "new": b} for p, a, b in changes]
                        for i, changes in k.changed.items()}} for k in kinds},
    }


def as_text(old, new, kinds):
    """Release-note text: a line per version change, then per kind what was added, removed, changed."""
    lines = []
    for name, (a, b) in versions(old, new).items():
        if a != b:
            lines.append(f"Model {name}: {a or '(absent)'} -> {b or '(absent)'}")
    if not any(kinds):
        return "\n".join(lines + ["No levels, aspects, achievements, statements or KPIs changed."]) + "\n"
    for kind in kinds:
        if not kind:
            continue
        lines.append("")
        lines.append(f"{kind.heading}: {len(kind.added)} added, {len(kind.removed)} removed, {len(kind.changed)} changed")
        lines += [f"  + {_named(new, i)}" for i in kind.added]
        lines += [f"  - {_named(old, i)}" for i in kind.removed]
        for item, changes in kind.changed.items():
            lines.append(f"  ~ {_named(new, item)}")
            for p, a, b in changes:
                lines.append(f"      {p.n3(new.namespace_manager)}: {', '.join(a) or '(none)'} -> {', '.join(b) or '(none)'}")
    return "\n".join(lines).lstrip("\n") + "\n"


def _named(graph, item):
    label = graph.value(item, SKOS.prefLabel) or graph.value(item, RDFS.label)
    return f"{item.n3(graph.namespace_manager)}" + (f" ({label})" if label is not None else "")
