#!/usr/bin/env python3
"""Watches one interface (inside a test's own network namespace) and
prints, one a line as they arrive, "MS CLIENT-IP NAME" for every TFTP read
request (UDP to port 69) seen on it: what a firmware or loader asked for,
whether the server had it or not."""
import socket
import struct
import sys
import time

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((sys.argv[1], 0))
while True:
    p = s.recv(2048)
    if len(p) < 14 + 20 + 8 + 4 or p[14 + 9] != 17:
        continue
    ihl = (p[14] & 15) * 4
    sport, dport = struct.unpack("!HH", p[14 + ihl:14 + ihl + 4])
    body = p[14 + ihl + 8:]
    if dport != 69 or body[:2] != b"\x00\x01":
        continue
    name = body[2:].split(b"\x00", 1)[0].decode("ascii", "replace")
    print(int(time.time() * 1000), socket.inet_ntoa(p[14 + 12:14 + 16]),
          name, flush=True)
