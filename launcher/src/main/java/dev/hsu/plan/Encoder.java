package dev.hsu.plan;

import dev.hsu.base.AbsPath;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A little-endian byte buffer: how a plan record and its fields are written. With a mark (the
 * instance id), it notes the offset of each place where a string or data it writes contains the
 * mark, so the plan cache can fill in another id there without compiling again.
 */
final class Encoder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final byte[] mark;
  private final List<Integer> marks = new ArrayList<>();

  Encoder() {
    this((byte[]) null);
  }

  Encoder(byte[] mark) {
    this.mark = mark;
  }

  /** A new encoder with the same mark. */
  Encoder fresh() {
    return new Encoder(mark);
  }

  void raw(byte[] b) {
    if (mark != null && mark.length > 0) {
      for (int i = 0; i + mark.length <= b.length; i++) {
        if (Arrays.equals(b, i, i + mark.length, mark, 0, mark.length)) {
          marks.add(out.size() + i);
        }
      }
    }
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

  /** Appends another encoder's bytes and its marks. */
  void append(Encoder e) {
    int base = out.size();
    for (int m : e.marks) {
      marks.add(base + m);
    }
    byte[] b = e.bytes();
    out.write(b, 0, b.length);
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

  /** The offsets of the mark in what was written, in order. */
  List<Integer> marks() {
    return List.copyOf(marks);
  }
}
