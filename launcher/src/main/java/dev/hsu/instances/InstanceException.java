package dev.hsu.instances;

/** An instance command cannot go on: one sentence for the user (no such instance, refused, ...). */
public final class InstanceException extends Exception {
  private static final long serialVersionUID = 1L;

  public InstanceException(String sentence) {
    super(sentence);
  }
}
