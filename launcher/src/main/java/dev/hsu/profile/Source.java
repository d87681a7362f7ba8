package dev.hsu.profile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** The decoded text of one profile file, split into lines so positions can show their line. */
final class Source {
  private final Path file;
  private final String text;
  private final int[] lineStarts;

  Source(Path file, String text) {
    this.file = file;
    this.text = text;
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
        starts.add(i + 1);
      }
    }
    lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
  }

  Path file() {
    return file;
  }

  String text() {
    return text;
  }

  /** The text of 0-based line {@code line}, without its line break, or null when out of range. */
  String line(int line) {
    if (line < 0 || line >= lineStarts.length) {
      return null;
    }
    int start = lineStarts[line];
    int end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length();
    while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    return text.substring(start, end);
  }

  /** Position of a 0-based line and 0-based code-point column. */
  Pos pos(int line, int column) {
    return new Pos(file, line + 1, column + 1, line(line));
  }

  Pos pos(Optional<Mark> mark) {
    return mark.map(m -> pos(m.getLine(), m.getColumn())).orElse(Pos.fileOnly(file));
  }

  Pos at(Node node) {
    return pos(node.getStartMark());
  }

  /** Position of a 0-based code-point index into the text. */
  Pos atCodePoint(int index) {
    int offset = text.offsetByCodePoints(0, Math.min(index, text.codePointCount(0, text.length())));
    int line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) {
      line++;
    }
    return pos(line, text.codePointCount(lineStarts[line], offset));
  }
}
