package lima.curate.reddit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleFilter;
import lima.core.JsonlWriter;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.Settings;
import lima.core.RunResult;
import lima.core.Stage;
import lima.core.StageDriver;
import lima.core.UserException;

/**
 * {@code lima curate reddit}: Pushshift dumps to LIMA examples, in bounded memory.
 *
 * <p>Writing-prompts mode, two streaming passes: pass 1 reads the submissions and keeps only the best
 * {@code count * candidateFactor} eligible ones in a min-heap ordered by (score, id); pass 2 reads the
 * comments and keeps, per candidate, only its best eligible top-level comment ({@code parent_id ==
 * link_id == "t3_" + id}). Memory is O(candidates), independent of the dump size. The most upvoted
 * candidates that found a story become examples.
 *
 * <p>Test-prompt mode ({@code promptsOnly}): one pass over the submissions keeps the {@code count}
 * most upvoted self-contained title-only questions, written as a LIMA test prompt file.
 */
public final class RedditCurator {
  public static final String COMMAND = "curate reddit";

  /** Configuration; see docs/curate-reddit.md for the defaults and why. */
  public record Config(
      String subreddit,
      boolean promptsOnly,
      int count,
      int candidateFactor,
      int minPromptChars,
      int maxPromptChars,
      int minStoryChars,
      int maxStoryChars,
      long minCommentScore,
      String source) {
    public Config {
      if (subreddit == null || subreddit.isBlank()) throw new UserException("--subreddit is required");
      if (count < 1) throw new UserException("--count must be >= 1, got " + count);
      if (candidateFactor < 1) throw new UserException("--candidate-factor must be >= 1, got " + candidateFactor);
      if (minPromptChars < 0 || maxPromptChars < minPromptChars)
        throw new UserException("bad prompt length bounds: " + minPromptChars + ".." + maxPromptChars);
      if (minStoryChars < 0 || maxStoryChars < minStoryChars)
        throw new UserException("bad story length bounds: " + minStoryChars + ".." + maxStoryChars);
      subreddit = subreddit.replaceFirst("^/?r/", "");
      if (source == null || source.isBlank()) source = subreddit.toLowerCase(Locale.ROOT);
    }

    /** Defaults for writing-prompts mode (r/WritingPrompts, 150 pairs). */
    public static Config writingPrompts(String subreddit) {
      return new Config(subreddit, false, 150, 4, 20, 600, 300, 4000, 1, null);
    }

    /** Defaults for test-prompt mode (r/AskReddit, 70 prompts). */
    public static Config testPrompts(String subreddit) {
      return new Config(subreddit, true, 70, 1, 15, 300, 0, 0, 0, null);
    }

    /** The submission filters, in the order they run. */
    List<RedditFilter> submissionFilters() {
      List<RedditFilter> f = new ArrayList<>(List.of(new ModerationFilter(), new PromptTagFilter()));
      if (promptsOnly) f.add(new SelfContainedQuestionFilter());
      f.add(new TextLengthFilter(TextLengthFilter.PROMPT, minPromptChars, maxPromptChars));
      return f;
    }

    /** The comment (story) filters, in the order they run. */
    List<RedditFilter> commentFilters() {
      return List.of(new TopLevelCommentFilter(), new ModerationFilter(), new CommentScoreFilter(minCommentScore), new TextLengthFilter(TextLengthFilter.STORY, minStoryChars, maxStoryChars));
    }

    Map<String, Object> describe() {
      return Settings.describe(this);
    }
  }

  /** What a run did. */
  public record Result(boolean upToDate, long submissions, long comments, long kept, long bytesRead, long decompressedBytes, Path out, String shortfall)
      implements RunResult {}

  /** A kept submission (a candidate prompt). */
  record Candidate(String id, String title, String prompt, List<String> tags, long score, long created, String permalink) {}

  /** The best story found so far for a candidate. */
  record Story(String id, String author, String text, long score, long created) {}

  /** Orders worst first: lower score, then larger id (so the same set survives whatever the input order). */
  static final Comparator<Candidate> WORST_FIRST = Comparator.comparingLong(Candidate::score).thenComparing(Candidate::id, Comparator.reverseOrder());

  private RedditCurator() {}

