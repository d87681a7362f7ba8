package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import dev.hsu.profile.Draft.Str;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * What runs inside and as whom: {@code command}, {@code cwd}, {@code env}, {@code hostname}, {@code
 * ids}, {@code daemons}, {@code wait-delay} and {@code die-with-parent}.
 */
final class ProcessSection implements Section<ProcessSection> {
  static final Pattern HOSTNAME =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final int MAX_HOSTNAME = 64;
  static final List<String> DEFAULT_PASS =
      List.of("TERM", "COLORTERM", "LANG", "LANGUAGE", "LC_ALL", "TZ");
  static final String DEFAULT_HOSTNAME = "hsu";
  static final Duration DEFAULT_WAIT_DELAY = Duration.ofSeconds(2);

  record Daemon(Str program, List<Str> args, Str readyPath, Duration timeout) {}

  List<Str> command;
  Str cwd;
  Map<String, Str> envSet;
  List<Str> envPass;
  Str hostname;
  boolean idsGiven;
  Integer uid;
  Integer gid;
  List<Daemon> daemons;
  Duration waitDelay;
  Boolean dieWithParent;

  @Override
  public List<String> keys() {
    return List.of(
        "command", "cwd", "env", "hostname", "ids", "daemons", "wait-delay", "die-with-parent");
  }

  @Override
  public void read(String key, Node v, YamlValues in) {
    switch (key) {
      case "command" -> command = command(v, in);
      case "cwd" -> cwd = in.varString(v, "'cwd'");
      case "env" -> readEnv(v, in);
      case "hostname" ->
          hostname = in.checked(in.string(v, "'hostname'"), ProcessSection::hostnameProblem);
      case "ids" -> {
        MappingNode m = in.mapping(v, "a mapping with 'uid' and 'gid'", "'ids'");
        if (m != null) {
          idsGiven = true;
          Map<String, NodeTuple> k = in.keys(m, "'ids'", List.of("uid", "gid"));
          if (k.containsKey("uid")) {
            uid = in.integer(k.get("uid").getValueNode(), "'uid'", 0, 65534);
          }
          if (k.containsKey("gid")) {
            gid = in.integer(k.get("gid").getValueNode(), "'gid'", 0, 65534);
          }
        }
      }
      case "daemons" -> daemons = daemons(v, in);
      case "wait-delay" -> waitDelay = in.duration(v, "'wait-delay'");
      case "die-with-parent" -> dieWithParent = in.bool(v, "'die-with-parent'");
      default -> throw new IllegalStateException(key);
    }
  }

  private static List<Str> command(Node v, YamlValues in) {
    if (v instanceof ScalarNode && v.getTag().equals(Tag.STR)) {
      String s = ((ScalarNode) v).getValue().strip();
      String hint = s.isEmpty() ? "[app]" : "[" + String.join(", ", s.split("\\s+")) + "]";
      in.error(
          in.at(v),
          "expected a list of strings for 'command', got a string (write it as a list: command: "
              + hint
              + ")");
      return null;
    }
    List<Str> list = in.strings(v, "'command'", true);
    if (list == null) {
      return null;
    }
    if (list.isEmpty()) {
      in.error(in.at(v), "'command' is empty; it needs at least the program to run");
      return null;
    }
    if (list.get(0).value().isEmpty()) {
      in.error(list.get(0).pos(), "the program in 'command' must not be empty");
      return null;
    }
    return list;
  }

