#!/usr/bin/env python3
"""Chaos load for bootd (tests/integration/95-chaos.sh).

Only ever sends to addresses inside the network namespaces the test made
(10.213.0.0/16); spoofed sources are 10.213.x.y addresses and leave on the
test's own veth. Every loop is bounded in count and time.

  chaos.py load --seed N --secs S --dev D --server IP --server-mac MAC
                --http-port P [--tftp-port P] --src-ips IP,... --files F,...
                --hosts H,... --macs M,... [--bootd-pid PID] [--dump FILE]
      mutated DHCP, TFTP and HTTP traffic from several threads for S
      seconds (seeded: each thread draws from its own random.Random made
      from the seed and its name, so a run can be replayed with the same
      seed). Prints the seed first, counters at the end. With --bootd-pid
      it stops as soon as bootd dies; the last packets each thread sent go
      to --dump (JSON lines) in any case.
  chaos.py legit --secs S --dev D --server IP --mac M --want-ip IP
                 --http-port P --tftp-file F --ref FILE --http-paths P,...
                 [--count N] [--limit SECS] [--min-ratio R]
      the legitimate client: once a second each, a DHCP exchange
      (DISCOVER/OFFER, REQUEST/ACK through dhcp_raw.py's packets), a TFTP
      fetch with tftp-hpa's tftp and an HTTP fetch with curl; prints every
      check with its latency and a summary per kind. Exit 1 unless each
      kind had at least R of its checks succeed within SECS.
  chaos.py replay --dump FILE --dev D
      sends the packets and requests of a dump again, in their order.
"""
import argparse
import collections
import json
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dhcp_raw  # noqa: E402

COOKIE = dhcp_raw.COOKIE
ETH_P_IP = 0x0800
BCAST_MAC = b"\xff" * 6
MAX_FRAME_PAYLOAD = 1472	# UDP payload that fits a 1500-byte MTU


# --- Shared state -------------------------------------------------------

class Ctx:
    """What every worker shares: the deadline, counters, last packets."""

    def __init__(self, a):
        self.a = a
        self.t0 = time.monotonic()
        self.deadline = self.t0 + a.secs
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.count = collections.Counter()
        self.rings = {}
        self.tports = collections.deque(maxlen=64)	# TFTP transfer ports
        self.tracebacks = 0

    def done(self):
        return self.stop.is_set() or time.monotonic() >= self.deadline

    def inc(self, key, n=1):
        with self.lock:
            self.count[key] += n

    def record(self, worker, kind, src, dst, data, note=""):
        """Remembers one packet or request (the last 64 per worker)."""
        ring = self.rings.setdefault(worker, collections.deque(maxlen=64))
        ring.append({"t": round(time.monotonic() - self.t0, 4),
                     "worker": worker, "kind": kind, "src": src,
                     "dst": dst, "note": note,
                     "hex": bytes(data[:16384]).hex()})

    def driver_error(self, where):
        self.inc("driver-error " + where)
        with self.lock:
            self.tracebacks += 1
            show = self.tracebacks <= 5
        if show:
            sys.stderr.write("chaos: driver error in %s:\n" % where)
            traceback.print_exc()

    def dump(self, path):
        entries = [e for r in list(self.rings.values()) for e in list(r)]
        entries.sort(key=lambda e: e["t"])
        with open(path, "w") as f:
            for e in entries:
                f.write(json.dumps(e) + "\n")
        return len(entries)


def pace(ctx, start, n, rate):
    """Sleeps until action n of a worker running at rate per second."""
    ahead = start + n / rate - time.monotonic()
    if ahead > 0:
        ctx.stop.wait(min(ahead, 1.0))


def rbytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def rmac(rng):
    return bytes([rng.choice([0x02, 0x52, 0x00, 0xfe, 0xff])]) + \
        rbytes(rng, 5)


def spoof_ip(rng):
    """A source address nobody in the namespaces has."""
    r = rng.random()
    if r < 0.7:
        return "10.213.0.%d" % rng.randint(128, 254)
    return "10.213.%d.%d" % (rng.randint(1, 3), rng.randint(1, 254))


# --- Raw frames ---------------------------------------------------------

