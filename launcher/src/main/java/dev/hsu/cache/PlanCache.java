package dev.hsu.cache;

import dev.hsu.base.AbsPath;
import dev.hsu.base.RuntimeDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * The plan cache's files: where an entry lives, its encoding (read by init-c/src/front.c; the
 * layout is in docs/plan-cache.md) and how it is written: through a temporary file and a rename,
 * 0600 in a 0700 directory, authenticated with HMAC-SHA-256 under a key that lives in the instance
 * records' directory, which no sandbox can reach.
 */
public final class PlanCache {
  /** The entry format; the C front refuses any other. */
  public static final int FORMAT = 1;

  static final byte[] MAGIC = "HSUCACHE".getBytes(StandardCharsets.US_ASCII);
  static final String KEY_FILE = "plan-cache.key";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Item tags of an entry. */
  public static final int STAMP = 1;

  public static final int ENV = 2;
  public static final int FILE = 3;
  public static final int KIND = 4;
  public static final int CWD = 5;
  public static final int IDS = 6;
  public static final int ARG = 7;
  public static final int CHECK = 10;
  public static final int ENSURE = 11;
  public static final int POINT = 12;
  public static final int SCOPE = 13;
  public static final int INSTANCE = 14;
  public static final int PLAN = 15;

  private PlanCache() {}

  /** {@code ${XDG_CACHE_HOME:-$HOME/.cache}/hsu/plans}, or null without a usable HOME. */
  public static Path dir(Map<String, String> env) {
    String cache = env.get("XDG_CACHE_HOME");
    if (cache != null && cache.startsWith("/")) {
      return Path.of(cache, "hsu", "plans");
    }
    String home = env.get("HOME");
    return home != null && home.startsWith("/") ? Path.of(home, ".cache", "hsu", "plans") : null;
  }

  /** The entry's file name for {@code hsu launch ARG} by {@code uid}. */
  public static String name(int uid, String arg) {
    byte[] in = ("hsu plan cache 1\0" + uid + "\0" + arg).getBytes(StandardCharsets.UTF_8);
    return HexFormat.of().formatHex(Consulted.sha256(in));
  }

  /** An entry's items, in order. */
  public static final class Builder {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** Adds one item: the tag and its fields (String, Integer as u32, Long as u64, byte[]). */
    public Builder item(int tag, Object... fields) {
      ByteArrayOutputStream p = new ByteArrayOutputStream();
      for (Object f : fields) {
        if (f instanceof String s) {
          bytes(p, s.getBytes(StandardCharsets.UTF_8));
        } else if (f instanceof Integer i) {
          p.writeBytes(le(4, i));
        } else if (f instanceof Long l) {
          p.writeBytes(le(8, l));
        } else if (f instanceof byte[] b) {
          bytes(p, b);
        } else {
          throw new IllegalArgumentException("field " + f);
        }
      }
      body.writeBytes(le(2, tag));
      body.writeBytes(le(2, 0));
      body.writeBytes(le(4, p.size()));
      body.writeBytes(p.toByteArray());
      return this;
    }

    /** The STAMP item of {@code file}: what identifies this very build of one of hsu's parts. */
    public Builder stamp(Path file) throws IOException {
      Path p = file.toAbsolutePath().normalize();
      Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,ctime");
      Instant m = ((FileTime) a.get("lastModifiedTime")).toInstant();
      Instant c = ((FileTime) a.get("ctime")).toInstant();
      return item(
          STAMP,
          p.toString(),
          (Long) a.get("dev"),
          (Long) a.get("ino"),
          (Long) a.get("size"),
          m.getEpochSecond(),
          (long) m.getNano(),
          c.getEpochSecond(),
          (long) c.getNano());
    }

    /** The facts {@code c} recorded. */
    public Builder facts(Consulted c) {
      c.env.forEach((k, v) -> item(ENV, k, v == null ? 0 : 1, v == null ? "" : v));
      c.files.forEach((k, h) -> item(FILE, k, h == null ? 0 : 1, h == null ? new byte[32] : h));
      c.kinds.forEach((k, kind) -> item(KIND, k, kind.ordinal()));
      return this;
    }

    /** The complete entry, authenticated with {@code key}. */
    public byte[] build(byte[] key) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(MAGIC);
      out.writeBytes(le(4, FORMAT));
      out.writeBytes(le(4, body.size()));
      out.writeBytes(body.toByteArray());
      out.writeBytes(hmac(key, out.toByteArray()));
      return out.toByteArray();
    }
  }

  /**
   * The HMAC key, {@code RUNTIME/hsu/plan-cache.key} ({@link RuntimeDir}), made when missing (32
   * random bytes, 0600, published with link(2) so two first launches agree on one).
   */
  public static byte[] key(Map<String, String> env, int uid) throws IOException {
    AbsPath runtime = RuntimeDir.of(env, uid);
    RuntimeDir.check(runtime, uid, true);
    Path dir = Path.of(runtime.value(), "hsu");
    Path file = dir.resolve(KEY_FILE);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] k = new byte[32];
      RANDOM.nextBytes(k);
      Path tmp = temp(dir, k);
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        // Another launch made it first: use that one.
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != 32) {
      throw new IOException(file + " is not a 32-byte regular file");
    }
    return Files.readAllBytes(file);
  }

  /** Writes {@code entry} as {@code dir/name}: 0600, through a temporary file and a rename. */
  public static void write(Path dir, String name, byte[] entry, int uid) throws IOException {
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    // hsu/ and hsu/plans/ are the user's own directories, not symlinks, writable by the user alone
    // (plans/ 0700, as the front wants it): never write entries where someone else pointed them.
    for (Path d : new Path[] {dir.getParent(), dir}) {
      Map<String, Object> a = Files.readAttributes(d, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      int forbidden = d.equals(dir) ? 077 : 022;
      if ((mode & 0170000) != 0040000 || (mode & forbidden) != 0 || (Integer) a.get("uid") != uid) {
        throw new IOException(d + " is not a directory of the user's own that only it can write");
      }
    }
    Path tmp = temp(dir, entry);
    try {
      Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Path temp(Path dir, byte[] data) throws IOException {
    Path tmp =
        Files.createTempFile(
            dir,
            ".tmp-",
            "",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, data);
    return tmp;
  }

  /**
   * HMAC-SHA-256 (RFC 2104) over {@link MessageDigest}: javax.crypto's Mac would load and set up
   * every security provider before SunJCE, which took a tenth of a cold launch.
   */
  static byte[] hmac(byte[] key, byte[] data) {
    final int block = 64;
    byte[] k = key.length > block ? Consulted.sha256(key) : key;
    byte[] inner = new byte[block];
    byte[] outer = new byte[block];
    for (int i = 0; i < block; i++) {
      byte b = i < k.length ? k[i] : 0;
      inner[i] = (byte) (b ^ 0x36);
      outer[i] = (byte) (b ^ 0x5c);
    }
    MessageDigest d = Consulted.sha256Digest();
    d.update(inner);
    byte[] h = d.digest(data);
    d.update(outer);
    return d.digest(h);
  }

  private static byte[] le(int n, long v) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
    byte[] out = new byte[n];
    System.arraycopy(b.array(), 0, out, 0, n);
    return out;
  }

  private static void bytes(ByteArrayOutputStream p, byte[] b) {
    p.writeBytes(le(4, b.length));
    p.writeBytes(b);
  }
}
