package dev.hsu.compile;

import dev.hsu.plan.Op;
import dev.hsu.plan.Proxy;
import java.util.List;
import java.util.Map;

/**
 * What a grant served by a helper in its own sandbox (the D-Bus proxy, the PulseAudio filter) adds
 * to the plan: the helper (null when not granted), the ops after the runtime dir, the variables.
 */
public record ProxyGrants(Proxy proxy, List<Op> ops, Map<String, String> env) {
  static final ProxyGrants NONE = new ProxyGrants(null, List.of(), Map.of());

  public ProxyGrants {
    ops = List.copyOf(ops);
    env = Map.copyOf(env);
  }
}
