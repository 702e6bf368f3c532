package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lima.core.Verdict;
import org.junit.jupiter.api.Test;

class LockedFilterTest {
  @Test
  void dropsLockedOrDeletedPostsWhenTheDumpMarksThem() throws Exception {
    Read r = readAll(doc("  <row Id=\"1\" PostTypeId=\"1\" Title=\"t\" LockedDate=\"2020-01-01T00:00:00.000\" />", answer(2, 1, 30, "<p>a</p>")));
    var f = new LockedFilter();
    assertEquals(Verdict.drop("locked_or_deleted"), f.test(pair(r.posts().get(0), r.posts().get(1), "x")));
    Post deletedAnswer = new Post(2, 2, 1, 0, 20, -1, null, "<p>a</p>", List.of(), false, false, true, null, false, 2);
    assertEquals(Verdict.drop("locked_or_deleted"), f.test(pair(q(1, 1, "t"), deletedAnswer, "x")));
    assertEquals(Verdict.KEEP, f.test(pair("x")));
  }
}
