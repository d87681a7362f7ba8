package dev.hsu.compile;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import dev.hsu.plan.Op;
import dev.hsu.profile.Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The X11 and GPU grants, and where the PulseAudio server and its cookie are (sound itself goes
 * through {@link PulseFilter}): which host sockets and files they pass, where they appear inside
 * and which variables point at them. Read from the host environment (and, for the PulseAudio cookie
 * and the Xauthority file, the host's files) when the profile is compiled.
 */
public final class DesktopGrants {
  /** The Xauthority file the app gets, inside its runtime directory. */
  public static final String XAUTHORITY = "Xauthority";

  /** The X11 sockets' directory, the same inside and outside. */
  public static final AbsPath X11_DIR = AbsPath.of("/tmp/.X11-unix");

  public static final AbsPath DRI = AbsPath.of("/dev/dri");

  /** What a render node's users read in /sys when the auto-root does not provide it. */
  static final List<AbsPath> DRI_SYS =
      List.of(AbsPath.of("/sys/dev/char"), AbsPath.of("/sys/devices"));

  /** Xauthority families: a local (hostname) entry and one for any address. */
  static final int FAMILY_LOCAL = 256;

  static final int FAMILY_WILD = 65535;

  /** An Xauthority file larger than this is not read (real ones hold a few entries). */
  static final int MAX_XAUTHORITY = 1 << 20;

  private static final Pattern DISPLAY = Pattern.compile("(?:unix)?:([0-9]{1,5})(\\.[0-9]{1,5})?");

  /** The ops (after the runtime directory is mounted) and variables of the grants. */
  public record Grants(List<Op> ops, Map<String, String> env) {
    public Grants {
      ops = List.copyOf(ops);
      env = Map.copyOf(env);
    }
  }

  /**
   * A host socket a launch needs: the sentence for when it is missing, and its path (null when it
   * could not even be named, like an unset DISPLAY).
   */
  public record Needed(AbsPath socket, String missing) {}

  /** A local X display: the number and the screen as written ({@code ".0"} or empty). */
  public record Display(int number, String screen) {
    public AbsPath socket() {
      return X11_DIR.resolve("X" + number);
    }
  }

  private DesktopGrants() {}

  /**
   * The grants of {@code p}.
   *
   * @throws IllegalArgumentException when the host environment names something hsu refuses (a TCP X
   *     display) or a path that is not clean
   */
  public static Grants of(Profile p, Map<String, String> hostEnv) {
    Profile.Host host = p.host();
    AbsPath rt = host.xdgRuntimeDir();
    List<Op> ops = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    if (p.x11()) {
      Display d = display(hostEnv.get("DISPLAY"));
      ops.add(bind(d.socket(), d.socket()));
      byte[] auth = xauthority(readXauthority(xauthorityFile(host.home(), hostEnv)), d.number());
      AbsPath file = rt.resolve(XAUTHORITY);
      ops.add(new Op.Place(file, 0600, auth));
      env.put("DISPLAY", ":" + d.number() + d.screen());
      env.put("XAUTHORITY", file.value());
    }
    if (p.gpu()) {
      ops.add(new Op.Bind(DRI, DRI, false, true, true, false));
      if (!p.root().mirror() || p.root().exclude().contains("sys")) {
        for (AbsPath s : DRI_SYS) {
          ops.add(new Op.Bind(s, s, false, false, true, false));
        }
      }
    }
    return new Grants(ops, env);
  }

  /** The host sockets a launch of {@code p} needs, to check before starting it. */
  public static List<Needed> needed(Profile p, Map<String, String> hostEnv) {
    AbsPath rt = p.host().xdgRuntimeDir();
    List<Needed> out = new ArrayList<>();
    if (p.audio().contains(Profile.Audio.PULSE)) {
      AbsPath s = pulseSocket(rt, hostEnv);
      out.add(
          new Needed(
              s,
              "the profile asks for PulseAudio, but there is no PulseAudio socket at "
                  + Quote.q(s.value())
                  + " (from PULSE_SERVER and XDG_RUNTIME_DIR)"));
    }
    if (p.x11()) {
      String value = hostEnv.get("DISPLAY");
      if (value == null || value.isEmpty()) {
        out.add(new Needed(null, "the profile asks for X11, but DISPLAY is not set"));
      } else {
        AbsPath s = display(value).socket();
        out.add(
            new Needed(
                s,
                "the profile asks for X11, but there is no X server socket at "
                    + Quote.q(s.value())
                    + " (from DISPLAY "
                    + Quote.q(value)
                    + ")"));
      }
    }
    return out;
  }

  /**
   * The PulseAudio native socket: {@code $PULSE_SERVER} when it names one local socket ({@code
   * unix:/path} or {@code /path}), else {@code pulse/native} in the runtime directory.
   */
  static AbsPath pulseSocket(AbsPath runtimeDir, Map<String, String> hostEnv) {
    String server = hostEnv.get("PULSE_SERVER");
    if (server != null) {
      String path = server.startsWith("unix:") ? server.substring(5) : server;
      if (path.startsWith("/") && AbsPath.problem(path) == null) {
        return AbsPath.of(path);
      }
    }
    return runtimeDir.resolve("pulse/native");
  }

  /**
   * The PulseAudio cookie libpulse would use: {@code $PULSE_COOKIE}, else {@code
   * ~/.config/pulse/cookie}, else {@code ~/.pulse-cookie}; the first regular file, or null.
   */
  static AbsPath pulseCookie(AbsPath home, Map<String, String> hostEnv) {
    List<String> candidates = new ArrayList<>();
    String env = hostEnv.get("PULSE_COOKIE");
    if (env != null && !env.isEmpty()) {
      candidates.add(env);
    }
    candidates.add(home.value() + "/.config/pulse/cookie");
    candidates.add(home.value() + "/.pulse-cookie");
    for (String c : candidates) {
      if (AbsPath.problem(c) != null) {
        continue;
      }
      dev.hsu.cache.Consulted.kind(Path.of(c));
      if (Files.isRegularFile(Path.of(c))) {
        return AbsPath.of(c);
      }
    }
    return null;
  }

  /**
   * The local display {@code value} names: {@code :N}, {@code :N.S}, {@code unix:N[.S]}; unset
   * means {@code :0} (a launch refuses it, see {@link #needed}).
   *
   * @throws IllegalArgumentException for any other form (TCP displays are refused)
   */
  public static Display display(String value) {
    if (value == null || value.isEmpty()) {
      return new Display(0, "");
    }
    Matcher m = DISPLAY.matcher(value);
    int n = m.matches() ? Integer.parseInt(m.group(1)) : -1;
    if (n < 0 || n > 65535) {
      throw new IllegalArgumentException(
          "the profile asks for X11, but DISPLAY "
              + Quote.q(value)
              + " is not a local display (':N', ':N.S' or 'unix:N'): hsu passes only a local X"
              + " server's socket, never a TCP connection");
    }
    return new Display(n, m.group(2) == null ? "" : m.group(2));
  }

  /** {@code $XAUTHORITY}, else {@code ~/.Xauthority}. */
  static Path xauthorityFile(AbsPath home, Map<String, String> hostEnv) {
    String env = hostEnv.get("XAUTHORITY");
    return Path.of(env != null && !env.isEmpty() ? env : home.value() + "/.Xauthority");
  }

  /** The file's bytes; empty when it is missing, not a regular file, unreadable or too large. */
  static byte[] readXauthority(Path file) {
    dev.hsu.cache.Consulted.file(file);
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_XAUTHORITY) {
        return new byte[0];
      }
      return Files.readAllBytes(file);
    } catch (IOException | SecurityException e) {
      return new byte[0];
    }
  }

  /**
   * The entries of the Xauthority file {@code data} for display {@code number}: family local or
   * wild, display number equal (or empty, which libXau matches to any display). Each is rewritten
   * to the wild family with an empty address, so the host name it was written for does not matter
   * inside. A truncated last entry is dropped.
   */
  public static byte[] xauthority(byte[] data, int number) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] want = Integer.toString(number).getBytes(StandardCharsets.US_ASCII);
    int at = 0;
    while (true) {
      if (at + 2 > data.length) {
        break;
      }
      int family = u16(data, at);
      int[] fields = new int[8];
      int p = at + 2;
      boolean complete = true;
      for (int i = 0; i < 4; i++) {
        if (p + 2 > data.length) {
          complete = false;
          break;
        }
        int len = u16(data, p);
        if (p + 2 + len > data.length) {
          complete = false;
          break;
        }
        fields[2 * i] = p + 2;
        fields[2 * i + 1] = len;
        p += 2 + len;
      }
      if (!complete) {
        break;
      }
      at = p;
      if (family != FAMILY_LOCAL && family != FAMILY_WILD) {
        continue;
      }
      int numberLen = fields[3];
      boolean matches =
          numberLen == 0
              || java.util.Arrays.equals(
                  data, fields[2], fields[2] + numberLen, want, 0, want.length);
      if (!matches) {
        continue;
      }
      writeU16(out, FAMILY_WILD);
      writeU16(out, 0);
      for (int i = 1; i < 4; i++) {
        writeU16(out, fields[2 * i + 1]);
        out.write(data, fields[2 * i], fields[2 * i + 1]);
      }
    }
    return out.toByteArray();
  }

  private static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  private static void writeU16(ByteArrayOutputStream out, int v) {
    out.write((v >> 8) & 0xff);
    out.write(v & 0xff);
  }

  private static Op bind(AbsPath source, AbsPath target) {
    // Read-only is enough: connect(2) and reading a cookie need no write access to the mount.
    return new Op.Bind(source, target, false, false, false, false);
  }
}
