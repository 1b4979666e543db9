package org.lafia.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint key: generated once and kept, or configured, with its public key derived. */
class CheckpointKeyTest {
  private static final byte[] MESSAGE = "lafia-audit-checkpoint/1 test".getBytes(StandardCharsets.UTF_8);

  @Test
  void generated_once_into_the_data_directory_then_reused(@TempDir Path data) {
    CheckpointKey first = CheckpointKey.load(null, data, List.of());
    CheckpointKey again = CheckpointKey.load("", data, List.of());
    assertThat(again.id()).isEqualTo(first.id());
    Path pub = data.resolve("audit").resolve("checkpoint-key.pub.pem");
    assertThat(CheckpointKey.id(CheckpointKey.readPublic(pub))).isEqualTo(first.id());
    assertThat(CheckpointKey.valid(again.publicKey(first.id()), MESSAGE, first.sign(MESSAGE))).isTrue();
  }

  @Test
  void a_configured_pkcs8_key_is_used_with_its_public_key_derived_and_other_public_keys_verify(@TempDir Path dir) throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path file = dir.resolve("audit.key");
    Files.writeString(file, CheckpointKey.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path otherPub = dir.resolve("other-node.pub.pem");
    Files.writeString(otherPub, CheckpointKey.pem("PUBLIC KEY", other.getPublic().getEncoded()));

    CheckpointKey key = CheckpointKey.load(file.toString(), dir.resolve("unused"), List.of(otherPub.toString()));
    assertThat(key.id()).isEqualTo(CheckpointKey.id(pair.getPublic()));
    assertThat(CheckpointKey.valid(pair.getPublic(), MESSAGE, key.sign(MESSAGE))).isTrue();
    assertThat(key.publicKey(CheckpointKey.id(other.getPublic()))).isEqualTo(other.getPublic());
    assertThat(key.publicKey("0".repeat(64))).isNull();
    assertThat(Files.exists(dir.resolve("unused"))).isFalse(); // nothing generated when a key is configured

    assertThatThrownBy(() -> CheckpointKey.load(dir.resolve("absent.key").toString(), dir, List.of()))
        .hasMessageContaining("lafia.audit.checkpoint-key");
  }
}
