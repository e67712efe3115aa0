#!/usr/bin/env python3
"""Crafted DHCP packets for bootd's integration test (70-dhcp.sh).

Runs inside the test's client namespace; sends only to the limited
broadcast address on the device given with --dev (a veth the test made).

  dhcp_raw.py ask --dev D --mac M [--type T] [--arch N] [--user-class S]
                  [--vendor S] [--ciaddr IP] [--req-ip IP] [--server-id IP]
                  [--giaddr IP] [--tries N] [--wait SECS]
      one request; prints the reply as key=value lines (type, yiaddr,
      siaddr, ciaddr, file, src, dst, opt<N>...); exit 3 when no reply.
  dhcp_raw.py malformed --dev D
      sends each malformed packet kind once; prints "sent N" where N is the
      number that a server must count as malformed.
  dhcp_raw.py noise --dev D --count N
      N packets with a bad magic cookie, as fast as possible (log limiter).
  dhcp_raw.py flood --dev D --count N --secs S --rate R
      up to N DISCOVERs from random unknown MACs (02:13:xx:xx:xx:xx), at
      about R per second, for at most S seconds; prints "sent N in T s".
"""
import argparse
import os
import random
import socket
import struct
import sys
import time

COOKIE = b"\x63\x82\x53\x63"
TYPES = {"discover": 1, "request": 3, "decline": 4, "release": 7,
         "inform": 8}
NAMES = {2: "OFFER", 5: "ACK", 6: "NAK"}
SERVER_PORT = 67
CLIENT_PORT = 68
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.replace("-", ":").split(":"))


def ip_bytes(ip):
    return socket.inet_aton(ip) if ip else b"\0\0\0\0"


def opt(code, body):
    return bytes([code, len(body)]) + body


def fixed(xid, chaddr, ciaddr=None, giaddr=None, flags=0, hlen=6, op=1,
          file=b"", sname=b""):
    return (struct.pack("!BBBBIHH", op, 1, hlen, 0, xid, 0, flags) +
            ip_bytes(ciaddr) + b"\0" * 4 + b"\0" * 4 + ip_bytes(giaddr) +
            chaddr.ljust(16, b"\0") + sname.ljust(64, b"\0")[:64] +
            file.ljust(128, b"\0")[:128])


def request(a, xid):
    opts = opt(53, bytes([TYPES[a.type]]))
    if a.req_ip:
        opts += opt(50, ip_bytes(a.req_ip))
    if a.server_id:
        opts += opt(54, ip_bytes(a.server_id))
    if a.arch is not None:
        opts += opt(93, struct.pack("!H", a.arch))
        opts += opt(94, b"\x01\x02\x01")
    if a.vendor:
        opts += opt(60, a.vendor.encode())
    if a.user_class:
        opts += opt(77, a.user_class.encode())
    opts += opt(55, bytes([1, 3, 6, 12, 15, 43, 60, 66, 67, 175]))
    pkt = fixed(xid, mac_bytes(a.mac), a.ciaddr, a.giaddr) + COOKIE + \
        opts + b"\xff"
    return pkt.ljust(300, b"\0")


def sock(dev, port=CLIENT_PORT):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
    s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s.bind(("", port))
    return s


def parse_reply(data):
    if len(data) < 240 or data[236:240] != COOKIE or data[0] != 2:
        return None
    r = {"xid": struct.unpack("!I", data[4:8])[0],
         "ciaddr": socket.inet_ntoa(data[12:16]),
         "yiaddr": socket.inet_ntoa(data[16:20]),
         "siaddr": socket.inet_ntoa(data[20:24]),
         "giaddr": socket.inet_ntoa(data[24:28]),
         "file": data[108:236].split(b"\0")[0].decode("ascii", "replace"),
         "len": len(data)}
    i = 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        code, n = data[i], data[i + 1]
        body = data[i + 2:i + 2 + n]
        i += 2 + n
        if code == 53:
            r["type"] = NAMES.get(body[0], str(body[0]))
        elif code in (1, 3, 6, 54, 50):
            r["opt%d" % code] = ",".join(
                socket.inet_ntoa(body[k:k + 4]) for k in range(0, n, 4))
        elif code in (12, 15, 56, 60, 66, 67):
            r["opt%d" % code] = body.decode("ascii", "replace")
        else:
            r["opt%d" % code] = body.hex()
    return r


def cmd_ask(a):
    s = sock(a.dev)
    xid = random.getrandbits(32)
    pkt = request(a, xid)
    deadline = time.monotonic() + a.wait
    for t in range(a.tries):
        s.sendto(pkt, ("255.255.255.255", SERVER_PORT))
        end = min(deadline, time.monotonic() + a.wait / a.tries)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data, anc, _, src = s.recvmsg(2048, 256)
            except socket.timeout:
                break
            r = parse_reply(data)
            if r is None or r["xid"] != xid:
                continue
            r["src"] = "%s:%d" % src
            for lvl, typ, d in anc:
                if lvl == socket.IPPROTO_IP and typ == IP_PKTINFO:
                    r["dst"] = socket.inet_ntoa(d[8:12])
            for k in sorted(r):
                print("%s=%s" % (k, r[k]))
            return 0
    return 3


