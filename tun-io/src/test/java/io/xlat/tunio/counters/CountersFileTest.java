package io.xlat.tunio.counters;

import io.xlat.core.drop.Direction;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountersFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldNotCallAFileRunningWhenNoProcessHoldsItsLock() throws IOException {
        final Path path = dir.resolve("counters");
        final Path leftover = dir.resolve("leftover");
        try (CountersFile file = CountersFile.create(path, WorkerCounters.perWorker(), 4242, 1L)) {
            // what a kill -9 leaves: a header that says running, and no lock (the kernel drops it with the process)
            Files.copy(path, leftover);
            assertTrue(CountersFile.read(path).running());
            assertFalse(CountersFile.read(path).abandoned());
        }
        final CountersFile.Snapshot snapshot = CountersFile.read(leftover);
        assertFalse(snapshot.running());
        assertTrue(snapshot.abandoned());
        assertFalse(CountersFile.read(path).abandoned(), "a clean stop is not abandoned");
    }

    @Test
    void shouldLetAReaderSeePublishedValuesWithTheirKeys() throws IOException {
        final Path path = dir.resolve("run/xlat/counters");
        try (CountersFile file = CountersFile.create(path, 2 * WorkerCounters.perWorker(), 4242, 1_700_000_000_000L)) {
            final WorkerCounters q0 = new WorkerCounters(file.manager(), "xlat0", 0);
            final WorkerCounters q1 = new WorkerCounters(file.manager(), "xlat0", 1);
            final DeviceCounters device = new DeviceCounters();
            device.received(1500);
            device.received(40);
            final DropCounters drops = new DropCounters();
            drops.drop(DropReason.TTL_EXPIRED, Direction.D46);
            drops.translated46(1500);
            q0.publish(device, drops);
            q1.publish(new DeviceCounters(), new DropCounters());

            final CountersFile.Snapshot snapshot = CountersFile.read(path);
            assertTrue(snapshot.running());
            assertEquals(4242, snapshot.pid());
            assertEquals(1_700_000_000_000L, snapshot.startTimeMillis());
            final Map<String, Long> values = new HashMap<>();
            final Map<String, CounterKey> keys = new HashMap<>();
            snapshot.reader().forEach((id, typeId, key, label) -> {
                values.put(label, snapshot.reader().getCounterValue(id));
                keys.put(label, CounterKey.read(typeId, key));
            });
            assertEquals(2 * WorkerCounters.perWorker(), values.size());
            assertEquals(2L, values.get("xlat0 q0 rx-packets"));
            assertEquals(1540L, values.get("xlat0 q0 rx-bytes"));
            assertEquals(1L, values.get("xlat0 q0 drop ttl-expired 46"), "by direction: it arrived as IPv4");
            assertEquals(0L, values.get("xlat0 q0 drop ttl-expired 64"));
            assertEquals(1L, values.get("xlat0 q0 translated-46"));
            assertEquals(0L, values.get("xlat0 q1 rx-packets"));
            assertEquals(new CounterKey(CounterKey.DROP_46_TYPE_ID, DropReason.TTL_EXPIRED.id(), 0,
                CounterKey.SCOPE_DEVICE, "xlat0"), keys.get("xlat0 q0 drop ttl-expired 46"));
            assertEquals(DropReason.TTL_EXPIRED.description() + " [" + DropReason.TTL_EXPIRED.rfc() + "]",
                keys.get("xlat0 q0 drop ttl-expired 46").description());

            device.received(100);
            q0.publish(device, drops);
            assertEquals(3L, snapshot.reader().getCounterValue(idOf(snapshot, "xlat0 q0 rx-packets")),
                "the reader's mapping is live");
        }
        final CountersFile.Snapshot after = CountersFile.read(path);
        assertFalse(after.running(), "closed: stopped");
        assertEquals(3L, after.reader().getCounterValue(idOf(after, "xlat0 q0 rx-packets")), "last values kept");
    }

    @Test
    void shouldRefuseASecondWriterOfTheSameFile() throws IOException {
        final Path path = dir.resolve("counters");
        try (CountersFile first = CountersFile.create(path, 10, 1, 0)) {
            final CountersFile.InUseException e = assertThrows(CountersFile.InUseException.class,
                () -> CountersFile.create(path, 10, 2, 0));
            assertTrue(e.getMessage().contains("in use by another running xlat"), e.getMessage());
            assertTrue(first.manager().available() == 10);
        }
        CountersFile.create(path, 10, 3, 0).close(); // free again once the first closed
    }

    @Test
    void shouldStartFromZerosWhenReplacingAnOldFile() throws IOException {
        final Path path = dir.resolve("counters");
        try (CountersFile first = CountersFile.create(path, WorkerCounters.perWorker(), 1, 0)) {
            final DeviceCounters device = new DeviceCounters();
            device.sent(99);
            new WorkerCounters(first.manager(), "old0", 0).publish(device, new DropCounters());
        }
        try (CountersFile second = CountersFile.create(path, 5, 2, 0)) {
            final CountersFile.Snapshot snapshot = CountersFile.read(path);
            final int[] allocated = {0};
            snapshot.reader().forEach((id, typeId, key, label) -> allocated[0]++);
            assertEquals(0, allocated[0], "no counter of the previous run survives");
            assertEquals(2, snapshot.pid());
            assertEquals(5, second.manager().capacity());
        }
    }

    @Test
    void shouldExplainAMissingOrForeignFile() throws IOException {
        final IOException missing = assertThrows(NoSuchFileException.class, () -> CountersFile.read(dir.resolve("none")));
        assertTrue(missing.getMessage().contains("is xlat running?"), missing.getMessage());
        final Path foreign = dir.resolve("foreign");
        Files.write(foreign, new byte[256]);
        final IOException e = assertThrows(IOException.class, () -> CountersFile.read(foreign));
        assertTrue(e.getMessage().contains("not an xlat counters file"), e.getMessage());
    }

    private static int idOf(CountersFile.Snapshot snapshot, String label) {
        final int[] found = {-1};
        snapshot.reader().forEach((id, typeId, key, l) -> {
            if (l.equals(label)) {
                found[0] = id;
            }
        });
        return found[0];
    }
}
