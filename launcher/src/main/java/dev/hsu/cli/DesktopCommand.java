package dev.hsu.cli;

import dev.hsu.base.Quote;
import dev.hsu.desktop.Applications;
import dev.hsu.desktop.DesktopFile;
import dev.hsu.desktop.InstallException;
import dev.hsu.desktop.MarkedFile;
import dev.hsu.desktop.SandboxedEntry;
import dev.hsu.profile.Profile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsu desktop install|remove|list}: menu entries that start apps in their sandbox. */
@Command(
    name = "desktop",
    mixinStandardHelpOptions = true,
    description = {
      "Manage menu entries (.desktop files) that start apps through hsu launch.",
      "Entries go to $${XDG_DATA_HOME:-~/.local/share}/applications/hsu.ID.desktop."
    })
final class DesktopCommand implements Callable<Integer> {
  private final Errors errors;

  DesktopCommand(Cli cli) {
    this.errors = cli.errors();
  }

  @Override
  public Integer call() {
    errors.err().println("hsu desktop: a command is required: install, remove or list");
    errors.err().println("Try 'hsu desktop --help' for more information.");
    return ExitCodes.USAGE;
  }

  static Applications apps(Context ctx) throws HsuException {
    return Applications.fromEnv(ctx.env(), Installing.userHome(ctx));
  }

  /** Refreshes the desktop database after a change; its problems are notes. */
  static void refresh(Context ctx, Errors errors, Applications apps) {
    apps.refresh(ctx.env().get("PATH"), n -> Installing.note(errors, n));
  }

  /** {@code hsu desktop install PROFILE}. */
  @Command(
      name = "install",
      mixinStandardHelpOptions = true,
      description = {
        "Write the menu entry for PROFILE, made from the app's own entry (the profile's",
        "'desktop' key, else ID.desktop or COMMAND.desktop under $XDG_DATA_DIRS): its names,",
        "icon, categories, MIME types and actions are kept, every Exec runs hsu launch.",
        "Replaces only an entry hsu wrote; refreshes the desktop database when it can."
      })
  static final class Install implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROFILE", description = "profile file or name")
    String profile;

    @Option(
        names = "--entry",
        paramLabel = "FILE",
        description = "start from this desktop entry (a file ID or a path) instead")
    String entry;

    private final Context ctx;
    private final PrintStream out;
    private final Errors errors;

    Install(Cli cli) {
      this.ctx = cli.ctx();
      this.out = cli.out();
      this.errors = cli.errors();
    }

    @Override
    public Integer call() throws Exception {
      Compilation c = Installing.profile(ctx, errors, profile);
      Profile p = c.profile();
      Applications apps = apps(ctx);
      List<String> notes = new ArrayList<>();
      DesktopFile original = null;
      String wanted = entry != null ? entry : p.desktop();
      Path source = null;
      if (wanted != null) {
        source = apps.find(wanted);
        if (source == null) {
          throw new HsuException(
              HsuException.Kind.FAILURE,
              "no desktop entry "
                  + Quote.q(wanted)
                  + (wanted.startsWith("/") ? "" : " in " + apps.searched()));
        }
      } else {
        List<String> guesses = new ArrayList<>();
        guesses.add(p.id() + ".desktop");
        String program = Path.of(p.command().get(0)).getFileName().toString();
        guesses.add(program + ".desktop");
        for (String g : guesses) {
          if (source == null && !g.contains("/") && !g.startsWith(".")) {
            source = apps.find(g);
          }
        }
        if (source == null) {
          notes.add(
              "no desktop entry "
                  + Quote.q(guesses.get(0))
                  + " or "
                  + Quote.q(guesses.get(1))
                  + " found; writing a minimal one (name it with 'desktop:' in the profile or --entry)");
        }
      }
      try {
        if (source != null) {
          original = DesktopFile.parse(Applications.read(source));
          String type = original.string("Desktop Entry", "Type");
          if (!"Application".equals(type)) {
            throw new HsuException(
                HsuException.Kind.FAILURE,
                Quote.q(source.toString())
                    + " is not an application entry (Type="
                    + Quote.escape(String.valueOf(type))
                    + ")");
          }
        }
        SandboxedEntry.Target t =
            new SandboxedEntry.Target(
                Installing.hsuCommand(ctx), Installing.absolute(c), p.id(), p.name());
        String text = SandboxedEntry.render(original, t, notes::add);
        Path file = apps.fileFor(p.id());
        MarkedFile.Outcome o = MarkedFile.write(file, text, SandboxedEntry::isOurs);
        Installing.warm(ctx, errors, c);
        for (String n : notes) {
          Installing.note(errors, n);
        }
        if (o == MarkedFile.Outcome.WRITTEN) {
          refresh(ctx, errors, apps);
        }
        Installing.report(out, o, file);
        return ExitCodes.OK;
      } catch (InstallException e) {
        throw Installing.failure(e);
      }
    }
  }

  /** {@code hsu desktop remove PROFILE|ID}. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove the menu entry hsu wrote for PROFILE (or the profile id ID).")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROFILE|ID", description = "profile file, name or id")
    String profile;

    private final Context ctx;
    private final PrintStream out;
    private final Errors errors;

    Remove(Cli cli) {
      this.ctx = cli.ctx();
      this.out = cli.out();
      this.errors = cli.errors();
    }

    @Override
    public Integer call() throws Exception {
      Applications apps = apps(ctx);
      try {
        Path file = apps.fileFor(Installing.idToRemove(ctx, errors, profile, apps));
        MarkedFile.Outcome o = MarkedFile.remove(file, SandboxedEntry::isOurs);
        if (o == MarkedFile.Outcome.REMOVED) {
          refresh(ctx, errors, apps);
        }
        Installing.report(out, o, file);
        return ExitCodes.OK;
      } catch (InstallException e) {
        throw Installing.failure(e);
      }
    }
  }

  /** {@code hsu desktop list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the menu entries hsu wrote: the file, then the profile it runs.")
  static final class ListEntries implements Callable<Integer> {
    private final Context ctx;
    private final PrintStream out;

    ListEntries(Cli cli) {
      this.ctx = cli.ctx();
      this.out = cli.out();
    }

    @Override
    public Integer call() throws Exception {
      Installing.list(out, apps(ctx));
      return ExitCodes.OK;
    }
  }
}
