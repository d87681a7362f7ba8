package dev.hsu.systemd;

import java.util.ArrayList;
import java.util.List;

/** Reads back the quoted words hsu writes in units (for the mark); not a full systemd parser. */
final class ExecStart {
  private ExecStart() {}

  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = null;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (!quoted && (c == ' ' || c == '\t')) {
        if (w != null) {
          out.add(w.toString());
          w = null;
        }
        continue;
      }
      if (w == null) {
        w = new StringBuilder();
      }
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && i + 1 < line.length()) {
        char n = line.charAt(++i);
        switch (n) {
          case 'n' -> w.append('\n');
          case 't' -> w.append('\t');
          case 'r' -> w.append('\r');
          case 'x' -> {
            try {
              w.append((char) Integer.parseInt(line.substring(i + 1, i + 3), 16));
              i += 2;
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
              w.append('x');
            }
          }
          default -> w.append(n);
        }
      } else if ((c == '%' || c == '$') && i + 1 < line.length() && line.charAt(i + 1) == c) {
        w.append(c);
        i++;
      } else {
        w.append(c);
      }
    }
    if (w != null) {
      out.add(w.toString());
    }
    return out;
  }
}
