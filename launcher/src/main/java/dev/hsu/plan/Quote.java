package dev.hsu.plan;

/** Quotes text for terminal output: double quotes, with backslash escapes for control chars. */
public final class Quote {
  private Quote() {}

  /** {@code s} in double quotes; '"', '\', control and format characters escaped. */
  public static String q(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    escape(b, s, true);
    return b.append('"').toString();
  }

  /** The same escaping as {@link #q}, without the quotes (for messages). */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    escape(b, s, true);
    return b.toString();
  }

  /**
   * Only control and format characters escaped: for whole messages whose parts were already
   * quoted with {@link #q} (escaping their quotes again would double them).
   */
  public static String controls(String s) {
    StringBuilder b = new StringBuilder(s.length());
    escape(b, s, false);
    return b.toString();
  }

  private static void escape(StringBuilder b, String s, boolean quotes) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!quotes && (c == '"' || c == '\\')) {
        b.append(c);
        continue;
      }
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          int type = Character.getType(c);
          if (c < 0x20
              || c == 0x7f
              || (c >= 0x80 && c < 0xa0)
              || type == Character.FORMAT
              || type == Character.LINE_SEPARATOR
              || type == Character.PARAGRAPH_SEPARATOR
              || type == Character.SURROGATE && !validSurrogate(s, i)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
