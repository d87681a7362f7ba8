package dev.hsu.plan;

/**
 * The record tags of the binary plan (docs/plan-format.md; {@code enum tag} in init-c/src/plan.h,
 * which PlanContractTest compares with this).
 */
public enum Tag {
  PARAMS(1),
  AUTO_ROOT(16),
  AUTO_ETC(17),
  BIND(18),
  TMPFS(19),
  OVERLAY(20),
  MKDIR(21),
  PLACE(22),
  SYMLINK(23),
  PROC(24),
  DEV(25),
  REMOUNT(26),
  DAEMON(27),
  SECCOMP(28),
  LANDLOCK(29),
  INSTANCE(30),
  WAYLAND(31),
  PROXY(32),
  SYSFS(33),
  END(0xFFFF);

  /** The u16 on the wire. */
  public final int number;

  Tag(int number) {
    this.number = number;
  }
}
