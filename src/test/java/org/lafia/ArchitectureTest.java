package org.lafia;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module boundaries of docs/architecture.md, checked so that they stay true. */
class ArchitectureTest {
  private static final JavaClasses LAFIA =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.lafia");

  @Test
  void the_platform_knows_nothing_of_the_fhir_module() {
    noClasses().that().resideInAPackage("org.lafia.platform..")
        .should().dependOnClassesThat().resideInAPackage("org.lafia.fhir..")
        .check(LAFIA);
  }

  @Test
  void the_fhir_store_index_and_search_do_not_reach_up_into_http() {
    noClasses().that().resideInAnyPackage("org.lafia.fhir.index..", "org.lafia.fhir.store..", "org.lafia.fhir.search..")
        .should().dependOnClassesThat().resideInAnyPackage("org.lafia.fhir.rest..", "jakarta.servlet..", "org.springframework..")
        .check(LAFIA);
  }

  @Test
  void the_fhir_module_knows_security_only_through_its_own_ports() {
    noClasses().that().resideInAPackage("org.lafia.fhir..")
        .should().dependOnClassesThat().resideInAPackage("org.lafia.security..")
        .check(LAFIA);
  }

  @Test
  void security_uses_nothing_of_fhir_but_its_ports() {
    noClasses().that().resideInAPackage("org.lafia.security..")
        .should().dependOnClassesThat().resideInAnyPackage("org.lafia.fhir.rest..", "org.lafia.fhir.store..",
            "org.lafia.fhir.search..", "org.lafia.fhir.index..")
        .check(LAFIA);
  }

  @Test
  void the_fhir_module_knows_the_audit_trail_only_through_its_own_ports() {
    noClasses().that().resideInAPackage("org.lafia.fhir..")
        .should().dependOnClassesThat().resideInAPackage("org.lafia.audit..")
        .check(LAFIA);
  }

  @Test
  void audit_uses_nothing_of_fhir_but_its_ports() {
    noClasses().that().resideInAPackage("org.lafia.audit..")
        .should().dependOnClassesThat().resideInAnyPackage("org.lafia.fhir.rest..", "org.lafia.fhir.store..",
            "org.lafia.fhir.search..", "org.lafia.fhir.index..")
        .check(LAFIA);
  }

  @Test
  void the_demo_country_goes_through_the_fhir_api_like_any_client() {
    // HAPI's model and the FHIR API over HTTP; never the store, the search or the servlet.
    noClasses().that().resideInAPackage("org.lafia.demo..")
        .should().dependOnClassesThat().resideInAnyPackage("org.lafia.fhir..", "org.lafia.audit..")
        .check(LAFIA);
  }

  @Test
  void nothing_depends_on_the_demo_country_but_the_command_line() {
    noClasses().that().resideInAPackage("org.lafia..").and().resideOutsideOfPackage("org.lafia.demo..")
        .and().doNotHaveFullyQualifiedName(LafiaApplication.class.getName())
        .should().dependOnClassesThat().resideInAPackage("org.lafia.demo..")
        .check(LAFIA);
  }

  @Test
  void the_console_reads_the_fhir_api_as_the_person_and_nothing_depends_on_it() {
    noClasses().that().resideInAPackage("org.lafia.console..")
        .should().dependOnClassesThat().resideInAnyPackage("org.lafia.fhir..", "org.lafia.audit..", "org.lafia.demo..")
        .check(LAFIA);
    noClasses().that().resideInAPackage("org.lafia..").and().resideOutsideOfPackage("org.lafia.console..")
        .should().dependOnClassesThat().resideInAPackage("org.lafia.console..")
        .check(LAFIA);
  }

  @Test
  void the_fhir_layers_have_no_cycles() {
    slices().matching("org.lafia.fhir.(*)..").should().beFreeOfCycles().check(LAFIA);
  }
}
