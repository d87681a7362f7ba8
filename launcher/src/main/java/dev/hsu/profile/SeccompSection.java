package dev.hsu.profile;

import dev.hsu.plan.Errno;
import dev.hsu.plan.SocketFamily;
import dev.hsu.profile.Draft.Str;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** {@code seccomp}: the syscall filter's presets, what they relax, extra denials and families. */
final class SeccompSection implements Section<SeccompSection> {
  static final List<String> SECCOMP_KEYS = List.of("presets", "relax", "deny", "socket-families");
  static final List<String> PRESETS = List.of("common", "ext", "deny-ns", "deny-tty", "deny-devel");
  static final List<String> RELAX = List.of("allow-ptrace", "allow-userns", "tty", "multiarch");
  static final Pattern SYSCALL = Pattern.compile("[a-z0-9_]{1,64}");

  static final Map<String, String> RELAX_RISK =
      Map.of(
          "allow-ptrace",
          "lets the app ptrace the processes of its sandbox (read and change their memory)",
          "allow-userns",
          "lets the app create namespaces (unshare, clone, setns, chroot): a large kernel attack"
              + " surface",
          "tty",
          "keeps the terminal's session: the app shares your terminal's job control (TIOCSTI"
              + " stays denied)",
          "multiarch",
          "allows the x32 and i386 syscall ABIs, which syscall filters easily miss");

  /** A syscall to deny; {@code errno} is a number. */
  record Deny(Str syscall, int errno) {}

  /** Each preset as written; a given list replaces an earlier one. */
  List<Str> presets;

  /** Where the {@code presets} list starts. */
  Pos presetsPos;

  List<Str> relax;
  List<Deny> deny;

  /** Family names as written, already checked. */
  List<Str> families;

  @Override
  public List<String> keys() {
    return List.of("seccomp");
  }

  @Override
  public void read(String key, Node v, YamlValues in) {
    MappingNode m =
        in.mapping(
            v, "a mapping with 'presets', 'relax', 'deny' and 'socket-families'", "'seccomp'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = in.keys(m, "'seccomp'", SECCOMP_KEYS);
    if (k.containsKey("presets")) {
      Node n = k.get("presets").getValueNode();
      List<Str> list = in.choices(n, "'presets'", "a seccomp preset", PRESETS);
      if (list != null) {
        presets = list;
        presetsPos = in.at(n);
      }
    }
    if (k.containsKey("relax")) {
      relax = in.choices(k.get("relax").getValueNode(), "'relax'", "'relax'", RELAX);
    }
    if (k.containsKey("deny")) {
      deny = denyList(k.get("deny").getValueNode(), in);
    }
    if (k.containsKey("socket-families")) {
      families = families(k.get("socket-families").getValueNode(), in);
    }
  }

  private static List<Deny> denyList(Node v, YamlValues in) {
    SequenceNode seq = in.sequence(v, "a list of syscall names", "'deny'");
    if (seq == null) {
      return null;
    }
    List<Deny> out = new ArrayList<>();
    Map<String, Pos> seen = new HashMap<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      Str name = null;
      int errno = Errno.EPERM;
      if (item instanceof MappingNode) {
        // An option of a filesystem entry here gets "not valid in a 'deny' entry", as before.
        Map<String, NodeTuple> k =
            in.keys(
                (MappingNode) item,
                "a 'deny' entry",
                List.of("syscall", "errno"),
                FilesystemSection::isEntryOption);
        if (!k.containsKey("syscall")) {
          in.error(in.at(item), "a 'deny' entry needs 'syscall'");
        } else {
          name = syscall(k.get("syscall").getValueNode(), in);
        }
        if (k.containsKey("errno")) {
          errno = errno(k.get("errno").getValueNode(), in);
        }
      } else if (YamlValues.isString(item)) {
        name = syscall(item, in);
      } else {
        in.error(
            in.at(item),
            "expected a syscall name or a mapping with 'syscall' and 'errno' in 'deny', got "
                + YamlValues.kind(item));
      }
      if (name == null || errno < 0) {
        ok = false;
        continue;
      }
      Pos first = seen.putIfAbsent(name.value(), name.pos());
      if (first != null) {
        in.error(
            name.pos(),
            "syscall "
                + Text.quote(name.value())
                + " is already in 'deny' (line "
                + first.line()
                + ")");
        ok = false;
        continue;
      }
      out.add(new Deny(name, errno));
    }
    return ok ? out : null;
  }

  private static Str syscall(Node v, YamlValues in) {
    Str s = in.string(v, "a syscall name");
    if (s == null) {
      return null;
    }
    if (!SYSCALL.matcher(s.value()).matches()) {
      in.error(
          s.pos(),
          "invalid syscall name "
              + Text.quote(s.value())
              + ": expected 1 to 64 lower-case letters, digits and '_', like 'io_uring_setup'");
      return null;
    }
    if (!Syscalls.NAMES.contains(s.value())) {
      String hint = Text.suggest(s.value(), Syscalls.LIST);
      in.warning(
          s.pos(),
          "unknown syscall "
              + Text.quote(s.value())
              + (hint == null ? "" : " (did you mean '" + hint + "'?)")
              + "; hsu-init refuses the profile if libseccomp does not know it either");
    }
    return s;
  }

