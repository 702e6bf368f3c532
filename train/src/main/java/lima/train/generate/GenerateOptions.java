package lima.train.generate;

import java.util.List;

/**
 * How to sample one completion. The defaults are the LIMA paper's (section 4.1): nucleus sampling with
 * top-p 0.9 at temperature 0.7, repetition penalty 1.2 over the generated tokens, at most 2,048 new
 * tokens. Temperature 0 means greedy decoding.
 *
 * @param stop strings that end the completion (the text is cut before the first one found)
 * @param raw true to skip the chat layout (the prompt is {@code BOS text}, not {@code BOS text EOT})
 */
public record GenerateOptions(int maxNewTokens, float temperature, float topP, float repetitionPenalty, long seed, List<String> stop, boolean raw) {
  public static final GenerateOptions DEFAULTS = new GenerateOptions(2048, 0.7f, 0.9f, 1.2f, 42L, List.of(), false);

  public GenerateOptions {
    if (maxNewTokens < 0) throw new IllegalArgumentException("max new tokens must be >= 0: " + maxNewTokens);
    if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0: " + temperature);
    if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1]: " + topP);
    if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) throw new IllegalArgumentException("repetition penalty must be > 0: " + repetitionPenalty);
    stop = List.copyOf(stop);
    for (String s : stop) if (s.isEmpty()) throw new IllegalArgumentException("a stop string must not be empty");
  }

  public boolean greedy() {
    return temperature == 0f;
  }

  public GenerateOptions withMaxNewTokens(int n) {
    return new GenerateOptions(n, temperature, topP, repetitionPenalty, seed, stop, raw);
  }

  public GenerateOptions withTemperature(float t) {
    return new GenerateOptions(maxNewTokens, t, topP, repetitionPenalty, seed, stop, raw);
  }

  public GenerateOptions withTopP(float p) {
    return new GenerateOptions(maxNewTokens, temperature, p, repetitionPenalty, seed, stop, raw);
  }

  public GenerateOptions withRepetitionPenalty(float r) {
    return new GenerateOptions(maxNewTokens, temperature, topP, r, seed, stop, raw);
  }

  public GenerateOptions withSeed(long s) {
    return new GenerateOptions(maxNewTokens, temperature, topP, repetitionPenalty, s, stop, raw);
  }

  public GenerateOptions withStop(List<String> s) {
    return new GenerateOptions(maxNewTokens, temperature, topP, repetitionPenalty, seed, s, raw);
  }

  public GenerateOptions withRaw(boolean r) {
    return new GenerateOptions(maxNewTokens, temperature, topP, repetitionPenalty, seed, stop, r);
  }
}
