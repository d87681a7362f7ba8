package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The default sandbox shows no host identity (docs/security.md 16): no host network interface,
 * account or host name, no pseudo filesystem mounted beneath a mirrored directory, no host path in
 * PID 1's command line. Each test has a control: the same look from a place where the protection is
 * off finds what it hides, so the assertion is known to be able to fail.
 */
class HostIdentityTest extends SandboxTestBase {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** /etc files that hold accounts or the host's name, placed by hsu or hidden by it. */
  private static final List<String> ETC_FILES =
      List.of(
          "passwd",
          "group",
          "hostname",
          "hosts",
          "passwd-",
          "group-",
          "shadow",
          "shadow-",
          "gshadow",
          "gshadow-",
          "subuid",
          "subuid-",
          "subgid",
          "subgid-",
          "mailname",
          "machine-info");

  // ---- /sys/class/net: the sandbox's own network namespace, the host's with network: host ----

  @Test
  void onlyLoopbackInSysClassNet() {
    assertEquals(List.of("lo"), sb.profile().probe("ls", "/sys/class/net").launch().ok().lines());
    assertEquals(
        List.of("lo"), sb.profile().probe("ls", "/sys/devices/virtual/net").launch().ok().lines());
  }

  @Test
  void controlABindOfTheHostSysShowsTheHostsInterfaces() {
    List<String> host = hostInterfaces();
    var bound = sb.profile().fs("{bind: /sys, to: /sys}");
    assertEquals(host, bound.probe("ls", "/sys/class/net").launch().ok().lines());
    var hostNet = sb.profile().yaml("network: host");
    assertEquals(host, hostNet.probe("ls", "/sys/class/net").launch().ok().lines());
    if (host.equals(List.of("lo"))) {
      System.out.println("this host has only lo: the control shows only that");
    }
  }

  @Test
  void theNewSysfsCarriesNoHostMountAndKeepsDevices() {
    Result cgroup = sb.profile().probe("ls", "/sys/fs/cgroup").launch().ok();
    assertEquals(List.of(), cgroup.lines(), cgroup::describe);
    // What Mesa and libdrm read: devices stay visible.
    assertFalse(sb.profile().probe("ls", "/sys/devices").launch().ok().lines().isEmpty());
    Result dev = sb.profile().probe("stat", "/sys/dev/char").launch().ok();
    assertEquals("type=dir", dev.line().split(" ")[0], dev::describe);
  }

