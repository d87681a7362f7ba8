#!/usr/bin/env python3
"""Encodes a plan (docs/plan-format.md) from JSON, for tests without the Java launcher.

usage: mkplan.py OUT < spec.json

spec: {"seccomp": {...}, "landlock": {...},
       "instance": {"id": "0123456789abcdef", "dir": "/run/user/1000/hsu/0123456789abcdef",
                    "app_id": "org.x", "name": "X", "profile": "/p.yaml", "grants": 0},
       "wayland": {"flags": 0, "compositor": "/run/user/1000/wayland-1", "socket": ".../wayland-0", "app_id": "org.x"},
       "proxies": [{"flags": 0, "sync_fd": 3, "ready": ".../bus", "timeout_ms": 5000, "plan": {<a spec>}}],
       "uid": 1000, "gid": 1000, "flags": 0, "hostname": "hsu", "cwd": "/",
       "argv": [...], "env": [...], "wait_delay_ms": 500,
       "ops": [{"op": "auto_root", "host": "/", "flags": 0, "exclude": []}, ...]}
Op fields are named as in the doc; missing ones take the defaults below.
"""
import json
import struct
import sys

TAGS = {"params": 1, "auto_root": 16, "auto_etc": 17, "bind": 18, "tmpfs": 19, "overlay": 20,
        "mkdir": 21, "place": 22, "symlink": 23, "proc": 24, "dev": 25, "remount": 26,
        "daemon": 27, "sysfs": 33, "end": 0xFFFF}


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def s(v):
    b = v.encode() if isinstance(v, str) else bytes(v)
    return u32(len(b)) + b


def strs(vs):
    return u32(len(vs)) + b"".join(s(v) for v in vs)


def record(tag, payload):
    return struct.pack("<HHI", tag, 0, len(payload)) + payload


def op_payload(o):
    k = o["op"]
    g = o.get
    if k == "auto_root":
        return s(g("host", "/")) + u32(g("flags", 0)) + strs(g("exclude", []))
    if k == "auto_etc":
        return s(g("host", "/etc")) + strs(g("only", [])) + strs(g("skip", []))
    if k == "bind":
        return s(o["source"]) + s(g("target", o["source"])) + u32(g("flags", 0))
    if k == "tmpfs":
        return s(o["target"]) + u64(g("size", 0)) + u32(g("mode", 0o755)) + u32(g("flags", 0))
    if k == "overlay":
        return (s(o["target"]) + u32(o["flags"]) + s(g("upper", "")) + s(g("work", ""))
                + strs(o["lowers"]))
    if k == "mkdir":
        return s(o["target"]) + u32(g("mode", 0o755))
    if k == "place":
        return s(o["target"]) + u32(g("mode", 0o644)) + s(o["data"])
    if k == "symlink":
        return s(o["target"]) + s(o["link_name"]) + u32(g("flags", 0))
    if k == "proc":
        return s(g("target", "/proc"))
    if k == "sysfs":
        return s(g("target", "/sys"))
    if k == "dev":
        return s(g("target", "/dev")) + u32(g("flags", 0))
    if k == "remount":
        return s(o["target"]) + u32(g("flags", 1))
    if k == "daemon":
        return s(o["ready"]) + u64(g("timeout_ms", 5000)) + strs(o["argv"]) + strs(g("env", []))
    raise SystemExit("unknown op " + k)


def encode(spec):
    params = (u32(spec.get("uid", 1000)) + u32(spec.get("gid", 1000)) + u32(spec.get("flags", 0))
              + s(spec.get("hostname", "hsu")) + s(spec.get("cwd", "/")) + strs(spec["argv"])
              + strs(spec.get("env", ["PATH=/usr/local/bin:/usr/bin:/bin"]))
              + u64(spec.get("wait_delay_ms", 500)))
    body = record(TAGS["params"], params)
    if "seccomp" in spec:
        sc = spec["seccomp"]
        fam = sc.get("families", [])
        deny = sc.get("deny", [])
        body += record(28, u32(sc.get("presets", 0)) + u32(sc.get("relax", 0)) + u32(len(fam))
                       + b"".join(u32(f) for f in fam) + u32(len(deny))
                       + b"".join(s(n) + u32(e) for n, e in deny))
    if "landlock" in spec:
        ll = spec["landlock"]
        fs = ll.get("fs", [])
        net = ll.get("net", [])
        body += record(29, u32(ll.get("flags", 0)) + u32(len(fs))
                       + b"".join(s(p) + u64(a) for p, a in fs) + u32(len(net))
                       + b"".join(u32(p) + u64(a) for p, a in net))
    if "instance" in spec:
        ins = spec["instance"]
        body += record(30, s(ins["id"]) + s(ins["dir"]) + s(ins.get("app_id", "org.example.App"))
                       + s(ins.get("name", "Example")) + s(ins.get("profile", ""))
                       + u32(ins.get("grants", 0)))
    if "wayland" in spec:
        wl = spec["wayland"]
        body += record(31, u32(wl.get("flags", 0)) + s(wl["compositor"]) + s(wl["socket"])
                       + s(wl.get("app_id", "org.example.App")))
    for px in spec.get("proxies", []):
        nested = px["plan"] if isinstance(px["plan"], (bytes, bytearray)) else encode(px["plan"])
        body += record(32, u32(px.get("flags", 0)) + u32(px.get("sync_fd", 3)) + s(px["ready"])
                       + u64(px.get("timeout_ms", 5000)) + s(nested))
    for o in spec.get("ops", []):
        body += record(TAGS[o["op"]], op_payload(o))
    body += record(TAGS["end"], b"")
    return b"HSUPLAN\0" + u32(2) + u32(len(body)) + body


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    data = encode(json.load(sys.stdin))
    with open(sys.argv[1], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
