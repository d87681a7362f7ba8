package dev.hsu.plan;

import static dev.hsu.plan.PlanWriterTest.hex;
import static dev.hsu.plan.PlanWriterTest.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The SECCOMP and LANDLOCK records: exact bytes, invariants, and their text and JSON. */
final class FilterRecordsTest {
  static final Seccomp SECCOMP =
      new Seccomp(
          EnumSet.of(Seccomp.Preset.DENY_TTY, Seccomp.Preset.COMMON),
          EnumSet.of(Seccomp.Relax.MULTIARCH),
          List.of(17),
          List.of(new Seccomp.Deny("bpf", 1)));
  static final Landlock LANDLOCK =
      new Landlock(
          true,
          true,
          false,
          true,
          true,
          List.of(new Landlock.FsRule(AbsPath.ROOT, Landlock.READ | Landlock.EXECUTE)),
          List.of(new Landlock.NetRule(443, Landlock.CONNECT_TCP)));

  @Test
  void exactBytesOfBothRecordsAfterParams() {
    Plan plan =
        new Plan(
            params(List.of("a")), SECCOMP, LANDLOCK, List.of(new Op.Proc(AbsPath.of("/proc"))));
    byte[] expected =
        hex(
            "48535550 4c414e00" // magic
                + "02000000" // version 2
                + "a0000000" // body length 160
                + "0100 0000 2b000000" // PARAMS, 43 bytes
                + "e8030000 e8030000 00000000"
                + "01000000 68"
                + "01000000 2f"
                + "01000000 01000000 61"
                + "00000000"
                + "00000000 00000000"
                + "1c00 0000 1f000000" // SECCOMP (28), 31 bytes
                + "09000000" // presets COMMON | DENY_TTY
                + "04000000" // relax MULTIARCH
                + "01000000 11000000" // one family: packet (17)
                + "01000000" // one denial
                + "03000000 627066" // "bpf"
                + "01000000" // EPERM
                + "1d00 0000 25000000" // LANDLOCK (29), 37 bytes
                + "1b000000" // REQUIRED | SCOPE_ABSTRACT_UNIX | FS | NET
                + "01000000" // one fs rule
                + "01000000 2f" // "/"
                + "0d000000 00000000" // EXECUTE | READ_FILE | READ_DIR
                + "01000000" // one net rule
                + "bb010000" // port 443
                + "02000000 00000000" // CONNECT_TCP
                + "1800 0000 09000000 05000000 2f70726f63" // PROC "/proc"
                + "ffff 0000 00000000"); // END
    assertArrayEquals(expected, PlanWriter.write(plan));
  }

  @Test
  void emptyRecordsAndTheirTags() {
    Plan plan =
        new Plan(
            params(List.of("a")),
            new Seccomp(Set.of(), Set.of(), List.of(), List.of()),
            new Landlock(false, false, false, false, false, List.of(), List.of()),
            List.of());
    byte[] bytes = PlanWriter.write(plan);
    List<byte[]> payloads = new ArrayList<>();
    List<Integer> tags = new ArrayList<>();
    PlanWriterTest.walk(bytes, payloads, tags);
    assertEquals(List.of(1, 28, 29), tags);
    assertArrayEquals(hex("00000000 00000000 00000000 00000000"), payloads.get(1));
    assertArrayEquals(hex("00000000 00000000 00000000"), payloads.get(2));
  }

  @Test
  void bitsFollowTheKernelHeaders() {
    assertEquals(1L, Landlock.Fs.EXECUTE.bit());
    assertEquals(1L << 13, Landlock.Fs.REFER.bit());
    assertEquals(1L << 14, Landlock.Fs.TRUNCATE.bit());
    assertEquals(1L << 15, Landlock.Fs.IOCTL_DEV.bit());
    assertEquals(0xFFFFL, Landlock.FS_ALL);
    assertEquals(0, Landlock.WRITE & (Landlock.Fs.MAKE_CHAR.bit() | Landlock.Fs.MAKE_BLOCK.bit()));
    assertEquals(
        0x1F,
        new Seccomp(EnumSet.allOf(Seccomp.Preset.class), Set.of(), List.of(), List.of())
            .presetBits());
    assertEquals(
        7,
        new Seccomp(Set.of(), EnumSet.allOf(Seccomp.Relax.class), List.of(), List.of())
            .relaxBits());
    assertEquals(31, new Landlock(true, true, true, true, true, List.of(), List.of()).flags());
  }

