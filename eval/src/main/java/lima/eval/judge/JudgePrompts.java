package lima.eval.judge;

/**
 * The judge prompts, written for lima in the spirit of the LIMA paper's evaluation (Section 3 and
 * Appendix of the paper: pairwise "significantly better or neither", the Fail/Pass/Excellent
 * analysis, the 1-6 helpfulness scale of the ablations). Change a wording only together with its id.
 */
public final class JudgePrompts {
  private JudgePrompts() {}

  static final String SYSTEM = "You are a careful, impartial judge of answers written by AI assistants.";

  /** Pairwise preference: which of two responses is significantly better, or neither. */
  public static final JudgePrompt PAIRWISE =
      new JudgePrompt(
          "pairwise-v1",
          SYSTEM,
          """
          Below is a question a user asked an AI assistant, followed by two responses to it. Decide whether \
          one response is significantly better than the other, or whether neither is.

          Judge the responses as the person who asked would: does the response do what was asked, is it \
          correct, complete and clear, is it helpful and written in a suitable style? Do not let the order \
          in which the responses appear, their length or their formatting sway you by themselves: a longer \
          response is better only when what it adds helps. If the two are of similar quality, or their \
          strengths balance out, the verdict is neither.

          [Question]
          {question}

          [Response 1]
          {response_1}

          [Response 2]
          {response_2}

          First explain your reasoning in a few sentences. Then write your verdict on the last line, exactly \
          one of:
          Verdict: Response 1
          Verdict: Response 2
          Verdict: Neither""");

  /** Absolute rating of one response (the paper's Figure 3 analysis). */
  public static final JudgePrompt ABSOLUTE =
      rating(
          "absolute-v1",
          """
          the response with one of three labels:
          - Fail: the response does not meet the requirements of the question (it is wrong, irrelevant, \
          unsafe without need, or leaves out what was asked).
          - Pass: the response meets the requirements of the question.
          - Excellent: the response meets the requirements and is excellent: correct, complete, clear and \
          as helpful as one could wish.""",
          """
          First explain your reasoning in a few sentences. Then write your rating on the last line, exactly \
          one of:
          Rating: Fail
          Rating: Pass
          Rating: Excellent""");

  /** The ablations' 1-6 helpfulness scale (wording from ../shared/LIMA.md, section 4). */
  public static final JudgePrompt LIKERT =
      rating(
          "likert-v1",
          """
          how helpful the response is on a scale from 1 to 6:
          1 = not helpful: the response is irrelevant, unclear or incomplete.
          2 = slightly helpful: it touches the question but leaves most of it unanswered or is hard to follow.
          3 = moderately helpful: relevant, clear and complete, but lacks detail.
          4 = helpful: relevant, clear, complete and with useful detail.
          5 = very helpful: complete and detailed, with some insight, and well organised.
          6 = highly helpful: complete, detailed, insightful and well organised, with headings or lists \
          where they help.""",
          """
          First reason about the response step by step. Then write the rating, the number alone, on the \
          last line.""");

  /**
   * A prompt rating one response: the question and the response between the same opening ("... Rate "
   * followed by {@code scale}) and {@code answer}, the instructions for the rating's form.
   */
  private static JudgePrompt rating(String id, String scale, String answer) {
    return new JudgePrompt(
        id,
        SYSTEM,
        "Below is a question a user asked an AI assistant and the assistant's response. Rate "
            + scale
            + "\n\n[Question]\n{question}\n\n[Response]\n{response}\n\n"
            + answer);
  }
}
