package dev.hsu.cli;

import dev.hsu.instances.Instances;
import dev.hsu.instances.Listing;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsu info ID|APP-ID [--json]}: one running sandbox in detail. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = {
      "Show one running sandbox: its record, the processes inside (pid inside and on the",
      "host, command), its namespaces, the sockets it was given, its systemd scope.",
      "Exit status: 0 ok, 1 no such sandbox or its record is refused, 2 usage error."
    })
final class InfoCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ID|APP-ID", description = "an id (or its start) or app id")
  String instance;

  @Option(names = "--json", description = "print one JSON object (docs/instances.md)")
  boolean json;

  private final Context ctx;
  private final PrintStream out;

  InfoCommand(Cli cli) {
    this.ctx = cli.ctx();
    this.out = cli.out();
  }

  @Override
  public Integer call() throws HsuException {
    try (Instances.Live l = InstanceCommands.find(ctx, instance)) {
      Listing.Detail d = Listing.detail(l.record());
      out.print(json ? Listing.infoJson(d) : Listing.infoText(d));
      out.flush();
      return ExitCodes.OK;
    }
  }
}
