package dev.hsu.compile;

import static dev.hsu.compile.TestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.Landlock;
import dev.hsu.plan.Op;
import dev.hsu.plan.Plan;
import dev.hsu.plan.PlanWriter;
import dev.hsu.plan.Proxy;
import dev.hsu.plan.Seccomp;
import dev.hsu.profile.Profile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code dbus:} compiles to: the proxy's own sandbox, its filter, the binds, the variables.
 */
final class DbusCompileTest {
  static final String ID = TestProfiles.INSTANCE_ID;
  static final String DIR = "/run/user/1000/hsu/" + ID;
  static final Profile.Bus DEFAULTS =
      new Profile.Bus(
          List.of(),
          List.of(),
          List.of("org.example.App", "org.example.App.*"),
          Map.of(),
          Map.of());
  static final Profile.Bus NOTHING =
      new Profile.Bus(List.of(), List.of(), List.of(), Map.of(), Map.of());

  static Plan compile(Profile.Dbus d, Map<String, String> env) throws CompileException {
    return Compiler.compile(profile("org.example.App", "app").dbus(d).build(), env, List.of(), ID);
  }

  static Map<String, String> env(String name, String value) {
    Map<String, String> env = new HashMap<>(TestProfiles.ENV);
    env.put(name, value);
    return env;
  }

  static List<String> argv(Plan plan) {
    return plan.proxies().get(0).plan().params().argv();
  }

  @Test
  void sessionBusWithTheDefaultFilter() throws CompileException {
    Plan plan = compile(new Profile.Dbus(DEFAULTS, null), TestProfiles.ENV);
    assertEquals(AbsPath.of(DIR), plan.instance().dir());
    assertNull(plan.wayland());
    assertEquals(1, plan.proxies().size());
    Proxy px = plan.proxies().get(0);
    assertEquals(3, px.syncFd());
    assertEquals(AbsPath.of(DIR + "/bus"), px.ready());
    assertEquals(
        List.of(
            "/usr/bin/xdg-dbus-proxy",
            "--fd=3",
            "unix:path=/run/host-bus/session",
            DIR + "/bus",
            "--filter",
            "--own=org.example.App",
            "--own=org.example.App.*"),
        argv(plan));
    assertEquals(
        "unix:path=/run/user/1000/bus", plan.params().env().get("DBUS_SESSION_BUS_ADDRESS"));
    assertFalse(plan.params().env().containsKey("DBUS_SYSTEM_BUS_ADDRESS"));
    assertTrue(
        plan.ops()
            .contains(
                new Op.Bind(
                    AbsPath.of(DIR + "/bus"),
                    AbsPath.of("/run/user/1000/bus"),
                    false,
                    false,
                    false,
                    false)));
  }

  @Test
  void theProxysSandboxIsStrict() throws CompileException {
    Plan nested =
        compile(new Profile.Dbus(DEFAULTS, NOTHING), TestProfiles.ENV).proxies().get(0).plan();
    assertFalse(nested.params().hostNet());
    assertTrue(nested.params().env().isEmpty());
    assertEquals(AbsPath.ROOT, nested.params().cwd());
    assertEquals(java.util.EnumSet.allOf(Seccomp.Preset.class), nested.seccomp().presets());
    assertTrue(nested.seccomp().relax().isEmpty());
    Landlock l = nested.landlock();
    assertTrue(l.fs() && l.net() && l.scopeAbstractUnix() && l.scopeSignal());
    assertTrue(l.netRules().isEmpty());
    // Writable only in the instance dir.
    for (Landlock.FsRule r : l.fsRules()) {
      boolean writes =
          (r.access() & (Landlock.Fs.MAKE_SOCK.bit() | Landlock.Fs.MAKE_REG.bit())) != 0;
      assertEquals(r.path().equals(AbsPath.of(DIR)), writes, r.toString());
    }
    // The host root without home, /etc, /tmp or /run; the two buses; the instance dir writable.
    assertEquals(new Op.AutoRoot(AbsPath.ROOT, false, false, List.of()), nested.ops().get(0));
    List<Op> binds = nested.ops().stream().filter(o -> o instanceof Op.Bind).toList();
    assertEquals(
        List.of(
            new Op.Bind(
                AbsPath.of("/run/user/1000/bus"),
                AbsPath.of("/run/host-bus/session"),
                false,
                false,
                false,
                false),
            new Op.Bind(
                AbsPath.of("/run/dbus/system_bus_socket"),
                AbsPath.of("/run/host-bus/system"),
                false,
                false,
                false,
                false),
            new Op.Bind(AbsPath.of(DIR), AbsPath.of(DIR), true, false, false, false)),
        binds);
    assertTrue(nested.instance() == null && nested.wayland() == null && nested.proxies().isEmpty());
  }

