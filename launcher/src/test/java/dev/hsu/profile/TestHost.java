package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import java.nio.file.Path;
import java.util.List;

/** A fixed fake host so loader results are deterministic. */
final class TestHost {
  static final Profile.Host HOST =
      new Profile.Host(
          "user",
          1000,
          1000,
          AbsPath.of("/home/user"),
          AbsPath.of("/run/user/1000"),
          AbsPath.of("/home/user/.local/share"));

  static final Path RESOURCES = Path.of("src/test/resources/profile");

  private TestHost() {}

  static Loader loader() {
    return new Loader(HOST, List.of(RESOURCES.resolve("base")));
  }
}
