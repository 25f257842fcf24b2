"""One LibreOffice worker, run by Debian's /usr/bin/python3 (the only interpreter with python3-uno).

    /usr/bin/python3 docgen/uno_worker.py PARENT_PID HOME OFFICE --conversion-timeout SECONDS

It starts LibreOffice (``OFFICE``, the ``soffice`` launcher) with its profile in ``HOME`` and a UNO
*pipe* acceptor, connects to it, and then answers requests on the Unix socket ``HOME/worker.sock``:
one JSON line each, ``{"op": "ping"}`` or ``{"op": "convert", "in": PATH, "out": PATH}`` (files
inside ``HOME``; an optional ``"timeout": SECONDS`` replaces ``--conversion-timeout`` for that one
conversion: the pool's warm-up is bounded by its start timeout instead), answered by
``{"ok": true}`` with, for a ping, ``"frames"`` (how many frames LibreOffice holds open: none
between conversions) and ``"conversions"`` (how many documents this LibreOffice has converted,
the pool's warm-up included) and, for a conversion, ``"ms"`` (the milliseconds of LibreOffice's
load, store and close), or by ``{"ok": false, "error": TEXT}``.

Nothing listens on a network port. The umask is 077 before anything is created, so ``HOME`` (made
0700 by the pool), the request socket and LibreOffice's own pipe sockets (``/tmp/OSL_PIPE_<uid>_*``,
created with the umask's permissions) can be reached by this user only.

The conversion is the one Carbone's converter does, less what a docgen document never needs: the
.docx is loaded from a private file URL with the Word 2007 import filter named (no type detection),
hidden and read-only, into a hidden frame that has no layout manager (so no menu bar, toolbars or
status bar are built for it), and stored to a file URL with the Writer PDF export filter named.

A conversion still running a second after ``--conversion-timeout`` seconds ends the worker with
its LibreOffice: a backstop, since the pool stops waiting at the timeout itself and replaces the
worker (the second lets the pool's own decision come first).

It watches the docgen process that started it: when that process is gone (killed, crashed), the
worker kills LibreOffice, removes ``HOME`` (profile, TMPDIR, and the pipe sockets noted in it) and
exits. When LibreOffice dies, the worker exits too, so the pool sees a dead worker at once.
Only the standard library and the UNO bridge are imported.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import uno
from com.sun.star.beans import NamedValue, PropertyValue
from com.sun.star.connection import NoConnectException

SOCKET_NAME = "worker.sock"
IMPORT_FILTER = "MS Word 2007 XML"
EXPORT_FILTER = "writer_pdf_Export"
WATCHDOG_GRACE = 1.0  # seconds past the conversion timeout before the worker ends itself
CONNECT_SECONDS = 120  # the pool's start timeout ends the worker earlier when it is shorter


def others_in_my_group() -> list:
    group, me = os.getpgrp(), os.getpid()
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[2] == str(group) and int(stat.parent.name) != me and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def kill_office() -> None:
    until = time.monotonic() + 10
    while time.monotonic() < until:  # LibreOffice must be gone before its files can be removed
        others = others_in_my_group()
        if not others:
            return
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)


LEAVING = threading.Lock()  # held by whoever ends the worker, so that only one does


def exit_with_office(code: int) -> None:
    """Kill LibreOffice and exit; the pool removes ``HOME`` (the parent lives)."""
    if LEAVING.acquire(blocking=False):
        kill_office()
        os._exit(code)


def clean_up_and_exit(home: Path) -> None:
    if not LEAVING.acquire(blocking=False):
        return  # already leaving
    kill_office()
    if home.name.startswith("docgen-lo-"):  # only the directory the pool made for this worker
        try:
            pipes = (home / "pipes").read_text().split()
        except OSError:
            pipes = []
        for pipe in pipes:
            Path(pipe).unlink(missing_ok=True)
        shutil.rmtree(home, ignore_errors=True)
    os._exit(0)


def watch_parent(parent: int, home: Path) -> None:
    while True:
        time.sleep(1)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            clean_up_and_exit(home)
        except PermissionError:
            pass  # alive, owned by someone else


def watch_office(office: subprocess.Popen) -> None:
    office.wait()
    exit_with_office(1)


def props(**values) -> tuple:
    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


class Office:
    """The LibreOffice at the other end of the pipe: its component context and its desktop."""

    def __init__(self, context):
        self.context = context
        self.desktop = self.create("com.sun.star.frame.Desktop")
        self.conversions = 0  # documents converted (requests are answered one at a time)

    def create(self, service: str):
        return self.context.ServiceManager.createInstanceWithContext(service, self.context)

    def bare_frame(self):
        """A hidden frame of the desktop without a layout manager: a document loaded into it gets
        its view, but no menu bar, toolbars or status bar, which LibreOffice would otherwise build
        from their UI configuration for every document."""
        frame = self.create("com.sun.star.frame.TaskCreator").createInstanceWithArguments((
            NamedValue("ParentFrame", self.desktop),
            NamedValue("MakeVisible", False),
            NamedValue("SupportPersistentWindowState", False),
        ))
        frame.setPropertyValue("LayoutManager", None)
        return frame


def connect(pipe: str, office: subprocess.Popen) -> Office:
    """The LibreOffice listening on ``pipe``, once it answers."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    until = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            return Office(resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"))
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > until:
                raise
            time.sleep(0.05)


