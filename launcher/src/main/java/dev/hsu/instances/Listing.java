package dev.hsu.instances;

import dev.hsu.base.Quote;
import dev.hsu.plan.PlanJson;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code hsu ps} and {@code hsu info} show of checked instances, as text (control characters
 * escaped) and as JSON (the shape docs/instances.md documents).
 */
public final class Listing {
  private Listing() {}

  /** One row of {@code hsu ps}: the record and what /proc says now. */
  public record Row(InstanceRecord record, long uptimeSeconds, long rssKib) {
    static Row of(InstanceRecord r) {
      long up = (long) (Proc.uptime() - (double) r.supervisor().start() / Proc.TICKS);
      long rss = 0;
      for (long pid : Proc.inPidNamespaceOf(r.init().pid())) {
        rss += Proc.rssKib(pid);
      }
      return new Row(r, Math.max(0, up), rss);
    }
  }

  /** The rows of the live instances of {@code found}. */
  public static List<Row> rows(List<Instances.Found> found) {
    List<Row> rows = new ArrayList<>();
    for (Instances.Found f : found) {
      if (f instanceof Instances.Live l) {
        rows.add(Row.of(l.record()));
      }
    }
    return rows;
  }

  /** {@code hsu ps}: a header and one line a sandbox; {@code all} adds the long fields. */
  public static String text(List<Row> rows, boolean all) {
    List<String[]> lines = new ArrayList<>();
    lines.add(
        all
            ? new String[] {
              "ID", "APP ID", "NAME", "PID", "INIT", "UPTIME", "RSS", "GRANTS", "PROFILE", "DIR"
            }
            : new String[] {"ID", "APP ID", "NAME", "PID", "UPTIME", "RSS", "GRANTS"});
    for (Row row : rows) {
      InstanceRecord r = row.record();
      String grants = r.grants().isEmpty() ? "-" : String.join(",", r.grants());
      String name = Quote.escape(r.name());
      String app = Quote.escape(r.appId());
      lines.add(
          all
              ? new String[] {
                r.id(),
                app,
                name,
                Long.toString(r.supervisor().pid()),
                Long.toString(r.init().pid()),
                duration(row.uptimeSeconds()),
                size(row.rssKib()),
                grants,
                r.profile().isEmpty() ? "-" : Quote.escape(r.profile()),
                Quote.escape(r.dir().toString())
              }
              : new String[] {
                r.shortId(),
                app,
                name,
                Long.toString(r.supervisor().pid()),
                duration(row.uptimeSeconds()),
                size(row.rssKib()),
                grants
              });
    }
    return columns(lines);
  }

