package dev.hsu.desktop;

import java.nio.file.Path;
import java.util.List;

/**
 * A directory of the marked files hsu generates, one for each profile id (menu entries, user
 * units): where the file of an id goes, and which generated files are there.
 */
public interface GeneratedFiles {
  /** Where the file of profile {@code id} goes. */
  Path fileFor(String id) throws InstallException;

  /** The files hsu generated here, sorted by file name. */
  List<MarkedFile.Installed> list() throws InstallException;
}
