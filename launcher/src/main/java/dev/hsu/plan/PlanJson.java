package dev.hsu.plan;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Renders a plan as JSON (for {@code hsu compile --json}): one object per op, keys in order. */
public final class PlanJson {
  private PlanJson() {}

  public static String render(Plan plan) {
    Params p = plan.params();
    StringBuilder b = new StringBuilder("{\n  \"version\": ").append(PlanWriter.VERSION);
    b.append(",\n  \"params\": {");
    JsonObject o = new JsonObject(b);
    o.num("uid", p.uid());
    o.num("gid", p.gid());
    o.bool("hostNet", p.hostNet());
    o.bool("keepSession", p.keepSession());
    o.str("hostname", p.hostname());
    o.str("cwd", p.cwd().value());
    o.strs("argv", p.argv());
    o.key("env");
    b.append('{');
    boolean first = true;
    for (Map.Entry<String, String> e : p.env().entrySet()) {
      b.append(first ? "" : ", ");
      first = false;
      string(b, e.getKey());
      b.append(": ");
      string(b, e.getValue());
    }
    b.append('}');
    o.num("waitDelayMs", p.waitDelay().toMillis());
    if (p.dieWithParent()) {
      o.bool("dieWithParent", true);
    }
    b.append("},\n  \"seccomp\": ");
    seccomp(b, plan.seccomp());
    b.append(",\n  \"landlock\": ");
    landlock(b, plan.landlock());
    if (plan.instance() != null) {
      b.append(",\n  \"instance\": {");
      JsonObject x = new JsonObject(b);
      x.str("id", plan.instance().id());
      x.str("dir", plan.instance().dir().value());
      x.str("appId", plan.instance().appId());
      x.str("name", plan.instance().name());
      x.str("profile", plan.instance().profile());
      x.strs("grants", plan.instance().grantNames());
      b.append('}');
    }
    if (plan.wayland() != null) {
      Wayland w = plan.wayland();
      b.append(",\n  \"wayland\": {");
      JsonObject x = new JsonObject(b);
      x.bool("direct", w.direct());
      x.str("compositor", w.compositor().value());
      x.str("socket", w.socket().value());
      x.str("engine", Wayland.ENGINE);
      x.str("appId", w.appId());
      b.append('}');
    }
    if (!plan.proxies().isEmpty()) {
      b.append(",\n  \"proxies\": [");
      for (int i = 0; i < plan.proxies().size(); i++) {
        Proxy px = plan.proxies().get(i);
        b.append(i == 0 ? "\n    {" : ",\n    {");
        JsonObject x = new JsonObject(b);
        if (px.kind() != Proxy.Kind.DBUS) {
          x.str("kind", px.kind().word);
        }
        x.num("syncFd", px.syncFd());
        x.str("ready", px.ready().value());
        x.num("timeoutMs", px.timeout().toMillis());
        x.strs("grants", px.grants());
        x.key("plan");
        b.append(render(px.plan()).stripTrailing().replace("\n", "\n    "));
        b.append('}');
      }
      b.append("\n  ]");
    }
    b.append(",\n  \"ops\": [");
    first = true;
    for (Op op : plan.ops()) {
      b.append(first ? "\n    {" : ",\n    {");
      first = false;
      op.json(new JsonObject(b));
      b.append('}');
    }
    b.append(plan.ops().isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
    return b.toString();
  }

  private static void seccomp(StringBuilder b, Seccomp s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('{');
    JsonObject o = new JsonObject(b);
    o.strs("presets", s.presets().stream().map(Seccomp.Preset::text).toList());
    o.strs("relax", s.relax().stream().map(Seccomp.Relax::text).toList());
    o.strs("socketFamilies", s.families().stream().map(SocketFamily::name).toList());
    o.key("deny");
    b.append('[');
    for (int i = 0; i < s.deny().size(); i++) {
      Seccomp.Deny d = s.deny().get(i);
      b.append(i == 0 ? "{" : ", {");
      JsonObject x = new JsonObject(b);
      x.str("syscall", d.syscall());
      x.num("errno", d.errno());
      x.str("errnoName", Errno.name(d.errno()));
      b.append('}');
    }
    b.append("]}");
  }

  private static void landlock(StringBuilder b, Landlock l) {
    if (l == null) {
      b.append("null");
      return;
    }
    b.append('{');
    JsonObject o = new JsonObject(b);
    o.bool("required", l.required());
    o.bool("scopeAbstractUnix", l.scopeAbstractUnix());
    o.bool("scopeSignal", l.scopeSignal());
    o.bool("filesystem", l.fs());
    o.bool("network", l.net());
    o.key("fsRules");
    b.append('[');
    for (int i = 0; i < l.fsRules().size(); i++) {
      Landlock.FsRule r = l.fsRules().get(i);
      b.append(i == 0 ? "\n    {" : ",\n    {");
      JsonObject x = new JsonObject(b);
      x.str("path", r.path().value());
      x.strs("access", Landlock.fsNames(r.access()));
      b.append('}');
    }
    b.append(l.fsRules().isEmpty() ? "]" : "\n  ]");
    o.key("netRules");
    b.append('[');
    for (int i = 0; i < l.netRules().size(); i++) {
      Landlock.NetRule r = l.netRules().get(i);
      b.append(i == 0 ? "{" : ", {");
      JsonObject x = new JsonObject(b);
      x.num("port", r.port());
      x.bool("bind", (r.access() & Landlock.BIND_TCP) != 0);
      x.bool("connect", (r.access() & Landlock.CONNECT_TCP) != 0);
      b.append('}');
    }
    b.append("]}");
  }

  /** {@code data} as text when it is valid UTF-8, else null. */
  static String utf8(byte[] data) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Appends {@code s} as a JSON string literal (RFC 8259), escaping everything below 0x20. */
  public static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20
              || c == 0x7f
              || c == '\u2028'
              || c == '\u2029'
              || Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  private static boolean pairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
