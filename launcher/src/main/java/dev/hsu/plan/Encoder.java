package dev.hsu.plan;

import dev.hsu.base.AbsPath;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A little-endian byte buffer: how a plan record and its fields are written. */
final class Encoder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  void raw(byte[] b) {
    out.write(b, 0, b.length);
  }

  void u16(int v) {
    out.write(v & 0xff);
    out.write((v >>> 8) & 0xff);
  }

  void u32(long v) {
    for (int i = 0; i < 4; i++) {
      out.write((int) (v >>> (8 * i)) & 0xff);
    }
  }

  void u64(long v) {
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)) & 0xff);
    }
  }

  void str(String s) {
    byte[] b = Limits.str("string", s).getBytes(StandardCharsets.UTF_8);
    u32(b.length);
    raw(b);
  }

  void path(AbsPath p) {
    str(p.value());
  }

  void strs(List<String> list) {
    Limits.count("list", list.size());
    u32(list.size());
    for (String s : list) {
      str(s);
    }
  }

  int size() {
    return out.size();
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
