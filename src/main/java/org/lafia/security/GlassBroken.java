package org.lafia.security;

import java.time.Instant;
import java.util.List;

/** Published when a person breaks the glass: the audit module records it with its reason. */
public record GlassBroken(String login, List<String> roles, String patientId, String reason, Instant until) {}