def ip_csum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload,
              ident):
    """An Ethernet frame holding one IPv4/UDP datagram (UDP sum 0)."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp),
                      ident & 0xffff, 0, 64, 17, 0,
                      socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    hdr = hdr[:10] + struct.pack("!H", ip_csum(hdr)) + hdr[12:]
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IP) + hdr + udp


def raw_sock(dev):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)	# send only
    s.bind((dev, 0))
    return s


def dev_mac(dev):
    with open("/sys/class/net/%s/address" % dev) as f:
        return bytes.fromhex(f.read().strip().replace(":", ""))


# --- DHCP ---------------------------------------------------------------

DHCP_TYPES = {"discover": 1, "request": 3, "decline": 4, "release": 7,
              "inform": 8}


def dopt(code, body):
    return bytes([code, len(body) & 0xff]) + body


def dhcp_header(rng, xid, chaddr, ciaddr=b"\0" * 4, giaddr=b"\0" * 4,
                flags=0, hlen=6, op=1, hops=0, sname=b"", file=b""):
    return (struct.pack("!BBBBIHH", op, 1, hlen, hops, xid,
                        rng.choice([0, 0, 4, 65535]), flags) +
            ciaddr + b"\0" * 4 + b"\0" * 4 + giaddr +
            chaddr.ljust(16, b"\0")[:16] + sname.ljust(64, b"\0")[:64] +
            file.ljust(128, b"\0")[:128])


def rand_ip(rng):
    return socket.inet_aton("10.213.%d.%d" % (rng.choice([0, 0, 0, 1, 2]),
                                              rng.randint(1, 254)))


def dhcp_valid(rng, macs, server_ip):
    """A well-formed client message, built from scratch."""
    kind = rng.choice(["discover", "discover", "request", "request",
                       "decline", "inform", "release"])
    known = macs and rng.random() < 0.3
    chaddr = bytes.fromhex(rng.choice(macs).replace(":", "").replace(
        "-", "")) if known else rmac(rng)
    ciaddr = giaddr = b"\0" * 4
    opts = dopt(53, bytes([DHCP_TYPES[kind]]))
    sid = socket.inet_aton(server_ip) if rng.random() < 0.8 else \
        rand_ip(rng)
    if kind == "request":
        how = rng.choice(["selecting", "reboot", "renew"])
        if how == "selecting":
            opts += dopt(50, rand_ip(rng)) + dopt(54, sid)
        elif how == "reboot":
            opts += dopt(50, rand_ip(rng))
        else:
            ciaddr = rand_ip(rng)
    elif kind == "decline":
        opts += dopt(50, rand_ip(rng)) + dopt(54, sid)
    elif kind in ("inform", "release"):
        ciaddr = rand_ip(rng)
        opts += dopt(54, sid) if kind == "release" else b""
    if rng.random() < 0.1:
        giaddr = rand_ip(rng)
    extra = [
        lambda: dopt(61, b"\x01" + chaddr[:6]),
        lambda: dopt(93, struct.pack("!H", rng.choice(
            [0, 6, 7, 9, 10, 11, 16, 19, rng.getrandbits(16)]))),
        lambda: dopt(94, b"\x01\x02\x01"),
        lambda: dopt(60, rng.choice([
            b"PXEClient:Arch:00000:UNDI:002001",
            b"PXEClient:Arch:00007:UNDI:003016",
            b"HTTPClient:Arch:00016", b"PXEClient", b"\xff\xfePXE",
            rbytes(rng, rng.randint(0, 255))])),
        lambda: dopt(77, rng.choice([b"iPXE", b"\x04iPXE", rbytes(rng, 9)])),
        lambda: dopt(55, rbytes(rng, rng.randint(0, 255))),
        lambda: dopt(12, rng.choice([b"host", b"\xff\xfe\xc0\xaf",
                                     b"x" * 255, rbytes(rng, 20)])),
        lambda: dopt(81, b"\x00\x00\x00" + rbytes(rng, 10)),
        lambda: dopt(57, struct.pack("!H", rng.choice(
            [0, 1, 576, 1500, 65535]))),
        lambda: dopt(82, b"\x01\x04" + rbytes(rng, 4) + b"\x02\x06" +
                     rbytes(rng, 6)),
        lambda: dopt(52, bytes([rng.randint(0, 4)])),
        lambda: dopt(175, rbytes(rng, rng.randint(0, 30))),
        lambda: dopt(rng.randint(1, 254), rbytes(rng, rng.randint(0, 40))),
    ]
    for _ in range(rng.randint(0, 6)):
        opts += rng.choice(extra)()
    sname = file = b""
    if rng.random() < 0.1:	# option overload material
        file = dopt(12, b"overload") + dopt(52, b"\x02") + b"\xff"
        sname = dopt(60, b"sname") + b"\xff"
    flags = 0x8000 if rng.random() < 0.3 else 0
    p = dhcp_header(rng, rng.getrandbits(32), chaddr, ciaddr, giaddr,
                    flags, sname=sname, file=file) + COOKIE + opts
    if rng.random() < 0.95:
        p += b"\xff"
    if rng.random() < 0.5:
        p = p.ljust(300, b"\0")
    return kind, p


def dhcp_mutate(rng, p):
    """1..3 random mutations of a packet (bytes in, bytes out)."""
    p = bytearray(p)
    names = []
    for _ in range(rng.randint(1, 3)):
        m = rng.randrange(9)
        if m == 0 and p:	# bit flips
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(p))
                p[i] ^= 1 << rng.randrange(8)
            names.append("flip")
        elif m == 1:	# truncation
            p = p[:rng.randint(0, len(p))]
            names.append("trunc")
        elif m == 2:	# option TLV garbage at the end (lengths may lie)
            for _ in range(rng.randint(1, 20)):
                n = rng.randint(0, 255)
                p += bytes([rng.randint(0, 255), n]) + \
                    rbytes(rng, rng.randint(0, n))
            names.append("tlv-garbage")
        elif m == 3 and len(p) > 242:	# an option's length made huge
            i = 240
            pos = []
            while i + 1 < len(p) and p[i] != 255:
                if p[i] == 0:
                    i += 1
                    continue
                pos.append(i + 1)
                i += 2 + p[i + 1]
            if pos:
                p[rng.choice(pos)] = rng.choice([255, 254, 0, 1])
            names.append("huge-len")
        elif m == 4 and p:	# a region overwritten
            i = rng.randrange(len(p))
            n = rng.randint(1, 64)
            fill = rng.choice([b"\xff", b"\x00", None])
            p[i:i + n] = fill * n if fill else rbytes(rng, n)
            names.append("overwrite")
        elif m == 5 and len(p) >= 240:	# garbage TLVs right after the cookie
            g = b"".join(bytes([rng.randint(1, 254), rng.randint(0, 255)]) +
                         rbytes(rng, rng.randint(0, 16))
                         for _ in range(rng.randint(1, 8)))
            p[240:240] = g
            names.append("tlv-front")
        elif m == 6 and len(p) >= 4:	# header fields at extremes
            f = rng.randrange(4)
            if f == 0:
                p[2] = rng.choice([0, 16, 17, 255])		# hlen
            elif f == 1:
                p[1] = rng.randint(0, 255)			# htype
            elif f == 2:
                p[0] = rng.choice([0, 2, 3, 255])		# op
            else:
                p[3] = rng.choice([16, 17, 255])		# hops
            names.append("header")
        elif m == 7:	# grown: up to several KB (some leave fragmented)
            p += rbytes(rng, rng.choice([10, 200, 1300, 3000, 5000]))
            names.append("grow")
        elif m == 8 and len(p) > 240:	# end option dropped, pad removed
            j = bytes(p).rfind(b"\xff")
            if j >= 240:
                p = p[:j]
            names.append("no-end")
    return bytes(p), "+".join(names)


def dhcp_worker(ctx, name, rate):
    a = ctx.a
    rng = random.Random("%d-%s" % (a.seed, name))
    raw = raw_sock(a.dev)
    my_mac = dev_mac(a.dev)
    srv_mac = bytes.fromhex(a.server_mac.replace(":", ""))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.dev.encode())
    udp.setblocking(False)
    udp.bind(("", 0))
    macs = [m for m in a.macs.split(",") if m]
    start = time.monotonic()
    n = 0
    while not ctx.done() and n < rate * a.secs * 1.2:
        pace(ctx, start, n, rate)
        n += 1
        try:
            kind, p = dhcp_valid(rng, macs, a.server)
            how = "valid"
            if rng.random() < 0.7:
                p, how = dhcp_mutate(rng, p)
            ctx.inc("dhcp %s" % kind)
            if len(p) <= MAX_FRAME_PAYLOAD and rng.random() < 0.85:
                r = rng.random()
                if r < 0.7:
                    dst, dmac = "255.255.255.255", BCAST_MAC
                elif r < 0.85:
                    dst, dmac = a.server, srv_mac
                else:
                    dst, dmac = "10.213.0.255", BCAST_MAC
                src = "0.0.0.0" if rng.random() < 0.4 else spoof_ip(rng)
                sport = 68 if rng.random() < 0.8 else rng.randint(1, 65535)
                f = udp_frame(my_mac, dmac, src, dst, sport, 67, p, n)
                ctx.record(name, "frame", "%s:%d" % (src, sport),
                           "%s:67" % dst, f, "%s %s" % (kind, how))
                raw.send(f)
                ctx.inc("dhcp spoofed frames")
            else:
                ctx.record(name, "udp", "any", "255.255.255.255:67", p,
                           "%s %s" % (kind, how))
                udp.sendto(p, ("255.255.255.255", 67))
                ctx.inc("dhcp datagrams from own address")
        except (BlockingIOError, InterruptedError):
            ctx.inc("dhcp send would block")
        except OSError as e:
            ctx.inc("dhcp send error %s" % (e.strerror or e))
        except Exception:
            ctx.driver_error(name)


# --- TFTP ---------------------------------------------------------------

TFTP_TRAVERSAL = [b"../../../../etc/passwd", b"/../etc/shadow",
                  b"..\\..\\windows\\win.ini", b"sub/../../x",
                  b"%2e%2e/%2e%2e/etc/passwd", b"./" * 200 + b"legit.bin",
                  b"//etc//passwd", b"/proc/self/environ", b"..",
                  b"...//...//etc/passwd", b"kernels/../../../../root"]

TFTP_OPTS = [
    (b"timeout", [b"255", b"0", b"1", b"256", b"-1", b"abc", b"1" * 30]),
    (b"blksize", [b"1", b"7", b"8", b"512", b"1468", b"65464", b"65465",
                  b"65535", b"0", b"-5", b"1e9", b"999999999999"]),
    (b"windowsize", [b"65535", b"0", b"1", b"64", b"65536", b"x"]),
    (b"tsize", [b"0", b"123", b"-1", b"9" * 25, b"junk"]),
    (b"utimeout", [b"1", b"1000000", b"0"]),
    (b"multicast", [b"", b"1,2,3"]),
]


def tftp_name(rng, a):
    files = [f.encode() for f in a.files.split(",") if f]
    macs = [m for m in a.macs.split(",") if m]
    c = rng.randrange(10)
    if c == 0:
        return rng.choice(files)
    if c == 1:
        return bytes(rng.randint(1, 255) for _ in range(rng.randint(1, 300)))
    if c == 2:
        return b"\xff\xfe" + rng.choice(files) + b"\xc0\xaf\xed\xa0\x80"
    if c == 3:
        return rng.choice([b"a", b"\xff", b"x/"]) * rng.randint(256, 2000)
    if c == 4:
        return rng.choice(TFTP_TRAVERSAL)
    if c == 5:
        mac = rng.choice(macs) if macs and rng.random() < 0.5 else \
            ":".join("%02x" % b for b in rmac(rng))
        d = mac.replace(":", "-").lower()
        return rng.choice([
            b"pxelinux.cfg/01-" + d.encode(),
            b"pxelinux.cfg/0AD5000B", b"pxelinux.cfg/default",
            b"efi64/pxelinux.cfg/01-" + d.encode(),
            b"grub/grub.cfg-01-" + d.encode(),
            b"pxelinux.cfg/01-" + rbytes(rng, 17),
            b"pxelinux.cfg/" + b"A" * rng.randint(1, 600)])
    if c == 6:
        return rng.choice(files) + rbytes(rng, rng.randint(1, 8)).replace(
            b"\0", b"\1")
    if c == 7:
        return b""
    if c == 8:
        return b"/".join([b"d"] * rng.randint(50, 400))
    return rng.choice(files).upper()


def tftp_rrq(rng, name, opts=None, op=1):
    mode = rng.choice([b"octet"] * 6 + [b"netascii", b"OCTET", b"mail",
                                        b"", b"\xff\xfe", b"x" * 300])
    p = struct.pack("!H", op) + name + b"\0" + mode + b"\0"
    if opts is None:
        opts = []
        for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 20])):
            k, vals = rng.choice(TFTP_OPTS)
            if rng.random() < 0.2:
                k = bytes(c ^ (0x20 if rng.random() < 0.5 and
                               0x61 <= c <= 0x7a else 0) for c in k)
            if rng.random() < 0.1:
                k, vals = rbytes(rng, rng.randint(1, 20)).replace(
                    b"\0", b"k"), [rbytes(rng, 5).replace(b"\0", b"v")]
            opts.append((k, rng.choice(vals)))
    for k, v in opts:
        p += k + b"\0" + v + b"\0"
    if rng.random() < 0.05:
        p = p[:-1]	# no trailing NUL
    if rng.random() < 0.03:
        p += b"orphan-option\0"
    return p


def tftp_junk(rng):
    """A packet that is not a fresh read request."""
    c = rng.randrange(9)
    if c == 0:
        return struct.pack("!HH", 4, rng.getrandbits(16))		# ACK
    if c == 1:		# ERROR, message non-UTF-8 or not terminated
        msg = rng.choice([b"bye\0", b"\xff\xfe\xfd", b"x" * 2000 + b"\0",
                          b""])
        return struct.pack("!HH", 5, rng.getrandbits(16)) + msg
    if c == 2:		# DATA
        return struct.pack("!HH", 3, rng.getrandbits(16)) + \
            rbytes(rng, rng.choice([0, 1, 511, 512, 513, 1400]))
    if c == 3:		# WRQ
        return tftp_rrq(rng, rng.choice([b"up.bin", b"../x", b"\xff"]),
                        op=2)
    if c == 4:		# OACK from a client
        return struct.pack("!H", 6) + b"blksize\0" + b"9" * 40 + b"\0"
    if c == 5:
        return struct.pack("!H", rng.choice([0, 7, 8, 255, 65535])) + \
            rbytes(rng, rng.randint(0, 50))
    if c == 6:
        return rbytes(rng, rng.randint(0, 3))
    if c == 7:		# large datagrams (fragmented on the wire)
        return struct.pack("!HH", rng.choice([3, 4, 5]), 1) + \
            rbytes(rng, rng.choice([3000, 9000, 65000]))
    return struct.pack("!HH", 4, 0) * rng.randint(2, 100)


class TftpSock:
    """One of a worker's client sockets (a source address and port)."""

    def __init__(self, ip):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((ip, 0))
        self.s.setblocking(False)
        self.ip = ip

    def recv(self, wait):
        r, _, _ = select.select([self.s], [], [], wait)
        if not r:
            return None, None
        try:
            return self.s.recvfrom(70000)
        except OSError:
            return None, None

    def drain(self, ctx):
        """Reads what came back; a DATA with a passwd line is a leak."""
        for _ in range(256):
            try:
                p, _ = self.s.recvfrom(70000)
            except OSError:
                return
            if p[:2] == b"\0\3" and (b"root:x:0:0:" in p or
                                     b"root:*:" in p):
                ctx.inc("SECURITY: TFTP served /etc/passwd or shadow")


