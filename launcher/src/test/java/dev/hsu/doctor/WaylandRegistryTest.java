package dev.hsu.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The few Wayland messages hsu doctor sends and reads, on bytes made here. */
final class WaylandRegistryTest {
  static byte[] message(int object, int opcode, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(8 + body.length).order(ByteOrder.nativeOrder());
    b.putInt(object).putInt(((8 + body.length) << 16) | opcode).put(body);
    return b.array();
  }

  static byte[] string(String s) {
    byte[] text = s.getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + 1 + 3) / 4 * 4;
    ByteBuffer b = ByteBuffer.allocate(4 + padded).order(ByteOrder.nativeOrder());
    b.putInt(text.length + 1).put(text);
    return b.array();
  }

  static byte[] global(int name, String iface, int version) {
    byte[] s = string(iface);
    ByteBuffer b = ByteBuffer.allocate(8 + s.length).order(ByteOrder.nativeOrder());
    b.putInt(name).put(s).putInt(version);
    return message(2, 0, b.array());
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  @Test
  void requestsAreGetRegistryThenSync() {
    ByteBuffer b = ByteBuffer.wrap(WaylandRegistry.requests()).order(ByteOrder.nativeOrder());
    assertEquals(24, b.remaining());
    assertEquals(1, b.getInt());
    assertEquals((12 << 16) | 1, b.getInt());
    assertEquals(2, b.getInt());
    assertEquals(1, b.getInt());
    assertEquals(12 << 16, b.getInt());
    assertEquals(3, b.getInt());
  }

  @Test
  void globalsUntilTheSyncIsDone() throws IOException {
    byte[] all =
        concat(
            global(1, "wl_compositor", 6),
            global(2, "wp_security_context_manager_v1", 1),
            message(1, 1, new byte[] {3, 0, 0, 0}),
            message(3, 0, new byte[4]),
            global(3, "late", 1));
    WaylandRegistry.Parsed p = WaylandRegistry.parse(ByteBuffer.wrap(all));
    assertEquals(List.of("wl_compositor", "wp_security_context_manager_v1"), p.globals());
    assertTrue(p.done());
  }

  @Test
  void aPartialMessageWaitsForMore() throws IOException {
    byte[] all = concat(global(1, "wl_shm", 1), global(2, "wl_seat", 7));
    WaylandRegistry.Parsed p = WaylandRegistry.parse(ByteBuffer.wrap(all, 0, all.length - 5));
    assertEquals(List.of("wl_shm"), p.globals());
    assertFalse(p.done());
    assertEquals(global(1, "wl_shm", 1).length, p.consumed());
  }

  @Test
  void errorsAndMalformedMessagesThrow() {
    byte[] error =
        message(1, 0, concat(new byte[] {1, 0, 0, 0, 2, 0, 0, 0}, string("bad request")));
    IOException e =
        assertThrows(IOException.class, () -> WaylandRegistry.parse(ByteBuffer.wrap(error)));
    assertEquals("protocol error 2: bad request", e.getMessage());
    byte[] tiny =
        ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(2).putInt(4 << 16).array();
    assertThrows(IOException.class, () -> WaylandRegistry.parse(ByteBuffer.wrap(tiny)));
    byte[] longString =
        message(
            2,
            0,
            ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(1).putInt(999).array());
    assertThrows(IOException.class, () -> WaylandRegistry.parse(ByteBuffer.wrap(longString)));
  }
}
