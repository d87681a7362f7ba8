package dev.hsu.cli;

import dev.hsu.base.AbsPath;
import dev.hsu.base.RuntimeDir;
import dev.hsu.instances.InstanceException;
import dev.hsu.instances.Instances;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code hsu ps}, info, enter, stop and wait share: where the instances are, and finding one.
 */
final class InstanceCommands {
  private InstanceCommands() {}

  /** {@code RUNTIME/hsu}, below hsu's runtime directory ({@link RuntimeDir}). */
  static Path base(Context ctx) throws HsuException {
    AbsPath runtime = RuntimeDir.of(ctx.env(), ctx.ids().uid());
    try {
      RuntimeDir.check(runtime, ctx.ids().uid(), false);
    } catch (IOException e) {
      throw new HsuException(HsuException.Kind.FAILURE, e.getMessage(), e);
    }
    return Instances.base(runtime.value());
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