  public static Result run(Config c, List<Path> inputs, RunDir.Options options, boolean ifChanged) throws IOException {
    if (inputs.isEmpty()) throw new UserException("no input files");
    for (Path p : inputs) if (!Files.isRegularFile(p)) throw new UserException(p + ": no such file");
    List<Path> subs = new ArrayList<>(), coms = new ArrayList<>();
    for (Path p : inputs) {
      switch (PushshiftReader.kindOf(p)) {
        case SUBMISSIONS -> subs.add(p);
        case COMMENTS -> coms.add(p);
        case UNKNOWN -> {
          subs.add(p);
          coms.add(p);
        }
      }
    }
    if (subs.isEmpty()) throw new UserException("no submissions file among the inputs (expected RS_*.zst or <Sub>_submissions.zst)");
    if (!c.promptsOnly() && coms.isEmpty()) throw new UserException("no comments file among the inputs (expected RC_*.zst or <Sub>_comments.zst); --prompts-only needs none");
    return StageDriver.run(
        new StageDriver.Spec(COMMAND, c.describe(), inputs),
        options,
        ifChanged,
        () -> new Result(true, 0, 0, 0, 0, 0, options.out(), null),
        run -> curate(c, subs, coms, options, run));
  }

  private static Result curate(Config c, List<Path> subs, List<Path> coms, RunDir.Options options, RunDir run) throws IOException {
    String sub = c.subreddit().toLowerCase(Locale.ROOT);
    int capacity = c.promptsOnly() ? c.count() : c.count() * c.candidateFactor();
    List<RedditFilter> submissionFilters = c.submissionFilters();
    List<RedditFilter> commentFilters = c.commentFilters();
    PriorityQueue<Candidate> heap = new PriorityQueue<>(capacity + 1, WORST_FIRST);
    long[] counters = new long[4]; // submissions, comments, compressed bytes, decompressed bytes

    // pass 1: submissions -> bounded heap of candidates
    pass("reddit submissions", "submissions", subs, p -> PushshiftReader.kindOf(p) != PushshiftReader.FileKind.COMMENTS, c, run, counters, 0,
        t -> {
          if (t.kind() != RedditThing.Kind.SUBMISSION) return;
          counters[0]++;
          if (!sub.equals(t.subreddit() == null ? "" : t.subreddit().toLowerCase(Locale.ROOT))) {
            run.stats().inc("submissions", "other_subreddit");
            return;
          }
          run.stats().inc("submissions", "in_subreddit");
          String title = RedditFilters.text(t.title()).replaceAll("\\s+", " ");
          PromptTags.Stripped st = PromptTags.strip(title);
          ExampleFilter.Rejection r = ExampleFilter.firstDrop(submissionFilters, new RedditFilter.Candidate(t, st.text(), st.tags()));
          if (r != null) {
            // rejects list the drops that would have ranked among the candidates when read;
            // the others are only counted (a month of AskReddit has millions)
            if (heap.size() < capacity || t.score() > heap.peek().score())
              run.drop("t3_" + t.id(), r, Map.of("score", t.score(), "title", title));
            else run.stats().inc(r.filter(), r.drop().reason());
            return;
          }
          Candidate cand = new Candidate(t.id(), title, st.text(), st.tags(), t.score(), t.createdUtc(), t.permalink());
          heap.add(cand);
          if (heap.size() > capacity) {
            heap.poll();
            run.stats().inc("candidates", "below_top_candidates");
          }
        });
    run.stats().add("read", "submissions", counters[0]);
    run.stats().add("candidates", "kept", heap.size());
    if (counters[0] == 0 && run.badRecords() > 0)
      throw new BadInputException("no submission could be read (" + run.badRecords() + " malformed records; see " + run.file(RunDir.REJECTS) + ")");

    List<Candidate> ranked = new ArrayList<>(heap);
    ranked.sort(WORST_FIRST.reversed());
    long kept = 0;
    if (c.promptsOnly()) {
      if (!coms.isEmpty()) run.stats().note("comments_ignored", "--prompts-only reads submissions only; " + coms.size() + " comment file(s) not read");
      try (JsonlWriter out = run.jsonl(RunDir.EXAMPLES)) {
        for (Candidate cand : ranked) {
          Map<String, Object> meta = meta(c, cand);
          out.write(new Example(c.source() + "/" + cand.id(), c.source(), List.of(cand.prompt()), meta));
          kept++;
        }
        out.commit();
      }
    } else {
      // pass 2: comments -> best top-level story per candidate
      Map<String, Candidate> byLink = new HashMap<>();
      for (Candidate cand : ranked) byLink.put("t3_" + cand.id(), cand);
      Map<String, Story> best = new HashMap<>();
      pass("reddit comments", "comments", coms, p -> PushshiftReader.kindOf(p) == PushshiftReader.FileKind.COMMENTS, c, run, counters, 1,
          t -> {
            if (t.kind() != RedditThing.Kind.COMMENT) return;
            counters[1]++;
            if (t.linkId() == null || !byLink.containsKey(t.linkId())) {
              run.stats().inc("comments", "not_on_a_candidate");
              return;
            }
            String text = RedditFilters.text(t.body());
            ExampleFilter.Rejection r = ExampleFilter.firstDrop(commentFilters, new RedditFilter.Candidate(t, text, List.of()));
            if (r != null) {
              // comments are counted, not written to rejects (a month of comments is large)
              run.stats().inc("comment_filter", r.drop().reason());
              return;
            }
            run.stats().inc("comments", "eligible_story");
            Story s = new Story(t.id(), t.author(), text, t.score(), t.createdUtc());
            best.merge(t.linkId(), s, RedditCurator::better);
          });
      run.stats().add("read", "comments", counters[1]);
      try (JsonlWriter out = run.jsonl(RunDir.EXAMPLES)) {
        for (Candidate cand : ranked) {
          if (kept >= c.count()) {
            run.stats().inc("pairs", "beyond_count");
            continue;
          }
          Story s = best.get("t3_" + cand.id());
          if (s == null) {
            run.reject("t3_" + cand.id(), Stage.PAIR, "no_story", Map.of("score", cand.score(), "title", cand.title()));
            continue;
          }
          Map<String, Object> meta = meta(c, cand);
          meta.put("comment_id", s.id());
          meta.put("comment_score", s.score());
          if (s.author() != null) meta.put("comment_author", s.author());
          out.write(Example.of(c.source() + "/" + cand.id(), c.source(), cand.prompt(), s.text(), meta));
          kept++;
        }
        out.commit();
      }
    }
    run.stats().add("output", "examples", kept);
    run.stats().add("bytes", "compressed", counters[2]);
    run.stats().add("bytes", "decompressed", counters[3]);
    run.stats().note("memory", "bounded: pass 1 keeps at most " + capacity + " candidate submissions; pass 2 one best comment per candidate");
    String shortfall = kept < c.count() ? "asked for " + c.count() + " " + (c.promptsOnly() ? "prompts" : "pairs") + ", found " + kept : null;
    if (shortfall != null) run.stats().note("short", shortfall);
    return new Result(false, counters[0], counters[1], kept, counters[2], counters[3], options.out(), shortfall);
  }

