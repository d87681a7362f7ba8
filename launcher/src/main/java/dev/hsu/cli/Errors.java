package dev.hsu.cli;

import dev.hsu.base.Quote;
import dev.hsu.compile.CompileException;
import dev.hsu.launch.LaunchException;
import dev.hsu.sys.SysException;
import java.io.PrintStream;
import picocli.CommandLine;

/** The one place that turns exceptions into a printed sentence and an exit code. */
final class Errors {
  private final PrintStream err;
  private final boolean debug;

  Errors(PrintStream err, boolean debug) {
    this.err = err;
    this.debug = debug;
  }

  PrintStream err() {
    return err;
  }

  /**
   * Prints {@code t} as a sentence and returns the exit code for it.
   *
   * @param launch true for {@code hsu launch}, whose failures are all 125
   */
  int report(Throwable t, boolean launch) {
    int code;
    if (t instanceof HsuException e) {
      if (e.getMessage() != null && !e.getMessage().isEmpty()) {
        err.println("hsu: " + e.getMessage());
      }
      code =
          switch (e.kind()) {
            case USAGE -> ExitCodes.USAGE;
            case PROFILE -> ExitCodes.INVALID_PROFILE;
            case FAILURE -> ExitCodes.FAILURE;
          };
    } else if (t instanceof CommandLine.ParameterException e) {
      String name = e.getCommandLine().getCommandSpec().qualifiedName();
      err.println(name + ": " + Quote.controls(String.valueOf(e.getMessage())));
      err.println("Try '" + name + " --help' for more information.");
      code = ExitCodes.USAGE;
    } else if (t instanceof CompileException e) {
      err.println("hsu: " + Quote.controls(e.getMessage()));
      code = ExitCodes.INVALID_PROFILE;
    } else if (t instanceof LaunchException e) {
      err.println("hsu: " + e.getMessage());
      code = ExitCodes.FAILURE;
    } else if (t instanceof SysException e) {
      err.println("hsu: " + e.getMessage());
      code = ExitCodes.FAILURE;
    } else {
      err.println("hsu: internal error: " + Quote.controls(String.valueOf(t)));
      if (debug) {
        t.printStackTrace(err);
      } else {
        err.println("hsu: run with HSU_DEBUG=1 to see the stack trace");
      }
      return launch ? ExitCodes.LAUNCH_FAILED : ExitCodes.FAILURE;
    }
    if (debug) {
      t.printStackTrace(err);
    }
    return launch ? ExitCodes.LAUNCH_FAILED : code;
  }
}
