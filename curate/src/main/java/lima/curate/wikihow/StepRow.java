package lima.curate.wikihow;

/**
 * One step of a wikiHow article as an input row gives it (wikihowSep, a scrape, a categorised file),
 * or one whole method (wikihowAll, where {@code headline} and {@code body} hold every step of the
 * method joined with the dataset's artifacts).
 *
 * @param key the article this row belongs to (file index + normalised title)
 * @param title the article title as given (without wikihowAll's numeric method suffix)
 * @param category the category as given, or null
 * @param intro the article introduction (overview), or null
 * @param section the method/part name, or null
 * @param method the method number from wikihowAll's title suffix (1, 2, ...), 0 when none
 * @param headline the bold step line (wikihowAll: all bold lines of the method)
 * @param body the step text (wikihowAll: all step texts of the method)
 * @param packed true for wikihowAll rows, whose headline/body hold a whole method
 * @param where file:line of the row, for messages
 * @param rawTitle the title as written in the file (wikihowAll: with the method suffix)
 */
public record StepRow(
    String key, String title, String category, String intro, String section, int method, String headline, String body, boolean packed, String where, String rawTitle) {

  /**
   * The row read as a title that merely ends in digits ("How to Sync a PS4"): wikihowAll only numbers
   * the methods of articles that have several, so a suffix seen once is part of the title.
   */
  public StepRow withoutMethodSuffix(int fileIndex) {
    return new StepRow(WikiHowReader.key(fileIndex, rawTitle), rawTitle, category, intro, section, 0, headline, body, packed, where, rawTitle);
  }
}
