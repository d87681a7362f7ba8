package dev.hsu.systemd.dbus;

import java.util.List;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** An auxiliary unit, D-Bus type {@code (sa(sv))}; hsu sends none, the signature needs the type. */
public final class Aux extends Struct {
  @Position(0)
  private final String name;

  @Position(1)
  private final List<Property> properties;

  public Aux(String name, List<Property> properties) {
    this.name = name;
    this.properties = properties;
  }

  public String name() {
    return name;
  }

  public List<Property> properties() {
    return properties;
  }
}
