package dev.hsu.compile;

import static dev.hsu.compile.TestProfiles.p;
import static dev.hsu.compile.TestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.Landlock;
import dev.hsu.plan.Op;
import dev.hsu.plan.Plan;
import dev.hsu.plan.Proxy;
import dev.hsu.plan.Seccomp;
import dev.hsu.profile.Profile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audio, X11 and GPU grants in compiled plans. */
final class DesktopGrantsCompileTest {
  @TempDir Path dir;

  static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>(TestProfiles.ENV);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static Plan compile(Profile p, Map<String, String> env) throws CompileException {
    return Compiler.compile(p, env, List.of(), TestProfiles.INSTANCE_ID);
  }

  static Map<String, String> envOf(Plan plan) {
    Map<String, String> m = new HashMap<>();
    for (String e : plan.params().envList()) {
      int eq = e.indexOf('=');
      m.put(e.substring(0, eq), e.substring(eq + 1));
    }
    return m;
  }

  static List<Op.Bind> binds(Plan plan) {
    return plan.ops().stream().filter(o -> o instanceof Op.Bind).map(o -> (Op.Bind) o).toList();
  }

  static Op.Bind bindOn(Plan plan, String target) {
    return binds(plan).stream()
        .filter(b -> b.target().value().equals(target))
        .findFirst()
        .orElse(null);
  }

  @Test
  void nothingGrantedNothingInside() throws Exception {
    Plan plan = compile(profile("org.example.App", "app").build(), env("PULSE_SERVER", "unix:/x"));
    Map<String, String> e = envOf(plan);
    for (String name :
        List.of("PULSE_SERVER", "PULSE_COOKIE", "PIPEWIRE_REMOTE", "DISPLAY", "XAUTHORITY")) {
      assertFalse(e.containsKey(name), name);
    }
    assertNull(bindOn(plan, "/dev/dri"));
    assertTrue(
        binds(plan).stream().noneMatch(b -> b.source().value().startsWith("/tmp/.X11-unix")));
  }

  /** The PulseAudio filter's own sandbox. */
  static Plan filterPlan(Plan plan) {
    return plan.proxies().stream()
        .filter(px -> px.kind() == Proxy.Kind.PULSE)
        .findFirst()
        .orElseThrow()
        .plan();
  }

  @Test
  void pulseServerGoesToTheFilterAndTheAppGetsOnlyTheFilterSocket() throws Exception {
    Profile pulse = profile("org.example.App", "app").audio(Profile.Audio.PULSE).build();
    Plan plan = compile(pulse, env());
    Op.Bind b = bindOn(plan, "/run/user/1000/pulse/native");
    assertEquals(plan.instance().dir().resolve("pulse"), b.source());
    assertFalse(b.writable() || b.device() || b.optional());
    assertEquals("unix:/run/user/1000/pulse/native", envOf(plan).get("PULSE_SERVER"));
    assertTrue(binds(plan).stream().noneMatch(x -> x.source().value().contains("/pulse/native")));
    assertEquals(
        p("/run/user/1000/pulse/native"),
        bindOn(filterPlan(plan), "/run/hsu-pulse/native").source());
    plan = compile(pulse, env("PULSE_SERVER", "unix:/srv/pulse/sock"));
    assertEquals(p("/srv/pulse/sock"), bindOn(filterPlan(plan), "/run/hsu-pulse/native").source());
    plan = compile(pulse, env("PULSE_SERVER", "/srv/pulse/sock2"));
    assertEquals(p("/srv/pulse/sock2"), bindOn(filterPlan(plan), "/run/hsu-pulse/native").source());
    // Not one local socket: the default place.
    for (String other :
        List.of("tcp:localhost:4713", "unix:relative", "unix:/a//b", "{x}unix:/y")) {
      plan = compile(pulse, env("PULSE_SERVER", other));
      assertEquals(
          p("/run/user/1000/pulse/native"),
          bindOn(filterPlan(plan), "/run/hsu-pulse/native").source(),
          other);
    }
    // env.pass cannot point the app elsewhere; env.set can.
    Profile passed =
        profile("org.example.App", "app").audio(Profile.Audio.PULSE).pass("PULSE_SERVER").build();
    assertEquals(
        "unix:/run/user/1000/pulse/native",
        envOf(compile(passed, env("PULSE_SERVER", "tcp:evil:1"))).get("PULSE_SERVER"));
    Profile set =
        profile("org.example.App", "app")
            .audio(Profile.Audio.PULSE)
            .set("PULSE_SERVER", "x")
            .build();
    assertEquals("x", envOf(compile(set, env())).get("PULSE_SERVER"));
  }

