package dev.hsu.cli;

/** The exit codes of hsu (see the README): env(1)-style for launch, 0/1/2 for the others. */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILURE = 1;

  /** Usage error, or an invalid profile. */
  static final int USAGE = 2;

  static final int INVALID_PROFILE = 2;

  /** hsu launch: hsu itself failed before the app could start. */
  static final int LAUNCH_FAILED = 125;

  private ExitCodes() {}
}
