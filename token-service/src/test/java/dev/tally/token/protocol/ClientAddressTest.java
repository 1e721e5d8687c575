package dev.tally.token.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {
    @Test
    void throttleKeyWhenIpv4ThenTheAddressItself() {
        assertThat(ClientAddress.throttleKey("203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void throttleKeyWhenIpv6ThenItsSlash64WhateverTheSpelling() {
        assertThat(ClientAddress.throttleKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.throttleKey("2001:0DB8:0001:0002:0:0:0:1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.throttleKey("0:0:0:0:0:0:0:1")).as("loopback, as Tomcat writes it").isEqualTo("0:0:0:0::/64");
    }

    @Test
    void throttleKeyWhenIpv4MappedIpv6ThenTheIpv4Address() {
        assertThat(ClientAddress.throttleKey("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void throttleKeyWhenNotAnAddressThenTheTextAsItIsAndNothingIsLookedUp() {
        assertThat(ClientAddress.throttleKey("not:an:address:zz")).isEqualTo("not:an:address:zz");
        assertThat(ClientAddress.throttleKey("abc:xyz")).isEqualTo("abc:xyz");
        assertThat(ClientAddress.throttleKey(null)).isEmpty();
    }
}
