package lima.train.data;

import java.util.Arrays;

/**
 * One tokenized conversation: token ids and, per token, whether the loss trains on it (assistant
 * turns and their end-of-turn token). {@code originalLength} is the length before trimming to
 * {@code --max-len}.
 */
public record TokenizedExample(String id, String source, int[] ids, boolean[] trained, int originalLength) {
  public TokenizedExample {
    if (ids.length != trained.length)
      throw new IllegalArgumentException("ids and mask lengths differ: " + ids.length + " vs " + trained.length);
    if (originalLength < ids.length)
      throw new IllegalArgumentException("original length " + originalLength + " < length " + ids.length);
    id = id == null ? "" : id;
    source = source == null ? "" : source;
  }

  public int length() {
    return ids.length;
  }

  public boolean trimmed() {
    return originalLength > ids.length;
  }

  /** Number of positions whose token is trained on. */
  public int trainedTokens() {
    int n = 0;
    for (boolean b : trained) if (b) n++;
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenizedExample t
        && id.equals(t.id)
        && source.equals(t.source)
        && Arrays.equals(ids, t.ids)
        && Arrays.equals(trained, t.trained)
        && originalLength == t.originalLength;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ids) + Arrays.hashCode(trained);
  }

  @Override
  public String toString() {
    return "TokenizedExample[" + id + ", " + source + ", " + ids.length + " tokens]";
  }
}
