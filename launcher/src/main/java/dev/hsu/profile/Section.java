package dev.hsu.profile;

import java.util.List;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * One part of the profile language, in one class: the top-level keys it owns, what one file says
 * about them, how a later file merges on top, the finished values and their warnings. A {@link
 * Draft} holds one instance of each; docs/profiles.md describes the keys.
 */
interface Section<S extends Section<S>> {
  /** The top-level keys this section reads; {@link DraftReader#TOP_KEYS} orders all of them. */
  List<String> keys();

  /** Reads the value of the top-level {@code key} (one of {@link #keys}) from one file. */
  void read(String key, Node value, YamlValues in);

  /** Applies {@code later}, a file merged after this one, on top (docs/profiles.md, "Merging"). */
  void mergeFrom(S later);

  /** Expands variables, checks paths and fills in defaults into {@code out}. */
  void finish(Finishing f, Finisher.Parts out);

  /** Reports the dangerous grants of a profile that finished without errors. */
  void warnings(Finishing f, Finisher.Parts done);
}
