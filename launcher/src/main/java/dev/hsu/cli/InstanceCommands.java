package dev.hsu.cli;

import dev.hsu.instances.InstanceException;
import dev.hsu.instances.Instances;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code hsu ps}, info, enter, stop and wait share: where the instances are, and finding one.
 */
final class InstanceCommands {
  private InstanceCommands() {}

  /** {@code ${XDG_RUNTIME_DIR}/hsu}. */
  static Path base(Context ctx) throws HsuException {
    String runtime = ctx.env().get("XDG_RUNTIME_DIR");
    if (runtime == null || !runtime.startsWith("/")) {
      throw new HsuException(
          HsuException.Kind.FAILURE,
          "XDG_RUNTIME_DIR is not set to an absolute path: it is where running sandboxes are"
              + " recorded");
    }
    return Instances.base(runtime);
  }

  /** Every instance of the caller (stale ones removed). */
  static List<Instances.Found> scan(Context ctx) throws HsuException {
    return Instances.scan(base(ctx), ctx.ids().uid());
  }

  /** The one running sandbox {@code arg} names, checked; close it. */
  static Instances.Live find(Context ctx, String arg) throws HsuException {
    try {
      return Instances.resolve(scan(ctx), arg);
    } catch (InstanceException e) {
      throw new HsuException(HsuException.Kind.FAILURE, e.getMessage(), e);
    }
  }
}
