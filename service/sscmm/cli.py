"""The ``sscmm`` command line.

Exit codes: 0 success, 1 the thing checked is wrong (model problems, stale files; for
``model diff``: the releases differ), 2 usage errors (argparse) and files that cannot be read.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import __version__


def _at_least_one(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _err(*parts):
    print(*parts, file=sys.stderr, flush=True)


def cmd_model_stats(args):
    from .model import ModelError, load_model, stats

    try:
        result = stats(load_model(args.paths or None), args.model)
    except ModelError as err:
        _err(f"sscmm: {err}")
        return 2
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    m = result["model"]
    kpis = result["kpis"]
    print(f"{m['label']} [{m['name']}] version {m['version']}")
    print(f"  levels           {result['levels']}  (orders {', '.join(map(str, result['level_orders']))})")
    print(f"  aspects          {result['aspects']}")
    print(f"  achievements     {result['achievements']}")
    print(f"  procedure steps  {result['procedure_steps']}")
    types = ", ".join(f"{n} {t}" for t, n in kpis.items() if t not in ("total", "by_dimension"))
    print(f"  KPIs             {kpis['total']}  ({types})")
    for dim, n in kpis["by_dimension"].items():
        print(f"    {dim:<22} {n}")
    print(f"  dimensions {result['dimensions']}, sub-dimensions {result['sub_dimensions']}, "
          f"categories {result['categories']}, data points {result['data_points']}, "
          f"KPI level mappings {result['kpi_level_mappings']}")
    return 0


def cmd_model_check(args):
    from .checks import shape_problems, sparql_problems
    from .model import ModelError, load_model

    started = time.perf_counter()
    try:
        graph = load_model(args.paths or None)
    except ModelError as err:
        print(f"FAIL {err}")
        return 1
    _err(f"checking {len(graph)} triples: meta-shapes ...")
    problems = shape_problems(graph)
    _err("SPARQL checks ...")
    problems += sparql_problems(graph)
    if not args.no_owl:
        from .consistency import consistency_problems

        _err("OWL consistency (HermiT) ...")
        problems += consistency_problems(graph)
    elapsed = time.perf_counter() - started
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        terms = len({p.term for p in problems})
        print(f"{len(problems)} problem(s) in {terms} term(s) ({elapsed:.1f} s)")
        return 1
    owl = "" if args.no_owl else ", OWL consistent"
    print(f"OK: {len(graph)} triples conform to the meta-shapes and SPARQL checks{owl} ({elapsed:.1f} s)")
    return 0


def cmd_model_generate(args):
    from .catalogue import SourceError
    from .generate import stale, write
    from .levelshapes import CriteriaError

    try:
        if args.check:
            paths = stale()
            for name in paths:
                print(f"STALE {name}: differs from a fresh generation; run `sscmm model generate`")
            return 1 if paths else 0
        for path in write():
            print(f"wrote {path}")
    except (SourceError, CriteriaError, OSError) as err:
        _err(f"sscmm: {err}")
        return 2
    return 0


def cmd_model_docs(args):
    from .docs import build_docs

    for path in build_docs(args.output, progress=_err):
        print(f"wrote {path}")
    return 0


def cmd_model_diff(args):
    from . import modeldiff
    from .model import ModelError, load_model
    try:
        old, new = load_model([args.old]), load_model([args.new])
    except ModelError as err:
        _err(f"sscmm model diff: {err}")
        return 2
    kinds = modeldiff.diff(old, new)
    if args.format == "json":
        print(json.dumps(modeldiff.as_dict(old, new, kinds), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(modeldiff.as_text(old, new, kinds), end="")
    return 1 if any(kinds) else 0


def cmd_assess(args):
    from .engine import engine_for
    from .model import ModelError
    from .rdfio import InputError, format_for, parse_file

    try:
        format_for(args.file, args.input_format)
    except InputError as err:
        _err(f"sscmm: {err}")
        return 2
    if not Path(args.file).is_file():
        _err(f"sscmm: {args.file}: no such file")
        return 2
    try:
        graph = parse_file(args.file, args.input_format)
    except InputError as err:
        _err(f"{args.file}: {err}")
        return 1
    try:
        engine = engine_for(args.model)
    except ModelError as err:
        _err(f"sscmm: {err}")
        return 2
    result = engine.assess(graph)
    if args.format == "json":
        sys.stdout.write(result.to_json())
    elif args.format == "turtle":
        sys.stdout.write(result.to_turtle())
    else:
        sys.stdout.write(result.to_table())
    if not result.valid:
        for error in result.input_errors:
            _err(f"{args.file}: {error}")
        return 1
    return 0


def _data_dir(args):
    return args.data_dir or os.environ.get("SSCMM_DATA_DIR") or "var"


def _store_config(args):
    """The service configuration the store options give (the environment fills the rest)."""
    config = {"DATA_DIR": _data_dir(args)}
    for option, key in (("store", "STORE"), ("query_url", "QUERY_URL"), ("update_url", "UPDATE_URL"),
                        ("gsp_url", "GSP_URL")):
        if getattr(args, option, None):
            config[key] = getattr(args, option)
    return config


def _add_store_options(parser):
    parser.add_argument("--data-dir", help="the service's data directory (default: $SSCMM_DATA_DIR, else ./var)")
    parser.add_argument("--store", choices=("embedded", "sparql"),
                        help="embedded pyoxigraph in the data directory (default; $SSCMM_STORE) or a SPARQL 1.1 server")
    parser.add_argument("--query-url", help="the SPARQL server's query endpoint ($SSCMM_QUERY_URL)")
    parser.add_argument("--update-url", help="the SPARQL server's update endpoint ($SSCMM_UPDATE_URL)")
    parser.add_argument("--gsp-url", help="its Graph Store Protocol endpoint, when it has one ($SSCMM_GSP_URL)")


def _services(args):
    from .web import create_app

    return create_app(_store_config(args)).extensions["sscmm"]


def cmd_load(args):
    from .load import assessment_files, load

    paths = assessment_files(args.paths)
    if not paths:
        _err("sscmm: no assessment files (.ttl, .trig, .jsonld, .nt, .rdf) in " + " ".join(args.paths))
        return 2
    services = _services(args)
    try:
        summary = load(services, paths, progress=not args.quiet, batch=args.batch)
    finally:
        services.close()
    for path, reason in summary.failed:
        print(f"FAILED {path}: {reason}")
    print(f"loaded {len(summary.loaded)}, already present {len(summary.present)}, failed {len(summary.failed)}")
    return 1 if summary.failed else 0


def cmd_analysis(args):
    from .analysis import AnalysisError, run
    from .queries import QueryFailed, QueryTimeout
    from .store import StoreUnavailable

    services = _services(args)
    try:
        if args.name is None:
            for analysis in services.analyses.values():
                params = ", ".join(f"{p.name}{'' if p.required else '?'}: {p.type}" for p in analysis.parameters)
                print(f"{analysis.name:<22} {analysis.title}" + (f"  [{params}]" if params else ""))
            return 0
        found = services.analyses.get(args.name)
        if found is None:
            _err(f"sscmm: no analysis is named {args.name!r}; `sscmm analysis` lists them")
            return 2
        values = dict(item.split("=", 1) if "=" in item else (item, "") for item in args.param)
        try:
            table = run(services.store, found, values)
        except AnalysisError as err:
            _err(f"sscmm: {err}")
            return 2
        except (QueryTimeout, QueryFailed, StoreUnavailable) as err:
            _err(f"sscmm: {err}")
            return 1
    finally:
        services.close()
    if args.format == "json":
        print(json.dumps(table.as_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(table.to_csv())
    return 0


def cmd_reassess(args):
    from .reassess import ReassessError, reassess_store
    from .store import StoreUnavailable

    services = _services(args)
    try:
        try:
            summary = reassess_store(services, args.model, args.city, progress=None if args.quiet else _err)
        except ReassessError as err:
            _err(f"sscmm reassess: {err}")
            return 2
        except StoreUnavailable as err:
            _err(f"sscmm reassess: {err}")
            return 1
    finally:
        services.close()
    if args.format == "json":
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        for row in summary["assessments"]:
            print(f"{row['id']}  {row['overall_level']['name'] or '-':<16} {row['assessment']}")
        print(f"reassessed {summary['reassessed']} publication(s) of {summary['cities']} city(ies) against "
              f"{summary['model']['name']} in {summary['seconds']:.2f} s")
    return 0


def cmd_serve(args):
    import logging

    from .web import create_app, serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(_store_config(args))
    if args.demo:
        app.extensions["sscmm"].publish_examples()
    _err(f"sscmm: serving on http://{args.host}:{args.port}/ (data in {_data_dir(args)})")
    serve(app, args.host, args.port)
    return 0


def cmd_token_create(args):
    from .tokens import TokenStore

    if args.admin == (args.city is not None):
        _err("sscmm token create: give --city CITY (a publishing token) or --admin (a token that reassesses)")
        return 2
    token, token_id = TokenStore(_data_dir(args)).create(args.city, scope="admin" if args.admin else "publish")
    print(token)
    what = "may reassess every city (admin)" if args.admin else f"publishes for {args.city}"
    _err(f"token {token_id} {what}; it is shown only now (only its hash is kept)")
    return 0


def cmd_token_revoke(args):
    from .tokens import TokenStore

    if TokenStore(_data_dir(args)).revoke(args.token):
        _err("revoked")
        return 0
    _err("sscmm: no live token matches")
    return 1


def cmd_token_list(args):
    from .tokens import TokenStore

    for entry in TokenStore(_data_dir(args)).list():
        state = f"revoked {entry['revoked']}" if entry["revoked"] else "live"
        who = entry["city"] if entry["scope"] == "publish" else "(admin)"
        print(f"{entry['id']}  {who}  created {entry['created']}  {state}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="sscmm", description="ITU-T Y.4904 Smart Sustainable Cities Maturity Model as a knowledge graph.")
    parser.add_argument("--version", action="version", version=f"sscmm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    assess = commands.add_parser(
        "assess", help="assess a city's assessment graph: levels per aspect and dimension, gaps, next steps")
    assess.add_argument("file", metavar="FILE", help="the city's graph (.ttl, .trig, .jsonld, .nt, .rdf)")
    assess.add_argument("--format", choices=("table", "json", "turtle"), default="table", help="output format")
    assess.add_argument("--model", help="the model's short name (default: y4904)")
    assess.add_argument("--input-format", help="input format when the extension does not say it "
                        "(turtle, trig, json-ld, nt, xml)")
    assess.set_defaults(func=cmd_assess)

    from .workbook.commands import add_commands as add_workbook_commands

    add_workbook_commands(commands)

    data_dir_help = "the service's data directory (default: $SSCMM_DATA_DIR, else ./var)"
    serve = commands.add_parser("serve", help="run the HTTP service (waitress) over the store in the data directory")
    serve.add_argument("--host", default=os.environ.get("SSCMM_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("SSCMM_PORT", "8080")))
    _add_store_options(serve)
    serve.add_argument("--demo", action="store_true", help="publish the example cities of data/examples at start")
    serve.set_defaults(func=cmd_serve)

    load = commands.add_parser("load", help="assess and publish many assessment files (idempotent)")
    load.add_argument("paths", nargs="+", metavar="DIR|FILE", help="assessment files, or folders of them")
    _add_store_options(load)
    load.add_argument("--quiet", action="store_true", help="no progress bar")
    load.add_argument("--batch", type=_at_least_one, default=None, metavar="N",
                      help="publications written at once (default: 25); a store that fails fails one batch")
    load.set_defaults(func=cmd_load)

    reassess = commands.add_parser(
        "reassess", help="recompute the levels of every published city (or some) inside the store, after a model change")
    _add_store_options(reassess)
    reassess.add_argument("--model", help="the model's short name (default: y4904)")
    reassess.add_argument("--city", action="append", metavar="IRI",
                          help="reassess only this city's publications (repeatable; default: every city)")
    reassess.add_argument("--format", choices=("table", "json"), default="table")
    reassess.add_argument("--quiet", action="store_true", help="no progress on stderr")
    reassess.set_defaults(func=cmd_reassess)

    analysis = commands.add_parser("analysis", help="run a cross-city analysis (without NAME: list them)")
    analysis.add_argument("name", nargs="?", metavar="NAME")
    analysis.add_argument("--param", action="append", default=[], metavar="K=V", help="a parameter (repeatable)")
    analysis.add_argument("--format", choices=("csv", "json"), default="csv")
    _add_store_options(analysis)
    analysis.set_defaults(func=cmd_analysis)

    token = commands.add_parser("token", help="create, revoke and list the tokens cities publish with")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="SUBCOMMAND")
    create = token_commands.add_parser("create", help="print a new token for a city (shown once)")
    create.add_argument("--city", help="the city's IRI, as in its graph (sscmm:forCity): a token that publishes for it")
    create.add_argument("--admin", action="store_true", help="a token with the admin scope: POST /reassess")
    create.add_argument("--data-dir", help=data_dir_help)
    create.set_defaults(func=cmd_token_create)
    revoke = token_commands.add_parser("revoke", help="revoke a token (give the token or its id)")
    revoke.add_argument("token", metavar="TOKEN_OR_ID")
    revoke.add_argument("--data-dir", help=data_dir_help)
    revoke.set_defaults(func=cmd_token_revoke)
    listing = token_commands.add_parser("list", help="list token ids, their cities and whether they are live")
    listing.add_argument("--data-dir", help=data_dir_help)
    listing.set_defaults(func=cmd_token_list)

    model = commands.add_parser("model", help="inspect, check, generate and document the model")
    model_commands = model.add_subparsers(dest="model_command", required=True, metavar="SUBCOMMAND")

    stats = model_commands.add_parser("stats", help="count levels, aspects, achievements, KPIs, data points")
    stats.add_argument("paths", nargs="*", metavar="PATH", help="model Turtle files or folders (default: ontology/)")
    stats.add_argument("--model", help="the model's short name (default: y4904)")
    stats.add_argument("--format", choices=("table", "json"), default="table")
    stats.set_defaults(func=cmd_model_stats)

    check = model_commands.add_parser(
        "check", help="check the model against its meta-shapes, SPARQL checks and OWL consistency")
    check.add_argument("paths", nargs="*", metavar="PATH", help="model Turtle files or folders (default: ontology/)")
    check.add_argument("--no-owl", action="store_true", help="skip the OWL consistency check (needs Java)")
    check.set_defaults(func=cmd_model_check)

    generate = model_commands.add_parser(
        "generate", help="generate the KPI catalogue Turtle (from ontology/src/*.csv) and the level shapes")
    generate.add_argument("--check", action="store_true", help="only report generated files that are stale")
    generate.set_defaults(func=cmd_model_generate)

    model_diff = model_commands.add_parser(
        "diff", help="list the levels, aspects, achievements, statements and KPIs added, removed and changed "
                     "between two releases (exit 1 when they differ, as diff does)")
    model_diff.add_argument("old", metavar="OLD", help="the earlier release: a model Turtle file or folder")
    model_diff.add_argument("new", metavar="NEW", help="the later release: a model Turtle file or folder")
    model_diff.add_argument("--format", choices=("text", "json"), default="text")
    model_diff.set_defaults(func=cmd_model_diff)

    docs = model_commands.add_parser("docs", help="build the HTML documentation (pyLODE) into docs/")
    docs.add_argument("-o", "--output", help="output folder (default: docs/)")
    docs.set_defaults(func=cmd_model_docs)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
