"""Entry point of one LibreOffice worker, run by Debian's /usr/bin/python3 (which has python3-uno).

    /usr/bin/python3 docgen/uno_worker.py PARENT_PID [unoserver arguments ...]

It runs unoserver's server, and watches the docgen process that started it: when that process is
gone (killed, crashed), the worker kills its own process group — unoserver and LibreOffice — so
no orphaned LibreOffice is left running. Only the standard library and unoserver are imported.
"""

import os
import signal
import sys
import threading
import time


def watch(parent: int) -> None:
    while True:
        time.sleep(1)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os.killpg(0, signal.SIGKILL)
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
