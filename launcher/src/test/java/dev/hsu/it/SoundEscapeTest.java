package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sound grant under attack (docs/security.md 15), against a real PulseAudio server: from inside
 * a sandbox with {@code audio: pulse}, each request that would make the server load code, open a
 * socket, create a file, record, change defaults or touch other clients is refused by hsu's filter,
 * while the same request straight to the server (the control) succeeds: the attack is real and the
 * filter is what stops it. The filter's own suite (init-c/tests/pulse.sh) also runs these against
 * pipewire-pulse.
 */
class SoundEscapeTest extends SandboxTestBase {
  Peers peers;
  Path server;

  @BeforeEach
  void startServer() {
    peers = new Peers(sb);
    server = peers.pulseaudio();
  }

  @AfterEach
  void stopServer() {
    peers.close();
  }

  /** pactl straight to the server, as the host user: the control. Its output and "rc=N". */
  private String onHost(String... args) {
    Map<String, String> env = new HashMap<>(sb.baseEnv());
    env.put("PULSE_SERVER", "unix:" + server);
    return WaylandTest.run(
        concat(List.of("sh", "-c", "pactl \"$@\" 2>&1; echo \"rc=$?\"", "sh"), args), env);
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  /** The same pactl from inside a sandbox with {@code yaml} (default: {@code audio: pulse}). */
  private Result inside(String yaml, String script) {
    return sb.profile().yaml(yaml).command("/bin/sh", "-c", script).launch();
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aPipeSinkCannotCreateAFifoOutsideTheGrants() {
    Path fifo = sb.root.resolve("evil.fifo");
    Result r =
        inside(
            "audio: pulse",
            "pactl load-module module-pipe-sink sink_name=evil file=" + fifo + " 2>&1; echo rc=$?");
    assertTrue(r.stdout().contains("Access denied") && r.stdout().contains("rc=1"), r::describe);
    assertFalse(Files.exists(fifo), "the sandbox made the server create " + fifo);
    // The control: straight to the server, the same request creates the FIFO.
    String host = onHost("load-module", "module-pipe-sink", "sink_name=evil", "file=" + fifo);
    assertTrue(host.endsWith("rc=0\n"), host);
    assertTrue(Files.exists(fifo), "the control did not create the FIFO: " + host);
  }

  @Test
  void aTcpListenerCannotBeOpenedOnTheHost() throws IOException {
    int port = freePort();
    String args = "load-module module-native-protocol-tcp port=" + port + " listen=127.0.0.1";
    Result r = inside("audio: pulse", "pactl " + args + " 2>&1; echo rc=$?");
    assertTrue(r.stdout().contains("Access denied") && r.stdout().contains("rc=1"), r::describe);
    assertFalse(listening(port), "the sandbox made the server listen on TCP port " + port);
    String host = onHost(args.split(" "));
    assertTrue(host.endsWith("rc=0\n"), host);
    assertTrue(listening(port), "the control did not open the listener: " + host);
  }

  @Test
  void recordingNeedsItsOwnGrant() {
    String record = "parec --raw -d @DEFAULT_MONITOR@ 2>/dev/null | head -c 4096 | wc -c";
    Result denied = inside("audio: pulse", "timeout 10 sh -c '" + record + "'");
    assertEquals("0", denied.line().trim(), denied::describe);
    Result granted = inside("audio: {pulse: {record: true}}", "timeout 10 sh -c '" + record + "'");
    assertEquals("4096", granted.line().trim(), granted::describe);
  }

  @Test
  void defaultsModulesOtherClientsAndTheServerItselfAreOutOfReach() {
    String host = onHost("list", "short", "modules");
    String module =
        host.lines()
            .filter(l -> l.contains("module-null-sink"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no null sink module: " + host))
            .split("\t")[0];
    Result r =
        inside(
            "audio: pulse",
            "for c in 'set-default-sink auto_null' 'unload-module "
                + module
                + "' 'list clients'"
                + " 'set-sink-volume auto_null 10%' 'suspend-sink auto_null 1' 'exit'; do"
                + " pactl $c >/dev/null 2>&1 && echo \"$c: done\" || echo \"$c: refused\"; done;"
                + " pactl info >/dev/null && echo info");
    assertEquals(
        List.of(
            "set-default-sink auto_null: refused",
            "unload-module " + module + ": refused",
            "list clients: refused",
            "set-sink-volume auto_null 10%: refused",
            "suspend-sink auto_null 1: refused",
            "exit: refused",
            "info"),
        r.lines(),
        r::describe);
    // The module is still loaded and the server still runs.
    assertTrue(onHost("list", "short", "modules").contains("module-null-sink"));
  }
}
