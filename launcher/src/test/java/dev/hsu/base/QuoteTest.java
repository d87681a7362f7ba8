package dev.hsu.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quoting for terminal output: parts are quoted once, whole messages only lose control chars. */
final class QuoteTest {
  static final Path VECTORS =
      Path.of(System.getProperty("hsu.home", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("init-c/tests/escape_vectors.txt");

  @Test
  void quotesEscapeQuotesBackslashesAndControls() {
    assertEquals("\"a\\\"b\\\\c\\nd\\x1b\"", Quote.q("a\"b\\c\nd\u001b"));
  }

  @Test
  void messagesKeepTheirQuotedPartsAsTheyAre() {
    String message = "cannot use " + Quote.q("x\"y") + "\u001b[2J";
    assertEquals("cannot use \"x\\\"y\"\\x1b[2J", Quote.controls(message));
  }

  /** The same vectors as hsu-init's q() (init-c/tests/test_util.c): one rule for both. */
  @Test
  void theSharedVectors() throws IOException {
    int checked = 0;
    for (String line : Files.readAllLines(VECTORS, StandardCharsets.UTF_8)) {
      if (line.startsWith("#") || line.isEmpty()) {
        continue;
      }
      List<String> f = List.of(line.split("\t", -1));
      if (f.size() > 2 && f.get(2).equals("c-only")) {
        continue;
      }
      String input = new String(HexFormat.of().parseHex(f.get(0)), StandardCharsets.UTF_8);
      assertEquals(f.get(1), Quote.q(input), "vector " + f.get(0));
      checked++;
    }
    assertTrue(checked >= 25, "vectors checked: " + checked);
  }

  @Test
  void anUnpairedSurrogateIsShownAsTheBytesItWouldTake() {
    assertEquals("\"a\\xed\\xa0\\x80b\"", Quote.q("a\ud800b"));
  }
}
