package dev.hsu.doctor;

/**
 * One thing hsu needs from the host, as {@code hsu doctor} found it: its name, ok, warn or fail, a
 * sentence saying what was found, and the fix in a sentence (empty when there is nothing to do).
 */
public record Check(String name, Status status, String sentence, String fix) {
  /** ok: works; warn: some profiles cannot run (or run without a feature); fail: none can. */
  public enum Status {
    OK,
    WARN,
    FAIL;

    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Check {
    fix = fix == null ? "" : fix;
  }

  static Check ok(String name, String sentence) {
    return new Check(name, Status.OK, sentence, "");
  }

  static Check warn(String name, String sentence, String fix) {
    return new Check(name, Status.WARN, sentence, fix);
  }

  static Check fail(String name, String sentence, String fix) {
    return new Check(name, Status.FAIL, sentence, fix);
  }
}
