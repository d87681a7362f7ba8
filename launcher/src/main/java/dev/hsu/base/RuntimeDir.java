package dev.hsu.base;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * hsu's runtime directory, one rule (docs/instances.md; init-c/src/util.c has the same): {@code
 * $XDG_RUNTIME_DIR} when it is an absolute path; else {@code /run/user/UID} when that is a
 * directory of the user's (a login session's); else {@code /tmp/hsu-UID}, the same path for every
 * hsu process of the user whatever its TMPDIR, which hsu makes 0700 and uses only while it is a
 * directory of the user's, not a symlink, that nobody else may enter. hsu-init keeps the instance
 * records below it, the plan cache its key, and a sandbox gets it as its XDG_RUNTIME_DIR.
 */
public final class RuntimeDir {
  private RuntimeDir() {}

  /** The runtime directory of {@code uid} with the environment {@code env}. */
  public static AbsPath of(Map<String, String> env, int uid) {
    return of(env.get("XDG_RUNTIME_DIR"), Path.of("/run/user/" + uid), uid);
  }

  /** The rule, with {@code runUser} standing for {@code /run/user/UID}. */
  static AbsPath of(String xdg, Path runUser, int uid) {
    if (xdg != null && xdg.startsWith("/") && xdg.indexOf('\0') < 0) {
      return AbsPath.normalize(xdg);
    }
    try {
      Map<String, Object> a = Files.readAttributes(runUser, "unix:uid,isDirectory");
      if ((Boolean) a.get("isDirectory") && (Integer) a.get("uid") == uid) {
        return AbsPath.normalize(runUser.toString());
      }
    } catch (IOException | RuntimeException e) {
      // Missing or unreadable: no login session's directory.
    }
    return fallback(uid);
  }

  /** {@code /tmp/hsu-UID}: where hsu keeps its runtime state without a login session. */
  public static AbsPath fallback(int uid) {
    return AbsPath.of("/tmp/hsu-" + uid);
  }

  /**
   * Before hsu uses {@code dir}: when it is the fallback, makes it (0700) if {@code create} and it
   * is missing, and refuses it unless it is a directory of {@code uid}, not a symlink, closed to
   * group and others. A runtime directory from the session or the environment is taken as it is.
   *
   * @throws IOException with one sentence that names the directory
   */
  public static void check(AbsPath dir, int uid, boolean create) throws IOException {
    if (dir.equals(fallback(uid))) {
      checkPrivate(Path.of(dir.value()), uid, create);
    }
  }

  /** {@link #check}'s test of the fallback, on any path. */
  static void checkPrivate(Path dir, int uid, boolean create) throws IOException {
    String where = "the runtime directory " + Quote.q(dir.toString());
    if (create) {
      try {
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        // Checked below, as one found there.
      } catch (IOException e) {
        throw new IOException("cannot create " + where + ": " + reason(e), e);
      }
    }
    Map<String, Object> a;
    try {
      a = Files.readAttributes(dir, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new IOException("cannot use " + where + ": " + reason(e), e);
    }
    int mode = (Integer) a.get("mode");
    int owner = (Integer) a.get("uid");
    String refused = "refusing to use " + where + ": ";
    if ((mode & 0170000) == 0120000) {
      throw new IOException(refused + "it is a symlink");
    }
    if ((mode & 0170000) != 0040000) {
      throw new IOException(refused + "it is not a directory");
    }
    if (owner != uid) {
      throw new IOException(refused + "it belongs to uid " + owner + ", not " + uid);
    }
    if ((mode & 077) != 0) {
      throw new IOException(
          refused + String.format("others may enter it (mode %04o, not 0700)", mode & 07777));
    }
  }

  private static String reason(IOException e) {
    String r = e instanceof java.nio.file.FileSystemException f ? f.getReason() : null;
    return r != null ? r : String.valueOf(e.getMessage());
  }
}
