package lima.eval.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Hashing;
import lima.core.Json;
import lima.core.JsonlWriter;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.AbsoluteEval;
import lima.eval.Responses;
import lima.eval.judge.ChatClient;
import lima.eval.judge.JudgeCache;
import lima.eval.judge.JudgeException;
import lima.eval.judge.JudgeOptions;

/**
 * {@code lima eval dialogue run}: the LIMA paper's dialogue study (section 6, Figure 7) as a runner. Each
 * opening prompt starts a conversation; the model answers, the next user turn comes from a scripted
 * file or from an OpenAI-compatible "user" model, for up to {@code turns} assistant turns. Every
 * assistant turn becomes one row to rate Fail / Pass / Excellent, with the conversation before it as
 * context: {@code turns.prompts.jsonl} + {@code turns.responses.jsonl} (what {@code lima eval
 * absolute} and a judge read) and {@code sheet.csv} (for people; read back by {@code lima eval dialogue
 * rate}).
 *
 * <p>The assistant is given as an {@link Assistant} (the CLI passes the train module's generator).
 * Seeds are per conversation and turn, so a conversation never depends on the others.
 */
public final class DialogueRun {
  private DialogueRun() {}

  public static final String DIALOGUES = "dialogues.jsonl";
  public static final String TURN_PROMPTS = "turns.prompts.jsonl";
  public static final String TURN_RESPONSES = "turns.responses.jsonl";
  public static final String SHEET = "sheet.csv";

  /** The system message of the "user" model. */
  public static final String USER_SYSTEM =
      "You are the user in a conversation with an AI assistant. Play the user: read the conversation so far and write the user's next message only,"
          + " as that person would write it (a follow-up on the same topic, a clarification, or a new related request). Do not answer as the assistant"
          + " and do not add any label or commentary.";

  /** Writes the next assistant turn of a conversation (user first, odd number of turns); null when it no longer fits the context. */
  @FunctionalInterface
  public interface Assistant {
    String reply(List<String> turns, long seed) throws IOException;
  }

  /** The next user message of conversation {@code id}, given the turns so far (even count); null ends it. */
  @FunctionalInterface
  public interface UserTurns {
    String next(String id, List<String> turns, long seed) throws IOException, InterruptedException;
  }

  /** Counts; {@code endedEarly}: conversations that stopped before {@code turns} (no user turn, or the context was full). */
  public record Result(int conversations, int assistantTurns, int endedEarly) {}

