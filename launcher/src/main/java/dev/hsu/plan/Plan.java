package dev.hsu.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled profile: the params, the syscall filter, the Landlock rules, the instance and its
 * Wayland wiring, and the ops hsu-init executes in order. A null {@code seccomp} or {@code
 * landlock} leaves that record out of the binary plan (no filter); the compiler always sets both. A
 * null {@code instance} / {@code wayland} leaves those out (no instance directory, no Wayland); a
 * Wayland record needs an instance, and so does each proxy (a helper run in its own sandbox, from a
 * nested plan, while this one runs).
 */
public record Plan(
    Params params,
    Seccomp seccomp,
    Landlock landlock,
    Instance instance,
    Wayland wayland,
    List<Proxy> proxies,
    List<Op> ops) {
  public Plan {
    if (params == null) {
      throw new IllegalArgumentException("plan params missing");
    }
    if (wayland != null) {
      wayland.checkWith(instance);
    }
    proxies = List.copyOf(proxies);
    if (proxies.size() > Proxy.MAX_PROXIES) {
      throw new IllegalArgumentException(
          "the plan has " + proxies.size() + " proxies, more than " + Proxy.MAX_PROXIES);
    }
    for (Proxy p : proxies) {
      p.checkWith(instance);
    }
    ops = List.copyOf(ops);
    if (ops.size() > Limits.MAX_OPS) {
      throw new IllegalArgumentException(
          "the plan has " + ops.size() + " steps, more than " + Limits.MAX_OPS);
    }
  }

  /** This plan, ending with the process that launched it ({@code hsu launch --die-with-parent}). */
  public Plan withDieWithParent() {
    return new Plan(params.withDieWithParent(), seccomp, landlock, instance, wayland, proxies, ops);
  }

  /** This plan with another instance record (the launcher adds the profile's path). */
  public Plan withInstance(Instance newInstance) {
    return new Plan(params, seccomp, landlock, newInstance, wayland, proxies, ops);
  }

  /** This plan with {@code extra} appended to the app's command (as the compiler appends them). */
  public Plan withExtraArgs(List<String> extra) {
    if (extra.isEmpty()) {
      return this;
    }
    List<String> argv = new ArrayList<>(params.argv());
    argv.addAll(extra);
    Params p =
        new Params(
            params.uid(),
            params.gid(),
            params.hostNet(),
            params.keepSession(),
            params.hostname(),
            params.cwd(),
            argv,
            params.env(),
            params.waitDelay());
    return new Plan(p, seccomp, landlock, instance, wayland, proxies, ops);
  }

  /** A plan without proxies. */
  public Plan(
      Params params,
      Seccomp seccomp,
      Landlock landlock,
      Instance instance,
      Wayland wayland,
      List<Op> ops) {
    this(params, seccomp, landlock, instance, wayland, List.of(), ops);
  }

  /** A plan without an instance, Wayland or proxies. */
  public Plan(Params params, Seccomp seccomp, Landlock landlock, List<Op> ops) {
    this(params, seccomp, landlock, null, null, List.of(), ops);
  }
}
