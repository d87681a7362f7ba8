package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment is an allowlist: only what the profile grants reaches the app. */
class EnvironmentTest extends SandboxTestBase {
  /** Host variables a sandbox must not see unless its profile asks for them. */
  private static final Map<String, String> HOST_ONLY =
      Map.of(
          "HSU_IT_SECRET", "s3cret-token",
          "LD_LIBRARY_PATH", "/hsu-it-nonexistent",
          "DBUS_SESSION_BUS_ADDRESS", "unix:path=/hsu-it-nonexistent/bus",
          "WAYLAND_DISPLAY", "hsu-it-wayland",
          "DISPLAY", ":97",
          "SSH_AUTH_SOCK", "/hsu-it-nonexistent/agent");

  private Map<String, String> envInside(Sandbox.Profile p) {
    Result r = p.probe("env").launch().ok();
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : r.lines()) {
      int eq = line.indexOf('=');
      env.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? null : line.substring(eq + 1));
    }
    return env;
  }

  @Test
  void hostSecretsDoNotArrive() {
    sb.extraEnv.putAll(HOST_ONLY);
    Map<String, String> env = envInside(sb.profile());
    for (String name : HOST_ONLY.keySet()) {
      assertFalse(env.containsKey(name), name + " leaked into the sandbox: " + env);
    }
    for (String name : List.of("XDG_DATA_HOME", "XDG_CONFIG_HOME", "JAVA_HOME")) {
      assertFalse(env.containsKey(name), name + " leaked into the sandbox: " + env);
    }
  }

  @Test
  void alwaysSetVariables() {
    Map<String, String> env = envInside(sb.profile());
    assertEquals(sb.home.toString(), env.get("HOME"), env::toString);
    assertEquals(Sandbox.userName(), env.get("USER"), env::toString);
    assertEquals(Sandbox.userName(), env.get("LOGNAME"), env::toString);
    assertEquals("/usr/local/bin:/usr/bin:/bin", env.get("PATH"), env::toString);
    assertEquals("/bin/sh", env.get("SHELL"), env::toString);
    assertEquals(sb.runtimeDir.toString(), env.get("XDG_RUNTIME_DIR"), env::toString);
  }

  @Test
  void defaultPassListLetsTermThrough() {
    sb.extraEnv.put("TERM", "xterm-hsu-it");
    sb.extraEnv.put("TZ", "Europe/Paris");
    Map<String, String> env = envInside(sb.profile());
    assertEquals("xterm-hsu-it", env.get("TERM"), env::toString);
    assertEquals("Europe/Paris", env.get("TZ"), env::toString);
    assertFalse(env.containsKey("COLORTERM"), "unset on the host, so unset inside: " + env);
  }

  @Test
  void envSetAndPassWork() {
    sb.extraEnv.put("HSU_IT_PASSED", "passed value");
    sb.extraEnv.put("HSU_IT_SECRET", "s3cret-token");
    Map<String, String> env =
        envInside(
            sb.profile()
                .yaml(
                    """
                    env:
                      set: {HSU_IT_SET: "a b=c", SHELL: /bin/false}
                      pass: [HSU_IT_PASSED, HSU_IT_UNSET_ON_HOST]
                    """));
    assertEquals("a b=c", env.get("HSU_IT_SET"), env::toString);
    assertEquals("/bin/false", env.get("SHELL"), "env.set overrides an always-set variable");
    assertEquals("passed value", env.get("HSU_IT_PASSED"), env::toString);
    assertFalse(env.containsKey("HSU_IT_UNSET_ON_HOST"), env::toString);
    assertFalse(env.containsKey("HSU_IT_SECRET"), env::toString);
  }

  @Test
  void variablesExpandInEnvSet() {
    Map<String, String> env =
        envInside(
            sb.profile()
                .yaml("env: {set: {HSU_IT_DIR: \"${HOME}/sub\", HSU_IT_DOLLAR: \"$$HOME\"}}"));
    assertEquals(sb.home + "/sub", env.get("HSU_IT_DIR"), env::toString);
    assertEquals("$HOME", env.get("HSU_IT_DOLLAR"), env::toString);
  }
}
