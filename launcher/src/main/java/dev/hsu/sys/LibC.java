package dev.hsu.sys;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Raw libc bindings (Linux, LP64: size_t, ssize_t and off_t are C longs); only {@link Sys} calls
 * them. Signatures follow the man pages; every call sets errno that JNA saves per thread.
 */
interface LibC extends Library {
  // JNA's name of the C library ("libc.so.6" on glibc): dlopen finds it without a search path.
  LibC INSTANCE = Native.load(Platform.C_LIBRARY_NAME, LibC.class);

  int O_RDONLY = 0;
  int O_CREAT = 0100;
  int O_DIRECTORY = 0200000;
  int O_NOFOLLOW = 0400000;
  int O_CLOEXEC = 02000000;
  int AT_FDCWD = -100;
  int SEEK_SET = 0;

  /** memfd_create(2): an anonymous file; flags 0 keeps it open across execve. */
  int memfd_create(String name, int flags);

  /** write(2). */
  NativeLong write(int fd, byte[] buf, NativeLong count);

  /** lseek(2). */
  NativeLong lseek(int fd, NativeLong offset, int whence);

  /** close(2). */
  int close(int fd);

  /** openat(2) with a mode argument (ignored unless creating). */
  int openat(int dirfd, byte[] path, int flags, int mode);

  /** mkdirat(2). */
  int mkdirat(int dirfd, byte[] path, int mode);

  /** execve(2): argv and envp are NULL-terminated arrays of NUL-terminated strings. */
  int execve(byte[] path, Pointer[] argv, Pointer[] envp);

  /** getppid(2). */
  int getppid();

  /** prctl(2) with one argument besides the option (the others 0). */
  int prctl(int option, NativeLong arg2, NativeLong arg3, NativeLong arg4, NativeLong arg5);

  /** getuid(2). */
  int getuid();

  /** getgid(2). */
  int getgid();

  /** syscall(2) with three arguments; here only landlock_create_ruleset(2). */
  NativeLong syscall(NativeLong number, Pointer a, NativeLong b, int c);

  /**
   * syscall(2) with four integer arguments: pidfd_open(2) (pid, flags) and pidfd_send_signal(2)
   * (pidfd, sig, NULL info, flags).
   */
  NativeLong syscall(NativeLong number, NativeLong a, NativeLong b, NativeLong c, NativeLong d);

  /** poll(2) on an array of struct pollfd {int fd; short events; short revents;}. */
  int poll(Pointer fds, NativeLong nfds, int timeout);

  /** strerror(3). */
  String strerror(int errnum);
}
