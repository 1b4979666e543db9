package org.lafia.console;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.List;
import org.lafia.security.AccountAdministration;
import org.lafia.security.Accounts;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** User and role administration for national administrators (accounts, roles, facilities, territories, lock-outs). */
@Controller
class AdminController {
  static final List<String> ROLES = List.of("clinician", "nurse", "specialist", "pharmacist", "surveillance-officer",
      "surveillance-case-officer", "data-manager", "registry-steward", "national-admin", "auditor");

  private final AccountAdministration admin;

  AdminController(AccountAdministration admin) {
    this.admin = admin;
  }

  @GetMapping("/admin/users")
  String users(@RequestParam(required = false) String edit, Authentication auth, HttpServletResponse response, Model model) {
    try {
      List<Accounts.Account> all = admin.list(auth.getName());
      model.addAttribute("accounts", all);
      model.addAttribute("roles", ROLES);
      model.addAttribute("editing", edit == null ? null : all.stream().filter(a -> a.login().equals(edit)).findFirst().orElse(null));
      model.addAttribute("now", java.time.Instant.now());
      return "admin-users";
    } catch (AccountAdministration.Refused e) {
      response.setStatus(403);
      model.addAttribute("problem", "admin.forbidden");
      return "refused";
    }
  }

  @PostMapping("/admin/users")
  String save(@RequestParam String login, @RequestParam String displayName, @RequestParam(required = false) String password,
      @RequestParam(required = false) List<String> roles, @RequestParam(required = false) String facilities,
      @RequestParam(required = false) String territories, @RequestParam(required = false) String enabled,
      Authentication auth, HttpServletResponse response, RedirectAttributes redirect, Model model) {
    try {
      admin.save(auth.getName(), login.trim(), displayName, password, roles == null ? List.of() : roles, ids(facilities), ids(territories),
          enabled != null);
      redirect.addFlashAttribute("saved", login.trim());
      return "redirect:/admin/users";
    } catch (AccountAdministration.Refused e) {
      if (e.forbidden) {
        response.setStatus(403);
        model.addAttribute("problem", "admin.forbidden");
        return "refused";
      }
      redirect.addFlashAttribute("error", e.getMessage());
      return "redirect:/admin/users";
    }
  }

  @PostMapping("/admin/users/{login}/unlock")
  String unlock(@PathVariable String login, Authentication auth, HttpServletResponse response, RedirectAttributes redirect, Model model) {
    try {
      admin.unlock(auth.getName(), login);
      redirect.addFlashAttribute("saved", login);
      return "redirect:/admin/users";
    } catch (AccountAdministration.Refused e) {
      response.setStatus(e.forbidden ? 403 : 404);
      model.addAttribute("problem", e.forbidden ? "admin.forbidden" : "admin.unknown");
      return "refused";
    }
  }

  private static List<String> ids(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) return List.of();
    return Arrays.stream(commaSeparated.split("[,\\s]+")).filter(s -> !s.isBlank()).distinct().toList();
  }
}
