package dev.hsu.profile;

import java.util.ArrayList;
import java.util.List;

/** Collects the diagnostics of one load, every message escaped. */
final class Problems {
  private final List<Diagnostic> list = new ArrayList<>();

  void error(Pos pos, String message) {
    list.add(
        new Diagnostic(
            pos.file(),
            pos.line(),
            pos.column(),
            Diagnostic.Severity.ERROR,
            Text.escape(message),
            pos.sourceLine()));
  }

  boolean hasErrors() {
    return list.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
  }

  int size() {
    return list.size();
  }

  List<Diagnostic> all() {
    return list;
  }
}
