package dev.hsu.cli;

import dev.hsu.compile.Compiler;
import dev.hsu.compile.DbusProxy;
import dev.hsu.compile.DesktopGrants;
import dev.hsu.plan.AbsPath;
import dev.hsu.plan.PlanWriter;
import dev.hsu.plan.Wayland;
import dev.hsu.profile.Profile;
import dev.hsu.systemd.ScopeException;
import dev.hsu.systemd.Scopes;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hsu launch PROFILE [-- ARGS...]}: compiles the profile and becomes hsu-init. */
@Command(
    name = "launch",
    mixinStandardHelpOptions = true,
    description = {
      "Run an app in its sandbox. ARGS are appended to the profile's command.",
      "Exit status: the app's own (128+signal when killed); 125 when hsu failed,",
      "126 when the command cannot be executed, 127 when it is not found.",
      "With a systemd user manager, the sandbox runs in its own scope app-hsu-ID-PID.scope",
      "(with the profile's 'limits'); a profile with 'limits' needs the manager."
    })
final class LaunchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PROFILE", description = "profile file or name")
  String profile;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "arguments for the app")
  List<String> args = new ArrayList<>();

  private final Context ctx;
  private final PrintStream out;
  private final Errors errors;

  LaunchCommand(Context ctx, PrintStream out, Errors errors) {
    this.ctx = ctx;
    this.out = out;
    this.errors = errors;
  }

  @Override
  public Integer call() throws Exception {
    List<String> extra = new ArrayList<>(args);
    // Everything after PROFILE is the app's (stop-at-positional); a first "--" only separates.
    if (!extra.isEmpty() && extra.get(0).equals("--")) {
      extra.remove(0);
    }
    Compilation c = Compilation.of(ctx, errors.err(), profile, extra, false);
    String init = ctx.initPath();
    byte[] plan = PlanWriter.write(c.plan());
    Profile.Host host = c.profile().host();
    Instances.removeStale(host.xdgRuntimeDir(), host.uid());
    if (c.plan().wayland() != null) {
      checkCompositor(c.plan().wayland());
    }
    checkSockets(c.profile(), ctx.compileEnv());
    AbsPath apps = host.xdgDataHome().resolve("hsu/apps");
    for (AbsPath dir : Compiler.hostDirsToCreate(c.plan())) {
      if (dir.startsWith(apps) && !dir.equals(apps)) {
        ctx.actions().ensureDir(apps.value(), dir.value());
      }
    }
    // Mount points beneath the home: hsu-init creates none on a host bind.
    for (Compiler.HomeMountPoint m : Compiler.homeMountPoints(c.plan(), host.home())) {
      if (m.file()) {
        ctx.actions().ensureFile(m.base().value(), m.path().value());
      } else {
        ctx.actions().ensureDir(m.base().value(), m.path().value());
      }
    }
    List<String> env = new ArrayList<>();
    for (Map.Entry<String, String> e : ctx.env().entrySet()) {
      env.add(e.getKey() + "=" + e.getValue());
    }
    // The scope holds this very process: execve keeps the pid, so hsu-init and the app are in it.
    Scopes.Outcome scope;
    try {
      scope = ctx.actions().startScope(
          ctx.env(), Scopes.request(c.profile(), ProcessHandle.current().pid()));
    } catch (ScopeException e) {
      throw new HsuException(HsuException.Kind.FAILURE, e.getMessage(), e);
    }
    if (scope.notice() != null) {
      errors.err().println("hsu: notice: " + scope.notice());
    }
    out.flush();
    errors.err().flush();
    ctx.actions().exec(init, plan, env);
    throw new IllegalStateException("execve returned");
  }

  /** The audio and X11 sockets must exist now: a clear sentence rather than a failed bind. */
  static void checkSockets(Profile profile, Map<String, String> env) throws HsuException {
    List<DesktopGrants.Needed> needed = new ArrayList<>(DesktopGrants.needed(profile, env));
    needed.addAll(DbusProxy.needed(profile, env));
    for (DesktopGrants.Needed n : needed) {
      if (n.socket() == null || !isSocket(Path.of(n.socket().value()))) {
        throw new HsuException(HsuException.Kind.FAILURE, n.missing());
      }
    }
    if (profile.audio().contains(Profile.Audio.PULSE)) {
      AbsPath filter = dev.hsu.compile.PulseFilter.program(env);
      if (!Files.isExecutable(Path.of(filter.value()))) {
        throw new HsuException(HsuException.Kind.FAILURE,
            "the profile asks for sound, but hsu's PulseAudio filter "
                + dev.hsu.plan.Quote.q(filter.value()) + " is missing (build it: make -C init-c)");
      }
    }
    if (profile.dbus().any() && !Files.isExecutable(Path.of(DbusProxy.PROGRAM.value()))) {
      throw new HsuException(HsuException.Kind.FAILURE,
          "the profile asks for D-Bus, but " + dev.hsu.plan.Quote.q(DbusProxy.PROGRAM.value())
              + " is not installed (Debian: apt install xdg-dbus-proxy)");
    }
  }

  private static boolean isSocket(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).isOther();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The compositor's socket must exist now: a clear sentence rather than a failed bind. */
  static void checkCompositor(Wayland w) throws HsuException {
    Path socket = Path.of(w.compositor().value());
    boolean isSocket;
    try {
      isSocket = Files.readAttributes(socket, BasicFileAttributes.class).isOther();
    } catch (java.io.IOException e) {
      isSocket = false;
    }
    if (!isSocket) {
      throw new HsuException(HsuException.Kind.FAILURE,
          "the profile asks for Wayland, but there is no Wayland compositor socket at "
              + dev.hsu.plan.Quote.q(w.compositor().value())
              + " (from WAYLAND_DISPLAY and XDG_RUNTIME_DIR)");
    }
  }
}
