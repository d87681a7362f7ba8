package dev.hsu.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a compile consulted besides the profile's own values: environment variables, files (by
 * content hash) and what kind of thing is at a path. The plan cache stores these with the plan; a
 * later launch may reuse the plan only while every one still holds. Recording is per thread and off
 * unless {@link #record} runs; the code that consults the host calls the static methods.
 */
public final class Consulted {
  /** What is at a path, following symlinks, as stat(2) says (same numbers as the C side). */
  public enum Kind {
    MISSING,
    FILE,
    DIRECTORY,
    SOCKET,
    OTHER
  }

  /** Largest file whose content a fact can name; a larger one makes the plan uncacheable. */
  static final int MAX_FILE = 16 << 20;

  private static final ThreadLocal<Consulted> CURRENT = new ThreadLocal<>();

  final Map<String, String> env = new LinkedHashMap<>();
  final Map<String, byte[]> files = new LinkedHashMap<>();
  final Map<String, Kind> kinds = new LinkedHashMap<>();
  String uncacheable;

  /** Records this thread's consultations into {@code into} until the result is closed. */
  public static Recording record(Consulted into) {
    Consulted before = CURRENT.get();
    CURRENT.set(into);
    return () -> CURRENT.set(before);
  }

  /** Ends a recording. */
  public interface Recording extends AutoCloseable {
    @Override
    void close();
  }

  /** Why the plan must not be cached, or null. */
  public String uncacheable() {
    return uncacheable;
  }

  /** Records that the environment variable {@code name} was read (null: unset). */
  static void env(String name, String value) {
    Consulted c = CURRENT.get();
    if (c != null) {
      c.env.putIfAbsent(name, value);
    }
  }

  /** Marks the compile as depending on something no fact describes. */
  public static void notCacheable(String why) {
    Consulted c = CURRENT.get();
    if (c != null && c.uncacheable == null) {
      c.uncacheable = why;
    }
  }

  /** Records the content of {@code file} (absent unless a regular file, symlinks followed). */
  public static void file(Path file) {
    Consulted c = CURRENT.get();
    if (c == null) {
      return;
    }
    String key = file.toAbsolutePath().normalize().toString();
    if (c.files.containsKey(key)) {
      return;
    }
    c.files.put(key, hash(Path.of(key), c));
  }

  /** Records what is at {@code path} (symlinks followed); relative paths name the cwd's. */
  public static void kind(Path path) {
    Consulted c = CURRENT.get();
    if (c != null) {
      c.kinds.putIfAbsent(path.toString(), kindOf(path));
    }
  }

  /** What is at {@code path} now. */
  public static Kind kindOf(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode") & 0170000;
      return switch (mode) {
        case 0100000 -> Kind.FILE;
        case 0040000 -> Kind.DIRECTORY;
        case 0140000 -> Kind.SOCKET;
        default -> Kind.OTHER;
      };
    } catch (IOException | RuntimeException e) {
      return Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? Kind.OTHER : Kind.MISSING;
    }
  }

  private static byte[] hash(Path file, Consulted c) {
    if (kindOf(file) != Kind.FILE) {
      return null;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] data = in.readNBytes(MAX_FILE + 1);
      if (data.length > MAX_FILE) {
        c.uncacheable = "a file it read is larger than 16 MiB";
      }
      return sha256(data);
    } catch (IOException | RuntimeException e) {
      c.uncacheable = "a file it read could not be read again";
      return null;
    }
  }

  static byte[] sha256(byte[] data) {
    return sha256Digest().digest(data);
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
