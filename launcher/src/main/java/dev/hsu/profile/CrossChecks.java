package dev.hsu.profile;

/**
 * The checks that involve keys of more than one section, run on the merged draft after every
 * section finished (docs/profiles.md, "Merging": checks that involve several keys).
 */
final class CrossChecks {
  private CrossChecks() {}

  static void check(Draft d, Finishing f, Finisher.Parts done) {
    landlockNetworkNeedsHostNetwork(d, f, done);
    sessionBusNeedsBusNameId(d, f);
  }

  /** {@code landlock.network} limits the ports of the host network, so it needs that network. */
  private static void landlockNetworkNeedsHostNetwork(Draft d, Finishing f, Finisher.Parts done) {
    if (d.landlock.networkPos != null && done.network != Profile.Network.HOST) {
      f.error(
          d.landlock.networkPos,
          "landlock 'network' limits the TCP ports of the host network; it needs"
              + " 'network: host' (without it the sandbox has its own network namespace with"
              + " only loopback)");
    }
  }

  /** The session bus lets the app own its id, so the {@code id} must be a D-Bus name too. */
  private static void sessionBusNeedsBusNameId(Draft d, Finishing f) {
    DbusSection.Bus session = d.dbus.session;
    if (session != null
        && session.on
        && !DbusSection.BUS_NAME.matcher(f.id()).matches()
        && d.app.id != null) {
      f.error(
          session.pos,
          "the session bus needs an id that is also a D-Bus name, so the app can own it: "
              + Text.quote(f.id())
              + " has an element starting with a digit (D-Bus names do not allow that)");
    }
  }
}