  /** {@code hsu ps --json}: {"instances": [...]} with every field. */
  public static String json(List<Row> rows) {
    StringBuilder b = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < rows.size(); i++) {
      b.append(i == 0 ? "\n  " : ",\n  ");
      rowJson(b, rows.get(i));
    }
    return b.append(rows.isEmpty() ? "]}\n" : "\n]}\n").toString();
  }

  private static void rowJson(StringBuilder b, Row row) {
    InstanceRecord r = row.record();
    b.append('{');
    field(b, "id", r.id());
    b.append(", ");
    field(b, "short_id", r.shortId());
    b.append(", ");
    field(b, "app_id", r.appId());
    b.append(", ");
    field(b, "name", r.name());
    b.append(", \"pid\": ").append(r.supervisor().pid());
    b.append(", \"init_pid\": ").append(r.init().pid());
    b.append(", \"started\": ");
    PlanJson.string(b, Instant.ofEpochSecond(r.started()).toString());
    b.append(", \"uptime_seconds\": ").append(row.uptimeSeconds());
    b.append(", \"rss_kib\": ").append(row.rssKib());
    b.append(", \"grants\": [");
    for (int i = 0; i < r.grants().size(); i++) {
      b.append(i == 0 ? "" : ", ");
      PlanJson.string(b, r.grants().get(i));
    }
    b.append("], ");
    field(b, "profile", r.profile());
    b.append(", ");
    field(b, "dir", r.dir().toString());
    b.append('}');
  }

  private static void field(StringBuilder b, String key, String value) {
    PlanJson.string(b, key);
    b.append(": ");
    PlanJson.string(b, value);
  }

  /** One process inside: its pid there, its host pid, its command. */
  public record Process(long pidInside, long pidOutside, String command) {}

  /** What {@code hsu info} shows beyond the row. */
  public record Detail(
      Row row,
      List<Process> processes,
      List<String[]> namespaces,
      List<String> sockets,
      String scope) {}

  /** Reads the detail of a live instance from /proc and its directory. */
  public static Detail detail(InstanceRecord r) {
    Row row = Row.of(r);
    List<Process> procs = new ArrayList<>();
    for (long pid : Proc.inPidNamespaceOf(r.init().pid())) {
      List<Long> ns = Proc.nsPids(pid);
      if (ns.isEmpty()) {
        continue; // ended meanwhile
      }
      procs.add(new Process(ns.get(ns.size() - 1), pid, Proc.command(pid)));
    }
    List<String[]> namespaces = new ArrayList<>();
    for (String n : List.of("user", "mnt", "pid", "net", "ipc", "uts", "cgroup")) {
      String link = Proc.namespace(r.init().pid(), n);
      String host = Proc.namespace(ProcessHandle.current().pid(), n);
      String shared = link != null && link.equals(host) ? " (the host's)" : "";
      namespaces.add(new String[] {n, (link == null ? "?" : link) + shared});
    }
    List<String> sockets = new ArrayList<>();
    try (DirectoryStream<Path> d = Files.newDirectoryStream(r.dir())) {
      for (Path p : d) {
        java.nio.file.attribute.BasicFileAttributes a =
            Files.readAttributes(
                p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isOther()) {
          sockets.add(p.toString());
        }
      }
    } catch (java.io.IOException e) {
      // the sandbox ended meanwhile
    }
    sockets.sort(null);
    String cg = Proc.cgroup(r.supervisor().pid());
    String scope = null;
    if (cg != null && cg.endsWith(".scope")) {
      scope = cg.substring(cg.lastIndexOf('/') + 1);
    }
    return new Detail(row, procs, namespaces, sockets, scope);
  }

  /** {@code hsu info}: one "key: value" a line, then the processes. */
  public static String infoText(Detail d) {
    InstanceRecord r = d.row().record();
    StringBuilder b = new StringBuilder();
    kv(b, "id", r.id());
    kv(b, "app id", Quote.escape(r.appId()));
    kv(b, "name", Quote.escape(r.name()));
    kv(b, "profile", r.profile().isEmpty() ? "-" : Quote.escape(r.profile()));
    kv(b, "supervisor", r.supervisor().pid() + " (hsu-init outside the sandbox)");
    kv(b, "init", r.init().pid() + " (PID 1 inside)");
    kv(
        b,
        "started",
        Instant.ofEpochSecond(r.started()) + " (" + duration(d.row().uptimeSeconds()) + " ago)");
    kv(b, "memory", size(d.row().rssKib()) + " resident");
    kv(b, "grants", r.grants().isEmpty() ? "none" : String.join(", ", r.grants()));
    kv(b, "ids", "uid " + r.uid() + ", gid " + r.gid());
    kv(b, "cwd", Quote.escape(r.cwd()));
    kv(b, "scope", d.scope() == null ? "none" : Quote.escape(d.scope()));
    kv(b, "directory", Quote.escape(r.dir().toString()));
    for (String s : d.sockets()) {
      kv(b, "socket", Quote.escape(s));
    }
    for (String[] n : d.namespaces()) {
      kv(b, "namespace " + n[0], n[1]);
    }
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"PID", "HOST PID", "COMMAND"});
    for (Process p : d.processes()) {
      lines.add(
          new String[] {
            Long.toString(p.pidInside()), Long.toString(p.pidOutside()), Quote.escape(p.command())
          });
    }
    b.append("processes:\n");
    columns(lines).lines().forEach(l -> b.append("  ").append(l).append('\n'));
    return b.toString();
  }

  /** {@code hsu info --json}. */
  public static String infoJson(Detail d) {
    StringBuilder b = new StringBuilder("{\"instance\": ");
    rowJson(b, d.row());
    InstanceRecord r = d.row().record();
    b.append(",\n \"supervisor\": {\"pid\": ")
        .append(r.supervisor().pid())
        .append(", \"start\": ")
        .append(r.supervisor().start())
        .append("}, \"init\": {\"pid\": ")
        .append(r.init().pid())
        .append(", \"start\": ")
        .append(r.init().start())
        .append("}, \"uid\": ")
        .append(r.uid())
        .append(", \"gid\": ")
        .append(r.gid())
        .append(", ");
    field(b, "cwd", r.cwd());
    b.append(", \"scope\": ");
    if (d.scope() == null) {
      b.append("null");
    } else {
      PlanJson.string(b, d.scope());
    }
    b.append(",\n \"sockets\": [");
    for (int i = 0; i < d.sockets().size(); i++) {
      b.append(i == 0 ? "" : ", ");
      PlanJson.string(b, d.sockets().get(i));
    }
    b.append("],\n \"namespaces\": {");
    for (int i = 0; i < d.namespaces().size(); i++) {
      b.append(i == 0 ? "" : ", ");
      field(b, d.namespaces().get(i)[0], d.namespaces().get(i)[1]);
    }
    b.append("},\n \"processes\": [");
    for (int i = 0; i < d.processes().size(); i++) {
      Process p = d.processes().get(i);
      b.append(i == 0 ? "\n  " : ",\n  ");
      b.append("{\"pid\": ")
          .append(p.pidInside())
          .append(", \"host_pid\": ")
          .append(p.pidOutside());
      b.append(", ");
      field(b, "command", p.command());
      b.append('}');
    }
    return b.append("\n]}\n").toString();
  }

  private static void kv(StringBuilder b, String k, String v) {
    b.append(k).append(": ").append(v).append('\n');
  }

  static String duration(long s) {
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + String.format("%02ds", s % 60);
    }
    if (s < 86400) {
      return (s / 3600) + "h" + String.format("%02dm", (s / 60) % 60);
    }
    return (s / 86400) + "d" + String.format("%02dh", (s / 3600) % 24);
  }

  static String size(long kib) {
    if (kib < 1024) {
      return kib + "K";
    }
    if (kib < 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1fM", kib / 1024.0);
    }
    return String.format(java.util.Locale.ROOT, "%.1fG", kib / (1024.0 * 1024));
  }

  private static String columns(List<String[]> lines) {
    int n = lines.get(0).length;
    int[] w = new int[n];
    for (String[] l : lines) {
      for (int i = 0; i < n; i++) {
        w[i] = Math.max(w[i], l[i].codePointCount(0, l[i].length()));
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] l : lines) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < n; i++) {
        line.append(l[i]);
        if (i < n - 1) {
          line.append(" ".repeat(w[i] - l[i].codePointCount(0, l[i].length()) + 2));
        }
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }
}
