package org.lafia.fhir.store;

import java.nio.charset.StandardCharsets;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * How a stored body (a resource's JSON) is kept in {@code fhir_version.body} (bytea): LZ4-compressed
 * by Lafia rather than left to PostgreSQL, which would receive, check and write every byte of the
 * JSON and compress only bodies over 2 kB, with its slower pglz.
 *
 * <p>Format: {@code 0x01}, the JSON's length in UTF-8 bytes (4 bytes, big-endian), the LZ4 block;
 * or the UTF-8 JSON itself, as for bodies too small to gain and for versions stored before
 * migration V5 (JSON never starts with byte 1).
 */
final class BodyCodec {
  private static final byte LZ4_BLOCK = 1;
  /** Below this many bytes compression saves too little to pay for itself. */
  private static final int MIN_TO_COMPRESS = 128;

  private static final LZ4Factory LZ4 = org.lafia.platform.Lz4.FACTORY;
  private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
  private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

  private BodyCodec() {}

  /** The stored form of a body as an array of its own (what {@link #encodeInto} writes in place). */
  static byte[] encode(String json) {
    if (json == null) return null;
    byte[] raw = json.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[maxEncodedLength(raw.length)];
    return java.util.Arrays.copyOf(out, encodeInto(raw, out, 0));
  }

  /** Room {@link #encodeInto} may need for a body of {@code rawLength} UTF-8 bytes. */
  static int maxEncodedLength(int rawLength) {
    return Math.max(rawLength, 5 + COMPRESSOR.maxCompressedLength(rawLength));
  }

  /**
   * Writes the stored form of {@code raw} (UTF-8 JSON) at {@code dst[off]}, which has room for
   * {@link #maxEncodedLength}; returns its length. Straight into a COPY buffer, so a body is not
   * compressed into an array of its own and then copied.
   */
  static int encodeInto(byte[] raw, byte[] dst, int off) {
    boolean mustCompress = raw.length > 0 && raw[0] == LZ4_BLOCK; // else it would read as compressed
    if (raw.length >= MIN_TO_COMPRESS || mustCompress) {
      int n = COMPRESSOR.compress(raw, 0, raw.length, dst, off + 5, COMPRESSOR.maxCompressedLength(raw.length));
      if (n + 5 < raw.length || mustCompress) {
        dst[off] = LZ4_BLOCK;
        dst[off + 1] = (byte) (raw.length >>> 24);
        dst[off + 2] = (byte) (raw.length >>> 16);
        dst[off + 3] = (byte) (raw.length >>> 8);
        dst[off + 4] = (byte) raw.length;
        return n + 5;
      }
    }
    System.arraycopy(raw, 0, dst, off, raw.length);
    return raw.length;
  }

  static String decode(byte[] stored) {
    if (stored == null) return null;
    if (stored.length == 0 || stored[0] != LZ4_BLOCK) return new String(stored, StandardCharsets.UTF_8);
    if (stored.length < 5) throw new IllegalStateException("stored body truncated");
    int n = ((stored[1] & 0xFF) << 24) | ((stored[2] & 0xFF) << 16) | ((stored[3] & 0xFF) << 8) | (stored[4] & 0xFF);
    byte[] raw = new byte[n];
    int got = DECOMPRESSOR.decompress(stored, 5, stored.length - 5, raw, 0, n);
    if (got != n) throw new IllegalStateException("stored body is " + got + " bytes, not " + n);
    return new String(raw, StandardCharsets.UTF_8);
  }
}
