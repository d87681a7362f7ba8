package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import dev.hsu.profile.Draft.Str;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** {@code landlock}: whether it is required, its scopes, filesystem rules and TCP ports. */
final class LandlockSection implements Section<LandlockSection> {
  static final List<String> LANDLOCK_KEYS =
      List.of("required", "scopes", "filesystem", "rules", "network");
  static final List<String> ACCESS = List.of("read", "write", "execute");

  /** An extra Landlock rule; {@code path} is not yet expanded. */
  record Rule(Str path, Set<Profile.Landlock.Access> access) {}

  Boolean required;
  Pos requiredPos;
  Boolean scopeAbstractUnix;
  Boolean scopeSignal;

  /** {@code auto} or {@code none}, with its position. */
  Str filesystem;

  List<Rule> rules;

  /** Where the latest {@code landlock.network} was given; null when none was. */
  Pos networkPos;

  List<Integer> bind;
  List<Integer> connect;

  @Override
  public List<String> keys() {
    return List.of("landlock");
  }

  @Override
  public void read(String key, Node v, YamlValues in) {
    MappingNode m =
        in.mapping(
            v,
            "a mapping with 'required', 'scopes', 'filesystem', 'rules' and 'network'",
            "'landlock'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = in.keys(m, "'landlock'", LANDLOCK_KEYS);
    if (k.containsKey("required")) {
      Node n = k.get("required").getValueNode();
      required = in.bool(n, "'required'");
      requiredPos = in.at(n);
    }
    if (k.containsKey("scopes")) {
      MappingNode s =
          in.mapping(
              k.get("scopes").getValueNode(),
              "a mapping with 'abstract-unix' and 'signal'",
              "'scopes'");
      if (s != null) {
        Map<String, NodeTuple> sk = in.keys(s, "'scopes'", List.of("abstract-unix", "signal"));
        if (sk.containsKey("abstract-unix")) {
          scopeAbstractUnix = in.bool(sk.get("abstract-unix").getValueNode(), "'abstract-unix'");
        }
        if (sk.containsKey("signal")) {
          scopeSignal = in.bool(sk.get("signal").getValueNode(), "'signal'");
        }
      }
    }
    if (k.containsKey("filesystem")) {
      Node n = k.get("filesystem").getValueNode();
      String c = in.choice(n, "landlock 'filesystem'", List.of("auto", "none"));
      if (c != null) {
        filesystem = new Str(c, in.at(n));
      }
    }
    if (k.containsKey("rules")) {
      rules = rules(k.get("rules").getValueNode(), in);
    }
    if (k.containsKey("network")) {
      NodeTuple t = k.get("network");
      MappingNode n =
          in.mapping(t.getValueNode(), "a mapping with 'bind' and 'connect'", "landlock 'network'");
      if (n != null) {
        Map<String, NodeTuple> nk = in.keys(n, "landlock 'network'", List.of("bind", "connect"));
        List<Integer> b =
            nk.containsKey("bind") ? ports(nk.get("bind").getValueNode(), "'bind'", in) : List.of();
        List<Integer> c =
            nk.containsKey("connect")
                ? ports(nk.get("connect").getValueNode(), "'connect'", in)
                : List.of();
        if (b != null && c != null) {
          networkPos = in.at(t.getKeyNode());
          bind = b;
          connect = c;
        }
      }
    }
  }

  private static List<Rule> rules(Node v, YamlValues in) {
    SequenceNode seq =
        in.sequence(v, "a list of mappings with 'path' and 'access'", "landlock 'rules'");
    if (seq == null) {
      return null;
    }
    List<Rule> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      MappingNode m = in.mapping(item, "a mapping with 'path' and 'access'", "a landlock rule");
      if (m == null) {
        ok = false;
        continue;
      }
      Map<String, NodeTuple> k = in.keys(m, "a landlock rule", List.of("path", "access"));
      Str path = null;
      if (!k.containsKey("path")) {
        in.error(in.at(m), "a landlock rule needs 'path'");
      } else {
        path = in.varString(k.get("path").getValueNode(), "'path'");
      }
      EnumSet<Profile.Landlock.Access> access = null;
      if (!k.containsKey("access")) {
        in.error(in.at(m), "a landlock rule needs 'access' (a list of read, write, execute)");
      } else {
        Node a = k.get("access").getValueNode();
        List<Str> words = in.choices(a, "'access'", "'access'", ACCESS);
        if (words != null && words.isEmpty()) {
          in.error(in.at(a), "'access' must not be empty; give read, write or execute");
        } else if (words != null) {
          access = EnumSet.noneOf(Profile.Landlock.Access.class);
          for (Str w : words) {
            access.add(
                Profile.Landlock.Access.valueOf(w.value().toUpperCase(java.util.Locale.ROOT)));
          }
        }
      }
      if (path == null || access == null) {
        ok = false;
      } else {
        out.add(new Rule(path, access));
      }
    }
    return ok ? out : null;
  }

