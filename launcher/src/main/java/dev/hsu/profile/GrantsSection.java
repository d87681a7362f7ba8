package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import dev.hsu.profile.Draft.Str;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * What the app may reach of the host besides files: {@code network}, {@code devices} and the
 * desktop grants {@code wayland}, {@code audio}, {@code x11} and {@code gpu}.
 */
final class GrantsSection implements Section<GrantsSection> {
  static final List<String> AUDIO = List.of("pulse");

  /** Why {@code audio: pipewire} is refused, and what to use instead. */
  static final String PIPEWIRE_REFUSED =
      "'audio: pipewire' is refused: every client of PipeWire 0.3 may create nodes from factories"
          + " that load a library by a path the client names, so the app could run its own code in"
          + " your PipeWire daemon, outside the sandbox, and PipeWire has no way to restrict that for"
          + " one client here; use 'audio: pulse' instead: hsu filters the PulseAudio protocol,"
          + " which pipewire-pulse serves too";

  record Device(Str path, boolean optional) {}

  Profile.Network network;

  /** Where {@code network} was given. */
  Pos networkPos;

  List<Device> devices;

  /** {@code wayland}: null when not given, else whether it is granted. */
  Boolean wayland;

  boolean waylandDirect;
  Pos waylandPos;

  /** {@code audio} as written (each server once); null when not given. */
  List<Str> audio;

  /** {@code audio: {pulse: {record: true}}}; replaced with {@code audio}. */
  boolean audioRecord;

  Pos audioPos;
  Boolean x11;
  Pos x11Pos;
  Boolean gpu;
  Pos gpuPos;

  @Override
  public List<String> keys() {
    return List.of("network", "devices", "wayland", "audio", "x11", "gpu");
  }

  @Override
  public void read(String key, Node v, YamlValues in) {
    switch (key) {
      case "network" -> {
        String s = in.choice(v, "'network'", List.of("none", "host"));
        if (s != null) {
          network = s.equals("host") ? Profile.Network.HOST : Profile.Network.NONE;
          networkPos = in.at(v);
        }
      }
      case "devices" -> devices = devices(v, in);
      case "wayland" -> readWayland(v, in);
      case "audio" -> readAudio(v, in);
      case "x11" -> {
        x11 = in.bool(v, "'x11'");
        x11Pos = in.at(v);
      }
      case "gpu" -> {
        gpu = in.bool(v, "'gpu'");
        gpuPos = in.at(v);
      }
      default -> throw new IllegalStateException(key);
    }
  }

