package dev.hsu.launch;

/** A launch that cannot go on: one sentence for the user (hsu launch exits 125). */
public final class LaunchException extends Exception {
  private static final long serialVersionUID = 1L;

  public LaunchException(String message) {
    super(message);
  }

  public LaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
