package dev.hsu.systemd;

import dev.hsu.desktop.InstallException;
import dev.hsu.desktop.MarkedFile;
import dev.hsu.plan.Quote;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The user's unit directory, {@code ${XDG_CONFIG_HOME:-~/.config}/systemd/user}. */
public final class UserUnits {
  /** A generated unit: its file and the profile it runs. */
  public record Installed(Path file, String profile) {}

  private final Path dir;

  public UserUnits(Path dir) {
    this.dir = dir;
  }

  public static UserUnits fromEnv(Map<String, String> env, Path userHome) {
    String config = env.get("XDG_CONFIG_HOME");
    Path base =
        config != null && config.startsWith("/") ? Path.of(config) : userHome.resolve(".config");
    return new UserUnits(base.resolve("systemd/user"));
  }

  public Path dir() {
    return dir;
  }

  public Path fileFor(String id) throws InstallException {
    return dir.resolve(UnitFile.name(id));
  }

  public MarkedFile.Outcome install(UnitFile.Spec spec) throws InstallException {
    return MarkedFile.write(fileFor(spec.id()), UnitFile.render(spec), UnitFile::isOurs);
  }

  public MarkedFile.Outcome remove(String id) throws InstallException {
    return MarkedFile.remove(fileFor(id), UnitFile::isOurs);
  }

  public List<Installed> list() throws InstallException {
    List<Installed> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "hsu-*.service")) {
      for (Path p : s) {
        try {
          String text = MarkedFile.readOurs(p, UnitFile::isOurs);
          if (text != null) {
            out.add(new Installed(p, UnitFile.profileOf(text)));
          }
        } catch (InstallException e) {
          // Not ours: not listed.
        }
      }
    } catch (IOException e) {
      throw new InstallException("cannot list " + Quote.q(dir.toString()) + ": " + e.getMessage(), e);
    }
    out.sort((a, b) -> a.file().getFileName().toString().compareTo(b.file().getFileName().toString()));
    return out;
  }
}
