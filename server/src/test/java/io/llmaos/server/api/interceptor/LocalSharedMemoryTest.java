package io.llmaos.server.api.interceptor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Only loopback peers may register system shared memory. */
class LocalSharedMemoryTest {
    @Test
    void loopbackPeersAreLocalAndOthersAreNot() {
        assertTrue(LocalSharedMemory.isLoopback(new InetSocketAddress("127.0.0.1", 5000)));
        assertTrue(LocalSharedMemory.isLoopback(new InetSocketAddress("::1", 5000)));
        assertFalse(LocalSharedMemory.isLoopback(new InetSocketAddress("10.1.2.3", 5000)));
        assertFalse(LocalSharedMemory.isLoopback(new InetSocketAddress("192.168.0.7", 5000)));
        assertFalse(LocalSharedMemory.isLoopback(InetSocketAddress.createUnresolved("example.com", 5000)));
        assertFalse(LocalSharedMemory.isLoopback(null));
    }
}
