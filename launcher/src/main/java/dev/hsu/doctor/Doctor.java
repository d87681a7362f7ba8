package dev.hsu.doctor;

import dev.hsu.base.Quote;
import dev.hsu.doctor.DoctorHost.Probe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code hsu doctor}'s checks: each reads its facts through {@link DoctorHost} and decides in a
 * pure function of them (tested on fake facts), so the decisions and the sentences are one place.
 */
public final class Doctor {
  /** Where the package installs hsu-init; the shipped AppArmor profile names this path only. */
  static final String INSTALLED_INIT = "/usr/libexec/hsu/hsu-init";

  static final String USERNS_CLONE = "/proc/sys/kernel/unprivileged_userns_clone";
  static final String MAX_USERNS = "/proc/sys/user/max_user_namespaces";
  static final String AA_RESTRICT = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";
  static final int EPERM = 1;
  static final int ENOSYS = 38;
  static final int EOPNOTSUPP = 95;

  /** The Landlock ABI of the scopes every default sandbox sets (Linux 6.12). */
  static final int SCOPES_ABI = 6;

  private Doctor() {}

  /**
   * What the checks need besides the host: the environment, hsu-init, the pulse filter and
   * hsu-launch of hsu's layout (null when unknown), the JVM's version and home.
   */
  public record Inputs(
      Map<String, String> env,
      String init,
      String pulseFilter,
      String front,
      Runtime.Version java,
      String javaHome) {}

  /** Every check, in the order printed. */
  public static List<Check> run(DoctorHost host, Inputs in) {
    Map<String, String> env = in.env();
    Integer clone = sysctl(host, USERNS_CLONE);
    Integer max = sysctl(host, MAX_USERNS);
    Integer restrict = sysctl(host, AA_RESTRICT);
    Probe probe =
        in.init() == null || !host.isExecutable(in.init())
            ? Probe.notRun(
                in.init() == null
                    ? "hsu-init is not known"
                    : "no hsu-init at " + Quote.q(in.init()))
            : host.sandbox(false);
    Probe overlay = probe.outcome() == Probe.Outcome.OK ? host.sandbox(true) : Probe.notRun("");
    String runtime = runtimeDir(env);
    List<Check> out = new ArrayList<>();
    out.add(runtime(in.init(), probe));
    out.add(userns(clone, max, restrict, probe));
    out.add(apparmor(restrict, probe, in.init()));
    out.add(landlock(host.landlockAbi()));
    out.add(
        seccomp(
            host.read("/proc/self/status"), host.read("/proc/sys/kernel/seccomp/actions_avail")));
    out.add(overlay(probe, overlay));
    out.add(wayland(host, env, runtime));
    String bus = busAddress(host, env, runtime);
    out.add(sessionBus(bus));
    out.add(dbusProxy(host.isExecutable(dev.hsu.compile.DbusProxy.PROGRAM.value())));
    boolean front = in.front() != null && host.isExecutable(in.front());
    out.add(portals(bus, front, bus != null && front ? host.portalCheck(in.front(), env) : null));
    String pulse = pulseSocket(env, runtime);
    String pipewire = runtime == null ? null : runtime + "/pipewire-0";
    out.add(
        audio(
            pulse,
            pulse != null && host.isSocket(pulse),
            pipewire != null && host.isSocket(pipewire),
            in.pulseFilter(),
            in.pulseFilter() != null && host.isExecutable(in.pulseFilter())));
    String display = env.get("DISPLAY");
    String x11 = x11Socket(display);
    out.add(
        x11(display, x11, x11 != null && host.isSocket(x11), env.get("WAYLAND_DISPLAY") != null));
    out.add(systemd(bus, runtime != null && host.isSocket(runtime + "/systemd/private")));
    out.add(java(in.java(), in.javaHome()));
    return out;
  }

