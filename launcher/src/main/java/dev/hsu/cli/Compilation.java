package dev.hsu.cli;

import dev.hsu.compile.CompileException;
import dev.hsu.compile.Compiler;
import dev.hsu.plan.Plan;
import dev.hsu.profile.Diagnostic;
import dev.hsu.profile.Loader;
import dev.hsu.profile.Profile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Finds, loads and compiles one profile, printing its diagnostics; shared by the commands. */
record Compilation(Path file, Profile profile, Plan plan, int warnings) {

  /**
   * Loads and compiles {@code arg}, printing its errors, and its warnings when {@code warnings}
   * (check and compile show them; launch keeps quiet about a profile that is valid).
   */
  static Compilation of(
      Context ctx, PrintStream err, String arg, List<String> extraArgs, boolean warnings)
      throws HsuException, CompileException {
    return of(ctx, err, arg, extraArgs, warnings, null);
  }

  /** The same, for the instance {@code instanceId} (null: a new random one). */
  static Compilation of(
      Context ctx,
      PrintStream err,
      String arg,
      List<String> extraArgs,
      boolean warnings,
      String instanceId)
      throws HsuException, CompileException {
    Profile.Host host = ctx.host();
    Path file =
        ProfileFinder.find(
            arg, ctx.env(), Path.of(host.home().value()), ctx.layout().appProfiles());
    Loader.Result result = ctx.loading().load(host, ctx.baseDirs(), file);
    for (Diagnostic d : result.diagnostics()) {
      if (warnings || d.severity() == Diagnostic.Severity.ERROR) {
        err.println(Loader.render(d));
      }
    }
    boolean errors =
        result.diagnostics().stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    if (!result.ok() || errors) {
      throw new HsuException(
          HsuException.Kind.PROFILE,
          result.diagnostics().isEmpty() ? "the profile " + file + " is invalid" : "");
    }
    Plan plan =
        instanceId == null
            ? Compiler.compile(result.profile(), ctx.compileEnv(), extraArgs)
            : Compiler.compile(result.profile(), ctx.compileEnv(), extraArgs, instanceId);
    plan =
        plan.withInstance(
            plan.instance().withProfile(file.toAbsolutePath().normalize().toString()));
    int count =
        (int)
            result.diagnostics().stream()
                .filter(d -> d.severity() == Diagnostic.Severity.WARNING)
                .count();
    return new Compilation(file, result.profile(), plan, count);
  }
}
