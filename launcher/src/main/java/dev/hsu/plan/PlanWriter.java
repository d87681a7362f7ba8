package dev.hsu.plan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes a {@link Plan} in the binary format of docs/plan-format.md (version 1). */
public final class PlanWriter {
  public static final int VERSION = 1;
  static final byte[] MAGIC = "HSUPLAN\0".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER_BYTES = 16;
  static final int TAG_PARAMS = 1;
  static final int TAG_SECCOMP = 28;
  static final int TAG_LANDLOCK = 29;
  static final int TAG_INSTANCE = 30;
  static final int TAG_WAYLAND = 31;
  static final int TAG_PROXY = 32;
  static final int TAG_END = 0xFFFF;

  static final int PARAMS_HOST_NET = 1;
  static final int PARAMS_KEEP_SESSION = 2;
  static final int BIND_WRITABLE = 1;
  static final int BIND_DEVICE = 2;
  static final int BIND_OPTIONAL = 4;
  static final int BIND_ENSURE = 8;
  static final int TMPFS_READ_ONLY = 1;
  static final int OVERLAY_EPHEMERAL = 1;
  static final int OVERLAY_PERSISTENT = 2;
  static final int OVERLAY_READ_ONLY = 4;
  static final int SYMLINK_DEREFERENCE = 1;
  static final int DEV_MQUEUE = 1;
  static final int DEV_WRITABLE = 2;
  static final int REMOUNT_READ_ONLY = 1;
  static final int REMOUNT_NOEXEC = 2;
  static final int REMOUNT_NODEV = 4;
  static final int WAYLAND_DIRECT = 1;

  private PlanWriter() {}

  /**
   * The plan's bytes.
   *
   * @throws IllegalArgumentException when the plan exceeds a limit of the format
   */
  public static byte[] write(Plan plan) {
    Buf body = new Buf();
    record(body, TAG_PARAMS, params(plan.params()));
    if (plan.seccomp() != null) {
      record(body, TAG_SECCOMP, seccomp(plan.seccomp()));
    }
    if (plan.landlock() != null) {
      record(body, TAG_LANDLOCK, landlock(plan.landlock()));
    }
    if (plan.instance() != null) {
      Buf b = new Buf();
      b.str(plan.instance().id());
      b.path(plan.instance().dir());
      record(body, TAG_INSTANCE, b);
    }
    if (plan.wayland() != null) {
      Wayland w = plan.wayland();
      Buf b = new Buf();
      b.u32(w.direct() ? WAYLAND_DIRECT : 0);
      b.path(w.compositor());
      b.path(w.socket());
      b.str(w.appId());
      record(body, TAG_WAYLAND, b);
    }
    for (Proxy px : plan.proxies()) {
      byte[] nested = write(px.plan());
      if (nested.length > Proxy.MAX_PLAN_BYTES) {
        throw new IllegalArgumentException(
            "the proxy's plan is " + nested.length + " bytes, more than the limit of "
                + Proxy.MAX_PLAN_BYTES);
      }
      Buf b = new Buf();
      b.u32(px.kind().flags);
      b.u32(px.syncFd());
      b.path(px.ready());
      b.u64(px.timeout().toMillis());
      b.u32(nested.length);
      b.raw(nested);
      record(body, TAG_PROXY, b);
    }
    for (Op op : plan.ops()) {
      record(body, op.tag(), payload(op));
      if (body.size() > Limits.MAX_PLAN_BYTES) {
        throw new IllegalArgumentException(
            "the plan is larger than the limit of " + Limits.MAX_PLAN_BYTES + " bytes");
      }
    }
    record(body, TAG_END, new Buf());
    long total = (long) HEADER_BYTES + body.size();
    if (total > Limits.MAX_PLAN_BYTES) {
      throw new IllegalArgumentException(
          "the plan is " + total + " bytes, more than the limit of " + Limits.MAX_PLAN_BYTES);
    }
    Buf out = new Buf();
    out.raw(MAGIC);
    out.u32(VERSION);
    out.u32(body.size());
    out.raw(body.bytes());
    return out.bytes();
  }

  private static void record(Buf body, int tag, Buf payload) {
    body.u16(tag);
    body.u16(0);
    body.u32(payload.size());
    body.raw(payload.bytes());
  }

  private static Buf params(Params p) {
    Buf b = new Buf();
    b.u32(p.uid());
    b.u32(p.gid());
    b.u32((p.hostNet() ? PARAMS_HOST_NET : 0) | (p.keepSession() ? PARAMS_KEEP_SESSION : 0));
    b.str(p.hostname());
    b.path(p.cwd());
    b.strs(p.argv());
    b.strs(p.envList());
    b.u64(p.waitDelay().toMillis());
    return b;
  }

