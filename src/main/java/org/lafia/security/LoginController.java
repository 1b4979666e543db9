package org.lafia.security;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The built-in identity provider's sign-in page, in French (default) or English ({@code ?lang=en}). */
@Controller
class LoginController {

  @GetMapping("/login")
  String login(@RequestParam(required = false) String error, @RequestParam(required = false) String logout, Model model) {
    model.addAttribute("error", error == null ? null : switch (error) {
      case "locked" -> "login.error.locked";
      case "code" -> "login.error.code";
      case "enrol" -> "login.error.enrol";
      case "disabled" -> "login.error.disabled";
      default -> "login.error.bad";
    });
    model.addAttribute("loggedOut", logout != null);
    return "login";
  }
}
