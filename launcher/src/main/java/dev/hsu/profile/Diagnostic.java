package dev.hsu.profile;

import java.nio.file.Path;

/**
 * One problem in a profile file, at a 1-based line and column (0 when unknown). {@code sourceLine}
 * is the text of that line for the caret display, or null when unknown.
 */
public record Diagnostic(
    Path file, int line, int column, Severity severity, String message, String sourceLine) {
  public enum Severity {
    ERROR,
    WARNING
  }

  public Diagnostic(Path file, int line, int column, Severity severity, String message) {
    this(file, line, column, severity, message, null);
  }
}
