package lima.curate.stackexchange;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionedJoinTest {
  @TempDir Path tmp;

  private static Post question(long id, long accepted) {
    return new Post(id, 1, 0, accepted, 5, 2, "Title " + id, "<p>q" + id + "</p>", List.of("a", "b"), id % 7 == 0, false, false, "CC BY-SA 4.0", false, id);
  }

  private static Post answer(long id, long parent, int score) {
    return new Post(id, 2, parent, 0, score, -1, null, "<p>answer " + id + " é</p>", List.of(), false, id % 5 == 0, false, null, false, id);
  }

  private static Map<Long, Long> joinAll(PartitionedJoin j) throws Exception {
    j.finishWriting();
    Map<Long, Long> out = new HashMap<>();
    for (int p = 0; p < j.partitions(); p++)
      j.join(p, x -> out.put(x.question().id(), x.answer() == null ? -1 : x.answer().id()));
    return out;
  }

  @Test
  void picksTheTopScoredAnswerWithTheTieRule() throws Exception {
    try (PartitionedJoin j = new PartitionedJoin(tmp.resolve("s"), 8)) {
      j.addAnswer(answer(11, 10, 12)); // answers may come before their question
      j.addQuestion(question(10, 0));
      j.addAnswer(answer(12, 10, 30));
      j.addAnswer(answer(13, 10, 30)); // tie with 12: lowest id wins (no accepted answer)
      j.addQuestion(question(20, 23));
      j.addAnswer(answer(22, 20, 15));
      j.addAnswer(answer(23, 20, 15)); // tie with 22: the accepted answer wins
      j.addQuestion(question(30, 0)); // no candidate answer
      Map<Long, Long> got = joinAll(j);
      assertEquals(Map.of(10L, 12L, 20L, 23L, 30L, -1L), got);
    }
  }

  @Test
  void roundTripsEveryField() throws Exception {
    try (PartitionedJoin j = new PartitionedJoin(tmp.resolve("r"), 3)) {
      Post q = question(14, 0);
      Post a = answer(15, 14, 11);
      j.addQuestion(q);
      j.addAnswer(a);
      j.finishWriting();
      List<PartitionedJoin.Joined> got = new ArrayList<>();
      for (int p = 0; p < 3; p++) j.join(p, got::add);
      assertEquals(1, got.size());
      assertEquals(q, got.get(0).question());
      assertEquals(a, got.get(0).answer());
    }
  }

  @Test
  void carriesTheTopAnswersMarkdownGivenWhileReading() throws Exception {
    try (PartitionedJoin j = new PartitionedJoin(tmp.resolve("m"), 2)) {
      j.addQuestion(question(40, 0));
      j.addAnswer(answer(41, 40, 12), "answer 41 é *md*");
      j.addAnswer(answer(42, 40, 20), "answer 42 **md**");
      j.addQuestion(question(50, 0));
      j.addAnswer(answer(51, 50, 12)); // no Markdown given
      j.finishWriting();
      Map<Long, String> md = new HashMap<>();
      Map<Long, Post> answers = new HashMap<>();
      for (int p = 0; p < 2; p++)
        j.join(
            p,
            x -> {
              md.put(x.question().id(), x.answerMarkdown());
              answers.put(x.question().id(), x.answer());
            });
      assertEquals("answer 42 **md**", md.get(40L));
      assertEquals(answer(42, 40, 20), answers.get(40L), "the answer itself round-trips beside its Markdown");
      assertTrue(md.containsKey(50L));
      assertNull(md.get(50L));
      assertEquals(51L, answers.get(50L).id());
    }
  }

  @Test
  void agreesWithAnInMemoryJoinOnRandomInput() throws Exception {
    long seed = 99;
    System.out.println("PartitionedJoinTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    Map<Long, long[]> expected = new HashMap<>(); // question -> {best answer id, best score}
    try (PartitionedJoin j = new PartitionedJoin(tmp.resolve("x"), 5)) {
      long id = 1;
      List<Long> questions = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        if (questions.isEmpty() || r.nextInt(3) == 0) {
          long q = id++;
          questions.add(q);
          j.addQuestion(question(q, 0));
          expected.put(q, new long[] {-1, Long.MIN_VALUE});
        } else {
          long parent = questions.get(r.nextInt(questions.size()));
          int score = r.nextInt(40);
          long a = id++;
          j.addAnswer(answer(a, parent, score));
          long[] e = expected.get(parent);
          if (score > e[1]) {
            e[0] = a;
            e[1] = score;
          }
        }
      }
      Map<Long, Long> got = joinAll(j);
      Map<Long, Long> want = new HashMap<>();
      expected.forEach((q, e) -> want.put(q, e[0]));
      assertEquals(want, got);
    }
  }

  @Test
  void partitionCountDependsOnInputSizeOnly() {
    assertEquals(PartitionedJoin.MIN_PARTITIONS, PartitionedJoin.partitionsFor(1000));
    assertEquals(PartitionedJoin.MAX_PARTITIONS, PartitionedJoin.partitionsFor(Long.MAX_VALUE / 2));
    assertEquals(9, PartitionedJoin.partitionsFor(9 * PartitionedJoin.BYTES_PER_PARTITION));
  }
}
