package lima.train.safetensors;

/** Element types of safetensors files this project reads and writes; everything becomes fp32 in memory. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** The safetensors name ("F32", "F16", "BF16"); null for a type we do not read. */
  public static DType parse(String name) {
    for (DType d : values()) if (d.name().equals(name)) return d;
    return null;
  }

  /** The dtype a config's {@code torch_dtype} names ("bfloat16", "float16"); F32 for anything else. */
  public static DType forTorch(String torchDtype) {
    return switch (torchDtype == null ? "" : torchDtype) {
      case "bfloat16" -> BF16;
      case "float16" -> F16;
      default -> F32;
    };
  }

  /** bf16 bits to float: the upper half of an IEEE float. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** float to bf16 bits, rounding to nearest even (NaN stays NaN). */
  public static short floatToBf16(float f) {
    int x = Float.floatToRawIntBits(f);
    if ((x & 0x7fffffff) > 0x7f800000) return (short) ((x >>> 16) | 0x40);
    int rounding = 0x7fff + ((x >>> 16) & 1);
    return (short) ((x + rounding) >>> 16);
  }
}
