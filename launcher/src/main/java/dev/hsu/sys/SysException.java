package dev.hsu.sys;

/** A failed system call: the action, the path it concerned (or null), errno and its text. */
public final class SysException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String action;
  private final String path;
  private final int errno;
  private final String reason;

  SysException(String action, String path, int errno, String reason) {
    super(action + (path == null ? "" : " " + dev.hsu.base.Quote.q(path)) + ": " + reason);
    this.action = action;
    this.path = path;
    this.errno = errno;
    this.reason = reason;
  }

  /** What was being done, e.g. {@code "cannot execute"}. */
  public String action() {
    return action;
  }

  /** The path concerned, or null. */
  public String path() {
    return path;
  }

  public int errno() {
    return errno;
  }

  /** strerror(errno). */
  public String reason() {
    return reason;
  }
}