def tftp_transfer(ctx, name, rng, ts, a):
    """Starts a real transfer and then misbehaves on it."""
    files = [f.encode() for f in a.files.split(",") if f]
    opts = []
    if rng.random() < 0.5:
        opts.append((b"blksize", str(rng.choice([8, 512, 1024, 1468,
                                                 8192])).encode()))
    if rng.random() < 0.4:
        opts.append((b"windowsize", str(rng.choice([1, 4, 16, 64])).encode()))
    if rng.random() < 0.3:
        opts.append((b"tsize", b"0"))
    if rng.random() < 0.3:
        opts.append((b"timeout", str(rng.choice([1, 2, 255])).encode()))
    if rng.random() < 0.3:	# extreme or bogus values on a real file
        opts = [(k, rng.choice(v)) for k, v in
                rng.sample(TFTP_OPTS, rng.randint(1, 4))]
    p = tftp_rrq(rng, rng.choice(files), opts)
    ctx.record(name, "udp", "%s:%d" % ts.s.getsockname(),
               "%s:%d" % (a.server, a.tftp_port), p, "transfer rrq")
    ts.s.sendto(p, (a.server, a.tftp_port))
    ctx.inc("tftp transfers started")
    pkt, peer = ts.recv(0.3)
    if pkt is None:
        ctx.inc("tftp transfer: no first reply in 0.3 s")
        return
    ctx.tports.append(peer[1])
    what = rng.random()
    if what < 0.35:
        ctx.inc("tftp transfer abandoned")
        return
    if what < 0.55:	# a few blocks, then abandoned
        for _ in range(rng.randint(1, 20)):
            op = struct.unpack("!H", pkt[:2])[0] if len(pkt) >= 2 else 0
            blk = struct.unpack("!H", pkt[2:4])[0] if op == 3 else 0
            ts.s.sendto(struct.pack("!HH", 4, blk), peer)
            pkt, peer2 = ts.recv(0.2)
            if pkt is None or peer2 != peer:
                break
        ctx.inc("tftp transfer partly read")
        return
    if what < 0.8:	# junk on the transfer port from the right TID
        for _ in range(rng.randint(1, 10)):
            j = tftp_junk(rng)
            ctx.record(name, "udp", "%s:%d" % ts.s.getsockname(),
                       "%s:%d" % peer, j, "junk to transfer, right TID")
            ts.s.sendto(j, peer)
        ctx.inc("tftp junk to transfer (right TID)")
        return
    if what < 0.9:	# from a wrong TID
        o = TftpSock(ts.ip)
        try:
            j = tftp_junk(rng)
            ctx.record(name, "udp", "%s:%d" % o.s.getsockname(),
                       "%s:%d" % peer, j, "junk to transfer, wrong TID")
            o.s.sendto(j, peer)
            o.recv(0.05)
        finally:
            o.s.close()
        ctx.inc("tftp junk to transfer (wrong TID)")
        return
    e = struct.pack("!HH", 5, 0) + b"client gives up\0"
    ts.s.sendto(e, peer)
    ctx.inc("tftp transfer ended by ERROR")