  private void readEnv(Node v, YamlValues in) {
    MappingNode m = in.mapping(v, "a mapping with 'set' and 'pass'", "'env'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = in.keys(m, "'env'", List.of("set", "pass"));
    if (k.containsKey("set")) {
      MappingNode set =
          in.mapping(k.get("set").getValueNode(), "a mapping of names to strings", "'set'");
      if (set != null) {
        envSet = new LinkedHashMap<>();
        for (NodeTuple t : set.getValue()) {
          if (!(t.getKeyNode() instanceof ScalarNode)) {
            continue;
          }
          String name = ((ScalarNode) t.getKeyNode()).getValue();
          if (!ENV_NAME.matcher(name).matches()) {
            in.error(
                in.at(t.getKeyNode()), "invalid environment variable name " + Text.quote(name));
            continue;
          }
          Str value = in.varString(t.getValueNode(), Text.quote(name));
          if (value != null && !envSet.containsKey(name)) {
            envSet.put(name, value);
          }
        }
      }
    }
    if (k.containsKey("pass")) {
      List<Str> names = in.strings(k.get("pass").getValueNode(), "'pass'", false);
      if (names != null) {
        envPass = new ArrayList<>();
        for (Str s : names) {
          if (!ENV_NAME.matcher(s.value()).matches()) {
            in.error(s.pos(), "invalid environment variable name " + Text.quote(s.value()));
          } else {
            envPass.add(s);
          }
        }
      }
    }
  }

  private static String hostnameProblem(String h) {
    if (h.length() > MAX_HOSTNAME) {
      return "the hostname is longer than " + MAX_HOSTNAME + " characters";
    }
    if (!HOSTNAME.matcher(h).matches()) {
      return "invalid hostname "
          + Text.quote(h)
          + ": expected labels of letters, digits and '-' separated by '.', each at most 63"
          + " characters and not starting or ending with '-'";
    }
    return null;
  }

  private static List<Daemon> daemons(Node v, YamlValues in) {
    SequenceNode seq = in.sequence(v, "a list of mappings", "'daemons'");
    if (seq == null) {
      return null;
    }
    List<Daemon> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      MappingNode m = in.mapping(item, "a mapping with 'program' and 'ready-path'", "a daemon");
      if (m == null) {
        continue;
      }
      Map<String, NodeTuple> k =
          in.keys(m, "a daemon", List.of("program", "args", "ready-path", "timeout"));
      boolean ok = true;
      Str program = null;
      Str ready = null;
      if (!k.containsKey("program")) {
        in.error(in.at(m), "a daemon needs 'program'");
        ok = false;
      } else {
        program = in.varString(k.get("program").getValueNode(), "'program'");
        ok &= program != null;
      }
      if (!k.containsKey("ready-path")) {
        in.error(in.at(m), "a daemon needs 'ready-path'");
        ok = false;
      } else {
        ready = in.varString(k.get("ready-path").getValueNode(), "'ready-path'");
        ok &= ready != null;
      }
      List<Str> args = List.of();
      if (k.containsKey("args")) {
        args = in.strings(k.get("args").getValueNode(), "'args'", true);
        ok &= args != null;
      }
      Duration timeout = Duration.ofSeconds(5);
      if (k.containsKey("timeout")) {
        timeout = in.duration(k.get("timeout").getValueNode(), "'timeout'");
        ok &= timeout != null;
      }
      if (ok) {
        out.add(new Daemon(program, args, ready, timeout));
      }
    }
    return out;
  }

  @Override
  public void mergeFrom(ProcessSection later) {
    command = Draft.pick(command, later.command);
    cwd = Draft.pick(cwd, later.cwd);
    if (later.envSet != null) {
      if (envSet == null) {
        envSet = new LinkedHashMap<>();
      }
      envSet.putAll(later.envSet);
    }
    envPass = Draft.concat(envPass, later.envPass);
    hostname = Draft.pick(hostname, later.hostname);
    if (later.idsGiven) {
      idsGiven = true;
      uid = later.uid;
      gid = later.gid;
    }
    daemons = Draft.concat(daemons, later.daemons);
    waitDelay = Draft.pick(waitDelay, later.waitDelay);
    dieWithParent = Draft.pick(dieWithParent, later.dieWithParent);
  }

  @Override
  public void finish(Finishing f, Finisher.Parts out) {
    Profile.Host host = f.host();
    out.command = new ArrayList<>();
    if (command != null) {
      for (Str s : command) {
        out.command.add(f.expand(s));
      }
    }
    out.cwd = cwd == null ? host.home() : f.path(cwd);

    Map<String, String> set = Profile.Env.always(host);
    if (envSet != null) {
      envSet.forEach((k, v) -> set.put(k, f.expand(v)));
    }
    List<String> pass = envPass == null ? DEFAULT_PASS : Finishing.distinct(envPass);
    out.env = new Profile.Env(set, pass);
    out.hostname = hostname == null ? DEFAULT_HOSTNAME : hostname.value();
    out.ids = new Profile.Ids(uid == null ? host.uid() : uid, gid == null ? host.gid() : gid);

    out.daemons = new ArrayList<>();
    if (daemons != null) {
      for (Daemon dm : daemons) {
        AbsPath program = f.path(dm.program());
        AbsPath ready = f.path(dm.readyPath());
        List<String> args = new ArrayList<>();
        for (Str a : dm.args()) {
          args.add(f.expand(a));
        }
        if (program != null && ready != null) {
          out.daemons.add(new Profile.Daemon(program, args, ready, dm.timeout()));
        }
      }
    }
    out.waitDelay = waitDelay == null ? DEFAULT_WAIT_DELAY : waitDelay;
    out.dieWithParent = dieWithParent != null && dieWithParent;
  }

  @Override
  public void warnings(Finishing f, Finisher.Parts done) {}
}
