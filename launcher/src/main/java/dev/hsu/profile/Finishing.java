package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import dev.hsu.profile.Draft.Str;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What every section needs to finish a merged draft: the host, the app id, variables, problems. */
final class Finishing {
  private final Profile.Host host;
  private final String id;
  private final Map<String, String> vars;
  private final Problems problems;

  Finishing(Profile.Host host, String id, Problems problems) {
    this.host = host;
    this.id = id;
    this.vars = Vars.values(host, id);
    this.problems = problems;
  }

  Profile.Host host() {
    return host;
  }

  /** The app id, or a placeholder when it is missing or invalid (the profile fails then). */
  String id() {
    return id;
  }

  /** ${APP_DATA}: the app's data directory on the host. */
  AbsPath appData() {
    return AbsPath.of(Vars.appData(host, id));
  }

  void error(Pos pos, String message) {
    problems.error(pos, message);
  }

  void warning(Pos pos, String message) {
    problems.warning(pos, message);
  }

  String expand(Str s) {
    return Vars.expand(s.value(), vars);
  }

  /** {@code s} expanded as an absolute path, or null after reporting why it is not one. */
  AbsPath path(Str s) {
    String value = expand(s);
    String problem = AbsPath.problem(value);
    if (problem != null) {
      problems.error(
          s.pos(),
          problem
              + (value.equals(s.value()) ? "" : " (after expanding \"" + s.value() + "\")")
              + (value.startsWith("/") ? "" : "; an absolute path is needed here"));
      return null;
    }
    return AbsPath.of(value);
  }

  /** The values in order, each once. */
  static List<String> distinct(List<Str> items) {
    Set<String> out = new LinkedHashSet<>();
    for (Str s : items) {
      out.add(s.value());
    }
    return new ArrayList<>(out);
  }
}
