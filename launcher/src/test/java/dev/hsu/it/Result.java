package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one finished {@code hsu launch} left: its exit status, stdout and stderr. */
record Result(List<String> command, int exit, byte[] stdoutBytes, String stderr) {

  String stdout() {
    return new String(stdoutBytes, StandardCharsets.UTF_8);
  }

  /** The first line of stdout, without its newline. */
  String line() {
    String s = stdout();
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  List<String> lines() {
    String s = stdout();
    if (s.isEmpty()) return List.of();
    if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
    return List.of(s.split("\n", -1));
  }

  /** Asserts exit status 0 and returns this. */
  Result ok() {
    assertEquals(0, exit, () -> "hsu launch failed\n" + describe());
    return this;
  }

  /** Asserts the probe failed with this errno name (as in {@code ERR EROFS ...}). */
  void assertErrno(String errnoName) {
    assertEquals(1, exit, () -> "expected the probe to fail with " + errnoName + "\n" + describe());
    assertTrue(
        line().startsWith("ERR " + errnoName + " "),
        () -> "expected ERR " + errnoName + "\n" + describe());
  }

  /** The {@code key=value} fields of the first stdout line. */
  Map<String, String> fields() {
    ok();
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : line().trim().split(" +")) {
      int eq = part.indexOf('=');
      if (eq < 0) fail("not a key=value field: '" + part + "'\n" + describe());
      m.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return m;
  }

  /** Decodes the probe's {@code argv} output: "argc=N" then "LEN:BYTES\n" per argument. */
  List<String> probeArgs() {
    ok();
    byte[] b = stdoutBytes;
    int nl = indexOf(b, (byte) '\n', 0);
    String head = new String(b, 0, nl, StandardCharsets.US_ASCII);
    assertTrue(head.startsWith("argc="), () -> "not argv output\n" + describe());
    int argc = Integer.parseInt(head.substring(5));
    List<String> args = new ArrayList<>();
    int pos = nl + 1;
    for (int i = 0; i < argc; i++) {
      int colon = indexOf(b, (byte) ':', pos);
      int len = Integer.parseInt(new String(b, pos, colon - pos, StandardCharsets.US_ASCII));
      args.add(
          new String(Arrays.copyOfRange(b, colon + 1, colon + 1 + len), StandardCharsets.UTF_8));
      pos = colon + 1 + len;
      assertEquals('\n', b[pos], () -> "malformed argv output\n" + describe());
      pos++;
    }
    assertEquals(b.length, pos, () -> "trailing argv output\n" + describe());
    return args;
  }

  private static int indexOf(byte[] b, byte x, int from) {
    for (int i = from; i < b.length; i++) if (b[i] == x) return i;
    throw new AssertionError("missing '" + (char) x + "' in probe output");
  }

  /** Everything a failure message needs to show. */
  String describe() {
    return "command: "
        + command
        + "\nexit: "
        + exit
        + "\nstdout:\n"
        + indent(stdout())
        + "stderr:\n"
        + indent(stderr);
  }

  private static String indent(String s) {
    if (s.isEmpty()) return "  (empty)\n";
    StringBuilder sb = new StringBuilder();
    for (String l : s.split("\n", -1)) sb.append("  | ").append(l).append('\n');
    return sb.toString();
  }
}
