package dev.hsu.profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/** Reads one profile file into a YAML node tree, refusing hostile input with one sentence. */
final class YamlInput {
  static final int MAX_BYTES = 1 << 20;
  static final int MAX_ALIASES = 50;
  static final int MAX_DEPTH = 50;

  /** A composed document: the source text and the root node (null when it could not be read). */
  record Parsed(Source source, Node root) {}

  private YamlInput() {}

  static LoadSettings settings(String label) {
    return LoadSettings.builder()
        .setLabel(label)
        .setSchema(new CoreSchema())
        .setAllowDuplicateKeys(false)
        .setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setCodePointLimit(MAX_BYTES)
        .setAllowNonScalarKeys(false)
        .setParseComments(false)
        .setUseMarks(true)
        .build();
  }

  /** Reads and composes {@code file}; every refusal becomes one diagnostic in {@code problems}. */
  static Parsed read(Path file, Problems problems) {
    Pos whole = Pos.fileOnly(file);
    byte[] bytes;
    dev.hsu.cache.Consulted.file(file);
    try {
      if (Files.isDirectory(file)) {
        problems.error(whole, "cannot read the profile: it is a directory");
        return new Parsed(null, null);
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      problems.error(whole, "cannot read the profile: No such file or directory");
      return new Parsed(null, null);
    } catch (AccessDeniedException e) {
      problems.error(whole, "cannot read the profile: Permission denied");
      return new Parsed(null, null);
    } catch (IOException | RuntimeException e) {
      problems.error(whole, "cannot read the profile: " + reason(e));
      return new Parsed(null, null);
    }
    if (bytes.length > MAX_BYTES) {
      problems.error(whole, "the file is larger than 1 MiB; a profile is a small text file");
      return new Parsed(null, null);
    }
    String text = decode(file, bytes, problems);
    if (text == null) {
      return new Parsed(null, null);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    Source source = new Source(file, text);
    try {
      if (!prescan(source, problems)) {
        return new Parsed(source, null);
      }
      Optional<Node> root = new Compose(settings(file.toString())).composeString(text);
      if (root.isEmpty()) {
        problems.error(
            source.pos(0, 0),
            "the file is empty; a profile is a mapping with at least 'id' and 'command'");
        return new Parsed(source, null);
      }
      return new Parsed(source, root.get());
    } catch (YamlEngineException e) {
      problems.error(where(source, e), message(e));
    } catch (StackOverflowError e) {
      problems.error(Pos.fileOnly(file), "the document is nested too deeply to read");
    } catch (RuntimeException e) {
      problems.error(Pos.fileOnly(file), "cannot parse the profile: " + reason(e));
    }
    return new Parsed(source, null);
  }

  /**
   * Walks the event stream once (the parser keeps an explicit stack, so this cannot overflow) to
   * refuse deep nesting, alias bombs and multiple documents before anything recursive runs.
   */
  private static boolean prescan(Source source, Problems problems) {
    int depth = 0;
    int aliases = 0;
    int documents = 0;
    for (Event event : new Parse(settings(source.file().toString())).parseString(source.text())) {
      switch (event.getEventId()) {
        case DocumentStart:
          documents++;
          if (documents > 1) {
            problems.error(
                source.pos(event.getStartMark()),
                "the file holds more than one YAML document; a profile is exactly one");
            return false;
          }
          break;
        case MappingStart:
        case SequenceStart:
          depth++;
          if (depth > MAX_DEPTH) {
            problems.error(
                source.pos(event.getStartMark()),
                "the document is nested deeper than " + MAX_DEPTH + " levels");
            return false;
          }
          break;
        case MappingEnd:
        case SequenceEnd:
          depth--;
          break;
        case Alias:
          aliases++;
          if (aliases > MAX_ALIASES) {
            problems.error(
                source.pos(event.getStartMark()),
                "the document uses more than " + MAX_ALIASES + " aliases");
            return false;
          }
          break;
        default:
          break;
      }
    }
    return true;
  }

  private static String decode(Path file, byte[] bytes, Problems problems) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      problems.error(
          new Pos(file, line, offset - lineStart + 1, null),
          String.format(
              "the file is not valid UTF-8 (byte 0x%02x at offset %d)",
              bytes[offset] & 0xff, offset));
      return null;
    }
    out.flip();
    return out.toString();
  }

  private static Pos where(Source source, YamlEngineException e) {
    if (e instanceof MarkedYamlEngineException) {
      MarkedYamlEngineException m = (MarkedYamlEngineException) e;
      if (m.getProblemMark().isPresent()) {
        return source.pos(m.getProblemMark());
      }
      return source.pos(m.getContextMark());
    }
    if (e instanceof ReaderException) {
      return source.atCodePoint(((ReaderException) e).getPosition());
    }
    return Pos.fileOnly(source.file());
  }

  private static String message(YamlEngineException e) {
    if (e instanceof MarkedYamlEngineException) {
      MarkedYamlEngineException m = (MarkedYamlEngineException) e;
      String problem =
          m.getProblem() == null
              ? ""
              : m.getProblem().strip().replace("'\\t(TAB)'", "a tab").replace("\\t(TAB)", "tabs");
      String context = m.getContext() == null ? "" : m.getContext().strip();
      if (problem.isEmpty()) {
        problem = context;
        context = "";
      }
      StringBuilder b = new StringBuilder("invalid YAML: ").append(problem);
      if (!context.isEmpty() && m.getContextMark().isPresent()) {
        var mark = m.getContextMark().get();
        b.append(" (")
            .append(context)
            .append(" at line ")
            .append(mark.getLine() + 1)
            .append(", column ")
            .append(mark.getColumn() + 1)
            .append(')');
      } else if (!context.isEmpty()) {
        b.append(" (").append(context).append(')');
      }
      return b.toString();
    }
    if (e instanceof ReaderException) {
      int cp = ((ReaderException) e).getCodePoint();
      return String.format("invalid YAML: character U+%04X is not allowed here", cp);
    }
    return "invalid YAML: " + reason(e);
  }

  private static String reason(Throwable e) {
    String m = e.getMessage();
    if (e instanceof CharacterCodingException || m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
