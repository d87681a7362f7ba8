package dev.hsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.PlanFlags;
import dev.hsu.plan.PlanWriter;
import dev.hsu.profile.Loader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-process CLI tests: exit codes, what goes to stdout and stderr, what launch would exec. */
final class MainTest {
  @TempDir Path tmp;
  Path home;
  Path hsuHome;
  Map<String, String> env;
  final List<String> execs = new ArrayList<>();
  final List<String> dirs = new ArrayList<>();

  /** The sysctls the fake host reports (name as under /proc/sys). */
  final Map<String, String> hostSysctls = new HashMap<>();

  byte[] execPlan;
  String out;
  String err;

  /** Thrown by the fake exec instead of replacing the process. */
  static final class Exec extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @BeforeEach
  void setUp() throws IOException {
    home = Files.createDirectories(tmp.resolve("home/user"));
    hsuHome = Files.createDirectories(tmp.resolve("hsu"));
    Files.createDirectories(hsuHome.resolve("profiles/base"));
    Files.createDirectories(hsuHome.resolve("profiles/apps"));
    env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("USER", "user");
    env.put("TERM", "xterm");
    env.put("SECRET_TOKEN", "hunter2");
    env.put("XDG_RUNTIME_DIR", "/run/user/1000");
  }

  /** The launch host of the last {@link #run}. */
  FakeLaunchHost launchHost;

  Context ctx() {
    launchHost =
        new FakeLaunchHost() {
          @Override
          public void ensureDir(AbsPath trusted, AbsPath dir) {
            dirs.add(trusted + " " + dir);
          }

          @Override
          public String sysctl(String name) {
            return hostSysctls.get(name);
          }

          @Override
          public void exec(String init, byte[] plan, List<String> environment) {
            execs.add(init);
            execs.addAll(environment.stream().sorted().toList());
            execPlan = plan;
            throw new MainTest.Exec();
          }
        };
    return new Context(
        env,
        Layout.checkout(hsuHome),
        new Context.Ids() {
          @Override
          public int uid() {
            return 1000;
          }

          @Override
          public int gid() {
            return 1000;
          }
        },
        (host, baseDirs, file) -> new Loader(host, baseDirs).load(file),
        launchHost);
  }

