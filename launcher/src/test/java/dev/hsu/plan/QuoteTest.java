package dev.hsu.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Quoting for terminal output: parts are quoted once, whole messages only lose control chars. */
final class QuoteTest {
  @Test
  void quotesEscapeQuotesBackslashesAndControls() {
    assertEquals("\"a\\\"b\\\\c\\nd\\u001b\"", Quote.q("a\"b\\c\nd\u001b"));
  }

  @Test
  void messagesKeepTheirQuotedPartsAsTheyAre() {
    String message = "cannot use " + Quote.q("x\"y") + "\u001b[2J";
    assertEquals("cannot use \"x\\\"y\"\\u001b[2J", Quote.controls(message));
  }
}
