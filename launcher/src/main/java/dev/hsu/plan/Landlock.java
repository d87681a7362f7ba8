package dev.hsu.plan;

import static dev.hsu.base.Quote.q;

import dev.hsu.base.AbsPath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The LANDLOCK record: whether a kernel lacking a needed Landlock ABI is fatal, the scopes, and the
 * filesystem and TCP rules. With {@code fs} every filesystem right the kernel knows is handled and
 * only {@code fsRules} grant; with {@code net} TCP bind and connect are handled and only {@code
 * netRules} grant.
 */
public record Landlock(
    boolean required,
    boolean scopeAbstractUnix,
    boolean scopeSignal,
    boolean fs,
    boolean net,
    List<FsRule> fsRules,
    List<NetRule> netRules) {
  public static final int FLAG_REQUIRED = 1;
  public static final int FLAG_SCOPE_ABSTRACT_UNIX = 2;
  public static final int FLAG_SCOPE_SIGNAL = 4;
  public static final int FLAG_FS = 8;
  public static final int FLAG_NET = 16;
  public static final int MAX_FS_RULES = 4096;
  public static final int MAX_NET_RULES = 1024;

  /** Landlock's own LANDLOCK_ACCESS_FS_* rights; the ordinal is the bit number (ABI 1 to 5). */
  public enum Fs {
    EXECUTE,
    WRITE_FILE,
    READ_FILE,
    READ_DIR,
    REMOVE_DIR,
    REMOVE_FILE,
    MAKE_CHAR,
    MAKE_DIR,
    MAKE_REG,
    MAKE_SOCK,
    MAKE_FIFO,
    MAKE_BLOCK,
    MAKE_SYM,
    REFER,
    TRUNCATE,
    IOCTL_DEV;

    public long bit() {
      return 1L << ordinal();
    }

    /** {@code read-file}. */
    public String text() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Every filesystem right. */
  public static final long FS_ALL = (1L << Fs.values().length) - 1;

  /** "read": read files and list directories. */
  public static final long READ = Fs.READ_FILE.bit() | Fs.READ_DIR.bit();

  /**
   * "write": change files, create and remove entries (no device nodes), rename across directories,
   * and device ioctls. MAKE_CHAR and MAKE_BLOCK are left out: no app of a sandbox needs to create
   * device nodes.
   */
  public static final long WRITE =
      Fs.WRITE_FILE.bit()
          | Fs.TRUNCATE.bit()
          | Fs.REMOVE_DIR.bit()
          | Fs.REMOVE_FILE.bit()
          | Fs.MAKE_DIR.bit()
          | Fs.MAKE_REG.bit()
          | Fs.MAKE_SOCK.bit()
          | Fs.MAKE_FIFO.bit()
          | Fs.MAKE_SYM.bit()
          | Fs.REFER.bit()
          | Fs.IOCTL_DEV.bit();

  /** "execute". */
  public static final long EXECUTE = Fs.EXECUTE.bit();

  /** Using device nodes: write to them and ioctl them. */
  public static final long DEVICE = Fs.WRITE_FILE.bit() | Fs.IOCTL_DEV.bit();

  public static final long BIND_TCP = 1;
  public static final long CONNECT_TCP = 2;

  /** Access to everything beneath {@code path} (a sandbox path, opened after pivot_root). */
  public record FsRule(AbsPath path, long access) {
    public FsRule {
      Limits.path("landlock rule path", path);
      if (access == 0 || (access & ~FS_ALL) != 0) {
        throw new IllegalArgumentException(
            "landlock rule for "
                + q(path.value())
                + ": access 0x"
                + Long.toHexString(access)
                + " is empty or has unknown bits");
      }
    }

    @Override
    public String toString() {
      return "landlock allow " + fsText(access) + " beneath " + q(path.value());
    }
  }

  /** TCP bind and/or connect on {@code port}. */
  public record NetRule(int port, long access) {
    public NetRule {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("TCP port " + port + " is not between 0 and 65535");
      }
      if (access == 0 || (access & ~(BIND_TCP | CONNECT_TCP)) != 0) {
        throw new IllegalArgumentException(
            "landlock rule for TCP port "
                + port
                + ": access "
                + access
                + " is empty or has unknown bits");
      }
    }

    @Override
    public String toString() {
      List<String> what = new ArrayList<>();
      if ((access & BIND_TCP) != 0) {
        what.add("bind");
      }
      if ((access & CONNECT_TCP) != 0) {
        what.add("connect");
      }
      return "landlock allow tcp " + String.join(", ", what) + " on port " + port;
    }
  }

  public Landlock {
    if (fsRules == null || netRules == null) {
      throw new IllegalArgumentException("landlock rules missing");
    }
    fsRules = List.copyOf(fsRules);
    netRules = List.copyOf(netRules);
    if (!fs && !fsRules.isEmpty()) {
      throw new IllegalArgumentException(
          "landlock filesystem rules need the filesystem to be handled");
    }
    if (!net && !netRules.isEmpty()) {
      throw new IllegalArgumentException("landlock TCP rules need TCP to be handled");
    }
    if (fsRules.size() > MAX_FS_RULES) {
      throw new IllegalArgumentException(
          "landlock has " + fsRules.size() + " filesystem rules, more than " + MAX_FS_RULES);
    }
    if (netRules.size() > MAX_NET_RULES) {
      throw new IllegalArgumentException(
          "landlock has " + netRules.size() + " TCP rules, more than " + MAX_NET_RULES);
    }
    Set<AbsPath> paths = new HashSet<>();
    for (FsRule r : fsRules) {
      if (!paths.add(r.path())) {
        throw new IllegalArgumentException(
            "landlock has two rules for " + q(r.path().value()) + "; merge their access");
      }
    }
    Set<Integer> ports = new HashSet<>();
    for (NetRule r : netRules) {
      if (!ports.add(r.port())) {
        throw new IllegalArgumentException(
            "landlock has two rules for TCP port " + r.port() + "; merge their access");
      }
    }
  }

  public int flags() {
    return (required ? FLAG_REQUIRED : 0)
        | (scopeAbstractUnix ? FLAG_SCOPE_ABSTRACT_UNIX : 0)
        | (scopeSignal ? FLAG_SCOPE_SIGNAL : 0)
        | (fs ? FLAG_FS : 0)
        | (net ? FLAG_NET : 0);
  }

  /**
   * Filesystem rights for people: {@code read}, {@code write} and {@code execute} for the groups a
   * profile can name, then any other right by its own name.
   */
  public static String fsText(long access) {
    List<String> words = new ArrayList<>();
    long rest = access;
    if ((access & READ) == READ) {
      words.add("read");
      rest &= ~READ;
    }
    if ((access & WRITE) == WRITE) {
      words.add("write");
      rest &= ~WRITE;
    }
    if ((access & EXECUTE) != 0) {
      words.add("execute");
      rest &= ~EXECUTE;
    }
    for (Fs f : Fs.values()) {
      if ((rest & f.bit()) != 0) {
        words.add(f.text());
      }
    }
    return String.join(", ", words);
  }

  /** The rights in {@code access}, each by its own name, in bit order. */
  public static List<String> fsNames(long access) {
    List<String> names = new ArrayList<>();
    for (Fs f : Fs.values()) {
      if ((access & f.bit()) != 0) {
        names.add(f.text());
      }
    }
    return names;
  }
}