  private static List<Device> devices(Node v, YamlValues in) {
    SequenceNode seq = in.sequence(v, "a list of device paths", "'devices'");
    if (seq == null) {
      return null;
    }
    List<Device> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      if (item instanceof MappingNode) {
        Map<String, NodeTuple> k =
            in.keys((MappingNode) item, "a device", List.of("path", "optional"));
        Boolean optional =
            k.containsKey("optional")
                ? in.bool(k.get("optional").getValueNode(), "'optional'")
                : false;
        if (!k.containsKey("path")) {
          in.error(in.at(item), "a device entry needs 'path'");
        } else {
          Str path = in.varString(k.get("path").getValueNode(), "'path'");
          if (path != null && optional != null) {
            out.add(new Device(path, optional));
          }
        }
      } else if (YamlValues.isString(item)) {
        Str path = in.varString(item, "a device");
        if (path != null) {
          out.add(new Device(path, false));
        }
      } else {
        in.error(
            in.at(item),
            "expected a path or a mapping with 'path' and 'optional' for a device, got "
                + YamlValues.kind(item));
      }
    }
    return out;
  }

  /** {@code true}/{@code false}, or {@code {direct: BOOL}}. */
  private void readWayland(Node v, YamlValues in) {
    if (!(v instanceof MappingNode)) {
      Boolean b = in.bool(v, "'wayland'");
      if (b != null) {
        wayland = b;
        waylandDirect = false;
        waylandPos = in.at(v);
      }
      return;
    }
    MappingNode m = (MappingNode) v;
    Map<String, NodeTuple> k = in.keys(m, "'wayland'", List.of("direct"));
    boolean direct = false;
    if (k.containsKey("direct")) {
      Boolean b = in.bool(k.get("direct").getValueNode(), "'direct'");
      if (b == null) {
        return;
      }
      direct = b;
    }
    wayland = true;
    waylandDirect = direct;
    waylandPos = in.at(m);
  }

  /**
   * {@code none}, {@code pulse}, a list of those, or {@code {pulse: {record: BOOL}}} (also {@code
   * {pulse: true}}). {@code pipewire} is refused with the reason: see {@link #PIPEWIRE_REFUSED}.
   */
  private void readAudio(Node v, YamlValues in) {
    List<Str> out = new ArrayList<>();
    boolean record = false;
    if (v instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        Str key = in.string(t.getKeyNode(), "an 'audio' key");
        if (key == null) {
          return;
        }
        if (key.value().equals("pipewire")) {
          in.error(key.pos(), PIPEWIRE_REFUSED);
          return;
        }
      }
      Map<String, NodeTuple> k = in.keys(m, "'audio'", List.of("pulse"));
      if (!k.containsKey("pulse")) {
        in.error(in.at(v), "expected 'pulse' in the 'audio' mapping");
        return;
      }
      Node pulse = k.get("pulse").getValueNode();
      if (pulse instanceof MappingNode pm) {
        record = in.flag(in.keys(pm, "'pulse'", List.of("record")), "record");
      } else if (!Boolean.TRUE.equals(
          in.bool(pulse, "'pulse' (true, or a mapping with 'record')"))) {
        return;
      }
      out.add(in.string(k.get("pulse").getKeyNode(), "'audio'"));
    } else if (v instanceof SequenceNode) {
      List<Str> list = in.strings(v, "'audio'", false);
      if (list == null) {
        return;
      }
      int before = in.errors();
      for (Str s : list) {
        if (s.value().equals("pipewire")) {
          in.error(s.pos(), PIPEWIRE_REFUSED);
        } else if (!AUDIO.contains(s.value())) {
          in.choiceError(s, "an 'audio' entry", AUDIO);
        } else if (out.isEmpty()) {
          out.add(s);
        }
      }
      if (in.errors() > before) {
        return;
      }
    } else {
      if (!YamlValues.isString(v)) {
        in.error(
            in.at(v),
            "expected 'none', 'pulse', a list of them or {pulse: {record: true}} for 'audio', got "
                + YamlValues.kind(v));
        return;
      }
      if ("pipewire".equals(((ScalarNode) v).getValue())) {
        in.error(in.at(v), PIPEWIRE_REFUSED);
        return;
      }
      String s = in.choice(v, "'audio'", List.of("none", "pulse"));
      if (s == null) {
        return;
      }
      if (!s.equals("none")) {
        out.add(in.string(v, "'audio'"));
      }
    }
    audio = out;
    audioRecord = record;
    audioPos = in.at(v);
  }

  @Override
  public void mergeFrom(GrantsSection later) {
    if (later.network != null) {
      network = later.network;
      networkPos = later.networkPos;
    }
    devices = Draft.concat(devices, later.devices);
    if (later.wayland != null) {
      wayland = later.wayland;
      waylandDirect = later.waylandDirect;
      waylandPos = later.waylandPos;
    }
    if (later.audio != null) {
      audio = later.audio;
      audioRecord = later.audioRecord;
      audioPos = later.audioPos;
    }
    if (later.x11 != null) {
      x11 = later.x11;
      x11Pos = later.x11Pos;
    }
    if (later.gpu != null) {
      gpu = later.gpu;
      gpuPos = later.gpuPos;
    }
  }

  @Override
  public void finish(Finishing f, Finisher.Parts out) {
    out.network = network == null ? Profile.Network.NONE : network;
    out.devices = new ArrayList<>();
    if (devices != null) {
      for (Device dev : devices) {
        AbsPath p = f.path(dev.path());
        if (p != null) {
          out.devices.add(new Profile.Device(p, dev.optional()));
        }
      }
    }
    out.wayland = Boolean.TRUE.equals(wayland) ? new Profile.Wayland(waylandDirect) : null;
    Set<Profile.Audio> sound = EnumSet.noneOf(Profile.Audio.class);
    if (audio != null && !audio.isEmpty()) {
      sound.add(Profile.Audio.PULSE);
      if (audioRecord) {
        sound.add(Profile.Audio.PULSE_RECORD);
      }
    }
    out.audio = sound;
    out.x11 = Boolean.TRUE.equals(x11);
    out.gpu = Boolean.TRUE.equals(gpu);
  }

  @Override
  public void warnings(Finishing f, Finisher.Parts done) {
    if (Boolean.TRUE.equals(wayland) && waylandDirect) {
      f.warning(
          waylandPos,
          "'wayland: {direct: true}' passes the compositor's raw socket: the app can use every"
              + " privileged protocol it offers (screen capture, virtual keyboards and pointers,"
              + " clipboard managers), which a security context hides");
    }
    if (audio != null && !audio.isEmpty() && audioRecord) {
      f.warning(
          audioPos,
          "'audio: {pulse: {record: true}}' lets the app record from every source, the monitors"
              + " of what other apps play included");
    }
    if (Boolean.TRUE.equals(x11)) {
      f.warning(
          x11Pos,
          "'x11: true' connects the app to your X server, which isolates no client from another:"
              + " the app can read every window's contents and keystrokes, inject input and"
              + " read the clipboard"
              + (done.network == Profile.Network.HOST
                  ? "; with 'network: host' it shares the host's network too, so it may also"
                      + " reach an X server listening on TCP or the abstract socket"
                      + " '@/tmp/.X11-unix/X<n>' of any display (not just the granted one)"
                  : ""));
    }
    if (done.network == Profile.Network.HOST && networkPos != null) {
      f.warning(
          networkPos,
          "'network: host' shares the host's network: the app can reach every service listening"
              + " on this machine and the whole network, and it sees the host's network interfaces"
              + " (in /sys and /proc/net)");
    }
    if (devices != null) {
      for (Device dev : devices) {
        f.warning(
            dev.path().pos(),
            "device access to \""
                + f.expand(dev.path())
                + "\": the app talks to its kernel driver directly");
      }
    }
  }
}
