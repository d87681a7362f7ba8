package dev.hsu.systemd;

/** The user's systemd could not put the launch in a scope; the message is one sentence. */
public final class ScopeException extends Exception {
  private static final long serialVersionUID = 1L;

  public ScopeException(String sentence) {
    super(sentence);
  }

  public ScopeException(String sentence, Throwable cause) {
    super(sentence, cause);
  }
}
