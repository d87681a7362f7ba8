package dev.hsu.cli;

import dev.hsu.base.Quote;
import dev.hsu.desktop.MarkedFile;
import dev.hsu.plan.PlanJson;
import dev.hsu.plan.PlanText;
import dev.hsu.plan.PlanWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsu compile PROFILE}: shows the plan (text or JSON) or writes the binary plan. */
@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = "Show the plan a profile compiles to, or write it with -o.")
final class CompileCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PROFILE", description = "profile file or name")
  String profile;

  @Option(names = "--json", description = "print the plan as JSON")
  boolean json;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "write the binary plan (for hsu-init --plan-fd) to FILE")
  String output;

  private final Context ctx;
  private final PrintStream out;
  private final Errors errors;

  CompileCommand(Cli cli) {
    this.ctx = cli.ctx();
    this.out = cli.out();
    this.errors = cli.errors();
  }

  @Option(
      names = "--warm",
      description = "fill the plan cache for 'hsu launch PROFILE' instead of showing the plan")
  boolean warm;

  @Override
  public Integer call() throws Exception {
    if (warm) {
      Compilation.of(ctx, errors.err(), profile, List.of(), true);
      String why = Warming.warm(ctx, profile);
      if (why != null) {
        throw new HsuException(HsuException.Kind.FAILURE, "cannot cache the plan: " + why);
      }
      return ExitCodes.OK;
    }
    Compilation c = Compilation.of(ctx, errors.err(), profile, List.of(), true);
    if (output != null) {
      write(output, PlanWriter.write(c.plan()));
      return ExitCodes.OK;
    }
    out.print(json ? PlanJson.render(c.plan()) : PlanText.render(c.plan()));
    out.flush();
    return ExitCodes.OK;
  }

  /** Writes through a temporary file in the same directory, so readers never see half a plan. */
  static void write(String name, byte[] data) throws HsuException {
    Path target;
    try {
      target = Path.of(name).toAbsolutePath();
    } catch (InvalidPathException e) {
      throw new HsuException(HsuException.Kind.USAGE, Quote.q(name) + " is not a valid path");
    }
    Path tmp = null;
    try {
      Path dir = target.getParent();
      tmp = Files.createTempFile(dir, ".hsu-plan-", ".tmp");
      Files.write(tmp, data);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException e) {
      throw new HsuException(
          HsuException.Kind.FAILURE,
          "cannot write " + Quote.q(name) + ": " + MarkedFile.reason(e),
          e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: the write already failed and that is what gets reported.
        }
      }
    }
  }
}
