package dev.hsu.cache;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An unmodifiable view of the environment that tells {@link Consulted} which variables were read.
 * Reading all of it (iteration) marks the compile uncacheable: no fact could describe that.
 */
public final class RecordingEnv extends AbstractMap<String, String> {
  private final Map<String, String> env;
  private final Set<String> derived;

  public RecordingEnv(Map<String, String> env) {
    this(env, Set.of());
  }

  private RecordingEnv(Map<String, String> env, Set<String> derived) {
    this.env = Map.copyOf(env);
    this.derived = Set.copyOf(derived);
  }

  /**
   * This environment with {@code name} set to {@code value}, still recording, but not that name:
   * its value was derived from what was recorded (and hsu's own layout).
   */
  public RecordingEnv with(String name, String value) {
    Map<String, String> m = new HashMap<>(env);
    m.put(name, value);
    Set<String> d = new HashSet<>(derived);
    d.add(name);
    return new RecordingEnv(m, d);
  }

  @Override
  public String get(Object key) {
    String v = env.get(key);
    if (key instanceof String k && !derived.contains(k)) {
      Consulted.env(k, v);
    }
    return v;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    Consulted.notCacheable("it read the whole environment");
    return env.entrySet();
  }
}
