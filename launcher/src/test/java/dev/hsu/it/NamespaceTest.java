package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The namespaces, identity and privileges the app gets. */
class NamespaceTest extends SandboxTestBase {

  @ParameterizedTest
  @ValueSource(strings = {"user", "mnt", "pid", "net", "uts", "ipc", "cgroup"})
  void namespaceDiffersFromTheHost(String ns) {
    String inside = sb.profile().probe("ns", ns).launch().ok().line();
    assertTrue(inside.startsWith(ns + ":["), inside);
    assertNotEquals(HostProcs.ns(ns), inside, "the sandbox shares the host's " + ns + " namespace");
  }

  @Test
  void pidNamespaceHoldsOnlyTheSandbox() {
    Result r = sb.profile().probe("pids").launch();
    Map<String, String> f = r.fields();
    List<String> pids = Arrays.asList(f.get("pids").split(","));
    assertTrue(pids.contains(f.get("self")), r::describe);
    assertTrue(pids.size() <= 3, () -> "more processes than init and the app\n" + r.describe());
  }

  @Test
  void networkNoneHasOnlyLoopbackUp() {
    Result r = sb.profile().probe("netifs").launch().ok();
    Map<String, String> ifs = interfaces(r.line());
    assertEquals("up", ifs.get("lo"), r::describe);
    List<String> up = new ArrayList<>();
    ifs.forEach(
        (name, state) -> {
          if (state.equals("up")) up.add(name);
        });
    assertEquals(List.of("lo"), up, r::describe);
  }

  @Test
  void networkHostSharesTheHostNetworkNamespace() {
    String inside = sb.profile().yaml("network: host").probe("ns", "net").launch().ok().line();
    assertEquals(HostProcs.ns("net"), inside);
  }

  @Test
  void networkHostKeepsTheOtherNamespacesPrivate() {
    String inside = sb.profile().yaml("network: host").probe("ns", "mnt").launch().ok().line();
    assertNotEquals(HostProcs.ns("mnt"), inside);
  }

  @Test
  void defaultHostnameIsHsu() {
    assertEquals("hsu", sb.profile().probe("hostname").launch().ok().line());
  }

  @Test
  void hostnameAsAsked() {
    String h = sb.profile().yaml("hostname: box-1.example").probe("hostname").launch().ok().line();
    assertEquals("box-1.example", h);
  }

  @Test
  void defaultIdsAreTheCallers() {
    Map<String, String> f = sb.profile().probe("ids").launch().fields();
    String uid = Integer.toString(tree.uid());
    String gid = Integer.toString(tree.gid());
    assertEquals(List.of(uid, uid, uid), List.of(f.get("ruid"), f.get("euid"), f.get("suid")));
    assertEquals(List.of(gid, gid, gid), List.of(f.get("rgid"), f.get("egid"), f.get("sgid")));
  }

  @Test
  void idsAsAsked() {
    Map<String, String> f =
        sb.profile().yaml("ids: {uid: 0, gid: 0}").probe("ids").launch().fields();
    assertEquals(List.of("0", "0", "0"), List.of(f.get("ruid"), f.get("euid"), f.get("suid")));
    assertEquals(List.of("0", "0", "0"), List.of(f.get("rgid"), f.get("egid"), f.get("sgid")));
    Map<String, String> g =
        sb.profile().yaml("ids: {uid: 1234, gid: 4321}").probe("ids").launch().fields();
    assertEquals("1234", g.get("euid"));
    assertEquals("4321", g.get("egid"));
  }

  @Test
  void noCapabilitiesAndNoNewPrivs() {
    assertNoPrivileges(sb.profile().probe("caps").launch());
  }

  @Test
  void noCapabilitiesEvenAsRootInside() {
    assertNoPrivileges(sb.profile().yaml("ids: {uid: 0, gid: 0}").probe("caps").launch());
  }

  @Test
  void boundingSetIsEmpty() {
    Map<String, String> f =
        sb.profile().yaml("ids: {uid: 0, gid: 0}").probe("caps").launch().fields();
    assertEquals(0L, Long.parseUnsignedLong(f.get("CapBnd"), 16), "CapBnd=" + f.get("CapBnd"));
  }

  @Test
  void appRunsInANewSession() {
    Result r = sb.profile().probe("sid").launch();
    Map<String, String> f = r.fields();
    // getsid() is 0 when the session leader lives outside the pid namespace, i.e. the app
    // still shares the caller's session (and its controlling terminal).
    assertNotEquals("0", f.get("sid"), () -> "the app shares the host's session\n" + r.describe());
    int sid = Integer.parseInt(f.get("sid"));
    int pid = Integer.parseInt(f.get("pid"));
    assertTrue(sid == pid || sid == 1 || sid == Integer.parseInt(f.get("ppid")), r::describe);
  }

  @Test
  void defaultCwdIsHome() {
    assertEquals(sb.home.toString(), sb.profile().probe("cwd").launch().ok().line());
  }

  @Test
  void cwdAsAsked() {
    String cwd = sb.profile().yaml("cwd: /usr").probe("cwd").launch().ok().line();
    assertEquals("/usr", cwd);
  }

  private static void assertNoPrivileges(Result r) {
    Map<String, String> f = r.fields();
    for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapAmb")) {
      assertEquals(0L, Long.parseUnsignedLong(f.get(set), 16), () -> set + "\n" + r.describe());
    }
    assertEquals("1", f.get("no_new_privs"), r::describe);
  }

  private static Map<String, String> interfaces(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String item : line.trim().split(" +")) {
      if (item.isEmpty()) continue;
      int c = item.lastIndexOf(':');
      m.put(item.substring(0, c), item.substring(c + 1));
    }
    return m;
  }
}
