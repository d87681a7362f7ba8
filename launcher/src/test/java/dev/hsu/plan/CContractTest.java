package dev.hsu.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Java writer and hsu-init read the same numbers: every record tag and flag bit the Java side
 * writes equals the one of the same name in init-c/src/plan.h, and the entries auto-root always
 * leaves out are the same list in Java and in init-c/src/ops.c.
 */
final class CContractTest {
  static final Path INIT_C =
      Path.of(System.getProperty("hsu.home", "..")).toAbsolutePath().normalize().resolve("init-c");

  /** {@code NAME = N} enum members and {@code #define NAME N[u]} lines of plan.h. */
  static Map<String, Long> constants() throws IOException {
    String h = Files.readString(INIT_C.resolve("src/plan.h"));
    Map<String, Long> out = new HashMap<>();
    Matcher m =
        Pattern.compile(
                "(?m)^\\s*(?:#define\\s+(\\w+)\\s+|(TAG_\\w+)\\s*=\\s*)(0x[0-9A-Fa-f]+|\\d+)u?\\b")
            .matcher(h);
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String v = m.group(3);
      out.put(name, v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v));
    }
    return out;
  }

  @Test
  void everyTagIsTheSameInC() throws IOException {
    Map<String, Long> c = constants();
    for (Tag t : Tag.values()) {
      assertEquals(c.get("TAG_" + t.name()), (long) t.number, "TAG_" + t.name());
    }
    long cTags = c.keySet().stream().filter(k -> k.startsWith("TAG_")).count();
    assertEquals(Tag.values().length, cTags, "plan.h has tags Java does not write");
  }

  @Test
  void everyFlagBitIsTheSameInC() throws Exception {
    Map<String, Long> c = constants();
    int checked = 0;
    for (Field f : PlanFlags.class.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) {
        continue;
      }
      assertNotNull(c.get(f.getName()), f.getName() + " is not in plan.h");
      assertEquals(c.get(f.getName()), (long) f.getInt(null), f.getName());
      checked++;
    }
    assertTrue(checked >= 17, "flags checked: " + checked);
    for (Seccomp.Preset p : Seccomp.Preset.values()) {
      assertEquals(c.get("SECCOMP_" + p.name()), (long) p.bit, p.name());
    }
    for (Seccomp.Relax r : Seccomp.Relax.values()) {
      assertEquals(c.get("SECCOMP_" + r.name()), (long) r.bit, r.name());
    }
    assertEquals(c.get("LANDLOCK_REQUIRED"), (long) Landlock.FLAG_REQUIRED);
    assertEquals(c.get("LANDLOCK_PLAN_SCOPE_UNIX"), (long) Landlock.FLAG_SCOPE_ABSTRACT_UNIX);
    assertEquals(c.get("LANDLOCK_PLAN_SCOPE_SIGNAL"), (long) Landlock.FLAG_SCOPE_SIGNAL);
    assertEquals(c.get("LANDLOCK_PLAN_FS"), (long) Landlock.FLAG_FS);
    assertEquals(c.get("LANDLOCK_PLAN_NET"), (long) Landlock.FLAG_NET);
    assertEquals(c.get("PLAN_VERSION"), (long) PlanWriter.VERSION);
  }

  @Test
  void autoRootLeavesOutTheSameEntriesInC() throws IOException {
    String ops = Files.readString(INIT_C.resolve("src/ops.c"));
    Matcher m = Pattern.compile("auto_root_skipped\\[\\] = \\{([^}]*)\\}").matcher(ops);
    assertTrue(m.find(), "ops.c has no auto_root_skipped list");
    List<String> c = new ArrayList<>();
    Matcher s = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
    while (s.find()) {
      c.add(s.group(1));
    }
    assertEquals(Op.AutoRoot.ALWAYS_LEFT_OUT, c);
  }
}
