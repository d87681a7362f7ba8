package dev.hsu.profile;

import dev.hsu.profile.Profile.FsEntry.Overlay.Writes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One profile file (or the merge of several) as written: typed and checked, not yet expanded. A
 * null field was not given.
 */
final class Draft {
  /** A string from the file and where it was written. */
  record Str(String value, Pos pos) {}

  record Device(Str path, boolean optional) {}

  record Daemon(Str program, List<Str> args, Str readyPath, Duration timeout) {}

  /** A filesystem entry as written; {@code path} is the value of its kind key. */
  sealed interface Fs {
    Str path();
  }

  record Bind(Str path, Str to, boolean writable, boolean device, boolean optional, boolean ensure)
      implements Fs {}

  record Tmpfs(Str path, long size, int mode, boolean readOnly) implements Fs {}

  /** lower null means the default [path]; upper and work null unless given. */
  record Overlay(Str path, List<Str> lower, Writes writes, Str upper, Str work) implements Fs {}

  record Symlink(Str path, Str pointsTo, boolean dereference) implements Fs {}

  record File(Str path, Str content, int mode) implements Fs {}

  record Mkdir(Str path, int mode) implements Fs {}

  record Remount(Str path, boolean readOnly, boolean noexec, boolean nodev) implements Fs {}

  /** A syscall to deny; {@code errno} is a number. */
  record Deny(Str syscall, int errno) {}

  /** An extra Landlock rule; {@code path} is not yet expanded. */
  record Rule(Str path, Set<Profile.Landlock.Access> access) {}

  /**
   * One bus under {@code dbus} as written: {@code on} false when turned off ({@code false}),
   * else granted with the lists given so far (concatenated over files, bases first).
   */
  static final class Bus {
    boolean on;
    Pos pos;
    final List<Str> see = new ArrayList<>();
    final List<Str> talk = new ArrayList<>();
    final List<Str> own = new ArrayList<>();
    final Map<String, List<Str>> call = new LinkedHashMap<>();
    final Map<String, List<Str>> broadcast = new LinkedHashMap<>();

    /** This bus with {@code later} applied on top: off replaces, on adds its lists. */
    static Bus merge(Bus earlier, Bus later) {
      if (later == null) {
        return earlier;
      }
      Bus out = new Bus();
      out.on = later.on;
      out.pos = later.pos;
      if (later.on && earlier != null && earlier.on) {
        out.addAll(earlier);
      }
      if (later.on) {
        out.addAll(later);
      }
      return out;
    }

