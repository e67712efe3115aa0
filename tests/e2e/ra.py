#!/usr/bin/env python3
"""Sends a minimal IPv6 router advertisement (router lifetime 0, no
prefixes, no flags) to ff02::1 on one interface every half second, so that
iPXE stops waiting for IPv6 autoconfiguration. Runs until killed; only
inside the test's own network namespace."""
import socket
import struct
import sys
import time

dev = sys.argv[1]
# type 134, code 0, checksum (the kernel fills it in), hop limit 64,
# flags 0, router lifetime 0, reachable time 0, retrans timer 0.
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, 0, 0)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
idx = socket.if_nametoindex(dev)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
sent = 0
while True:
    try:
        s.sendto(ra, ("ff02::1", 0, 0, idx))
        sent += 1
    except OSError:
        pass		# no link-local address yet
    time.sleep(0.5)
