package dev.hsu.compile;

import static dev.hsu.compile.TestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.Instance;
import dev.hsu.plan.Op;
import dev.hsu.plan.Plan;
import dev.hsu.plan.Wayland;
import dev.hsu.profile.Profile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code wayland:} compiles to: the records, the bind, the environment, the socket path. */
final class WaylandCompileTest {
  static final String ID = TestProfiles.INSTANCE_ID;

  static Plan compile(Profile.Wayland w, Map<String, String> env) throws CompileException {
    return Compiler.compile(
        profile("org.example.App", "app").wayland(w).build(), env, List.of(), ID);
  }

  static Map<String, String> env(String display) {
    Map<String, String> env = new HashMap<>(TestProfiles.ENV);
    if (display == null) {
      env.remove("WAYLAND_DISPLAY");
    } else {
      env.put("WAYLAND_DISPLAY", display);
    }
    return env;
  }

  @Test
  void securityContext() throws CompileException {
    Plan plan = compile(new Profile.Wayland(false), env("wayland-1"));
    assertEquals(ID, plan.instance().id());
    assertEquals(AbsPath.of("/run/user/1000/hsu/" + ID), plan.instance().dir());
    assertEquals(
        new Wayland(
            false,
            AbsPath.of("/run/user/1000/wayland-1"),
            AbsPath.of("/run/user/1000/hsu/" + ID + "/wayland-0"),
            "org.example.App"),
        plan.wayland());
    assertEquals("wayland-0", plan.params().env().get("WAYLAND_DISPLAY"));
    assertEquals("wayland", plan.params().env().get("XDG_SESSION_TYPE"));
    assertTrue(
        plan.ops()
            .contains(
                new Op.Bind(
                    AbsPath.of("/run/user/1000/hsu/" + ID + "/wayland-0"),
                    AbsPath.of("/run/user/1000/wayland-0"),
                    false,
                    false,
                    false,
                    false)));
  }

  @Test
  void theBindFollowsTheRuntimeDirTmpfs() throws CompileException {
    List<Op> ops = compile(new Profile.Wayland(false), env(null)).ops();
    int tmpfs = ops.indexOf(new Op.Tmpfs(AbsPath.of("/run/user/1000"), 0, 0700, false));
    assertTrue(tmpfs >= 0);
    assertTrue(
        ops.get(tmpfs + 1) instanceof Op.Bind b
            && b.target().value().equals("/run/user/1000/wayland-0"));
  }

  @Test
  void compositorSocketFromWaylandDisplay() throws CompileException {
    assertEquals(
        "/run/user/1000/wayland-0",
        compile(new Profile.Wayland(false), env(null)).wayland().compositor().value());
    assertEquals(
        "/run/user/1000/wayland-0",
        compile(new Profile.Wayland(false), env("")).wayland().compositor().value());
    assertEquals(
        "/tmp/sway/wayland-5",
        compile(new Profile.Wayland(false), env("/tmp/sway/wayland-5"))
            .wayland()
            .compositor()
            .value());
    assertEquals(
        "/run/user/1000/sub/w",
        compile(new Profile.Wayland(false), env("sub/w")).wayland().compositor().value());
    CompileException e =
        assertThrows(
            CompileException.class, () -> compile(new Profile.Wayland(false), env("../wayland-0")));
    assertTrue(
        e.getMessage()
            .contains(
                "the Wayland socket \"/run/user/1000/../wayland-0\" from" + " WAYLAND_DISPLAY"),
        e.getMessage());
  }

  @Test
  void directPassesTheCompositorSocket() throws CompileException {
    Plan plan = compile(new Profile.Wayland(true), env("wayland-1"));
    assertTrue(plan.wayland().direct());
    assertEquals(plan.wayland().compositor(), plan.wayland().socket());
    assertTrue(
        plan.ops()
            .contains(
                new Op.Bind(
                    AbsPath.of("/run/user/1000/wayland-1"),
                    AbsPath.of("/run/user/1000/wayland-0"),
                    false,
                    false,
                    false,
                    false)));
    assertEquals("wayland-0", plan.params().env().get("WAYLAND_DISPLAY"));
  }

  @Test
  void withoutWaylandNothingOfIt() throws CompileException {
    Plan plan = compile(null, env("wayland-1"));
    // Every sandbox has an instance (hsu ps lists it); it grants nothing of Wayland.
    assertTrue(plan.instance().grants().isEmpty(), plan.instance().toString());
    assertNull(plan.wayland());
    assertFalse(plan.params().env().containsKey("WAYLAND_DISPLAY"));
    assertFalse(plan.params().env().containsKey("XDG_SESSION_TYPE"));
    assertFalse(
        plan.ops().stream()
            .anyMatch(o -> o instanceof Op.Bind b && b.target().value().endsWith("/wayland-0")));
  }

  @Test
  void aProfileMayStillOverrideTheVariables() throws CompileException {
    Profile p =
        profile("org.example.App", "app")
            .wayland(new Profile.Wayland(false))
            .set("XDG_SESSION_TYPE", "x11")
            .build();
    assertEquals(
        "x11",
        Compiler.compile(p, env(null), List.of(), ID).params().env().get("XDG_SESSION_TYPE"));
  }

  @Test
  void instanceIdsAreRandomHex() {
    String a = Compiler.newInstanceId();
    String b = Compiler.newInstanceId();
    assertTrue(Instance.isId(a), a);
    assertTrue(Instance.isId(b), b);
    assertNotEquals(a, b);
  }

  @Test
  void aBadInstanceIdIsACompileError() {
    Profile p = profile("org.example.App", "app").wayland(new Profile.Wayland(false)).build();
    assertThrows(CompileException.class, () -> Compiler.compile(p, env(null), List.of(), "ABC"));
  }
}
