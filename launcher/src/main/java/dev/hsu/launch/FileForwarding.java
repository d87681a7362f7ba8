package dev.hsu.launch;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import dev.hsu.compile.Portals;
import dev.hsu.profile.Profile;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Files named on the command line of a sandbox with {@code portals} (docs/portals.md): an argument
 * that names an existing host file or directory (a path, or a {@code file://} URI, as menu entries
 * pass {@code %f %F %u %U}) becomes the path the app sees it at. A file the profile grants keeps
 * its place (its path inside); any other is exported to this app alone through the document portal
 * and appears below {@code $XDG_RUNTIME_DIR/doc}. Other arguments pass unchanged.
 */
public final class FileForwarding {
  /** Exports host files to one app; returns each file's path below the app's document view. */
  public interface Exporter {
    List<String> export(String appId, boolean writable, List<Path> files) throws LaunchException;
  }

  private FileForwarding() {}

  /** One argument that names a host file: where, and whether it was given as a URI. */
  private record FileArg(int index, Path real, boolean uri) {}

  /**
   * {@code args} with every file argument rewritten; unchanged without {@code portals}. When the
   * export fails the arguments stay as given and {@code notices} says why.
   */
  public static List<String> rewrite(
      Profile p, List<String> args, Path cwd, Exporter exporter, Consumer<String> notices) {
    Profile.Portals portals = p.dbus().portals();
    if (portals == null || args.isEmpty()) {
      return args;
    }
    List<String> out = new ArrayList<>(args);
    Map<Path, List<FileArg>> toExport = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      FileArg f = fileArg(i, args.get(i), cwd);
      if (f == null) {
        continue;
      }
      AbsPath inside = grantedInside(p, f.real());
      if (inside != null) {
        out.set(i, spelled(inside.value(), f.uri()));
      } else {
        toExport.computeIfAbsent(f.real(), k -> new ArrayList<>()).add(f);
      }
    }
    if (toExport.isEmpty()) {
      return out;
    }
    List<Path> files = new ArrayList<>(toExport.keySet());
    List<String> docs;
    try {
      docs = exporter.export(p.id(), portals.writableFiles(), files);
    } catch (LaunchException e) {
      notices.accept(
          e.getMessage()
              + "; the app gets "
              + (files.size() == 1 ? "that file's" : "those files'")
              + " host path, which it may not see");
      return out;
    }
    AbsPath base = Portals.documentsInside(p);
    for (int k = 0; k < files.size(); k++) {
      String inside = base.value() + "/" + docs.get(k);
      for (FileArg f : toExport.get(files.get(k))) {
        out.set(f.index(), spelled(inside, f.uri()));
      }
    }
    return out;
  }

  /** The argument as a host file, or null when it names none (or is an option). */
  private static FileArg fileArg(int index, String arg, Path cwd) {
    boolean uri = arg.startsWith("file:");
    Path path;
    try {
      if (uri) {
        URI u = new URI(arg);
        if (u.getAuthority() != null && !u.getAuthority().equals("localhost")) {
          return null;
        }
        path = Path.of(u.getPath());
      } else if (arg.isEmpty() || arg.startsWith("-") || arg.contains("://")) {
        return null;
      } else {
        path = cwd.resolve(arg);
      }
      if (!path.isAbsolute() || !Files.exists(path)) {
        return null;
      }
      return new FileArg(index, path.toRealPath(), uri);
    } catch (URISyntaxException | InvalidPathException | IOException | SecurityException e) {
      return null;
    }
  }

  /**
   * Where the profile shows {@code real} inside, or null: below a bind of the profile's (the last
   * one that covers it wins, as the later mount does), or in /usr, which the root mirror shows as
   * it is.
   */
  static AbsPath grantedInside(Profile p, Path real) {
    AbsPath found = null;
    for (Profile.FsEntry e : p.filesystem()) {
      if (e instanceof Profile.FsEntry.Bind b && !b.device()) {
        Path source = realOrSelf(Path.of(b.source().value()));
        if (real.startsWith(source)) {
          String rest = source.relativize(real).toString();
          found = rest.isEmpty() ? b.target() : b.target().resolve(rest);
        }
      }
    }
    if (found == null && p.root().mirror() && real.startsWith("/usr")) {
      found = AbsPath.of(real.toString());
    }
    return found;
  }

  private static Path realOrSelf(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException | SecurityException e) {
      return p;
    }
  }

  private static String spelled(String path, boolean uri) {
    if (!uri) {
      return path;
    }
    try {
      return new URI("file", "", path, null).toASCIIString();
    } catch (URISyntaxException e) {
      return "file://" + path;
    }
  }

  /**
   * The Exporter that runs hsu-portal ({@code $HSU_PORTAL} of {@code compileEnv}) on the host, on
   * the session bus of {@code env}.
   */
  public static Exporter viaProgram(Map<String, String> compileEnv, Map<String, String> env) {
    return (appId, writable, files) -> {
      AbsPath program;
      try {
        program = Portals.program(compileEnv);
      } catch (IllegalArgumentException e) {
        throw new LaunchException(e.getMessage(), e);
      }
      List<String> cmd = new ArrayList<>(List.of(program.value(), "export"));
      if (writable) {
        cmd.add("--writable");
      }
      cmd.add(appId); // the files are absolute real paths: none looks like an option
      files.forEach(f -> cmd.add(f.toString()));
      String what =
          "cannot hand "
              + (files.size() == 1 ? Quote.q(files.get(0).toString()) : files.size() + " files")
              + " to the app through the document portal";
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process proc = pb.start();
        proc.getOutputStream().close();
        byte[] stdout = proc.getInputStream().readAllBytes();
        String stderr = new String(proc.getErrorStream().readAllBytes()).strip();
        stderr = stderr.startsWith("hsu-portal: ") ? stderr.substring(12) : stderr;
        int status = proc.waitFor();
        List<String> lines =
            new String(stdout, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        if (status != 0 || lines.size() != files.size()) {
          throw new LaunchException(
              what
                  + (stderr.isEmpty()
                      ? " (hsu-portal exited with " + status + ")"
                      : ": " + stderr));
        }
        return lines;
      } catch (IOException e) {
        throw new LaunchException(what + ": cannot run " + Quote.q(program.value()), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LaunchException(what + ": interrupted", e);
      }
    };
  }
}
