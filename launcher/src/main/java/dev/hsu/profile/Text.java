package dev.hsu.profile;

import java.util.Collection;

/** Small text helpers for diagnostics: control-character escaping, quoting, suggestions. */
final class Text {
  private Text() {}

  /**
   * Escapes what a terminal may act on or that hides text, by hsu's one rule ({@link
   * dev.hsu.base.Quote}), so echoed text cannot drive a terminal.
   */
  static String escape(String s) {
    return s == null ? "null" : dev.hsu.base.Quote.controls(s);
  }

  /** {@code 'text'}, escaped and shortened to a readable length. */
  static String quote(String s) {
    String t = s;
    if (t.length() > 80) {
      t = t.substring(0, 77) + "...";
    }
    return "'" + escape(t) + "'";
  }

  /** The candidate closest to {@code word}, or null when none is close enough to suggest. */
  static String suggest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = c.equalsIgnoreCase(word) ? 0 : distance(word, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int limit = word.length() <= 3 ? 1 : word.length() <= 6 ? 2 : 3;
    return bestDistance <= limit ? best : null;
  }

  /** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
  static int distance(String a, String b) {
    if (a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE / 2;
    }
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }

  /** "a, b, c". */
  static String list(Collection<String> items) {
    return String.join(", ", items);
  }
}
