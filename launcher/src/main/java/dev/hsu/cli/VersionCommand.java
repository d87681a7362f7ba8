package dev.hsu.cli;

import dev.hsu.plan.PlanWriter;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code hsu version}: prints hsu's version and the plan format version it writes. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
final class VersionCommand implements Callable<Integer> {
  static final String VERSION = "0.1.0";

  private final PrintStream out;

  VersionCommand(Cli cli) {
    this.out = cli.out();
  }

  static String text() {
    return "hsu " + VERSION + " (plan format " + PlanWriter.VERSION + ")";
  }

  @Override
  public Integer call() {
    out.println(text());
    return ExitCodes.OK;
  }

  /** For {@code --version} on every command. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {text()};
    }
  }
}