    private void addAll(Bus b) {
      see.addAll(b.see);
      talk.addAll(b.talk);
      own.addAll(b.own);
      b.call.forEach((k, v) -> call.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
      b.broadcast.forEach(
          (k, v) -> broadcast.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
  }

  /** Where the document's top-level mapping starts (for "missing key" diagnostics). */
  Pos start;

  /** Top-level keys present in the file, even when their value was invalid. */
  final Set<String> given = new HashSet<>();

  final List<Str> extendsList = new ArrayList<>();
  Str id;
  Str name;
  List<Str> command;
  Str cwd;
  Map<String, Str> envSet;
  List<Str> envPass;
  Str hostname;
  boolean idsGiven;
  Integer uid;
  Integer gid;
  Str home;
  Boolean rootMirror;
  List<Str> rootExclude;
  Profile.Etc.Kind etcKind;
  List<Str> etcOnly;
  Profile.Network network;
  /** Where {@code network} was given. */
  Pos networkPos;
  List<Device> devices;
  List<Fs> filesystem;
  List<Daemon> daemons;
  Duration waitDelay;

  /** Each preset as written; a given list replaces an earlier one. */
  List<Str> seccompPresets;
  /** Where the {@code presets} list starts. */
  Pos seccompPresetsPos;
  List<Str> seccompRelax;
  List<Deny> seccompDeny;
  /** Family names as written, already checked. */
  List<Str> seccompFamilies;

  Boolean landlockRequired;
  Pos landlockRequiredPos;
  Boolean scopeAbstractUnix;
  Boolean scopeSignal;
  /** {@code auto} or {@code none}, with its position. */
  Str landlockFilesystem;
  List<Rule> landlockRules;
  /** Where the latest {@code landlock.network} was given; null when none was. */
  Pos landlockNetworkPos;
  List<Integer> landlockBind;
  List<Integer> landlockConnect;

  /** The app's own desktop entry: a file ID or an absolute path. */
  Str desktop;
  String serviceRestart;
  Duration serviceRestartSec;
  /** {@code wayland}: null when not given, else whether it is granted. */
  Boolean wayland;
  boolean waylandDirect;
  Pos waylandPos;
  /** {@code dbus.session} and {@code dbus.system}: null when not given. */
  Bus dbusSession;
  Bus dbusSystem;
  /** {@code audio} as written (each server once); null when not given. */
  List<Str> audio;
  /** {@code audio: {pulse: {record: true}}}; replaced with {@code audio}. */
  boolean audioRecord;
  Pos audioPos;
  Boolean x11;
  Pos x11Pos;
  Boolean gpu;
  Pos gpuPos;
  /** Where a {@code limits} block was given (even an empty one); null when none was. */
  Pos limitsPos;
  Long limitsMemory;
  Integer limitsTasks;
  Integer limitsCpuWeight;

  /** Applies {@code later} on top of this draft, as documented under "Merging". */
  void mergeFrom(Draft later) {
    given.addAll(later.given);
    id = pick(id, later.id);
    name = pick(name, later.name);
    command = pick(command, later.command);
    cwd = pick(cwd, later.cwd);
    if (later.envSet != null) {
      if (envSet == null) {
        envSet = new LinkedHashMap<>();
      }
      envSet.putAll(later.envSet);
    }
    envPass = concat(envPass, later.envPass);
    hostname = pick(hostname, later.hostname);
    if (later.idsGiven) {
      idsGiven = true;
      uid = later.uid;
      gid = later.gid;
    }
    home = pick(home, later.home);
    rootMirror = pick(rootMirror, later.rootMirror);
    rootExclude = concat(rootExclude, later.rootExclude);
    if (later.etcKind != null) {
      etcKind = later.etcKind;
      etcOnly = later.etcOnly;
    }
    if (later.network != null) {
      network = later.network;
      networkPos = later.networkPos;
    }
    devices = concat(devices, later.devices);
    filesystem = concat(filesystem, later.filesystem);
    daemons = concat(daemons, later.daemons);
    waitDelay = pick(waitDelay, later.waitDelay);
    if (later.seccompPresets != null) {
      seccompPresets = later.seccompPresets;
      seccompPresetsPos = later.seccompPresetsPos;
    }
    seccompRelax = concat(seccompRelax, later.seccompRelax);
    seccompDeny = concat(seccompDeny, later.seccompDeny);
    seccompFamilies = concat(seccompFamilies, later.seccompFamilies);
    if (later.landlockRequired != null) {
      landlockRequired = later.landlockRequired;
      landlockRequiredPos = later.landlockRequiredPos;
    }
    scopeAbstractUnix = pick(scopeAbstractUnix, later.scopeAbstractUnix);
    scopeSignal = pick(scopeSignal, later.scopeSignal);
    landlockFilesystem = pick(landlockFilesystem, later.landlockFilesystem);
    landlockRules = concat(landlockRules, later.landlockRules);
    if (later.landlockNetworkPos != null) {
      landlockNetworkPos = later.landlockNetworkPos;
      landlockBind = concat(landlockBind, later.landlockBind);
      landlockConnect = concat(landlockConnect, later.landlockConnect);
    }
    desktop = pick(desktop, later.desktop);
    serviceRestart = pick(serviceRestart, later.serviceRestart);
    serviceRestartSec = pick(serviceRestartSec, later.serviceRestartSec);
    limitsPos = pick(limitsPos, later.limitsPos);
    if (later.wayland != null) {
      wayland = later.wayland;
      waylandDirect = later.waylandDirect;
      waylandPos = later.waylandPos;
    }
    dbusSession = Bus.merge(dbusSession, later.dbusSession);
    dbusSystem = Bus.merge(dbusSystem, later.dbusSystem);
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
    limitsMemory = pick(limitsMemory, later.limitsMemory);
    limitsTasks = pick(limitsTasks, later.limitsTasks);
    limitsCpuWeight = pick(limitsCpuWeight, later.limitsCpuWeight);
  }

  private static <T> T pick(T earlier, T later) {
    return later != null ? later : earlier;
  }

  private static <T> List<T> concat(List<T> earlier, List<T> later) {
    if (later == null) {
      return earlier;
    }
    List<T> all = new ArrayList<>(earlier == null ? List.of() : earlier);
    all.addAll(later);
    return all;
  }
}
