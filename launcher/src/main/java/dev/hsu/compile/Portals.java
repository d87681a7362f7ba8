package dev.hsu.compile;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import dev.hsu.plan.Instance;
import dev.hsu.plan.Op;
import dev.hsu.profile.Profile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code portals} grant (docs/portals.md): the app talks to xdg-desktop-portal and the document
 * portal through its D-Bus proxy, and they know it by its id.
 *
 * <p>Both identify a caller by {@code /proc/PID/root/.flatpak-info} of the process that sent the
 * message: behind hsu's proxy that is the proxy, so the proxy's root always carries the app's
 * metadata (whenever the session bus is granted, so no app is ever taken for a host program). With
 * {@code portals} the app's root carries it too (GLib, GTK and Qt then use portals for dialogs and
 * links), its view of the document portal is bound where Flatpak apps find it, {@code xdg-open}
 * asks the OpenURI portal, and hsu-init writes the instance metadata xdg-desktop-portal tracks
 * running apps by ({@code $XDG_RUNTIME_DIR/.flatpak/ID/}).
 */
public final class Portals {
  public static final AbsPath FLATPAK_INFO = AbsPath.of("/.flatpak-info");

  public static final String DESKTOP = "org.freedesktop.portal.Desktop";
  public static final String DOCUMENTS = "org.freedesktop.portal.Documents";
  static final String DESKTOP_PATH = "/org/freedesktop/portal/desktop";
  static final String DOCUMENTS_PATH = "/org/freedesktop/portal/documents";

  /** The host environment variable naming hsu-portal (the launcher sets it). */
  public static final String PROGRAM_VAR = "HSU_PORTAL";

  /** Where an installed hsu keeps it, when nothing else says. */
  public static final AbsPath DEFAULT_PROGRAM = AbsPath.of("/usr/libexec/hsu/hsu-portal");

  /** Where the app finds the portal-backed xdg-open: over the host's own. */
  static final AbsPath XDG_OPEN = AbsPath.of("/usr/bin/xdg-open");

  /**
   * The interfaces of xdg-desktop-portal an app may call: those that ask the user or only tell the
   * app about the desktop. Not among them: the Registry (a caller that registers picks its own id),
   * Background and DynamicLauncher (they write launchers that run {@code flatpak}), RemoteDesktop
   * and InputCapture (input into the whole desktop).
   */
  static final List<String> DESKTOP_INTERFACES =
      List.of(
          "Account",
          "Camera",
          "Email",
          "FileChooser",
          "GameMode",
          "Inhibit",
          "Location",
          "MemoryMonitor",
          "NetworkMonitor",
          "Notification",
          "OpenURI",
          "PowerProfileMonitor",
          "Print",
          "ProxyResolver",
          "Realtime",
          "Request",
          "ScreenCast",
          "Screenshot",
          "Secret",
          "Session",
          "Settings",
          "Trash",
          "Wallpaper");

  /** The document portal's interfaces: the app's documents, and drag and drop between apps. */
  static final List<String> DOCUMENTS_INTERFACES = List.of("Documents", "FileTransfer");

  private Portals() {}

  /** The hsu-portal program: {@code $HSU_PORTAL}, else the installed one. */
  public static AbsPath program(Map<String, String> hostEnv) {
    return HelperProgram.from(hostEnv, PROGRAM_VAR, DEFAULT_PROGRAM, "the portal client");
  }

  /** The host path of the hsu-portal that {@code plan} binds as xdg-open, or null. */
  public static AbsPath programIn(dev.hsu.plan.Plan plan) {
    for (Op op : plan.ops()) {
      if (op instanceof Op.Bind b && b.target().equals(XDG_OPEN)) {
        return b.source();
      }
    }
    return null;
  }

  /** The app's document view inside: the document portal's mount point in the runtime dir. */
  public static AbsPath documentsInside(Profile p) {
    return p.host().xdgRuntimeDir().resolve("doc");
  }

  /** The host side of it: the document portal's view for this app alone. */
  static AbsPath documentsHost(Profile p) {
    return p.host().xdgRuntimeDir().resolve("doc").resolve("by-app").resolve(p.id());
  }

