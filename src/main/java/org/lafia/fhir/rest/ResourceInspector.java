package org.lafia.fhir.rest;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Reference;
import org.lafia.fhir.index.IndexRows;

/**
 * One walk over a resource that finds every Reference (to rewrite or check) and every missing
 * required element (cardinality 1..), using HAPI's element definitions; decimals beyond the
 * stored bound are refused on the way.
 */
final class ResourceInspector {
  private final FhirContext ctx;

  ResourceInspector(FhirContext ctx) {
    this.ctx = ctx;
  }

  record Inspection(List<Reference> references, List<String> missing) {}

  Inspection inspect(IBaseResource resource) {
    List<Reference> refs = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    BaseRuntimeElementCompositeDefinition<?> def = ctx.getResourceDefinition(resource);
    walk(resource, def, def.getName(), refs, missing, 0);
    return new Inspection(refs, missing);
  }

  private void walk(IBase element, BaseRuntimeElementCompositeDefinition<?> def, String path,
      List<Reference> refs, List<String> missing, int depth) {
    if (depth > 100) throw FhirError.badRequest("Resource nested too deeply (more than 100 levels).");
    for (BaseRuntimeChildDefinition child : def.getChildren()) {
      List<? extends IBase> values = child.getAccessor().getValues(element);
      if (values.isEmpty()) {
        if (child.getMin() > 0 && missing.size() < 20) missing.add(path + "." + child.getElementName());
        continue;
      }
      for (IBase v : values) {
        if (v instanceof DecimalType d && d.getValue() != null && !IndexRows.decimalInBounds(d.getValue())) {
          // JSON bodies are refused earlier (BodyCheck); this is the same bound for XML ones
          int max = IndexRows.MAX_DECIMAL_DIGITS;
          throw FhirError.badRequest(path + "." + child.getElementName() + ": a decimal with more than " + max
              + " digits before or after the point. / Nombre décimal de plus de " + max + " chiffres.");
        }
        if (v instanceof IPrimitiveType<?>) continue;
        if (v instanceof Reference r) refs.add(r);
        BaseRuntimeElementDefinition<?> vd =
            v instanceof IBaseResource res ? ctx.getResourceDefinition(res) : ctx.getElementDefinition(v.getClass());
        if (vd instanceof BaseRuntimeElementCompositeDefinition<?> comp) {
          walk(v, comp, path + "." + child.getElementName(), refs, missing, depth + 1);
        }
      }
    }
  }
}