  /**
   * Scripted user turns: JSON Lines {@code {"id": OPENING_ID, "turns": [second user message, third, ...]}}.
   * A conversation without (more) scripted turns ends there.
   */
  public static UserTurns fromFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new UserException(file + ": no such user-turns file");
    Map<String, List<String>> byId = new LinkedHashMap<>();
    Json.forEachLine(file, (no, n) -> {
      if (n == null || !n.path("id").isValueNode() || !n.path("turns").isArray()) throw BadInputException.at(file, no, "expected {\"id\": ..., \"turns\": [user messages]}");
      List<String> t = new ArrayList<>();
      for (JsonNode x : n.get("turns")) {
        if (!x.isTextual()) throw BadInputException.at(file, no, "\"turns\" must hold strings only");
        t.add(x.asText());
      }
      if (byId.put(n.get("id").asText(), t) != null) throw BadInputException.at(file, no, "id \"" + n.get("id").asText() + "\" appears twice");
    });
    return (id, turns, seed) -> {
      List<String> t = byId.get(id);
      int k = turns.size() / 2 - 1; // the k-th scripted turn follows the (k+1)-th assistant turn
      return t == null || k >= t.size() ? null : t.get(k);
    };
  }

  /** A user model behind an OpenAI-compatible endpoint (answers cached in {@code cache}); close the returned client. */
  public static ModelUser fromModel(JudgeOptions options, Path cache, double temperature) throws IOException {
    return new ModelUser(options, cache, temperature);
  }

  /** The user model's turns; holds a client and its cache. */
  public static final class ModelUser implements UserTurns, AutoCloseable {
    private final JudgeCache cache;
    private final ChatClient client;
    private final double temperature;
    private final String model;

    ModelUser(JudgeOptions o, Path cacheFile, double temperature) throws IOException {
      this.cache = new JudgeCache(cacheFile);
      this.client = new ChatClient(o, cache);
      this.temperature = temperature;
      this.model = o.model();
    }

    @Override
    public String next(String id, List<String> turns, long seed) throws IOException, InterruptedException {
      String user = "The conversation so far:\n\n" + transcript(turns) + "\n\nWrite the user's next message.";
      try {
        String s = client.complete(client.body(USER_SYSTEM, user, temperature, (int) (seed & 0x7fffffff))).content().strip();
        return s.isEmpty() ? null : s;
      } catch (JudgeException e) {
        throw new UserException("user model " + model + " failed on conversation " + id + ": " + e.getMessage(), lima.core.ExitCodes.DATA);
      }
    }

    @Override
    public void close() throws IOException {
      client.close();
      cache.close();
    }
  }

  /** "User: ...\n\nAssistant: ..." for the turns given (user first). */
  public static String transcript(List<String> turns) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < turns.size(); i++) {
      if (i > 0) sb.append("\n\n");
      sb.append(i % 2 == 0 ? "User: " : "Assistant: ").append(turns.get(i));
    }
    return sb.toString();
  }

  public static Result run(Path openings, int turns, Assistant assistant, UserTurns users, String userSource, String name, RunDir.Options o) throws IOException, InterruptedException {
    if (turns < 1) throw new UserException("--turns must be >= 1, got " + turns);
    List<Example> open = ExampleReader.readAll(openings);
    if (open.isEmpty()) throw new UserException(openings + ": no opening prompt");
    int assistantTurns = 0, early = 0;
    try (RunDir run = RunDir.open(o)) {
      run.input(openings);
      run.config("turns", turns).config("name", name).config("user", userSource);
      try (JsonlWriter dialogues = run.jsonl(DIALOGUES);
          JsonlWriter prompts = run.jsonl(TURN_PROMPTS);
          JsonlWriter responses = run.jsonl(TURN_RESPONSES)) {
        for (Example e : open) {
          List<String> conv = new ArrayList<>();
          conv.add(e.prompt());
          String stop = "turns";
          for (int t = 1; t <= turns; t++) {
            String reply = assistant.reply(List.copyOf(conv), Hashing.key(run.seed(), "dialogue/" + e.id() + "/assistant/" + t));
            if (reply == null) {
              if (conv.size() > 1) conv.remove(conv.size() - 1); // the user turn that did not fit
              stop = "context_full";
              early++;
              break;
            }
            String tid = e.id() + "/" + t;
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("id", tid);
            p.put("conversations", List.of(turnPrompt(conv, t)));
            prompts.write(p);
            responses.write(Map.of("id", tid, "response", reply));
            conv.add(reply);
            assistantTurns++;
            if (t == turns) break;
            String next = users.next(e.id(), List.copyOf(conv), Hashing.key(run.seed(), "dialogue/" + e.id() + "/user/" + (t + 1)));
            if (next == null || next.isBlank()) {
              stop = "no_user_turn";
              early++;
              break;
            }
            conv.add(next);
          }
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("id", e.id());
          d.put("model", name);
          d.put("conversations", conv);
          d.put("assistant_turns", conv.size() / 2);
          d.put("stop", stop);
          d.put("user", userSource);
          dialogues.write(d);
          run.stats().add("dialogue", "conversations", 1);
        }
        dialogues.commit();
        prompts.commit();
        responses.commit();
      }
      run.stats().add("dialogue", "assistant_turns", assistantTurns);
      run.stats().add("dialogue", "ended_early", early);
      int rows = AbsoluteEval.exportSheet(run.file(TURN_PROMPTS), List.of(Responses.read(run.file(TURN_RESPONSES), name)), run.file(SHEET), true);
      run.stats().add("dialogue", "sheet_rows", rows);
      run.finish("eval dialogue run", List.of(DIALOGUES, TURN_PROMPTS, TURN_RESPONSES, SHEET), null);
    }
    return new Result(open.size(), assistantTurns, early);
  }

  /** What a rater (or judge) sees for assistant turn {@code t}: the conversation so far, ending with the user's message. */
  static String turnPrompt(List<String> conv, int t) {
    if (conv.size() == 1) return conv.get(0);
    return "(Turn " + t + " of a conversation; rate only the assistant's reply to the last user message, in the light of the conversation so far.)\n\n" + transcript(conv);
  }
}
