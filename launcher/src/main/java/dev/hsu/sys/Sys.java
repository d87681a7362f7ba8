package dev.hsu.sys;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The few system calls the launcher needs, errno turned into {@link SysException}. */
public final class Sys {
  static final int ENOENT = 2;
  static final int EEXIST = 17;
  static final int ENOTDIR = 20;
  static final int ELOOP = 40;

  static {
    // Without a platform path, JNA's first library load runs `ldconfig -p` to make one: a process
    // on every cold launch, for nothing, since the only library (LibC) is opened by its soname.
    if (System.getProperty("jna.platform.library.path") == null) {
      System.setProperty("jna.platform.library.path", "");
    }
  }

  private Sys() {}

  /** The real uid. */
  public static int getuid() {
    int id = statusId("Uid:");
    return id >= 0 ? id : LibC.INSTANCE.getuid();
  }

  /** The real gid. */
  public static int getgid() {
    int id = statusId("Gid:");
    return id >= 0 ? id : LibC.INSTANCE.getgid();
  }

  /**
   * The real id of {@code /proc/self/status}'s line {@code key} ("Uid:" or "Gid:": real, effective,
   * saved, fs), or -1: a compile needs only the ids, and JNA's start is a tenth of a cold launch.
   */
  static int statusId(String key) {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          String[] f = line.substring(key.length()).trim().split("\\s+");
          long id = Long.parseLong(f[0]);
          return id < 0xFFFFFFFFL ? (int) id : -1;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // No procfs: ask libc.
    }
    return -1;
  }

  public static int getppid() {
    return LibC.INSTANCE.getppid();
  }

  /**
   * Asks for SIGKILL when the thread that created this process ends (prctl PR_SET_PDEATHSIG). The
   * setting belongs to the calling thread and survives execve of a program that is not set-id.
   */
  public static void killWhenParentDies() throws SysException {
    final int prSetPdeathsig = 1;
    final long sigkill = 9;
    NativeLong zero = new NativeLong(0);
    if (LibC.INSTANCE.prctl(prSetPdeathsig, new NativeLong(sigkill), zero, zero, zero) < 0) {
      throw error("cannot set the parent-death signal", null);
    }
  }

  /**
   * The kernel's Landlock ABI version (landlock_create_ruleset(NULL, 0,
   * LANDLOCK_CREATE_RULESET_VERSION)), or the negative errno: ENOSYS without Landlock, EOPNOTSUPP
   * when it is built in but not enabled.
   */
  public static int landlockAbi() {
    final long sysLandlockCreateRuleset = 444; // the same on every architecture since 5.13
    final int versionFlag = 1;
    long r =
        LibC.INSTANCE
            .syscall(new NativeLong(sysLandlockCreateRuleset), null, new NativeLong(0), versionFlag)
            .longValue();
    return r < 0 ? -Native.getLastError() : (int) r;
  }

  static final int ESRCH = 3;
  static final int EINTR = 4;
  private static final long SYS_PIDFD_SEND_SIGNAL = 424; // x86_64 and every newer table
  private static final long SYS_PIDFD_OPEN = 434;
  private static final short POLLIN = 1;

  /**
   * pidfd_open(2): a descriptor that names process {@code pid} for as long as it is open, even
   * after the pid is reused.
   *
   * @throws SysException ESRCH when there is no such process
   */
  public static int pidfdOpen(long pid) throws SysException {
    long fd =
        LibC.INSTANCE
            .syscall(
                new NativeLong(SYS_PIDFD_OPEN),
                new NativeLong(pid),
                new NativeLong(0),
                new NativeLong(0),
                new NativeLong(0))
            .longValue();
    if (fd < 0) {
      throw error("cannot open process " + pid, null);
    }
    return (int) fd;
  }

  /** pidfd_send_signal(2): {@code sig} to the process {@code pidfd} names, never to another. */
  public static void pidfdSendSignal(int pidfd, int sig) throws SysException {
    long r =
        LibC.INSTANCE
            .syscall(
                new NativeLong(SYS_PIDFD_SEND_SIGNAL),
                new NativeLong(pidfd),
                new NativeLong(sig),
                new NativeLong(0),
                new NativeLong(0))
            .longValue();
    if (r < 0) {
      throw error("cannot send signal " + sig, null);
    }
  }

  /**
   * Waits until the process {@code pidfd} names has ended (its pidfd polls readable), at most
   * {@code timeoutMs} (negative: no limit). True when it has ended.
   */
  public static boolean pidfdWait(int pidfd, long timeoutMs) throws SysException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    try (Memory pfd = new Memory(8)) {
      while (true) {
        pfd.setInt(0, pidfd);
        pfd.setShort(4, POLLIN);
        pfd.setShort(6, (short) 0);
        long left = timeoutMs < 0 ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
        int r = LibC.INSTANCE.poll(pfd, new NativeLong(1), (int) Math.min(left, Integer.MAX_VALUE));
        if (r < 0) {
          if (Native.getLastError() == EINTR) {
            continue;
          }
          throw error("cannot wait for a process", null);
        }
        if (r > 0) {
          return true;
        }
        if (timeoutMs >= 0 && System.nanoTime() >= deadline) {
          return false;
        }
      }
    }
  }

  /** close(2), errors ignored. */
  public static void close(int fd) {
    if (fd >= 0) {
      LibC.INSTANCE.close(fd);
    }
  }

  /** strerror(3) for {@code errno}. */
  public static String strerror(int errno) {
    String s = LibC.INSTANCE.strerror(errno);
    return s == null ? "error " + errno : s;
  }

  /**
   * A memfd holding {@code data}, positioned at offset 0 and inherited across execve (no
   * MFD_CLOEXEC).
   */
  public static int memfdWithData(String name, byte[] data) throws SysException {
    int fd = LibC.INSTANCE.memfd_create(name, 0);
    if (fd < 0) {
      throw error("cannot create a memory file", null);
    }
    try {
      int off = 0;
      while (off < data.length) {
        byte[] chunk = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, data.length);
        long n = LibC.INSTANCE.write(fd, chunk, new NativeLong(chunk.length)).longValue();
        if (n < 0) {
          int errno = Native.getLastError();
          if (errno == 4) { // EINTR
            continue;
          }
          throw new SysException(
              "cannot write the plan to a memory file", null, errno, strerror(errno));
        }
        off += (int) n;
      }
      if (LibC.INSTANCE.lseek(fd, new NativeLong(0), LibC.SEEK_SET).longValue() < 0) {
        throw error("cannot rewind the plan's memory file", null);
      }
      return fd;
    } catch (SysException e) {
      LibC.INSTANCE.close(fd);
      throw e;
    }
  }

  /**
   * Replaces this process with {@code path}. Returns only by throwing. Strings are passed as UTF-8
   * bytes whatever the JVM's default charset.
   */
  public static void execve(String path, List<String> argv, List<String> env) throws SysException {
    Memory[] keep = new Memory[argv.size() + env.size()];
    Pointer[] cargv = cstrings(argv, keep, 0);
    Pointer[] cenv = cstrings(env, keep, argv.size());
    LibC.INSTANCE.execve(cstring(path), cargv, cenv);
    SysException e = error("cannot execute", path);
    java.lang.ref.Reference.reachabilityFence(keep);
    throw e;
  }

  private static Pointer[] cstrings(List<String> list, Memory[] keep, int at) {
    Pointer[] out = new Pointer[list.size() + 1];
    for (int i = 0; i < list.size(); i++) {
      byte[] b = cstring(list.get(i));
      Memory m = new Memory(b.length);
      m.write(0, b, 0, b.length);
      keep[at + i] = m;
      out[i] = m;
    }
    out[list.size()] = null;
    return out;
  }

  /** {@code s} as UTF-8 with a terminating NUL; a NUL inside is refused. */
  static byte[] cstring(String s) {
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("string contains a NUL byte");
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] c = new byte[b.length + 1];
    System.arraycopy(b, 0, c, 0, b.length);
    return c;
  }

  /**
   * Makes sure {@code dir} exists as a real directory, creating missing components (0700) below
   * {@code trusted}. {@code trusted} itself is created like {@code mkdir -p}; below it no symlink
   * is ever followed: each component is opened with O_NOFOLLOW|O_DIRECTORY relative to its parent's
   * descriptor, so a link planted by a sandboxed app cannot redirect the creation.
   */
  public static void ensureDirBeneath(String trusted, String dir) throws SysException {
    LibC.INSTANCE.close(openDirBeneath(trusted, dir));
  }

  /**
   * Creates the empty regular file {@code file} below {@code trusted} (and its missing parent
   * directories) without following symlinks below {@code trusted}; an existing regular file is left
   * as it is. For mount points of file binds.
   */
  public static void ensureFileBeneath(String trusted, String file) throws SysException {
    int slash = file.lastIndexOf('/');
    String parent = file.substring(0, slash);
    int dfd = openDirBeneath(trusted, parent.length() < trusted.length() ? trusted : parent);
    try {
      int fd =
          LibC.INSTANCE.openat(
              dfd,
              cstring(file.substring(slash + 1)),
              LibC.O_RDONLY | LibC.O_CREAT | LibC.O_NOFOLLOW | LibC.O_CLOEXEC,
              0600);
      if (fd < 0) {
        int errno = Native.getLastError();
        if (errno == ELOOP) {
          throw new SysException("refusing to use", file, errno, "it is a symlink");
        }
        throw new SysException("cannot create file", file, errno, strerror(errno));
      }
      LibC.INSTANCE.close(fd);
    } finally {
      LibC.INSTANCE.close(dfd);
    }
  }

  /** Opens {@code dir} (equal to or below {@code trusted}), creating what is missing below. */
  private static int openDirBeneath(String trusted, String dir) throws SysException {
    boolean same = dir.equals(trusted);
    if (!same && !dir.startsWith(trusted.endsWith("/") ? trusted : trusted + "/")) {
      throw new IllegalArgumentException(dir + " is not below " + trusted);
    }
    try {
      java.nio.file.Files.createDirectories(java.nio.file.Path.of(trusted));
    } catch (java.io.IOException | SecurityException e) {
      throw new SysException("cannot create directory", trusted, 0, describe(e));
    }
    int fd =
        LibC.INSTANCE.openat(
            LibC.AT_FDCWD, cstring(trusted), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      throw error("cannot open directory", trusted);
    }
    if (same) {
      return fd;
    }
    String rest = dir.substring(trusted.length() + (trusted.endsWith("/") ? 0 : 1));
    StringBuilder done = new StringBuilder(trusted);
    try {
      for (String name : rest.split("/")) {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
          throw new IllegalArgumentException("bad path component in " + dir);
        }
        done.append('/').append(name);
        byte[] cname = cstring(name);
        if (LibC.INSTANCE.mkdirat(fd, cname, 0700) < 0 && Native.getLastError() != EEXIST) {
          throw error("cannot create directory", done.toString());
        }
        int next =
            LibC.INSTANCE.openat(
                fd, cname, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
        if (next < 0) {
          int errno = Native.getLastError();
          if (errno == ELOOP || errno == ENOTDIR) {
            throw new SysException(
                "refusing to use", done.toString(), errno, "it is a symlink or not a directory");
          }
          throw new SysException("cannot open directory", done.toString(), errno, strerror(errno));
        }
        LibC.INSTANCE.close(fd);
        fd = next;
      }
      int result = fd;
      fd = -1;
      return result;
    } finally {
      if (fd >= 0) {
        LibC.INSTANCE.close(fd);
      }
    }
  }

  private static String describe(Exception e) {
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "a file that is not a directory is in the way";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "Permission denied";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static SysException error(String action, String path) {
    int errno = Native.getLastError();
    return new SysException(action, path, errno, strerror(errno));
  }
}
