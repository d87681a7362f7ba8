package dev.hsu.profile;

import java.nio.file.Path;
import java.util.List;

/**
 * Loads a profile file (and its bases) into a {@link Profile}, collecting every problem as a
 * {@link Diagnostic}. STUB: the real implementation replaces this file.
 */
public final class Loader {
  /** The result of loading: a profile when there are no errors, and all diagnostics. */
  public record Result(Profile profile, List<Diagnostic> diagnostics) {
    public Result {
      diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() {
      return profile != null;
    }
  }

  private final Profile.Host host;
  private final List<Path> baseDirs;

  /**
   * @param host the caller's facts for variables
   * @param baseDirs directories searched for bare `extends` names after the profile's own
   *     directory (normally the installed profiles/base/)
   */
  public Loader(Profile.Host host, List<Path> baseDirs) {
    this.host = host;
    this.baseDirs = List.copyOf(baseDirs);
  }

  public Result load(Path file) {
    throw new UnsupportedOperationException("stub " + host + baseDirs + file);
  }

  /**
   * Renders one diagnostic the way users see it: {@code file:line:col: error: message}, then the
   * source line and a caret under the column (when the line is known).
   */
  public static String render(Diagnostic d) {
    return d.file() + ":" + d.line() + ":" + d.column() + ": " + d.severity() + ": " + d.message();
  }
}
