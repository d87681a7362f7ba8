package dev.hsu.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.plan.Plan;
import dev.hsu.plan.PlanJson;
import dev.hsu.plan.PlanText;
import dev.hsu.profile.Loader;
import dev.hsu.profile.Profile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: src/test/resources/golden/NAME.yaml compiles to NAME.plan.txt (and NAME.plan.json
 * when present). Run with -Dhsu.updateGolden=true to rewrite the expected files.
 */
final class GoldenTest {
  static final Path DIR = Path.of("src/test/resources/golden");
  static final boolean UPDATE = Boolean.getBoolean("hsu.updateGolden");
  static final List<String> JSON =
      List.of("minimal", "overlays", "hardening", "wayland-context", "audio", "x11", "dbus");

  @TestFactory
  Stream<DynamicTest> handBuiltProfilesMatchGolden() {
    return GoldenCases.all().entrySet().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue(), UPDATE)));
  }

  @TestFactory
  Stream<DynamicTest> loadedProfilesMatchGolden() throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".yaml"))
          .sorted()
          .forEach(f -> names.add(f.substring(0, f.length() - ".yaml".length())));
    }
    assertTrue(names.size() >= 8, "golden cases: " + names);
    assertEquals(GoldenCases.all().keySet().stream().sorted().toList(), names);
    return names.stream()
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () -> {
                      Loader.Result r =
                          new Loader(TestProfiles.HOST, List.of())
                              .load(DIR.resolve(name + ".yaml"));
                      assertTrue(
                          r.ok(),
                          () ->
                              name + ": " + r.diagnostics().stream().map(Loader::render).toList());
                      // The hand-built fixtures write the golden files; the loader must agree with
                      // them.
                      check(name, r.profile(), false);
                    }));
  }

  static void check(String name, Profile profile, boolean update) throws Exception {
    Plan plan = Compiler.compile(profile, TestProfiles.ENV, List.of(), TestProfiles.INSTANCE_ID);
    compare(DIR.resolve(name + ".plan.txt"), PlanText.render(plan), update);
    if (JSON.contains(name)) {
      compare(DIR.resolve(name + ".plan.json"), PlanJson.render(plan), update);
    }
  }

  static void compare(Path file, String actual, boolean update) throws IOException {
    if (update) {
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    assertTrue(Files.exists(file), file + " is missing; run with -Dhsu.updateGolden=true");
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, file.toString());
  }

  static Map<String, Profile> cases() {
    return GoldenCases.all();
  }
}
