package dev.hsu.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hsu check PROFILE...}: loads and compiles each profile, reporting every problem. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Check profiles: print every problem, exit 2 when a profile is invalid.",
      "Dangerous grants (writable home, host network, devices, relaxed filters) are warnings:",
      "they are printed but do not change the exit status."
    })
final class CheckCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "PROFILE", description = "profile files or names")
  List<String> profiles;

  private final Context ctx;
  private final PrintStream out;
  private final Errors errors;

  CheckCommand(Cli cli) {
    this.ctx = cli.ctx();
    this.out = cli.out();
    this.errors = cli.errors();
  }

  @Override
  public Integer call() {
    int worst = ExitCodes.OK;
    for (String arg : profiles) {
      int code;
      try {
        Compilation c = Compilation.of(ctx, errors.err(), arg, List.of(), true);
        String file = dev.hsu.base.Quote.escape(c.file().toString());
        out.println(
            c.warnings() == 0
                ? file + ": ok"
                : file + ": ok, " + c.warnings() + (c.warnings() == 1 ? " warning" : " warnings"));
        // What sound and the portals give is not obvious from the keys: say it.
        for (dev.hsu.plan.Proxy px : c.plan().proxies()) {
          if (px.kind() == dev.hsu.plan.Proxy.Kind.PULSE) {
            px.grants().stream().skip(1).forEach(g -> out.println("  " + g));
          } else {
            px.grants().stream()
                .filter(g -> g.startsWith("portals: "))
                .forEach(g -> out.println("  " + g));
          }
        }
        code = ExitCodes.OK;
      } catch (Exception e) {
        code = errors.report(e, false);
      }
      // An invalid profile (2) outranks other failures (1).
      worst = Math.max(worst, code);
    }
    return worst;
  }
}
