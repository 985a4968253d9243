"""The result of an assessment, and its views: JSON (sorted, byte-identical for the same
input), a table for people, and RDF (the validation report, the derived facts, PROV)."""

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from importlib.metadata import version as package_version

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS, XSD

from . import __version__
from .derived import DerivedFacts
from .namespaces import QUDT, SSCMM, bind_prefixes, local_name


@dataclass(frozen=True)
class Failure:
    """One result of a level shape: the shape, and what in the graph does not satisfy it."""

    shape: URIRef
    focus: object
    value: object
    message: str
    path: object = None


@dataclass
class InputProblem:
    """An input error: the node, the KPI it is about (if any), the field and what is wrong."""

    node: str
    message: str
    field: str = ""
    kpi: str = ""
    value: str = ""
    check: str = ""

    @classmethod
    def of(cls, data, model, node, field, message, check, value=None):
        kpi = data.value(node, SSCMM.kpi) if node is not None else None
        return cls(node=_show(data, node) if node is not None else "(graph)", message=message,
                   field=_show(data, field) if field is not None and field != "" else "",
                   kpi=_kpi_code(model, data, kpi) if kpi is not None else "",
                   value=str(value) if value is not None else "", check=local_name(check))

    def as_dict(self):
        return {"node": self.node, "kpi": self.kpi, "field": self.field, "value": self.value,
                "message": self.message, "check": self.check}

    def __str__(self):
        parts = [self.node]
        if self.kpi:
            parts.append(f"KPI {self.kpi}")
        if self.field:
            parts.append(self.field)
        value = f" (value: {self.value})" if self.value else ""
        return f"{', '.join(parts)}: {self.message}{value}"


def _show(graph, node):
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.curie(node, generate=False)
        except (ValueError, KeyError):
            return str(node)
    if isinstance(node, Literal):
        return str(node)
    return "_:" + str(node) if node is not None else ""


def _kpi_code(model, data, kpi):
    for graph in (model, data):
        notation = graph.value(kpi, SKOS.notation)
        if notation is not None:
            return str(notation)
    return _show(data, kpi)


def _json_value(literal):
    if literal is None:
        return None
    value = literal.toPython() if isinstance(literal, Literal) else str(literal)
    if isinstance(value, Literal):  # a datatype rdflib has no Python type for (xsd:gYear, ...)
        return str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and literal.datatype == XSD.integer else float(value)
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(literal)


def _label(graph, term):
    """The first (sorted) skos:prefLabel, else rdfs:label, else the local name: the same
    name every time, and the one the service's catalogue shows (store._Q_RECORDS)."""
    for prop in (SKOS.prefLabel, RDFS.label):
        values = sorted(str(value) for value in graph.objects(term, prop))
        if values:
            return values[0]
    return local_name(term)


def _level_text(level):
    return f"{level['order']} {level['name']}" if level else "- (no selected KPI)"


def _versions():
    return {"sscmm": __version__, "validator": f"pyshacl {package_version('pyshacl')}",
            "rdflib": package_version("rdflib"), "pyoxigraph": package_version("pyoxigraph")}


class ModelNames:
    """The model's ``value`` and ``objects`` look-ups, memoised: a result names the same
    levels, KPIs and data points hundreds of times, and an engine's model does not change.
    Read like the rdflib Graph it wraps (``_label``, ``_kpi_code``)."""

    def __init__(self, model):
        self.model = model
        self._objects, self._once = {}, {}

    def once(self, key, compute):
        """compute(model), worked out on first use (the model's levels, its aspects)."""
        if key not in self._once:
            self._once[key] = compute(self.model)
        return self._once[key]

    def objects(self, subject, predicate):
        key = (subject, predicate)
        found = self._objects.get(key)
        if found is None:
            found = self._objects[key] = tuple(self.model.objects(subject, predicate))
        return found

    def value(self, subject, predicate):
        found = self.objects(subject, predicate)
        return found[0] if found else None


