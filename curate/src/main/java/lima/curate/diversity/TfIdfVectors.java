package lima.curate.diversity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Sparse, L2-normalised TF-IDF vectors of short texts (titles, prompts), with terms from Lucene's
 * {@link EnglishAnalyzer} (lower-casing, English stop words, Porter stemming). The basis of every
 * similarity-driven diversity step: clustering titles, max-min and MMR selection, diversity reports.
 *
 * <p>Weights: {@code (1 + ln tf) * ln((1 + N) / (1 + df)) + 1}-style smoothed idf, as in common
 * TF-IDF practice, so a term present in every document still counts a little.
 */
public final class TfIdfVectors {

  /** One sparse vector: sorted term ids and their weights, unit length (or all-zero for an empty text). */
  public record Vector(int[] terms, float[] weights) {
    /** Cosine similarity of two unit vectors (their dot product). */
    public double cosine(Vector o) {
      int i = 0, j = 0;
      double dot = 0;
      while (i < terms.length && j < o.terms.length) {
        int a = terms[i], b = o.terms[j];
        if (a == b) dot += (double) weights[i++] * o.weights[j++];
        else if (a < b) i++;
        else j++;
      }
      return dot;
    }

    public boolean isEmpty() {
      return terms.length == 0;
    }
  }

  private final List<Vector> vectors;
  private final int vocabulary;

  private TfIdfVectors(List<Vector> vectors, int vocabulary) {
    this.vectors = vectors;
    this.vocabulary = vocabulary;
  }

  /** Builds vectors for {@code texts}, in order. Deterministic: term ids follow first appearance. */
  public static TfIdfVectors of(List<String> texts) {
    List<Map<Integer, Integer>> counts = new ArrayList<>(texts.size());
    Map<String, Integer> ids = new HashMap<>();
    List<Integer> df = new ArrayList<>();
    try (Analyzer analyzer = new EnglishAnalyzer()) {
      for (String text : texts) {
        Map<Integer, Integer> tf = new TreeMap<>();
        for (String term : terms(analyzer, text)) {
          Integer id = ids.get(term);
          if (id == null) {
            id = ids.size();
            ids.put(term, id);
            df.add(0);
          }
          if (tf.merge(id, 1, Integer::sum) == 1) df.set(id, df.get(id) + 1);
        }
        counts.add(tf);
      }
    }
    int n = texts.size();
    List<Vector> out = new ArrayList<>(n);
    for (Map<Integer, Integer> tf : counts) {
      int[] t = new int[tf.size()];
      float[] w = new float[tf.size()];
      int k = 0;
      double norm = 0;
      for (var e : tf.entrySet()) {
        double idf = Math.log((1.0 + n) / (1.0 + df.get(e.getKey()))) + 1.0;
        double v = (1.0 + Math.log(e.getValue())) * idf;
        t[k] = e.getKey();
        w[k++] = (float) v;
        norm += v * v;
      }
      norm = Math.sqrt(norm);
      if (norm > 0) for (int i = 0; i < w.length; i++) w[i] = (float) (w[i] / norm);
      out.add(new Vector(t, w));
    }
    return new TfIdfVectors(List.copyOf(out), ids.size());
  }

  /** The analysed terms of one text. */
  public static List<String> terms(Analyzer analyzer, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) out.add(term.toString());
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public Vector get(int i) {
    return vectors.get(i);
  }

  public int size() {
    return vectors.size();
  }

  public int vocabulary() {
    return vocabulary;
  }

  public List<Vector> all() {
    return vectors;
  }

  @Override
  public String toString() {
    return "TfIdfVectors[" + vectors.size() + " texts, " + vocabulary + " terms, first=" + (vectors.isEmpty() ? "-" : Arrays.toString(vectors.get(0).terms())) + "]";
  }
}
