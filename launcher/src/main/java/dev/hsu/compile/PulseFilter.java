package dev.hsu.compile;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import dev.hsu.plan.Instance;
import dev.hsu.plan.Op;
import dev.hsu.plan.Plan;
import dev.hsu.plan.Proxy;
import dev.hsu.profile.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code audio} grant: hsu's PulseAudio filter ({@code hsu-pulse-filter}, docs/pulse-filter.md)
 * per instance, in a strict sandbox of its own like the D-Bus proxy, between the app and the host's
 * PulseAudio server (or pipewire-pulse). The app gets only the filter's socket: playback, its own
 * streams, server and device information, and recording when granted; never module loading,
 * defaults, other clients, extensions, shared memory or the server's cookie.
 */
public final class PulseFilter {
  /** The host environment variable naming the filter program (the launcher sets it). */
  public static final String PROGRAM_VAR = "HSU_PULSE_FILTER";

  /** Where an installed hsu keeps it, when nothing else says. */
  public static final AbsPath DEFAULT_PROGRAM = AbsPath.of("/usr/libexec/hsu/hsu-pulse-filter");

  /** Where the filter's own sandbox finds itself, the server's socket and its cookie. */
  static final AbsPath INSIDE = AbsPath.of("/run/hsu-pulse");

  static final String PROGRAM_NAME = "hsu-pulse-filter";
  static final String SOCKET_NAME = "pulse";
  static final String HOSTNAME = "pulse-filter";
  static final int SYNC_FD = 3;
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private PulseFilter() {}

  /** The filter program: {@code $HSU_PULSE_FILTER}, else the installed one. */
  public static AbsPath program(Map<String, String> hostEnv) {
    return HelperProgram.from(hostEnv, PROGRAM_VAR, DEFAULT_PROGRAM, "the PulseAudio filter");
  }

  /** The host path of the filter program {@code plan} runs, or null when it runs none. */
  public static AbsPath programIn(Plan plan) {
    AbsPath program = INSIDE.resolve(PROGRAM_NAME);
    for (Proxy px : plan.proxies()) {
      if (px.kind() == Proxy.Kind.PULSE) {
        for (Op op : px.plan().ops()) {
          if (op instanceof Op.Bind b && b.target().equals(program)) {
            return b.source();
          }
        }
      }
    }
    return null;
  }

  /** The grant of {@code p} for {@code instance}; the filter runs with the app's ids. */
  public static ProxyGrants of(
      Profile p, Instance instance, int uid, int gid, Map<String, String> hostEnv) {
    if (!p.audio().contains(Profile.Audio.PULSE)) {
      return ProxyGrants.NONE;
    }
    boolean record = p.audio().contains(Profile.Audio.PULSE_RECORD);
    AbsPath rt = p.host().xdgRuntimeDir();
    AbsPath server = DesktopGrants.pulseSocket(rt, hostEnv);
    AbsPath cookie = DesktopGrants.pulseCookie(p.host().home(), hostEnv);
    AbsPath program = INSIDE.resolve(PROGRAM_NAME);
    AbsPath upstream = INSIDE.resolve("native");
    AbsPath socket = instance.dir().resolve(SOCKET_NAME);
    List<Op> binds = new ArrayList<>();
    binds.add(new Op.Bind(program(hostEnv), program, false, false, false, false));
    binds.add(new Op.Bind(server, upstream, false, false, false, false));
    List<String> argv =
        new ArrayList<>(
            List.of(program.value(), "--upstream", upstream.value(), "--listen", socket.value()));
    if (cookie != null) {
      AbsPath cookieInside = INSIDE.resolve("cookie");
      binds.add(new Op.Bind(cookie, cookieInside, false, false, false, false));
      argv.addAll(List.of("--cookie", cookieInside.value()));
    }
    if (record) {
      argv.add("--record");
    }
    argv.addAll(List.of("--sync-fd", Integer.toString(SYNC_FD)));
    AbsPath inside = rt.resolve("pulse/native");
    List<String> grants = new ArrayList<>(describe(record));
    grants.add(
        0,
        "audio: the PulseAudio server "
            + Quote.q(server.value())
            + " (from PULSE_SERVER and XDG_RUNTIME_DIR) filtered, inside at "
            + Quote.q(inside.value())
            + "; the app gets no cookie of the server");
    Plan nested =
        DbusProxy.nestedPlan(
            HOSTNAME, argv, binds, instance, uid, gid, false, p.landlock().required());
    Proxy proxy = new Proxy(SYNC_FD, socket, TIMEOUT, nested, grants, Proxy.Kind.PULSE);
    return new ProxyGrants(
        proxy,
        List.of(new Op.Bind(socket, inside, false, false, false, false)),
        Map.of("PULSE_SERVER", "unix:" + inside.value()));
  }

  /** What the grant lets the app do, for {@code hsu compile} and {@code hsu check}. */
  public static List<String> describe(boolean record) {
    return List.of(
        "audio: play sound: create, control and delete its own playback streams; set the volume"
            + " of its own streams; see the server, its sinks"
            + (record ? " and sources" : "")
            + " and events",
        record
            ? "audio: record sound from any source, the monitors of what others play included"
            : "audio: no recording (audio: {pulse: {record: true}} grants it)",
        "audio: nothing else: no module loading, no defaults, no other clients or their streams,"
            + " no cards, ports or extensions, no sample cache, no shared memory");
  }
}
