package dev.hsu.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.compile.TestProfiles;
import dev.hsu.profile.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which arguments hand a file to a sandbox with portals, and what the app gets instead. */
final class FileForwardingTest {
  @TempDir Path dir;

  /** Records what it was asked to export and answers like hsu-portal export. */
  static final class FakeExporter implements FileForwarding.Exporter {
    final List<String> calls = new ArrayList<>();
    LaunchException fail;

    @Override
    public List<String> export(String appId, boolean writable, List<Path> files)
        throws LaunchException {
      calls.add(appId + (writable ? " rw " : " ro ") + files);
      if (fail != null) {
        throw fail;
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        out.add("doc" + i + "/" + files.get(i).getFileName());
      }
      return out;
    }
  }

  Profile profile(boolean portals, boolean writable) throws IOException {
    Path granted = Files.createDirectories(dir.resolve("granted"));
    TestProfiles.Builder b =
        TestProfiles.profile("org.example.App", "app")
            .fs(
                new Profile.FsEntry.Bind(
                    AbsPath.of(granted.toString()),
                    AbsPath.of("/home/user/Granted"),
                    false,
                    false,
                    false,
                    false));
    if (portals) {
      b.dbus(
          new Profile.Dbus(
              new Profile.Bus(
                  List.of(),
                  List.of(),
                  List.of("org.example.App"),
                  java.util.Map.of(),
                  java.util.Map.of()),
              null,
              new Profile.Portals(writable)));
    }
    return b.build();
  }

  List<String> notices = new ArrayList<>();

  List<String> rewrite(Profile p, FakeExporter ex, String... args) {
    return FileForwarding.rewrite(p, List.of(args), dir, ex, notices::add);
  }

  @Test
  void aFileOutsideTheGrantsIsExportedToThisAppAndItsArgumentRewritten() throws IOException {
    Path pdf = Files.writeString(dir.resolve("paper.pdf"), "%PDF");
    FakeExporter ex = new FakeExporter();
    List<String> out =
        rewrite(profile(true, false), ex, "--page=2", pdf.toString(), "paper.pdf", "file://" + pdf);
    assertEquals(
        List.of("org.example.App ro [" + pdf.toRealPath() + "]"),
        ex.calls,
        "one export for the same file");
    assertEquals(
        List.of(
            "--page=2",
            "/run/user/1000/doc/doc0/paper.pdf",
            "/run/user/1000/doc/doc0/paper.pdf",
            "file:///run/user/1000/doc/doc0/paper.pdf"),
        out);
    assertTrue(notices.isEmpty());
  }

  @Test
  void aGrantedFileKeepsItsPlaceInsideAndIsNotExported() throws IOException {
    Profile p = profile(true, false);
    Path f = Files.writeString(dir.resolve("granted/notes.txt"), "x");
    FakeExporter ex = new FakeExporter();
    assertEquals(List.of("/home/user/Granted/notes.txt"), rewrite(p, ex, f.toString()));
    assertEquals(List.of(), ex.calls);
  }

  @Test
  void readWriteFilesAreExportedWritable() throws IOException {
    Path f = Files.writeString(dir.resolve("a b.txt"), "x");
    FakeExporter ex = new FakeExporter();
    assertEquals(
        List.of("file:///run/user/1000/doc/doc0/a%20b.txt"),
        rewrite(profile(true, true), ex, f.toUri().toString()));
    assertEquals(List.of("org.example.App rw [" + f.toRealPath() + "]"), ex.calls);
  }

  @Test
  void optionsUrlsAndMissingFilesPassUnchanged() throws IOException {
    FakeExporter ex = new FakeExporter();
    List<String> args =
        List.of("-v", "https://example.org/a", dir.resolve("missing.pdf").toString(), "");
    assertEquals(args, rewrite(profile(true, false), ex, args.toArray(String[]::new)));
    assertEquals(List.of(), ex.calls);
  }

  @Test
  void withoutPortalsNothingIsRewritten() throws IOException {
    Path pdf = Files.writeString(dir.resolve("paper.pdf"), "%PDF");
    FakeExporter ex = new FakeExporter();
    assertEquals(List.of(pdf.toString()), rewrite(profile(false, false), ex, pdf.toString()));
    assertEquals(List.of(), ex.calls);
  }

  @Test
  void aFailedExportIsANoticeAndTheArgumentsStayAsGiven() throws IOException {
    Path pdf = Files.writeString(dir.resolve("paper.pdf"), "%PDF");
    FakeExporter ex = new FakeExporter();
    ex.fail =
        new LaunchException(
            "cannot hand \""
                + pdf
                + "\" to the app through the document portal: no document portal");
    assertEquals(List.of(pdf.toString()), rewrite(profile(true, false), ex, pdf.toString()));
    assertEquals(1, notices.size());
    assertTrue(
        notices.get(0).endsWith("the app gets that file's host path, which it may not see"),
        notices.get(0));
  }
}
