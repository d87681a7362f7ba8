package dev.hsu.cli;

import dev.hsu.instances.InstanceRecord;
import dev.hsu.instances.Instances;
import dev.hsu.sys.Sys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hsu enter ID|APP-ID [-- CMD ARGS...]}: finds the sandbox, then becomes {@code hsu-init
 * --enter}, which checks the init through a pidfd again, joins its namespaces and runs the command
 * with the app's confinement.
 */
@Command(
    name = "enter",
    mixinStandardHelpOptions = true,
    description = {
      "Run a command in a running sandbox, as confined as its app: same uid and gid, no",
      "capabilities, no_new_privs, the same seccomp filter and Landlock rules, the app's",
      "environment and directory, a new session. Default command: the sandbox's $SHELL.",
      "Exit status: the command's own (128+signal when killed); 125 when hsu could not enter",
      "(no such sandbox, its record refused, a setup error); 126 not executable, 127 not found."
    })
final class EnterCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ID|APP-ID", description = "an id (or its start) or app id")
  String instance;

  @Parameters(index = "1..*", paramLabel = "CMD", description = "the command and its arguments")
  List<String> command = new ArrayList<>();

  private final Context ctx;

  EnterCommand(Cli cli) {
    this.ctx = cli.ctx();
  }

  @Override
  public Integer call() throws Exception {
    List<String> cmd = new ArrayList<>(command);
    if (!cmd.isEmpty() && cmd.get(0).equals("--")) {
      cmd.remove(0);
    }
    String init = ctx.initPath();
    List<String> argv = new ArrayList<>(List.of("hsu-init", "--enter"));
    try (Instances.Live l = InstanceCommands.find(ctx, instance)) {
      InstanceRecord r = l.record();
      argv.add(r.dir().toString());
      argv.add(Long.toString(r.init().pid()));
      argv.add(Long.toString(r.init().start()));
    }
    if (!cmd.isEmpty()) {
      argv.add("--");
      argv.addAll(cmd);
    }
    List<String> env = new ArrayList<>();
    ctx.env().forEach((k, v) -> env.add(k + "=" + v));
    Sys.execve(init, argv, env);
    throw new IllegalStateException("execve returned");
  }
}
