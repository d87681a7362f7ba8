package dev.hsu.it;

import static dev.hsu.it.ProcessModelTest.assertNoStackTrace;
import static dev.hsu.it.Sandbox.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input from outside the sandbox (docs/security.md items 2, 3, 10, 13): arguments, names and
 * paths are data, never options or shell code; what the app planted for its next launch is not
 * followed; malformed plans get one sentence.
 */
class OutsideInTest extends SandboxTestBase {

  /** Arguments that a shell or an option parser would act on; each touches a file if run. */
  private List<String> hostile(Path marker) {
    return List.of(
        "-",
        "--",
        "-h",
        "--help",
        "--plan-fd=0",
        "-x--",
        "a\nb",
        "line1\n--version",
        "$(touch " + marker.resolve("cmdsub") + ")",
        "`touch " + marker.resolve("backtick") + "`",
        "; touch " + marker.resolve("semicolon"),
        "&& touch " + marker.resolve("and") + " #",
        "| touch " + marker.resolve("pipe"),
        "'",
        "\"",
        "\\",
        "'\"'\"'",
        "*",
        "",
        " leading and trailing ",
        "$HOME",
        "%s%n%x",
        "\t\u001b[31mred\u0007");
  }

  @Test
  void argumentsAfterDoubleDashArriveVerbatim() throws IOException {
    Path marker = sb.hostDir("marker");
    List<String> args = new ArrayList<>(hostile(marker));
    args.add("${HOME}");
    String bind = "{bind: " + q(marker) + ", writable: true}";
    Result r = sb.profile().fs(bind).probe("argv").launch(args.toArray(String[]::new));
    assertEquals(args, r.probeArgs(), r::describe);
    assertEquals(List.of(), names(marker), "an argument was run as shell code");
  }

  @Test
  void commandEntriesArriveVerbatim() throws IOException {
    Path marker = sb.hostDir("marker");
    List<String> args = hostile(marker);
    List<String> argv = new ArrayList<>(List.of(Sandbox.PROBE, "argv"));
    argv.addAll(args);
    String bind = "{bind: " + q(marker) + ", writable: true}";
    Result r = sb.profile().fs(bind).command(argv.toArray(String[]::new)).launch();
    assertEquals(args, r.probeArgs(), r::describe);
    assertEquals(List.of(), names(marker), "a command entry was run as shell code");
  }

