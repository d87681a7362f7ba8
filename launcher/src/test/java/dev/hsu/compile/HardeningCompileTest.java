package dev.hsu.compile;

import static dev.hsu.compile.TestProfiles.p;
import static dev.hsu.compile.TestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.Landlock;
import dev.hsu.plan.Landlock.FsRule;
import dev.hsu.plan.Landlock.NetRule;
import dev.hsu.plan.Op;
import dev.hsu.plan.Plan;
import dev.hsu.plan.Seccomp;
import dev.hsu.profile.Profile;
import dev.hsu.profile.Profile.FsEntry;
import dev.hsu.profile.Profile.FsEntry.Overlay.Writes;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Profile seccomp and landlock settings -> the SECCOMP and LANDLOCK records of the plan. */
final class HardeningCompileTest {
  static final long R = Landlock.READ;
  static final long RW = Landlock.READ | Landlock.WRITE;
  static final long RX = Landlock.READ | Landlock.EXECUTE;
  static final long DEV = Landlock.READ | Landlock.DEVICE;
  static final long PROC =
      Landlock.READ | Landlock.Fs.WRITE_FILE.bit() | Landlock.Fs.TRUNCATE.bit();

  static Plan compile(Profile profile) throws CompileException {
    return Compiler.compile(profile, TestProfiles.ENV);
  }

