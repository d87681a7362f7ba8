package dev.hsu.cli;

import dev.hsu.base.Quote;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds a profile: an existing path, else NAME.yaml in the user's then hsu's shipped profiles. */
final class ProfileFinder {
  private ProfileFinder() {}

  static Path find(String arg, Map<String, String> env, Path home, Path appProfiles)
      throws HsuException {
    if (arg.isEmpty()) {
      throw new HsuException(HsuException.Kind.USAGE, "the profile name is empty");
    }
    Path given;
    try {
      given = Path.of(arg);
    } catch (InvalidPathException e) {
      throw new HsuException(
          HsuException.Kind.USAGE, "the profile name " + Quote.q(arg) + " is not a valid path");
    }
    dev.hsu.cache.Consulted.kind(given);
    if (Files.exists(given)) {
      if (!Files.isRegularFile(given)) {
        throw new HsuException(
            HsuException.Kind.FAILURE, "the profile " + Quote.q(arg) + " is not a regular file");
      }
      return given;
    }
    List<Path> dirs = searchDirs(env, home, appProfiles);
    if (arg.indexOf('/') < 0 && !arg.equals(".") && !arg.equals("..")) {
      String file = arg.endsWith(".yaml") ? arg : arg + ".yaml";
      for (Path dir : dirs) {
        Path p = dir.resolve(file);
        dev.hsu.cache.Consulted.kind(p);
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
    }
    StringBuilder where = new StringBuilder();
    if (arg.indexOf('/') < 0) {
      for (Path dir : dirs) {
        where.append(where.length() == 0 ? ", nor in " : " or ").append(Quote.q(dir.toString()));
      }
    }
    throw new HsuException(
        HsuException.Kind.FAILURE, "no profile " + Quote.q(arg) + ": no such file" + where);
  }

  static List<Path> searchDirs(Map<String, String> env, Path home, Path appProfiles) {
    List<Path> dirs = new ArrayList<>();
    String config = env.get("XDG_CONFIG_HOME");
    Path configDir = home.resolve(".config");
    if (config != null && config.startsWith("/")) {
      try {
        configDir = Path.of(config);
      } catch (InvalidPathException e) {
        // XDG rule: an unusable value is ignored.
      }
    }
    dirs.add(configDir.resolve("hsu/profiles"));
    if (appProfiles != null) {
      dirs.add(appProfiles);
    }
    return dirs;
  }
}
