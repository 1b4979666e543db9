package org.lafia.platform;

import java.util.List;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/**
 * French first: pages speak French unless the person chose English ({@code ?lang=en}, kept in a
 * cookie) or the browser asks for English first. Other languages fall back to French.
 */
@Configuration(proxyBeanMethods = false)
public class WebLocale implements WebMvcConfigurer {
  static final List<Locale> SUPPORTED = List.of(Locale.FRENCH, Locale.ENGLISH);

  @Bean
  LocaleResolver localeResolver() {
    CookieLocaleResolver r = new CookieLocaleResolver("lafia-lang") {
      @Override
      public Locale resolveLocale(jakarta.servlet.http.HttpServletRequest request) {
        Locale chosen = super.resolveLocale(request);
        return SUPPORTED.stream().filter(l -> l.getLanguage().equals(chosen.getLanguage())).findFirst().orElse(Locale.FRENCH);
      }
    };
    r.setDefaultLocaleFunction(request -> {
      String accept = request.getHeader("Accept-Language");
      if (accept == null || accept.isBlank()) return Locale.FRENCH;
      try {
        Locale best = Locale.lookup(Locale.LanguageRange.parse(accept), SUPPORTED);
        return best == null ? Locale.FRENCH : best;
      } catch (IllegalArgumentException e) {
        return Locale.FRENCH;
      }
    });
    return r;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    LocaleChangeInterceptor lang = new LocaleChangeInterceptor();
    lang.setParamName("lang");
    lang.setIgnoreInvalidLocale(true);
    registry.addInterceptor(lang);
  }
}