  @Test
  void bothBusesInOneProxy() throws CompileException {
    Profile.Bus session =
        new Profile.Bus(
            List.of("org.a.See"),
            List.of("org.a.Talk"),
            List.of("org.example.App"),
            Map.of("org.a.Call", List.of("org.a.I.M@/o", "*")),
            Map.of("org.a.Sig", List.of("@/p/*")));
    Plan plan =
        compile(
            new Profile.Dbus(session, NOTHING),
            env("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/var/run/dbus/system_bus_socket"));
    assertEquals(
        List.of(
            "/usr/bin/xdg-dbus-proxy",
            "--fd=3",
            "unix:path=/run/host-bus/session",
            DIR + "/bus",
            "--filter",
            "--see=org.a.See",
            "--talk=org.a.Talk",
            "--own=org.example.App",
            "--call=org.a.Call=org.a.I.M@/o",
            "--call=org.a.Call=*",
            "--broadcast=org.a.Sig=@/p/*",
            "unix:path=/run/host-bus/system",
            DIR + "/system_bus_socket",
            "--filter"),
        argv(plan));
    assertEquals(AbsPath.of(DIR + "/system_bus_socket"), plan.proxies().get(0).ready());
    assertEquals(
        "unix:path=/run/dbus/system_bus_socket",
        plan.params().env().get("DBUS_SYSTEM_BUS_ADDRESS"));
    assertTrue(
        plan.proxies()
            .get(0)
            .plan()
            .ops()
            .contains(
                new Op.Bind(
                    AbsPath.of("/var/run/dbus/system_bus_socket"),
                    AbsPath.of("/run/host-bus/system"),
                    false,
                    false,
                    false,
                    false)));
    String text = dev.hsu.plan.PlanText.render(plan);
    assertTrue(text.contains("  dbus session talk to \"org.a.Talk\"\n"), text);
    assertTrue(text.contains("  dbus system nothing else"), text);
  }

  @Test
  void systemBusOnly() throws CompileException {
    Plan plan = compile(new Profile.Dbus(null, NOTHING), TestProfiles.ENV);
    assertFalse(plan.params().env().containsKey("DBUS_SESSION_BUS_ADDRESS"));
    assertEquals(
        List.of(
            "/usr/bin/xdg-dbus-proxy",
            "--fd=3",
            "unix:path=/run/host-bus/system",
            DIR + "/system_bus_socket",
            "--filter"),
        argv(plan));
  }

