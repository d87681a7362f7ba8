package dev.hsu.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record's JSON as hsu-init writes it, what is refused, and how a sandbox is named. */
final class InstanceRecordTest {
  static final Path DIR = Path.of("/run/user/1000/hsu/4ad6253bcc3b3362");
  static final String GOOD =
      "{\"version\": 1, \"id\": \"4ad6253bcc3b3362\", \"app_id\": \"org.x\", \"name\": \"X \\u001b\","
          + " \"profile\": \"\", \"grants\": [\"wayland\", \"dbus\"],\n"
          + " \"supervisor\": {\"pid\": 24067, \"start\": 3117936}, \"init\": {\"pid\": 24133,"
          + " \"start\": 3117984}, \"started\": 1796384915,\n"
          + " \"uid\": 1000, \"gid\": 1000, \"host_net\": false, \"wait_delay_ms\": 2000,"
          + " \"cwd\": \"/home/u\", \"plan\": \"plan\", \"exit\": \"exit\"}\n";

  @Test
  void readsWhatHsuInitWrites() throws InstanceException {
    InstanceRecord r = InstanceRecord.parse(DIR, GOOD);
    assertEquals("4ad6253bcc3b3362", r.id());
    assertEquals("4ad6253b", r.shortId());
    assertEquals("org.x", r.appId());
    assertEquals("X \u001b", r.name());
    assertEquals(List.of("wayland", "dbus"), r.grants());
    assertEquals(new InstanceRecord.ProcId(24067, 3117936), r.supervisor());
    assertEquals(new InstanceRecord.ProcId(24133, 3117984), r.init());
    assertEquals(2000, r.waitDelayMs());
    assertEquals(DIR, r.dir());
  }

  @Test
  void refusesWhatIsNotARecordOfThisFormat() {
    String[][] bad = {
      {"[1, 2]", "is not a JSON object"},
      {"{\"version\": 1", "is not valid JSON"},
      {GOOD.replace("\"version\": 1", "\"version\": 2"), "unknown version"},
      {GOOD.replace("\"app_id\": \"org.x\", ", ""), "has no app_id"},
      {GOOD.replace("\"pid\": 24133", "\"pid\": 0"), "no valid init pid"},
      {GOOD.replace("\"pid\": 24067", "\"pid\": \"24067\""), "has no number pid"},
      {GOOD.replace("{\"version\"", "{\"id\": \"x\", \"version\""), "is not valid JSON"},
    };
    for (String[] b : bad) {
      InstanceException e =
          assertThrows(InstanceException.class, () -> InstanceRecord.parse(DIR, b[0]), b[0]);
      assertTrue(e.getMessage().contains(b[1]), e.getMessage());
    }
  }

  @Test
  void namingFindsOneOrSaysWhy() {
    Path other = Path.of("/run/user/1000/hsu/4ad6ffffffffffff");
    List<Instances.Found> found =
        List.of(
            new Instances.Refused(DIR, "its supervisor, process 1, is gone", "org.x"),
            new Instances.Starting(other));
    InstanceException refused =
        assertThrows(InstanceException.class, () -> Instances.resolve(found, "org.x"));
    assertTrue(refused.getMessage().startsWith("the instance 4ad6253bcc3b3362 is refused: its"));
    InstanceException both =
        assertThrows(InstanceException.class, () -> Instances.resolve(found, "4ad6"));
    assertEquals(
        "\"4ad6\" matches 2 running sandboxes: 4ad6253bcc3b3362, 4ad6ffffffffffff; name one by"
            + " its id",
        both.getMessage());
    InstanceException starting =
        assertThrows(InstanceException.class, () -> Instances.resolve(found, "4ad6ff"));
    assertTrue(starting.getMessage().contains("is starting"), starting.getMessage());
    InstanceException none =
        assertThrows(InstanceException.class, () -> Instances.resolve(found, "abc"));
    assertTrue(none.getMessage().startsWith("no running sandbox is \"abc\""));
  }

  @Test
  void durationsAndSizesAsPsShowsThem() {
    assertEquals("59s", Listing.duration(59));
    assertEquals("1m05s", Listing.duration(65));
    assertEquals("2h03m", Listing.duration(2 * 3600 + 3 * 60 + 9));
    assertEquals("1d02h", Listing.duration(86400 + 2 * 3600));
    assertEquals("900K", Listing.size(900));
    assertEquals("1.5M", Listing.size(1536));
  }
}
