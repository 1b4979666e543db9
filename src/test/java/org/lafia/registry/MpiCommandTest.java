package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MpiCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return MpiCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static final String MAPPING = "id=num,given=prenom,family=nom,birthDate=naissance,phone=tel,city=ville";

  /** A register with people and their second registrations, and every kind of bad row. */
  private Path register() throws Exception {
    StringBuilder b = new StringBuilder("num,nom,prenom,naissance,tel,ville\n");
    String[] family = {"Agbeko", "Mensah", "Lawson", "Amegah", "Kpodar", "Tchalla", "Bennani", "Diallo", "Adjovi", "Akakpo"};
    String[] given = {"Kossi", "Ama", "Komlan", "Afi", "Yao", "Mohamed", "Fatima", "Edem", "Sena", "Kodjo"};
    int n = 0;
    for (int i = 0; i < 10; i++) {
      for (int j = 0; j < 10; j++) {
        String date = String.format("%04d-%02d-%02d", 1950 + (i * 7 + j * 3) % 60, 1 + (i + j) % 12, 2 + (i * 3 + j) % 26);
        b.append("r").append(n++).append(',').append(family[i]).append(',').append(given[j]).append(',').append(date)
            .append(",+228 90 ").append(String.format("%02d %02d %02d", i, j, (i * j) % 100)).append(",Lomé\n");
      }
    }
    // second registrations: a typo in the family name, names swapped, another spelling, a date day/month swapped
    b.append("s1,Agbekko,Kossi,1950-01-02,+228 90 00 00 00,Lomé\n");
    b.append("s2,Ama,Agbeko,1953-02-03,+228 90 00 01 00,Lomé\n");
    b.append("s3,MENSAH,Mouhamed,").append(String.format("%04d-%02d-%02d", 1950 + (7 + 15) % 60, 1 + (1 + 5) % 12, 2 + (3 + 5) % 26))
        .append(",,Lome\n");
    // bad rows
    b.append(",Sans,Identifiant,1980-01-01,,Kara\n"); // no id
    b.append("r5,Doublon,Identifiant,1980-01-01,,Kara\n"); // id seen before
    b.append("x1,Date,Impossible,1987-02-30,+228 91 11 11 11,Kara\n"); // matched without the date
    b.append("x2,\"Guillemet,Ouvert,1990-01-01,,Kara\n"); // not CSV
    b.append("x3,,,,,\n"); // nothing to match on
    Path f = dir.resolve("registre.csv");
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    byte[] bad = "x4,Octet\u00ff,Illisible,1991-03-04,,Kara\n".getBytes(StandardCharsets.ISO_8859_1); // not UTF-8
    byte[] all = new byte[bytes.length + bad.length];
    System.arraycopy(bytes, 0, all, 0, bytes.length);
    System.arraycopy(bad, 0, all, bytes.length, bad.length);
    Files.write(f, all);
    return f;
  }

  @Test
  void dedup_writes_the_linked_pairs_and_a_rejects_file_and_goes_on_after_bad_rows() throws Exception {
    Path input = register();
    Path output = dir.resolve("paires.csv");
    int code = run("dedup", "--input", input.toString(), "--columns", MAPPING, "--output", output.toString());
    assertThat(code).as(err.toString()).isZero();
    List<String> pairs = Files.readAllLines(output);
    assertThat(pairs.get(0)).isEqualTo("left_id,right_id,probability,band");
    assertThat(pairs).anyMatch(l -> l.startsWith("r0,s1,")).anyMatch(l -> l.startsWith("r1,s2,"))
        .anyMatch(l -> l.startsWith("r15,s3,"));
    for (String l : pairs.subList(1, pairs.size())) {
      String[] f = l.split(",");
      assertThat(Double.parseDouble(f[2])).isBetween(0.5, 1.0);
      assertThat(f[3]).isIn("auto-link", "review");
    }
    String rejects = Files.readString(dir.resolve("paires.csv.rejects.csv"));
    assertThat(rejects).startsWith("file,line,id,reason")
        .contains("no id").contains("r5,the id is on an earlier line too").contains(",108,,the line is not valid CSV")
        .contains("x1,matched without: birthDate").contains("impossible date")
        .contains("x3,not matched: nothing to match on").contains("x4,matched without the bytes that are not UTF-8");
    assertThat(out.toString()).contains("rejected rows: 3").contains("candidate pairs:").contains("pairs written:");
  }

  @Test
  void link_pairs_the_records_of_two_lists() throws Exception {
    Path left = dir.resolve("a.csv");
    Path right = dir.resolve("b.csv");
    Files.writeString(left, "id,given,family,dob\na1,Kossi,Agbeko,1970-05-06\na2,Ama,Mensah,1982-11-23\na3,Yao,Lawson,1990-07-08\n");
    Files.writeString(right, "id,given,family,dob\nb1,Ama,Mensa,1982-11-23\nb2,Kossi,Agbeko,1970-06-05\nb3,Edem,Kpodar,1961-01-19\n");
    Path output = dir.resolve("liens.csv");
    int code = run("link", "--left", left.toString(), "--right", right.toString(), "--columns",
        "id=id,given=given,family=family,birthDate=dob", "--output", output.toString(), "--review", "0.3");
    assertThat(code).as(err.toString()).isZero();
    List<String> pairs = Files.readAllLines(output);
    assertThat(pairs).anyMatch(l -> l.startsWith("a2,b1,")).anyMatch(l -> l.startsWith("a1,b2,"))
        .noneMatch(l -> l.contains("b3")).noneMatch(l -> l.startsWith("a3,"));
  }

  @Test
  void a_wrong_command_line_says_what_to_fix() throws Exception {
    Path input = register();
    assertThat(run("dedup", "--input", input.toString(), "--columns", "given=prenom", "--output", "x.csv")).isEqualTo(2);
    assertThat(err.toString()).contains("--columns must map id");
    err.reset();
    assertThat(run("dedup", "--input", input.toString(), "--columns", "id=num,prenom", "--output", "x.csv")).isEqualTo(2);
    assertThat(err.toString()).contains("'prenom' is not field=column");
    err.reset();
    assertThat(run("dedup", "--input", input.toString(), "--columns", "id=num,age=age", "--output", "x.csv")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown field 'age'");
    err.reset();
    assertThat(run("dedup", "--input", input.toString(), "--columns", "id=num,given=given_name", "--output",
        dir.resolve("y.csv").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("has no column 'given_name'").contains("num, nom, prenom");
    err.reset();
    assertThat(run("dedup", "--columns", MAPPING, "--output", "x.csv")).isEqualTo(2);
    assertThat(err.toString()).contains("--input is required");
    err.reset();
    assertThat(run("dedup", "--input", input.toString(), "--columns", MAPPING, "--output", "x.csv", "--review", "1.5")).isEqualTo(2);
    assertThat(err.toString()).contains("Thresholds must satisfy");
    err.reset();
    assertThat(run("merge")).isEqualTo(2);
    assertThat(err.toString()).contains("Usage:");
  }
}
