package org.lafia.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.lafia.fhir.index.IndexExtractor;
import org.lafia.fhir.index.SearchParamRegistry;
import org.lafia.fhir.search.SearchEngine;
import org.lafia.fhir.store.ResourceStore;

/** The parts the REST layer works with, built once per node. */
public final class FhirServices {
  private final FhirContext ctx;
  private final DataSource dataSource;
  private final SearchParamRegistry registry;
  private final IndexExtractor extractor;
  private final ResourceStore store;
  private final SearchEngine search;
  private final ResourceInspector inspector;
  private final long maxBodyBytes;
  private final BodyCheck bodyCheck;

  public FhirServices(FhirContext ctx, DataSource dataSource, int defaultPageSize, int maxPageSize, long maxBodyBytes) {
    this.ctx = ctx;
    this.dataSource = dataSource;
    this.registry = new SearchParamRegistry(ctx);
    this.extractor = new IndexExtractor(ctx, registry);
    this.store = new ResourceStore();
    this.search = new SearchEngine(registry, store, defaultPageSize, maxPageSize);
    this.inspector = new ResourceInspector(ctx);
    this.maxBodyBytes = maxBodyBytes;
    this.bodyCheck = new BodyCheck(ctx);
  }

  public FhirContext ctx() { return ctx; }
  public DataSource dataSource() { return dataSource; }
  public SearchParamRegistry registry() { return registry; }
  IndexExtractor extractor() { return extractor; }
  public ResourceStore store() { return store; }
  public SearchEngine search() { return search; }
  ResourceInspector inspector() { return inspector; }
  long maxBodyBytes() { return maxBodyBytes; }

  IParser jsonParser() {
    return ctx.newJsonParser();
  }

  IParser strictParser(boolean xml) {
    IParser p = xml ? ctx.newXmlParser() : ctx.newJsonParser();
    p.setParserErrorHandler(new StrictErrorHandler());
    return p;
  }

  /** Parses stored JSON (trusted: written by us). */
  IBaseResource parseJson(String json) {
    return ctx.newJsonParser().parseResource(json);
  }

  /**
   * Parses a client's body strictly: bad UTF-8, JSON or XML, and anything the FHIR representation
   * rules forbid, are a 400 saying where and why.
   */
  IBaseResource parseBody(byte[] body, boolean xml) {
    String text = BodyCheck.utf8(body);
    if (xml) {
      BodyCheck.checkXml(text);
    } else {
      bodyCheck.checkResource(bodyCheck.parseJson(text));
    }
    return parseChecked(text, xml);
  }

  /** Checks JSON the server produced from client input (a patched resource) like a client body. */
  IBaseResource parseCheckedJson(com.fasterxml.jackson.databind.JsonNode node) {
    bodyCheck.checkResource(node);
    return parseChecked(node.toString(), false);
  }

  private IBaseResource parseChecked(String text, boolean xml) {
    try {
      return strictParser(xml).parseResource(text);
    } catch (DataFormatException e) {
      throw FhirError.badRequest("The body is not a valid FHIR resource: " + e.getMessage()
          + " / Le corps n'est pas une ressource FHIR valide.");
    } catch (StackOverflowError e) {
      throw FhirError.badRequest("The body is nested too deeply to be a FHIR resource.");
    } catch (RuntimeException e) {
      throw FhirError.badRequest("The body could not be read as FHIR " + (xml ? "XML" : "JSON") + ": "
          + e.getMessage());
    }
  }
}
