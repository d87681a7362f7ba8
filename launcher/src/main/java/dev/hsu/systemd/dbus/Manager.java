package dev.hsu.systemd.dbus;

import java.util.List;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/** The part of org.freedesktop.systemd1.Manager (org.freedesktop.systemd1(5)) hsu calls. */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
public interface Manager extends DBusInterface {
  String BUS_NAME = "org.freedesktop.systemd1";
  String PATH = "/org/freedesktop/systemd1";

  /** {@code StartTransientUnit(in s name, in s mode, in a(sv) properties, in a(sa(sv)) aux, out o job)}. */
  @SuppressWarnings("checkstyle:MethodName")
  DBusPath StartTransientUnit(String name, String mode, List<Property> properties, List<Aux> aux);

  /** {@code JobRemoved(u id, o job, s unit, s result)}. */
  final class JobRemoved extends DBusSignal {
    private final DBusPath job;
    private final String unit;
    private final String result;

    public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result)
        throws DBusException {
      super(path, id, job, unit, result);
      this.job = job;
      this.unit = unit;
      this.result = result;
    }

    public DBusPath job() {
      return job;
    }

    public String unit() {
      return unit;
    }

    public String result() {
      return result;
    }
  }
}