  @Test
  void controlTheHostHasCgroupsBeneathSys() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/sys/fs/cgroup"))) {
      assertTrue(s.findAny().isPresent(), "the host shows nothing beneath /sys/fs/cgroup");
    }
  }

  // ---- /etc: hsu's own passwd, group, hostname, hosts; the host's originals hidden ----

  @Test
  void noHostAccountOrHostNameUnderEtcOrItsHostDirectory() {
    StringBuilder script = new StringBuilder();
    for (String dir : List.of("/etc", "/etc/.host")) {
      for (String f : ETC_FILES) {
        script
            .append("echo \"== ")
            .append(dir)
            .append('/')
            .append(f)
            .append("\"; cat ")
            .append(dir)
            .append('/')
            .append(f)
            .append(" 2>&1\n");
      }
    }
    script.append("exit 0\n");
    Result r = sb.profile().command("/bin/sh", "-c", script.toString()).launch().ok();
    assertEquals(List.of(), hostAccountsIn(r.stdout()), r::describe);
    assertFalse(hostNameIn(r.stdout()), () -> "the host's name " + hostName() + r.describe());
    assertTrue(r.stdout().contains("127.0.0.1 localhost hsu"), r::describe); // hsu's own hosts
  }

  @Test
  void controlABindOfTheHostEtcShowsAccountsAndTheHostName() {
    String script = "cat /hostetc/passwd /hostetc/hostname /hostetc/hosts 2>&1; exit 0";
    Result r =
        sb.profile()
            .fs("{bind: /etc, to: /hostetc}")
            .command("/bin/sh", "-c", script)
            .launch()
            .ok();
    assertTrue(hostAccountsIn(r.stdout()).contains("root"), r::describe);
    if (Files.exists(Path.of("/etc/hostname"))) {
      assertTrue(hostNameIn(r.stdout()), r::describe);
    } else {
      System.out.println("this host has no /etc/hostname: the control shows the accounts only");
    }
  }

  @Test
  void theShadowFilesAreNotReadable() {
    // Not linked into /etc; in /etc/.host an empty file covers each (where the host has one).
    for (String f :
        List.of("/etc/shadow", "/etc/gshadow", "/etc/.host/shadow", "/etc/.host/gshadow")) {
      Result r = sb.profile().probe("read", f).launch();
      boolean refused =
          r.exit() == 1
              && (r.line().startsWith("ERR ENOENT ") || r.line().startsWith("ERR EACCES "));
      assertTrue(refused || (r.exit() == 0 && r.stdoutBytes().length == 0), r::describe);
    }
  }

  // ---- pseudo filesystems beneath what the sandbox mirrors or binds ----

  /**
   * A host /proc bound beneath /var/tmp (as a chroot tool leaves one), in an outer user and mount
   * namespace of the test user: root cannot be asked for. hsu then runs inside it with the test
   * user's ids, and its sandbox's user namespace is one level deeper, as on a real host.
   */
  @Test
  void aHostProcBeneathAMirroredOrBoundDirectoryIsCovered() throws IOException {
    Path chroot = varTmpChroot();
    try {
      Path proc = chroot.resolve("proc");
      Files.writeString(chroot.resolve("kept"), "kept\n");
      hostProcAt(proc);
      assertEquals(List.of(), launchListing(sb.profile(), proc.toString()), "mirrored /var");
      var parent = sb.profile().fs("{bind: " + Sandbox.q(chroot) + ", to: /chroot}");
      assertEquals(List.of(), launchListing(parent, "/chroot/proc"), "bound parent");
      Result kept =
          sb.profile()
              .fs("{bind: " + Sandbox.q(chroot) + ", to: /chroot}")
              .probe("read", "/chroot/kept")
              .launch()
              .ok();
      assertEquals("kept", kept.line(), "the rest of the bound directory is there");
    } finally {
      Sandbox.deleteTree(chroot);
    }
  }

  @Test
  void controlABindThatNamesTheProcMountShowsEveryHostProcess() throws IOException {
    Path chroot = varTmpChroot();
    try {
      Path proc = chroot.resolve("proc");
      hostProcAt(proc);
      var named = sb.profile().fs("{bind: " + Sandbox.q(proc) + ", to: /hostproc}");
      List<String> pids = launchListing(named, "/hostproc");
      assertTrue(pids.contains("1"), "the host's pid 1 is not listed: " + pids);
      assertTrue(pids.size() > 10, "too few host processes: " + pids);
      Result cmdline =
          sb.profile()
              .fs("{bind: " + Sandbox.q(proc) + ", to: /hostproc}")
              .probe("read", "/hostproc/1/cmdline")
              .launch()
              .ok();
      assertFalse(cmdline.stdout().isEmpty(), () -> "host pid 1's cmdline\n" + cmdline.describe());
    } finally {
      Sandbox.deleteTree(chroot);
    }
  }

  // ---- PID 1 ----

  @Test
  void pid1CommandLineNamesNoHostPath() {
    Result r = sb.profile().probe("read", "/proc/1/cmdline").launch().ok();
    assertArrayEquals("hsu-init\0".getBytes(StandardCharsets.UTF_8), r.stdoutBytes(), r::describe);
  }

  @Test
  void controlTheSupervisorsSameArgvNamesHsuInitsHostPath() throws Exception {
    try (Running run = sb.profile().probe("sleep", "60").start()) {
      run.awaitLine(l -> l.startsWith("sleeping"), WAIT);
      String supervisor = cmdline(run.pid());
      assertTrue(supervisor.startsWith(tree.hsuInit() + "\0--plan-fd\0"), supervisor);
      // The sandbox's PID 1, seen from the host: a clone of the supervisor, argv wiped.
      String children =
          Files.readString(
                  Path.of(
                      "/proc",
                      Long.toString(run.pid()),
                      "task",
                      Long.toString(run.pid()),
                      "children"))
              .trim();
      assertFalse(children.isEmpty(), "the supervisor has no child");
      assertEquals("hsu-init\0", cmdline(Long.parseLong(children.split(" ")[0])));
      run.process().destroy();
      run.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void pid1EnvironmentMapsAndLinksAreUnreadable() {
    for (String f : List.of("environ", "maps", "exe", "cwd/.", "root/.", "mem")) {
      Result r = sb.profile().probe(f.endsWith("/.") ? "ls" : "read", "/proc/1/" + f).launch();
      r.assertErrno("EACCES");
    }
    // The control: the app's own are readable.
    assertNotEquals("", sb.profile().probe("read", "/proc/self/environ").launch().ok().stdout());
  }

  // ---- the rest of the review (docs/profiles.md: what a default sandbox can see of the host) ----

  @Test
  void hostnameAndNetworkAreTheSandboxsOwn() {
    Result name = sb.profile().probe("read", "/proc/sys/kernel/hostname").launch().ok();
    assertEquals("hsu", name.line(), name::describe);
    List<String> dev = sb.profile().probe("read", "/proc/net/dev").launch().ok().lines();
    assertEquals(3, dev.size(), () -> "only lo in /proc/net/dev: " + dev);
    assertTrue(dev.get(2).trim().startsWith("lo:"), dev::toString);
  }

  @Test
  void dmiSerialsAreNotReadable() {
    Path uuid = Path.of("/sys/class/dmi/id/product_uuid");
    if (!Files.exists(uuid)) {
      // Not a skip: this machine has no DMI ids to leak; the sandbox has none either.
      System.out.println("this host has no DMI ids (" + uuid + "): checking the sandbox has none");
      sb.profile().probe("read", uuid.toString()).launch().assertErrno("ENOENT");
      return;
    }
    sb.profile().probe("read", uuid.toString()).launch().assertErrno("EACCES");
  }

  // ---- helpers ----

  private static List<String> hostInterfaces() {
    try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The host's account names (users and groups), except the test user's own. */
  private static Set<String> hostAccounts() {
    Set<String> names = new LinkedHashSet<>();
    for (String f : List.of("/etc/passwd", "/etc/group")) {
      try {
        for (String line : Files.readAllLines(Path.of(f))) {
          int colon = line.indexOf(':');
          if (colon > 0) names.add(line.substring(0, colon));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    names.remove(Sandbox.userName());
    return names;
  }

  /** The host account names that start a {@code name:} line of text, as in every account file. */
  private static List<String> hostAccountsIn(String text) {
    Set<String> accounts = hostAccounts();
    List<String> found = new ArrayList<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && accounts.contains(line.substring(0, colon))) {
        found.add(line.substring(0, colon));
      }
    }
    return found;
  }

  private static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hostNameIn(String text) {
    String name = hostName();
    assertNotEquals("hsu", name, "the host is called hsu: the check cannot tell");
    for (String word : text.split("[\\s]+")) {
      if (word.equals(name) || word.startsWith(name + ".")) return true;
    }
    return false;
  }

  private static String cmdline(long pid) throws IOException {
    return new String(
        Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
        StandardCharsets.UTF_8);
  }

  /** A new directory beneath /var/tmp, which the default sandbox mirrors (through /var). */
  private static Path varTmpChroot() throws IOException {
    Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "hsu-it-chroot-");
    Files.createDirectory(dir.resolve("proc"));
    return dir;
  }

  /**
   * Makes the next launches of this world run in an outer user and mount namespace where the host's
   * /proc is bound at {@code at}; fails (or skips, on a laptop) when unshare(1) cannot.
   */
  private void hostProcAt(Path at) {
    String inner =
        "mount --rbind /proc \"$1\" && shift && exec unshare --user --map-user="
            + tree.uid()
            + " --map-group="
            + tree.gid()
            + " -- \"$@\"";
    sb.shellPrefix =
        "exec unshare --user --map-root-user --mount /bin/sh -c "
            + shellQuote(inner)
            + " sh "
            + shellQuote(at.toString())
            + " \"$@\"";
    try {
      Process p =
          new ProcessBuilder("/bin/sh", "-c", sb.shellPrefix + "\nexec \"$@\"", "sh", "/bin/true")
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        String why = "cannot bind /proc in an outer user namespace with unshare(1): " + out;
        if ("1".equals(System.getenv("HSU_REQUIRE_ALL"))) fail(why);
        Assumptions.abort(why);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  private static List<String> launchListing(Sandbox.Profile p, String dir) {
    return p.probe("ls", dir).launch().ok().lines();
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