def criterion_facts(shapes, model):
    """{shape: what the result shows of it whatever the city} for every level shape:
    worked out once per engine, not per result."""
    criteria = {}
    for shape in shapes.subjects(SSCMM.checksAchievement, None):
        achievement = shapes.value(shape, SSCMM.checksAchievement)
        aspect = shapes.value(shape, SSCMM.aspect)
        level = shapes.value(shape, SSCMM.level)
        roll_up = shapes.value(shape, SSCMM.dimension) or shapes.value(shape, SSCMM.subDimension)
        criteria[shape] = {
            "id": str(achievement), "shape": str(shape), "aspect": _label(model, aspect),
            "aspect_iri": str(aspect), "level": int(model.value(level, SSCMM.levelOrder)),
            "message": str(shapes.value(shape, SH.message)),
            "suggested_action": str(shapes.value(shape, SSCMM.suggestedAction)),
            "content_status": local_name(shapes.value(shape, SSCMM.contentStatus) or ""),
            "roll_up": str(roll_up) if roll_up is not None else None,
        }
    return criteria


@dataclass
class AssessmentResult:
    """What ``sscmm.assess`` returns: levels per aspect and dimension, the criteria, the KPIs."""

    engine: object
    data: Graph
    facts: DerivedFacts
    report: Graph
    failures: list = field(default_factory=list)
    input_errors: list = field(default_factory=list)

    @property
    def valid(self):
        return not self.input_errors

    @property
    def derived(self) -> Graph:
        """The facts the rules derived, as one rdflib graph."""
        return self.facts.graph()

    # -- model look-ups -------------------------------------------------------------

    def _level(self, level):
        if level is None:
            return None
        model = self.engine.names
        return {"order": int(model.value(level, SSCMM.levelOrder)), "iri": str(level), "name": _label(model, level)}

    def _levels(self):
        return self.engine.names.once("levels", lambda model: sorted(
            (int(o), s) for s, o in model.subject_objects(SSCMM.levelOrder)
            if (s, SSCMM.inModel, self.engine.model_iri) in model))

    def _aspects(self):
        def ordered(model):
            aspects = [(int(order), a) for a, order in model.subject_objects(SSCMM.aspectOrder)
                       if (a, SSCMM.inModel, self.engine.model_iri) in model]
            return [a for _, a in sorted(aspects)]
        return self.engine.names.once("aspects", ordered)

    def _current(self):
        return self.facts.current

    def _attained(self, subject):
        return self.facts.attained_levels().get(subject)

    # -- criteria ---------------------------------------------------------------------

    def _kpi_message(self, check):
        model = self.engine.names
        kpi = check["kpi"]
        name = f"{_kpi_code(model, self.data, kpi)} {_label(model, kpi) if model.value(kpi, SKOS.prefLabel) else _label(self.data, kpi)}"
        if check["dataPoint"] is not None:
            name += f" ({_label(model, check['dataPoint'])})"
        order = int(model.value(check["level"], SSCMM.levelOrder))
        status = str(check["checkStatus"])
        latest = check["latestValue"]
        if status == "no-value":
            return f"{name}: no value reported"
        if status == "no-target":
            return f"{name}: no target for level {order} in the performance matrix"
        comparator = model.value(check["comparator"], SKOS.notation) if check["comparator"] is not None else None
        if check["comparator"] == SSCMM.Within:
            target = f"in {check['targetMin'] if check['targetMin'] is not None else '-inf'}..{check['targetMax'] if check['targetMax'] is not None else '+inf'}"
        else:
            target = f"{comparator or '>='} {check['targetValue']}"
        period = f" ({check['latestPeriod']})" if check["latestPeriod"] is not None else ""
        if status == "not-comparable":
            return f"{name}: value {latest}{period} cannot be compared with the level-{order} target {target}"
        return f"{name}: latest value {latest}{period} does not meet the level-{order} target {target}"

    def _check_detail(self, check):
        return {"message": self._kpi_message(check), "kpi": _kpi_code(self.engine.names, self.data, check["kpi"]),
                "data_point": _label(self.engine.names, check["dataPoint"]) if check["dataPoint"] is not None else None,
                "status": str(check["checkStatus"])}

    def _failure_details(self, failure, roll_up):
        """Why a shape failed: one detail per unmet KPI check of a level's KPI performance
        criterion (the shape's one result does not name them; the rules linked them), else
        the result's own."""
        unmet = [] if roll_up else self.facts.unmet_checks().get(failure.shape, [])
        checks = self.facts.checks()
        if failure.value is None and unmet:
            return [self._check_detail(checks[check]) for check in unmet]
        return [self._failure_detail(failure)]

    def _failure_detail(self, failure):
        check = self.facts.checks().get(failure.value) if isinstance(failure.value, URIRef) else None
        if check is not None:
            return self._check_detail(check)
        detail = {"message": failure.message}
        rating = self.facts.rating_checks().get(self.engine.level_shapes.value(failure.shape, SSCMM.checksAchievement))
        if rating is not None:
            detail["message"] = (f"{failure.message.rstrip('.')}: {rating['ratedCount']} of {rating['statementCount']} "
                                 f"statements ({float(rating['ratedShare']):.0%})")
            return detail
        if failure.value is not None:
            detail["value"] = _show(self.data, failure.value)
            kpi = self.data.value(failure.value, SSCMM.kpi)
            if kpi is None and (failure.value, RDF.type, SSCMM.KPI) in self.engine.model:
                kpi = failure.value
            if kpi is not None:
                detail["kpi"] = _kpi_code(self.engine.names, self.data, kpi)
                detail["message"] += f": {detail['kpi']} {_label(self.engine.names, kpi)}"
            elif self.engine.names.value(failure.value, SKOS.prefLabel) is not None:
                detail["message"] += f": {_label(self.engine.names, failure.value)}"
            else:
                detail["message"] += f": {detail['value']}"
        return detail

    def _criteria(self):
        """{shape: criterion dict} for every level shape (roll-ups included, marked)."""
        failed = {}
        for failure in self.failures:
            roll_up = self.engine.criteria[failure.shape]["roll_up"] is not None
            failed.setdefault(failure.shape, []).extend(self._failure_details(failure, roll_up))
        criteria = {}
        for shape, facts in self.engine.criteria.items():
            details = sorted(failed.get(shape, []), key=lambda d: json.dumps(d, sort_keys=True))
            criteria[shape] = {**facts, "satisfied": not details, "failures": details}
        return criteria

    def _to_be_targets(self, current):
        """{aspect: {"level", "year"}}: the levels the city aims at per aspect (sscmm:hasToBeTarget)."""
        targets = {}
        for target in sorted(self.data.objects(current, SSCMM.hasToBeTarget)):
            aspect, level = self.data.value(target, SSCMM.aspect), self.data.value(target, SSCMM.level)
            if aspect is not None and level is not None and self.engine.names.value(level, SSCMM.levelOrder) is not None:
                targets.setdefault(aspect, {"level": self._level(level),
                                            "year": _json_value(self.data.value(target, SSCMM.targetYear))})
        return targets

    # -- KPIs ---------------------------------------------------------------------------

    def _kpis(self):
        model, data = self.engine.names, self.data
        current = self._current()
        selected = {data.value(sel, SSCMM.kpi) for sel in data.objects(current, SSCMM.hasKPISelection)}
        summaries_of, checks_of = {}, {}
        for (kpi, point), summary in self.facts.summaries().items():
            summaries_of.setdefault(kpi, {})[point] = summary
        for check in self.facts.checks().values():
            checks_of.setdefault(check["kpi"], []).append(check)
        out = []
        for kpi in selected:
            if kpi is None:
                continue
            summaries = summaries_of.get(kpi, {})
            checks = checks_of.get(kpi, [])
            unit = model.value(kpi, QUDT.hasUnit)
            entry = {
                "code": _kpi_code(model, data, kpi), "iri": str(kpi),
                "name": _label(model, kpi) if model.value(kpi, SKOS.prefLabel) else _label(data, kpi),
                "unit": _label(model, unit) if unit is not None else None,
                **self._values(summaries.get(None)),
                "targets": {}, "met": {}, "data_points": [],
            }
            for point in sorted(p for p in summaries if p is not None):
                entry["data_points"].append({"data_point": _label(model, point), "iri": str(point),
                                             **self._values(summaries[point])})
            for c in checks:
                order = str(int(model.value(c["level"], SSCMM.levelOrder)))
                entry["met"][order] = entry["met"].get(order, True) and c["met"]
                target = c["targetValue"] if c["targetValue"] is not None else None
                if c["targetMin"] is not None or c["targetMax"] is not None:
                    target_json = {"min": _json_value(c["targetMin"]), "max": _json_value(c["targetMax"])}
                else:
                    target_json = _json_value(target)
                if c["dataPoint"] is not None:
                    entry["targets"].setdefault(order, {})
                    if isinstance(entry["targets"][order], dict):
                        entry["targets"][order][_label(model, c["dataPoint"])] = target_json
                elif target_json is not None:
                    entry["targets"][order] = target_json
            out.append(entry)
        return sorted(out, key=lambda e: e["code"])

    @staticmethod
    def _values(summary):
        get = (lambda p: _json_value(summary[p])) if summary is not None else (lambda p: None)
        return {"latest_value": get("latestValue"), "latest_period": get("latestPeriod"),
                "baseline_value": get("baselineValue"), "baseline_period": get("baselinePeriod"),
                "change_since_baseline": get("changeSinceBaseline")}

    # -- the JSON view ------------------------------------------------------------------

    def as_dict(self):
        engine = self.engine
        model_info = {"iri": str(engine.model_iri), "name": engine.name, "label": engine.label,
                      "version": engine.version}
        if self.input_errors:
            errors = sorted((e.as_dict() for e in self.input_errors), key=lambda e: json.dumps(e, sort_keys=True))
            return {"city": None, "assessment": None, "model": model_info, "overall_level": None,
                    "aspects": [], "dimensions": [], "levels": [], "kpis": [], "actions": [],
                    "input_errors": errors, "engine": _versions()}
        current = self._current()
        city = self.data.value(current, SSCMM.forCity)
        overall = self.facts.overall_level
        criteria = self._criteria()
        levels = self._levels()
        next_order = {order: levels[i + 1][1] if i + 1 < len(levels) else None for i, (order, _) in enumerate(levels)}
        main = [c for c in criteria.values() if c["roll_up"] is None]

        aspects = []
        targets = self._to_be_targets(current)
        for aspect in self._aspects():
            attained = self._attained(aspect)
            order = int(self.engine.names.value(attained, SSCMM.levelOrder)) if attained is not None else None
            nxt = next_order.get(order)
            gaps = [c for c in main if c["aspect_iri"] == str(aspect) and nxt is not None
                    and c["level"] == int(self.engine.names.value(nxt, SSCMM.levelOrder)) and not c["satisfied"]]
            aspects.append({"aspect": str(aspect), "name": _label(self.engine.names, aspect),
                            "level": self._level(attained), "next_level": self._level(nxt),
                            "target": targets.get(aspect), "gaps": sorted(gaps, key=lambda c: c["id"])})

        dimensions = []
        tree = {}
        for shape in self.engine.level_shapes.subjects(SSCMM.dimension, None):
            tree.setdefault(self.engine.level_shapes.value(shape, SSCMM.dimension), set())
        for shape in self.engine.level_shapes.subjects(SSCMM.subDimension, None):
            sub = self.engine.level_shapes.value(shape, SSCMM.subDimension)
            parent = self.engine.names.value(sub, SKOS.broader)
            tree.setdefault(parent, set()).add(sub)
        for dim in sorted(tree):
            dimensions.append({
                "dimension": str(dim), "notation": str(self.engine.names.value(dim, SKOS.notation)),
                "name": _label(self.engine.names, dim), "level": self._level(self._attained(dim)),
                "sub_dimensions": [{"sub_dimension": str(sub), "notation": str(self.engine.names.value(sub, SKOS.notation)),
                                    "name": _label(self.engine.names, sub), "level": self._level(self._attained(sub))}
                                   for sub in sorted(tree[dim])],
            })

        overall_order = int(self.engine.names.value(overall, SSCMM.levelOrder)) if overall is not None else None
        levels_json = []
        for order, level in levels:
            level_criteria = sorted((c for c in main if c["level"] == order),
                                    key=lambda c: (int(self.engine.names.value(URIRef(c["aspect_iri"]), SSCMM.aspectOrder) or 0), c["id"]))
            levels_json.append({"level": order, "iri": str(level), "name": _label(self.engine.names, level),
                                "attained": overall_order is not None and order <= overall_order,
                                "criteria": [{k: v for k, v in c.items() if k not in ("roll_up", "shape")}
                                             for c in level_criteria]})

        actions = self._actions(aspects, main, overall, next_order)
        return {
            "city": {"iri": str(city), "name": _label(self.data, city)},
            "assessment": {"iri": str(current), "date": _json_value(self.data.value(current, SSCMM.assessmentDate)),
                           "baseline": str(self.data.value(current, SSCMM.baseline) or "") or None},
            "model": model_info,
            "overall_level": self._level(overall),
            "next_level": self._level(next_order.get(overall_order)),
            "aspects": aspects, "dimensions": dimensions, "levels": levels_json, "kpis": self._kpis(),
            "actions": actions, "input_errors": [], "engine": _versions(),
        }

    def _actions(self, aspects, main, overall, next_order):
        """Ordered steps toward the next overall level: the unmet criteria of every aspect
        from the level after its own up to the next overall level, lowest level first."""
        target = next_order.get(int(self.engine.names.value(overall, SSCMM.levelOrder))) if overall is not None else None
        if target is None:
            return []
        target_order = int(self.engine.names.value(target, SSCMM.levelOrder))
        steps = []
        aspect_rank = {a["aspect"]: i for i, a in enumerate(aspects)}
        for c in sorted(main, key=lambda c: (c["level"], aspect_rank.get(c["aspect_iri"], 99), c["id"])):
            if c["satisfied"] or c["level"] > target_order:
                continue
            steps.append({"step": len(steps) + 1, "level": c["level"], "aspect": c["aspect"], "criterion": c["id"],
                          "action": c["suggested_action"], "because": [d["message"] for d in c["failures"]]})
        return steps

    def to_json(self):
        return json.dumps(self.as_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    # -- the table view -----------------------------------------------------------------

    def to_table(self):
        result = self.as_dict()
        lines = []
        if result["input_errors"]:
            lines.append(f"Input errors ({len(result['input_errors'])}); the graph was not assessed:")
            for error in self.input_errors:
                lines.append(f"  - {error}")
            return "\n".join(lines) + "\n"
        overall = result["overall_level"]
        lines.append(f"{result['city']['name']}: overall level {overall['order']} ({overall['name']}) "
                     f"against {result['model']['label']} {result['model']['version']}")
        lines.append("")
        width = max([28] + [len(a["name"]) + 1 for a in result["aspects"]])
        lines.append(f"  {'aspect':<{width}} level")
        for aspect in result["aspects"]:
            target = aspect["target"]
            aim = f"  (target: {_level_text(target['level'])}{' by ' + str(target['year']) if target['year'] else ''})" if target else ""
            lines.append(f"  {aspect['name']:<{width}} {aspect['level']['order']} {aspect['level']['name']}{aim}")
        if result["dimensions"]:
            lines.append("")
            lines.append(f"  {'KPI performance by dimension':<28} level")
            for dim in result["dimensions"]:
                lines.append(f"  {dim['name']:<28} {_level_text(dim['level'])}")
                for sub in dim["sub_dimensions"]:
                    lines.append(f"    {sub['name']:<26} {_level_text(sub['level'])}")
        if result["actions"]:
            nxt = result["next_level"]
            lines.append("")
            lines.append(f"To reach level {nxt['order']} ({nxt['name']}):")
            for step in result["actions"]:
                lines.append(f"  {step['step']}. [level {step['level']} {step['aspect']}] {step['action']}")
                for reason in step["because"]:
                    lines.append(f"       - {reason}")
        return "\n".join(lines) + "\n"

    # -- the RDF view -------------------------------------------------------------------

    def to_graph(self):
        """The validation report, the derived facts and PROV of this run, as one graph."""
        graph = bind_prefixes(Graph())
        graph.bind("sh", SH)
        graph += self.report
        graph += self.derived
        run = URIRef(f"urn:sscmm:run:{abs(hash((self._current(), len(self.data)))):x}")
        now = Literal(datetime.now(timezone.utc).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
        graph.add((run, RDF.type, PROV.Activity))
        graph.add((run, RDFS.label, Literal("sscmm assessment run")))
        graph.add((run, PROV.endedAtTime, now))
        graph.add((run, PROV.wasAssociatedWith, URIRef(f"https://w3id.org/sscmm/software/{__version__}")))
        graph.add((run, PROV.used, self.engine.model_iri))
        graph.add((run, PROV.used, URIRef(f"https://w3id.org/sscmm/shapes/levels/{self.engine.name}")))
        current = self._current()
        if current is not None:
            graph.add((run, PROV.used, current))
        for report in self.report.subjects(RDF.type, SH.ValidationReport):
            graph.add((report, PROV.wasGeneratedBy, run))
        for subject in set(self.derived.subjects()):
            graph.add((subject, PROV.wasGeneratedBy, run))
        graph.add((run, DCTERMS.description, Literal(f"validator {_versions()['validator']}")))
        return graph

    def to_turtle(self):
        return self.to_graph().serialize(format="turtle")
