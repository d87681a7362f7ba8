package dev.hsu.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A private host world for one test: a temp directory holding a fake HOME (with a canary file,
 * XDG_DATA_HOME and XDG_CONFIG_HOME under it), an XDG_RUNTIME_DIR, and room for host files to bind;
 * plus a builder for profiles that run the probe, and {@code ./hsu launch} in a controlled
 * environment.
 */
final class Sandbox implements AutoCloseable {
  static final String PROBE = "/run/probe";
  static final String CANARY_NAME = "hsu-it-canary.txt";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  final HostSupport.Tree tree;
  final Path root;
  final Path home;
  final Path dataHome;
  final Path configHome;
  final Path runtimeDir;
  final Path canary;

  /** Host environment variables added for the launches of this world (on top of the base). */
  final Map<String, String> extraEnv = new LinkedHashMap<>();

  /**
   * Shell commands run just before {@code exec ./hsu ...} (e.g. to leave signals ignored or
   * descriptors open, as a careless caller would); null to start ./hsu directly.
   */
  String shellPrefix;

  /**
   * When set, a shell script that runs {@code ./hsu ARGS} (its {@code "$@"}) as its child: the
   * process that ran hsu launch, for tests of what happens when it dies.
   */
  String parentScript;

  private int profiles;

  Sandbox(HostSupport.Tree tree) {
    this.tree = tree;
    try {
      root = Files.createTempDirectory("hsu-it-").toRealPath();
      home = Files.createDirectory(root.resolve("home"));
      dataHome = Files.createDirectories(home.resolve(".local/share"));
      configHome = Files.createDirectories(home.resolve(".config"));
      runtimeDir = Files.createDirectory(root.resolve("run"));
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwx------"));
      canary = Files.writeString(home.resolve(CANARY_NAME), "host secret\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The login name the sandbox should show: the JVM's own user. */
  static String userName() {
    return System.getProperty("user.name");
  }

  /** A host directory under this world, created. */
  Path hostDir(String name) {
    try {
      return Files.createDirectories(root.resolve("host").resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The host environment every launch gets (before {@link #extraEnv}). */
  Map<String, String> baseEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    String path = System.getenv("PATH");
    env.put("PATH", path != null ? path : "/usr/local/bin:/usr/bin:/bin");
    for (String keep : List.of("JAVA_HOME", "HSU_JAVA", "LANG")) {
      String v = System.getenv(keep);
      if (v != null) env.put(keep, v);
    }
    env.put("HOME", home.toString());
    env.put("USER", userName());
    env.put("LOGNAME", userName());
    env.put("XDG_DATA_HOME", dataHome.toString());
    env.put("XDG_CONFIG_HOME", configHome.toString());
    env.put("XDG_RUNTIME_DIR", runtimeDir.toString());
    return env;
  }

  /** A new profile running the probe; give it probe arguments with {@link Profile#probe}. */
  Profile profile() {
    return new Profile();
  }

  /** Runs {@code ./hsu ARGS} to completion. */
  Result hsu(String... args) {
    try (Running r = start(List.of(args))) {
      return r.await(TIMEOUT);
    }
  }

  Running start(List<String> args) {
    return start(args, null);
  }

  Running start(List<String> args, Path stdin) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tree.hsu().toString());
    cmd.addAll(args);
    if (shellPrefix != null) {
      cmd.addAll(0, List.of("/bin/sh", "-c", shellPrefix + "\nexec \"$@\"", "sh"));
    }
    if (parentScript != null) {
      cmd.addAll(0, List.of("/bin/sh", "-c", parentScript, "sh"));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
    pb.environment().clear();
    pb.environment().putAll(baseEnv());
    pb.environment().putAll(extraEnv);
    pb.redirectInput(
        ProcessBuilder.Redirect.from(stdin != null ? stdin.toFile() : new File("/dev/null")));
    try {
      return new Running(cmd, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Files left under XDG_RUNTIME_DIR/hsu (instance records must be gone after exit), but for the
   * plan cache's key, which lives there for as long as the runtime dir.
   */
  List<String> leftoverInstances() {
    Path dir = runtimeDir.resolve("hsu");
    if (!Files.isDirectory(dir)) return List.of();
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals("plan-cache.key"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    deleteTree(root);
  }

  /**
   * Deletes best-effort, making each directory usable before opening it: overlayfs leaves its work
   * directory with mode 0000.
   */
  static void deleteTree(Path p) {
    try {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
          for (Path c : children) deleteTree(c);
        }
      }
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // Best effort: a leftover temp directory must not fail the test that made it.
    }
  }

  /** YAML double-quoted scalar (JSON escaping is valid YAML 1.2). */
  static String q(Object value) {
    String s = value.toString();
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

  /** A profile under construction: the probe bound at /run/probe, plus what a test adds. */
  final class Profile {
    private String id = "dev.hsu.it.App";
    private List<String> command = List.of(PROBE);
    private final List<String> topLevel = new ArrayList<>();
    private final List<String> filesystem = new ArrayList<>();
    private boolean bindProbe = true;

    /** The command is the probe with these arguments. */
    Profile probe(String... args) {
      List<String> c = new ArrayList<>();
      c.add(PROBE);
      c.addAll(List.of(args));
      command = c;
      return this;
    }

    /** The command is exactly this argv. */
    Profile command(String... argv) {
      command = List.of(argv);
      return this;
    }

    Profile id(String newId) {
      id = newId;
      return this;
    }

    /** Adds top-level YAML lines (everything but id, command and filesystem). */
    Profile yaml(String lines) {
      topLevel.add(lines.stripTrailing());
      return this;
    }

    /** Adds one filesystem entry, given as a YAML flow mapping such as {@code {tmpfs: /x}}. */
    Profile fs(String flowMapping) {
      filesystem.add(flowMapping);
      return this;
    }

    Profile withoutProbe() {
      bindProbe = false;
      return this;
    }

    String text() {
      StringBuilder y = new StringBuilder();
      y.append("id: ").append(id).append('\n');
      y.append("command: [");
      for (int i = 0; i < command.size(); i++)
        y.append(i == 0 ? "" : ", ").append(q(command.get(i)));
      y.append("]\n");
      for (String t : topLevel) y.append(t).append('\n');
      List<String> fsAll = new ArrayList<>();
      if (bindProbe) fsAll.add("{bind: " + q(tree.probe()) + ", to: " + PROBE + "}");
      fsAll.addAll(filesystem);
      if (!fsAll.isEmpty()) {
        y.append("filesystem:\n");
        for (String f : fsAll) y.append("  - ").append(f).append('\n');
      }
      return y.toString();
    }

    /** Writes the profile to a new file in this world and returns its path. */
    Path write() {
      try {
        Path dir = Files.createDirectories(root.resolve("profiles"));
        return Files.writeString(dir.resolve("p" + (++profiles) + ".yaml"), text());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** {@code hsu launch PROFILE [-- ARGS]}, to completion. */
    Result launch(String... appArgs) {
      try (Running r = start(appArgs)) {
        Result res = r.await(TIMEOUT);
        return withProfile(res);
      }
    }

    /** {@code hsu launch PROFILE [-- ARGS]} with stdin from a file, to completion. */
    Result launchWithStdin(Path stdin, String... appArgs) {
      try (Running r = Sandbox.this.start(launchArgs(appArgs), stdin)) {
        return withProfile(r.await(TIMEOUT));
      }
    }

    /** {@code hsu launch PROFILE [-- ARGS]}, left running. */
    Running start(String... appArgs) {
      return Sandbox.this.start(launchArgs(appArgs));
    }

    private List<String> launchArgs(String... appArgs) {
      List<String> args = new ArrayList<>(List.of("launch", write().toString()));
      if (appArgs.length > 0) {
        args.add("--");
        args.addAll(List.of(appArgs));
      }
      return args;
    }

    private Result withProfile(Result r) {
      List<String> cmd = new ArrayList<>(r.command());
      cmd.add("(profile:\n" + text() + ")");
      return new Result(cmd, r.exit(), r.stdoutBytes(), r.stderr());
    }
  }
}
