package dev.hsu.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Gives each end-to-end test its own {@link Sandbox} world, once the host proved able. */
abstract class SandboxTestBase {
  static HostSupport.Tree tree;

  Sandbox sb;

  @BeforeAll
  static void requireHost() {
    tree = HostSupport.require();
    KernelFeatures.of(tree);
  }

  @BeforeEach
  void newWorld() {
    sb = new Sandbox(tree);
  }

  @AfterEach
  void dropWorld() {
    if (sb != null) sb.close();
  }
}
