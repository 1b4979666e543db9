import java.io.File;
import java.nio.file.*;
import java.time.Duration;
import org.openqa.selenium.*;
import org.openqa.selenium.chrome.*;
import org.openqa.selenium.support.ui.*;
/**
 * The README's screenshots of the console (docs/screenshots/), taken in Debian's Chromium from a
 * running Lafia with the demo country: tools/screenshots/shots.sh.
 */
public class Shots {
  public static void main(String[] a) throws Exception {
    String base = a[0]; Path out = Path.of(a[1]); Files.createDirectories(out);
    ChromeOptions o = new ChromeOptions().setBinary(new File("/usr/bin/chromium"));
    o.addArguments("--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage","--disable-background-networking","--no-first-run","--window-size=1280,1000","--user-data-dir=" + Files.createTempDirectory("lafia-shots"));
    o.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages","fr-FR,fr"));
    WebDriver b = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(), o);
    try {
      b.get(base + "/login");
      Files.copy(((TakesScreenshot) b).getScreenshotAs(OutputType.FILE).toPath(), out.resolve("login.png"), StandardCopyOption.REPLACE_EXISTING);
      b.findElement(By.id("username")).sendKeys(a[2]); b.findElement(By.id("password")).sendKeys("Lafia-Demo-2026");
      b.findElement(By.cssSelector("form button[type=submit]")).click();
      WebDriverWait w = new WebDriverWait(b, Duration.ofSeconds(30));
      w.until(ExpectedConditions.attributeToBeNotEmpty(b.findElement(By.id("map")), "data-facility-count"));
      w.until(ExpectedConditions.attributeToBeNotEmpty(b.findElement(By.id("map")), "data-district-count"));
      Thread.sleep(800);
      System.out.println("districts=" + b.findElement(By.id("map")).getAttribute("data-district-count") + " facilities=" + b.findElement(By.id("map")).getAttribute("data-facility-count")
        + " paths=" + b.findElements(By.cssSelector("#map path.leaflet-interactive")).size());
      Files.copy(((TakesScreenshot) b).getScreenshotAs(OutputType.FILE).toPath(), out.resolve("home-fr.png"), StandardCopyOption.REPLACE_EXISTING);
      b.findElement(By.cssSelector("table tbody a")).click();
      w.until(ExpectedConditions.presenceOfElementLocated(By.id("record-name"))); Thread.sleep(300);
      Files.copy(((TakesScreenshot) b).getScreenshotAs(OutputType.FILE).toPath(), out.resolve("record-fr.png"), StandardCopyOption.REPLACE_EXISTING);
      b.get(base + "/");
      w.until(ExpectedConditions.attributeToBeNotEmpty(b.findElement(By.id("map")), "data-facility-count"));
      b.findElement(By.linkText("EN")).click(); w.until(ExpectedConditions.textToBe(By.tagName("h1"), "Dashboard"));
      w.until(ExpectedConditions.attributeToBeNotEmpty(b.findElement(By.id("map")), "data-facility-count")); Thread.sleep(800);
      b.manage().window().setSize(new Dimension(360, 1400)); Thread.sleep(800);
      Files.copy(((TakesScreenshot) b).getScreenshotAs(OutputType.FILE).toPath(), out.resolve("home-en-phone.png"), StandardCopyOption.REPLACE_EXISTING);
      // The registry steward's review queue (the demo's namesakes the registry could not decide alone).
      b.manage().window().setSize(new Dimension(1280, 1000));
      b.get(base + "/?lang=fr");
      w.until(ExpectedConditions.presenceOfElementLocated(By.id("map")));
      b.findElement(By.cssSelector("header form button")).click();
      w.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
      b.findElement(By.id("username")).sendKeys("registre"); b.findElement(By.id("password")).sendKeys("Lafia-Demo-2026");
      b.findElement(By.cssSelector("form button[type=submit]")).click();
      w.until(ExpectedConditions.presenceOfElementLocated(By.id("map")));
      b.get(base + "/reviews");
      w.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1"))); Thread.sleep(300);
      System.out.println("review pairs=" + b.findElements(By.cssSelector("section.pair")).size());
      Files.copy(((TakesScreenshot) b).getScreenshotAs(OutputType.FILE).toPath(), out.resolve("reviews-fr.png"), StandardCopyOption.REPLACE_EXISTING);
    } finally { b.quit(); }
  }
}
