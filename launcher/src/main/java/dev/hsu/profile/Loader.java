package dev.hsu.profile;

import dev.hsu.profile.Draft.Str;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads a profile file (and its bases) into a {@link Profile}, collecting every problem as a {@link
 * Diagnostic}. The language is described in docs/profiles.md.
 */
public final class Loader {
  /** The result of loading: a profile when there are no errors, and all diagnostics. */
  public record Result(Profile profile, List<Diagnostic> diagnostics) {
    public Result {
      diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() {
      return profile != null;
    }
  }

  /** How many levels of {@code extends} below the profile itself are allowed. */
  static final int MAX_EXTENDS_DEPTH = 8;

  private static final Pattern BARE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private final Profile.Host host;
  private final List<Path> baseDirs;

  /**
   * @param host the caller's facts for variables
   * @param baseDirs directories searched for bare `extends` names after the profile's own directory
   *     (normally the installed profiles/base/)
   */
  public Loader(Profile.Host host, List<Path> baseDirs) {
    this.host = host;
    this.baseDirs = List.copyOf(baseDirs);
  }

  public Result load(Path file) {
    Load load = new Load();
    Draft main;
    try {
      main = load.visit(file, new ArrayList<>());
    } catch (StackOverflowError e) {
      load.problems.error(Pos.fileOnly(file), "the profile is nested too deeply to read");
      main = null;
    }
    Problems missing = new Problems();
    Profile profile = null;
    if (main != null) {
      Draft merged = new Draft();
      for (Draft d : load.order) {
        merged.mergeFrom(d);
      }
      merged.start = main.start;
      profile = new Finisher(host, load.problems, missing).finish(file, merged);
    }
    List<Diagnostic> all = new ArrayList<>(load.problems.all());
    all.sort(
        Comparator.comparingInt((Diagnostic d) -> load.fileIndex(d.file()))
            .thenComparingInt(Diagnostic::line)
            .thenComparingInt(Diagnostic::column));
    all.addAll(missing.all());
    boolean errors = all.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    return new Result(errors ? null : profile, all);
  }

  /** The state of one load: problems, files seen, drafts in merge order. */
  private final class Load {
    final Problems problems = new Problems();
    final List<Draft> order = new ArrayList<>();
    final Set<Path> visited = new HashSet<>();
    final Map<Path, Integer> files = new HashMap<>();

    int fileIndex(Path file) {
      return files.getOrDefault(file, Integer.MAX_VALUE);
    }

    /** Reads {@code file} and, first, its bases; {@code chain} holds the files above it. */
    Draft visit(Path file, List<Path> chain) {
      files.putIfAbsent(file, files.size());
      visited.add(key(file));
      YamlInput.Parsed parsed = YamlInput.read(file, problems);
      if (parsed.root() == null) {
        return null;
      }
      Draft draft = new DraftReader(parsed.source(), problems).read(parsed.root());
      if (draft == null) {
        return null;
      }
      List<Path> here = new ArrayList<>(chain);
      here.add(file);
      for (Str entry : draft.app.extendsList) {
        Path base = resolve(file, entry);
        if (base == null) {
          continue;
        }
        Path baseKey = key(base);
        List<Path> cycle = null;
        for (int i = 0; i < here.size(); i++) {
          if (key(here.get(i)).equals(baseKey)) {
            cycle = here.subList(i, here.size());
            break;
          }
        }
        if (cycle != null) {
          problems.error(
              entry.pos(), "extends cycle: " + names(cycle) + " -> " + base.getFileName());
          continue;
        }
        if (here.size() > MAX_EXTENDS_DEPTH) {
          problems.error(
              entry.pos(),
              "extends chain is deeper than "
                  + MAX_EXTENDS_DEPTH
                  + ": "
                  + names(here)
                  + " -> "
                  + base.getFileName());
          continue;
        }
        if (visited.contains(baseKey)) {
          continue; // already merged earlier (a diamond): apply each file once
        }
        Draft b = visit(base, here);
        if (b != null) {
          order.add(b);
        }
      }
      if (chain.isEmpty()) {
        order.add(draft);
      }
      return draft;
    }

