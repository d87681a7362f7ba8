package dev.hsu.plan;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import java.time.Duration;
import java.util.List;

/**
 * The PROXY record: a helper (xdg-dbus-proxy) that hsu-init runs from the nested {@code plan} as
 * its own sandbox before the main one, with the write end of a pipe as fd {@code syncFd}. It is
 * ready once it has written a byte there and {@code ready} (a socket directly in the instance
 * directory) exists, within {@code timeout}; it stops when the main sandbox ends. {@code grants}
 * are lines for people saying what the helper lets the app do (the nested plan's argv says it to
 * the helper).
 */
public record Proxy(
    int syncFd, AbsPath ready, Duration timeout, Plan plan, List<String> grants, Kind kind) {
  public static final int MIN_FD = 3;

  /** Which helper it is (PROXY.flags), so hsu-init's sentences name it. */
  public enum Kind {
    DBUS(0, "dbus"),
    PULSE(PlanFlags.PROXY_PULSE, "pulse");

    public final int flags;
    public final String word;

    Kind(int flags, String word) {
      this.flags = flags;
      this.word = word;
    }
  }

  /** An xdg-dbus-proxy. */
  public Proxy(int syncFd, AbsPath ready, Duration timeout, Plan plan, List<String> grants) {
    this(syncFd, ready, timeout, plan, grants, Kind.DBUS);
  }

  public static final int MAX_FD = 63;
  public static final int MAX_PROXIES = 4;
  public static final int MAX_PLAN_BYTES = 1024 * 1024;

  public Proxy {
    if (syncFd < MIN_FD || syncFd > MAX_FD) {
      throw new IllegalArgumentException(
          "the proxy's sync fd " + syncFd + " is not in " + MIN_FD + ".." + MAX_FD);
    }
    Limits.path("proxy socket", ready);
    Limits.checkMillis("proxy timeout", timeout);
    if (plan == null) {
      throw new IllegalArgumentException("the proxy has no plan");
    }
    if (plan.instance() != null || plan.wayland() != null || !plan.proxies().isEmpty()) {
      throw new IllegalArgumentException(
          "a proxy's plan cannot have an instance, Wayland or proxies of its own");
    }
    grants = List.copyOf(grants);
    if (kind == null) {
      throw new IllegalArgumentException("the proxy has no kind");
    }
  }

  /** Checks what the plan format needs across records: the socket directly in the instance dir. */
  void checkWith(Instance instance) {
    if (instance == null) {
      throw new IllegalArgumentException("a proxy needs an instance");
    }
    if (!ready.parent().equals(instance.dir())) {
      throw new IllegalArgumentException(
          "the proxy socket "
              + Quote.q(ready.value())
              + " is not directly in the instance"
              + " directory "
              + Quote.q(instance.dir().value()));
    }
  }

  /** One line for {@code hsu compile}, before the grants and the nested plan. */
  public String describe() {
    return "proxy "
        + Quote.q(plan.params().argv().get(0))
        + " in its own sandbox (below), ready"
        + " when it writes to fd "
        + syncFd
        + " and creates "
        + Quote.q(ready.value())
        + " (within "
        + OpText.duration(timeout)
        + "), stopped with the sandbox";
  }
}
