package dev.hsu.plan;

import java.util.List;

/**
 * A compiled profile: the params, the syscall filter, the Landlock rules and the ops hsu-init
 * executes in order. A null {@code seccomp} or {@code landlock} leaves that record out of the
 * binary plan (no filter); the compiler always sets both.
 */
public record Plan(Params params, Seccomp seccomp, Landlock landlock, List<Op> ops) {
  public Plan {
    if (params == null) {
      throw new IllegalArgumentException("plan params missing");
    }
    ops = List.copyOf(ops);
    if (ops.size() > Limits.MAX_OPS) {
      throw new IllegalArgumentException(
          "the plan has " + ops.size() + " steps, more than " + Limits.MAX_OPS);
    }
  }
}