def convert(office: Office, source: str, target: str, timeout: float, marks: bool = False) -> dict:
    watchdog = threading.Timer(timeout + WATCHDOG_GRACE, exit_with_office, args=(2,))
    watchdog.start()
    try:
        return store_pdf(office, source, target, marks)
    finally:
        watchdog.cancel()


def store_pdf(office: Office, source: str, target: str, marks: bool = False) -> dict:
    """Convert, and say how many milliseconds each of LibreOffice's steps took: ``load`` (a bare
    frame, the DOCX import and the layout), ``store`` (the PDF export, fonts subset and
    embedded), ``close`` (the document with its frame). ``marks``: the document's bookmarks also
    become named destinations of the PDF."""
    began = time.perf_counter()
    frame = office.bare_frame()
    try:
        document = frame.loadComponentFromURL(
            uno.systemPathToFileUrl(source), "_self", 0,
            props(Hidden=True, ReadOnly=True, FilterName=IMPORT_FILTER),
        )
        if document is None:
            raise RuntimeError("LibreOffice could not load the document")
    except BaseException:
        with contextlib.suppress(Exception):  # the load's own error is the one to report
            frame.close(True)
        raise
    loaded = time.perf_counter()
    try:
        options = props(FilterName=EXPORT_FILTER, Overwrite=True)
        if marks:
            options += props(FilterData=uno.Any("[]com.sun.star.beans.PropertyValue",
                                                props(ExportBookmarksToPDFDestination=True)))
        document.storeToURL(uno.systemPathToFileUrl(target), options)
        stored = time.perf_counter()
    finally:
        document.close(True)
    closed = time.perf_counter()
    return {"load": (loaded - began) * 1000, "store": (stored - loaded) * 1000, "close": (closed - stored) * 1000}


def answer(office: Office, request: dict, timeout: float) -> dict:
    if request.get("op") == "ping":  # a round trip through LibreOffice: it answers
        return {"ok": True, "frames": office.desktop.getFrames().getCount(), "conversions": office.conversions}
    if request.get("op") == "convert":
        steps = convert(office, request["in"], request["out"], float(request.get("timeout", timeout)),
                        bool(request.get("marks")))
        office.conversions += 1
        return {"ok": True, "ms": steps}
    return {"ok": False, "error": f"unknown request {request!r}"}


def serve(office: Office, listener: socket.socket, timeout: float) -> None:
    while True:
        connection, _ = listener.accept()
        with connection, connection.makefile("rwb") as stream:
            for line in stream:
                try:
                    reply = answer(office, json.loads(line), timeout)
                except Exception as exc:  # a UNO exception: the document's fault or a dying office
                    reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                stream.write(json.dumps(reply).encode() + b"\n")
                stream.flush()


def main() -> None:
    parent, home, office_binary = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    timeout = float(sys.argv[sys.argv.index("--conversion-timeout") + 1])
    os.umask(0o077)
    threading.Thread(target=watch_parent, args=(parent, home), daemon=True).start()
    pipe = f"docgen-{os.getpid()}-{home.name}"
    office = subprocess.Popen(
        [office_binary, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
         "--nofirststartwizard", "--norestore", "--nolockcheck",
         f"-env:UserInstallation={(home / 'profile').as_uri()}", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        remote = connect(pipe, office)
        threading.Thread(target=watch_office, args=(office,), daemon=True).start()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(home / SOCKET_NAME))
        listener.listen(4)
        serve(remote, listener, timeout)
    finally:  # however this ends (LibreOffice never answered, a bind failed …), it takes LibreOffice along
        exit_with_office(1)
        threading.Event().wait()  # another thread is already leaving: it ends the process


if __name__ == "__main__":
    main()
