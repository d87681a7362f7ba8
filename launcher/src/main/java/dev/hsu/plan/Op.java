package dev.hsu.plan;

import static dev.hsu.plan.Quote.q;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One setup step of a plan, executed in order by hsu-init; one record per record tag of
 * docs/plan-format.md. Each compact constructor checks the invariants of that format.
 */
public sealed interface Op {

  /** The record tag of this op in the binary plan. */
  int tag();

  /** Mirror host {@code /} entry by entry, leaving out the fixed list and {@code exclude}. */
  record AutoRoot(AbsPath host, boolean writable, boolean device, List<String> exclude)
      implements Op {
    public AutoRoot {
      Limits.path("auto-root host", host);
      exclude = Limits.names("auto-root exclude name", exclude);
    }

    @Override
    public int tag() {
      return 16;
    }

    /** Entries hsu-init never mirrors (init-c/src/ops.c has the same list). */
    public static final List<String> ALWAYS_LEFT_OUT =
        List.of("proc", "dev", "tmp", "run", "etc", "home", "root", "mnt", "media", "lost+found");

    @Override
    public String toString() {
      String s = "mirror " + q(host.value()) + " entry by entry " + bindFlags(writable, device)
          + " except " + quoted(ALWAYS_LEFT_OUT);
      return exclude.isEmpty() ? s : s + " and " + quoted(exclude);
    }
  }

  /**
   * {@code /etc} as symlinks into a read-only bind of host {@code /etc}; the {@code skip} names get
   * no link, and hsu-init covers their originals in that bind.
   */
  record AutoEtc(AbsPath host, List<String> only, List<String> skip) implements Op {
    public AutoEtc {
      Limits.path("auto-etc host", host);
      only = Limits.names("auto-etc entry name", only);
      skip = Limits.names("auto-etc skip name", skip);
    }

    @Override
    public int tag() {
      return 17;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("link /etc entries to a read-only bind of ");
      b.append(q(host.value()));
      if (!only.isEmpty()) {
        b.append(" (only ").append(quoted(only)).append(')');
      }
      if (!skip.isEmpty()) {
        b.append(" except ").append(quoted(skip)).append(" (their host originals hidden)");
      }
      return b.toString();
    }
  }

  /** A recursive bind mount of a host path. */
  record Bind(
      AbsPath source,
      AbsPath target,
      boolean writable,
      boolean device,
      boolean optional,
      boolean ensure)
      implements Op {
    public Bind {
      Limits.path("bind source", source);
      Limits.path("bind target", target);
      if (optional && ensure) {
        throw new IllegalArgumentException(
            "bind " + q(source.value()) + ": optional and ensure cannot both be set");
      }
    }

    /** A read-only, nodev bind of {@code source} on the same path. */
    public static Bind readOnly(AbsPath source) {
      return new Bind(source, source, false, false, false, false);
    }

    @Override
    public int tag() {
      return 18;
    }

    @Override
    public String toString() {
      List<String> attrs = new ArrayList<>();
      attrs.add(writable ? "writable" : "read-only");
      attrs.add(device ? "devices allowed" : "nodev");
      if (optional) {
        attrs.add("skipped if missing");
      }
      if (ensure) {
        attrs.add("created if missing");
      }
      return "bind " + q(source.value()) + " on " + q(target.value()) + " (" + String.join(", ", attrs) + ")";
    }
  }

  /** A private tmpfs; {@code sizeBytes} 0 means the kernel default. */
  record Tmpfs(AbsPath target, long sizeBytes, int mode, boolean readOnly) implements Op {
    public Tmpfs {
      Limits.path("tmpfs target", target);
      Limits.mode("tmpfs mode", mode);
      if (sizeBytes < 0) {
        throw new IllegalArgumentException("tmpfs size must not be negative");
      }
    }

    @Override
    public int tag() {
      return 19;
    }

    @Override
    public String toString() {
      List<String> attrs = new ArrayList<>();
      attrs.add("mode " + octal(mode));
      if (sizeBytes != 0) {
        attrs.add("size " + size(sizeBytes));
      }
      if (readOnly) {
        attrs.add("read-only");
      }
      return "mount tmpfs on " + q(target.value()) + " (" + String.join(", ", attrs) + ")";
    }
  }

