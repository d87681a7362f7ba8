package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Symlink entries that repeat what is already at their path when hsu-init makes them: an earlier
 * symlink entry, or what the auto-root mirrors from the host's {@code /}. hsu-init skips an
 * identical link (a warning here: the entry does nothing) and stops at a conflicting one (an error
 * here, so that {@code hsu check} does not call a profile fine that cannot launch).
 */
final class SymlinkDuplicates {
  /** A finding: errors go out at once, warnings with the section's other warnings. */
  record Finding(Pos pos, String message, boolean error) {}

  private record Made(String content, Pos pos) {}

  private SymlinkDuplicates() {}

  /**
   * @param hostRoot the host's {@code /} (a parameter for tests)
   */
  static List<Finding> find(
      List<FilesystemSection.Fs> entries, Profile.Root root, Finishing f, Path hostRoot) {
    List<Finding> out = new ArrayList<>();
    Map<String, Made> made = new HashMap<>();
    List<String> covered = new ArrayList<>(); // targets of other entries, in order
    for (FilesystemSection.Fs e : entries) {
      String target = f.expand(e.path());
      if (AbsPath.problem(target) != null) {
        continue;
      }
      if (!(e instanceof FilesystemSection.Symlink s)) {
        String to =
            e instanceof FilesystemSection.Bind b && b.to() != null ? f.expand(b.to()) : target;
        made.keySet().removeIf(p -> below(p, to));
        covered.add(to);
        continue;
      }
      String content = content(s, f);
      if (content == null) {
        continue;
      }
      Made earlier = made.get(target);
      if (earlier != null) {
        if (earlier.content().equals(content)) {
          out.add(
              new Finding(
                  s.path().pos(),
                  "symlink "
                      + q(target)
                      + " repeats the entry at "
                      + where(earlier.pos())
                      + "; it does nothing",
                  false));
        } else {
          out.add(
              new Finding(
                  s.path().pos(),
                  "symlink "
                      + q(target)
                      + " -> "
                      + q(content)
                      + " conflicts with the entry at "
                      + where(earlier.pos())
                      + ", which links it to "
                      + q(earlier.content())
                      + "; the launch would stop there",
                  true));
        }
      } else if (!covered.stream().anyMatch(c -> below(target, c))) {
        Finding byRoot = autoRoot(target, content, s, root, hostRoot);
        if (byRoot != null) {
          out.add(byRoot);
        }
      }
      made.put(target, new Made(content, s.path().pos()));
    }
    return out;
  }

  /** What the auto-root already put at {@code target} says about this entry, or null. */
  private static Finding autoRoot(
      String target,
      String content,
      FilesystemSection.Symlink s,
      Profile.Root root,
      Path hostRoot) {
    String name = target.substring(1);
    if (!root.mirror()
        || name.isEmpty()
        || name.contains("/")
        || name.equals("sys")
        || root.exclude().contains(name)
        || Op.AutoRoot.ALWAYS_LEFT_OUT.contains(name)) {
      return null;
    }
    Path host = hostRoot.resolve(name);
    if (Files.isSymbolicLink(host)) {
      String there;
      try {
        there = Files.readSymbolicLink(host).toString();
      } catch (IOException e) {
        return null;
      }
      if (there.equals(content)) {
        return new Finding(
            s.path().pos(),
            "symlink "
                + q(target)
                + " -> "
                + q(content)
                + " is already there: the auto-root mirrors the host's; this entry does nothing",
            false);
      }
      return new Finding(
          s.path().pos(),
          "symlink "
              + q(target)
              + " -> "
              + q(content)
              + " conflicts with the host's "
              + q(target)
              + " -> "
              + q(there)
              + ", which the auto-root mirrors there; the launch would stop there (add '"
              + name
              + "' to root.exclude to replace it)",
          true);
    }
    if (Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
      return new Finding(
          s.path().pos(),
          "symlink "
              + q(target)
              + " conflicts with the host's "
              + (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS) ? "directory " : "file ")
              + q(target)
              + ", which the auto-root mirrors there; the launch would stop there (add '"
              + name
              + "' to root.exclude to replace it)",
          true);
    }
    return null;
  }

  /** The link's content as hsu-init will make it, or null when only the launch can tell. */
  private static String content(FilesystemSection.Symlink s, Finishing f) {
    String to = f.expand(s.pointsTo());
    if (!s.dereference()) {
      return to;
    }
    try {
      return Files.readSymbolicLink(Path.of(to)).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether {@code path} is {@code dir} or beneath it. */
  private static boolean below(String path, String dir) {
    return path.equals(dir) || dir.equals("/") || path.startsWith(dir + "/");
  }

  private static String q(String s) {
    return "\"" + s + "\"";
  }

  private static String where(Pos p) {
    return p.file().getFileName() + ":" + p.line() + ":" + p.column();
  }
}
