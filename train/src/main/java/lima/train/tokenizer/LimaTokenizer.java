package lima.train.tokenizer;

import java.nio.file.Path;
import java.util.Map;

/**
 * A LLaMA-family tokenizer: text to ids and back, with the special tokens of its model folder.
 *
 * <p>{@link #encode} never adds BOS or EOS: callers that need them (the chat layout, generation) add the
 * ids themselves, so there is exactly one place that decides the layout ({@code lima.train.chat.ChatFormat}).
 * Implementations: {@link SentencePieceTokenizer} ({@code tokenizer.model}) and {@link HfJsonTokenizer}
 * ({@code tokenizer.json}); open either with {@link Tokenizers#open(Path)}. Instances are safe to use from
 * several threads (both native libraries are re-entrant for encode/decode); close when done.
 */
public interface LimaTokenizer extends AutoCloseable {

  /** Ids of {@code text}, no BOS/EOS added, no truncation. */
  int[] encode(String text);

  /** Text of {@code ids}; special tokens (BOS, EOS, EOT, added specials) are left out. */
  default String decode(int[] ids) {
    return decode(ids, true);
  }

  /** Text of {@code ids}, with or without the special tokens' text. */
  String decode(int[] ids, boolean skipSpecialTokens);

  /** Number of ids (base vocabulary plus added tokens). */
  int vocabSize();

  /** The piece (token string) of an id, or null when out of range. */
  String piece(int id);

  /** The id of a piece or added token, or -1 when it is not in the vocabulary. */
  int id(String piece);

  /** Beginning-of-sequence id, or -1. */
  int bos();

  /** End-of-sequence id, or -1. */
  int eos();

  /** Unknown-token id, or -1. */
  int unk();

  /** Special and added tokens by content (BOS, EOS, UNK, PAD, added tokens such as {@code <|eot|>}). */
  Map<String, Integer> specialTokens();

  /** "sentencepiece" or "tokenizer.json". */
  String kind();

  /** The file this tokenizer was read from. */
  Path source();

  @Override
  void close();
}
