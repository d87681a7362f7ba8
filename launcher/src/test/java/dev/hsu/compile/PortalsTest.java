package dev.hsu.compile;

import static dev.hsu.compile.TestProfiles.p;
import static dev.hsu.compile.TestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.plan.Instance;
import dev.hsu.plan.Op;
import dev.hsu.plan.Plan;
import dev.hsu.profile.Profile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code portals:} compiles to, and what the portals learn of an app behind its proxy. */
final class PortalsTest {
  static final Profile.Dbus WITH_PORTALS =
      new Profile.Dbus(DbusCompileTest.DEFAULTS, null, new Profile.Portals(false));

  static Plan compile(TestProfiles.Builder b) throws CompileException {
    return Compiler.compile(b.build(), TestProfiles.ENV, List.of(), TestProfiles.INSTANCE_ID);
  }

  static String placed(List<Op> ops) {
    for (Op op : ops) {
      if (op instanceof Op.Place pl && pl.target().equals(Portals.FLATPAK_INFO)) {
        return new String(pl.data(), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  static List<String> proxyArgv(Plan plan) {
    return plan.proxies().get(0).plan().params().argv();
  }

  @Test
  void thePortalsSeeTheAppByItsIdInTheProxysRootAndTheApps() throws CompileException {
    Plan plan = compile(profile("org.example.App", "app").dbus(WITH_PORTALS));
    String app = placed(plan.ops());
    String proxy = placed(plan.proxies().get(0).plan().ops());
    assertTrue(app.startsWith("[Application]\nname=org.example.App\n"), app);
    assertTrue(app.contains("\n[Instance]\ninstance-id=" + TestProfiles.INSTANCE_ID + "\n"), app);
    assertEquals(app, proxy, "the proxy, the sender the portals look at, says the same");
    assertTrue(plan.instance().grants().contains(Instance.Grant.PORTALS));
  }

  @Test
  void everySessionBusProxyNamesTheAppEvenWithoutPortals() throws CompileException {
    Plan plan =
        compile(
            profile("org.example.App", "app")
                .dbus(new Profile.Dbus(DbusCompileTest.DEFAULTS, null)));
    assertTrue(placed(plan.proxies().get(0).plan().ops()).contains("name=org.example.App\n"));
    assertNull(placed(plan.ops()), "the app's root does not claim portals it cannot reach");
    assertFalse(String.join(" ", proxyArgv(plan)).contains("portal"));
    assertFalse(plan.instance().grants().contains(Instance.Grant.PORTALS));
  }

  @Test
  void theFilterReachesTwoPortalNamesByInterfaceAndNothingElseOfThem() throws CompileException {
    List<String> argv = proxyArgv(compile(profile("org.example.App", "app").dbus(WITH_PORTALS)));
    for (String a : argv) {
      if (a.startsWith("--call=") || a.startsWith("--broadcast=")) {
        String name = a.substring(a.indexOf('=') + 1, a.indexOf('=', a.indexOf('=') + 1));
        assertTrue(name.equals(Portals.DESKTOP) || name.equals(Portals.DOCUMENTS), a);
      }
      assertFalse(
          a.startsWith("--talk=org.freedesktop.portal"), "a --talk would allow every call: " + a);
      assertFalse(a.startsWith("--see=org.freedesktop.portal"), a);
      assertFalse(
          a.contains("Registry") || a.contains("impl.portal") || a.contains("PermissionStore"), a);
      assertFalse(a.contains("=*@") || a.endsWith("=*"), "no rule allows every method: " + a);
    }
    assertTrue(
        argv.contains(
            "--call=org.freedesktop.portal.Desktop=org.freedesktop.portal.OpenURI.*@/org/freedesktop/portal/desktop/*"));
    assertTrue(
        argv.contains(
            "--call=org.freedesktop.portal.Documents=org.freedesktop.portal.Documents.*@/org/freedesktop/portal/documents/*"));
    assertFalse(
        argv.stream()
            .anyMatch(
                a ->
                    a.contains(".Background.")
                        || a.contains(".DynamicLauncher.")
                        || a.contains(".RemoteDesktop.")));
  }

  @Test
  void theAppGetsItsDocumentViewAndToolkitsAreToldToUsePortals() throws CompileException {
    Plan plan = compile(profile("org.example.App", "app").dbus(WITH_PORTALS));
    Op.Bind doc = null;
    for (Op op : plan.ops()) {
      if (op instanceof Op.Bind b && b.target().equals(p("/run/user/1000/doc"))) {
        doc = b;
      }
    }
    assertEquals(
        new Op.Bind(
            p("/run/user/1000/doc/by-app/org.example.App"),
            p("/run/user/1000/doc"),
            true,
            false,
            true,
            false),
        doc);
    Map<String, String> env = plan.params().env();
    assertEquals("1", env.get("GTK_USE_PORTAL"));
    assertEquals("portals", env.get("GDK_DEBUG"));
  }

  @Test
  void theMetadataSaysTheGrantsAndEscapesWhatTheKeyFileFormatWouldMisread()
      throws CompileException {
    Plan plan =
        compile(
            profile("org.example.App", "app")
                .dbus(WITH_PORTALS)
                .network(Profile.Network.HOST)
                .wayland(new Profile.Wayland(false))
                .gpu(true)
                .fs(
                    new Profile.FsEntry.Bind(
                        p("/home/user/Docs;x\\y"),
                        p("/home/user/Docs"),
                        false,
                        false,
                        false,
                        false))
                .fs(
                    new Profile.FsEntry.Bind(
                        p("/home/user/Music"), p("/home/user/Music"), true, false, false, false)));
    String info = placed(plan.ops());
    assertTrue(
        info.contains("\n[Context]\nshared=network;\nsockets=wayland;session-bus;\ndevices=dri;\n"),
        info);
    assertTrue(info.contains("filesystems=/home/user/Docs\\;x\\\\y:ro;/home/user/Music;\n"), info);
    assertEquals("\\sa\\nb\\\\c d", Portals.value(" a\nb\\c d"));
  }
}
