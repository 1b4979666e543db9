package org.lafia.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ed25519 key that signs the audit chain's checkpoints. It is kept outside the database: who
 * can rewrite the database (and recompute the chain) still cannot sign a checkpoint. Read from
 * {@code lafia.audit.checkpoint-key} (a PKCS#8 PEM file, e.g. {@code openssl genpkey -algorithm
 * ed25519}), or generated once into {@code <data dir>/audit/} (readable by its owner only) with
 * its public key beside it. Checkpoints verify under this key's public key or one of
 * {@code lafia.audit.checkpoint-public-keys} (other nodes' keys, former keys).
 */
final class CheckpointKey {
  private static final Logger log = LoggerFactory.getLogger(CheckpointKey.class);
  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String id;
  private final Map<String, PublicKey> known = new LinkedHashMap<>();

  CheckpointKey(PrivateKey privateKey, List<PublicKey> others) {
    this.privateKey = privateKey;
    this.publicKey = publicOf(privateKey);
    this.id = id(publicKey);
    known.put(id, publicKey);
    for (PublicKey k : others) known.put(id(k), k);
  }

  /** The configured key, or the data directory's (made on first start); logs its public key for the operators. */
  static CheckpointKey load(String configured, Path dataDir, List<String> publicKeyFiles) {
    Path file = configured != null && !configured.isBlank() ? Path.of(configured) : dataDir.resolve("audit").resolve("checkpoint-key.pem");
    try {
      if (!Files.exists(file)) {
        if (configured != null && !configured.isBlank()) {
          throw new IllegalStateException("lafia.audit.checkpoint-key: no such file " + file.toAbsolutePath());
        }
        generate(file);
      }
      List<PublicKey> others = publicKeyFiles == null ? List.of()
          : publicKeyFiles.stream().filter(p -> !p.isBlank()).map(p -> readPublic(Path.of(p))).toList();
      CheckpointKey key = new CheckpointKey(readPrivate(file), others);
      log.info("Audit checkpoints are signed with key {} ({}); keep its public key away from this server to check them later: {}",
          key.id(), file.toAbsolutePath(), Base64.getEncoder().encodeToString(key.publicKey.getEncoded()));
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read or write the audit checkpoint key " + file.toAbsolutePath(), e);
    }
  }

  private static void generate(Path file) throws IOException {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Path dir = Files.createDirectories(file.toAbsolutePath().getParent());
    // Unreadable to others from the start (not chmod-ed once written), and moved into place whole.
    Path tmp = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? Files.createTempFile(dir, ".checkpoint-key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(dir, ".checkpoint-key", ".tmp"); // elsewhere, the data directory's own permissions protect it
    Files.writeString(tmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Files.writeString(publicFile(file), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    log.info("Generated the audit checkpoint key {} (public key in {})", file.toAbsolutePath(), publicFile(file).toAbsolutePath());
  }

  static Path publicFile(Path privateFile) {
    return privateFile.resolveSibling(privateFile.getFileName().toString().replaceAll("\\.pem$", "") + ".pub.pem");
  }

  String id() {
    return id;
  }

  byte[] sign(byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The known public key of this id, or null. */
  PublicKey publicKey(String keyId) {
    return known.get(keyId);
  }

  static boolean valid(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a malformed signature is not a valid one
    }
  }

  /** SHA-256 of the X.509 encoding, in hex: what {@code openssl pkey -pubin -outform der | sha256sum} prints. */
  static String id(PublicKey key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] der(Path file, String type) {
    try {
      Matcher m = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
      while (m.find()) if (m.group(1).equals(type)) return Base64.getMimeDecoder().decode(m.group(2));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file.toAbsolutePath(), e);
    }
    throw new IllegalStateException(file.toAbsolutePath() + " holds no PEM block '" + type + "' (an unencrypted Ed25519 key is expected)");
  }

  private static PrivateKey readPrivate(Path file) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(file, "PRIVATE KEY")));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(file.toAbsolutePath() + " is not an Ed25519 private key", e);
    }
  }

  static PublicKey readPublic(Path file) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(file, "PUBLIC KEY")));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(file.toAbsolutePath() + " is not an Ed25519 public key", e);
    }
  }

  /**
   * The JDK has no call that derives an Ed25519 public key from its private key, but its key pair
   * generator derives the public key from 32 random bytes: given the private key as those bytes,
   * it yields the same pair. A probe signature checks that it did.
   */
  private static PublicKey publicOf(PrivateKey key) {
    try {
      byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow();
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
        @Override
        public void nextBytes(byte[] bytes) {
          System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
      });
      PublicKey pub = g.generateKeyPair().getPublic();
      byte[] probe = "lafia-audit-checkpoint-probe".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(probe);
      if (!valid(pub, probe, s.sign())) throw new IllegalStateException("Could not derive the checkpoint key's public key");
      return pub;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
