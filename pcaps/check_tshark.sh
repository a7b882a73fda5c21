#!/usr/bin/env bash
# Decodes a pcap with tshark, checksum validation on, and reports every packet that tshark flags with expert info of
# severity warning or error (malformed packet, bad checksum, bad length...).
#
#   check_tshark.sh PCAP [ALLOWED_BAD]
#
# ALLOWED_BAD is an allowed-bad.txt: packet numbers (1-based, '#' comments) that are bad on purpose. Such a packet
# must be flagged (otherwise the case no longer tests what it claims) and is not reported as a problem.
#
# Only the layers a translator writes are dissected (IPv4, IPv6 and its extension headers, ICMP, ICMPv6 with RFC 4884
# extensions, TCP, UDP): application dissectors would otherwise flag the synthetic payloads (e.g. port 53 as DNS).
# ICMP and ICMPv6 checksums are always verified by tshark (there is no preference for them); IPv4 header, TCP and
# UDP checksums are switched on below. IPv4/IPv6 reassembly stays on, so a fragmented datagram's transport checksum
# is verified over the reassembled datagram.
#
# Exit status: 0 clean, 1 unintended problems or an allowed-bad packet that is not bad, 2 usage or tshark failure,
# 3 tshark not installed.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 PCAP [ALLOWED_BAD]" >&2
    exit 2
fi
pcap=$1
allowed_file=${2:-}
if ! command -v tshark >/dev/null 2>&1; then
    echo "tshark is not installed (Debian: apt-get install tshark)" >&2
    exit 3
fi
if [[ ! -r $pcap ]]; then
    echo "$pcap: cannot read" >&2
    exit 2
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# A private configuration directory whose disabled_protos disables every protocol but the translator's layers.
keep='^(frame|raw|ip|ip\.options\..*|ipv6|ipv6\..*|icmp|icmpv6|tcp|tcp\.options\..*|udp|data|mpls|_ws\..*)$'
tshark -G protocols 2>/dev/null | cut -f3 | grep -v -E "$keep" > "$profile/disabled_protos"

declare -A allowed=()
if [[ -n $allowed_file ]]; then
    while read -r line; do
        line=${line%%#*}
        line=${line//[[:space:]]/}
        [[ -n $line ]] && allowed[$line]=1
    done < "$allowed_file"
fi

# Expert severities (epan/proto.h): PI_CHAT 0x00200000, PI_NOTE 0x00400000, PI_WARN 0x00600000, PI_ERROR 0x00800000.
out=$(WIRESHARK_CONFIG_DIR=$profile tshark -n -r "$pcap" \
        -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -T fields -E separator='|' -E occurrence=a -E aggregator=';' \
        -e frame.number -e _ws.expert.severity -e _ws.expert.message 2>"$profile/stderr") || {
    echo "$pcap: tshark failed:" >&2
    grep -v 'Running as user' "$profile/stderr" >&2 || true
    exit 2
}

status=0
declare -A flagged=()
while IFS='|' read -r number severities messages; do
    [[ -z $number ]] && continue
    IFS=';' read -r -a sev <<< "$severities"
    IFS=';' read -r -a msg <<< "$messages"
    for i in "${!sev[@]}"; do
        s=${sev[$i]}
        [[ -z $s ]] && continue
        if (( s >= 0x00600000 )); then
            level=warning
            (( s >= 0x00800000 )) && level=error
            flagged[$number]=1
            if [[ -n ${allowed[$number]:-} ]]; then
                echo "$pcap: packet $number: $level (allowed): ${msg[$i]:-}"
            else
                echo "$pcap: packet $number: $level: ${msg[$i]:-}"
                status=1
            fi
        fi
    done
done <<< "$out"

for number in "${!allowed[@]}"; do
    if [[ -z ${flagged[$number]:-} ]]; then
        echo "$pcap: packet $number is listed in $allowed_file but tshark finds nothing wrong with it"
        status=1
    fi
done
exit $status
