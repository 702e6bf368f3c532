package lima.train.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import lima.train.generate.GenerateOptions;

/**
 * A validated {@code /v1/chat/completions} or {@code /v1/completions} request, mapped to generation
 * settings. {@link #parse} throws {@link ApiException} (400, or 404 for an unknown model) naming the
 * offending field.
 *
 * <p>Chat messages: {@code system} messages may only come before the first {@code user} message; their
 * contents (joined by a blank line) are put before the first user message, separated from it by a blank
 * line, since the LIMA chat layout has no system slot. Then roles must alternate {@code user} /
 * {@code assistant}, starting and ending with {@code user}. Content is a string or an array of
 * {@code {"type":"text","text":...}} parts.
 *
 * @param chat true for chat completions
 * @param stream answer with Server-Sent Events
 * @param includeUsage streaming only: send a last chunk with usage ({@code stream_options.include_usage})
 * @param prompt prompt token ids
 * @param options max_tokens, temperature, top_p, repetition_penalty, seed and stop mapped to the
 *     Generator's options (generation also ends when the model's context is full)
 */
public record CompletionRequest(boolean chat, boolean stream, boolean includeUsage, int[] prompt, GenerateOptions options) {

  public static final int MAX_STOP_STRINGS = 4;

  public CompletionRequest {
    prompt = prompt.clone();
  }

  @Override
  public int[] prompt() {
    return prompt.clone();
  }

  /** Validates a request body and renders its prompt with the backend's tokenizer and chat layout. */
  public static CompletionRequest parse(JsonNode body, boolean chat, CompletionBackend backend, ServeOptions opts) {
    if (body == null || !body.isObject()) throw ApiException.badRequest(null, "invalid_body", "the request body must be a JSON object");
    JsonNode model = body.get("model");
    if (model != null && !model.isNull()) {
      if (!model.isTextual()) throw ApiException.badRequest("model", "invalid_type", "model must be a string");
      if (!model.asText().equals(backend.modelId()))
        throw new ApiException(404, "invalid_request_error", "model", "model_not_found",
            "The model '" + shortText(model) + "' does not exist; this server serves '" + backend.modelId() + "'", null);
    }
    boolean stream = bool(body, "stream", false);
    boolean includeUsage = false;
    JsonNode so = body.get("stream_options");
    if (so != null && !so.isNull()) {
      if (!so.isObject()) throw ApiException.badRequest("stream_options", "invalid_type", "stream_options must be an object");
      if (!stream) throw ApiException.badRequest("stream_options", "invalid_value", "stream_options is only allowed with stream: true");
      includeUsage = bool(so, "include_usage", false);
    }
    JsonNode n = body.get("n");
    if (n != null && !n.isNull() && !(n.canConvertToInt() && n.isIntegralNumber() && n.asInt() == 1))
      throw ApiException.badRequest("n", "unsupported_value", "only n = 1 is supported");
    if (bool(body, "logprobs", false) || (body.hasNonNull("logprobs") && body.get("logprobs").isNumber()))
      throw ApiException.badRequest("logprobs", "unsupported_value", "logprobs are not supported");
    if (!chat) {
      if (bool(body, "echo", false)) throw ApiException.badRequest("echo", "unsupported_value", "echo is not supported");
      if (body.hasNonNull("suffix")) throw ApiException.badRequest("suffix", "unsupported_value", "suffix is not supported");
      JsonNode bo = body.get("best_of");
      if (bo != null && !bo.isNull() && !(bo.isIntegralNumber() && bo.asInt() == 1))
        throw ApiException.badRequest("best_of", "unsupported_value", "only best_of = 1 is supported");
    }
    for (String p : new String[] {"presence_penalty", "frequency_penalty"}) {
      JsonNode v = body.get(p);
      if (v != null && !v.isNull() && !(v.isNumber() && v.asDouble() == 0))
        throw ApiException.badRequest(p, "unsupported_value", p + " is not supported (use repetition_penalty); only 0 is accepted");
    }

    GenerateOptions d = opts.defaults();
    double temperature = decimal(body, "temperature", d.temperature(), 0, 2);
    // OpenAI accepts top_p in [0, 1]; 0 (or a value below float precision) leaves the top token alone.
    float topP = (float) Math.max(Float.MIN_VALUE, decimal(body, "top_p", d.topP(), 0, 1));
    double rep = number(body, "repetition_penalty", d.repetitionPenalty(), 0, 10, false);
    long seed = ThreadLocalRandom.current().nextLong();
    JsonNode s = body.get("seed");
    if (s != null && !s.isNull()) {
      if (!s.isIntegralNumber()) throw ApiException.badRequest("seed", "invalid_type", "seed must be an integer");
      if (!s.canConvertToLong()) throw ApiException.badRequest("seed", "invalid_value", "seed must be a 64-bit integer, got " + shortText(s));
      seed = s.asLong();
    }
    List<String> stop = stops(body.get("stop"));

    String maxField = chat && body.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    int maxTokens = opts.maxTokensLimit();
    JsonNode mt = body.get(maxField);
    if (mt != null && !mt.isNull()) {
      if (!mt.isIntegralNumber()) throw ApiException.badRequest(maxField, "invalid_type", maxField + " must be an integer");
      if (!mt.canConvertToInt() || mt.asInt() < 1 || mt.asInt() > opts.maxTokensLimit())
        throw ApiException.badRequest(maxField, "invalid_value", maxField + " must be in [1, " + opts.maxTokensLimit() + "], got " + shortText(mt));
      maxTokens = mt.asInt();
    }

    int[] prompt;
    if (chat) {
      prompt = backend.chatPrompt(turns(body.get("messages")));
    } else {
      prompt = backend.completionPrompt(promptText(body.get("prompt")));
    }
    if (prompt.length >= backend.contextLength())
      throw ApiException.badRequest(chat ? "messages" : "prompt", "context_length_exceeded",
          "the prompt is " + prompt.length + " tokens; this model's context length is " + backend.contextLength() + " tokens, which leaves no room to generate");
    GenerateOptions options;
    try {
      options = new GenerateOptions(maxTokens, (float) temperature, topP, (float) rep, seed, stop, false);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(null, "invalid_value", e.getMessage());
    }
    return new CompletionRequest(chat, stream, includeUsage, prompt, options);
  }

