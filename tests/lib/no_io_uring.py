#!/usr/bin/python3
"""Runs a command under a seccomp filter that makes io_uring_setup(2) fail
with EPERM, as container runtimes' default profiles (Docker, Podman) and
systemd units without @io-uring do; everything else is allowed.

    no_io_uring.py CMD [ARG...]
"""
import errno
import os
import sys

import seccomp  # Debian's python3-seccomp (libseccomp)

if len(sys.argv) < 2:
    sys.exit("usage: no_io_uring.py CMD [ARG...]")
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
for call in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
    f.add_rule(seccomp.ERRNO(errno.EPERM), call)
f.load()
os.execvp(sys.argv[1], sys.argv[1:])