def tftp_worker(ctx, name, rate):
    a = ctx.a
    rng = random.Random("%d-%s" % (a.seed, name))
    ips = [ip for ip in a.src_ips.split(",") if ip]
    raw = raw_sock(a.dev)
    my_mac = dev_mac(a.dev)
    srv_mac = bytes.fromhex(a.server_mac.replace(":", ""))
    pool = [TftpSock(rng.choice(ips)) for _ in range(8)]
    start = time.monotonic()
    n = 0
    while not ctx.done() and n < rate * a.secs * 1.2:
        pace(ctx, start, n, rate)
        n += 1
        i = rng.randrange(len(pool))
        ts = pool[i]
        try:
            c = rng.random()
            if c < 0.3:		# odd read request to the listener
                p = tftp_rrq(rng, tftp_name(rng, a))
                ctx.record(name, "udp", "%s:%d" % ts.s.getsockname(),
                           "%s:%d" % (a.server, a.tftp_port), p, "rrq")
                ts.s.sendto(p, (a.server, a.tftp_port))
                ctx.inc("tftp odd rrq")
            elif c < 0.45:	# a real transfer, then misbehaviour
                tftp_transfer(ctx, name, rng, ts, a)
            elif c < 0.6:	# junk to the listener
                p = tftp_junk(rng)
                ctx.record(name, "udp", "%s:%d" % ts.s.getsockname(),
                           "%s:%d" % (a.server, a.tftp_port), p, "junk")
                ts.s.sendto(p, (a.server, a.tftp_port))
                ctx.inc("tftp junk to listener")
            elif c < 0.75 and ctx.tports:	# junk to a (stale) transfer
                port = rng.choice(list(ctx.tports))
                p = tftp_junk(rng)
                ctx.record(name, "udp", "%s:%d" % ts.s.getsockname(),
                           "%s:%d" % (a.server, port), p, "junk, old port")
                ts.s.sendto(p, (a.server, port))
                ctx.inc("tftp junk to a transfer port")
            elif c < 0.9:	# spoofed read request: an abandoned transfer
                src = spoof_ip(rng) if rng.random() < 0.8 else \
                    "10.213.0.%d" % rng.randint(128, 131)
                sport = rng.randint(1024, 65535)
                fn = rng.choice([f.encode() for f in a.files.split(",")])
                p = tftp_rrq(rng, fn if rng.random() < 0.7 else
                             tftp_name(rng, a))
                if len(p) <= MAX_FRAME_PAYLOAD:
                    f = udp_frame(my_mac, srv_mac, src, a.server, sport,
                                  a.tftp_port, p, n)
                    ctx.record(name, "frame", "%s:%d" % (src, sport),
                               "%s:%d" % (a.server, a.tftp_port), f,
                               "spoofed rrq")
                    raw.send(f)
                    ctx.inc("tftp spoofed rrq")
            else:		# a new socket (the old one's transfers see
                ts.s.close()	# port unreachable)
                pool[i] = TftpSock(rng.choice(ips))
                ctx.inc("tftp socket replaced")
            if rng.random() < 0.2:
                ts.drain(ctx)
        except OSError as e:
            ctx.inc("tftp send error %s" % (e.strerror or e))
        except Exception:
            ctx.driver_error(name)
    for ts in pool:
        ts.s.close()


