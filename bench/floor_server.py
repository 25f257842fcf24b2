"""The peer of the HTTP benchmarks: the floor of the HTTP stack. The server ``docgen serve`` runs
(gunicorn with docgen's own options), with the same settings, serving an app that does no work:
it reads the request body and answers every POST with the same bytes docgen would send (a GET,
such as /healthz, gets ``{}``).

    python bench/floor_server.py BODY_FILE MEDIA_TYPE [--host H] [--port P] [--processes N] [other serve settings]

What docgen adds to this floor is its own work: routing, checking the case, rendering, the
request log and the metrics.
"""

from __future__ import annotations

import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.server import gunicorn_options  # noqa: E402
from docgen.settings import load_settings  # noqa: E402


def app_answering(body: bytes, media_type: str) -> Any:
    headers = [("Content-Type", media_type), ("Content-Length", str(len(body))),
               ("Content-Disposition", "attachment; filename*=UTF-8''%E7%AD%94%E5%A4%8D%E5%87%BD.docx")]

    def app(environ: dict, start_response: Any) -> list[bytes]:
        if environ["REQUEST_METHOD"] != "POST":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
            return [b"{}"]
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", headers)
        return [body]

    return app


def main() -> None:
    body_file, media_type, *flags = sys.argv[1:]
    options = dict(zip([f.lstrip("-").replace("-", "_") for f in flags[::2]], flags[1::2]))
    settings = load_settings(**options)
    app = app_answering(Path(body_file).read_bytes(), media_type)
    listener = socket.create_server((settings.host, settings.port), backlog=1024)

    class Floor(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in gunicorn_options(settings, listener.detach(), Path(tempfile.mkdtemp())).items():
                self.cfg.set(name, value)
            self.cfg.set("worker_class", "gthread")  # docgen's own stops its job runner on SIGTERM

        def load(self) -> Any:
            return app

    Floor().run()


if __name__ == "__main__":
    main()
