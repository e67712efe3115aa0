#!/usr/bin/env python3
"""Raw TFTP packets against a server on loopback, for what real clients
never send: malformed requests, strangers' packets, the UEFI tsize probe.
Usage: tftp_raw.py PORT CHECK   (exit 0 when the check passes)"""
import socket
import struct
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])


def sock(timeout=2.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    s.settimeout(timeout)
    return s


def rrq(name, mode=b"octet", opts=()):
    p = struct.pack("!H", 1) + name + b"\0" + mode + b"\0"
    for k, v in opts:
        p += k + b"\0" + v + b"\0"
    return p


def recv(s):
    try:
        return s.recvfrom(70000)
    except socket.timeout:
        return None, None


def fetch(name, opts=()):
    """Plain lock-step download; returns the bytes."""
    s = sock()
    s.sendto(rrq(name, opts=opts), (HOST, PORT))
    data, expect, blksize = b"", 1, 512
    for k, v in opts:
        if k == b"blksize":
            blksize = int(v)
    while True:
        pkt, peer = recv(s)
        assert pkt is not None, "timeout"
        op = struct.unpack("!H", pkt[:2])[0]
        if op == 6:
            s.sendto(struct.pack("!HH", 4, 0), peer)
            continue
        assert op == 3, "unexpected opcode %d: %r" % (op, pkt[:40])
        blk = struct.unpack("!H", pkt[2:4])[0]
        if blk == expect & 0xFFFF:
            data += pkt[4:]
            expect += 1
        s.sendto(struct.pack("!HH", 4, blk), peer)
        if len(pkt) - 4 < blksize:
            return data


def rest(a, tid, got, expect):
    """ACKs block 1 from socket a to tid and takes small.bin's remaining
    blocks, each from tid only; checks the whole file arrived."""
    a.sendto(struct.pack("!HH", 4, 1), tid)
    while True:
        pkt, peer = recv(a)
        assert pkt is not None and peer == tid
        blk = struct.unpack("!H", pkt[2:4])[0]
        if blk == expect:
            got += pkt[4:]
            expect += 1
        a.sendto(struct.pack("!HH", 4, blk), peer)
        if len(pkt) < 516:
            break
    assert len(got) == 100000, len(got)


def malformed():
    s = sock(0.3)
    bad = [
        b"", b"\0", b"\0\1", b"\0\1abc", b"\0\1abc\0", b"\0\1abc\0octet",
        b"\0\1abc\0mail\0", b"\0\1\0octet\0", b"\0\x09junk\0octet\0",
        b"\0\4\0\1", b"\0\3\0\1data", b"\0\5\0\1oops\0", b"\0\6blksize\0",
        rrq(b"a", opts=[(b"blksize", b"x" * 300)]),
        rrq(b"a", opts=[(b"o%d" % i, b"1") for i in range(3000)])[:65000],
        rrq(b"x" * 1000), b"\xff" * 65000,
        rrq(b"small.bin", opts=[(b"blksize", b"1468")])[:-1],
    ]
    for p in bad:
        s.sendto(p, (HOST, PORT))
    # Whatever came back must be ERROR packets, never a crash.
    while True:
        pkt, _ = recv(s)
        if pkt is None:
            break
        assert pkt[:2] in (b"\0\5", b"\0\6", b"\0\3"), pkt[:20]
    assert len(fetch(b"small.bin")) == 100000


def wrong_tid():
    a, b = sock(), sock()
    a.sendto(rrq(b"small.bin"), (HOST, PORT))
    pkt, tid = recv(a)
    assert pkt[:4] == b"\0\3\0\1"
    b.sendto(struct.pack("!HH", 4, 1), tid)       # a stranger's ACK
    err, _ = recv(b)
    assert err is not None and err[:4] == b"\0\5\0\5", err
    got, expect = pkt[4:], 2
    rest(a, tid, got, expect)


def tsize_probe():
    """UEFI: RRQ with tsize, read the OACK, ERROR 8, then the real RRQ."""
    s = sock()
    s.sendto(rrq(b"small.bin", opts=[(b"tsize", b"0"), (b"blksize", b"1468")]),
             (HOST, PORT))
    pkt, tid = recv(s)
    assert pkt[:2] == b"\0\6" and b"tsize\x00100000\x00" in pkt, pkt
    s.sendto(struct.pack("!HH", 5, 8) + b"abort\0", tid)
    assert len(fetch(b"small.bin", opts=[(b"blksize", b"1468")])) == 100000


def dup_acks():
    """Duplicate ACKs must not make the server send anything twice."""
    s = sock()
    s.sendto(rrq(b"small.bin"), (HOST, PORT))
    seen, expect = {}, 1
    while True:
        pkt, tid = recv(s)
        assert pkt is not None
        blk = struct.unpack("!H", pkt[2:4])[0]
        seen[blk] = seen.get(blk, 0) + 1
        if blk == expect:
            expect += 1
        for _ in range(3):
            s.sendto(struct.pack("!HH", 4, blk), tid)
        if len(pkt) < 516:
            break
    s.settimeout(0.3)
    extra, _ = recv(s)
    assert extra is None, "data after the end"
    assert max(seen.values()) == 1, "a block was sent twice"


def oversized():
    """From the client's own address, a 1,400-byte datagram starting like
    an ACK of block 1 (larger than any ACK or ERROR) mid-transfer: it must
    not count as that ACK (block 2 is not sent for it; block 1 comes again
    on the server's timer), and the transfer still completes."""
    a = sock()
    a.sendto(rrq(b"small.bin"), (HOST, PORT))
    pkt, tid = recv(a)
    assert pkt[:4] == b"\0\3\0\1", pkt
    got = pkt[4:]
    a.sendto(struct.pack("!HH", 4, 1) + b"\xff" * 1396, tid)
    pkt, peer = recv(a)
    assert pkt is not None and peer == tid
    assert pkt[:4] == b"\0\3\0\1", ("answered the oversized ACK", pkt[:4])
    expect = 2
    rest(a, tid, got, expect)


def steady():
    """A slow but steady client (each ACK 4 ms after its block, far below
    the 20 ms retransmit floor) fetching small.bin (196 blocks, about a
    second): the server must not resend a block whose ACK is not yet due.
    A retransmit timer left at the time set for an earlier block would
    fire every 20 ms or so and resend the block in flight: dozens of
    duplicates. A few are allowed for a loaded machine."""
    import time
    s = sock()
    s.sendto(rrq(b"small.bin"), (HOST, PORT))
    got, dups, expect = b"", 0, 1
    while True:
        pkt, tid = recv(s)
        assert pkt is not None, "timeout"
        blk = struct.unpack("!H", pkt[2:4])[0]
        if blk == expect:
            got += pkt[4:]
            expect += 1
        else:
            dups += 1
            continue
        time.sleep(0.004)
        s.sendto(struct.pack("!HH", 4, blk), tid)
        if len(pkt) < 516:
            break
    assert len(got) == 100000, len(got)
    assert dups <= 4, "%d blocks resent to a steady client" % dups
    print("steady: %d blocks, %d resent" % (expect - 1, dups))


CHECKS = {"malformed": malformed, "wrong_tid": wrong_tid,
          "tsize_probe": tsize_probe, "dup_acks": dup_acks,
          "oversized": oversized, "steady": steady}
CHECKS[sys.argv[2]]()
print("ok:", sys.argv[2])
