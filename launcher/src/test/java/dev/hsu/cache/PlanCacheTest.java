package dev.hsu.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The entries' HMAC-SHA-256 (the C front checks the same: init-c/src/sha256.c). */
final class PlanCacheTest {
  @Test
  void hmacIsRfc4231s() {
    // RFC 4231, test cases 2 and 6 (a key longer than the block).
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        HexFormat.of()
            .formatHex(
                PlanCache.hmac(
                    "Jefe".getBytes(StandardCharsets.US_ASCII),
                    "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))));
    byte[] key = new byte[131];
    java.util.Arrays.fill(key, (byte) 0xaa);
    assertEquals(
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        HexFormat.of()
            .formatHex(
                PlanCache.hmac(
                    key,
                    "Test Using Larger Than Block-Size Key - Hash Key First"
                        .getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void hmacIsJavaxCryptosOnAnyInput() throws GeneralSecurityException {
    Random r = new Random(14);
    for (int n : new int[] {0, 1, 31, 32, 63, 64, 65, 200}) {
      byte[] key = new byte[n];
      byte[] data = new byte[n * 7 + 3];
      r.nextBytes(key);
      r.nextBytes(data);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(n == 0 ? new byte[1] : key, "HmacSHA256"));
      byte[] want = mac.doFinal(data);
      assertArrayEquals(want, PlanCache.hmac(n == 0 ? new byte[1] : key, data), "key length " + n);
    }
  }
}