  @Test
  void theFilterRunsInItsOwnStrictSandboxPlaybackOnlyUnlessRecordIsGranted() throws Exception {
    Plan plan =
        compile(profile("org.example.App", "app").audio(Profile.Audio.PULSE).build(), env());
    Plan f = filterPlan(plan);
    String socket = plan.instance().dir().resolve("pulse").value();
    assertEquals(
        List.of(
            "/run/hsu-pulse/hsu-pulse-filter",
            "--upstream",
            "/run/hsu-pulse/native",
            "--listen",
            socket,
            "--sync-fd",
            "3"),
        f.params().argv());
    assertEquals(
        PulseFilter.DEFAULT_PROGRAM, bindOn(f, "/run/hsu-pulse/hsu-pulse-filter").source());
    assertEquals(EnumSet.allOf(Seccomp.Preset.class), f.seccomp().presets());
    assertFalse(f.params().hostNet());
    Plan rec =
        compile(
            profile("org.example.App", "app")
                .audio(Profile.Audio.PULSE, Profile.Audio.PULSE_RECORD)
                .build(),
            env(PulseFilter.PROGRAM_VAR, "/opt/hsu/hsu-pulse-filter"));
    assertTrue(filterPlan(rec).params().argv().contains("--record"));
    assertEquals(
        p("/opt/hsu/hsu-pulse-filter"),
        bindOn(filterPlan(rec), "/run/hsu-pulse/hsu-pulse-filter").source());
  }

  @Test
  void pulseCookieOnlyForTheFilter() throws Exception {
    Profile pulse = profile("org.example.App", "app").audio(Profile.Audio.PULSE).build();
    assertFalse(filterPlan(compile(pulse, env())).params().argv().contains("--cookie"));
    Path cookie = dir.resolve("cookie");
    Files.write(cookie, new byte[256]);
    Plan plan = compile(pulse, env("PULSE_COOKIE", cookie.toString()));
    assertNull(bindOn(plan, "/run/user/1000/pulse/cookie"));
    assertFalse(envOf(plan).containsKey("PULSE_COOKIE"));
    assertTrue(binds(plan).stream().noneMatch(b -> b.source().value().equals(cookie.toString())));
    Op.Bind b = bindOn(filterPlan(plan), "/run/hsu-pulse/cookie");
    assertEquals(AbsPath.of(cookie.toString()), b.source());
    assertFalse(b.writable());
    List<String> argv = filterPlan(plan).params().argv();
    assertEquals("/run/hsu-pulse/cookie", argv.get(argv.indexOf("--cookie") + 1));
    // The home fallbacks, in libpulse's order.
    AbsPath home = AbsPath.of(dir.toString());
    Files.createDirectories(dir.resolve(".config/pulse"));
    Files.write(dir.resolve(".pulse-cookie"), new byte[256]);
    assertEquals(home.resolve(".pulse-cookie"), DesktopGrants.pulseCookie(home, Map.of()));
    Files.write(dir.resolve(".config/pulse/cookie"), new byte[256]);
    assertEquals(home.resolve(".config/pulse/cookie"), DesktopGrants.pulseCookie(home, Map.of()));
    assertEquals(
        home.resolve(".config/pulse/cookie"),
        DesktopGrants.pulseCookie(home, Map.of("PULSE_COOKIE", "/nonexistent/cookie")));
  }

