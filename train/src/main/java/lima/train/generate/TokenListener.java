package lima.train.generate;

/**
 * Receives each generated token as it is produced, for streaming. {@code textDelta} is the new text since
 * the previous call; it may be empty while text is held back (an incomplete UTF-8 character, or what might
 * be the start of a stop string), and the final call carries whatever remains. Concatenating every delta
 * gives exactly {@link Generation#text()}. Return false to stop generating ({@link FinishReason#CANCELLED}).
 */
@FunctionalInterface
public interface TokenListener {
  TokenListener NONE = (id, delta) -> true;

  boolean onToken(int tokenId, String textDelta);
}
