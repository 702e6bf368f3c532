package lima.curate.mix;

import java.util.Map;

/** Licence and attribution text per source family, for the data card. */
final class Licences {
  private Licences() {}

  record Licence(String name, String text) {}

  static final Map<String, Licence> BY_KIND =
      Map.of(
          "stackexchange",
          new Licence(
              "CC BY-SA (3.0 or 4.0 by post date)",
              "Stack Exchange content is user-contributed and licensed under Creative Commons Attribution-ShareAlike "
                  + "(CC BY-SA 3.0 for posts before 2018-05-02, CC BY-SA 4.0 after; older posts CC BY-SA 2.5). "
                  + "Attribution: each example links to its question below; share-alike applies to derived data."),
          "wikihow",
          new Licence(
              "CC BY-NC-SA 3.0",
              "wikiHow articles are licensed under Creative Commons Attribution-NonCommercial-ShareAlike 3.0 "
                  + "(as redistributed in the Koupaee & Wang WikiHow dataset). Non-commercial use only; attribute wikiHow."),
          "reddit",
          new Licence(
              "Reddit user content (Pushshift dumps)",
              "Posts and comments from Reddit as archived by Pushshift. The content is owned by its authors and used "
                  + "under Reddit's terms; no licence to redistribute is granted by this tool."),
          "natural-instructions",
          new Licence(
              "Apache-2.0",
              "Super-Natural Instructions (Wang et al., 2022; github.com/allenai/natural-instructions), Apache License 2.0; "
                  + "individual task sources may carry their own terms, named in each task file."),
          "authored",
          new Licence(
              "yours",
              "Hand-written by the people running this pipeline: the licence is yours to choose."),
          "other",
          new Licence("unknown", "No licence information for this input: check it before release."));

  static Licence of(String kind) {
    return BY_KIND.getOrDefault(kind, BY_KIND.get("other"));
  }

  static final String LIMA_NOTE =
      "Licence of the released LIMA set (GAIR/lima): CC BY-NC-SA, except that where a source's own licence is stricter "
          + "than CC BY-NC-SA, the source's licence applies. A set rebuilt with this tool from the same sources (Stack Exchange "
          + "CC BY-SA, wikiHow CC BY-NC-SA, Reddit content owned by its users, Super-Natural Instructions Apache-2.0) carries "
          + "the same constraints: because of wikiHow (NC) and Reddit, treat the whole mix as non-commercial research data "
          + "unless you drop those parts.";
}
