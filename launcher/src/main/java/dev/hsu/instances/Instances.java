package dev.hsu.instances;

import dev.hsu.base.Quote;
import dev.hsu.launch.StaleInstances;
import dev.hsu.plan.Instance;
import dev.hsu.sys.Sys;
import dev.hsu.sys.SysException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The running sandboxes of the caller: the instance directories below {@code
 * ${XDG_RUNTIME_DIR}/hsu}, each trusted only once its record has been checked against the live
 * processes through pidfds (docs/instances.md, "Identity").
 */
public final class Instances {
  private Instances() {}

  /** One instance directory as found. */
  public sealed interface Found permits Live, Refused, Starting {
    Path dir();
  }

  /**
   * A running sandbox whose record was checked: the supervisor and the init are the processes the
   * record names (same pid, same start time, the init is PID 1 of its own pid namespace and the
   * supervisor's child). Holds a pidfd of each until closed.
   */
  public static final class Live implements Found, AutoCloseable {
    private final InstanceRecord record;
    private int supervisorFd;
    private int initFd;

    Live(InstanceRecord record, int supervisorFd, int initFd) {
      this.record = record;
      this.supervisorFd = supervisorFd;
      this.initFd = initFd;
    }

    @Override
    public Path dir() {
      return record.dir();
    }

    public InstanceRecord record() {
      return record;
    }

    /** A pidfd of the supervisor (hsu-init outside the sandbox); it ends after the cleanup. */
    public int supervisorFd() {
      return supervisorFd;
    }

    /** A pidfd of the sandbox's PID 1. */
    public int initFd() {
      return initFd;
    }

    @Override
    public void close() {
      Sys.close(supervisorFd);
      Sys.close(initFd);
      supervisorFd = initFd = -1;
    }
  }

  /**
   * An instance directory whose record does not hold up: not acted on, not removed. {@code appId}
   * is what the record claims (null when it could not be read), so the user can name it.
   */
  public record Refused(Path dir, String reason, String appId) implements Found {
    Refused(Path dir, String reason) {
      this(dir, reason, null);
    }

    /** The sentence: "the instance 0123abcd... is refused: REASON". */
    public String sentence() {
      return "the instance "
          + dir.getFileName()
          + " is refused: "
          + reason
          + " (its record is not trusted; nothing was done to the processes it names)";
    }
  }

  /** A sandbox whose app has not started yet: no record so far. */
  public record Starting(Path dir) implements Found {}

  /** {@code runtimeDir/hsu}. */
  public static Path base(String runtimeDir) {
    return Path.of(runtimeDir, "hsu");
  }

  /**
   * Every instance directory below {@code base}, by id; stale ones (their supervisor is gone) are
   * removed and left out. The {@link Live} ones hold pidfds: close them.
   */
  public static List<Found> scan(Path base, int uid) {
    List<Found> out = new ArrayList<>();
    if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(base)) {
      for (Path d : ds) {
        if (Instance.isId(d.getFileName().toString())) {
          dirs.add(d);
        }
      }
    } catch (IOException e) {
      return out;
    }
    dirs.sort(null);
    for (Path dir : dirs) {
      try {
        if (StaleInstances.isStale(dir, uid)) {
          StaleInstances.deleteTree(dir);
          continue;
        }
      } catch (IOException e) {
        continue; // vanished meanwhile, or not ours
      }
      Found f = check(dir, uid);
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }

  /** The directory checked; null when it went away meanwhile. */
  static Found check(Path dir, int uid) {
    Path file = dir.resolve("record");
    String json;
    try {
      json = readRecord(file, uid);
    } catch (NoSuchFileException e) {
      return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? new Starting(dir) : null;
    } catch (InstanceException e) {
      return new Refused(dir, e.getMessage());
    } catch (IOException e) {
      return new Refused(dir, "cannot read its record: " + e.getMessage());
    }
    InstanceRecord r;
    try {
      r = InstanceRecord.parse(dir, json);
    } catch (InstanceException e) {
      return new Refused(dir, e.getMessage());
    }
    try {
      if (!r.id().equals(dir.getFileName().toString())) {
        throw new InstanceException("its record names another instance, " + Quote.q(r.id()));
      }
      return verify(r);
    } catch (InstanceException e) {
      return new Refused(dir, e.getMessage(), r.appId());
    }
  }

