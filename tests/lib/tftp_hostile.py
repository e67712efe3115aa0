#!/usr/bin/env python3
"""Hostile TFTP peers against a bootd on loopback (tests 52-tftp-hostile):
requests that are never acknowledged, a file changed under a transfer, a
flood of refused requests. Every loop is bounded in count and in time.
Sources are 127.0.0.1 or other 127.0.0.x addresses: all local.
Usage: tftp_hostile.py PORT CHECK ARGS...   (exit 0 when the check passes)
  abandon ROOT NAME   1,024 RRQs with timeout=255 from 16 addresses, never
                      ACKed; a tftp-hpa fetch of NAME within 2 s; no packet
                      after first_ack_timeout (5 s); the same addresses are
                      served again after it
  changed PATH NAME MODE
                      MODE lockstep: blksize 512, one slow ACK per block,
                      the file truncated after 5 blocks; MODE rewrite: the
                      same, rewritten in place (same size) instead; MODE
                      tail: the same after block 70, for a file of 79
                      blocks (only the check before the last block can see
                      it); MODE window: blksize 1468 windowsize 8, rewritten in place
                      after 3 windows. With "shared" after MODE, a second
                      transfer of the file is held open meanwhile (bootd
                      then sends from the file's mapping, not a read-ahead
                      copy). Every way the client must get
                      ERROR 0 "file changed" within 32 KiB (bootd checks the
                      file once per 32 KiB a transfer sends, and before its
                      last block) and never the end of the file
  flood N             N refused RRQs with long junk names from one socket
"""
import os
import random
import resource
import selectors
import socket
import struct
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
FIRST_ACK = 5.0		# tftp.first_ack_timeout, the default
PER_CLIENT = 16		# tftp.max_per_client, the default


def rrq(name, opts=()):
    p = struct.pack("!H", 1) + name + b"\0octet\0"
    for k, v in opts:
        p += k + b"\0" + v + b"\0"
    return p


def opcode(pkt):
    return struct.unpack("!H", pkt[:2])[0] if len(pkt) >= 2 else -1


def error_of(pkt):
    """(code, message) of an ERROR packet."""
    code = struct.unpack("!H", pkt[2:4])[0]
    return code, pkt[4:].split(b"\0", 1)[0]


def burst(socks, name):
    """One abandoned RRQ from each socket; returns the send time."""
    t = time.monotonic()
    for i, s in enumerate(socks):
        s.sendto(rrq(name, [(b"timeout", b"255"), (b"tsize", b"0")]),
                 (HOST, PORT))
        if i % 32 == 31:	# within the listener's receive buffer
            time.sleep(0.003)
    return t


def retry_unanswered(socks, sel, name, seen, rounds=3):
    """Resends the RRQ of sockets with no answer yet, as a client would:
    on a loaded machine the listener's receive queue may drop some of a
    burst, which is the kernel's loss, not a slot bootd holds."""
    for _ in range(rounds):
        lost = [s for s in socks if s not in seen]
        if not lost:
            return
        for s in lost:
            s.sendto(rrq(name, [(b"timeout", b"255"), (b"tsize", b"0")]),
                     (HOST, PORT))
            time.sleep(0.001)
        collect(sel, time.monotonic() + 0.2, seen)


def collect(sel, until, seen):
    """Reads every socket until `until`; seen[sock] gets (time, pkt, peer)."""
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return
        for key, _ in sel.select(min(left, 0.2)):
            s = key.fileobj
            while True:
                try:
                    pkt, peer = s.recvfrom(2048)
                except BlockingIOError:
                    break
                seen.setdefault(s, []).append((time.monotonic(), pkt, peer))


