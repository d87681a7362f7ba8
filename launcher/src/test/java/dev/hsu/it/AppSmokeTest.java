package dev.hsu.it;

import static dev.hsu.it.WaylandTest.need;
import static dev.hsu.it.WaylandTest.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The shipped app profiles, each launched for real by name ({@code hsu launch NAME}) against one
 * desktop for the whole class: real sway 1.10 headless (security-context-v1), a dbus-daemon session
 * bus and PulseAudio with a null sink ({@link Peers}), plus a rootful Xwayland on that sway for the
 * two X11 apps. Each test waits for the app's window in sway's tree ({@code swaymsg -t get_tree}
 * with the tree's own swaymsg), runs one check that the app works in its sandbox, saves a
 * screenshot ({@code grim}) under {@code launcher/target/sandbox-test-reports/app-screenshots/},
 * closes the app (through the compositor, else SIGTERM to hsu) and asserts that nothing of the
 * sandbox is left: no process of its PID namespace or of the launch, no new mount, no instance
 * directory. A missing app skips, or fails under HSU_REQUIRE_ALL=1 ({@code ./dev deps} installs
 * them).
 */
class AppSmokeTest {
  /** Slow starters (LibreOffice, GIMP, a browser's first run) on a busy 2-core machine. */
  static final Duration WINDOW_TIMEOUT = Duration.ofSeconds(120);

  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  static HostSupport.Tree tree;
  static Sandbox world;
  static Peers peers;
  static WaylandTest.Compositor sway;
  static Path ipc;
  static Path shots;

  @BeforeAll
  static void desktop() throws IOException {
    tree = HostSupport.require();
    world = new Sandbox(tree);
    peers = new Peers(world);
    need(swaymsgPath() != null, "no swaymsg in the real-sway tree (run real-sway build as root)");
    need(onPath("grim"), "grim is not installed (Debian package grim)");
    sway = WaylandTest.sway(world);
    world.extraEnv.put("WAYLAND_DISPLAY", sway.display());
    try (Stream<Path> s = Files.list(world.runtimeDir)) {
      ipc =
          s.filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith("sway-ipc.") && n.endsWith("." + sway.pid() + ".sock");
                  })
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("sway's IPC socket is missing"));
    }
    peers.dbus();
    peers.documentPortal();
    peers.pulseaudio();
    shots =
        Files.createDirectories(
            tree.repo().resolve("launcher/target/sandbox-test-reports/app-screenshots"));
  }

  @AfterAll
  static void closeDesktop() {
    if (peers != null) peers.close();
    if (sway != null) WaylandTest.stopCompositor(sway, tree);
    if (world != null) world.close();
  }

  // ---- the desktop's tools ----

  static Path swayRoot() {
    String r = System.getenv("HSU_SWAY_ROOT");
    return Path.of(r != null && !r.isEmpty() ? r : "/var/cache/hsu-test/trixie-sway");
  }

  static Path swaymsgPath() {
    Path p = swayRoot().resolve("usr/bin/swaymsg");
    return Files.isExecutable(p) ? p : null;
  }

  /** The real-sway tree's swaymsg, run with the tree's own loader and libraries (Debian 13). */
  static String swaymsg(String... args) {
    Path root = swayRoot();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                root.resolve("lib64/ld-linux-x86-64.so.2").toString(),
                "--library-path",
                root.resolve("usr/lib/x86_64-linux-gnu")
                    + ":"
                    + root.resolve("lib/x86_64-linux-gnu"),
                root.resolve("usr/bin/swaymsg").toString(),
                "-s",
                ipc.toString()));
    cmd.addAll(List.of(args));
    return WaylandTest.run(cmd, Map.of());
  }

  /** A toplevel in sway's tree; {@code appId} is null for an Xwayland root window. */
  record Window(long id, String appId, String title, long pid, int x, int y, int w, int h) {}

  static List<Window> windows() {
    String out = swaymsg("-t", "get_tree");
    List<Window> found = new ArrayList<>();
    try {
      collect(JSON.readTree(out), found);
    } catch (JacksonException e) {
      fail("swaymsg -t get_tree: " + out);
    }
    return found;
  }

  private static void collect(JsonNode n, List<Window> found) {
    String type = n.path("type").asString();
    if ((type.equals("con") || type.equals("floating_con")) && n.hasNonNull("pid")) {
      JsonNode r = n.path("rect");
      found.add(
          new Window(
              n.path("id").asLong(),
              n.hasNonNull("app_id") ? n.get("app_id").asString() : null,
              n.hasNonNull("name") ? n.get("name").asString() : "",
              n.path("pid").asLong(),
              r.path("x").asInt(),
              r.path("y").asInt(),
              r.path("width").asInt(),
              r.path("height").asInt()));
    }
    for (JsonNode c : n.path("nodes")) collect(c, found);
    for (JsonNode c : n.path("floating_nodes")) collect(c, found);
  }

  /** Polls {@code probe} until it gives a value; fails naming {@code what} and the launch's log. */
  static <T> T await(String what, Duration timeout, Running run, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> v = probe.get();
      if (v.isPresent()) return v.get();
      if (!run.process().isAlive()) {
        fail("the launch ended before " + what + "\n" + run.snapshot().describe());
      }
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what + "\n" + run.snapshot().describe());
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  /** The app's window: a toplevel with this app_id whose title passes {@code title}. */
  static Window awaitWindow(Running run, String appId, Predicate<String> title) {
    List<List<Window>> last = new ArrayList<>(List.of(List.of()));
    try {
      return await(
          "a window with app_id " + appId + " and the expected title",
          WINDOW_TIMEOUT,
          run,
          () -> {
            List<Window> ws = windows();
            last.set(0, ws);
            return ws.stream()
                .filter(w -> appId.equals(w.appId()) && title.test(w.title()))
                .findFirst();
          });
    } catch (AssertionError e) {
      throw new AssertionError("windows on sway: " + last.get(0) + "\n" + e.getMessage(), e);
    }
  }

  static void screenshot(String name, Window w) {
    // For the person reading the report: let the app paint what the check already saw.
    sleep(2000);
    Path file = shots.resolve(name + ".png");
    String out =
        WaylandTest.run(
            List.of("grim", "-g", w.x() + "," + w.y() + " " + w.w() + "x" + w.h(), file.toString()),
            Map.of(
                "XDG_RUNTIME_DIR", world.runtimeDir.toString(), "WAYLAND_DISPLAY", sway.display()));
    assertTrue(Files.isRegularFile(file), () -> "grim wrote no screenshot: " + out);
    System.out.println("screenshot of " + name + " (" + w.title() + "): " + file);
  }

  // ---- launching and what must be left after ----

  /** A launch by name and what the host looked like when it started. */
  static final class App implements AutoCloseable {
    final String name;
    final Running run;
    final String mountsBefore = HostProcs.mountinfo();
    final List<Long> seen = new ArrayList<>();
    String pidNamespace;

    App(String name, Path stdin, String... args) {
      this.name = name;
      List<String> a = new ArrayList<>(List.of("launch", name));
      if (args.length > 0) {
        a.add("--");
        a.addAll(List.of(args));
      }
      run = world.start(a, stdin);
    }

    /** Notes the launch's processes and its PID namespace, while it runs. */
    void noteProcesses() {
      String hostNs = HostProcs.ns("pid");
      ProcessHandle.of(run.pid())
          .ifPresent(
              h ->
                  h.descendants()
                      .forEach(
                          d -> {
                            seen.add(d.pid());
                            String ns = pidNs(d.pid());
                            if (ns != null && !ns.equals(hostNs)) pidNamespace = ns;
                          }));
      assertTrue(pidNamespace != null, "no process of the launch is in a PID namespace of its own");
    }

    /** Whether {@code pid} is a process this launch started. */
    boolean started(long pid) {
      return ProcessHandle.of(pid)
          .flatMap(ProcessHandle::parent)
          .map(p -> p.pid() == run.pid() || started(p.pid()))
          .orElse(false);
    }

    /**
     * Closes {@code w} through the compositor (as its close button would) when given, waits for the
     * launch to end, else sends SIGTERM to hsu (forwarded to the app); then asserts nothing is
     * left.
     */
    Result close(Window w) {
      noteProcesses();
      String how = "SIGTERM to hsu";
      boolean ended = false;
      if (w != null) {
        swaymsg("[con_id=" + w.id() + "]", "kill");
        ended = waitEnd(CLOSE_TIMEOUT);
        if (ended) how = "closing its window";
      }
      if (!ended) {
        run.process().destroy();
        if (!waitEnd(CLOSE_TIMEOUT)) fail(name + " did not end\n" + run.snapshot().describe());
      }
      Result r = run.await(Duration.ofSeconds(10));
      System.out.println(name + ": ended after " + how + ", exit " + r.exit());
      assertNotEquals(137, r.exit(), r::describe);
      assertNothingLeft(w);
      return r;
    }

    private boolean waitEnd(Duration d) {
      try {
        return run.process().waitFor(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    void assertNothingLeft(Window w) {
      // hsu-init waits a bounded time for lingering processes; give the helpers a moment too.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      List<Long> left;
      do {
        left = leftovers();
        if (left.isEmpty()) break;
        sleep(200);
      } while (System.nanoTime() < deadline);
      List<Long> finalLeft = left;
      assertEquals(
          List.of(),
          finalLeft,
          () ->
              "processes of "
                  + name
                  + "'s sandbox are still running: "
                  + finalLeft.stream().map(p -> p + " " + HostProcs.argv(p)).toList());
      assertEquals(List.of(), world.leftoverInstances(), "instance directories left");
      assertEquals(mountsBefore, HostProcs.mountinfo(), "the host's mounts changed");
      if (w != null) {
        assertTrue(
            windows().stream().noneMatch(x -> x.id() == w.id()), "the window is still there");
      }
    }

    private List<Long> leftovers() {
      List<Long> left = new ArrayList<>();
      for (long p : seen) if (HostProcs.alive(p)) left.add(p);
      try (Stream<Path> s = Files.list(Path.of("/proc"))) {
        s.map(p -> p.getFileName().toString())
            .filter(n -> n.chars().allMatch(Character::isDigit))
            .map(Long::parseLong)
            .filter(p -> pidNamespace != null && pidNamespace.equals(pidNs(p)))
            .filter(HostProcs::alive)
            .filter(p -> !left.contains(p))
            .forEach(left::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return left;
    }

    @Override
    public void close() {
      run.close();
    }
  }

  static String pidNs(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString();
    } catch (IOException e) {
      return null;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void needApp(String program, String packages) {
    need(onPath(program), program + " is not installed (Debian package " + packages + ")");
  }

  /** A folder of the world's home (the host side of a profile's grant), created. */
  static Path homeDir(String name) {
    try {
      return Files.createDirectories(world.home.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The app's own home on the host: ${XDG_DATA_HOME}/hsu/apps/ID/home. */
  static Path appHome(String id) {
    return world.dataHome.resolve("hsu/apps").resolve(id).resolve("home");
  }

  /** A window whose app_id is this, and the window's process is one the launch started. */
  static Window window(App app, String appId, Predicate<String> title) {
    Window w = awaitWindow(app.run, appId, title);
    assertTrue(
        app.started(w.pid()),
        () -> "the window " + w + " belongs to process " + w.pid() + ", not to the sandbox");
    return w;
  }

  // ---- test files ----

  static final String PAGE_TITLE = "hsu smoke " + 6 * 7;

  /** A page whose title its script computes: the title proves the page ran. */
  static Path htmlPage() throws IOException {
    return Files.writeString(
        homeDir("Downloads").resolve("smoke.html"),
        "<!doctype html><html><head><title>loading</title></head><body><h1 id=h></h1><script>"
            + "document.title = 'hsu smoke ' + (6 * 7);"
            + "document.getElementById('h').textContent = document.title;</script></body></html>\n");
  }

  /** A one-page PDF whose document title is {@code title}. */
  static Path pdf(Path file, String title) throws IOException {
    String content = "BT /F1 24 Tf 72 720 Td (" + title + ") Tj ET";
    List<String> objects =
        List.of(
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
                + " /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length " + content.length() + " >>\nstream\n" + content + "\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            "<< /Title (" + title + ") >>");
    StringBuilder b = new StringBuilder("%PDF-1.4\n");
    List<Integer> offsets = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      offsets.add(b.length());
      b.append(i + 1).append(" 0 obj\n").append(objects.get(i)).append("\nendobj\n");
    }
    int xref = b.length();
    b.append("xref\n0 ").append(objects.size() + 1).append("\n0000000000 65535 f \n");
    for (int o : offsets) b.append(String.format("%010d 00000 n \n", o));
    b.append("trailer\n<< /Size ")
        .append(objects.size() + 1)
        .append(" /Root 1 0 R /Info 6 0 R >>\nstartxref\n")
        .append(xref)
        .append("\n%%EOF\n");
    return Files.writeString(file, b.toString(), StandardCharsets.ISO_8859_1);
  }

  static Path png(Path file) throws IOException {
    BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0x2a, 0x6f, 0xdb));
    g.fillRect(0, 0, 320, 200);
    g.setColor(Color.ORANGE);
    g.fillOval(110, 50, 100, 100);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
    return file;
  }

  /** Sink inputs on the PulseAudio server, each as its property lines. */
  static List<String> sinkInputs() {
    String out =
        WaylandTest.run(
            List.of("pactl", "list", "sink-inputs"),
            Map.of(
                "PULSE_SERVER", "unix:" + world.runtimeDir.resolve("pulse/native"),
                "HOME", world.home.toString(),
                "XDG_RUNTIME_DIR", world.runtimeDir.toString()));
    List<String> inputs = new ArrayList<>();
    for (String part : out.split("\nSink Input #")) {
      if (part.contains("application.process.binary")) inputs.add(part);
    }
    return inputs;
  }

  /** Plays a generated WAV from ~/Music and waits for the app's stream on the null sink. */
  static String awaitSinkInput(App app, String binary) {
    return await(
        "a sink input of " + binary + " on PulseAudio's null sink",
        WINDOW_TIMEOUT,
        app.run,
        () ->
            sinkInputs().stream()
                .filter(s -> s.contains("application.process.binary = \"" + binary + "\""))
                .findFirst());
  }

  /** NameHasOwner on the session bus, as the host sees it ("boolean true" or "... false"). */
  static String dbusNameOwned(String name) {
    return WaylandTest.run(
        List.of(
            "dbus-send",
            "--session",
            "--print-reply=literal",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:" + name),
        Map.of("DBUS_SESSION_BUS_ADDRESS", world.extraEnv.get("DBUS_SESSION_BUS_ADDRESS")));
  }

  // ---- the apps ----

  @Test
  void firefoxRunsAPageFromDownloads() throws IOException {
    needApp("firefox-esr", "firefox-esr");
    Path page = htmlPage();
    try (App app = new App("firefox", null, page.toUri().toString())) {
      Window w = window(app, "firefox-esr", t -> t.startsWith(PAGE_TITLE));
      screenshot("firefox", w);
      app.close(w);
    }
  }

  @Test
  void chromiumRunsAPageFromDownloads() throws IOException {
    needApp("chromium", "chromium");
    Path page = htmlPage();
    try (App app = new App("chromium", null, page.toUri().toString())) {
      Window w = window(app, "chromium", t -> t.startsWith(PAGE_TITLE));
      screenshot("chromium", w);
      app.close(w);
    }
  }

  @Test
  void thunderbirdKeepsItsMailInItsOwnHome() {
    needApp("thunderbird", "thunderbird");
    try (App app = new App("thunderbird", null)) {
      Window w = window(app, "thunderbird", t -> t.endsWith("Mozilla Thunderbird"));
      Path profiles = appHome("org.mozilla.Thunderbird").resolve(".thunderbird/profiles.ini");
      await(
          "Thunderbird's profile in its own home",
          WINDOW_TIMEOUT,
          app.run,
          () -> Optional.of(profiles).filter(Files::isRegularFile));
      screenshot("thunderbird", w);
      app.close(w);
    }
    assertFalse(Files.exists(world.home.resolve(".thunderbird")), "a profile in the real home");
  }

  @Test
  void evinceShowsThePdfsTitle() throws IOException {
    needApp("evince", "evince");
    Path doc = pdf(homeDir("Documents").resolve("smoke.pdf"), PAGE_TITLE);
    try (App app = new App("evince", null, doc.toString())) {
      Window w = window(app, "evince", t -> t.contains(PAGE_TITLE));
      screenshot("evince", w);
      app.close(w);
    }
  }

  /**
   * "Open with Evince" on a PDF outside everything evince's profile grants: hsu exports it to
   * evince alone through the real document portal, and evince opens it there.
   */
  @Test
  void evinceOpensAPdfFromOutsideItsGrantsThroughTheDocumentPortal() throws IOException {
    needApp("evince", "evince");
    String title = "hsu handed over " + 6 * 7;
    Path doc = pdf(world.hostDir("elsewhere").resolve("handed-over.pdf"), title);
    try (App app = new App("evince", null, doc.toString())) {
      Window w = window(app, "evince", t -> t.contains(title));
      screenshot("evince-handed-over", w);
      app.close(w);
    }
  }

  @Test
  void zathuraOpensThePdf() throws IOException {
    needApp("zathura", "zathura zathura-pdf-poppler");
    Path doc = pdf(homeDir("Documents").resolve("smoke-z.pdf"), PAGE_TITLE);
    try (App app = new App("zathura", null, doc.toString())) {
      Window w = window(app, "org.pwmt.zathura", t -> t.contains("smoke-z.pdf"));
      screenshot("zathura", w);
      app.close(w);
    }
  }

  @Test
  void eogShowsThePicture() throws IOException {
    needApp("eog", "eog");
    Path pic = png(homeDir("Pictures").resolve("smoke-eog.png"));
    try (App app = new App("eog", null, pic.toString())) {
      Window w = window(app, "eog", t -> t.contains("smoke-eog.png"));
      screenshot("eog", w);
      app.close(w);
    }
  }

  @Test
  void imvShowsThePicture() throws IOException {
    needApp("imv-wayland", "imv");
    Path pic = png(homeDir("Pictures").resolve("smoke-imv.png"));
    try (App app = new App("imv", null, pic.toString())) {
      Window w = window(app, "imv", t -> t.contains("smoke-imv.png"));
      screenshot("imv", w);
      app.close(w);
    }
  }

  @Test
  void mpvPlaysToTheNullSink() {
    needApp("mpv", "mpv");
    Path wav = Peers.toneWav(homeDir("Music").resolve("smoke-mpv.wav"));
    try (App app = new App("mpv", null, "--loop=inf", wav.toString())) {
      Window w = window(app, "mpv", t -> t.contains("smoke-mpv.wav"));
      String input = awaitSinkInput(app, "mpv");
      assertTrue(input.contains("Sink: 0"), input);
      screenshot("mpv", w);
      app.close(w);
    }
    assertEquals(List.of(), sinkInputs(), "a stream outlived the player");
  }

  @Test
  void vlcPlaysToTheNullSink() {
    needApp("vlc", "vlc");
    Peers.XServer x = peers.xwayland(sway.display());
    world.extraEnv.put("DISPLAY", ":" + x.x().display());
    world.extraEnv.put("XAUTHORITY", x.x().xauthority().toString());
    Path wav = Peers.toneWav(homeDir("Music").resolve("smoke-vlc.wav"));
    try (App app = new App("vlc", null, "--no-qt-privacy-ask", "--loop", wav.toString())) {
      String xwin =
          await(
              "VLC's window on the X display",
              WINDOW_TIMEOUT,
              app.run,
              () -> xWindow(x, "VLC media player"));
      String input = awaitSinkInput(app, "vlc");
      assertTrue(input.contains("Sink: 0"), input);
      screenshot("vlc", xwaylandWindow(x));
      System.out.println("vlc's X window: " + xwin);
      app.close(null);
    } finally {
      world.extraEnv.remove("DISPLAY");
      world.extraEnv.remove("XAUTHORITY");
      peers.stop(x.process());
    }
    assertEquals(List.of(), sinkInputs(), "a stream outlived the player");
  }

  @Test
  void gimpOpensThePicture() throws IOException {
    needApp("gimp", "gimp");
    Peers.XServer x = peers.xwayland(sway.display());
    world.extraEnv.put("DISPLAY", ":" + x.x().display());
    world.extraEnv.put("XAUTHORITY", x.x().xauthority().toString());
    Path pic = png(homeDir("Pictures").resolve("smoke-gimp.png"));
    try (App app = new App("gimp", null, pic.toString())) {
      String xwin =
          await(
              "GIMP's image window on the X display",
              WINDOW_TIMEOUT,
              app.run,
              () -> xWindow(x, "smoke-gimp"));
      assertTrue(xwin.contains("GIMP"), xwin);
      sleep(1000);
      screenshot("gimp", xwaylandWindow(x));
      app.close(null);
    } finally {
      world.extraEnv.remove("DISPLAY");
      world.extraEnv.remove("XAUTHORITY");
      peers.stop(x.process());
    }
  }

  /** A line of {@code xwininfo -root -tree} on this X server naming a window with {@code text}. */
  static Optional<String> xWindow(Peers.XServer x, String text) {
    String out =
        WaylandTest.run(
            List.of("xwininfo", "-root", "-tree"),
            Map.of("DISPLAY", ":" + x.x().display(), "XAUTHORITY", x.x().xauthority().toString()));
    return out.lines().filter(l -> l.contains("\"") && l.contains(text)).findFirst();
  }

  /** Rootful Xwayland's own toplevel on sway (the X screen), for the screenshot. */
  static Window xwaylandWindow(Peers.XServer x) {
    long pid = x.process().pid();
    return windows().stream()
        .filter(w -> w.pid() == pid)
        .findFirst()
        .orElseThrow(() -> new AssertionError("Xwayland has no window on sway: " + windows()));
  }

  @Test
  void gnomeTextEditorOpensAFileFromDocuments() throws IOException {
    needApp("gnome-text-editor", "gnome-text-editor");
    Path f = Files.writeString(homeDir("Documents").resolve("smoke-gte.txt"), PAGE_TITLE + "\n");
    try (App app = new App("gnome-text-editor", null, f.toString())) {
      Window w = window(app, "org.gnome.TextEditor", t -> t.contains("smoke-gte.txt"));
      // Its single-instance name, owned through the filtered bus (the default filter's grant).
      assertTrue(dbusNameOwned("org.gnome.TextEditor").contains("true"), "not on the bus");
      screenshot("gnome-text-editor", w);
      app.close(w);
    }
    assertTrue(dbusNameOwned("org.gnome.TextEditor").contains("false"), "still on the bus");
  }

  @Test
  void mousepadOpensAFileFromDocuments() throws IOException {
    needApp("mousepad", "mousepad");
    Path f = Files.writeString(homeDir("Documents").resolve("smoke-mp.txt"), PAGE_TITLE + "\n");
    try (App app = new App("mousepad", null, f.toString())) {
      Window w = window(app, "mousepad", t -> t.contains("smoke-mp.txt"));
      screenshot("mousepad", w);
      app.close(w);
    }
  }

  @Test
  void libreofficeOpensAndLocksADocumentInDocuments() throws IOException {
    needApp("libreoffice", "libreoffice-writer libreoffice-gtk3");
    Path docs = homeDir("Documents");
    Path f =
        Files.writeString(
            docs.resolve("smoke.fodt"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document"
                + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
                + " office:version=\"1.2\""
                + " office:mimetype=\"application/vnd.oasis.opendocument.text\">"
                + "<office:body><office:text><text:p>"
                + PAGE_TITLE
                + "</text:p></office:text></office:body></office:document>\n");
    Path lock = docs.resolve(".~lock.smoke.fodt#");
    try (App app = new App("libreoffice", null, f.toString())) {
      // LibreOffice names its windows after the module: Writer for a text document.
      Window w = window(app, "libreoffice-writer", t -> t.contains("smoke.fodt"));
      // Its lock file beside the document: it can write the granted folder.
      await(
          "LibreOffice's lock file",
          WINDOW_TIMEOUT,
          app.run,
          () -> Optional.of(lock).filter(Files::exists));
      screenshot("libreoffice", w);
      app.close(w);
    }
    assertFalse(Files.exists(lock), "LibreOffice left its lock file");
  }

  @Test
  void gnomeCalculatorSolvesAndShowsItsWindow() {
    needApp("gnome-calculator", "gnome-calculator");
    try (App app = new App("gnome-calculator", null, "--solve", "6*7")) {
      Result r = app.run.await(WINDOW_TIMEOUT);
      assertEquals("42", r.stdout().strip(), r::describe);
      app.assertNothingLeft(null);
    }
    try (App app = new App("gnome-calculator", null)) {
      Window w = window(app, "org.gnome.Calculator", t -> t.equals("Calculator"));
      screenshot("gnome-calculator", w);
      app.close(w);
    }
  }

  @Test
  void keepassxcOpensATestDatabaseAndSeesNoSshKeys() throws IOException {
    needApp("keepassxc", "keepassxc");
    needApp("keepassxc-cli", "keepassxc");
    Path dir = homeDir("Passwords");
    Path db = dir.resolve("smoke.kdbx");
    Path password = Files.writeString(world.root.resolve("kdbx-password"), "smoke-pass\n");
    Path twice =
        Files.writeString(world.root.resolve("kdbx-password-twice"), "smoke-pass\nsmoke-pass\n");
    String created =
        runWithStdin(List.of("keepassxc-cli", "db-create", "-p", db.toString()), twice);
    assertTrue(Files.isRegularFile(db), created);
    Path ssh = homeDir(".ssh");
    Files.writeString(ssh.resolve("id_ed25519"), "not a real key\n");
    try (App app = new App("keepassxc", password, "--pw-stdin", db.toString())) {
      Window w =
          window(app, "org.keepassxc.KeePassXC", t -> t.startsWith("smoke.kdbx - KeePassXC"));
      assertFalse(w.title().contains("Locked"), w.title());
      // What the app sees, through its own root: the database, and no ~/.ssh.
      Path inside = Path.of("/proc", Long.toString(w.pid()), "root");
      assertTrue(
          Files.isRegularFile(inside.resolve(db.toString().substring(1))), "no database inside");
      assertFalse(Files.exists(inside.resolve(ssh.toString().substring(1))), "~/.ssh is visible");
      assertTrue(Files.exists(ssh.resolve("id_ed25519")));
      screenshot("keepassxc", w);
      app.close(w);
    }
  }

  static String runWithStdin(List<String> cmd, Path stdin) {
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(stdin.toFile());
    pb.environment().put("HOME", world.home.toString());
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void transmissionAddsATorrentFromDownloads() throws IOException {
    needApp("transmission-gtk", "transmission-gtk");
    Path downloads = homeDir("Downloads");
    byte[] data = (PAGE_TITLE + "\n").getBytes(StandardCharsets.UTF_8);
    Files.write(downloads.resolve("hsu-smoke.txt"), data);
    Path torrent = Files.write(downloads.resolve("smoke.torrent"), torrent("hsu-smoke.txt", data));
    // As a user would once: accept its first-run notice, and add torrents without the dialog.
    Path config =
        Files.createDirectories(
            appHome("com.transmissionbt.Transmission").resolve(".config/transmission"));
    Files.writeString(
        config.resolve("settings.json"),
        "{\"user-has-given-informed-consent\": true, \"show-options-window\": false,"
            + " \"download-dir\": \""
            + downloads
            + "\"}\n");
    try (App app = new App("transmission-gtk", null, torrent.toString())) {
      Window w = window(app, "transmission-gtk", t -> t.startsWith("Transmission"));
      Path added =
          await(
              "the torrent in Transmission's own config",
              WINDOW_TIMEOUT,
              app.run,
              () -> {
                try (Stream<Path> s = Files.list(config.resolve("torrents"))) {
                  return s.filter(p -> p.toString().endsWith(".torrent")).findFirst();
                } catch (IOException e) {
                  return Optional.empty();
                }
              });
      // Transmission keeps a copy named by the torrent's info hash: it parsed what it was given.
      assertEquals(
          infoHash(torrentInfo("hsu-smoke.txt", data)) + ".torrent",
          added.getFileName().toString());
      screenshot("transmission-gtk", w);
      app.close(w);
    }
  }

  /** A single-file torrent's info dictionary (bencoded; keys sorted as the format asks). */
  static byte[] torrentInfo(String name, byte[] data) {
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.writeBytes(
        ("d6:lengthi"
                + data.length
                + "e4:name"
                + name.length()
                + ":"
                + name
                + "12:piece lengthi16384e6:pieces20:")
            .getBytes(StandardCharsets.US_ASCII));
    info.writeBytes(sha1(data));
    info.writeBytes("e".getBytes(StandardCharsets.US_ASCII));
    return info.toByteArray();
  }

  /** A torrent without trackers: just the info dictionary. */
  static byte[] torrent(String name, byte[] data) {
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    t.writeBytes("d4:info".getBytes(StandardCharsets.US_ASCII));
    t.writeBytes(torrentInfo(name, data));
    t.writeBytes("e".getBytes(StandardCharsets.US_ASCII));
    return t.toByteArray();
  }

  static String infoHash(byte[] info) {
    return java.util.HexFormat.of().formatHex(sha1(info));
  }

  static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void footRunsItsCommandInsideTheSandbox() throws IOException {
    needApp("foot", "foot");
    Path out = appHome("org.codeberg.dnkl.foot").resolve("hostname.txt");
    try (App app =
        new App("foot", null, "sh", "-c", "hostname > \"$HOME/hostname.txt\"; exec sleep 600")) {
      Window w = window(app, "foot", t -> true);
      String inside =
          await(
              "the command's output in foot's home",
              WINDOW_TIMEOUT,
              app.run,
              () -> {
                try {
                  return Optional.of(Files.readString(out).strip()).filter(s -> !s.isEmpty());
                } catch (IOException e) {
                  return Optional.empty();
                }
              });
      assertEquals("hsu", inside, "the sandbox's hostname (the profile sets none: hsu)");
      assertNotEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(), inside);
      screenshot("foot", w);
      app.close(w);
    }
  }

  /** Every shipped app profile has a test here (demo, a terminal program, is in the CLI tests). */
  @Test
  void everyShippedAppIsSmokeTested() throws IOException {
    Map<String, Boolean> tested = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(tree.repo().resolve("profiles/apps"))) {
      s.map(p -> p.getFileName().toString().replaceFirst("\\.yaml$", ""))
          .sorted()
          .forEach(n -> tested.put(n, false));
    }
    String source =
        Files.readString(
            tree.repo().resolve("launcher/src/test/java/dev/hsu/it/AppSmokeTest.java"));
    tested.replaceAll((n, v) -> n.equals("demo") || source.contains("new App(\"" + n + "\""));
    assertEquals(
        List.of(),
        tested.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList());
  }
}
