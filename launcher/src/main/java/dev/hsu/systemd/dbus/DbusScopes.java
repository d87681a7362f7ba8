package dev.hsu.systemd.dbus;

import dev.hsu.base.Quote;
import dev.hsu.systemd.ScopeException;
import dev.hsu.systemd.Scopes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/** StartTransientUnit over the session bus with dbus-java; the only class that talks D-Bus. */
public final class DbusScopes {
  private DbusScopes() {}

  /** The properties of the scope, with the D-Bus types org.freedesktop.systemd1(5) gives them. */
  public static List<Property> properties(Scopes.Request r) {
    List<Property> p = new ArrayList<>();
    p.add(new Property("Description", new Variant<>(r.description())));
    p.add(new Property("PIDs", new Variant<>(List.of(new UInt32(r.pid())), "au")));
    // Collect the scope even when the sandbox failed, so a later launch can reuse the name.
    p.add(new Property("CollectMode", new Variant<>("inactive-or-failed")));
    if (r.limits() != null) {
      if (r.limits().memoryMax() != null) {
        p.add(new Property("MemoryMax", new Variant<>(new UInt64(r.limits().memoryMax()))));
      }
      if (r.limits().tasksMax() != null) {
        p.add(new Property("TasksMax", new Variant<>(new UInt64(r.limits().tasksMax()))));
      }
      if (r.limits().cpuWeight() != null) {
        p.add(new Property("CPUWeight", new Variant<>(new UInt64(r.limits().cpuWeight()))));
      }
    }
    return p;
  }

  /**
   * Asks the manager on {@code address} for the scope and waits for its job to finish; throws with
   * a sentence when the bus, the manager or the job fails.
   */
  public static void start(String address, Scopes.Request r, Duration timeout)
      throws ScopeException {
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      // dbus-java logs through slf4j; without a provider slf4j would warn on stderr at every
      // launch.
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
    Jobs jobs = new Jobs();
    try (DBusConnection c = DBusConnectionBuilder.forAddress(address).withShared(false).build()) {
      // Subscribe before the call: the signal can come before the reply. Closing c drops it.
      c.addGenericSigHandler(
          DBusMatchRuleBuilder.create()
              .withType("signal")
              .withPath(Manager.PATH)
              .withInterface("org.freedesktop.systemd1.Manager")
              .withMember("JobRemoved")
              .build(),
          jobs);
      Manager m = c.getRemoteObject(Manager.BUS_NAME, Manager.PATH, Manager.class, false);
      DBusPath job = m.StartTransientUnit(r.unit(), "fail", properties(r), List.of());
      String result = jobs.await(job.getPath(), timeout);
      if (result == null) {
        throw new ScopeException(
            "the systemd user manager did not finish starting "
                + Quote.q(r.unit())
                + " within "
                + timeout.toSeconds()
                + " s");
      }
      if (!result.equals("done")) {
        throw new ScopeException(
            "the systemd user manager could not start "
                + Quote.q(r.unit())
                + ": its job ended"
                + " with "
                + Quote.q(result));
      }
    } catch (ScopeException e) {
      throw e;
    } catch (DBusExecutionException e) {
      // dbus-daemon answers a call to an unowned name with ServiceUnknown (dbus-java's class of
      // that name) or, with NO_AUTO_START, NameHasNoOwner, which dbus-java does not type.
      String m = String.valueOf(e.getMessage());
      if (e.getClass().getSimpleName().equals("ServiceUnknown")
          || m.contains("org.freedesktop.DBus.Error.NameHasNoOwner")
          || m.equals("Name \"" + Manager.BUS_NAME + "\" does not exist")) {
        throw new ScopeException("the session bus has no systemd user manager", e);
      }
      throw new ScopeException(
          "the systemd user manager refused the scope: "
              + Quote.escape(String.valueOf(e.getMessage())),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ScopeException("interrupted while waiting for the systemd user manager", e);
    } catch (Exception e) {
      // DBusException, IOException from the transport, dbus-java's runtime address errors.
      throw new ScopeException(
          "cannot reach the session bus: " + Quote.escape(String.valueOf(e.getMessage())), e);
    }
  }

  /**
   * JobRemoved(u id, o job, s unit, s result) signals seen so far; they can arrive before the
   * call's reply. A generic handler reads them by position: hsu has no signal class, and a typed
   * handler would drop a signal dbus-java cannot map to one.
   */
  static final class Jobs implements DBusSigHandler<DBusSignal> {
    private final Map<String, String> done = new HashMap<>();

    @Override
    public synchronized void handle(DBusSignal s) {
      try {
        Object[] args = s.getParameters();
        if (args.length == 4 && args[3] instanceof String r) {
          String job = args[1] instanceof DBusPath p ? p.getPath() : String.valueOf(args[1]);
          done.put(job, r);
          notifyAll();
        }
      } catch (DBusException e) {
        // A malformed JobRemoved is not ours to wait for.
      }
    }

    synchronized String await(String job, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (!done.containsKey(job)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return done.get(job);
    }
  }
}
