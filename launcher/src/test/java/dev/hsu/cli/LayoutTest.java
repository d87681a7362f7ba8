package dev.hsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where hsu finds its parts, in a checkout and installed below a prefix. */
final class LayoutTest {
  @Test
  void checkout() {
    Layout l = Layout.fromProperties("/src/hsu", null);
    assertEquals(Path.of("/src/hsu/init-c/build/hsu-init"), l.init());
    assertEquals(Path.of("/src/hsu/init-c/build/hsu-pulse-filter"), l.pulseFilter());
    assertEquals(Path.of("/src/hsu/profiles/base"), l.baseProfiles());
    assertEquals(Path.of("/src/hsu/profiles/apps"), l.appProfiles());
    assertEquals(Path.of("/src/hsu/hsu"), l.command());
  }

  @Test
  void installedBelowAPrefixWinsOverAHome() {
    for (String prefix : new String[] {"/usr", "/usr/local", "/home/u/.local"}) {
      Layout l = Layout.fromProperties("/src/hsu", prefix);
      assertEquals(Path.of(prefix, "libexec/hsu/hsu-init"), l.init());
      assertEquals(Path.of(prefix, "libexec/hsu/hsu-pulse-filter"), l.pulseFilter());
      assertEquals(Path.of(prefix, "share/hsu/profiles/base"), l.baseProfiles());
      assertEquals(Path.of(prefix, "share/hsu/profiles/apps"), l.appProfiles());
      assertEquals(Path.of(prefix, "bin/hsu"), l.command());
    }
    // The package's pulse filter is where the compiler looks when nothing else says.
    assertEquals(
        dev.hsu.compile.PulseFilter.DEFAULT_PROGRAM.value(),
        Layout.installed(Path.of("/usr")).pulseFilter().toString());
  }

  @Test
  void withoutTheLauncherScriptNothingIsKnown() {
    assertEquals(Layout.NONE, Layout.fromProperties(null, ""));
    assertEquals(null, Layout.NONE.init());
  }
}