# --- HTTP ---------------------------------------------------------------

RANGES = [b"bytes=0-0," * 2000, b"bytes=18446744073709551615-",
          b"bytes=-18446744073709551616", b"bytes=99999999999999999999-1",
          b"bytes=5-3", b"bytes= 0 - 1", b"bytes=--1", b"bytes=0-1;x",
          b"bytes=-0", b"bytes=0-", b"bytes=-1", b"bytes=1-1,2-2,3-3",
          b"bytes=9223372036854775807-9223372036854775808",
          b"bytes=0-9223372036854775807", b"bytes=\xff\xfe",
          b"bytes=" + b"9" * 5000, b"items=0-1", b"bytes=4294967296-",
          b"bytes=0-4294967295", b"bytes=,,,,", b""]

TRAVERSAL = [b"/files/../../etc/passwd", b"/files/%2e%2e/%2e%2e/etc/passwd",
             b"/files/%c0%ae%c0%ae/etc/passwd", b"/files/..%5c..%5cetc",
             b"/files/%ff%fe", b"/files/%00", b"/files//etc/passwd",
             b"/files/./././legit.bin", b"/ks/../files/legit.bin",
             b"/files/" + b"a/" * 2000, b"/files/%", b"/files/%zz",
             b"/files/legit.bin%00.txt", b"/files/legit.bin?x=%ff%fe",
             b"/files/\xff\xfe", b"/ks/%ff%fe", b"/ipxe/%ff",
             b"/guests/dom0-01/../../../etc/passwd.cfg",
             b"/inventory/" + b"%41" * 3000, b"/../../../../",
             b"http://evil/files/legit.bin", b"*", b""]

ROUTES = ["/healthz", "/metrics", "/", "/ks/%s", "/ipxe/%s", "/guests/%s",
          "/guests/dom0-01/vm01.cfg", "/guests/dom0-01/vm02.xml",
          "/guests/dom0-01/vm03-install.cfg", "/firstboot/%s",
          "/inventory/%s", "/files/%f", "/files/pxelinux.cfg/01-%m",
          "/api/hosts", "/status/%s"]

STAGES = [b"install-start", b"install-done", b"x", b"Bad_Stage", b"",
          b"a" * 31, b"a" * 32, b"%FF%FE", b"\xff\xfe", b"kernel-loaded",
          b"stage%00", b"%2d%2d"]

DETAILS = [b"%FF%FE", b"\xff\xfe\xfd", b"%C0%AF%ED%A0%80", b"%00",
           b"%F0%9F%92%A9" * 63 + b"%F0%9F", b"a" * 255, b"a" * 256,
           b"%E2%82" + b"a" * 253, b"ok", b"%0D%0AInjected: 1",
           b"\xed\xa0\x80\xed\xbf\xbf", b"%25FF", b"+" * 300,
           b"%09tab%09", b"%7F", b"\xc3\x28", b"%F4%90%80%80"]


def http_route(rng, a):
    hosts = [h for h in a.hosts.split(",") if h] + ["nosuch", "\xff"]
    macs = [m for m in a.macs.split(",") if m]
    files = [f for f in a.files.split(",") if f]
    r = rng.choice(ROUTES)
    r = r.replace("%s", rng.choice(hosts + macs)).replace(
        "%f", rng.choice(files)).replace("%m", rng.choice(macs).replace(
            ":", "-"))
    return r.encode("utf-8", "surrogateescape")


def http_req(method, path, headers=(), body=b"", version=b"HTTP/1.1",
             host=b"bootd"):
    h = method + b" " + path + b" " + version + b"\r\n"
    if host is not None:
        h += b"Host: " + host + b"\r\n"
    for k, v in headers:
        h += k + b": " + v + b"\r\n"
    return h + b"\r\n" + body


def http_status_post(rng, a):
    hosts = [h.encode() for h in a.hosts.split(",") if h] + [b"nosuch",
                                                               b"%ff%fe"]
    stage = rng.choice(STAGES)
    detail = rng.choice(DETAILS)
    if rng.random() < 0.3:
        detail = bytes(rng.randint(0x20, 0xff) for _ in
                       range(rng.randint(0, 300)))
    body = b"stage=" + stage + b"&detail=" + detail
    if rng.random() < 0.1:
        body = b"detail=" + detail + b"&stage=" + stage + b"&stage=x"
    hdrs = [(b"Content-Type", rng.choice(
        [b"application/x-www-form-urlencoded", b"text/plain",
         b"\xff\xfe", b"multipart/form-data; boundary=x"]))]
    r = rng.random()
    if r < 0.7:
        hdrs.append((b"Content-Length", str(len(body)).encode()))
    elif r < 0.8:		# a length that lies (longer: server waits)
        hdrs.append((b"Content-Length", str(len(body) + rng.choice(
            [1, 100, 10 ** 9])).encode()))
    elif r < 0.85:
        hdrs.append((b"Content-Length", rng.choice(
            [b"-1", b"99999999999999999999999", b"abc", b"1, 2"])))
    elif r < 0.95:		# chunked, sometimes with bogus sizes
        hdrs.append((b"Transfer-Encoding", b"chunked"))
        if rng.random() < 0.5:
            body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        else:
            body = rng.choice([b"fffffffffffffffff\r\n" + body,
                               b"-1\r\n" + body, b"1\r\n" + body * 3,
                               b"zz\r\n\r\n"])
    if rng.random() < 0.1:
        hdrs.append((b"Expect", b"100-continue"))
    path = b"/status/" + rng.choice(hosts)
    return http_req(b"POST", path, hdrs, body)


