package dev.hsu.systemd;

import dev.hsu.base.Quote;
import dev.hsu.desktop.GeneratedFiles;
import dev.hsu.desktop.InstallException;
import dev.hsu.desktop.MarkedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The user's unit directory, {@code ${XDG_CONFIG_HOME:-~/.config}/systemd/user}. */
public final class UserUnits implements GeneratedFiles {
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

  /** Where the unit of profile {@code id} goes: {@code hsu-<id>.service}. */
  @Override
  public Path fileFor(String id) throws InstallException {
    return dir.resolve(UnitFile.name(id));
  }

  public MarkedFile.Outcome install(UnitFile.Spec spec) throws InstallException {
    return MarkedFile.write(fileFor(spec.id()), UnitFile.render(spec), UnitFile::isOurs);
  }

  public MarkedFile.Outcome remove(String id) throws InstallException {
    return MarkedFile.remove(fileFor(id), UnitFile::isOurs);
  }

  /** The units hsu generated here, sorted by file name. */
  @Override
  public List<MarkedFile.Installed> list() throws InstallException {
    try {
      return MarkedFile.list(dir, "hsu-*.service", UnitFile::isOurs, UnitFile::profileOf);
    } catch (IOException e) {
      throw new InstallException(
          "cannot list " + Quote.q(dir.toString()) + ": " + MarkedFile.reason(e), e);
    }
  }
}
