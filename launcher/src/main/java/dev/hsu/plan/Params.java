package dev.hsu.plan;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The PARAMS record: ids inside, namespaces, hostname, working directory, the app's argv and its
 * whole environment (sorted by name), and how long lingering processes may run after the app.
 */
public record Params(
    int uid,
    int gid,
    boolean hostNet,
    boolean keepSession,
    String hostname,
    AbsPath cwd,
    List<String> argv,
    SortedMap<String, String> env,
    Duration waitDelay,
    boolean dieWithParent) {

  public Params {
    Limits.id("uid", uid);
    Limits.id("gid", gid);
    Limits.str("hostname", hostname);
    int hostnameBytes = hostname.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (hostnameBytes == 0 || hostnameBytes > 64) {
      throw new IllegalArgumentException("hostname must be 1 to 64 bytes long");
    }
    Limits.path("working directory", cwd);
    argv = Limits.strs("argument", argv);
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("the command is empty");
    }
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      checkEnvEntry(e.getKey() + "=" + e.getValue());
      if (e.getKey().indexOf('=') >= 0) {
        throw new IllegalArgumentException(
            "environment variable name " + Quote.q(e.getKey()) + " contains '='");
      }
      copy.put(e.getKey(), e.getValue());
    }
    Limits.count("environment", copy.size());
    env = Collections.unmodifiableSortedMap(copy);
    Limits.checkMillis("wait delay", waitDelay);
  }

  /** Params of a sandbox that does not end with the process that launched it. */
  public Params(
      int uid,
      int gid,
      boolean hostNet,
      boolean keepSession,
      String hostname,
      AbsPath cwd,
      List<String> argv,
      SortedMap<String, String> env,
      Duration waitDelay) {
    this(uid, gid, hostNet, keepSession, hostname, cwd, argv, env, waitDelay, false);
  }

  /** These params, ending with the process that launched the sandbox ({@code die-with-parent}). */
  public Params withDieWithParent() {
    return new Params(uid, gid, hostNet, keepSession, hostname, cwd, argv, env, waitDelay, true);
  }

  /** The environment as {@code NAME=value} strings, sorted by name. */
  public List<String> envList() {
    List<String> list = new ArrayList<>(env.size());
    env.forEach((k, v) -> list.add(k + "=" + v));
    return list;
  }

  static void checkEnvEntry(String entry) {
    Limits.str("environment entry", entry);
    int eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "environment entry " + Quote.q(entry) + " is not NAME=value");
    }
  }
}
