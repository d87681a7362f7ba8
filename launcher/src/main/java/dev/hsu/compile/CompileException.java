package dev.hsu.compile;

/** A profile that loaded fine but cannot be turned into a valid plan; the message is a sentence. */
public final class CompileException extends Exception {
  private static final long serialVersionUID = 1L;

  public CompileException(String message, Throwable cause) {
    super(message, cause);
  }
}
