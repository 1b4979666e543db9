package org.lafia.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.lafia.fhir.spi.IncomingResources;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.springframework.stereotype.Component;

/**
 * The facility registry's rules (IHE mCSD: a facility is a {@code Location} and an
 * {@code Organization}, typed {@code facility}), on every write by any path:
 *
 * <ul>
 *   <li><b>no orphan facility</b>: it belongs to a jurisdiction ({@code partOf}; that the target
 *       exists is the store's own referential check);
 *   <li><b>unique codes</b>: a facility code ({@code http://lafia.health/fhir/sid/facility-code})
 *       names one Location and one Organization;
 *   <li><b>coordinates inside the district</b>: a facility's position is valid WGS 84 and lies in
 *       its jurisdiction's boundary (the {@code location-boundary-geojson} extension), give or take
 *       a kilometre (boundaries are simplified); a jurisdiction written in the same transaction and
 *       not yet stored is not checked against.
 * </ul>
 */
@Component
class FacilityRules implements IncomingResources {
  static final String FACILITY_CODE = "http://lafia.health/fhir/sid/facility-code";
  static final String MCSD_TYPES = "https://profiles.ihe.net/ITI/mCSD/CodeSystem/IHE.mCSD.Organization.Location.Types";
  static final String BOUNDARY = "http://hl7.org/fhir/StructureDefinition/location-boundary-geojson";
  /** How far outside its district's boundary a facility may lie, in degrees (about 1.1 km). */
  static final double TOLERANCE = 0.01;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final GeometryFactory GEOMETRY = new GeometryFactory();

