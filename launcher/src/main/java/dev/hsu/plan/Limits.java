package dev.hsu.plan;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The limits of docs/plan-format.md, checked on the Java side before anything is written. */
public final class Limits {
  public static final int MAX_PLAN_BYTES = 16 * 1024 * 1024;
  public static final int MAX_OPS = 4096;
  public static final int MAX_STR_BYTES = 65536;
  public static final int MAX_NAME_BYTES = 255;
  public static final int MAX_LIST = 4096;
  public static final int MAX_DATA_BYTES = 8 * 1024 * 1024;
  public static final int MAX_MODE = 07777;
  public static final int MAX_ID = 65534;

  private Limits() {}

  /** Checks a `str` field: at most 64 KiB of UTF-8, no NUL. Returns it. */
  public static String str(String what, String s) {
    if (s == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " contains a NUL byte");
    }
    if (s.getBytes(StandardCharsets.UTF_8).length > MAX_STR_BYTES) {
      throw new IllegalArgumentException(what + " is longer than " + MAX_STR_BYTES + " bytes");
    }
    return s;
  }

  /** Checks a `name` field: 1..255 bytes, no '/', not '.' or '..', no NUL. Returns it. */
  public static String name(String what, String s) {
    str(what, s);
    int n = s.getBytes(StandardCharsets.UTF_8).length;
    if (n == 0 || n > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(what + " must be 1 to 255 bytes long");
    }
    if (s.indexOf('/') >= 0 || s.equals(".") || s.equals("..")) {
      throw new IllegalArgumentException(what + " " + Quote.q(s) + " is not a plain file name");
    }
    return s;
  }

  /** Checks a `strs` field and copies it. */
  public static List<String> strs(String what, List<String> list) {
    List<String> copy = List.copyOf(list);
    count(what, copy.size());
    for (String s : copy) {
      str(what, s);
    }
    return copy;
  }

  /** Checks a `names` field and copies it. */
  public static List<String> names(String what, List<String> list) {
    List<String> copy = List.copyOf(list);
    count(what, copy.size());
    for (String s : copy) {
      name(what, s);
    }
    return copy;
  }

  static void count(String what, int n) {
    if (n > MAX_LIST) {
      throw new IllegalArgumentException(what + " has more than " + MAX_LIST + " entries");
    }
  }

  /** Checks a file mode: 0..07777. */
  public static int mode(String what, int mode) {
    if (mode < 0 || mode > MAX_MODE) {
      throw new IllegalArgumentException(
          what + " " + Integer.toOctalString(mode) + " is not a mode between 0000 and 7777");
    }
    return mode;
  }

  /** Checks a uid or gid inside the sandbox: 0..65534. */
  public static int id(String what, int id) {
    if (id < 0 || id > MAX_ID) {
      throw new IllegalArgumentException(what + " " + id + " is not between 0 and " + MAX_ID);
    }
    return id;
  }

  /** Checks a non-null path. */
  public static AbsPath path(String what, AbsPath p) {
    if (p == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    return p;
  }

  /** A duration the plan stores in milliseconds: not negative, and not too long for that. */
  static void checkMillis(String what, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative");
    }
    try {
      d.toMillis();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(what + " is too long", e);
    }
  }
}
