package dev.hsu.systemd;

import dev.hsu.desktop.TestTools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * A private session bus (a real dbus-daemon) with a stand-in for systemd's Manager that records
 * StartTransientUnit calls and emits JobRemoved (with dbus-send). Its interface is written here
 * from org.freedesktop.systemd1(5), not shared with hsu's, so a wrong type on either side fails the
 * call (dbus-java dispatches on name and signature).
 */
public final class FakeSystemd implements AutoCloseable {
  /** The Manager as systemd documents it (only what hsu uses). */
  @DBusInterfaceName("org.freedesktop.systemd1.Manager")
  public interface DocumentedManager extends DBusInterface {
    @SuppressWarnings("checkstyle:MethodName")
    DBusPath StartTransientUnit(String name, String mode, List<Prop> properties, List<AuxUnit> aux);
  }

  /** The Manager's JobRemoved signal, sent by {@link #fromOwner}. */
  @DBusInterfaceName("org.freedesktop.systemd1.Manager")
  public interface ManagerSignals extends DBusInterface {
    /** JobRemoved(u id, o job, s unit, s result). */
    final class JobRemoved extends DBusSignal {
      public final UInt32 id;
      public final DBusPath job;
      public final String unit;
      public final String result;

      public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result)
          throws DBusException {
        super(path, id, job, unit, result);
        this.id = id;
        this.job = job;
        this.unit = unit;
        this.result = result;
      }
    }
  }

  /** (sv). */
  public static final class Prop extends Struct {
    @Position(0)
    public final String name;

    @Position(1)
    public final Variant<?> value;

    public Prop(String name, Variant<?> value) {
      this.name = name;
      this.value = value;
    }
  }

  /** (sa(sv)). */
  public static final class AuxUnit extends Struct {
    @Position(0)
    public final String name;

    @Position(1)
    public final List<Prop> properties;

    public AuxUnit(String name, List<Prop> properties) {
      this.name = name;
      this.properties = properties;
    }
  }

  /** One recorded call: unit, mode, each property as "Name sig value", aux count, when. */
  public record Call(String unit, String mode, List<String> properties, int aux, long nanos) {}

  /** How the fake answers the next calls. */
  public volatile String result = "done";

  public volatile long delayMillis = 300;
  public volatile boolean emit = true;

  /**
   * JobRemoved comes from the connection that owns org.freedesktop.systemd1, as systemd sends it,
   * rather than from dbus-send's: for a client that matches on the sender (the C front does).
   */
  public volatile boolean fromOwner;

  public volatile String refuse;

  public final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

  /** When each JobRemoved was sent (System.nanoTime). */
  public final List<Long> emitted = Collections.synchronizedList(new ArrayList<>());

  private final Process daemon;
  private final Path dbusSend;
  public final String address;
  private final DBusConnection conn;
  private final AtomicInteger jobs = new AtomicInteger(100);

  /** A bus without the manager ({@code export} false) or with it. */
  public FakeSystemd(Path dir, boolean export) throws Exception {
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    Path tool = TestTools.require("dbus-daemon", "dbus");
    dbusSend = TestTools.require("dbus-send", "dbus");
    Path socket = dir.resolve("bus");
    daemon =
        new ProcessBuilder(
                tool.toString(),
                "--session",
                "--nofork",
                "--print-address=1",
                "--address=unix:path=" + socket)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (line == null || !Files.exists(socket)) {
      daemon.destroyForcibly();
      throw new IllegalStateException("dbus-daemon did not start");
    }
    address = line.strip();
    conn = DBusConnectionBuilder.forAddress(address).withShared(false).build();
    if (export) {
      conn.requestBusName("org.freedesktop.systemd1");
      conn.exportObject("/org/freedesktop/systemd1", new Impl());
    }
  }

  private final class Impl implements DocumentedManager {
    @Override
    public String getObjectPath() {
      return "/org/freedesktop/systemd1";
    }

    @Override
    public DBusPath StartTransientUnit(
        String name, String mode, List<Prop> properties, List<AuxUnit> aux) {
      List<String> props = new ArrayList<>();
      for (Prop p : properties) {
        Object v = p.value.getValue();
        String shown = v instanceof Object[] a ? java.util.Arrays.toString(a) : String.valueOf(v);
        props.add(p.name + " " + p.value.getSig() + " " + shown);
      }
      calls.add(new Call(name, mode, props, aux.size(), System.nanoTime()));
      if (refuse != null) {
        throw new DBusExecutionException(refuse);
      }
      int id = jobs.incrementAndGet();
      DBusPath job = new DBusPath("/org/freedesktop/systemd1/job/" + id);
      if (emit) {
        String res = result;
        long delay = delayMillis;
        Thread t =
            new Thread(
                () -> {
                  try {
                    Thread.sleep(delay);
                    emitted.add(System.nanoTime());
                    if (fromOwner) {
                      conn.sendMessage(
                          new ManagerSignals.JobRemoved(
                              "/org/freedesktop/systemd1", new UInt32(id), job, name, res));
                      return;
                    }
                    // From another process, so no Java class for the signal exists in this JVM: hsu
                    // must
                    // read it as a generic signal, as it will from the real systemd.
                    TestTools.Run r =
                        TestTools.run(
                            List.of(
                                dbusSend.toString(),
                                "--bus=" + address,
                                "--type=signal",
                                "/org/freedesktop/systemd1",
                                "org.freedesktop.systemd1.Manager.JobRemoved",
                                "uint32:" + id,
                                "objpath:" + job.getPath(),
                                "string:" + name,
                                "string:" + res),
                            null);
                    if (r.exit() != 0) {
                      throw new IllegalStateException("dbus-send failed: " + r.output());
                    }
                  } catch (Exception e) {
                    e.printStackTrace();
                    throw new IllegalStateException(e);
                  }
                });
        t.setDaemon(true);
        t.start();
      }
      return job;
    }
  }

  @Override
  public void close() throws java.io.IOException {
    try {
      conn.close();
    } finally {
      daemon.destroy();
      try {
        if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
          daemon.destroyForcibly();
        }
      } catch (InterruptedException e) {
        daemon.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