  /** The errno number of an E... name, or -1 after reporting a problem. */
  private static int errno(Node v, YamlValues in) {
    if (!YamlValues.isString(v)) {
      in.error(
          in.at(v), "expected an errno name like EPERM for 'errno', got " + YamlValues.kind(v));
      return -1;
    }
    Str s = in.string(v, "'errno'");
    int n = Errno.number(s.value());
    if (n < 0) {
      String hint = Text.suggest(s.value(), Errno.BY_NAME.keySet());
      in.error(
          s.pos(),
          "unknown errno name "
              + Text.quote(s.value())
              + (hint == null
                  ? "; expected a name like EPERM, EACCES or ENOSYS"
                  : " (did you mean '" + hint + "'?)"));
      return -1;
    }
    return n;
  }

  private static List<Str> families(Node v, YamlValues in) {
    List<Str> list = in.strings(v, "'socket-families'", false);
    if (list == null) {
      return null;
    }
    boolean ok = true;
    for (Str s : list) {
      if (SocketFamily.EXTRA.containsKey(s.value())) {
        continue;
      }
      ok = false;
      int n = SocketFamily.number(s.value());
      if (n > 0) {
        in.error(
            s.pos(),
            "socket family "
                + Text.quote(s.value())
                + " is always allowed; list only the families to add");
      } else {
        String hint = Text.suggest(s.value(), SocketFamily.EXTRA.keySet());
        in.error(
            s.pos(),
            "unknown socket family "
                + Text.quote(s.value())
                + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                + "; expected one of: "
                + Text.list(SocketFamily.EXTRA.keySet()));
      }
    }
    return ok ? list : null;
  }

  @Override
  public void mergeFrom(SeccompSection later) {
    if (later.presets != null) {
      presets = later.presets;
      presetsPos = later.presetsPos;
    }
    relax = Draft.concat(relax, later.relax);
    deny = Draft.concat(deny, later.deny);
    families = Draft.concat(families, later.families);
  }

  @Override
  public void finish(Finishing f, Finisher.Parts out) {
    Set<Profile.Seccomp.Preset> on = EnumSet.allOf(Profile.Seccomp.Preset.class);
    if (presets != null) {
      on = EnumSet.noneOf(Profile.Seccomp.Preset.class);
      for (Str s : presets) {
        on.add(Profile.Seccomp.Preset.valueOf(constant(s.value())));
      }
    }
    Set<Profile.Seccomp.Relax> relaxed = EnumSet.noneOf(Profile.Seccomp.Relax.class);
    if (relax != null) {
      for (Str s : relax) {
        relaxed.add(Profile.Seccomp.Relax.valueOf(constant(s.value())));
      }
    }
    // A later file may deny the same syscall again with another errno: the later one wins.
    Map<String, Integer> denied = new LinkedHashMap<>();
    if (deny != null) {
      for (Deny x : deny) {
        denied.put(x.syscall().value(), x.errno());
      }
    }
    List<Profile.Seccomp.Deny> denyList = new ArrayList<>();
    denied.forEach((name, errno) -> denyList.add(new Profile.Seccomp.Deny(name, errno)));
    Set<Integer> numbers = new LinkedHashSet<>();
    if (families != null) {
      for (Str s : families) {
        numbers.add(SocketFamily.number(s.value()));
      }
    }
    out.seccomp = new Profile.Seccomp(on, relaxed, denyList, new ArrayList<>(numbers));
  }

  /** {@code deny-ns} -> {@code DENY_NS}. */
  private static String constant(String name) {
    return name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  @Override
  public void warnings(Finishing f, Finisher.Parts done) {
    if (relax != null) {
      Set<String> seen = new HashSet<>();
      for (Str r : relax) {
        if (seen.add(r.value())) {
          f.warning(
              r.pos(), "seccomp relax " + Text.quote(r.value()) + " " + RELAX_RISK.get(r.value()));
        }
      }
    }
    if (presets != null) {
      List<String> left = new ArrayList<>();
      for (Profile.Seccomp.Preset p : Profile.Seccomp.Preset.values()) {
        String name = p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (presets.stream().noneMatch(s -> s.value().equals(name))) {
          left.add(name);
        }
      }
      if (!left.isEmpty()) {
        f.warning(
            presetsPos,
            "seccomp 'presets' leaves out "
                + (left.size() == 1 ? "the default preset " : "the default presets ")
                + Text.list(left)
                + ": the syscall filter is weaker than the default");
      }
    }
  }
}
