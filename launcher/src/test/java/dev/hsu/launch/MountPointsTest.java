package dev.hsu.launch;

import static dev.hsu.compile.TestProfiles.p;
import static dev.hsu.compile.TestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hsu.base.AbsPath;
import dev.hsu.compile.Compiler;
import dev.hsu.compile.TestProfiles;
import dev.hsu.plan.Plan;
import dev.hsu.profile.Profile;
import dev.hsu.profile.Profile.FsEntry;
import dev.hsu.systemd.Scopes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a launch creates on the host before hsu-init runs the plan. */
final class MountPointsTest {
  /** Knows one file; everything else is missing. Acts on nothing. */
  static final class OneFile implements LaunchHost {
    final AbsPath file;

    OneFile(AbsPath file) {
      this.file = file;
    }

    @Override
    public Kind kind(AbsPath path) {
      return path.equals(file) ? Kind.FILE : Kind.MISSING;
    }

    @Override
    public boolean isExecutable(AbsPath path) {
      return false;
    }

    @Override
    public String sysctl(String name) {
      return null;
    }

    @Override
    public void prepareRuntimeDir(AbsPath runtimeDir, int uid) {}

    @Override
    public void removeStaleInstances(AbsPath runtimeDir, int uid) {}

    @Override
    public void ensureDir(AbsPath trusted, AbsPath dir) {}

    @Override
    public void ensureFile(AbsPath trusted, AbsPath file) {}

    @Override
    public Scopes.Outcome startScope(Map<String, String> env, Scopes.Request request) {
      return new Scopes.Outcome(null, null);
    }

    @Override
    public void dieWithParent() {}

    @Override
    public void exec(String init, byte[] plan, List<String> env) {}
  }

  @Test
  void hostDirsToCreate() throws Exception {
    TestProfiles.Builder b = profile("org.example.A", "a");
    AbsPath upper = b.appData().resolve("overlay/x/upper");
    AbsPath work = b.appData().resolve("overlay/x/work");
    Plan plan =
        Compiler.compile(
            b.fs(
                    new FsEntry.Overlay(
                        p("/x"), List.of(p("/x")), FsEntry.Overlay.Writes.PERSISTENT, upper, work))
                .fs(
                    new FsEntry.Overlay(
                        p("/y"), List.of(p("/y")), FsEntry.Overlay.Writes.EPHEMERAL, null, null))
                .build(),
            Map.of());
    assertEquals(
        List.of(b.appData().resolve("home"), upper, work), MountPoints.hostDirsToCreate(plan));
  }

  @Test
  void homeMountPointsAskTheHostWhichAreFilesAndSkipMissingOptionalSources() throws Exception {
    TestProfiles.Builder b = profile("org.example.A", "a");
    AbsPath home = TestProfiles.HOST.home();
    Profile profile =
        b.fs(new FsEntry.Bind(p("/srv/file"), home.resolve("f"), false, false, false, false))
            .fs(new FsEntry.Bind(p("/srv/dir"), home.resolve("d"), false, false, false, false))
            .fs(new FsEntry.Bind(p("/srv/gone"), home.resolve("g"), false, false, true, false))
            .build();
    Plan plan = Compiler.compile(profile, Map.of());
    AbsPath base = b.appData().resolve("home");
    assertEquals(
        List.of(
            new MountPoints.HomeMountPoint(base, base.resolve("f"), true),
            new MountPoints.HomeMountPoint(base, base.resolve("d"), false)),
        MountPoints.homeMountPoints(plan, home, new OneFile(p("/srv/file"))));
  }
}
