package lima.train.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lima.train.data.TokenizedDataset;
import lima.train.data.TokenizedExample;
import lima.train.tokenizer.LimaTokenizer;

/**
 * Shows tokenized examples with the trained spans marked, for checking masks by eye: on a terminal
 * trained text is green and context grey; otherwise trained spans are wrapped in {@code [[ ]]}.
 * Special tokens are shown by their text (e.g. {@code <s>}, {@code <|eot|>}).
 */
public final class Render {
  private Render() {}

  static final String GREEN = "\033[32m", GREY = "\033[90m", RESET = "\033[0m";

  /** The first {@code n} examples of a dataset. */
  public static String render(TokenizedDataset ds, LimaTokenizer tok, int n, boolean ansi) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, ds.size()); i++) {
      TokenizedExample e = ds.get(i);
      sb.append(String.format(java.util.Locale.ROOT, "=== %d  %s  (%s)  %d tokens, %d trained%s%n", i, e.id(), e.source(), e.length(),
          e.trainedTokens(), e.trimmed() ? ", trimmed from " + e.originalLength() : ""));
      sb.append(render(e, tok, ansi)).append('\n');
    }
    return sb.toString();
  }

  /** One example: runs of equal mask decoded together. */
  public static String render(TokenizedExample e, LimaTokenizer tok, boolean ansi) {
    StringBuilder sb = new StringBuilder();
    for (int[] span : spans(e.trained())) {
      int[] ids = Arrays.copyOfRange(e.ids(), span[0], span[1]);
      String text = tok.decode(ids, false);
      boolean trained = e.trained()[span[0]];
      if (ansi) sb.append(trained ? GREEN : GREY).append(text).append(RESET);
      else sb.append(trained ? "[[" + text + "]]" : text);
    }
    return sb.toString();
  }

  /** [start, end) runs of equal mask values. */
  static List<int[]> spans(boolean[] m) {
    List<int[]> out = new ArrayList<>();
    int s = 0;
    for (int i = 1; i <= m.length; i++)
      if (i == m.length || m[i] != m[s]) {
        out.add(new int[] {s, i});
        s = i;
      }
    return out;
  }
}
