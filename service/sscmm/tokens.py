"""Tokens: a city's lets its holder publish assessments for that city; an admin token
(``sscmm token create --admin``) lets its holder reassess every published city
(``POST /reassess``) and publishes for no city.

A token is shown once, when it is created; the data directory keeps only its SHA-256
(``tokens.json``), so a copy of the directory cannot be used to publish. The server reads
the file on each check, so ``sscmm token revoke`` takes effect without a restart.
"""

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from datetime import datetime, timezone
from pathlib import Path

TOKENS_FILE = "tokens.json"
#: Marks a string as an sscmm token (for secret scanners), and keeps a token from starting
#: with "-", which a command line would read as an option.
TOKEN_PREFIX = "sscmm_"
PUBLISH, ADMIN = "publish", "admin"
SCOPES = (PUBLISH, ADMIN)


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now():
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class TokenStore:
    """The tokens of one data directory."""

    def __init__(self, data_dir):
        self.path = Path(data_dir) / TOKENS_FILE

    def _entries(self):
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))["tokens"]
        except FileNotFoundError:
            return []

    def _write(self, entries):
        """Write atomically (a reader never sees half a file), readable by the owner only."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"tokens": entries}, f, indent=2)
        os.replace(tmp, self.path)

    def create(self, city=None, scope=PUBLISH):
        """A new token for ``city`` (an IRI; None for an admin token); returns (token, id).
        Only the hash is kept."""
        if scope not in SCOPES or (scope == PUBLISH) != (city is not None):
            raise ValueError("a token publishes for one city, or has the admin scope and no city")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        digest = _digest(token)
        entries = self._entries()
        entries.append({"id": digest[:12], "sha256": digest, "city": city, "scope": scope, "created": _now(),
                        "revoked": None})
        self._write(entries)
        return token, digest[:12]

    def revoke(self, token_or_id):
        """Revoke by the token itself or by its id; False when no live token matches."""
        digest = _digest(token_or_id)
        entries = self._entries()
        found = False
        for entry in entries:
            if entry["revoked"] is None and (hmac.compare_digest(entry["sha256"], digest) or entry["id"] == token_or_id):
                entry["revoked"] = _now()
                found = True
        if found:
            self._write(entries)
        return found

    def list(self):
        return [{"scope": e.get("scope", PUBLISH), **{k: e[k] for k in ("id", "city", "created", "revoked")}}
                for e in self._entries()]

    def _live(self, token):
        """The live entry of a token, or None."""
        digest = _digest(token)
        found = None
        for entry in self._entries():  # no early exit: the time taken does not depend on where a match is
            if hmac.compare_digest(entry["sha256"], digest) and entry["revoked"] is None:
                found = entry
        return found

    def city_for(self, token):
        """The city IRI a live token publishes for, or None (an admin token publishes for none)."""
        entry = self._live(token)
        return entry["city"] if entry is not None and entry.get("scope", PUBLISH) == PUBLISH else None

    def is_admin(self, token):
        """Whether a live token has the admin scope."""
        entry = self._live(token)
        return entry is not None and entry.get("scope") == ADMIN
