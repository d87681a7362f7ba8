package dev.hsu.instances;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * What the supervisor (hsu-init, outside the sandbox) wrote in {@code <dir>/record} once the app
 * ran (docs/instances.md). Nothing in it is trusted before {@link Instances} has checked its pids
 * against the live processes.
 */
public record InstanceRecord(
    Path dir,
    String id,
    String appId,
    String name,
    String profile,
    List<String> grants,
    ProcId supervisor,
    ProcId init,
    long started,
    long uid,
    long gid,
    boolean hostNet,
    long waitDelayMs,
    String cwd) {

  /** A process as the record names it: its host pid and its start time (/proc/PID/stat 22). */
  public record ProcId(long pid, long start) {}

  /** The version of the record's format this hsu reads. */
  static final int VERSION = 1;

  /** The largest record hsu reads. */
  static final int MAX_BYTES = 64 * 1024;

  public InstanceRecord {
    grants = List.copyOf(grants);
  }

  /** The first 8 hex digits of the id: what {@code hsu ps} shows. */
  public String shortId() {
    return id.substring(0, 8);
  }

  /**
   * Parses the record's JSON (JSON is YAML 1.2, so snakeyaml-engine reads it).
   *
   * @throws InstanceException when it is not a record of this format
   */
  static InstanceRecord parse(Path dir, String json) throws InstanceException {
    Object root;
    try {
      LoadSettings settings =
          LoadSettings.builder()
              .setLabel("record")
              .setAllowDuplicateKeys(false)
              .setMaxAliasesForCollections(0)
              .setCodePointLimit(MAX_BYTES)
              .build();
      root = new Load(settings).loadFromString(json);
    } catch (YamlEngineException | IllegalArgumentException e) {
      throw new InstanceException("its record is not valid JSON");
    }
    if (!(root instanceof Map<?, ?> m)) {
      throw new InstanceException("its record is not a JSON object");
    }
    if (number(m, "version") != VERSION) {
      throw new InstanceException("its record has an unknown version");
    }
    List<String> grants = new ArrayList<>();
    if (!(m.get("grants") instanceof List<?> g)) {
      throw new InstanceException("its record has no grants list");
    }
    for (Object o : g) {
      grants.add(String.valueOf(o));
    }
    return new InstanceRecord(
        dir,
        string(m, "id"),
        string(m, "app_id"),
        string(m, "name"),
        string(m, "profile"),
        grants,
        proc(m, "supervisor"),
        proc(m, "init"),
        number(m, "started"),
        number(m, "uid"),
        number(m, "gid"),
        bool(m, "host_net"),
        number(m, "wait_delay_ms"),
        string(m, "cwd"));
  }

  private static ProcId proc(Map<?, ?> m, String key) throws InstanceException {
    if (!(m.get(key) instanceof Map<?, ?> p)) {
      throw new InstanceException("its record has no " + key);
    }
    long pid = number(p, "pid");
    if (pid <= 0 || pid > 0x3FFFFFFF) {
      throw new InstanceException("its record names no valid " + key + " pid");
    }
    return new ProcId(pid, number(p, "start"));
  }

  private static String string(Map<?, ?> m, String key) throws InstanceException {
    if (!(m.get(key) instanceof String s)) {
      throw new InstanceException("its record has no " + key);
    }
    return s;
  }

  private static long number(Map<?, ?> m, String key) throws InstanceException {
    Object v = m.get(key);
    if (v instanceof Integer i) {
      return i;
    }
    if (v instanceof Long l) {
      return l;
    }
    throw new InstanceException("its record has no number " + key);
  }

  private static boolean bool(Map<?, ?> m, String key) throws InstanceException {
    if (!(m.get(key) instanceof Boolean b)) {
      throw new InstanceException("its record has no " + key);
    }
    return b;
  }
}
