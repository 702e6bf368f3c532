package lima.curate.stackexchange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleFilter;
import lima.core.JsonlWriter;
import lima.core.RunDir;
import lima.core.Verdict;

/**
 * {@code lima curate stackexchange --dialogues N}: after the usual pipeline, for each dump, the passing
 * pairs' authors (OwnerUserId, a second light pass over Posts.xml) and the comments under their answers
 * (Comments.xml) become {@link DialogueChain}s. Chains are ranked by length (turns), then question score,
 * site and question id, and the first N are written (0: all). A dump without Comments.xml is a bad
 * record (warning) and gives no chains.
 */
final class DialogueChains {
  private DialogueChains() {}

  static final String FILTER = "dialogue";

  static long write(StackExchangeCurator curator, List<DumpSource> dumps, int n, StackExchangeConfig cfg, RunDir run) throws IOException {
    OtherAnswersFilter other = new OtherAnswersFilter(cfg.referencePhrases());
    List<Example> chains = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (DumpSource d : dumps) {
      if (!done.add(d.site())) continue;
      List<Example> pairs = curator.passed(d.site());
      if (pairs.isEmpty()) continue;
      Map<Long, Example> byAnswer = new HashMap<>();
      Set<Long> posts = new HashSet<>();
      for (Example e : pairs) {
        long q = num(e, "question_id"), a = num(e, "answer_id");
        byAnswer.put(a, e);
        posts.add(q);
        posts.add(a);
      }
      Map<Long, Long> owner = new HashMap<>();
      Map<Long, List<DialogueChain.Comment>> comments = new HashMap<>();
      try {
        DumpSource.Opened p = d.open();
        try (DumpRows rows = new DumpRows(p.in(), p.name(), Set.of("Id", "OwnerUserId"))) {
          Map<String, String> r;
          while ((r = rows.next()) != null) {
            long id = parse(r.get("Id"));
            if (posts.contains(id)) owner.put(id, parse(r.get("OwnerUserId")));
          }
        }
        DumpSource.Opened c = d.open("Comments.xml");
        try (DumpRows rows = new DumpRows(c.in(), c.name(), Set.of("Id", "PostId", "Text", "CreationDate", "UserId", "UserDisplayName", "ContentLicense"))) {
          Map<String, String> r;
          while ((r = rows.next()) != null) {
            run.stats().inc("dialogue", "comments_read");
            long post = parse(r.get("PostId"));
            if (!byAnswer.containsKey(post)) continue;
            comments.computeIfAbsent(post, k -> new ArrayList<>())
                .add(new DialogueChain.Comment(parse(r.get("Id")), post, parse(r.get("UserId")), r.get("UserDisplayName"), r.get("Text"), r.get("CreationDate"), r.get("ContentLicense")));
          }
        }
      } catch (BadInputException e) {
        String m = e.getMessage();
        boolean noComments = m.contains("Comments.xml") && (m.contains("no such file") || m.contains("holds no"));
        run.badRecord(d.path(), noComments ? "no Comments.xml in or beside this dump; no dialogue chains from it" : m + "; no dialogue chains from this dump", null);
        continue;
      }
      for (Example e : pairs) {
        long q = num(e, "question_id"), a = num(e, "answer_id");
        DialogueChain.Built b = DialogueChain.build(e, owner.getOrDefault(q, 0L), owner.getOrDefault(a, 0L), comments.getOrDefault(a, List.of()), other);
        if (b.example() == null) {
          run.drop(e.id(), new ExampleFilter.Rejection(FILTER, (Verdict.Drop) Verdict.drop(b.reason())), Map.of("site", d.site(), "question_id", q, "answer_id", a));
          continue;
        }
        run.stats().inc("dialogue", "chains");
        run.stats().add("dialogue", "comments_used", b.commentIds().size());
        chains.add(b.example());
      }
    }
    chains.sort(Comparator.<Example>comparingInt(e -> -e.conversations().size())
        .thenComparing(e -> -num(e, "question_score"))
        .thenComparing(e -> String.valueOf(e.meta().get("site")))
        .thenComparingLong(e -> num(e, "question_id")));
    List<Example> chosen = n > 0 && chains.size() > n ? chains.subList(0, n) : chains;
    try (JsonlWriter w = run.jsonl(RunDir.EXAMPLES)) {
      for (Example e : chosen) w.write(e);
      w.commit();
      run.stats().add("output", "written", w.records());
      return w.records();
    }
  }

  private static long num(Example e, String key) {
    Object v = e.meta().get(key);
    return v instanceof Number x ? x.longValue() : 0L;
  }

  private static long parse(String s) {
    if (s == null || s.isBlank()) return 0;
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
