package dev.hsu.instances;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What /proc says of a process of ours: the few fields the instance commands read. */
final class Proc {
  /**
   * Clock ticks per second of /proc/PID/stat (USER_HZ: 100 on every Linux architecture hsu runs).
   */
  static final int TICKS = 100;

  private static final Path PROC = Path.of("/proc");

  private Proc() {}

  /** The fields of /proc/PID/stat from field 3 on (comm may hold spaces), or null when gone. */
  private static String[] stat(long pid) {
    try {
      String s = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.ISO_8859_1);
      int paren = s.lastIndexOf(')');
      if (paren < 0 || paren + 2 > s.length()) {
        return null;
      }
      return s.substring(paren + 2).strip().split(" ");
    } catch (IOException e) {
      return null;
    }
  }

  /** Field 22: start time in clock ticks since boot; -1 when there is no such process. */
  static long startTime(long pid) {
    String[] f = stat(pid);
    return f == null || f.length < 20 ? -1 : Long.parseLong(f[22 - 3]);
  }

  /** Field 4: the parent's pid; -1 when there is no such process. */
  static long parent(long pid) {
    String[] f = stat(pid);
    return f == null || f.length < 2 ? -1 : Long.parseLong(f[4 - 3]);
  }

  /** A line of /proc/PID/status, without its key, or null. */
  static String status(long pid, String key) {
    try {
      for (String line : Files.readAllLines(PROC.resolve(pid + "/status"))) {
        if (line.startsWith(key + ":")) {
          return line.substring(key.length() + 1).strip();
        }
      }
    } catch (IOException e) {
      // gone, or not ours
    }
    return null;
  }

  /** The pids of each pid namespace, outermost first (NSpid); empty when gone. */
  static List<Long> nsPids(long pid) {
    String s = status(pid, "NSpid");
    List<Long> out = new ArrayList<>();
    if (s != null && !s.isEmpty()) {
      for (String p : s.split("\\s+")) {
        out.add(Long.parseLong(p));
      }
    }
    return out;
  }

  /** Resident memory in KiB (VmRSS); 0 when unknown (a zombie, a kernel thread). */
  static long rssKib(long pid) {
    String s = status(pid, "VmRSS");
    if (s == null) {
      return 0;
    }
    return Long.parseLong(s.replace("kB", "").strip());
  }

  /** The command line, arguments separated by spaces; the name in brackets when it has none. */
  static String command(long pid) {
    try {
      byte[] b = Files.readAllBytes(PROC.resolve(pid + "/cmdline"));
      int n = b.length;
      while (n > 0 && b[n - 1] == 0) {
        n--;
      }
      if (n == 0) {
        String comm = status(pid, "Name");
        return comm == null ? "?" : "[" + comm + "]";
      }
      for (int i = 0; i < n; i++) {
        if (b[i] == 0) {
          b[i] = ' ';
        }
      }
      return new String(b, 0, n, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "?";
    }
  }

  /** The namespace link /proc/PID/ns/NAME ("pid:[4026532]"), or null when unreadable. */
  static String namespace(long pid, String name) {
    try {
      return Files.readSymbolicLink(PROC.resolve(pid + "/ns/" + name)).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** The cgroup v2 path (the "0::" line of /proc/PID/cgroup), or null. */
  static String cgroup(long pid) {
    try {
      for (String line : Files.readAllLines(PROC.resolve(pid + "/cgroup"))) {
        if (line.startsWith("0::")) {
          return line.substring(3);
        }
      }
    } catch (IOException e) {
      // gone
    }
    return null;
  }

  /** Seconds since boot (/proc/uptime). */
  static double uptime() {
    try {
      return Double.parseDouble(Files.readString(PROC.resolve("uptime")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Every pid in /proc. */
  static List<Long> pids() {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> d = Files.newDirectoryStream(PROC)) {
      for (Path p : d) {
        String n = p.getFileName().toString();
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
          out.add(Long.parseLong(n));
        }
      }
    } catch (IOException e) {
      // an empty list
    }
    out.sort(null);
    return out;
  }

  /** The processes in {@code init}'s pid namespace (init first), by their ns/pid link. */
  static List<Long> inPidNamespaceOf(long init) {
    String ns = namespace(init, "pid");
    List<Long> out = new ArrayList<>();
    out.add(init);
    if (ns == null) {
      return out;
    }
    for (long pid : pids()) {
      if (pid != init && ns.equals(namespace(pid, "pid"))) {
        out.add(pid);
      }
    }
    return out;
  }
}
