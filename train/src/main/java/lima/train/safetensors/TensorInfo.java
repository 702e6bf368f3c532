package lima.train.safetensors;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: its name, element type, shape, and the absolute byte range of its
 * data in {@code file}.
 */
public record TensorInfo(String name, DType dtype, long[] shape, Path file, long start, long end) {

  public TensorInfo {
    shape = shape.clone();
  }

  /** Number of elements (1 for a scalar). */
  public long elements() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  public long bytes() {
    return end - start;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && t.name.equals(name)
        && t.dtype == dtype
        && Arrays.equals(t.shape, shape)
        && t.file.equals(file)
        && t.start == start
        && t.end == end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + " " + shapeString();
  }
}
