"""Shared fixtures and helpers: the samples, their rendered documents, a kind's rule checks, the
Flask app with its API actions, the LibreOffice pool."""

from __future__ import annotations

import copy
import io
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest

import docgen
from docgen.converter import ConverterPool, PoolSettings
from docgen.credentials import CredentialStore
from docgen.profile import Profile, load_profile
from docgen.settings import load_settings
from docgen.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def sample_profile(case_path: Path) -> Profile:
    """A sample may carry its locality profile beside it (same name, .toml)."""
    config = case_path.with_suffix(".toml")
    return load_profile(config if config.exists() else None)


def valid_samples(kind: str) -> list[Path]:
    return sorted((SAMPLES / kind).glob("*.json"))


def invalid_samples(kind: str) -> list[tuple[Path, list[str]]]:
    folder = SAMPLES / kind / "invalid"
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    return [(folder / name, codes) for name, codes in sorted(expected.items())]


def invalid_params(kind: str, keep=lambda path: True) -> list:
    """The invalid samples with their expected codes, as parameters named after the file."""
    return [pytest.param(path, codes, id=path.stem) for path, codes in invalid_samples(kind) if keep(path)]


def wait_until(condition, within: float = 60, every: float = 0.05):
    """Poll ``condition`` until it returns something true, and return that; fail the test after
    ``within`` seconds."""
    until = time.monotonic() + within
    while time.monotonic() < until:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("the condition did not come true in time")


def load_case(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


class KindCases:
    """A kind's rule tests around one base case: variants of it, and what the checks say."""

    def __init__(self, kind: str, base: dict):
        self.kind, self.base = kind, base

    def case(self, **changes: Any) -> dict:
        """A deep copy of the base case with top-level fields changed."""
        data = copy.deepcopy(self.base)
        data.update(changes)
        return data

    def findings(self, data: Any, profile: Profile | None = None) -> list:
        return docgen.check(self.kind, data, profile or load_profile()).findings

    def codes(self, data: Any, profile: Profile | None = None) -> list[str]:
        return sorted(f.code for f in self.findings(data, profile))

    def only(self, data: Any, profile: Profile | None = None):
        """The one finding the checks give (and that there is exactly one)."""
        found = self.findings(data, profile)
        assert len(found) == 1, found
        return found[0]

    def model(self, data: Any):
        """The parsed case (the schema only)."""
        return docgen.get_kind(self.kind).parse(data)


def render_sample(kind: str, path: Path) -> bytes:
    return docgen.render(kind, load_case(path), sample_profile(path)).content


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="session")
def reply_letters() -> dict[str, bytes]:
    """Every valid reply-letter sample rendered once, by file stem."""
    return {p.stem: render_sample("reply-letter", p) for p in valid_samples("reply-letter")}


@pytest.fixture(scope="session", autouse=True)
def job_data_dir(tmp_path_factory) -> Path:
    """Batch jobs of the test session's apps and servers go to a temporary store, not the user's
    (this one for the apps of module- and session-wide fixtures)."""
    folder = tmp_path_factory.mktemp("docgen-data")
    previous = os.environ.get("DOCGEN_DATA_DIR")
    os.environ["DOCGEN_DATA_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("DOCGEN_DATA_DIR", None)
    else:
        os.environ["DOCGEN_DATA_DIR"] = previous


@pytest.fixture(autouse=True)
def job_store_of_the_test(tmp_path_factory, monkeypatch) -> None:
    """Each test's apps get a job store of their own, so that no app's job runner takes up a job
    submitted through another test's app (with another converter)."""
    monkeypatch.setenv("DOCGEN_DATA_DIR", str(tmp_path_factory.mktemp("jobs")))


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


class ApiActions:
    """What API tests do with a test client (as Flask's tutorial offers ``auth``)."""

    def __init__(self, client):
        self.client = client

    def post_json(self, url: str, body: Any):
        return self.client.post(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), content_type="application/json")

    def for_sample(self, path: Path) -> ApiActions:
        """The same actions on an app that uses the sample's locality profile (its .toml sidecar, if any)."""
        return ApiActions(create_app({"TESTING": True, "PROFILE": sample_profile(path)}).test_client())


@dataclass
class Secured:
    """An app with access control on: two machine clients' tokens and a clerk's account."""

    app: Any
    store: CredentialStore
    token: str  # named OA系统
    other_token: str  # named 档案系统
    user: str = "zhangsan"
    password: str = "correct horse battery"

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def credentials(tmp_path) -> CredentialStore:
    """An empty credential store in a fresh data directory."""
    return CredentialStore(tmp_path / "data")


def secured_app(store: CredentialStore, **settings: Any) -> Secured:
    _, token = store.create_token("OA系统")
    _, other = store.create_token("档案系统")
    store.create_user(Secured.user, Secured.password)
    app = create_app({"TESTING": True, "SETTINGS": load_settings(data_dir=store.path.parent, **settings)})
    return Secured(app, store, token, other)


def free_port() -> int:
    """A loopback port free at this moment."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_processes(server: int) -> list[int]:
    """The web processes of the `docgen serve` whose pid is ``server``: gunicorn's workers, the
    master's children that run `serve` (from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if parent == server and b"serve" in cmdline:
            children.append(int(stat.parent.name))
    return sorted(children)


@contextmanager
def served(app, threads: int = 4) -> Iterator[str]:
    """The app served by waitress on a free loopback port in a thread (a light server for the
    tests that need a real socket in this process); yields its base URL."""
    from waitress import create_server

    port = free_port()
    channels: dict[int, object] = {}  # the server's own socket map, which its loop below polls
    httpd = create_server(app, map=channels, host="127.0.0.1", port=port, threads=threads)
    stopping = threading.Event()

    def run() -> None:  # waitress's own run() has no stop: closing under its poll fails it (EBADF)
        while not stopping.is_set():
            httpd.asyncore.loop(timeout=0.05, map=channels, count=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stopping.set()
        thread.join(5)
        httpd.close()
        httpd.task_dispatcher.shutdown(timeout=5)


@pytest.fixture
def secured(credentials) -> Secured:
    return secured_app(credentials)


@pytest.fixture
def api(client) -> ApiActions:
    return ApiActions(client)


@pytest.fixture(scope="session")
def pool():
    """A warm LibreOffice pool shared by the PDF tests (the product's own converter)."""
    with ConverterPool(PoolSettings(workers=2, timeout=60)) as started:
        yield started


def render_pdf_sample(kind: str, path: Path, pool: ConverterPool) -> bytes:
    return docgen.render(kind, load_case(path), sample_profile(path), fmt="pdf", converter=pool).content


@pytest.fixture(scope="session")
def reply_letter_pdfs(pool, tmp_path_factory) -> dict[str, Path]:
    """Every valid reply-letter sample rendered to PDF through the pool, by file stem."""
    work = tmp_path_factory.mktemp("pdf")
    out = {}
    for sample in valid_samples("reply-letter"):
        out[sample.stem] = work / f"{sample.stem}.pdf"
        out[sample.stem].write_bytes(render_pdf_sample("reply-letter", sample, pool))
    return out
