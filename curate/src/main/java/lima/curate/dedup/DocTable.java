package lima.curate.dedup;

import java.util.Arrays;

/**
 * What dedup keeps in memory per document, column-wise in primitive arrays: id, exact hash,
 * signature ({@code numHashes} ints in one flat array), score, length, and the contamination match.
 * About {@code 4 * numHashes + 40} bytes per document plus its id string.
 */
public final class DocTable {
  final int k;
  int size;
  String[] ids = new String[1024];
  long[] exact = new long[1024];
  /** Signatures in blocks of {@value #BLOCK} documents, so growing the table never copies them. */
  static final int BLOCK_BITS = 12;

  static final int BLOCK = 1 << BLOCK_BITS;
  int[][] sigs = new int[16][];
  boolean[] hasSig = new boolean[1024];
  boolean[] valid = new boolean[1024];
  double[] score = new double[1024];
  int[] length = new int[1024];
  int[] contaminatedBy = new int[1024];
  float[] contaminationSim = new float[1024];

  public DocTable(int numHashes) {
    this.k = numHashes;
  }

  /** What the signature workers compute for one record. */
  public record Features(String id, long exact, int[] sig, double score, int length, int contaminatedBy, float contaminationSim) {}

  /** Appends a document; {@code f == null} marks a malformed record (kept as a placeholder so indices follow input order). */
  public int add(Features f) {
    if (size == ids.length) grow();
    int i = size++;
    if (f == null) {
      valid[i] = false;
      ids[i] = "";
      contaminatedBy[i] = -1;
      return i;
    }
    valid[i] = true;
    ids[i] = f.id();
    exact[i] = f.exact();
    if (f.sig() != null) {
      int b = i >>> BLOCK_BITS;
      if (b == sigs.length) sigs = Arrays.copyOf(sigs, sigs.length * 2);
      if (sigs[b] == null) sigs[b] = new int[BLOCK * k];
      System.arraycopy(f.sig(), 0, sigs[b], offset(i), k);
      hasSig[i] = true;
    }
    score[i] = f.score();
    length[i] = f.length();
    contaminatedBy[i] = f.contaminatedBy();
    contaminationSim[i] = f.contaminationSim();
    return i;
  }

  private void grow() {
    int n = ids.length * 2;
    ids = Arrays.copyOf(ids, n);
    exact = Arrays.copyOf(exact, n);
    hasSig = Arrays.copyOf(hasSig, n);
    valid = Arrays.copyOf(valid, n);
    score = Arrays.copyOf(score, n);
    length = Arrays.copyOf(length, n);
    contaminatedBy = Arrays.copyOf(contaminatedBy, n);
    contaminationSim = Arrays.copyOf(contaminationSim, n);
  }

  public int size() {
    return size;
  }

  public String id(int i) {
    return ids[i];
  }

  public boolean valid(int i) {
    return valid[i];
  }

  /** Estimated Jaccard similarity of documents a and b (0 when either has no words). */
  public double similarity(int a, int b) {
    if (!hasSig[a] || !hasSig[b]) return exact[a] == exact[b] ? 1.0 : 0.0;
    return MinHasher.similarity(block(a), offset(a), block(b), offset(b), k);
  }

  /** The block holding document i's signature (at {@link #offset(int)}). */
  int[] block(int i) {
    return sigs[i >>> BLOCK_BITS];
  }

  int offset(int i) {
    return (i & (BLOCK - 1)) * k;
  }
}
