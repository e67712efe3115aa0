#!/usr/bin/env python3
# loopprobe: how long bootd's event loop keeps a client waiting. Sends
# GET /healthz on one keep-alive connection every 10 ms (or as soon as the
# previous reply is in, when that took longer) for SECS seconds and prints
# "p50 p99 max n" of the reply latency in milliseconds. A reply waits for
# whatever callback holds the loop, so max is the longest stall seen.
#   bench/loopprobe.py PORT SECS [EVERY_MS]
import socket
import sys
import time


def read_reply(s, buf):
    """Reads one HTTP reply (Content-Length body); returns leftover bytes."""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            raise EOFError("closed")
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v.strip())
    while len(rest) < n:
        d = s.recv(65536)
        if not d:
            raise EOFError("closed")
        rest += d
    return rest[n:]


def main():
    port, secs = int(sys.argv[1]), float(sys.argv[2])
    every = (float(sys.argv[3]) if len(sys.argv) > 3 else 10.0) / 1000.0
    req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    lat, buf = [], b""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        t0 = time.monotonic()
        s.sendall(req)
        buf = read_reply(s, buf)
        lat.append((time.monotonic() - t0) * 1000.0)
        pause = t0 + every - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    s.close()
    lat.sort()
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print("%.1f %.1f %.1f %d" % (pick(0.5), pick(0.99), lat[-1], len(lat)))


if __name__ == "__main__":
    main()