  static Integer sysctl(DoctorHost host, String path) {
    String v = host.read(path);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String runtimeDir(Map<String, String> env) {
    String r = env.get("XDG_RUNTIME_DIR");
    return r != null && r.startsWith("/") ? r : null;
  }

  // ---- the decisions ----

  static Check runtime(String init, Probe probe) {
    String name = "sandbox";
    return switch (probe.outcome()) {
      case OK ->
          Check.ok(
              name,
              "a test sandbox ran through "
                  + Quote.q(init)
                  + " (namespaces, mounts, Landlock, seccomp).");
      case NOT_RUN ->
          Check.fail(
              name,
              "no test sandbox ran: " + probe.message() + ".",
              "build hsu (./dev build) or reinstall the hsu package.");
      case FAILED ->
          probe.namespaceFailure()
              ? Check.fail(
                  name,
                  "a test sandbox failed: " + probe.message() + ".",
                  "see the user namespace line below.")
              : Check.fail(
                  name,
                  "a test sandbox failed: " + probe.message() + ".",
                  "every 'hsu launch' fails the same way; the lines below may name the cause.");
    };
  }

  static Check userns(Integer clone, Integer max, Integer restrict, Probe probe) {
    String name = "user namespaces";
    if (probe.outcome() == Probe.Outcome.OK) {
      return Check.ok(name, "hsu-init creates unprivileged user namespaces.");
    }
    if (clone != null && clone == 0) {
      return Check.fail(
          name,
          "unprivileged user namespaces are off (kernel.unprivileged_userns_clone = 0).",
          "sudo sysctl -w kernel.unprivileged_userns_clone=1, and the same line in /etc/sysctl.d/ to keep it.");
    }
    if (max != null && max == 0) {
      return Check.fail(
          name,
          "user namespaces are off (user.max_user_namespaces = 0).",
          "sudo sysctl -w user.max_user_namespaces=15000, and the same line in /etc/sysctl.d/ to keep it.");
    }
    if (restrict != null && restrict == 1 && probe.outcome() == Probe.Outcome.FAILED) {
      return Check.fail(
          name,
          "AppArmor blocks them for hsu-init (see the apparmor line).",
          "see the apparmor line.");
    }
    if (probe.namespaceFailure()) {
      return Check.fail(
          name,
          "hsu-init cannot create them: " + probe.message() + ".",
          "something outside the sysctls forbids them here (a container runtime's seccomp filter, an"
              + " LSM): run hsu on the host or allow user namespaces in that container.");
    }
    return Check.ok(
        name,
        "the kernel allows unprivileged user namespaces"
            + (probe.outcome() == Probe.Outcome.NOT_RUN ? " (not tried: no hsu-init)." : "."));
  }

  static Check apparmor(Integer restrict, Probe probe, String init) {
    String name = "apparmor";
    if (restrict == null || restrict == 0) {
      return Check.ok(name, "AppArmor does not restrict unprivileged user namespaces here.");
    }
    if (probe.outcome() == Probe.Outcome.OK) {
      return Check.ok(
          name,
          "AppArmor restricts unprivileged user namespaces, and a profile allows"
              + " them to hsu-init.");
    }
    String fix =
        INSTALLED_INIT.equals(init)
            ? "load hsu's profile: sudo apparmor_parser -r /etc/apparmor.d/hsu (reinstall the hsu package"
                + " if that file is missing)."
            : "install the hsu package (its /etc/apparmor.d/hsu allows "
                + INSTALLED_INIT
                + "), or copy"
                + " packaging/apparmor/hsu there with this hsu-init's path and load it (README, Ubuntu).";
    return probe.outcome() == Probe.Outcome.FAILED
        ? Check.fail(
            name,
            "AppArmor restricts unprivileged user namespaces"
                + " (kernel.apparmor_restrict_unprivileged_userns = 1), and no profile allows them to "
                + Quote.q(String.valueOf(init))
                + ".",
            fix)
        : Check.warn(
            name, "AppArmor restricts unprivileged user namespaces (not tried: no hsu-init).", fix);
  }

  static Check landlock(int abi) {
    String name = "landlock";
    if (abi == -ENOSYS) {
      return Check.fail(
          name,
          "the kernel has no Landlock.",
          "use Linux 6.12 or later built with Landlock; or set 'landlock: {required: false}' in"
              + " profiles to run them without it.");
    }
    if (abi == -EOPNOTSUPP) {
      return Check.fail(
          name,
          "the kernel has Landlock, but it is not enabled.",
          "add landlock to the lsm= kernel parameter (cat /sys/kernel/security/lsm shows the list).");
    }
    if (abi == -EPERM) {
      return Check.fail(
          name,
          "Landlock is refused here (EPERM): a seccomp filter around hsu (a"
              + " container's) blocks its system calls.",
          "allow landlock_create_ruleset, landlock_add_rule and landlock_restrict_self in the"
              + " container (systemd-nspawn: --system-call-filter), or run hsu on the host.");
    }
    if (abi < 0) {
      return Check.fail(
          name,
          "the Landlock ABI cannot be read (errno " + -abi + ").",
          "use Linux 6.12 or later built with Landlock.");
    }
    if (abi < SCOPES_ABI) {
      return Check.fail(
          name,
          "Landlock ABI "
              + abi
              + "; the default sandbox needs ABI "
              + SCOPES_ABI
              + " (Linux 6.12) for its abstract-socket and signal scopes.",
          "use Linux 6.12 or later, or set 'landlock: {required: false}' in profiles to run them"
              + " without the missing rules.");
    }
    return Check.ok(name, "Landlock ABI " + abi + ".");
  }

  static Check seccomp(String status, String actions) {
    String name = "seccomp";
    if (status == null || !status.contains("\nSeccomp:")) {
      return Check.fail(
          name, "the kernel has no seccomp.", "use a kernel built with CONFIG_SECCOMP_FILTER.");
    }
    if (actions != null && !actions.contains("errno")) {
      return Check.fail(
          name,
          "seccomp filters cannot return an errno here.",
          "use a kernel built with CONFIG_SECCOMP_FILTER.");
    }
    return Check.ok(name, "seccomp filters are available.");
  }

  static Check overlay(Probe base, Probe overlay) {
    String name = "overlayfs";
    if (base.outcome() != Probe.Outcome.OK) {
      return Check.warn(name, "not tried (no test sandbox ran).", "fix the sandbox line first.");
    }
    if (overlay.outcome() == Probe.Outcome.OK) {
      return Check.ok(name, "overlay mounts with userxattr work in a sandbox.");
    }
    return Check.warn(
        name,
        "a sandbox with an overlay failed: " + overlay.message() + ".",
        "profiles with 'overlay' entries need Linux 5.11 or later with overlayfs (modprobe overlay);"
            + " others are not affected.");
  }

  static Check wayland(DoctorHost host, Map<String, String> env, String runtime) {
    String display = env.get("WAYLAND_DISPLAY");
    if (display == null || display.isEmpty()) {
      return wayland(null, null, false, null, null);
    }
    String socket =
        display.startsWith("/") ? display : runtime == null ? null : runtime + "/" + display;
    boolean present = socket != null && host.isSocket(socket);
    List<String> globals = null;
    String error = null;
    if (present) {
      try {
        globals = host.waylandGlobals(socket);
      } catch (IOException e) {
        error = e.getMessage();
      }
    }
    return wayland(display, socket, present, globals, error);
  }

  static Check wayland(
      String display, String socket, boolean present, List<String> globals, String error) {
    String name = "wayland";
    String only = "only profiles with 'wayland' need it.";
    if (display == null) {
      return Check.warn(
          name,
          "no Wayland compositor (WAYLAND_DISPLAY is unset).",
          "run hsu in a Wayland session; " + only);
    }
    if (!present) {
      return Check.warn(
          name,
          "WAYLAND_DISPLAY is "
              + Quote.q(display)
              + ", but there is no socket at "
              + Quote.q(String.valueOf(socket))
              + ".",
          "check WAYLAND_DISPLAY and XDG_RUNTIME_DIR; " + only);
    }
    if (globals == null) {
      return Check.warn(
          name,
          "the compositor at " + Quote.q(socket) + " did not answer: " + error + ".",
          "check the compositor; " + only);
    }
    if (globals.contains("wp_security_context_manager_v1")) {
      return Check.ok(
          name, "the compositor at " + Quote.q(socket) + " offers security-context-v1.");
    }
    return Check.warn(
        name,
        "the compositor at "
            + Quote.q(socket)
            + " lacks security-context-v1, so"
            + " 'wayland: true' cannot restrict it.",
        "use a compositor with security-context-v1 (e.g. sway 1.10 in Debian 13); 'wayland: {direct:"
            + " true}' gives the raw socket (warned).");
  }

  /**
   * The session bus as launch finds it (dev.hsu.systemd.Scopes#busAddress), through the host:
   * DBUS_SESSION_BUS_ADDRESS when its unix path exists (other transports are taken as they are),
   * else $XDG_RUNTIME_DIR/bus.
   */
  static String busAddress(DoctorHost host, Map<String, String> env, String runtime) {
    String given = env.get("DBUS_SESSION_BUS_ADDRESS");
    if (given != null && !given.isBlank()) {
      for (String a : given.split(";")) {
        int at = a.indexOf("path=");
        if (!a.startsWith("unix:") || at < 0) {
          return given;
        }
        String path = a.substring(at + 5).split(",")[0];
        if (host.isSocket(path)) {
          return given;
        }
      }
      return null;
    }
    return runtime != null && host.isSocket(runtime + "/bus")
        ? "unix:path=" + runtime + "/bus"
        : null;
  }

  static Check sessionBus(String address) {
    String name = "session bus";
    if (address == null) {
      return Check.warn(
          name,
          "no session bus (DBUS_SESSION_BUS_ADDRESS is unset or names a missing"
              + " socket, and $XDG_RUNTIME_DIR/bus does not exist).",
          "log in through a session that starts one (Debian: dbus-user-session); profiles with"
              + " 'dbus' and systemd scopes need it.");
    }
    return Check.ok(name, "session bus at " + Quote.q(address) + ".");
  }

  static Check dbusProxy(boolean present) {
    String name = "xdg-dbus-proxy";
    return present
        ? Check.ok(name, dev.hsu.compile.DbusProxy.PROGRAM.value() + " filters D-Bus grants.")
        : Check.warn(
            name,
            "xdg-dbus-proxy is not installed, so profiles with 'dbus' cannot run.",
            "sudo apt install xdg-dbus-proxy.");
  }

  static String pulseSocket(Map<String, String> env, String runtime) {
    String server = env.get("PULSE_SERVER");
    if (server != null && server.startsWith("unix:/")) {
      return server.substring("unix:".length());
    }
    if (server != null && server.startsWith("/")) {
      return server;
    }
    return runtime == null ? null : runtime + "/pulse/native";
  }

  static Check audio(
      String pulse, boolean pulsePresent, boolean pipewire, String filter, boolean filterPresent) {
    String name = "audio";
    String only = "only profiles with 'audio' need it.";
    if (!filterPresent) {
      return Check.warn(
          name,
          "hsu's PulseAudio filter is missing"
              + (filter == null ? "." : " at " + Quote.q(filter) + "."),
          "build hsu (./dev build) or reinstall the hsu package; " + only);
    }
    if (pulsePresent) {
      return Check.ok(
          name,
          "a PulseAudio-protocol server (PulseAudio or pipewire-pulse) listens at "
              + Quote.q(pulse)
              + ".");
    }
    if (pulse == null) {
      return Check.warn(
          name,
          "no sound server socket (XDG_RUNTIME_DIR is unset and PULSE_SERVER names"
              + " no local socket).",
          "start PulseAudio or pipewire-pulse in your session; " + only);
    }
    if (pipewire) {
      return Check.warn(
          name,
          "PipeWire runs, but nothing speaks PulseAudio's protocol at " + Quote.q(pulse) + ".",
          "sudo apt install pipewire-pulse; " + only);
    }
    return Check.warn(
        name,
        "no sound server socket at " + Quote.q(pulse) + ".",
        "start PulseAudio or pipewire-pulse in your session; " + only);
  }

  static String x11Socket(String display) {
    if (display == null) {
      return null;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?:unix)?:(\\d+)(?:\\.\\d+)?").matcher(display);
    return m.matches() ? "/tmp/.X11-unix/X" + m.group(1) : null;
  }

  static Check x11(String display, String socket, boolean present, boolean wayland) {
    String name = "x11";
    String only = "only profiles with 'x11' need it.";
    if (display == null || display.isEmpty()) {
      return Check.warn(
          name,
          "no X server (DISPLAY is unset).",
          (wayland ? "enable Xwayland in your compositor; " : "run hsu in a graphical session; ")
              + only);
    }
    if (socket == null) {
      return Check.warn(
          name,
          "DISPLAY "
              + Quote.q(display)
              + " is not a local display; hsu binds"
              + " only local X sockets.",
          "use a local display (:N); " + only);
    }
    if (!present) {
      return Check.warn(
          name,
          "DISPLAY is " + Quote.q(display) + ", but there is no socket at " + Quote.q(socket) + ".",
          "check DISPLAY; " + only);
    }
    return Check.ok(
        name, (wayland ? "Xwayland" : "an X server") + " listens at " + Quote.q(socket) + ".");
  }

  static Check systemd(String bus, boolean manager) {
    String name = "systemd";
    if (bus != null && manager) {
      return Check.ok(
          name, "a systemd user manager runs: sandboxes get their own scopes and 'limits'.");
    }
    return Check.warn(
        name,
        "no systemd user manager"
            + (bus == null ? " (no session bus)" : " ($XDG_RUNTIME_DIR/systemd/private is missing)")
            + ": sandboxes run without their own scope, and profiles with 'limits' cannot launch.",
        "log in through systemd-logind (libpam-systemd), or keep a user manager with"
            + " 'loginctl enable-linger'; 'hsu systemd' units need it too.");
  }

  static Check portals(String bus, boolean front, String problem) {
    String name = "portals";
    String fix =
        "sudo apt install xdg-desktop-portal xdg-desktop-portal-gtk fuse3 (or your desktop's"
            + " portal backend), and log in again.";
    if (bus == null) {
      return Check.warn(
          name, "not checked (no session bus): profiles with 'portals' need one.", fix);
    }
    if (!front) {
      return Check.warn(
          name,
          "not checked: hsu-launch, which checks them, is missing.",
          "build it: make -C init-c");
    }
    if (problem != null) {
      return Check.warn(name, problem + ".", fix);
    }
    return Check.ok(
        name,
        "xdg-desktop-portal and the document portal answer on the session bus: profiles with"
            + " 'portals' get file dialogs, links and files handed over.");
  }

  static Check java(Runtime.Version v, String home) {
    String name = "java";
    String where = home == null ? "" : " (" + home + ")";
    if (v.feature() < 17) {
      return Check.fail(
          name,
          "Java " + v + where + " is older than 17.",
          "sudo apt install default-jre-headless (17 or later).");
    }
    return Check.ok(name, "Java " + v + where + ".");
  }
}
