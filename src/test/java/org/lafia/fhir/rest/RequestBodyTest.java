package org.lafia.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
  private static final long MAX = 16L << 20;

  /** JSON-like bytes: compressible, but not a single repeated byte. */
  private static byte[] content(int size, long seed) {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder(size + 64);
    while (b.length() < size) {
      b.append("{\"resourceType\":\"Observation\",\"id\":\"").append(Long.toHexString(r.nextLong()))
          .append("\",\"valueQuantity\":{\"value\":").append(r.nextInt(1000)).append("}},\n");
    }
    return b.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  private static RequestBody read(byte[] bytes, long declared) throws Exception {
    return RequestBody.read(new ByteArrayInputStream(bytes), declared, MAX, () -> new FhirError(413, "too-costly", "too large"));
  }

  @Test
  void small_and_large_bodies_read_back_byte_for_byte_with_or_without_a_declared_length() throws Exception {
    int[] sizes = {0, 17, RequestBody.COMPRESS_FROM - 1, RequestBody.COMPRESS_FROM, RequestBody.COMPRESS_FROM + 1,
        (7 << 20) / 2};
    for (int size : sizes) {
      byte[] sent = content(size, size);
      for (long declared : new long[] {size, -1}) {
        RequestBody body = read(sent, declared);
        assertThat(body.length()).as("length of %d (declared %d)", size, declared).isEqualTo(size);
        assertThat(body.compressed()).as("kept compressed: %d bytes", size).isEqualTo(size >= RequestBody.COMPRESS_FROM);
        assertThat(body.bytes()).isEqualTo(sent);
        // Read as a stream twice (a transaction's two passes), in odd-sized reads.
        for (int pass = 0; pass < 2; pass++) {
          try (InputStream in = body.open()) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[7919];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) out.write(buf, 0, n);
            assertThat(out.toByteArray()).isEqualTo(sent);
          }
        }
      }
    }
  }

  @Test
  void a_large_body_takes_a_fraction_of_its_size() throws Exception {
    byte[] sent = content(4 << 20, 1);
    RequestBody body = read(sent, sent.length);
    assertThat(body.compressed()).isTrue();
    assertThat(body.held()).isLessThan(sent.length / 3);
  }

  @Test
  void a_body_shorter_or_longer_than_declared_or_over_the_limit_is_refused() {
    byte[] small = content(1000, 2);
    byte[] large = content(3 << 20, 3);
    assertThatThrownBy(() -> read(small, 2000)).isInstanceOf(FhirError.class)
        .hasMessageContaining("ended before its declared length").extracting(e -> ((FhirError) e).status()).isEqualTo(400);
    assertThatThrownBy(() -> read(small, 500)).isInstanceOf(FhirError.class)
        .hasMessageContaining("longer than its declared length");
    assertThatThrownBy(() -> read(large, large.length + 10)).isInstanceOf(FhirError.class)
        .hasMessageContaining("ended before its declared length");
    assertThatThrownBy(() -> read(large, large.length - 10)).isInstanceOf(FhirError.class)
        .hasMessageContaining("longer than its declared length");
    assertThatThrownBy(() -> RequestBody.read(new ByteArrayInputStream(large), -1, 2 << 20,
        () -> new FhirError(413, "too-costly", "too large"))).isInstanceOf(FhirError.class)
        .extracting(e -> ((FhirError) e).status()).isEqualTo(413);
  }
}
