"""``sscmm template``, ``sscmm import`` and ``sscmm export``: the workbook on the command line.
An import with any error writes nothing (exit 1, one line per problem, naming sheet and cell)."""

import os
import sys
import tempfile
from pathlib import Path

from .cells import WorkbookError


def _err(*parts):
    print(*parts, file=sys.stderr, flush=True)


def _write_atomically(path, write):
    """write(file object) into a temporary file next to ``path``, then rename: a failure
    leaves no partial file."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _vocabulary(name):
    from ..model import ModelError, load_model
    from .vocabulary import WorkbookVocabulary

    try:
        return WorkbookVocabulary(load_model(), name)
    except ModelError as err:
        _err(f"sscmm: {err}")
        return None


def cmd_template(args):
    from ..codes import CodeError, normalise_code
    from .template import template

    vocab = _vocabulary(args.model)
    if vocab is None:
        return 2
    kpis = args.kpis
    if kpis not in ("core", "all"):
        try:
            kpis = [normalise_code(code) for code in args.kpis.split(",") if code.strip()]
        except CodeError as err:
            _err(f"sscmm: {err}")
            return 2
        unknown = [code for code in kpis if code not in vocab.kpi_by_notation]
        if unknown:
            _err(f"sscmm: not in the {vocab.name} catalogue: {', '.join(unknown)}")
            return 2
    years = None
    if args.years:
        try:
            first, _, last = args.years.partition("-")
            years = list(range(int(first), int(last or first) + 1))
        except ValueError:
            _err(f"sscmm: --years {args.years!r}: give YEAR or FIRST-LAST")
            return 2
    workbook = template(vocab, kpis, years)
    _write_atomically(args.output, workbook.save)
    _err(f"wrote {args.output}")
    return 0


def cmd_import(args):
    from ..engine import engine_for
    from ..model import load_model
    from .reading import read_tables, read_workbook

    source = Path(args.source)
    if not source.exists():
        _err(f"sscmm: {source}: no such file or folder")
        return 2
    try:
        graph = read_workbook(read_tables(source), load_model())
    except WorkbookError as err:
        for error in err.errors:
            _err(f"{source}: {error}")
        return 1
    result = engine_for(next(iter(_models_of(graph)), None)).assess(graph)
    if not result.valid:
        for error in result.input_errors:
            _err(f"{source}: {error}")
        return 1
    _write_atomically(args.output, lambda out: out.write(graph.serialize(format="turtle").encode("utf-8")))
    _err(f"wrote {args.output} ({len(graph)} triples); overall level {result.as_dict()['overall_level']['order']}")
    return 0


def _models_of(graph):
    from rdflib.namespace import DCTERMS

    from ..model import load_model
    from ..namespaces import SSCMM

    model_graph = load_model()
    return [str(model_graph.value(m, DCTERMS.identifier)) for m in set(graph.objects(None, SSCMM.usesModel))
            if model_graph.value(m, DCTERMS.identifier) is not None]


def cmd_export(args):
    from ..rdfio import InputError, parse_file
    from .writing import export

    vocab = _vocabulary(args.model)
    if vocab is None:
        return 2
    try:
        graph = parse_file(args.file)
    except InputError as err:
        _err(f"{args.file}: {err}")
        return 1
    try:
        workbook = export(graph, vocab)
    except WorkbookError as err:
        for error in err.errors:
            _err(f"{args.file}: {error}")
        return 1
    _write_atomically(args.output, workbook.save)
    _err(f"wrote {args.output}")
    return 0


def add_commands(commands):
    """Add the three commands to the ``sscmm`` argument parser's subcommands."""
    template = commands.add_parser("template", help="write an empty assessment workbook (.xlsx) built from the model")
    template.add_argument("--model", help="the model's short name (default: y4904)")
    template.add_argument("--kpis", default="core", help="core (default), all, or codes separated by commas")
    template.add_argument("--years", help="the value columns: YEAR or FIRST-LAST (default: the last five years)")
    template.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    template.set_defaults(func=cmd_template)

    imports = commands.add_parser("import", help="turn a filled workbook (.xlsx), or a folder or .zip of its "
                                  "sheets as CSV, into an assessment graph (Turtle)")
    imports.add_argument("source", metavar="FILE.xlsx|DIR|FILE.zip")
    imports.add_argument("-o", "--output", required=True, metavar="FILE.ttl")
    imports.set_defaults(func=cmd_import)

    export = commands.add_parser("export", help="write an assessment graph into the workbook (.xlsx)")
    export.add_argument("file", metavar="ASSESSMENT", help="the city's graph (.ttl, .trig, .jsonld, .nt, .rdf)")
    export.add_argument("--model", help="the model's short name (default: y4904)")
    export.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    export.set_defaults(func=cmd_export)
