package dev.hsu.cli;

import java.io.PrintStream;
import picocli.CommandLine;

/**
 * What every command gets, one way: the outside world, standard output and the error printer.
 * {@link #factory} hands it to each command's one constructor.
 */
record Cli(Context ctx, PrintStream out, Errors errors) {
  /** Makes commands (and picocli's own helpers) with this Cli. */
  CommandLine.IFactory factory() {
    CommandLine.IFactory fallback = CommandLine.defaultFactory();
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        try {
          return cls.getDeclaredConstructor(Cli.class).newInstance(Cli.this);
        } catch (NoSuchMethodException e) {
          return fallback.create(cls);
        }
      }
    };
  }
}