    private Path resolve(Path file, Str entry) {
      String name = entry.value();
      List<Path> candidates = new ArrayList<>();
      if (name.indexOf('\0') >= 0) {
        problems.error(entry.pos(), "an 'extends' entry must not contain a NUL character");
        return null;
      }
      if (name.contains("/") || name.endsWith(".yaml")) {
        try {
          candidates.add(file.resolveSibling(name));
        } catch (java.nio.file.InvalidPathException e) {
          problems.error(entry.pos(), "invalid base path " + Text.quote(name));
          return null;
        }
      } else if (!BARE_NAME.matcher(name).matches()) {
        problems.error(
            entry.pos(),
            "invalid base name "
                + Text.quote(name)
                + ": a bare name is letters, digits, '.', '_' and '-'; write a path with '/' or"
                + " ending in .yaml otherwise");
        return null;
      } else {
        candidates.add(file.resolveSibling(name + ".yaml"));
        for (Path d : baseDirs) {
          candidates.add(d.resolve(name + ".yaml"));
        }
      }
      for (Path c : candidates) {
        dev.hsu.cache.Consulted.kind(c);
        if (Files.isRegularFile(c)) {
          return c;
        }
      }
      problems.error(
          entry.pos(),
          "cannot find base profile "
              + Text.quote(name)
              + " (looked for "
              + candidates.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(", "))
              + ")");
      return null;
    }

    private Path key(Path p) {
      try {
        return p.toRealPath();
      } catch (IOException | SecurityException e) {
        return p.toAbsolutePath().normalize();
      }
    }

    private String names(List<Path> chain) {
      return chain.stream()
          .map(p -> p.getFileName().toString())
          .collect(Collectors.joining(" -> "));
    }
  }

  /**
   * Renders one diagnostic the way users see it: {@code file:line:col: error: message}, then the
   * source line and a caret under the column (when the line is known). Control characters from the
   * file are escaped.
   */
  public static String render(Diagnostic d) {
    StringBuilder b = new StringBuilder();
    b.append(Text.escape(String.valueOf(d.file())));
    if (d.line() > 0) {
      b.append(':').append(d.line());
      if (d.column() > 0) {
        b.append(':').append(d.column());
      }
    }
    b.append(": ")
        .append(d.severity() == Diagnostic.Severity.ERROR ? "error" : "warning")
        .append(": ")
        .append(Text.escape(d.message()));
    if (d.line() > 0 && d.sourceLine() != null) {
      String number = Integer.toString(d.line());
      int width = Math.max(5, number.length());
      String line = d.sourceLine();
      int caretAt = d.column() > 0 ? d.column() - 1 : -1;
      int cps = line.codePointCount(0, line.length());
      String prefix =
          caretAt >= 0 ? line.substring(0, line.offsetByCodePoints(0, Math.min(caretAt, cps))) : "";
      String shownPrefix = Text.escape(prefix);
      String shown = Text.escape(line);
      int caret = shownPrefix.length() + Math.max(0, caretAt - cps);
      if (shown.length() > 160) {
        int from = Math.max(0, Math.min(caret - 60, shown.length() - 120));
        int to = Math.min(shown.length(), from + 120);
        shown =
            (from > 0 ? "..." : "")
                + shown.substring(from, to)
                + (to < shown.length() ? "..." : "");
        caret = caret - from + (from > 0 ? 3 : 0);
      }
      b.append('\n')
          .append(" ".repeat(width - number.length()))
          .append(number)
          .append(" | ")
          .append(shown);
      if (caretAt >= 0) {
        b.append('\n')
            .append(" ".repeat(width))
            .append(" | ")
            .append(" ".repeat(caret))
            .append('^');
      }
    }
    return b.toString();
  }
}
