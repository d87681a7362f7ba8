package dev.hsu.plan;

import java.util.List;

/** Writes the members of one JSON object on a single line. */
final class JsonObject {
  private final StringBuilder b;
  private boolean first = true;

  JsonObject(StringBuilder b) {
    this.b = b;
  }

  void key(String k) {
    b.append(first ? "" : ", ");
    first = false;
    PlanJson.string(b, k);
    b.append(": ");
  }

  void str(String k, String v) {
    key(k);
    PlanJson.string(b, v);
  }

  void num(String k, long v) {
    key(k);
    b.append(v);
  }

  void bool(String k, boolean v) {
    key(k);
    b.append(v);
  }

  void strs(String k, List<String> vs) {
    key(k);
    b.append('[');
    for (int i = 0; i < vs.size(); i++) {
      b.append(i == 0 ? "" : ", ");
      PlanJson.string(b, vs.get(i));
    }
    b.append(']');
  }
}
