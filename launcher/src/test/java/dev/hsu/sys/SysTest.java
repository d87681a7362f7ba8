package dev.hsu.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ids read from /proc/self/status are the caller's, as libc gives them. */
final class SysTest {
  @TempDir Path tmp;

  @Test
  void idsAreTheCallersAsLibcSaysAndAsFilesGetThem() throws IOException {
    Path f = Files.createFile(tmp.resolve("mine"));
    assertEquals(Files.getAttribute(f, "unix:uid"), Sys.getuid());
    assertEquals(Files.getAttribute(f, "unix:gid"), Sys.getgid());
    assertEquals(LibC.INSTANCE.getuid(), Sys.statusId("Uid:"));
    assertEquals(LibC.INSTANCE.getgid(), Sys.statusId("Gid:"));
    assertEquals(-1, Sys.statusId("NoSuchLine:"));
  }
}
