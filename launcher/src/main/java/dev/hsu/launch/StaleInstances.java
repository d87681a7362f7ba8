package dev.hsu.launch;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.Instance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Stale instance directories: {@code ${XDG_RUNTIME_DIR}/hsu/<id>} left behind when a supervisor was
 * killed with SIGKILL (hsu-init removes its own otherwise). One is stale when it is a real
 * directory (not a symlink) owned by the caller whose {@code pid} file names a process that is
 * gone; nothing in it is followed.
 */
public final class StaleInstances {
  /** A directory without a pid file this old is stale too (hsu-init writes it at once). */
  static final Duration NO_PID_GRACE = Duration.ofMinutes(1);

  private StaleInstances() {}

  /** Removes the stale instance directories below {@code runtimeDir}; best effort, quiet. */
  static int removeStale(AbsPath runtimeDir, int uid) {
    Path base = Path.of(runtimeDir.value(), "hsu");
    int removed = 0;
    if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base)) {
      for (Path dir : dirs) {
        try {
          if (isStale(dir, uid)) {
            deleteTree(dir);
            removed++;
          }
        } catch (IOException | RuntimeException e) {
          // Someone else's, vanished meanwhile, or not removable: leave it.
        }
      }
    } catch (IOException e) {
      return removed;
    }
    return removed;
  }

  public static boolean isStale(Path dir, int uid) throws IOException {
    if (!Instance.isId(dir.getFileName().toString())) {
      return false;
    }
    BasicFileAttributes a =
        Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (!a.isDirectory() || !(owner instanceof Integer o) || o != uid) {
      return false;
    }
    Long pid = readPid(dir.resolve("pid"));
    if (pid == null) {
      FileTime t = a.lastModifiedTime();
      return t.toInstant().isBefore(Instant.now().minus(NO_PID_GRACE));
    }
    return ProcessHandle.of(pid).isEmpty();
  }

  /** The pid in {@code file} (a regular file, not followed), or null. */
  static Long readPid(Path file) {
    try (SeekableByteChannel ch =
        Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      ByteBuffer buf = ByteBuffer.allocate(32);
      ch.read(buf);
      String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
      long pid = Long.parseLong(s);
      return pid > 0 ? pid : null;
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  /** Deletes {@code dir} and everything in it; symlinks are removed, never followed. */
  public static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