  @Test
  void namesAndNumbers() {
    assertEquals(1, Errno.number("EPERM"));
    assertEquals(38, Errno.number("ENOSYS"));
    assertEquals(11, Errno.number("EWOULDBLOCK"));
    assertEquals(95, Errno.number("ENOTSUP"));
    assertEquals(133, Errno.number("EHWPOISON"));
    assertEquals(-1, Errno.number("eperm"));
    assertEquals("EAGAIN", Errno.name(11));
    assertEquals("errno 41", Errno.name(41));
    assertEquals("errno 4095", Errno.name(4095));
    // linux/socket.h
    assertEquals(17, SocketFamily.number("packet"));
    assertEquals(31, SocketFamily.number("bluetooth"));
    assertEquals(29, SocketFamily.number("can"));
    assertEquals(38, SocketFamily.number("alg"));
    assertEquals(40, SocketFamily.number("vsock"));
    assertEquals(9, SocketFamily.number("x25"));
    assertEquals(3, SocketFamily.number("ax25"));
    assertEquals(5, SocketFamily.number("appletalk"));
    assertEquals(4, SocketFamily.number("ipx"));
    assertEquals(15, SocketFamily.number("key"));
    assertEquals(21, SocketFamily.number("rds"));
    assertEquals(26, SocketFamily.number("llc"));
    assertEquals(30, SocketFamily.number("tipc"));
    assertEquals(33, SocketFamily.number("rxrpc"));
    assertEquals(34, SocketFamily.number("isdn"));
    assertEquals(35, SocketFamily.number("phonet"));
    assertEquals(36, SocketFamily.number("ieee802154"));
    assertEquals(37, SocketFamily.number("caif"));
    assertEquals(39, SocketFamily.number("nfc"));
    assertEquals(41, SocketFamily.number("kcm"));
    assertEquals(42, SocketFamily.number("qipcrtr"));
    assertEquals(43, SocketFamily.number("smc"));
    assertEquals(44, SocketFamily.number("xdp"));
    assertEquals(45, SocketFamily.number("mctp"));
    assertEquals(45, SocketFamily.MAX);
    assertEquals(List.of(1, 2, 10, 16), SocketFamily.ALWAYS);
    assertTrue(!SocketFamily.EXTRA.containsKey("inet") && SocketFamily.EXTRA.size() == 41);
  }

