package dev.hsu.plan;

/**
 * The flag bits of the binary plan's records, named as in init-c/src/plan.h (PlanContractTest
 * checks that each has the same value there).
 */
public final class PlanFlags {
  public static final int PARAMS_HOST_NET = 1;
  public static final int PARAMS_KEEP_SESSION = 2;
  public static final int PARAMS_DIE_WITH_PARENT = 4;
  public static final int BIND_WRITABLE = 1;
  public static final int BIND_DEVICE = 2;
  public static final int BIND_OPTIONAL = 4;
  public static final int BIND_ENSURE = 8;
  public static final int TMPFS_READ_ONLY = 1;
  public static final int OVERLAY_EPHEMERAL = 1;
  public static final int OVERLAY_PERSISTENT = 2;
  public static final int OVERLAY_READ_ONLY = 4;
  public static final int SYMLINK_DEREFERENCE = 1;
  public static final int DEV_MQUEUE = 1;
  public static final int DEV_WRITABLE = 2;
  public static final int REMOUNT_READ_ONLY = 1;
  public static final int REMOUNT_NOEXEC = 2;
  public static final int REMOUNT_NODEV = 4;
  public static final int WAYLAND_DIRECT = 1;
  public static final int PROXY_PULSE = 1;
  public static final int INSTANCE_WAYLAND = 1;
  public static final int INSTANCE_DBUS = 2;
  public static final int INSTANCE_AUDIO = 4;
  public static final int INSTANCE_X11 = 8;
  public static final int INSTANCE_GPU = 16;
  public static final int INSTANCE_NETWORK = 32;
  public static final int INSTANCE_PORTALS = 64;

  private PlanFlags() {}

  /** BIND and AUTO_ROOT flags. */
  static int bind(boolean writable, boolean device, boolean optional, boolean ensure) {
    return (writable ? BIND_WRITABLE : 0)
        | (device ? BIND_DEVICE : 0)
        | (optional ? BIND_OPTIONAL : 0)
        | (ensure ? BIND_ENSURE : 0);
  }
}