def tally(seen, socks):
    """Per address: sockets whose first answer was an OACK, or busy."""
    oack, busy, other = {}, {}, []
    for s in socks:
        ip = s.getsockname()[0]
        got = seen.get(s, [])
        if not got:
            other.append((ip, "nothing"))
            continue
        pkt = got[0][1]
        if opcode(pkt) == 6:
            oack[ip] = oack.get(ip, 0) + 1
            assert b"timeout\0" not in pkt.lower(), \
                "timeout=255 acknowledged: %r" % pkt
        elif opcode(pkt) == 5 and error_of(pkt) == (0, b"server busy, try again"):
            busy[ip] = busy.get(ip, 0) + 1
        else:
            other.append((ip, pkt[:40]))
    return oack, busy, other


def abandon(root, name):
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE,
                       (min(4096, nofile[1]), nofile[1]))
    addrs = ["127.0.0.%d" % (10 + i) for i in range(16)]
    socks, sel = [], selectors.DefaultSelector()
    for ip in addrs:
        for _ in range(64):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((ip, 0))
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            socks.append(s)
    seen = {}
    t0 = burst(socks, name)
    # Until every request has its answer: a request of the legitimate
    # client dropped with the burst by a full receive queue would cost it
    # its own 5 s retransmission timeout.
    for _ in range(50):
        collect(sel, time.monotonic() + 0.02, seen)
        if len(seen) == len(socks):
            break
    retry_unanswered(socks, sel, name, seen)

    # A legitimate client, from an address of its own, within 2 s.
    with tempfile.TemporaryDirectory() as d:
        ts = time.monotonic()
        r = subprocess.run(["tftp", HOST, str(PORT), "-m", "binary", "-c",
                            "get", name.decode(), "got"], cwd=d,
                           capture_output=True, timeout=10)
        took = time.monotonic() - ts
        with open(os.path.join(d, "got"), "rb") as f:
            got = f.read() if r.returncode == 0 else b""
    with open(os.path.join(root, name.decode()), "rb") as f:
        want = f.read()
    assert r.returncode == 0 and got == want, \
        "tftp-hpa failed while abandoned: %r" % (r.stdout + r.stderr)
    assert took < 2.0, "tftp-hpa took %.2f s" % took
    print("legitimate tftp-hpa fetch took %.2f s, %.2f s after the burst"
          % (took, time.monotonic() - t0))

    collect(sel, t0 + FIRST_ACK + 1.0, seen)
    oack, busy, other = tally(seen, socks)
    assert not other, "unexpected answers: %r" % other[:5]
    assert all(oack.get(ip) == PER_CLIENT for ip in addrs), \
        "OACKs per address: %r" % oack
    assert all(busy.get(ip) == 64 - PER_CLIENT for ip in addrs), busy
    last = max(t for got in seen.values() for t, _, _ in got) - t0
    resends = sum(len(got) - 1 for got in seen.values())
    # Resends (at 1 s and 3 s) stop before the first-ACK deadline.
    assert last < FIRST_ACK - 0.5, "a packet %.2f s after the burst" % last
    assert resends <= 2 * sum(oack.values()), "%d resends" % resends
    print("burst 1: %d OACKs without timeout, %d busy, %d resends, last "
          "packet at %.2f s" % (sum(oack.values()), sum(busy.values()),
                                resends, last))

    # The same addresses again: the slots are free.
    seen = {}
    t1 = burst(socks, name)
    collect(sel, t1 + 0.7, seen)
    retry_unanswered(socks, sel, name, seen)
    oack, busy, other = tally(seen, socks)
    assert all(oack.get(ip) == PER_CLIENT for ip in addrs), \
        "burst 2 at %.2f s, OACKs per address: %r" % (t1 - t0, oack)
    # End them (UEFI style) so that bootd stops without waiting.
    for s, got in seen.items():
        if opcode(got[0][1]) == 6:
            s.sendto(struct.pack("!HH", 5, 0) + b"bye\0", got[0][2])
    print("burst 2 at %.2f s: %d OACKs, %d busy" %
          (t1 - t0, sum(oack.values()), sum(busy.values())))


