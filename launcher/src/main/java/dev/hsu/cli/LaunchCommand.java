package dev.hsu.cli;

import dev.hsu.launch.FileForwarding;
import dev.hsu.launch.Launch;
import dev.hsu.plan.Plan;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsu launch PROFILE [-- ARGS...]}: compiles the profile, then {@link Launch} runs it. */
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

  @Option(
      names = "--die-with-parent",
      description = {
        "End the sandbox, every process in it, when the process that ran hsu launch ends",
        "(as the profile's die-with-parent: true does)."
      })
  boolean dieWithParent;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "arguments for the app")
  List<String> args = new ArrayList<>();

  private final Context ctx;
  private final PrintStream out;
  private final Errors errors;

  LaunchCommand(Cli cli) {
    this.ctx = cli.ctx();
    this.out = cli.out();
    this.errors = cli.errors();
  }

  /**
   * {@code launch PROFILE [ARGS...]} without options before PROFILE: the command as picocli fills
   * it (everything after PROFILE is the app's), or null for anything else, which picocli parses.
   */
  static LaunchCommand plain(Cli cli, String[] argv) {
    if (argv.length < 2 || !argv[0].equals("launch") || argv[1].startsWith("-")) {
      return null;
    }
    LaunchCommand c = new LaunchCommand(cli);
    c.profile = argv[1];
    c.args = new ArrayList<>(List.of(argv).subList(2, argv.length));
    return c;
  }

  @Override
  public Integer call() throws Exception {
    List<String> extra = new ArrayList<>(args);
    // Everything after PROFILE is the app's (stop-at-positional); a first "--" only separates.
    if (!extra.isEmpty() && extra.get(0).equals("--")) {
      extra.remove(0);
    }
    String entryFd = System.getProperty(Warming.ENTRY_FD);
    if (entryFd != null && System.getProperty(Warming.FRONT) != null && !dieWithParent) {
      return Warming.emit(ctx, profile, entryFd, errors);
    }
    Compilation c = null;
    if (System.getProperty(Warming.FRONT) != null) {
      // The C front missed: fill the cache, so the next launch runs without a JVM, and run the
      // plan of that one compile (it has a fresh instance id; the extra arguments are appended).
      Warming.Warmed w = Warming.warmed(ctx, profile);
      if (w.why() != null && ctx.debug()) {
        errors.err().println("hsu: debug: no plan cache entry: " + w.why());
      }
      c = w.compiled();
    }
    if (c == null) {
      // No compile of warming's (no front, or the profile failed there): compile here, with the
      // diagnostics on stderr.
      c = Compilation.of(ctx, errors.err(), profile, List.of(), false);
    }
    java.util.function.Consumer<String> notices =
        notice -> {
          errors.err().println("hsu: notice: " + notice);
          errors.err().flush();
        };
    if (c.profile().dbus().portals() != null) {
      portalCheck();
    }
    // With portals, files named in the arguments are handed to the app (docs/portals.md).
    List<String> appArgs =
        FileForwarding.rewrite(
            c.profile(),
            extra,
            java.nio.file.Path.of("").toAbsolutePath(),
            FileForwarding.viaProgram(ctx.compileEnv(), ctx.env()),
            notices);
    Plan plan = c.plan().withExtraArgs(appArgs);
    String init = ctx.initPath();
    out.flush();
    Launch.run(
        c.profile(),
        dieWithParent ? plan.withDieWithParent() : plan,
        ctx.env(),
        init,
        ctx.launchHost(),
        notices);
    throw new IllegalStateException("execve returned");
  }

  /**
   * The document portal started, or a notice: hsu-launch's check (the fast path runs the same),
   * when hsu runs through its launcher script.
   */
  private void portalCheck() {
    String front = System.getProperty(Warming.FRONT);
    if (front == null || !java.nio.file.Files.isExecutable(java.nio.file.Path.of(front))) {
      return;
    }
    try {
      String notice = dev.hsu.launch.PortalCheck.notice(front, ctx.env());
      if (notice != null) {
        errors.err().println("hsu: notice: " + notice);
        errors.err().flush();
      }
    } catch (java.io.IOException e) {
      errors.err().println("hsu: notice: cannot check the portals: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
