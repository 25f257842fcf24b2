"""Entry point of one LibreOffice worker, run by Debian's /usr/bin/python3 (which has python3-uno).

    /usr/bin/python3 docgen/uno_worker.py PARENT_PID [unoserver arguments ...]

It runs unoserver's server, and watches the docgen process that started it: when that process is
gone (killed, crashed), the worker kills LibreOffice, removes its own directory (its HOME, which
holds the profile and TMPDIR, and the pipe sockets noted in it) and exits, so no orphaned
LibreOffice or litter is left. Only the standard library and unoserver are imported.
"""

import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path


def others_in_my_group() -> list[int]:
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


def clean_up_and_exit() -> None:
    until = time.monotonic() + 10
    while time.monotonic() < until:  # LibreOffice must be gone before its files can be removed
        others = others_in_my_group()
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
    home = Path(os.environ.get("HOME", ""))
    if home.name.startswith("docgen-lo-"):  # only the directory the pool made for this worker
        try:
            pipes = (home / "pipes").read_text().split()
        except OSError:
            pipes = []
        for pipe in pipes:
            Path(pipe).unlink(missing_ok=True)
        shutil.rmtree(home, ignore_errors=True)
    os._exit(0)


def watch(parent: int) -> None:
    while True:
        time.sleep(1)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            clean_up_and_exit()
        except PermissionError:
            pass  # alive, owned by someone else


def main() -> None:
    parent = int(sys.argv[1])
    threading.Thread(target=watch, args=(parent,), daemon=True).start()
    sys.argv = ["unoserver", *sys.argv[2:]]
    from unoserver.server import main as serve

    serve()


if __name__ == "__main__":
    main()
