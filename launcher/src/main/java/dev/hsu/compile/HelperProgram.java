package dev.hsu.compile;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import java.util.Map;

/** Where one of hsu's own programs is: named by a variable the launcher sets, else installed. */
final class HelperProgram {
  private HelperProgram() {}

  /**
   * {@code $var} of {@code hostEnv}, else {@code installed}.
   *
   * @throws IllegalArgumentException when the variable names no clean absolute path
   */
  static AbsPath from(Map<String, String> hostEnv, String var, AbsPath installed, String what) {
    String v = hostEnv.get(var);
    if (v == null || v.isEmpty()) {
      return installed;
    }
    String problem = AbsPath.problem(v);
    if (problem != null) {
      throw new IllegalArgumentException(
          what + " " + Quote.q(v) + " (from " + var + ") " + problem);
    }
    return AbsPath.of(v);
  }
}
