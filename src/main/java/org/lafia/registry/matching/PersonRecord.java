package org.lafia.registry.matching;

/**
 * One record of a person as a source holds it, every field optional but the id. The fields are
 * those of the batch command's column mapping; a FHIR Patient maps onto them the same way.
 *
 * @param birthDate {@code YYYY-MM-DD}, {@code YYYYMMDD}, {@code DD/MM/YYYY}, {@code YYYY-MM} or {@code YYYY}
 */
public record PersonRecord(String id, String given, String family, String sex, String birthDate, String phone,
    String nationalId, String address, String address2, String streetNumber, String postalCode, String city,
    String state, String district) {

  /** A builder-style copy with one field set (the batch command fills records column by column). */
  public static PersonRecord of(String id) {
    return new PersonRecord(id, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public PersonRecord with(String field, String v) {
    return switch (field) {
      case "id" -> new PersonRecord(v, given, family, sex, birthDate, phone, nationalId, address, address2, streetNumber, postalCode, city, state, district);
      case "given" -> new PersonRecord(id, v, family, sex, birthDate, phone, nationalId, address, address2, streetNumber, postalCode, city, state, district);
      case "family" -> new PersonRecord(id, given, v, sex, birthDate, phone, nationalId, address, address2, streetNumber, postalCode, city, state, district);
      case "sex" -> new PersonRecord(id, given, family, v, birthDate, phone, nationalId, address, address2, streetNumber, postalCode, city, state, district);
      case "birthDate" -> new PersonRecord(id, given, family, sex, v, phone, nationalId, address, address2, streetNumber, postalCode, city, state, district);
      case "phone" -> new PersonRecord(id, given, family, sex, birthDate, v, nationalId, address, address2, streetNumber, postalCode, city, state, district);
      case "nationalId" -> new PersonRecord(id, given, family, sex, birthDate, phone, v, address, address2, streetNumber, postalCode, city, state, district);
      case "address" -> new PersonRecord(id, given, family, sex, birthDate, phone, nationalId, v, address2, streetNumber, postalCode, city, state, district);
      case "address2" -> new PersonRecord(id, given, family, sex, birthDate, phone, nationalId, address, v, streetNumber, postalCode, city, state, district);
      case "streetNumber" -> new PersonRecord(id, given, family, sex, birthDate, phone, nationalId, address, address2, v, postalCode, city, state, district);
      case "postalCode" -> new PersonRecord(id, given, family, sex, birthDate, phone, nationalId, address, address2, streetNumber, v, city, state, district);
      case "city" -> new PersonRecord(id, given, family, sex, birthDate, phone, nationalId, address, address2, streetNumber, postalCode, v, state, district);
      case "state" -> new PersonRecord(id, given, family, sex, birthDate, phone, nationalId, address, address2, streetNumber, postalCode, city, v, district);
      case "district" -> new PersonRecord(id, given, family, sex, birthDate, phone, nationalId, address, address2, streetNumber, postalCode, city, state, v);
      default -> throw new IllegalArgumentException("Unknown field '" + field + "'");
    };
  }

  /** The fields but the id, in {@link #FIELDS} order (the registry keeps them to match against without reading the record). */
  public String[] values() {
    return new String[] {given, family, sex, birthDate, phone, nationalId, address, address2, streetNumber, postalCode, city, state, district};
  }

  /** The record of {@link #values()}. */
  public static PersonRecord of(String id, String[] v) {
    if (v.length != FIELDS.size() - 1) throw new IllegalArgumentException("expected " + (FIELDS.size() - 1) + " values, not " + v.length);
    return new PersonRecord(id, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
  }

  /** The fields a column mapping may name. */
  public static final java.util.List<String> FIELDS = java.util.List.of("id", "given", "family", "sex", "birthDate", "phone",
      "nationalId", "address", "address2", "streetNumber", "postalCode", "city", "state", "district");
}
