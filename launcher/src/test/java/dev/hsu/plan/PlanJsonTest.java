package dev.hsu.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

final class PlanJsonTest {
  @Test
  void hostileStringsSurviveAsJson() {
    String nasty = "q\"b\\s\n\t\u0000\u001b[31m\u007f\u2028é😀";
    TreeMap<String, String> env = new TreeMap<>();
    env.put("K", nasty.replace("\u0000", ""));
    Params p =
        new Params(
            1,
            2,
            false,
            false,
            "h",
            AbsPath.ROOT,
            List.of(nasty.replace("\u0000", "")),
            env,
            Duration.ofSeconds(2));
    Plan plan =
        new Plan(
            p,
            null,
            null,
            List.of(
                new Op.Place(AbsPath.of("/f"), 0644, new byte[] {(byte) 0xff, 0}),
                new Op.Place(
                    AbsPath.of("/g"),
                    0644,
                    nasty.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new Op.Overlay(
                    AbsPath.of("/o"),
                    Op.Overlay.Writes.READ_ONLY,
                    null,
                    null,
                    List.of(AbsPath.of("/a,b"), AbsPath.of("/c:d")))));
    JsonNode root = new ObjectMapper().readTree(PlanJson.render(plan));
    assertEquals(nasty.replace("\u0000", ""), root.get("params").get("argv").get(0).asString());
    assertEquals(nasty.replace("\u0000", ""), root.get("params").get("env").get("K").asString());
    assertEquals(2000, root.get("params").get("waitDelayMs").asInt());
    assertEquals("/wA=", root.get("ops").get(0).get("base64").asString());
    assertEquals(nasty, root.get("ops").get(1).get("content").asString());
    assertEquals("read-only", root.get("ops").get(2).get("writes").asString());
  }

  @Test
  void textEscapesControlCharacters() {
    assertEquals("\"a\\x1b[2Jb\\nc\\xe2\\x80\\xae\"", Quote.q("a\u001b[2Jb\nc\u202e"));
  }
}
