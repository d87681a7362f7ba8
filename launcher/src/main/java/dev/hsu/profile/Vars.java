package dev.hsu.profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ${VAR} language: {@code ${NAME}} expands, {@code $$} is a literal {@code $}, any other {@code
 * $} is itself.
 */
final class Vars {
  static final List<String> NAMES =
      List.of(
          "HOME", "USER", "UID", "GID", "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "APP_ID", "APP_DATA");

  private Vars() {}

  /** A problem in {@code s}: the message and the char index of the offending '$'. */
  record Problem(String message, int index) {}

  /** The first problem with the variable references in {@code s}, or null when it has none. */
  static Problem check(String s) {
    int i = 0;
    while ((i = s.indexOf('$', i)) >= 0) {
      if (i + 1 >= s.length()) {
        break;
      }
      char next = s.charAt(i + 1);
      if (next == '$') {
        i += 2;
        continue;
      }
      if (next != '{') {
        i++;
        continue;
      }
      int close = s.indexOf('}', i + 2);
      if (close < 0) {
        return new Problem("unterminated '${' (missing '}')", i);
      }
      String name = s.substring(i + 2, close);
      if (!NAMES.contains(name)) {
        String hint = Text.suggest(name, NAMES);
        return new Problem(
            "unknown variable "
                + Text.quote("${" + name + "}")
                + (hint == null ? "" : " (did you mean '${" + hint + "}'?)")
                + "; known: "
                + Text.list(NAMES),
            i);
      }
      i = close + 1;
    }
    return null;
  }

  /** The values of every variable for one host and app id. */
  static Map<String, String> values(Profile.Host host, String appId) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("HOME", host.home().value());
    v.put("USER", host.user());
    v.put("UID", Integer.toString(host.uid()));
    v.put("GID", Integer.toString(host.gid()));
    v.put("XDG_RUNTIME_DIR", host.xdgRuntimeDir().value());
    v.put("XDG_DATA_HOME", host.xdgDataHome().value());
    v.put("APP_ID", appId);
    v.put("APP_DATA", appData(host, appId));
    return v;
  }

  static String appData(Profile.Host host, String appId) {
    return host.xdgDataHome().resolve("hsu/apps/" + appId).value();
  }

  /** Expands a string that {@link #check} accepted. */
  static String expand(String s, Map<String, String> values) {
    if (s.indexOf('$') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 32);
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
      if (c != '$' || (next != '$' && next != '{')) {
        b.append(c);
        i++;
      } else if (next == '$') {
        b.append('$');
        i += 2;
      } else {
        int close = s.indexOf('}', i + 2);
        b.append(values.get(s.substring(i + 2, close)));
        i = close + 1;
      }
    }
    return b.toString();
  }
}
