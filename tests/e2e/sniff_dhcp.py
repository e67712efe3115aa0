#!/usr/bin/env python3
"""Watches one interface (inside a test's own network namespace) and, when
terminated, prints "FIRST_DHCP LAST_TFTP FIRST_RRQ" in epoch ms: the first
DHCP request (UDP to port 67), the last other UDP datagram sent from
CLIENT_IP (the client's TFTP ACKs: its last one ends the last transfer)
and its first TFTP request (UDP to port 69)."""
import signal
import socket
import struct
import sys
import time

dev, client = sys.argv[1], socket.inet_aton(sys.argv[2])
first = last = rrq = 0


def done(*_):
    print(first, last, rrq, flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, done)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((dev, 0))
while True:
    p = s.recv(2048)
    t = int(time.time() * 1000)
    if len(p) < 14 + 20 + 8 or p[14 + 9] != 17:
        continue
    ihl = (p[14] & 15) * 4
    sport, dport = struct.unpack("!HH", p[14 + ihl:14 + ihl + 4])
    if dport == 67:
        first = first or t
    elif p[14 + 12:14 + 16] == client and sport != 68:
        last = t
        if dport == 69:
            rrq = rrq or t