  @Test
  void invariants() {
    Set<Seccomp.Preset> none = Set.of();
    Set<Seccomp.Relax> noRelax = Set.of();
    assertThrows(
        IllegalArgumentException.class, () -> new Seccomp(none, noRelax, List.of(2), List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> new Seccomp(none, noRelax, List.of(46), List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> new Seccomp(none, noRelax, List.of(0), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Seccomp(none, noRelax, List.of(17, 17), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Seccomp.Deny("Ptrace", 1));
    assertThrows(IllegalArgumentException.class, () -> new Seccomp.Deny("x".repeat(65), 1));
    assertThrows(IllegalArgumentException.class, () -> new Seccomp.Deny("", 1));
    assertThrows(IllegalArgumentException.class, () -> new Seccomp.Deny("ptrace", 0));
    assertThrows(IllegalArgumentException.class, () -> new Seccomp.Deny("ptrace", 4096));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Seccomp(
                none,
                noRelax,
                List.of(),
                List.of(new Seccomp.Deny("a", 1), new Seccomp.Deny("a", 2))));
    List<Seccomp.Deny> many = new ArrayList<>();
    for (int i = 0; i <= Seccomp.MAX_DENY; i++) {
      many.add(new Seccomp.Deny("s" + i, 1));
    }
    assertThrows(IllegalArgumentException.class, () -> new Seccomp(none, noRelax, List.of(), many));
    new Seccomp(none, noRelax, List.of(), many.subList(0, Seccomp.MAX_DENY));

    AbsPath a = AbsPath.of("/a");
    assertThrows(IllegalArgumentException.class, () -> new Landlock.FsRule(a, 0));
    assertThrows(IllegalArgumentException.class, () -> new Landlock.FsRule(a, 1L << 16));
    assertThrows(IllegalArgumentException.class, () -> new Landlock.FsRule(null, 1));
    assertThrows(IllegalArgumentException.class, () -> new Landlock.NetRule(65536, 1));
    assertThrows(IllegalArgumentException.class, () -> new Landlock.NetRule(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Landlock.NetRule(80, 4));
    assertThrows(IllegalArgumentException.class, () -> new Landlock.NetRule(80, 0));
    List<Landlock.FsRule> one = List.of(new Landlock.FsRule(a, 1));
    List<Landlock.NetRule> port = List.of(new Landlock.NetRule(80, 1));
    // rules without the matching handled flag would grant nothing: refused
    assertThrows(
        IllegalArgumentException.class,
        () -> new Landlock(true, true, true, false, true, one, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Landlock(true, true, true, true, false, List.of(), port));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Landlock(
                true,
                true,
                true,
                true,
                false,
                List.of(one.get(0), new Landlock.FsRule(a, 2)),
                List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Landlock(
                true,
                true,
                true,
                true,
                true,
                List.of(),
                List.of(port.get(0), new Landlock.NetRule(80, 2))));
    List<Landlock.FsRule> tooMany = new ArrayList<>();
    for (int i = 0; i <= Landlock.MAX_FS_RULES; i++) {
      tooMany.add(new Landlock.FsRule(AbsPath.of("/r" + i), 1));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new Landlock(true, true, true, true, false, tooMany, List.of()));
  }

  @Test
  void textReadsLikeTheFilter() {
    Plan plan = new Plan(params(List.of("a")), SECCOMP, LANDLOCK, List.of());
    String text = PlanText.render(plan);
    assertTrue(
        text.contains(
            "wait-delay 0s\n"
                + "seccomp presets common, deny-tty; relaxed: multiarch\n"
                + "seccomp socket families unix, inet, inet6, netlink, packet\n"
                + "seccomp deny \"bpf\" with EPERM\n"
                + "landlock scopes abstract-unix (required)\n"
                + "landlock allow read, execute beneath \"/\"\n"
                + "landlock allow tcp connect on port 443\n"),
        text);
    assertEquals(
        "landlock allow read, write beneath \"/home/user\"",
        new Landlock.FsRule(AbsPath.of("/home/user"), Landlock.READ | Landlock.WRITE).toString());
    assertEquals(
        "landlock allow read, write-file, ioctl-dev beneath \"/dev\"",
        new Landlock.FsRule(AbsPath.of("/dev"), Landlock.READ | Landlock.DEVICE).toString());
    assertEquals(
        "landlock allow write, execute, make-char beneath \"/x\\n\"",
        new Landlock.FsRule(
                AbsPath.of("/x\n"), Landlock.WRITE | Landlock.EXECUTE | Landlock.Fs.MAKE_CHAR.bit())
            .toString());
    assertEquals(
        "landlock allow tcp bind, connect on port 0",
        new Landlock.NetRule(0, Landlock.BIND_TCP | Landlock.CONNECT_TCP).toString());

    String bare =
        PlanText.render(
            new Plan(
                params(List.of("a")),
                new Seccomp(Set.of(), Set.of(), List.of(), List.of(new Seccomp.Deny("x", 41))),
                new Landlock(false, false, false, false, true, List.of(), List.of()),
                List.of()));
    assertTrue(
        bare.contains(
            "seccomp presets none\n"
                + "seccomp socket families unix, inet, inet6, netlink\n"
                + "seccomp deny \"x\" with errno 41\n"
                + "landlock scopes none (best effort)\n"
                + "landlock filesystem not restricted\n"
                + "landlock allow no tcp bind or connect\n"),
        bare);
    String absent = PlanText.render(new Plan(params(List.of("a")), null, null, List.of()));
    assertTrue(absent.contains("seccomp none (no filter)\nlandlock none\n"), absent);
  }

  @Test
  void jsonHasBothRecords() {
    Plan plan = new Plan(params(List.of("a")), SECCOMP, LANDLOCK, List.of());
    JsonNode root = new ObjectMapper().readTree(PlanJson.render(plan));
    JsonNode s = root.get("seccomp");
    assertEquals("common", s.get("presets").get(0).asString());
    assertEquals("deny-tty", s.get("presets").get(1).asString());
    assertEquals("multiarch", s.get("relax").get(0).asString());
    assertEquals("packet", s.get("socketFamilies").get(0).asString());
    assertEquals("bpf", s.get("deny").get(0).get("syscall").asString());
    assertEquals(1, s.get("deny").get(0).get("errno").asInt());
    assertEquals("EPERM", s.get("deny").get(0).get("errnoName").asString());
    JsonNode l = root.get("landlock");
    assertTrue(l.get("required").asBoolean());
    assertTrue(l.get("scopeAbstractUnix").asBoolean());
    assertEquals(false, l.get("scopeSignal").asBoolean());
    assertEquals("/", l.get("fsRules").get(0).get("path").asString());
    assertEquals(3, l.get("fsRules").get(0).get("access").size());
    assertEquals("execute", l.get("fsRules").get(0).get("access").get(0).asString());
    assertEquals(443, l.get("netRules").get(0).get("port").asInt());
    assertTrue(l.get("netRules").get(0).get("connect").asBoolean());
    assertEquals(0, root.get("ops").size());

    JsonNode none =
        new ObjectMapper()
            .readTree(PlanJson.render(new Plan(params(List.of("a")), null, null, List.of())));
    assertTrue(none.get("seccomp").isNull());
    assertTrue(none.get("landlock").isNull());
  }
}
