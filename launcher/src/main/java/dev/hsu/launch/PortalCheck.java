package dev.hsu.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * hsu-launch's check of the desktop portals (docs/portals.md), for the JVM's own launches and
 * {@code hsu doctor}: the fast path runs the same check inside hsu-launch.
 */
public final class PortalCheck {
  static final String PREFIX = "hsu: notice: ";

  private PortalCheck() {}

  /**
   * What {@code front --portal-check} says on the session bus of {@code env} (it starts the
   * document portal): null when the portals answer, else its notice, without the prefix.
   *
   * @throws IOException when {@code front} cannot run
   */
  public static String notice(String front, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(front, "--portal-check").redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    String said = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor();
    said = said.startsWith(PREFIX) ? said.substring(PREFIX.length()) : said;
    return said.isEmpty() ? null : said;
  }
}
