package dev.hsu.plan;

import static dev.hsu.base.Quote.q;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SECCOMP record: the presets that apply, what they relax, socket families allowed besides
 * unix, inet, inet6 and netlink, and extra syscalls denied with an errno.
 */
public record Seccomp(
    Set<Preset> presets, Set<Relax> relax, List<Integer> families, List<Deny> deny) {
  public static final int MAX_DENY = 512;
  static final Pattern SYSCALL = Pattern.compile("[a-z0-9_]{1,64}");

  /** The presets of docs/plan-format.md, in bit order. */
  public enum Preset {
    COMMON(1),
    EXT(2),
    DENY_NS(4),
    DENY_TTY(8),
    DENY_DEVEL(16);

    public final int bit;

    Preset(int bit) {
      this.bit = bit;
    }

    /** The profile's name: {@code deny-ns}. */
    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** What the presets relax, in bit order. */
  public enum Relax {
    /** deny-devel keeps everything but ptrace. */
    ALLOW_PTRACE(1),
    /** deny-ns lets namespace creation, setns and chroot through. */
    ALLOW_USERNS(2),
    /** The x32 and i386 syscall ABIs are allowed. */
    MULTIARCH(4);

    public final int bit;

    Relax(int bit) {
      this.bit = bit;
    }

    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** One extra syscall denied with {@code errno}. */
  public record Deny(String syscall, int errno) {
    public Deny {
      if (syscall == null || !SYSCALL.matcher(syscall).matches()) {
        throw new IllegalArgumentException(
            "syscall name " + q(String.valueOf(syscall)) + " is not [a-z0-9_]{1,64}");
      }
      if (errno < 1 || errno > Errno.MAX) {
        throw new IllegalArgumentException(
            "errno " + errno + " for " + q(syscall) + " is not between 1 and " + Errno.MAX);
      }
    }
  }

  public Seccomp {
    presets = Collections.unmodifiableSet(enumSet(Preset.class, presets));
    relax = Collections.unmodifiableSet(enumSet(Relax.class, relax));
    if (families == null || deny == null) {
      throw new IllegalArgumentException("a seccomp setting is missing");
    }
    families = List.copyOf(families);
    Limits.count("socket family list", families.size());
    Set<Integer> seen = new HashSet<>();
    for (int f : families) {
      if (f < 1 || f > SocketFamily.MAX) {
        throw new IllegalArgumentException(
            "socket family " + f + " is not between 1 and " + SocketFamily.MAX);
      }
      if (SocketFamily.ALWAYS.contains(f)) {
        throw new IllegalArgumentException(
            "socket family " + SocketFamily.name(f) + " is always allowed");
      }
      if (!seen.add(f)) {
        throw new IllegalArgumentException(
            "socket family " + SocketFamily.name(f) + " is listed twice");
      }
    }
    deny = List.copyOf(deny);
    if (deny.size() > MAX_DENY) {
      throw new IllegalArgumentException(
          "the seccomp filter denies " + deny.size() + " extra syscalls, more than " + MAX_DENY);
    }
    Set<String> names = new HashSet<>();
    for (Deny d : deny) {
      if (!names.add(d.syscall())) {
        throw new IllegalArgumentException("syscall " + q(d.syscall()) + " is denied twice");
      }
    }
  }

  /** Every preset on, nothing relaxed, no extra family or denial. */
  public static Seccomp defaults() {
    return new Seccomp(EnumSet.allOf(Preset.class), Set.of(), List.of(), List.of());
  }

  public int presetBits() {
    int bits = 0;
    for (Preset p : presets) {
      bits |= p.bit;
    }
    return bits;
  }

  public int relaxBits() {
    int bits = 0;
    for (Relax r : relax) {
      bits |= r.bit;
    }
    return bits;
  }

  /** Every family the filter lets through: the fixed four, then the extra ones. */
  public List<Integer> allFamilies() {
    List<Integer> all = new ArrayList<>(SocketFamily.ALWAYS);
    all.addAll(families);
    return all;
  }

  private static <E extends Enum<E>> EnumSet<E> enumSet(Class<E> type, Collection<E> items) {
    if (items == null) {
      throw new IllegalArgumentException("a seccomp setting is missing");
    }
    EnumSet<E> set = EnumSet.noneOf(type);
    for (E e : items) {
      if (e == null) {
        throw new IllegalArgumentException("a seccomp setting is missing");
      }
      set.add(e);
    }
    return set;
  }
}
