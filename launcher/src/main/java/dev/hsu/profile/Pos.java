package dev.hsu.profile;

import java.nio.file.Path;

/** A place in a profile file: 1-based line and column (0 when unknown) and that line's text. */
record Pos(Path file, int line, int column, String sourceLine) {
  static Pos fileOnly(Path file) {
    return new Pos(file, 0, 0, null);
  }

  Pos shifted(int columns) {
    return new Pos(file, line, column + columns, sourceLine);
  }
}