  /** The app's ops (after the runtime dir) and variables with {@code portals}; NONE without. */
  static ProxyGrants of(Profile p, Instance instance, Map<String, String> hostEnv) {
    if (p.dbus().portals() == null) {
      return ProxyGrants.NONE;
    }
    List<Op> ops = new ArrayList<>();
    ops.add(new Op.Place(FLATPAK_INFO, 0444, flatpakInfo(p, instance)));
    // The document portal's FUSE file system decides what each document allows; a launch without
    // a running document portal goes on without it.
    ops.add(new Op.Bind(documentsHost(p), documentsInside(p), true, false, true, false));
    // Over the host's xdg-open, which would look for a browser inside; where the root mirror does
    // not show the host's /usr, or the host has none, apps that run xdg-open find none inside.
    java.nio.file.Path hostXdgOpen = java.nio.file.Path.of(XDG_OPEN.value());
    if (p.root().mirror() && !p.root().exclude().contains("usr")) {
      dev.hsu.cache.Consulted.kind(hostXdgOpen);
    }
    if (p.root().mirror()
        && !p.root().exclude().contains("usr")
        && dev.hsu.cache.Consulted.kindOf(hostXdgOpen) == dev.hsu.cache.Consulted.Kind.FILE) {
      ops.add(new Op.Bind(program(hostEnv), XDG_OPEN, false, false, false, false));
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GTK_USE_PORTAL", "1");
    env.put("GDK_DEBUG", "portals");
    env.put("QT_QPA_PLATFORMTHEME", "xdgdesktopportal");
    return new ProxyGrants(null, ops, env);
  }

  /** The proxy's filter options that let the app reach the portals, and nothing else of them. */
  static List<String> filterArgs() {
    List<String> args = new ArrayList<>();
    calls(args, DESKTOP, DESKTOP_PATH, DESKTOP_INTERFACES);
    calls(args, DOCUMENTS, DOCUMENTS_PATH, DOCUMENTS_INTERFACES);
    return args;
  }

  private static void calls(List<String> args, String name, String path, List<String> ifaces) {
    for (String i : ifaces) {
      args.add("--call=" + name + "=org.freedesktop.portal." + i + ".*@" + path + "/*");
    }
    args.add("--call=" + name + "=org.freedesktop.DBus.Properties.Get@" + path);
    args.add("--call=" + name + "=org.freedesktop.DBus.Properties.GetAll@" + path);
    args.add("--broadcast=" + name + "=@" + path + "/*");
  }

  /** Lines for {@code hsu compile} and {@code hsu check} that say what the grant allows. */
  static List<String> describe(Profile p) {
    Profile.Portals portals = p.dbus().portals();
    List<String> lines = new ArrayList<>();
    lines.add(
        "portals: file dialogs, opening links and files through xdg-desktop-portal ("
            + String.join(", ", DESKTOP_INTERFACES)
            + ") and the document portal, which know the app as "
            + Quote.q(p.id())
            + "; never their registry, permission store or backends");
    lines.add(
        "portals: the files the app is given or the user picks appear in "
            + Quote.q(documentsInside(p).value())
            + ", nothing else of the document portal; files handed over at launch are "
            + (portals.writableFiles() ? "read-write" : "read-only"));
    return lines;
  }

  /**
   * The Flatpak instance metadata xdg-desktop-portal reads: the app's id and this instance's, and
   * the sandbox's grants as far as the format says them.
   */
  static byte[] flatpakInfo(Profile p, Instance instance) {
    StringBuilder b = new StringBuilder();
    b.append("[Application]\nname=").append(value(p.id())).append('\n');
    b.append("\n[Instance]\ninstance-id=").append(instance.id()).append('\n');
    b.append("session-bus-proxy=").append(p.dbus().session() != null).append('\n');
    b.append("system-bus-proxy=").append(p.dbus().system() != null).append('\n');
    List<String> shared = new ArrayList<>();
    if (p.network() == Profile.Network.HOST) {
      shared.add("network");
    }
    List<String> sockets = new ArrayList<>();
    if (p.wayland() != null) {
      sockets.add("wayland");
    }
    if (p.x11()) {
      sockets.add("x11");
    }
    if (!p.audio().isEmpty()) {
      sockets.add("pulseaudio");
    }
    if (p.dbus().session() != null) {
      sockets.add("session-bus");
    }
    if (p.dbus().system() != null) {
      sockets.add("system-bus");
    }
    List<String> filesystems = new ArrayList<>();
    for (Profile.FsEntry e : p.filesystem()) {
      if (e instanceof Profile.FsEntry.Bind bind && !bind.device()) {
        filesystems.add(bind.source().value() + (bind.writable() ? "" : ":ro"));
      }
    }
    b.append("\n[Context]\n");
    b.append("shared=").append(list(shared)).append('\n');
    b.append("sockets=").append(list(sockets)).append('\n');
    b.append("devices=").append(p.gpu() ? "dri;" : "").append('\n');
    b.append("filesystems=").append(list(filesystems)).append('\n');
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A key file list: each element escaped, each followed by ';'. */
  private static String list(List<String> items) {
    StringBuilder b = new StringBuilder();
    for (String s : items) {
      b.append(value(s).replace(";", "\\;")).append(';');
    }
    return b.toString();
  }

  /** A key file value: backslashes, line breaks, tabs and a leading space escaped. */
  static String value(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case ' ' -> b.append(i == 0 ? "\\s" : " ");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
