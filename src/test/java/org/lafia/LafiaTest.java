package org.lafia;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * One Spring context (and so one embedded PostgreSQL, in a directory of its own so that parallel
 * builds never share a cluster) shared by every HTTP test of the JVM: the
 * annotation is identical everywhere, so Spring's context cache reuses it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"lafia.db.data-dir=target/test-db/${random.uuid}", "lafia.db.embedded-durable=false",
        "lafia.security.issuer=http://lafia.test",
        // Every test client signs in from 127.0.0.1; SignInRateLimitTest covers the limit itself.
        "lafia.security.sign-in-rate-per-minute=100000"})
public @interface LafiaTest {}
