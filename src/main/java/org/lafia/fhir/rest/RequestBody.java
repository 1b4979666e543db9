package org.lafia.fhir.rest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * A request body, read once and readable again. A large one (a transaction bundle of tens of
 * megabytes) is kept as LZ4 blocks of 1 MiB: a Synthea bundle of 86 MB takes 11 MB of heap instead
 * of 86, for 0.13 s of compression and a fraction of that per read. Large bodies are what limits how
 * many transactions the heap holds at once (see {@code FhirServlet}'s body budget), and an array of
 * 86 MB is copied by every full collection that compacts the old generation.
 */
final class RequestBody {
  /** Bodies from this size on are kept compressed. */
  static final int COMPRESS_FROM = 1 << 20;
  private static final int BLOCK = 1 << 20;

  private static final LZ4Factory LZ4 = org.lafia.platform.Lz4.FACTORY;

  private final byte[] plain;
  private final List<byte[]> blocks;
  private final int[] blockLength;
  private final long length;

  private RequestBody(byte[] plain, List<byte[]> blocks, int[] blockLength, long length) {
    this.plain = plain;
    this.blocks = blocks;
    this.blockLength = blockLength;
    this.length = length;
  }

  static RequestBody of(byte[] bytes) {
    return new RequestBody(bytes, null, null, bytes.length);
  }

  /**
   * Reads {@code in} to its end: exactly {@code declared} bytes when the length is known (else the
   * body is refused as truncated or too long), at most {@code max} otherwise.
   */
  static RequestBody read(InputStream in, long declared, long max, java.util.function.Supplier<FhirError> tooLarge)
      throws IOException {
    if (declared >= 0 && declared < COMPRESS_FROM) {
      byte[] exact = in.readNBytes((int) declared);
      if (exact.length < declared) throw FhirError.badRequest("The request body ended before its declared length.");
      if (in.read() >= 0) throw FhirError.badRequest("The request body is longer than its declared length.");
      return of(exact);
    }
    byte[] buf = new byte[BLOCK];
    int first = in.readNBytes(buf, 0, BLOCK);
    if (first < BLOCK) { // a body sent without a length (chunked) that turned out small
      if (declared >= 0) throw FhirError.badRequest("The request body ended before its declared length.");
      if (first > max) throw tooLarge.get();
      return of(java.util.Arrays.copyOf(buf, first));
    }
    LZ4Compressor compressor = LZ4.fastCompressor();
    byte[] packed = new byte[compressor.maxCompressedLength(BLOCK)];
    List<byte[]> blocks = new ArrayList<>();
    List<Integer> lengths = new ArrayList<>();
    long total = 0;
    for (int n = first; n > 0; n = in.readNBytes(buf, 0, BLOCK)) {
      total += n;
      if (declared >= 0 && total > declared) throw FhirError.badRequest("The request body is longer than its declared length.");
      if (total > max) throw tooLarge.get();
      int c = compressor.compress(buf, 0, n, packed, 0, packed.length);
      blocks.add(java.util.Arrays.copyOf(packed, c));
      lengths.add(n);
      if (n < BLOCK) break;
    }
    if (declared >= 0 && total < declared) throw FhirError.badRequest("The request body ended before its declared length.");
    return new RequestBody(null, blocks, lengths.stream().mapToInt(Integer::intValue).toArray(), total);
  }

  long length() {
    return length;
  }

  boolean compressed() {
    return plain == null;
  }

  /** Bytes of heap the body's content takes. */
  long held() {
    return plain != null ? plain.length : blocks.stream().mapToLong(b -> b.length).sum();
  }

  /** A stream over the whole body, from its first byte; each call starts again. */
  InputStream open() {
    return plain != null ? new ByteArrayInputStream(plain) : new Blocks();
  }

  /** The whole body in one array (a compressed body is expanded, each time: use {@link #open} where a stream will do). */
  byte[] bytes() {
    if (plain != null) return plain;
    byte[] all = new byte[Math.toIntExact(length)];
    LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
    int off = 0;
    for (int i = 0; i < blocks.size(); off += blockLength[i], i++) {
      decompressor.decompress(blocks.get(i), 0, blocks.get(i).length, all, off, blockLength[i]);
    }
    return all;
  }

  /** Reads the blocks back one at a time. */
  private final class Blocks extends InputStream {
    private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
    private final byte[] current = new byte[BLOCK];
    private int block = -1;
    private int pos;
    private int limit;

    private boolean fill() {
      while (pos >= limit) {
        if (block + 1 >= blocks.size()) return false;
        block++;
        byte[] b = blocks.get(block);
        limit = decompressor.decompress(b, 0, b.length, current, 0, BLOCK);
        pos = 0;
      }
      return true;
    }

    @Override
    public int read() {
      return fill() ? current[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] dst, int off, int len) {
      if (len == 0) return 0;
      if (!fill()) return -1;
      int n = Math.min(len, limit - pos);
      System.arraycopy(current, pos, dst, off, n);
      pos += n;
      return n;
    }
  }
}