  @Test
  void addresses() throws CompileException {
    assertEquals(
        List.of("/run/host-bus/session"),
        List.of(
            argv(compile(
                    new Profile.Dbus(DEFAULTS, null),
                    env(
                        "DBUS_SESSION_BUS_ADDRESS",
                        "unix:path=/tmp/my%20bus,guid=0123;unix:path=/x")))
                .get(2)
                .substring("unix:path=".length())));
    Plan plan =
        compile(
            new Profile.Dbus(DEFAULTS, null),
            env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/tmp/my%20bus,guid=0123;unix:path=/x"));
    assertEquals(
        new Op.Bind(
            AbsPath.of("/tmp/my bus"),
            AbsPath.of("/run/host-bus/session"),
            false,
            false,
            false,
            false),
        plan.proxies().get(0).plan().ops().get(3));

    // An abstract socket: the proxy needs the host's network namespace, and says so.
    Plan abs =
        compile(
            new Profile.Dbus(DEFAULTS, null),
            env("DBUS_SESSION_BUS_ADDRESS", "unix:abstract=/tmp/dbus-abc,guid=1"));
    Plan nested = abs.proxies().get(0).plan();
    assertTrue(nested.params().hostNet());
    assertFalse(nested.landlock().scopeAbstractUnix());
    assertEquals("unix:abstract=/tmp/dbus-abc,guid=1", argv(abs).get(2));
    assertTrue(abs.proxies().get(0).grants().get(0).contains("shares the host network namespace"));

    for (String bad :
        List.of(
            "tcp:host=localhost,port=1",
            "unix:tmpdir=/tmp",
            "unix:path=rel",
            "unix:path=/a,abstract=b",
            "unix:path=/a%2",
            "--help",
            "unix:")) {
      CompileException e =
          assertThrows(
              CompileException.class,
              () -> compile(new Profile.Dbus(DEFAULTS, null), env("DBUS_SESSION_BUS_ADDRESS", bad)),
              bad);
      assertTrue(e.getMessage().contains("the D-Bus session bus"), e.getMessage());
    }
    CompileException e =
        assertThrows(
            CompileException.class,
            () ->
                compile(
                    new Profile.Dbus(null, NOTHING), env("DBUS_SYSTEM_BUS_ADDRESS", "tcp:host=x")));
    assertEquals(
        "org.example.App.yaml: cannot compile: the D-Bus system bus address"
            + " \"tcp:host=x\" (from DBUS_SYSTEM_BUS_ADDRESS) is not supported: hsu proxies"
            + " unix:path= and unix:abstract= addresses",
        e.getMessage());
  }

  @Test
  void theSandboxKeepsTheCallersUid() {
    CompileException e =
        assertThrows(
            CompileException.class,
            () ->
                Compiler.compile(
                    profile("org.example.App", "app")
                        .ids(0, 0)
                        .dbus(new Profile.Dbus(DEFAULTS, null))
                        .build(),
                    TestProfiles.ENV,
                    List.of(),
                    ID));
    assertTrue(
        e.getMessage()
            .endsWith(
                "the D-Bus bus checks the uid a client claims, so with dbus"
                    + " the sandbox keeps your uid 1000 (ids.uid is 0)"),
        e.getMessage());
  }

  @Test
  void withoutDbusNoProxyNoVariable() throws CompileException {
    Map<String, String> env = env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus");
    Plan plan =
        Compiler.compile(
            profile("org.example.App", "app").pass("DBUS_SESSION_BUS_ADDRESS").build(),
            env,
            List.of(),
            ID);
    assertTrue(plan.proxies().isEmpty());
    assertTrue(plan.instance().grants().isEmpty(), plan.instance().toString());
    // A passed host address names a socket that is not there; the granted one replaces it.
    Plan granted =
        Compiler.compile(
            profile("org.example.App", "app")
                .pass("DBUS_SESSION_BUS_ADDRESS")
                .dbus(new Profile.Dbus(DEFAULTS, null))
                .build(),
            env,
            List.of(),
            ID);
    assertEquals(
        "unix:path=/run/user/1000/bus", granted.params().env().get("DBUS_SESSION_BUS_ADDRESS"));
  }

  @Test
  void theProxyRecordIsWritten() throws CompileException {
    Plan plan = compile(new Profile.Dbus(DEFAULTS, NOTHING), TestProfiles.ENV);
    byte[] bytes = PlanWriter.write(plan);
    byte[] nested = PlanWriter.write(plan.proxies().get(0).plan());
    // The nested plan appears verbatim, after its length.
    int at = indexOf(bytes, nested);
    assertTrue(at > 0);
    assertEquals(
        nested.length,
        (bytes[at - 4] & 0xff)
            | (bytes[at - 3] & 0xff) << 8
            | (bytes[at - 2] & 0xff) << 16
            | (bytes[at - 1] & 0xff) << 24);
  }

  @Test
  void proxyRecordInvariants() throws CompileException {
    Plan plan = compile(new Profile.Dbus(DEFAULTS, null), TestProfiles.ENV);
    Proxy px = plan.proxies().get(0);
    Plan nested = px.plan();
    assertThrows(
        IllegalArgumentException.class,
        () -> new Plan(plan.params(), null, null, null, null, List.of(px), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Proxy(2, px.ready(), px.timeout(), nested, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Proxy(64, px.ready(), px.timeout(), nested, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Proxy(3, px.ready(), px.timeout(), plan, List.of()));
    Proxy elsewhere =
        new Proxy(3, AbsPath.of("/run/user/1000/bus"), px.timeout(), nested, List.of());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Plan(
                plan.params(), null, null, plan.instance(), null, List.of(elsewhere), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Plan(
                plan.params(),
                null,
                null,
                plan.instance(),
                null,
                List.of(px, px, px, px, px),
                List.of()));
    new Plan(plan.params(), null, null, plan.instance(), null, List.of(px, px, px, px), List.of());
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      if (i > 16) {
        return i;
      }
    }
    return -1;
  }
}
