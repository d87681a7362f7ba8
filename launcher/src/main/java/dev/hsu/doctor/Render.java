package dev.hsu.doctor;

import java.util.List;

/** {@code hsu doctor}'s output: one line a check, or one JSON object. */
public final class Render {
  private Render() {}

  /** True when no check failed: {@code hsu doctor} exits 0. */
  public static boolean passed(List<Check> checks) {
    return checks.stream().noneMatch(c -> c.status() == Check.Status.FAIL);
  }

  /** {@code ok NAME SENTENCE[ Fix: FIX]}, names aligned, then a summary line. */
  public static String text(List<Check> checks) {
    int width = 0;
    for (Check c : checks) {
      width = Math.max(width, c.name().length());
    }
    StringBuilder b = new StringBuilder();
    int warn = 0;
    int fail = 0;
    for (Check c : checks) {
      b.append(
          String.format("%-4s  %-" + width + "s  %s", c.status().word(), c.name(), c.sentence()));
      if (!c.fix().isEmpty()) {
        b.append(" Fix: ").append(c.fix());
      }
      b.append('\n');
      warn += c.status() == Check.Status.WARN ? 1 : 0;
      fail += c.status() == Check.Status.FAIL ? 1 : 0;
    }
    if (fail > 0) {
      b.append("hsu cannot run sandboxes here: ").append(plural(fail, "check")).append(" failed");
    } else {
      b.append("hsu can run sandboxes here");
      if (warn > 0) {
        b.append(" (").append(plural(warn, "warning")).append(": some grants are not available)");
      }
    }
    b.append('\n');
    return b.toString();
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  /** {@code {"ok": BOOL, "checks": [{"name", "status", "sentence", "fix"}, ...]}} on one line. */
  public static String json(List<Check> checks) {
    StringBuilder b =
        new StringBuilder("{\"ok\": ").append(passed(checks)).append(", \"checks\": [");
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      b.append(i == 0 ? "" : ", ").append("{\"name\": ");
      string(b, c.name());
      b.append(", \"status\": ");
      string(b, c.status().word());
      b.append(", \"sentence\": ");
      string(b, c.sentence());
      b.append(", \"fix\": ");
      string(b, c.fix());
      b.append('}');
    }
    return b.append("]}\n").toString();
  }

  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    b.append('"');
  }
}
