package org.lafia.console;

import java.util.List;
import org.lafia.security.Accounts;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** The signed-in person as every console page's header shows them: name and roles. */
@ControllerAdvice(basePackageClasses = ConsolePerson.class)
class ConsolePerson {
  /** A person's name and roles as the page shows them. */
  record Person(String name, List<String> roles) {}

  private final Accounts accounts;

  ConsolePerson(Accounts accounts) {
    this.accounts = accounts;
  }

  @ModelAttribute("person")
  Person person(Authentication auth) {
    if (auth == null) return null;
    return accounts.find(auth.getName()).map(a -> new Person(a.displayName(), a.roles())).orElse(new Person(auth.getName(), List.of()));
  }
}
