package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a grant of a host path hands the app besides what it names: the runtime directory and the
 * sockets of the session's services (a warning), and what the sandbox must not be able to change,
 * hsu's configuration, menu entries and user units (a warning when read-only, refused when
 * writable). A grant exposes a guarded path when it names it or a directory above it; a writable
 * one also when it names something beneath one of the last three.
 */
final class Exposure {
  private Exposure() {}

  /**
   * Checks one grant.
   *
   * @param grant the grant as the sentence starts ("writable bind of", "overlay lower", ...)
   * @param laterWarnings gets the warning (shown with the other warnings); errors go out at once
   */
  static void check(
      String grant,
      String source,
      boolean writable,
      Pos pos,
      Finishing f,
      List<SymlinkDuplicates.Finding> laterWarnings) {
    if (AbsPath.problem(source) != null) {
      return;
    }
    Set<AbsPath> paths = new LinkedHashSet<>();
    paths.add(AbsPath.of(source));
    try {
      // /var/run is /run on most hosts: what the bind will really show counts.
      String real = Path.of(source).toRealPath().toString();
      if (AbsPath.problem(real) == null) {
        paths.add(AbsPath.of(real));
      }
    } catch (IOException | RuntimeException e) {
      // missing: only the path as written
    }
    List<Profile.Guarded> refused = new ArrayList<>();
    List<Profile.Guarded> exposed = new ArrayList<>();
    for (Profile.Guarded g : f.host().guarded()) {
      boolean above = paths.stream().anyMatch(p -> g.path().startsWith(p));
      boolean beneath = paths.stream().anyMatch(p -> p.startsWith(g.path()));
      if (g.noWrite() && writable && (above || beneath)) {
        refused.add(g);
      } else if (above) {
        exposed.add(g);
      }
    }
    if (!refused.isEmpty()) {
      f.error(
          pos,
          grant
              + " \""
              + source
              + "\" would let the app change "
              + list(refused)
              + ": a sandbox must not be able to change its own next run, so hsu refuses it;"
              + " grant it read-only, or only the directories the app needs");
    }
    // The runtime directory says "every socket in it": its sockets need no line of their own.
    AbsPath runtime = f.host().xdgRuntimeDir();
    boolean wholeRuntime = exposed.stream().anyMatch(g -> g.path().equals(runtime));
    exposed.removeIf(
        g -> wholeRuntime && !g.path().equals(runtime) && g.path().startsWith(runtime));
    if (!exposed.isEmpty()) {
      laterWarnings.add(
          new SymlinkDuplicates.Finding(
              pos,
              grant
                  + " \""
                  + source
                  + "\" exposes "
                  + list(exposed)
                  + ": the app gets them as they are on the host, past hsu's filters and"
                  + " grants",
              false));
    }
  }

  private static String list(List<Profile.Guarded> gs) {
    return gs.stream()
        .map(g -> g.what() + " \"" + g.path() + "\"")
        .collect(Collectors.joining(", "));
  }
}
