package dev.hsu.desktop;

import dev.hsu.base.Quote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The user's applications directory ({@code $XDG_DATA_HOME/applications}) and the app entries hsu
 * starts from (found there and under {@code $XDG_DATA_DIRS}).
 */
public final class Applications implements GeneratedFiles {
  private final Path home;
  private final List<Path> dataDirs;

  /**
   * @param home the user's own data directory ({@code $XDG_DATA_HOME})
   */
  public Applications(Path home, List<Path> dataDirs) {
    this.home = home;
    this.dataDirs = List.copyOf(dataDirs);
  }

  /** From the environment, with the XDG Base Directory defaults. */
  public static Applications fromEnv(Map<String, String> env, Path userHome) {
    Path data = absolute(env.get("XDG_DATA_HOME"));
    if (data == null) {
      data = userHome.resolve(".local/share");
    }
    List<Path> dirs = new ArrayList<>();
    String list = env.get("XDG_DATA_DIRS");
    if (list == null || list.isBlank()) {
      list = "/usr/local/share:/usr/share";
    }
    for (String d : list.split(":")) {
      Path p = absolute(d);
      if (p != null && !dirs.contains(p)) {
        dirs.add(p);
      }
    }
    return new Applications(data, dirs);
  }

  private static Path absolute(String s) {
    if (s == null || !s.startsWith("/")) {
      return null;
    }
    try {
      return Path.of(s).normalize();
    } catch (InvalidPathException e) {
      return null;
    }
  }

  public Path dir() {
    return home.resolve("applications");
  }

  /**
   * Where the entry of profile {@code id} goes; the "hsu." prefix keeps it apart from the app's.
   */
  @Override
  public Path fileFor(String id) {
    return dir().resolve("hsu." + id + ".desktop");
  }

  /**
   * The app's own entry named {@code name} (a file ID or an absolute path): the first one in the
   * user's directory and then in each of {@code $XDG_DATA_DIRS}, never one hsu generated.
   */
  public Path find(String name) {
    if (name.startsWith("/")) {
      Path p = Path.of(name);
      return Files.isRegularFile(p) ? p : null;
    }
    List<Path> roots = new ArrayList<>();
    roots.add(home);
    roots.addAll(dataDirs);
    for (Path root : roots) {
      Path p = root.resolve("applications").resolve(name);
      if (Files.isRegularFile(p) && !generated(p)) {
        return p;
      }
    }
    return null;
  }

  /** Where {@link #find} looks, for messages. */
  public String searched() {
    List<String> out = new ArrayList<>();
    out.add(Quote.q(dir().toString()));
    for (Path d : dataDirs) {
      out.add(Quote.q(d.resolve("applications").toString()));
    }
    return String.join(", ", out);
  }

  private static boolean generated(Path p) {
    try {
      return SandboxedEntry.isOurs(read(p));
    } catch (InstallException e) {
      return false;
    }
  }

  /** Reads an app's entry (at most 1 MiB, UTF-8 with bad bytes replaced). */
  public static String read(Path p) throws InstallException {
    try {
      if (Files.size(p) > MarkedFile.MAX_BYTES) {
        throw new InstallException(Quote.q(p.toString()) + " is too large for a desktop entry");
      }
      return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InstallException(
          "cannot read " + Quote.q(p.toString()) + ": " + MarkedFile.reason(e), e);
    }
  }

  /** The entries hsu generated in the user's directory, sorted by file name. */
  @Override
  public List<MarkedFile.Installed> list() throws InstallException {
    try {
      return MarkedFile.list(
          dir(), "hsu.*.desktop", SandboxedEntry::isOurs, SandboxedEntry::profileOf);
    } catch (IOException e) {
      throw new InstallException(
          "cannot list " + Quote.q(dir().toString()) + ": " + MarkedFile.reason(e), e);
    }
  }

  /**
   * Runs {@code update-desktop-database} on the user's directory when it is on {@code path}, so
   * MimeType associations take effect; problems become notes, never failures.
   */
  public void refresh(String path, Consumer<String> notes) {
    Path tool = onPath(path, "update-desktop-database");
    if (tool == null || !Files.isDirectory(dir())) {
      return;
    }
    try {
      Process p =
          new ProcessBuilder(tool.toString(), "-q", dir().toString())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        notes.accept("update-desktop-database did not finish in 30 s");
      } else if (p.exitValue() != 0) {
        notes.accept("update-desktop-database failed: " + Quote.escape(out));
      }
    } catch (IOException e) {
      notes.accept("cannot run update-desktop-database: " + MarkedFile.reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The executable {@code name} in the colon-separated {@code path}, or null. */
  public static Path onPath(String path, String name) {
    if (path == null) {
      return null;
    }
    for (String d : path.split(":")) {
      if (!d.startsWith("/")) {
        continue;
      }
      Path p = Path.of(d, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