  private static boolean bool(JsonNode body, String field, boolean dflt) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) return dflt;
    if (!v.isBoolean()) throw ApiException.badRequest(field, "invalid_type", field + " must be a boolean");
    return v.asBoolean();
  }

  /** A number in [min, max], refused with OpenAI's codes and wording ({@code decimal_above_max_value}, ...). */
  private static double decimal(JsonNode body, String field, double dflt, double min, double max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) return dflt;
    if (!v.isNumber()) throw ApiException.badRequest(field, "invalid_type", "Invalid type for '" + field + "': expected a decimal, but got " + jsonType(v) + " instead.");
    double x = v.asDouble();
    if (x < min) throw ApiException.badRequest(field, "decimal_below_min_value", "Invalid '" + field + "': decimal below minimum value. Expected a value >= " + plain(min) + ", but got " + shortText(v) + " instead.");
    if (!(x <= max)) throw ApiException.badRequest(field, "decimal_above_max_value", "Invalid '" + field + "': decimal above maximum value. Expected a value <= " + plain(max) + ", but got " + shortText(v) + " instead.");
    return x;
  }

  private static String plain(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }

  /** A number as the client wrote it, shortened if it is absurdly long. */
  static String shortText(JsonNode v) {
    String t = v.asText();
    return t.length() <= 40 ? t : t.substring(0, 20) + "… (" + t.length() + " characters)";
  }

  private static String jsonType(JsonNode v) {
    return switch (v.getNodeType()) {
      case STRING -> "a string";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static double number(JsonNode body, String field, double dflt, double lo, double hi, boolean loInclusive) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) return dflt;
    if (!v.isNumber()) throw ApiException.badRequest(field, "invalid_type", field + " must be a number");
    double x = v.asDouble();
    boolean ok = (loInclusive ? x >= lo : x > lo) && x <= hi;
    if (!ok) throw ApiException.badRequest(field, "invalid_value", field + " must be in " + (loInclusive ? "[" : "(") + lo + ", " + hi + "], got " + shortText(v));
    return x;
  }

  private static List<String> stops(JsonNode v) {
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) return out;
    if (v.isTextual()) out.add(v.asText());
    else if (v.isArray()) {
      for (JsonNode e : v) {
        if (!e.isTextual()) throw ApiException.badRequest("stop", "invalid_type", "stop must be a string or an array of strings");
        out.add(e.asText());
      }
    } else throw ApiException.badRequest("stop", "invalid_type", "stop must be a string or an array of strings");
    if (out.size() > MAX_STOP_STRINGS) throw ApiException.badRequest("stop", "invalid_value", "at most " + MAX_STOP_STRINGS + " stop strings, got " + out.size());
    for (String s : out) if (s.isEmpty()) throw ApiException.badRequest("stop", "invalid_value", "stop strings must not be empty");
    return out;
  }

  private static String promptText(JsonNode p) {
    if (p == null || p.isNull()) throw ApiException.badRequest("prompt", "missing_required_parameter", "prompt is required (a string; \"\" starts from BOS alone)");
    if (p.isTextual()) return p.asText();
    if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) return p.get(0).asText();
    if (p.isArray()) throw ApiException.badRequest("prompt", "unsupported_value", "prompt must be one string (batches and token arrays are not supported)");
    throw ApiException.badRequest("prompt", "invalid_type", "prompt must be a string");
  }

  /** Messages to alternating turns, user first and last; system contents go before the first user turn. */
  static List<String> turns(JsonNode messages) {
    if (messages == null || messages.isNull()) throw ApiException.badRequest("messages", "missing_required_parameter", "messages is required");
    if (!messages.isArray()) throw ApiException.badRequest("messages", "invalid_type", "messages must be an array");
    if (messages.isEmpty()) throw ApiException.badRequest("messages", "invalid_value", "messages must not be empty");
    List<String> system = new ArrayList<>();
    List<String> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String where = "messages[" + i + "]";
      if (!m.isObject()) throw ApiException.badRequest(where, "invalid_type", where + " must be an object");
      JsonNode r = m.get("role");
      if (r == null || !r.isTextual()) throw ApiException.badRequest(where + ".role", "missing_required_parameter", where + ".role is required");
      String role = r.asText();
      String content = content(m.get("content"), where + ".content");
      switch (role) {
        case "system", "developer" -> {
          if (!turns.isEmpty()) throw ApiException.badRequest(where + ".role", "invalid_value", where + ": a " + role + " message must come before the first user message");
          system.add(content);
        }
        case "user", "assistant" -> {
          boolean wantUser = turns.size() % 2 == 0;
          if (role.equals("user") != wantUser)
            throw ApiException.badRequest(where + ".role", "invalid_value",
                where + ": expected a " + (wantUser ? "user" : "assistant") + " message (after any system messages, roles must alternate user/assistant, starting with user), got " + role);
          turns.add(content);
        }
        default -> throw ApiException.badRequest(where + ".role", "invalid_value",
            where + ": unsupported role '" + role + "' (supported: system, user, assistant)");
      }
    }
    if (turns.isEmpty()) throw ApiException.badRequest("messages", "invalid_value", "messages must contain a user message");
    if (turns.size() % 2 == 0) throw ApiException.badRequest("messages", "invalid_value", "the last message must be a user message");
    if (!system.isEmpty()) turns.set(0, String.join("\n\n", system) + "\n\n" + turns.get(0));
    return turns;
  }

  private static String content(JsonNode c, String where) {
    if (c == null || c.isNull()) throw ApiException.badRequest(where, "missing_required_parameter", where + " is required");
    if (c.isTextual()) return c.asText();
    if (c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (Iterator<JsonNode> it = c.elements(); it.hasNext(); ) {
        JsonNode part = it.next();
        if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual())
          throw ApiException.badRequest(where, "unsupported_value", where + ": only text parts ({\"type\":\"text\",\"text\":...}) are supported");
        sb.append(part.get("text").asText());
      }
      return sb.toString();
    }
    throw ApiException.badRequest(where, "invalid_type", where + " must be a string or an array of text parts");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompletionRequest r && r.chat == chat && r.stream == stream && r.includeUsage == includeUsage
        && java.util.Arrays.equals(r.prompt, prompt) && r.options.equals(options);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(prompt) * 31 + options.hashCode();
  }

  @Override
  public String toString() {
    return "CompletionRequest[chat=" + chat + ", stream=" + stream + ", prompt=" + prompt.length + " tokens, " + options + "]";
  }
}
