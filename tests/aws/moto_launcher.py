"""Run a moto server with the WorkSpaces extension on 127.0.0.1; prints `PORT <n>` when ready.

Usage: python tests/aws/moto_launcher.py [PORT]   (0 or nothing: a free port). Stops on
SIGTERM/SIGINT or when its stdin closes (so it never outlives the test session).
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository

from moto.server import ThreadedMotoServer

from tests.aws import moto_workspaces


def main() -> None:
    moto_workspaces.install()
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print(f"PORT {server.get_host_and_port()[1]}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    server.stop()


if __name__ == "__main__":
    main()
