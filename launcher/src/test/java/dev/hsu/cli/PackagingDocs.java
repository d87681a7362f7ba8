package dev.hsu.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Generates the shell completions and the man page from hsu's picocli model; the build runs it from
 * the test classes into packaging/ (it is not in hsu's jar). Output is deterministic so the files
 * can be committed and checked for staleness.
 */
public final class PackagingDocs {
  private PackagingDocs() {}

  /**
   * {@code PackagingDocs DIR}: writes DIR/completions/hsu.bash, DIR/completions/_hsu,
   * DIR/man/hsu.1.
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "packaging");
    for (Map.Entry<String, String> f : files().entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      if (!Files.exists(p) || !Files.readString(p).equals(f.getValue())) {
        Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      }
    }
  }

  /** Relative path to content. */
  static Map<String, String> files() {
    CommandLine cmd = model();
    Map<String, String> out = new java.util.TreeMap<>();
    out.put("completions/hsu.bash", AutoComplete.bash("hsu", cmd));
    out.put("completions/_hsu", zsh(cmd));
    out.put("man/hsu.1", man(cmd));
    return out;
  }

  static CommandLine model() {
    PrintStream sink = new PrintStream(java.io.OutputStream.nullOutputStream());
    Context ctx =
        new Context(
            Map.of(),
            Layout.NONE,
            new Context.Ids() {
              @Override
              public int uid() {
                return 0;
              }

              @Override
              public int gid() {
                return 0;
              }
            },
            (host, baseDirs, file) -> {
              throw new UnsupportedOperationException();
            },
            null); // the model is never run: no launch reaches the host
    return Main.commandLine(ctx, sink, new Errors(sink, false));
  }

  // ---- zsh ----

  static String zsh(CommandLine cmd) {
    StringBuilder b = new StringBuilder();
    b.append("#compdef hsu\n");
    b.append("# Generated from hsu's command model by the build (PackagingDocs); do not edit.\n");
    b.append("# Install as _hsu in a directory of $fpath.\n\n");
    zshFunction(b, cmd, "_hsu");
    b.append("_hsu \"$@\"\n");
    return b.toString();
  }

  private static void zshFunction(StringBuilder b, CommandLine cmd, String fn) {
    CommandSpec spec = cmd.getCommandSpec();
    Map<String, CommandLine> subs = cmd.getSubcommands();
    b.append(fn).append("() {\n");
    if (subs.isEmpty()) {
      b.append("  _arguments -s -S \\\n");
      for (String spec1 : optionSpecs(spec)) {
        b.append("    ").append(spec1).append(" \\\n");
      }
      List<PositionalParamSpec> pos = spec.positionalParameters();
      for (PositionalParamSpec p : pos) {
        String label = p.paramLabel();
        String action = label.startsWith("PROFILE") ? "_files -g \"*.yaml\"" : "_files";
        boolean many = p.arity().max() > 1;
        String which = many ? "*" : String.valueOf(p.index().min() + 1);
        if (label.equals("ARGS")) {
          b.append("    '*::").append(zq(label)).append(":_normal' \\\n");
        } else {
          b.append("    '")
              .append(which)
              .append(":")
              .append(zq(label))
              .append(":")
              .append(action)
              .append("' \\\n");
        }
      }
      b.setLength(b.length() - 3);
      b.append("\n}\n\n");
      return;
    }
    b.append("  local curcontext=\"$curcontext\" state line\n");
    b.append("  _arguments -C \\\n");
    for (String s : optionSpecs(spec)) {
      b.append("    ").append(s).append(" \\\n");
    }
    b.append("    '1: :->command' \\\n    '*:: :->args'\n");
    b.append("  case $state in\n    command)\n      local -a commands\n      commands=(\n");
    for (Map.Entry<String, CommandLine> e : subs.entrySet()) {
      b.append("        '")
          .append(e.getKey())
          .append(':')
          .append(zq(firstLine(e.getValue().getCommandSpec())))
          .append("'\n");
    }
    b.append("      )\n      _describe -t commands '")
        .append(spec.qualifiedName())
        .append(" command' commands\n      ;;\n    args)\n      case $line[1] in\n");
    List<String[]> children = new ArrayList<>();
    for (Map.Entry<String, CommandLine> e : subs.entrySet()) {
      String child = fn + "_" + e.getKey();
      b.append("        ").append(e.getKey()).append(") ").append(child).append(" ;;\n");
      children.add(new String[] {e.getKey(), child});
    }
    b.append("      esac\n      ;;\n  esac\n}\n\n");
    for (String[] c : children) {
      zshFunction(b, subs.get(c[0]), c[1]);
    }
  }

  private static List<String> optionSpecs(CommandSpec spec) {
    List<String> out = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      String desc = zq(description(o).replace("[", "\\[").replace("]", "\\]"));
      String arg = o.typeInfo().isBoolean() ? "" : ":" + zq(o.paramLabel()) + ":_files";
      if (o.names().length == 1) {
        out.add("'" + o.names()[0] + "[" + desc + "]" + arg + "'");
      } else {
        String names = String.join(" ", o.names());
        out.add(
            "'(" + names + ")'{" + String.join(",", o.names()) + "}'[" + desc + "]" + arg + "'");
      }
    }
    return out;
  }

  /** Text for inside single quotes in zsh. */
  private static String zq(String s) {
    return s.replace("'", "'\\''").replace(":", "\\:");
  }

  private static String description(ArgSpec a) {
    String[] d = a.description();
    return d.length == 0 ? "" : d[0];
  }

  private static String firstLine(CommandSpec spec) {
    String[] d = spec.usageMessage().description();
    return d.length == 0 ? "" : d[0];
  }

  // ---- man page ----

  static String man(CommandLine cmd) {
    CommandSpec top = cmd.getCommandSpec();
    StringBuilder b = new StringBuilder();
    b.append(
        ".\\\" Generated from hsu's command model by the build (PackagingDocs); do not edit.\n");
    b.append(".TH HSU 1 \"\" \"hsu ")
        .append(VersionCommand.VERSION)
        .append("\" \"User Commands\"\n");
    b.append(".SH NAME\nhsu \\- run Linux desktop apps in unprivileged sandboxes\n");
    b.append(".SH SYNOPSIS\n");
    for (String sub : cmd.getSubcommands().keySet()) {
      b.append(".B hsu ").append(sub).append("\n.RI [ OPTIONS ]");
      b.append(" ...\n.br\n");
    }
    b.append(".SH DESCRIPTION\n");
    for (String d : top.usageMessage().description()) {
      b.append(roff(d)).append('\n');
    }
    b.append(
        ".PP\nProfiles are YAML files described in the profile reference (docs/profiles.md);"
            + " PROFILE is a path, or a NAME looked up as NAME.yaml in"
            + " ~/.config/hsu/profiles and in hsu's own profiles/apps.\n");
    b.append(".SH COMMANDS\n");
    commands(b, cmd);
    b.append(".SH EXIT STATUS\n");
    b.append(
        ".TP\n.B hsu launch\nthe app's own exit status; 128+N when the app was killed by"
            + " signal N; 125 when hsu failed (invalid profile, setup error, a profile with"
            + " \\fBlimits\\fR and no systemd user manager); 126 when the command cannot be"
            + " executed; 127 when it is not found.\n");
    b.append(
        ".TP\n.B hsu enter\nthe command's own exit status (128+N when killed by signal N); 125"
            + " when hsu could not enter (no such sandbox, its record refused, a setup error);"
            + " 126 when the command cannot be executed; 127 when it is not found.\n");
    b.append(
        ".TP\n.B hsu wait\nthe sandbox's exit status (as hsu launch's); 1 no such sandbox, its"
            + " record refused, or its status unknown; 2 usage error.\n");
    b.append(
        ".TP\n.B other commands\n0 ok; 1 failure (a file cannot be read or written, a file"
            + " hsu did not write is in the way, systemctl failed; for ps, info and stop: no such"
            + " sandbox, or its record does not match its processes and is refused); 2 usage"
            + " error or invalid profile.\n");
    b.append(".SH ENVIRONMENT\n");
    String[][] env = {
      {"HSU_DEBUG", "1 prints stack traces with internal errors."},
      {"HSU_INIT", "the hsu-init binary to run (default: the one built in hsu's home)."},
      {
        "XDG_DATA_HOME, XDG_DATA_DIRS",
        "where menu entries are written and apps' own entries" + " are looked up."
      },
      {"XDG_CONFIG_HOME", "where user profiles and user units live."},
      {
        "XDG_RUNTIME_DIR, DBUS_SESSION_BUS_ADDRESS",
        "the session bus on which hsu launch asks"
            + " the systemd user manager for a scope app-hsu-ID-PID.scope."
      },
    };
    for (String[] e : env) {
      b.append(".TP\n.B ").append(roff(e[0])).append('\n').append(roff(e[1])).append('\n');
    }
    b.append(".SH FILES\n");
    String[][] files = {
      {"~/.config/hsu/profiles/NAME.yaml", "user profiles."},
      {"~/.local/share/hsu/apps/ID/", "per-app data (the persistent home)."},
      {
        "$XDG_RUNTIME_DIR/hsu/INSTANCE/",
        "a running sandbox: its record, the plan hsu enter applies, its sockets; never"
            + " inside any sandbox, removed when it ends. Without XDG_RUNTIME_DIR,"
            + " /run/user/UID when it is the user's, else /tmp/hsu-UID (made 0700; refused"
            + " when it is a symlink, someone else's or open to others)."
      },
      {
        "~/.local/share/applications/hsu.ID.desktop",
        "menu entries written by hsu desktop" + " install (marked with X-Hsu-Profile)."
      },
      {
        "~/.config/systemd/user/hsu-ID.service",
        "units written by hsu systemd install" + " (marked with a header and X-Hsu-Profile)."
      },
    };
    for (String[] f : files) {
      b.append(".TP\n.I ").append(roff(f[0])).append('\n').append(roff(f[1])).append('\n');
    }
    b.append(".SH SEE ALSO\n.BR bwrap (1),\n.BR systemd.unit (5),\n.BR systemd-run (1)\n");
    return b.toString();
  }

  private static void commands(StringBuilder b, CommandLine cmd) {
    for (CommandLine sub : cmd.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      CommandLine.Help help =
          new CommandLine.Help(
              spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
      b.append(".SS ").append(roff(help.synopsis(0).strip().replaceAll("\\s+", " "))).append('\n');
      for (String d : spec.usageMessage().description()) {
        b.append(roff(d)).append('\n');
      }
      for (OptionSpec o : spec.options()) {
        b.append(".TP\n");
        List<String> names = new ArrayList<>();
        for (String n : o.names()) {
          names.add(
              "\\fB"
                  + roff(n)
                  + "\\fR"
                  + (o.typeInfo().isBoolean() ? "" : "=\\fI" + roff(o.paramLabel()) + "\\fR"));
        }
        b.append(String.join(", ", names)).append('\n');
        b.append(roff(String.join(" ", o.description()))).append('\n');
      }
      for (PositionalParamSpec p : spec.positionalParameters()) {
        b.append(".TP\n\\fI")
            .append(roff(p.paramLabel()))
            .append("\\fR\n")
            .append(roff(String.join(" ", p.description())))
            .append('\n');
      }
      commands(b, sub);
    }
  }

  /** Escapes text for roff: backslashes, hyphens, and a leading '.' or '\''. */
  static String roff(String s) {
    String t = s.replace("\\", "\\e").replace("-", "\\-");
    if (t.startsWith(".") || t.startsWith("'")) {
      t = "\\&" + t;
    }
    return t;
  }
}
