package dev.hsu.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What the host's /proc says about processes (as seen by the test JVM). */
final class HostProcs {
  private HostProcs() {}

  /** Pids whose argv contains {@code marker} as a whole argument. */
  static List<Long> withArgument(String marker) {
    List<Long> found = new ArrayList<>();
    try (var s = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        if (argv(Long.parseLong(name)).contains(marker)) found.add(Long.parseLong(name));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return found;
  }

  static List<String> argv(long pid) {
    try {
      byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      if (b.length == 0) return List.of();
      String s = new String(b, StandardCharsets.UTF_8);
      if (s.endsWith("\0")) s = s.substring(0, s.length() - 1);
      return Arrays.asList(s.split("\0", -1));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The process's comm (its executable's base name, cut to 15 bytes), if it exists. */
  static Optional<String> comm(long pid) {
    try {
      return Optional.of(Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The target of /proc/PID/exe when readable (not for non-dumpable processes). */
  static Optional<String> exe(long pid) {
    try {
      return Optional.of(
          Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString());
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /** True while the process exists and is not a zombie. */
  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The state follows the parenthesised comm, which may itself hold spaces or parens.
      String afterComm = stat.substring(stat.lastIndexOf(')') + 2);
      char state = afterComm.charAt(0);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  static String mountinfo() {
    try {
      return Files.readString(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String ns(String name) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/ns", name)).toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
