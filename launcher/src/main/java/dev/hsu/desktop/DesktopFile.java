package dev.hsu.desktop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A desktop entry file as the Desktop Entry Specification lays it out: groups of {@code key=value}
 * lines. Reading is lenient (a malformed line is skipped, the first of duplicate keys wins); values
 * are kept raw, as written, and decoded by {@link #string} and {@link #list}.
 */
public final class DesktopFile {
  static final Pattern GROUP = Pattern.compile("\\[([^\\[\\]\\p{Cc}]+)\\]");
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9-]+(\\[[A-Za-z0-9_.@-]{1,40}\\])?");

  private final Map<String, Map<String, String>> groups = new LinkedHashMap<>();

  private DesktopFile() {}

  public static DesktopFile parse(String text) {
    DesktopFile f = new DesktopFile();
    Map<String, String> current = null;
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      var g = GROUP.matcher(t);
      if (g.matches()) {
        current = f.groups.containsKey(g.group(1)) ? null : new LinkedHashMap<>();
        if (current != null) {
          f.groups.put(g.group(1), current);
        }
        continue;
      }
      int eq = line.indexOf('=');
      if (current == null || eq < 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      if (KEY.matcher(key).matches()) {
        current.putIfAbsent(key, line.substring(eq + 1).stripLeading());
      }
    }
    return f;
  }

  /** The raw value of {@code key} in {@code group}, or null. */
  public String raw(String group, String key) {
    Map<String, String> g = groups.get(group);
    return g == null ? null : g.get(key);
  }

  /** The keys of {@code group} in file order (empty when there is no such group). */
  public List<String> keys(String group) {
    Map<String, String> g = groups.get(group);
    return g == null ? List.of() : new ArrayList<>(g.keySet());
  }

  public boolean hasGroup(String group) {
    return groups.containsKey(group);
  }

  /** A string value decoded ({@code \s \n \t \r \\}) and made safe; null when absent. */
  public String string(String group, String key) {
    String raw = raw(group, key);
    return raw == null ? null : clean(unescape(raw, false)).strip();
  }

  /** A list value split at unescaped ';', each item decoded and made safe, empty items dropped. */
  public List<String> list(String group, String key) {
    String raw = raw(group, key);
    List<String> out = new ArrayList<>();
    if (raw == null) {
      return out;
    }
    StringBuilder item = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length()) {
        item.append(c).append(raw.charAt(++i));
      } else if (c == ';') {
        add(out, item);
        item.setLength(0);
      } else {
        item.append(c);
      }
    }
    add(out, item);
    return out;
  }

  private static void add(List<String> out, StringBuilder raw) {
    String s = clean(unescape(raw.toString(), true)).strip();
    if (!s.isEmpty()) {
      out.add(s);
    }
  }

  static String unescape(String raw, boolean inList) {
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\' || i + 1 == raw.length()) {
        b.append(c);
        continue;
      }
      char n = raw.charAt(++i);
      switch (n) {
        case 's' -> b.append(' ');
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case '\\' -> b.append('\\');
        case ';' -> b.append(inList ? ";" : "\\;");
        default -> b.append('\\').append(n);
      }
    }
    return b.toString();
  }

  /**
   * Drops control characters, line and paragraph separators and bidirectional overrides, so text
   * from an app's entry cannot break a line of the generated file or disguise itself in a menu.
   */
  public static String clean(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints()
        .filter(
            cp -> {
              int type = Character.getType(cp);
              return type != Character.CONTROL
                  && type != Character.LINE_SEPARATOR
                  && type != Character.PARAGRAPH_SEPARATOR
                  && type != Character.SURROGATE
                  && !(cp >= 0x202a && cp <= 0x202e)
                  && !(cp >= 0x2066 && cp <= 0x2069)
                  && cp != 0x200e
                  && cp != 0x200f
                  && cp != 0xfeff;
            })
        .forEach(b::appendCodePoint);
    return b.toString();
  }

  /** A string value escaped for writing: backslashes doubled (the text is already clean). */
  public static String escapeString(String s) {
    return s.replace("\\", "\\\\");
  }

  /** A list value for writing: each item escaped, ';' as "\;", each followed by ';'. */
  public static String escapeList(List<String> items) {
    StringBuilder b = new StringBuilder();
    for (String item : items) {
      b.append(escapeString(item).replace(";", "\\;")).append(';');
    }
    return b.toString();
  }
}
