#!/usr/bin/env python3
"""A burst of DHCP requests for bootd's batching test (71-dhcp-burst.sh).

Runs inside the test's client namespace and sends only to --server. While
the test holds bootd stopped (SIGSTOP), it sends every request, then
SIGCONTs --cont, so bootd reads them all in one burst, and collects the
replies (order-independent, matched by xid):

  - relayed DISCOVERs, round-robin from sockets bound to each GIADDR:67
    (giaddr set, hops 1): each OFFER must come back to its own giaddr
    socket, from SERVER:67, with the MAC's address;
  - one relayed DISCOVER whose giaddr (--bad-giaddr) the server has no
    route to, in the middle: its reply cannot leave; no reply expected;
  - REQUESTs with ciaddr (RENEWING) from 0.0.0.0:68: the ACK must come
    unicast to ciaddr:68;
  - DISCOVERs without giaddr or ciaddr: the OFFER must come broadcast to
    255.255.255.255:68 from SERVER:67.

Client i has MAC 02:00:00:00:00:ii and address 10.213.0.(100 + i).

  dhcp_burst.py --server IP --giaddrs A,B,.. --relayed N --bad-giaddr IP
                --bad-mac MAC --renew I,J --bcast K,L --cont PID [--wait S]

Prints "expected N replies M wrong W missing X" and one line per problem;
exit 0 when every expected reply came once and was right, 1 otherwise.
"""
import argparse
import os
import select
import signal
import socket
import struct
import sys
import time

IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
COOKIE = b"\x63\x82\x53\x63"


def mac_of(i):
    return bytes([2, 0, 0, 0, 0, i])


def ip_of(i):
    return "10.213.0.%d" % (100 + i)


def packet(xid, mac, mtype, giaddr="0.0.0.0", ciaddr="0.0.0.0"):
    fixed = (struct.pack("!BBBBIHH", 1, 1, 6, 1 if giaddr != "0.0.0.0" else 0,
                         xid, 0, 0) +
             socket.inet_aton(ciaddr) + b"\0" * 8 + socket.inet_aton(giaddr) +
             mac.ljust(16, b"\0") + b"\0" * 192)
    opts = bytes([53, 1, mtype, 61, 7, 1]) + mac + b"\xff"
    return (fixed + COOKIE + opts).ljust(300, b"\0")


def parse(data):
    if len(data) < 240 or data[0] != 2 or data[236:240] != COOKIE:
        return None
    xid = struct.unpack("!I", data[4:8])[0]
    yiaddr = socket.inet_ntoa(data[16:20])
    mtype, i = None, 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        if i + 1 >= len(data):
            break
        if data[i] == 53 and data[i + 1] == 1:
            mtype = data[i + 2]
        i += 2 + data[i + 1]
    return xid, mtype, yiaddr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--giaddrs", required=True)
    ap.add_argument("--relayed", type=int, required=True)
    ap.add_argument("--bad-giaddr", required=True)
    ap.add_argument("--bad-mac", required=True)
    ap.add_argument("--renew", default="")
    ap.add_argument("--bcast", default="")
    ap.add_argument("--cont", type=int, required=True)
    ap.add_argument("--wait", type=float, default=3.0)
    a = ap.parse_args()
    server = (a.server, 67)
    gias = a.giaddrs.split(",")
    rsocks = []
    for g in gias:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((g, 67))
        rsocks.append(s)
    csock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    csock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    csock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    csock.bind(("0.0.0.0", 68))

    # (socket, packet) in sending order; expected[xid] = (where, type, ip).
    sends, expected = [], {}
    xid = 0x71000000
    renew = [int(x) for x in a.renew.split(",") if x]
    bcast = [int(x) for x in a.bcast.split(",") if x]
    extra = [("renew", i) for i in renew] + [("bcast", i) for i in bcast]
    for n in range(a.relayed):
        xid += 1
        g = n % len(gias)
        sends.append((rsocks[g], packet(xid, mac_of(n), 1, giaddr=gias[g])))
        expected[xid] = ("giaddr " + gias[g], 2, ip_of(n))
        if n == a.relayed // 2:
            xid += 1
            bad = bytes(int(x, 16) for x in a.bad_mac.split(":"))
            sends.append((rsocks[0], packet(xid, bad, 1, giaddr=a.bad_giaddr)))
        if extra and n % 7 == 3:
            kind, i = extra.pop(0)
            xid += 1
            if kind == "renew":
                sends.append((csock, packet(xid, mac_of(i), 3,
                                            ciaddr=ip_of(i))))
                expected[xid] = ("unicast " + ip_of(i), 5, ip_of(i))
            else:
                sends.append((csock, packet(xid, mac_of(i), 1)))
                expected[xid] = ("broadcast 255.255.255.255", 2, ip_of(i))
    if extra:
        print("burst too short for --renew/--bcast", file=sys.stderr)
        return 2
    for s, p in sends:
        s.sendto(p, server)
    time.sleep(0.3)
    os.kill(a.cont, signal.SIGCONT)

    got, problems = {}, []
    socks = rsocks + [csock]
    end = time.monotonic() + a.wait
    while time.monotonic() < end:
        # All in: a little longer, for duplicates.
        if len(got) == len(expected) and end - time.monotonic() > 0.3:
            end = time.monotonic() + 0.3
        r, _, _ = select.select(socks, [], [], max(0, end - time.monotonic()))
        for s in r:
            if s is csock:
                data, anc, _, src = s.recvmsg(1500, 256)
                dst = "?"
                for lvl, typ, cd in anc:
                    if lvl == socket.IPPROTO_IP and typ == IP_PKTINFO:
                        dst = socket.inet_ntoa(cd[8:12])
                where = ("broadcast " if dst == "255.255.255.255"
                         else "unicast ") + dst
            else:
                data, src = s.recvfrom(1500)
                where = "giaddr " + s.getsockname()[0]
            m = parse(data)
            if m is None:
                problems.append("not a reply from %s:%d" % src)
                continue
            x, mtype, yi = m
            if x not in expected:
                problems.append("xid %08x: unexpected reply at %s" % (x, where))
                continue
            if x in got:
                problems.append("xid %08x: duplicate at %s" % (x, where))
                continue
            got[x] = (where, mtype, yi)
            if src != server:
                problems.append("xid %08x: from %s:%d, not %s:67" %
                                (x, src[0], src[1], a.server))
    wrong = 0
    for x, want in expected.items():
        if x in got and got[x] != want:
            wrong += 1
            problems.append("xid %08x: got %s, want %s" % (x, got[x], want))
    missing = [x for x in expected if x not in got]
    for x in missing:
        problems.append("xid %08x: no reply (want %s)" % (x, expected[x]))
    print("expected %d replies %d wrong %d missing %d" %
          (len(expected), len(got), wrong, len(missing)))
    for p in problems:
        print(p)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
