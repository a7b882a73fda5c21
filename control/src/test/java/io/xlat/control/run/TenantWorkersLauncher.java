package io.xlat.control.run;

import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.tunio.dataplane.Dataplane;
import io.xlat.tunio.dataplane.DataplaneSettings;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the tenant data plane of a configuration file with a given number of workers, as {@code xlat run} does
 * in tenant mode, for {@link TenantWorkersIT}: {@code TenantWorkersLauncher CONFIG WORKERS}. SIGHUP reloads the
 * file, SIGTERM stops. It lets the test choose the worker count without going through the command line's option
 * resolution.
 */
final class TenantWorkersLauncher {

    private TenantWorkersLauncher() {
    }

    public static void main(String[] args) throws Exception {
        final Path config = Path.of(args[0]);
        final int workers = Integer.parseInt(args[1]);
        final RunLog log = new RunLog(new PrintWriter(System.err, true), true);
        final Dataplane dataplane = Dataplane.start(settings(config, workers), log);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dataplane.close();
            stopped.countDown();
        }, "xlat-shutdown"));
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
            try {
                dataplane.reload(settings(config, workers));
            } catch (Exception e) {
                log.info("reload failed, the running configuration stays: " + e);
            }
        });
        stopped.await();
    }

    static DataplaneSettings settings(Path config, int workers) throws Exception {
        final XlatConfig loaded = ConfigLoader.load(config);
        return DataplaneSettings.builder().ipv6Tun(loaded.dataplane().ipv6Tun())
            .countersFile(Path.of(loaded.dataplane().countersFile()), false)
            .translator(loaded.translator()).tenants(loaded.tenants()).workers(workers).build();
    }
}
