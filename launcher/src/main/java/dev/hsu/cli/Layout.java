package dev.hsu.cli;

import java.nio.file.Path;

/**
 * Where hsu's parts are: the runtime programs, the shipped profiles and the {@code hsu} command
 * that generated files run. One tree serves both ways: a checkout ({@code -Dhsu.home=ROOT}, set by
 * {@code ./hsu}) and an installed prefix such as {@code /usr}, {@code /usr/local} or {@code
 * ~/.local} ({@code -Dhsu.prefix=PREFIX}, set by {@code PREFIX/bin/hsu}). Any part may be null when
 * hsu runs without its launcher script.
 */
record Layout(
    String kind,
    Path root,
    Path init,
    Path pulseFilter,
    Path portal,
    Path baseProfiles,
    Path appProfiles,
    Path command) {

  static final Layout NONE = new Layout("none", null, null, null, null, null, null, null);

  /** The parts of a checkout at {@code root}, as {@code ./dev build} leaves them. */
  static Layout checkout(Path root) {
    return new Layout(
        "checkout",
        root,
        root.resolve("init-c/build/hsu-init"),
        root.resolve("init-c/build/hsu-pulse-filter"),
        root.resolve("init-c/build/hsu-portal"),
        root.resolve("profiles/base"),
        root.resolve("profiles/apps"),
        root.resolve("hsu"));
  }

  /** The parts installed below {@code prefix} (the FHS layout the package uses with /usr). */
  static Layout installed(Path prefix) {
    Path share = prefix.resolve("share/hsu");
    return new Layout(
        "installed",
        prefix,
        prefix.resolve("libexec/hsu/hsu-init"),
        prefix.resolve("libexec/hsu/hsu-pulse-filter"),
        prefix.resolve("libexec/hsu/hsu-portal"),
        share.resolve("profiles/base"),
        share.resolve("profiles/apps"),
        prefix.resolve("bin/hsu"));
  }

  /** The layout the launcher script named: {@code hsu.prefix} wins over {@code hsu.home}. */
  static Layout fromProperties(String home, String prefix) {
    if (prefix != null && !prefix.isEmpty()) {
      return installed(Path.of(prefix).toAbsolutePath().normalize());
    }
    if (home != null && !home.isEmpty()) {
      return checkout(Path.of(home).toAbsolutePath().normalize());
    }
    return NONE;
  }
}