  @Test
  void envValuesArriveVerbatim() throws IOException {
    Path marker = sb.hostDir("marker");
    String value = "$(touch " + marker.resolve("env") + "); `id`\nsecond line";
    Result r = sb.profile().yaml("env: {set: {HSU_IT: " + q(value) + "}}").probe("env").launch();
    assertTrue(r.ok().stdout().contains("HSU_IT=" + value + "\n"), r::describe);
    assertEquals(List.of(), names(marker));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-c", "--version"})
  void optionLikeProgramIsOnlyAName(String program) {
    Result r = sb.profile().command(program, "touch /tmp/x").launch();
    assertEquals(127, r.exit(), r::describe);
    assertTrue(r.stderr().contains("\"" + program + "\""), r::describe);
    assertTrue(r.stdout().isEmpty(), r::describe);
    assertNoStackTrace(r);
  }

  @Test
  void profilePathWithShellMetacharactersIsData() throws IOException {
    // hsu runs with its working directory at sb.root: a shell would create pwned-* there.
    Path dir = sb.hostDir("d $(touch pwned-dir);'\"x");
    String name = "-p;$(touch pwned-cmdsub)`touch pwned-backtick`\n.yaml";
    Path profile = dir.resolve(name);
    String appName = "$(touch pwned-name); `touch pwned-name-bt` | 'q' \"dq\" & -x";
    Files.writeString(profile, sb.profile().yaml("name: " + q(appName)).probe("exit", "7").text());
    Result r = sb.hsu("launch", profile.toString());
    assertEquals(7, r.exit(), r::describe);
    assertEquals(List.of(name), names(dir));
    for (Path d : List.of(sb.root, sb.root.resolve("host"), dir)) {
      assertTrue(names(d).stream().noneMatch(n -> n.startsWith("pwned")), "shell code ran in " + d);
    }
  }

  @Test
  void controlCharactersInAProfileNameAreEscapedInErrors() throws IOException {
    Path p =
        Files.writeString(
            sb.root.resolve("e\u001b[31mvil\nx\u0007.yaml"),
            "id: dev.hsu.it.Bad\ncommand: [/run/probe]\nhostnme: box\n");
    Result r = sb.hsu("launch", p.toString());
    assertEquals(125, r.exit(), r::describe);
    assertNoRawControls(r);
    assertTrue(r.stderr().contains("vil\\nx"), r::describe);
    assertTrue(
        Pattern.compile("(\\\\x1b|\\\\u001b|\\\\e|\\\\033)\\[31m").matcher(r.stderr()).find(),
        r::describe);
    assertTrue(
        Pattern.compile("(?m)^\\S*e\\S*x\\S*\\.yaml:3:1: error: ").matcher(r.stderr()).find(),
        r::describe);
    assertNoStackTrace(r);
  }

  @Test
  void controlCharactersInAMissingProfilePathAreEscaped() {
    Result r = sb.hsu("launch", sb.root.resolve("no\u001b]0;owned\u0007such.yaml").toString());
    assertEquals(125, r.exit(), r::describe);
    assertNoRawControls(r);
    assertTrue(r.stderr().contains("owned"), r::describe);
    assertNoStackTrace(r);
  }

  @Test
  void controlCharactersInProfileValuesAreEscapedInErrors() throws IOException {
    Path p =
        Files.writeString(
            sb.root.resolve("values.yaml"),
            "id: dev.hsu.it.Bad\ncommand: [/run/probe]\nnetwork: \"\\e[31mbridge\\u202e\"\n"
                + "name: \"a\\e]0;title\\u0007b\"\n");
    Result r = sb.hsu("launch", p.toString());
    assertEquals(125, r.exit(), r::describe);
    assertNoRawControls(r);
    assertFalse(r.stderr().contains("\u202e"), () -> "a raw bidi override\n" + r.describe());
    assertTrue(r.stderr().contains("values.yaml:3:10: error: "), r::describe);
    assertTrue(r.stderr().contains("values.yaml:4:7: error: "), r::describe);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "filesystem:\n  - {bind: \"/tmp/a\\0b\", to: /data}",
        "filesystem:\n  - {bind: /usr, to: \"/data\\0/x\"}",
        "filesystem:\n  - {tmpfs: \"/scratch\\0\"}",
        "cwd: \"/usr\\0/bin\"",
        "home: \"/tmp/h\\0ome\"",
        "env: {set: {A: \"x\\0y\"}}",
        "landlock: {rules: [{path: \"/usr\\0\", access: [read]}]}",
      })
  void nulInAYamlStringIsADiagnostic(String lines) throws IOException {
    String text = "id: dev.hsu.it.Bad\ncommand: [/run/probe]\n" + lines + "\n";
    Path p = Files.writeString(sb.root.resolve("nul.yaml"), text);
    int line = lineOf(text, "\\0");
    Result r = sb.hsu("launch", p.toString());
    assertEquals(125, r.exit(), r::describe);
    assertTrue(
        Pattern.compile("(?m)^(.*/)?nul\\.yaml:" + line + ":\\d+: error: .*NUL")
            .matcher(r.stderr())
            .find(),
        r::describe);
    assertTrue(r.stdout().isEmpty(), r::describe);
    assertNoStackTrace(r);
  }

  @Test
  void nulInACommandEntryIsADiagnostic() throws IOException {
    String text = "id: dev.hsu.it.Bad\ncommand: [/run/probe, \"a\\0b\"]\n";
    Path p = Files.writeString(sb.root.resolve("nulcmd.yaml"), text);
    Result r = sb.hsu("launch", p.toString());
    assertEquals(125, r.exit(), r::describe);
    assertTrue(
        Pattern.compile("nulcmd\\.yaml:2:\\d+: error: .*NUL").matcher(r.stderr()).find(),
        r::describe);
  }

  // ---- 3. what the app leaves for its next launch ----

  /** Profile entries that make hsu-init work on a path the app could have replaced. */
  private static List<String> entriesOn(String path, Path src) {
    return List.of(
        "{file: " + q(path + "/f") + ", content: pwned}",
        "{file: " + q(path) + ", content: pwned}",
        "{mkdir: " + q(path + "/made") + "}",
        "{mkdir: " + q(path) + "}",
        "{bind: " + q(src) + ", to: " + q(path) + "}",
        "{bind: " + q(src) + ", to: " + q(path + "/sub") + "}",
        "{tmpfs: " + q(path) + "}",
        "{symlink: " + q(path) + ", points-to: /x}",
        "{symlink: " + q(path + "/l") + ", points-to: /x}",
        "{remount: " + q(path) + ", read-only: true}");
  }

