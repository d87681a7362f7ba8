package dev.hsu.plan;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes a {@link Plan} in the binary format of docs/plan-format.md (version 2). */
public final class PlanWriter {
  public static final int VERSION = 2;
  static final byte[] MAGIC = "HSUPLAN\0".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER_BYTES = 16;

  private PlanWriter() {}

  /**
   * The plan's bytes.
   *
   * @throws IllegalArgumentException when the plan exceeds a limit of the format
   */
  public static byte[] write(Plan plan) {
    return encode(plan, null).bytes();
  }

  /** A plan's bytes and the offsets of each place where they hold its instance id. */
  public record Marked(byte[] bytes, List<Integer> idOffsets) {}

  /**
   * The plan's bytes, with the offset of every place where a string or file data it writes holds
   * the plan's instance id (the instance record, the paths below the instance directory, the
   * proxies' plans, placed files): filling in another id of the same length there gives the plan of
   * that instance.
   *
   * @throws IllegalArgumentException when the plan exceeds a limit of the format
   */
  public static Marked writeMarked(Plan plan) {
    byte[] mark =
        plan.instance() == null ? null : plan.instance().id().getBytes(StandardCharsets.UTF_8);
    Encoder e = encode(plan, mark);
    return new Marked(e.bytes(), e.marks());
  }

  private static Encoder encode(Plan plan, byte[] mark) {
    Encoder body = new Encoder(mark);
    record(body, Tag.PARAMS, params(body.fresh(), plan.params()));
    if (plan.seccomp() != null) {
      record(body, Tag.SECCOMP, seccomp(body.fresh(), plan.seccomp()));
    }
    if (plan.landlock() != null) {
      record(body, Tag.LANDLOCK, landlock(body.fresh(), plan.landlock()));
    }
    if (plan.instance() != null) {
      Encoder b = body.fresh();
      b.str(plan.instance().id());
      b.path(plan.instance().dir());
      b.str(plan.instance().appId());
      b.str(plan.instance().name());
      b.str(plan.instance().profile());
      b.u32(plan.instance().grantBits());
      record(body, Tag.INSTANCE, b);
    }
    if (plan.wayland() != null) {
      Wayland w = plan.wayland();
      Encoder b = body.fresh();
      b.u32(w.direct() ? PlanFlags.WAYLAND_DIRECT : 0);
      b.path(w.compositor());
      b.path(w.socket());
      b.str(w.appId());
      record(body, Tag.WAYLAND, b);
    }
    for (Proxy px : plan.proxies()) {
      Encoder nested = encode(px.plan(), mark);
      if (nested.size() > Proxy.MAX_PLAN_BYTES) {
        throw new IllegalArgumentException(
            "the proxy's plan is "
                + nested.size()
                + " bytes, more than the limit of "
                + Proxy.MAX_PLAN_BYTES);
      }
      Encoder b = body.fresh();
      b.u32(px.kind().flags);
      b.u32(px.syncFd());
      b.path(px.ready());
      b.u64(px.timeout().toMillis());
      b.u32(nested.size());
      b.append(nested);
      record(body, Tag.PROXY, b);
    }
    for (Op op : plan.ops()) {
      Encoder payload = body.fresh();
      op.encode(payload);
      record(body, op.tag(), payload);
      if (body.size() > Limits.MAX_PLAN_BYTES) {
        throw new IllegalArgumentException(
            "the plan is larger than the limit of " + Limits.MAX_PLAN_BYTES + " bytes");
      }
    }
    record(body, Tag.END, body.fresh());
    long total = (long) HEADER_BYTES + body.size();
    if (total > Limits.MAX_PLAN_BYTES) {
      throw new IllegalArgumentException(
          "the plan is " + total + " bytes, more than the limit of " + Limits.MAX_PLAN_BYTES);
    }
    Encoder out = body.fresh();
    out.raw(MAGIC);
    out.u32(VERSION);
    out.u32(body.size());
    out.append(body);
    return out;
  }

  private static void record(Encoder body, Tag tag, Encoder payload) {
    body.u16(tag.number);
    body.u16(0);
    body.u32(payload.size());
    body.append(payload);
  }

  private static Encoder params(Encoder b, Params p) {
    b.u32(p.uid());
    b.u32(p.gid());
    b.u32(
        (p.hostNet() ? PlanFlags.PARAMS_HOST_NET : 0)
            | (p.keepSession() ? PlanFlags.PARAMS_KEEP_SESSION : 0)
            | (p.dieWithParent() ? PlanFlags.PARAMS_DIE_WITH_PARENT : 0));
    b.str(p.hostname());
    b.path(p.cwd());
    b.strs(p.argv());
    b.strs(p.envList());
    b.u64(p.waitDelay().toMillis());
    return b;
  }

  private static Encoder seccomp(Encoder b, Seccomp s) {
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

  private static Encoder landlock(Encoder b, Landlock l) {
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
}
