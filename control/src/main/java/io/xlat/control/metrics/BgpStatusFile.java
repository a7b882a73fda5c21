package io.xlat.control.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The BGP status file {@code xlat run} rewrites every second next to its counters file
 * ({@code <counters-file>.bgp}, written by {@code BgpControl#status}): a header with the time it was written,
 * the number of prefixes xlat wants announced, and one tab-separated line per peer.
 *
 * @param writtenMillis when it was written (ms since the epoch)
 * @param wanted        the prefixes xlat announces while the data plane is healthy
 * @param peers         one entry per configured peer
 */
record BgpStatusFile(long writtenMillis, int wanted, List<Peer> peers) {

    static final String HEADER = "# xlat bgp status, written at ";

    /**
     * One peer's line.
     *
     * @param uptimeMillis time in Established, or -1
     * @param advertised   prefixes the peer holds from xlat
     */
    record Peer(String name, String state, long uptimeMillis, long messagesIn, long messagesOut, long advertised,
        long unsendable, long malformedIn) {

        boolean established() {
            return "ESTABLISHED".equals(state);
        }
    }

    /** The file as it is now; null when it does not exist (no BGP, or not written yet) or cannot be read. */
    static BgpStatusFile read(Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return null;
        }
        return parse(lines);
    }

    /** Lines that do not parse are skipped: a newer xlat may add columns, never reorder them. */
    static BgpStatusFile parse(List<String> lines) {
        long written = -1;
        int wanted = 0;
        final List<Peer> peers = new ArrayList<>();
        for (final String line : lines) {
            try {
                if (line.startsWith(HEADER)) {
                    written = Long.parseLong(line.substring(HEADER.length()).trim());
                    continue;
                }
                final String[] f = line.split("\t", -1);
                if (f.length >= 2 && f[0].equals("announced")) {
                    wanted = Integer.parseInt(f[1]);
                } else if (f.length >= 9 && f[0].equals("peer")) {
                    peers.add(new Peer(f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                        Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8])));
                }
            } catch (NumberFormatException e) {
                // a torn or foreign line: the others still count
            }
        }
        return new BgpStatusFile(written, wanted, List.copyOf(peers));
    }
}
