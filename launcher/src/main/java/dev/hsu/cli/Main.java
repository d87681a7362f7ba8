package dev.hsu.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The hsu command line: {@code check}, {@code compile}, {@code launch}, {@code desktop}, {@code
 * systemd}, the instance commands ({@code ps}, {@code info}, {@code enter}, {@code stop}, {@code
 * wait}), {@code doctor}, {@code version}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs hsu with the real environment; returns the exit code (only launch never returns). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Context ctx;
    try {
      ctx = Context.system();
    } catch (RuntimeException | Error e) {
      return new Errors(err, "1".equals(System.getenv("HSU_DEBUG"))).report(e, isLaunch(args));
    }
    return run(args, out, err, ctx);
  }

  static int run(String[] args, PrintStream out, PrintStream err, Context ctx) {
    Errors errors = new Errors(err, ctx.debug());
    boolean launch = isLaunch(args);
    try {
      // Picocli is built for Java 5, so no CDS archive can hold its classes: loading and verifying
      // them took a third of a cold launch. A plain `launch PROFILE [ARGS...]` does without it.
      LaunchCommand plain = LaunchCommand.plain(new Cli(ctx, out, errors), args);
      if (plain != null) {
        int code = plain.call();
        out.flush();
        err.flush();
        return code;
      }
      // Any other `launch` builds only its command, since picocli's reflective setup of the
      // whole tree is a large part of hsu's start-up time.
      CommandLine cmd =
          commandLine(ctx, out, errors, launch && args.length > 0 && "launch".equals(args[0]));
      int code = cmd.execute(args);
      out.flush();
      err.flush();
      return code;
    } catch (Throwable t) {
      // Picocli hands execution failures to the handler; this is for anything that escapes it,
      // and for a plain launch's failures, which take the same way to the same report.
      return errors.report(t, launch);
    }
  }

  static CommandLine commandLine(Context ctx, PrintStream out, Errors errors) {
    return commandLine(ctx, out, errors, false);
  }

  private static CommandLine commandLine(
      Context ctx, PrintStream out, Errors errors, boolean launchOnly) {
    CommandLine.IFactory f = new Cli(ctx, out, errors).factory();
    CommandLine cmd = new CommandLine(Top.class, f);
    CommandLine launch = new CommandLine(LaunchCommand.class, f);
    // Everything after PROFILE belongs to the app, even when it looks like an option.
    launch.setStopAtPositional(true);
    if (launchOnly) {
      cmd.addSubcommand(launch);
      return configure(cmd, out, errors);
    }
    cmd.addSubcommand(new CommandLine(CheckCommand.class, f));
    cmd.addSubcommand(new CommandLine(CompileCommand.class, f));
    cmd.addSubcommand(launch);
    cmd.addSubcommand(
        new CommandLine(DesktopCommand.class, f)
            .addSubcommand(new CommandLine(DesktopCommand.Install.class, f))
            .addSubcommand(new CommandLine(DesktopCommand.Remove.class, f))
            .addSubcommand(new CommandLine(DesktopCommand.ListEntries.class, f)));
    cmd.addSubcommand(
        new CommandLine(SystemdCommand.class, f)
            .addSubcommand(new CommandLine(SystemdCommand.Install.class, f))
            .addSubcommand(new CommandLine(SystemdCommand.Remove.class, f))
            .addSubcommand(new CommandLine(SystemdCommand.ListUnits.class, f)));
    CommandLine enter = new CommandLine(EnterCommand.class, f);
    // Everything after ID belongs to the command, even when it looks like an option.
    enter.setStopAtPositional(true);
    cmd.addSubcommand(new CommandLine(PsCommand.class, f));
    cmd.addSubcommand(new CommandLine(InfoCommand.class, f));
    cmd.addSubcommand(enter);
    cmd.addSubcommand(new CommandLine(StopCommand.class, f));
    cmd.addSubcommand(new CommandLine(WaitCommand.class, f));
    cmd.addSubcommand(new CommandLine(DoctorCommand.class, f));
    cmd.addSubcommand(new CommandLine(VersionCommand.class, f));
    return configure(cmd, out, errors);
  }

  /** Settings applied after the subcommands are added, so that they reach them too. */
  private static CommandLine configure(CommandLine cmd, PrintStream out, Errors errors) {
    cmd.setExpandAtFiles(false);
    cmd.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cmd.setErr(
        new PrintWriter(
            new java.io.OutputStreamWriter(errors.err(), StandardCharsets.UTF_8), true));
    cmd.setParameterExceptionHandler(
        (ex, argv) -> {
          int code = errors.report(ex, isLaunch(ex.getCommandLine()));
          return code;
        });
    cmd.setExecutionExceptionHandler(
        (ex, which, parseResult) -> errors.report(ex, isLaunch(which)));
    return cmd;
  }

  /** launch and enter report their own failures as 125, like env(1): the app's codes are its. */
  private static boolean isLaunch(CommandLine which) {
    String name = which.getCommandSpec().name();
    return name.equals("launch") || name.equals("enter");
  }

  private static boolean isLaunch(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return a.equals("launch") || a.equals("enter");
      }
    }
    return false;
  }

  /** The top command: without a subcommand it prints the usage and fails. */
  @Command(
      name = "hsu",
      mixinStandardHelpOptions = true,
      versionProvider = VersionCommand.Provider.class,
      description = "Run Linux desktop apps in unprivileged sandboxes described by YAML profiles.",
      footer = {
        "",
        "Exit status of check, compile, desktop, systemd, doctor, ps, info, stop: 0 ok,",
        "1 failure (for the instance commands: no such sandbox, or its record refused),",
        "2 usage error or invalid profile.",
        "Exit status of launch and enter: the app's (the command's); 125 hsu failed,",
        "126 not executable, 127 not found. wait: the sandbox's exit status, 1, 2.",
        "HSU_DEBUG=1 prints stack traces with internal errors."
      })
  static final class Top implements Callable<Integer> {
    private final Errors errors;

    Top(Cli cli) {
      this.errors = cli.errors();
    }

    @Override
    public Integer call() {
      errors
          .err()
          .println(
              "hsu: a command is required: check, compile, launch, desktop, systemd, ps, info,"
                  + " enter, stop, wait, doctor or version");
      errors.err().println("Try 'hsu --help' for more information.");
      return ExitCodes.USAGE;
    }
  }
}
