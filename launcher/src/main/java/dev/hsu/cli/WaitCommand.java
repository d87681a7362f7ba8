package dev.hsu.cli;

import dev.hsu.instances.Instances;
import dev.hsu.sys.Sys;
import dev.hsu.sys.SysException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hsu wait ID|APP-ID}: holds the instance's exit file open, waits on the supervisor's pidfd,
 * then reads the status the supervisor wrote there before it removed the directory.
 */
@Command(
    name = "wait",
    mixinStandardHelpOptions = true,
    description = {
      "Wait until a running sandbox ends; print its exit status and exit with it.",
      "Exit status: the sandbox's (as hsu launch's); 1 no such sandbox, its record refused or",
      "its status unknown (its supervisor was killed); 2 usage error."
    })
final class WaitCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ID|APP-ID", description = "an id (or its start) or app id")
  String instance;

  private final Context ctx;
  private final PrintStream out;

  WaitCommand(Cli cli) {
    this.ctx = cli.ctx();
    this.out = cli.out();
  }

  @Override
  public Integer call() throws HsuException {
    try (Instances.Live l = InstanceCommands.find(ctx, instance);
        FileChannel exit =
            FileChannel.open(
                l.dir().resolve("exit"), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      Sys.pidfdWait(l.supervisorFd(), -1);
      ByteBuffer buf = ByteBuffer.allocate(16);
      while (buf.hasRemaining() && exit.read(buf, buf.position()) > 0) {
        // the few bytes the supervisor wrote
      }
      String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
      if (!s.matches("[0-9]{1,3}")) {
        throw new HsuException(
            HsuException.Kind.FAILURE,
            "the sandbox " + l.record().id() + " ended; its exit status is unknown");
      }
      out.println(s);
      out.flush();
      return Integer.parseInt(s);
    } catch (IOException e) {
      throw new HsuException(
          HsuException.Kind.FAILURE, "cannot open the sandbox's exit file: " + e.getMessage(), e);
    } catch (SysException e) {
      throw new HsuException(HsuException.Kind.FAILURE, e.getMessage(), e);
    }
  }
}
