package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What this kernel offers that the sandbox tests depend on, asked once of {@code
 * init-c/build/kernel-features} (each probe in a forked child) and printed, so a test proves what
 * this machine can prove instead of assuming a feature another build of the kernel lacks. Also what
 * the filter hsu-init loads answers for one syscall of any ABI, from its raw BPF ({@code hsu-init
 * --dump-filter}, evaluated by {@code init-c/build/bpf-eval}): the proof that does not need the
 * kernel to have the ABI.
 */
final class KernelFeatures {
  private static Map<String, String> features;

  private KernelFeatures() {}

  /** The features, probed and printed on first use. */
  static synchronized Map<String, String> of(HostSupport.Tree tree) {
    if (features == null) {
      Map<String, String> f = new LinkedHashMap<>();
      for (String line :
          run(List.of(tool(tree, "kernel-features").toString()), null, null).split("\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0) f.put(line.substring(0, colon), line.substring(colon + 2));
      }
      features = Map.copyOf(f);
      System.out.println("sandbox tests: this kernel has " + f);
    }
    return features;
  }

  static boolean i386Abi(HostSupport.Tree tree) {
    return "present".equals(of(tree).get("i386-abi"));
  }

  static boolean x32Abi(HostSupport.Tree tree) {
    return "present".equals(of(tree).get("x32-abi"));
  }

  /**
   * What the seccomp filter of {@code profile} answers for syscall {@code nr} of {@code abi}
   * (x86_64, i386 or x32): "allow", "errno ENOSYS", ... The profile is compiled by {@code hsu
   * compile -o} and the filter built from that plan by hsu-init itself.
   */
  static String filterAnswer(Sandbox sb, Sandbox.Profile profile, String abi, int nr) {
    Path plan = sb.root.resolve("filter-" + abi + "-" + nr + ".plan");
    Result compiled = sb.hsu("compile", profile.write().toString(), "-o", plan.toString());
    assertEquals(0, compiled.exit(), compiled::describe);
    Path bpf = sb.root.resolve("filter-" + abi + "-" + nr + ".bpf");
    run(List.of(sb.tree.hsuInit().toString(), "--dump-filter", plan.toString()), null, bpf);
    return run(List.of(tool(sb.tree, "bpf-eval").toString(), abi, Integer.toString(nr)), bpf, null)
        .strip();
  }

  static Path tool(HostSupport.Tree tree, String name) {
    return tree.repo().resolve("init-c/build").resolve(name);
  }

  /** Runs cmd to completion, stdin from {@code in} and stdout to {@code out} when not null. */
  private static String run(List<String> cmd, Path in, Path out) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectInput((in != null ? in : Path.of("/dev/null")).toFile());
    if (out != null) pb.redirectOutput(out.toFile());
    try {
      Process p = pb.start();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd + " did not finish");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(cmd + " exited " + p.exitValue() + ": " + err);
      }
      return stdout;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
