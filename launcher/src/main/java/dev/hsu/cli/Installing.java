package dev.hsu.cli;

import dev.hsu.base.Quote;
import dev.hsu.desktop.GeneratedFiles;
import dev.hsu.desktop.InstallException;
import dev.hsu.desktop.MarkedFile;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the desktop and systemd commands share: the profile to install, hsu's own command, the id to
 * remove, and how outcomes, lists and notes are printed.
 */
final class Installing {
  private Installing() {}

  /** The profile, loaded and compiled (so a broken one is never installed), by absolute path. */
  static Compilation profile(Context ctx, Errors errors, String arg)
      throws HsuException, dev.hsu.compile.CompileException {
    return Compilation.of(ctx, errors.err(), arg, List.of(), false);
  }

  static Path absolute(Compilation c) {
    return c.file().toAbsolutePath().normalize();
  }

  /**
   * Fills the plan cache for the launch the installed file runs ({@code hsu launch ABSOLUTE-PATH}),
   * so its first start needs no JVM; a cache that cannot be filled only costs that start a compile.
   */
  static void warm(Context ctx, Errors errors, Compilation c) {
    String why = Warming.warm(ctx, absolute(c).toString());
    if (why != null && ctx.debug()) {
      errors.err().println("hsu: debug: no plan cache entry: " + why);
    }
  }

  /**
   * The hsu command generated files run: the launcher script of hsu's layout ({@code /usr/bin/hsu}
   * when installed, {@code ./hsu} of the checkout).
   */
  static Path hsuCommand(Context ctx) throws HsuException {
    Path hsu = ctx.layout().command();
    if (hsu == null || !Files.isExecutable(hsu)) {
      throw new HsuException(
          HsuException.Kind.FAILURE,
          "cannot find the hsu command to put in the generated file"
              + (hsu == null
                  ? "; run hsu through its launcher script"
                  : ": " + Quote.q(hsu.toString()) + " is missing or not executable"));
    }
    return hsu;
  }

  static Path userHome(Context ctx) throws HsuException {
    return Path.of(ctx.host().home().value());
  }

  static HsuException failure(InstallException e) {
    return new HsuException(HsuException.Kind.FAILURE, e.getMessage(), e);
  }

  /** "installed FILE", "unchanged FILE", ... on stdout. */
  static void report(PrintStream out, MarkedFile.Outcome outcome, Path file) {
    String verb =
        switch (outcome) {
          case WRITTEN -> "installed";
          case UNCHANGED -> "unchanged";
          case REMOVED -> "removed";
          case ABSENT -> "not installed";
        };
    out.println(verb + " " + Quote.escape(file.toString()));
  }

  /** Prints a note on stderr: {@code hsu: note: SENTENCE}. */
  static void note(Errors errors, String sentence) {
    errors.err().println("hsu: note: " + sentence);
  }

  /** "FILE<tab>PROFILE" on stdout for each file hsu generated in {@code files}. */
  static void list(PrintStream out, GeneratedFiles files) throws HsuException {
    try {
      for (MarkedFile.Installed i : files.list()) {
        out.println(
            Quote.escape(i.file().toString()) + "\t" + Quote.escape(String.valueOf(i.profile())));
      }
    } catch (InstallException e) {
      throw failure(e);
    }
  }

  /**
   * The id {@code remove PROFILE|ID} means: {@code arg} itself when it looks like an id and that
   * id's file is in {@code files}, else the id of the profile {@code arg} (see {@link #idOf}).
   */
  static String idToRemove(Context ctx, Errors errors, String arg, GeneratedFiles files)
      throws HsuException, dev.hsu.compile.CompileException, InstallException {
    if (looksLikeId(arg) && Files.exists(files.fileFor(arg))) {
      return arg;
    }
    return idOf(ctx, errors, arg);
  }

  /**
   * The id of the profile {@code arg}; when no such profile exists and {@code arg} looks like an
   * id, {@code arg} itself (so an entry can be removed after its profile is gone).
   */
  static String idOf(Context ctx, Errors errors, String arg)
      throws HsuException, dev.hsu.compile.CompileException {
    try {
      ProfileFinder.find(arg, ctx.env(), userHome(ctx), ctx.layout().appProfiles());
    } catch (HsuException e) {
      if (looksLikeId(arg)) {
        return arg;
      }
      throw e;
    }
    return profile(ctx, errors, arg).profile().id();
  }

  /** True when {@code arg} looks like a profile id rather than a file or a profile name. */
  static boolean looksLikeId(String arg) {
    return arg.matches("[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)+") && !arg.endsWith(".yaml");
  }
}
