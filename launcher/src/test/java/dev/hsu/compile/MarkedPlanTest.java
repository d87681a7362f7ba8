package dev.hsu.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.plan.Plan;
import dev.hsu.plan.PlanWriter;
import dev.hsu.profile.Profile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The plan cache compiles once: the plan writer's marks are every place the instance id is, so
 * filling in another id there gives exactly the plan compiled for that id (golden profiles: the
 * instance record, Wayland's socket, the D-Bus and sound proxies, placed files).
 */
final class MarkedPlanTest {
  static final String OTHER = "fedcba9876543210";

  @TestFactory
  Stream<DynamicTest> anotherIdAtTheMarksIsThePlanOfThatId() {
    return GoldenCases.all().entrySet().stream()
        .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> check(e.getValue())));
  }

  static void check(Profile profile) throws CompileException {
    Plan a = Compiler.compile(profile, TestProfiles.ENV, List.of(), TestProfiles.INSTANCE_ID);
    Plan b = Compiler.compile(profile, TestProfiles.ENV, List.of(), OTHER);
    PlanWriter.Marked marked = PlanWriter.writeMarked(a);
    assertArrayEquals(PlanWriter.write(a), marked.bytes(), "the marked bytes are the plan's");
    assertFalse(marked.idOffsets().isEmpty(), "the instance record holds the id");
    byte[] filled = marked.bytes().clone();
    byte[] id = OTHER.getBytes(StandardCharsets.US_ASCII);
    for (int o : marked.idOffsets()) {
      assertEquals(
          TestProfiles.INSTANCE_ID,
          new String(filled, o, id.length, StandardCharsets.US_ASCII),
          "offset " + o);
      System.arraycopy(id, 0, filled, o, id.length);
    }
    assertArrayEquals(PlanWriter.write(b), filled);
  }

  @Test
  void proxiesAddTheirMarks() throws CompileException {
    Plan plan =
        DbusCompileTest.compile(
            new Profile.Dbus(DbusCompileTest.DEFAULTS, null), Map.copyOf(TestProfiles.ENV));
    assertFalse(plan.proxies().isEmpty());
    PlanWriter.Marked all = PlanWriter.writeMarked(plan);
    Plan noProxies =
        new Plan(
            plan.params(),
            plan.seccomp(),
            plan.landlock(),
            plan.instance(),
            plan.wayland(),
            List.of(),
            plan.ops());
    PlanWriter.Marked alone = PlanWriter.writeMarked(noProxies);
    assertTrue(
        all.idOffsets().size() > alone.idOffsets().size(),
        all.idOffsets() + " vs " + alone.idOffsets());
  }

  @Test
  void extraArgumentsAreAppendedAsTheCompilerDoes() throws CompileException {
    Profile p = TestProfiles.profile("org.example.App", "app", "-x").build();
    Plan direct =
        Compiler.compile(p, TestProfiles.ENV, List.of("a", "b c"), TestProfiles.INSTANCE_ID);
    Plan later =
        Compiler.compile(p, TestProfiles.ENV, List.of(), TestProfiles.INSTANCE_ID)
            .withExtraArgs(List.of("a", "b c"));
    assertArrayEquals(PlanWriter.write(direct), PlanWriter.write(later));
  }
}
