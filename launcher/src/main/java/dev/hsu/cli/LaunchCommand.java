package dev.hsu.cli;

import dev.hsu.launch.Launch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Override
  public Integer call() throws Exception {
    List<String> extra = new ArrayList<>(args);
    // Everything after PROFILE is the app's (stop-at-positional); a first "--" only separates.
    if (!extra.isEmpty() && extra.get(0).equals("--")) {
      extra.remove(0);
    }
    if (System.getProperty(Warming.FRONT) != null) {
      // The C front missed: fill the cache, so the next launch runs without a JVM.
      String why = Warming.warm(ctx, profile);
      if (why != null && ctx.debug()) {
        errors.err().println("hsu: debug: no plan cache entry: " + why);
      }
    }
    Compilation c = Compilation.of(ctx, errors.err(), profile, extra, false);
    String init = ctx.initPath();
    out.flush();
    Launch.run(
        c.profile(),
        c.plan(),
        ctx.env(),
        init,
        ctx.launchHost(),
        notice -> {
          errors.err().println("hsu: notice: " + notice);
          errors.err().flush();
        });
    throw new IllegalStateException("execve returned");
  }
}
