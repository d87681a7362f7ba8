package dev.hsu.cli;

import dev.hsu.base.AbsPath;
import dev.hsu.launch.LaunchHost;
import dev.hsu.systemd.ScopeException;
import dev.hsu.systemd.Scopes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A host for CLI tests: it knows only the paths a test declares (everything else is missing),
 * records what a launch would create, starts no scope unless a test says how, and throws {@link
 * Exec} instead of becoming hsu-init. Nothing reaches the real host.
 */
class FakeLaunchHost implements LaunchHost {
  /** Thrown where the real host would execve. */
  static final class Exec extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** A scope starter a test plugs in. */
  interface ScopeStarter {
    Scopes.Outcome start(Map<String, String> env, Scopes.Request request) throws ScopeException;
  }

  final Map<AbsPath, Kind> paths = new HashMap<>();
  final List<String> created = new ArrayList<>();
  final List<String> stale = new ArrayList<>();
  ScopeStarter scopes = (env, request) -> new Scopes.Outcome(null, null);
  String init;
  List<String> environment;
  byte[] plan;

  @Override
  public Kind kind(AbsPath path) {
    return paths.getOrDefault(path, Kind.MISSING);
  }

  @Override
  public boolean isExecutable(AbsPath path) {
    return paths.get(path) == Kind.FILE;
  }

  /** Sysctls a test sets (name as under /proc/sys); the others are unreadable. */
  final Map<String, String> sysctls = new HashMap<>();

  @Override
  public String sysctl(String name) {
    return sysctls.get(name);
  }

  /** The runtime directories a launch prepared. */
  final List<String> prepared = new ArrayList<>();

  @Override
  public void prepareRuntimeDir(AbsPath runtimeDir, int uid) {
    prepared.add(runtimeDir + " " + uid);
  }

  @Override
  public void removeStaleInstances(AbsPath runtimeDir, int uid) {
    stale.add(runtimeDir + " " + uid);
  }

  @Override
  public void ensureDir(AbsPath trusted, AbsPath dir) {
    created.add(trusted + " " + dir);
  }

  @Override
  public void ensureFile(AbsPath trusted, AbsPath file) {
    created.add(trusted + " " + file + " (file)");
  }

  @Override
  public Scopes.Outcome startScope(Map<String, String> env, Scopes.Request request)
      throws ScopeException {
    return scopes.start(env, request);
  }

  /** How many times a launch asked to die with its parent. */
  int dieWithParent;

  @Override
  public void dieWithParent() {
    dieWithParent++;
  }

  @Override
  public void exec(String init, byte[] plan, List<String> env) {
    this.init = init;
    this.plan = plan;
    this.environment = List.copyOf(env);
    throw new Exec();
  }
}
