package dev.hsu.profile;

import dev.hsu.profile.Draft.Str;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/** The profile's identity: {@code id}, {@code name} and the bases it {@code extends}. */
final class AppSection implements Section<AppSection> {
  static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)+");
  static final Pattern NAME_FORBIDDEN = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");
  static final int MAX_ID = 255;

  Str id;
  Str name;

  /** This file's bases; the loader follows them, they are not merged. */
  final List<Str> extendsList = new ArrayList<>();

  @Override
  public List<String> keys() {
    return List.of("id", "name", "extends");
  }

  @Override
  public void read(String key, Node v, YamlValues in) {
    switch (key) {
      case "id" -> id = in.checked(in.string(v, "'id'"), AppSection::idProblem);
      case "name" ->
          name =
              in.checked(
                  in.string(v, "'name'"),
                  s ->
                      s.isEmpty()
                          ? "'name' must not be empty"
                          : NAME_FORBIDDEN.matcher(s).find()
                              ? "'name' must not contain control or format characters"
                              : null);
      case "extends" -> {
        List<Str> list = in.strings(v, "'extends'", false);
        if (list != null) {
          for (Str s : list) {
            if (s.value().isEmpty()) {
              in.error(s.pos(), "an 'extends' entry must not be empty");
            } else {
              extendsList.add(s);
            }
          }
        }
      }
      default -> throw new IllegalStateException(key);
    }
  }

  private static String idProblem(String id) {
    if (id.length() > MAX_ID) {
      return "the id is longer than " + MAX_ID + " characters";
    }
    if (!ID.matcher(id).matches()) {
      return "invalid id "
          + Text.quote(id)
          + ": expected reverse-DNS like 'org.example.App' (letters, digits, '_' and '-', at least"
          + " two parts separated by '.', starting with a letter)";
    }
    return null;
  }

  @Override
  public void mergeFrom(AppSection later) {
    id = Draft.pick(id, later.id);
    name = Draft.pick(name, later.name);
  }

  /** The id to finish with: a placeholder when none was given or it was invalid. */
  String idOrPlaceholder() {
    return id != null ? id.value() : "invalid.id";
  }

  @Override
  public void finish(Finishing f, Finisher.Parts out) {
    out.name = name == null ? f.id() : name.value();
  }

  @Override
  public void warnings(Finishing f, Finisher.Parts done) {}
}
