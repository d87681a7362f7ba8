package dev.hsu.systemd.dbus;

import java.util.List;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/**
 * The part of org.freedesktop.systemd1.Manager (org.freedesktop.systemd1(5)) hsu calls; its
 * JobRemoved signal is matched by a rule in {@link DbusScopes}.
 */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
public interface Manager extends DBusInterface {
  String BUS_NAME = "org.freedesktop.systemd1";
  String PATH = "/org/freedesktop/systemd1";

  /**
   * {@code StartTransientUnit(in s name, in s mode, in a(sv) properties, in a(sa(sv)) aux, out o
   * job)}.
   */
  @SuppressWarnings("checkstyle:MethodName")
  DBusPath StartTransientUnit(String name, String mode, List<Property> properties, List<Aux> aux);
}
