"""Regression: a JSON-LD ``@context`` (or ``@import``) naming a file path or a file: URL
was read from the server's own disk: the network hook refused URLs, but rdflib opens a
path with open(), so any JSON file the server could read became a context (its terms
showed up in the result), and ``/dev/zero`` would have been read for ever. A context
named by a string is now refused before parsing (the sscmm context is inlined). Found by
the attack tests."""

import json

import pytest

from sscmm.rdfio import InputError, parse


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.jsonld"
    path.write_text(json.dumps({"@context": {"secret": "https://leak.example/SECRET#"}}))
    return path


@pytest.mark.parametrize("where", ["path", "file URL", "relative path", "/dev/zero", "import", "scoped"])
def test_a_context_on_this_machine_is_never_read(secret, where):
    reference = {"path": str(secret), "file URL": secret.as_uri(), "relative path": "../" * 12 + str(secret)[1:],
                 "/dev/zero": "/dev/zero"}.get(where, str(secret))
    context = ({"@version": 1.1, "@import": reference} if where == "import" else
               {"k": {"@id": "https://a.example/k", "@context": reference}} if where == "scoped" else reference)
    document = {"@context": context, "@id": "https://a.example/x", "secret": "v", "k": {"secret": "w"}}
    with pytest.raises(InputError) as caught:
        parse(json.dumps(document).encode(), "json-ld")
    assert "is not read" in caught.value.message


def test_inline_and_sscmm_contexts_are_still_read():
    document = {"@context": [{"name": "http://xmlns.com/foaf/0.1/name"}, "https://w3id.org/sscmm/context.jsonld"],
                "@id": "https://a.example/x", "name": "X"}
    assert len(parse(json.dumps(document).encode(), "json-ld")) == 1
