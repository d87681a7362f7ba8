package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON Schema and the loader agree: every schemas/examples/valid file passes both, every
 * invalid one fails both.
 */
final class SchemaExamplesTest {
  static final Path ROOT = Path.of(System.getProperty("hsu.home", "..")).normalize();
  static final Path EXAMPLES = ROOT.resolve("schemas/examples");
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Schema SCHEMA = loadSchema();

  private static Schema loadSchema() {
    try (InputStream in = Files.newInputStream(ROOT.resolve("schemas/profile.schema.json"))) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Error> schemaErrors(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Object data = new Load(YamlInput.settings(file.toString())).loadFromString(text);
    JsonNode json = JSON.valueToTree(data);
    return SCHEMA.validate(json);
  }

  static Loader.Result load(Path file) {
    return new Loader(TestHost.HOST, List.of(EXAMPLES.resolve("fragments"))).load(file);
  }

  static List<Path> list(String dir) throws IOException {
    try (Stream<Path> s = Files.list(EXAMPLES.resolve(dir))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
    }
  }

  @TestFactory
  Stream<DynamicTest> validExamplesPassBoth() throws IOException {
    List<Path> files = list("valid");
    assertTrue(files.size() >= 8);
    return files.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    "valid/" + f.getFileName(),
                    () -> {
                      Loader.Result r = load(f);
                      assertTrue(
                          r.ok(),
                          () -> r.diagnostics().stream().map(Loader::render).toList().toString());
                      List<Error> errors = schemaErrors(f);
                      assertTrue(errors.isEmpty(), () -> errors.toString());
                    }));
  }

  @TestFactory
  Stream<DynamicTest> invalidExamplesFailBoth() throws IOException {
    List<Path> files = list("invalid");
    assertTrue(files.size() >= 12);
    return files.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    "invalid/" + f.getFileName(),
                    () -> {
                      Loader.Result r = load(f);
                      assertFalse(r.ok(), "the loader refuses it");
                      assertFalse(schemaErrors(f).isEmpty(), "the schema refuses it");
                    }));
  }

  @Test
  void shippedProfilesAndGoodTestProfilesPassTheSchema() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path dir :
        List.of(
            ROOT.resolve("profiles/apps"),
            ROOT.resolve("profiles/base"),
            TestHost.RESOURCES.resolve("good"),
            TestHost.RESOURCES.resolve("base"),
            EXAMPLES.resolve("fragments"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          s.filter(p -> p.toString().endsWith(".yaml")).forEach(files::add);
        }
      }
    }
    for (Path f : files) {
      List<Error> errors = schemaErrors(f);
      boolean fragment =
          !Files.readString(f).contains("\nid:") && !Files.readString(f).startsWith("id:");
      if (fragment) {
        // fragments have no id and command; the schema asks for them unless 'extends' is given
        errors.removeIf(e -> "required".equals(e.getKeyword()));
      }
      assertTrue(errors.isEmpty(), () -> f + ": " + errors);
    }
  }
}
