package dev.hsu.doctor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks a Wayland compositor which globals it announces, with the two requests a client sends first
 * (wl_display.get_registry, then wl_display.sync): the globals arrive before the sync's done. Only
 * the wire format's basics are needed (wayland-book, "Wire protocol").
 */
final class WaylandRegistry {
  private static final int DISPLAY = 1;
  private static final int REGISTRY = 2;
  private static final int CALLBACK = 3;
  private static final int MAX_BYTES = 1 << 20;

  private WaylandRegistry() {}

  /** get_registry (new id 2) then sync (new id 3), in native byte order. */
  static byte[] requests() {
    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
    b.putInt(DISPLAY).putInt((12 << 16) | 1).putInt(REGISTRY);
    b.putInt(DISPLAY).putInt((12 << 16) | 0).putInt(CALLBACK);
    return b.array();
  }

  /** Result of reading events so far: the globals, and whether the sync's done came. */
  record Parsed(List<String> globals, boolean done, int consumed) {}

  /**
   * Parses the complete events in {@code bytes}; throws on a protocol error event or a malformed
   * message.
   */
  static Parsed parse(ByteBuffer bytes) throws IOException {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.nativeOrder());
    List<String> globals = new ArrayList<>();
    int start = b.position();
    while (b.remaining() >= 8) {
      int at = b.position();
      int object = b.getInt();
      int word = b.getInt();
      int size = word >>> 16;
      int opcode = word & 0xffff;
      if (size < 8 || size % 4 != 0) {
        throw new IOException("malformed Wayland message (size " + size + ")");
      }
      if (b.remaining() < size - 8) {
        b.position(at);
        break;
      }
      ByteBuffer body = b.slice(b.position(), size - 8).order(ByteOrder.nativeOrder());
      b.position(at + size);
      if (object == REGISTRY && opcode == 0) {
        body.getInt(); // name
        globals.add(string(body));
      } else if (object == CALLBACK && opcode == 0) {
        return new Parsed(globals, true, b.position() - start);
      } else if (object == DISPLAY && opcode == 0) {
        body.getInt();
        int code = body.getInt();
        throw new IOException("protocol error " + code + ": " + string(body));
      }
    }
    return new Parsed(globals, false, b.position() - start);
  }

  private static String string(ByteBuffer body) throws IOException {
    if (body.remaining() < 4) {
      throw new IOException("malformed Wayland string");
    }
    int len = body.getInt();
    if (len <= 0 || len > body.remaining()) {
      throw new IOException("malformed Wayland string (length " + len + ")");
    }
    byte[] s = new byte[len - 1];
    body.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  /** Connects to {@code socket}, asks, and returns the globals' interface names. */
  static List<String> globals(String socket, Duration timeout) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(Path.of(socket)));
      ch.write(ByteBuffer.wrap(requests()));
      ch.configureBlocking(false);
      ByteBuffer in = ByteBuffer.allocate(MAX_BYTES);
      List<String> globals = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      try (java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
        ch.register(sel, java.nio.channels.SelectionKey.OP_READ);
        while (true) {
          long left = (deadline - System.nanoTime()) / 1_000_000;
          if (left <= 0) {
            throw new IOException("no answer within " + timeout.toMillis() + " ms");
          }
          sel.select(left);
          sel.selectedKeys().clear();
          if (ch.read(in) < 0) {
            throw new IOException("the compositor closed the connection");
          }
          in.flip();
          Parsed p = parse(in);
          globals.addAll(p.globals());
          if (p.done()) {
            return globals;
          }
          in.position(in.position() + p.consumed());
          in.compact();
          if (!in.hasRemaining()) {
            throw new IOException("too much data from the compositor");
          }
        }
      }
    }
  }
}
