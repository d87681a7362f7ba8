package dev.hsu.desktop;

import dev.hsu.base.Quote;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Files hsu generates for the user (menu entries, units): written only where no file is or where
 * hsu's own marked file is, replaced atomically, never through a symlink, removed only when marked.
 */
public final class MarkedFile {
  /** What an install or remove did. */
  public enum Outcome {
    WRITTEN,
    UNCHANGED,
    REMOVED,
    ABSENT
  }

  /** A generated file and the profile it names. */
  public record Installed(Path file, String profile) {}

  static final long MAX_BYTES = 1 << 20;

  private MarkedFile() {}

  /**
   * The text of {@code file} when it is a regular file hsu wrote ({@code ours} accepts it), null
   * when there is no file; throws when something else is there.
   */
  public static String readOurs(Path file, Predicate<String> ours) throws InstallException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    if (Files.isSymbolicLink(file)) {
      throw new InstallException(
          Quote.q(file.toString()) + " is a symbolic link, not a file hsu wrote; leaving it alone");
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new InstallException(
          Quote.q(file.toString()) + " is not a regular file; leaving it alone");
    }
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw notOurs(file);
      }
      text = decode(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new InstallException("cannot read " + Quote.q(file.toString()) + ": " + reason(e), e);
    }
    if (text == null || !ours.test(text)) {
      throw notOurs(file);
    }
    return text;
  }

  /** Whether {@code file} is a regular file (not a symlink) that {@code ours} accepts. */
  public static boolean isOurs(Path file, Predicate<String> ours) {
    try {
      return readOurs(file, ours) != null;
    } catch (InstallException e) {
      return false;
    }
  }

  /** Writes {@code content} to {@code file} unless an unmarked file is in the way. */
  public static Outcome write(Path file, String content, Predicate<String> ours)
      throws InstallException {
    String old = readOurs(file, ours);
    if (content.equals(old)) {
      return Outcome.UNCHANGED;
    }
    Path dir = file.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp =
          Files.createTempFile(
              dir,
              ".hsu-",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      return Outcome.WRITTEN;
    } catch (IOException e) {
      throw new InstallException("cannot write " + Quote.q(file.toString()) + ": " + reason(e), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The write already failed; that is what gets reported.
        }
      }
    }
  }

  /** Removes {@code file} when hsu wrote it; an absent file is fine. */
  public static Outcome remove(Path file, Predicate<String> ours) throws InstallException {
    if (readOurs(file, ours) == null) {
      return Outcome.ABSENT;
    }
    try {
      Files.delete(file);
      return Outcome.REMOVED;
    } catch (NoSuchFileException e) {
      return Outcome.ABSENT;
    } catch (IOException e) {
      throw new InstallException("cannot remove " + Quote.q(file.toString()) + ": " + reason(e), e);
    }
  }

  /**
   * The files in {@code dir} matching {@code glob} that hsu wrote ({@code ours} accepts them), each
   * with the profile {@code profileOf} reads from it, sorted by file name; none when {@code dir} is
   * not a directory. Throws only when {@code dir} cannot be listed.
   */
  public static List<Installed> list(
      Path dir, String glob, Predicate<String> ours, Function<String, String> profileOf)
      throws IOException {
    List<Installed> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
      for (Path p : s) {
        try {
          String text = readOurs(p, ours);
          if (text != null) {
            out.add(new Installed(p, profileOf.apply(text)));
          }
        } catch (InstallException e) {
          // Not ours: not listed.
        }
      }
    }
    out.sort(Comparator.comparing(i -> i.file().getFileName().toString()));
    return out;
  }

  private static InstallException notOurs(Path file) {
    return new InstallException(
        Quote.q(file.toString())
            + " exists and was not written by hsu (it has no X-Hsu-Profile mark); leaving it"
            + " alone: move it away first if hsu should replace it");
  }

  private static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** What went wrong in {@code e}, as a short phrase for the user (control characters escaped). */
  public static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : Quote.escape(m);
  }
}
