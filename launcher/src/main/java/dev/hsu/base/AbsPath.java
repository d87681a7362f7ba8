package dev.hsu.base;

import java.util.ArrayList;
import java.util.List;

/**
 * A checked, normalized absolute path: starts with '/', no empty, '.' or '..' components, no NUL,
 * no trailing slash (except the root itself), shorter than PATH_MAX.
 */
public record AbsPath(String value) implements Comparable<AbsPath> {
  public static final AbsPath ROOT = new AbsPath("/");

  public AbsPath {
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Why {@code s} is not a valid absolute path, or null when it is. */
  public static String problem(String s) {
    if (s == null || s.isEmpty()) {
      return "path is empty";
    }
    if (s.charAt(0) != '/') {
      return "path \"" + s + "\" is not absolute";
    }
    if (s.indexOf('\0') >= 0) {
      return "path contains a NUL byte";
    }
    if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 4096) {
      return "path is longer than 4095 bytes";
    }
    if (s.equals("/")) {
      return null;
    }
    if (s.endsWith("/")) {
      return "path \"" + s + "\" ends with '/'";
    }
    for (String part : s.substring(1).split("/", -1)) {
      if (part.isEmpty()) {
        return "path \"" + s + "\" contains '//'";
      }
      if (part.equals(".") || part.equals("..")) {
        return "path \"" + s + "\" contains a '" + part + "' component";
      }
    }
    return null;
  }

  /** Lexically normalizes {@code s} (collapses '//', '.', '..' and a trailing '/'). */
  public static AbsPath normalize(String s) {
    if (s == null || s.isEmpty() || s.charAt(0) != '/') {
      return new AbsPath(s); // throws with the reason
    }
    List<String> parts = new ArrayList<>();
    for (String part : s.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
        continue;
      }
      parts.add(part);
    }
    return new AbsPath("/" + String.join("/", parts));
  }

  public static AbsPath of(String s) {
    return new AbsPath(s);
  }

  public AbsPath resolve(String child) {
    return normalize(value.equals("/") ? "/" + child : value + "/" + child);
  }

  /** The parent directory, or null for the root. */
  public AbsPath parent() {
    if (value.equals("/")) {
      return null;
    }
    int slash = value.lastIndexOf('/');
    return slash == 0 ? ROOT : new AbsPath(value.substring(0, slash));
  }

  public String fileName() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  /** True when this path equals {@code other} or lies below it. */
  public boolean startsWith(AbsPath other) {
    return other.value.equals("/")
        || value.equals(other.value)
        || value.startsWith(other.value + "/");
  }

  @Override
  public int compareTo(AbsPath o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
