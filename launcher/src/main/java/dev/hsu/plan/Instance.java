package dev.hsu.plan;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The INSTANCE record: this launch's id (16 lowercase hex digits), its host directory {@code
 * ${XDG_RUNTIME_DIR}/hsu/<id>}, which hsu-init creates, keeps the instance record in and removes at
 * the end, and what {@code hsu ps} shows of it: the app id, the name, the profile's path (empty
 * when not known) and the grants.
 */
public record Instance(
    String id, AbsPath dir, String appId, String name, String profile, Set<Grant> grants) {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");

  /** The grants the record names, with their INSTANCE flag bits (plan.h INSTANCE_*). */
  public enum Grant {
    WAYLAND(PlanFlags.INSTANCE_WAYLAND),
    DBUS(PlanFlags.INSTANCE_DBUS),
    AUDIO(PlanFlags.INSTANCE_AUDIO),
    X11(PlanFlags.INSTANCE_X11),
    GPU(PlanFlags.INSTANCE_GPU),
    NETWORK(PlanFlags.INSTANCE_NETWORK),
    PORTALS(PlanFlags.INSTANCE_PORTALS);

    public final int bit;

    Grant(int bit) {
      this.bit = bit;
    }

    /** The name in records, JSON and {@code hsu ps}: {@code wayland}, {@code dbus}, ... */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Instance {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "instance id " + Quote.q(String.valueOf(id)) + " is not 16 lowercase hex digits");
    }
    Limits.path("instance directory", dir);
    if (!dir.fileName().equals(id)) {
      throw new IllegalArgumentException(
          "instance directory " + Quote.q(dir.value()) + " does not end with its id");
    }
    Limits.str("app id", appId);
    int n = appId.getBytes(StandardCharsets.UTF_8).length;
    if (n == 0 || n > Limits.MAX_NAME_BYTES) {
      throw new IllegalArgumentException("the instance's app id must be 1 to 255 bytes long");
    }
    if (appId.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("the instance's app id contains a control character");
    }
    Limits.str("app name", name);
    Limits.str("profile path", profile);
    if (!profile.isEmpty()) {
      Limits.path("profile path", AbsPath.of(profile));
    }
    grants = grants.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(grants));
  }

  /** {@code runtimeDir/hsu/id}, with nothing known of the app but its id. */
  public static Instance under(AbsPath runtimeDir, String id, String appId) {
    return new Instance(id, runtimeDir.resolve("hsu").resolve(id), appId, appId, "", Set.of());
  }

  public static boolean isId(String s) {
    return ID.matcher(s).matches();
  }

  /** This instance with the profile's path. */
  public Instance withProfile(String path) {
    return new Instance(id, dir, appId, name, path, grants);
  }

  /** This instance with its name and grants. */
  public Instance with(String newName, Set<Grant> newGrants) {
    return new Instance(id, dir, appId, newName, profile, newGrants);
  }

  /** The grants' bits. */
  public int grantBits() {
    int bits = 0;
    for (Grant g : grants) {
      bits |= g.bit;
    }
    return bits;
  }

  /** The grants in their fixed order, as names. */
  public java.util.List<String> grantNames() {
    return grants.stream().sorted().map(Grant::key).toList();
  }

  @Override
  public String toString() {
    return "instance "
        + id
        + " in "
        + Quote.q(dir.value())
        + " (app "
        + Quote.q(appId)
        + ", name "
        + Quote.q(name)
        + (profile.isEmpty() ? "" : ", profile " + Quote.q(profile))
        + ", grants "
        + (grants.isEmpty() ? "none" : grantNames().stream().collect(Collectors.joining(" ")))
        + ")";
  }
}
