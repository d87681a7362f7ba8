package dev.hsu.cli;

/** A failure with a sentence for the user (printed as {@code hsu: SENTENCE}) and its kind. */
final class HsuException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of failure; decides the exit code. */
  enum Kind {
    /** Bad command line. */
    USAGE,
    /** The profile has errors (diagnostics already printed, message may be empty). */
    PROFILE,
    /** Anything else: missing file, system call failed. */
    FAILURE
  }

  private final Kind kind;

  HsuException(Kind kind, String sentence) {
    super(sentence);
    this.kind = kind;
  }

  HsuException(Kind kind, String sentence, Throwable cause) {
    super(sentence, cause);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
