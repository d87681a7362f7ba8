package dev.hsu.cli;

import dev.hsu.instances.Instances;
import dev.hsu.instances.Listing;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsu ps [--json] [--all-fields]}: the running sandboxes, one line each. */
@Command(
    name = "ps",
    mixinStandardHelpOptions = true,
    description = {
      "List the running sandboxes: id (its first 8 digits name it to the other commands),",
      "app id, name, pid (the supervisor's, the process hsu launch became), uptime, resident",
      "memory of the sandbox's processes, grants. A record that does not match its live",
      "processes is left out with a warning. Exit status: 0 ok, 1 failure, 2 usage error."
    })
final class PsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "print one JSON object (docs/instances.md)")
  boolean json;

  @Option(names = "--all-fields", description = "also the full id, the init's pid, profile, dir")
  boolean allFields;

  private final Context ctx;
  private final PrintStream out;
  private final Errors errors;

  PsCommand(Cli cli) {
    this.ctx = cli.ctx();
    this.out = cli.out();
    this.errors = cli.errors();
  }

  @Override
  public Integer call() throws HsuException {
    List<Instances.Found> found = InstanceCommands.scan(ctx);
    try {
      for (Instances.Found f : found) {
        if (f instanceof Instances.Refused r) {
          errors.err().println("hsu: warning: " + r.sentence());
        }
      }
      List<Listing.Row> rows = Listing.rows(found);
      out.print(json ? Listing.json(rows) : Listing.text(rows, allFields));
      out.flush();
      return ExitCodes.OK;
    } finally {
      Instances.closeAll(found);
    }
  }
}
