package dev.hsu.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.profile.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StartTransientUnit against a real dbus-daemon and a recording stand-in for systemd. */
final class ScopeTest {
  @TempDir Path tmp;

  static final long PID = ProcessHandle.current().pid();
  static final Profile.Limits LIMITS = new Profile.Limits(2L << 30, 512, 50);

  /** An environment whose runtime dir looks like a user manager runs (systemd/private exists). */
  Map<String, String> env(FakeSystemd bus, boolean manager) throws Exception {
    Path runtime = Files.createDirectories(tmp.resolve("runtime"));
    if (manager) {
      Files.createDirectories(runtime.resolve("systemd"));
      Files.writeString(runtime.resolve("systemd/private"), "");
    }
    return Map.of("DBUS_SESSION_BUS_ADDRESS", bus.address, "XDG_RUNTIME_DIR", runtime.toString());
  }

  static Scopes.Request request(Profile.Limits limits) {
    return new Scopes.Request(
        Scopes.unitName("org.example.My-App", PID), "My App (hsu sandbox)", PID, limits);
  }

  @Test
  void theCallHasSystemdsNamesAndTypesAndWaitsForJobRemoved() throws Exception {
    try (FakeSystemd bus = new FakeSystemd(tmp, true)) {
      bus.delayMillis = 400;
      Scopes.Outcome o = Scopes.start(env(bus, true), request(LIMITS), Duration.ofSeconds(10));
      long returned = System.nanoTime();
      assertEquals("app-hsu-org.example.My\\x2dApp-" + PID + ".scope", o.unit());
      assertNull(o.notice());
      assertEquals(1, bus.calls.size());
      FakeSystemd.Call c = bus.calls.get(0);
      assertEquals(o.unit(), c.unit());
      assertEquals("fail", c.mode());
      assertEquals(0, c.aux());
      assertEquals(
          List.of(
              "Description s My App (hsu sandbox)",
              "PIDs au [" + PID + "]",
              "CollectMode s inactive-or-failed",
              "MemoryMax t " + (2L << 30),
              "TasksMax t 512",
              "CPUWeight t 50"),
          c.properties().stream()
              .map(p -> p.replace("PIDs au " + "[" + PID + "]", "PIDs au [" + PID + "]"))
              .toList());
      assertEquals(1, bus.emitted.size());
      assertTrue(returned >= bus.emitted.get(0), "start returned before JobRemoved was sent");
      assertTrue(
          Duration.ofNanos(bus.emitted.get(0) - c.nanos()).toMillis() >= 350, "the fake waited");
    }
  }

  @Test
  void withoutLimitsOnlyTheBasicPropertiesGo() throws Exception {
    try (FakeSystemd bus = new FakeSystemd(tmp, true)) {
      bus.delayMillis = 0;
      Scopes.start(env(bus, true), request(null), Duration.ofSeconds(10));
      assertEquals(
          List.of("Description", "PIDs", "CollectMode"),
          bus.calls.get(0).properties().stream().map(p -> p.split(" ")[0]).toList());
    }
  }

  @Test
  void aFailedJobIsANoticeOrWithLimitsAnError() throws Exception {
    try (FakeSystemd bus = new FakeSystemd(tmp, true)) {
      bus.result = "failed";
      Scopes.Outcome o = Scopes.start(env(bus, true), request(null), Duration.ofSeconds(10));
      assertNull(o.unit());
      assertTrue(o.notice().contains("its job ended with \"failed\""), o.notice());
      ScopeException e =
          assertThrows(
              ScopeException.class,
              () -> Scopes.start(env(bus, true), request(LIMITS), Duration.ofSeconds(10)));
      assertTrue(e.getMessage().startsWith("the profile sets 'limits'"), e.getMessage());
    }
  }

  @Test
  void noJobRemovedMeansATimeout() throws Exception {
    try (FakeSystemd bus = new FakeSystemd(tmp, true)) {
      bus.emit = false;
      ScopeException e =
          assertThrows(
              ScopeException.class,
              () -> Scopes.start(env(bus, true), request(LIMITS), Duration.ofMillis(500)));
      assertTrue(e.getMessage().contains("did not finish starting"), e.getMessage());
    }
  }

  @Test
  void aRefusalIsReportedInOneSentence() throws Exception {
    try (FakeSystemd bus = new FakeSystemd(tmp, true)) {
      bus.refuse = "Unit app-hsu-x.scope already exists.";
      Scopes.Outcome o = Scopes.start(env(bus, true), request(null), Duration.ofSeconds(5));
      assertTrue(o.notice().contains("already exists"), o.notice());
      assertTrue(o.notice().endsWith("; the sandbox runs without its own scope"), o.notice());
    }
  }

  @Test
  void aBusWithoutTheManager() throws Exception {
    try (FakeSystemd bus = new FakeSystemd(tmp, false)) {
      // No systemd/private: no D-Bus traffic at all, a notice.
      Scopes.Outcome o = Scopes.start(env(bus, false), request(null), Duration.ofSeconds(5));
      assertTrue(o.notice().startsWith("no systemd user manager"), o.notice());
      // The socket exists but nobody owns org.freedesktop.systemd1.
      o = Scopes.start(env(bus, true), request(null), Duration.ofSeconds(5));
      assertTrue(o.notice().startsWith("the session bus has no systemd user manager"), o.notice());
      ScopeException e =
          assertThrows(
              ScopeException.class,
              () -> Scopes.start(env(bus, false), request(LIMITS), Duration.ofSeconds(5)));
      assertTrue(e.getMessage().contains("has no systemd user manager"), e.getMessage());
    }
  }

  @Test
  void noBusIsQuietUnlessLimitsNeedIt() throws Exception {
    Map<String, String> env =
        Map.of(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=" + tmp.resolve("none"),
            "XDG_RUNTIME_DIR",
            tmp.toString());
    assertEquals(new Scopes.Outcome(null, null), Scopes.start(env, request(null), Scopes.TIMEOUT));
    assertEquals(
        new Scopes.Outcome(null, null), Scopes.start(Map.of(), request(null), Scopes.TIMEOUT));
    ScopeException e =
        assertThrows(
            ScopeException.class, () -> Scopes.start(env, request(LIMITS), Scopes.TIMEOUT));
    assertTrue(e.getMessage().contains("there is no session bus"), e.getMessage());
  }

  @Test
  void busAddresses() throws Exception {
    assertNull(Scopes.busAddress(Map.of()));
    Path runtime = Files.createDirectories(tmp.resolve("r"));
    assertNull(Scopes.busAddress(Map.of("XDG_RUNTIME_DIR", runtime.toString())));
    Files.writeString(runtime.resolve("bus"), "");
    assertEquals(
        "unix:path=" + runtime.resolve("bus"),
        Scopes.busAddress(Map.of("XDG_RUNTIME_DIR", runtime.toString())));
    assertEquals(
        "unix:abstract=/tmp/dbus-x",
        Scopes.busAddress(Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:abstract=/tmp/dbus-x")));
  }
}