  int run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8),
            ctx());
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    assertFalse(err.contains("\tat "), "stack trace in stderr:\n" + err);
    return code;
  }

  Path profile(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }

  static final String HELLO = "id: org.example.Hello\ncommand: [hello]\n";
  static final String BAD = "id: org.example.Bad\ncommand: [x]\nhostnme: box\n";

  @Test
  void noCommandIsUsage() {
    assertEquals(2, run());
    assertTrue(err.contains("a command is required"), err);
  }

  @Test
  void unknownCommandOrOptionIsUsage() {
    assertEquals(2, run("frobnicate"));
    assertTrue(err.contains("frobnicate"), err);
    assertEquals(2, run("compile", "--bogus", "x.yaml"));
    assertTrue(err.contains("--bogus") && err.contains("hsu compile --help"), err);
    assertEquals(2, run("check"));
  }

  @Test
  void helpAndVersion() {
    assertEquals(0, run("--help"));
    assertTrue(out.contains("launch") && out.contains("125"), out);
    for (String c : List.of("check", "compile", "launch", "version")) {
      assertEquals(0, run(c, "--help"), c);
      assertTrue(out.contains("Usage: hsu " + c), out);
    }
    assertEquals(0, run("version"));
    assertEquals("hsu " + VersionCommand.VERSION + " (plan format 2)\n", out);
    assertEquals(0, run("--version"));
    assertTrue(out.startsWith("hsu "), out);
  }

  @Test
  void checkOkAndInvalid() throws IOException {
    Path ok = profile("ok.yaml", HELLO);
    Path bad = profile("bad.yaml", BAD);
    assertEquals(0, run("check", ok.toString()));
    assertEquals(ok + ": ok\n", out);
    assertEquals("", err);

    assertEquals(2, run("check", ok.toString(), bad.toString()));
    assertTrue(err.contains("bad.yaml:3:1: error:"), err);
    assertTrue(err.contains("hostnme"), err);
    assertTrue(out.contains("ok.yaml: ok"), out);
  }

  static final String RISKY = HELLO + "network: host\nseccomp:\n  relax: [allow-ptrace]\n";

  @Test
  void checkShowsWarningsButSucceeds() throws IOException {
    Path risky = profile("risky.yaml", RISKY);
    assertEquals(0, run("check", risky.toString()));
    assertEquals(risky + ": ok, 2 warnings\n", out);
    assertTrue(
        err.startsWith(risky + ":3:10: warning: 'network: host' shares the host's network"), err);
    assertTrue(err.contains(risky + ":5:11: warning: seccomp relax 'allow-ptrace'"), err);
    assertTrue(err.contains("    5 |   relax: [allow-ptrace]\n"), err);
    assertFalse(err.contains("error"), err);

    // warnings never turn an invalid profile valid, nor a valid one invalid
    assertEquals(2, run("check", risky.toString(), profile("bad.yaml", BAD).toString()));
    assertTrue(out.contains("risky.yaml: ok, 2 warnings"), out);
  }

  @Test
  void compileShowsTheFilterAndLaunchKeepsQuietAboutWarnings() throws IOException {
    Path risky = profile("risky.yaml", RISKY);
    assertEquals(0, run("compile", risky.toString()));
    assertTrue(
        out.contains(
            "seccomp presets common, ext, deny-ns, deny-tty, deny-devel; relaxed: allow-ptrace\n"
                + "seccomp socket families unix, inet, inet6, netlink\n"
                + "landlock scopes abstract-unix, signal (required)\n"
                + "landlock allow read, execute beneath \"/\"\n"),
        out);
    assertTrue(out.contains("landlock tcp not restricted\n"), out);
    assertTrue(err.contains("warning:"), err);

    env.put("HSU_INIT", "/opt/hsu/hsu-init");
    run("launch", risky.toString());
    assertEquals("/opt/hsu/hsu-init", execs.get(0));
    assertFalse(err.contains("warning"), err);
  }

  @Test
  void checkMissingFileIsFailure() {
    assertEquals(1, run("check", tmp.resolve("nope.yaml").toString()));
    assertTrue(err.startsWith("hsu: no profile \"" + tmp.resolve("nope.yaml")), err);
    assertEquals(2, run("check", tmp.resolve("nope.yaml").toString(), profile2()));
  }

  private String profile2() {
    try {
      return profile("bad2.yaml", BAD).toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void compilePrintsTheDefaults() throws IOException {
    Path ok = profile("ok.yaml", HELLO);
    assertEquals(0, run("compile", ok.toString()));
    assertTrue(out.contains("argv \"hello\"\n"), out);
    assertTrue(out.contains("env TERM=\"xterm\"\n"), out);
    assertFalse(out.contains("SECRET_TOKEN"), out);
    assertTrue(out.contains("mount proc on \"/proc\"\n"), out);
    assertEquals(0, run("compile", "--json", ok.toString()));
    assertTrue(out.startsWith("{\n  \"version\": 2,"), out);
    assertEquals(2, run("compile", profile("bad.yaml", BAD).toString()));
    assertTrue(err.contains("bad.yaml:3:1: error:"), err);
    assertEquals(1, run("compile", tmp.resolve("missing.yaml").toString()));
  }

  @Test
  void compileWritesTheBinaryPlan() throws IOException {
    Path ok = profile("ok.yaml", HELLO);
    Path plan = tmp.resolve("ok.plan");
    assertEquals(0, run("compile", ok.toString(), "-o", plan.toString()));
    assertEquals("", out);
    byte[] bytes = Files.readAllBytes(plan);
    assertArrayEquals(
        "HSUPLAN\0".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(bytes, 8));
    assertEquals(
        1, run("compile", ok.toString(), "-o", tmp.resolve("no/such/dir/x.plan").toString()));
    assertTrue(err.startsWith("hsu: cannot write \""), err);
  }

  /** Every shipped app profile, found by name as a user would, passes hsu check: no error. */
  @Test
  void everyShippedProfileChecksWithoutErrors() throws IOException {
    hsuHome = Path.of("..").toAbsolutePath().normalize();
    List<String> names;
    try (var s = Files.list(hsuHome.resolve("profiles/apps"))) {
      names =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .map(n -> n.substring(0, n.length() - ".yaml".length()))
              .sorted()
              .toList();
    }
    assertTrue(names.size() >= 15, names::toString);
    for (String name : names) {
      assertEquals(0, run("check", name), () -> name + ":\n" + err);
      assertTrue(out.startsWith(hsuHome.resolve("profiles/apps/" + name + ".yaml") + ": ok"), out);
      assertFalse(err.contains("error:"), err);
    }
  }

  @Test
  void profileLookupByName() throws IOException {
    Files.writeString(hsuHome.resolve("profiles/apps/hello.yaml"), HELLO);
    assertEquals(0, run("check", "hello"));
    assertTrue(out.endsWith("profiles/apps/hello.yaml: ok\n"), out);
    Path user = Files.createDirectories(home.resolve(".config/hsu/profiles"));
    Files.writeString(user.resolve("hello.yaml"), HELLO.replace("Hello", "Mine"));
    assertEquals(0, run("check", "hello.yaml"));
    assertTrue(out.startsWith(user.resolve("hello.yaml").toString()), out);
    assertEquals(1, run("check", "nothing"));
    assertTrue(
        err.contains("no profile \"nothing\": no such file, nor in \"" + user + "\" or \""), err);
  }

  @Test
  void launchExecsInitWithTheHostEnvironment() throws IOException {
    Path ok = profile("ok.yaml", HELLO);
    env.put("HSU_INIT", "/opt/hsu/hsu-init");
    assertEquals(125, run("launch", ok.toString()));
    assertEquals("/opt/hsu/hsu-init", execs.get(0));
    assertEquals(List.of("/run/user/1000 1000"), launchHost.prepared);
    assertTrue(execs.contains("SECRET_TOKEN=hunter2"), execs.toString()); // hsu-init filters
    assertArrayEquals(
        java.util.Arrays.copyOf(execPlan, 8), "HSUPLAN\0".getBytes(StandardCharsets.US_ASCII));
    assertEquals(
        List.of(
            home
                + "/.local/share/hsu/apps "
                + home
                + "/.local/share/hsu/apps/org.example.Hello/home"),
        dirs);
  }

  @Test
  void launchArgumentsAreData() throws IOException {
    Path ok = profile("ok.yaml", HELLO);
    assertEquals(List.of("hello"), launchArgv(ok));
    assertEquals(
        List.of("hello", "a", "-x", "--help", "@file"),
        launchArgv(ok, "--", "a", "-x", "--help", "@file"));
    assertEquals(List.of("hello", "--", "--", "-h"), launchArgv(ok, "--", "--", "--", "-h"));
    assertEquals(List.of("hello", "a", "--b"), launchArgv(ok, "a", "--b"));
  }

  @Test
  void aPlainLaunchIsParsedAsPicocliParsesIt() throws IOException {
    Path ok = profile("ok.yaml", HELLO);
    PrintStream sink = new PrintStream(java.io.OutputStream.nullOutputStream());
    Errors errors = new Errors(sink, false);
    for (List<String> extra :
        List.of(
            List.<String>of(),
            List.of("--", "a", "-x", "--help", "@file"),
            List.of("--", "--", "--", "-h"),
            List.of("a", "--b", "--die-with-parent"),
            List.of(""))) {
      List<String> all = new ArrayList<>(List.of("launch", ok.toString()));
      all.addAll(extra);
      String[] argv = all.toArray(String[]::new);
      LaunchCommand plain = LaunchCommand.plain(new Cli(ctx(), sink, errors), argv);
      picocli.CommandLine.ParseResult parsed =
          Main.commandLine(ctx(), sink, errors).parseArgs(argv);
      LaunchCommand picked = (LaunchCommand) parsed.subcommand().commandSpec().userObject();
      assertEquals(picked.profile, plain.profile, all::toString);
      assertEquals(picked.args, plain.args, all::toString);
      assertEquals(picked.dieWithParent, plain.dieWithParent, all::toString);
    }
    Cli cli = new Cli(ctx(), sink, errors);
    for (String[] other :
        new String[][] {
          {"launch"}, {"launch", "--die-with-parent", "x"}, {"launch", "--", "x"}, {"ps", "x"}
        }) {
      assertNull(LaunchCommand.plain(cli, other), List.of(other)::toString);
    }
    // Picocli's way gives what the plain way gives.
    assertEquals(launchArgv(ok, "a"), launchArgvOf("launch", "--", ok.toString(), "a"));
  }

  private List<String> launchArgvOf(String... argv) {
    execs.clear();
    assertEquals(125, run(argv), err);
    return PlanArgv.argv(execPlan);
  }

  @Test
  void dieWithParentComesFromTheProfileOrTheLaunchOption() throws IOException {
    Path plain = profile("ok.yaml", HELLO);
    Path dies = profile("dies.yaml", HELLO + "die-with-parent: true\n");
    assertEquals(125, run("launch", plain.toString()));
    assertEquals(0, paramsFlags(execPlan) & PlanFlags.PARAMS_DIE_WITH_PARENT);
    assertEquals(0, launchHost.dieWithParent, "asked to die with the parent without the key");
    assertEquals(125, run("launch", "--die-with-parent", plain.toString()));
    assertEquals(
        PlanFlags.PARAMS_DIE_WITH_PARENT, paramsFlags(execPlan) & PlanFlags.PARAMS_DIE_WITH_PARENT);
    assertEquals(1, launchHost.dieWithParent);
    assertEquals(125, run("launch", dies.toString()));
    assertEquals(
        PlanFlags.PARAMS_DIE_WITH_PARENT, paramsFlags(execPlan) & PlanFlags.PARAMS_DIE_WITH_PARENT);
    assertEquals(1, launchHost.dieWithParent);
    // After PROFILE it is the app's argument, not hsu's option.
    assertEquals(List.of("hello", "--die-with-parent"), launchArgv(plain, "--die-with-parent"));
    assertEquals(0, launchHost.dieWithParent);
  }

  /** PARAMS.flags of a binary plan: after the header, the record header, uid and gid. */
  static int paramsFlags(byte[] plan) {
    return java.nio.ByteBuffer.wrap(plan)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .getInt(16 + 8 + 8);
  }

  private List<String> launchArgv(Path profile, String... args) {
    List<String> all = new ArrayList<>(List.of("launch", profile.toString()));
    all.addAll(List.of(args));
    execs.clear();
    assertEquals(125, run(all.toArray(String[]::new)), err);
    assertNull(null);
    return PlanArgv.argv(execPlan);
  }

  @Test
  void launchWhereTheHostAllowsNoUserNamespaceIs125AndPointsAtDoctor() throws IOException {
    Path ok = profile("ok.yaml", HELLO);
    for (String[] sysctl :
        new String[][] {
          {"kernel/unprivileged_userns_clone", "kernel.unprivileged_userns_clone = 0"},
          {"user/max_user_namespaces", "user.max_user_namespaces = 0"}
        }) {
      hostSysctls.clear();
      hostSysctls.put(sysctl[0], "0");
      execs.clear();
      assertEquals(125, run("launch", ok.toString()));
      assertTrue(
          err.startsWith(
              "hsu: every sandbox needs an unprivileged user namespace, and this host"
                  + " allows none ("
                  + sysctl[1]
                  + "); 'hsu doctor' says how to allow them"),
          err);
      assertTrue(execs.isEmpty(), execs.toString());
    }
    hostSysctls.put("kernel/unprivileged_userns_clone", "1");
    hostSysctls.put("user/max_user_namespaces", "15000");
    assertEquals(125, run("launch", ok.toString()));
    assertTrue(execs.get(0).endsWith("init-c/build/hsu-init"), err);
  }

  @Test
  void launchFailuresAre125() throws IOException {
    assertEquals(125, run("launch"));
    assertTrue(err.contains("PROFILE"), err);
    assertEquals(125, run("launch", tmp.resolve("none.yaml").toString()));
    assertTrue(err.startsWith("hsu: no profile"), err);
    assertEquals(125, run("launch", profile("bad.yaml", BAD).toString()));
    assertTrue(err.contains("bad.yaml:3:1: error:"), err);
    assertTrue(execs.isEmpty());
    env.remove("HOME");
    assertEquals(125, run("launch", profile("ok.yaml", HELLO).toString()));
    assertTrue(err.startsWith("hsu: HOME is not set"), err);
  }

  @Test
  void internalErrorsAreOneSentence() throws IOException {
    Path ok = profile("ok.yaml", HELLO);
    assertEquals(125, run("launch", ok.toString()));
    assertTrue(err.startsWith("hsu: internal error: "), err);
    assertTrue(err.contains("HSU_DEBUG=1"), err);
    env.put("HSU_DEBUG", "1");
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    Main.run(
        new String[] {"launch", ok.toString()},
        new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(e, true, StandardCharsets.UTF_8),
        ctx());
    assertTrue(e.toString(StandardCharsets.UTF_8).contains("\tat "), "debug shows the trace");
  }

  /** Reads argv back out of a binary plan's PARAMS record. */
  static final class PlanArgv {
    static List<String> argv(byte[] plan) {
      java.nio.ByteBuffer b =
          java.nio.ByteBuffer.wrap(plan).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.position(16 + 8 + 12);
      str(b);
      str(b);
      int n = b.getInt();
      List<String> argv = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        argv.add(str(b));
      }
      return argv;
    }

    static String str(java.nio.ByteBuffer b) {
      byte[] s = new byte[b.getInt()];
      b.get(s);
      return new String(s, StandardCharsets.UTF_8);
    }
  }

  static {
    assertEquals(2, PlanWriter.VERSION);
  }
}
