package dev.hsu.plan;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import java.nio.charset.StandardCharsets;

/**
 * The WAYLAND record. Normally hsu-init asks the compositor for a security context
 * (security-context-v1) listening on {@code socket}, a path directly inside the instance directory;
 * with {@code direct} the compositor's own socket is passed ({@code socket} is then {@code
 * compositor}). Either way a BIND op puts {@code socket} into the sandbox.
 */
public record Wayland(boolean direct, AbsPath compositor, AbsPath socket, String appId) {
  public static final String ENGINE = "hsu";

  public Wayland {
    Limits.path("Wayland compositor socket", compositor);
    Limits.path("Wayland socket", socket);
    Limits.str("Wayland app id", appId);
    int n = appId.getBytes(StandardCharsets.UTF_8).length;
    if (n == 0 || n > 255) {
      throw new IllegalArgumentException("the Wayland app id must be 1 to 255 bytes long");
    }
    if (appId.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("the Wayland app id contains a control character");
    }
    if (direct && !socket.equals(compositor)) {
      throw new IllegalArgumentException("a direct Wayland socket must be the compositor's");
    }
  }

  /** Checks what the plan format needs across records: the socket directly in the instance dir. */
  void checkWith(Instance instance) {
    if (instance == null) {
      throw new IllegalArgumentException("a Wayland record needs an instance");
    }
    if (!direct && !socket.parent().equals(instance.dir())) {
      throw new IllegalArgumentException(
          "the Wayland socket "
              + Quote.q(socket.value())
              + " is not directly in the instance"
              + " directory "
              + Quote.q(instance.dir().value()));
    }
  }

  /** One line for {@code hsu compile}; {@code instanceId} for the security context. */
  public String describe(String instanceId) {
    if (direct) {
      return "wayland raw compositor socket "
          + Quote.q(compositor.value())
          + " (direct: privileged protocols reachable)";
    }
    return "wayland security context on "
        + Quote.q(compositor.value())
        + " -> listener "
        + Quote.q(socket.value())
        + " (engine "
        + ENGINE
        + ", app id "
        + Quote.escape(appId)
        + ", instance "
        + instanceId
        + ")";
  }
}