  private static List<Integer> ports(Node v, String what, YamlValues in) {
    SequenceNode seq = in.sequence(v, "a list of TCP port numbers", what);
    if (seq == null) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      Integer port = in.integer(item, "a TCP port in " + what, 0, 65535);
      if (port == null) {
        ok = false;
      } else {
        out.add(port);
      }
    }
    return ok ? out : null;
  }

  @Override
  public void mergeFrom(LandlockSection later) {
    if (later.required != null) {
      required = later.required;
      requiredPos = later.requiredPos;
    }
    scopeAbstractUnix = Draft.pick(scopeAbstractUnix, later.scopeAbstractUnix);
    scopeSignal = Draft.pick(scopeSignal, later.scopeSignal);
    filesystem = Draft.pick(filesystem, later.filesystem);
    rules = Draft.concat(rules, later.rules);
    if (later.networkPos != null) {
      networkPos = later.networkPos;
      bind = Draft.concat(bind, later.bind);
      connect = Draft.concat(connect, later.connect);
    }
  }

  @Override
  public void finish(Finishing f, Finisher.Parts out) {
    boolean auto = filesystem == null || filesystem.value().equals("auto");
    List<Profile.Landlock.Rule> finished = new ArrayList<>();
    if (rules != null) {
      if (!auto && !rules.isEmpty()) {
        f.error(
            filesystem.pos(),
            "landlock 'filesystem: none' leaves the filesystem to the mounts alone, so the"
                + " landlock 'rules' (the first at "
                + where(rules.get(0).path().pos())
                + ") would do nothing; remove them or use 'filesystem: auto'");
      }
      for (Rule r : rules) {
        AbsPath p = f.path(r.path());
        if (p != null) {
          finished.add(new Profile.Landlock.Rule(p, r.access()));
        }
      }
    }
    Profile.Landlock.Network net = null;
    if (networkPos != null) {
      net =
          new Profile.Landlock.Network(
              new ArrayList<>(new LinkedHashSet<>(bind)),
              new ArrayList<>(new LinkedHashSet<>(connect)));
    }
    out.landlock =
        new Profile.Landlock(
            required == null || required,
            scopeAbstractUnix == null || scopeAbstractUnix,
            scopeSignal == null || scopeSignal,
            auto,
            finished,
            net);
  }

  /** {@code file.yaml:12}, for a message that points at a second place. */
  private static String where(Pos p) {
    return p.file().getFileName() + ":" + p.line();
  }

  @Override
  public void warnings(Finishing f, Finisher.Parts done) {
    if (required != null && !required) {
      f.warning(
          requiredPos,
          "landlock 'required: false': on a kernel without (all of) Landlock the app runs with"
              + " less protection, after a one-line warning");
    }
    if (filesystem != null && filesystem.value().equals("none")) {
      f.warning(
          filesystem.pos(),
          "landlock 'filesystem: none': Landlock does not restrict the filesystem, only the mounts"
              + " do");
    }
  }
}
