package lima.curate.dedup;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.minhash.MinHashFilter;
import org.apache.lucene.analysis.shingle.ShingleFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * MinHash signatures of texts, computed by Lucene's analysis chain: {@link StandardTokenizer} ->
 * {@link LowerCaseFilter} -> {@link ShingleFilter} (word n-grams of exactly {@code shingle} words;
 * a text shorter than that yields its words) -> {@link MinHashFilter}.
 *
 * <p>The MinHash filter runs with one hash function, {@code numHashes} buckets, one value per bucket
 * and rotation: it hashes every shingle with 128-bit MurmurHash3, splits the hash range into
 * {@code numHashes} buckets and keeps the smallest hash of each ("one permutation hashing"); an
 * empty bucket borrows the value of the next non-empty bucket to its right (rotation, a
 * densification), so every text gives exactly {@code numHashes} values, in bucket order, and the
 * fraction of equal positions between two signatures estimates the Jaccard similarity of their
 * shingle sets. Each 128-bit token is folded to an {@code int}; equal shingles give equal ints,
 * different ones collide with probability 2^-32.
 *
 * <p>Thread-safe: the analyser keeps one filter chain per thread.
 */
public final class MinHasher implements AutoCloseable {
  private final int numHashes;
  private final int shingle;
  private final Analyzer analyzer;

  public MinHasher(int numHashes, int shingle) {
    if (numHashes < 8 || numHashes > 4096) throw new IllegalArgumentException("numHashes must be in 8..4096, got " + numHashes);
    if (shingle < 1 || shingle > 10) throw new IllegalArgumentException("shingle must be in 1..10 words, got " + shingle);
    this.numHashes = numHashes;
    this.shingle = shingle;
    this.analyzer =
        new Analyzer() {
          @Override
          protected TokenStreamComponents createComponents(String field) {
            Tokenizer source = new StandardTokenizer();
            TokenStream ts = new LowerCaseFilter(source);
            if (shingle > 1) {
              ShingleFilter sh = new ShingleFilter(ts, shingle, shingle);
              sh.setOutputUnigrams(false);
              sh.setOutputUnigramsIfNoShingles(true);
              ts = sh;
            }
            ts = new MinHashFilter(ts, 1, numHashes, 1, true);
            return new TokenStreamComponents(source, ts);
          }
        };
  }

  public int numHashes() {
    return numHashes;
  }

  public int shingle() {
    return shingle;
  }

  /** The signature of {@code text}, or {@code null} when it has no words. */
  public int[] signature(String text) {
    int[] sig = new int[numHashes];
    return signature(text, sig, 0) ? sig : null;
  }

  /** Writes the signature into {@code into[offset ..]}; false (nothing written) when the text has no words. */
  public boolean signature(String text, int[] into, int offset) {
    int n = 0;
    try (TokenStream ts = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        if (n >= numHashes) throw new IllegalStateException("MinHashFilter gave more than " + numHashes + " tokens");
        into[offset + n++] = fold(term.buffer(), term.length());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (n == 0) return false;
    if (n != numHashes) throw new IllegalStateException("MinHashFilter gave " + n + " tokens, expected " + numHashes);
    return true;
  }

  /** Folds the 8 chars (128 bits) of one MinHash token into an int. */
  static int fold(char[] c, int len) {
    long h = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < len; i++) {
      h ^= c[i];
      h *= 0xff51afd7ed558ccdL;
    }
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }

  /** Estimated Jaccard similarity: the fraction of equal positions of two signatures. */
  public static double similarity(int[] a, int aOff, int[] b, int bOff, int k) {
    int eq = 0;
    for (int i = 0; i < k; i++) if (a[aOff + i] == b[bOff + i]) eq++;
    return (double) eq / k;
  }

  @Override
  public void close() {
    analyzer.close();
  }
}
