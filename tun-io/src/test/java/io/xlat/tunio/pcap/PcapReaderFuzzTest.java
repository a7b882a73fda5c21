package io.xlat.tunio.pcap;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Any bytes as a capture file: {@link CaptureReader#open} chooses classic pcap or pcapng by the first four bytes,
 * and the reader reads records or refuses the file with a {@link PcapFormatException}; nothing else escapes, no
 * record is longer than its limit or reaches past the buffer, and the records counted are the records returned.
 * The bytes reach the reader from memory ({@link BytesChannel}), through the same code as a file's. The corpus in
 * {@code PcapReaderFuzzTestInputs/read} holds both byte orders and timestamp precisions of classic pcap, pcapng
 * with several interfaces, options and block types, an empty file and truncated records.
 */
public class PcapReaderFuzzTest {

    private static final Path NAME = Path.of("fuzz-input");

    @FuzzTest(maxDuration = "2m")
    void read(byte[] input) throws IOException {
        fuzzerTestOneInput(input);
    }

    /** The same target for Jazzer's command line. */
    public static void fuzzerTestOneInput(byte[] input) throws IOException {
        try (CaptureReader reader = CaptureReader.open(NAME, new BytesChannel(input))) {
            // classic pcap caps a record at tcpdump's largest snapshot; a pcapng record is bounded by its block
            final int limit = reader instanceof PcapReader ? PcapReader.MAX_RECORD_LENGTH : Integer.MAX_VALUE;
            long records = 0;
            int length;
            while ((length = reader.next()) >= 0) {
                records++;
                if (length > limit || reader.offset() + reader.length() > reader.buffer().capacity()) {
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
