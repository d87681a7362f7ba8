package dev.hsu.plan;

import static dev.hsu.plan.PlanWriterTest.hex;
import static dev.hsu.plan.PlanWriterTest.params;
import static dev.hsu.plan.PlanWriterTest.payloads;
import static dev.hsu.plan.PlanWriterTest.tags;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** INSTANCE (30) and WAYLAND (31): exact bytes, position, invariants, text and JSON. */
final class WaylandRecordsTest {
  static final String ID = "0123456789abcdef";
  static final Instance INSTANCE = Instance.under(AbsPath.of("/r"), ID, "org.example.App");
  static final Wayland WAYLAND =
      new Wayland(false, AbsPath.of("/r/w-1"), AbsPath.of("/r/hsu/" + ID + "/w"), "org.x");

  @Test
  void exactBytesAfterTheFiltersBeforeTheOps() {
    Plan plan =
        new Plan(
            params(List.of("a")),
            null,
            null,
            INSTANCE,
            WAYLAND,
            List.of(new Op.Proc(AbsPath.of("/proc"))));
    byte[] bytes = PlanWriter.write(plan);
    assertEquals(List.of(1, 30, 31, 24), tags(bytes));
    assertArrayEquals(
        hex(
            "10000000 30313233343536373839616263646566"
                + "17000000 2f722f6873752f30313233343536373839616263646566"
                + "0f000000 6f72672e6578616d706c652e417070" // app id
                + "0f000000 6f72672e6578616d706c652e417070" // name
                + "00000000" // profile: not known
                + "00000000"), // grants: none
        payloads(bytes).get(1));
    assertArrayEquals(
        hex(
            "00000000 06000000 2f722f772d31"
                + "19000000 2f722f6873752f303132333435363738396162636465662f77"
                + "05000000 6f72672e78"),
        payloads(bytes).get(2));
    Wayland direct = new Wayland(true, AbsPath.of("/r/w-1"), AbsPath.of("/r/w-1"), "org.x");
    byte[] d =
        PlanWriter.write(new Plan(params(List.of("a")), null, null, INSTANCE, direct, List.of()));
    assertEquals(1, payloads(d).get(2)[0]);
  }

  @Test
  void invariants() {
    assertThrows(
        IllegalArgumentException.class,
        () -> instance("0123456789ABCDEF", AbsPath.of("/r/0123456789ABCDEF")));
    assertThrows(IllegalArgumentException.class, () -> instance(ID, AbsPath.of("/r/other")));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Wayland(false, AbsPath.of("/r/w"), AbsPath.of("/r/s"), ""));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Wayland(false, AbsPath.of("/r/w"), AbsPath.of("/r/s"), "a\nb"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Wayland(true, AbsPath.of("/r/w"), AbsPath.of("/r/s"), "a"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Plan(params(List.of("a")), null, null, null, WAYLAND, List.of()));
    Wayland outside = new Wayland(false, AbsPath.of("/r/w-1"), AbsPath.of("/r/hsu/w"), "org.x");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Plan(params(List.of("a")), null, null, INSTANCE, outside, List.of()));
    assertTrue(e.getMessage().contains("is not directly in the instance directory"));
    new Plan(params(List.of("a")), null, null, INSTANCE, null, List.of());
  }

  @Test
  void textAndJson() {
    Plan plan = new Plan(params(List.of("a")), null, null, INSTANCE, WAYLAND, List.of());
    String text = PlanText.render(plan);
    assertTrue(
        text.contains(
            "instance "
                + ID
                + " in \"/r/hsu/"
                + ID
                + "\" (app \"org.example.App\", name \"org.example.App\", grants none)\n"),
        text);
    assertTrue(
        text.contains(
            "wayland security context on \"/r/w-1\" -> listener \"/r/hsu/"
                + ID
                + "/w\" (engine hsu, app id org.x, instance "
                + ID
                + ")\n"),
        text);
    String json = PlanJson.render(plan);
    assertTrue(
        json.contains(
            "\"instance\": {\"id\": \""
                + ID
                + "\", \"dir\": \"/r/hsu/"
                + ID
                + "\", \"appId\": \"org.example.App\", \"name\": \"org.example.App\","
                + " \"profile\": \"\", \"grants\": []}"),
        json);
    assertTrue(
        json.contains(
            "\"wayland\": {\"direct\": false, \"compositor\": \"/r/w-1\","
                + " \"socket\": \"/r/hsu/"
                + ID
                + "/w\", \"engine\": \"hsu\", \"appId\": \"org.x\"}"),
        json);
    String plain = PlanText.render(new Plan(params(List.of("a")), null, null, List.of()));
    assertTrue(!plain.contains("wayland") && !plain.contains("instance"), plain);
  }

  private static Instance instance(String id, AbsPath dir) {
    return new Instance(id, dir, "org.example.App", "App", "", java.util.Set.of());
  }
}
