package dev.hsu.plan;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import java.util.regex.Pattern;

/**
 * The INSTANCE record: this launch's id (16 lowercase hex digits) and its host directory {@code
 * ${XDG_RUNTIME_DIR}/hsu/<id>}, which hsu-init creates, records its pid in and removes at the end.
 */
public record Instance(String id, AbsPath dir) {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");

  public Instance {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "instance id " + Quote.q(String.valueOf(id)) + " is not 16 lowercase hex digits");
    }
    Limits.path("instance directory", dir);
    if (!dir.fileName().equals(id)) {
      throw new IllegalArgumentException(
          "instance directory " + Quote.q(dir.value()) + " does not end with its id");
    }
  }

  /** {@code runtimeDir/hsu/id}. */
  public static Instance under(AbsPath runtimeDir, String id) {
    return new Instance(id, runtimeDir.resolve("hsu").resolve(id));
  }

  public static boolean isId(String s) {
    return ID.matcher(s).matches();
  }

  @Override
  public String toString() {
    return "instance " + id + " in " + Quote.q(dir.value());
  }
}
