package dev.hsu.plan;

import java.util.List;

/**
 * A compiled profile: the params, the syscall filter, the Landlock rules, the instance and its
 * Wayland wiring, and the ops hsu-init executes in order. A null {@code seccomp} or {@code
 * landlock} leaves that record out of the binary plan (no filter); the compiler always sets both.
 * A null {@code instance} / {@code wayland} leaves those out (no instance directory, no Wayland);
 * a Wayland record needs an instance.
 */
public record Plan(
    Params params,
    Seccomp seccomp,
    Landlock landlock,
    Instance instance,
    Wayland wayland,
    List<Op> ops) {
  public Plan {
    if (params == null) {
      throw new IllegalArgumentException("plan params missing");
    }
    if (wayland != null) {
      wayland.checkWith(instance);
    }
    ops = List.copyOf(ops);
    if (ops.size() > Limits.MAX_OPS) {
      throw new IllegalArgumentException(
          "the plan has " + ops.size() + " steps, more than " + Limits.MAX_OPS);
    }
  }

  /** A plan without an instance and without Wayland. */
  public Plan(Params params, Seccomp seccomp, Landlock landlock, List<Op> ops) {
    this(params, seccomp, landlock, null, null, ops);
  }
}