def changed(path, name, mode, shared=""):
    if shared:
        # A second transfer of the file that never ACKs holds it open
        # (first_ack_timeout, 5 s): the file is shared, and bootd sends
        # the first one's blocks from its mapping.
        holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        holder.bind((HOST, 0))
        holder.sendto(rrq(name, [(b"blksize", b"512")]), (HOST, PORT))
        holder.settimeout(3.0)
        holder.recvfrom(70000)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    s.settimeout(3.0)
    if mode in ("lockstep", "rewrite", "tail"):
        opts, blksize, window = [(b"blksize", b"512")], 512, 1
    else:
        opts, blksize, window = [(b"blksize", b"1468"),
                                 (b"windowsize", b"8")], 1468, 8
    s.sendto(rrq(name, opts), (HOST, PORT))
    expect, changed_at, end = 1, None, time.monotonic() + 30
    for _ in range(20000):
        assert time.monotonic() < end, "no end in 30 s"
        pkt, tid = s.recvfrom(70000)
        op = opcode(pkt)
        if op == 6:
            s.sendto(struct.pack("!HH", 4, 0), tid)
            continue
        if op == 5:
            code, msg = error_of(pkt)
            assert changed_at is not None, "error before the change"
            assert (code, msg) == (0, b"file changed"), (code, msg)
            late = (expect - 1 - changed_at) * blksize
            assert late <= 32768 + 8 * blksize, \
                "%d bytes sent after the change" % late
            print("%s: ERROR 0 \"file changed\" after block %d (changed "
                  "after block %d)" % (mode, expect - 1, changed_at))
            return
        assert op == 3, pkt[:20]
        blk = struct.unpack("!H", pkt[2:4])[0]
        assert len(pkt) - 4 == blksize, "the transfer ended without error"
        if blk != expect & 0xFFFF:
            continue
        expect += 1
        if blk % window:
            continue
        at = {"lockstep": 5, "rewrite": 5, "tail": 70}.get(mode, 24)
        if changed_at is None and blk == at:
            changed_at = blk
            if mode == "lockstep":
                os.truncate(path, 1000)
            else:
                size = os.path.getsize(path)
                with open(path, "r+b") as f:
                    f.write(os.urandom(size))
        time.sleep(0.01 if window == 1 else 0.05)	# a slow client
        s.sendto(struct.pack("!HH", 4, blk), tid)
    raise AssertionError("no error")


def flood(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    s.setblocking(False)
    rnd = random.Random(52)
    junk = bytes(range(0x21, 0x7f)) + bytes(range(0x80, 0x100))
    names = [bytes(rnd.choice(junk) for _ in range(200 + i % 55))
             for i in range(64)]
    names += [b"../" * 60 + b"etc/passwd", b"no/such/" + b"x" * 240]
    sent, t0 = 0, time.monotonic()
    for i in range(n):
        if time.monotonic() - t0 > 20:
            break
        try:
            s.sendto(rrq(names[i % len(names)]), (HOST, PORT))
            sent += 1
        except BlockingIOError:
            time.sleep(0.001)
        if i % 512 == 0:	# drain the ERROR answers now and then
            for _ in range(1024):
                try:
                    s.recv(2048)
                except BlockingIOError:
                    break
    # After a pause, one more of each reason: its line says how many
    # were held back.
    time.sleep(1.2)
    for name in names[-2:] + names[:1]:
        s.sendto(rrq(name), (HOST, PORT))
    time.sleep(0.2)
    print("flood: %d refused RRQs sent in %.2f s" % (sent,
                                                    time.monotonic() - t0))


CHECKS = {
    "abandon": lambda a: abandon(a[0], a[1].encode()),
    "changed": lambda a: changed(a[0], a[1].encode(), a[2], *a[3:]),
    "flood": lambda a: flood(int(a[0])),
}
CHECKS[sys.argv[2]](sys.argv[3:])
print("ok:", sys.argv[2])