  /** An overlayfs mount (always with userxattr). */
  record Overlay(AbsPath target, Writes writes, AbsPath upper, AbsPath work, List<AbsPath> lowers)
      implements Op {
    /** Where writes go: exactly one of these. */
    public enum Writes {
      /** Upper and work on a private tmpfs: writes vanish at exit. */
      EPHEMERAL,
      /** Upper and work are host directories: writes are kept. */
      PERSISTENT,
      /** No upper: a read-only union of two or more lowers. */
      READ_ONLY
    }

    public Overlay {
      Limits.path("overlay target", target);
      if (writes == null) {
        throw new IllegalArgumentException("overlay on " + q(target.value()) + ": writes missing");
      }
      lowers = List.copyOf(lowers);
      Limits.count("overlay lower list", lowers.size());
      if (lowers.isEmpty()) {
        throw new IllegalArgumentException(
            "overlay on " + q(target.value()) + " needs at least one lower directory");
      }
      if (writes == Writes.PERSISTENT) {
        if (upper == null || work == null) {
          throw new IllegalArgumentException(
              "persistent overlay on " + q(target.value()) + " needs upper and work directories");
        }
        if (upper.equals(work)) {
          throw new IllegalArgumentException(
              "overlay on " + q(target.value()) + ": upper and work must differ");
        }
      } else if (upper != null || work != null) {
        throw new IllegalArgumentException(
            "overlay on " + q(target.value()) + ": upper and work are only for persistent writes");
      }
      if (writes == Writes.READ_ONLY && lowers.size() < 2) {
        throw new IllegalArgumentException(
            "read-only overlay on " + q(target.value()) + " needs at least two lower directories");
      }
    }

    @Override
    public int tag() {
      return 20;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("overlay on ").append(q(target.value()));
      b.append(" lower ")
          .append(lowers.stream().map(p -> q(p.value())).collect(Collectors.joining(", ")));
      switch (writes) {
        case EPHEMERAL -> b.append(" (ephemeral writes)");
        case PERSISTENT -> b.append(" upper ")
            .append(q(upper.value()))
            .append(" work ")
            .append(q(work.value()))
            .append(" (persistent writes)");
        case READ_ONLY -> b.append(" (read-only)");
      }
      return b.toString();
    }
  }

  /** A directory. */
  record Mkdir(AbsPath target, int mode) implements Op {
    public Mkdir {
      Limits.path("mkdir target", target);
      Limits.mode("mkdir mode", mode);
    }

    @Override
    public int tag() {
      return 21;
    }

    @Override
    public String toString() {
      return "mkdir " + q(target.value()) + " (mode " + octal(mode) + ")";
    }
  }

  /** A read-only file with the given bytes, bound over {@code target}. */
  record Place(AbsPath target, int mode, byte[] data) implements Op {
    public Place {
      Limits.path("file target", target);
      Limits.mode("file mode", mode);
      if (data == null) {
        throw new IllegalArgumentException("file " + q(target.value()) + ": data missing");
      }
      if (data.length > Limits.MAX_DATA_BYTES) {
        throw new IllegalArgumentException(
            "file " + q(target.value()) + " is larger than " + Limits.MAX_DATA_BYTES + " bytes");
      }
      data = data.clone();
    }

    /** A copy of the file's bytes. */
    @Override
    public byte[] data() {
      return data.clone();
    }

    int length() {
      return data.length;
    }

    byte[] rawData() {
      return data;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Place p
          && p.target.equals(target)
          && p.mode == mode
          && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
      return (target.hashCode() * 31 + mode) * 31 + Arrays.hashCode(data);
    }

    @Override
    public int tag() {
      return 22;
    }

    @Override
    public String toString() {
      String head = "place file " + q(target.value()) + " (mode " + octal(mode);
      String text = data.length <= 64 ? PlanJson.utf8(data) : null;
      return text != null
          ? head + ") containing " + q(text)
          : head + ", " + data.length + (data.length == 1 ? " byte)" : " bytes)");
    }
  }

