package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import dev.hsu.profile.Draft.Str;
import dev.hsu.profile.Profile.FsEntry;
import dev.hsu.profile.Profile.FsEntry.Overlay.Writes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The sandbox's filesystem: {@code home}, the auto-root ({@code root}), {@code etc} and the {@code
 * filesystem} entries (binds, tmpfs, overlays, symlinks, files, directories, remounts).
 */
final class FilesystemSection implements Section<FilesystemSection> {
  /** Each entry kind and its other keys. */
  static final Map<String, List<String>> FS_KEYS = new LinkedHashMap<>();

  static {
    FS_KEYS.put("bind", List.of("to", "writable", "device", "optional", "ensure"));
    FS_KEYS.put("tmpfs", List.of("size", "mode", "read-only"));
    FS_KEYS.put("overlay", List.of("lower", "writes", "upper", "work"));
    FS_KEYS.put("symlink", List.of("points-to", "dereference"));
    FS_KEYS.put("file", List.of("content", "mode"));
    FS_KEYS.put("mkdir", List.of("mode"));
    FS_KEYS.put("remount", List.of("read-only", "noexec", "nodev"));
  }

  /** A filesystem entry as written; {@code path} is the value of its kind key. */
  sealed interface Fs {
    Str path();
  }

  record Bind(Str path, Str to, boolean writable, boolean device, boolean optional, boolean ensure)
      implements Fs {}

  record Tmpfs(Str path, long size, int mode, boolean readOnly) implements Fs {}

  /** lower null means the default [path]; upper and work null unless given. */
  record Overlay(Str path, List<Str> lower, Writes writes, Str upper, Str work) implements Fs {}

  record Symlink(Str path, Str pointsTo, boolean dereference) implements Fs {}

  record File(Str path, Str content, int mode) implements Fs {}

  record Mkdir(Str path, int mode) implements Fs {}

  record Remount(Str path, boolean readOnly, boolean noexec, boolean nodev) implements Fs {}

  Str home;
  Boolean rootMirror;
  List<Str> rootExclude;
  Profile.Etc.Kind etcKind;
  List<Str> etcOnly;
  List<Fs> entries;

  /** Found while finishing, shown with the warnings. */
  private final List<SymlinkDuplicates.Finding> laterWarnings = new ArrayList<>();

  @Override
  public List<String> keys() {
    return List.of("home", "root", "etc", "filesystem");
  }

  @Override
  public void read(String key, Node v, YamlValues in) {
    switch (key) {
      case "home" -> home = home(v, in);
      case "root" -> {
        MappingNode m = in.mapping(v, "a mapping with 'mirror' and 'exclude'", "'root'");
        if (m != null) {
          Map<String, NodeTuple> k = in.keys(m, "'root'", List.of("mirror", "exclude"));
          if (k.containsKey("mirror")) {
            rootMirror = in.bool(k.get("mirror").getValueNode(), "'mirror'");
          }
          if (k.containsKey("exclude")) {
            rootExclude = in.names(k.get("exclude").getValueNode(), "'exclude'", "/");
          }
        }
      }
      case "etc" -> readEtc(v, in);
      case "filesystem" -> entries = entries(v, in);
      default -> throw new IllegalStateException(key);
    }
  }

  /** Whether {@code key} is an option of some kind of entry (to say it is misplaced). */
  static boolean isEntryOption(String key) {
    for (List<String> options : FS_KEYS.values()) {
      if (options.contains(key)) {
        return true;
      }
    }
    return false;
  }

  private static Str home(Node v, YamlValues in) {
    Str s = in.string(v, "'home'");
    if (s == null || s.value().equals("persistent") || s.value().equals("ephemeral")) {
      return s;
    }
    if (s.value().startsWith("/") || s.value().startsWith("${")) {
      return in.varString(v, "'home'");
    }
    String hint = Text.suggest(s.value(), List.of("persistent", "ephemeral"));
    in.error(
        s.pos(),
        "expected 'persistent', 'ephemeral' or an absolute host path for 'home', got "
            + Text.quote(s.value())
            + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
    return null;
  }

  private void readEtc(Node v, YamlValues in) {
    if (v instanceof SequenceNode) {
      List<Str> names = in.names(v, "'etc'", "/etc");
      if (names != null) {
        etcKind = Profile.Etc.Kind.ONLY;
        etcOnly = names;
      }
      return;
    }
    if (!(v instanceof ScalarNode) || !v.getTag().equals(Tag.STR)) {
      in.error(
          in.at(v),
          "expected 'mirror', 'none' or a list of names for 'etc', got " + YamlValues.kind(v));
      return;
    }
    String s = in.choice(v, "'etc'", List.of("mirror", "none"));
    if (s != null) {
      etcKind = s.equals("none") ? Profile.Etc.Kind.NONE : Profile.Etc.Kind.MIRROR;
      etcOnly = List.of();
    }
  }

  private static List<Fs> entries(Node v, YamlValues in) {
    SequenceNode seq = in.sequence(v, "a list of entries", "'filesystem'");
    if (seq == null) {
      return null;
    }
    List<Fs> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      MappingNode m = in.mapping(item, "a mapping such as '{bind: /path}'", "a filesystem entry");
      if (m != null) {
        Fs fs = entry(m, in);
        if (fs != null) {
          out.add(fs);
        }
      }
    }
    return out;
  }

