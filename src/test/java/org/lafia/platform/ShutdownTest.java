package org.lafia.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A node started as its own process (as {@code java -jar lafia.jar} runs it) and sent SIGTERM
 * stops cleanly: requests drained, pools and audit writer closed while the embedded PostgreSQL
 * still runs, then the database stopped — no error in the log, no postmaster left behind.
 */
class ShutdownTest {
  private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

  @Test
  void sigterm_stops_the_node_then_its_embedded_database_without_an_error() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "lafia-sigterm");
    Path log = dir.resolve("server.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"), "org.lafia.LafiaApplication",
        "--server.port=0", "--server.address=127.0.0.1", "--lafia.db.data-dir=" + dir.resolve("data"), "--lafia.db.embedded-durable=false",
        "--lafia.security.issuer=http://lafia.test"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      int port = waitForPort(p, log);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      Path postmaster = dir.resolve("data/pg/postmaster.pid");
      assertThat(postmaster).exists();

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s of SIGTERM").isTrue();
      String out = Files.readString(log);
      assertThat(out).contains("Embedded PostgreSQL stopped");
      // The database stops last: nothing that used it failed on the way out.
      assertThat(out.lines().filter(l -> l.contains(" ERROR ") || l.contains("Exception")).toList()).isEmpty();
      assertThat(postmaster).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  private static int waitForPort(Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as("the node is running; its log: %s", log).isTrue();
      if (Files.exists(log)) {
        Matcher m = STARTED.matcher(Files.readString(log));
        if (m.find()) return Integer.parseInt(m.group(1));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("The node did not start within 180 s; its log: " + log);
  }
}
