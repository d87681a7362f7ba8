package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An {@code hsu launch} still running: its pid, its output so far, and ways to wait for it. */
final class Running implements AutoCloseable {
  private final List<String> command;
  private final Process process;
  private final Collector out;
  private final Collector err;

  Running(List<String> command, Process process) {
    this.command = List.copyOf(command);
    this.process = process;
    this.out = new Collector(process.getInputStream(), "stdout");
    this.err = new Collector(process.getErrorStream(), "stderr");
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  /** Waits for a complete stdout line matching {@code p}; fails if the launch ends first. */
  String awaitLine(Predicate<String> p, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (out) {
      while (true) {
        String s = out.text();
        int start = 0;
        for (int nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
          String line = s.substring(start, nl);
          if (p.test(line)) return line;
          start = nl + 1;
        }
        long left = deadline - System.nanoTime();
        if (out.closed || left <= 0) {
          String why = out.closed ? "stdout closed before the expected line" : "timed out";
          fail(why + "\n" + snapshot().describe());
        }
        try {
          out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fail("interrupted");
        }
      }
    }
  }

  /** Waits for the launch to end (and its output to close) and returns what it left. */
  Result await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        out.join(Duration.ofSeconds(2));
        err.join(Duration.ofSeconds(2));
        fail("hsu launch did not finish within " + timeout + "\n" + snapshot().describe());
      }
      // The app (or something it left behind) may hold the pipes a little longer.
      out.join(timeout);
      err.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
    return snapshot();
  }

  /** What was collected so far; exit -1 while still running. */
  Result snapshot() {
    int exit = process.isAlive() ? -1 : process.exitValue();
    return new Result(command, exit, out.bytes(), new String(err.bytes(), StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Drains one stream on its own thread, so a chatty child never blocks on a full pipe. */
  private static final class Collector {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Thread thread;
    private boolean closed;

    Collector(InputStream in, String name) {
      thread =
          new Thread(
              () -> {
                byte[] chunk = new byte[8192];
                try (in) {
                  for (int n; (n = in.read(chunk)) >= 0; ) {
                    synchronized (this) {
                      buf.write(chunk, 0, n);
                      notifyAll();
                    }
                  }
                } catch (IOException e) {
                  // The process went away; keep what was read.
                }
                synchronized (this) {
                  closed = true;
                  notifyAll();
                }
              },
              "hsu-it-" + name);
      thread.setDaemon(true);
      thread.start();
    }

    synchronized byte[] bytes() {
      return buf.toByteArray();
    }

    synchronized String text() {
      return buf.toString(StandardCharsets.UTF_8);
    }

    void join(Duration d) throws InterruptedException {
      thread.join(Math.max(1, d.toMillis()));
    }
  }
}
