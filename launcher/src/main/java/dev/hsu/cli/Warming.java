package dev.hsu.cli;

import dev.hsu.base.AbsPath;
import dev.hsu.cache.Consulted;
import dev.hsu.cache.PlanCache;
import dev.hsu.cache.RecordingEnv;
import dev.hsu.compile.CompileException;
import dev.hsu.compile.Compiler;
import dev.hsu.launch.Launch;
import dev.hsu.launch.MountPoints;
import dev.hsu.plan.PlanWriter;
import dev.hsu.profile.Profile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fills the plan cache for {@code hsu launch ARG}: compiles the profile while {@link Consulted}
 * records what the compile read, and stores the plan with those facts and with what the launch does
 * around it, for the C front (init-c/src/front.c) to run without a JVM while the facts hold.
 */
final class Warming {
  /** The system property naming the C front (set by the hsu script); no front, no cache. */
  static final String FRONT = "hsu.front";

  /**
   * The system property the C front sets on a miss: the fd of a memfd that gets the entry of this
   * compile (docs/plan-cache.md, "A miss"). The front then runs it as it runs a hit.
   */
  static final String ENTRY_FD = "hsu.entry-fd";

  private Warming() {}

  /**
   * What warming did: the compile it made (null when the profile did not compile; a launch may run
   * it, it is the plan of a fresh instance), the entry of that compile (null when none could be
   * made) and why no entry was written to the cache (null when one was).
   */
  record Warmed(Compilation compiled, byte[] entry, String why) {}

  /** Writes the entry; returns null, or why there is none. */
  static String warm(Context ctx, String arg) {
    return warmed(ctx, arg).why();
  }

  /** Writes the entry from one compile, which it returns for a launch to run. */
  static Warmed warmed(Context ctx, String arg) {
    String front = System.getProperty(FRONT);
    if (front == null || front.isEmpty()) {
      return new Warmed(null, null, "hsu runs without its C front (-D" + FRONT + ")");
    }
    Compilation[] compiled = new Compilation[1];
    byte[] entry = null;
    try {
      Built b = entry(ctx, arg, Path.of(front), compiled);
      entry = b.entry();
      Path dir = PlanCache.dir(ctx.env());
      if (b.uncacheable() != null || dir == null) {
        return new Warmed(
            compiled[0],
            entry,
            b.uncacheable() != null ? b.uncacheable() : "HOME is not an absolute path");
      }
      PlanCache.write(dir, PlanCache.name(ctx.ids().uid(), arg), entry, ctx.ids().uid());
      return new Warmed(compiled[0], entry, null);
    } catch (HsuException | CompileException | IOException | RuntimeException e) {
      return new Warmed(compiled[0], entry, String.valueOf(e.getMessage()));
    }
  }

  /**
   * A miss of the C front: fills the cache as {@link #warmed} does and hands the entry to the front
   * through {@code fd}; the front runs the launch. Returns 0; a profile that does not compile is
   * compiled again with its diagnostics on stderr, and fails as a launch fails.
   */
  static int emit(Context ctx, String arg, String fd, Errors errors) throws Exception {
    if (!fd.matches("[0-9]{1,9}")) {
      throw new HsuException(HsuException.Kind.FAILURE, "internal error: -D" + ENTRY_FD + "=" + fd);
    }
    Warmed w = warmed(ctx, arg);
    if (w.why() != null && ctx.debug()) {
      errors.err().println("hsu: debug: no plan cache entry: " + w.why());
    }
    if (w.compiled() == null) {
      Compilation.of(ctx, errors.err(), arg, List.of(), false);
    }
    if (w.entry() == null) {
      throw new HsuException(HsuException.Kind.FAILURE, w.why());
    }
    Files.write(Path.of("/proc/self/fd", fd), w.entry());
    return 0;
  }

  /** An entry, and why it must not be cached (null when it may be). */
  record Built(byte[] entry, String uncacheable) {}