  /** A symlink at {@code target} whose content is {@code linkName}, or a host link's content. */
  record Symlink(AbsPath target, String linkName, boolean dereference) implements Op {
    public Symlink {
      Limits.path("symlink path", target);
      Limits.str("symlink content", linkName);
      if (linkName.isEmpty()) {
        throw new IllegalArgumentException("symlink " + q(target.value()) + " points to nothing");
      }
      if (dereference && AbsPath.problem(linkName) != null) {
        throw new IllegalArgumentException(
            "symlink " + q(target.value()) + ": a dereferenced link must name an absolute host path");
      }
    }

    @Override
    public int tag() {
      return 23;
    }

    @Override
    public String toString() {
      return dereference
          ? "symlink " + q(target.value()) + " -> content of host link " + q(linkName)
          : "symlink " + q(target.value()) + " -> " + q(linkName);
    }
  }

  /** A new proc instance. */
  record Proc(AbsPath target) implements Op {
    public Proc {
      Limits.path("proc target", target);
    }

    @Override
    public int tag() {
      return 24;
    }

    @Override
    public String toString() {
      return "mount proc on " + q(target.value());
    }
  }

  /**
   * A new sysfs, read-only: it shows the network devices of the sandbox's own network namespace
   * only (hsu-init refuses it with the host's), and none of the host's mounts beneath /sys.
   */
  record Sysfs(AbsPath target) implements Op {
    public Sysfs {
      Limits.path("sysfs target", target);
    }

    @Override
    public int tag() {
      return 33;
    }

    @Override
    public String toString() {
      return "mount a new sysfs on " + q(target.value()) + " (read-only; network devices of the"
          + " sandbox's own namespace only)";
    }
  }

  /** A minimal /dev. */
  record Dev(AbsPath target, boolean mqueue, boolean writable) implements Op {
    public Dev {
      Limits.path("dev target", target);
    }

    @Override
    public int tag() {
      return 25;
    }

    @Override
    public String toString() {
      return "mount minimal dev on " + q(target.value()) + " (" + (writable ? "writable" : "read-only")
          + (mqueue ? ", mqueue" : "") + ")";
    }
  }

  /** Changes the flags of the mount at {@code target}; nosuid is always set. */
  record Remount(AbsPath target, boolean readOnly, boolean noexec, boolean nodev) implements Op {
    public Remount {
      Limits.path("remount target", target);
    }

    @Override
    public int tag() {
      return 26;
    }

    @Override
    public String toString() {
      List<String> attrs = new ArrayList<>();
      if (readOnly) {
        attrs.add("read-only");
      }
      if (noexec) {
        attrs.add("noexec");
      }
      if (nodev) {
        attrs.add("nodev");
      }
      attrs.add("nosuid");
      return "remount " + q(target.value()) + " (" + String.join(", ", attrs) + ")";
    }
  }

  /** A program started inside before the app; hsu-init waits until {@code ready} exists. */
  record Daemon(AbsPath ready, Duration timeout, List<String> argv, List<String> env)
      implements Op {
    public Daemon {
      Limits.path("daemon ready path", ready);
      argv = Limits.strs("daemon argument", argv);
      env = Limits.strs("daemon environment entry", env);
      if (argv.isEmpty() || AbsPath.problem(argv.get(0)) != null) {
        throw new IllegalArgumentException("a daemon's program must be an absolute path");
      }
      checkMillis("daemon timeout", timeout);
      for (String e : env) {
        Params.checkEnvEntry(e);
      }
    }

    @Override
    public int tag() {
      return 27;
    }

    @Override
    public String toString() {
      return "start daemon " + quoted(argv) + " and wait for " + q(ready.value()) + " (timeout "
          + duration(timeout) + ")";
    }
  }

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

  /** {@code mode} as four octal digits. */
  static String octal(int mode) {
    String s = Integer.toOctalString(mode);
    return "0000".substring(Math.min(4, s.length())) + s;
  }

  /** A byte size with the largest exact binary suffix. */
  static String size(long bytes) {
    String[] units = {"", "k", "M", "G", "T"};
    int u = 0;
    while (u < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
      bytes /= 1024;
      u++;
    }
    return bytes + units[u];
  }

  /** A duration as {@code 5s} or {@code 500ms}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static String bindFlags(boolean writable, boolean device) {
    return "(" + (writable ? "writable" : "read-only") + ", " + (device ? "devices allowed" : "nodev")
        + ")";
  }

  private static String quoted(List<String> list) {
    return list.stream().map(Quote::q).collect(Collectors.joining(" "));
  }
}
