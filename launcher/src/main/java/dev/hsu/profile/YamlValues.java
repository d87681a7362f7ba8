package dev.hsu.profile;

import dev.hsu.profile.Draft.Str;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Typed readers for the YAML values of one file (booleans, durations, sizes, choices, strings,
 * mappings...); each reports its problems with a position and returns null (or a fallback).
 */
final class YamlValues {
  static final Pattern DURATION = Pattern.compile("(0|[1-9][0-9]{0,8})(ms|s)");
  static final Pattern MODE = Pattern.compile("0?[0-7]{1,4}");
  static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,8}[kMG]?");
  static final long MAX_DURATION_MS = 300_000;
  static final int MAX_SIZE_INT = 999_999_999;

  /** Other names people use for a value, for "did you mean" hints. */
  static final Map<String, String> ALIASES =
      Map.of("pulseaudio", "pulse", "pipewire-pulse", "pulse", "false", "none");

  private static final Set<Tag> TAGS =
      Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ, Tag.MAP);

  private final Source src;
  private final Problems problems;

  YamlValues(Source src, Problems problems) {
    this.src = src;
    this.problems = problems;
  }

  Pos at(Node v) {
    return src.at(v);
  }

  void error(Pos pos, String message) {
    problems.error(pos, message);
  }

  void warning(Pos pos, String message) {
    problems.warning(pos, message);
  }

  /** How many errors so far: compare before and after reading a value to see if it failed. */
  int errors() {
    return problems.size();
  }

  // ---- whole-tree checks ----

  /** Tags, duplicate keys and non-string keys, anywhere in the tree (also under unknown keys). */
  void checkTree(Node root) {
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (!seen.add(n)) {
        continue;
      }
      if (!TAGS.contains(n.getTag())) {
        error(src.at(n), "unsupported tag " + Text.quote(n.getTag().getValue()));
      }
      if (n instanceof SequenceNode) {
        for (Node c : ((SequenceNode) n).getValue()) {
          todo.push(c);
        }
      } else if (n instanceof MappingNode) {
        Map<String, Node> first = new HashMap<>();
        for (NodeTuple t : ((MappingNode) n).getValue()) {
          Node k = t.getKeyNode();
          if (!(k instanceof ScalarNode)) {
            error(src.at(k), "a mapping key must be a string, got " + kind(k));
          } else {
            String name = ((ScalarNode) k).getValue();
            Node before = first.putIfAbsent(name, k);
            if (before != null) {
              error(
                  src.at(k),
                  "duplicate key "
                      + Text.quote(name)
                      + " (first given at line "
                      + src.at(before).line()
                      + ")");
            }
          }
          todo.push(t.getValueNode());
        }
      }
    }
  }

  // ---- typed values ----

  /** The boolean under {@code key} of {@code k}; false when absent or invalid. */
  boolean flag(Map<String, NodeTuple> k, String key) {
    if (!k.containsKey(key)) {
      return false;
    }
    Boolean b = bool(k.get(key).getValueNode(), "'" + key + "'");
    return b != null && b;
  }

  /** The file mode under {@code mode} of {@code k}; {@code fallback} when absent or invalid. */
  int mode(Map<String, NodeTuple> k, int fallback) {
    if (!k.containsKey("mode")) {
      return fallback;
    }
    Node v = k.get("mode").getValueNode();
    if (v instanceof ScalarNode && v.getTag().equals(Tag.INT)) {
      error(
          src.at(v),
          "expected a mode as a quoted string of octal digits for 'mode', got an integer (quote"
              + " it: \""
              + ((ScalarNode) v).getValue()
              + "\")");
      return fallback;
    }
    Str s = string(v, "'mode'");
    if (s == null) {
      return fallback;
    }
    if (!MODE.matcher(s.value()).matches()) {
      error(
          s.pos(),
          "invalid mode "
              + Text.quote(s.value())
              + ": expected octal digits up to \"07777\", like \"0755\"");
      return fallback;
    }
    return Integer.parseInt(s.value(), 8);
  }

  /** A size in bytes for {@code what}; 0 after reporting a problem. */
  long size(Node v, String what) {
    if (v instanceof ScalarNode && v.getTag().equals(Tag.INT)) {
      Integer n = integer(v, what, 1, MAX_SIZE_INT);
      return n == null ? 0 : n;
    }
    Str s = string(v, what);
    if (s == null) {
      return 0;
    }
    if (!SIZE.matcher(s.value()).matches()) {
      error(
          s.pos(),
          "invalid size "
              + Text.quote(s.value())
              + (what.equals("'size'") ? "" : " for " + what)
              + ": expected a positive number of at most 9 digits, optionally followed by k, M"
              + " or G, like \"64M\"");
      return 0;
    }
    String digits = s.value();
    long unit = 1;
    char last = digits.charAt(digits.length() - 1);
    if (last == 'k' || last == 'M' || last == 'G') {
      unit = last == 'k' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
      digits = digits.substring(0, digits.length() - 1);
    }
    return Long.parseLong(digits) * unit;
  }

  Duration duration(Node v, String what) {
    if (!isString(v)) {
      error(
          src.at(v),
          "expected a duration like \"5s\" or \"500ms\" for " + what + ", got " + kind(v));
      return null;
    }
    Str s = string(v, what);
    if (s == null) {
      return null;
    }
    var m = DURATION.matcher(s.value());
    if (!m.matches()) {
      error(
          s.pos(),
          "invalid duration "
              + Text.quote(s.value())
              + " for "
              + what
              + ": expected a whole number followed by 'ms' or 's', like \"5s\" or \"500ms\"");
      return null;
    }
    long n = Long.parseLong(m.group(1));
    long ms = m.group(2).equals("s") ? n * 1000 : n;
    if (ms > MAX_DURATION_MS) {
      error(
          s.pos(),
          "duration " + Text.quote(s.value()) + " for " + what + " is over the maximum of 300s");
      return null;
    }
    return Duration.ofMillis(ms);
  }

  /** One of {@code allowed}, or null after a problem with a "did you mean" hint. */
  String choice(Node v, String what, List<String> allowed) {
    Str s = string(v, what);
    if (s == null) {
      return null;
    }
    if (allowed.contains(s.value())) {
      return s.value();
    }
    choiceError(s, what, allowed);
    return null;
  }

  void choiceError(Str s, String what, List<String> allowed) {
    String hint = Text.suggest(s.value(), allowed);
    String alias = ALIASES.get(s.value().toLowerCase(java.util.Locale.ROOT));
    if (hint == null && alias != null && allowed.contains(alias)) {
      hint = alias;
    }
    error(
        s.pos(),
        "unknown value "
            + Text.quote(s.value())
            + " for "
            + what
            + (hint == null ? "" : " (did you mean '" + hint + "'?)")
            + "; expected one of: "
            + Text.list(allowed));
  }

  /** A list whose every item is one of {@code allowed}; null when any item is not. */
  List<Str> choices(Node v, String what, String itemWhat, List<String> allowed) {
    SequenceNode seq = sequence(v, "a list of names", what);
    if (seq == null) {
      return null;
    }
    List<Str> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      String c = choice(item, itemWhat, allowed);
      if (c == null) {
        ok = false;
      } else {
        out.add(new Str(c, src.at(item)));
      }
    }
    return ok ? out : null;
  }

  Integer integer(Node v, String what, int min, int max) {
    if (!(v instanceof ScalarNode) || !v.getTag().equals(Tag.INT)) {
      error(src.at(v), "expected an integer for " + what + ", got " + kind(v));
      return null;
    }
    String text = ((ScalarNode) v).getValue().replace("_", "");
    long value;
    try {
      boolean negative = text.startsWith("-");
      String t = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
      java.math.BigInteger big;
      if (t.startsWith("0x")) {
        big = new java.math.BigInteger(t.substring(2), 16);
      } else if (t.startsWith("0o")) {
        big = new java.math.BigInteger(t.substring(2), 8);
      } else {
        big = new java.math.BigInteger(t);
      }
      if (negative) {
        big = big.negate();
      }
      value =
          big.bitLength() > 40
              ? (big.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE)
              : big.longValue();
    } catch (NumberFormatException e) {
      error(src.at(v), "invalid integer " + Text.quote(text) + " for " + what);
      return null;
    }
    if (value < min || value > max) {
      error(
          src.at(v),
          what + " must be between " + min + " and " + max + ", got " + Text.quote(text));
      return null;
    }
    return (int) value;
  }

  Boolean bool(Node v, String what) {
    if (!(v instanceof ScalarNode) || !v.getTag().equals(Tag.BOOL)) {
      error(src.at(v), "expected true or false for " + what + ", got " + kind(v));
      return null;
    }
    return Boolean.parseBoolean(((ScalarNode) v).getValue().toLowerCase(java.util.Locale.ROOT));
  }

  /** Single entry names of the directory {@code dir}; bad ones are reported and left out. */
  List<Str> names(Node v, String what, String dir) {
    List<Str> list = strings(v, what, false);
    if (list == null) {
      return null;
    }
    List<Str> out = new ArrayList<>();
    for (Str s : list) {
      String n = s.value();
      if (n.isEmpty() || n.contains("/") || n.equals(".") || n.equals("..")) {
        error(
            s.pos(),
            "invalid entry name "
                + Text.quote(n)
                + " in "
                + what
                + ": expected a single name in "
                + dir);
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** A list of strings; with {@code vars}, each is checked for ${VAR} references. */
  List<Str> strings(Node v, String what, boolean vars) {
    SequenceNode seq = sequence(v, "a list of strings", what);
    if (seq == null) {
      return null;
    }
    List<Str> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      if (!isString(item)) {
        error(
            src.at(item),
            "expected a list of strings for "
                + what
                + ", got "
                + kind(item)
                + " in it"
                + quoteHint(item));
        ok = false;
        continue;
      }
      Str s = stringOf(item, what, vars, false);
      if (s == null) {
        ok = false;
      } else {
        out.add(s);
      }
    }
    return ok ? out : null;
  }

  Str string(Node v, String what) {
    return stringOf(v, what, false, false);
  }

  /** A string whose ${VAR} references are checked (expanded when the profile is finished). */
  Str varString(Node v, String what) {
    return stringOf(v, what, true, false);
  }

  Str stringOf(Node v, String what, boolean vars, boolean allowNul) {
    if (!isString(v)) {
      error(src.at(v), "expected a string for " + what + ", got " + kind(v) + quoteHint(v));
      return null;
    }
    ScalarNode s = (ScalarNode) v;
    Pos pos = src.at(v);
    String value = s.getValue();
    if (!allowNul && value.indexOf('\0') >= 0) {
      error(pos, what + " must not contain a NUL character");
      return null;
    }
    if (vars) {
      Vars.Problem p = Vars.check(value);
      if (p != null) {
        boolean exact = s.getScalarStyle() == ScalarStyle.PLAIN && value.indexOf('\n') < 0;
        error(exact ? pos.shifted(value.codePointCount(0, p.index())) : pos, p.message());
        return null;
      }
    }
    return new Str(value, pos);
  }

  private static String quoteHint(Node v) {
    if (v instanceof ScalarNode && !v.getTag().equals(Tag.NULL)) {
      return " (quote it: \"" + ((ScalarNode) v).getValue() + "\")";
    }
    return "";
  }

  /** {@code s} unless {@code problem} finds one in its value (then reported, and null). */
  Str checked(Str s, Function<String, String> problem) {
    if (s == null) {
      return null;
    }
    String p = problem.apply(s.value());
    if (p != null) {
      error(s.pos(), p);
      return null;
    }
    return s;
  }

  // ---- structure ----

  MappingNode mapping(Node v, String expected, String what) {
    if (v instanceof MappingNode) {
      return (MappingNode) v;
    }
    error(
        src.at(v),
        "expected " + expected + (what == null ? "" : " for " + what) + ", got " + kind(v));
    return null;
  }

  SequenceNode sequence(Node v, String expected, String what) {
    if (v instanceof SequenceNode) {
      return (SequenceNode) v;
    }
    error(src.at(v), "expected " + expected + " for " + what + ", got " + kind(v));
    return null;
  }

  /**
   * The keys of {@code m} in order; unknown keys are reported (with a suggestion) and left out.
   * Duplicates and non-string keys were reported by {@link #checkTree}; the first one wins.
   */
  Map<String, NodeTuple> keys(MappingNode m, String where, List<String> allowed) {
    return keys(m, where, allowed, key -> false);
  }

  /**
   * Like {@link #keys(MappingNode, String, List)}, for an entry whose first allowed key names its
   * kind: an unknown key that {@code otherKind} accepts (it belongs to another kind of entry) is
   * reported with the keys valid here instead of a suggestion.
   */
  Map<String, NodeTuple> keys(
      MappingNode m, String where, List<String> allowed, Predicate<String> otherKind) {
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode)) {
        continue;
      }
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      if (allowed.contains(key)) {
        out.putIfAbsent(key, t);
        continue;
      }
      String in = where == null ? "" : " in " + where;
      String msg;
      if (key.equals("<<")) {
        msg = "merge keys ('<<') are not supported; use 'extends' or repeat the keys";
      } else if (otherKind.test(key)) {
        msg =
            "key "
                + Text.quote(key)
                + " is not valid"
                + in
                + "; valid keys: "
                + Text.list(allowed.subList(1, allowed.size()));
      } else {
        String hint = Text.suggest(key, allowed);
        msg =
            "unknown key "
                + Text.quote(key)
                + in
                + (hint != null
                    ? " (did you mean '" + hint + "'?)"
                    : "; expected one of: " + Text.list(allowed));
      }
      error(src.at(t.getKeyNode()), msg);
    }
    return out;
  }

  static boolean isString(Node v) {
    return v instanceof ScalarNode && v.getTag().equals(Tag.STR);
  }

  /** "a string", "a list", ... for "got ..." messages. */
  static String kind(Node v) {
    if (v instanceof MappingNode) {
      return "a mapping";
    }
    if (v instanceof SequenceNode) {
      return "a list";
    }
    Tag t = v.getTag();
    if (t.equals(Tag.STR)) {
      return "a string";
    }
    if (t.equals(Tag.INT)) {
      return "an integer";
    }
    if (t.equals(Tag.FLOAT)) {
      return "a number";
    }
    if (t.equals(Tag.BOOL)) {
      return "a boolean";
    }
    if (t.equals(Tag.NULL)) {
      return "an empty value";
    }
    return "a value tagged " + Text.quote(t.getValue());
  }
}
