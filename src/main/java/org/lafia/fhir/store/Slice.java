package org.lafia.fhir.store;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.lafia.fhir.index.IndexRows;

/**
 * The writes of one flush of a transaction ({@link ResourceStore#write}), encoded into COPY rows as
 * they are staged. A slice lived about a second while its 2,000 resources were staged: kept as
 * objects (bodies, search values) it outlived several young collections and was promoted, and
 * the old generation filled with it between full collections. Encoded, it is a few byte arrays;
 * only references stay objects, because their target pids are known at flush time.
 */
public final class Slice {
  final CopyBuffer fresh = new CopyBuffer();
  final CopyBuffer versions = new CopyBuffer();
  final CopyBuffer strings = new CopyBuffer();
  final CopyBuffer tokens = new CopyBuffer();
  final CopyBuffer dates = new CopyBuffer();
  final CopyBuffer numbers = new CopyBuffer();
  final CopyBuffer quantities = new CopyBuffer();
  final CopyBuffer uris = new CopyBuffer();

  /** A staged version: what the flush still needs once its rows are encoded. */
  record Staged(long pid, String type, String id, List<IndexRows.Ref> refs) {}

  /** A new version of a resource that exists already: its pointer row is updated, its index rows replaced. */
  record Existing(long pid, int version, Instant lastUpdated, boolean deleted, byte[] contentHash) {}

  final List<Staged> staged = new ArrayList<>();
  final List<Existing> existing = new ArrayList<>();
  private long bodyBytes;

  /** Encodes a write; a value that cannot be stored (out of a column's range) fails here, as a data error. */
  public void add(ResourceWrite w) throws SQLException {
    if (w.firstVersion()) {
      fresh.int8(w.pid()).text(w.type()).text(w.id()).int4(w.version())
          .timestamptz(w.lastUpdated()).bool(w.method() == 'D').bytea(w.contentHash());
      fresh.endRow();
    } else {
      existing.add(new Existing(w.pid(), w.version(), w.lastUpdated(), w.method() == 'D', w.contentHash()));
    }
    versions.int8(w.pid()).int4(w.version()).text(w.type()).text(w.id())
        .timestamptz(w.lastUpdated()).bpchar(w.method());
    if (w.body() == null) {
      versions.bytea(null);
    } else {
      byte[] raw = w.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      bodyBytes += versions.bytea(BodyCodec.maxEncodedLength(raw.length), (dst, off) -> BodyCodec.encodeInto(raw, dst, off));
    }
    versions.endRow();
    IndexRows rows = w.rows();
    List<IndexRows.Ref> refs = List.of();
    if (rows != null) {
      long pid = w.pid();
      for (var x : rows.strings) {
        strings.int8(pid).int4(x.sp()).text(x.norm()).text(x.exact()).int2(x.grp()).endRow();
      }
      for (var x : rows.tokens) {
        tokens.int8(pid).int4(x.sp()).text(x.sys()).text(x.code()).text(x.text()).int2(x.grp()).endRow();
      }
      for (var x : rows.dates) {
        dates.int8(pid).int4(x.sp()).timestamptz(x.lo()).timestamptz(x.hi()).int2(x.grp()).endRow();
      }
      for (var x : rows.numbers) {
        numbers.int8(pid).int4(x.sp()).numeric(x.value()).int2(x.grp()).endRow();
      }
      for (var x : rows.quantities) {
        quantities.int8(pid).int4(x.sp()).text(x.sys()).text(x.code()).numeric(x.value()).int2(x.grp()).endRow();
      }
      for (var x : rows.uris) {
        uris.int8(pid).int4(x.sp()).text(x.uri()).int2(x.grp()).endRow();
      }
      refs = rows.refs.isEmpty() ? List.of() : rows.refs;
    }
    staged.add(new Staged(w.pid(), w.type(), w.id(), refs));
  }

  public int size() {
    return staged.size();
  }

  public boolean isEmpty() {
    return staged.isEmpty();
  }

  /** Stored (compressed) bytes of the bodies staged so far: a flush also bounds the slice's memory. */
  public long bodyBytes() {
    return bodyBytes;
  }
}
