package dev.hsu.base;

/**
 * Quotes text for terminal output, by the one rule hsu, hsu check and hsu-init share
 * (init-c/tests/escape_vectors.txt): double quotes, backslash escapes, and {@code \xNN} for each
 * UTF-8 byte of anything a terminal may act on or that hides text.
 */
public final class Quote {
  private Quote() {}

  /** {@code s} in double quotes; '"', '\\', control and format characters escaped. */
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
   * Only control and format characters escaped: for whole messages whose parts were already quoted
   * with {@link #q} (escaping their quotes again would double them).
   */
  public static String controls(String s) {
    StringBuilder b = new StringBuilder(s.length());
    escape(b, s, false);
    return b.toString();
  }

  private static void escape(StringBuilder b, String s, boolean quotes) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      boolean unpaired = Character.isSurrogate(s.charAt(i)) && Character.charCount(cp) == 1;
      if (cp == '"' || cp == '\\') {
        b.append(quotes ? "\\" : "").append((char) cp);
      } else if (cp == '\n') {
        b.append("\\n");
      } else if (cp == '\t') {
        b.append("\\t");
      } else if (unpaired || hidden(cp)) {
        for (byte x : utf8(cp)) {
          b.append(String.format("\\x%02x", x & 0xff));
        }
      } else {
        b.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
  }

  /**
   * The code points shown as their UTF-8 bytes in {@code \xNN} form: C0 and C1 controls, DEL, the
   * format characters (Unicode category Cf) and the line and paragraph separators. The same table
   * is in init-c/src/util.c; both read init-c/tests/escape_vectors.txt in their tests.
   */
  static boolean hidden(int cp) {
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return true;
    }
    for (int[] r : HIDDEN) {
      if (cp >= r[0] && cp <= r[1]) {
        return true;
      }
    }
    return false;
  }

  private static final int[][] HIDDEN = {
    {0x00ad, 0x00ad},
    {0x0600, 0x0605},
    {0x061c, 0x061c},
    {0x06dd, 0x06dd},
    {0x070f, 0x070f},
    {0x08e2, 0x08e2},
    {0x180e, 0x180e},
    {0x200b, 0x200f},
    {0x2028, 0x202e},
    {0x2060, 0x2064},
    {0x2066, 0x206f},
    {0xfeff, 0xfeff},
    {0xfff9, 0xfffb},
    {0x110bd, 0x110bd},
    {0x110cd, 0x110cd},
    {0x13430, 0x13438},
    {0x1bca0, 0x1bca3},
    {0x1d173, 0x1d17a},
    {0xe0001, 0xe0001},
    {0xe0020, 0xe007f},
  };

  /** UTF-8 bytes of {@code cp}; an unpaired surrogate as the three bytes it would take. */
  private static byte[] utf8(int cp) {
    if (cp < 0x80) {
      return new byte[] {(byte) cp};
    }
    if (cp < 0x800) {
      return new byte[] {(byte) (0xc0 | cp >> 6), (byte) (0x80 | cp & 0x3f)};
    }
    if (cp < 0x10000) {
      return new byte[] {
        (byte) (0xe0 | cp >> 12), (byte) (0x80 | cp >> 6 & 0x3f), (byte) (0x80 | cp & 0x3f)
      };
    }
    return new byte[] {
      (byte) (0xf0 | cp >> 18),
      (byte) (0x80 | cp >> 12 & 0x3f),
      (byte) (0x80 | cp >> 6 & 0x3f),
      (byte) (0x80 | cp & 0x3f)
    };
  }
}
