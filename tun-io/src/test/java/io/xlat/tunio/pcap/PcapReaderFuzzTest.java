package io.xlat.tunio.pcap;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes as a pcap file: {@link PcapReader} reads records or refuses the file with a
 * {@link PcapFormatException}; nothing else escapes, no record is longer than its limit or reaches past the
 * buffer, and the records counted are the records returned. The corpus in {@code PcapReaderFuzzTestInputs/read}
 * holds both byte orders, both timestamp precisions, an empty file and a truncated record.
 */
public class PcapReaderFuzzTest {

    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("xlat-fuzz", ".pcap");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void read(byte[] input) throws IOException {
        fuzzerTestOneInput(input);
    }

    /** The same target for Jazzer's command line. */
    public static void fuzzerTestOneInput(byte[] input) throws IOException {
        Files.write(FILE, input);
        try (PcapReader reader = PcapReader.open(FILE)) {
            long records = 0;
            int length;
            while ((length = reader.next()) >= 0) {
                records++;
                if (length > PcapReader.MAX_RECORD_LENGTH
                    || reader.offset() + reader.length() > reader.buffer().capacity()) {
                    throw new AssertionError("record " + records + " of " + length + " bytes at " + reader.offset()
                        + " in a buffer of " + reader.buffer().capacity());
                }
                if (length > 0) {
                    // bounds-checked read of the record's last byte; a zero-length record (legal: incl_len 0) may
                    // sit at the very end of the buffer and has no byte to read
                    reader.buffer().getByte(reader.offset() + length - 1);
                }
            }
            if (records != reader.recordCount()) {
                throw new AssertionError(records + " records returned, " + reader.recordCount() + " counted");
            }
        } catch (PcapFormatException refused) {
            // a clear refusal is the expected outcome for most inputs
        }
    }
}
