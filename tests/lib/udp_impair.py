#!/usr/bin/env python3
"""A lossy TFTP relay: drops, duplicates and reorders datagrams both ways.

This kernel has no sch_netem, so the network impairment that `tc netem`
would add is done here, in user space, between a real client and bootd:

    client --> LISTEN (this relay) --> SERVER:PORT (bootd)

The relay follows TFTP's TIDs: replies come to the client from one stable
relay port, and the client's ACKs go to the server's transfer port.
Usage: udp_impair.py LISTEN_IP LISTEN_PORT SERVER_IP SERVER_PORT
           [--loss P] [--dup P] [--reorder P] [--seed N] [--max-seconds S]
Exits when the transfer has been idle for 30 s or after --max-seconds.
"""
import argparse
import random
import select
import socket
import time

ap = argparse.ArgumentParser()
ap.add_argument("listen_ip")
ap.add_argument("listen_port", type=int)
ap.add_argument("server_ip")
ap.add_argument("server_port", type=int)
ap.add_argument("--loss", type=float, default=0.05)
ap.add_argument("--dup", type=float, default=0.01)
ap.add_argument("--reorder", type=float, default=0.05)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--max-seconds", type=float, default=120)
a = ap.parse_args()
rnd = random.Random(a.seed)

lsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
lsock.bind((a.listen_ip, a.listen_port))
up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)     # to the server
up.bind((a.listen_ip, 0))
down = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # to the client
down.bind((a.listen_ip, 0))
for s in (up, down):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)

client = None           # the client's address
server_tid = None       # bootd's transfer address
held = {}               # direction -> (sock, data, dest) held back to reorder
stats = {"fwd": 0, "lost": 0, "dup": 0, "reordered": 0}


def send(direction, sock, data, dest):
    """Forwards one datagram with loss, duplication and reordering."""
    if rnd.random() < a.loss:
        stats["lost"] += 1
        return
    copies = 2 if rnd.random() < a.dup else 1
    stats["dup"] += copies - 1
    if direction not in held and rnd.random() < a.reorder:
        held[direction] = (sock, data, dest)   # goes out after the next one
        stats["reordered"] += 1
        return
    for _ in range(copies):
        sock.sendto(data, dest)
    stats["fwd"] += 1
    if direction in held:
        hs, hd, hdest = held.pop(direction)
        hs.sendto(hd, hdest)


def flush():
    for d in list(held):
        hs, hd, hdest = held.pop(d)
        hs.sendto(hd, hdest)


start = last = time.monotonic()
while time.monotonic() - start < a.max_seconds:
    r, _, _ = select.select([lsock, up, down], [], [], 0.02)
    if not r:
        flush()      # nothing else coming now: release what was held
        if client and time.monotonic() - last > 30:
            break
        continue
    last = time.monotonic()
    for s in r:
        data, src = s.recvfrom(70000)
        if s is lsock:                       # the client's request
            client = src
            send("up", up, data, (a.server_ip, a.server_port))
        elif s is up:                        # from bootd's transfer port
            server_tid = src
            if client:
                send("down", down, data, client)
        elif s is down and src == client and server_tid:
            send("up", up, data, server_tid)
print("relay:", stats)