def malformed_packets():
    mac = mac_bytes("52:54:00:00:01:03")
    good = fixed(1, mac) + COOKIE
    dis = opt(53, b"\x01")
    yield b"\x01\x01\x06\x00" + b"\0" * 96                      # short
    yield fixed(2, mac) + b"\x63\x82\x53\x64" + dis + b"\xff"    # cookie
    yield good + dis + b"\x0c\x40abc"                           # 12 past end
    yield good + dis + b"\x37"                                  # no length
    yield fixed(3, mac, hlen=255) + COOKIE + dis + b"\xff"      # hlen 255
    yield fixed(4, mac, op=2) + COOKIE + dis + b"\xff"          # a reply
    yield good + opt(53, b"\x01\x01") + b"\xff"                 # bad 53 len
    yield good + dis + opt(50, b"\x0a\xd5") + b"\xff"           # bad 50
    # Overload: the file field holds an option that runs past its end.
    yield (fixed(5, mac, file=b"\x0c\xf0abc") + COOKIE + dis +
           opt(52, b"\x01") + b"\xff")
    # Option 82 repeated past what a reply can echo.
    yield good + dis + opt(82, b"\x01" + bytes([250]) + b"a" * 250) * 2 + \
        b"\xff"
    # A datagram longer than the server reads (4096 bytes).
    yield (good + dis + b"\xff").ljust(5000, b"\0")


def odd_but_valid():
    """Packets a server must survive without counting them as malformed."""
    mac = mac_bytes("02:14:ff:00:00:01")
    dis = opt(53, b"\x01")
    # Overload loop: 52 says "file and sname hold options", and both of
    # those fields say 52 again, naming each other.
    loop = opt(52, b"\x03") + b"\xff"
    yield (fixed(6, mac, file=loop, sname=loop) + COOKIE + dis +
           opt(52, b"\x03") + b"\xff")
    # Oversized strings: every option at its maximum length, repeated.
    big = b"".join(opt(c, b"x" * 255) for c in (12, 60, 77, 61)) * 3
    yield fixed(7, mac) + COOKIE + dis + big + b"\xff"


def cmd_malformed(a):
    s = sock(a.dev, 0)
    n = 0
    for p in malformed_packets():
        s.sendto(p, ("255.255.255.255", SERVER_PORT))
        n += 1
        time.sleep(0.01)
    for p in odd_but_valid():
        s.sendto(p, ("255.255.255.255", SERVER_PORT))
        time.sleep(0.01)
    print("sent %d" % n)
    return 0


def cmd_noise(a):
    s = sock(a.dev, 0)
    mac = mac_bytes("02:14:ee:00:00:01")
    p = fixed(9, mac) + b"\x00\x00\x00\x00" + opt(53, b"\x01") + b"\xff"
    for _ in range(a.count):
        s.sendto(p, ("255.255.255.255", SERVER_PORT))
    print("sent %d" % a.count)
    return 0


def cmd_flood(a):
    s = sock(a.dev, 0)
    start = time.monotonic()
    end = start + a.secs
    n = 0
    batch = max(1, a.rate // 100)
    while n < a.count and time.monotonic() < end:
        for _ in range(min(batch, a.count - n)):
            mac = bytes([0x02, 0x13]) + os.urandom(4)
            pkt = (fixed(random.getrandbits(32), mac) + COOKIE +
                   opt(53, b"\x01") + opt(93, b"\x00\x00") +
                   opt(60, b"PXEClient:Arch:00000:UNDI:002001") +
                   b"\xff").ljust(300, b"\0")
            try:
                s.sendto(pkt, ("255.255.255.255", SERVER_PORT))
            except BlockingIOError:
                pass
            n += 1
        # Pace to about a.rate per second.
        ahead = start + n / a.rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    print("sent %d in %.2f s" % (n, time.monotonic() - start))
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["ask", "malformed", "noise", "flood"])
    p.add_argument("--dev", required=True)
    p.add_argument("--mac", default="52:54:00:00:01:03")
    p.add_argument("--type", default="discover", choices=sorted(TYPES))
    p.add_argument("--arch", type=int)
    p.add_argument("--user-class")
    p.add_argument("--vendor")
    p.add_argument("--ciaddr")
    p.add_argument("--req-ip")
    p.add_argument("--server-id")
    p.add_argument("--giaddr")
    p.add_argument("--tries", type=int, default=3)
    p.add_argument("--wait", type=float, default=1.5)
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--secs", type=float, default=10)
    p.add_argument("--rate", type=int, default=5000)
    a = p.parse_args()
    return {"ask": cmd_ask, "malformed": cmd_malformed, "noise": cmd_noise,
            "flood": cmd_flood}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
