package dev.hsu.cli;

import dev.hsu.instances.Instances;
import dev.hsu.sys.Sys;
import dev.hsu.sys.SysException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsu stop ID|APP-ID|--all [--timeout DURATION]}: SIGTERM to the sandbox's PID 1 through its
 * pidfd, SIGKILL after the timeout, then waits for the supervisor to remove the instance.
 */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stop a running sandbox: SIGTERM to its PID 1, which passes it to the app; after the",
      "timeout (default: the profile's wait-delay) SIGTERM again, which ends PID 1's wait for",
      "what the app left running, and SIGKILL to the whole sandbox if it still runs then.",
      "hsu launch then exits with 143 (or 137). Exit status: 0 stopped, 1 no such sandbox,",
      "its record refused or it did not end, 2 usage error."
    })
final class StopCommand implements Callable<Integer> {
  /** After SIGKILL: how long the supervisor may take to clean up. */
  static final Duration CLEANUP = Duration.ofSeconds(10);

  /** How long PID 1 has to exit after the second SIGTERM, before SIGKILL. */
  static final Duration SECOND_TERM = Duration.ofMillis(500);

  private static final int SIGTERM = 15;
  private static final int SIGKILL = 9;
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)?");

  static final class Which {
    @Parameters(
        index = "0",
        paramLabel = "ID|APP-ID",
        description = "an id (or its start) or app id")
    String instance;

    @Option(names = "--all", description = "every running sandbox")
    boolean all;
  }

  @ArgGroup(multiplicity = "1")
  Which which;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "how long the app has after SIGTERM: 500ms, 10s, 2m (default: wait-delay)")
  String timeout;

  private final Context ctx;
  private final PrintStream out;
  private final Errors errors;

  StopCommand(Cli cli) {
    this.ctx = cli.ctx();
    this.out = cli.out();
    this.errors = cli.errors();
  }

  @Override
  public Integer call() throws HsuException {
    Duration limit = timeout == null ? null : parse(timeout);
    List<Instances.Live> targets = new ArrayList<>();
    if (which.all) {
      for (Instances.Found f : InstanceCommands.scan(ctx)) {
        if (f instanceof Instances.Live l) {
          targets.add(l);
        } else if (f instanceof Instances.Refused r) {
          errors.err().println("hsu: warning: " + r.sentence());
        }
      }
    } else {
      targets.add(InstanceCommands.find(ctx, which.instance));
    }
    boolean failed = false;
    for (Instances.Live l : targets) {
      try (l) {
        Duration t = limit != null ? limit : Duration.ofMillis(l.record().waitDelayMs());
        stop(l, t);
        out.println("stopped " + l.record().id() + " (" + l.record().appId() + ")");
      } catch (HsuException e) {
        errors.err().println("hsu: " + e.getMessage());
        failed = true;
      }
    }
    out.flush();
    return failed ? ExitCodes.FAILURE : ExitCodes.OK;
  }

  private static void stop(Instances.Live l, Duration timeout) throws HsuException {
    String id = l.record().id();
    try {
      signal(l, SIGTERM);
      // A second SIGTERM after the timeout ends PID 1's wait for what the app left running (it
      // exits with the app's status); an app that ignored the first one is killed with the rest.
      if (!Sys.pidfdWait(l.supervisorFd(), timeout.toMillis())) {
        signal(l, SIGTERM);
      }
      if (!Sys.pidfdWait(l.supervisorFd(), SECOND_TERM.toMillis())) {
        signal(l, SIGKILL);
        if (!Sys.pidfdWait(l.supervisorFd(), CLEANUP.toMillis())) {
          throw new HsuException(
              HsuException.Kind.FAILURE,
              "the sandbox " + id + " did not end within " + CLEANUP.toSeconds() + " s of SIGKILL");
        }
      }
    } catch (SysException e) {
      throw new HsuException(
          HsuException.Kind.FAILURE, "cannot stop the sandbox " + id + ": " + e.reason(), e);
    }
  }

  /** Through the init's pidfd: never to another process; one that just ended is fine. */
  private static void signal(Instances.Live l, int sig) throws SysException {
    try {
      Sys.pidfdSendSignal(l.initFd(), sig);
    } catch (SysException e) {
      if (e.errno() != 3) { // ESRCH: it ended meanwhile
        throw e;
      }
    }
  }

  static Duration parse(String s) throws HsuException {
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new HsuException(
          HsuException.Kind.USAGE,
          "--timeout needs a duration such as 500ms, 10s or 2m, not " + dev.hsu.base.Quote.q(s));
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
