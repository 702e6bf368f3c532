package lima.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lima.curate.reddit.RedditCurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima curate reddit}: Pushshift dumps to prompt/story pairs or test prompts. */
@Command(
    name = "reddit",
    mixinStandardHelpOptions = true,
    description = {
      "Pair the most upvoted submissions of a subreddit with their best top-level comment (r/WritingPrompts), or with"
          + " --prompts-only keep self-contained title-only questions as test prompts (r/AskReddit).",
      "Inputs: Pushshift RS_*.zst / RC_*.zst, <Sub>_submissions.zst / <Sub>_comments.zst (zstd, window up to 2^31),"
          + " or plain .ndjson/.jsonl. Two streaming passes, memory bounded by the candidate count."
    })
public final class RedditCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Submission and comment dumps.")
  List<Path> files;

  @Option(names = "--subreddit", required = true, paramLabel = "NAME", description = "Subreddit to read, e.g. WritingPrompts or AskReddit (case-insensitive).")
  String subreddit;

  @Option(names = "--prompts-only", description = "Test-prompt mode: title-only questions, no comments (writes a LIMA test prompt file).")
  boolean promptsOnly;

  @Option(names = "--count", paramLabel = "N", description = "Examples to write (default 150; 70 with --prompts-only).")
  Integer count;

  @Option(names = "--candidate-factor", defaultValue = "4", description = "Pass 1 keeps count x this many submissions as candidates (default ${DEFAULT-VALUE}).")
  int candidateFactor;

  @Option(names = "--min-prompt-chars", paramLabel = "N", description = "Shortest prompt (default 20; 15 with --prompts-only).")
  Integer minPromptChars;

  @Option(names = "--max-prompt-chars", paramLabel = "N", description = "Longest prompt (default 600; 300 with --prompts-only).")
  Integer maxPromptChars;

  @Option(names = "--min-story-chars", defaultValue = "300", description = "Shortest story comment (default ${DEFAULT-VALUE}).")
  int minStoryChars;

  @Option(names = "--max-story-chars", defaultValue = "4000", description = "Longest story comment (default ${DEFAULT-VALUE}).")
  int maxStoryChars;

  @Option(names = "--min-comment-score", defaultValue = "1", description = "Lowest score of a story comment (default ${DEFAULT-VALUE}).")
  long minCommentScore;

  @Option(names = "--source", paramLabel = "NAME", description = "The examples' source field (default: the subreddit in lower case, e.g. writingprompts, askreddit).")
  String source;

  @Override
  public Integer call() throws Exception {
    RedditCurator.Config d = promptsOnly ? RedditCurator.Config.testPrompts(subreddit) : RedditCurator.Config.writingPrompts(subreddit);
    var c =
        new RedditCurator.Config(
            subreddit,
            promptsOnly,
            count != null ? count : d.count(),
            promptsOnly ? 1 : candidateFactor,
            minPromptChars != null ? minPromptChars : d.minPromptChars(),
            maxPromptChars != null ? maxPromptChars : d.maxPromptChars(),
            promptsOnly ? 0 : minStoryChars,
            promptsOnly ? 0 : maxStoryChars,
            promptsOnly ? 0 : minCommentScore,
            source);
    RedditCurator.Result r = RedditCurator.run(c, files, run.toRunOptions(), run.ifChanged);
    return run.report(
        r,
        () ->
            String.format(
                Locale.ROOT,
                "kept %,d %s from %,d submissions and %,d comments (%,d MB decompressed) -> %s",
                r.kept(), promptsOnly ? "prompts" : "pairs", r.submissions(), r.comments(), r.decompressedBytes() >> 20, r.out()));
  }
}
