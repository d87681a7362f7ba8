package dev.hsu.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** hsu doctor's text and JSON. */
final class RenderTest {
  static final List<Check> SOME =
      List.of(
          Check.ok("java", "Java 17."),
          Check.warn("x11", "no X server (DISPLAY is unset).", "run hsu in a graphical session."),
          Check.fail("user namespaces", "they are \"off\".", "sudo sysctl -w a=1\\b."));

  @Test
  void textIsOneLineACheckWithTheFixAndASummary() {
    assertEquals(
        "ok    java             Java 17.\n"
            + "warn  x11              no X server (DISPLAY is unset). Fix: run hsu in a graphical session.\n"
            + "fail  user namespaces  they are \"off\". Fix: sudo sysctl -w a=1\\b.\n"
            + "hsu cannot run sandboxes here: 1 check failed\n",
        Render.text(SOME));
    assertEquals(
        "ok    java  Java 17.\nhsu can run sandboxes here\n", Render.text(SOME.subList(0, 1)));
    assertTrue(
        Render.text(SOME.subList(0, 2))
            .endsWith("hsu can run sandboxes here (1 warning: some grants are not available)\n"));
  }

  @Test
  void jsonIsOneObject() {
    assertEquals(
        "{\"ok\": false, \"checks\": [{\"name\": \"java\", \"status\": \"ok\", \"sentence\": \"Java 17.\","
            + " \"fix\": \"\"}, {\"name\": \"x11\", \"status\": \"warn\", \"sentence\": \"no X server"
            + " (DISPLAY is unset).\", \"fix\": \"run hsu in a graphical session.\"}, {\"name\": \"user"
            + " namespaces\", \"status\": \"fail\", \"sentence\": \"they are \\\"off\\\".\", \"fix\":"
            + " \"sudo sysctl -w a=1\\\\b.\"}]}\n",
        Render.json(SOME));
    assertTrue(Render.json(SOME.subList(0, 2)).startsWith("{\"ok\": true, "));
    StringBuilder b = new StringBuilder();
    Render.string(b, "a\nb\t\u0001");
    assertEquals("\"a\\nb\\t\\u0001\"", b.toString());
  }

  @Test
  void passedMeansNoFailure() {
    assertTrue(Render.passed(SOME.subList(0, 2)));
    assertFalse(Render.passed(SOME));
    assertTrue(Render.passed(List.of()));
  }
}
