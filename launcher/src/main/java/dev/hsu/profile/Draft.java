package dev.hsu.profile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One profile file (or the merge of several) as written: typed and checked, not yet expanded, held
 * by one instance of each {@link Section}. A null field of a section was not given.
 */
final class Draft {
  /** A string from the file and where it was written. */
  record Str(String value, Pos pos) {}

  /** Where the document's top-level mapping starts (for "missing key" diagnostics). */
  Pos start;

  /** Top-level keys present in the file, even when their value was invalid. */
  final Set<String> given = new HashSet<>();

  final AppSection app = new AppSection();
  final ProcessSection process = new ProcessSection();
  final FilesystemSection filesystem = new FilesystemSection();
  final GrantsSection grants = new GrantsSection();
  final DbusSection dbus = new DbusSection();
  final SeccompSection seccomp = new SeccompSection();
  final LandlockSection landlock = new LandlockSection();
  final MenusSection menus = new MenusSection();

  /** Every section, in the order they finish and warn. */
  List<Section<?>> sections() {
    return List.of(app, process, filesystem, grants, dbus, seccomp, landlock, menus);
  }

  /** Applies {@code later} on top of this draft, as documented under "Merging". */
  void mergeFrom(Draft later) {
    given.addAll(later.given);
    app.mergeFrom(later.app);
    process.mergeFrom(later.process);
    filesystem.mergeFrom(later.filesystem);
    grants.mergeFrom(later.grants);
    dbus.mergeFrom(later.dbus);
    seccomp.mergeFrom(later.seccomp);
    landlock.mergeFrom(later.landlock);
    menus.mergeFrom(later.menus);
  }

  /** For merges: a later value replaces an earlier one. */
  static <T> T pick(T earlier, T later) {
    return later != null ? later : earlier;
  }

  /** For merges: later items come after earlier ones. */
  static <T> List<T> concat(List<T> earlier, List<T> later) {
    if (later == null) {
      return earlier;
    }
    List<T> all = new ArrayList<>(earlier == null ? List.of() : earlier);
    all.addAll(later);
    return all;
  }
}
