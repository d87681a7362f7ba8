package dev.hsu.plan;

import static dev.hsu.base.Quote.q;

import dev.hsu.base.AbsPath;
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
  Tag tag();

  /** Writes this op's payload (docs/plan-format.md). */
  void encode(Encoder b);

  /** Writes this op's members for {@code hsu compile --json}, {@code "op"} first. */
  void json(JsonObject o);

  /** Mirror host {@code /} entry by entry, leaving out the fixed list and {@code exclude}. */
  record AutoRoot(AbsPath host, boolean writable, boolean device, List<String> exclude)
      implements Op {
    public AutoRoot {
      Limits.path("auto-root host", host);
      exclude = Limits.names("auto-root exclude name", exclude);
    }

    @Override
    public Tag tag() {
      return Tag.AUTO_ROOT;
    }

    @Override
    public void encode(Encoder b) {
      b.path(host());
      b.u32(PlanFlags.bind(writable(), device(), false, false));
      b.strs(exclude());
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "auto-root");
      o.str("host", host().value());
      o.bool("writable", writable());
      o.bool("device", device());
      o.strs("exclude", exclude());
    }

    /** Entries hsu-init never mirrors (init-c/src/ops.c has the same list; CContractTest). */
    public static final List<String> ALWAYS_LEFT_OUT =
        List.of("proc", "dev", "tmp", "run", "etc", "home", "root", "mnt", "media", "lost+found");

    @Override
    public String toString() {
      String s =
          "mirror "
              + q(host.value())
              + " entry by entry "
              + OpText.bindFlags(writable, device)
              + " except "
              + OpText.quoted(ALWAYS_LEFT_OUT);
      return exclude.isEmpty() ? s : s + " and " + OpText.quoted(exclude);
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
    public Tag tag() {
      return Tag.AUTO_ETC;
    }

    @Override
    public void encode(Encoder b) {
      b.path(host());
      b.strs(only());
      b.strs(skip());
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "auto-etc");
      o.str("host", host().value());
      o.strs("only", only());
      o.strs("skip", skip());
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("link /etc entries to a read-only bind of ");
      b.append(q(host.value()));
      if (!only.isEmpty()) {
        b.append(" (only ").append(OpText.quoted(only)).append(')');
      }
      if (!skip.isEmpty()) {
        b.append(" except ").append(OpText.quoted(skip)).append(" (their host originals hidden)");
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
    public Tag tag() {
      return Tag.BIND;
    }

    @Override
    public void encode(Encoder b) {
      b.path(source());
      b.path(target());
      b.u32(PlanFlags.bind(writable(), device(), optional(), ensure()));
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "bind");
      o.str("source", source().value());
      o.str("target", target().value());
      o.bool("writable", writable());
      o.bool("device", device());
      o.bool("optional", optional());
      o.bool("ensure", ensure());
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
      return "bind "
          + q(source.value())
          + " on "
          + q(target.value())
          + " ("
          + String.join(", ", attrs)
          + ")";
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
    public Tag tag() {
      return Tag.TMPFS;
    }

    @Override
    public void encode(Encoder b) {
      b.path(target());
      b.u64(sizeBytes());
      b.u32(mode());
      b.u32(readOnly() ? PlanFlags.TMPFS_READ_ONLY : 0);
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "tmpfs");
      o.str("target", target().value());
      o.num("sizeBytes", sizeBytes());
      o.str("mode", OpText.octal(mode()));
      o.bool("readOnly", readOnly());
    }

    @Override
    public String toString() {
      List<String> attrs = new ArrayList<>();
      attrs.add("mode " + OpText.octal(mode));
      if (sizeBytes != 0) {
        attrs.add("size " + OpText.size(sizeBytes));
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
    public Tag tag() {
      return Tag.OVERLAY;
    }

    @Override
    public void encode(Encoder b) {
      b.path(target());
      b.u32(
          switch (writes()) {
            case EPHEMERAL -> PlanFlags.OVERLAY_EPHEMERAL;
            case PERSISTENT -> PlanFlags.OVERLAY_PERSISTENT;
            case READ_ONLY -> PlanFlags.OVERLAY_READ_ONLY;
          });
      b.str(upper() == null ? "" : upper().value());
      b.str(work() == null ? "" : work().value());
      b.u32(lowers().size());
      for (AbsPath lower : lowers()) {
        b.path(lower);
      }
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "overlay");
      o.str("target", target().value());
      o.str("writes", writes().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      if (upper() != null) {
        o.str("upper", upper().value());
        o.str("work", work().value());
      }
      o.strs("lowers", lowers().stream().map(AbsPath::value).toList());
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("overlay on ").append(q(target.value()));
      b.append(" lower ")
          .append(lowers.stream().map(p -> q(p.value())).collect(Collectors.joining(", ")));
      switch (writes) {
        case EPHEMERAL -> b.append(" (ephemeral writes)");
        case PERSISTENT ->
            b.append(" upper ")
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
    public Tag tag() {
      return Tag.MKDIR;
    }

    @Override
    public void encode(Encoder b) {
      b.path(target());
      b.u32(mode());
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "mkdir");
      o.str("target", target().value());
      o.str("mode", OpText.octal(mode()));
    }

    @Override
    public String toString() {
      return "mkdir " + q(target.value()) + " (mode " + OpText.octal(mode) + ")";
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
    public Tag tag() {
      return Tag.PLACE;
    }

    @Override
    public void encode(Encoder b) {
      b.path(target());
      b.u32(mode());
      b.u32(length());
      b.raw(rawData());
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "place");
      o.str("target", target().value());
      o.str("mode", OpText.octal(mode()));
      String text = PlanJson.utf8(rawData());
      if (text != null) {
        o.str("content", text);
      } else {
        o.str("base64", java.util.Base64.getEncoder().encodeToString(rawData()));
      }
    }

    @Override
    public String toString() {
      String head = "place file " + q(target.value()) + " (mode " + OpText.octal(mode);
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
            "symlink "
                + q(target.value())
                + ": a dereferenced link must name an absolute host path");
      }
    }

    @Override
    public Tag tag() {
      return Tag.SYMLINK;
    }

    @Override
    public void encode(Encoder b) {
      b.path(target());
      b.str(linkName());
      b.u32(dereference() ? PlanFlags.SYMLINK_DEREFERENCE : 0);
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "symlink");
      o.str("target", target().value());
      o.str("linkName", linkName());
      o.bool("dereference", dereference());
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
    public Tag tag() {
      return Tag.PROC;
    }

    @Override
    public void encode(Encoder b) {
      b.path(target());
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "proc");
      o.str("target", target().value());
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
    public Tag tag() {
      return Tag.SYSFS;
    }

    @Override
    public void encode(Encoder b) {
      b.path(target());
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "sysfs");
      o.str("target", target().value());
    }

    @Override
    public String toString() {
      return "mount a new sysfs on "
          + q(target.value())
          + " (read-only; network devices of the"
          + " sandbox's own namespace only)";
    }
  }

  /** A minimal /dev. */
  record Dev(AbsPath target, boolean mqueue, boolean writable) implements Op {
    public Dev {
      Limits.path("dev target", target);
    }

    @Override
    public Tag tag() {
      return Tag.DEV;
    }

    @Override
    public void encode(Encoder b) {
      b.path(target());
      b.u32((mqueue() ? PlanFlags.DEV_MQUEUE : 0) | (writable() ? PlanFlags.DEV_WRITABLE : 0));
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "dev");
      o.str("target", target().value());
      o.bool("mqueue", mqueue());
      o.bool("writable", writable());
    }

    @Override
    public String toString() {
      return "mount minimal dev on "
          + q(target.value())
          + " ("
          + (writable ? "writable" : "read-only")
          + (mqueue ? ", mqueue" : "")
          + ")";
    }
  }

  /** Changes the flags of the mount at {@code target}; nosuid is always set. */
  record Remount(AbsPath target, boolean readOnly, boolean noexec, boolean nodev) implements Op {
    public Remount {
      Limits.path("remount target", target);
    }

    @Override
    public Tag tag() {
      return Tag.REMOUNT;
    }

    @Override
    public void encode(Encoder b) {
      b.path(target());
      b.u32(
          (readOnly() ? PlanFlags.REMOUNT_READ_ONLY : 0)
              | (noexec() ? PlanFlags.REMOUNT_NOEXEC : 0)
              | (nodev() ? PlanFlags.REMOUNT_NODEV : 0));
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "remount");
      o.str("target", target().value());
      o.bool("readOnly", readOnly());
      o.bool("noexec", noexec());
      o.bool("nodev", nodev());
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
      Limits.checkMillis("daemon timeout", timeout);
      for (String e : env) {
        Params.checkEnvEntry(e);
      }
    }

    @Override
    public Tag tag() {
      return Tag.DAEMON;
    }

    @Override
    public void encode(Encoder b) {
      b.path(ready());
      b.u64(timeout().toMillis());
      b.strs(argv());
      b.strs(env());
    }

    @Override
    public void json(JsonObject o) {
      o.str("op", "daemon");
      o.str("ready", ready().value());
      o.num("timeoutMs", timeout().toMillis());
      o.strs("argv", argv());
      o.strs("env", env());
    }

    @Override
    public String toString() {
      return "start daemon "
          + OpText.quoted(argv)
          + " and wait for "
          + q(ready.value())
          + " (timeout "
          + OpText.duration(timeout)
          + ")";
    }
  }
}
