#!/usr/bin/env python3
"""Slow HTTP clients against a server on loopback: COUNT connections from
the given source addresses, each sending one byte of a request that never
ends every INTERVAL seconds, for DURATION seconds in all. A connection the
server closes is opened again after RECONNECT seconds (0: never). Every
second the number of connections held open for a second or more goes to
STATUS; at the end a summary goes to stdout as key=value lines:
  connected   connections that completed the TCP handshake
  deadline    closed by the server without a reply (EOF or reset)
  refused     closed by the server after a 503
  other       closed after some other reply
  max_hold    longest seconds a connection stayed open before the server
              closed it without a reply, or until the end when it did not
  open_end    still open at the end
Usage: http_trickle.py PORT SOURCES COUNT INTERVAL DURATION RECONNECT STATUS
(SOURCES: comma-separated loopback addresses)."""
import errno
import os
import resource
import select
import socket
import sys
import time

PORT = int(sys.argv[1])
SOURCES = sys.argv[2].split(",")
COUNT = int(sys.argv[3])
INTERVAL = float(sys.argv[4])
DURATION = float(sys.argv[5])
RECONNECT = float(sys.argv[6])
STATUS = sys.argv[7]

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: trickle\r\nX-Trickle: " + \
    b"a" * 100000

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < COUNT + 64:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, COUNT + 64), hard))


class Slot:
    def __init__(self, i):
        self.src = SOURCES[i % len(SOURCES)]
        self.sock = None
        self.state = "idle"     # idle, connecting, open
        self.t_open = 0.0       # handshake done
        self.t_next = 0.0       # next byte, or the reconnect
        self.sent = 0
        self.reply = b""


stats = {"connected": 0, "deadline": 0, "refused": 0, "other": 0,
         "max_hold": 0.0, "open_end": 0, "connect_errors": 0}
slots = [Slot(i) for i in range(COUNT)]
byfd = {}
poll = select.poll()
start = time.monotonic()
end = start + DURATION


def close(s, now, kind):
    if kind is not None:
        stats[kind] += 1
        if kind == "deadline":
            stats["max_hold"] = max(stats["max_hold"], now - s.t_open)
    fd = s.sock.fileno()
    poll.unregister(fd)
    del byfd[fd]
    s.sock.close()
    s.sock = None
    s.state = "idle"
    s.t_next = now + RECONNECT if RECONNECT > 0 else end + 1


def connect(s, now):
    s.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.sock.setblocking(False)
    try:
        s.sock.bind((s.src, 0))
    except OSError:
        stats["connect_errors"] += 1
        s.sock.close()
        s.sock = None
        s.t_next = now + 1
        return
    s.sock.connect_ex(("127.0.0.1", PORT))
    s.state = "connecting"
    s.sent = 0
    s.reply = b""
    byfd[s.sock.fileno()] = s
    poll.register(s.sock.fileno(), select.POLLOUT)


def event(s, ev, now):
    if s.state == "connecting":
        err = s.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err != 0:
            stats["connect_errors"] += 1
            close(s, now, None)
            return
        stats["connected"] += 1
        s.state = "open"
        s.t_open = now
        s.t_next = now
        poll.modify(s.sock.fileno(), select.POLLIN)
        return
    try:
        data = s.sock.recv(4096)
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EINTR):
            return
        data = b""
    if data:
        s.reply += data[:64]
        return
    if s.reply.startswith(b"HTTP/1.1 503"):
        close(s, now, "refused")
    elif s.reply:
        close(s, now, "other")
    else:
        close(s, now, "deadline")


last_status = 0.0
while True:
    now = time.monotonic()
    if now >= end:
        break
    for s in slots:
        if s.state == "idle" and now >= s.t_next:
            connect(s, now)
        elif s.state == "open" and now >= s.t_next:
            try:
                s.sock.send(REQUEST[s.sent:s.sent + 1])
                s.sent += 1
            except OSError:
                pass        # the reset shows up as POLLIN/POLLERR
            s.t_next = now + INTERVAL
    for fd, ev in poll.poll(100):
        if fd in byfd:
            event(byfd[fd], ev, time.monotonic())
    if now - last_status >= 1.0:
        last_status = now
        n = sum(1 for s in slots if s.state == "open" and
                now - s.t_open >= 1.0)
        with open(STATUS + ".tmp", "w") as f:
            f.write("%d\n" % n)
        os.replace(STATUS + ".tmp", STATUS)

now = time.monotonic()
for s in slots:
    if s.state == "open":
        stats["open_end"] += 1
        stats["max_hold"] = max(stats["max_hold"], now - s.t_open)
    if s.sock is not None:
        s.sock.close()
for k, v in stats.items():
    print("%s=%s" % (k, ("%.1f" % v) if isinstance(v, float) else v))
