package dev.hsu.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scope of {@code hsu launch} through the C front (init-c/src/front.c), which runs every plain
 * launch, a miss of the plan cache as a hit: sd-bus, loaded when a scope is started, against a real
 * dbus-daemon and the stand-in for systemd, with the same call as the JVM's (MenusAndServicesTest).
 */
final class FrontScopeSandboxTest {
  @TempDir Path tmp;

  @Test
  void aMissAndAHitStartTheScopeAndWaitForItsJob() throws Exception {
    Path hsu = Path.of(System.getProperty("hsu.home", "..")).toAbsolutePath().normalize();
    Path run = Files.createDirectories(tmp.resolve("run/systemd")).getParent();
    Files.writeString(run.resolve("systemd/private"), "");
    // An hsu-init that only ends: the front's steps before it are what is checked.
    Path init = tmp.resolve("init");
    Files.writeString(init, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwx------"));
    Path p = tmp.resolve("front.yaml");
    Files.writeString(
        p,
        "id: org.example.Front\nname: Front\ncommand: [/bin/true]\n"
            + "limits: {memory: 64M, tasks: 32}\n");
    try (FakeSystemd bus = new FakeSystemd(Files.createDirectories(tmp.resolve("bus")), true)) {
      bus.delayMillis = 800;
      bus.fromOwner = true;
      // A miss (the JVM compiles, the front launches), then a hit with no JVM at all.
      List<String> javas = List.of("java", "/nonexistent/java");
      for (int i = 0; i < javas.size(); i++) {
        ProcessBuilder pb =
            new ProcessBuilder(hsu.resolve("hsu").toString(), "launch", p.toString())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(
            Map.of(
                "HOME", Files.createDirectories(tmp.resolve("home")).toString(),
                "USER", "u",
                "PATH", System.getenv("PATH"),
                "XDG_RUNTIME_DIR", run.toString(),
                "XDG_CACHE_HOME", tmp.resolve("cache").toString(),
                "XDG_DATA_HOME", tmp.resolve("data").toString(),
                "XDG_CONFIG_HOME", tmp.resolve("config").toString(),
                "DBUS_SESSION_BUS_ADDRESS", bus.address,
                "HSU_INIT", init.toString(),
                "HSU_JAVA", javas.get(i)));
        long start = System.nanoTime();
        Process pr = pb.start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, pr.waitFor(), javas.get(i) + ": " + out);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(i + 1, bus.calls.size(), out);
        FakeSystemd.Call c = bus.calls.get(i);
        assertEquals("app-hsu-org.example.Front-" + pr.pid() + ".scope", c.unit());
        assertEquals("fail", c.mode());
        assertEquals(
            List.of(
                "Description s Front (hsu sandbox)",
                "PIDs au [" + pr.pid() + "]",
                "CollectMode s inactive-or-failed",
                "MemoryMax t 67108864",
                "TasksMax t 32"),
            c.properties());
        assertTrue(millis >= bus.delayMillis, "hsu-init ran before JobRemoved: " + millis + " ms");
      }
    }
  }
}
