#!/usr/bin/env python3
"""A stand-in for systemd's notification socket (sd_notify) in tests.

  notify_listen.py SOCKET OUT SECS

Binds a datagram socket at SOCKET (mode 0666, so a daemon that dropped
to another user can still send), and appends each message it receives to
OUT as one line: "<seconds since start> <message with newlines as |>".
Stops after SECS seconds or on SIGTERM, and removes SOCKET.
"""
import os
import signal
import socket
import sys
import time


def main():
    path, out, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    t0 = time.monotonic()
    try:
        with open(out, "a", buffering=1) as f:
            while True:
                left = secs - (time.monotonic() - t0)
                if left <= 0:
                    break
                s.settimeout(left)
                try:
                    msg = s.recv(4096)
                except socket.timeout:
                    break
                text = msg.decode("utf-8", "replace").replace("\n", "|")
                f.write("%.3f %s\n" % (time.monotonic() - t0, text))
    finally:
        s.close()
        os.unlink(path)


if __name__ == "__main__":
    main()