  @Test
  void displays() {
    assertEquals(new DesktopGrants.Display(0, ""), DesktopGrants.display(":0"));
    assertEquals(new DesktopGrants.Display(12, ".1"), DesktopGrants.display(":12.1"));
    assertEquals(new DesktopGrants.Display(7, ""), DesktopGrants.display("unix:7"));
    assertEquals(new DesktopGrants.Display(7, ".0"), DesktopGrants.display("unix:7.0"));
    assertEquals(new DesktopGrants.Display(0, ""), DesktopGrants.display(null));
    for (String bad :
        List.of(
            "localhost:10.0",
            "host:0",
            "127.0.0.1:0",
            "[::1]:0",
            ":",
            ":x",
            "/tmp/.X11-unix/X0",
            ":99999",
            "tcp/host:0",
            ":0 ",
            "unix:0:1")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> DesktopGrants.display(bad), bad);
      assertTrue(e.getMessage().contains("is not a local display"), e.getMessage());
    }
  }

  static byte[] entry(int family, String address, String number, String name, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(family >> 8);
    out.write(family & 0xff);
    for (byte[] f :
        List.of(
            address.getBytes(StandardCharsets.US_ASCII),
            number.getBytes(StandardCharsets.US_ASCII),
            name.getBytes(StandardCharsets.US_ASCII),
            data)) {
      out.write(f.length >> 8);
      out.write(f.length & 0xff);
      out.writeBytes(f);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static final byte[] C1 = new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  static final byte[] C2 = new byte[] {(byte) 0xff, 0, (byte) 0x80, 1};

  @Test
  void xauthorityKeepsOnlyThisDisplaysLocalAndWildEntries() {
    byte[] file =
        concat(
            entry(256, "myhost", "3", "MIT-MAGIC-COOKIE-1", C1),
            entry(256, "myhost", "30", "MIT-MAGIC-COOKIE-1", C2),
            entry(256, "myhost", "0", "MIT-MAGIC-COOKIE-1", C2),
            entry(0, "\u007f\0\0\1", "3", "MIT-MAGIC-COOKIE-1", C2),
            entry(6, "::1", "3", "MIT-MAGIC-COOKIE-1", C2),
            entry(65535, "", "3", "XDM-AUTHORIZATION-1", C2),
            entry(256, "otherhost", "", "MIT-MAGIC-COOKIE-1", C1));
    byte[] kept = DesktopGrants.xauthority(file, 3);
    assertArrayEquals(
        concat(
            entry(65535, "", "3", "MIT-MAGIC-COOKIE-1", C1),
            entry(65535, "", "3", "XDM-AUTHORIZATION-1", C2),
            entry(65535, "", "", "MIT-MAGIC-COOKIE-1", C1)),
        kept);
    assertArrayEquals(new byte[0], DesktopGrants.xauthority(new byte[0], 3));
    // A truncated last entry is dropped, the complete ones stay.
    byte[] whole = entry(256, "h", "3", "MIT-MAGIC-COOKIE-1", C1);
    for (int cut = 1; cut < whole.length; cut++) {
      byte[] truncated = concat(whole, java.util.Arrays.copyOf(whole, cut));
      assertArrayEquals(
          entry(65535, "", "3", "MIT-MAGIC-COOKIE-1", C1), DesktopGrants.xauthority(truncated, 3));
    }
  }

  @Test
  void x11BindsTheSocketByPathAndPlacesTheFilteredCookie() throws Exception {
    Path auth = dir.resolve("Xauthority");
    Files.write(
        auth,
        concat(
            entry(256, "myhost", "5", "MIT-MAGIC-COOKIE-1", C1),
            entry(256, "myhost", "6", "MIT-MAGIC-COOKIE-1", C2)));
    Profile x = profile("org.example.App", "app").x11(true).build();
    Plan plan = compile(x, env("DISPLAY", "unix:5.0", "XAUTHORITY", auth.toString()));
    Op.Bind b = bindOn(plan, "/tmp/.X11-unix/X5");
    assertEquals(p("/tmp/.X11-unix/X5"), b.source());
    assertFalse(b.writable() || b.device() || b.optional());
    Op.Place placed =
        plan.ops().stream()
            .filter(
                o ->
                    o instanceof Op.Place pl
                        && pl.target().value().equals("/run/user/1000/Xauthority"))
            .map(o -> (Op.Place) o)
            .findFirst()
            .orElseThrow();
    assertEquals(0600, placed.mode());
    assertArrayEquals(entry(65535, "", "5", "MIT-MAGIC-COOKIE-1", C1), placed.data());
    Map<String, String> e = envOf(plan);
    assertEquals(":5.0", e.get("DISPLAY"));
    assertEquals("/run/user/1000/Xauthority", e.get("XAUTHORITY"));
    // The socket comes after /tmp is mounted, the file after the runtime directory.
    List<Op> ops = plan.ops();
    int tmp = -1;
    int rt = -1;
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof Op.Tmpfs t && t.target().value().equals("/tmp")) tmp = i;
      if (ops.get(i) instanceof Op.Tmpfs t && t.target().value().equals("/run/user/1000")) rt = i;
    }
    assertTrue(tmp >= 0 && rt >= 0 && ops.indexOf(b) > tmp && ops.indexOf(placed) > rt);
    // A TCP display is refused.
    CompileException ce =
        assertThrows(CompileException.class, () -> compile(x, env("DISPLAY", "localhost:10.0")));
    assertTrue(ce.getMessage().contains("never a TCP connection"), ce.getMessage());
  }

  @Test
  void gpuBindsDriOptionallyWithDeviceAccess() throws Exception {
    Plan plan = compile(profile("org.example.App", "app").gpu(true).build(), env());
    Op.Bind dri = bindOn(plan, "/dev/dri");
    assertEquals(new Op.Bind(p("/dev/dri"), p("/dev/dri"), false, true, true, false), dri);
    assertTrue(
        plan.landlock()
            .fsRules()
            .contains(new Landlock.FsRule(p("/dev/dri"), Landlock.READ | Landlock.DEVICE)));
    // With the auto-root, /sys is there already: nothing else.
    assertNull(bindOn(plan, "/sys/devices"));
    plan = compile(profile("org.example.App", "app").root(true, "sys").gpu(true).build(), env());
    assertEquals(
        new Op.Bind(p("/sys/devices"), p("/sys/devices"), false, false, true, false),
        bindOn(plan, "/sys/devices"));
    assertTrue(bindOn(plan, "/sys/dev/char").optional());
  }

  @Test
  void launchNeedsTheSockets() {
    Profile all = profile("org.example.App", "app").audio(Profile.Audio.PULSE).x11(true).build();
    List<DesktopGrants.Needed> needed = DesktopGrants.needed(all, env());
    assertEquals(
        List.of(
            new DesktopGrants.Needed(
                p("/run/user/1000/pulse/native"),
                "the profile asks for PulseAudio, but there is no PulseAudio socket at"
                    + " \"/run/user/1000/pulse/native\" (from PULSE_SERVER and XDG_RUNTIME_DIR)"),
            new DesktopGrants.Needed(
                p("/tmp/.X11-unix/X3"),
                "the profile asks for X11, but there is no X server socket at"
                    + " \"/tmp/.X11-unix/X3\" (from DISPLAY \":3.0\")")),
        needed);
    Map<String, String> noDisplay = env();
    noDisplay.remove("DISPLAY");
    assertEquals(
        new DesktopGrants.Needed(null, "the profile asks for X11, but DISPLAY is not set"),
        DesktopGrants.needed(all, noDisplay).get(1));
    assertEquals(
        List.of(),
        DesktopGrants.needed(profile("org.example.App", "app").gpu(true).build(), env()));
  }
}
