package dev.hsu.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Socket address family names and their AF_* numbers (linux/socket.h), for the seccomp filter. */
public final class SocketFamily {
  /** Indexed by number, lower-case AF_ names; AF_MAX is 46. */
  private static final String[] BY_NUMBER =
      ("unspec unix inet ax25 ipx appletalk netrom bridge atmpvc x25 inet6 rose decnet netbeui "
              + "security key netlink packet ash econet atmsvc rds sna irda pppox wanpipe llc ib mpls "
              + "can tipc bluetooth iucv rxrpc isdn phonet ieee802154 caif alg nfc vsock kcm qipcrtr "
              + "smc xdp mctp")
          .split(" ");

  public static final int UNIX = 1;
  public static final int INET = 2;
  public static final int INET6 = 10;
  public static final int NETLINK = 16;
  public static final int MAX = BY_NUMBER.length - 1;

  /** The families every sandbox may use; the profile can only add to them. */
  public static final List<Integer> ALWAYS = List.of(UNIX, INET, INET6, NETLINK);

  /** The families a profile may add, by name, in number order. */
  public static final Map<String, Integer> EXTRA;

  static {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 1; i < BY_NUMBER.length; i++) {
      if (!ALWAYS.contains(i)) {
        m.put(BY_NUMBER[i], i);
      }
    }
    EXTRA = Collections.unmodifiableMap(m);
  }

  private SocketFamily() {}

  /** The number of family {@code name} (any family, also the always allowed ones), or -1. */
  public static int number(String name) {
    for (int i = 1; i < BY_NUMBER.length; i++) {
      if (BY_NUMBER[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The name of family {@code number}, or "family N". */
  public static String name(int number) {
    return number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : "family " + number;
  }
}
