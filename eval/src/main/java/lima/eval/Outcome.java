package lima.eval;

import java.util.Locale;

/** A pairwise result from A's side: A significantly better, neither, or B significantly better. */
public enum Outcome {
  WIN,
  TIE,
  LOSS;

  /** The same judgement seen from B's side. */
  public Outcome flip() {
    return switch (this) {
      case WIN -> LOSS;
      case LOSS -> WIN;
      case TIE -> TIE;
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code win}, {@code tie} or {@code loss} (any case); null for anything else. */
  public static Outcome parse(String s) {
    if (s == null) return null;
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "win" -> WIN;
      case "tie" -> TIE;
      case "loss" -> LOSS;
      default -> null;
    };
  }
}
