package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.DataplaneConfig;
import io.xlat.tunio.dataplane.DataplaneSettings;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code xlat run}'s options and configuration, resolved without starting anything (no root needed). */
class RunCommandTest {

    @TempDir
    Path dir;

    private static RunCommand parse(String... args) {
        final String[] full = new String[args.length + 1];
        full[0] = "run";
        System.arraycopy(args, 0, full, 1, args.length);
        final CommandLine cli = new CommandLine(new Main());
        return (RunCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    }

    @Test
    void shouldBuildTheBenchmarkPluginConfigurationFromFlags() throws ConfigException {
        final DataplaneSettings s = parse("--tun", "xlat0", "--prefix", "2001:db8:64::/96", "--mtu", "1520",
            "--ipv4-address", "192.0.2.254", "--ipv6-address", "2001:db8:ffff::1").settings(3);

        assertEquals("xlat0", s.siitTun());
        assertEquals(1520, s.mtu());
        assertEquals(3, s.workers(), "default: one worker per core");
        assertEquals(Path.of(DataplaneConfig.DEFAULT_COUNTERS_FILE), s.countersFile());
        assertTrue(s.countersFileDefault());
        assertEquals(DataplaneSettings.IdleMode.POLL, s.idle());
        assertEquals(Ipv6Prefix.parse("2001:db8:64::/96"), s.translator().pool6());
        assertEquals(Ipv4Addresses.parse("192.0.2.254"), s.translator().ipv4Address());
        assertEquals(Ipv6Prefix.parse("2001:db8:ffff::1"), s.translator().ipv6Address());
        assertEquals(1520, s.translator().ipv6Mtu(), "--mtu is the IPv6 side's MTU");
        assertEquals(1500, s.translator().ipv4Mtu(), "and the IPv4 side's is 20 bytes less");
    }

    @Test
    void shouldKeepAnExistingDevicesMtuWithoutMtuFlag() throws ConfigException {
        final DataplaneSettings s = parse("--tun", "xlat0", "--prefix", "2001:db8:64::/96").settings(2);
        assertEquals(0, s.mtu());
        assertEquals(1500, s.translator().ipv6Mtu(), "the translator's defaults");
    }

    @Test
    void shouldTakeDeviceWorkersAndCountersFromTheConfigFile() throws Exception {
        final Path config = Files.writeString(dir.resolve("x.yaml"), """
            translator:
              pool6: 2001:db8:64::/96
            dataplane:
              siit-tun: siit7
              workers: 2
              counters-file: /run/xlat/siit7.counters
            """);
        final DataplaneSettings s = parse("--config", config.toString()).settings(8);
        assertEquals("siit7", s.siitTun());
        assertEquals(2, s.workers());
        assertEquals(Path.of("/run/xlat/siit7.counters"), s.countersFile());
        assertFalse(s.countersFileDefault(), "a chosen file is not shared silently");
        assertEquals(0, s.mtu());
    }

    @Test
    void shouldSayWhatTheConfigurationAsksForThatIsNotRunYet() throws Exception {
        final Path config = Files.writeString(dir.resolve("x.yaml"), """
            allow-empty: true
            dataplane:
              siit-tun: siit7
              ipv6-tun: xlat6
              manage-routes: true
            """);
        final RunCommand command = parse("--config", config.toString(), "--tun", "siit7");
        final DataplaneSettings s = command.settings(1);
        assertEquals(2, command.notices.size(), command.notices.toString());
        assertTrue(command.notices.get(0).contains("plain SIIT on siit7 only"), command.notices.toString());
        assertTrue(command.notices.get(1).contains("every packet will be dropped"), command.notices.toString());
        assertTrue(s.manageRoutes(), "manage-routes is run now, not just noted");
    }

    @Test
    void shouldResolveTenantModeFromTheTenantsAndTheIpv6Device() throws Exception {
        final Path config = Files.writeString(dir.resolve("t.yaml"), """
            tenants:
              - name: blue
                prefix: "2001:db8:100:1::/96"
                ipv4: [10.0.0.0/25]
                tun: xb-blue
                netns: blue
            dataplane:
              ipv6-tun: xlat6
              counters-file: /run/xlat/t.counters
            """);
        final RunCommand command = parse("--config", config.toString(), "--idle", "busy");
        final DataplaneSettings s = command.settings(1);
        assertEquals("xlat6", s.ipv6Tun());
        assertEquals(1, s.tenants().size());
        assertEquals("blue", s.tenants().get(0).netns());
        assertEquals(Path.of("/run/xlat/t.counters"), s.countersFile());
        assertEquals(DataplaneSettings.IdleMode.BUSY, s.idle());
        assertEquals(config, command.options().config(), "the file a reload reads again");
    }

    @Test
    void shouldResolveADevicePairIntoTheGlobalIpv4DeviceOfTheMultiDeviceDataplane() throws Exception {
        final Path config = Files.writeString(dir.resolve("pair.yaml"), """
            translator:
              pool6: 2001:db8:64::/96
            dataplane:
              ipv6-tun: xlat6
              ipv4-tun: xlat4
              workers: 2
            """);
        final RunCommand command = parse("--config", config.toString());
        final DataplaneSettings s = command.settings(1);
        assertEquals("xlat6", s.ipv6Tun());
        assertEquals("xlat4", s.globalTun());
        assertFalse(s.globalBothFamilies());
        assertEquals("ipv4-tun", s.globalRole());
        assertTrue(s.tenants().isEmpty());
        assertEquals(2, s.workers());
    }

    @Test
    void shouldRunSiitTunBesideTheTenantsAsTheGlobalDevice() throws Exception {
        final Path config = Files.writeString(dir.resolve("both.yaml"), """
            translator:
              pool6: 2001:db8:64::/96
            tenants:
              - name: blue
                prefix: "2001:db8:100:1::/96"
                ipv4: [10.0.0.0/25]
                tun: xb-blue
            dataplane:
              ipv6-tun: xlat6
              siit-tun: xlat0
            """);
        final DataplaneSettings s = parse("--config", config.toString()).settings(1);
        assertEquals("xlat0", s.globalTun());
        assertTrue(s.globalBothFamilies());
        assertEquals(1, s.tenants().size());
    }

    @Test
    void shouldRefuseTenantsWithoutAnIpv6DeviceAsAUsageError() throws Exception {
        final Path config = Files.writeString(dir.resolve("t3.yaml"), """
            translator:
              pool6: 2001:db8:64::/96
            tenants:
              - name: blue
                prefix: "2001:db8:100:1::/96"
                ipv4: [10.0.0.0/25]
                tun: xb-blue
            dataplane:
              siit-tun: xlat0
            """);
        final CliRun run = CliRun.of("run", "-c", config.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("tenants need dataplane.ipv6-tun"), run.err());
    }

    @Test
    void shouldRefuseTenantModeWithoutAnIpv6Device() throws Exception {
        final Path config = Files.writeString(dir.resolve("t2.yaml"), """
            tenants:
              - name: blue
                prefix: "2001:db8:100:1::/96"
                ipv4: [10.0.0.0/25]
                tun: xb-blue
            """);
        final RunCommand command = parse("--config", config.toString());
        final ParameterException e = assertThrows(ParameterException.class, () -> command.settings(1));
        assertTrue(e.getMessage().contains("dataplane.ipv6-tun"), e.getMessage());
    }

    @Test
    void shouldLetFlagsOverrideTheDataplaneSection() throws Exception {
        final Path config = Files.writeString(dir.resolve("x.yaml"), """
            translator:
              pool6: 2001:db8:64::/96
            dataplane:
              siit-tun: siit7
              workers: 2
            """);
        final DataplaneSettings s = parse("-c", config.toString(), "--tun", "other0", "--workers", "1", "--mtu", "9000",
            "--counters-file", "/tmp/c", "--idle", "backoff").settings(8);
        assertEquals("other0", s.siitTun());
        assertEquals(1, s.workers());
        assertEquals(9000, s.mtu());
        assertEquals(Path.of("/tmp/c"), s.countersFile());
        assertEquals(DataplaneSettings.IdleMode.BACKOFF, s.idle());
        assertEquals(1500, s.translator().ipv6Mtu(), "with a file, --mtu sets the device only");
    }

    @Test
    void shouldRequireTunAndPrefixWithoutAConfigFile() {
        final CliRun run = CliRun.of("run", "--tun", "xlat0");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("give --config FILE, or at least --tun NAME and --prefix PREFIX"), run.err());
    }

