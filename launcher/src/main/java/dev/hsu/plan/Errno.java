package dev.hsu.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errno names and numbers of the generic Linux table (asm-generic/errno-base.h and errno.h), which
 * x86_64, i386, arm64 and riscv64 share.
 */
public final class Errno {
  /** Indexed by number; "-" marks the two numbers Linux leaves unused (41 and 58). */
  private static final String[] BY_NUMBER =
      ("- EPERM ENOENT ESRCH EINTR EIO ENXIO E2BIG ENOEXEC EBADF ECHILD EAGAIN ENOMEM EACCES "
              + "EFAULT ENOTBLK EBUSY EEXIST EXDEV ENODEV ENOTDIR EISDIR EINVAL ENFILE EMFILE ENOTTY "
              + "ETXTBSY EFBIG ENOSPC ESPIPE EROFS EMLINK EPIPE EDOM ERANGE EDEADLK ENAMETOOLONG ENOLCK "
              + "ENOSYS ENOTEMPTY ELOOP - ENOMSG EIDRM ECHRNG EL2NSYNC EL3HLT EL3RST ELNRNG EUNATCH "
              + "ENOCSI EL2HLT EBADE EBADR EXFULL ENOANO EBADRQC EBADSLT - EBFONT ENOSTR ENODATA ETIME "
              + "ENOSR ENONET ENOPKG EREMOTE ENOLINK EADV ESRMNT ECOMM EPROTO EMULTIHOP EDOTDOT EBADMSG "
              + "EOVERFLOW ENOTUNIQ EBADFD EREMCHG ELIBACC ELIBBAD ELIBSCN ELIBMAX ELIBEXEC EILSEQ "
              + "ERESTART ESTRPIPE EUSERS ENOTSOCK EDESTADDRREQ EMSGSIZE EPROTOTYPE ENOPROTOOPT "
              + "EPROTONOSUPPORT ESOCKTNOSUPPORT EOPNOTSUPP EPFNOSUPPORT EAFNOSUPPORT EADDRINUSE "
              + "EADDRNOTAVAIL ENETDOWN ENETUNREACH ENETRESET ECONNABORTED ECONNRESET ENOBUFS EISCONN "
              + "ENOTCONN ESHUTDOWN ETOOMANYREFS ETIMEDOUT ECONNREFUSED EHOSTDOWN EHOSTUNREACH EALREADY "
              + "EINPROGRESS ESTALE EUCLEAN ENOTNAM ENAVAIL EISNAM EREMOTEIO EDQUOT ENOMEDIUM "
              + "EMEDIUMTYPE ECANCELED ENOKEY EKEYEXPIRED EKEYREVOKED EKEYREJECTED EOWNERDEAD "
              + "ENOTRECOVERABLE ERFKILL EHWPOISON")
          .split(" ");

  /** Every accepted name, aliases included, in number order. */
  public static final Map<String, Integer> BY_NAME;

  static {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 1; i < BY_NUMBER.length; i++) {
      if (!BY_NUMBER[i].equals("-")) {
        m.put(BY_NUMBER[i], i);
      }
    }
    m.put("EWOULDBLOCK", 11);
    m.put("EDEADLOCK", 35);
    m.put("ENOTSUP", 95);
    BY_NAME = Collections.unmodifiableMap(m);
  }

  public static final int EPERM = 1;
  public static final int MAX = 4095;

  private Errno() {}

  /** The number of {@code name}, or -1 when it is not a known errno name. */
  public static int number(String name) {
    Integer n = BY_NAME.get(name);
    return n == null ? -1 : n;
  }

  /** The name of {@code number} ({@code EAGAIN} rather than {@code EWOULDBLOCK}), or "errno N". */
  public static String name(int number) {
    return number > 0 && number < BY_NUMBER.length && !BY_NUMBER[number].equals("-")
        ? BY_NUMBER[number]
        : "errno " + number;
  }
}