  /** Jurisdictions' boundaries by "id/version", parsed once. */
  private final Map<String, Geometry> boundaries = java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Geometry> e) {
      return size() > 500;
    }
  });

  @Override
  public Set<String> types() {
    return Set.of("Location", "Organization");
  }

  @Override
  public boolean prepare(Connection c, String type, IBaseResource resource, IBaseResource previous, Store store) throws SQLException {
    if (resource instanceof Location l && facility(l.getType())) {
      if (!l.hasPartOf() || !(l.getPartOf().hasReference() || l.getPartOf().hasIdentifier())) {
        throw new Rejected("Location.partOf", "Un établissement appartient à une circonscription (district, préfecture) :"
            + " donnez Location.partOf. / A facility belongs to a jurisdiction: give Location.partOf.");
      }
      uniqueCodes(store, "Location", l.getIdPart(), l.getIdentifier());
      if (l.hasPosition()) inside(store, l);
    } else if (resource instanceof Organization o && facility(o.getType())) {
      if (!o.hasPartOf() || !(o.getPartOf().hasReference() || o.getPartOf().hasIdentifier())) {
        throw new Rejected("Organization.partOf", "Un établissement relève d'une circonscription : donnez Organization.partOf."
            + " / A facility belongs to a jurisdiction: give Organization.partOf.");
      }
      uniqueCodes(store, "Organization", o.getIdPart(), o.getIdentifier());
    }
    return false;
  }

  private static boolean facility(List<CodeableConcept> types) {
    for (CodeableConcept t : types) {
      for (var c : t.getCoding()) if (MCSD_TYPES.equals(c.getSystem()) && "facility".equals(c.getCode())) return true;
    }
    return false;
  }

  private static void uniqueCodes(Store store, String type, String id, List<Identifier> ids) throws SQLException {
    for (int i = 0; i < ids.size(); i++) {
      Identifier x = ids.get(i);
      if (!FACILITY_CODE.equals(x.getSystem()) || !x.hasValue()) continue;
      for (IBaseResource other : store.search(type, Map.of("identifier", List.of(FACILITY_CODE + "|" + x.getValue()),
          "_count", List.of("2")))) {
        String otherId = other.getIdElement().getIdPart();
        if (!otherId.equals(id)) {
          throw new Rejected(type + ".identifier[" + i + "].value", "Le code d'établissement " + x.getValue() + " est déjà celui de "
              + type + "/" + otherId + ". / Facility code " + x.getValue() + " already names " + type + "/" + otherId + ".");
        }
      }
    }
  }

  private void inside(Store store, Location l) throws SQLException {
    Location.LocationPositionComponent p = l.getPosition();
    if (!p.hasLatitude() || !p.hasLongitude()) {
      throw new Rejected("Location.position", "Une position a une latitude et une longitude. / A position has a latitude and a longitude.");
    }
    double lat = p.getLatitude().doubleValue(), lon = p.getLongitude().doubleValue();
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
      throw new Rejected("Location.position", String.format(Locale.ROOT, "Coordonnées impossibles (latitude %s, longitude %s) :"
          + " latitude de -90 à 90, longitude de -180 à 180 (WGS 84). / Impossible coordinates (latitude %s, longitude %s).", lat, lon, lat, lon));
    }
    Reference parent = l.getPartOf();
    String parentId = parent.getReferenceElement().getIdPart();
    if (parentId == null || !"Location".equals(parent.getReferenceElement().getResourceType())) return;
    List<IBaseResource> found = store.search("Location", Map.of("_id", List.of(parentId)));
    if (found.isEmpty()) return; // written in this transaction, not stored yet: nothing to check against
    Location district = (Location) found.get(0);
    Geometry boundary = boundary(district);
    if (boundary == null) return;
    Point point = GEOMETRY.createPoint(new Coordinate(lon, lat));
    if (!boundary.isWithinDistance(point, TOLERANCE)) {
      double km = boundary.distance(point) * 111.2;
      String name = district.hasName() ? district.getName() : "Location/" + parentId;
      throw new Rejected("Location.position", String.format(Locale.ROOT, "La position (%s, %s) est hors des limites de %s, à %.0f km."
          + " Vérifiez les coordonnées (latitude, longitude dans cet ordre ?) ou la circonscription. / Position (%s, %s) lies outside"
          + " %s, %.0f km away: check the coordinates (latitude and longitude swapped?) or the jurisdiction.", lat, lon, name, km, lat,
          lon, name, km));
    }
  }

  /** The jurisdiction's boundary (GeoJSON Polygon or MultiPolygon, longitude first), or null if it has none readable. */
  private Geometry boundary(Location district) {
    Extension ext = district.getExtensionByUrl(BOUNDARY);
    if (ext == null || !(ext.getValue() instanceof Attachment a) || !a.hasData()) return null;
    String key = district.getIdPart() + "/" + district.getMeta().getVersionId();
    Geometry cached = boundaries.get(key);
    if (cached != null) return cached;
    try {
      Geometry g = geometry(JSON.readTree(a.getData()));
      if (g != null) boundaries.put(key, g);
      return g;
    } catch (java.io.IOException | IllegalArgumentException e) {
      return null; // an unreadable boundary checks nothing (the console draws nothing either)
    }
  }

  static Geometry geometry(JsonNode geo) {
    if (geo.has("geometry")) geo = geo.get("geometry"); // a Feature
    String t = geo.path("type").asText();
    JsonNode coords = geo.path("coordinates");
    if (t.equals("Polygon")) return polygon(coords);
    if (t.equals("MultiPolygon")) {
      List<Polygon> parts = new ArrayList<>();
      for (JsonNode p : coords) parts.add(polygon(p));
      return GEOMETRY.createMultiPolygon(parts.toArray(Polygon[]::new));
    }
    return null;
  }

  private static Polygon polygon(JsonNode rings) {
    LinearRing shell = ring(rings.get(0));
    LinearRing[] holes = new LinearRing[Math.max(0, rings.size() - 1)];
    for (int i = 1; i < rings.size(); i++) holes[i - 1] = ring(rings.get(i));
    return GEOMETRY.createPolygon(shell, holes);
  }

  private static LinearRing ring(JsonNode points) {
    List<Coordinate> cs = new ArrayList<>();
    for (JsonNode pt : points) cs.add(new Coordinate(pt.get(0).asDouble(), pt.get(1).asDouble()));
    if (cs.isEmpty()) throw new IllegalArgumentException("empty ring");
    if (!cs.get(0).equals2D(cs.get(cs.size() - 1))) cs.add(new Coordinate(cs.get(0))); // GeoJSON rings close, some files forget
    return GEOMETRY.createLinearRing(cs.toArray(Coordinate[]::new));
  }
}
