package dev.hsu.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

final class PlanWriterTest {
  static Params params(List<String> argv) {
    return new Params(
        1000, 1000, false, false, "h", AbsPath.ROOT, argv, new TreeMap<>(), Duration.ZERO);
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
  }

  @Test
  void tinyPlanExactBytes() {
    Plan plan =
        new Plan(params(List.of("a")), null, null, List.of(new Op.Proc(AbsPath.of("/proc"))));
    byte[] expected =
        hex(
            "48535550 4c414e00" // magic "HSUPLAN\0"
                + "02000000" // version 2
                + "4c000000" // body length 76
                + "0100 0000 2b000000" // PARAMS, 43 bytes
                + "e8030000 e8030000 00000000" // uid, gid, flags
                + "01000000 68" // hostname "h"
                + "01000000 2f" // cwd "/"
                + "01000000 01000000 61" // argv ["a"]
                + "00000000" // env []
                + "00000000 00000000" // wait delay 0
                + "1800 0000 09000000 05000000 2f70726f63" // PROC "/proc"
                + "ffff 0000 00000000"); // END
    assertArrayEquals(expected, PlanWriter.write(plan));
  }

  @Test
  void flagsAndFields() {
    TreeMap<String, String> env = new TreeMap<>();
    env.put("B", "2");
    env.put("A", "1");
    Params p =
        new Params(
            0,
            65534,
            true,
            true,
            "box",
            AbsPath.of("/w"),
            List.of("x"),
            env,
            Duration.ofMillis(1500));
    byte[] params = payloads(PlanWriter.write(new Plan(p, null, null, List.of()))).get(0);
    ByteBuffer b = ByteBuffer.wrap(params).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0, b.getInt());
    assertEquals(65534, b.getInt());
    assertEquals(3, b.getInt()); // HOST_NET | KEEP_SESSION
    assertEquals("box", str(b));
    assertEquals("/w", str(b));
    assertEquals(1, b.getInt());
    assertEquals("x", str(b));
    assertEquals(2, b.getInt());
    assertEquals("A=1", str(b)); // sorted by name
    assertEquals("B=2", str(b));
    assertEquals(1500L, b.getLong());
    assertEquals(0, b.remaining());

