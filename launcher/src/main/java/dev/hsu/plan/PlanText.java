package dev.hsu.plan;

import static dev.hsu.base.Quote.q;

import dev.hsu.base.Quote;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders a plan for people: the params, the syscall filter, the Landlock rules, then one line per
 * op, in execution order.
 */
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
    p.env()
        .forEach(
            (k, v) ->
                b.append("env ").append(Quote.escape(k)).append('=').append(q(v)).append('\n'));
    b.append("wait-delay ").append(OpText.duration(p.waitDelay())).append('\n');
    if (p.dieWithParent()) {
      b.append("die-with-parent: the sandbox ends when the process that launched it ends\n");
    }
    seccomp(b, plan.seccomp());
    landlock(b, plan.landlock(), p.hostNet());
    if (plan.instance() != null) {
      b.append(plan.instance()).append('\n');
    }
    if (plan.wayland() != null) {
      b.append(plan.wayland().describe(plan.instance().id())).append('\n');
    }
    for (Proxy px : plan.proxies()) {
      b.append(px.describe()).append('\n');
      for (String g : px.grants()) {
        b.append("  ").append(g).append('\n');
      }
      render(px.plan()).lines().forEach(l -> b.append("  | ").append(l).append('\n'));
    }
    for (Op op : plan.ops()) {
      b.append(op).append('\n');
    }
    return b.toString();
  }

  private static void seccomp(StringBuilder b, Seccomp s) {
    if (s == null) {
      b.append("seccomp none (no filter)\n");
      return;
    }
    List<String> presets = new ArrayList<>();
    s.presets().forEach(x -> presets.add(x.text()));
    b.append("seccomp presets ").append(presets.isEmpty() ? "none" : String.join(", ", presets));
    if (!s.relax().isEmpty()) {
      List<String> relax = new ArrayList<>();
      s.relax().forEach(x -> relax.add(x.text()));
      b.append("; relaxed: ").append(String.join(", ", relax));
    }
    b.append('\n');
    b.append("seccomp socket families ")
        .append(s.allFamilies().stream().map(SocketFamily::name).collect(Collectors.joining(", ")))
        .append('\n');
    for (Seccomp.Deny d : s.deny()) {
      b.append("seccomp deny ")
          .append(q(d.syscall()))
          .append(" with ")
          .append(Errno.name(d.errno()))
          .append('\n');
    }
  }

  private static void landlock(StringBuilder b, Landlock l, boolean hostNet) {
    if (l == null) {
      b.append("landlock none\n");
      return;
    }
    List<String> scopes = new ArrayList<>();
    if (l.scopeAbstractUnix()) {
      scopes.add("abstract-unix");
    }
    if (l.scopeSignal()) {
      scopes.add("signal");
    }
    b.append("landlock scopes ")
        .append(scopes.isEmpty() ? "none" : String.join(", ", scopes))
        .append(l.required() ? " (required)" : " (best effort)")
        .append('\n');
    if (!l.fs()) {
      b.append("landlock filesystem not restricted\n");
    } else if (l.fsRules().isEmpty()) {
      b.append("landlock allow nothing on the filesystem\n");
    }
    for (Landlock.FsRule r : l.fsRules()) {
      b.append(r).append('\n');
    }
    if (l.net() && l.netRules().isEmpty()) {
      b.append("landlock allow no tcp bind or connect\n");
    } else if (!l.net() && hostNet) {
      b.append("landlock tcp not restricted\n");
    }
    for (Landlock.NetRule r : l.netRules()) {
      b.append(r).append('\n');
    }
  }
}
