package dev.hsu.plan;

import dev.hsu.base.Quote;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** How ops and records read in {@code hsu compile}: modes, sizes, durations, flags, lists. */
final class OpText {
  private OpText() {}

  /** {@code mode} as four octal digits. */
  static String octal(int mode) {
    String s = Integer.toOctalString(mode);
    return "0000".substring(Math.min(4, s.length())) + s;
  }

  /** A byte size with the largest exact binary suffix. */
  static String size(long bytes) {
    String[] units = {"", "k", "M", "G", "T"};
    int u = 0;
    while (u < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
      bytes /= 1024;
      u++;
    }
    return bytes + units[u];
  }

  /** A duration as {@code 5s} or {@code 500ms}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  static String bindFlags(boolean writable, boolean device) {
    return "("
        + (writable ? "writable" : "read-only")
        + ", "
        + (device ? "devices allowed" : "nodev")
        + ")";
  }

  static String quoted(List<String> list) {
    return list.stream().map(Quote::q).collect(Collectors.joining(" "));
  }
}