  private static Buf seccomp(Seccomp s) {
    Buf b = new Buf();
    b.u32(s.presetBits());
    b.u32(s.relaxBits());
    b.u32(s.families().size());
    for (int f : s.families()) {
      b.u32(f);
    }
    b.u32(s.deny().size());
    for (Seccomp.Deny d : s.deny()) {
      b.str(d.syscall());
      b.u32(d.errno());
    }
    return b;
  }

  private static Buf landlock(Landlock l) {
    Buf b = new Buf();
    b.u32(l.flags());
    b.u32(l.fsRules().size());
    for (Landlock.FsRule r : l.fsRules()) {
      b.path(r.path());
      b.u64(r.access());
    }
    b.u32(l.netRules().size());
    for (Landlock.NetRule r : l.netRules()) {
      b.u32(r.port());
      b.u64(r.access());
    }
    return b;
  }

  private static Buf payload(Op op) {
    Buf b = new Buf();
    if (op instanceof Op.AutoRoot o) {
      b.path(o.host());
      b.u32(bindFlags(o.writable(), o.device(), false, false));
      b.strs(o.exclude());
    } else if (op instanceof Op.AutoEtc o) {
      b.path(o.host());
      b.strs(o.only());
      b.strs(o.skip());
    } else if (op instanceof Op.Bind o) {
      b.path(o.source());
      b.path(o.target());
      b.u32(bindFlags(o.writable(), o.device(), o.optional(), o.ensure()));
    } else if (op instanceof Op.Tmpfs o) {
      b.path(o.target());
      b.u64(o.sizeBytes());
      b.u32(o.mode());
      b.u32(o.readOnly() ? TMPFS_READ_ONLY : 0);
    } else if (op instanceof Op.Overlay o) {
      b.path(o.target());
      b.u32(
          switch (o.writes()) {
            case EPHEMERAL -> OVERLAY_EPHEMERAL;
            case PERSISTENT -> OVERLAY_PERSISTENT;
            case READ_ONLY -> OVERLAY_READ_ONLY;
          });
      b.str(o.upper() == null ? "" : o.upper().value());
      b.str(o.work() == null ? "" : o.work().value());
      b.u32(o.lowers().size());
      for (AbsPath lower : o.lowers()) {
        b.path(lower);
      }
    } else if (op instanceof Op.Mkdir o) {
      b.path(o.target());
      b.u32(o.mode());
    } else if (op instanceof Op.Place o) {
      b.path(o.target());
      b.u32(o.mode());
      b.u32(o.length());
      b.raw(o.rawData());
    } else if (op instanceof Op.Symlink o) {
      b.path(o.target());
      b.str(o.linkName());
      b.u32(o.dereference() ? SYMLINK_DEREFERENCE : 0);
    } else if (op instanceof Op.Proc o) {
      b.path(o.target());
    } else if (op instanceof Op.Sysfs o) {
      b.path(o.target());
    } else if (op instanceof Op.Dev o) {
      b.path(o.target());
      b.u32((o.mqueue() ? DEV_MQUEUE : 0) | (o.writable() ? DEV_WRITABLE : 0));
    } else if (op instanceof Op.Remount o) {
      b.path(o.target());
      b.u32(
          (o.readOnly() ? REMOUNT_READ_ONLY : 0)
              | (o.noexec() ? REMOUNT_NOEXEC : 0)
              | (o.nodev() ? REMOUNT_NODEV : 0));
    } else if (op instanceof Op.Daemon o) {
      b.path(o.ready());
      b.u64(o.timeout().toMillis());
      b.strs(o.argv());
      b.strs(o.env());
    } else {
      throw new IllegalStateException("unknown op " + op.getClass());
    }
    return b;
  }

  private static int bindFlags(boolean writable, boolean device, boolean optional, boolean ensure) {
    return (writable ? BIND_WRITABLE : 0)
        | (device ? BIND_DEVICE : 0)
        | (optional ? BIND_OPTIONAL : 0)
        | (ensure ? BIND_ENSURE : 0);
  }

  /** A little-endian byte buffer. */
  private static final class Buf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void raw(byte[] b) {
      out.write(b, 0, b.length);
    }

    void u16(int v) {
      out.write(v & 0xff);
      out.write((v >>> 8) & 0xff);
    }

    void u32(long v) {
      for (int i = 0; i < 4; i++) {
        out.write((int) (v >>> (8 * i)) & 0xff);
      }
    }

    void u64(long v) {
      for (int i = 0; i < 8; i++) {
        out.write((int) (v >>> (8 * i)) & 0xff);
      }
    }

    void str(String s) {
      byte[] b = Limits.str("string", s).getBytes(StandardCharsets.UTF_8);
      u32(b.length);
      raw(b);
    }

    void path(AbsPath p) {
      str(p.value());
    }

    void strs(List<String> list) {
      Limits.count("list", list.size());
      u32(list.size());
      for (String s : list) {
        str(s);
      }
    }

    int size() {
      return out.size();
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