  static Map<String, Long> rules(Plan plan) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (FsRule r : plan.landlock().fsRules()) {
      m.put(r.path().value(), r.access());
    }
    return m;
  }

  static Map<String, Long> base() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("/", RX);
    m.put("/proc", PROC);
    m.put("/dev", DEV);
    m.put("/dev/shm", RW);
    m.put("/tmp", RW);
    m.put("/run/user/1000", RW);
    m.put("/home/user", RW);
    return m;
  }

  @Test
  void defaultsAreTheSafeOnes() throws Exception {
    Plan plan = compile(profile("org.example.A", "a").build());
    assertEquals(Seccomp.defaults(), plan.seccomp());
    assertEquals(0x1F, plan.seccomp().presetBits());
    assertEquals(0, plan.seccomp().relaxBits());
    assertFalse(plan.params().keepSession());
    Landlock l = plan.landlock();
    assertTrue(l.required() && l.scopeAbstractUnix() && l.scopeSignal() && l.fs());
    assertFalse(l.net());
    assertEquals(1 | 2 | 4 | 8, l.flags());
    // read and execute beneath /, write only where the base ops mount something writable;
    // /run itself is a read-only tmpfs holding mount points
    assertEquals(base(), rules(plan));
    assertTrue(plan.ops().contains(new Op.Tmpfs(p("/run"), 0, 0755, true)));
    assertEquals(List.of(), l.netRules());
  }

  @Test
  void seccompSettingsMapOneToOne() throws Exception {
    Profile.Seccomp s =
        new Profile.Seccomp(
            EnumSet.of(Profile.Seccomp.Preset.DENY_NS, Profile.Seccomp.Preset.EXT),
            EnumSet.allOf(Profile.Seccomp.Relax.class),
            List.of(
                new Profile.Seccomp.Deny("io_uring_setup", 1), new Profile.Seccomp.Deny("bpf", 38)),
            List.of(31, 17));
    Plan plan = compile(profile("org.example.A", "a").seccomp(s).build());
    assertEquals(
        new Seccomp(
            EnumSet.of(Seccomp.Preset.EXT, Seccomp.Preset.DENY_NS),
            EnumSet.allOf(Seccomp.Relax.class),
            List.of(31, 17),
            List.of(new Seccomp.Deny("io_uring_setup", 1), new Seccomp.Deny("bpf", 38))),
        plan.seccomp());
    assertEquals(2 | 4, plan.seccomp().presetBits());
    assertEquals(1 | 2 | 4, plan.seccomp().relaxBits());
    // 'tty' is not a filter setting: it keeps the session
    assertTrue(plan.params().keepSession());
    Profile.Seccomp ttyOnly =
        new Profile.Seccomp(
            EnumSet.allOf(Profile.Seccomp.Preset.class),
            EnumSet.of(Profile.Seccomp.Relax.TTY),
            List.of(),
            List.of());
    Plan tty = compile(profile("org.example.A", "a").seccomp(ttyOnly).build());
    assertTrue(tty.params().keepSession());
    assertEquals(0, tty.seccomp().relaxBits());
  }

  @Test
  void everyWritableGrantGetsAWriteRuleAndNothingElseDoes() throws Exception {
    Profile profile =
        profile("org.example.A", "a")
            .home(new Profile.Home.Ephemeral())
            .device("/dev/dri", false)
            .device("/dev/video0", true)
            .fs(new FsEntry.Bind(p("/srv/ro"), p("/srv/ro"), false, false, false, false))
            .fs(new FsEntry.Bind(p("/srv/rw"), p("/data"), true, false, false, true))
            .fs(new FsEntry.Bind(p("/dev/bus/usb"), p("/dev/bus/usb"), false, true, true, false))
            .fs(new FsEntry.Bind(p("/dev/kvm"), p("/dev/kvm"), true, true, false, false))
            .fs(new FsEntry.Tmpfs(p("/scratch"), 0, 0700, false))
            .fs(new FsEntry.Tmpfs(p("/empty"), 0, 0755, true))
            .fs(
                new FsEntry.Overlay(
                    p("/opt/e"), List.of(p("/opt/e")), Writes.EPHEMERAL, null, null))
            .fs(
                new FsEntry.Overlay(
                    p("/opt/p"), List.of(p("/opt/p")), Writes.PERSISTENT, p("/u"), p("/w")))
            .fs(
                new FsEntry.Overlay(
                    p("/opt/r"), List.of(p("/opt/r"), p("/opt/r2")), Writes.NONE, null, null))
            .fs(new FsEntry.Mkdir(p("/srv/dir"), 0755))
            .fs(new FsEntry.File(p("/etc/x"), "x", 0644))
            .fs(new FsEntry.Symlink(p("/srv/link"), "/tmp", false))
            .fs(new FsEntry.Remount(p("/srv/ro"), false, false, false))
            .build();
    Map<String, Long> expected = base();
    expected.put("/dev/dri", DEV);
    expected.put("/dev/video0", DEV);
    expected.put("/data", RW);
    expected.put("/dev/bus/usb", DEV);
    expected.put("/dev/kvm", RW | Landlock.DEVICE);
    expected.put("/scratch", RW);
    expected.put("/opt/e", RW);
    expected.put("/opt/p", RW);
    assertEquals(expected, rules(compile(profile)));
  }

  @Test
  void homeFromAHostDirectoryIsWritableToo() throws Exception {
    Plan plan =
        compile(
            profile("org.example.A", "a")
                .home(new Profile.Home.HostDir(p("/home/user/Sandboxes/a")))
                .build());
    assertEquals(RW, rules(plan).get("/home/user"));
  }

  @Test
  void explicitRulesAreAddedAndMergedWithDerivedOnes() throws Exception {
    Profile.Landlock l =
        new Profile.Landlock(
            true,
            true,
            true,
            true,
            List.of(
                new Profile.Landlock.Rule(p("/srv/data"), Set.of(Profile.Landlock.Access.READ)),
                new Profile.Landlock.Rule(p("/tmp"), Set.of(Profile.Landlock.Access.EXECUTE)),
                new Profile.Landlock.Rule(p("/srv/data"), Set.of(Profile.Landlock.Access.WRITE))),
            null);
    Map<String, Long> got = rules(compile(profile("org.example.A", "a").landlock(l).build()));
    Map<String, Long> expected = base();
    expected.put("/tmp", RW | Landlock.EXECUTE);
    expected.put("/srv/data", RW);
    assertEquals(expected, got);
    assertEquals(
        List.copyOf(expected.keySet()),
        List.copyOf(got.keySet())); // derived first, then the profile's
  }

  @Test
  void filesystemNoneHandsTheFilesystemToTheMountsAlone() throws Exception {
    Profile.Landlock l = new Profile.Landlock(false, false, true, false, List.of(), null);
    Landlock got = compile(profile("org.example.A", "a").landlock(l).build()).landlock();
    assertEquals(new Landlock(false, false, true, false, false, List.of(), List.of()), got);
    assertEquals(4, got.flags());
  }

  @Test
  void tcpPortsAreMergedAndSorted() throws Exception {
    Profile.Landlock l =
        new Profile.Landlock(
            true,
            true,
            true,
            true,
            List.of(),
            new Profile.Landlock.Network(List.of(8080, 443), List.of(443, 80)));
    Plan plan =
        compile(profile("org.example.A", "a").network(Profile.Network.HOST).landlock(l).build());
    Landlock got = plan.landlock();
    assertTrue(got.net());
    assertEquals(
        List.of(
            new NetRule(80, Landlock.CONNECT_TCP),
            new NetRule(443, Landlock.BIND_TCP | Landlock.CONNECT_TCP),
            new NetRule(8080, Landlock.BIND_TCP)),
        got.netRules());

    Profile.Landlock noPorts =
        new Profile.Landlock(
            true, true, true, true, List.of(), new Profile.Landlock.Network(List.of(), List.of()));
    Landlock closed =
        compile(
                profile("org.example.A", "a")
                    .network(Profile.Network.HOST)
                    .landlock(noPorts)
                    .build())
            .landlock();
    assertTrue(closed.net());
    assertEquals(List.of(), closed.netRules());
  }

  @Test
  void derivedRulesCoverEveryWritableMountOfEveryGoldenPlan() throws Exception {
    for (Map.Entry<String, Profile> e : GoldenCases.all().entrySet()) {
      Plan plan = compile(e.getValue());
      Map<String, Long> rules = rules(plan);
      for (Op op : plan.ops()) {
        AbsPath writable =
            op instanceof Op.Bind b && b.writable()
                ? b.target()
                : op instanceof Op.Tmpfs t && !t.readOnly()
                    ? t.target()
                    : op instanceof Op.Overlay o && o.writes() != Op.Overlay.Writes.READ_ONLY
                        ? o.target()
                        : null;
        if (writable != null) {
          Long access = rules.get(writable.value());
          assertTrue(
              access != null && (access & Landlock.WRITE) == Landlock.WRITE,
              e.getKey() + ": no write rule for " + op);
        }
      }
      assertEquals(RX, rules.get("/") & RX, e.getKey());
    }
  }
}
