package dev.hsu.desktop;

/** Installing or removing a generated file failed; the message is one sentence for the user. */
public final class InstallException extends Exception {
  private static final long serialVersionUID = 1L;

  public InstallException(String sentence) {
    super(sentence);
  }

  public InstallException(String sentence, Throwable cause) {
    super(sentence, cause);
  }
}