def http_request(rng, a):
    """One request to send: (bytes, note)."""
    c = rng.randrange(12)
    if c <= 2:
        ver = rng.choice([b"HTTP/1.1", b"HTTP/1.1", b"HTTP/1.0"])
        hdrs = [(b"Connection", rng.choice([b"close", b"keep-alive"]))]
        return http_req(rng.choice([b"GET", b"GET", b"HEAD"]),
                        http_route(rng, a), hdrs, version=ver), "get"
    if c == 3:		# junk request lines
        return rng.choice([
            rbytes(rng, rng.randint(1, 2000)) + b"\r\n\r\n",
            b"GET\r\n\r\n", b"GET / HTTP/1.1", b"\r\n" * 2000,
            b"GET / HTTP/9.9\r\n\r\n", b"GET / HTTP/0.9\r\n\r\n",
            b"G\0ET / HTTP/1.1\r\n\r\n", b"GET " + b"/a" * 40000 +
            b" HTTP/1.1\r\n\r\n", b"\xff\xfe / HTTP/1.1\r\n\r\n",
            b"GET /healthz HTTP/1.1\n\n", b"CONNECT bootd:80 HTTP/1.1\r\n\r\n",
            b"X" * 100 + b" / HTTP/1.1\r\n\r\n", b"TRACE / HTTP/1.1\r\n\r\n",
            b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"]), "junk line"
    if c == 4:		# huge headers
        k = rng.randrange(4)
        if k == 0:
            h = [(b"X-Big", b"a" * rng.choice([8000, 9000, 70000, 200000]))]
        elif k == 1:
            h = [(b"X-%d" % i, b"v") for i in range(rng.choice([500, 3000]))]
        elif k == 2:
            h = [(b"X-Fold", b"a\r\n " * 2000)]
        else:
            h = [(b"Bad Header\xff", b"\xff\xfe" * 100), (b"", b"empty")]
        return http_req(b"GET", b"/healthz", h), "huge headers"
    if c <= 6:
        return http_status_post(rng, a), "status post"
    if c == 7:		# Range abuse
        files = [f.encode() for f in a.files.split(",") if f]
        rg = rng.choice(RANGES)
        h = [(b"Range", rg)]
        if rng.random() < 0.2:
            h.append((b"Range", rng.choice(RANGES)))
        if rng.random() < 0.2:
            h.append((b"If-Range", rng.choice([b'"x"', b"\xff",
                                               b"Mon, 01 Jan 1990"])))
        return http_req(rng.choice([b"GET", b"HEAD"]), b"/files/" +
                        rng.choice(files), h), "range"
    if c == 8:
        return http_req(b"GET", rng.choice(TRAVERSAL)), "traversal"
    if c == 9:		# pipelined
        return b"".join(http_req(b"GET", http_route(rng, a))
                        for _ in range(rng.randint(2, 50))), "pipelined"
    if c == 10:		# other methods
        return http_req(rng.choice([b"PUT", b"DELETE", b"PATCH",
                                    b"POST", b"GETX", b"get"]),
                        http_route(rng, a), [(b"Content-Length", b"3")],
                        b"abc"), "method"
    return http_req(b"GET", http_route(rng, a),
                    [(b"X-Junk", rbytes(rng, 50).replace(b"\r", b"").replace(
                        b"\n", b""))], host=rng.choice(
                            [None, b"\xff", b"a" * 5000])), "odd headers"


def read_response(s, end, head):
    """Reads one response (or until the server closes, 256 KB, or end):
    (bytes, "closed" | "complete" | "timeout" | "cap")."""
    got = b""
    while len(got) < 262144:
        left = end - time.monotonic()
        if left <= 0:
            return got, "timeout"
        s.settimeout(left)
        try:
            b = s.recv(65536)
        except socket.timeout:
            return got, "timeout"
        if not b:
            return got, "closed"
        got += b
        i = got.find(b"\r\n\r\n")
        if i < 0:
            continue
        m = re.search(rb"(?im)^content-length:[ \t]*([0-9]+)", got[:i])
        if head or (m and len(got) - i - 4 >= int(m.group(1))):
            return got, "complete"
    return got, "cap"


def http_one(ctx, name, rng, a):
    ips = [ip for ip in a.src_ips.split(",") if ip]
    req, note = http_request(rng, a)
    mode = rng.choices(["read", "halfclose", "rst", "noread"],
                       [0.6, 0.15, 0.15, 0.1])[0]
    src = rng.choice(ips)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2.0)
    try:
        s.bind((src, 0))
        ctx.record(name, "tcp", src, "%s:%d" % (a.server, a.http_port),
                   req, "%s, %s" % (note, mode))
        t = time.monotonic()
        s.connect((a.server, a.http_port))
        ctx.inc("http connect ok")
        if time.monotonic() - t > 1.0:
            ctx.inc("http connect slower than 1 s")
        if mode == "rst":	# cut off in the middle, with a reset
            s.sendall(req[:rng.randint(0, len(req))])
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
            ctx.inc("http reset mid-request")
            return
        s.sendall(req)
        if mode == "halfclose":
            s.shutdown(socket.SHUT_WR)
        if mode == "noread":
            ctx.stop.wait(rng.uniform(0, 0.5))
            ctx.inc("http closed without reading")
            return
        got, how = read_response(s, time.monotonic() + 2.0,
                                 req.startswith(b"HEAD "))
        code = got[9:12] if got.startswith(b"HTTP/1.") else b"none"
        if b"root:x:0:0:" in got or b"root:*:" in got:
            ctx.inc("SECURITY: /etc/passwd or shadow served for %r" %
                    req[:80])
        if how == "timeout" and not got:
            ctx.inc("http %s: no answer in 2 s" % note)
        elif note == "traversal":
            ctx.inc("http traversal %s -> %s" % (
                req.split(b" ")[1][:40].decode("latin-1"),
                code.decode("latin-1")))
        else:
            ctx.inc("http %s -> %s" % (note, code.decode("latin-1")))
    except ConnectionRefusedError:
        ctx.inc("http connect refused")
    except OSError as e:
        ctx.inc("http %s: %s" % (note, e.strerror or e))
    finally:
        s.close()


def http_worker(ctx, name, rate):
    a = ctx.a
    rng = random.Random("%d-%s" % (a.seed, name))
    start = time.monotonic()
    n = 0
    while not ctx.done() and n < rate * a.secs * 1.2:
        pace(ctx, start, n, rate)
        n += 1
        try:
            http_one(ctx, name, rng, a)
        except Exception:
            ctx.driver_error(name)


def slow_worker(ctx, name, nconn):
    """Slow peers: headers one byte every 2..5 s, half-closed requests,
    a big file requested and never read."""
    a = ctx.a
    rng = random.Random("%d-%s" % (a.seed, name))
    ips = [ip for ip in a.src_ips.split(",") if ip]
    conns = []
    opened = 0

    def open_one():
        nonlocal opened
        opened += 1
        kind = rng.choices(["trickle", "halfclose", "noread"],
                           [0.7, 0.15, 0.15])[0]
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2.0)
        try:
            s.bind((rng.choice(ips), 0))
            s.connect((a.server, a.http_port))
        except OSError as e:
            ctx.inc("slow connect failed: %s" % (e.strerror or e))
            s.close()
            return
        s.setblocking(False)
        if kind == "trickle":
            req = http_req(b"GET", b"/files/legit.bin",
                           [(b"X-Slow", b"s" * 200)])
        elif kind == "halfclose":
            req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
        else:
            req = http_req(b"GET", b"/files/big.bin")
        ctx.record(name, "tcp", "slow", "%s:%d" % (a.server, a.http_port),
                   req, kind)
        c = {"s": s, "kind": kind, "req": req, "pos": 0,
             "next": time.monotonic(), "t0": time.monotonic()}
        if kind != "trickle":
            try:
                s.send(req)
                if kind == "halfclose":
                    s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            c["pos"] = len(req)
        conns.append(c)
        ctx.inc("slow %s opened" % kind)

    while not ctx.done() and opened < nconn * 20:
        while len(conns) < nconn and opened < nconn * 20 and not ctx.done():
            open_one()
        now = time.monotonic()
        for c in list(conns):
            gone = False
            try:	# anything from the server (or its close)?
                b = c["s"].recv(65536) if c["kind"] != "noread" else b"x"
                if b == b"":
                    gone = True
            except BlockingIOError:
                pass
            except OSError:
                gone = True
            if not gone and c["kind"] == "trickle" and c["next"] <= now:
                if c["pos"] < len(c["req"]):
                    try:
                        c["s"].send(c["req"][c["pos"]:c["pos"] + 1])
                        c["pos"] += 1
                    except BlockingIOError:
                        pass
                    except OSError:
                        gone = True
                c["next"] = now + rng.uniform(2, 5)
            if gone:
                ctx.inc("slow %s closed by the server after ~%d s" % (
                    c["kind"], 5 * round((now - c["t0"]) / 5)))
                c["s"].close()
                conns.remove(c)
        ctx.stop.wait(0.2)
    for c in conns:
        c["s"].close()