  private static Fs entry(MappingNode m, YamlValues in) {
    String kind = null;
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode)) {
        continue;
      }
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      if (FS_KEYS.containsKey(key)) {
        if (kind != null) {
          in.error(
              in.at(t.getKeyNode()),
              "a filesystem entry has exactly one kind; this one has both '"
                  + kind
                  + "' and '"
                  + key
                  + "'");
          return null;
        }
        kind = key;
      }
    }
    if (kind == null) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode) {
          String key = ((ScalarNode) t.getKeyNode()).getValue();
          String hint = Text.suggest(key, FS_KEYS.keySet());
          if (hint != null) {
            in.error(
                in.at(t.getKeyNode()),
                "unknown key " + Text.quote(key) + " (did you mean '" + hint + "'?)");
            return null;
          }
        }
      }
      in.error(in.at(m), "a filesystem entry needs one kind key: " + Text.list(FS_KEYS.keySet()));
      return null;
    }
    List<String> allowed = new ArrayList<>();
    allowed.add(kind);
    allowed.addAll(FS_KEYS.get(kind));
    Map<String, NodeTuple> k =
        in.keys(m, "a " + kind + " entry", allowed, FilesystemSection::isEntryOption);
    int before = in.errors();
    Str path = in.varString(k.get(kind).getValueNode(), "'" + kind + "'");
    switch (kind) {
      case "bind":
        {
          Str to = k.containsKey("to") ? in.varString(k.get("to").getValueNode(), "'to'") : null;
          boolean writable = in.flag(k, "writable");
          boolean device = in.flag(k, "device");
          boolean optional = in.flag(k, "optional");
          boolean ensure = in.flag(k, "ensure");
          if (optional && ensure) {
            in.error(
                in.at(k.get("ensure").getKeyNode()),
                "'optional' and 'ensure' cannot both be true: 'ensure' creates a missing source,"
                    + " 'optional' skips it");
          }
          return in.errors() > before
              ? null
              : new Bind(path, to, writable, device, optional, ensure);
        }
      case "tmpfs":
        {
          long size = k.containsKey("size") ? in.size(k.get("size").getValueNode(), "'size'") : 0;
          int mode = in.mode(k, 0755);
          boolean readOnly = in.flag(k, "read-only");
          return in.errors() > before ? null : new Tmpfs(path, size, mode, readOnly);
        }
      case "overlay":
        return overlay(k, path, before, in);
      case "symlink":
        {
          Str to = null;
          if (!k.containsKey("points-to")) {
            in.error(in.at(m), "a symlink entry needs 'points-to'");
          } else {
            to = in.varString(k.get("points-to").getValueNode(), "'points-to'");
            if (to != null && to.value().isEmpty()) {
              in.error(to.pos(), "'points-to' must not be empty");
            }
          }
          boolean deref = in.flag(k, "dereference");
          return in.errors() > before ? null : new Symlink(path, to, deref);
        }
      case "file":
        {
          Str content = null;
          if (!k.containsKey("content")) {
            in.error(in.at(m), "a file entry needs 'content'");
          } else {
            content = in.stringOf(k.get("content").getValueNode(), "'content'", true, true);
          }
          int mode = in.mode(k, 0644);
          return in.errors() > before ? null : new File(path, content, mode);
        }
      case "mkdir":
        {
          int mode = in.mode(k, 0755);
          return in.errors() > before ? null : new Mkdir(path, mode);
        }
      case "remount":
        {
          boolean ro = in.flag(k, "read-only");
          boolean noexec = in.flag(k, "noexec");
          boolean nodev = in.flag(k, "nodev");
          return in.errors() > before ? null : new Remount(path, ro, noexec, nodev);
        }
      default:
        throw new IllegalStateException(kind);
    }
  }

  private static Fs overlay(Map<String, NodeTuple> k, Str path, int before, YamlValues in) {
    List<Str> lower = null;
    if (k.containsKey("lower")) {
      lower = in.strings(k.get("lower").getValueNode(), "'lower'", true);
      if (lower != null && lower.isEmpty()) {
        in.error(in.at(k.get("lower").getValueNode()), "'lower' must not be empty");
      }
    }
    Writes writes = Writes.EPHEMERAL;
    if (k.containsKey("writes")) {
      String w =
          in.choice(
              k.get("writes").getValueNode(),
              "'writes'",
              List.of("ephemeral", "persistent", "none"));
      writes = w == null ? null : Writes.valueOf(w.toUpperCase(java.util.Locale.ROOT));
    }
    Str upper = null;
    Str work = null;
    for (String key : List.of("upper", "work")) {
      if (!k.containsKey(key)) {
        continue;
      }
      NodeTuple t = k.get(key);
      if (writes != null && writes != Writes.PERSISTENT) {
        in.error(in.at(t.getKeyNode()), "'" + key + "' is only allowed with 'writes: persistent'");
        continue;
      }
      Str s = in.varString(t.getValueNode(), "'" + key + "'");
      if (key.equals("upper")) {
        upper = s;
      } else {
        work = s;
      }
    }
    if (writes == Writes.PERSISTENT && k.containsKey("upper") != k.containsKey("work")) {
      NodeTuple t = k.containsKey("upper") ? k.get("upper") : k.get("work");
      in.error(in.at(t.getKeyNode()), "'upper' and 'work' go together: give both or neither");
    }
    if (writes == Writes.NONE && (lower == null || lower.size() < 2)) {
      in.error(
          in.at(k.get("writes").getValueNode()),
          "'writes: none' needs at least two paths in 'lower'");
    }
    if (in.errors() > before || writes == null) {
      return null;
    }
    return new Overlay(path, lower, writes, upper, work);
  }

  @Override
  public void mergeFrom(FilesystemSection later) {
    home = Draft.pick(home, later.home);
    rootMirror = Draft.pick(rootMirror, later.rootMirror);
    rootExclude = Draft.concat(rootExclude, later.rootExclude);
    if (later.etcKind != null) {
      etcKind = later.etcKind;
      etcOnly = later.etcOnly;
    }
    entries = Draft.concat(entries, later.entries);
  }

  @Override
  public void finish(Finishing f, Finisher.Parts out) {
    if (home == null || home.value().equals("persistent")) {
      out.home = new Profile.Home.Persistent(f.appData().resolve("home"));
    } else if (home.value().equals("ephemeral")) {
      out.home = new Profile.Home.Ephemeral();
    } else {
      AbsPath p = f.path(home);
      out.home = p == null ? null : new Profile.Home.HostDir(p);
    }
    if (out.home instanceof Profile.Home.HostDir h) {
      Exposure.check("'home' set to", h.dir().value(), true, home.pos(), f, laterWarnings);
    }
    out.root =
        new Profile.Root(
            rootMirror == null || rootMirror,
            rootExclude == null ? List.of() : Finishing.distinct(rootExclude));
    out.etc =
        etcKind == null
            ? new Profile.Etc(Profile.Etc.Kind.MIRROR, List.of())
            : new Profile.Etc(etcKind, etcOnly == null ? List.of() : Finishing.distinct(etcOnly));
    out.filesystem = new ArrayList<>();
    Map<AbsPath, AbsPath> defaultUppers = new HashMap<>();
    if (entries != null) {
      for (Fs e : entries) {
        FsEntry entry = entry(e, f, defaultUppers);
        if (entry != null) {
          out.filesystem.add(entry);
        }
      }
      for (Fs e : entries) {
        exposure(e, f);
      }
      for (SymlinkDuplicates.Finding d :
          SymlinkDuplicates.find(entries, out.root, f, java.nio.file.Path.of("/"))) {
        if (d.error()) {
          f.error(d.pos(), d.message());
        } else {
          laterWarnings.add(d);
        }
      }
    }
  }

  /** What the host paths of one entry expose ({@link Exposure}). */
  private void exposure(Fs e, Finishing f) {
    if (e instanceof Bind b) {
      Exposure.check(
          b.writable() ? "writable bind of" : "bind of",
          f.expand(b.path()),
          b.writable(),
          b.path().pos(),
          f,
          laterWarnings);
    } else if (e instanceof Overlay o) {
      for (Str lower : o.lower() == null ? List.<Str>of() : o.lower()) {
        Exposure.check("overlay lower", f.expand(lower), false, lower.pos(), f, laterWarnings);
      }
      for (Str dir : new Str[] {o.upper(), o.work()}) {
        if (dir != null) {
          Exposure.check(
              "persistent overlay's " + (dir == o.upper() ? "upper" : "work") + " directory",
              f.expand(dir),
              true,
              dir.pos(),
              f,
              laterWarnings);
        }
      }
    }
  }

  private static FsEntry entry(Fs e, Finishing f, Map<AbsPath, AbsPath> defaultUppers) {
    AbsPath target = f.path(e.path());
    if (e instanceof Bind b) {
      AbsPath to = b.to() == null ? target : f.path(b.to());
      return target == null || to == null
          ? null
          : new FsEntry.Bind(target, to, b.writable(), b.device(), b.optional(), b.ensure());
    }
    if (target == null) {
      return null;
    }
    if (e instanceof Tmpfs t) {
      return new FsEntry.Tmpfs(target, t.size(), t.mode(), t.readOnly());
    }
    if (e instanceof Overlay o) {
      return overlay(o, target, f, defaultUppers);
    }
    if (e instanceof Symlink s) {
      if (s.dereference()) {
        AbsPath p = f.path(s.pointsTo());
        return p == null ? null : new FsEntry.Symlink(target, p.value(), true);
      }
      return new FsEntry.Symlink(target, f.expand(s.pointsTo()), false);
    }
    if (e instanceof File file) {
      return new FsEntry.File(target, f.expand(file.content()), file.mode());
    }
    if (e instanceof Mkdir d) {
      return new FsEntry.Mkdir(target, d.mode());
    }
    Remount r = (Remount) e;
    return new FsEntry.Remount(target, r.readOnly(), r.noexec(), r.nodev());
  }

  private static FsEntry overlay(
      Overlay o, AbsPath target, Finishing f, Map<AbsPath, AbsPath> defaultUppers) {
    List<AbsPath> lower = new ArrayList<>();
    if (o.lower() == null) {
      lower.add(target);
    } else {
      for (Str s : o.lower()) {
        AbsPath p = f.path(s);
        if (p == null) {
          return null;
        }
        lower.add(p);
      }
    }
    AbsPath upper = null;
    AbsPath work = null;
    if (o.writes() == Writes.PERSISTENT) {
      if (o.upper() != null) {
        upper = f.path(o.upper());
        work = f.path(o.work());
        if (upper == null || work == null) {
          return null;
        }
      } else {
        String name =
            target.value().equals("/") ? "-" : target.value().substring(1).replace('/', '-');
        AbsPath dir = f.appData().resolve("overlay/" + name);
        AbsPath other = defaultUppers.putIfAbsent(dir, target);
        if (other != null) {
          f.error(
              o.path().pos(),
              "persistent overlays on \""
                  + other
                  + "\" and \""
                  + target
                  + "\" would share the directory \""
                  + dir
                  + "\"; give one of them 'upper' and 'work'");
          return null;
        }
        upper = dir.resolve("upper");
        work = dir.resolve("work");
      }
    }
    return new FsEntry.Overlay(target, lower, o.writes(), upper, work);
  }

  @Override
  public void warnings(Finishing f, Finisher.Parts done) {
    AbsPath realHome = f.host().home();
    if (done.home instanceof Profile.Home.HostDir h && realHome.startsWith(h.dir())) {
      f.warning(
          home.pos(),
          "'home' gives the app "
              + (h.dir().equals(realHome)
                  ? "your own home directory"
                  : "a directory above your home directory")
              + " \""
              + h.dir()
              + "\" to write: it can change your shell startup files, autostart entries and hsu's"
              + " own profiles");
    }
    for (SymlinkDuplicates.Finding d : laterWarnings) {
      f.warning(d.pos(), d.message());
    }
    if (entries == null) {
      return;
    }
    for (Fs e : entries) {
      if (e instanceof Bind b && (b.writable() || b.device())) {
        String src = f.expand(b.path());
        boolean valid = AbsPath.problem(src) == null;
        if (b.writable() && valid && realHome.startsWith(AbsPath.of(src))) {
          f.warning(
              b.path().pos(),
              "writable bind of \""
                  + src
                  + "\", which holds your home directory: the app can change your shell"
                  + " startup files, autostart entries and hsu's own profiles");
        }
        if (b.device()) {
          f.warning(
              b.path().pos(),
              "device access to \"" + src + "\": the app talks to kernel drivers directly");
        }
      }
    }
  }
}
