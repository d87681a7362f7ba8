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


def read_frame(s):
    """One whole frame: (channel, flags, payload)."""
    hdr = b""
    while len(hdr) < 20:
        chunk = s.recv(20 - len(hdr))
        if not chunk:
            raise EOFError
        hdr += chunk
    length, channel, _, _, flags = struct.unpack(">5I", hdr)
    payload = b""
    while len(payload) < length:
        chunk = s.recv(length - len(payload))
        if not chunk:
            raise EOFError
        payload += chunk
    return channel, flags, payload


def cmd_fakeserver(filter_bin, workdir, cookie_file):
    """Plays the server: checks the AUTH the filter forwards (flags cleared,
    the --cookie substituted), sets shm and memfd in its reply (the client
    must not see them), passes a descriptor (the filter must close it), then
    offers an srbchannel (the filter must drop the connection)."""
    up_path, listen = os.path.join(workdir, "fake-upstream"), os.path.join(workdir, "fake-filter")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(up_path)
    srv.listen(4)
    srv.settimeout(TIMEOUT)
    p = subprocess.Popen([filter_bin, "--upstream", up_path, "--listen", listen, "--cookie", cookie_file])
    try:
        deadline = time.monotonic() + TIMEOUT
        while not os.path.exists(listen) and time.monotonic() < deadline:
            time.sleep(0.02)
        return fake_session(srv, listen, open(cookie_file, "rb").read())
    finally:
        p.terminate()
        p.wait(TIMEOUT)


def fail(msg):
    print(f"pulse_client: {msg}", file=sys.stderr)
    return 1


def fake_session(srv, listen, cookie):
    client = connect(listen)
    auth = u32(8) + u32(1) + u32(35 | 0xC0000000) + b"x" + struct.pack(">I", 256) + b"\xee" * 256
    client.sendall(frame(CONTROL, 0, auth))
    server, _ = srv.accept()
    server.settimeout(TIMEOUT)
    channel, flags, payload = read_frame(server)
    want = u32(8) + u32(1) + u32(35) + b"x" + struct.pack(">I", 256) + cookie
    if channel != CONTROL or flags != 0 or payload != want:
        return fail(f"the server got AUTH {payload[:20].hex()}... not the rewritten one")
    r, w = os.pipe()
    reply = frame(CONTROL, 0, u32(2) + u32(1) + u32(35 | 0xC0000000))
    server.sendmsg([reply], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("i", w))])
    os.close(w)
    channel, flags, payload = read_frame(client)
    if payload != u32(2) + u32(1) + u32(35):
        return fail(f"the client got the AUTH reply {payload.hex()}, flags not cleared")
    os.set_blocking(r, False)
    try:
        if os.read(r, 1) != b"":
            return fail("the descriptor the server passed was not closed")
    except BlockingIOError:
        return fail("the descriptor the server passed was kept open")
    server.sendall(frame(CONTROL, 0, u32(101) + u32(0xFFFFFFFF) + u32(0)))  # ENABLE_SRBCHANNEL
    if not closed_by_peer(client):
        return fail("the filter kept a connection whose server offered an srbchannel")
    return 0


def main():
    cmds = {"garbage": cmd_garbage, "huge": cmd_huge, "shm": cmd_shm, "notag": cmd_notag,
            "passfd": cmd_passfd, "flood": cmd_flood, "syncfd": cmd_syncfd,
            "fakeserver": cmd_fakeserver}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        print("usage: pulse_client.py garbage|huge|shm|notag|passfd|flood|syncfd|fakeserver ARGS...", file=sys.stderr)
        return 2
    return cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
