package dev.hsu.cli;

import dev.hsu.base.Quote;
import dev.hsu.desktop.Applications;
import dev.hsu.desktop.InstallException;
import dev.hsu.desktop.MarkedFile;
import dev.hsu.profile.Profile;
import dev.hsu.systemd.UnitFile;
import dev.hsu.systemd.UserUnits;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsu systemd install|remove|list}: per-user service units that run a sandbox. */
@Command(
    name = "systemd",
    mixinStandardHelpOptions = true,
    description = {
      "Manage per-user systemd service units that run apps through hsu launch.",
      "Units go to $${XDG_CONFIG_HOME:-~/.config}/systemd/user/hsu-ID.service."
    })
final class SystemdCommand implements Callable<Integer> {
  private final Errors errors;

  SystemdCommand(Cli cli) {
    this.errors = cli.errors();
  }

  @Override
  public Integer call() {
    errors.err().println("hsu systemd: a command is required: install, remove or list");
    errors.err().println("Try 'hsu systemd --help' for more information.");
    return ExitCodes.USAGE;
  }

  static UserUnits units(Context ctx) throws HsuException {
    return UserUnits.fromEnv(ctx.env(), Installing.userHome(ctx));
  }

  /** Whether a user manager runs for this user: systemd --user always has this socket. */
  static boolean managerRuns(Context ctx) {
    String runtime = ctx.env().get("XDG_RUNTIME_DIR");
    return runtime != null
        && runtime.startsWith("/")
        && Files.exists(Path.of(runtime, "systemd/private"));
  }

  /** Runs {@code systemctl --user ARGS}; returns null on success, else a sentence. */
  static String systemctl(Context ctx, String... args) {
    Path tool = Applications.onPath(ctx.env().get("PATH"), "systemctl");
    if (tool == null) {
      return "systemctl is not on PATH";
    }
    List<String> cmd = new ArrayList<>(List.of(tool.toString(), "--user"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(ctx.env());
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "systemctl --user " + String.join(" ", args) + " did not finish in 60 s";
      }
      return p.exitValue() == 0
          ? null
          : "systemctl --user " + String.join(" ", args) + " failed: " + Quote.escape(out);
    } catch (IOException e) {
      return "cannot run systemctl: " + Quote.escape(String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** {@code hsu systemd install PROFILE [--enable] [--now]}. */
  @Command(
      name = "install",
      mixinStandardHelpOptions = true,
      description = {
        "Write the user service unit hsu-ID.service running PROFILE (Type=exec; Restart and",
        "RestartSec from the profile's 'service' block). Replaces only a unit hsu wrote."
      })
  static final class Install implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROFILE", description = "profile file or name")
    String profile;

    @Option(names = "--enable", description = "enable the unit (started with the user's session)")
    boolean enable;

    @Option(names = "--now", description = "start the unit now (with --enable: enable and start)")
    boolean now;

    private final Context ctx;
    private final PrintStream out;
    private final Errors errors;

    Install(Cli cli) {
      this.ctx = cli.ctx();
      this.out = cli.out();
      this.errors = cli.errors();
    }

    @Override
    public Integer call() throws Exception {
      Compilation c = Installing.profile(ctx, errors, profile);
      Profile p = c.profile();
      UserUnits units = units(ctx);
      try {
        UnitFile.Spec spec =
            new UnitFile.Spec(
                Installing.hsuCommand(ctx),
                Installing.absolute(c),
                p.id(),
                p.name(),
                p.service().restart(),
                p.service().restartSec());
        Path file = units.fileFor(p.id());
        MarkedFile.Outcome o = units.install(spec);
        Installing.warm(ctx, errors, c);
        Installing.report(out, o, file);
        String unit = file.getFileName().toString();
        if (!managerRuns(ctx)) {
          if (enable || now) {
            throw new HsuException(
                HsuException.Kind.FAILURE,
                "the unit is installed, but no"
                    + " systemd user manager runs to "
                    + (enable ? "enable" : "start")
                    + " it");
          }
          Installing.note(errors, "no systemd user manager runs; the unit is read when one starts");
          return ExitCodes.OK;
        }
        String problem = systemctl(ctx, "daemon-reload");
        if (problem == null && enable) {
          problem = now ? systemctl(ctx, "enable", "--now", unit) : systemctl(ctx, "enable", unit);
        } else if (problem == null && now) {
          problem = systemctl(ctx, "restart", unit);
        }
        if (problem != null) {
          throw new HsuException(HsuException.Kind.FAILURE, problem);
        }
        return ExitCodes.OK;
      } catch (InstallException e) {
        throw Installing.failure(e);
      }
    }
  }

  /** {@code hsu systemd remove PROFILE|ID}. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Stop, disable and remove the unit hsu wrote for PROFILE (or profile id ID).")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROFILE|ID", description = "profile file, name or id")
    String profile;

    private final Context ctx;
    private final PrintStream out;
    private final Errors errors;

    Remove(Cli cli) {
      this.ctx = cli.ctx();
      this.out = cli.out();
      this.errors = cli.errors();
    }

    @Override
    public Integer call() throws Exception {
      UserUnits units = units(ctx);
      try {
        String id = Installing.idToRemove(ctx, errors, profile, units);
        Path file = units.fileFor(id);
        if (MarkedFile.readOurs(file, UnitFile::isOurs) != null && managerRuns(ctx)) {
          String problem = systemctl(ctx, "disable", "--now", file.getFileName().toString());
          if (problem != null) {
            Installing.note(errors, problem);
          }
        }
        MarkedFile.Outcome o = units.remove(id);
        if (o == MarkedFile.Outcome.REMOVED && managerRuns(ctx)) {
          String problem = systemctl(ctx, "daemon-reload");
          if (problem != null) {
            Installing.note(errors, problem);
          }
        }
        Installing.report(out, o, file);
        return ExitCodes.OK;
      } catch (InstallException e) {
        throw Installing.failure(e);
      }
    }
  }

  /** {@code hsu systemd list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the units hsu wrote: the file, then the profile it runs.")
  static final class ListUnits implements Callable<Integer> {
    private final Context ctx;
    private final PrintStream out;

    ListUnits(Cli cli) {
      this.ctx = cli.ctx();
      this.out = cli.out();
    }

    @Override
    public Integer call() throws Exception {
      Installing.list(out, units(ctx));
      return ExitCodes.OK;
    }
  }
}
