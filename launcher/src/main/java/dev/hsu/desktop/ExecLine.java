package dev.hsu.desktop;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code Exec} key of the Desktop Entry Specification: its words, field codes and quoting. A
 * word is a list of pieces, each literal text or a field code such as {@code %f}.
 */
public final class ExecLine {
  /** One piece of a word: literal text, or a field code letter (text null). */
  public record Piece(String text, char code) {
    static Piece literal(String s) {
      return new Piece(s, '\0');
    }

    static Piece field(char c) {
      return new Piece(null, c);
    }

    public boolean isField() {
      return text == null;
    }
  }

  /** Field codes forwarded to the sandboxed app: files and URLs, one or many. */
  public static final Set<Character> FORWARDED = Set.of('f', 'F', 'u', 'U');

  /** Characters that make the spec require quoting of an argument. */
  static final String RESERVED = " \t\n\"'\\><~|&;$*?#()`";

  private ExecLine() {}

  /**
   * Splits a decoded Exec value (string escapes already undone) into words. Lenient: reserved
   * characters outside quotes are taken literally, an unclosed quote ends at the end of the line.
   */
  public static List<List<Piece>> parse(String exec) {
    List<List<Piece>> words = new ArrayList<>();
    List<Piece> word = null;
    StringBuilder text = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < exec.length(); i++) {
      char c = exec.charAt(i);
      if (!quoted && (c == ' ' || c == '\t' || c == '\n')) {
        if (word != null) {
          flush(word, text);
          words.add(word);
          word = null;
        }
        continue;
      }
      if (word == null) {
        word = new ArrayList<>();
      }
      if (c == '"') {
        quoted = !quoted;
      } else if (quoted
          && c == '\\'
          && i + 1 < exec.length()
          && "\"`$\\".indexOf(exec.charAt(i + 1)) >= 0) {
        text.append(exec.charAt(++i));
      } else if (c == '%' && i + 1 < exec.length()) {
        char n = exec.charAt(++i);
        if (n == '%') {
          text.append('%');
        } else if (quoted) {
          // Field codes are not allowed in quotes: keep the text as it is.
          text.append('%').append(n);
        } else {
          flush(word, text);
          word.add(Piece.field(n));
        }
      } else {
        text.append(c);
      }
    }
    if (word != null) {
      flush(word, text);
      words.add(word);
    }
    return words;
  }

  private static void flush(List<Piece> word, StringBuilder text) {
    if (text.length() > 0 || word.isEmpty()) {
      word.add(Piece.literal(text.toString()));
    }
    text.setLength(0);
  }

  /** One literal argument, quoted when the spec requires it, with '%' written as "%%". */
  public static String quote(String arg) {
    boolean plain = !arg.isEmpty();
    for (int i = 0; i < arg.length() && plain; i++) {
      plain = RESERVED.indexOf(arg.charAt(i)) < 0;
    }
    if (plain) {
      return arg.replace("%", "%%");
    }
    StringBuilder b = new StringBuilder(arg.length() + 2).append('"');
    for (int i = 0; i < arg.length(); i++) {
      char c = arg.charAt(i);
      if ("\"`$\\".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c == '%' ? "%%" : String.valueOf(c));
    }
    return b.append('"').toString();
  }

  /**
   * A word for writing: a sole field code as it is, literal text quoted; null when the word mixes a
   * field code with text that would need quoting (the spec allows no field code in quotes).
   */
  public static String render(List<Piece> word) {
    if (word.size() == 1) {
      Piece p = word.get(0);
      return p.isField() ? "%" + p.code() : quote(p.text());
    }
    StringBuilder b = new StringBuilder();
    for (Piece p : word) {
      if (p.isField()) {
        b.append('%').append(p.code());
        continue;
      }
      for (int i = 0; i < p.text().length(); i++) {
        if (RESERVED.indexOf(p.text().charAt(i)) >= 0) {
          return null;
        }
      }
      b.append(p.text().replace("%", "%%"));
    }
    return b.toString();
  }
}
