package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lima.core.Verdict;
import org.junit.jupiter.api.Test;

class CommunityWikiFilterTest {
  @Test
  void dropsCommunityWikiQuestionOrAnswer() {
    Post cwQ = new Post(1, 1, 0, 0, 10, 1, "List of tips?", "<p>b</p>", List.of(), false, true, false, null, false, 1);
    Post cwA = new Post(2, 2, 1, 0, 20, -1, null, "<p>a</p>", List.of(), false, true, false, null, false, 2);
    var f = new CommunityWikiFilter();
    assertEquals(Verdict.drop("community_wiki"), f.test(pair(cwQ, a(2, 1, 20), "x")));
    assertEquals(Verdict.drop("community_wiki"), f.test(pair(q(1, 10, "t"), cwA, "x")));
    assertEquals(Verdict.KEEP, f.test(pair("x")));
  }
}
