package dev.hsu.plan;

import static dev.hsu.plan.Quote.q;

import java.util.stream.Collectors;

/** Renders a plan for people: the params, then one line per op, in execution order. */
public final class PlanText {
  private PlanText() {}

  public static String render(Plan plan) {
    Params p = plan.params();
    StringBuilder b = new StringBuilder();
    b.append("uid ").append(p.uid()).append(", gid ").append(p.gid()).append('\n');
    b.append("hostname ").append(q(p.hostname())).append('\n');
    b.append("network ")
        .append(p.hostNet() ? "host (shared with the host)" : "none (own namespace, loopback only)")
        .append('\n');
    b.append("session ").append(p.keepSession() ? "kept" : "new (setsid)").append('\n');
    b.append("cwd ").append(q(p.cwd().value())).append('\n');
    b.append("argv ").append(p.argv().stream().map(Quote::q).collect(Collectors.joining(" ")));
    b.append('\n');
    p.env().forEach((k, v) -> b.append("env ").append(Quote.escape(k)).append('=').append(q(v)).append('\n'));
    b.append("wait-delay ").append(Op.duration(p.waitDelay())).append('\n');
    for (Op op : plan.ops()) {
      b.append(op).append('\n');
    }
    return b.toString();
  }
}
