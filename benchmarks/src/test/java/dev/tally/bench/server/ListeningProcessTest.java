package dev.tally.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ListeningProcessTest {

    /** Lines as Linux writes them (trailing columns shortened): 0x1FF4 is 8180, 0x1628 is 5672. */
    private static final String TCP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1628 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 6972 1 0
               1: 00000000:1FF4 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 283548 1 0
               2: 0100007F:1FF4 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 290001 1 0
               3: 0100007F:C350 0100007F:1FF4 06 00000000:00000000 03:00000F2A 00000000     0        0 0 3 0
            """;

    /** IPv4 mapped into IPv6, ::ffff:127.0.0.1, as Java's listening sockets usually are. */
    private static final String TCP6 = "  sl  local_address                         remote_address                     "
            + "   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
            + "   0: 0000000000000000FFFF00000100007F:1FF4 00000000000000000000000000000000:0000 0A "
            + "00000000:00000000 00:00000000 00000000     0        0 283394 1 0\n";

    @Test
    void onlyTheSocketsListeningOnThePortCountNotItsConnections() {
        assertEquals(Set.of(283548L), ListeningProcess.listeningInodes(TCP, 8180));
        assertEquals(Set.of(6972L), ListeningProcess.listeningInodes(TCP, 5672));
        assertEquals(Set.of(283394L), ListeningProcess.listeningInodes(TCP6, 8180));
        assertEquals(Set.of(), ListeningProcess.listeningInodes(TCP, 50000), "a client port in TIME_WAIT");
        assertEquals(Set.of(), ListeningProcess.listeningInodes("", 8180));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void findsThisJvmListeningAndNobodyOnAPortClosedAgain() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
            assertEquals(Optional.of(ProcessHandle.current().pid()), ListeningProcess.of(port));
        }
        assertEquals(Optional.empty(), ListeningProcess.of(port));
    }
}
