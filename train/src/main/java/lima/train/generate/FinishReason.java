package lima.train.generate;

/** Why a completion ended. */
public enum FinishReason {
  /** The model wrote EOS. */
  EOS("eos", "stop"),
  /** The model wrote the end-of-turn token. */
  EOT("eot", "stop"),
  /** The text reached one of the stop strings (cut before it). */
  STOP_STRING("stop_string", "stop"),
  /** The maximum number of new tokens was reached. */
  LENGTH("length", "length"),
  /** The model's context (max_position_embeddings) is full. */
  CONTEXT("context", "length"),
  /** The token listener asked to stop. */
  CANCELLED("cancelled", "stop");

  private final String id;
  private final String openAi;

  FinishReason(String id, String openAi) {
    this.id = id;
    this.openAi = openAi;
  }

  /** The name written to output files. */
  public String id() {
    return id;
  }

  /** The OpenAI API's finish_reason ("stop" or "length"). */
  public String openAi() {
    return openAi;
  }
}
