package dev.hsu.cli;

import dev.hsu.compile.Compiler;
import dev.hsu.compile.PulseFilter;
import dev.hsu.doctor.Check;
import dev.hsu.doctor.Doctor;
import dev.hsu.doctor.DoctorHost;
import dev.hsu.doctor.DoctorHost.Probe;
import dev.hsu.doctor.Render;
import dev.hsu.plan.PlanWriter;
import dev.hsu.profile.Diagnostic;
import dev.hsu.profile.Loader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsu doctor [--json]}: what this host offers hsu, one line a check, with the fixes. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check what hsu needs on this host: user namespaces (and AppArmor's restriction),",
      "Landlock, seccomp, overlayfs, the Wayland compositor, the session bus, xdg-dbus-proxy,",
      "sound, X11, the systemd user manager, Java. It runs two tiny test sandboxes.",
      "One line a check: ok, warn (some profiles cannot run) or fail (none can), with the fix.",
      "Exit status: 0 when no check fails, 1 otherwise."
    })
final class DoctorCommand implements Callable<Integer> {
  /** How long a test sandbox may take. */
  static final long PROBE_SECONDS = 20;

  @Option(names = "--json", description = "print the checks as one JSON object")
  boolean json;

  private final Context ctx;
  private final PrintStream out;

  DoctorCommand(Cli cli) {
    this.ctx = cli.ctx();
    this.out = cli.out();
  }

  @Override
  public Integer call() {
    String init = null;
    try {
      init = ctx.initPath();
    } catch (HsuException e) {
      // Reported by the sandbox check: no hsu-init is known.
    }
    String filter;
    try {
      filter = PulseFilter.program(ctx.compileEnv()).value();
    } catch (IllegalArgumentException e) {
      filter = null;
    }
    String initPath = init;
    List<Check> checks =
        Doctor.run(
            DoctorHost.system(overlay -> probe(initPath, overlay)),
            new Doctor.Inputs(
                ctx.env(),
                init,
                filter,
                System.getProperty(Warming.FRONT),
                Runtime.version(),
                System.getProperty("java.home")));
    out.print(json ? Render.json(checks) : Render.text(checks));
    out.flush();
    return Render.passed(checks) ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  /** The profile of a test sandbox: the defaults, a shell that exits 0, no per-app files. */
  static String probeProfile(boolean overlay) {
    return "id: dev.hsu.Doctor\n"
        + "name: hsu doctor\n"
        + "home: ephemeral\n"
        + "command: [/bin/sh, -c, 'exit 0']\n"
        + (overlay ? "filesystem:\n  - overlay: /usr/share\n" : "");
  }

  /** Compiles the test profile and runs its plan through hsu-init, as a child process. */
  private Probe probe(String init, boolean overlay) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("hsu-doctor");
      Path profile = Files.writeString(dir.resolve("doctor.yaml"), probeProfile(overlay));
      Loader.Result r = ctx.loading().load(ctx.host(), ctx.baseDirs(), profile);
      if (!r.ok()) {
        return Probe.failed(
            "the test profile is invalid: "
                + r.diagnostics().stream()
                    .filter(d -> d.severity() == Diagnostic.Severity.ERROR)
                    .map(Loader::render)
                    .findFirst()
                    .orElse("?"));
      }
      Path plan =
          Files.write(
              dir.resolve("doctor.plan"),
              PlanWriter.write(Compiler.compile(r.profile(), ctx.compileEnv(), List.of())));
      Process p =
          new ProcessBuilder(init, "--plan", plan.toString())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      byte[] output;
      if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Probe.failed("hsu-init did not finish within " + PROBE_SECONDS + " s");
      }
      output = p.getInputStream().readAllBytes();
      if (p.exitValue() == 0) {
        return Probe.ok();
      }
      return Probe.failed(lastLine(new String(output, StandardCharsets.UTF_8), p.exitValue()));
    } catch (IOException | HsuException | dev.hsu.compile.CompileException | RuntimeException e) {
      return Probe.failed(String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Probe.failed("interrupted");
    } finally {
      if (dir != null) {
        try (var files = Files.list(dir)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Files.deleteIfExists(f);
          }
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          // A temporary directory left behind is harmless.
        }
      }
    }
  }

  /** hsu-init's last line without its "hsu-init: " prefix and its pointer here, or the status. */
  static String lastLine(String output, int status) {
    String[] lines = output.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    if (last.isEmpty()) {
      return "hsu-init exited with status " + status;
    }
    last = last.startsWith("hsu-init: ") ? last.substring("hsu-init: ".length()) : last;
    // hsu-init's pointer back at hsu doctor says nothing here.
    return last.replaceAll(" \\([^()]*'hsu doctor'[^()]*\\)$", "");
  }
}
