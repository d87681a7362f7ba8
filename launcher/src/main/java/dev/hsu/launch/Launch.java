package dev.hsu.launch;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import dev.hsu.compile.DbusProxy;
import dev.hsu.compile.DesktopGrants;
import dev.hsu.compile.Portals;
import dev.hsu.compile.PulseFilter;
import dev.hsu.plan.Plan;
import dev.hsu.plan.PlanWriter;
import dev.hsu.plan.Wayland;
import dev.hsu.profile.Profile;
import dev.hsu.sys.SysException;
import dev.hsu.systemd.ScopeException;
import dev.hsu.systemd.Scopes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@code hsu launch} does around a compiled plan, in order: check that the host has what the
 * plan needs (sockets, the compositor, the helper programs), remove stale instance directories,
 * create the host directories and home mount points hsu-init will not create, start the systemd
 * scope, and become hsu-init. Everything host-side goes through {@link LaunchHost}.
 */
public final class Launch {
  private Launch() {}

  /**
   * Runs the steps; returns only by throwing (the last step replaces this process).
   *
   * @param env the host environment: the sockets the profile needs are found through it, and
   *     hsu-init gets it
   * @param notices gets one-line notices (a missing systemd user manager)
   */
  public static void run(
      Profile profile,
      Plan plan,
      Map<String, String> env,
      String init,
      LaunchHost host,
      Consumer<String> notices)
      throws LaunchException, SysException {
    if (plan.params().dieWithParent()) {
      host.dieWithParent();
    }
    byte[] bytes = PlanWriter.write(plan);
    Profile.Host facts = profile.host();
    host.prepareRuntimeDir(facts.xdgRuntimeDir(), facts.uid());
    host.removeStaleInstances(facts.xdgRuntimeDir(), facts.uid());
    check(profile, plan, env, host);
    for (AbsPath[] d : appDirs(profile, plan)) {
      host.ensureDir(d[0], d[1]);
    }
    for (MountPoints.HomeMountPoint m : MountPoints.homeMountPoints(plan, facts.home(), host)) {
      if (m.file()) {
        host.ensureFile(m.base(), m.path());
      } else {
        host.ensureDir(m.base(), m.path());
      }
    }
    List<String> environment = new ArrayList<>();
    env.forEach((k, v) -> environment.add(k + "=" + v));
    // The scope holds this very process: execve keeps the pid, so hsu-init and the app are in it.
    Scopes.Outcome scope;
    try {
      scope = host.startScope(env, Scopes.request(profile, ProcessHandle.current().pid()));
    } catch (ScopeException e) {
      throw new LaunchException(e.getMessage(), e);
    }
    if (scope.notice() != null) {
      notices.accept(scope.notice());
    }
    host.exec(init, bytes, environment);
    throw new IllegalStateException("execve returned");
  }

  /**
   * Why this host refuses every unprivileged user namespace, from the sysctls that say so, or null.
   * (AppArmor's restriction is decided per program: hsu-init says so when it is refused.)
   */
  static String usernsBlocked(LaunchHost host) {
    String sysctl = null;
    if ("0".equals(host.sysctl("kernel/unprivileged_userns_clone"))) {
      sysctl = "kernel.unprivileged_userns_clone = 0";
    } else if ("0".equals(host.sysctl("user/max_user_namespaces"))) {
      sysctl = "user.max_user_namespaces = 0";
    }
    return sysctl == null
        ? null
        : "every sandbox needs an unprivileged user namespace, and this host allows none ("
            + sysctl
            + "); 'hsu doctor' says how to allow them";
  }

  /** One thing the host must have now: a socket, an executable, or nothing (always fails). */
  public record Check(Kind kind, AbsPath path, String missing) {
    /** What is checked at {@code path}. */
    public enum Kind {
      SOCKET,
      EXECUTABLE,
      FAIL
    }

    boolean holds(LaunchHost host) {
      return switch (kind) {
        case SOCKET -> host.kind(path) == LaunchHost.Kind.SOCKET;
        case EXECUTABLE -> host.isExecutable(path);
        case FAIL -> false;
      };
    }
  }

  /**
   * The host must have what the plan needs now: one clear sentence rather than a failed bind.
   * Sockets are checked to be sockets, programs to be executable.
   */
  static void check(Profile profile, Plan plan, Map<String, String> env, LaunchHost host)
      throws LaunchException {
    String blocked = usernsBlocked(host);
    if (blocked != null) {
      throw new LaunchException(blocked);
    }
    for (Check c : checks(profile, plan, env)) {
      if (!c.holds(host)) {
        throw new LaunchException(c.missing());
      }
    }
  }

  /** The checks of {@link #check} after the user namespace one, in order (the plan cache's too). */
  public static List<Check> checks(Profile profile, Plan plan, Map<String, String> env) {
    List<Check> checks = new ArrayList<>();
    Wayland w = plan.wayland();
    if (w != null) {
      checks.add(
          new Check(
              Check.Kind.SOCKET,
              w.compositor(),
              "the profile asks for Wayland, but there is no Wayland compositor socket at "
                  + Quote.q(w.compositor().value())
                  + " (from WAYLAND_DISPLAY and XDG_RUNTIME_DIR)"));
    }
    List<DesktopGrants.Needed> needed = new ArrayList<>(DesktopGrants.needed(profile, env));
    needed.addAll(DbusProxy.needed(profile, env));
    for (DesktopGrants.Needed n : needed) {
      checks.add(
          new Check(
              n.socket() == null ? Check.Kind.FAIL : Check.Kind.SOCKET, n.socket(), n.missing()));
    }
    AbsPath filter = PulseFilter.programIn(plan);
    if (filter != null) {
      checks.add(
          new Check(
              Check.Kind.EXECUTABLE,
              filter,
              "the profile asks for sound, but hsu's PulseAudio filter "
                  + Quote.q(filter.value())
                  + " is missing (build it: make -C init-c)"));
    }
    AbsPath portal = Portals.programIn(plan);
    if (portal != null) {
      checks.add(
          new Check(
              Check.Kind.EXECUTABLE,
              portal,
              "the profile asks for portals, but hsu's portal client "
                  + Quote.q(portal.value())
                  + " is missing (build it: make -C init-c)"));
    }
    if (profile.dbus().any()) {
      checks.add(
          new Check(
              Check.Kind.EXECUTABLE,
              DbusProxy.PROGRAM,
              "the profile asks for D-Bus, but "
                  + Quote.q(DbusProxy.PROGRAM.value())
                  + " is not installed (Debian: apt install xdg-dbus-proxy)"));
    }
    return checks;
  }

  /** The directories below the apps' data directory that a launch creates: (base, dir) pairs. */
  public static List<AbsPath[]> appDirs(Profile profile, Plan plan) {
    AbsPath apps = profile.host().xdgDataHome().resolve("hsu/apps");
    List<AbsPath[]> out = new ArrayList<>();
    for (AbsPath dir : MountPoints.hostDirsToCreate(plan)) {
      if (dir.startsWith(apps) && !dir.equals(apps)) {
        out.add(new AbsPath[] {apps, dir});
      }
    }
    return out;
  }

  /** The home mount points a launch creates, before the host decides file or directory. */
  public static List<MountPoints.Candidate> homeMountPoints(Profile profile, Plan plan) {
    return MountPoints.candidates(plan, profile.host().home());
  }
}
