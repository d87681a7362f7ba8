package dev.hsu.profile;

import java.nio.file.Path;

/** One problem in a profile file, at a 1-based line and column (0 when unknown). */
public record Diagnostic(Path file, int line, int column, Severity severity, String message) {
  public enum Severity {
    ERROR,
    WARNING
  }
}
