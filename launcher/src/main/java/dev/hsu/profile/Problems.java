package dev.hsu.profile;

import java.util.ArrayList;
import java.util.List;

/** Collects the diagnostics of one load, every message escaped. */
final class Problems {
  private final List<Diagnostic> list = new ArrayList<>();

  void error(Pos pos, String message) {
    add(pos, Diagnostic.Severity.ERROR, message);
  }

  /** Something valid but dangerous; shown by {@code hsu check}, never blocks a launch. */
  void warning(Pos pos, String message) {
    add(pos, Diagnostic.Severity.WARNING, message);
  }

  private void add(Pos pos, Diagnostic.Severity severity, String message) {
    list.add(
        new Diagnostic(
            pos.file(),
            pos.line(),
            pos.column(),
            severity,
            Text.escape(message),
            pos.sourceLine()));
  }

  boolean hasErrors() {
    return list.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
  }

  /** How many errors so far (warnings do not count): callers compare it before and after a step. */
  int size() {
    return (int) list.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
  }

  List<Diagnostic> all() {
    return list;
  }
}
