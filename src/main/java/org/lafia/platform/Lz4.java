package org.lafia.platform;

import net.jpountz.lz4.LZ4Factory;

/** The LZ4 implementation Lafia compresses with (stored bodies, large request bodies). */
public final class Lz4 {
  /**
   * The native LZ4 (about twice the speed of the Java one), else the fastest Java one.
   * {@code fastestInstance()} would refuse native code whenever the library was loaded by another
   * class loader than the system's, as in the executable jar, where only one loader ever loads it.
   */
  public static final LZ4Factory FACTORY = factory();

  private Lz4() {}

  private static LZ4Factory factory() {
    try {
      return LZ4Factory.nativeInstance();
    } catch (LinkageError | RuntimeException | AssertionError unavailable) { // no library for this platform
      return LZ4Factory.fastestJavaInstance();
    }
  }
}