  @Test
  void symlinksPlantedInThePersistentHomeAreNotFollowed() throws IOException {
    Path secret = sb.hostDir("secret");
    Files.writeString(secret.resolve("canary.txt"), "secret canary\n");
    Path src = sb.hostDir("src");
    FileTime canaryTime = Files.getLastModifiedTime(sb.canary);
    FileTime secretTime = Files.getLastModifiedTime(secret);
    String home = sb.home.toString();
    sb.profile().probe("symlink", sb.canary.toString(), home + "/evil-file").launch().ok();
    sb.profile().probe("symlink", secret.toString(), home + "/evil-dir").launch().ok();
    Path persistent = sb.dataHome.resolve("hsu/apps/dev.hsu.it.App/home");
    assertTrue(Files.isSymbolicLink(persistent.resolve("evil-dir")), "nothing planted");

    List<String> entries = new ArrayList<>(entriesOn(home + "/evil-dir", src));
    entries.addAll(entriesOn(home + "/evil-file", src));
    for (String entry : entries) {
      Result r = sb.profile().fs(entry).probe("read", home + "/evil-file").launch();
      assertCleanOutcome(r);
      if (r.exit() != 125) r.assertErrno("ENOENT");
      assertFalse(r.stdout().contains("host secret"), r::describe);
    }
    sb.profile().probe("ls", home + "/evil-dir").launch().assertErrno("ENOENT");
    assertEquals("host secret\n", Files.readString(sb.canary));
    assertEquals(canaryTime, Files.getLastModifiedTime(sb.canary));
    assertEquals(List.of("canary.txt"), names(secret));
    assertEquals(secretTime, Files.getLastModifiedTime(secret));
    assertEquals(List.of(), names(src));
  }

  @Test
  void aDirectoryReplacedByASymlinkInAPersistentOverlayIsNotFollowed() throws IOException {
    Path secret = sb.hostDir("secret");
    Files.writeString(secret.resolve("canary.txt"), "secret canary\n");
    FileTime secretTime = Files.getLastModifiedTime(secret);
    Path lower = sb.hostDir("lower");
    Files.createDirectory(lower.resolve("sub"));
    Path src = sb.hostDir("src");
    String overlay = "{overlay: /data, lower: [" + q(lower) + "], writes: persistent}";
    sb.profile().fs(overlay).probe("rmdir", "/data/sub").launch().ok();
    sb.profile().fs(overlay).probe("symlink", secret.toString(), "/data/sub").launch().ok();
    Path upper = sb.dataHome.resolve("hsu/apps/dev.hsu.it.App/overlay/data/upper");
    assertTrue(Files.isSymbolicLink(upper.resolve("sub")), "the upper holds no symlink");

    for (String entry : entriesOn("/data/sub", src)) {
      Result r = sb.profile().fs(overlay).fs(entry).probe("read", "/data/sub/canary.txt").launch();
      assertCleanOutcome(r);
      if (r.exit() != 125) r.assertErrno("ENOENT");
      assertFalse(r.stdout().contains("secret canary"), r::describe);
    }
    assertEquals(List.of("canary.txt"), names(secret));
    assertEquals("secret canary\n", Files.readString(secret.resolve("canary.txt")));
    assertEquals(secretTime, Files.getLastModifiedTime(secret));
    assertEquals(List.of("sub"), names(lower));
    assertEquals(List.of(), names(src));
  }

  // ---- 13. malformed plans fed to hsu-init ----

  @Test
  void malformedPlansAre125WithOneSentence() throws IOException {
    Path plan = sb.root.resolve("plan.bin");
    Result compiled =
        sb.hsu("compile", "-o", plan.toString(), sb.profile().probe("ids").write().toString());
    assertEquals(0, compiled.exit(), compiled::describe);
    byte[] good = Files.readAllBytes(plan);
    assertTrue(good.length > 64, "a suspiciously small plan");

    List<Path> bad = new ArrayList<>();
    for (int n = 0; n < good.length; n += Math.max(1, good.length / 40)) {
      bad.add(write("cut-" + n, Arrays.copyOf(good, n)));
      if (n >= 16) bad.add(write("cut-fixed-" + n, withBodyLength(Arrays.copyOf(good, n))));
    }
    bad.add(write("cut-last", Arrays.copyOf(good, good.length - 1)));
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);
    bad.add(write("garbage", garbage));
    byte[] magicThenGarbage = new byte[4096];
    new Random(7).nextBytes(magicThenGarbage);
    System.arraycopy(good, 0, magicThenGarbage, 0, 12);
    bad.add(write("magic-garbage", withBodyLength(magicThenGarbage)));
    bad.add(write("text", "HSUPLAN\n this is not a plan\n".getBytes(StandardCharsets.UTF_8)));
    bad.add(sb.hostDir("a-directory"));
    bad.add(sb.root.resolve("missing-plan"));
    bad.add(Path.of("/dev/zero"));

