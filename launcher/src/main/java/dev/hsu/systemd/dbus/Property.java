package dev.hsu.systemd.dbus;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.types.Variant;

/** One unit property, D-Bus type {@code (sv)}. */
public final class Property extends Struct {
  @Position(0)
  private final String name;

  @Position(1)
  private final Variant<?> value;

  public Property(String name, Variant<?> value) {
    this.name = name;
    this.value = value;
  }

  public String name() {
    return name;
  }

  public Variant<?> value() {
    return value;
  }
}
