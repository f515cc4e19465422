"""A stand-in for one browser tab's app process, speaking textual-serve's protocol, for shutdown tests.

    python tests/support/serve_fake_app.py MODE LOG

Writes the start marker and one screen packet, then reads packets from stdin. On the server's ``quit`` message:
MODE ``slow-save`` takes a second to "finish a save" (appends ``saved`` to LOG) and exits 0; MODE ``ignore-quit``
ignores it and only ends on SIGTERM (appends ``sigterm``); MODE ``stuck`` ignores the quit and SIGTERM alike (an
app frozen or drowning in queued keys: only SIGKILL ends it); MODE ``deaf`` reads no input at all and ignores
SIGTERM (its input pipe fills up). Every step is appended to LOG; the browser's address the server passed
(``IKMTUI_REMOTE_ADDR``) is appended to LOG.env, one line per process.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time


def main() -> int:
    mode, log_path = sys.argv[1], sys.argv[2]

    def log(line: str) -> None:
        with open(log_path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def on_term(signum: int, frame: object) -> None:
        log("sigterm")
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, signal.SIG_IGN if mode in ("stuck", "deaf") else on_term)
    with open(log_path + ".env", "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()} {os.environ.get('IKMTUI_REMOTE_ADDR', '-')}\n")
    out = sys.stdout.buffer
    out.write(b"__GANGLION__\n")
    screen = b"fake app screen"
    out.write(b"D" + len(screen).to_bytes(4, "big") + screen)
    out.flush()
    log(f"started {os.getpid()}")
    if mode == "deaf":
        while True:
            time.sleep(60)
    stdin = sys.stdin.buffer
    while True:
        head = stdin.read(5)
        if len(head) < 5:
            log("eof")
            return 0
        body = stdin.read(int.from_bytes(head[1:], "big"))
        if head[:1] != b"M" or json.loads(body).get("type") != "quit":
            continue
        log("quit")
        if mode in ("ignore-quit", "stuck"):
            continue
        time.sleep(1.0)
        log("saved")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
