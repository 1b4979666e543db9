package org.lafia.registry.matching;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {
  private static String key(String name) {
    return Names.skeleton(Names.compact(Names.clean(name)));
  }

  @Test
  void french_spellings_of_one_arabic_name_share_a_key() {
    assertThat(key("Mohamed")).isEqualTo(key("Mohammed")).isEqualTo(key("Mouhamed")).isEqualTo(key("MUHAMMAD"));
    assertThat(key("Youssef")).isEqualTo(key("Youssouf")).isEqualTo(key("Yusuf"));
    assertThat(key("Khadija")).isEqualTo(key("Kadija"));
    assertThat(key("Abdelkader")).isEqualTo(key("Abdelqader"));
    assertThat(key("Djibril")).isEqualTo(key("Jibril"));
  }

  @Test
  void articles_particles_hyphens_accents_and_case_do_not_separate_names() {
    assertThat(Names.compact(Names.clean("El Amrani"))).isEqualTo(Names.compact(Names.clean("ELAMRANI")))
        .isEqualTo(Names.compact(Names.clean("Al-Amrani")));
    assertThat(Names.clean("Jean-Paul")).isEqualTo(Names.clean("JEAN  PAUL")).isEqualTo("jean paul");
    assertThat(Names.clean("Adjoa Écoffey-Gnassingbé")).isEqualTo("adjoa ecoffey gnassingbe");
    assertThat(Names.words(Names.clean("Ngo Mbarga"))).containsExactly("ngombarga");
    assertThat(Names.words(Names.clean("Marie Ngo Mbarga"))).containsExactly("marie", "ngombarga");
  }

  @Test
  void names_in_arabic_script_meet_their_latin_spelling() {
    assertThat(key("محمد")).isEqualTo(key("Mohamed"));
  }

  @Test
  void ewe_and_akan_day_names_meet_but_are_a_short_key() {
    assertThat(key("Kossi")).isEqualTo(key("Kwasi"));
    assertThat(key("Kossi")).hasSizeLessThan(3); // too common and too short to block on alone (Blocking)
  }

  @Test
  void the_spellings_of_one_day_name_are_one_name_and_two_days_two_names() {
    String kossi = Names.dayName(Names.compact(Names.clean("Kossi")));
    assertThat(kossi).isNotNull().isEqualTo(Names.dayName(Names.compact(Names.clean("KOUASSI"))))
        .isEqualTo(Names.dayName(Names.compact(Names.clean("Kwasi"))));
    assertThat(Names.dayName("kodjo")).isEqualTo(Names.dayName("kwadwo")).isNotEqualTo(kossi);
    // A brother and a sister born on the same weekday do not share a name: Kossi and Kossiwa.
    assertThat(Names.dayName("kossiwa")).isEqualTo(Names.dayName("akosua")).isNotEqualTo(kossi);
    assertThat(Names.dayName("mawuli")).isNull();
    // Compared as one name written two ways ("one typo or same sound"), not as two names.
    Prepared a = new Prepared(PersonRecord.of("a").with("given", "Kossi").with("family", "Mensah"));
    Prepared b = new Prepared(PersonRecord.of("b").with("given", "Kouassi").with("family", "Mensah"));
    Prepared c = new Prepared(PersonRecord.of("c").with("given", "Kodjo").with("family", "Mensah"));
    assertThat(Comparison.level(Comparison.compare(a, b), Comparison.GIVEN)).isEqualTo(1);
    assertThat(Comparison.level(Comparison.compare(a, c), Comparison.GIVEN)).isEqualTo(3);
  }
}