# --- Load: the threads --------------------------------------------------

def monitor(ctx):
    """Stops the load when bootd is gone or a zombie."""
    pid = ctx.a.bootd_pid
    while not ctx.done():
        try:
            with open("/proc/%d/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            state = "gone"
        if state in ("Z", "X", "gone"):
            print("chaos: bootd (pid %d) died at t=%.2f s" % (
                pid, time.monotonic() - ctx.t0), flush=True)
            ctx.inc("bootd died")
            ctx.stop.set()
            return
        ctx.stop.wait(0.2)


def cmd_load(a):
    print("chaos: seed %d, %g s" % (a.seed, a.secs), flush=True)
    ctx = Ctx(a)
    s = a.scale
    plan = [("dhcp-0", dhcp_worker, 120 * s), ("dhcp-1", dhcp_worker, 80 * s),
            ("tftp-0", tftp_worker, 60 * s), ("tftp-1", tftp_worker, 60 * s),
            ("http-0", http_worker, 10 * s), ("http-1", http_worker, 10 * s),
            ("http-2", http_worker, 10 * s),
            ("slow-0", slow_worker, max(1, int(32 * s)))]
    threads = []
    for name, fn, rate in plan:
        t = threading.Thread(target=fn, args=(ctx, name, rate), daemon=True)
        t.start()
        threads.append(t)
    if a.bootd_pid:
        t = threading.Thread(target=monitor, args=(ctx,), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:	# each ends by the deadline (+ its last timeouts)
        t.join(max(0.1, ctx.deadline + 10 - time.monotonic()))
    ctx.stop.set()
    el = time.monotonic() - ctx.t0
    if a.dump:
        n = ctx.dump(a.dump)
        print("chaos: last %d packets/requests in %s" % (n, a.dump))
    with ctx.lock:
        items = sorted(ctx.count.items())
    for k, v in items:
        print("chaos: %8d  %s" % (v, k))
    sent = sum(v for k, v in items if k.startswith(("dhcp d", "dhcp s",
                                                   "tftp", "http connect")))
    print("chaos: %.1f s, seed %d, about %d actions" % (el, a.seed, sent))
    if ctx.count["bootd died"]:
        return 2
    return 1 if any(k.startswith("driver-error") for k, _ in items) else 0


# --- The legitimate client ----------------------------------------------

def dhcp_check(a, s):
    """DISCOVER -> OFFER, REQUEST -> ACK for a known MAC; resends every
    0.5 s. Returns an error string or None."""
    def ask(pkt, xid, want, end):
        nxt = 0
        while time.monotonic() < end:
            if time.monotonic() >= nxt:
                s.sendto(pkt, ("255.255.255.255", 67))
                nxt = time.monotonic() + 0.5
            r, _, _ = select.select([s], [], [], max(0, min(
                nxt, end) - time.monotonic()))
            if not r:
                continue
            data, _ = s.recvfrom(4096)
            rep = dhcp_raw.parse_reply(data)
            if rep and rep["xid"] == xid and rep.get("type") == want:
                return rep
        return None

    while True:	# drop what others' traffic left queued
        r, _, _ = select.select([s], [], [], 0)
        if not r:
            break
        s.recvfrom(4096)
    end = time.monotonic() + a.hard_limit
    base = dict(mac=a.mac, arch=0, vendor="PXEClient:Arch:00000:UNDI:002001",
                user_class=None, ciaddr=None, giaddr=None)
    xid = random.getrandbits(32)
    d = types.SimpleNamespace(type="discover", req_ip=None, server_id=None,
                              **base)
    off = ask(dhcp_raw.request(d, xid), xid, "OFFER", end)
    if off is None:
        return "no OFFER"
    if off["yiaddr"] != a.want_ip:
        return "OFFER of %s" % off["yiaddr"]
    q = types.SimpleNamespace(type="request", req_ip=off["yiaddr"],
                              server_id=off.get("opt54", a.server), **base)
    ack = ask(dhcp_raw.request(q, xid), xid, "ACK", end)
    if ack is None:
        return "no ACK"
    return None if ack["yiaddr"] == a.want_ip else "ACK of %s" % ack["yiaddr"]


def tftp_check(a, n):
    out = os.path.join(a.workdir, "legit-tftp.%d" % n)
    try:
        p = subprocess.run(["tftp", a.server, str(a.tftp_port), "-m",
                            "binary", "-c", "get", a.tftp_file, out],
                           capture_output=True, timeout=a.hard_limit)
        if p.returncode != 0 or p.stderr.strip():
            return "tftp: rc %d %s" % (p.returncode,
                                       p.stderr.decode(errors="replace")
                                       .strip()[:100])
        with open(out, "rb") as f, open(a.ref, "rb") as g:
            return None if f.read() == g.read() else "content differs"
    except subprocess.TimeoutExpired:
        return "tftp: no answer in %g s" % a.hard_limit
    except OSError as e:
        return "tftp: %s" % e
    finally:
        if os.path.exists(out):
            os.unlink(out)


def http_check(a, n):
    """GET of one of --http-paths in turn; a path "POST:/status/H" posts
    stage legit-<n> for host H (printed as "posted" when answered 200)."""
    paths = a.http_paths.split(",")
    path = paths[n % len(paths)]
    args = ["curl", "-fsS", "--max-time", str(a.hard_limit)]
    post = path.startswith("POST:")
    if post:
        path = path[5:]
        args += ["--data", "stage=legit-%d&detail=chaos+legit+check" % n]
    url = "http://%s:%d%s" % (a.server, a.http_port, path)
    try:
        p = subprocess.run(args + [url], capture_output=True,
                           timeout=a.hard_limit + 1)
    except subprocess.TimeoutExpired:
        return "curl hung"
    if p.returncode != 0:
        return "curl %s: rc %d %s" % (path, p.returncode,
                                      p.stderr.decode(errors="replace")
                                      .strip()[:100])
    if post:
        print("posted stage=legit-%d" % n, flush=True)
        return None
    if path.startswith("/files/"):
        with open(a.ref, "rb") as g:
            return None if p.stdout == g.read() else "content differs"
    return None if a.http_expect.encode() in p.stdout else \
        "%s: unexpected body" % path


def legit_kind(a, kind, results, lock, stop):
    s = dhcp_raw.sock(a.dev) if kind == "dhcp" else None
    t0 = time.monotonic()
    n = 0
    while n < a.count and time.monotonic() - t0 < a.secs and \
            not stop.is_set():
        start = time.monotonic()
        try:
            if kind == "dhcp":
                err = dhcp_check(a, s)
            elif kind == "tftp":
                err = tftp_check(a, n)
            else:
                err = http_check(a, n)
        except Exception as e:
            err = "check failed: %r" % e
        lat = time.monotonic() - start
        if err is None and lat > a.limit:
            err = "slow"
        with lock:
            results[kind].append((lat, err))
            print("check %s %d %s %.3f%s" % (
                kind, n, "ok" if err is None else "FAIL", lat,
                "" if err is None else " " + err), flush=True)
        n += 1
        # The next check on the next whole second since the start.
        nxt = t0 + n * a.period
        stop.wait(max(0, nxt - time.monotonic()))


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else 0


def cmd_legit(a):
    results = {"dhcp": [], "tftp": [], "http": []}
    lock = threading.Lock()
    stop = threading.Event()
    ts = [threading.Thread(target=legit_kind, args=(a, k, results, lock,
                                                    stop), daemon=True)
          for k in results]
    for t in ts:
        t.start()
    for t in ts:
        t.join(a.secs + 3 * a.hard_limit + 5)
    stop.set()
    rc = 0
    total_ok = total = 0
    for k, r in results.items():
        good = [lat for lat, err in r if err is None]
        lats = [lat for lat, _ in r]
        total_ok += len(good)
        total += len(r)
        ratio = len(good) / len(r) if r else 0
        why = collections.Counter(err for _, err in r if err)
        print("legit %s: %d/%d within %g s (%.0f%%); latency p50 %.3f "
              "p95 %.3f max %.3f s%s" % (
                  k, len(good), len(r), a.limit, 100 * ratio,
                  pct(lats, 0.5), pct(lats, 0.95), max(lats or [0]),
                  "; failures: " + ", ".join("%s x%d" % (e[:60], c)
                                             for e, c in why.most_common(4))
                  if why else ""), flush=True)
        if ratio < a.min_ratio:
            rc = 1
    print("legit all: %d/%d" % (total_ok, total), flush=True)
    return rc


# --- Replay -------------------------------------------------------------

def cmd_replay(a):
    """Sends a dump's entries again (frames raw, datagrams and requests
    from this namespace's own address)."""
    raw = raw_sock(a.dev)
    with open(a.dump) as f:
        entries = [json.loads(x) for x in f if x.strip()]
    last = None
    for e in entries[:10000]:
        if last is not None:
            time.sleep(min(0.5, max(0, e["t"] - last)))
        last = e["t"]
        data = bytes.fromhex(e["hex"])
        host, port = e["dst"].rsplit(":", 1)
        print("%8.3f %-7s %-6s %s -> %s %s (%d bytes)" % (
            e["t"], e["worker"], e["kind"], e["src"], e["dst"], e["note"],
            len(data)))
        try:
            if e["kind"] == "frame":
                raw.send(data)
            elif e["kind"] == "udp":
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
                u.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                             a.dev.encode())
                u.sendto(data, (host, int(port)))
                u.close()
            else:
                t = socket.create_connection((host, int(port)), 2)
                t.sendall(data)
                t.close()
        except OSError as x:
            print("   %s" % x)
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["load", "legit", "replay"])
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--secs", type=float, default=60)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--dev", required=True)
    p.add_argument("--server", default="10.213.0.2")
    p.add_argument("--server-mac", default="ff:ff:ff:ff:ff:ff")
    p.add_argument("--http-port", type=int, default=80)
    p.add_argument("--tftp-port", type=int, default=69)
    p.add_argument("--src-ips", default="")
    p.add_argument("--files", default="legit.bin")
    p.add_argument("--hosts", default="")
    p.add_argument("--macs", default="")
    p.add_argument("--bootd-pid", type=int, default=0)
    p.add_argument("--dump")
    p.add_argument("--mac")
    p.add_argument("--want-ip")
    p.add_argument("--tftp-file", default="legit.bin")
    p.add_argument("--ref")
    p.add_argument("--http-paths", default="/healthz")
    p.add_argument("--http-expect", default="")
    p.add_argument("--workdir", default="/tmp")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--period", type=float, default=1.0)
    p.add_argument("--limit", type=float, default=2.0)
    p.add_argument("--hard-limit", type=float, default=5.0)
    p.add_argument("--min-ratio", type=float, default=0.9)
    a = p.parse_args()
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1 << 31)
    return {"load": cmd_load, "legit": cmd_legit,
            "replay": cmd_replay}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
