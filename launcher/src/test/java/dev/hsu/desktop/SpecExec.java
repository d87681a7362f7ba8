package dev.hsu.desktop;

import java.util.ArrayList;
import java.util.List;

/**
 * The test's own reading of an Exec value, straight from the Desktop Entry Specification ("The Exec
 * key" and "Possible value types"), written apart from the generator: first the string escapes are
 * undone, then the command line is split into arguments (double quotes; inside them a backslash
 * escapes '"', '`', '$' and '\'), then %f %F %u %U expand to the given files and %% to '%'. Any
 * other use of '%' or a reserved character outside quotes is an error here.
 */
final class SpecExec {
  private SpecExec() {}

  static List<String> argv(String rawValue, List<String> files) {
    String value = unescapeString(rawValue);
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = value.length();
    while (i < n) {
      char c = value.charAt(i);
      if (c == ' ') {
        i++;
        continue;
      }
      if (c == '"') {
        StringBuilder arg = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException("unterminated quote in " + value);
          }
          char q = value.charAt(i);
          if (q == '"') {
            i++;
            break;
          }
          if (q == '\\') {
            char e = value.charAt(i + 1);
            if ("\"`$\\".indexOf(e) < 0) {
              throw new IllegalArgumentException("bad escape \\" + e + " in " + value);
            }
            arg.append(e);
            i += 2;
            continue;
          }
          if ("`$".indexOf(q) >= 0) {
            throw new IllegalArgumentException("unescaped " + q + " in quotes: " + value);
          }
          if (q == '%') {
            if (value.charAt(i + 1) != '%') {
              throw new IllegalArgumentException("field code in quotes: " + value);
            }
            arg.append('%');
            i += 2;
            continue;
          }
          arg.append(q);
          i++;
        }
        if (i < n && value.charAt(i) != ' ') {
          throw new IllegalArgumentException("quote not followed by a space: " + value);
        }
        out.add(arg.toString());
        continue;
      }
      int end = value.indexOf(' ', i);
      if (end < 0) {
        end = n;
      }
      String word = value.substring(i, end);
      i = end;
      if (word.length() == 2 && word.charAt(0) == '%' && "fFuU".indexOf(word.charAt(1)) >= 0) {
        if (Character.isUpperCase(word.charAt(1))) {
          out.addAll(files);
        } else if (!files.isEmpty()) {
          out.add(files.get(0));
        }
        continue;
      }
      StringBuilder arg = new StringBuilder();
      for (int k = 0; k < word.length(); k++) {
        char w = word.charAt(k);
        if (" \t\n\"'\\><~|&;$*?#()`".indexOf(w) >= 0) {
          throw new IllegalArgumentException("reserved " + w + " unquoted in " + value);
        }
        if (w == '%') {
          char next = word.charAt(++k);
          if (next == '%') {
            arg.append('%');
          } else if ("fu".indexOf(next) >= 0) {
            arg.append(files.isEmpty() ? "" : files.get(0));
          } else {
            throw new IllegalArgumentException("field code %" + next + " in a word: " + value);
          }
          continue;
        }
        arg.append(w);
      }
      out.add(arg.toString());
    }
    return out;
  }

  /** Undoes \s \n \t \r \\ of a string value. */
  static String unescapeString(String raw) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = raw.charAt(++i);
      b.append(
          switch (e) {
            case 's' -> ' ';
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case '\\' -> '\\';
            default -> throw new IllegalArgumentException("bad string escape \\" + e);
          });
    }
    return b.toString();
  }

  /** The raw values of {@code key} in the file, in order (one per group that has it). */
  static List<String> values(String file, String key) {
    List<String> out = new ArrayList<>();
    for (String line : file.split("\n")) {
      if (line.startsWith(key + "=")) {
        out.add(line.substring(key.length() + 1));
      }
    }
    return out;
  }
}