    assertEquals(
        1 | 2,
        bindFlags(new Op.Bind(AbsPath.of("/a"), AbsPath.of("/b"), true, true, false, false)));
    assertEquals(
        4, bindFlags(new Op.Bind(AbsPath.of("/a"), AbsPath.of("/b"), false, false, true, false)));
    assertEquals(
        1 | 8,
        bindFlags(new Op.Bind(AbsPath.of("/a"), AbsPath.of("/b"), true, false, false, true)));
  }

  private static int bindFlags(Op.Bind op) {
    ByteBuffer b = ByteBuffer.wrap(payloads(write(op)).get(1)).order(ByteOrder.LITTLE_ENDIAN);
    str(b);
    str(b);
    int flags = b.getInt();
    assertEquals(0, b.remaining());
    return flags;
  }

  @Test
  void everyOpKindEncodes() {
    List<Op> ops =
        List.of(
            new Op.AutoRoot(AbsPath.ROOT, false, true, List.of("opt")),
            new Op.AutoEtc(AbsPath.of("/etc"), List.of("ssl"), List.of("passwd")),
            Op.Bind.readOnly(AbsPath.of("/usr")),
            new Op.Tmpfs(AbsPath.of("/tmp"), 1 << 20, 01777, true),
            new Op.Overlay(
                AbsPath.of("/o"),
                Op.Overlay.Writes.PERSISTENT,
                AbsPath.of("/u"),
                AbsPath.of("/w,x:y\\z"),
                List.of(AbsPath.of("/o"))),
            new Op.Overlay(
                AbsPath.of("/o"),
                Op.Overlay.Writes.EPHEMERAL,
                null,
                null,
                List.of(AbsPath.of("/o"))),
            new Op.Mkdir(AbsPath.of("/m"), 0755),
            new Op.Place(AbsPath.of("/f"), 0600, new byte[] {0, 1, 2}),
            new Op.Symlink(AbsPath.of("/l"), "/etc/localtime", true),
            new Op.Proc(AbsPath.of("/proc")),
            new Op.Dev(AbsPath.of("/dev"), true, true),
            new Op.Remount(AbsPath.of("/r"), true, false, true),
            new Op.Daemon(
                AbsPath.of("/ready"),
                Duration.ofSeconds(5),
                List.of("/bin/d", "-x"),
                List.of("A=1")),
            new Op.Sysfs(AbsPath.of("/sys")));
    byte[] bytes = PlanWriter.write(new Plan(params(List.of("a")), null, null, ops));
    List<byte[]> payloads = payloads(bytes);
    assertEquals(ops.size() + 1, payloads.size());
    List<Integer> tags = tags(bytes);
    List<Integer> expected = new ArrayList<>(List.of(1));
    for (int t = 16; t <= 27; t++) {
      expected.add(t);
      if (t == 20) {
        expected.add(20);
      }
    }
    expected.add(33);
    assertEquals(expected, tags);

    ByteBuffer b = ByteBuffer.wrap(payloads.get(4)).order(ByteOrder.LITTLE_ENDIAN); // TMPFS
    assertEquals("/tmp", str(b));
    assertEquals(1L << 20, b.getLong());
    assertEquals(01777, b.getInt());
    assertEquals(1, b.getInt());

    b = ByteBuffer.wrap(payloads.get(5)).order(ByteOrder.LITTLE_ENDIAN); // OVERLAY persistent
    assertEquals("/o", str(b));
    assertEquals(2, b.getInt());
    assertEquals("/u", str(b));
    assertEquals("/w,x:y\\z", str(b)); // no escaping: hsu-init uses fsconfig
    assertEquals(1, b.getInt());
    assertEquals("/o", str(b));
    assertEquals(0, b.remaining());

    b = ByteBuffer.wrap(payloads.get(6)).order(ByteOrder.LITTLE_ENDIAN); // OVERLAY ephemeral
    assertEquals("/o", str(b));
    assertEquals(1, b.getInt());
    assertEquals(0, b.getInt()); // empty upper
    assertEquals(0, b.getInt()); // empty work

    b = ByteBuffer.wrap(payloads.get(8)).order(ByteOrder.LITTLE_ENDIAN); // PLACE
    assertEquals("/f", str(b));
    assertEquals(0600, b.getInt());
    assertEquals(3, b.getInt());
    assertEquals(0, b.get());

    b = ByteBuffer.wrap(payloads.get(11)).order(ByteOrder.LITTLE_ENDIAN); // DEV
    assertEquals("/dev", str(b));
    assertEquals(3, b.getInt());

    b = ByteBuffer.wrap(payloads.get(12)).order(ByteOrder.LITTLE_ENDIAN); // REMOUNT
    assertEquals("/r", str(b));
    assertEquals(1 | 4, b.getInt());

    b = ByteBuffer.wrap(payloads.get(13)).order(ByteOrder.LITTLE_ENDIAN); // DAEMON
    assertEquals("/ready", str(b));
    assertEquals(5000L, b.getLong());
    assertEquals(2, b.getInt());

    b = ByteBuffer.wrap(payloads.get(14)).order(ByteOrder.LITTLE_ENDIAN); // SYSFS
    assertEquals("/sys", str(b));
    assertEquals(0, b.remaining());
  }

  @Test
  void limits() {
    String big = "x".repeat(Limits.MAX_STR_BYTES + 1);
    assertThrows(IllegalArgumentException.class, () -> params(List.of(big)));
    params(List.of("x".repeat(Limits.MAX_STR_BYTES))); // exactly the limit is fine
    assertThrows(IllegalArgumentException.class, () -> params(List.of("a\0b")));
    assertThrows(IllegalArgumentException.class, () -> params(List.of()));
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= Limits.MAX_LIST; i++) {
      many.add("a");
    }
    assertThrows(IllegalArgumentException.class, () -> params(many));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Params(
                65535,
                0,
                false,
                false,
                "h",
                AbsPath.ROOT,
                List.of("a"),
                new TreeMap<>(),
                Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Params(
                0,
                0,
                false,
                false,
                "",
                AbsPath.ROOT,
                List.of("a"),
                new TreeMap<>(),
                Duration.ZERO));
    TreeMap<String, String> badEnv = new TreeMap<>();
    badEnv.put("A=B", "c");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Params(0, 0, false, false, "h", AbsPath.ROOT, List.of("a"), badEnv, Duration.ZERO));

    List<Op> tooMany = new ArrayList<>();
    for (int i = 0; i <= Limits.MAX_OPS; i++) {
      tooMany.add(new Op.Proc(AbsPath.of("/proc")));
    }
    assertThrows(
        IllegalArgumentException.class, () -> new Plan(params(List.of("a")), null, null, tooMany));

    byte[] eight = new byte[Limits.MAX_DATA_BYTES];
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.Place(AbsPath.of("/f"), 0644, new byte[Limits.MAX_DATA_BYTES + 1]));
    Op place = new Op.Place(AbsPath.of("/f"), 0644, eight);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PlanWriter.write(
                    new Plan(params(List.of("a")), null, null, List.of(place, place))));
    assertTrue(e.getMessage().contains("larger than"), e.getMessage());
  }

  @Test
  void opInvariants() {
    AbsPath a = AbsPath.of("/a");
    assertThrows(IllegalArgumentException.class, () -> new Op.Bind(a, a, false, false, true, true));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.Overlay(a, Op.Overlay.Writes.READ_ONLY, null, null, List.of(a)));
    new Op.Overlay(a, Op.Overlay.Writes.READ_ONLY, null, null, List.of(a, AbsPath.of("/b")));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.Overlay(a, Op.Overlay.Writes.EPHEMERAL, a, AbsPath.of("/w"), List.of(a)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.Overlay(a, Op.Overlay.Writes.PERSISTENT, null, null, List.of(a)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.Overlay(a, Op.Overlay.Writes.EPHEMERAL, null, null, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Op.Mkdir(a, 010000));
    assertThrows(IllegalArgumentException.class, () -> new Op.Tmpfs(a, 0, -1, false));
    assertThrows(IllegalArgumentException.class, () -> new Op.Place(a, 07777 + 1, new byte[0]));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.AutoRoot(AbsPath.ROOT, false, false, List.of("a/b")));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.AutoRoot(AbsPath.ROOT, false, false, List.of("..")));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.AutoEtc(AbsPath.of("/etc"), List.of(), List.of("")));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.AutoEtc(AbsPath.of("/etc"), List.of("x".repeat(256)), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Op.Symlink(a, "", false));
    assertThrows(IllegalArgumentException.class, () -> new Op.Symlink(a, "relative", true));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.Daemon(a, Duration.ofSeconds(1), List.of("relative"), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.Daemon(a, Duration.ofSeconds(-1), List.of("/bin/d"), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Op.Daemon(a, Duration.ofSeconds(1), List.of("/bin/d"), List.of("NOEQUALS")));
    assertThrows(IllegalArgumentException.class, () -> new Op.Proc(null));
  }

  @Test
  void placeIsImmutableAndComparesByContent() {
    byte[] data = {1, 2};
    Op.Place p = new Op.Place(AbsPath.of("/f"), 0644, data);
    data[0] = 9;
    p.data()[1] = 9;
    assertArrayEquals(new byte[] {1, 2}, p.data());
    assertEquals(p, new Op.Place(AbsPath.of("/f"), 0644, new byte[] {1, 2}));
    assertEquals(p.hashCode(), new Op.Place(AbsPath.of("/f"), 0644, new byte[] {1, 2}).hashCode());
  }

  @Test
  void toStringReadsLikeTheMount() {
    assertEquals(
        "bind \"/usr\" on \"/usr\" (read-only, nodev)",
        Op.Bind.readOnly(AbsPath.of("/usr")).toString());
    assertEquals(
        "mount tmpfs on \"/tmp\" (mode 1777)",
        new Op.Tmpfs(AbsPath.of("/tmp"), 0, 01777, false).toString());
    assertEquals(
        "overlay on \"/opt/x\" lower \"/opt/x\" (ephemeral writes)",
        new Op.Overlay(
                AbsPath.of("/opt/x"),
                Op.Overlay.Writes.EPHEMERAL,
                null,
                null,
                List.of(AbsPath.of("/opt/x")))
            .toString());
    assertEquals(
        "symlink \"/l\" -> \"a\\nb\\x1b[31m\"",
        new Op.Symlink(AbsPath.of("/l"), "a\nb\u001b[31m", false).toString());
  }

  static byte[] write(Op op) {
    return PlanWriter.write(new Plan(params(List.of("a")), null, null, List.of(op)));
  }

  /**
   * Walks the plan's structure like hsu-init does and returns each record's payload (END excluded).
   */
  static List<byte[]> payloads(byte[] plan) {
    List<byte[]> out = new ArrayList<>();
    walk(plan, out, new ArrayList<>());
    return out;
  }

  static List<Integer> tags(byte[] plan) {
    List<Integer> tags = new ArrayList<>();
    walk(plan, new ArrayList<>(), tags);
    return tags;
  }

  static void walk(byte[] plan, List<byte[]> payloads, List<Integer> tags) {
    ByteBuffer b = ByteBuffer.wrap(plan).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    b.get(magic);
    assertArrayEquals(PlanWriter.MAGIC, magic);
    assertEquals(2, b.getInt());
    assertEquals(plan.length - 16, b.getInt());
    while (true) {
      int tag = Short.toUnsignedInt(b.getShort());
      assertEquals(0, b.getShort());
      int len = b.getInt();
      if (tag == 0xFFFF) {
        assertEquals(0, len);
        assertEquals(0, b.remaining());
        return;
      }
      byte[] payload = new byte[len];
      b.get(payload);
      payloads.add(payload);
      tags.add(tag);
    }
  }

  static String str(ByteBuffer b) {
    int n = b.getInt();
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
