"""Who may use the service: API tokens for machine clients and accounts for clerks, kept in one
SQLite file under the settings' ``data_dir``; nothing is kept in clear.

- A token reads ``dg_<id>_<secret>``. The id is public (it names the token in lists and logs);
  only the SHA-256 of the secret is stored, which suffices for 256 random bits, and the check
  compares digests in constant time. The token is shown once, when created.
- A password is stored as werkzeug's scrypt hash (a standard KDF with a random salt).

The store knows no web framework: the CLI manages it, the web face asks it who a caller is.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from .errors import DocgenError

STORE_NAME = "access.sqlite3"
TOKEN_PATTERN = re.compile(r"dg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
USER_NAME_PATTERN = re.compile(r"[\w.@-]{1,64}")
MIN_PASSWORD_LENGTH = 10
_DUMMY_DIGEST = hashlib.sha256(b"").hexdigest()


@functools.cache
def _dummy_password_hash() -> str:
    """A hash to check unknown names against, so that they take as long as known ones; made at the
    first login, not at every start of docgen (scrypt takes a noticeable part of a second)."""
    return generate_password_hash(secrets.token_urlsafe(16))


_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, digest TEXT NOT NULL,
    created REAL NOT NULL, revoked REAL
);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, created REAL NOT NULL
);
"""


class CredentialError(DocgenError):
    """A credential cannot be created or changed as asked."""

    status, code, title = 400, "credential_error", "访问凭据无法处理"


@dataclass(frozen=True)
class Token:
    id: str
    name: str
    created: float
    revoked: float | None


@dataclass(frozen=True)
class Client:
    """Who made a request: ``kind`` is ``token``, ``user`` or ``anonymous`` (the service is open)."""

    kind: str
    name: str
    key: str | None  # what owns the client's jobs; None when open

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}" if self.kind != "anonymous" else "anonymous"


ANONYMOUS = Client("anonymous", "", None)


class CredentialStore:
    """Tokens and accounts in ``<data_dir>/access.sqlite3`` (created 0600 on first write)."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / STORE_NAME

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if write and not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            if write:  # the file is only ever made here, so a reader finds the tables
                db.executescript(_SCHEMA)
            yield db

    def configured(self) -> bool:
        """Whether any live token or account exists: then every client must say who it is."""
        if not self.path.exists():
            return False
        with self._db() as db:
            return db.execute(
                "SELECT EXISTS(SELECT 1 FROM tokens WHERE revoked IS NULL) OR EXISTS(SELECT 1 FROM users)"
            ).fetchone()[0] == 1

    # --- tokens ------------------------------------------------------------------------------

    def create_token(self, name: str) -> tuple[Token, str]:
        """A new token named ``name``; the clear token is returned here and never again."""
        name = name.strip()
        if not name or len(name) > 64:
            raise CredentialError("令牌名称不能为空，且不超过 64 个字符")
        token = Token(secrets.token_hex(6), name, time.time(), None)
        secret = secrets.token_urlsafe(32)
        with self._db(write=True) as db:
            db.execute("INSERT INTO tokens (id, name, digest, created) VALUES (?, ?, ?, ?)",
                       (token.id, name, _digest(secret), token.created))
        return token, f"dg_{token.id}_{secret}"

    def tokens(self) -> list[Token]:
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute("SELECT id, name, created, revoked FROM tokens ORDER BY created").fetchall()
        return [Token(*row) for row in rows]

    def revoke_token(self, token_id_or_name: str) -> list[Token]:
        """Revoke the live token with this id, or every live token with this name."""
        live = [t for t in self.tokens() if t.revoked is None and token_id_or_name in (t.id, t.name)]
        if not live:
            raise CredentialError(f"没有编号或名称为“{token_id_or_name}”的有效令牌")
        with self._db(write=True) as db:
            db.executemany("UPDATE tokens SET revoked = ? WHERE id = ?", [(time.time(), t.id) for t in live])
        return live

    def client_for_token(self, presented: str) -> Client | None:
        """The client a presented token belongs to, or None. The secret's digest is compared in
        constant time, and an unknown id costs the same comparison."""
        match = TOKEN_PATTERN.fullmatch(presented)
        row = None
        if match and self.path.exists():
            with self._db() as db:
                row = db.execute("SELECT name, digest FROM tokens WHERE id = ? AND revoked IS NULL",
                                 (match.group(1),)).fetchone()
        digest = _digest(match.group(2)) if match else _DUMMY_DIGEST
        stored = row[1] if row else _DUMMY_DIGEST
        if hmac.compare_digest(digest, stored) and row is not None:
            return Client("token", row[0], f"token:{match.group(1)}")  # type: ignore[union-attr]
        return None

    # --- accounts ------------------------------------------------------------------------------

    def create_user(self, name: str, password: str) -> None:
        if not USER_NAME_PATTERN.fullmatch(name):
            raise CredentialError("账号名只能由文字、数字和 . _ @ - 组成，不超过 64 个字符")
        _check_password(password)
        with self._db(write=True) as db:
            try:
                db.execute("INSERT INTO users (name, password_hash, created) VALUES (?, ?, ?)",
                           (name, generate_password_hash(password), time.time()))
            except sqlite3.IntegrityError as exc:
                raise CredentialError(f"账号“{name}”已存在") from exc

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        with self._db(write=True) as db:
            if db.execute("UPDATE users SET password_hash = ? WHERE name = ?",
                          (generate_password_hash(password), name)).rowcount == 0:
                raise CredentialError(f"没有账号“{name}”")

    def delete_user(self, name: str) -> None:
        with self._db(write=True) as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise CredentialError(f"没有账号“{name}”")

    def users(self) -> list[tuple[str, float]]:
        if not self.path.exists():
            return []
        with self._db() as db:
            return [tuple(row) for row in db.execute("SELECT name, created FROM users ORDER BY name")]  # type: ignore[misc]

    def user_exists(self, name: str) -> bool:
        return any(user == name for user, _ in self.users())

    def client_for_login(self, name: str, password: str) -> Client | None:
        """The account's client when the password is right; an unknown name costs the same hash."""
        stored = None
        if self.path.exists():
            with self._db() as db:
                row = db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
                stored = row[0] if row else None
        valid = check_password_hash(stored or _dummy_password_hash(), password)
        return user_client(name) if valid and stored is not None else None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def user_client(name: str) -> Client:
    return Client("user", name, f"user:{name}")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CredentialError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符")