  /**
   * One streaming pass over {@code files} with progress: each record goes to {@code sink}; bad records are
   * reported by the files this pass owns ({@code owns}) only, so a file read in both passes reports them
   * once. Counts into {@code counters}: [{@code index}] records, [2] compressed and [3] decompressed bytes.
   */
  private static void pass(String label, String what, List<Path> files, java.util.function.Predicate<Path> owns, Config c, RunDir run, long[] counters, int index, PushshiftReader.Sink sink)
      throws IOException {
    long total = 0;
    for (Path p : files) total += Files.size(p);
    try (Progress pr = Progress.bytes(label, total)) {
      long base = 0;
      for (Path p : files) {
        final long b = base;
        var fr = PushshiftReader.read(p, c.subreddit(), sink, owns.test(p) ? run::badRecord : (w, r, x) -> {}, n -> pr.update(b + n, counters[index]));
        counters[2] += Files.size(p);
        counters[3] += fr.decompressedBytes();
        run.stats().add(what, "lines_without_subreddit_name", fr.skipped());
        counters[index] += fr.skipped(); // not parsed, so not split by kind: a count of lines
        base += Files.size(p);
      }
    }
  }

  /** Higher score wins; ties go to the earlier comment, then the smaller id (order-independent). */
  static Story better(Story a, Story b) {
    if (a.score() != b.score()) return a.score() > b.score() ? a : b;
    if (a.created() != b.created()) return a.created() < b.created() ? a : b;
    return String.valueOf(a.id()).compareTo(String.valueOf(b.id())) <= 0 ? a : b;
  }

  private static Map<String, Object> meta(Config c, Candidate cand) {
    Map<String, Object> m = new TreeMap<>();
    m.put("subreddit", c.subreddit());
    m.put("submission_id", cand.id());
    m.put("score", cand.score());
    m.put("created_utc", cand.created());
    if (!cand.tags().isEmpty()) m.put("tags", cand.tags());
    if (cand.permalink() != null) m.put("url", "https://www.reddit.com" + cand.permalink());
    m.put("title", cand.title());
    return m;
  }
}
