package lima.curate.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON Lines layouts other trainers read, and how one conversation becomes one line of each.
 *
 * <ul>
 *   <li>{@code openai}: OpenAI chat fine-tuning, {@code {"messages":[{"role":"system"|"user"|"assistant","content":...}]}}
 *   <li>{@code sharegpt}: {@code {"id":...,"conversations":[{"from":"system"|"human"|"gpt","value":...}]}} (FastChat,
 *       Axolotl, LLaMA-Factory)
 *   <li>{@code alpaca}: {@code {"instruction":...,"input":"","output":...}} (Stanford Alpaca); multi-turn per {@link
 *       MultiTurn}
 * </ul>
 */
public enum ExportFormat {
  OPENAI,
  SHAREGPT,
  ALPACA;

  /** How a conversation with more than one exchange becomes Alpaca's single instruction/output pair. */
  public enum MultiTurn {
    /** instruction = last user turn; input = the earlier turns as "User: ...\n\nAssistant: ..." text; output = last answer. */
    FOLD,
    /** as LLaMA-Factory's Alpaca variant: the earlier exchanges in {@code "history": [[user, assistant], ...]}. */
    HISTORY,
    /** only the first exchange; the rest is dropped. */
    FIRST,
    /** not exported; counted and reported with reason {@code multi_turn}. */
    SKIP
  }

  /** OpenAI chat message. */
  @JsonPropertyOrder({"role", "content"})
  public record Message(String role, String content) {}

  /** One OpenAI fine-tuning line. */
  public record OpenAiLine(List<Message> messages) {}

  /** One ShareGPT turn. */
  @JsonPropertyOrder({"from", "value"})
  public record ShareGptTurn(String from, String value) {}

  /** One ShareGPT line; the id is left out when empty. */
  @JsonPropertyOrder({"id", "conversations"})
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ShareGptLine(String id, List<ShareGptTurn> conversations) {}

  /** One Alpaca line; {@code history} only with {@link MultiTurn#HISTORY} and earlier exchanges. */
  @JsonPropertyOrder({"instruction", "input", "output", "history"})
  public record AlpacaLine(
      String instruction, String input, String output, @JsonInclude(JsonInclude.Include.NON_NULL) List<List<String>> history) {}

  static OpenAiLine openai(List<String> turns, String system) {
    List<Message> ms = new ArrayList<>();
    if (system != null) ms.add(new Message("system", system));
    for (int i = 0; i < turns.size(); i++) ms.add(new Message(i % 2 == 0 ? "user" : "assistant", turns.get(i)));
    return new OpenAiLine(ms);
  }

  static ShareGptLine sharegpt(String id, List<String> turns, String system) {
    List<ShareGptTurn> ts = new ArrayList<>();
    if (system != null) ts.add(new ShareGptTurn("system", system));
    for (int i = 0; i < turns.size(); i++) ts.add(new ShareGptTurn(i % 2 == 0 ? "human" : "gpt", turns.get(i)));
    return new ShareGptLine(id, ts);
  }

  /** Null when {@code mode} is SKIP and the conversation has more than one exchange. */
  static AlpacaLine alpaca(List<String> turns, MultiTurn mode) {
    int n = turns.size();
    String output = n % 2 == 0 ? turns.get(n - 1) : "";
    int lastUser = n % 2 == 0 ? n - 2 : n - 1;
    if (lastUser == 0) return new AlpacaLine(turns.get(0), "", output, null);
    return switch (mode) {
      case SKIP -> null;
      case FIRST -> new AlpacaLine(turns.get(0), "", turns.get(1), null);
      case HISTORY -> {
        List<List<String>> h = new ArrayList<>();
        for (int i = 0; i < lastUser; i += 2) h.add(List.of(turns.get(i), turns.get(i + 1)));
        yield new AlpacaLine(turns.get(lastUser), "", output, h);
      }
      case FOLD -> {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lastUser; i++) {
          if (i > 0) sb.append("\n\n");
          sb.append(i % 2 == 0 ? "User: " : "Assistant: ").append(turns.get(i));
        }
        yield new AlpacaLine(turns.get(lastUser), sb.toString(), output, null);
      }
    };
  }
}