    @Test
    void shouldRefuseTranslatorFlagsWithAConfigFile() throws Exception {
        final Path config = Files.writeString(dir.resolve("x.yaml"), "allow-empty: true\ndataplane:\n  siit-tun: xlat0\n");
        final CliRun run = CliRun.of("run", "-c", config.toString(), "--prefix", "2001:db8:64::/96");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("put them in its translator section"), run.err());
    }

    @Test
    void shouldRefuseAConfigFileWithoutAnyDevice() throws Exception {
        final Path config = Files.writeString(dir.resolve("x.yaml"), "translator:\n  pool6: 2001:db8:64::/96\n");
        final CliRun run = CliRun.of("run", "-c", config.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("has no device to run: set dataplane.siit-tun"), run.err());
    }

    @Test
    void shouldReportABadPrefixFlagAsAConfigurationErrorNamingTheKey() {
        final CliRun run = CliRun.of("run", "--tun", "xlat0", "--prefix", "2001:db8:64::/95");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("translator.pool6"), run.err());
        assertTrue(run.err().contains("configuration rejected"), run.err());
    }

    @Test
    void shouldRefuseDeviceNamesAndNumbersLinuxWouldNot() {
        assertEquals(ExitCodes.USAGE, CliRun.of("run", "--tun", "a/b", "--prefix", "2001:db8:64::/96").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("run", "--tun", "a-name-far-too-long", "--prefix",
            "2001:db8:64::/96").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("run", "--tun", "x0", "--prefix", "2001:db8:64::/96", "--mtu",
            "1000").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("run", "--tun", "x0", "--prefix", "2001:db8:64::/96", "--workers",
            "0").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("run", "--tun", "x0", "--prefix", "2001:db8:64::/96", "--idle",
            "nap").exitCode());
    }

    @Test
    void shouldPassFlagValuesToTheLoaderAsPlainStrings() {
        assertEquals("\"a\\\"b\\\\c\\u000a\"", RunCommand.quoted("a\"b\\c\n"));
        final CliRun run = CliRun.of("run", "--tun", "xlat0", "--prefix", "2001:db8::/96\"\n  hairpin: off");
        assertEquals(ExitCodes.USAGE, run.exitCode(), "YAML in a flag is a bad prefix, not configuration");
        assertTrue(run.err().contains("translator.pool6"), run.err());
    }
}
