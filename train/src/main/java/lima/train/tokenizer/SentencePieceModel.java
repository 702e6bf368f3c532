package lima.train.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.BadInputException;

/**
 * The piece list of a SentencePiece {@code .model} file (a {@code ModelProto}: field 1 holds the pieces,
 * each with its string, score and type), read with a few lines of protobuf decoding because DJL's binding
 * exposes neither the vocabulary size nor the piece types.
 */
record SentencePieceModel(List<String> pieces, List<Integer> types) {
  static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

  static SentencePieceModel read(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    List<String> pieces = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    int[] pos = {0};
    try {
      while (pos[0] < b.length) {
        long key = varint(b, pos);
        int field = (int) (key >>> 3), wire = (int) (key & 7);
        if (field == 1 && wire == 2) {
          int len = (int) varint(b, pos);
          int end = pos[0] + len;
          String piece = null;
          int type = NORMAL;
          while (pos[0] < end) {
            long k = varint(b, pos);
            int f = (int) (k >>> 3), w = (int) (k & 7);
            if (f == 1 && w == 2) {
              int l = (int) varint(b, pos);
              piece = new String(b, pos[0], l, StandardCharsets.UTF_8);
              pos[0] += l;
            } else if (f == 3 && w == 0) {
              type = (int) varint(b, pos);
            } else {
              skip(b, pos, w);
            }
          }
          if (piece == null) throw new IOException("a piece without text");
          pieces.add(piece);
          types.add(type);
        } else {
          skip(b, pos, wire);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(file + ": not a SentencePiece model (" + e.getMessage() + ")");
    }
    if (pieces.isEmpty()) throw new BadInputException(file + ": not a SentencePiece model (no pieces)");
    return new SentencePieceModel(List.copyOf(pieces), List.copyOf(types));
  }

  private static long varint(byte[] b, int[] pos) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) throw new IOException("truncated varint");
      int x = b[pos[0]++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) return v;
    }
    throw new IOException("bad varint");
  }

  private static void skip(byte[] b, int[] pos, int wire) throws IOException {
    switch (wire) {
      case 0 -> varint(b, pos);
      case 1 -> pos[0] += 8;
      case 2 -> {
        int len = (int) varint(b, pos); // read first: pos[0] += varint(...) would add to the old position
        pos[0] += len;
      }
      case 5 -> pos[0] += 4;
      default -> throw new IOException("unsupported wire type " + wire);
    }
    if (pos[0] > b.length) throw new IOException("truncated field");
  }
}
