package dev.hsu.plan;

import java.util.List;

/** A compiled profile: the params and the ops hsu-init executes in order. */
public record Plan(Params params, List<Op> ops) {
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