    for (Path p : bad) {
      Result r = runInit("--plan", p.toString());
      assertEquals(125, r.exit(), r::describe);
      assertTrue(r.stdout().isEmpty(), r::describe);
      assertTrue(
          Pattern.compile("hsu-init: [^\\n]+\\n").matcher(r.stderr()).matches(),
          () -> "not one sentence\n" + r.describe());
    }
  }

  @Test
  void badPlanArgumentsAre125WithOneSentence() {
    for (List<String> args :
        List.<List<String>>of(
            List.of(),
            List.of("--plan-fd", "9"),
            List.of("--plan-fd", "-1"),
            List.of("--plan-fd", "3x"),
            List.of("--plan"),
            List.of("--bogus", "x"))) {
      Result r = runInit(args.toArray(String[]::new));
      assertTrue(r.exit() == 125 || r.exit() == 2, r::describe);
      assertTrue(r.stdout().isEmpty(), r::describe);
      assertTrue(
          Pattern.compile("hsu-init: [^\\n]+\\n|usage: [^\\n]+\\n").matcher(r.stderr()).matches(),
          () -> "not one sentence\n" + r.describe());
    }
  }

  @Test
  void corruptedPlansNeverCrashTheChecker() throws IOException {
    Path plan = sb.root.resolve("plan.bin");
    Result compiled =
        sb.hsu("compile", "-o", plan.toString(), sb.profile().probe("ids").write().toString());
    assertEquals(0, compiled.exit(), compiled::describe);
    byte[] good = Files.readAllBytes(plan);
    Random random = new Random(20240601);
    for (int i = 0; i < 60; i++) {
      byte[] b = good.clone();
      for (int k = 1 + random.nextInt(4); k > 0; k--) {
        b[16 + random.nextInt(b.length - 16)] = (byte) random.nextInt(256);
      }
      Path p = write("flip-" + i, b);
      // --check-plan only parses: a corruption that still parses must not launch anything here.
      Result r = runInit("--check-plan", p.toString());
      assertTrue(r.exit() == 0 || r.exit() == 125, r::describe);
      if (r.exit() == 125) {
        assertTrue(
            Pattern.compile("hsu-init: [^\\n]+\\n").matcher(r.stderr()).matches(),
            () -> "not one sentence\n" + r.describe());
      }
    }
  }

  // ---- helpers ----

  /** Exit 0 or 1 from the probe, or 125 with one hsu sentence; never anything else. */
  private static void assertCleanOutcome(Result r) {
    assertTrue(r.exit() == 0 || r.exit() == 1 || r.exit() == 125, r::describe);
    if (r.exit() == 125) {
      assertTrue(
          Pattern.compile("(hsu-init|hsu): [^\\n]+\\n").matcher(r.stderr()).matches(),
          () -> "not one sentence\n" + r.describe());
      assertTrue(r.stdout().isEmpty(), r::describe);
    }
    assertNoStackTrace(r);
  }

  private static void assertNoRawControls(Result r) {
    for (char c : r.stderr().toCharArray()) {
      if (c == '\n') continue;
      assertFalse(
          c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0),
          () -> String.format("raw control character U+%04X in stderr%n%s", (int) c, r.describe()));
    }
  }

  private static int lineOf(String text, String needle) {
    int at = text.indexOf(needle);
    return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
  }

  /** The plan's header (magic, version, body length) with the body length fixed to fit. */
  private static byte[] withBodyLength(byte[] plan) {
    ByteBuffer.wrap(plan).order(ByteOrder.LITTLE_ENDIAN).putInt(12, plan.length - 16);
    return plan;
  }

  private Path write(String name, byte[] bytes) {
    try {
      Path dir = Files.createDirectories(sb.root.resolve("plans"));
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Result runInit(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tree.hsuInit().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(sb.root.toFile());
    pb.environment().clear();
    pb.environment().putAll(sb.baseEnv());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    try (Running r = new Running(cmd, pb.start())) {
      return r.await(Sandbox.TIMEOUT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return List.of();
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
