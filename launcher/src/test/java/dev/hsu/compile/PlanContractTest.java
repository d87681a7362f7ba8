package dev.hsu.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.hsu.plan.PlanWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java writer and the C reader agree: hsu-init --check-plan accepts every golden plan. */
final class PlanContractTest {
  @TempDir Path tmp;

  static Path init() {
    String explicit = System.getenv("HSU_INIT");
    String home = System.getProperty("hsu.home");
    Path init =
        explicit != null && !explicit.isEmpty()
            ? Path.of(explicit)
            : home == null ? null : Path.of(home, "init-c/build/hsu-init");
    boolean required = "1".equals(System.getenv("HSU_REQUIRE_ALL"));
    if (init == null || !Files.isExecutable(init)) {
      if (required) {
        throw new AssertionError("hsu-init is not built at " + init);
      }
      Assumptions.abort("hsu-init is not built");
    }
    return init;
  }

  static int check(Path init, Path plan, StringBuilder output) throws Exception {
    Process p =
        new ProcessBuilder(init.toString(), "--check-plan", plan.toString())
            .redirectErrorStream(true)
            .start();
    output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("hsu-init --check-plan hangs");
    }
    return p.exitValue();
  }

  @Test
  void hsuInitAcceptsEveryGoldenPlan() throws Exception {
    Path init = init();
    for (Map.Entry<String, dev.hsu.profile.Profile> e : GoldenCases.all().entrySet()) {
      Path plan = tmp.resolve(e.getKey() + ".plan");
      Files.write(plan, PlanWriter.write(Compiler.compile(e.getValue(), TestProfiles.ENV)));
      StringBuilder out = new StringBuilder();
      assertEquals(0, check(init, plan, out), e.getKey() + ": " + out);
    }
  }

  @Test
  void hsuInitRejectsATruncatedPlan() throws Exception {
    Path init = init();
    byte[] bytes =
        PlanWriter.write(Compiler.compile(GoldenCases.all().get("minimal"), TestProfiles.ENV));
    Path plan = tmp.resolve("short.plan");
    Files.write(plan, Arrays.copyOf(bytes, bytes.length - 1));
    StringBuilder out = new StringBuilder();
    assertNotEquals(0, check(init, plan, out), out.toString());
  }
}
