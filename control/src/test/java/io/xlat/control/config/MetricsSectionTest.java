package io.xlat.control.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.xlat.control.config.DataplaneAndBgpSectionTest.errors;
import static io.xlat.control.config.DataplaneAndBgpSectionTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsSectionTest {

    @Test
    void shouldServeNoMetricsWhenTheSectionIsAbsent() {
        assertFalse(parse("translator: {pool6: \"64:ff9b::/96\"}\n").metrics().enabled());
    }

    @Test
    void shouldListenOnLoopbackPort9464WhenTheSectionIsEmpty() {
        final MetricsConfig m = parse("metrics: {}\n").metrics();

        assertEquals(new MetricsConfig("127.0.0.1", 9464), m);
        assertEquals(MetricsConfig.DEFAULT_LISTEN, m.listen());
    }

    @Test
    void shouldTakeAnIpv4OrBracketedIpv6ListenAddress() {
        assertEquals(new MetricsConfig("192.0.2.7", 9100), parse("metrics: {listen: \"192.0.2.7:9100\"}\n").metrics());
        assertEquals(new MetricsConfig("::1", 9464), parse("metrics:\n  listen: \"[::1]:9464\"\n").metrics());
        assertEquals("[::1]:9464", parse("metrics:\n  listen: \"[::1]:9464\"\n").metrics().listen());
    }

    @Test
    void shouldTurnMetricsOffWithAnExplicitNullListen() {
        assertFalse(parse("metrics: {listen: null}\n").metrics().enabled());
    }

    @Test
    void shouldRejectHostNamesBadPortsAndUnknownKeysWithThePosition() {
        assertTrue(errors("metrics: {listen: \"localhost:9464\"}\n").get(0)
            .startsWith("t.yaml:1:19: metrics.listen: expected an IP address and a port"), errors("metrics: {listen: \"localhost:9464\"}\n").toString());
        assertEquals(1, errors("metrics: {listen: \"127.0.0.1:0\"}\n").size());
        assertEquals(1, errors("metrics: {listen: \"127.0.0.1:65536\"}\n").size());
        assertEquals(1, errors("metrics: {listen: \"127.0.0.1\"}\n").size());
        assertEquals(1, errors("metrics: {listen: \"[fe80::zz]:9464\"}\n").size());
        assertEquals(1, errors("metrics: {listen: \"300.0.0.1:9464\"}\n").size());
        assertTrue(errors("metrics: {port: 9464}\n").get(0).contains("unknown key 'port' in metrics; expected one of: "
            + "listen"));
    }

    @Test
    void shouldWriteTheEffectiveSectionSoThatItReadsBack() {
        for (final String yaml : List.of("metrics: {listen: \"[2001:db8::9]:9464\"}\n", "metrics: {}\n", "")) {
            final XlatConfig c = parse(yaml);
            assertEquals(c.metrics(), parse(c.toYaml()).metrics(), c.toYaml());
        }
    }
}
