package dev.hsu.compile;

import static dev.hsu.compile.TestProfiles.p;
import static dev.hsu.compile.TestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.Op;
import dev.hsu.plan.Plan;
import dev.hsu.profile.Profile;
import dev.hsu.profile.Profile.FsEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class CompilerTest {
  @Test
  void environmentIsAnAllowlist() throws Exception {
    Plan plan =
        Compiler.compile(
            profile("org.example.A", "a").pass("LD_PRELOAD", "TERM", "UNSET").set("X", "1").build(),
            TestProfiles.ENV);
    Map<String, String> env = plan.params().env();
    assertEquals("/tmp/evil.so", env.get("LD_PRELOAD")); // only because the profile asked
    assertFalse(env.containsKey("SECRET_TOKEN"));
    assertFalse(env.containsKey("WAYLAND_DISPLAY"));
    assertFalse(env.containsKey("UNSET"));
    assertEquals("1", env.get("X"));
    assertEquals(Profile.Env.PATH, env.get("PATH")); // not the host's PATH
    assertEquals(List.copyOf(env.keySet()), env.keySet().stream().sorted().toList());

    Map<String, String> plain =
        Compiler.compile(profile("org.example.A", "a").build(), TestProfiles.ENV).params().env();
    assertEquals(
        List.of("HOME", "LANG", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "XDG_RUNTIME_DIR"),
        List.copyOf(plain.keySet()));
  }

  @Test
  void setOverridesAlwaysSetVariables() throws Exception {
    Map<String, String> env =
        Compiler.compile(
                profile("org.example.A", "a").set("SHELL", "/bin/bash").set("HOME", "/h").build(),
                Map.of())
            .params()
            .env();
    assertEquals("/bin/bash", env.get("SHELL"));
    assertEquals("/h", env.get("HOME"));
  }

  @Test
  void extraArgumentsAreAppended() throws Exception {
    Plan plan =
        Compiler.compile(
            profile("org.example.A", "a", "b").build(), Map.of(), List.of("--x", "; rm -rf /"));
    assertEquals(List.of("a", "b", "--x", "; rm -rf /"), plan.params().argv());
  }

  @Test
  void baseOpsComeFirstInOrder() throws Exception {
    Plan plan =
        Compiler.compile(
            profile("org.example.A", "a")
                .device("/dev/dri", true)
                .fs(new FsEntry.Mkdir(p("/x"), 0700))
                .daemon("/bin/d", List.of(), "/run/d", java.time.Duration.ofSeconds(1))
                .build(),
            Map.of());
    List<String> kinds = plan.ops().stream().map(o -> o.getClass().getSimpleName()).toList();
    assertEquals(
        List.of(
            "AutoRoot",
            "AutoEtc",
            "Place",
            "Place",
            "Place",
            "Place",
            "Proc",
            "Sysfs",
            "Dev",
            "Tmpfs",
            "Tmpfs",
            "Tmpfs",
            "Bind",
            "Bind",
            "Mkdir",
            "Daemon"),
        kinds);
    Op.Bind device = (Op.Bind) plan.ops().get(13);
    assertTrue(device.device() && device.optional() && !device.writable());
    Op.Daemon daemon = (Op.Daemon) plan.ops().get(15);
    assertEquals(plan.params().envList(), daemon.env());
  }

  @Test
  void anOwnNetworkNamespaceGetsANewSysfsInsteadOfTheHostsMirror() throws Exception {
    Plan plan =
        Compiler.compile(profile("org.example.A", "a").root(true, "boot").build(), Map.of());
    Op.AutoRoot root = (Op.AutoRoot) plan.ops().get(0);
    assertEquals(List.of("boot", "sys"), root.exclude());
    assertEquals(1, plan.ops().stream().filter(o -> o.equals(new Op.Sysfs(p("/sys")))).count());
  }

  @Test
  void noNewSysfsWithTheHostNetworkWithoutSysOrWithoutTheMirror() throws Exception {
    for (TestProfiles.Builder b :
        List.of(
            profile("org.example.A", "a").network(Profile.Network.HOST),
            profile("org.example.A", "a").root(true, "sys"),
            profile("org.example.A", "a").root(false))) {
      Plan plan = Compiler.compile(b.build(), Map.of());
      assertTrue(plan.ops().stream().noneMatch(o -> o instanceof Op.Sysfs), plan.ops()::toString);
      plan.ops().stream()
          .filter(o -> o instanceof Op.AutoRoot)
          .forEach(o -> assertEquals(b.build().root().exclude(), ((Op.AutoRoot) o).exclude()));
    }
  }

  @Test
  void etcSkipsWhatHsuPlacesAndTheHostAccountFiles() throws Exception {
    for (TestProfiles.Builder b :
        List.of(
            profile("org.example.A", "a"),
            profile("org.example.A", "a").etc(Profile.Etc.Kind.ONLY, "fonts", "passwd-"))) {
      Op.AutoEtc etc = (Op.AutoEtc) Compiler.compile(b.build(), Map.of()).ops().get(1);
      assertTrue(etc.skip().containsAll(Compiler.PLACED_ETC), etc::toString);
      List<String> accounts = List.of("passwd-", "group-", "shadow", "gshadow", "subuid", "subgid");
      assertTrue(etc.skip().containsAll(accounts), etc::toString);
    }
  }

  @Test
  void passwdUsesInsideIds() throws Exception {
    Plan plan = Compiler.compile(profile("org.example.A", "a").ids(0, 100).build(), Map.of());
    Op.Place passwd = (Op.Place) plan.ops().get(2);
    assertEquals(AbsPath.of("/etc/passwd"), passwd.target());
    assertEquals(
        "user:x:0:100:user:/home/user:/bin/sh\n",
        new String(passwd.data(), StandardCharsets.UTF_8));
  }

  @Test
  void noMirrorNoEtc() throws Exception {
    Plan plan =
        Compiler.compile(
            profile("org.example.A", "a").root(false).etc(Profile.Etc.Kind.NONE).build(), Map.of());
    assertInstanceOf(Op.Place.class, plan.ops().get(0));
  }

  @Test
  void invalidCombinationsAreCompileErrors() {
    Profile p =
        profile("org.example.A", "a")
            .fs(
                new FsEntry.Overlay(
                    p("/x"), List.of(p("/x")), FsEntry.Overlay.Writes.NONE, null, null))
            .build();
    CompileException e = assertThrows(CompileException.class, () -> Compiler.compile(p, Map.of()));
    assertEquals(
        "org.example.A.yaml: cannot compile: read-only overlay on \"/x\" needs at least two lower"
            + " directories",
        e.getMessage());
    Profile q =
        profile("org.example.A", "a")
            .fs(new FsEntry.Bind(p("/x"), p("/x"), false, false, true, true))
            .build();
    assertThrows(CompileException.class, () -> Compiler.compile(q, Map.of()));
  }
}
