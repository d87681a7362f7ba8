#!/usr/bin/env python3
"""Hostile and odd clients of hsu-pulse-filter for tests/pulse.sh.

Each subcommand connects to the filter's socket, misbehaves in one way and
exits 0 when the filter reacted as it should, 1 otherwise (with a line on
stderr). Every wait is bounded.
"""
import os
import socket
import struct
import subprocess
import sys
import time

TIMEOUT = 3.0
CONTROL = 0xFFFFFFFF


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)  # blocking: waits while the filter's backlog is full
    s.settimeout(TIMEOUT)
    return s


def closed_by_peer(s):
    """True when the peer closes the connection within TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            if s.recv(65536) == b"":
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def frame(channel, flags, payload, length=None):
    n = len(payload) if length is None else length
    return struct.pack(">5I", n, channel, 0, 0, flags) + payload


def u32(v):
    return b"L" + struct.pack(">I", v)


def expect_dropped(path, data, what):
    s = connect(path)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        return 0
    if closed_by_peer(s):
        return 0
    print(f"pulse_client: the filter kept a client that sent {what}", file=sys.stderr)
    return 1


def cmd_garbage(path):
    return expect_dropped(path, os.urandom(8) + b"\x00" * 12 + b"garbage" * 100, "garbage")


def cmd_huge(path):
    # A control packet that claims 2 GiB: refused from its descriptor alone.
    return expect_dropped(path, frame(CONTROL, 0, b"", length=0x7FFFFFFF), "a 2 GiB frame")


def cmd_shm(path):
    # A memblock that refers to shared memory (PA_FLAG_SHMDATA).
    return expect_dropped(path, frame(0, 0x80000000, b"\x00" * 16), "an SHM memblock")


def cmd_notag(path):
    return expect_dropped(path, frame(CONTROL, 0, b"tjunk\x00"), "a packet without a tag")


def cmd_passfd(path):
    """Passes the write end of a pipe: the filter must close its copy, so
    the read end sees end-of-file once ours is closed too."""
    r, w = os.pipe()
    s = connect(path)
    payload = frame(CONTROL, 0, u32(13) + u32(1))  # STAT, tag 1
    s.sendmsg([payload], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("i", w))])
    os.close(w)
    os.set_blocking(r, False)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            if os.read(r, 1) == b"":
                return 0
        except BlockingIOError:
            time.sleep(0.05)
    print("pulse_client: the filter kept a passed file descriptor open", file=sys.stderr)
    return 1


def cmd_flood(path, total, limit):
    """Opens total connections: all but limit are closed at once."""
    socks = [connect(path) for _ in range(int(total))]
    time.sleep(0.5)
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except ConnectionResetError:
            closed += 1
    want = int(total) - int(limit)
    if closed != want:
        print(f"pulse_client: {closed} of {total} connections closed, want {want}", file=sys.stderr)
        return 1
    return 0


def cmd_syncfd(filter_bin, upstream, listen):
    """Runs the filter with --sync-fd 5 (a pipe's write end): one byte once
    it listens; it exits 0 when the read end is closed."""
    r, w = os.pipe()
    os.dup2(w, 5)
    os.close(w)
    p = subprocess.Popen([filter_bin, "--upstream", upstream, "--listen", listen, "--sync-fd", "5"],
                         pass_fds=(5,))
    os.close(5)
    os.set_blocking(r, True)
    import select
    ready, _, _ = select.select([r], [], [], TIMEOUT)
    byte = os.read(r, 1) if ready else b""
    if byte != b"x" or not os.path.exists(listen):
        print(f"pulse_client: no ready byte or socket (got {byte!r})", file=sys.stderr)
        p.kill()
        return 1
    os.close(r)
    try:
        rc = p.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        print("pulse_client: the filter did not exit when its sync fd's peer closed", file=sys.stderr)
        return 1
    if rc != 0:
        print(f"pulse_client: the filter exited with {rc}", file=sys.stderr)
        return 1
    return 0


def main():
    cmds = {"garbage": cmd_garbage, "huge": cmd_huge, "shm": cmd_shm, "notag": cmd_notag,
            "passfd": cmd_passfd, "flood": cmd_flood, "syncfd": cmd_syncfd}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        print("usage: pulse_client.py garbage|huge|shm|notag|passfd|flood|syncfd ARGS...", file=sys.stderr)
        return 2
    return cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
