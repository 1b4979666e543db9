package org.lafia.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.security.Accounts;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The console in a real browser: Debian's Chromium, headless, driven through ChromeDriver
 * ({@code ./test.sh} installs both when missing). Screenshots of what it saw go to
 * {@code target/screenshots/}.
 */
@LafiaTest
class ConsoleBrowserTest extends FhirTestSupport {
  private static final Path SHOTS = Path.of("target/screenshots");

  @Autowired Accounts accounts;
  private WebDriver browser;
  private Path profile;

  @BeforeEach
  void chromium() throws Exception {
    File chromium = new File("/usr/bin/chromium"), driver = new File("/usr/bin/chromedriver");
    assertThat(chromium).as("Debian's chromium (./test.sh installs it: apt-get install chromium chromium-driver)").exists();
    assertThat(driver).as("Debian's chromium-driver").exists();
    profile = Files.createTempDirectory("lafia-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(chromium);
    // No sandbox as root; no background networking (this machine's network is closed to it).
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1280,900", "--lang=fr-FR");
    // A French-speaking person's browser (headless Chromium asks for English otherwise).
    options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", "fr-FR,fr"));
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build(), options);
    Files.createDirectories(SHOTS);
  }

  @AfterEach
  void close() throws Exception {
    if (browser != null) browser.quit();
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void a_clinician_signs_in_sees_the_map_finds_and_opens_a_record_is_refused_another_switches_to_english_and_signs_out() throws Exception {
    ConsoleData data = ConsoleData.create(client(), accounts, "clinician");
    signIn(data.login());
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Tableau de bord");
    assertThat(browser.findElement(By.cssSelector("#count-patients .n")).getText()).isEqualTo("1");
    // Keyboard first: the first Tab reaches the link that skips the menus.
    browser.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.TAB);
    assertThat(browser.switchTo().activeElement().getAttribute("class")).isEqualTo("skip");
    assertThat(browser.findElement(By.tagName("table")).getText()).contains("Kossi " + data.patientFamily(), "14/03/2025");

    // The map draws every district the data has and every facility, as shapes in its SVG layer.
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(ExpectedConditions.attributeToBeNotEmpty(browser.findElement(By.id("map")), "data-facility-count"));
    wait.until(ExpectedConditions.attributeToBeNotEmpty(browser.findElement(By.id("map")), "data-district-count"));
    int districts = Integer.parseInt(browser.findElement(By.id("map")).getAttribute("data-district-count"));
    int facilities = Integer.parseInt(browser.findElement(By.id("map")).getAttribute("data-facility-count"));
    // the right numbers: every district with an outline and every facility with a position the store holds
    assertThat(districts).isEqualTo(count("Location?type=" + ConsoleController.LEVEL + "%7Cdistrict&_count=1000",
        l -> l.hasExtension(ConsoleController.BOUNDARY)));
    assertThat(facilities).isEqualTo(count("Location?type=" + ConsoleController.MCSD_TYPES + "%7Cfacility&_count=1000",
        org.hl7.fhir.r4.model.Location::hasPosition));
    assertThat(browser.findElements(By.cssSelector("#map path.leaflet-interactive"))).hasSize(districts + facilities);
    assertThat(browser.findElements(By.cssSelector("#map path.fac.t-CMS"))).isNotEmpty();
    shot("home-fr");

    // Find the patient, open the record; a record of another facility's patient is refused.
    browser.findElement(By.linkText("Patients")).click();
    browser.findElement(By.id("name")).sendKeys("kossi " + data.patientFamily().toLowerCase());
    browser.findElement(By.cssSelector("form.search button")).click();
    wait.until(ExpectedConditions.urlContains("name="));
    wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText(data.patientFamily()))).click();
    wait.until(ExpectedConditions.textToBe(By.id("record-name"), "Kossi " + data.patientFamily()));
    assertThat(browser.findElement(By.tagName("main")).getText()).contains("Paludisme", "14/03/2025", "37,0 °C");
    assertThat(browser.findElements(By.cssSelector(".series svg path"))).hasSize(1);
    // the national health ID the registry issued, as printed on a card
    assertThat(browser.findElement(By.id("health-id")).getText()).matches("TG \\d{3} \\d{3} \\d{3} \\d");
    shot("record-fr");
    ConsoleData elsewhere = ConsoleData.create(client(), accounts, "clinician");
    browser.get("http://localhost:" + port + "/patients/" + elsewhere.patientId());
    assertThat(browser.findElement(By.id("refusal")).getText()).contains("ne vous est pas ouvert");
    assertThat(browser.getPageSource()).doesNotContain(elsewhere.patientFamily());
    // The facility registry: the clinician's CMS by name, then its page with its staff.
    browser.findElement(By.linkText("Établissements")).click();
    browser.findElement(By.id("q")).sendKeys(data.facility());
    browser.findElement(By.cssSelector("form.search button")).click();
    wait.until(ExpectedConditions.urlContains("q=")); // the unfiltered list, before it, holds the same link
    wait.until(ExpectedConditions.elementToBeClickable(By.linkText("CMS " + data.facility()))).click();
    wait.until(ExpectedConditions.textToBe(By.id("facility-name"), "CMS " + data.facility()));
    assertThat(browser.findElement(By.id("staff-count")).getText()).isEqualTo("1");
    assertThat(browser.findElement(By.tagName("table")).getText()).contains("Sage-femme");

    browser.get("http://localhost:" + port + "/");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("map")));

    browser.findElement(By.linkText("EN")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Dashboard"));
    assertThat(browser.findElement(By.tagName("table")).getText()).contains("2025-03-14");
    shot("home-en");

    // On a 360-px phone: one column, nothing wider than the screen.
    browser.manage().window().setSize(new Dimension(360, 740));
    Thread.sleep(300);
    for (String page : List.of("/", "/patients?name=" + data.patientFamily(), "/patients/" + data.patientId(), "/facilities",
        "/facilities/" + data.facility(), "/workers?cadre=sage-femme")) {
      browser.get("http://localhost:" + port + page);
      long width = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth");
      assertThat(width).as(page + " on a 360-px phone").isLessThanOrEqualTo(360);
    }
    browser.get("http://localhost:" + port + "/");
    shot("home-phone");

    browser.findElement(By.cssSelector("header form button")).click();
    wait.until(ExpectedConditions.urlContains("/login"));
    assertThat(browser.getPageSource()).contains("signed out");
  }

  @Test
  void a_surveillance_officer_gets_no_patient_names_on_the_dashboard() throws Exception {
    ConsoleData data = ConsoleData.create(client(), accounts, "surveillance-officer");
    signIn(data.login());
    assertThat(browser.findElement(By.cssSelector(".who .roles")).getText()).isEqualTo("agent de surveillance");
    // The FHIR API refuses this role the patients' records: no count, no consultation listed.
    assertThat(browser.findElement(By.cssSelector("#count-patients .n")).getText()).isEqualTo("—");
    assertThat(browser.getPageSource()).doesNotContain(data.patientFamily()).contains("Aucune consultation visible pour vous.");
  }

  @Test
  void a_registry_steward_compares_a_pair_side_by_side_and_links_it_then_tells_twins_apart() throws Exception {
    String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
    String login = "registre-" + suffix;
    accounts.save(login, "Abla Mensah", ConsoleData.PASSWORD, List.of("registry-steward"), List.of(), List.of("tg"));
    StringBuilder family = new StringBuilder("Ag");
    java.util.Random r = new java.util.Random();
    for (int i = 0; i < 8; i++) family.append((char) ('a' + r.nextInt(26)));
    // One woman registered twice (the second time with another birth date of the same year): the registry asks.
    String first = register("Dzifa", family.toString(), "1979-04-02", "+228 90 12 34 56");
    String second = register("Dzifa", family.toString(), "1979-09-17", null);
    signIn(login);
    browser.get("http://localhost:" + port + "/reviews?patient=" + second);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section.pair")));
    var pair = browser.findElement(By.cssSelector("section.pair"));
    assertThat(pair.getText()).contains("Dzifa").contains(family).contains("1979-04-02").contains("1979-09-17");
    // Agreement as the registry judged it: the names the same, the birth dates apart, the phone missing on one side.
    assertThat(pair.findElements(By.cssSelector("tr.agree th")).stream().map(e -> e.getText()).toList()).contains("Nom", "Prénoms");
    assertThat(pair.findElements(By.cssSelector("tr.close th, tr.differ th")).stream().map(e -> e.getText()).toList()).contains("Naissance");
    assertThat(pair.findElements(By.cssSelector("tr.missing th")).stream().map(e -> e.getText()).toList()).contains("Téléphone");
    shot("reviews");
    pair.findElement(By.cssSelector("button.link")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("decided")));
    assertThat(browser.findElement(By.id("decided")).getText()).contains("Dossiers liés");
    assertThat(browser.findElements(By.cssSelector("section.pair"))).isEmpty();
    org.hl7.fhir.r4.model.Patient linked = client().read().resource(org.hl7.fhir.r4.model.Patient.class).withId(second).execute();
    org.hl7.fhir.r4.model.Patient kept = client().read().resource(org.hl7.fhir.r4.model.Patient.class).withId(first).execute();
    assertThat(nhid(linked)).isEqualTo(nhid(kept));
    // The person now: one golden record made of both records, each field with its source and rule; the merge in the history.
    browser.get("http://localhost:" + port + "/persons/" + nhid(kept));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("golden")));
    assertThat(browser.findElement(By.cssSelector("#golden tr[data-field=phone]")).getText()).contains("+228 90 12 34 56")
        .contains(first).contains("la plus récente");
    assertThat(browser.findElement(By.cssSelector("#golden tr[data-field=family]")).getText()).contains(family).contains("la plus fréquente");
    assertThat(browser.findElement(By.id("records")).getText()).contains(first).contains(second).contains("lié par un gestionnaire");
    assertThat(browser.findElement(By.id("events")).getText()).contains("fusion").contains(second);
    shot("person");

    // Twins: the same family, birth date and phone, another given name — the registry never links them, and asks.
    String kossi = register("Kossi", family.toString(), "2020-01-05", "+228 91 22 33 44");
    String kodjo = register("Kodjo", family.toString(), "2020-01-05", "+228 91 22 33 44");
    browser.get("http://localhost:" + port + "/reviews?patient=" + kodjo);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section.pair")));
    assertThat(browser.findElement(By.cssSelector("section.pair")).getText()).contains("Kossi").contains("Kodjo");
    browser.findElement(By.cssSelector("section.pair button.distinct")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("decided")));
    assertThat(browser.findElement(By.id("decided")).getText()).contains("pas les mêmes personnes");
    assertThat(nhid(client().read().resource(org.hl7.fhir.r4.model.Patient.class).withId(kodjo).execute()))
        .isNotEqualTo(nhid(client().read().resource(org.hl7.fhir.r4.model.Patient.class).withId(kossi).execute()));
  }

  @Test
  void a_registry_steward_edits_a_facility_is_told_why_a_position_is_refused_and_imports_a_csv() throws Exception {
    ConsoleData data = ConsoleData.create(client(), accounts, "clinician");
    String login = "registre-f-" + data.facility();
    accounts.save(login, "Abla Mensah", ConsoleData.PASSWORD, List.of("registry-steward"), List.of(), List.of("tg"));
    signIn(login);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    browser.get("http://localhost:" + port + "/facilities/" + data.facility());
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("facility-edit")));
    browser.findElement(By.cssSelector("#facility-edit summary")).click();
    // Latitude and longitude swapped: outside the district, refused with the registry's reason.
    browser.findElement(By.id("f-lat")).clear();
    browser.findElement(By.id("f-lat")).sendKeys("1.2");
    browser.findElement(By.id("f-lon")).clear();
    browser.findElement(By.id("f-lon")).sendKeys("6.2");
    browser.findElement(By.cssSelector("#facility-edit button[type=submit]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("facility-refused")));
    assertThat(browser.findElement(By.id("facility-refused")).getText()).contains("hors des limites");
    org.hl7.fhir.r4.model.Location before = client().read().resource(org.hl7.fhir.r4.model.Location.class).withId(data.facility()).execute();
    assertThat(before.getPosition().getLatitude().doubleValue()).isEqualTo(6.2);
    // A new name and a position inside: saved, in both resources.
    {
      browser.findElement(By.id("f-name")).clear();
      browser.findElement(By.id("f-name")).sendKeys("CMS " + data.facility() + " rénové");
      browser.findElement(By.id("f-lat")).clear();
      browser.findElement(By.id("f-lat")).sendKeys("6,25");
      browser.findElement(By.id("f-lon")).clear();
      browser.findElement(By.id("f-lon")).sendKeys("1.4");
      browser.findElement(By.cssSelector("#facility-edit button[type=submit]")).click();
    }
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("facility-saved")));
    assertThat(browser.findElement(By.id("facility-name")).getText()).endsWith("rénové");
    org.hl7.fhir.r4.model.Location after = client().read().resource(org.hl7.fhir.r4.model.Location.class).withId(data.facility()).execute();
    assertThat(after.getName()).endsWith("rénové");
    assertThat(after.getPosition().getLatitude().doubleValue()).isEqualTo(6.25);
    shot("facility-edit");

    // The list: export and import for the steward.
    browser.get("http://localhost:" + port + "/facilities");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("export-csv")));
    Path csv = Files.createTempFile("etablissements", ".csv");
    Files.writeString(csv, "code,name,type,status,district,latitude,longitude\nIMP-" + data.facility() + ",USP importée,USP,active,"
        + data.district() + ",6.1,1.3\n");
    browser.findElement(By.id("import-file")).sendKeys(csv.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("form.import button[type=submit]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("import-done")));
    assertThat(browser.findElement(By.id("import-done")).getText()).contains("1 établissement(s) créé(s)");
    Files.delete(csv);
  }

  private String register(String given, String family, String birthDate, String phone) {
    org.hl7.fhir.r4.model.Patient p = new org.hl7.fhir.r4.model.Patient();
    p.addName().setFamily(family).addGiven(given);
    p.setGender(given.startsWith("K") ? org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.MALE
        : org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(birthDate));
    if (phone != null) p.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue(phone);
    return client().create().resource(p).execute().getId().getIdPart();
  }

  private static String nhid(org.hl7.fhir.r4.model.Patient p) {
    return p.getIdentifier().stream().filter(i -> "http://lafia.health/fhir/sid/national-health-id".equals(i.getSystem())
        && i.getUse() != org.hl7.fhir.r4.model.Identifier.IdentifierUse.OLD).map(i -> i.getValue()).findFirst().orElse(null);
  }

  private int count(String query, java.util.function.Predicate<org.hl7.fhir.r4.model.Location> which) {
    org.hl7.fhir.r4.model.Bundle b = client().search().byUrl(query).returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();
    return (int) b.getEntry().stream().map(e -> (org.hl7.fhir.r4.model.Location) e.getResource()).filter(which).count();
  }

  private void signIn(String login) {
    browser.get("http://localhost:" + port + "/");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
    browser.findElement(By.id("username")).sendKeys(login);
    browser.findElement(By.id("password")).sendKeys(ConsoleData.PASSWORD);
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("map")));
  }

  private void shot(String name) throws Exception {
    File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