  /** The record file: a regular file of uid, 0600 or stricter, never through a symlink. */
  private static String readRecord(Path file, int uid) throws IOException, InstanceException {
    PosixFileAttributes a =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new InstanceException("its record is not a regular file");
    }
    if (!(owner instanceof Integer o) || o != uid) {
      throw new InstanceException("its record belongs to uid " + owner + ", not " + uid);
    }
    Set<PosixFilePermission> p = a.permissions();
    if (p.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
      throw new InstanceException("its record can be read or written by others");
    }
    try (SeekableByteChannel ch =
        Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      ByteBuffer buf = ByteBuffer.allocate(InstanceRecord.MAX_BYTES + 1);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // until the end or one byte too many
      }
      if (buf.position() > InstanceRecord.MAX_BYTES) {
        throw new InstanceException("its record is larger than 64 KiB");
      }
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }
  }

  /** Opens and checks the pidfds the record's pids stand for. */
  static Live verify(InstanceRecord r) throws InstanceException {
    int sup = pidfd("supervisor", r.supervisor());
    int init = -1;
    try {
      init = pidfd("sandbox's init", r.init());
      if (Proc.parent(r.init().pid()) != r.supervisor().pid()) {
        throw new InstanceException(
            "process "
                + r.init().pid()
                + " is not the child of the supervisor, process "
                + r.supervisor().pid());
      }
      List<Long> ns = Proc.nsPids(r.init().pid());
      if (ns.size() < 2 || ns.get(ns.size() - 1) != 1) {
        throw new InstanceException(
            "process " + r.init().pid() + " is not the init of a pid namespace");
      }
      if (!alive(sup) || !alive(init)) {
        throw new InstanceException("the sandbox ended while it was checked");
      }
      return new Live(r, sup, init);
    } catch (InstanceException | RuntimeException e) {
      Sys.close(sup);
      Sys.close(init);
      throw e;
    }
  }

  /**
   * A pidfd for the process the record names: opened first, then its start time read, then the
   * pidfd seen alive, so the time read is that process's (a pid cannot be reused while it lives).
   */
  private static int pidfd(String what, InstanceRecord.ProcId p) throws InstanceException {
    int fd;
    try {
      fd = Sys.pidfdOpen(p.pid());
    } catch (SysException e) {
      throw new InstanceException("its " + what + ", process " + p.pid() + ", is gone");
    }
    long start = Proc.startTime(p.pid());
    if (start != p.start() || !alive(fd)) {
      Sys.close(fd);
      throw new InstanceException(
          "process "
              + p.pid()
              + " is not the "
              + what
              + " the record names (it started at "
              + start
              + ", the record says "
              + p.start()
              + ": the pid was reused or the record was changed)");
    }
    return fd;
  }

  private static boolean alive(int pidfd) {
    try {
      return !Sys.pidfdWait(pidfd, 0);
    } catch (SysException e) {
      return false;
    }
  }

  /**
   * The one running sandbox {@code arg} names: an id or a prefix of one (at least 4 hex digits), or
   * an app id. Closes every other {@link Live} of {@code found}.
   *
   * @throws InstanceException none or several match, or the one that matches is refused
   */
  public static Live resolve(List<Found> found, String arg) throws InstanceException {
    List<Found> matches = new ArrayList<>();
    boolean idLike = arg.length() >= 4 && arg.length() <= 16 && arg.matches("[0-9a-f]+");
    for (Found f : found) {
      String id = f.dir().getFileName().toString();
      boolean byId = idLike && id.startsWith(arg);
      // A refused record's app id is only a claim, good enough to say that it is refused.
      boolean byApp =
          (f instanceof Live l && l.record().appId().equals(arg))
              || (f instanceof Refused r && arg.equals(r.appId()));
      if (byId || byApp) {
        matches.add(f);
      }
    }
    try {
      if (matches.isEmpty()) {
        throw new InstanceException(
            "no running sandbox is " + Quote.q(arg) + " (see hsu ps for the ids and app ids)");
      }
      if (matches.size() > 1) {
        StringBuilder b = new StringBuilder();
        for (Found f : matches) {
          b.append(b.length() == 0 ? "" : ", ").append(f.dir().getFileName());
        }
        throw new InstanceException(
            Quote.q(arg)
                + " matches "
                + matches.size()
                + " running sandboxes: "
                + b
                + "; name one by its id");
      }
      Found f = matches.get(0);
      if (f instanceof Refused r) {
        throw new InstanceException(r.sentence());
      }
      if (f instanceof Starting s) {
        throw new InstanceException(
            "the sandbox " + s.dir().getFileName() + " is starting: its app does not run yet");
      }
      return (Live) f;
    } finally {
      for (Found f : found) {
        if (f instanceof Live l && (matches.size() != 1 || matches.get(0) != l)) {
          l.close();
        }
      }
    }
  }

  /** Closes every {@link Live} of {@code found}. */
  public static void closeAll(List<Found> found) {
    for (Found f : found) {
      if (f instanceof Live l) {
        l.close();
      }
    }
  }
}
