package org.lafia.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Stored bodies: LZ4 when it pays, the JSON itself otherwise, and JSON stored before V5 read as is. */
class BodyCodecTest {

  private static String observation(int n) {
    StringBuilder s = new StringBuilder("{\"resourceType\":\"Bundle\",\"entry\":[");
    for (int i = 0; i < n; i++) {
      if (i > 0) s.append(',');
      s.append("{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{")
          .append("\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},\"valueQuantity\":{\"value\":")
          .append(60 + i).append(",\"unit\":\"/min\"},\"note\":[{\"text\":\"Kossi Amégan, عبد الله 🦟\"}]}}");
    }
    return s.append("]}").toString();
  }

  @Test
  void a_large_body_is_compressed_and_reads_back_identical() {
    String json = observation(50);
    byte[] stored = BodyCodec.encode(json);
    assertThat(stored[0]).isEqualTo((byte) 1);
    assertThat(stored.length).isLessThan(json.getBytes(StandardCharsets.UTF_8).length / 3);
    assertThat(BodyCodec.decode(stored)).isEqualTo(json);
  }

  @Test
  void a_small_body_is_kept_as_utf8_json() {
    String json = "{\"resourceType\":\"Patient\",\"id\":\"é\"}";
    byte[] stored = BodyCodec.encode(json);
    assertThat(stored).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    assertThat(BodyCodec.decode(stored)).isEqualTo(json);
  }

  @Test
  void a_large_body_that_does_not_shrink_is_kept_as_json_and_encoding_in_place_matches() {
    java.util.Random random = new java.util.Random(42);
    StringBuilder s = new StringBuilder("{\"data\":\"");
    for (int i = 0; i < 3000; i++) s.append((char) ('A' + random.nextInt(26))); // no repeats for LZ4 to use
    String json = s.append("\"}").toString();
    byte[] raw = json.getBytes(StandardCharsets.UTF_8);
    assertThat(BodyCodec.encode(json)).isEqualTo(raw);
    byte[] dst = new byte[7 + BodyCodec.maxEncodedLength(raw.length)];
    int n = BodyCodec.encodeInto(raw, dst, 7);
    assertThat(java.util.Arrays.copyOfRange(dst, 7, 7 + n)).isEqualTo(raw);
    String compressible = observation(30);
    byte[] stored = BodyCodec.encode(compressible);
    byte[] raw2 = compressible.getBytes(StandardCharsets.UTF_8);
    byte[] dst2 = new byte[3 + BodyCodec.maxEncodedLength(raw2.length)];
    int n2 = BodyCodec.encodeInto(raw2, dst2, 3);
    assertThat(java.util.Arrays.copyOfRange(dst2, 3, 3 + n2)).isEqualTo(stored);
    assertThat(BodyCodec.decode(stored)).isEqualTo(compressible);
  }

  @Test
  void json_stored_before_compression_and_deletes_read_as_they_are() {
    String legacy = observation(3);
    assertThat(BodyCodec.decode(legacy.getBytes(StandardCharsets.UTF_8))).isEqualTo(legacy);
    assertThat(BodyCodec.encode(null)).isNull();
    assertThat(BodyCodec.decode(null)).isNull();
    assertThat(BodyCodec.decode(new byte[0])).isEmpty();
  }

  @Test
  void a_damaged_compressed_body_is_an_error_not_garbage() {
    byte[] stored = BodyCodec.encode(observation(20));
    byte[] truncated = java.util.Arrays.copyOf(stored, stored.length / 2);
    assertThatThrownBy(() -> BodyCodec.decode(truncated)).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> BodyCodec.decode(new byte[] {1, 0})).isInstanceOf(IllegalStateException.class);
  }
}
