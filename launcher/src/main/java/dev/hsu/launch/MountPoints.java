package dev.hsu.launch;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.Op;
import dev.hsu.plan.Plan;
import java.util.ArrayList;
import java.util.List;

/**
 * Host paths a launch creates before hsu-init runs the plan, because hsu-init creates nothing on a
 * host bind: the persistent overlays' upper and work directories and ensured bind sources, and the
 * mount points beneath a home that is a host directory. Each is created without following symlinks:
 * these directories are app-writable.
 */
public final class MountPoints {
  private MountPoints() {}

  /** A mount point to create on the host, in the host directory mounted as the home. */
  record HomeMountPoint(AbsPath base, AbsPath path, boolean file) {}

  /**
   * Host directories that must exist before hsu-init runs and that hsu-init does not create itself:
   * the upper and work directories of persistent overlays, and the sources of ensured binds.
   */
  static List<AbsPath> hostDirsToCreate(Plan plan) {
    List<AbsPath> dirs = new ArrayList<>();
    for (Op op : plan.ops()) {
      if (op instanceof Op.Overlay o && o.writes() == Op.Overlay.Writes.PERSISTENT) {
        dirs.add(o.upper());
        dirs.add(o.work());
      } else if (op instanceof Op.Bind b && b.ensure()) {
        dirs.add(b.source());
      }
    }
    return dirs;
  }

  /**
   * A mount point beneath the home before the host is asked: {@code source} is a bind's source
   * (file or directory as the host says; skipped when {@code optional} and missing), null for a
   * file ({@code file}) or directory the plan makes itself.
   */
  public record Candidate(
      AbsPath base, AbsPath path, AbsPath source, boolean file, boolean optional) {}

  /**
   * Mount points of the ops that mount something beneath {@code home} while the home is a host
   * directory (the persistent per-app home, or an explicit one). Asks the host to tell file binds
   * from directory binds, as hsu-init's early phase does; skips optional binds whose source is
   * missing.
   */
  static List<HomeMountPoint> homeMountPoints(Plan plan, AbsPath home, LaunchHost host) {
    List<HomeMountPoint> points = new ArrayList<>();
    for (Candidate c : candidates(plan, home)) {
      boolean file = c.file();
      if (c.source() != null) {
        LaunchHost.Kind kind = host.kind(c.source());
        if (c.optional() && kind == LaunchHost.Kind.MISSING) {
          continue;
        }
        file = kind == LaunchHost.Kind.FILE;
      }
      points.add(new HomeMountPoint(c.base(), c.path(), file));
    }
    return points;
  }

  /** The candidates of {@link #homeMountPoints}, in plan order. */
  static List<Candidate> candidates(Plan plan, AbsPath home) {
    List<Candidate> points = new ArrayList<>();
    AbsPath base = null;
    for (Op op : plan.ops()) {
      if (op instanceof Op.Bind b && b.target().equals(home)) {
        base = b.writable() ? b.source() : null;
        continue;
      }
      AbsPath target;
      AbsPath source = null;
      boolean file = false;
      boolean optional = false;
      if (op instanceof Op.Bind b) {
        target = b.target();
        source = b.source();
        optional = b.optional();
      } else if (op instanceof Op.Place p) {
        target = p.target();
        file = true;
      } else if (op instanceof Op.Tmpfs t) {
        target = t.target();
      } else if (op instanceof Op.Overlay o) {
        target = o.target();
      } else {
        continue;
      }
      if (base != null && target.startsWith(home) && !target.equals(home)) {
        String rel =
            target.value().substring(home.value().equals("/") ? 1 : home.value().length() + 1);
        points.add(new Candidate(base, base.resolve(rel), source, file, optional));
      }
    }
    return points;
  }
}