  /**
   * The entry for {@code arg}, which the front can run whether or not it may be cached; {@code
   * compiled[0]} is the compile it made, once it made one.
   */
  static Built entry(Context ctx, String arg, Path front, Compilation[] compiled)
      throws HsuException, CompileException, IOException {
    Consulted facts = new Consulted();
    Context rec =
        new Context(
            new RecordingEnv(ctx.env()), ctx.layout(), ctx.ids(), ctx.loading(), ctx.launchHost());
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Object[] r;
    Consulted.Recording on = Consulted.record(facts);
    try {
      Compilation c = Compilation.of(rec, quiet, arg, List.of(), false, Compiler.newInstanceId());
      r =
          new Object[] {
            c,
            Launch.checks(c.profile(), c.plan(), rec.env()),
            rec.initPath(),
            Launch.appDirs(c.profile(), c.plan()),
            Launch.homeMountPoints(c.profile(), c.plan())
          };
    } finally {
      on.close();
    }
    String uncacheable = facts.uncacheable() == null ? null : "the compile " + facts.uncacheable();
    Compilation a = (Compilation) r[0];
    compiled[0] = a;
    // One compile: the writer notes where the instance id is, and the front fills in a fresh one.
    PlanWriter.Marked plan = PlanWriter.writeMarked(a.plan());
    String id = a.plan().instance().id();
    List<Integer> offsets = plan.idOffsets();
    PlanCache.Builder b = new PlanCache.Builder();
    b.item(PlanCache.ARG, arg);
    b.item(PlanCache.IDS, ctx.ids().uid(), ctx.ids().gid());
    if (!Path.of(arg).isAbsolute() && Files.exists(Path.of(arg))) {
      // The profile was found relative to the working directory: the plan names its full path.
      b.item(PlanCache.CWD, Path.of("").toAbsolutePath().toString());
    }
    b.stamp(front);
    b.stamp(Path.of((String) r[2]));
    b.stamp(jar());
    b.facts(facts);
    addLaunchSteps(b, a.profile(), r);
    Object[] inst = new Object[2 + offsets.size()];
    inst[0] = id;
    inst[1] = offsets.size();
    for (int i = 0; i < offsets.size(); i++) {
      inst[2 + i] = offsets.get(i);
    }
    b.item(PlanCache.INSTANCE, inst);
    b.item(PlanCache.PLAN, (Object) plan.bytes());
    return new Built(b.build(PlanCache.key(ctx.env(), ctx.ids().uid())), uncacheable);
  }

  @SuppressWarnings("unchecked")
  private static void addLaunchSteps(PlanCache.Builder b, Profile p, Object[] r) {
    for (Launch.Check c : (List<Launch.Check>) r[1]) {
      b.item(
          PlanCache.CHECK,
          c.kind().ordinal() + 1,
          c.path() == null ? "" : c.path().value(),
          c.missing());
    }
    for (AbsPath[] d : (List<AbsPath[]>) r[3]) {
      b.item(PlanCache.ENSURE, d[0].value(), d[1].value());
    }
    for (MountPoints.Candidate c : (List<MountPoints.Candidate>) r[4]) {
      int how = c.source() != null ? 2 : c.file() ? 1 : 0;
      b.item(
          PlanCache.POINT,
          c.base().value(),
          c.path().value(),
          how,
          c.source() == null ? "" : c.source().value(),
          c.optional() ? 1 : 0);
    }
    Profile.Limits l = p.limits();
    int flags = 0;
    if (l != null) {
      flags = 8 | (l.memoryMax() != null ? 1 : 0) | (l.tasksMax() != null ? 2 : 0);
      flags |= l.cpuWeight() != null ? 4 : 0;
    }
    b.item(
        PlanCache.SCOPE,
        p.id(),
        p.name() + " (hsu sandbox)",
        flags,
        l == null || l.memoryMax() == null ? 0L : l.memoryMax(),
        l == null || l.tasksMax() == null ? 0L : (long) l.tasksMax(),
        l == null || l.cpuWeight() == null ? 0L : (long) l.cpuWeight());
  }

  /** hsu's jar, which holds this class. */
  static Path jar() throws IOException {
    try {
      return Path.of(Warming.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IOException("cannot find hsu's jar", e);
    }
  }
}
