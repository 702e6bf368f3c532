package lima.curate.stackexchange;

import lima.curate.markdown.HtmlToMarkdown;

/**
 * A question joined with its top-scored answer, on its way through the filters. The Markdown of both
 * bodies is converted on first use, so filters that only look at flags cost no conversion.
 */
public final class QaPair {
  private final String site;
  private final Post question;
  private final Post answer;
  private String questionMarkdown;
  private String answerMarkdown;

  public QaPair(String site, Post question, Post answer) {
    this.site = site;
    this.question = question;
    this.answer = answer;
  }

  /**
   * A pair whose Markdown is already known (tests, or a converter run elsewhere); a null Markdown is
   * converted on first use as usual.
   */
  public static QaPair converted(String site, Post question, Post answer, String questionMd, String answerMd) {
    QaPair p = new QaPair(site, question, answer);
    p.questionMarkdown = questionMd;
    p.answerMarkdown = answerMd;
    return p;
  }

  public String site() {
    return site;
  }

  public Post question() {
    return question;
  }

  public Post answer() {
    return answer;
  }

  /** The question body as Markdown ("" when the body is absent). */
  public String questionMarkdown() {
    if (questionMarkdown == null) questionMarkdown = markdown(question.body());
    return questionMarkdown;
  }

  /** The answer body as Markdown: the text the length, first-person and reference filters measure. */
  public String answerMarkdown() {
    if (answerMarkdown == null) answerMarkdown = markdown(answer.body());
    return answerMarkdown;
  }

  /** A body as the pair shows it: Markdown, stripped; "" for an absent or blank body. */
  public static String markdown(String html) {
    if (html == null || html.isBlank()) return "";
    return HtmlToMarkdown.convert(html).strip();
  }

  /** The question key used for per-question randomness and ids: {@code site/question id}. */
  public String key() {
    return site + "/" + question.id();
  }
}
